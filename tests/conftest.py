"""Shared fixtures: the real lessons built once per session, and scratch projects."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, settings
from pypdf import PdfReader

from handouts.build import build_lessons
from handouts.editions import EDITIONS
from handouts.integrity.fidelity import normalise
from handouts.loader.project import LessonFile, Project, gather
from handouts.schema import Skill

ROOT = Path(__file__).resolve().parents[1]
LESSON_1 = ROOT / "lessons" / "01-orders-from-the-center.yaml"
LESSON_1_SOURCES = ("stalin-politburo-documents", "werth-00447")
# Property-based tests: "ci" (the default, a few hundred examples) or "thorough" (thousands).
# Choose with HYPOTHESIS_PROFILE=thorough make test.
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RUNNING = re.compile(r"^\s*(Page \d+ of \d+|The Great Terror, 1937–1938 · .*)\s*$")
"""Lines of the running header and footer, as pypdf extracts them."""


def words(text: str) -> list[str]:
    """Comparison form of text: quotes, dashes and ellipses folded, word tokens only."""
    text = normalise(text).replace("…", "...")
    text = re.sub(r"\*\*?", "", text)
    return re.findall(r"\w+", text)


def contains(haystack: list[str], needle: list[str]) -> bool:
    """Whether `needle` occurs as a contiguous run in `haystack`."""
    if not needle:
        return True
    first = needle[0]
    return any(
        haystack[i : i + len(needle)] == needle for i, word in enumerate(haystack) if word == first
    )


@dataclass
class PdfText:
    """A PDF's extracted text, per page and as word tokens."""

    path: Path
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def body(self) -> str:
        """The text without running headers and footers, so passages read across pages."""
        lines = [
            line
            for page in self.pages
            for line in page.splitlines()
            if not RUNNING.match(line.strip())
        ]
        return "\n".join(lines)

    @property
    def words(self) -> list[str]:
        return words(self.body)


def question_numbers(text: str) -> list[int]:
    """The numbers printed before questions: a number, then the question's skill tag."""
    skills = "|".join(skill.value.upper() for skill in Skill)
    return [int(n) for n in re.findall(rf"^(\d+)\.\s+(?:{skills}) ·", text, flags=re.MULTILINE)]


def read_pdf(path: Path) -> PdfText:
    reader = PdfReader(path)
    return PdfText(path, [page.extract_text() or "" for page in reader.pages])


@pytest.fixture(scope="session")
def project() -> Project:
    return gather(ROOT)


@dataclass
class Built:
    project: Project
    outputs: dict[tuple[str, str], Path]
    guide: Path

    def pdf(self, lesson: LessonFile, edition: str) -> PdfText:
        return read_pdf(self.outputs[(lesson.stem, edition)])


@pytest.fixture(scope="session")
def built(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Every lesson of the real module, every edition, rendered once."""
    assert not project.errors, [p.format() for p in project.errors]
    out = tmp_path_factory.mktemp("build")
    report = build_lessons(project, EDITIONS.values(), None, out, guide=True)
    assert not report.problems and not report.failed
    [guide] = [o.path for o in report.outputs if o.lesson is None]
    lessons = {(o.lesson.stem, o.edition.name): o.path for o in report.outputs if o.lesson}
    return Built(project, lessons, guide)


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project (lesson 1, the sources it uses, a module without the guide)."""
    lessons = tmp_path / "lessons"
    (lessons / "sources").mkdir(parents=True)
    for source in LESSON_1_SOURCES:
        for suffix in (".yaml", ".txt"):
            shutil.copy(ROOT / "lessons" / "sources" / f"{source}{suffix}", lessons / "sources")
    shutil.copy(LESSON_1, lessons / LESSON_1.name)
    module = yaml.safe_load((ROOT / "lessons" / "module.yaml").read_text(encoding="utf-8"))
    module["lessons"] = [LESSON_1.stem]
    module.pop("guide", None)
    (lessons / "module.yaml").write_text(yaml.safe_dump(module), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path
