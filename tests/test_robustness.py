"""Hostile or odd files, a hostile environment, signals and a second build: clear errors, exit 1.

Each test here failed before the fix it guards (see docs/errors.md for the messages).
"""

from __future__ import annotations

import errno
import fcntl
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LESSON_1

from handouts.cli.app import cli
from handouts.integrity.fidelity import find_mismatch
from handouts.integrity.markup import MAX_LIST_DEPTH
from handouts.markdown import render_block

GOOD = LESSON_1.read_text(encoding="utf-8")
STEM = "01-orders-from-the-center"
SOURCE = Path("lessons") / "sources" / "werth-00447.txt"


def run(*args: str, env: dict | None = None) -> tuple[int, str]:
    """`handouts ARGS` in-process: (exit code, output); never a traceback."""
    result = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "handouts", *args]


def lesson_with(scratch: Path, old: str, new: str) -> Path:
    assert old in GOOD, old
    path = scratch / "lessons" / f"{STEM}.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    return path


# Inputs: regular files inside the module, bounded, UTF-8.


def test_a_lesson_linked_outside_the_module_is_not_read(scratch: Path, tmp_path_factory) -> None:
    secret = tmp_path_factory.mktemp("elsewhere") / "passwd"
    secret.write_text("root:x:0:0:SECRET-FIRST-LINE\n", encoding="utf-8")
    (scratch / "lessons" / "linked.yaml").symlink_to(secret)
    code, output = run("check", "lessons/linked.yaml")
    assert code == 1
    assert "lessons/linked.yaml" in output
    assert "a link to a file outside the module folder; it is not read" in output
    assert "SECRET" not in output


def test_a_source_text_linked_outside_the_module_is_not_leaked(
    scratch: Path, tmp_path_factory
) -> None:
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    secret.write_text("TOPSECRETWORD and more\n", encoding="utf-8")
    (scratch / SOURCE).unlink()
    (scratch / SOURCE).symlink_to(secret)
    code, output = run("check")
    assert code == 1
    assert f"{SOURCE}\n  problem:  the file is a link to a file outside the module folder" in output
    assert "TOPSECRETWORD" not in output


def test_fifos_are_refused_without_hanging(scratch: Path) -> None:
    (scratch / SOURCE).unlink()
    os.mkfifo(scratch / SOURCE)
    os.mkfifo(scratch / "lessons" / "02-pipe.yaml")
    done = subprocess.run(command("check"), cwd=scratch, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"{SOURCE}\n  problem:  this is a FIFO (named pipe), not a file" in done.stderr
    assert "lessons/02-pipe.yaml\n  problem:  this is a FIFO (named pipe)" in done.stderr


def test_a_source_text_over_the_limit_is_refused_before_it_is_read(scratch: Path) -> None:
    with (scratch / SOURCE).open("r+b") as stream:
        stream.truncate(10_000_001)  # sparse: no disk space used
    code, output = run("check")
    assert code == 1
    assert "file is 10,000,001 bytes; the limit is 10,000,000" in output
    assert "changed since it was received" not in output  # it was never read


TEXT = (LESSON_1.parent / "sources" / "werth-00447.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (TEXT.encode("utf-16"), "UTF-16 (little-endian, with a byte-order mark)"),
        (TEXT.encode("utf-16-be"), "UTF-16 (big-endian, without a byte-order mark)"),
        (TEXT.replace("–", "-").encode("latin-1", "replace"), "Latin-1 or Windows-1252 text"),
        (bytes(range(256)) * 40, "binary data, not text"),
    ],
    ids=["utf-16-bom", "utf-16-be", "latin-1", "binary"],
)
def test_a_source_text_that_is_not_utf8_names_the_encoding_found(
    scratch: Path, data: bytes, found: str
) -> None:
    (scratch / SOURCE).write_bytes(data)
    code, output = run("check")
    assert code == 1
    assert f"{SOURCE}:" in output
    assert f"the file is not valid UTF-8 text: it looks like {found}" in output
    assert "iconv" in output


def test_a_lesson_in_utf16_names_the_encoding_found(scratch: Path) -> None:
    (scratch / "lessons" / f"{STEM}.yaml").write_bytes(GOOD.encode("utf-16"))
    code, output = run("check")
    assert code == 1
    assert f"lessons/{STEM}.yaml:1:1" in output
    assert "it looks like UTF-16 (little-endian, with a byte-order mark)" in output


# Integrity: invisible characters, numbers too long, nesting too deep.


@pytest.mark.parametrize(
    ("file", "old", "new", "where"),
    [
        (f"{STEM}.yaml", "quotas for arresting", "quotas for 5\u200b00 arresting", "central"),
        (f"{STEM}.yaml", "Orders from the Center", "Orders \u202e1937\u202c", "title"),
        ("module.yaml", "The Great Terror, 1937–1938", "The Great\u2066 Terror", "title"),
        ("sources/werth-00447.yaml", "(August 1937", "(August\u200d 1937", "title"),
    ],
    ids=["zero-width-in-figure", "bidi-override", "module", "source-record"],
)
def test_invisible_format_characters_are_errors(
    scratch: Path, file: str, old: str, new: str, where: str
) -> None:
    path = scratch / "lessons" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, output = run("check")
    assert code == 1
    hidden = next(c for c in new if c not in old and ord(c) > 0x2000)
    assert "the text holds the invisible character" in output
    assert f"'\\u{ord(hidden):04x}' (U+{ord(hidden):04X} " in output
    assert f"lessons/{file}:" in output and where in output
    assert "hides figures and words from the checks" in output


def test_a_number_too_long_to_be_a_figure_is_a_located_error(scratch: Path) -> None:
    lesson_with(scratch, "duration: 50", "duration: " + "5" * 5000)
    code, output = run("check")
    assert code == 1
    assert f"lessons/{STEM}.yaml:5:11" in output
    assert "a number of 5,000 characters is too long to be a figure" in output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '"8,000 + 31,305 = 39,305"',
            '"' + "1" * 330 + ' + 1 = 2"',
            "calculation: a number in it is too long to be a figure",
        ),
        ("{value: 35000,", "{value: " + "9" * 400 + ",", "this number is too long to be a figure"),
        ("quotas for arresting", "quotas for " + "7" * 30 + " arresting", "30 digits is too long"),
    ],
    ids=["calculation", "chart-value", "prose"],
)
def test_long_numbers_in_calculations_charts_and_prose(
    scratch: Path, old: str, new: str, message: str
) -> None:
    lesson_with(scratch, old, new)
    code, output = run("check")
    assert code == 1
    assert message in output


def nested_list(depth: int) -> str:
    items = "".join(f"  {'  ' * level}- level {level + 1}\n" for level in range(depth))
    return f"context: |\n{items}\n  The last paragraph.\n"


def test_markdown_nested_too_deep_is_an_error_not_a_silent_loss(scratch: Path) -> None:
    start, end = GOOD.index("context: |"), GOOD.index("vocabulary:")
    path = scratch / "lessons" / f"{STEM}.yaml"
    path.write_text(GOOD[:start] + nested_list(10) + "\n" + GOOD[end:], encoding="utf-8")
    code, output = run("check")
    assert code == 1
    assert f"lessons/{STEM}.yaml:{GOOD[:start].count(chr(10)) + 1}:" in output
    assert f"context\n  problem:  lists nested 7 deep; at most {MAX_LIST_DEPTH} levels" in output


def test_markdown_at_the_supported_depth_renders_in_full() -> None:
    text = (
        "\n".join("  " * level + f"- level {level + 1}" for level in range(MAX_LIST_DEPTH))
        + "\n\nThe last paragraph."
    )
    html = render_block(text)
    assert html.count("<ul>") == MAX_LIST_DEPTH
    assert f"level {MAX_LIST_DEPTH}" in html and "The last paragraph." in html


# Messages: terminal codes escaped, rich markup never read.


def test_terminal_escape_codes_in_a_key_are_shown_escaped(scratch: Path) -> None:
    lesson_with(scratch, "duration: 50\n", 'duration: 50\n"\\e[2J\\e[31mred\\u202e": 1\n')
    code, output = run("check")
    assert code == 1
    assert "\x1b" not in output and "\u202e" not in output
    assert "unknown field '\\x1b[2J\\x1b[31mred\\u202e'" in output


def test_rich_markup_in_a_title_is_printed_as_typed(scratch: Path) -> None:
    lesson_with(scratch, "title: Orders from the Center", 'title: "Orders [sic] [/] [bold]x"')
    code, output = run("list", env={"COLUMNS": "200"})
    assert code == 0, output
    assert "Orders [sic] [/] [bold]x" in output


# Output names.


def test_a_lesson_file_name_that_is_not_an_id_cannot_write_outside_build(scratch: Path) -> None:
    (scratch / "lessons" / "...yaml").write_text(GOOD, encoding="utf-8")
    code, output = run("build", "lessons/...yaml", "--edition", "student")
    assert code == 1
    assert "lessons/...yaml\n  problem:  the file name '..' cannot name the lesson's PDFs" in output
    assert "e.g. 'lesson.yaml'" in output
    assert list(scratch.rglob("*.pdf")) == []


# The environment: the build folder, the disk, the temporary folder.


def test_a_build_folder_that_is_a_file_is_a_user_error(scratch: Path) -> None:
    (scratch / "build").write_text("not a folder", encoding="utf-8")
    code, output = run("build", STEM, "--edition", "student")
    assert code == 1
    assert "error: build\n  problem:  cannot write build: a file is in the way where a folder" in (
        output
    )
    assert "internal error" not in output
    assert (scratch / "build").read_text(encoding="utf-8") == "not a folder"


def test_a_read_only_build_folder_is_a_user_error(scratch: Path, monkeypatch) -> None:
    opened = os.open
    build = scratch / "build"

    def read_only(path, flags, *args, **kwargs):
        if Path(path).is_relative_to(build) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return opened(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    code, output = run("build", STEM, "--edition", "student")
    assert code == 1
    assert "cannot write build: the file system is read-only" in output
    assert "set 'folders: build:' in module.yaml" in output


@pytest.mark.slow
def test_a_full_disk_keeps_the_old_pdfs_and_reports_the_path(scratch: Path, monkeypatch) -> None:
    pdf = scratch / "build" / STEM / f"{STEM}-student.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-old")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, output = run("build", STEM, "--edition", "student")
    assert code == 1
    assert f"cannot write build/{STEM}/{STEM}-student.pdf: the disk is full" in output
    assert "free some space on the disk, then build again; the PDFs already there" in output
    assert pdf.read_bytes() == b"%PDF-old"
    assert [p.name for p in pdf.parent.iterdir()] == [pdf.name]  # no temporary file left


@pytest.mark.slow
def test_a_file_size_limit_is_a_user_error(scratch: Path) -> None:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    done = subprocess.run(
        command("build", STEM, "--edition", "student"),
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    assert done.returncode == 1, done.stderr
    assert "a file-size limit such as 'ulimit -f'" in done.stderr
    assert "internal error" not in done.stderr
    assert list((scratch / "build").rglob("*.pdf")) == []


@pytest.mark.slow
def test_a_full_temporary_folder_is_a_user_error(scratch: Path, monkeypatch) -> None:
    import weasyprint.text.fonts

    from handouts.renderer import pdf

    def full(**_options) -> str:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/tmp/weasyprint-x")

    pdf.release()  # a fresh font configuration, which makes its temporary folder
    monkeypatch.setattr(weasyprint.text.fonts, "mkdtemp", full)
    try:
        code, output = run("build", STEM, "--edition", "student")
    finally:
        pdf.release()
    assert code == 1
    assert "error: /tmp/weasyprint-x\n  problem:  cannot render: the disk is full" in output
    assert "set TMPDIR to another folder" in output


# Signals and a second build.


def hold_lock(scratch: Path):
    (scratch / "build").mkdir(exist_ok=True)
    lock = (scratch / "build" / ".handouts.lock").open("a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def wait_for(path: Path, text: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in path.read_text(encoding="utf-8"):
        assert process.poll() is None, path.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, f"never printed {text!r}"
        time.sleep(0.1)


def test_ctrl_c_exits_130_with_one_line(scratch: Path, tmp_path_factory) -> None:
    log = tmp_path_factory.mktemp("log") / "stderr"
    lock = hold_lock(scratch)  # the build waits for it: a quiet moment to interrupt
    with log.open("w") as stderr:
        process = subprocess.Popen(command("build", STEM), cwd=scratch, stderr=stderr)
    try:
        wait_for(log, "Another handouts build is writing to build; waiting", process)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
    finally:
        process.kill()
        lock.close()
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == (
        "Interrupted: PDFs already written are complete; the one being made was not written."
    )
    assert "Aborted" not in log.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_second_build_waits_for_the_first(scratch: Path, tmp_path_factory) -> None:
    log = tmp_path_factory.mktemp("log") / "stderr"
    lock = hold_lock(scratch)
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command("build", STEM, "--edition", "student"), cwd=scratch, stderr=stderr
        )
    try:
        wait_for(log, "Another handouts build is writing to build; waiting", process)
        time.sleep(1)
        assert process.poll() is None
        assert list((scratch / "build").rglob("*.pdf")) == []
    finally:
        lock.close()  # the first build is done
    assert process.wait(timeout=120) == 0
    assert (scratch / "build" / STEM / f"{STEM}-student.pdf").exists()


@pytest.mark.slow
def test_sigterm_removes_the_renderers_temporary_files(scratch: Path, tmp_path_factory) -> None:
    temporary = tmp_path_factory.mktemp("tmp")
    log = temporary.parent / "sigterm.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command("build", STEM),
            cwd=scratch,
            stderr=stderr,
            env={**os.environ, "TMPDIR": str(temporary)},
        )
    try:
        deadline = time.monotonic() + 120
        while not list(temporary.glob("weasyprint-*")):  # rendering has begun
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 143
    finally:
        process.kill()
    output = log.read_text(encoding="utf-8")
    assert "Traceback" not in output
    assert output.splitlines()[-1].startswith("Stopped (SIGTERM): PDFs already written")
    assert list(temporary.iterdir()) == []


# Long words.


@pytest.mark.slow
def test_a_word_too_long_for_the_column_breaks_instead_of_running_off_the_page(
    scratch: Path,
) -> None:
    word = "unbreakable" * 20  # in the context, and in the glossary beside the timeline
    text = GOOD.replace("the show trials in Moscow", f"the show trials in {word}", 1)
    text = text.replace('A "three-man commission"', f'A "three-man {word} commission"', 1)
    assert text.count(word) == 2
    (scratch / "lessons" / f"{STEM}.yaml").write_text(text, encoding="utf-8")
    _, output = run("build", STEM, "--edition", "student")
    pdf = scratch / "build" / STEM / f"{STEM}-student.pdf"
    assert pdf.exists(), output
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "3", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    width = float(html.split('<page width="')[1].split('"')[0])
    right = [float(x) for x in __import__("re").findall(r'xMax="([\d.]+)"', html)]
    assert right and max(right) <= width - 20  # inside the right margin


def test_a_word_too_long_for_the_timeline_column_is_a_located_error(scratch: Path) -> None:
    """A table cell cannot break a word without reflowing every table: such a word is refused
    before it can widen the timeline past the page edge."""
    word = "unbreakable" * 4
    text = GOOD.replace("In a top-secret decision", f"In a {word} decision", 1)
    path = scratch / "lessons" / f"{STEM}.yaml"
    path.write_text(text, encoding="utf-8")
    code, output = run("check")
    assert code == 1, output
    line = 1 + text[: text.index(word)].count("\n")
    assert f"{STEM}.yaml:{line}:" in output, output
    assert "timeline[0].event" in output
    assert "a word of 44 characters is too long for the timeline's column (at most 30)" in output
    assert "break it with a space or a hyphen" in output


def test_a_long_word_in_emphasis_is_a_located_error(scratch: Path) -> None:
    """Emphasis keeps its words whole in print: a very long one would run past the margin."""
    word = "unbreakable" * 5
    text = GOOD.replace("show trials in Moscow", f"show trials in *{word}*", 1)
    (scratch / "lessons" / f"{STEM}.yaml").write_text(text, encoding="utf-8")
    code, output = run("check")
    assert code == 1, output
    line = 1 + text[: text.index(word)].count("\n")
    assert f"{STEM}.yaml:{line}:" in output, output
    assert "a word of 55 characters is too long for an emphasised line (at most 40)" in output


@pytest.mark.parametrize("name", ["print.css", "lesson.html.j2"])
def test_a_template_linked_from_outside_the_module_is_not_read(
    scratch: Path, tmp_path: Path, name: str
) -> None:
    """A module's templates are input too: a link out of the template folders is refused."""
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("TOP-SECRET-CONTENT-42 {{ 1 }}", encoding="utf-8")
    templates = scratch / "templates"
    templates.mkdir(exist_ok=True)
    (templates / name).symlink_to(secret)
    code, output = run("build", STEM, "--edition", "student")
    assert code == 1, output
    assert f"templates/{name}" in output
    assert "not read: it is a link to a file outside the template folders" in output
    assert "TOP-SECRET-CONTENT-42" not in output
    assert not (scratch / "build" / STEM / f"{STEM}-student.pdf").exists()


def test_a_fifo_in_place_of_a_template_does_not_hang(scratch: Path) -> None:
    templates = scratch / "templates"
    templates.mkdir(exist_ok=True)
    os.mkfifo(templates / "print.css")
    code, output = run("build", STEM, "--edition", "student")
    assert code == 1, output
    assert "templates/print.css" in output and "not a regular file" in output


# The excerpt check on repetitive text: the same answers as before, found in linear time.


REPEATED = " ".join(["the order was carried out and the order was"] * 2_000) + " finally done"


def test_fidelity_on_repetitive_text() -> None:
    assert find_mismatch("the order was finally done", REPEATED, []) is None
    assert find_mismatch("out and the order was ... finally done", REPEATED, []) is None
    mismatch = find_mismatch("the order was carried out and the order was not", REPEATED, [])
    assert mismatch is not None
    assert mismatch.message == (
        "excerpt and source part after 'carried out and the order was': the excerpt has 'not'"
        " where the source has 'the'"
    )
    late = find_mismatch("finally done ... the order was", REPEATED, [])
    assert late is not None and "omissions must keep source order" in late.message
    missing = find_mismatch("quota", REPEATED, [])
    assert missing is not None and missing.message == "'quota' is not in the source"
