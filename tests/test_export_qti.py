"""The question-bank exports: Moodle XML and Canvas (a QTI 1.2 package).

Most tests run on the fixture lesson with an image document (Document E) and one
question of every kind (test_kinds.py's lesson): the files are parsed, their items
counted and read field by field. One test exports the real module through the command.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from base64 import b64decode
from html import unescape
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner
from conftest import LESSON_1, ROOT
from test_kinds import draw_png, lesson_data, module, write_lesson  # noqa: F401  (a fixture)

from handouts.build import export
from handouts.cli.app import cli
from handouts.export import ExportOptions
from handouts.export.bank import name_documents
from handouts.export.canvas import deterministic_zip
from handouts.export.moodle import category_path, cdata, response_lines
from handouts.loader.project import gather

STEM = LESSON_1.stem
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
IMSCP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"
HOSTILE = "Fear & <b>loathing</b> \"double\" 'single' {{ jinja }} ]]> Приказ"
"""Every character the XML (and a template engine) could take for markup, and Cyrillic."""


def exported(folder: Path, with_answers: bool = False) -> dict[str, bytes]:
    """Both exports of the module in `folder`, by file name."""
    project = gather(folder / "lessons" / "module.yaml")
    assert not project.errors, [p.format() for p in project.errors]
    report = export(project, ["moodle", "canvas"], ExportOptions((), with_answers))
    assert not report.problems and not report.failed
    return {out.path.name: out.path.read_bytes() for out in report.outputs}


def moodle_of(files: dict[str, bytes]) -> ET.Element:
    return ET.fromstring(files[f"{STEM}-moodle.xml"])


def canvas_of(files: dict[str, bytes]) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(files[f"{STEM}-canvas.zip"])) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assessment_of(package: dict[str, bytes]) -> ET.Element:
    [name] = [n for n in package if re.fullmatch(r"(g\w+)/\1\.xml", n)]
    return ET.fromstring(package[name])


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def by_name(root: ET.Element) -> dict[str, ET.Element]:
    """Moodle items by name ('Q3 (q3-...)', 'Document A: ...')."""
    return {q.findtext("name/text"): q for q in root.iter("question") if q.find("name") is not None}


def question_named(root: ET.Element, question_id: str) -> ET.Element:
    [item] = [q for name, q in by_name(root).items() if name.endswith(f"({question_id})")]
    return item


def canvas_item(assessment: ET.Element, question_id: str) -> ET.Element:
    """The Canvas item of a question, by its id (titles are 'Q3 (q3-...)')."""
    items = assessment.iter(f"{QTI}item")
    [item] = [i for i in items if i.get("title").endswith(f"({question_id})")]
    return item


def metadata(item: ET.Element) -> dict[str, str]:
    fields = item.iter(f"{QTI}qtimetadatafield")
    return {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") or "" for f in fields}


@pytest.fixture
def files(module: Path) -> dict[str, bytes]:  # noqa: F811
    return exported(module)


@pytest.fixture
def lesson() -> dict:
    return lesson_data()


# Moodle


def test_moodle_has_the_category_then_one_item_per_document_and_question(
    files: dict[str, bytes], lesson: dict
) -> None:
    root = moodle_of(files)
    types = [q.get("type") for q in root.iter("question")]
    assert len(types) == 1 + len(lesson["sources"]) + len(lesson["questions"])
    assert types[0] == "category"
    assert types.count("description") == len(lesson["sources"]) == 5
    assert types.count("multichoice") == 1
    assert types.count("essay") == len(lesson["questions"]) - 1
    path = root.find("question/category/text").text
    assert path == "$course$/top/The Great Terror, 1937–1938/Orders from the Center"
    # print order: each document, then its own questions
    names = [q.findtext("name/text") for q in root.iter("question")][1:]
    assert names[:3] == [
        "Document A: The Politburo decision “About Anti-Soviet elements”, 2 July 1937",
        "Q1 (q1-sourcing-decision)",
        "Q2 (q2-close-reading-decision)",
    ]


def test_a_moodle_essay_carries_points_lines_skill_and_names_its_documents(
    files: dict[str, bytes],
) -> None:
    root = moodle_of(files)
    q7 = question_named(root, "q7-corroboration-center")
    assert q7.findtext("defaultgrade") == "6"
    assert q7.findtext("responsefieldlines") == "10"  # 8 printed lines: Moodle's next size
    assert q7.findtext("responseformat") == "editor"
    assert [t.text for t in q7.findall("tags/tag/text")] == ["corroboration"]
    text = q7.find("questiontext")
    assert text.get("format") == "html"
    assert plain(text.findtext("text")).startswith("Documents A, B and C.")
    image = question_named(root, "q9-image")
    assert plain(image.findtext("questiontext/text")).startswith("Document E. What does")
    assert image.findtext("responsefieldlines") == "2"
    assert image.findtext("defaultgrade") == "0"  # no points: not graded


def test_moodle_keeps_every_exemplar_in_graderinfo_only(
    files: dict[str, bytes], lesson: dict
) -> None:
    raw = files[f"{STEM}-moodle.xml"].decode("utf-8")
    root = moodle_of(files)
    for question in lesson["questions"]:
        item = question_named(root, question["id"])
        exemplar = " ".join(question["answer"].split())[:40]
        if question.get("kind") == "multiple_choice":
            # no field only graders see: the explanation stays out, the key is the answer
            assert item.find("graderinfo") is None
            assert exemplar not in plain(raw)
            continue
        grader = plain(item.findtext("graderinfo/text"))
        assert grader.startswith("Exemplar answer")
        assert exemplar.replace('"', "") in grader.replace("“", "").replace("”", "")
        for other in item:
            if other.tag != "graderinfo":
                shown = plain(ET.tostring(other, encoding="unicode"))
                assert exemplar[:25] not in shown, (question["id"], other.tag)


def test_a_scoring_guide_and_the_filled_table_are_grader_only(scratch: Path) -> None:
    data = lesson_data()
    data["questions"][0]["scoring"] = "Full marks: names the sender and the secrecy."
    data["questions"][0]["organizer"] = {
        "columns": ["Who wrote it?", "To whom?"],
        "row_labels": ["Document A"],
        "answer": [["Stalin, for the Politburo", "zzregional leaders"]],
    }
    draw_png(scratch / "lessons" / "images" / "frame.png")
    write_lesson(scratch, data)
    root = moodle_of(exported(scratch))
    item = question_named(root, "q1-sourcing-decision")
    grader = plain(item.findtext("graderinfo/text"))
    assert "Full marks: names the sender" in grader
    assert "zzregional leaders" in grader
    template = item.findtext("responsetemplate/text")
    assert "Who wrote it?" in template and "zzregional" not in template
    asked = plain(item.findtext("questiontext/text"))
    assert "Answer in a table with these columns: Who wrote it?; To whom? One row for" in asked
    assert "zzregional" not in asked and "Full marks" not in asked


def test_moodle_multiple_choice_is_single_answer_with_the_key_at_100(
    files: dict[str, bytes],
) -> None:
    item = question_named(moodle_of(files), "q10-choice")
    assert item.get("type") == "multichoice"
    assert item.findtext("single") == "true"
    answers = {plain(a.findtext("text")): a.get("fraction") for a in item.findall("answer")}
    assert answers == {
        "Nikita Khrushchev": "0",
        "Nikolai Ezhov": "100",
        "the regional troikas": "0",
    }
    assert plain(item.findtext("questiontext/text")).startswith("Document B. According to")


def test_the_image_document_is_a_description_with_the_file_embedded(
    files: dict[str, bytes],
    module: Path,  # noqa: F811
) -> None:
    root = moodle_of(files)
    [item] = [q for q in root.iter("question") if q.find("questiontext/file") is not None]
    assert item.get("type") == "description"
    html = item.findtext("questiontext/text")
    alt = "A grey circle inside a thick black frame."
    assert f'<img src="@@PLUGINFILE@@/frame.png" alt="{alt}"' in html
    assert "A grey circle inside a black frame." in plain(html)  # the caption
    file = item.find("questiontext/file")
    assert (file.get("name"), file.get("path"), file.get("encoding")) == (
        "frame.png",
        "/",
        "base64",
    )
    assert b64decode(file.text) == (module / "lessons" / "images" / "frame.png").read_bytes()


def test_a_document_keeps_its_printed_line_numbers_and_citation(files: dict[str, bytes]) -> None:
    root = moodle_of(files)
    [document] = [q for name, q in by_name(root).items() if name.startswith("Document A")]
    text = plain(document.findtext("questiontext/text"))
    assert "(10) state farms, and in transport" in text
    assert "(15) shot in the administrative procedure." in text
    assert "RGASPI F. 17 Op. 162 D. 21 L. 89" in text  # the citation
    assert "Who: the Politburo of the Central Committee" in text  # the headnote


def test_cdata_survives_its_own_end_marker() -> None:
    for value in ("]]>", "a]]>b]]>c", "]]]]>", "x]]"):
        wrapped = ET.fromstring(f"<text>{cdata(value)}</text>")
        assert wrapped.text == value


def test_a_slash_in_a_category_name_is_doubled_as_moodle_reads_it() -> None:
    assert category_path("Either/or", "/x/") == "$course$/top/Either//or/ //x// "


def test_the_answer_box_is_the_next_size_moodle_offers() -> None:
    assert [response_lines(n) for n in (0, 1, 2, 3, 4, 5, 8, 40, 45)] == [
        2,
        2,
        2,
        3,
        5,
        5,
        10,
        40,
        40,
    ]


def test_documents_are_named_as_a_reader_says_them() -> None:
    assert name_documents(["A"]) == "Document A"
    assert name_documents(["A", "B"]) == "Documents A and B"
    assert name_documents(["D", "B", "A"]) == "Documents D, B and A"


# Canvas


def test_the_canvas_package_is_the_layout_canvas_imports(files: dict[str, bytes]) -> None:
    package = canvas_of(files)
    names = list(package)
    assert names == sorted(names)
    [quiz] = {n.split("/")[0] for n in names if n.endswith("/assessment_meta.xml")}
    assert set(names) == {
        "imsmanifest.xml",
        f"{quiz}/{quiz}.xml",
        f"{quiz}/assessment_meta.xml",
        "images/frame.png",
    }
    manifest = ET.fromstring(package["imsmanifest.xml"])
    hrefs = [unquote(f.get("href")) for f in manifest.iter(f"{IMSCP}file")]
    assert sorted(hrefs) == [n for n in names if n != "imsmanifest.xml"]  # all there, all listed
    resources = {r.get("identifier"): r for r in manifest.iter(f"{IMSCP}resource")}
    assert resources[quiz].get("type") == "imsqti_xmlv1p2"
    dependency = resources[quiz].find(f"{IMSCP}dependency").get("identifierref")
    assert resources[dependency].get("href") == f"{quiz}/assessment_meta.xml"
    meta = ET.fromstring(package[f"{quiz}/assessment_meta.xml"])
    assert (
        meta.get("identifier")
        == quiz
        == assessment_of(package).find(f"{QTI}assessment").get("ident")
    )


def test_canvas_has_an_item_per_document_and_question_with_types_and_points(
    files: dict[str, bytes], lesson: dict
) -> None:
    items = list(assessment_of(canvas_of(files)).iter(f"{QTI}item"))
    assert len(items) == len(lesson["sources"]) + len(lesson["questions"])
    types = [metadata(item)["question_type"] for item in items]
    assert types.count("text_only_question") == len(lesson["sources"])
    assert types.count("multiple_choice_question") == 1
    assert types.count("essay_question") == len(lesson["questions"]) - 1
    points = {item.get("title"): metadata(item)["points_possible"] for item in items}
    assert points["Q10 (q7-corroboration-center)"] == "6"
    assert points["Q7 (q9-image)"] == "0"
    assert types[:2] == ["text_only_question", "essay_question"]  # Document A, then Q1
    image = next(i for i in items if i.get("title").startswith("Document E"))
    html = image.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext")
    assert 'src="%24IMS-CC-FILEBASE%24/images/frame.png"' in html


def test_canvas_multiple_choice_is_graded_on_its_key(files: dict[str, bytes]) -> None:
    choice = canvas_item(assessment_of(canvas_of(files)), "q10-choice")
    labels = {
        label.get("ident"): plain(label.findtext(f"{QTI}material/{QTI}mattext"))
        for label in choice.iter(f"{QTI}response_label")
    }
    [key] = [v.text for v in choice.iter(f"{QTI}varequal")]
    assert labels[key] == "Nikolai Ezhov"
    assert len(labels) == 3
    assert metadata(choice)["original_answer_ids"] == ",".join(labels)


def test_canvas_leaves_exemplars_out_unless_asked(module: Path, lesson: dict) -> None:  # noqa: F811
    def texts(with_answers: bool) -> str:
        package = canvas_of(exported(module, with_answers))
        return " ".join(plain(b.decode("utf-8")) for n, b in package.items() if n.endswith("xml"))

    exemplars = [" ".join(q["answer"].split())[:30] for q in lesson["questions"]]
    without, with_answers = texts(False), texts(True)
    for exemplar in exemplars:
        exemplar = exemplar.replace('"', "")
        assert exemplar not in without.replace("“", "").replace("”", "")
        assert exemplar in with_answers.replace("“", "").replace("”", "")
    assert "Exemplar answer" not in without


def test_with_answers_the_exemplar_is_general_feedback(module: Path) -> None:  # noqa: F811
    q1 = canvas_item(assessment_of(canvas_of(exported(module, True))), "q1-sourcing-decision")
    [feedback] = q1.findall(f"{QTI}itemfeedback")
    assert feedback.get("ident") == "general_fb"
    shown = [d.get("linkrefid") for d in q1.iter(f"{QTI}displayfeedback")]
    assert shown == ["general_fb"]
    assert plain(feedback.findtext(f".//{QTI}mattext")).startswith(
        "Exemplar answer Document A is a decision of the Politburo"
    )


def test_the_canvas_zip_is_the_same_bytes_every_time(module: Path) -> None:  # noqa: F811
    first = exported(module)[f"{STEM}-canvas.zip"]
    second = exported(module)[f"{STEM}-canvas.zip"]
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert deterministic_zip({"b": b"2", "a": b"1"}) == deterministic_zip({"a": b"1", "b": b"2"})


# Escaping


def test_hostile_text_parses_and_is_kept(scratch: Path) -> None:
    data = lesson_data()
    data["title"] = HOSTILE
    data["vocabulary"][0]["definition"] = HOSTILE
    data["questions"][0]["prompt"] = HOSTILE
    data["questions"][0]["answer"] = HOSTILE
    [choice] = [q for q in data["questions"] if q["id"] == "q10-choice"]
    choice["options"][1] = choice["key"] = HOSTILE
    draw_png(scratch / "lessons" / "images" / "frame.png")
    write_lesson(scratch, data)
    module_file = scratch / "lessons" / "module.yaml"
    module_data = yaml.safe_load(module_file.read_text(encoding="utf-8"))
    module_data["known_words"].append("Приказ")
    module_file.write_text(yaml.safe_dump(module_data, allow_unicode=True), encoding="utf-8")
    files = exported(scratch, with_answers=True)
    typographic = HOSTILE.replace('"double"', "“double”").replace("'single'", "‘single’")

    root = moodle_of(files)  # parses
    q1 = question_named(root, "q1-sourcing-decision")
    assert plain(q1.findtext("questiontext/text")) == f"Document A. {typographic}"
    assert plain(q1.findtext("graderinfo/text")) == f"Exemplar answer {typographic}"
    category = root.find("question/category/text").text
    assert category.endswith("/" + typographic.replace("</b>", "<//b>"))  # '/' doubled
    assert typographic in plain(root.find("question/info/text").text)  # the glossary
    assert "]]]]><![CDATA[>" in files[f"{STEM}-moodle.xml"].decode("utf-8")
    options = question_named(root, "q10-choice").findall("answer")
    assert [(plain(a.findtext("text")), a.get("fraction")) for a in options][1] == (
        typographic,
        "100",
    )

    package = canvas_of(files)
    assessment = assessment_of(package)  # parses
    assert assessment.find(f"{QTI}assessment").get("title") == typographic
    q1 = canvas_item(assessment, "q1-sourcing-decision")
    assert plain(q1.findtext(f".//{QTI}mattext")) == f"Document A. {typographic}"
    choice = canvas_item(assessment, "q10-choice")
    labels = {
        label.get("ident"): plain(label.findtext(f"{QTI}material/{QTI}mattext"))
        for label in choice.iter(f"{QTI}response_label")
    }
    assert labels[next(choice.iter(f"{QTI}varequal")).text] == typographic
    [meta] = [ET.fromstring(b) for n, b in package.items() if n.endswith("assessment_meta.xml")]
    assert meta.findtext(f"{CANVAS}title") == typographic
    assert typographic in plain(meta.findtext(f"{CANVAS}description"))  # the glossary
    ET.fromstring(package["imsmanifest.xml"])


# The real module, through the command


def test_export_runs_on_the_real_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--format", "moodle", "--format", "canvas"])
    assert result.exit_code == 0, result.output
    project = gather(tmp_path / "lessons" / "module.yaml")
    assert len(project.lessons) == 7
    for lesson_file in project.lessons:
        lesson = lesson_file.lesson
        folder = tmp_path / "build" / lesson_file.stem
        moodle = ET.parse(folder / f"{lesson_file.stem}-moodle.xml").getroot()
        assert len(moodle.findall("question")) == 1 + len(lesson.sources) + len(lesson.questions)
        files = {f"{STEM}-canvas.zip": (folder / f"{lesson_file.stem}-canvas.zip").read_bytes()}
        items = list(assessment_of(canvas_of(files)).iter(f"{QTI}item"))
        assert len(items) == len(lesson.sources) + len(lesson.questions)
        assert f"wrote build/{lesson_file.stem}/{lesson_file.stem}-canvas.zip" in result.output


def test_an_export_with_nothing_changed_rewrites_nothing(scratch) -> None:
    from click.testing import CliRunner

    from handouts.cli.app import cli

    first = CliRunner().invoke(cli, ["export", "--format", "moodle"])
    assert first.exit_code == 0, first.output
    [path] = (scratch / "build").rglob("*-moodle.xml")
    before = path.stat().st_mtime_ns
    again = CliRunner().invoke(cli, ["export", "--format", "moodle"])
    assert again.exit_code == 0, again.output
    assert "wrote" not in again.output
    assert "Exported 1 file: 1 unchanged since last written." in again.output
    assert path.stat().st_mtime_ns == before
