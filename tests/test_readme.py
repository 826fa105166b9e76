"""The README's promises: two Quick start commands and a valid annotated example."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT

from handouts.cli.app import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(title)
    following = README.find("\n## ", start + len(title))
    return README[start : following if following > 0 else None]


def test_quick_start_is_exactly_make_handouts_and_make_test() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", section("## Quick start"), flags=re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert commands == ["make handouts", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_annotated_example_lesson_is_valid(scratch: Path) -> None:
    example = re.findall(
        r"```yaml\n(.*?)```", section("### A lesson, field by field"), flags=re.DOTALL
    )[0]
    (scratch / "lessons" / "example.yaml").write_text(example, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "lessons/example.yaml"])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output
