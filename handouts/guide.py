"""The teacher guide's view: the module's own pages plus every lesson's view.

The glossary is gathered from the lessons (one entry per term, with the
lessons that use it); the overview, guidance, timeline and bibliography are
the module's own (lessons/module.yaml, `guide:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from handouts.loader.checks import cited_references
from handouts.loader.corpus import CorpusDocument
from handouts.markdown import render_block, render_inline
from handouts.schema import Guide, Lesson, Module, WorkReference
from handouts.view import (
    FactGroup,
    LessonView,
    TimelineView,
    build_facts,
    build_timeline,
    by_author,
    cite_work,
)


@dataclass(frozen=True)
class GlossaryEntry:
    term: Markup
    definition: Markup
    lessons: str
    """Numbers of the lessons that gloss the term, e.g. '1, 3'."""


@dataclass(frozen=True)
class SequenceRow:
    number: int
    anchor: str
    title: Markup
    central_question: Markup
    minutes: int
    periods: int


@dataclass(frozen=True)
class GuideView:
    module_id: str
    module_title: str
    subtitle: str | None
    audience: str
    language: str
    credits: Markup | None
    content_note: Markup
    overview: Markup
    objectives: list[Markup]
    guidance: list[tuple[str, Markup]]
    sequence: list[SequenceRow]
    total_periods: int
    lessons: list[LessonView]
    glossary: list[GlossaryEntry]
    timeline: list[TimelineView]
    briefing_checked: str | None
    briefing: list[FactGroup]
    documents: list[Markup]
    """The module's own documents, cited in full."""
    bibliography: list[tuple[str, list[Markup]]]
    """Works the documents cite, grouped under the title of the document that cites them."""
    further_reading: list[Markup]
    references: list[Markup]
    """Works outside the documents that the guide or a lesson cites, apart from the documents."""


def term_key(term: str) -> str:
    """How a term sorts and matches: without quotation marks, emphasis, case or a plural
    "s"; a term with its short form in brackets ("Socialist-Revolutionaries (SRs)") matches
    the short form ("SRs")."""
    short = re.search(r"\s\(([^()]+)\)\s*$", term)
    key = re.sub(r"[\"'“”‘’*]", "", short.group(1) if short else term).strip().casefold()
    return key[:-1] if len(key) > 3 and key.endswith("s") and not key.endswith("ss") else key


def gather_glossary(lessons: list[Lesson]) -> list[GlossaryEntry]:
    """One entry per term across the module, first definition kept, sorted by term."""
    first: dict[str, tuple[str, str]] = {}
    used: dict[str, list[int]] = {}
    for number, lesson in enumerate(lessons, start=1):
        for entry in lesson.vocabulary:
            key = term_key(entry.term)
            first.setdefault(key, (entry.term, entry.definition))
            if number not in used.setdefault(key, []):
                used[key].append(number)
    return [
        GlossaryEntry(
            render_inline(first[key][0]),
            render_inline(first[key][1]),
            ", ".join(map(str, used[key])),
        )
        for key in sorted(first)
    ]


def build_guide_view(
    module: Module,
    guide: Guide,
    lessons: list[Lesson],
    views: list[LessonView],
    corpus: dict[str, CorpusDocument],
    references: dict[str, WorkReference],
) -> GuideView:
    """Everything the guide template prints."""
    return GuideView(
        module_id=module.id,
        module_title=module.title,
        subtitle=module.subtitle,
        audience=module.audience,
        language=module.language,
        credits=render_block(module.credits) if module.credits else None,
        content_note=render_block(guide.content_note),
        overview=render_block(guide.overview),
        objectives=[render_inline(o) for o in guide.objectives],
        guidance=[(section.title, render_block(section.body)) for section in guide.guidance],
        sequence=[
            SequenceRow(
                n,
                f"lesson-{view.id}",
                view.title,
                view.central_question,
                view.duration,
                view.periods,
            )
            for n, view in enumerate(views, start=1)
        ],
        total_periods=sum(view.periods for view in views),
        lessons=views,
        glossary=gather_glossary(lessons),
        timeline=build_timeline(guide.timeline, corpus, references),
        briefing_checked=guide.briefing_checked,
        briefing=build_facts(guide.briefing, references),
        documents=[render_inline(doc.record.citation.strip()) for doc in corpus.values()],
        bibliography=group_references(guide, corpus),
        further_reading=further_reading(guide, references),
        references=[cite_work(work) for work in by_author(works_cited(guide, lessons, references))],
    )


def further_reading(guide: Guide, references: dict[str, WorkReference]) -> list[Markup]:
    """The guide's own list, with its notes, then every reference marked 'further_reading'."""
    listed = [item.reference for item in guide.further_reading]
    entries = [
        cite_work(references[item.reference])
        + (Markup(" ") + render_inline(item.note) if item.note else Markup(""))
        for item in guide.further_reading
    ]
    entries += [
        cite_work(reference)
        for reference in sorted(references.values(), key=lambda r: (r.author, r.year))
        if reference.further_reading and reference.id not in listed
    ]
    return entries


def works_cited(
    guide: Guide, lessons: list[Lesson], references: dict[str, WorkReference]
) -> list[WorkReference]:
    """Every reference a fact or a timeline entry cites, in the guide or a lesson, or that a
    lesson declares; each once."""
    ids = [fact.reference for fact in guide.briefing]
    ids += [entry.reference for entry in guide.timeline if entry.reference]
    found = {references[i].id: references[i] for i in ids if i in references}
    for lesson in lessons:
        found.update((work.id, work) for work in cited_references(lesson, references))
    return list(found.values())


def group_references(
    guide: Guide, corpus: dict[str, CorpusDocument]
) -> list[tuple[str, list[Markup]]]:
    groups: dict[str, list[Markup]] = {}
    for item in guide.bibliography:
        groups.setdefault(item.cited_in, []).append(render_inline(item.reference))
    return [(corpus[source].record.title, entries) for source, entries in groups.items()]
