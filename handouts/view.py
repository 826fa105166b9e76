"""The view: a validated lesson turned into what the template prints.

Everything that needs a decision (Markdown, line breaking of excerpts,
citations, numbering, which notes apply) happens here, in Python, so the
template stays a plain layout and the decisions can be tested directly.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from markupsafe import Markup, escape

from handouts.chart import chart_svg
from handouts.integrity.fidelity import repairs_used
from handouts.loader.corpus import CorpusDocument
from handouts.loader.project import LessonFile
from handouts.markdown import render_block, render_inline
from handouts.renderer.glyphs import number_mark, width_em
from handouts.schema import Chart, Excerpt, Lesson, Module, Phase, TimelineEntry

EXCERPT_MEASURE_EM = 34.0
"""Width of an excerpt line in ems of the body font (about 75 characters).
Lines are fixed here, not by the layout, so line numbers are the same in
every edition and paper size; print.css gives the frame room for this."""

LINE_NUMBER_EVERY = 5


@dataclass(frozen=True)
class ExcerptLine:
    html: Markup
    number: int
    mark: Markup | None
    """The drawn number, on every fifth line."""


@dataclass(frozen=True)
class RepairView:
    """A declared spelling repair this excerpt relies on, for the teacher edition."""

    find: str
    replace: str
    reason: Markup


@dataclass(frozen=True)
class ExcerptView:
    label: str
    letter: str
    title: Markup
    headnote: Markup
    paragraphs: list[list[ExcerptLine]]
    citation: Markup
    locator: str | None
    kind: str
    adapted: bool
    original: Markup | None
    reliability: Markup
    repairs: list[RepairView]
    insertions: list[str]


@dataclass(frozen=True)
class QuestionView:
    number: int
    id: str
    prompt: Markup
    skill: str
    documents: str
    lines: int
    points: int | None
    answer: Markup


@dataclass(frozen=True)
class ActivityView:
    phase: str
    start: int
    minutes: int
    title: Markup
    description: Markup


@dataclass(frozen=True)
class TimelineView:
    date: str
    event: Markup
    source: str


@dataclass(frozen=True)
class ChartView:
    number: int
    id: str
    title: Markup
    svg: Markup
    sources: Markup
    note: Markup | None
    teacher_only: bool


@dataclass(frozen=True)
class FigureNote:
    """A derived or assumed figure, with its working, for the teacher edition."""

    working: str
    note: Markup | None


@dataclass(frozen=True)
class LessonView:
    module_title: str
    module_id: str
    language: str
    stem: str
    id: str
    title: Markup
    subtitle: Markup | None
    grade_band: str
    duration: int
    central_question: Markup
    objectives: list[Markup]
    skills: list[str]
    content_note: Markup
    context: Markup
    vocabulary: list[tuple[Markup, Markup]]
    timeline: list[TimelineView]
    excerpts: list[ExcerptView]
    charts: list[ChartView]
    questions: list[QuestionView]
    figures: list[FigureNote]
    activities: list[ActivityView]
    teacher_notes: Markup | None
    total_points: int


def _words(paragraph: str) -> list[tuple[Markup, float]]:
    """Each word of a paragraph as HTML with its printed width; '*' toggles italics."""
    words: list[tuple[Markup, float]] = []
    italic = False
    for token in paragraph.split():
        parts, visible = [], 0.0
        for index, piece in enumerate(token.split("*")):
            if index:
                italic = not italic
            if piece:
                visible += width_em(piece, italic)
                parts.append(Markup(f"<em>{escape(piece)}</em>") if italic else escape(piece))
        if visible:
            words.append((Markup("").join(parts), visible))
    return words


def wrap_excerpt(text: str, first_number: int = 1) -> list[list[ExcerptLine]]:
    """Paragraphs of numbered lines, broken to fit EXCERPT_MEASURE_EM."""
    paragraphs: list[list[ExcerptLine]] = []
    number = first_number
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines: list[list[Markup]] = [[]]
        width = 0.0
        space = width_em(" ")
        for word, size in _words(paragraph):
            if lines[-1] and width + space + size > EXCERPT_MEASURE_EM:
                lines.append([])
                width = 0.0
            width += size + (space if lines[-1] else 0.0)
            lines[-1].append(word)
        rendered = []
        for words in lines:
            html = Markup(" ").join(words)
            mark = number_mark(number) if number % LINE_NUMBER_EVERY == 0 else None
            rendered.append(ExcerptLine(html, number, mark))
            number += 1
        paragraphs.append(rendered)
    return paragraphs


def _citation(excerpt: Excerpt, doc: CorpusDocument) -> Markup:
    part = next((p for p in doc.record.parts if p.id == excerpt.part), None)
    citation = (part.citation if part else doc.record.citation).strip()
    if excerpt.locator:
        citation = f"{citation.rstrip('.')}. {excerpt.locator}."
    if excerpt.adapted:
        citation = f"Adapted from {citation}"
    return render_inline(citation)


def build_excerpt(index: int, excerpt: Excerpt, doc: CorpusDocument) -> ExcerptView:
    letter = string.ascii_uppercase[index] if index < 26 else str(index + 1)
    return ExcerptView(
        label=f"Document {letter}",
        letter=letter,
        title=render_inline(excerpt.title),
        headnote=render_block(excerpt.headnote),
        paragraphs=wrap_excerpt(excerpt.text),
        citation=_citation(excerpt, doc),
        locator=excerpt.locator,
        kind=doc.record.kind.value,
        adapted=excerpt.adapted,
        original=render_block(excerpt.original) if excerpt.original else None,
        reliability=render_block(doc.record.reliability),
        repairs=[
            RepairView(r.find, r.replace, render_inline(r.reason))
            for r in repairs_used(excerpt, doc.text, doc.record.normalisations)
        ],
        insertions=excerpt.insertions,
    )


def build_timeline(
    entries: list[TimelineEntry], corpus: dict[str, CorpusDocument]
) -> list[TimelineView]:
    """Timeline rows, each naming the document that attests it (lessons and the guide)."""
    return [
        TimelineView(t.date, render_inline(t.event), corpus[t.source].record.title) for t in entries
    ]


def _chart_sources(chart: Chart, corpus: dict[str, CorpusDocument]) -> Markup:
    """'Figures: <citation> (section A, section C).' for every document the values cite."""
    places: dict[str, list[str]] = {}
    for bar in chart.bars:
        for value in bar.values:
            found = places.setdefault(value.source, [])
            if value.locator and value.locator not in found:
                found.append(value.locator)
    return Markup(" ").join(
        render_inline(
            f"{corpus[source].record.citation.strip().rstrip('.')}"
            + (f", {', '.join(sorted(locators))}." if locators else ".")
        )
        for source, locators in places.items()
    )


def build_charts(lesson: Lesson, corpus: dict[str, CorpusDocument]) -> list[ChartView]:
    return [
        ChartView(
            number=n,
            id=chart.id,
            title=render_inline(chart.title),
            svg=chart_svg(chart),
            sources=_chart_sources(chart, corpus),
            note=render_block(chart.note) if chart.note else None,
            teacher_only=chart.teacher_only,
        )
        for n, chart in enumerate(lesson.charts, start=1)
    ]


def _figures(lesson: Lesson) -> list[FigureNote]:
    notes = [
        FigureNote(d.calculation, render_inline(d.note) if d.note else None) for d in lesson.derived
    ]
    notes += [
        FigureNote(f"{a.figure} (assumed)", render_inline(a.reason)) for a in lesson.assumptions
    ]
    return notes


def _activities(lesson: Lesson) -> list[ActivityView]:
    views, start = [], 0
    for activity in lesson.activities:
        views.append(
            ActivityView(
                _phase_label(activity.phase),
                start,
                activity.minutes,
                activity.title,
                render_block(activity.description),
            )
        )
        start += activity.minutes
    return views


def _phase_label(phase: Phase) -> str:
    return phase.value.capitalize()


def build_view(
    module: Module, lesson_file: LessonFile, corpus: dict[str, CorpusDocument]
) -> LessonView:
    """Everything the template needs for one lesson, in every edition."""
    lesson = lesson_file.lesson
    excerpts = [build_excerpt(i, e, corpus[e.source]) for i, e in enumerate(lesson.sources)]
    letters = {e.id: view.letter for e, view in zip(lesson.sources, excerpts, strict=True)}
    questions = [
        QuestionView(
            number=n,
            id=q.id,
            prompt=render_block(q.prompt),
            skill=q.skill.value.capitalize(),
            documents=", ".join(letters[s] for s in q.sources),
            lines=q.lines,
            points=q.points,
            answer=render_block(q.answer),
        )
        for n, q in enumerate(lesson.questions, start=1)
    ]
    return LessonView(
        module_title=module.title,
        module_id=module.id,
        language=module.language,
        stem=lesson_file.stem,
        id=lesson.id,
        title=render_inline(lesson.title),
        subtitle=render_inline(lesson.subtitle) if lesson.subtitle else None,
        grade_band=lesson.grade_band,
        duration=lesson.duration,
        central_question=render_inline(lesson.central_question),
        objectives=[render_inline(o) for o in lesson.objectives],
        skills=[s.value.capitalize() for s in lesson.skills],
        content_note=render_block(lesson.content_note),
        context=render_block(lesson.context),
        vocabulary=[
            (render_inline(v.term), render_inline(v.definition)) for v in lesson.vocabulary
        ],
        timeline=build_timeline(lesson.timeline, corpus),
        excerpts=excerpts,
        charts=build_charts(lesson, corpus),
        questions=questions,
        figures=_figures(lesson),
        activities=_activities(lesson),
        teacher_notes=render_block(lesson.teacher_notes) if lesson.teacher_notes else None,
        total_points=sum(q.points or 0 for q in lesson.questions),
    )
