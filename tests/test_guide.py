"""The teacher guide: the module's pages, every teacher edition, contents that point right."""

from __future__ import annotations

import re

import pytest
from conftest import Built, contains, read_pdf, words
from pypdf import PdfReader

from handouts.guide import gather_glossary, term_key


def outline(path) -> dict[str, int]:
    """Top-level bookmarks: title -> 1-based page."""
    reader = PdfReader(path)
    return {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }


def test_guide_has_a_bookmark_per_lesson_and_section(built: Built) -> None:
    marks = outline(built.guide)
    for lesson_file in built.project.lessons:
        assert lesson_file.lesson.title.replace('"', "“", 1).replace('"', "”", 1) in marks or (
            lesson_file.lesson.title in marks
        ), lesson_file.lesson.title
    for section in (
        "Contents",
        "Module overview",
        "Teaching this module with care",
        "Glossary",
        "Timeline",
        "Bibliography",
    ):
        assert section in marks
    pages = list(marks.values())
    assert pages == sorted(pages)


def test_contents_page_numbers_are_where_the_bookmarks_point(built: Built) -> None:
    marks = outline(built.guide)
    pdf = read_pdf(built.guide)
    contents = pdf.pages[1]
    printed = [int(n) for n in re.findall(r"^(\d+)$", contents, flags=re.M)]
    sections = 6 if built.project.module.guide.briefing else 5
    assert len(printed) == len(built.project.lessons) + sections, contents
    assert 0 not in printed
    by_page = sorted(marks.values())[2:]  # after the cover and the contents
    assert printed == by_page


def test_guide_holds_every_teacher_edition_and_the_module_pages(built: Built) -> None:
    pdf = read_pdf(built.guide)
    guide = built.project.module.guide
    assert "TEACHER GUIDE" in pdf.pages[1]
    for lesson_file in built.project.lessons:
        for question in lesson_file.lesson.questions:
            assert contains(pdf.words, words(question.answer)), question.id
    for section in guide.guidance:
        assert contains(pdf.words, words(section.body)), section.title
    for entry in guide.timeline:
        assert contains(pdf.words, words(entry.event)), entry.date
    for reference in guide.bibliography:
        assert contains(pdf.words, words(reference.reference)), reference.reference[:40]
    assert "Page 1 of" not in pdf.pages[0]  # the cover carries no running furniture


def test_module_glossary_merges_terms_across_lessons(built: Built) -> None:
    lessons = [f.lesson for f in built.project.lessons]
    glossary = gather_glossary(lessons)
    keys = [term_key(str(entry.term)) for entry in glossary]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    all_terms = {term_key(v.term) for lesson in lessons for v in lesson.vocabulary}
    assert len(glossary) == len(all_terms)
    troika = next(e for e in glossary if term_key(str(e.term)).startswith("troika"))
    assert "," in troika.lessons  # glossed in more than one lesson, all listed


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("SRs", "Socialist-Revolutionaries (SRs)"),
        ('"supplement"', "“supplements”"),
        ("*troika*", "Troika"),
    ],
)
def test_glossary_terms_match_across_plural_quotes_and_short_forms(one: str, other: str) -> None:
    assert term_key(one) == term_key(other)


def test_glossary_keeps_terms_apart_that_differ() -> None:
    assert term_key("VKP(b)") != term_key("b")
    assert term_key("Procuracy") != term_key("procurator")
    assert term_key("class") == "class"  # a double s is not a plural
