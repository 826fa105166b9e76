"""The build command: what it writes, what it refuses, what it keeps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LESSON_1

from handouts.cli.app import cli
from handouts.output import write_atomically


def test_one_bad_lesson_does_not_stop_the_others(scratch: Path) -> None:
    (scratch / "lessons" / "zz-broken.yaml").write_text(
        LESSON_1.read_text(encoding="utf-8").replace("duration: 50", "duration: fifty"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--edition", "student"])
    assert result.exit_code == 1
    assert (
        scratch / "build" / "01-orders-from-the-center" / "01-orders-from-the-center-student.pdf"
    ).is_file()
    assert not (scratch / "build" / "zz-broken").exists()
    assert "lessons/zz-broken.yaml:5:11: duration" in result.output
    assert (
        "not in the module's lesson order" in result.output
    )  # a new file is built, with a warning
    assert "Failed: lessons/zz-broken.yaml" in result.output


def test_new_lesson_file_is_built_after_the_ordered_ones(scratch: Path) -> None:
    text = LESSON_1.read_text(encoding="utf-8").replace(
        "id: 01-orders-from-the-center", "id: zz-extra", 1
    )
    (scratch / "lessons" / "zz-extra.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--edition", "student"])
    assert result.exit_code == 0, result.output
    written = [line for line in result.output.splitlines() if line.startswith("wrote ")]
    assert "zz-extra" in written[-1]
    assert "add 'zz-extra' under 'lessons:' in module.yaml" in result.output


def test_list_shows_a_table_of_lessons(scratch: Path) -> None:
    result = CliRunner().invoke(cli, ["list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Orders from the Center" in result.output
    assert "01-orders-from-the-center" in result.output


def test_help_explains_each_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("build", "check", "list"):
        assert command in result.output
    build = CliRunner().invoke(cli, ["build", "--help"])
    assert "--edition" in build.output and "--paper" in build.output


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "lesson-student.pdf"
    target.write_bytes(b"%PDF-old complete")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-old complete"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary left behind


def test_atomic_write_replaces_and_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "lesson-student.pdf"
    write_atomically(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new"
    assert target.stat().st_mode & 0o044  # group/others may read the handout
