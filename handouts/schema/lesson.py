"""A lesson unit: one YAML file, every edition of one lesson."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Discriminator, Field, StringConstraints, Tag, field_validator, model_validator

from handouts.schema.base import Identifier, Line, Strict, Text
from handouts.schema.chart import Chart


class Skill(StrEnum):
    """Historical-thinking skills a question exercises."""

    sourcing = "sourcing"
    contextualization = "contextualization"
    close_reading = "close reading"
    corroboration = "corroboration"
    quantitative_reasoning = "quantitative reasoning"


class Phase(StrEnum):
    """Where an activity sits in the lesson's arc."""

    opening = "opening"
    context = "context"
    source_work = "source work"
    discussion = "discussion"
    writing = "writing"
    closing = "closing"


class QuestionKind(StrEnum):
    """What a question asks students to do, and so what answer space it prints."""

    written = "written"
    short_answer = "short_answer"
    multiple_choice = "multiple_choice"
    reflection = "reflection"
    exit_ticket = "exit_ticket"


UNCITED_KINDS = frozenset({QuestionKind.reflection, QuestionKind.exit_ticket})
"""Kinds that may cite no document: every other question must cite one."""

DEFAULT_LINES = {
    QuestionKind.written: 4,
    QuestionKind.short_answer: 2,
    QuestionKind.multiple_choice: 0,
    QuestionKind.reflection: 4,
    QuestionKind.exit_ticket: 3,
}
"""Ruled lines a question gets when it does not say 'lines:'."""


def option_form(text: str) -> str:
    """An option as compared: case and spacing do not make two options (or a key) differ."""
    return " ".join(text.split()).casefold()


class VocabularyEntry(Strict):
    """A term students meet in the sources, glossed in the glossary box."""

    term: Line = Field(description="The word or phrase; regime categories in quotation marks.")
    definition: Text = Field(description="Plain-language definition for students.")


class TimelineEntry(Strict):
    """One dated event in the lesson's compact timeline."""

    date: Line = Field(description="Date as printed, e.g. '2 July 1937'.")
    event: Text = Field(description="What happened, in one sentence.")
    source: Identifier | None = Field(
        None, description="Corpus id of the document that attests the event (or give 'reference')."
    )
    reference: Identifier | None = Field(
        None,
        description="Id of a work under 'references' (a textbook, a scholarly work, an archive"
        " page) that attests the event, when no document of the module does.",
    )

    @model_validator(mode="after")
    def _one_attestation(self) -> TimelineEntry:
        """An event rests on one document or one reference, so its citation prints one way."""
        if self.source is None and self.reference is None:
            raise ValueError(
                "a timeline entry needs 'source' (a corpus document) or 'reference' (a work"
                " under 'references')"
            )
        if self.source is not None and self.reference is not None:
            raise ValueError("give either 'source' or 'reference', not both")
        return self


class Excerpt(Strict):
    """A passage quoted from a corpus document, framed with headnote and citation."""

    id: Identifier = Field(
        description="Label within the lesson, e.g. 'a' (printed as 'Document A')."
    )
    source: Identifier = Field(
        description="Corpus id of the document quoted (lessons/sources/<id>.yaml)."
    )
    part: Identifier | None = Field(
        None, description="Id of a part of the corpus document, when it holds several documents."
    )
    title: Line = Field(description="Short title printed above the excerpt.")
    headnote: Text = Field(description="Who wrote it, when, what kind of text, why it matters.")
    locator: Line | None = Field(
        None, description="Page, paragraph or section in the original, e.g. 'section C, para. 1'."
    )
    text: Text = Field(
        description=(
            "The excerpt, word for word from the corpus text. Mark omissions with '...' or '[...]'."
            " A blank line starts a new paragraph."
        )
    )
    insertions: list[Line] = Field(
        default_factory=list,
        description="Editorial [insertions] the excerpt adds to the source, e.g. '[Yezhov]'.",
    )
    adapted: bool = Field(
        False, description="True when the text is simplified; it then prints 'Adapted from ...'."
    )
    original: Text | None = Field(
        None,
        description="For an adapted excerpt: the original passage, printed in the teacher edition.",
    )


class ImageDocument(Strict):
    """A picture as a document (photograph, poster, cartoon, map): a PNG or JPEG file from the
    module's images folder, with its text alternative, caption and provenance."""

    id: Identifier = Field(
        description="Label within the lesson, e.g. 'b' (printed as 'Document B')."
    )
    image: Line = Field(
        description="File name of the PNG or JPEG in the module's images folder, e.g."
        " 'deni-poster.png'. SVG is not accepted."
    )
    title: Line = Field(description="Short title printed above the image.")
    headnote: Text | None = Field(
        None, description="Who made it, when, for whom, why it matters (printed above it)."
    )
    alt: Text = Field(
        description="The text alternative: what the image shows, in words, for readers who"
        " cannot see it (the PDF's /Alt)."
    )
    caption: Text = Field(description="What the image shows, printed under it.")
    citation: Text = Field(
        description="Where the image comes from: creator, title, date, collection or archive."
    )
    credit: Line = Field(
        description="Who holds or provided it, e.g. 'Library of Congress, Prints and"
        " Photographs Division'."
    )
    licence: Line = Field(
        description="The terms it is reproduced under, e.g. 'Public domain' or 'CC BY-SA 4.0'."
    )


def _document_kind(value: Any) -> str:
    """An entry with an 'image' key is an image document; anything else a quoted excerpt."""
    if isinstance(value, ImageDocument) or (isinstance(value, dict) and "image" in value):
        return "image document"
    return "text document"


Document = Annotated[
    Annotated[Excerpt, Tag("text document")] | Annotated[ImageDocument, Tag("image document")],
    Discriminator(_document_kind),
]
"""A document of a lesson: a quoted excerpt, or an image."""


class Organizer(Strict):
    """A table students fill in (a sourcing grid, a T-chart), printed with ruled cells."""

    columns: list[Line] = Field(
        min_length=2, max_length=5, description="Column headings, e.g. 'Who wrote it?'."
    )
    rows: int = Field(
        3, ge=1, le=12, description="Blank rows to print (ignored when 'row_labels' are given)."
    )
    row_labels: list[Line] = Field(
        default_factory=list,
        max_length=12,
        description="Labels printed in the first column, one per row, e.g. 'Document A'.",
    )
    row_lines: int = Field(
        3, ge=1, le=8, description="Handwriting lines each blank cell is sized for."
    )
    answer: list[list[Line]] = Field(
        default_factory=list,
        description="The exemplar table for the teacher edition: one list of cells per row,"
        " without the row label.",
    )


class Question(Strict):
    """A question with its writing space and, for the teacher, an exemplar answer."""

    id: Identifier = Field(description="Stable id, used for form fields and exports.")
    kind: QuestionKind = Field(
        QuestionKind.written,
        description="written (the default: ruled lines), short_answer (one or two lines),"
        " multiple_choice (options and a key), reflection or exit_ticket (may cite no"
        " document).",
    )
    prompt: Text = Field(description="The question as students read it.")
    skill: Skill = Field(description="The historical-thinking skill the question exercises.")
    sources: list[Identifier] = Field(
        default_factory=list, description="Excerpt ids (from 'sources') the question is about."
    )
    lines: int = Field(
        4,
        ge=0,
        le=30,
        description="Ruled lines of writing space in the student edition (default 4;"
        " short_answer 2, multiple_choice 0, exit_ticket 3).",
    )
    options: list[Line] = Field(
        default_factory=list,
        description="A multiple_choice question's options, 2 to 6, printed A, B, C ...",
    )
    key: Line | None = Field(
        None,
        description="A multiple_choice question's correct option, written as in 'options'"
        " (teacher edition only).",
    )
    points: int | None = Field(None, ge=0, le=100, description="Marks available, if graded.")
    organizer: Organizer | None = Field(
        None, description="A table students fill in, printed before any writing lines."
    )
    answer: Text = Field(description="Answer or exemplar, shown only in the teacher edition.")
    scoring: Text | None = Field(
        None,
        description="Short scoring guide for the teacher: what a full, a partial and a minimal"
        " answer contain.",
    )

    @model_validator(mode="before")
    @classmethod
    def _lines_follow_kind(cls, data: Any) -> Any:
        """Without 'lines:', a question gets the writing space its kind needs."""
        if isinstance(data, dict) and "lines" not in data:
            kind = data.get("kind", QuestionKind.written)
            if isinstance(kind, str) and kind in DEFAULT_LINES:
                return {**data, "lines": DEFAULT_LINES[QuestionKind(kind)]}
        return data

    @property
    def key_index(self) -> int | None:
        """Where the key stands among the options (None without a key, or when it is none of
        them: a check reports that)."""
        forms = [option_form(option) for option in self.options]
        key = option_form(self.key) if self.key is not None else None
        return forms.index(key) if key in forms else None

    @field_validator("key", mode="before")
    @classmethod
    def _one_key(cls, value: Any) -> Any:
        if isinstance(value, list):
            raise ValueError(
                "a multiple-choice question has exactly one key: give the text of the one"
                " correct option"
            )
        return value


class DerivedFigure(Strict):
    """A figure the lesson computes from sourced ones; the teacher edition prints the working."""

    calculation: Line = Field(
        description=(
            "The working and its result, e.g. '387,000 / 767,000 = 50%'. Numbers, + - × / and"
            " parentheses, then '=' (or '≈' when rounded) and the result. Every figure on the"
            " left must come from a cited source or an earlier calculation."
        )
    )
    note: Line | None = Field(None, description="What the result means, for the teacher.")


class AssumedFigure(Strict):
    """A figure the lesson assumes to make a calculation possible, with the reason."""

    figure: Annotated[str, StringConstraints(pattern=r"^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+$")] = Field(
        description="The assumed figure as printed, e.g. '200'."
    )
    reason: Line = Field(
        description="Why it is assumed, e.g. \"'several hundred' read as at least two hundred\"."
    )


class WorkReference(Strict):
    """A published work outside the corpus that teacher-facing facts may cite."""

    id: Identifier = Field(description="Reference id, unique in the module, e.g. 'getty-1999'.")
    author: Line = Field(description="Author(s) or editor(s), e.g. 'J. Arch Getty, Oleg Naumov'.")
    title: Line = Field(description="Title of the work; *italics* for a book or journal.")
    publisher: Line | None = Field(
        None, description="Publisher and place, or the journal or website."
    )
    year: Line = Field(description="Year (or date) of publication, e.g. '1999'.")
    url: Line | None = Field(None, description="Address, for a work read online.")
    accessed: Line | None = Field(
        None, description="Date the address was checked, e.g. '3 December 2026'."
    )
    further_reading: bool = Field(
        False, description="List it under further reading in the teacher guide."
    )
    short_title: Line | None = Field(
        None,
        description="A few words naming it where an event cites it (default: the author's"
        " surname and the year).",
    )

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        """Only an address a reader can open is worth printing."""
        if url is not None and not re.match(r"https?://[^\s/]+\.[^\s]+$", url):
            raise ValueError(
                f"'{url}' is not a web address: give the full address, starting with https://"
            )
        return url

    @model_validator(mode="after")
    def _where_to_find_it(self) -> WorkReference:
        """A reader must be able to find the work: in print (publisher) or online (address,
        with the date it was read, since pages change)."""
        if self.publisher is None and self.url is None:
            raise ValueError(
                "a reference needs 'publisher' (for a printed work) or 'url' (for a page online)"
            )
        if self.url is not None and self.accessed is None:
            raise ValueError(
                "a reference with a 'url' needs 'accessed': the date you read the page,"
                " e.g. '3 December 2026'"
            )
        return self


class Fact(Strict):
    """A teacher-facing statement from outside the documents, with where it was checked."""

    text: Text = Field(description="The statement, in your own words.")
    reference: Identifier = Field(description="Id of the reference that supports it.")
    locator: Line | None = Field(None, description="Page or section in the reference.")
    topic: Line | None = Field(None, description="Heading it is grouped under, e.g. 'After 2017'.")


class Activity(Strict):
    """One step of the lesson plan, with its time."""

    phase: Phase = Field(
        description="opening, context, source work, discussion, writing or closing."
    )
    minutes: int = Field(ge=1, le=120, description="Time for this step in minutes.")
    period: int = Field(1, ge=1, le=4, description="Which period of the lesson the step is in.")
    title: Line = Field(description="Short name of the step.")
    description: Text = Field(description="What the teacher and students do.")


class Lesson(Strict):
    """A lesson unit: sources, questions and teaching notes for one class period."""

    id: Identifier = Field(description="Lesson id, unique within the module.")
    title: Line = Field(description="Lesson title.")
    subtitle: Line | None = Field(None, description="Optional subtitle.")
    grade_band: Line = Field(description="Intended grades, e.g. '10-12'.")
    duration: int = Field(ge=10, le=240, description="Length of one class period in minutes.")
    periods: int = Field(
        1, ge=1, le=4, description="Class periods the lesson takes; each has its own plan."
    )
    central_question: Text = Field(description="The historical question that drives the lesson.")
    objectives: list[Text] = Field(
        min_length=1, description="Learning objectives phrased for students ('I can ...')."
    )
    skills: list[Skill] = Field(min_length=1, description="Historical-thinking skills practised.")
    content_note: Text = Field(
        description="What is distressing and how to prepare students (printed in every edition)."
    )
    context: Text = Field(description="Short student-facing background read before the documents.")
    vocabulary: list[VocabularyEntry] = Field(default_factory=list, description="Glossary entries.")
    timeline: list[TimelineEntry] = Field(
        default_factory=list, description="Dated events, in order."
    )
    sources: list[Document] = Field(
        min_length=1,
        description="The documents students work from, in order: excerpts, or images (an entry"
        " with 'image:').",
    )
    charts: list[Chart] = Field(
        default_factory=list, description="Bar charts drawn from sourced figures."
    )
    questions: list[Question] = Field(min_length=1, description="Questions, in the order printed.")
    derived: list[DerivedFigure] = Field(
        default_factory=list,
        description="Figures of three or more digits computed here rather than quoted.",
    )
    assumptions: list[AssumedFigure] = Field(
        default_factory=list,
        description="Figures the lesson assumes (and says so), so calculations can use them.",
    )
    activities: list[Activity] = Field(
        default_factory=list, description="Pacing plan for the teacher."
    )
    teacher_notes: Text | None = Field(None, description="Notes for the teacher edition only.")
    facts: list[Fact] = Field(
        default_factory=list,
        description="Checked outside knowledge for the teacher edition, each citing a reference.",
    )
    references: list[WorkReference] = Field(
        default_factory=list,
        description="Outside works (a textbook, a scholarly work, an archive page) that this"
        " lesson's facts and timeline entries cite; ids unique across the module.",
    )

    @property
    def excerpts(self) -> list[Excerpt]:
        """The quoted (text) documents, in order."""
        return [document for document in self.sources if isinstance(document, Excerpt)]

    @property
    def images(self) -> list[ImageDocument]:
        """The image documents, in order."""
        return [document for document in self.sources if isinstance(document, ImageDocument)]
