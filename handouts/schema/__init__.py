"""Pydantic models of the lesson format: the single definition of what a valid file is."""

from handouts.schema.chart import Chart, ChartBar, ChartValue
from handouts.schema.lesson import (
    Activity,
    AssumedFigure,
    DerivedFigure,
    Excerpt,
    Fact,
    ImageDocument,
    Lesson,
    Organizer,
    Phase,
    Question,
    QuestionKind,
    Skill,
    TimelineEntry,
    VocabularyEntry,
    WorkReference,
)
from handouts.schema.module import Budget, CitedWork, Folders, GuidanceSection, Guide, Module, Paper
from handouts.schema.source import Normalisation, Source, SourceKind, SourcePart

__all__ = [
    "Activity",
    "AssumedFigure",
    "Budget",
    "Chart",
    "ChartBar",
    "ChartValue",
    "CitedWork",
    "DerivedFigure",
    "Excerpt",
    "Fact",
    "Folders",
    "GuidanceSection",
    "Guide",
    "ImageDocument",
    "Lesson",
    "Module",
    "Normalisation",
    "Organizer",
    "Paper",
    "Phase",
    "Question",
    "QuestionKind",
    "Skill",
    "Source",
    "SourceKind",
    "SourcePart",
    "TimelineEntry",
    "VocabularyEntry",
    "WorkReference",
]
