"""The build command: what it writes, what it refuses, what it keeps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
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


def test_a_lesson_is_checked_against_its_own_module(
    scratch: Path, tmp_path_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check OTHER/lessons/x.yaml` uses OTHER's sources, from wherever it is run."""
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    result = CliRunner().invoke(cli, ["check", str(scratch / "lessons" / LESSON_1.name)])
    assert result.exit_code == 0, result.output
    assert "Checked 1 lesson and 2 sources" in result.output
    # From inside the module's lessons folder, a bare stem works too.
    monkeypatch.chdir(scratch / "lessons" / "sources")
    result = CliRunner().invoke(cli, ["check", LESSON_1.stem])
    assert result.exit_code == 0, result.output


def test_a_lesson_outside_any_module_is_an_error_that_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lonely = tmp_path / "lonely.yaml"
    lonely.write_text(LESSON_1.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "lonely.yaml"])
    assert result.exit_code == 1
    assert "lonely.yaml" in result.output
    assert "no module here: no module.yaml" in result.output
    assert "Traceback" not in result.output


def test_root_names_the_module_folder(
    scratch: Path, tmp_path_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    result = CliRunner().invoke(cli, ["--root", str(scratch), "check"])
    assert result.exit_code == 0, result.output
    assert "Checked 1 lesson" in result.output


def test_folders_are_settings_of_the_module(scratch: Path) -> None:
    module = scratch / "lessons" / "module.yaml"
    data = yaml.safe_load(module.read_text(encoding="utf-8"))
    data["folders"] = {"sources": "corpus", "build": "out"}
    module.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (scratch / "lessons" / "sources").rename(scratch / "corpus")
    result = CliRunner().invoke(cli, ["build", "--edition", "sources"])
    assert result.exit_code == 0, result.output
    assert (scratch / "out" / LESSON_1.stem / f"{LESSON_1.stem}-sources.pdf").is_file()


def test_yml_lessons_count_and_editor_files_do_not(scratch: Path) -> None:
    lessons = scratch / "lessons"
    text = LESSON_1.read_text(encoding="utf-8")
    (lessons / "zz-extra.yml").write_text(text.replace(f"id: {LESSON_1.stem}", "id: zz"), "utf-8")
    (lessons / f".#{LESSON_1.name}").write_text("lock", encoding="utf-8")
    (lessons / f"{LESSON_1.name}~").write_text("backup: [", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "Checked 2 lessons" in result.output


def test_version() -> None:
    from handouts import __version__

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"handouts, version {__version__}"
    assert __version__[0].isdigit()
