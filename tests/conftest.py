"""Shared fixtures.

Two kinds of test live here. Engine tests run on the frozen one-lesson module
in tests/fixtures/module (copied into a scratch folder when they change it).
Content tests run on the real module in lessons/: its HTML (every lesson in
every edition, made in a fraction of a second) for what an edition shows, and
its PDFs, rendered once per session and each read once, for what only a PDF
shows. Tests that render PDFs are marked `slow`: `make test-fast` skips them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from functools import lru_cache
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from PIL import Image
from pypdf import PdfReader

from handouts.build import build, plan
from handouts.editions import EDITIONS
from handouts.integrity.fidelity import normalise
from handouts.loader.project import LessonFile, Project, gather
from handouts.schema import Paper, Skill

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "lessons" / "module.yaml"
"""The real module (content tests)."""
FIXTURE = ROOT / "tests" / "fixtures" / "module"
"""The frozen one-lesson module (engine tests)."""
LESSON_1 = FIXTURE / "lessons" / "01-orders-from-the-center.yaml"
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


MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 17, 15
"""The page margins of print.css: the running header and footer sit inside them."""


@lru_cache(maxsize=128)
def page_fill(pdf: Path) -> list[float]:
    """How far down its text area each page is inked (0 to 1), from the page as printed.

    Text extraction cannot tell a page of ruled writing lines from a blank one; the
    printed page can (pdftoppm at 30 dpi, greyscale).
    """
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install poppler-utils")
    folder = pdf.parent / f".fill-{pdf.stem}"
    folder.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-png", str(pdf), str(folder / "p")], check=True
    )
    height_pt = float(PdfReader(pdf).pages[0].mediabox.height)
    fractions = []
    for png in sorted(folder.glob("p-*.png")):
        image = Image.open(png).convert("L")
        width, height = image.size
        per_mm = height / height_pt * 72 / 25.4
        top, bottom = int(MARGIN_TOP_MM * per_mm), height - int(MARGIN_BOTTOM_MM * per_mm)
        pixels = image.load()
        inked = [y for y in range(top, bottom) if any(pixels[x, y] < 160 for x in range(width))]
        fractions.append((max(inked) - top) / (bottom - top) if inked else 0.0)
    return fractions


def question_numbers(text: str) -> list[int]:
    """The numbers printed before questions: a number, then the question's skill tag."""
    skills = "|".join(skill.value.upper() for skill in Skill)
    return [int(n) for n in re.findall(rf"^(\d+)\.\s+(?:{skills}) ·", text, flags=re.MULTILINE)]


def read_pdf(path: Path) -> PdfText:
    """A PDF's text, extracted once per file and run (text extraction is the slow part)."""
    return _read_pdf(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=128)
def _read_pdf(path: Path, _mtime: int) -> PdfText:
    reader = PdfReader(path)
    return PdfText(path, [page.extract_text() or "" for page in reader.pages])


@pytest.fixture(scope="session")
def project() -> Project:
    return gather(MODULE)


@dataclass
class HtmlText:
    """The HTML of every lesson of the real module in every edition, and of the guide."""

    project: Project
    html: dict[tuple[str, str], str]

    def text(self, lesson: LessonFile, edition: str) -> PdfText:
        """The words of an edition as its HTML says them (what the PDF prints, minus layout)."""
        source = self.html[(lesson.stem, edition)]
        source = re.sub(r"<(style|title)[^>]*>.*?</\1>", " ", source, flags=re.S)
        text = unescape(re.sub(r"<[^>]+>", " ", source))
        return PdfText(Path(lesson.stem), [text])


@pytest.fixture(scope="session")
def html(project: Project) -> HtmlText:
    assert not project.errors, [p.format() for p in project.errors]
    jobs, report = plan(project, EDITIONS.values())
    assert not report.problems
    pages = {(j.lesson.stem if j.lesson else "guide", j.edition.name): j.html for j in jobs}
    return HtmlText(project, pages)


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
    layout = replace(project.layout, build=out)
    report = build(replace(project, layout=layout), EDITIONS.values())
    assert not report.problems and not report.failed
    [guide] = [o.path for o in report.outputs if o.lesson is None]
    lessons = {(o.lesson.stem, o.edition.name): o.path for o in report.outputs if o.lesson}
    return Built(project, lessons, guide)


@dataclass
class Letter:
    """Every lesson of the real module, every edition, and the guide, on US Letter."""

    outputs: dict[tuple[str, str], Path]
    guide: Path


@pytest.fixture(scope="session")
def letter(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Letter:
    """The module rendered once more on Letter (page budgets, PDF/UA in both papers)."""
    out = tmp_path_factory.mktemp("letter")
    project = replace(built.project, layout=replace(built.project.layout, build=out))
    report = build(project, EDITIONS.values(), Paper.letter)
    assert not report.problems and not report.failed
    [guide] = [o.path for o in report.outputs if o.lesson is None]
    lessons = {(o.lesson.stem, o.edition.name): o.path for o in report.outputs if o.lesson}
    return Letter(lessons, guide)


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture module to change, as the current folder."""
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that reads the rendered module is slow (`make test-fast` leaves it out)."""
    for item in items:
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags for Debian's chromium as root on a machine with no outside network."""


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright; the test is skipped, saying why, without it."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip(
            "browser test skipped: no chromium on this machine (Debian: apt-get install"
            " chromium); .ci/run installs it, so CI always runs this test"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
