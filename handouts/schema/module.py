"""The module: the sequence of lessons and what they share."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from handouts.schema.base import Identifier, Line, Strict, Text
from handouts.schema.lesson import TimelineEntry


class Paper(StrEnum):
    """Paper sizes a school copier takes."""

    a4 = "a4"
    letter = "letter"


class GuidanceSection(Strict):
    """One section of the guide's advice on teaching atrocity."""

    title: Line = Field(description="Section heading, e.g. 'Preparing students'.")
    body: Text = Field(description="The advice, in Markdown (paragraphs and lists).")


class Reference(Strict):
    """A work cited by a corpus document, for the guide's bibliography."""

    reference: Text = Field(
        description="The bibliographic entry as the source gives it; titles in *italics*."
    )
    cited_in: Identifier = Field(description="Corpus id of the document that cites the work.")


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
    bibliography: list[Reference] = Field(
        min_length=1, description="Works the corpus documents cite, for further reading."
    )


class Module(Strict):
    """lessons/module.yaml: the module's identity and lesson order."""

    id: Identifier = Field(description="Module id, e.g. 'great-terror'.")
    title: Line = Field(description="Module title, printed in every running header.")
    subtitle: Line | None = Field(None, description="Optional subtitle.")
    audience: Line = Field(description="Grade band or audience, e.g. 'Grades 10-12'.")
    language: Line = Field("en", description="Language of the lessons (BCP 47 tag).")
    paper: Paper = Field(Paper.a4, description="Default paper size: a4 or letter.")
    lessons: list[Identifier] = Field(
        default_factory=list,
        description="Lesson file stems in teaching order; other lesson files are built after them.",
    )
    credits: Text | None = Field(None, description="Authors, licence and acknowledgements.")
    guide: Guide | None = Field(
        None, description="Pages of the teacher guide that belong to the module as a whole."
    )
