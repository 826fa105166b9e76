"""Numbers about a lesson for `handouts check --report`: counts and reading level.

A module maintainer wants to see at a glance whether a lesson is balanced
(how many excerpts, which skills its questions exercise, how long it is) and
whether the prose students must read suits the grade band it claims. Nothing
here changes a lesson or decides whether it is valid: these are pure
functions of a validated `Lesson`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import textstat

from handouts.schema import Lesson
from handouts.schema.lesson import Phase, Skill

SLACK = 1
"""Grades of tolerance on each side of the band before a lesson is called harder or easier."""

WITHIN = "within band"
ABOVE = "above band (harder)"
BELOW = "below band (easier)"
NO_BAND = "no numeric band"

_BAND = re.compile(r"(\d{1,2})(?:\s*[-–—]\s*(\d{1,2}))?")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"\*+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class LessonStats:
    """What `check --report` prints for one lesson."""

    excerpts: int
    questions_per_skill: dict[Skill, int]
    """Every skill of the `Skill` enum, in its order, zeros included."""
    points: int
    """Sum of the questions' points; a question without points counts 0."""
    prose_words: int
    """Words of student-facing prose (see `student_prose`)."""
    excerpt_words: int
    """Words of quoted source text, counted apart: students read it, but no author wrote it."""
    fk_grade: float
    """Flesch-Kincaid grade of the student-facing prose."""
    band: tuple[int, int] | None
    verdict: str
    periods: int
    reading_minutes: float
    """Minutes students need to read everything printed for them, at the module's rate."""
    planned_minutes: int
    """Minutes the plan gives to reading: its context and source-work steps."""

    @property
    def reading_words(self) -> int:
        return self.prose_words + self.excerpt_words

    @property
    def over_time(self) -> bool:
        return self.reading_minutes > self.planned_minutes

    @property
    def questions(self) -> int:
        return sum(self.questions_per_skill.values())


def student_prose(lesson: Lesson) -> list[str]:
    """The texts written for students to read, as Markdown source.

    Answers, teacher notes, objectives and the lesson plan are for the teacher; excerpt
    text is quoted, not written, so its difficulty is the source's and not
    something an author can edit. Both are left out of the reading level.
    """
    return [
        lesson.context,
        lesson.central_question,
        lesson.content_note,
        *(entry.definition for entry in lesson.vocabulary),
        *(entry.event for entry in lesson.timeline),
        *(excerpt.title for excerpt in lesson.sources),
        *(excerpt.headnote for excerpt in lesson.sources if excerpt.headnote),
        *(image.caption for image in lesson.images),
        *(question.prompt for question in lesson.questions),
        *(option for question in lesson.questions for option in question.options),
    ]


def plain_text(texts: Iterable[str]) -> str:
    """Markdown source as plain sentences, ready for a readability formula.

    Emphasis asterisks and list markers go (textstat would count "-" or "1."
    as words and sentences). Each paragraph and list item is closed with a
    full stop if it has none, so that a glossary definition or an objective
    without one does not run into the next and make one enormous "sentence".
    """
    blocks: list[str] = []
    for text in texts:
        current: list[str] = []
        for line in text.splitlines():
            item = _LIST_MARKER.match(line)
            if (item or not line.strip()) and current:
                blocks.append(" ".join(current))
                current = []
            line = _EMPHASIS.sub("", line[item.end() :] if item else line).strip()
            if line:
                current.append(line)
        if current:
            blocks.append(" ".join(current))
    return " ".join(b if _SENTENCE_END.search(b) else f"{b}." for b in blocks)


def parse_band(grade_band: str) -> tuple[int, int] | None:
    """'10-12' or '10–12' as (10, 12); '9' as (9, 9); anything else (e.g. 'university') None."""
    match = _BAND.fullmatch(grade_band.strip())
    if match is None:
        return None
    low = int(match[1])
    high = int(match[2]) if match[2] else low
    return (low, high) if low <= high else (high, low)


def verdict(fk_grade: float, band: tuple[int, int] | None) -> str:
    """Compare the rounded Flesch-Kincaid grade with the band, with `SLACK` grades either side.

    The slack is deliberate: FK knows only sentence length and syllables per
    word, so a grade or so of difference means nothing. A proper name like
    "Kaganovich" weighs as much as a hard word, and short list items pull the
    other way. Only a lesson clearly outside the band is flagged.
    """
    if band is None:
        return NO_BAND
    grade = round(fk_grade)
    low, high = band
    if grade > high + SLACK:
        return ABOVE
    if grade < low - SLACK:
        return BELOW
    return WITHIN


def reading_grade(texts: Iterable[str]) -> float:
    """Flesch-Kincaid grade of Markdown texts read together (0.0 for no text)."""
    return float(textstat.flesch_kincaid_grade(plain_text(texts)))


READING_PHASES = (Phase.context, Phase.source_work)
"""The steps of a plan in which students read (and work on) the documents."""


def lesson_stats(lesson: Lesson, reading_wpm: int = 130) -> LessonStats:
    """Counts, words, reading time and reading level of one validated lesson."""
    skills = Counter(question.skill for question in lesson.questions)
    prose = student_prose(lesson)
    fk_grade = reading_grade(prose)
    band = parse_band(lesson.grade_band)
    prose_words = textstat.lexicon_count(plain_text(prose))
    excerpt_words = textstat.lexicon_count(plain_text(excerpt.text for excerpt in lesson.excerpts))
    return LessonStats(
        excerpts=len(lesson.sources),
        questions_per_skill={skill: skills[skill] for skill in Skill},
        points=sum(question.points or 0 for question in lesson.questions),
        prose_words=prose_words,
        excerpt_words=excerpt_words,
        fk_grade=fk_grade,
        band=band,
        verdict=verdict(fk_grade, band),
        periods=lesson.periods,
        reading_minutes=(prose_words + excerpt_words) / reading_wpm,
        planned_minutes=sum(a.minutes for a in lesson.activities if a.phase in READING_PHASES),
    )
