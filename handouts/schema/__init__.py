"""Pydantic models of the lesson format: the single definition of what a valid file is."""

from handouts.schema.lesson import (
    Activity,
    Excerpt,
    Lesson,
    Phase,
    Question,
    Skill,
    TimelineEntry,
    VocabularyEntry,
)
from handouts.schema.module import Module, Paper
from handouts.schema.source import Normalisation, Source, SourceKind, SourcePart

__all__ = [
    "Activity",
    "Excerpt",
    "Lesson",
    "Module",
    "Normalisation",
    "Paper",
    "Phase",
    "Question",
    "Skill",
    "Source",
    "SourceKind",
    "SourcePart",
    "TimelineEntry",
    "VocabularyEntry",
]
