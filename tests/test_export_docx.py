"""The Word export (`handouts export --format docx`), read back with python-docx.

Most tests run on the fixture lesson with the additions of tests/test_kinds.py (an image
document and a question of every kind), exported once per module; one test exports the
real module. The LibreOffice test converts both files to PDF, as a teacher's office suite
would open them, and reads the text back; it is skipped, saying so, where LibreOffice is
not installed, and is `slow` (LibreOffice takes seconds to start).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, replace
from io import BytesIO
from itertools import pairwise
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURE, LESSON_1, MODULE, PdfText, contains, words
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree
from pypdf import PdfReader
from test_kinds import IMAGE_DOCUMENT, draw_png, lesson_data, write_lesson

from handouts.build import export
from handouts.cli.app import cli
from handouts.editions import EDITIONS, STUDENT, TEACHER
from handouts.export import ExportOptions
from handouts.loader.project import Project, gather
from handouts.view import LessonView, QuestionView, build_view

STEM = LESSON_1.stem


@dataclass
class Exported:
    project: Project
    view: LessonView
    files: dict[str, bytes]
    """Edition name -> the .docx bytes."""

    def document(self, edition: str) -> Document:
        return docx.Document(BytesIO(self.files[edition]))

    def text(self, edition: str) -> str:
        return document_text(self.document(edition))


def export_files(project: Project, build: Path, editions=(STUDENT, TEACHER)) -> dict[str, bytes]:
    layout = replace(project.layout, build=build)
    report = export(replace(project, layout=layout), ["docx"], ExportOptions(tuple(editions)))
    assert not report.problems and not report.failed, [p.format() for p in report.problems]
    return {
        out.path.stem.removeprefix(f"{out.lesson.stem}-"): out.path.read_bytes()
        for out in report.outputs
    }


def view_of(project: Project) -> LessonView:
    [lesson] = project.lessons
    return build_view(project.module, lesson, project.corpus, project.fonts, project.references)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The fixture lesson with a picture and every kind of question, as both Word files."""
    folder = tmp_path_factory.mktemp("docx")
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    draw_png(folder / "lessons" / "images" / "frame.png")
    write_lesson(folder, lesson_data())
    project = gather(folder / "lessons" / "module.yaml")
    assert not project.errors, [p.format() for p in project.errors]
    return Exported(project, view_of(project), export_files(project, folder / "build"))


def document_text(document: Document) -> str:
    """Every paragraph's text, in body order, table cells included."""
    return "\n".join(p.text for p in paragraphs(document))


def paragraphs(document: Document) -> list:
    found = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for row in block.rows:
                for cell in _unique(row.cells):
                    found += cell.paragraphs
        else:
            found.append(block)
    return found


def _unique(cells: list) -> list:
    seen, unique = set(), []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            unique.append(cell)
    return unique


def plain(html: str) -> str:
    """The view's HTML as the words a reader sees, spaces collapsed."""
    from html import unescape

    inline_tags = re.sub(r"</?(em|strong)>", "", str(html))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", inline_tags)).split())


def flat(text: str) -> str:
    return " ".join(text.split())


def tables_by_caption(document: Document) -> dict[str, docx.table.Table]:
    found = {}
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None:
            found[caption.get(qn("w:val"))] = table
    return found


def headings(document: Document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading")
    ]


def answer_texts(question: QuestionView) -> list[str]:
    """The exemplar's paragraphs and list items as plain text (each is printed whole)."""
    return [plain(part) for part in re.split(r"</p>|</li>", str(question.answer)) if plain(part)]


# Structure


def test_both_files_are_written_named_after_the_lesson(exported: Exported) -> None:
    assert set(exported.files) == {"student", "teacher"}
    for data in exported.files.values():
        with zipfile.ZipFile(BytesIO(data)) as package:
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(package.read(name))  # well-formed, or this raises


def test_headings_are_word_headings_in_print_order(exported: Exported) -> None:
    view = exported.view
    documents = [f"{b.excerpt.label}: {plain(b.excerpt.title)}" for b in view.documents]
    expected = [
        (1, plain(view.title)),
        (2, "The question for today"),
        (2, "Content note"),
        (2, "Background"),
        (2, "Words to know"),
        (2, "Timeline"),
        (2, f"Documents and questions ({view.total_points} points)"),
        *[(3, title) for title in documents],
        (2, "Chart"),
        (3, f"Chart 1: {plain(view.charts[0].title)}"),
        (2, "Putting the documents together"),
        (2, "Reflection"),
        (2, "Exit ticket"),
    ]
    assert headings(exported.document("student")) == expected
    teacher = headings(exported.document("teacher"))
    assert teacher[:3] == [expected[0], expected[1], (2, "Learning objectives")]
    assert (2, "Lesson plan") in teacher and (2, "Notes for the teacher") in teacher
    for document in (exported.document("student"), exported.document("teacher")):
        levels = [level for level, _ in headings(document)]
        assert all(b <= a + 1 for a, b in pairwise(levels)), levels


def test_the_content_note_is_at_the_top_and_the_name_line_on_the_student_file(
    exported: Exported,
) -> None:
    for edition in ("student", "teacher"):
        titles = [title for _, title in headings(exported.document(edition))]
        assert titles.index("Content note") < titles.index("Background")  # before any reading
        assert flat(plain(exported.view.content_note)) in flat(exported.text(edition))
    student = tables_by_caption(exported.document("student"))["Name, class and date"]
    assert [c.text for c in student.rows[0].cells] == ["Name", "", "Class", "", "Date", ""]
    assert "Name, class and date" not in tables_by_caption(exported.document("teacher"))


def test_every_question_is_in_the_student_file_with_space_to_type(exported: Exported) -> None:
    document = exported.document("student")
    text = flat(document_text(document))
    boxes = tables_by_caption(document)
    assert exported.view.questions
    for question in exported.view.questions:
        assert plain(question.prompt) in text, question.id
        for option in question.options:
            assert plain(option.text) in text
        if question.options:
            assert f"Your choice to question {question.number}" in boxes
        if question.lines:
            box = boxes[f"Your answer to question {question.number}"]
            [row] = box.rows
            assert row.height >= Mm(question.lines * 7) - 635  # stored in twips
            assert row.height_rule == docx.enum.table.WD_ROW_HEIGHT_RULE.AT_LEAST
            [cell] = row.cells
            assert cell.text == ""  # an empty cell to click into and type


def test_the_student_file_has_no_answers_or_teacher_notes(exported: Exported) -> None:
    text = flat(exported.text("student"))
    student = {flat(p.text) for p in paragraphs(exported.document("student"))}
    for question in exported.view.questions:
        for answer in answer_texts(question):
            assert answer not in student, question.id
            if len(answer.split()) >= 4:  # "Top secret." is also a line of Document A
                assert answer not in text, question.id
        if question.scoring:
            assert plain(question.scoring)[:60] not in text
    labels = {p.text for p in paragraphs(exported.document("student"))}
    assert not labels & {"Exemplar answer", "Key", "Scoring", "Lesson plan", "Original passage"}
    assert "(the key)" not in text
    assert "Lesson plan" not in tables_by_caption(exported.document("student"))
    assert "Notes for the teacher" not in text and "About this source" not in text
    assert plain(exported.view.teacher_notes)[:80] not in text
    for block in exported.view.documents:
        if not block.excerpt.is_image:
            assert plain(block.excerpt.reliability)[:80] not in text
    for objective in exported.view.objectives:
        assert plain(objective) not in text


def test_the_teacher_file_has_exemplars_keys_plan_and_notes(exported: Exported) -> None:
    document = exported.document("teacher")
    text = flat(document_text(document))
    for question in exported.view.questions:
        for answer in answer_texts(question):
            assert answer in text, question.id
        if question.key:
            assert f"{plain(question.key.text)} (the key)" in text
    assert "Exemplar answer" in text and "Key" in text
    plan = tables_by_caption(document)["Lesson plan"]
    assert [c.text for c in plan.rows[0].cells] == ["Time", "Phase", "What happens"]
    assert len(plan.rows) == len(exported.view.activities) + 1
    assert plain(exported.view.teacher_notes)[:80] in text
    assert "About this source (primary)" in text
    assert not any(caption.startswith("Your ") for caption in tables_by_caption(document))


def test_glossary_and_timeline_are_tables(exported: Exported) -> None:
    view = exported.view
    tables = tables_by_caption(exported.document("student"))
    glossary = tables["Words to know"]
    rows = [[c.text for c in row.cells] for row in glossary.rows]
    assert rows[0] == ["Term", "Meaning"]
    assert [(flat(t), flat(d)) for t, d in rows[1:]] == [
        (plain(term), plain(definition)) for term, definition in view.vocabulary
    ]
    timeline = tables["Timeline"]
    rows = [[flat(c.text) for c in row.cells] for row in timeline.rows]
    assert rows[0] == ["Date", "Event"]
    assert [row[0] for row in rows[1:]] == [entry.date for entry in view.timeline]
    assert [row[1] for row in rows[1:]] == [plain(entry.event) for entry in view.timeline]
    for table in (glossary, timeline):  # the heading row repeats on a new page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_excerpt_text_is_the_views_word_for_word_with_numbers_apart(exported: Exported) -> None:
    tables = tables_by_caption(exported.document("student"))
    excerpts = [b.excerpt for b in exported.view.documents if not b.excerpt.is_image]
    assert excerpts
    for excerpt in excerpts:
        table = tables[f"{excerpt.label}, the text"]
        lines = [line for paragraph in excerpt.paragraphs for line in paragraph]
        assert len(table.rows) == len(lines)
        numbers = [row.cells[0].text for row in table.rows]
        text = [row.cells[1].text for row in table.rows]
        assert numbers == [str(line.number) if line.mark else "" for line in lines]
        assert text == [plain(line.html) for line in lines]
        # Copying the text column gives the passage, paragraph by paragraph, and no numbers.
        copied, row = [], 0
        for paragraph in excerpt.paragraphs:
            copied.append(" ".join(text[row : row + len(paragraph)]))
            row += len(paragraph)
        view_text = [" ".join(plain(line.html) for line in p) for p in excerpt.paragraphs]
        assert copied == view_text


def test_excerpts_keep_the_quotations_characters(exported: Exported) -> None:
    """Quotes are sacred: the words in the file are those of the lesson's excerpt text."""
    lesson = exported.project.lessons[0].lesson
    tables = tables_by_caption(exported.document("student"))
    for block, source in zip(exported.view.documents, lesson.sources, strict=True):
        if block.excerpt.is_image:
            continue
        table = tables[f"{block.excerpt.label}, the text"]
        cells = " ".join(row.cells[1].text for row in table.rows)
        assert cells.split() == source.text.replace("*", "").split()


def test_charts_and_images_are_pictures_with_alt_text(exported: Exported) -> None:
    lesson = exported.project.lessons[0].lesson
    for edition in ("student", "teacher"):
        document = exported.document(edition)
        pictures = document.element.body.findall(".//" + qn("wp:docPr"))
        alts = [" ".join(p.get("descr", "").split()) for p in pictures]
        assert alts == [IMAGE_DOCUMENT["alt"], " ".join(lesson.charts[0].alt.split())]
        assert len(document.inline_shapes) == 2
    with zipfile.ZipFile(BytesIO(exported.files["student"])) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(media) == 2 and all(n.endswith(".png") for n in media)


def test_language_and_fonts_are_set_in_the_styles(exported: Exported) -> None:
    language = exported.project.module.language
    for edition in ("student", "teacher"):
        document = exported.document(edition)
        defaults = document.styles.element.find(qn("w:docDefaults"))
        lang = defaults.find(".//" + qn("w:lang"))
        assert lang.get(qn("w:val")) == language
        normal = document.styles["Normal"].element.rPr.rFonts
        assert normal.get(qn("w:ascii")) == "Charis SIL"
        for level in (1, 2, 3):
            fonts = document.styles[f"Heading {level}"].element.rPr.rFonts
            assert fonts.get(qn("w:ascii")) == "Noto Sans"
            assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would win over it
        properties = document.core_properties
        assert properties.language == language
        assert properties.title == f"{plain(exported.view.title)} ({EDITIONS[edition].label})"
        assert properties.created is None and properties.modified is None


def test_the_same_lesson_gives_the_same_bytes(exported: Exported, tmp_path: Path) -> None:
    again = export_files(exported.project, tmp_path)
    assert again == exported.files
    with zipfile.ZipFile(BytesIO(exported.files["student"])) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in package.infolist()} == {0o644}
        assert "docProps/thumbnail.jpeg" not in package.namelist()


# Editions


def test_editions_map_to_the_two_word_files(scratch: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--format", "docx", "--edition", "fillable"])
    assert result.exit_code == 0, result.output
    folder = scratch / "build" / STEM
    assert sorted(p.name for p in folder.iterdir()) == [f"{STEM}-student.docx"]
    result = runner.invoke(cli, ["export", "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{STEM}-student.docx",
        f"{STEM}-teacher.docx",
    ]


def test_the_source_packet_alone_has_no_word_file(scratch: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "docx", "--edition", "sources"])
    assert result.exit_code == 1
    assert f"error: lessons/{STEM}.yaml" in result.output
    assert "the Word export has a student worksheet and a teacher edition" in result.output
    assert "(sources) has no Word file" in result.output
    assert "handouts build --edition sources" in result.output
    assert "Traceback" not in result.output


def test_an_image_that_cannot_be_read_is_a_user_error(scratch: Path) -> None:
    draw_png(scratch / "lessons" / "images" / "frame.png")
    write_lesson(scratch, lesson_data())
    project = gather(scratch / "lessons" / "module.yaml")  # checked while it was there
    assert not project.errors
    (scratch / "lessons" / "images" / "frame.png").unlink()
    report = export(project, ["docx"], ExportOptions((STUDENT, TEACHER)))
    assert report.failed == [project.lessons[0].path] and not report.outputs
    [problem] = report.problems
    assert problem.format().startswith("error: lessons/images/frame.png\n")
    assert problem.message == "cannot read the file: no such file or folder"


# Escaping

HOSTILE = "<b>&amp; \"quoted\" 'single' {{ lesson.id }} ]]> Приказ"


def test_special_characters_and_non_latin_text_arrive_verbatim(scratch: Path) -> None:
    path = scratch / "lessons" / f"{STEM}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] = f"Orders {HOSTILE}"
    data["questions"][0]["prompt"] = f"Explain {HOSTILE} here."
    data["vocabulary"][0]["term"] = f"Term {HOSTILE}"
    data["vocabulary"][0]["definition"] = f"Means {HOSTILE}."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    module = scratch / "lessons" / "module.yaml"
    record = yaml.safe_load(module.read_text(encoding="utf-8"))
    record["known_words"] = [*record.get("known_words", []), "Приказ"]
    module.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    project = gather(module)
    assert not project.errors, [p.format() for p in project.errors]
    files = export_files(project, scratch / "build")
    # Prose is Markdown: straight quotes print as typographic ones, in the PDF as here.
    printed = HOSTILE.replace('"quoted"', "“quoted”").replace("'single'", "‘single’")
    for data in files.values():
        with zipfile.ZipFile(BytesIO(data)) as package:
            etree.fromstring(package.read("word/document.xml"))
            etree.fromstring(package.read("docProps/core.xml"))
        document = docx.Document(BytesIO(data))
        text = document_text(document)
        assert headings(document)[0] == (1, f"Orders {printed}")
        assert f"Explain {printed} here." in text
        glossary = tables_by_caption(document)["Words to know"]
        assert [c.text for c in glossary.rows[1].cells] == [f"Term {printed}", f"Means {printed}."]
        assert document.core_properties.title.startswith(f"Orders {printed} (")


# The real module


def test_the_real_module_exports_every_lesson(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(MODULE.parent, tmp_path / "lessons")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--format", "docx"])
    assert result.exit_code == 0, result.output
    project = gather(tmp_path / "lessons" / "module.yaml")
    assert f"Exported {2 * len(project.lessons)} files." in result.output
    assert len(project.lessons) == 7
    for lesson in project.lessons:
        view = build_view(project.module, lesson, project.corpus, project.fonts, project.references)
        for edition in ("student", "teacher"):
            path = tmp_path / "build" / lesson.stem / f"{lesson.stem}-{edition}.docx"
            document = docx.Document(path)
            heads = [p for p in document.paragraphs if p.style.name == "Question"]
            assert len(heads) == len(view.questions), (lesson.stem, edition)
            tables = tables_by_caption(document)
            texts = [c for c in tables if c.endswith(", the text")]
            assert len(texts) == sum(not b.excerpt.is_image for b in view.documents)
            organizers = [q for q in view.questions if q.organizer]
            assert len([c for c in tables if c.startswith("Table for question")]) == len(organizers)
            if edition == "student":
                boxes = [c for c in tables if c.startswith("Your answer")]
                assert len(boxes) == sum(1 for q in view.questions if q.lines)


# In a real office suite


@dataclass
class Converted:
    exported: Exported
    pdfs: dict[str, Path]

    def words(self, edition: str) -> list[str]:
        """The words of the PDF without its running header and footer (as conftest reads
        the PDFs: the same header text, "Page N of M")."""
        reader = PdfReader(self.pdfs[edition])
        return PdfText(self.pdfs[edition], [p.extract_text() or "" for p in reader.pages]).words


@pytest.fixture(scope="module")
def converted(exported: Exported, tmp_path_factory: pytest.TempPathFactory) -> Converted:
    """Both files converted to PDF by LibreOffice, once, in a profile of their own."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(
            "LibreOffice test skipped: no 'soffice' on this machine (Debian: apt-get install"
            " libreoffice-writer); .ci/run installs it, so CI always runs this test"
        )
    folder = tmp_path_factory.mktemp("libreoffice")
    paths = []
    for edition, data in exported.files.items():
        path = folder / f"{STEM}-{edition}.docx"
        path.write_bytes(data)
        paths.append(path)
    # A profile of its own: runs beside another LibreOffice, and as root.
    profile = (folder / "profile").as_uri()
    environment = {**os.environ, "HOME": str(folder)}
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *map(str, paths)],
        check=True, capture_output=True, timeout=240, env=environment,
    )  # fmt: skip
    pdfs = {edition: folder / f"{STEM}-{edition}.pdf" for edition in exported.files}
    for pdf in pdfs.values():
        assert pdf.exists(), f"LibreOffice wrote no {pdf.name}"
    return Converted(exported, pdfs)


@pytest.mark.slow
def test_libreoffice_opens_both_files_with_every_question_and_no_answer_for_students(
    converted: Converted,
) -> None:
    student, teacher = converted.words("student"), converted.words("teacher")
    view = converted.exported.view
    for question in view.questions:
        assert contains(student, words(plain(question.prompt))), question.id
        assert contains(teacher, words(plain(question.prompt))), question.id
        for answer in answer_texts(question):
            if len(words(answer)) >= 4:  # "Top secret." is also a line of Document A
                assert not contains(student, words(answer)), question.id
            assert contains(teacher, words(answer)), question.id
    for block in view.documents:
        if not block.excerpt.is_image:
            for line in (line for p in block.excerpt.paragraphs for line in p):
                assert contains(student, words(plain(line.html))), plain(line.html)
