"""Integrity checks on the real module: every excerpt, every lesson, every figure.

Each test breaks a copy of a real lesson in one place and expects `check`
to name the file and the line of the break.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

from handouts.cli.app import cli
from handouts.errors import Severity
from handouts.integrity.figures import CalculationError, check_calculation
from handouts.layout import lesson_paths
from handouts.loader.corpus import load_corpus
from handouts.loader.project import load_lesson
from handouts.loader.validate import load_model
from handouts.loader.yamlfile import load_yaml
from handouts.schema import Module

LESSONS = lesson_paths(ROOT / "lessons")
CORPUS, _ = load_corpus(ROOT / "lessons" / "sources")
MODULE, _, _ = load_model(Module, ROOT / "lessons" / "module.yaml")
_OMISSION = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…")


def excerpt_blocks() -> list[tuple[Path, int]]:
    """(lesson, excerpt index) for every excerpt in the module."""
    cases = []
    for path in LESSONS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases += [(path, index) for index in range(len(data["sources"]))]
    return cases


def block(path: Path, where: tuple) -> tuple[list[str], int, int]:
    """The file's lines and the 0-based span of the literal text block at `where`."""
    located = load_yaml(path)
    assert where in located.blocks, f"{where} should be a '|' block"
    start = located.mark(where).line  # the first text line, 0-based, is the line after the '|'
    count = len(located.value(where).splitlines())
    return path.read_text(encoding="utf-8").splitlines(), start, start + count


def with_paragraph(path: Path, where: tuple, sentence: str) -> tuple[list[str], int]:
    """The file's lines with `sentence` as a new first paragraph of the text block at `where`."""
    lines, start, _ = block(path, where)
    indent = re.match(r"\s*", lines[start]).group()
    lines[start:start] = [indent + sentence, ""]
    return lines, start


def errors_after(tmp_path: Path, name: str, lines: list[str]) -> list:
    target = tmp_path / name
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, _, problems = load_lesson(target, CORPUS, module=MODULE)
    return [p for p in problems if p.severity is Severity.error]


@pytest.mark.parametrize(("path", "index"), excerpt_blocks(), ids=lambda v: getattr(v, "stem", v))
def test_one_changed_word_in_any_excerpt_is_caught_at_its_line(
    tmp_path: Path, path: Path, index: int
) -> None:
    lines, start, end = block(path, ("sources", index, "text"))
    candidates = [
        n
        for n in range(start, end)
        if re.search(r"(?<![\w\[])[A-Za-z]{5,}(?![\w\]])", lines[n]) and "[" not in lines[n]
    ] or [n for n in range(start, end) if re.search(r"[A-Za-z]{5,}", lines[n])]
    target = candidates[len(candidates) // 2]
    lines[target] = re.sub(r"[A-Za-z]{5,}", "Zyzzogeton", lines[target], count=1)
    errors = errors_after(tmp_path, path.name, lines)
    assert len(errors) == 1, [e.format() for e in errors]
    error = errors[0]
    assert error.file.name == path.name
    assert error.line == target + 1
    assert error.field == f"sources[{index}].text"
    assert "Zyzzogeton" in error.message


def excerpts_with_omissions() -> list[tuple[Path, int]]:
    cases = []
    for path, index in excerpt_blocks():
        text = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"][index]["text"]
        if _OMISSION.search(text.strip().strip(".…[] ")):
            cases.append((path, index))
    return cases


@pytest.mark.parametrize(
    ("path", "index"), excerpts_with_omissions(), ids=lambda v: getattr(v, "stem", v)
)
def test_moving_a_passage_across_an_omission_is_caught(
    tmp_path: Path, path: Path, index: int
) -> None:
    lines, start, end = block(path, ("sources", index, "text"))
    indent = re.match(r"\s*", lines[start]).group()
    text = "\n".join(line.strip() for line in lines[start:end])
    head, mark, tail = _OMISSION.split(text, maxsplit=1)[0], "[...]", _OMISSION.split(text, 1)[1]
    if not head.strip():  # the excerpt opens with an omission: move the next piece instead
        pieces = _OMISSION.split(text)
        head, tail = pieces[1], " ".join(pieces[2:])
    swapped = [tail.strip(), mark, head.strip()]
    new = [indent + " ".join(piece.split()) for piece in swapped]
    lines[start:end] = new
    errors = errors_after(tmp_path, path.name, lines)
    # Usually reported as the order broken at the moved passage (the block's third line);
    # where the passage after the cut also matches an earlier place in the source, the
    # matcher stops at the first word that cannot follow instead. Either way: caught, there.
    assert any(
        e.field == f"sources[{index}].text"
        and start < e.line <= start + 3
        and (
            "omissions must keep source order" in e.message or "excerpt does not match" in e.message
        )
        for e in errors
    ), [e.format() for e in errors]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_figure_no_source_holds_is_caught_at_its_line(tmp_path: Path, path: Path) -> None:
    lines, start = with_paragraph(path, ("context",), "By then 123,457 people had been counted.")
    errors = errors_after(tmp_path, path.name, lines)
    assert [(e.line, e.field) for e in errors] == [(start + 1, "context")]
    assert "the figure 123,457 is in no source this lesson cites" in errors[0].message
    assert "declare it under 'derived'" in errors[0].hint


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_place_no_document_names_in_a_teacher_note_is_caught_at_its_line(
    tmp_path: Path, path: Path
) -> None:
    """Review finding C1: a region added from memory must not pass as a checked fact."""
    sentence = "The telegram came from the Yaroslavl region."
    lines, start = with_paragraph(path, ("teacher_notes",), sentence)
    errors = errors_after(tmp_path, path.name, lines)
    assert [(e.line, e.field) for e in errors] == [(start + 1, "teacher_notes")]
    assert "'Yaroslavl' is in no document this lesson cites" in errors[0].message
    assert "'facts'" in errors[0].hint


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_figure_in_a_headnote_and_in_an_excerpt_title_is_caught(
    tmp_path: Path, path: Path
) -> None:
    lines, start = with_paragraph(path, ("sources", 0, "headnote"), "It reached 9,876 readers.")
    errors = errors_after(tmp_path, path.name, lines)
    assert [(e.line, e.field) for e in errors] == [(start + 1, "sources[0].headnote")]
    assert "the figure 9,876 is in no source" in errors[0].message

    lines = path.read_text(encoding="utf-8").splitlines()
    title = load_yaml(path).mark(("sources", 1, "title")).line - 1
    key, _, value = lines[title].partition("title: ")
    quote = value[0] if value[:1] in "\"'" else ""
    lines[title] = f"{key}title: {quote}9,875 pages of {value[len(quote) :]}"
    errors = errors_after(tmp_path, path.name, lines)
    assert [(e.line, e.field) for e in errors] == [(title + 1, "sources[1].title")]
    assert "the figure 9,875 is in no source" in errors[0].message


def test_a_name_from_a_checked_fact_is_allowed_in_teacher_text(tmp_path: Path) -> None:
    path = ROOT / "lessons" / "02-a-quota-for-killings.yaml"
    sentence = "The Bukovsky Archive places it in the Gorky Region."
    lines, _ = with_paragraph(path, ("teacher_notes",), sentence)
    errors = errors_after(tmp_path, path.name, lines)
    assert errors == [] or all("Gorky" not in e.message for e in errors)
    assert "Gorky" in " ".join(f.text for f in MODULE.guide.briefing)


def test_a_figure_from_a_document_the_lesson_does_not_cite_names_that_document(
    tmp_path: Path,
) -> None:
    path = ROOT / "lessons" / "01-orders-from-the-center.yaml"  # cites 002 and 004, not 003
    lines, _ = with_paragraph(path, ("context",), "The tablet names 1,111 prisoners.")
    errors = errors_after(tmp_path, path.name, lines)
    assert len(errors) == 1
    assert "it is in novaya-gazeta-quota: cite that document" in errors[0].hint


def test_a_wrong_calculation_is_caught(tmp_path: Path) -> None:
    path = ROOT / "lessons" / "02-a-quota-for-killings.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"9,600 + 5,000 = 14,600"', '"9,600 + 5,000 = 14,800"')
    errors = errors_after(tmp_path, path.name, broken.splitlines())
    calculation = next(e for e in errors if e.field == "derived[0].calculation")
    assert (
        calculation.line
        == broken.splitlines().index('  - calculation: "9,600 + 5,000 = 14,800"') + 1
    )
    assert "the left side comes to 14,600, not 14,800" in calculation.message
    # the figure is no longer declared, so the answer that prints 14,600 fails too
    assert any("the figure 14,600 is in no source" in e.message for e in errors)


def test_an_assumed_figure_must_be_declared(tmp_path: Path) -> None:
    path = ROOT / "lessons" / "03-inside-the-machine.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("assumptions:\n")
    end = text.index("\nactivities:", start)
    errors = errors_after(tmp_path, path.name, (text[:start] + text[end + 1 :]).splitlines())
    messages = [e.message for e in errors]
    assert "the calculation uses 200, which no cited source holds" in messages
    assert any(m.startswith("the figure 200 is in no source") for m in messages)


@pytest.mark.parametrize(
    ("calculation", "message"),
    [
        ("387,000 / 767,000 = 50%", None),
        ("387,000 ÷ 767,000 ≈ 50%", None),
        ("(8,000 + 31,305) − 41,305 = -2,000", "cannot read it"),
        ("8,000 + 31,305 = 39,305", None),
        ("8,000 + 31,305 = 41,305", "the left side comes to 39,305, not 41,305"),
        ("248,000 ÷ 56 ≈ 4,430", None),
        ("248,000 ÷ 56 = 4,430", "the left side comes to 4,428.57, not 4,430"),
        ("248,000 ÷ 0 = 1", "divides by zero"),
        ("about half of 767,000", "cannot read it"),
        ("__import__('os') = 1", "cannot read it"),
        ("2 ** 64 = 1", "cannot read it"),
    ],
)
def test_calculations_are_checked(calculation: str, message: str | None) -> None:
    if message is None:
        check_calculation(calculation)
    else:
        with pytest.raises(CalculationError, match=re.escape(message)):
            check_calculation(calculation)


def test_a_corpus_document_no_lesson_uses_is_a_warning(scratch: Path) -> None:
    shutil.copy(
        ROOT / "lessons" / "sources" / "novaya-gazeta-quota.yaml", scratch / "lessons" / "sources"
    )
    shutil.copy(
        ROOT / "lessons" / "sources" / "novaya-gazeta-quota.txt", scratch / "lessons" / "sources"
    )
    result = CliRunner().invoke(cli, ["check"])
    # A warning: a document just added is not quoted yet (issue 11), and nothing printed needs it.
    assert result.exit_code == 0, result.output
    assert "warning: lessons/sources/novaya-gazeta-quota.yaml" in result.output
    assert "no lesson uses 'novaya-gazeta-quota' yet" in result.output
    built = CliRunner().invoke(cli, ["build", "--edition", "student"])
    assert built.exit_code == 0, built.output
    assert (
        scratch / "build" / "01-orders-from-the-center" / "01-orders-from-the-center-student.pdf"
    ).exists()
    assert "lessons/sources/novaya-gazeta-quota.yaml:1:5: id" in (result.output)


def test_the_guide_bibliography_must_match_its_source(scratch: Path) -> None:
    module = scratch / "lessons" / "module.yaml"
    data = yaml.safe_load(module.read_text(encoding="utf-8"))
    guide = yaml.safe_load((ROOT / "lessons" / "module.yaml").read_text(encoding="utf-8"))["guide"]
    entry = guide["bibliography"][0]
    entry["reference"] = entry["reference"].replace("1", "7", 1)
    data["guide"] = guide
    module.write_text(yaml.safe_dump(data, sort_keys=False, width=10_000), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1, result.output
    assert "guide.bibliography[0].reference" in result.output
    assert f"reference does not match {entry['cited_in']}" in result.output
