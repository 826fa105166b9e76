"""Property-based tests: whatever a lesson file holds, the outcome is a PDF or a clear error.

Profiles (see conftest.py): HYPOTHESIS_PROFILE=ci (default) or thorough.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE, LESSON_1
from hypothesis import event as note
from hypothesis import given, settings
from hypothesis import strategies as st

from handouts.build import lesson_html
from handouts.editions import EDITIONS
from handouts.errors import Problem, ProblemsError
from handouts.integrity.markup import MAX_LIST_DEPTH, list_depth
from handouts.loader.project import LessonFile, gather, load_lesson
from handouts.markdown import render_block
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
    lesson, _, problems = load_lesson(path, project().corpus, module=project().module)
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
    data["questions"] = [dict(data["questions"][0], sources=["a"], lines=11)]  # no warning
    return data


SMALL = small_lesson()


@pytest.mark.slow
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
    note("rendered")
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


# Charts, module and source records, Markdown depth: the same promise, for the rest of the input.

WORDS = st.text(alphabet=UNICODE, max_size=40)
PLAIN = st.sampled_from(["people", "of whom shot", "the quota"])


def chart_value(wild: bool) -> st.SearchStrategy:
    if not wild:
        return st.just({"value": 5000, "source": "werth-00447"})
    return st.fixed_dictionaries(
        {
            "value": st.sampled_from([35000, 5000]) | st.integers(min_value=-5, max_value=10**40),
            "source": st.sampled_from(["werth-00447", "no-such-document"]),
        },
        optional={"locator": WORDS},
    )


@st.composite
def chart(draw) -> dict:
    """A chart: half plain and well formed (one sourced value per series), half wild."""
    wild = draw(st.booleans())
    words = WORDS if wild else PLAIN
    series = draw(st.lists(words, min_size=1, max_size=3) | st.lists(words, max_size=5))
    count = draw(st.integers(0, 4)) if wild and draw(st.booleans()) else len(series)
    values = st.lists(chart_value(wild), min_size=count, max_size=count)
    bar = st.fixed_dictionaries({"label": words, "values": values})
    data = {
        "id": draw(st.sampled_from(["quotas", "q", "Bad Id"] if wild else ["quotas"])),
        "title": draw(words),
        "series": series,
        "bars": draw(st.lists(bar, min_size=1, max_size=12) | st.lists(bar, max_size=14)),
        "axis": draw(words),
        "alt": draw(words),
    }
    optional = {"note": words, "teacher_only": st.booleans()}
    return data | draw(st.fixed_dictionaries({}, optional=optional))


@settings(max_examples=RENDER_EXAMPLES)
@given(st.lists(chart(), min_size=1, max_size=2))
def test_any_chart_is_drawn_or_a_clear_error(charts) -> None:
    data = copy.deepcopy(SMALL)
    data["charts"] = charts
    lesson, problems = outcome(yaml.safe_dump(data, allow_unicode=True))
    if lesson is None or any(p.severity == "error" for p in problems):
        return
    note("a valid chart")  # how often: pytest --hypothesis-show-statistics
    lesson_file = LessonFile(WORKDIR / "fuzz.yaml", lesson)
    view = build_view(project().module, lesson_file, project().corpus, project().fonts, {})
    search = project().layout.template_search
    pages = {
        name: lesson_html(view, edition, Paper.a4, search) for name, edition in EDITIONS.items()
    }
    assert "<svg" in pages["teacher"]  # every chart, the teacher-only ones too


@lru_cache(maxsize=1)
def scratch_module() -> Path:
    """A copy of the fixture module to write records into."""
    folder = Path(tempfile.mkdtemp(prefix="handouts-fuzz-module-"))
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    return folder


def gathered(module_file: Path) -> None:
    """Gather the module (no lessons): every problem names its file; nothing else is raised."""
    for problem in gather(module_file, []).problems:
        assert problem.message and problem.file


MODULE_FIELDS = [
    "id", "title", "subtitle", "audience", "language", "paper", "lessons", "credits",
    "known_words", "budget", "references", "guide",
]  # fmt: skip


@given(st.dictionaries(st.sampled_from(MODULE_FIELDS), YAML_VALUES, max_size=4))
def test_any_module_record_is_a_module_or_a_clear_error(edits) -> None:
    folder = scratch_module()
    module_file = folder / "lessons" / "module.yaml"
    data = yaml.safe_load((FIXTURE / "lessons" / "module.yaml").read_text(encoding="utf-8"))
    module_file.write_text(yaml.safe_dump({**data, **edits}, allow_unicode=True), "utf-8")
    gathered(module_file)


SOURCE_FIELDS = [
    "id", "seed", "sha256", "title", "author", "date", "short_title", "kind", "language",
    "translation", "reliability", "citation", "normalisations", "parts",
]  # fmt: skip
SOURCE_RECORD = yaml.safe_load(
    (FIXTURE / "lessons" / "sources" / "werth-00447.yaml").read_text(encoding="utf-8")
)


@given(
    st.dictionaries(st.sampled_from(SOURCE_FIELDS), YAML_VALUES, max_size=4),
    st.binary(max_size=300) | st.text(alphabet=UNICODE, max_size=300).map(str.encode),
)
def test_any_source_record_and_text_are_a_document_or_a_clear_error(edits, text: bytes) -> None:
    folder = scratch_module()
    sources = folder / "lessons" / "sources"
    record = {**SOURCE_RECORD, "id": "fuzz", **edits}
    (sources / "fuzz.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), "utf-8")
    (sources / "fuzz.txt").write_bytes(text)
    try:
        gathered(folder / "lessons" / "module.yaml")
    finally:
        (sources / "fuzz.yaml").unlink()
        (sources / "fuzz.txt").unlink()


@st.composite
def nested_list(draw) -> tuple[str, list[str]]:
    """Markdown list items, each at most one level deeper than the one before (up to 12 deep),
    and the words they hold."""
    levels = [0]
    for _ in range(draw(st.integers(0, 24))):
        deeper = min(levels[-1] + 1, 11)
        levels.append(draw(st.sampled_from([deeper, deeper, levels[-1]]) | st.integers(0, deeper)))
    words = [f"item{''.join(chr(97 + int(d)) for d in str(n))}" for n in range(len(levels))]
    text = "\n".join(f"{'  ' * level}- {word}" for level, word in zip(levels, words, strict=True))
    return text, words


@settings(max_examples=RENDER_EXAMPLES)
@given(nested_list())
def test_markdown_of_any_depth_prints_in_full_or_is_a_clear_error(nested) -> None:
    items, words = nested
    text = items + "\n\nclosing words"
    data = copy.deepcopy(SMALL)
    data["context"] = text
    lesson, problems = outcome(yaml.safe_dump(data, allow_unicode=True))
    nesting = [p for p in problems if "lists nested" in p.message]
    if nesting:
        note("nested too deep")
        assert nesting[0].field == "context" and list_depth(text) > MAX_LIST_DEPTH
        return
    assert lesson is not None and list_depth(text) <= MAX_LIST_DEPTH
    html = render_block(lesson.context)
    for word in [*words, "closing words"]:
        assert word in html
