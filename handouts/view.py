"""The view: a validated lesson turned into what the template prints.

Everything that needs a decision (Markdown, line breaking of excerpts,
citations, numbering, which notes apply) happens here, in Python, so the
template stays a plain layout and the decisions can be tested directly.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

from handouts.chart import chart_svg
from handouts.loader.checks import cited_references
from handouts.loader.corpus import CorpusDocument
from handouts.loader.images import IMAGE_BOX_MM, LARGE_IMAGE_BOX_MM, ImageFile, image_size
from handouts.loader.project import LessonFile
from handouts.markdown import render_block, render_inline
from handouts.schema import (
    Chart,
    Excerpt,
    Fact,
    ImageDocument,
    Lesson,
    Module,
    Normalisation,
    Organizer,
    Phase,
    Question,
    QuestionKind,
    TimelineEntry,
    WorkReference,
)
from handouts.typeset.fonts import Typesetter

EXCERPT_MEASURE_EM = 40.0
"""Width of an excerpt line in ems of the body font (about 90 characters).
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
    kind: str
    adapted: bool
    original: Markup | None
    reliability: Markup
    reliability_in: str | None
    """The label of an earlier document from the same source, whose note this one shares."""
    repairs: list[RepairView]
    insertions: list[str]
    is_image: bool = False


@dataclass(frozen=True)
class ImageView:
    """An image document: the picture at its printed sizes, its caption and provenance."""

    label: str
    letter: str
    title: Markup
    headnote: Markup | None
    url: str
    """A file: URL inside the images folder (the renderer's fetcher serves nothing else)."""
    alt: str
    caption: Markup
    citation: Markup
    credit: Markup
    licence: Markup
    size_mm: tuple[float, float]
    """Width and height on the standard editions."""
    large_size_mm: tuple[float, float]
    """Width and height in large print."""
    is_image: bool = True


@dataclass(frozen=True)
class OptionView:
    """One option of a multiple-choice question."""

    letter: str
    text: Markup
    key: bool
    """The correct option (marked in the teacher edition only)."""


@dataclass(frozen=True)
class OrganizerView:
    """A table to fill in: headings, one row per label (blank labels for blank rows)."""

    columns: list[str]
    rows: list[str | None]
    """The first-column label of each row; None for an unlabelled row."""
    row_lines: int
    answer: list[list[Markup]]
    """The exemplar cells, row by row (teacher edition)."""


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
    scoring: Markup | None
    organizer: OrganizerView | None
    kind: str = QuestionKind.written.value
    kind_label: str | None = None
    """Printed with the skill ('Multiple choice'); None for a written question."""
    options: list[OptionView] = field(default_factory=list)

    @property
    def key(self) -> OptionView | None:
        """The correct option of a multiple-choice question."""
        return next((option for option in self.options if option.key), None)


@dataclass(frozen=True)
class DocumentBlock:
    """A document and the guiding questions about it alone, printed right after it."""

    excerpt: ExcerptView | ImageView
    """A quoted excerpt, or an image document (`is_image`)."""
    questions: list[QuestionView]


@dataclass(frozen=True)
class FactView:
    text: Markup
    citation: Markup


@dataclass(frozen=True)
class FactGroup:
    """Checked outside facts under one topic, each with its reference."""

    topic: str | None
    facts: list[FactView]


@dataclass(frozen=True)
class ActivityView:
    period: int
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
    cites_work: bool = False
    """The event rests on a reference, not a document of the module: every edition names it."""


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
    id: str
    title: Markup
    subtitle: Markup | None
    grade_band: str
    grade_label: str
    """'Grades 10–12', 'Grade 11', or the band as written when it is not numeric."""
    duration: int
    periods: int
    central_question: Markup
    objectives: list[Markup]
    skills: list[str]
    content_note: Markup
    context: Markup
    vocabulary: list[tuple[Markup, Markup]]
    timeline: list[TimelineView]
    documents: list[DocumentBlock]
    synthesis: list[QuestionView]
    """Questions on several documents (and the final claim), after the last document."""
    charts: list[ChartView]
    questions: list[QuestionView]
    """Every question in print order, numbered as printed in every edition."""
    figures: list[FigureNote]
    activities: list[ActivityView]
    teacher_notes: Markup | None
    facts: list[FactGroup]
    total_points: int
    references: list[Markup]
    """Works outside the documents that the lesson cites or declares, cited in full."""
    reflection: list[QuestionView] = field(default_factory=list)
    """Reflection questions on no document, after the synthesis."""
    exit_tickets: list[QuestionView] = field(default_factory=list)
    """Exit-ticket questions, last of all."""


def _words(paragraph: str, fonts: Typesetter) -> list[tuple[Markup, float]]:
    """Each word of a paragraph as HTML with its printed width; '*' toggles italics."""
    words: list[tuple[Markup, float]] = []
    italic = False
    for token in paragraph.split():
        parts, visible = [], 0.0
        for index, piece in enumerate(token.split("*")):
            if index:
                italic = not italic
            if piece:
                visible += fonts.width_em(piece, italic)
                parts.append(Markup(f"<em>{escape(piece)}</em>") if italic else escape(piece))
        if visible:
            words.append((Markup("").join(parts), visible))
    return words


def wrap_excerpt(text: str, fonts: Typesetter, first_number: int = 1) -> list[list[ExcerptLine]]:
    """Paragraphs of numbered lines, broken to fit EXCERPT_MEASURE_EM."""
    paragraphs: list[list[ExcerptLine]] = []
    number = first_number
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines: list[list[Markup]] = [[]]
        width = 0.0
        space = fonts.width_em(" ")
        for word, size in _words(paragraph, fonts):
            if lines[-1] and width + space + size > EXCERPT_MEASURE_EM:
                lines.append([])
                width = 0.0
            width += size + (space if lines[-1] else 0.0)
            lines[-1].append(word)
        rendered = []
        for words in lines:
            html = Markup(" ").join(words)
            mark = fonts.number_mark(number) if number % LINE_NUMBER_EVERY == 0 else None
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


def build_excerpt(
    index: int,
    excerpt: Excerpt,
    doc: CorpusDocument,
    repairs: list[Normalisation],
    fonts: Typesetter,
) -> ExcerptView:
    letter = string.ascii_uppercase[index] if index < 26 else str(index + 1)
    return ExcerptView(
        label=f"Document {letter}",
        letter=letter,
        title=render_inline(excerpt.title),
        headnote=render_block(excerpt.headnote),
        paragraphs=wrap_excerpt(excerpt.text, fonts),
        citation=_citation(excerpt, doc),
        kind=doc.record.kind.value,
        adapted=excerpt.adapted,
        original=render_block(excerpt.original) if excerpt.original else None,
        reliability=render_block(doc.record.reliability),
        reliability_in=None,
        repairs=[RepairView(r.find, r.replace, render_inline(r.reason)) for r in repairs],
        insertions=excerpt.insertions,
    )


def build_image(index: int, document: ImageDocument, image: ImageFile) -> ImageView:
    letter = string.ascii_uppercase[index] if index < 26 else str(index + 1)
    return ImageView(
        label=f"Document {letter}",
        letter=letter,
        title=render_inline(document.title),
        headnote=render_block(document.headnote) if document.headnote else None,
        url=image.path.as_uri(),
        alt=" ".join(document.alt.split()),
        caption=render_block(document.caption),
        citation=render_inline(document.citation.strip().rstrip(".")),
        credit=render_inline(document.credit.rstrip(".")),
        licence=render_inline(document.licence.rstrip(".")),
        size_mm=image_size(image.width, image.height, IMAGE_BOX_MM),
        large_size_mm=image_size(image.width, image.height, LARGE_IMAGE_BOX_MM),
    )


def build_timeline(
    entries: list[TimelineEntry],
    corpus: dict[str, CorpusDocument],
    references: dict[str, WorkReference] | None = None,
) -> list[TimelineView]:
    """Timeline rows, each naming the document or reference that attests it."""
    return [
        TimelineView(t.date, render_inline(t.event), short_label(corpus[t.source]))
        if t.source
        else TimelineView(
            t.date, render_inline(t.event), short_work((references or {})[t.reference]), True
        )
        for t in entries
    ]


def _surname_year(name: str, date: str | None) -> str:
    """'Nicolas Werth, ...' and '24 May 2010' -> 'Werth 2010'."""
    surname = name.split(",")[0].split()[-1]
    year = re.search(r"\b(1[0-9]{3}|20[0-9]{2})\b", date or "")
    return f"{surname} {year.group()}" if year else surname


def short_label(doc: CorpusDocument) -> str:
    """'Werth 2010': a document named in a few characters (its author's surname, or its
    publication, or its title, and the year of its date)."""
    record = doc.record
    if record.short_title:
        return record.short_title
    return _surname_year(record.author or record.publication or record.title, record.date)


def short_work(reference: WorkReference) -> str:
    """'Foner 2010': a reference named as a document is (its short title, or the first
    author's surname and the year)."""
    return reference.short_title or _surname_year(reference.author, reference.year)


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


def build_charts(
    lesson: Lesson, corpus: dict[str, CorpusDocument], fonts: Typesetter
) -> list[ChartView]:
    return [
        ChartView(
            number=n,
            id=chart.id,
            title=render_inline(chart.title),
            svg=chart_svg(chart, fonts),
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
    """The plan, period by period; each period's clock starts at 0."""
    views, start = [], dict.fromkeys(range(1, lesson.periods + 1), 0)
    for activity in sorted(lesson.activities, key=lambda a: a.period):
        views.append(
            ActivityView(
                activity.period,
                _phase_label(activity.phase),
                start[activity.period],
                activity.minutes,
                activity.title,
                render_block(activity.description),
            )
        )
        start[activity.period] += activity.minutes
    return views


def grade_label(band: str) -> str:
    """'10-12' -> 'Grades 10–12'; '11' -> 'Grade 11'; anything else as written."""
    if re.fullmatch(r"\d{1,2}", band.strip()):
        return f"Grade {band.strip()}"
    if re.fullmatch(r"\d{1,2}\s*[-–]\s*\d{1,2}", band.strip()):
        low, high = re.split(r"\s*[-–]\s*", band.strip())
        return f"Grades {low}–{high}"
    return band


def guiding_questions(lesson: Lesson) -> dict[str, list[Question]]:
    """Each document's guiding questions (those whose sources are it alone), by excerpt id.

    An exit ticket is never one: it comes last, whatever it cites.
    """
    return {
        excerpt.id: [
            q
            for q in lesson.questions
            if q.sources == [excerpt.id] and q.kind is not QuestionKind.exit_ticket
        ]
        for excerpt in lesson.sources
    }


def print_order(lesson: Lesson) -> list[Question]:
    """Questions as printed: each document's own questions after it, then the rest.

    Questions on several documents, and the final claim, come after the last
    document; then reflection questions that cite no document, then exit tickets.
    Every edition numbers questions in this order.
    """
    order = [q for questions in guiding_questions(lesson).values() for q in questions]
    rest = [q for q in lesson.questions if q not in order]
    return (
        order
        + [q for q in rest if q.sources and q.kind is not QuestionKind.exit_ticket]
        + [q for q in rest if not q.sources and q.kind is not QuestionKind.exit_ticket]
        + [q for q in rest if q.kind is QuestionKind.exit_ticket]
    )


KIND_LABELS = {
    QuestionKind.short_answer: "Short answer",
    QuestionKind.multiple_choice: "Multiple choice",
    QuestionKind.reflection: "Reflection",
    QuestionKind.exit_ticket: "Exit ticket",
}
"""What a question's tag line says of its kind (nothing for a written answer)."""


def _options(question: Question) -> list[OptionView]:
    return [
        OptionView(letter, render_inline(text), index == question.key_index)
        for index, (letter, text) in enumerate(zip("ABCDEF", question.options, strict=False))
    ]


def _organizer(organizer: Organizer | None) -> OrganizerView | None:
    if organizer is None:
        return None
    labels = list(organizer.row_labels) or [None] * organizer.rows
    return OrganizerView(
        columns=list(organizer.columns),
        rows=labels,
        row_lines=organizer.row_lines,
        answer=[[render_inline(cell) for cell in row] for row in organizer.answer],
    )


def cite_work(reference: WorkReference) -> Markup:
    """'Author, *Title*, Publisher, year. URL (checked date).' as HTML."""
    parts = [reference.author, reference.title]
    if reference.publisher:
        parts.append(reference.publisher)
    text = ", ".join(parts) + f", {reference.year}" + ("" if reference.year.endswith(".") else ".")
    if reference.url:
        text += f" {reference.url}"
        text += f" (checked {reference.accessed})." if reference.accessed else "."
    return render_inline(text)


def build_facts(facts: list[Fact], references: dict[str, WorkReference]) -> list[FactGroup]:
    """Facts grouped by topic (in order of first appearance), each with its citation."""
    groups: dict[str | None, list[FactView]] = {}
    for fact in facts:
        citation = cite_work(references[fact.reference])
        if fact.locator:
            citation = Markup(f"{citation.rstrip('.')}, {render_inline(fact.locator)}.")
        groups.setdefault(fact.topic, []).append(FactView(render_inline(fact.text), citation))
    return [FactGroup(topic, items) for topic, items in groups.items()]


def _phase_label(phase: Phase) -> str:
    return phase.value.capitalize()


def build_view(
    module: Module,
    lesson_file: LessonFile,
    corpus: dict[str, CorpusDocument],
    fonts: Typesetter,
    references: dict[str, WorkReference],
) -> LessonView:
    """Everything the template needs for one lesson, in every edition."""
    lesson = lesson_file.lesson
    excerpts = [
        build_image(i, e, lesson_file.images[e.id])
        if isinstance(e, ImageDocument)
        else build_excerpt(i, e, corpus[e.source], lesson_file.repairs.get(e.id, []), fonts)
        for i, e in enumerate(lesson.sources)
    ]
    first: dict[str, str] = {}  # one reliability note per source; later excerpts point to it
    for index, (excerpt, view) in enumerate(zip(lesson.sources, excerpts, strict=True)):
        if isinstance(excerpt, ImageDocument):
            continue
        if excerpt.source in first:
            excerpts[index] = replace(view, reliability_in=first[excerpt.source])
        first.setdefault(excerpt.source, view.label)
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
            scoring=render_block(q.scoring) if q.scoring else None,
            organizer=_organizer(q.organizer),
            kind=q.kind.value,
            kind_label=KIND_LABELS.get(q.kind),
            options=_options(q),
        )
        for n, q in enumerate(print_order(lesson), start=1)
    ]
    by_id = {q.id: q for q in questions}
    guiding = guiding_questions(lesson)
    documents = [
        DocumentBlock(view, [by_id[q.id] for q in guiding[excerpt.id]])
        for excerpt, view in zip(lesson.sources, excerpts, strict=True)
    ]
    placed = {q.id for block in documents for q in block.questions}
    exit_ticket = QuestionKind.exit_ticket.value
    last = {q.id for q in lesson.questions if not q.sources or q.kind is QuestionKind.exit_ticket}
    return LessonView(
        module_title=module.title,
        module_id=module.id,
        language=module.language,
        id=lesson.id,
        title=render_inline(lesson.title),
        subtitle=render_inline(lesson.subtitle) if lesson.subtitle else None,
        grade_band=lesson.grade_band,
        grade_label=grade_label(lesson.grade_band),
        duration=lesson.duration,
        periods=lesson.periods,
        central_question=render_inline(lesson.central_question),
        objectives=[render_inline(o) for o in lesson.objectives],
        skills=[s.value.capitalize() for s in lesson.skills],
        content_note=render_block(lesson.content_note),
        context=render_block(lesson.context),
        vocabulary=[
            (render_inline(v.term), render_inline(v.definition)) for v in lesson.vocabulary
        ],
        timeline=build_timeline(lesson.timeline, corpus, references),
        documents=documents,
        synthesis=[q for q in questions if q.id not in placed and q.id not in last],
        charts=build_charts(lesson, corpus, fonts),
        questions=questions,
        figures=_figures(lesson),
        activities=_activities(lesson),
        teacher_notes=render_block(lesson.teacher_notes) if lesson.teacher_notes else None,
        facts=build_facts(lesson.facts, references),
        total_points=sum(q.points or 0 for q in lesson.questions),
        references=[cite_work(work) for work in by_author(cited_references(lesson, references))],
        reflection=[q for q in questions if q.id in last and q.kind != exit_ticket],
        exit_tickets=[q for q in questions if q.kind == exit_ticket],
    )


def by_author(works: list[WorkReference]) -> list[WorkReference]:
    """A list of references in the order readers look them up: author, then year."""
    return sorted(works, key=lambda work: (work.author.casefold(), work.year))
