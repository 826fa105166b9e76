"""The README's promises: the Quick start, a valid annotated example, a tutorial that works."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
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


@pytest.mark.slow
def test_your_first_lesson_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command of the tutorial, in order, in a fresh folder: each one succeeds."""
    tutorial = section("## Your first lesson")
    assert README.index("## Your first lesson") < README.index("## Authoring guide")
    blocks = re.findall(r"```sh\n(.*?)```", tutorial, flags=re.DOTALL)
    commands = [line.split("  #")[0] for block in blocks for line in block.splitlines()]
    assert commands[:2] == ["handouts init my-module", "cd my-module"]
    monkeypatch.chdir(tmp_path)
    for command in commands:
        if command.startswith("cd "):
            monkeypatch.chdir(Path.cwd() / command[3:])
            continue
        if " source add speech.txt " in command:
            Path("speech.txt").write_text(
                "Friends, I thank you for coming. We ask that every farmer be paid.\n",
                encoding="utf-8",
            )
        result = CliRunner().invoke(cli, shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.output)
        assert "error" not in result.output, (command, result.output)
    assert Path("build/02-what-the-speech-asks/02-what-the-speech-asks-student.pdf").is_file()
