"""Honest rules for ordinary history: years, outside works, a guide for primary sources alone.

Engine tests on tests/fixtures/primary-only, a one-lesson module on one primary
source (the opening of the Emancipation Proclamation, which writes its years
in words) and one outside reference (a textbook), with a teacher guide that
quotes no bibliography.
"""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, read_pdf
from pypdf import PdfReader

from handouts.build import plan
from handouts.cli.app import cli
from handouts.editions import EDITIONS
from handouts.integrity.years import is_year, years_in, years_in_words
from handouts.loader.project import gather

PRIMARY = ROOT / "tests" / "fixtures" / "primary-only"
LESSON = "lessons/01-a-promise-of-freedom.yaml"
MODULE_FILE = "lessons/module.yaml"


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("eighteen hundred and sixty-one", {"1861"}),
        ("Eighteen Hundred Sixty One", {"1861"}),
        ("eighteen sixty-one", {"1861"}),
        ("nineteen thirty seven", {"1937"}),
        ("one thousand nine hundred and thirty-seven", {"1937"}),
        ("in the year of our Lord one thousand eight hundred and sixty-three,", {"1863"}),
        ("one thousand seven hundred seventy-six", {"1776"}),
        ("two thousand and ten", {"2010"}),
        ("twenty twelve", {"2012"}),
        ("nineteen oh five", {"1905"}),
        ("nineteen hundred", {"1900"}),
        ("between eighteen sixty-one and eighteen sixty-five", {"1861", "1865"}),
        ("sixty-one men and one hundred and sixty horses", set()),
        ("twenty-five thousand volunteers", set()),
        ("the seventy-fifth year", set()),
    ],
)
def test_years_written_in_words_are_read(text: str, years: set[str]) -> None:
    assert years_in_words(text) == years


def test_a_year_is_four_digits_without_a_comma() -> None:
    assert is_year("1861") and is_year("2099") and is_year("1000")
    assert not is_year("1,861") and not is_year("2150") and not is_year("861")
    assert years_in("On 4 June 1992, not 1,992 or 19920.") == {"1992"}


@pytest.fixture
def primary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the primary-sources module to change, as the current folder."""
    shutil.copytree(PRIMARY, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(expect: int = 1) -> str:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == expect, result.output
    assert "Traceback" not in result.output
    return result.output


def test_the_primary_sources_module_passes_check(primary: Path) -> None:
    assert "no problems" in check(0)


def test_a_year_the_source_writes_in_words_counts_and_a_count_does_not(primary: Path) -> None:
    # 1862 is in the document only as "one thousand eight hundred and sixty-two": it counts.
    edit(primary, LESSON, "In September 1862", "In September 1864")
    output = check()
    assert "the year 1864 is in no source this lesson cites (emancipation-proclamation)" in output
    assert "in digits or in words" in output
    # A figure that is not a year keeps the rule: digits in a cited source.
    edit(primary, LESSON, "In September 1864", "Some 1,862 people heard it in September 1862")
    output = check()
    assert "the figure 1,862 is in no source this lesson cites" in output
    assert "1864" not in output


def test_a_year_from_a_timeline_entry_citing_a_reference_counts(primary: Path) -> None:
    lesson = primary / LESSON
    text = lesson.read_text(encoding="utf-8")
    start = text.index("  - date: 12 April 1861")
    end = text.index("  - date: 1 January 1863")
    lesson.write_text(text[:start] + text[end:], encoding="utf-8")
    output = check()
    assert f"{LESSON}:13: context" in output  # the context's line, where 1861 is used
    assert "the year 1861 is in no source this lesson cites" in output
    assert "add a timeline entry for it citing its 'source' or a 'reference'" in output


def test_a_year_the_record_dates_or_cites_the_document_by_counts(primary: Path) -> None:
    # The Gettysburg example: the text has no year, its record dates it 19 November 1863.
    edit(
        primary,
        LESSON,
        "The war had begun in 1861.",
        "The war had begun in 1861. It was printed in 1865.",
    )
    assert "the year 1865 is in no source this lesson cites" in check()
    record = "lessons/sources/emancipation-proclamation.yaml"
    edit(primary, record, "date: 1 January 1863", "date: 1 January 1863 (this printing 1865)")
    assert "no problems" in check(0)
    # The edition the text is quoted from, named in the citation printed under the excerpt.
    edit(primary, LESSON, "printed in 1865.", "printed in 1865 and in 1866.")
    assert "the year 1866 is in no source this lesson cites" in check()
    edit(primary, record, "1 January 1863, opening paragraphs.", "1 January 1863 (printed 1866).")
    assert "no problems" in check(0)


def test_the_year_of_a_cited_reference_counts(primary: Path) -> None:
    note = "teacher_notes: McPherson's history of 1988 tells the whole story.\n"
    (primary / LESSON).write_text(
        (primary / LESSON).read_text(encoding="utf-8") + note, encoding="utf-8"
    )
    assert "no problems" in check(0)
    edit(primary, LESSON, "history of 1988", "history of 1989")
    assert "the year 1989 is in no source this lesson cites" in check()


def test_a_timeline_entry_citing_an_unknown_reference_is_located(primary: Path) -> None:
    edit(primary, LESSON, "reference: mcpherson-1988", "reference: mcpherson-1998")
    output = check()
    assert f"{LESSON}:18:16: timeline[0].reference" in output
    assert "unknown reference 'mcpherson-1998'" in output
    assert "did you mean 'mcpherson-1988'?" in output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    reference: mcpherson-1988\n  - date: 1 January 1863",
            "  - date: 1 January 1863",
            "a timeline entry needs 'source' (a corpus document) or 'reference'",
        ),
        (
            "    reference: mcpherson-1988\n",
            "    reference: mcpherson-1988\n    source: emancipation-proclamation\n",
            "give either 'source' or 'reference', not both",
        ),
    ],
)
def test_a_timeline_entry_rests_on_one_source_or_one_reference(
    primary: Path, old: str, new: str, message: str
) -> None:
    edit(primary, LESSON, old, new)
    output = check()
    assert f"{LESSON}:16:5: timeline[0]" in output
    assert message in output


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            '    year: "1988"\n    url: www.oup.com\n    accessed: 3 December 2026\n',
            "'www.oup.com' is not a web address: give the full address, starting with https://",
        ),
        (
            '    year: "1988"\n    url: https://global.oup.com/\n',
            "a reference with a 'url' needs 'accessed': the date you read the page",
        ),
    ],
)
def test_a_reference_must_say_where_to_find_it(primary: Path, new: str, message: str) -> None:
    edit(primary, MODULE_FILE, '    year: "1988"\n', new)
    output = check()
    assert f"{MODULE_FILE}:" in output and "references[0]" in output
    assert message in output


def test_a_reference_needs_a_publisher_or_an_address(primary: Path) -> None:
    edit(primary, MODULE_FILE, "    publisher: Oxford University Press, New York\n", "")
    output = check()
    assert f"{MODULE_FILE}:9:5: references[0]" in output
    assert "a reference needs 'publisher' (for a printed work) or 'url'" in output


def test_the_guide_cites_only_declared_references(primary: Path) -> None:
    edit(
        primary,
        MODULE_FILE,
        "  further_reading:\n    - reference: mcpherson-1988",
        "  further_reading:\n    - reference: mcpherson",
    )
    output = check()
    assert "guide.further_reading[0].reference" in output
    assert "unknown reference 'mcpherson'" in output
    assert "did you mean 'mcpherson-1988'?" in output


def text_of(html: str) -> str:
    html = re.sub(r"<(style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.;:])", r"\1", text)  # a tag closed before punctuation


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    """The fixture module's HTML: every edition of its lesson, and the guide."""
    project = gather(PRIMARY / MODULE_FILE)
    assert not project.errors, [p.format() for p in project.errors]
    jobs, report = plan(project, EDITIONS.values())
    assert not report.problems
    return {(j.edition.name if j.lesson else "guide"): j.html for j in jobs}


def test_every_edition_names_the_reference_behind_a_timeline_entry(pages: dict) -> None:
    for edition in ("student", "teacher", "large-print", "fillable"):
        rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", pages[edition], flags=re.S)
        sumter, effect = (text_of(row) for row in rows)
        assert sumter.endswith("and the war begins. Source: McPherson 1988"), edition
        assert "Source" not in effect, edition  # the lesson's own document is cited in full


def test_the_teacher_edition_lists_the_references_apart_from_the_documents(
    pages: dict,
) -> None:
    teacher = text_of(pages["teacher"])
    assert (
        "References Works outside the documents that this lesson cites; the documents are"
        " cited under each one. James M. McPherson, Battle Cry of Freedom: The Civil War Era,"
        " Oxford University Press, New York, 1988." in teacher
    )
    assert "<em>Battle Cry of Freedom: The Civil War Era</em>" in pages["teacher"]
    assert "References" not in text_of(pages["student"])


def test_a_guide_for_primary_sources_alone(pages: dict) -> None:
    guide = text_of(pages["guide"])
    bibliography = guide[guide.index("Bibliography The module's documents") :]
    assert "Works cited in" not in bibliography  # no quoted bibliography is needed
    assert bibliography == (
        "Bibliography The module's documents Abraham Lincoln, “A Proclamation” (the"
        " Emancipation Proclamation), 1 January 1863, opening paragraphs. References Works"
        " outside the module's documents that the briefing, the lessons' notes and the"
        " timelines cite. James M. McPherson, Battle Cry of Freedom: The Civil War Era, Oxford"
        " University Press, New York, 1988. Further reading and resources James M. McPherson,"
        " Battle Cry of Freedom: The Civil War Era, Oxford University Press, New York, 1988."
        " The standard one-volume history of the war and of emancipation."
    )
    assert "Confederate guns fire on Fort Sumter, and the war begins. Source: McPherson 1988" in (
        guide
    )


@pytest.mark.slow
def test_the_primary_sources_guide_builds(primary: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--edition", "teacher"])
    assert result.exit_code == 0, result.output
    guide = read_pdf(primary / "build" / "primary-only-teacher-guide.pdf")
    assert "Further reading and resources" in guide.text
    assert "Source: McPherson 1988" in guide.text


@pytest.mark.slow
def test_a_timeline_reference_prints_without_italics_in_large_print(primary: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--edition", "large-print"])
    assert result.exit_code == 0, result.output
    path = primary / "build" / "01-a-promise-of-freedom" / "01-a-promise-of-freedom-large-print.pdf"
    assert "Source: McPherson 1988" in read_pdf(path).text
    reader = PdfReader(path)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert not [font for font in fonts if "Italic" in font], fonts


README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[
    README.index("## What the checks demand") : README.index("## Figures, charts and the teacher")
]
EXAMPLES = re.findall(
    r"<!-- check (lesson|module) (accepted|rejected|warned) -->\n```yaml\n(.*?)```\n\n"
    r"Check answers(?:, an error|, a warning)?: `(.*?)`\n",
    SECTION,
    flags=re.DOTALL,
)


def test_every_example_in_the_checks_section_is_marked() -> None:
    assert len(EXAMPLES) == SECTION.count("```yaml") >= 15


@pytest.mark.parametrize(
    ("scope", "verdict", "fragment", "message"), EXAMPLES, ids=lambda v: str(v)[:30]
)
def test_readme_check_example(
    primary: Path, scope: str, verdict: str, fragment: str, message: str
) -> None:
    """Each example replaces its top-level keys in the fixture lesson (or module file), and
    `check` answers as the README says."""
    import yaml

    path = primary / (LESSON if scope == "lesson" else MODULE_FILE)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(yaml.safe_load(fragment))
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    output = check(1 if verdict == "rejected" else 0)
    assert message in output, output
    assert ("error:" in output) == (verdict == "rejected"), output
    assert ("warning:" in output) == (verdict == "warned"), output


def test_a_year_a_source_writes_in_words_may_be_used_in_a_calculation(primary: Path) -> None:
    derived = (
        'derived:\n  - calculation: "1863 - 1862 = 1"\n    note: years from promise to effect.\n'
    )
    lesson = primary / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + derived, encoding="utf-8")
    assert "no problems" in check(0)
    edit(primary, LESSON, '"1863 - 1862 = 1"', '"1864 - 1862 = 2"')
    assert "the calculation uses 1864, which no cited source holds" in check()


def test_a_reference_given_as_a_timeline_source_gets_a_hint(primary: Path) -> None:
    edit(primary, LESSON, "reference: mcpherson-1988", "source: mcpherson-1988")
    output = check()
    assert "unknown corpus document 'mcpherson-1988'" in output
    assert "'mcpherson-1988' is a reference, not a document: write 'reference: mcpherson-1988'" in (
        output
    )


def test_the_author_of_a_cited_work_may_be_named(primary: Path) -> None:
    note = "teacher_notes: For the war as a whole, read the history by McPherson.\n"
    lesson = primary / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + note, encoding="utf-8")
    assert "no problems" in check(0)
    edit(primary, MODULE_FILE, "      note: The standard", "      note: By McPherson, the standard")
    assert "no problems" in check(0)
    edit(primary, LESSON, "by McPherson", "by Foner")
    assert "'Foner' is in no document this lesson cites" in check()


def test_a_year_the_sources_give_is_no_assumption(primary: Path) -> None:
    """An assumption prints '(assumed)' in the teacher edition: wrong for a year a source gives."""
    assumption = (
        'assumptions:\n  - figure: "1862"\n    reason: the year of the first proclamation.\n'
    )
    lesson = primary / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + assumption, encoding="utf-8")
    output = check(0)
    assert f"warning: {LESSON}:" in output and "assumptions[0].figure" in output
    assert "1862 is not an assumption: a cited document or reference gives it" in output


def test_one_lesson_with_a_year_in_words_a_reference_an_image_and_a_choice(
    primary: Path,
) -> None:
    """The issue's acceptance lesson: each of the four passes check and prints."""
    from PIL import Image, ImageDraw

    images = primary / "lessons" / "images"
    images.mkdir()
    picture = Image.new("RGB", (1200, 800), "white")
    ImageDraw.Draw(picture).rectangle((40, 40, 1160, 760), outline="black", width=10)
    picture.save(images / "broadside.png")
    lesson = primary / LESSON
    text = lesson.read_text(encoding="utf-8")
    text = text.replace(
        "questions:\n",
        """  - id: b
    image: broadside.png
    title: A printed copy
    alt: A printed sheet of text inside a thick black border.
    caption: A printed copy of the proclamation, as sold to the public.
    citation: A drawing made for this test
    credit: The handouts test suite
    licence: CC0 1.0
questions:
""",
        1,
    )
    text = text.replace(
        "activities:\n",
        """  - id: q2-choice
    kind: multiple_choice
    prompt: From when were the people named to be free?
    skill: close reading
    sources: [a]
    options: ["22 September 1862", "1 January 1863", "12 April 1861"]
    key: 1 January 1863
    answer: The promise names "the first day of January" of 1863.
  - id: q3-copy
    prompt: Who was Document B made for?
    skill: sourcing
    sources: [b]
    answer: For the public, who could buy a printed copy.
activities:
""",
        1,
    )
    lesson.write_text(text, encoding="utf-8")
    assert "no problems" in check(0)
    project = gather(primary / MODULE_FILE)
    jobs, _ = plan(project, [EDITIONS["student"], EDITIONS["teacher"]])
    html = {job.edition.name: text_of(job.html) for job in jobs if job.lesson}
    raw = {job.edition.name: job.html for job in jobs if job.lesson}
    for edition in ("student", "teacher"):
        # the year 1862, given only in words by the document, printed in the context
        assert "In September 1862 the President announced" in html[edition]
        # the timeline entry resting on a reference
        assert "and the war begins. Source: McPherson 1988" in html[edition]
        # the image document, with its alt text
        assert 'alt="A printed sheet of text inside a thick black border."' in raw[edition]
        assert "A printed copy of the proclamation, as sold to the public." in html[edition]
        # the multiple-choice question's options
        assert "22 September 1862" in html[edition] and "12 April 1861" in html[edition]
    assert "(the key)" in html["teacher"] and "(the key)" not in html["student"]
