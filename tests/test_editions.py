"""What each edition shows: its HTML for the words, its PDF for what only a PDF shows."""

from __future__ import annotations

import html
import re

import pikepdf
import pytest
from conftest import Built, HtmlText, contains, question_numbers, words
from pypdf import PdfReader

from handouts.typeset.fonts import Typesetter
from handouts.view import grade_label, wrap_excerpt


def paragraphs(text: str) -> list[str]:
    """Markdown blocks of a text (a page break may reorder blocks in extraction, not words)."""
    return [block for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )", text) if words(block)]


def test_student_edition_has_every_prompt_and_no_answer(html: HtmlText) -> None:
    for lesson_file in html.project.lessons:
        pdf = html.text(lesson_file, "student")
        for question in lesson_file.lesson.questions:
            assert contains(pdf.words, words(question.prompt)), (lesson_file.stem, question.id)
            assert not contains(pdf.words, words(question.answer)), (lesson_file.stem, question.id)
        assert "Exemplar answer" not in pdf.text.replace("\n", " ")


def test_teacher_edition_has_every_answer(html: HtmlText) -> None:
    for lesson_file in html.project.lessons:
        pdf = html.text(lesson_file, "teacher")
        for question in lesson_file.lesson.questions:
            assert contains(pdf.words, words(question.prompt)), (lesson_file.stem, question.id)
            assert contains(pdf.words, words(question.answer)), (lesson_file.stem, question.id)


def test_teacher_edition_has_pacing_notes_and_reliability(html: HtmlText) -> None:
    for lesson_file in html.project.lessons:
        lesson = lesson_file.lesson
        pdf = html.text(lesson_file, "teacher")
        student = html.text(lesson_file, "student")
        for activity in lesson.activities:
            assert contains(pdf.words, words(activity.description)), activity.title
            assert not contains(student.words, words(activity.description)), activity.title
        for paragraph in paragraphs(lesson.teacher_notes or ""):
            assert contains(pdf.words, words(paragraph)), paragraph[:60]
            assert not contains(student.words, words(paragraph)), paragraph[:60]
        for excerpt in lesson.sources:
            record = html.project.corpus[excerpt.source].record
            for paragraph in paragraphs(record.reliability):
                assert contains(pdf.words, words(paragraph)), excerpt.source
                assert not contains(student.words, words(paragraph)), excerpt.source


@pytest.mark.slow
def test_page_one_of_student_edition_has_the_name_line(built: Built) -> None:
    for lesson_file in built.project.lessons:
        first = built.pdf(lesson_file, "student").pages[0]
        assert re.search(r"Name\s+Class\s+Date", first), lesson_file.stem
        assert contains(words(first), words(lesson_file.lesson.title))
        assert contains(words(first), words(lesson_file.lesson.content_note.split("\n\n")[0]))
        assert "Content note" in first or "CONTENT NOTE" in first


@pytest.mark.slow
def test_every_page_has_header_and_page_x_of_y(built: Built) -> None:
    for lesson_file in built.project.lessons:
        for edition, marker in (("student", "Student worksheet"), ("teacher", "TEACHER EDITION")):
            pdf = built.pdf(lesson_file, edition)
            total = len(pdf.pages)
            for number, page in enumerate(pdf.pages, start=1):
                assert f"Page {number} of {total}" in page, (lesson_file.stem, edition, number)
                assert marker in page, (lesson_file.stem, edition, number)
                assert contains(words(page), words(lesson_file.lesson.title))


def test_teacher_edition_has_no_name_line(html: HtmlText) -> None:
    for lesson_file in html.project.lessons:
        assert 'class="name-line"' not in html.html[(lesson_file.stem, "teacher")]
        assert 'class="name-line"' in html.html[(lesson_file.stem, "student")]


@pytest.mark.slow
def test_excerpts_print_word_for_word_without_line_numbers_in_the_text(built: Built) -> None:
    """Line numbers are drawn, not typed: copying a line never picks up its number."""
    checked = 0
    for lesson_file in built.project.lessons:
        pdf_words = built.pdf(lesson_file, "student").words
        for excerpt in lesson_file.lesson.sources:
            for paragraph in wrap_excerpt(excerpt.text, Typesetter.bundled()):
                for line in paragraph:
                    line_words = words(html.unescape(re.sub(r"<[^>]+>", "", str(line.html))))
                    if line.mark is None or not line_words:
                        continue
                    assert contains(pdf_words, line_words), (excerpt.id, line.number)
                    if len(line_words) >= 4:  # a short line may follow its number by chance
                        assert not contains(pdf_words, [str(line.number), *line_words])
                    checked += 1
    assert checked > 0


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["student", "teacher", "large-print", "fillable"])
def test_questions_are_numbered_in_order(built: Built, edition: str) -> None:
    for lesson_file in built.project.lessons:
        numbers = question_numbers(built.pdf(lesson_file, edition).text)
        count = len(lesson_file.lesson.questions)
        assert numbers[:count] == list(range(1, count + 1)), (lesson_file.stem, edition)


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_pdfs_are_structurally_sound_and_fonts_embedded(built: Built, edition: str) -> None:
    for lesson_file in built.project.lessons:
        path = built.outputs[(lesson_file.stem, edition)]
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == [], path  # what `qpdf --check` reports
        fonts = set()
        for page in PdfReader(path).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts.add(str(font["/BaseFont"]).split("+")[-1])
        # Only the bundled families: nothing fell back to a font installed on the machine.
        assert fonts, path
        assert all(font.startswith(("Charis-SIL", "Noto-Sans")) for font in fonts), fonts


@pytest.mark.slow
def test_paper_sizes(built: Built, tmp_path) -> None:
    from dataclasses import replace

    from handouts.build import build
    from handouts.editions import STUDENT
    from handouts.schema import Paper

    a4 = PdfReader(built.outputs[(built.project.lessons[0].stem, "student")]).pages[0]
    assert (round(float(a4.mediabox.width)), round(float(a4.mediabox.height))) == (595, 842)
    project = built.project
    one = replace(
        project,
        lessons=project.lessons[:1],
        complete=False,
        layout=replace(project.layout, build=tmp_path),
    )
    report = build(one, [STUDENT], Paper.letter)
    (output,) = report.outputs
    assert output.path.name.endswith("-student-letter.pdf")
    page = PdfReader(output.path).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_each_document_is_followed_by_its_own_questions(html: HtmlText) -> None:
    """Guiding questions sit under their document; questions on several come after the last."""
    for lesson_file in html.project.lessons:
        lesson = lesson_file.lesson
        page = html.html[(lesson_file.stem, "student")]
        starts = [
            page.index(f'id="{lesson.id}-document-{chr(97 + i)}"')
            for i in range(len(lesson.sources))
        ]
        ends = [*starts[1:], len(page)]
        last = starts[-1]
        for question in lesson.questions:
            at = page.index(f'id="{lesson.id}-{question.id}"')
            if len(question.sources) == 1:
                index = [e.id for e in lesson.sources].index(question.sources[0])
                assert starts[index] < at < ends[index], (lesson_file.stem, question.id)
            else:
                assert at > last, (lesson_file.stem, question.id)
        # the source packet prints the documents alone
        assert 'class="question"' not in html.html[(lesson_file.stem, "sources")]


def test_numbering_is_the_same_in_every_edition(html: HtmlText) -> None:
    for lesson_file in html.project.lessons:
        numbering = None
        for edition in ("student", "teacher", "large-print", "fillable"):
            found = re.findall(
                r'<div class="question" id="[^"]+-([^"]+)">\s*<div class="q-head">\s*'
                r'<span class="q-number">(\d+)\.',
                html.html[(lesson_file.stem, edition)],
            )
            assert [int(n) for _, n in found] == list(range(1, len(found) + 1)), edition
            assert numbering in (None, found), edition
            numbering = found


def test_a_source_quoted_twice_gets_its_reliability_note_once(html: HtmlText) -> None:
    shared = 0
    for lesson_file in html.project.lessons:
        lesson = lesson_file.lesson
        page = html.html[(lesson_file.stem, "teacher")]
        text = html.text(lesson_file, "teacher").words
        first: dict[str, str] = {}
        for index, excerpt in enumerate(lesson.sources):
            label = f"Document {chr(65 + index)}"
            if excerpt.source in first:
                assert f"The same source as {first[excerpt.source]}: see the note there." in page
                shared += 1
            first.setdefault(excerpt.source, label)
        for source in first:
            opening = words(html.project.corpus[source].record.reliability)[:10]
            runs = [i for i in range(len(text)) if text[i : i + len(opening)] == opening]
            assert len(runs) == 1, (lesson_file.stem, source, len(runs))
    assert shared  # the module quotes Werth more than once in a lesson


@pytest.mark.parametrize(
    ("band", "label"),
    [
        ("10-12", "Grades 10–12"),
        ("11", "Grade 11"),
        ("first-year university", "first-year university"),
    ],
)
def test_the_grade_band_reads_as_english(band: str, label: str) -> None:
    assert grade_label(band) == label
