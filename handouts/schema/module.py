"""The module: the sequence of lessons and what they share."""

from __future__ import annotations

from pydantic import Field

from handouts.schema.base import Identifier, LanguageTag, Line, Strict, Text
from handouts.schema.lesson import Fact, TimelineEntry, WorkReference
from handouts.vocabulary import FOLDER_DEFAULTS, Paper


class GuidanceSection(Strict):
    """One section of the guide's advice on teaching atrocity."""

    title: Line = Field(description="Section heading, e.g. 'Preparing students'.")
    body: Text = Field(description="The advice, in Markdown (paragraphs and lists).")


class CitedWork(Strict):
    """A work cited by a corpus document, for the guide's bibliography."""

    reference: Text = Field(
        description="The bibliographic entry as the source gives it; titles in *italics*."
    )
    cited_in: Identifier = Field(description="Corpus id of the document that cites the work.")


class FurtherReading(Strict):
    """A work under the module's 'references' that the guide recommends, with why."""

    reference: Identifier = Field(description="Id of a work under the module's 'references'.")
    note: Text | None = Field(
        None, description="What the teacher will find in it, e.g. 'the best short account'."
    )


class Guide(Strict):
    """The teacher guide's own pages; the lessons, glossary and sequence come from the lessons."""

    content_note: Text = Field(
        description="What is distressing in the module as a whole, printed on the cover."
    )
    overview: Text = Field(description="What the module teaches and how, for the teacher.")
    objectives: list[Text] = Field(min_length=1, description="Module-level learning objectives.")
    guidance: list[GuidanceSection] = Field(
        min_length=1, description="Guidance for teaching atrocity: preparation, language, limits."
    )
    timeline: list[TimelineEntry] = Field(
        min_length=1, description="The module timeline, in date order, each event with its source."
    )
    bibliography: list[CitedWork] = Field(
        default_factory=list,
        description="Works the corpus documents cite, quoted as they cite them.",
    )
    briefing_checked: Line | None = Field(
        None, description="Date the briefing's facts were last checked, e.g. '3 December 2026'."
    )
    briefing: list[Fact] = Field(
        default_factory=list,
        description="What the documents do not tell the teacher: checked facts, each citing a"
        " reference, grouped by 'topic'.",
    )
    further_reading: list[FurtherReading] = Field(
        default_factory=list,
        description="Works under the module's 'references' to recommend, in the order printed;"
        " listed before any reference marked 'further_reading: true'.",
    )


class Budget(Strict):
    """What a class can do in one period: pages handed out and words read."""

    pages_per_period: int = Field(
        4, ge=1, le=20, description="Pages of student worksheet per class period (two sheets)."
    )
    reading_wpm: int = Field(
        130,
        ge=40,
        le=400,
        description="Careful reading rate of the grade band, in words per minute.",
    )


class Folders(Strict):
    """Where a module keeps its files, relative to the module folder (the one holding lessons/)."""

    lessons: str = Field(FOLDER_DEFAULTS["lessons"], description="Lesson files and module.yaml.")
    sources: str = Field(FOLDER_DEFAULTS["sources"], description="Source records and their texts.")
    images: str = Field(
        FOLDER_DEFAULTS["images"], description="PNG and JPEG files of the lessons' image documents."
    )
    build: str = Field(FOLDER_DEFAULTS["build"], description="Where PDFs are written.")
    templates: str = Field(
        FOLDER_DEFAULTS["templates"],
        description="Templates, CSS and fonts that replace the bundled ones, file by file.",
    )
    schemas: str = Field(
        FOLDER_DEFAULTS["schemas"],
        description="JSON Schemas for editors, written by 'handouts init' and 'handouts schema'.",
    )


class Module(Strict):
    """lessons/module.yaml: the module's identity and lesson order."""

    id: Identifier = Field(description="Module id, e.g. 'great-terror'.")
    title: Line = Field(description="Module title, printed in every running header.")
    subtitle: Line | None = Field(None, description="Optional subtitle.")
    audience: Line = Field(description="Grade band or audience, e.g. 'Grades 10-12'.")
    language: LanguageTag = Field(
        "en", description="Language of the lessons: a BCP 47 tag such as 'en', 'en-GB', 'ru'."
    )
    paper: Paper = Field(Paper.a4, description="Default paper size: a4 or letter.")
    lessons: list[Identifier] = Field(
        default_factory=list,
        description="Lesson file stems in teaching order; other lesson files are built after them.",
    )
    credits: Text | None = Field(None, description="Authors, licence and acknowledgements.")
    folders: Folders = Field(
        default_factory=Folders, description="Folders of the module, if not the usual ones."
    )
    budget: Budget = Field(
        default_factory=Budget, description="Pages and reading time a period allows."
    )
    references: list[WorkReference] = Field(
        default_factory=list,
        description="Published works outside the corpus that facts in the guide or lessons cite.",
    )
    known_words: list[Line] = Field(
        default_factory=list,
        description="Capitalised words the prose may use that are not in the documents and are"
        " not names needing a source (e.g. 'Document', 'Gulag').",
    )
    guide: Guide | None = Field(
        None, description="Pages of the teacher guide that belong to the module as a whole."
    )
