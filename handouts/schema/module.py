"""The module: the sequence of lessons and what they share."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from handouts.schema.base import Identifier, Line, Strict, Text


class Paper(StrEnum):
    """Paper sizes a school copier takes."""

    a4 = "a4"
    letter = "letter"


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
