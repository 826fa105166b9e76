"""Lessons a class can finish: read from the real module's PDFs, as a teacher would check them.

Each worksheet fits the module's page budget in A4 and in Letter with no
near-empty page, each document is followed by its own questions, and large
print reads as text (no broken lines, no italics, a one-line header).
"""

from __future__ import annotations

import re

import pytest
from conftest import Built, HtmlText, Letter, page_fill, read_pdf, words
from pypdf import PdfReader

QUARTER = 0.25


def budget(built: Built, stem: str) -> int:
    lesson = next(f.lesson for f in built.project.lessons if f.stem == stem)
    return built.project.module.budget.pages_per_period * lesson.periods


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_worksheet_fits_its_budget_with_no_near_empty_page(
    built: Built, letter: Letter, paper: str
) -> None:
    for lesson_file in built.project.lessons:
        stem = lesson_file.stem
        pdf = (built if paper == "a4" else letter).outputs[(stem, "student")]
        pages = page_fill(pdf)
        assert len(pages) <= budget(built, stem), (stem, paper, len(pages))
        for number, used in enumerate(pages[:-1], start=1):
            assert used >= QUARTER, f"{stem} ({paper}) page {number} is {used:.0%} used"


def test_each_document_is_followed_by_its_questions_in_the_student_pdf(built: Built) -> None:
    for lesson_file in built.project.lessons:
        lesson = lesson_file.lesson
        text = read_pdf(built.outputs[(lesson_file.stem, "student")]).body
        starts = [
            _position(text, f"Document {chr(65 + i)} {e.title}")
            for i, e in enumerate(lesson.sources)
        ]
        ends = [*starts[1:], len(text)]
        for question in lesson.questions:
            position = _position(text, question.prompt)
            if len(question.sources) == 1:
                index = [e.id for e in lesson.sources].index(question.sources[0])
                assert starts[index] < position < ends[index], (lesson_file.stem, question.id)
            else:
                assert position > starts[-1], (lesson_file.stem, question.id)


def _position(text: str, prompt: str) -> int:
    """Where the first words of a prompt stand in the extracted text (line breaks vary)."""
    first = words(prompt)[:6]
    pattern = r"\W+".join(re.escape(word) for word in first)
    match = re.search(pattern, text)
    assert match, first
    return match.start()


def test_large_print_reflows_excerpts_with_the_same_line_marks(html: HtmlText) -> None:
    for lesson_file in html.project.lessons:
        large = html.html[(lesson_file.stem, "large-print")]
        standard = html.html[(lesson_file.stem, "student")]
        assert '<div class="line">' in standard
        assert '<div class="line">' not in large, lesson_file.stem  # no broken source lines
        assert large.count('class="ln-flow"') == standard.count('<span class="ln">')


def test_large_print_has_no_italics_and_a_one_line_header(built: Built) -> None:
    for lesson_file in built.project.lessons:
        path = built.outputs[(lesson_file.stem, "large-print")]
        reader = PdfReader(path)
        fonts = {
            str(font.get_object()["/BaseFont"])
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert not [f for f in fonts if "Italic" in f], (lesson_file.stem, fonts)
        title = words(lesson_file.lesson.title)
        for number, page in enumerate(read_pdf(path).pages, start=1):
            header = [line for line in page.splitlines() if line.endswith("LARGE PRINT")]
            # The running header is one line: the lesson's title, then the edition.
            assert [words(line)[:-2] for line in header] == [title], (lesson_file.stem, number)
