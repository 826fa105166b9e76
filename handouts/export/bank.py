"""A lesson as a question bank holds it (Moodle, Canvas): documents and questions as items.

Both banks take the same things from the view: the documents with their line numbers
(answers cite "A, lines 1-5"), each question's prompt with the documents it is about
named ("Documents A and B", since a bank question is seen on its own), and, kept apart,
what only a grader may read (exemplar, scoring guide, the filled-in table, the key).
Items come in print order: each document followed by its own questions, then the
questions on several documents, reflections and exit tickets. Only the markup of each
platform (Moodle XML, QTI 1.2) differs, and lives in moodle.py and canvas.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote

from markupsafe import Markup

from handouts.export import ExportLesson
from handouts.loader.files import read_bytes
from handouts.loader.images import MAX_IMAGE_BYTES
from handouts.schema import QuestionKind
from handouts.view import ExcerptView, ImageView, OrganizerView, QuestionView


@dataclass(frozen=True)
class Picture:
    """An image document's file, to travel inside the bank."""

    name: str
    data: bytes


@dataclass(frozen=True)
class DocumentItem:
    """A document students read: shown, never answered or graded."""

    letter: str
    name: str
    """Plain text: 'Document A: Title'."""
    html: str
    picture: Picture | None = None


@dataclass(frozen=True)
class QuestionItem:
    number: int
    id: str
    kind: QuestionKind
    name: str
    """Plain text: 'Q3 (q3-center)'."""
    html: str
    """What students read: the documents it is about, the prompt, the table to fill in."""
    skill: str
    """As the schema spells it ('close reading'): a tag."""
    points: int | None
    lines: int
    options: list[str]
    """A multiple-choice question's options, as HTML, in printed order (A, B, C ...)."""
    key: int | None
    """Which option is right (graded by the platform, never shown while answering)."""
    answer_html: str
    """For graders only: the exemplar, the scoring guide, the filled-in table."""
    template_html: str | None = None
    """The empty table to fill in, for a platform that can pre-fill the answer box."""


Item = DocumentItem | QuestionItem


def plain(html: str) -> str:
    """HTML made by the view (escaped text and a few tags) as the text it shows."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def name_documents(letters: list[str]) -> str:
    """'Document A', 'Documents A and B', 'Documents A, B and C'."""
    if len(letters) == 1:
        return f"Document {letters[0]}"
    return f"Documents {', '.join(letters[:-1])} and {letters[-1]}"


def excerpt_html(view: ExcerptView) -> str:
    """Headnote, the text with the printed line numbers (every fifth), citation."""
    paragraphs = []
    for paragraph in view.paragraphs:
        lines = [
            Markup('<span class="line-number">({})</span> {}').format(line.number, line.html)
            if line.number % 5 == 0
            else line.html
            for line in paragraph
        ]
        paragraphs.append(Markup("<p>{}</p>").format(Markup("<br />").join(lines)))
    parts = [
        Markup("<h3>{}: {}</h3>").format(view.label, view.title),
        view.headnote,
        Markup("<blockquote>{}</blockquote>").format(Markup("").join(paragraphs)),
        Markup("<p><small>Line numbers as on the printed worksheet.</small></p>"),
        Markup("<p><small>{}</small></p>").format(view.citation),
    ]
    return str(Markup("").join(parts))


def image_html(view: ImageView, src: str) -> str:
    """Headnote, the picture with its text alternative, caption and provenance."""
    parts = [Markup("<h3>{}: {}</h3>").format(view.label, view.title)]
    if view.headnote:
        parts.append(view.headnote)
    parts += [
        Markup('<p><img src="{}" alt="{}" style="max-width: 100%" /></p>').format(src, view.alt),
        Markup("<p><strong>What the image shows:</strong> {}</p>").format(view.alt),
        view.caption,
        Markup("<p><small>{}. {}. {}.</small></p>").format(
            view.citation, view.credit, view.licence
        ),
    ]
    return str(Markup("").join(parts))


def organizer_html(organizer: OrganizerView, cells: list[list[Markup]] | None = None) -> str:
    """The table as printed: headings, a row per label; `cells` fills it (the exemplar)."""
    labelled = bool(organizer.rows) and organizer.rows[0] is not None
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(c) for c in organizer.columns)
    corner = Markup("<td></td>") if labelled else Markup("")
    rows = []
    for index, label in enumerate(organizer.rows):
        row = (cells or [])[index] if index < len(cells or []) else []
        tds = Markup("").join(
            Markup("<td>{}</td>").format(row[column] if column < len(row) else Markup("&nbsp;"))
            for column in range(len(organizer.columns))
        )
        th = Markup('<th scope="row">{}</th>').format(label) if label is not None else Markup("")
        rows.append(Markup("<tr>{}{}</tr>").format(th, tds))
    return str(
        Markup('<table border="1"><thead><tr>{}{}</tr></thead><tbody>{}</tbody></table>').format(
            corner, head, Markup("").join(rows)
        )
    )


def _organizer_prompt(organizer: OrganizerView) -> Markup:
    """The table to fill in, said in words: a bank's answer box is a text box."""
    text = Markup("<p>Answer in a table with these columns: {}").format(
        _sentence(organizer.columns)
    )
    labels = [label for label in organizer.rows if label is not None]
    if labels:
        text += Markup(" One row for each of: {}").format(_sentence(labels))
    return text + Markup("</p>")


def _sentence(items: list[str]) -> str:
    """'a; b; c.', without a second stop after a heading that ends a question."""
    joined = "; ".join(items)
    return joined if joined.endswith((".", "?", "!")) else joined + "."


def question_item(view: QuestionView, skill: str) -> QuestionItem:
    letters = [letter for letter in view.documents.split(", ") if letter]
    parts = []
    if letters:
        parts.append(Markup("<p><strong>{}.</strong></p>").format(name_documents(letters)))
    parts.append(view.prompt)
    if view.organizer:
        parts.append(_organizer_prompt(view.organizer))
    answer = [Markup("<p><strong>Exemplar answer</strong></p>"), view.answer]
    if view.organizer and view.organizer.answer:
        answer.append(Markup(organizer_html(view.organizer, view.organizer.answer)))
    if view.scoring:
        answer += [Markup("<p><strong>Scoring</strong></p>"), view.scoring]
    key = next((i for i, option in enumerate(view.options) if option.key), None)
    return QuestionItem(
        number=view.number,
        id=view.id,
        kind=QuestionKind(view.kind),
        name=f"Q{view.number} ({view.id})",
        html=str(Markup("").join(parts)),
        skill=skill,
        points=view.points,
        lines=view.lines,
        options=[str(option.text) for option in view.options],
        key=key,
        answer_html=str(Markup("").join(answer)),
        template_html=organizer_html(view.organizer) if view.organizer else None,
    )


def picture(lesson: ExportLesson, document_id: str) -> Picture:
    """An image document's bytes, read as every input is (inside the images folder)."""
    image = lesson.lesson_file.images[document_id]
    data = read_bytes(image.path, inside=(lesson.images,), limit=MAX_IMAGE_BYTES)
    return Picture(image.path.name, data)


def bank_items(lesson: ExportLesson, image_src: Callable[[str], str]) -> list[Item]:
    """Every document and question of the lesson, in print order.

    `image_src` turns an image's (URL-quoted) file name into the address the platform
    resolves inside its package.
    """
    view = lesson.view
    skills = {q.id: q.skill.value for q in lesson.lesson_file.lesson.questions}
    items: list[Item] = []
    for document, block in zip(lesson.lesson_file.lesson.sources, view.documents, strict=True):
        shown = block.excerpt
        name = plain(f"{shown.label}: {shown.title}")
        if isinstance(shown, ImageView):
            image = picture(lesson, document.id)
            html = image_html(shown, image_src(quote(image.name)))
            items.append(DocumentItem(shown.letter, name, html, image))
        else:
            items.append(DocumentItem(shown.letter, name, excerpt_html(shown)))
        items += [question_item(q, skills[q.id]) for q in block.questions]
    rest = view.synthesis + view.reflection + view.exit_tickets
    items += [question_item(q, skills[q.id]) for q in rest]
    return items


def lesson_title(lesson: ExportLesson) -> str:
    """The lesson's title as plain text (a category, a quiz title)."""
    return plain(lesson.view.title)


def lesson_intro(lesson: ExportLesson) -> str:
    """What a student should read before the first item: the central question, the
    content note (the lesson is about mass killing; every edition prints it first) and
    the glossary."""
    view = lesson.view
    intro = (
        Markup("<p><strong>{}</strong></p>").format(view.central_question)
        + Markup("<p><strong>Content note</strong></p>")
        + view.content_note
    )
    if view.vocabulary:
        entries = Markup("").join(
            Markup("<dt>{}</dt><dd>{}</dd>").format(term, definition)
            for term, definition in view.vocabulary
        )
        intro += Markup("<p><strong>Glossary</strong></p><dl>{}</dl>").format(entries)
    return str(intro)
