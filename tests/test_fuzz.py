"""Property-based tests: whatever a lesson file holds, the outcome is a PDF or a clear error.

Profiles (see conftest.py): HYPOTHESIS_PROFILE=ci (default) or thorough.
"""

from __future__ import annotations

import copy
import tempfile
from functools import lru_cache
from pathlib import Path

import yaml
from conftest import FIXTURE, LESSON_1
from hypothesis import given, settings
from hypothesis import strategies as st

from handouts.build import lesson_html
from handouts.editions import EDITIONS
from handouts.errors import Problem, ProblemsError
from handouts.loader.project import LessonFile, gather, load_lesson
from handouts.renderer.pdf import render_pdf
from handouts.schema import Paper
from handouts.view import build_view

WORKDIR = Path(tempfile.mkdtemp(prefix="handouts-fuzz-"))
UNICODE = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be saved as UTF-8
RENDER_EXAMPLES = max(10, settings().max_examples // 5)  # a render takes ~0.2 s


@lru_cache(maxsize=1)
def project():
    return gather(FIXTURE / "lessons" / "module.yaml")


def outcome(text: str | bytes) -> tuple[object, list[Problem]]:
    """Load `text` as a lesson file: (lesson or None, problems). Anything else raised is a bug."""
    path = WORKDIR / "fuzz.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    lesson, _, problems = load_lesson(path, project().corpus)
    for problem in problems:
        assert problem.message and problem.file == path
    assert lesson is not None or problems
    return lesson, problems


@given(st.text(alphabet=UNICODE, max_size=3000))
def test_arbitrary_text_is_a_lesson_or_a_clear_error(text: str) -> None:
    outcome(text)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_a_lesson_or_a_clear_error(data: bytes) -> None:
    outcome(data)


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(alphabet=UNICODE),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(alphabet=UNICODE, max_size=20), children, max_size=6)
    ),
    max_leaves=40,
)


@given(YAML_VALUES)
def test_arbitrary_yaml_documents_are_a_lesson_or_a_clear_error(value) -> None:
    outcome(yaml.safe_dump(value, allow_unicode=True))


LESSON_LINES = LESSON_1.read_text(encoding="utf-8").splitlines(keepends=True)


@st.composite
def mutated_lesson(draw) -> str:
    """The real lesson 1 with a few random edits: lines dropped, doubled, swapped, retyped."""
    lines = list(LESSON_LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "swap", "insert", "indent", "dedent"]))
        if action == "drop":
            del lines[index]
        elif action == "double":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "insert":
            line = lines[index]
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.text(alphabet=UNICODE, max_size=3)) + line[at:]
        elif action == "indent":
            lines[index] = "  " + lines[index]
        else:
            lines[index] = lines[index].lstrip()
    return "".join(lines)


@given(mutated_lesson())
def test_mutated_real_lessons_are_a_lesson_or_a_clear_error(text: str) -> None:
    outcome(text)


PROSE_FIELDS = [
    ("title",),
    ("subtitle",),
    ("central_question",),
    ("objectives", 0),
    ("content_note",),
    ("context",),
    ("vocabulary", 0, "term"),
    ("vocabulary", 0, "definition"),
    ("timeline", 0, "date"),
    ("timeline", 0, "event"),
    ("sources", 0, "title"),
    ("sources", 0, "headnote"),
    ("sources", 0, "locator"),
    ("questions", 0, "prompt"),
    ("questions", 0, "answer"),
    ("activities", 0, "title"),
    ("activities", 0, "description"),
    ("teacher_notes",),
]


def small_lesson() -> dict:
    """Lesson 1 cut to one document and one question: quick to render."""
    data = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data["sources"] = data["sources"][:1]
    data["questions"] = [dict(data["questions"][0], sources=["a"])]
    return data


SMALL = small_lesson()


@settings(max_examples=RENDER_EXAMPLES)
@given(st.lists(st.tuples(st.sampled_from(PROSE_FIELDS), st.text(alphabet=UNICODE)), max_size=6))
def test_any_unicode_in_text_fields_renders_or_is_a_clear_error(edits) -> None:
    data = copy.deepcopy(SMALL)
    for where, value in edits:
        target = data
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value
    lesson, problems = outcome(yaml.safe_dump(data, allow_unicode=True))
    if lesson is None or problems:
        return  # a clear error, e.g. a character no bundled font has
    lesson_file = LessonFile(WORKDIR / "fuzz.yaml", lesson)
    fonts, search = project().fonts, project().layout.template_search
    view = build_view(project().module, lesson_file, project().corpus, fonts, {})
    for edition in EDITIONS.values():
        try:
            html = lesson_html(view, edition, Paper.a4, search)
            rendered = render_pdf(html, lesson_file.path, search)
        except ProblemsError as error:
            assert error.problems
            continue
        assert rendered.pdf.startswith(b"%PDF") and rendered.pages >= 1
