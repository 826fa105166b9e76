"""Checks that need more than one field: references, fidelity, figures, coverage, names,
the guide, questions. (Checks on the text of any one field are in `text.py`.)

Each returns Problems located in the lesson (or module) file; none raises.
"""

from __future__ import annotations

from collections.abc import Iterable

from handouts.errors import Problem, Severity
from handouts.integrity.fidelity import find_mismatch
from handouts.integrity.figures import (
    NOT_PROSE,
    check_derived,
    figure_key,
    figures_in,
    find_unsourced,
    is_figure,
    prose_strings,
)
from handouts.integrity.names import UnknownName, find_unknown_names, lower_words, words_in
from handouts.integrity.years import is_year, years_in
from handouts.loader.corpus import CorpusDocument
from handouts.loader.text import MAX_FIGURE_DIGITS
from handouts.loader.validate import did_you_mean
from handouts.loader.yamlfile import Located
from handouts.schema import Excerpt, Fact, Guide, Lesson, QuestionKind, TimelineEntry, WorkReference
from handouts.schema.lesson import UNCITED_KINDS, option_form


def unknown_document(
    located: Located, where: tuple, corpus: dict, references: Iterable[str] = ()
) -> Problem:
    """An id at `where` that names no corpus document, with the closest id as a hint (or, for
    the id of a reference, the key that cites one)."""
    value = located.value(where)
    if value in references:
        hint = f"'{value}' is a reference, not a document: write 'reference: {value}'"
    else:
        hint = did_you_mean(value, sorted(corpus)) or "the id of a record in lessons/sources/"
    return located.problem(where, f"unknown corpus document '{value}'", value=value, hint=hint)


def check_references(
    lesson: Lesson,
    located: Located,
    corpus: dict[str, CorpusDocument],
    references: Iterable[str] = (),
) -> list[Problem]:
    """Cross-references inside a lesson and into the corpus, and excerpt fidelity.

    `references` are the reference ids the lesson may cite, for a hint when one is given
    as a timeline entry's 'source'."""
    problems: list[Problem] = []

    def add(where: tuple, message: str, **options) -> None:
        problems.append(located.problem(where, message, **options))

    for name, items, key in (
        ("sources", lesson.sources, "id"),
        ("questions", lesson.questions, "id"),
        ("vocabulary", lesson.vocabulary, "term"),
    ):
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = getattr(item, key)
            if value in seen:
                add(
                    (name, index, key),
                    f"duplicate {key} '{value}' (also {name}[{seen[value]}])",
                    value=value,
                    hint="every entry needs its own id",
                )
            seen.setdefault(value, index)

    excerpt_ids = {excerpt.id for excerpt in lesson.sources}
    for index, excerpt in enumerate(lesson.sources):
        if not isinstance(excerpt, Excerpt):
            continue  # an image document: its file is checked in loader/images.py
        doc = corpus.get(excerpt.source)
        if doc is None:
            problems.append(unknown_document(located, ("sources", index, "source"), corpus))
            continue
        parts = {part.id for part in doc.record.parts}
        if excerpt.part is not None and excerpt.part not in parts:
            add(
                ("sources", index, "part"),
                f"'{excerpt.source}' has no part '{excerpt.part}'",
                value=excerpt.part,
                hint=did_you_mean(excerpt.part, sorted(parts))
                or f"parts: {', '.join(sorted(parts)) or 'none'}",
            )
        problems += _check_fidelity(excerpt, index, doc, located)

    for index, entry in enumerate(lesson.timeline):
        if entry.source is not None and entry.source not in corpus:
            where = ("timeline", index, "source")
            problems.append(unknown_document(located, where, corpus, references))

    cited: set[str] = set()
    for index, question in enumerate(lesson.questions):
        for j, ref in enumerate(question.sources):
            cited.add(ref)
            if ref not in excerpt_ids:
                add(
                    ("questions", index, "sources", j),
                    f"unknown excerpt '{ref}'",
                    value=ref,
                    hint=did_you_mean(ref, sorted(excerpt_ids))
                    or f"excerpt ids in this lesson: {', '.join(sorted(excerpt_ids))}",
                )
        if not question.sources and question.kind not in UNCITED_KINDS:
            add(
                ("questions", index),
                f"question '{question.id}' cites no source",
                hint="list the excerpt ids it is about under 'sources'; a question on no"
                " document says so with 'kind: reflection' or 'kind: exit_ticket'",
            )
    for index, excerpt in enumerate(lesson.sources):
        if excerpt.id not in cited:
            add(
                ("sources", index, "id"),
                f"no question uses excerpt '{excerpt.id}'",
                value=excerpt.id,
                hint="cite it in some question's 'sources', or remove it",
            )

    for period in range(1, lesson.periods + 1) if lesson.activities else ():
        planned = sum(a.minutes for a in lesson.activities if a.period == period)
        if planned != lesson.duration:
            which = f"period {period} of the lesson" if lesson.periods > 1 else "the lesson"
            add(
                ("activities",),
                f"the activities of {which} add up to {planned} minutes, a period to"
                f" {lesson.duration}",
                hint="adjust the minutes, the activities' 'period', or the duration",
                severity=Severity.warning,
            )
    for index, activity in enumerate(lesson.activities):
        if activity.period > lesson.periods:
            add(
                ("activities", index, "period"),
                f"period {activity.period}, but the lesson has {lesson.periods}",
                hint="set 'periods:' on the lesson, or correct the activity's period",
            )
    return problems


def _check_fidelity(excerpt, index: int, doc: CorpusDocument, located: Located) -> list[Problem]:
    if excerpt.adapted:
        if excerpt.original is None:
            return [
                located.problem(
                    ("sources", index, "original"),  # absent: located at the excerpt
                    "an adapted excerpt must give the original passage",
                    hint="add 'original:' with the passage word for word",
                )
            ]
        text, key = excerpt.original, "original"
    else:
        text, key = excerpt.text, "text"
    mismatch = find_mismatch(text, doc.text, doc.record.normalisations, excerpt.insertions)
    if mismatch is None:
        return []
    return [
        located.problem(
            ("sources", index, key),
            f"excerpt does not match {doc.record.id}: {mismatch.message}",
            hint="quote the source word for word; mark cuts with '...'; or set"
            " 'adapted: true' and give the 'original'",
            text_line=mismatch.line_offset,
        )
    ]


def cited_sources(lesson: Lesson) -> list[str]:
    """Corpus ids the lesson draws on: its excerpts, timeline and charts."""
    ids = [excerpt.source for excerpt in lesson.excerpts]
    ids += [entry.source for entry in lesson.timeline if entry.source is not None]
    ids += [value.source for chart in lesson.charts for bar in chart.bars for value in bar.values]
    return list(dict.fromkeys(ids))


def vouched(timeline: list[TimelineEntry]) -> set[tuple]:
    """Paths of the timeline entries that cite a reference: like facts, they answer to it."""
    return {("timeline", index) for index, entry in enumerate(timeline) if entry.reference}


def vouched_years(
    references: Iterable[WorkReference], facts: Iterable[Fact], timeline: list[TimelineEntry]
) -> set[str]:
    """Years a reference vouches for: its own year, and the years of the checked facts and the
    timeline entries that cite a reference."""
    years: set[str] = set()
    for reference in references:
        years |= years_in(reference.year)
    for fact in facts:
        years |= years_in(fact.text)
    for entry in timeline:
        if entry.reference:
            years |= years_in(f"{entry.date} {entry.event}")
    return years


def cited_references(lesson: Lesson, references: dict[str, WorkReference]) -> list[WorkReference]:
    """The works the lesson cites (facts, then timeline) or declares, each once, in that order."""
    ids = [fact.reference for fact in lesson.facts]
    ids += [entry.reference for entry in lesson.timeline if entry.reference]
    ids += [reference.id for reference in lesson.references]
    return [references[i] for i in dict.fromkeys(ids) if i in references]


def check_figures(
    lesson: Lesson,
    located: Located,
    corpus: dict[str, CorpusDocument],
    references: dict[str, WorkReference] | None = None,
    facts: Iterable[Fact] = (),
) -> list[Problem]:
    """Every figure of three or more digits is in a cited source or declared as derived.

    A year has more ways in: a cited document may write it in words, and a reference the
    lesson cites may vouch for it (its year, a fact, a timeline entry citing it).
    `facts` are the checked facts the lesson may draw on (its own, and the guide's briefing).
    """
    cited = [corpus[i] for i in cited_sources(lesson) if i in corpus]
    sourced = set().union(*(doc.figures for doc in cited))
    works = cited_references(lesson, references or {r.id: r for r in lesson.references})
    years = set().union(*(doc.years for doc in cited))
    years |= vouched_years(works, [*lesson.facts, *facts], lesson.timeline)
    problems = [
        located.problem(
            ("assumptions", index, "figure"),
            f"{item.figure} is not an assumption: a cited document or reference gives it",
            hint="remove it from 'assumptions', or the teacher edition prints it as '(assumed)'",
            severity=Severity.warning,
        )
        for index, item in enumerate(lesson.assumptions)
        if figure_key(item.figure) in sourced or (is_year(item.figure) and item.figure in years)
    ]
    sourced |= {figure_key(item.figure) for item in lesson.assumptions}
    records = image_records(lesson)
    sourced |= set().union(*(figures_in(text) for text in records))
    years |= set().union(*(years_in(text) for text in records))
    declared, wrong = check_derived(lesson.derived, sourced, years)
    problems += [located.problem(("derived", p.index, "calculation"), p.message) for p in wrong]
    names = ", ".join(doc.record.id for doc in cited) or "none"
    reported: set[str] = set()
    skip = vouched(lesson.timeline)
    for item in find_unsourced(located.data, sourced | declared, years):
        if figure_key(item.figure) in reported or item.where[:2] in skip:
            continue  # one report per figure: a declaration fixes every use
        reported.add(figure_key(item.figure))
        elsewhere = [
            i
            for i, doc in corpus.items()
            if figure_key(item.figure) in (doc.years if item.year else doc.figures)
        ]
        kind = "year" if item.year else "figure"
        hint = (
            f"it is in {', '.join(elsewhere)}: cite that document, or"
            if elsewhere
            else "a year counts when a cited document gives it, in digits or in words; or"
            if item.year
            else "check it against the sources, or"
        ) + (
            " add a timeline entry for it citing its 'source' or a 'reference', or a fact with"
            " its reference"
            if item.year
            else " declare it under 'derived' with its calculation (e.g. '387,000 / 767,000 ="
            " 50%') or under 'assumptions' with the reason"
        )
        message = f"the {kind} {item.figure} is in no source this lesson cites ({names})"
        problems.append(located.problem(item.where, message, hint=hint, text_line=item.text_line))
    return problems


def check_coverage(lessons: list[Lesson], corpus: dict[str, CorpusDocument]) -> list[Problem]:
    """Every corpus document is quoted or cited by at least one lesson.

    A warning: a document just added ('handouts source add') is not quoted yet,
    and nothing printed depends on it.
    """
    used = {source for lesson in lessons for source in cited_sources(lesson)}
    return [
        doc.located.problem(
            ("id",),
            f"no lesson uses '{doc.record.id}' yet",
            hint="quote it in an excerpt, cite it in a timeline or chart, or remove it from the"
            " corpus",
            severity=Severity.warning,
        )
        for doc in corpus.values()
        if doc.record.id not in used
    ]


def _unknown_names(
    data: object,
    attesting: list[CorpusDocument],
    corpus: dict[str, CorpusDocument],
    known_words: Iterable[str],
    facts: Iterable[Fact],
    timeline: Iterable[TimelineEntry] = (),
    works: Iterable[WorkReference] = (),
) -> list[UnknownName]:
    """Capitalised words in the prose of `data` that no attesting document, fact, timeline
    entry citing a reference, cited work (its author, title, publisher) or known word holds;
    a word written in lower case anywhere in the corpus or `data` is ordinary."""
    allowed = set(known_words).union(*(doc.words for doc in attesting))
    for work in works:
        allowed |= words_in(f"{work.author} {work.title} {work.publisher or ''}")
    for fact in facts:
        allowed |= words_in(fact.text)
    for entry in timeline:
        if entry.reference:
            allowed |= words_in(f"{entry.date} {entry.event}")
    ordinary = lower_words(text for _, text in prose_strings(data))
    ordinary |= set().union(*(doc.lower_words for doc in corpus.values()))
    return find_unknown_names(data, allowed, ordinary, NOT_PROSE)


def _guide_names(
    guide: Guide,
    located: Located,
    corpus: dict[str, CorpusDocument],
    known_words: Iterable[str],
    works: Iterable[WorkReference] = (),
) -> list[Problem]:
    """The guide's capitalised words are in a document of the module, its facts, its
    references, or declared."""
    data = located.data.get("guide")
    unknown = _unknown_names(
        data, list(corpus.values()), corpus, known_words, guide.briefing, guide.timeline, works
    )
    return [
        located.problem(
            ("guide", *item.where),
            f"'{item.name}' is in no document of the module",
            hint="check it against the documents; outside knowledge goes in the briefing with a"
            " reference; an ordinary capitalised word goes in 'known_words'",
            text_line=item.text_line,
        )
        for item in unknown
    ]


def check_guide(
    guide: Guide,
    located: Located,
    corpus: dict[str, CorpusDocument],
    known_words: Iterable[str] = (),
    references: dict[str, WorkReference] | None = None,
) -> list[Problem]:
    """The guide's timeline and bibliography point into the corpus, faithfully; its figures too.

    `references` are the module's own; the guide's timeline and further reading may cite them.
    """
    references = references or {}
    problems: list[Problem] = []
    root = ("guide",)
    for index, entry in enumerate(guide.timeline):
        if entry.source is not None and entry.source not in corpus:
            where = (*root, "timeline", index, "source")
            problems.append(unknown_document(located, where, corpus, references))
    for index, item in enumerate(guide.bibliography):
        if item.cited_in not in corpus:
            problems.append(
                unknown_document(located, (*root, "bibliography", index, "cited_in"), corpus)
            )
    cited = [
        ((*root, "timeline", i, "reference"), e.reference) for i, e in enumerate(guide.timeline)
    ]
    cited += [
        ((*root, "further_reading", i, "reference"), r.reference)
        for i, r in enumerate(guide.further_reading)
    ]
    problems += check_reference_ids(cited, located, references, "the module's 'references'")
    for index, item in enumerate(guide.bibliography):
        doc = corpus.get(item.cited_in)
        mismatch = doc and find_mismatch(item.reference, doc.text, doc.record.normalisations)
        if mismatch:
            problems.append(
                located.problem(
                    (*root, "bibliography", index, "reference"),
                    f"reference does not match {doc.record.id}: {mismatch.message}",
                    hint="copy the entry as the source prints it",
                    text_line=mismatch.line_offset,
                )
            )
    problems += _guide_names(guide, located, corpus, known_words, references.values())
    sourced = set().union(*(doc.figures for doc in corpus.values()))
    years = set().union(*(doc.years for doc in corpus.values()))
    years |= vouched_years(references.values(), guide.briefing, guide.timeline)
    skip = vouched(guide.timeline)
    for item in find_unsourced(located.data.get("guide"), sourced, years):
        if item.where[:2] in skip:
            continue
        kind = "year" if item.year else "figure"
        problems.append(
            located.problem(
                (*root, *item.where),
                f"the {kind} {item.figure} is in no document of the corpus",
                hint="check it against the sources; the guide states only what they hold"
                + (
                    ", or what a reference vouches for (a timeline entry or a briefing fact)"
                    if item.year
                    else ""
                ),
                text_line=item.text_line,
            )
        )
    return problems


def check_charts(
    lesson: Lesson, located: Located, corpus: dict[str, CorpusDocument]
) -> list[Problem]:
    """Each bar has a value per series, and each value is in the document it names."""
    problems: list[Problem] = []
    for c, chart in enumerate(lesson.charts):
        if not any(value.value for bar in chart.bars for value in bar.values):
            problems.append(
                located.problem(
                    ("charts", c, "bars"),
                    "every value of this chart is 0: there is nothing to draw",
                    hint="give the figures the sources print, or remove the chart",
                )
            )
        for b, bar in enumerate(chart.bars):
            if len(bar.values) != len(chart.series):
                problems.append(
                    located.problem(
                        ("charts", c, "bars", b, "values"),
                        f"{len(bar.values)} values for {len(chart.series)} series",
                        hint="give one value per series, in the order of 'series'",
                    )
                )
            for v, item in enumerate(bar.values):
                where = ("charts", c, "bars", b, "values", v)
                doc = corpus.get(item.source)
                if doc is None:
                    problems.append(unknown_document(located, (*where, "source"), corpus))
                elif item.value >= 10**MAX_FIGURE_DIGITS:
                    problems.append(
                        located.problem(
                            (*where, "value"),
                            "this number is too long to be a figure",
                            hint=f"a figure has at most {MAX_FIGURE_DIGITS} digits: check it",
                        )
                    )
                elif is_figure(str(item.value)) and str(item.value) not in doc.figures:
                    problems.append(
                        located.problem(
                            (*where, "value"),
                            f"{item.value:,} is not a figure in {item.source}",
                            hint="chart only figures the named source gives; derived values"
                            " belong in the text, with their calculation",
                        )
                    )
    return problems


def check_reference_ids(
    cited: Iterable[tuple[tuple, str | None]],
    located: Located,
    references: dict[str, WorkReference],
    where_declared: str = "'references'",
) -> list[Problem]:
    """Each (path, id) names a declared reference; None (no reference given) is fine."""
    return [
        located.problem(
            where,
            f"unknown reference '{ref}'",
            value=ref,
            hint=did_you_mean(ref, sorted(references))
            or f"declare it under {where_declared} (id, author, title, year, and publisher or"
            " url with accessed)",
        )
        for where, ref in cited
        if ref is not None and ref not in references
    ]


def check_facts(
    facts: list[Fact], root: tuple, located: Located, references: dict[str, WorkReference]
) -> list[Problem]:
    """Each fact cites a declared reference."""
    return check_reference_ids(
        [((*root, index, "reference"), fact.reference) for index, fact in enumerate(facts)],
        located,
        references,
    )


def check_cited_works(
    lesson: Lesson, located: Located, references: dict[str, WorkReference]
) -> list[Problem]:
    """The lesson's facts and timeline entries cite references it or its module declares."""
    cited = [(("facts", i, "reference"), fact.reference) for i, fact in enumerate(lesson.facts)]
    cited += [(("timeline", i, "reference"), e.reference) for i, e in enumerate(lesson.timeline)]
    return check_reference_ids(cited, located, references)


def merge_references(
    sets: list[tuple[list[WorkReference], Located]],
) -> tuple[dict[str, WorkReference], list[Problem]]:
    """The module's references, from module.yaml and every lesson; one id, one work."""
    merged: dict[str, WorkReference] = {}
    problems = []
    for references, located in sets:
        for index, reference in enumerate(references):
            known = merged.setdefault(reference.id, reference)
            if known != reference:
                problems.append(
                    located.problem(
                        ("references", index, "id"),
                        f"reference id '{reference.id}' is declared elsewhere with other details",
                        value=reference.id,
                        hint="give every work one entry, identical wherever it is declared,"
                        " or another id",
                    )
                )
    return merged, problems


WORDS_PER_LINE = 11
"""Handwritten words a student fits on one ruled line (7 mm rules, A4 or Letter)."""


def check_writing_space(lesson: Lesson, located: Located) -> list[Problem]:
    """An exemplar longer than its writing space holds models an answer no student can write."""
    problems = []
    for index, question in enumerate(lesson.questions):
        if question.organizer is not None and question.lines == 0:
            continue  # the table is the answer space; its exemplar is the table
        if question.kind is QuestionKind.multiple_choice:
            continue  # the options are the answer space; the answer explains the key
        words = len(question.answer.split())
        room = question.lines * WORDS_PER_LINE
        if words > room:
            problems.append(
                located.problem(
                    ("questions", index, "answer"),
                    f"the exemplar answer has {words} words; {question.lines} ruled"
                    f" {'line holds' if question.lines == 1 else 'lines hold'} about {room}"
                    " handwritten words",
                    hint=f"shorten the exemplar to what a student can write, or give"
                    f" 'lines: {-(-words // WORDS_PER_LINE)}'",
                    severity=Severity.warning,
                )
            )
    return problems


def check_names(
    lesson: Lesson,
    located: Located,
    corpus: dict[str, CorpusDocument],
    known_words: list[str],
    facts: list[Fact],
    works: Iterable[WorkReference] = (),
) -> list[Problem]:
    """Every capitalised word in the prose is in a cited document, a checked fact, a work the
    lesson cites, or declared."""
    cited = [corpus[i] for i in cited_sources(lesson) if i in corpus]
    known_words = [*known_words, *(w for text in image_records(lesson) for w in words_in(text))]
    unknown = _unknown_names(
        located.data, cited, corpus, known_words, facts, lesson.timeline, works
    )
    names = ", ".join(doc.record.id for doc in cited) or "none"
    return [
        located.problem(
            item.where,
            f"'{item.name}' is in no document this lesson cites ({names})",
            hint="check it against the documents; outside knowledge goes in 'facts' (teacher"
            " edition) with a reference; an ordinary capitalised word goes in the module's"
            " 'known_words'",
            text_line=item.text_line,
        )
        for item in unknown
    ]


def image_records(lesson: Lesson) -> list[str]:
    """The provenance of each image document (citation, credit, licence): like a corpus
    record, it attests the names and figures the lesson's prose may use."""
    return [text for i in lesson.images for text in (i.citation, i.credit, i.licence)]


MIN_OPTIONS, MAX_OPTIONS = 2, 6


def check_question_kinds(lesson: Lesson, located: Located) -> list[Problem]:
    """Each question has what its kind needs: a multiple-choice question its options and one
    key among them; a short answer one or two lines; other kinds no options or key."""
    problems: list[Problem] = []
    for index, question in enumerate(lesson.questions):
        where = ("questions", index)

        def add(field: str, message: str, hint: str, at: tuple = where, **options) -> None:
            problems.append(located.problem((*at, field), message, hint=hint, **options))

        if question.kind is not QuestionKind.multiple_choice:
            for field in ("options", "key"):
                if getattr(question, field):
                    add(
                        field,
                        f"'{field}' is only for a multiple-choice question",
                        "add 'kind: multiple_choice', or remove it",
                    )
            if question.kind is QuestionKind.short_answer and not 1 <= question.lines <= 2:
                add(
                    "lines",
                    f"a short answer has one or two lines, not {question.lines}",
                    "give 'lines: 1' or 'lines: 2', or make it 'kind: written'",
                    value=question.lines,
                )
            continue
        options = question.options
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            add(
                "options",
                f"a multiple-choice question needs {MIN_OPTIONS} to {MAX_OPTIONS} options,"
                f" not {len(options)}",
                "list the options under 'options:', one per line starting with '- '",
            )
        seen: set[str] = set()
        for number, option in enumerate(options):
            if option_form(option) in seen:
                add(
                    number,
                    "this option is given twice",
                    "every option must differ",
                    at=(*where, "options"),
                    value=option,
                )
            seen.add(option_form(option))
        if question.key is None:
            add(
                "key",
                "a multiple-choice question needs its key",
                "add 'key:' with the text of the correct option",
            )
        elif options and question.key_index is None:
            letters = "ABCDEF"[: len(options)]
            letter = question.key.strip().upper()
            hint = (
                f"give the option's text, not its letter: {letter} is"
                f" '{options[letters.index(letter)]}'"
                if len(letter) == 1 and letter in letters
                else did_you_mean(question.key, list(options))
                or "copy the text of the correct option from 'options'"
            )
            add("key", "the key is not one of the options", hint, value=question.key)
    return problems
