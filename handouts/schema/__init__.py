"""Pydantic models of the lesson format: the single definition of what a valid file is."""

from handouts.schema.chart import Chart, ChartBar, ChartValue
from handouts.schema.lesson import (
    Activity,
    AssumedFigure,
    DerivedFigure,
    Excerpt,
    Lesson,
    Phase,
    Question,
    Skill,
    TimelineEntry,
    VocabularyEntry,
)
from handouts.schema.module import GuidanceSection, Guide, Module, Paper, Reference
from handouts.schema.source import Normalisation, Source, SourceKind, SourcePart

__all__ = [
    "Activity",
    "AssumedFigure",
    "Chart",
    "ChartBar",
    "ChartValue",
    "DerivedFigure",
    "Excerpt",
    "GuidanceSection",
    "Guide",
    "Lesson",
    "Module",
    "Normalisation",
    "Paper",
    "Phase",
    "Question",
    "Reference",
    "Skill",
    "Source",
    "SourceKind",
    "SourcePart",
    "TimelineEntry",
    "VocabularyEntry",
]
