"""Print-ready editions, read back from the PDFs: packet, large print, fillable, accessibility."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
from conftest import RUNNING, Built, HtmlText, contains, page_fill, read_pdf, words
from pypdf import PdfReader

from handouts.build import lesson_html
from handouts.editions import EDITIONS, LARGE_PRINT, STUDENT
from handouts.schema import Paper
from handouts.view import build_view, print_order

NAME_FIELDS = ("name", "class", "date")


def body_font_size(path: Path, pages: slice = slice(None)) -> float:
    """The font size (pt) most characters are set in, measured from the PDF's text matrices."""
    sizes: Counter[float] = Counter()

    def visit(text, cm, tm, font, size) -> None:
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        if text.strip():
            sizes[round(size * scale, 1)] += len(text.strip())

    for page in PdfReader(path).pages[pages]:
        page.extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def test_every_lesson_has_all_five_editions(built: Built) -> None:
    for lesson_file in built.project.lessons:
        for edition in EDITIONS:
            assert built.outputs[(lesson_file.stem, edition)].stat().st_size > 10_000


def test_source_packet_has_every_document_one_per_page_and_no_questions(built: Built) -> None:
    for lesson_file in built.project.lessons:
        pdf = built.pdf(lesson_file, "sources")
        lesson = lesson_file.lesson
        for excerpt in lesson.sources:
            assert contains(pdf.words, words(excerpt.headnote)), excerpt.id
        for question in lesson.questions:
            assert not contains(pdf.words, words(question.prompt)), question.id
        assert not contains(pdf.words, words(lesson.context))
        assert contains(pdf.words, words(lesson.content_note))  # every edition carries it
        heads = [
            words(f"Document {chr(ord('A') + i)} {excerpt.title}")
            for i, excerpt in enumerate(lesson.sources)
        ]
        pages = [words(page) for page in pdf.pages]
        first = [min(n for n, page in enumerate(pages) if contains(page, h)) for h in heads]
        assert first == sorted(set(first)), f"{lesson_file.stem}: one document per page"


def test_large_print_body_is_18pt_and_standard_is_smaller(built: Built) -> None:
    for lesson_file in built.project.lessons:
        large = built.outputs[(lesson_file.stem, "large-print")]
        standard = built.outputs[(lesson_file.stem, "student")]
        assert body_font_size(large) >= 18, lesson_file.stem
        assert body_font_size(standard) < 12, lesson_file.stem


def test_large_print_keeps_question_and_line_numbers(built: Built) -> None:
    for lesson_file in built.project.lessons:
        project = built.project
        view = build_view(
            project.module, lesson_file, project.corpus, project.fonts, project.references
        )
        search = project.layout.template_search
        marks = [
            re.findall(r"ln-digits.*?base64,([^)]+)\)", lesson_html(view, e, Paper.a4, search))
            for e in (STUDENT, LARGE_PRINT)
        ]
        assert marks[0] and marks[0] == marks[1], lesson_file.stem
        large = built.pdf(lesson_file, "large-print")
        for question in lesson_file.lesson.questions:
            assert contains(large.words, words(question.prompt))


def test_fillable_has_a_field_per_question_plus_name_class_date(built: Built) -> None:
    for lesson_file in built.project.lessons:
        path = built.outputs[(lesson_file.stem, "fillable")]
        fields = PdfReader(path).get_fields()
        lesson = lesson_file.lesson
        questions = [q for q in lesson.questions if q.lines]
        cells = {  # an organizer's cells are fields too, named by question, row and column
            f"{q.id}-r{row}c{column}": q
            for q in lesson.questions
            if q.organizer
            for row in range(1, (len(q.organizer.row_labels) or q.organizer.rows) + 1)
            for column in range(1, len(q.organizer.columns) + 1)
        }
        assert len(fields) == len(questions) + len(cells) + len(NAME_FIELDS)
        assert list(fields)[:3] == list(NAME_FIELDS)
        numbers = {q.id: n for n, q in enumerate(print_order(lesson), start=1)}
        for question in questions:
            field = fields[question.id]
            assert field["/FT"] == "/Tx"
            assert field["/Ff"] & 4096, "multi-line"  # PDF field flag bit 13
            assert field["/TU"] == f"Answer to question {numbers[question.id]}"
        for name, question in cells.items():
            assert fields[name]["/TU"].endswith(f"(question {numbers[question.id]})"), name
        with pikepdf.open(path) as pdf:
            widgets = [
                a
                for page in pdf.pages
                for a in page.get("/Annots", [])
                if a.get("/Subtype") == "/Widget"
            ]
            assert len(widgets) == len(fields)
            assert all(int(w.get("/F", 0)) & 4 for w in widgets), "typed answers must print"
        pdf = built.pdf(lesson_file, "fillable")
        for question in lesson_file.lesson.questions:
            assert not contains(pdf.words, words(question.answer))


def test_only_the_fillable_edition_has_fields(built: Built) -> None:
    for (stem, edition), path in built.outputs.items():
        if edition != "fillable":
            assert not PdfReader(path).get_fields(), (stem, edition)


def pdfua_failures(path: Path) -> list[tuple[str, str, str]]:
    """Findings of the pdfua checker, plus any rule it could not run (a skip is no pass)."""
    import pdfua.rules.structure as structure
    from pdfua import validate

    # pdfua 0.1.3 crashes on headings whose /K is an array (WeasyPrint's are) and then
    # skips the rule; this makes that rule run instead.
    original = structure.as_integer
    structure.as_integer = lambda value: (
        None if isinstance(value, pikepdf.Array | pikepdf.Dictionary) else original(value)
    )
    try:
        report = validate(str(path))
    finally:
        structure.as_integer = original
    found = [(f.rule_id, f.location.describe(), f.message) for f in report.findings]
    return found + [(o.rule_id, "skipped", str(o.skipped_reason)) for o in report.skipped]


def test_every_pdf_passes_the_pdfua_checker(built: Built) -> None:
    for path in [*built.outputs.values(), built.guide]:
        assert pdfua_failures(path) == [], path.name


def test_the_checker_can_fail() -> None:
    """An untagged PDF (as WeasyPrint writes without pdf/ua-1) must not pass."""
    from weasyprint import HTML

    target = Path(__file__).parent / ".untagged.pdf"
    try:
        HTML(string="<h1>Untagged</h1><p>text</p>").write_pdf(target)
        assert {rule for rule, _, _ in pdfua_failures(target)} >= {"UA-01-005"}
    finally:
        target.unlink(missing_ok=True)


def test_metadata_language_and_bookmarks(built: Built) -> None:
    for (stem, edition), path in built.outputs.items():
        reader = PdfReader(path)
        meta = reader.metadata
        lesson = next(f.lesson for f in built.project.lessons if f.stem == stem)
        assert meta.title.startswith(lesson.title.replace('"', "").split("“")[0].strip()[:10])
        assert meta.author and meta.subject
        assert reader.trailer["/Root"]["/Lang"] == "en"
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
        titles = [item.title for item in reader.outline if not isinstance(item, list)]
        assert titles and titles[0] in (
            lesson.title,
            lesson.title.replace('"', "“", 1).replace('"', "”", 1),
        ), (stem, edition, titles[:1])


def test_copied_text_has_no_ligatures_soft_hyphens_or_blank_pages(
    built: Built, html: HtmlText
) -> None:
    lessons = {f.stem: f for f in built.project.lessons}
    for (stem, edition), path in built.outputs.items():
        pdf = read_pdf(path)
        assert not re.search("[\ufb00-\ufb06\u00ad]", pdf.text), (stem, edition)
        # Every character copied is one the edition prints (case aside: some headings are
        # uppercased by CSS; list bullets are drawn): a ligature glyph mapped to the wrong
        # character ("first" as "ˣrst", once the fillable edition's) shows up here.
        printed = set(html.text(lessons[stem], edition).text.lower()) | {"•"}
        copied = set(re.sub(r"\s", "", pdf.body).lower())
        assert copied <= printed, (stem, edition, sorted(copied - printed))
        wordless = [
            number
            for number, page in enumerate(pdf.pages, start=1)
            if not [line for line in page.splitlines() if line.strip() and not RUNNING.match(line)]
        ]
        # A page without words may only be writing space run on from a question taller than
        # the room left (ruled lines: ink); a page with nothing printed on it never appears.
        fill = page_fill(path) if wordless else []
        blank = [number for number in wordless if fill[number - 1] == 0]
        assert not blank, f"{stem} {edition}: blank pages {blank}"


HEADINGS = re.compile(
    r"^(Background|Documents|Timeline|Charts?|Questions.*|Lesson plan|"
    r"Notes for the teacher|WORDS TO KNOW)$"
)


def test_no_section_heading_is_left_alone_at_the_foot_of_a_page(built: Built) -> None:
    for (stem, edition), path in built.outputs.items():
        for number, page in enumerate(read_pdf(path).pages[:-1], start=1):
            lines = [
                line.strip()
                for line in page.splitlines()
                if line.strip() and not RUNNING.match(line.strip())
            ]
            assert not lines or not HEADINGS.match(lines[-1]), f"{stem} {edition} p{number}"


def test_build_reports_pages_per_edition_and_is_byte_identical(scratch: Path) -> None:
    command = [sys.executable, "-m", "handouts", "build"]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert re.search(
        r"Pages per edition: student \d+, teacher \d+, sources \d+, "
        r"large-print \d+, fillable \d+",
        first.stdout,
    ), first.stdout
    shutil.move(scratch / "build", scratch / "first")
    subprocess.run(command, capture_output=True, check=True)
    written = sorted(p.relative_to(scratch / "build") for p in (scratch / "build").rglob("*.pdf"))
    assert len(written) == len(EDITIONS)
    for name in written:
        assert (scratch / "build" / name).read_bytes() == (scratch / "first" / name).read_bytes()
