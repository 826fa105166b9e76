"""A lesson as a Canvas quiz and question bank: a QTI 1.2 package, `<stem>-canvas.zip`.

The layout is the one Canvas writes when it exports a quiz as QTI, and reads back with
Settings > Import Course Content > "QTI .zip file" (lib/cc/qti in canvas-lms):
`imsmanifest.xml`; `<id>/<id>.xml`, the assessment; `<id>/assessment_meta.xml`, the
quiz's Canvas settings (title, description, points); and `images/` for image documents.

Documents are `text_only_question` items, each placed before its own questions (as on
the worksheet), not in the quiz description: Canvas shows the description only on the
quiz's start page, while an item stays on the page beside the questions about it, and
goes into the question bank with them. Written questions, short answers, reflections and
exit tickets are `essay_question`s (Canvas's `short_answer_question` marks only exact
matches right); multiple choice is `multiple_choice_question`, graded on its key.

Canvas has no field only graders see: a question's general feedback ("neutral
comments") is shown to the student after the quiz. So exemplars and scoring guides are
left out unless asked for with --with-answers. The zip is deterministic (fixed times,
sorted entries), so the same lesson gives the same bytes.
"""

from __future__ import annotations

from hashlib import sha256
from urllib.parse import quote
from xml.etree import ElementTree as ET

from handouts.export import ExportLesson, ExportOptions
from handouts.export.bank import (
    DocumentItem,
    QuestionItem,
    bank_items,
    lesson_intro,
    lesson_title,
)
from handouts.export.common import deterministic_zip
from handouts.schema import QuestionKind

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
IMSCP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_v1p2"
LEARNING_RESOURCE = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
FILEBASE = "%24IMS-CC-FILEBASE%24"
"""Canvas's token for the package's root in an imported page's links ($IMS-CC-FILEBASE$)."""
"""Every entry's time: the earliest a zip can hold, so the bytes never depend on the clock."""


def ident(*parts: str) -> str:
    """A stable identifier (Canvas's own form: 'g' and 32 hex digits): the same lesson
    imports onto the same quiz and items ("Overwrite assessment content with matching IDs")."""
    return "g" + sha256("/".join(parts).encode("utf-8")).hexdigest()[:32]


def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def field(metadata: ET.Element, label: str, entry: str) -> None:
    node = sub(metadata, "qtimetadatafield")
    sub(node, "fieldlabel", label)
    sub(node, "fieldentry", entry)


def material(parent: ET.Element, html: str) -> None:
    sub(sub(parent, "material"), "mattext", html, texttype="text/html")


def document_item(section: ET.Element, item: DocumentItem, identifier: str) -> None:
    node = sub(section, "item", ident=identifier, title=item.name)
    metadata = sub(sub(node, "itemmetadata"), "qtimetadata")
    field(metadata, "question_type", "text_only_question")
    field(metadata, "points_possible", "0")
    material(sub(node, "presentation"), item.html)


def question_item(
    section: ET.Element, item: QuestionItem, identifier: str, with_answers: bool
) -> None:
    choice = item.kind is QuestionKind.multiple_choice
    answer_ids = [str(item.number * 1000 + index + 1) for index in range(len(item.options))]
    node = sub(section, "item", ident=identifier, title=item.name)
    metadata = sub(sub(node, "itemmetadata"), "qtimetadata")
    field(metadata, "question_type", "multiple_choice_question" if choice else "essay_question")
    field(metadata, "points_possible", str(item.points or 0))
    field(metadata, "original_answer_ids", ",".join(answer_ids))
    presentation = sub(node, "presentation")
    material(presentation, item.html)
    if choice:
        response = sub(presentation, "response_lid", ident="response1", rcardinality="Single")
        render = sub(response, "render_choice")
        for answer_id, option in zip(answer_ids, item.options, strict=True):
            material(sub(render, "response_label", ident=answer_id), option)
    else:
        response = sub(presentation, "response_str", ident="response1", rcardinality="Single")
        sub(sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    processing = sub(node, "resprocessing")
    outcomes = sub(processing, "outcomes")
    sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    if with_answers:
        condition = sub(processing, "respcondition", **{"continue": "Yes"})
        sub(sub(condition, "conditionvar"), "other")
        sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    condition = sub(processing, "respcondition", **{"continue": "No"})
    if choice and item.key is not None:
        sub(sub(condition, "conditionvar"), "varequal", answer_ids[item.key], respident="response1")
        sub(condition, "setvar", "100", action="Set", varname="SCORE")
    else:
        sub(sub(condition, "conditionvar"), "other")
    if with_answers:
        feedback = sub(node, "itemfeedback", ident="general_fb")
        material(sub(feedback, "flow_mat"), item.answer_html)


def xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def assessment(lesson: ExportLesson, quiz: str, with_answers: bool) -> tuple[bytes, dict]:
    """The QTI assessment, and the files (images) its items link to."""
    root = ET.Element(
        "questestinterop",
        {
            "xmlns": QTI,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": f"{QTI} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd",
        },
    )
    node = sub(root, "assessment", ident=quiz, title=lesson_title(lesson))
    field(sub(node, "qtimetadata"), "cc_maxattempts", "1")
    section = sub(node, "section", ident="root_section")
    module, stem = lesson.module.id, lesson.view.id
    images: dict[str, bytes] = {}
    for item in bank_items(lesson, lambda name: f"{FILEBASE}/images/{name}"):
        if isinstance(item, DocumentItem):
            document_item(section, item, ident(module, stem, "document", item.letter))
            if item.picture:
                images[f"images/{item.picture.name}"] = item.picture.data
        else:
            question_item(section, item, ident(module, stem, "question", item.id), with_answers)
    return xml_bytes(root), images


def assessment_meta(lesson: ExportLesson, quiz: str, with_answers: bool) -> bytes:
    """Canvas's settings for the quiz: unpublished, one attempt, answers not shown."""
    title = lesson_title(lesson)
    points = f"{lesson.view.total_points:.1f}"
    root = ET.Element(
        "quiz",
        {
            "identifier": quiz,
            "xmlns": CANVAS,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": f"{CANVAS} https://canvas.instructure.com/xsd/cccv1p0.xsd",
        },
    )
    sub(root, "title", title)
    sub(root, "description", lesson_intro(lesson))
    shown = "true" if with_answers else "false"
    for tag, value in (
        ("shuffle_answers", "false"),
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment"),
        ("points_possible", points),
        ("show_correct_answers", shown),
        ("anonymous_submissions", "false"),
        ("could_be_locked", "false"),
        ("allowed_attempts", "1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
        ("one_time_results", "false"),
        ("show_correct_answers_last_attempt", "false"),
        ("only_visible_to_overrides", "false"),
        ("module_locked", "false"),
    ):
        sub(root, tag, value)
    assignment = sub(root, "assignment", identifier=ident(lesson.module.id, quiz, "assignment"))
    for tag, value in (
        ("title", title),
        ("workflow_state", "unpublished"),
        ("quiz_identifierref", quiz),
        ("points_possible", points),
        ("grading_type", "points"),
        ("submission_types", "online_quiz"),
    ):
        sub(assignment, tag, value)
    return xml_bytes(root)


def manifest(lesson: ExportLesson, quiz: str, images: list[str]) -> bytes:
    """The package's table of contents: the assessment, its Canvas settings, its images."""
    meta = ident(lesson.module.id, quiz, "meta")
    root = ET.Element(
        "manifest",
        {
            "identifier": ident(lesson.module.id, quiz, "manifest"),
            "xmlns": IMSCP,
            "xmlns:imsmd": IMSMD,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": f"{IMSCP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
            f" {IMSMD} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd",
        },
    )
    metadata = sub(root, "metadata")
    sub(metadata, "schema", "IMS Content")
    sub(metadata, "schemaversion", "1.1.3")
    title = sub(sub(sub(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    sub(title, "imsmd:string", lesson_title(lesson))
    sub(root, "organizations")
    resources = sub(root, "resources")
    resource = sub(resources, "resource", identifier=quiz, type="imsqti_xmlv1p2")
    sub(resource, "file", href=f"{quiz}/{quiz}.xml")
    sub(resource, "dependency", identifierref=meta)
    href = f"{quiz}/assessment_meta.xml"
    resource = sub(resources, "resource", identifier=meta, type=LEARNING_RESOURCE, href=href)
    sub(resource, "file", href=href)
    for path in images:
        href = quote(path)  # an address, as the items' links write it
        resource = sub(
            resources, "resource", identifier=ident(quiz, path), type="webcontent", href=href
        )
        sub(resource, "file", href=href)
    return xml_bytes(root)


def export(lesson: ExportLesson, options: ExportOptions) -> dict[str, bytes]:
    """`<stem>-canvas.zip`; exemplars only with --with-answers (Canvas shows them to students)."""
    quiz = ident(lesson.module.id, lesson.view.id, "assessment")
    qti, images = assessment(lesson, quiz, options.with_answers)
    files = {
        "imsmanifest.xml": manifest(lesson, quiz, sorted(images)),
        f"{quiz}/{quiz}.xml": qti,
        f"{quiz}/assessment_meta.xml": assessment_meta(lesson, quiz, options.with_answers),
        **images,
    }
    return {f"{lesson.lesson_file.stem}-canvas.zip": deterministic_zip(files)}
