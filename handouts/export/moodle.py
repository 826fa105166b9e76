"""A lesson as a Moodle question bank: one Moodle XML file, `<stem>-moodle.xml`.

The file holds a category (`$course$/top/<module>/<lesson>`), then, in print order, a
description item per document and an item per question. Written and multiple-choice
questions become `essay` and `multichoice` items. Short answers, reflections and exit
tickets become essays too: Moodle's `shortanswer` marks an answer right only when it
matches an expected string, and an exemplar ("Top secret.") is a model of an answer,
not the only words a student may write. The exemplar, scoring guide and filled-in table
go into the essay's `graderinfo`, which Moodle shows only to those who grade; a
multiple-choice item has no such field, so its explanation stays out (its key is the
answer, and Moodle hides it while students answer).

The format follows Moodle's own writer (question/format/xml/format.php): every text in
CDATA, a `]]>` inside split between two sections; '/' inside a category name doubled.
"""

from __future__ import annotations

from base64 import b64encode
from xml.sax.saxutils import quoteattr

from handouts.export import ExportLesson, ExportOptions
from handouts.export.bank import DocumentItem, QuestionItem, bank_items, lesson_intro, plain
from handouts.schema import QuestionKind

RESPONSE_SIZES = (2, 3, 5, 10, 15, 20, 25, 30, 35, 40)
"""The answer box heights (lines) Moodle's essay form offers; another value would be
replaced by the first choice the next time a teacher edits the question."""


def cdata(value: str) -> str:
    """Text as one or more CDATA sections: nothing in it is markup to the XML parser."""
    if not value:
        return ""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text(value: str, indent: int = 3) -> str:
    return f"{'  ' * indent}<text>{cdata(value)}</text>"


def category_path(*names: str) -> str:
    """Moodle's category path: '/' separates names, so a '/' inside one is doubled (and a
    name starting or ending with one is padded with a space, as Moodle's writer does)."""
    escaped = []
    for name in names:
        name = name.replace("/", "//")
        if name.startswith("/"):
            name = " " + name
        if name.endswith("/"):
            name += " "
        escaped.append(name)
    return "/".join(["$course$", "top", *escaped])


def response_lines(lines: int) -> int:
    """The smallest answer box Moodle offers that holds the printed writing space."""
    return next((size for size in RESPONSE_SIZES if size >= lines), RESPONSE_SIZES[-1])


def _head(kind: str, name: str, html: str, grade: int, penalty: str, files: str = "") -> list[str]:
    return [
        f'  <question type="{kind}">',
        "    <name>",
        text(name),
        "    </name>",
        '    <questiontext format="html">',
        text(html) + files,
        "    </questiontext>",
        '    <generalfeedback format="html">',
        text(""),
        "    </generalfeedback>",
        f"    <defaultgrade>{grade}</defaultgrade>",
        f"    <penalty>{penalty}</penalty>",
        "    <hidden>0</hidden>",
    ]


def description(item: DocumentItem) -> list[str]:
    files = ""
    if item.picture:
        data = b64encode(item.picture.data).decode("ascii")
        files = (
            f'\n      <file name={quoteattr(item.picture.name)} path="/"'
            f' encoding="base64">{data}</file>'
        )
    return [*_head("description", item.name, item.html, 0, "0", files), "  </question>"]


def question(item: QuestionItem) -> list[str]:
    grade = item.points or 0
    if item.kind is QuestionKind.multiple_choice:
        lines = _head("multichoice", item.name, item.html, grade, "0.3333333")
        lines += [
            "    <single>true</single>",
            "    <shuffleanswers>false</shuffleanswers>",
            "    <answernumbering>ABCD</answernumbering>",
            "    <showstandardinstruction>0</showstandardinstruction>",
        ]
        for feedback in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            lines += [f'    <{feedback} format="html">', text(""), f"    </{feedback}>"]
        for index, option in enumerate(item.options):
            fraction = 100 if index == item.key else 0
            lines += [
                f'    <answer fraction="{fraction}" format="html">',
                text(option),
                '      <feedback format="html">',
                text("", 4),
                "      </feedback>",
                "    </answer>",
            ]
    else:
        lines = _head("essay", item.name, item.html, grade, "0")
        lines += [
            "    <responseformat>editor</responseformat>",
            "    <responserequired>1</responserequired>",
            f"    <responsefieldlines>{response_lines(item.lines)}</responsefieldlines>",
            "    <attachments>0</attachments>",
            "    <attachmentsrequired>0</attachmentsrequired>",
            '    <graderinfo format="html">',
            text(item.answer_html),
            "    </graderinfo>",
            '    <responsetemplate format="html">',
            text(item.template_html or ""),
            "    </responsetemplate>",
        ]
    lines += ["    <tags>", f"      <tag>{text(item.skill, 0)}</tag>", "    </tags>"]
    return [*lines, "  </question>"]


def moodle_xml(lesson: ExportLesson) -> bytes:
    """The lesson's bank as Moodle XML (UTF-8; the declaration on the very first line)."""
    view = lesson.view
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<quiz>",
        '  <question type="category">',
        "    <category>",
        text(category_path(" ".join(view.module_title.split()), plain(view.title))),
        "    </category>",
        '    <info format="html">',
        text(lesson_intro(lesson)),
        "    </info>",
        "  </question>",
    ]
    for item in bank_items(lesson, lambda name: f"@@PLUGINFILE@@/{name}"):
        lines += description(item) if isinstance(item, DocumentItem) else question(item)
    lines.append("</quiz>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def export(lesson: ExportLesson, options: ExportOptions) -> dict[str, bytes]:
    """`<stem>-moodle.xml`; exemplars always in graderinfo (Moodle keeps them from students)."""
    return {f"{lesson.lesson_file.stem}-moodle.xml": moodle_xml(lesson)}
