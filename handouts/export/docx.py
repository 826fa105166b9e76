"""Word export: the student worksheet and the teacher edition as .docx files (python-docx).

A teacher hands work out through Google Classroom as a Word file turned into a Google Doc,
one copy per student; so the file must survive that conversion and be typed into. It is
built from the lesson's view data (the same numbered lines, questions and switches as the
PDFs: `handouts/editions.py`), never from the print HTML:

- real headings (Heading 1-4), so Word's navigation pane and screen readers find the parts;
- every document's text in a table, one printed line a row, its line number in a cell of its
  own (see `_Writer.excerpt_text` for why);
- answer space as bordered table cells sized from the question's writing lines: a student
  clicks in and types, and the cell grows with the answer;
- glossary, timeline, lesson plan and organizers as tables; charts drawn from the view's SVG
  into PNG pictures, with the chart's `alt` as the picture's alternative text;
- the module's language on the styles, the bundled fonts (Charis SIL, Noto Sans) named in
  them, and the same bytes for the same lesson (no dates, fixed zip entry times).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from markupsafe import Markup

from handouts.editions import STUDENT, TEACHER, Edition
from handouts.errors import Problem, ProblemsError
from handouts.export import ExportLesson, ExportOptions
from handouts.export.bank import picture
from handouts.export.common import deterministic_zip
from handouts.schema import ImageDocument, Paper
from handouts.typeset.fonts import BODY_FONT as BODY_FONT_FILE
from handouts.view import (
    ChartView,
    DocumentBlock,
    ExcerptView,
    ImageView,
    LessonView,
    QuestionView,
)

BODY_FONT = "Charis SIL"
HEADING_FONT = "Noto Sans"
"""The bundled fonts, named in the styles: Word uses them where installed (both are free),
and substitutes a similar font where not."""

WORD_EDITIONS: dict[str, Edition] = {
    "student": STUDENT,
    "fillable": STUDENT,
    "large-print": STUDENT,
    "teacher": TEACHER,
}
"""The file each edition asked for gives. A Word worksheet is already fillable (every answer
space takes typing) and its reader can enlarge it (the excerpt rows rewrap, each line keeping
its number); the source packet, one document a page for projecting, stays a PDF."""

MARGIN_MM = 20.0
PAPER_MM = {Paper.a4: (210.0, 297.0), Paper.letter: (215.9, 279.4)}
LINE_MM = 7.0
"""Height of one line of writing space, as in the fillable PDF's answer fields."""
NUMBER_COLUMN_MM = 10.0
CHART_WIDTH_MM = 160.0
CHART_SCALE = 4
"""Pixels per SVG unit: the 480-unit chart becomes 1920 pixels, about 300 dpi at 160 mm."""


def export(lesson: ExportLesson, options: ExportOptions) -> dict[str, bytes]:
    """`<stem>-student.docx` and/or `<stem>-teacher.docx`, as the editions asked for."""
    editions: list[Edition] = []
    for asked in options.editions:
        edition = WORD_EDITIONS.get(asked.name)
        if edition is not None and edition not in editions:
            editions.append(edition)
    if not editions:
        asked = ", ".join(e.name for e in options.editions)
        raise ProblemsError(
            [
                Problem(
                    lesson.lesson_file.path,
                    f"the Word export has a student worksheet and a teacher edition; the"
                    f" edition asked for ({asked}) has no Word file",
                    hint="use --edition student, teacher or all; the source packet is printed"
                    " with 'handouts build --edition sources'",
                )
            ]
        )
    stem = lesson.lesson_file.stem
    return {f"{stem}-{e.name}.docx": _document(lesson, e) for e in editions}


def _document(lesson: ExportLesson, edition: Edition) -> bytes:
    document = Document()
    _page(document, lesson, edition)
    _styles(document, lesson.view.language)
    _properties(document, lesson.view, edition)
    _Writer(document, lesson, edition).write()
    out = BytesIO()
    document.save(out)
    return _reproducible(out.getvalue())


# Page, styles and properties


def _page(document, lesson: ExportLesson, edition: Edition) -> None:
    """Paper and margins of the module; a running header and 'Page N of M' footer."""
    width, height = PAPER_MM[lesson.module.paper]
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    view = lesson.view
    marker = edition.marker.upper() if edition.marker else edition.label
    header = section.header.paragraphs[0]
    header.text = f"{view.module_title} · {view.title.striptags()} · {marker}"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:
    """A simple field (page number, page count) that Word and LibreOffice update."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _fonts(element, name: str, language: str | None = None) -> None:
    """Name `name` for every script in a run-properties element (dropping theme fonts, which
    would win over it), and set the language when given."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(script), name)
    if language:
        lang = element.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            element.append(lang)
        for script in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(script), language)


PARAGRAPH_STYLES: dict[str, dict] = {
    # name: font (else the body font), size (pt), bold, space before/after (pt), keep with next
    "Kicker": {"font": HEADING_FONT, "size": 9, "before": 6},
    "Meta": {"font": HEADING_FONT, "size": 9, "after": 8},
    "Central Question": {"size": 12, "bold": True},
    "Excerpt": {"size": 10.5, "after": 0},
    "Line Number": {"font": HEADING_FONT, "size": 7.5, "after": 0},
    "Citation": {"size": 9, "before": 3},
    "Question": {"font": HEADING_FONT, "size": 9, "before": 10, "after": 2, "keep": True},
    "Prompt": {"keep": True, "after": 4},
    "Option": {"keep": True, "after": 2},
    "Answer Label": {"font": HEADING_FONT, "size": 9, "bold": True, "keep": True, "after": 2},
    "Teacher": {"size": 10, "after": 4},
    "Table Text": {"size": 10, "after": 0},
}
"""The styles this export adds (their names are what a teacher sees in Word's style list)."""


def _styles(document, language: str) -> None:
    """Body and heading fonts, sizes in black, the document language on every style."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(run_defaults, BODY_FONT, language)
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0  # Charis SIL's own line gap is generous
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT, language)
    for level, size in ((1, 18), (2, 13), (3, 11.5), (4, 10.5)):
        heading = styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        heading.paragraph_format.space_after = Pt(4)
        _fonts(heading.element.get_or_add_rPr(), HEADING_FONT, language)
    for name in ("Header", "Footer", "Subtitle"):
        _fonts(styles[name].element.get_or_add_rPr(), HEADING_FONT)
    lists = [f"List {kind}{level}" for kind in ("Bullet", "Continue") for level in ("", " 2", " 3")]
    for name in ("Caption", *lists):
        _fonts(styles[name].element.get_or_add_rPr(), BODY_FONT)
    for name in ("Caption", "Subtitle"):
        styles[name].font.color.rgb = RGBColor(0, 0, 0)
    styles["Caption"].font.size = Pt(9.5)
    styles["Caption"].font.bold = False
    styles["Subtitle"].font.size = Pt(12)
    for name in ("Header", "Footer"):
        styles[name].font.size = Pt(8)
    for name, spec in PARAGRAPH_STYLES.items():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        if "font" in spec:
            _fonts(style.element.get_or_add_rPr(), spec["font"])
        if "size" in spec:
            style.font.size = Pt(spec["size"])
        style.font.bold = spec.get("bold")
        if "before" in spec:
            style.paragraph_format.space_before = Pt(spec["before"])
        if "after" in spec:
            style.paragraph_format.space_after = Pt(spec["after"])
        if spec.get("keep"):
            style.paragraph_format.keep_with_next = True
    styles["Line Number"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    styles["Excerpt"].paragraph_format.line_spacing = 1.2
    styles["Teacher"].paragraph_format.left_indent = Mm(4)
    _left_rule(styles["Teacher"])
    styles["Answer Label"].paragraph_format.left_indent = Mm(4)
    # Word's own language for new text, and the proofing language of the theme's fonts.
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), language)


def _properties(document, view: LessonView, edition: Edition) -> None:
    """Title, author, subject and language as the PDFs have them; no dates, no thumbnail.

    python-docx's template carries a creation date of 2013 and a thumbnail of an empty page;
    a date of today would make every export differ. The lesson has no date of its own, so
    the file claims none.
    """
    title = view.title.striptags()
    properties = document.core_properties
    properties.title = f"{title} ({edition.label})"
    properties.author = view.module_title
    properties.subject = f"{edition.label}: {title}, {view.module_title}"
    properties.keywords = f"{view.module_id}, {view.id}, {edition.name}"
    properties.language = view.language
    properties.comments = ""
    properties.last_modified_by = ""
    properties.revision = 1
    core = properties._element
    for name in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for element in core.findall(qn(name)):
            core.remove(element)
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def _reproducible(data: bytes) -> bytes:
    """The package rezipped with fixed entry times and modes (python-docx stamps the time)."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        return deterministic_zip({name: package.read(name) for name in package.namelist()})


# Lesson prose: the view's HTML (Markdown subset) as Word paragraphs and runs


@dataclass
class Block:
    """One paragraph of prose: its runs (text, bold, italic) and its place in a list."""

    runs: list[tuple[str, bool, bool]] = field(default_factory=list)
    level: int = 0
    """List depth (0: not in a list)."""
    marker: str | None = None
    """'3.' for an item of a numbered list; None for a bullet or a paragraph."""
    first: bool = True
    """The first paragraph of its list item (later ones continue it, without a bullet)."""


class _Prose(HTMLParser):
    """The HTML the view renders from Markdown (p, em, strong, ul, ol, li, br) as Blocks.

    Only the view's own HTML passes through here: lesson text in it is escaped, and the
    parser unescapes it back into the characters the teacher typed.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.lists: list[list] = []  # [ordered, items so far] per open list
        self.bold = self.italic = 0
        self.current: Block | None = None
        self.after_break = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self._close()
            start = dict(attrs).get("start")
            self.lists.append([tag == "ol", int(start) - 1 if start else 0])
        elif tag == "li":
            self._close()
            self.lists[-1][1] += 1
            ordered, count = self.lists[-1]
            self.current = Block(level=len(self.lists), marker=f"{count}." if ordered else None)
        elif tag == "p":
            if self.current is None or self.current.runs:
                self._close()
                self.current = Block(level=len(self.lists), first=not self.lists)
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag == "br":
            self._start().runs.append(("\n", False, False))
            self.after_break = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li"):
            self._close()
        elif tag in ("ul", "ol"):
            self._close()
            self.lists.pop()
        elif tag in ("em", "i"):
            self.italic -= 1
        elif tag in ("strong", "b"):
            self.bold -= 1

    def handle_data(self, data: str) -> None:
        text = data.replace("\n", " ")
        if self.after_break:
            text = text.lstrip()
        if not text or (self.current is None and not text.strip()):
            return
        self.after_break = False
        self._start().runs.append((text, self.bold > 0, self.italic > 0))

    def _start(self) -> Block:
        if self.current is None:
            self.current = Block(level=len(self.lists), first=not self.lists)
        return self.current

    def _close(self) -> None:
        block, self.current = self.current, None
        if block is None or not block.runs:
            return
        text, bold, italic = block.runs[0]
        block.runs[0] = (text.lstrip(), bold, italic)
        text, bold, italic = block.runs[-1]
        block.runs[-1] = (text.rstrip(), bold, italic)
        self.blocks.append(block)

    def close(self) -> None:
        super().close()
        self._close()


def prose(html: Markup | str) -> list[Block]:
    """The paragraphs of a piece of the view's HTML."""
    parser = _Prose()
    parser.feed(str(html))
    parser.close()
    return parser.blocks


def inline(html: Markup | str) -> list[tuple[str, bool, bool]]:
    """The runs of one line of the view's HTML (a title, a term), paragraphs run together."""
    runs: list[tuple[str, bool, bool]] = []
    for block in prose(html):
        if runs:
            runs.append((" ", False, False))
        runs += block.runs
    return runs


def add_runs(paragraph, runs: Iterable[tuple[str, bool, bool]], bold: bool = False) -> None:
    for text, strong, italic in runs:
        if text == "\n":
            (paragraph.runs[-1] if paragraph.runs else paragraph.add_run()).add_break()
            continue
        run = paragraph.add_run(text)
        if strong or bold:
            run.bold = True
        if italic:
            run.italic = True


# The lesson, in the order and under the switches of templates/lesson-body.html.j2


class _Writer:
    def __init__(self, document, lesson: ExportLesson, edition: Edition) -> None:
        self.document = document
        self.lesson = lesson
        self.view = lesson.view
        self.edition = edition
        section = document.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin
        self.style_ids = {style.name: style.style_id for style in document.styles}
        """Style ids by name: python-docx looks a name up through every style, each time."""

    # Building blocks

    def paragraph(self, container=None, style: str | None = None, text: str = ""):
        """A new paragraph; in a fresh table cell, the cell's own empty paragraph."""
        container = container if container is not None else self.document
        if isinstance(container, _Cell) and len(container.paragraphs) == 1:
            first = container.paragraphs[0]
            if not first.runs and first._p.pPr is None:  # untouched since the table was made
                if style:
                    first._p.style = self.style_ids[style]
                if text:
                    first.add_run(text)
                return first
        paragraph = container.add_paragraph(text)
        if style:
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def heading(self, level: int, runs: list[tuple[str, bool, bool]] | str) -> None:
        paragraph = self.paragraph(style=f"Heading {level}")
        add_runs(paragraph, [(runs, False, False)] if isinstance(runs, str) else runs)

    def prose(self, html: Markup | str, container=None, style: str | None = None) -> None:
        """Markdown prose as paragraphs: lists in Word's list styles, in `style` otherwise."""
        for block in prose(html):
            if block.level and block.first and block.marker is None:
                name = "List Bullet" + (f" {min(block.level, 3)}" if block.level > 1 else "")
            elif block.level:
                name = "List Continue" + (f" {min(block.level, 3)}" if block.level > 1 else "")
            else:
                name = style
            paragraph = self.paragraph(container, name)
            if block.marker and block.first:
                paragraph.add_run(f"{block.marker} ")
            add_runs(paragraph, block.runs)

    def table(
        self,
        rows: int,
        columns: int,
        widths_mm: list[float] | None,
        caption: str,
        description: str,
        grid: bool = True,
    ) -> Table:
        """A table of fixed column widths, named for screen readers (caption, description)."""
        table = self.document.add_table(rows=rows, cols=columns)
        if grid:
            table.style = self.document.styles["Table Grid"]
        table.autofit = False
        total = self.text_width
        widths = [Mm(w) for w in widths_mm] if widths_mm else [total // columns] * columns
        if len(widths) < columns:
            rest = (total - sum(widths)) // (columns - len(widths))
            widths += [rest] * (columns - len(widths))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width
        _table_property(table, "w:tblW", {"w:w": str(sum(widths) // 635), "w:type": "dxa"})
        _table_property(table, "w:tblCaption", {"w:val": caption})
        _table_property(table, "w:tblDescription", {"w:val": description})
        return table

    def header_row(self, table: Table, headings: list[str]) -> None:
        """The first row as column headings, repeated on every page the table runs to."""
        row = table.rows[0]
        row_properties = row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        row_properties.append(repeat)
        for cell, heading in zip(row.cells, headings, strict=True):
            paragraph = self.paragraph(cell, "Table Text")
            paragraph.add_run(heading).bold = True

    def writing_space(self, number: int, lines: int, what: str = "answer") -> None:
        """A bordered box to type into: one cell, at least `lines` writing lines high."""
        table = self.table(
            1, 1, None, f"Your {what} to question {number}", "Type in this box; it grows."
        )
        row = table.rows[0]
        row.height = Mm(max(lines, 1) * LINE_MM)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        self.paragraph(table.cell(0, 0))
        self.paragraph(style="Table Text")  # space after the box

    # The lesson

    def write(self) -> None:
        view, edition = self.view, self.edition
        self.masthead()
        self.heading(2, "The question for today")
        add_runs(self.paragraph(style="Central Question"), inline(view.central_question))
        if edition.background and edition.audience == "teacher":
            self.heading(2, "Learning objectives")
            for objective in view.objectives:
                add_runs(self.paragraph(style="List Bullet"), inline(objective))
        self.heading(2, "Content note")
        self.prose(view.content_note)
        if edition.pacing and view.activities:
            self.plan()
        if edition.teacher_notes and (
            view.teacher_notes or view.figures or view.facts or view.references
        ):
            self.teacher_notes()
        if edition.background:
            self.heading(2, "Background")
            self.prose(view.context)
            if view.vocabulary:
                self.glossary()
            if view.timeline:
                self.timeline()
        self.documents()
        charts = [c for c in view.charts if edition.teacher_notes or not c.teacher_only]
        if charts:
            self.heading(2, "Charts" if len(charts) > 1 else "Chart")
            for chart in charts:
                self.chart(chart)
        for title, questions in (
            ("Putting the documents together", view.synthesis),
            ("Reflection", view.reflection),
            ("Exit ticket", view.exit_tickets),
        ):
            if edition.questions and questions:
                self.heading(2, title)
                for question in questions:
                    self.question(question)

    def masthead(self) -> None:
        view, edition = self.view, self.edition
        if edition.name_line:
            table = self.table(
                1,
                6,
                [16, 64, 16, 34, 14],
                "Name, class and date",
                "Type your name, class and date in the empty cells.",
                grid=False,
            )
            for index, label in ((0, "Name"), (2, "Class"), (4, "Date")):
                cell = table.cell(0, index)
                self.paragraph(cell, "Table Text").add_run(label).bold = True
                _cell_border(table.cell(0, index + 1), "bottom")
                self.paragraph(table.cell(0, index + 1), "Table Text")
        self.paragraph(style="Kicker", text=view.module_title)
        self.heading(1, inline(view.title))
        if view.subtitle:
            add_runs(self.paragraph(style="Subtitle"), inline(view.subtitle))
        length = (
            f"{view.periods} periods of {view.duration} minutes"
            if view.periods > 1
            else f"{view.duration} minutes"
        )
        self.paragraph(style="Meta", text=f"{edition.label} · {view.grade_label} · {length}")

    def plan(self) -> None:
        view = self.view
        self.heading(2, "Lesson plan")
        rows = len(view.activities) + 1
        periods = view.periods > 1
        if periods:
            rows += len({a.period for a in view.activities})
        table = self.table(
            rows, 3, [24, 26], "Lesson plan", "Time, phase and what happens, in order."
        )
        self.header_row(table, ["Time", "Phase", "What happens"])
        row, period = 1, None
        for activity in view.activities:
            if periods and activity.period != period:
                period = activity.period
                merged = table.cell(row, 0).merge(table.cell(row, 2))
                text = f"Period {period} of {view.periods}"
                self.paragraph(merged, "Table Text").add_run(text).bold = True
                row += 1
            time = f"{activity.start}–{activity.start + activity.minutes} min"
            self.paragraph(table.cell(row, 0), "Table Text", time)
            self.paragraph(table.cell(row, 1), "Table Text", activity.phase)
            cell = table.cell(row, 2)
            add_runs(self.paragraph(cell, "Table Text"), inline(activity.title), bold=True)
            self.prose(activity.description, cell, "Table Text")
            row += 1
        self.paragraph(text=f"Skills practised: {', '.join(view.skills)}.")

    def teacher_notes(self) -> None:
        view = self.view
        self.heading(2, "Notes for the teacher")
        if view.teacher_notes:
            self.prose(view.teacher_notes)
        if view.facts:
            self.heading(3, "Beyond the documents")
            self.paragraph(
                text="Checked facts for you, not in the students' documents, each with its"
                " reference."
            )
            for group in view.facts:
                if group.topic:
                    self.heading(4, group.topic)
                for fact in group.facts:
                    paragraph = self.paragraph(style="List Bullet")
                    add_runs(paragraph, [*inline(fact.text), (" (", False, False)])
                    add_runs(paragraph, [*inline(fact.citation), (")", False, False)])
        if view.figures:
            self.heading(3, "Figures worked out in this lesson")
            self.paragraph(
                text="Every other number of three or more digits is printed as a cited source"
                " gives it."
            )
            for figure in view.figures:
                paragraph = self.paragraph(style="List Bullet")
                paragraph.add_run(figure.working).bold = True
                if figure.note:
                    add_runs(paragraph, [(": ", False, False), *inline(figure.note)])
        if view.references:
            self.heading(3, "References")
            self.paragraph(
                text="Works outside the documents that this lesson cites; the documents are"
                " cited under each one."
            )
            for work in view.references:
                add_runs(self.paragraph(style="List Bullet"), inline(work))

    def glossary(self) -> None:
        self.heading(2, "Words to know")
        terms = self.view.vocabulary
        table = self.table(
            len(terms) + 1, 2, [40], "Words to know", "Each term with what it means here."
        )
        self.header_row(table, ["Term", "Meaning"])
        for row, (term, definition) in enumerate(terms, start=1):
            add_runs(self.paragraph(table.cell(row, 0), "Table Text"), inline(term), bold=True)
            add_runs(self.paragraph(table.cell(row, 1), "Table Text"), inline(definition))

    def timeline(self) -> None:
        self.heading(2, "Timeline")
        entries = self.view.timeline
        table = self.table(
            len(entries) + 1, 2, [34], "Timeline", "Each date with what happened, in order."
        )
        self.header_row(table, ["Date", "Event"])
        for row, entry in enumerate(entries, start=1):
            self.paragraph(table.cell(row, 0), "Table Text").add_run(entry.date).bold = True
            paragraph = self.paragraph(table.cell(row, 1), "Table Text")
            add_runs(paragraph, inline(entry.event))
            if entry.cites_work:
                paragraph.add_run(f" Source: {entry.source}").italic = True

    def documents(self) -> None:
        view, edition = self.view, self.edition
        title = "Documents and questions" if edition.questions else "Documents"
        if edition.questions and view.total_points:
            title += f" ({view.total_points} points)"
        self.heading(2, title)
        self.paragraph(
            text="Read the note before each document: who wrote it, when, and why. Line numbers"
            " are in the column left of the text; cite evidence as document and line"
            " (e.g. “A, lines 3–5”)."
        )
        sources = self.lesson.lesson_file.lesson.sources
        for source, block in zip(sources, view.documents, strict=True):
            if isinstance(source, ImageDocument):
                assert isinstance(block.excerpt, ImageView)
                self.image(block.excerpt, picture(self.lesson, source.id).data)
            else:
                assert isinstance(block.excerpt, ExcerptView)
                self.excerpt(block.excerpt)
            self.guiding(block)

    def guiding(self, block: DocumentBlock) -> None:
        if self.edition.questions:
            for question in block.questions:
                self.question(question)

    def document_title(self, label: str, title: Markup) -> None:
        self.heading(3, [(f"{label}: ", False, False), *inline(title)])

    def excerpt(self, excerpt: ExcerptView) -> None:
        self.document_title(excerpt.label, excerpt.title)
        self.prose(excerpt.headnote)
        self.excerpt_text(excerpt)
        citation = self.paragraph(style="Citation")
        if excerpt.adapted:
            citation.add_run("Adapted. ").bold = True
        add_runs(citation, [("Source: ", False, False), *inline(excerpt.citation)])
        if self.edition.teacher_notes:
            self.about_source(excerpt)

    def excerpt_text(self, excerpt: ExcerptView) -> None:
        """The text, one printed line a row: the number in the left cell, the words right.

        Why a table and not Word's own line numbering: Word numbers the lines as it wraps
        them, in whatever font the reader has, and restarts or counts per section; the
        lesson's line numbers are fixed by the view (the same in every edition, so "A, line
        12" in the teacher edition is line 12 here), and LibreOffice and Google Docs keep
        a table where they drop or renumber Word's line numbering. A row per line keeps each
        number beside its line even when a substitute font rewraps it, and the numbers stay
        out of the text: they are in cells of their own, so selecting the text column copies
        the words only.
        """
        lines = [line for paragraph in excerpt.paragraphs for line in paragraph]
        table = self.table(
            len(lines),
            2,
            [NUMBER_COLUMN_MM],
            f"{excerpt.label}, the text",
            "One printed line a row; the line number, every fifth line, in the left column.",
            grid=False,
        )
        _table_property(table, "w:tblCellMar", None, margins_mm=1.0)
        row = 0
        for index, paragraph in enumerate(excerpt.paragraphs):
            for position, line in enumerate(paragraph):
                number, text = table.rows[row].cells
                left = self.paragraph(number, "Line Number")
                if line.mark:
                    left.add_run(str(line.number))
                right = self.paragraph(text, "Excerpt")
                add_runs(right, inline(line.html))
                if position == 0 and index > 0:
                    left.paragraph_format.space_before = Pt(6)
                    right.paragraph_format.space_before = Pt(6)
                row += 1

    def about_source(self, excerpt: ExcerptView) -> None:
        self.heading(4, f"About this source ({excerpt.kind})")
        if excerpt.reliability_in:
            self.paragraph(
                style="Teacher",
                text=f"The same source as {excerpt.reliability_in}: see the note there.",
            )
        else:
            self.prose(excerpt.reliability, style="Teacher")
        if excerpt.repairs or excerpt.insertions:
            paragraph = self.paragraph(style="Teacher")
            paragraph.add_run("Changes in this excerpt:").bold = True
            changes = [
                [
                    (f" “{r.find}” printed as “{r.replace}” (", False, False),
                    *inline(r.reason),
                    (")", False, False),
                ]
                for r in excerpt.repairs
            ] + [[(f" {i} is an editorial insertion", False, False)] for i in excerpt.insertions]
            for index, runs in enumerate(changes):
                end = "." if index == len(changes) - 1 else ";"
                add_runs(paragraph, [*runs, (end, False, False)])
        if excerpt.original:
            self.paragraph(style="Answer Label", text="Original passage")
            self.prose(excerpt.original, style="Teacher")

    def image(self, image: ImageView, data: bytes) -> None:
        self.document_title(image.label, image.title)
        if image.headnote:
            self.prose(image.headnote)
        width = min(Mm(image.size_mm[0]), self.text_width)
        paragraph = self.paragraph(style="Caption")
        paragraph.paragraph_format.keep_with_next = True
        _alt(paragraph.add_run().add_picture(BytesIO(data), width=width), image.alt)
        self.prose(image.caption, style="Caption")
        citation = self.paragraph(style="Citation")
        add_runs(
            citation,
            [
                ("Source: ", False, False),
                *inline(image.citation),
                (". Credit: ", False, False),
                *inline(image.credit),
                (". Licence: ", False, False),
                *inline(image.licence),
                (".", False, False),
            ],
        )

    def chart(self, chart: ChartView) -> None:
        """The chart as the PDF draws it (the view's SVG, rasterised), its alt as alt text."""
        runs = [(f"Chart {chart.number}: ", False, False), *inline(chart.title)]
        if chart.teacher_only:
            runs.append((" (teacher edition only)", False, False))
        self.heading(3, runs)
        font = self.lesson.fonts.find(BODY_FONT_FILE)
        png, alt = chart_png(str(chart.svg), font)
        paragraph = self.paragraph()
        paragraph.paragraph_format.keep_with_next = True
        width = min(Mm(CHART_WIDTH_MM), self.text_width)
        _alt(paragraph.add_run().add_picture(BytesIO(png), width=width), alt)
        add_runs(
            self.paragraph(style="Citation"), [("Figures: ", False, False), *inline(chart.sources)]
        )
        if chart.note:
            self.prose(chart.note, style="Citation")

    def question(self, question: QuestionView) -> None:
        edition = self.edition
        head = self.paragraph(style="Question")
        head.add_run(f"{question.number}.  ").bold = True
        tags = [question.skill]
        if question.kind_label:
            tags.append(question.kind_label)
        if question.documents:
            plural = "s" if "," in question.documents else ""
            tags.append(f"Document{plural} {question.documents}")
        if question.points:
            tags.append(f"{question.points} point{'s' if question.points != 1 else ''}")
        head.add_run(" · ".join(tags))
        self.prose(question.prompt, style="Prompt")
        for option in question.options:
            paragraph = self.paragraph(style="Option")
            paragraph.paragraph_format.left_indent = Mm(6)
            paragraph.add_run(f"{option.letter}  ").bold = True
            add_runs(paragraph, inline(option.text))
            if edition.answers and option.key:
                paragraph.add_run(" (the key)").bold = True
        if question.organizer:
            self.organizer(question)
        if edition.answers:
            if question.key:
                label = self.paragraph(style="Answer Label", text="Key")
                label.paragraph_format.keep_with_next = True
                key = self.paragraph(style="Teacher")
                add_runs(
                    key, [(f"{question.key.letter}. ", True, False), *inline(question.key.text)]
                )
            else:
                self.paragraph(style="Answer Label", text="Exemplar answer")
            self.prose(question.answer, style="Teacher")
            if question.scoring:
                self.paragraph(style="Answer Label", text="Scoring")
                self.prose(question.scoring, style="Teacher")
        elif edition.writing_space:
            if question.options:
                letters = ", ".join(o.letter for o in question.options)
                self.paragraph(style="Prompt", text=f"Your choice ({letters}):")
                self.writing_space(question.number, 1, "choice")
            if question.lines:
                if question.options:
                    self.paragraph(style="Prompt", text="Why:")
                self.writing_space(question.number, question.lines)

    def organizer(self, question: QuestionView) -> None:
        """The table students fill in; in the teacher edition, filled with the exemplar."""
        organizer = question.organizer
        assert organizer is not None
        labelled = organizer.rows[0] is not None
        columns = len(organizer.columns) + labelled
        table = self.table(
            len(organizer.rows) + 1,
            columns,
            [30] if labelled else None,
            f"Table for question {question.number}",
            "Fill in each empty cell: type in it."
            if not self.edition.answers
            else "The table filled in with an exemplar answer.",
        )
        self.header_row(table, ([""] if labelled else []) + organizer.columns)
        for index, label in enumerate(organizer.rows):
            row = table.rows[index + 1]
            cells = row.cells
            if labelled:
                self.paragraph(cells[0], "Table Text").add_run(label or "").bold = True
            for column in range(len(organizer.columns)):
                cell = cells[column + labelled]
                paragraph = self.paragraph(cell, "Table Text")
                if self.edition.answers:
                    answers = organizer.answer
                    if index < len(answers) and column < len(answers[index]):
                        add_runs(paragraph, inline(answers[index][column]))
            if not self.edition.answers:
                row.height = Mm(organizer.row_lines * LINE_MM)
                row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        self.paragraph(style="Table Text")


# Low-level XML python-docx has no API for

_TABLE_PROPERTY_ORDER = [
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
]
"""The order WordprocessingML requires of a table's properties."""


def _table_property(
    table: Table, tag: str, attributes: dict[str, str] | None, margins_mm: float | None = None
) -> None:
    """Set one table property element, in its schema position (replacing any there)."""
    properties = table._tbl.tblPr
    for old in properties.findall(qn(tag)):
        properties.remove(old)
    element = OxmlElement(tag)
    for name, value in (attributes or {}).items():
        element.set(qn(name), value)
    if margins_mm is not None:
        for side in ("w:left", "w:right"):
            margin = OxmlElement(side)
            margin.set(qn("w:w"), str(round(margins_mm / 25.4 * 1440)))
            margin.set(qn("w:type"), "dxa")
            element.append(margin)
    rank = _TABLE_PROPERTY_ORDER.index(tag)
    for index, child in enumerate(properties):
        names = [qn(t) for t in _TABLE_PROPERTY_ORDER[rank + 1 :]]
        if child.tag in names:
            properties.insert(index, element)
            return
    properties.append(element)


def _cell_border(cell: _Cell, side: str) -> None:
    """A single black rule on one side of a cell (the name line's blanks)."""
    properties = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    rule = OxmlElement(f"w:{side}")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "0"),
        ("w:color", "000000"),
    ):
        rule.set(qn(name), value)
    borders.append(rule)
    width = properties.find(qn("w:tcW"))
    if width is not None:
        width.addnext(borders)
    else:
        properties.insert(0, borders)


def _left_rule(style) -> None:
    """A rule down the left of a paragraph style: teacher-only text, seen at a glance."""
    properties = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    rule = OxmlElement("w:left")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "6"),
        ("w:color", "000000"),
    ):
        rule.set(qn(name), value)
    borders.append(rule)
    # w:pBdr comes after w:keepNext ... w:pageBreakBefore and w:framePr, w:widowControl,
    # w:numPr, w:suppressLineNumbers, and before w:shd, w:tabs, w:spacing, w:ind ...
    later = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc")
    for index, child in enumerate(properties):
        if child.tag in [qn(t) for t in later]:
            properties.insert(index, borders)
            return
    properties.append(borders)


def _alt(shape, alt: str) -> None:
    """The picture's alternative text (Word: Alt Text; read by screen readers)."""
    shape._inline.docPr.set("descr", alt)


# Charts: the view's SVG drawn with Pillow

_SVG = "{http://www.w3.org/2000/svg}"


@lru_cache(maxsize=16)
def _font(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def chart_png(svg: str, font: Path) -> tuple[bytes, str]:
    """The chart's SVG (rects, lines and text only: `handouts/chart.py`) as a greyscale PNG,
    and its <title>, the chart's `alt`.

    The chart stays the one drawing `chart.py` makes for every PDF edition, not a second
    drawing of the same figures.
    """
    from PIL import Image, ImageColor, ImageDraw

    root = ElementTree.fromstring(svg)
    scale = CHART_SCALE
    width, height = (float(v) for v in root.get("viewBox", "0 0 480 240").split()[2:])
    image = Image.new("L", (round(width * scale), round(height * scale)), 255)
    draw = ImageDraw.Draw(image)

    def grey(colour: str | None) -> int | None:
        return None if colour in (None, "none") else ImageColor.getcolor(colour, "L")

    def number(element, name: str) -> float:
        return float(element.get(name, "0")) * scale

    for element in root:
        tag = element.tag.removeprefix(_SVG)
        stroke = max(1, round(float(element.get("stroke-width", "1")) * scale))
        if tag == "rect":
            x, y = number(element, "x"), number(element, "y")
            w, h = number(element, "width"), number(element, "height")
            if w <= 0 or h <= 0:
                continue
            draw.rectangle(
                (x, y, x + w, y + h),
                fill=grey(element.get("fill")),
                outline=grey(element.get("stroke")),
                width=stroke,
            )
        elif tag == "line":
            points = [number(element, n) for n in ("x1", "y1", "x2", "y2")]
            draw.line(points, fill=grey(element.get("stroke", "#000")), width=stroke)
        elif tag == "text":
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[
                element.get("text-anchor", "start")
            ]
            size = round(float(element.get("font-size", "9")) * scale)
            draw.text(
                (number(element, "x"), number(element, "y")),
                element.text or "",
                fill=0,
                font=_font(str(font), size),
                anchor=anchor,
            )
    title = root.find(f"{_SVG}title")
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), (title.text or "") if title is not None else ""
