"""Charts: drawn from sourced figures, labelled in words, edition-aware."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, Built, contains, words
from test_integrity import CORPUS

from handouts.chart import chart_svg, nice_step
from handouts.errors import Severity
from handouts.loader.project import load_lesson
from handouts.schema import Chart
from handouts.typeset.fonts import Typesetter

LESSON_2 = ROOT / "tests" / "fixtures" / "02-a-quota-for-killings.yaml"
"""A frozen copy of lesson 2 (two charts), for tests of the chart engine."""


def chart_errors(tmp_path: Path, edit) -> list:
    data = yaml.safe_load(LESSON_2.read_text(encoding="utf-8"))
    edit(data["charts"][0])
    target = tmp_path / LESSON_2.name
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, _, problems = load_lesson(target, CORPUS)
    # The frozen lesson predates the names check; only the chart's errors are under test.
    return [p for p in problems if p.severity is Severity.error and "charts" in (p.field or "")]


def test_a_chart_value_its_source_does_not_give_is_an_error(tmp_path: Path) -> None:
    def edit(chart: dict) -> None:
        chart["bars"][0]["values"][0]["value"] = 270_000

    [error] = chart_errors(tmp_path, edit)
    assert error.field == "charts[0].bars[0].values[0].value"
    assert error.message == "270,000 is not a figure in werth-00447"
    assert error.line is not None


def test_a_bar_needs_one_value_per_series(tmp_path: Path) -> None:
    def edit(chart: dict) -> None:
        chart["bars"][1]["values"].pop()

    [error] = chart_errors(tmp_path, edit)
    assert error.field == "charts[0].bars[1].values"
    assert "1 values for 2 series" in error.message


@pytest.mark.parametrize(
    ("largest", "step"), [(387_000, 100_000), (35_000, 10_000), (767_000, 200_000), (7, 2)]
)
def test_ticks_are_round_numbers(largest: int, step: int) -> None:
    assert nice_step(largest) == step


def test_the_svg_carries_its_text_alternative_and_every_value() -> None:
    chart = next(c for c in (Chart.model_validate(c) for c in _charts(LESSON_2)))
    svg = str(chart_svg(chart, Typesetter.bundled()))
    assert svg.startswith("<svg") and 'role="img"' in svg
    # The authored alt is the <title>, which WeasyPrint makes the figure's /Alt (the printed
    # title is its caption); tests/test_accessibility.py reads it back from the PDF.
    assert "<title>A bar chart comparing the plan" in svg
    assert "<desc>" not in svg
    for bar in chart.bars:
        for value in bar.values:
            assert f">{value.value:,}</text>" in svg


def _charts(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["charts"]


def test_charts_print_with_values_and_source_line(built: Built) -> None:
    for lesson_file in built.project.lessons:
        for chart in lesson_file.lesson.charts:
            for edition in ("student", "teacher"):
                pdf = built.pdf(lesson_file, edition)
                shown = edition == "teacher" or not chart.teacher_only
                assert contains(pdf.words, words(chart.title)) is shown, (chart.id, edition)
                if shown:
                    for bar in chart.bars:
                        assert contains(pdf.words, words(bar.label))
                        for value in bar.values:
                            assert contains(pdf.words, words(f"{value.value:,}")), value
                    assert contains(pdf.words, words("Figures: Nicolas Werth"))


def test_teacher_edition_shows_how_each_derived_figure_was_worked_out(built: Built) -> None:
    for lesson_file in built.project.lessons:
        lesson = lesson_file.lesson
        teacher = built.pdf(lesson_file, "teacher")
        student = built.pdf(lesson_file, "student")
        for item in lesson.derived:
            assert contains(teacher.words, words(item.calculation)), item.calculation
        if lesson.derived:
            assert "FIGURES WORKED OUT IN THIS LESSON" in teacher.text.upper()
            assert "FIGURES WORKED OUT IN THIS LESSON" not in student.text.upper()
