"""Authoring tools: init, new, source add and rehash, and the first printed lesson (issue 11).

A new teacher's path from an empty folder to a PDF, through the command line,
and what each tool promises: files that pass `handouts check` as written, point
editors at the schemas, and never replace a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, read_pdf, words
from jsonschema import Draft202012Validator

from handouts.cli.app import cli
from handouts.layout import lesson_paths
from handouts.loader.yamlfile import load_yaml

LETTER = (
    "Dear Sir,\nThe bridge at Mill Creek was finished on Tuesday, and the first wagons crossed.\n"
)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module made by `handouts init`, as the current folder."""
    monkeypatch.chdir(tmp_path)
    run("init", "my-module")
    monkeypatch.chdir(tmp_path / "my-module")
    return tmp_path / "my-module"


def test_init_writes_a_module_that_passes_check(module: Path) -> None:
    for name in (
        "README.md",
        "lessons/module.yaml",
        "lessons/01-a-new-birth-of-freedom.yaml",
        "lessons/sources/lincoln-gettysburg-bliss.txt",
        "lessons/sources/lincoln-gettysburg-bliss.yaml",
        "schemas/lesson.schema.json",
    ):
        assert (module / name).is_file(), name
    output = run("check")
    assert "Checked 1 lesson and 1 source: no problems." in output
    assert "id: my-module" in (module / "lessons" / "module.yaml").read_text(encoding="utf-8")


def test_init_prints_the_next_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    output = run("init", "unit-one")
    assert "cd unit-one" in output
    assert 'handouts new "Your lesson title"' in output
    assert "handouts source add" in output


def test_init_never_replaces_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine" / "lessons").mkdir(parents=True)
    (tmp_path / "mine" / "lessons" / "module.yaml").write_text("id: mine\n", encoding="utf-8")
    output = fails("init", "mine")
    assert "mine/lessons/module.yaml" in output
    assert "this file exists already; nothing was written" in output
    assert (tmp_path / "mine" / "lessons" / "module.yaml").read_text() == "id: mine\n"
    assert not (tmp_path / "mine" / "README.md").exists()


def test_the_example_document_is_the_bliss_copy_word_for_word(module: Path) -> None:
    """The example quotes a real public-domain text; its opening and close as published."""
    text = (module / "lessons" / "sources" / "lincoln-gettysburg-bliss.txt").read_text()
    opening = "Four score and seven years ago our fathers brought forth on this"
    assert words(text)[:12] == opening.split(" ")
    assert "government of the people, by the people, for the people, shall not perish" in text
    assert text.count("here") == 8  # the Bliss copy drops the seventh "here" of the drafts


def test_new_writes_the_next_lesson_and_orders_it(module: Path) -> None:
    output = run("new", "What the Dead Died For!")
    path = module / "lessons" / "02-what-the-dead-died-for.yaml"
    assert "Wrote lessons/02-what-the-dead-died-for.yaml" in output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/lesson.schema.json\n")
    assert 'title: "What the Dead Died For!"' in text
    assert "# vocabulary:" in text and "# activities:" in text  # optional parts commented out
    order = load_yaml(module / "lessons" / "module.yaml").data["lessons"]
    assert order == ["01-a-new-birth-of-freedom", "02-what-the-dead-died-for"]
    assert "# budget:" in (module / "lessons" / "module.yaml").read_text()  # comments kept
    output = run("check")  # valid as written; its placeholders are named, once, as a warning
    assert "Checked 2 lessons and 1 source: 1 warning." in output
    assert "lessons/02-what-the-dead-died-for.yaml:11:19: central_question" in output
    assert "7 placeholder texts still to replace (central_question, content_note" in output
    run("new", "Another")
    assert [p.name for p in lesson_paths(module / "lessons")][-1] == "03-another.yaml"


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("lessons: [01-a-new-birth-of-freedom]\n", "lessons: [01-a-new-birth-of-freedom, 02-x]"),
        ("", "lessons:\n  - 02-x"),
    ],
)
def test_new_adds_to_any_form_of_the_order(module: Path, order: str, expected: str) -> None:
    path = module / "lessons" / "module.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("lessons:")
    end = text.index("credits:")
    path.write_text(text[:start] + order + text[end:], encoding="utf-8")
    run("new", "X")
    assert expected in path.read_text(encoding="utf-8")
    assert "error" not in run("check")


def test_new_reports_what_its_title_claims(module: Path) -> None:
    """A title naming what no document names is the names check's business, said at once."""
    output = run("new", "The Mill Creek Bridge")
    assert "'Mill' is in no document this lesson cites" in output


def test_new_with_no_document_says_to_add_one(module: Path) -> None:
    for path in (module / "lessons" / "sources").iterdir():
        path.unlink()
    output = fails("new", "Empty")
    assert "a lesson quotes a document, and there is none yet" in output
    assert "handouts source add" in output


def test_source_add_copies_the_text_and_records_its_hash(module: Path) -> None:
    letter = module / "letter.txt"
    letter.write_bytes(LETTER.encode("utf-8"))
    output = run(
        "source", "add", "letter.txt", "--title", "A letter about a bridge",
        "--author", "J. Smith", "--date", "3 May 1850", "--kind", "primary",
    )  # fmt: skip
    assert "wrote lessons/sources/letter.yaml" in output
    copied = module / "lessons" / "sources" / "letter.txt"
    assert copied.read_bytes() == letter.read_bytes()
    record = load_yaml(module / "lessons" / "sources" / "letter.yaml").data
    assert record["sha256"] == hashlib.sha256(letter.read_bytes()).hexdigest()
    assert record["seed"] == "letter.txt"
    assert record["author"] == "J. Smith" and record["kind"] == "primary"
    # Not yet quoted: a warning, and the module still checks.
    output = run("check")
    assert "no lesson uses 'letter' yet" in output
    again = fails("source", "add", "letter.txt", "--title", "T", "--kind", "primary")
    assert "a document with the id 'letter' exists already; nothing was written" in again


def test_source_add_refuses_text_that_is_not_utf8(module: Path) -> None:
    (module / "old.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    output = fails("source", "add", "old.txt", "--title", "T", "--kind", "primary")
    assert "the text is not UTF-8" in output
    assert not (module / "lessons" / "sources" / "old.txt").exists()


def test_rehash_after_correcting_a_transcription(module: Path) -> None:
    text = module / "lessons" / "sources" / "lincoln-gettysburg-bliss.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    output = fails("check")
    assert "run 'handouts source rehash lincoln-gettysburg-bliss'" in output
    output = run("source", "rehash", "lincoln-gettysburg-bliss")
    assert hashlib.sha256(text.read_bytes()).hexdigest() in output
    assert "no problems" in run("check")
    record = (module / "lessons" / "sources" / "lincoln-gettysburg-bliss.yaml").read_text()
    assert record.startswith("# yaml-language-server:")  # the rest of the file as it was
    assert "nothing changed" in run("source", "rehash", "lincoln-gettysburg-bliss")
    assert "did you mean 'lincoln-gettysburg-bliss'?" in fails(
        "source", "rehash", "lincoln-gettysburg"
    )


def test_scaffolded_files_validate_against_the_schemas_they_name(module: Path) -> None:
    run("new", "Test")
    (module / "a.txt").write_text(LETTER, encoding="utf-8")
    run("source", "add", "a.txt", "--title", "A", "--kind", "memoir")
    files = [*lesson_paths(module / "lessons"), module / "lessons" / "module.yaml"]
    files += sorted((module / "lessons" / "sources").glob("*.yaml"))
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema_path = (path.parent / first.split("=", 1)[1]).resolve()
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        errors = list(Draft202012Validator(schema).iter_errors(load_yaml(path).data))
        assert not errors, (path, errors)


def test_schema_writes_the_schemas_and_the_field_reference(module: Path) -> None:
    (module / "schemas" / "lesson.schema.json").unlink()
    output = run("schema", "--fields", "fields.md")
    assert "wrote schemas/lesson.schema.json" in output
    assert (module / "schemas" / "lesson.schema.json").read_text() == (
        ROOT / "schemas" / "lesson.schema.json"
    ).read_text()
    assert (module / "fields.md").read_text() == (ROOT / "docs" / "fields.md").read_text()


def test_list_prints_every_file_name_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    output = run("list")
    for path in lesson_paths(ROOT / "lessons"):
        assert path.stem in output


@pytest.mark.slow
def test_a_first_lesson_from_an_empty_folder_to_a_pdf(tmp_path: Path) -> None:
    """The acceptance path of issue 11, as a teacher types it, outside the repository."""
    handouts = [sys.executable, "-m", "handouts"]
    env = {**os.environ, "COLUMNS": "100"}

    def step(*args: str, cwd: Path) -> str:
        done = subprocess.run(
            [*handouts, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout + done.stderr

    step("init", "my-module", cwd=tmp_path)
    folder = tmp_path / "my-module"
    step("new", "Test", cwd=folder)
    (folder / "some.txt").write_text(LETTER, encoding="utf-8")
    step(
        "source", "add", "some.txt", "--title", "A letter about a bridge", "--author",
        "J. Smith", "--date", "3 May 1850", "--kind", "primary", cwd=folder,
    )  # fmt: skip
    assert "Checked 2 lessons and 2 sources" in step("check", cwd=folder)
    output = step("build", "--edition", "student", cwd=folder)
    assert "Built 2 PDFs from 2 lessons." in output
    pdf = read_pdf(folder / "build" / "02-test" / "02-test-student.pdf")
    assert "My module · Test" in pdf.text  # the running header: module title · lesson title
    assert "Four score and seven years ago our fathers brought forth" in pdf.body
    example = read_pdf(
        folder / "build" / "01-a-new-birth-of-freedom" / "01-a-new-birth-of-freedom-student.pdf"
    )
    assert "A New Birth of Freedom" in example.text
