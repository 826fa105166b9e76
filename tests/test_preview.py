"""`handouts build --watch` and `handouts preview`: what a save rebuilds, the server, the page.

The browser test drives Debian's chromium (the `browser` fixture skips it, saying why, where
there is none). Waits are generous (rendering takes seconds on a shared machine) and nothing
asserts a duration: `bench/preview_latency.py` measures it.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handouts.editions import STUDENT
from handouts.errors import Problem, ProblemsError
from handouts.layout import Layout
from handouts.loader.project import gather
from handouts.preview import Entry, Preview, Shown, State, lesson_page, page_images, start_server
from handouts.watch import (
    EVERYTHING,
    POLL_ENV,
    Rebuild,
    Watcher,
    affected,
    network_filesystem,
    polling,
    watched_folders,
)

STEM = "01-orders-from-the-center"
TITLE = "title: Orders from the Center\n"
WAIT = 90.0
"""Seconds to wait for a rebuild before failing: a bound for a stuck test, not a timing claim."""


def lesson_file(root: Path) -> Path:
    return root / "lessons" / f"{STEM}.yaml"


def retitle(root: Path, title: str) -> None:
    """Save the lesson with another title (or a broken line), as an editor does: write, close."""
    path = lesson_file(root)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*\n", f"title: {title}\n", text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


# What a change rebuilds.


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    (tmp_path / "lessons" / "sources").mkdir(parents=True)
    (tmp_path / "lessons" / "module.yaml").write_text("id: m\n", encoding="utf-8")
    (tmp_path / "lessons" / "a.yaml").write_text("id: a\n", encoding="utf-8")
    (tmp_path / "lessons" / "b.yaml").write_text("id: b\n", encoding="utf-8")
    return Layout.at(tmp_path / "lessons" / "module.yaml")


def test_a_saved_lesson_rebuilds_that_lesson(layout: Layout) -> None:
    a, b = layout.lessons / "a.yaml", layout.lessons / "b.yaml"
    assert affected([a], layout) == Rebuild(frozenset({a}))
    assert affected([a, b, a], layout) == Rebuild(frozenset({a, b}))


@pytest.mark.parametrize(
    "changed",
    [
        "lessons/module.yaml",
        "lessons/sources/werth.txt",
        "lessons/sources/werth.yaml",
        "lessons/images/map.png",
        "templates/print.css",
        "templates/fonts/x.ttf",
        "lessons/gone.yaml",  # a lesson removed or renamed: the module's order changed
    ],
)
def test_a_shared_file_rebuilds_every_lesson(layout: Layout, changed: str) -> None:
    assert affected([layout.lessons / "a.yaml", layout.root / changed], layout) == EVERYTHING


def test_a_template_folder_given_on_the_command_line_rebuilds_every_lesson(
    layout: Layout, tmp_path: Path
) -> None:
    mine = tmp_path / "elsewhere"
    assert affected([mine / "lesson.html.j2"], layout) is None
    assert affected([mine / "lesson.html.j2"], layout, templates=mine) == EVERYTHING


@pytest.mark.parametrize(
    "changed",
    [
        "build/a/a-student.pdf",  # our own output
        "build/.handouts.lock",
        "lessons/.a.yaml.swp",  # editors' lock, backup and temporary files
        "lessons/#a.yaml#",
        "lessons/a.yaml~",
        "lessons/notes.txt",
        "README.md",
    ],
)
def test_other_files_rebuild_nothing(layout: Layout, changed: str) -> None:
    assert affected([layout.root / changed], layout) is None


def test_rebuilds_merge() -> None:
    a, b = Rebuild(frozenset({Path("a")})), Rebuild(frozenset({Path("b")}))
    assert (a | b).lessons == {Path("a"), Path("b")}
    assert (a | EVERYTHING).everything and (EVERYTHING | b).everything


def test_watched_folders_hold_every_input_once(layout: Layout) -> None:
    assert watched_folders(layout) == [layout.lessons]  # the sources are inside it
    (layout.root / "templates").mkdir()
    outside = layout.root.parent / "my-templates"
    outside.mkdir(exist_ok=True)
    found = watched_folders(layout, outside)
    assert sorted(found) == sorted([outside, layout.lessons, layout.templates])


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /home/teacher/shared nfs4 rw 0 0
/dev/sdb1 /home/teacher/shared/local ext4 rw 0 0
//nas/lessons /mnt/school\\040drive cifs rw 0 0
"""


def test_network_folders_are_recognised(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(MOUNTS, encoding="utf-8")
    assert network_filesystem(Path("/home/teacher/shared/module"), mounts) == "nfs4"
    assert network_filesystem(Path("/home/teacher/shared/local/module"), mounts) is None
    assert network_filesystem(Path("/mnt/school drive/m"), mounts) == "cifs"
    assert network_filesystem(Path("/home/teacher"), mounts) is None
    assert network_filesystem(Path("/x"), tmp_path / "no-such-file") is None


def test_polling_is_asked_for_by_flag_or_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(POLL_ENV, raising=False)
    assert polling(True, [tmp_path]) == "--poll"
    monkeypatch.setenv(POLL_ENV, "1")
    assert polling(False, [tmp_path]) == "HANDOUTS_POLL=1"
    monkeypatch.setenv(POLL_ENV, "0")
    assert polling(False, []) is None


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_the_watcher_sees_each_save(tmp_path: Path, poll: bool) -> None:
    """A save right after the watcher starts, and a second one of the same length soon after,
    are both seen."""
    target = tmp_path / "a.yaml"
    target.write_text("one\n", encoding="utf-8")
    with Watcher([tmp_path], poll=poll) as watcher:
        for text in ("two\n", "six\n"):
            target.write_text(text, encoding="utf-8")
            seen: set[Path] = set()
            deadline = time.monotonic() + 30
            while target not in seen and time.monotonic() < deadline:
                seen |= watcher.wait(1)
            assert target in seen, f"the save of {text!r} was not seen"


# The server.


def get(url: str, path: str, host: str | None = None) -> tuple[int, str, bytes]:
    split = re.match(r"http://([^:/]+):(\d+)/", url)
    assert split
    connection = http.client.HTTPConnection(split[1], int(split[2]), timeout=30)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type") or "", body


@pytest.fixture
def server(tmp_path: Path):
    state = State([STUDENT], tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    running, thread = start_server(state, 0)
    yield running
    running.shutdown()
    running.server_close()
    thread.join(timeout=5)


def test_the_server_listens_on_this_computer_only(server) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")
    status, kind, body = get(server.url, "/")
    assert status == 200 and kind.startswith("text/html")
    assert b"<h1>handouts preview</h1>" in body


def test_a_request_for_another_host_is_refused(server) -> None:
    """A page elsewhere that points a name of its own at 127.0.0.1 (DNS rebinding) gets nothing."""
    assert get(server.url, "/", host="attacker.example:80")[0] == 403
    port = server.server_address[1]
    assert get(server.url, "/", host=f"localhost:{port}")[0] == 200


@pytest.mark.parametrize(
    "path", ["/files/../../etc/passwd", "/etc/passwd", "/lesson/nothing", "/files/abc/page-1.png"]
)
def test_only_what_the_preview_made_is_served(server, path: str) -> None:
    assert get(server.url, path)[0] == 404


def test_problems_are_shown_escaped(server, tmp_path: Path) -> None:
    state: State = server.state
    problem = Problem(
        tmp_path / "lessons" / "x.yaml",
        "unknown field '<script>alert(1)</script>'",
        line=7,
        column=3,
        field="questions[0].<b>",
        hint="did you mean 'a & b'?",
    )
    state.finish(None, [problem], EVERYTHING)
    body = get(server.url, "/")[2].decode()
    assert "<script>alert(1)" not in body
    assert "unknown field &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" in body
    assert "x.yaml:7:3: questions[0].&lt;b&gt;" in body
    assert "hint: did you mean &#x27;a &amp; b&#x27;?" in body
    assert '<section class="problems"' in body


def test_a_port_in_use_is_a_user_error(server, tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as raised:
        start_server(State([STUDENT], tmp_path), server.server_address[1])
    [problem] = raised.value.problems
    assert f"cannot listen on port {server.server_address[1]}" in problem.message
    assert "--port 0" in (problem.hint or "")


def test_without_pdftoppm_the_browsers_pdf_viewer_shows_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handouts.preview.shutil.which", lambda _name: None)
    pdf = tmp_path / "x-student.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    assert page_images(pdf, tmp_path) is None
    state = State([STUDENT], tmp_path)
    state.images_missing = True
    entry = Entry(tmp_path / "lessons" / "x.yaml", "A lesson")
    entry.shown[STUDENT.name] = Shown(STUDENT, 2, "/files/abc/x-student.pdf", None)
    state.entries[entry.path] = entry
    found, page = lesson_page(state, "x")
    assert found
    assert '<object data="/files/abc/x-student.pdf" type="application/pdf">' in page
    assert "install pdftoppm (poppler-utils)" in page
    assert "<img" not in page


@pytest.mark.slow
def test_the_preview_shows_pages_pdf_budget_and_keeps_them_under_an_error(
    scratch: Path, server
) -> None:
    state: State = server.state
    messages: list[str] = []
    preview = Preview(scratch / "lessons" / "module.yaml", state, say=messages.append)
    preview.rebuild()
    assert messages[-1].startswith("Rebuilt 1 PDF in ")

    index = get(server.url, "/")[2].decode()
    assert "<h1>The Great Terror, 1937–1938</h1>" in index
    assert f'<a href="/lesson/{STEM}">Orders from the Center</a>' in index
    pdf = scratch / "build" / STEM / f"{STEM}-student.pdf"
    pages = int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
                .stdout.split("Pages:")[1].split()[0])  # fmt: skip
    project = gather(scratch / "lessons" / "module.yaml")
    assert project.module is not None
    allowed = project.module.budget.pages_per_period * project.lessons[0].lesson.periods
    over = ' class="over"' if pages > allowed else ""  # the fixture's worksheet is over
    assert f"<td>{pages}</td><td><span{over}>{pages}/{allowed}</span></td>" in index

    page = get(server.url, f"/lesson/{STEM}")[2].decode()
    assert "<h1>Orders from the Center</h1>" in page
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)">', page)
    assert [alt for _, alt in images] == [
        f"Student worksheet, page {n} of {pages}" for n in range(1, pages + 1)
    ]
    status, kind, png = get(server.url, images[0][0])
    assert (status, kind, png[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    [link] = re.findall(r'<a href="([^"]+\.pdf)">PDF</a>', page)
    assert link.endswith(f"/{STEM}-student.pdf")
    status, kind, served = get(server.url, link)
    assert (status, kind) == (200, "application/pdf")
    assert served == pdf.read_bytes()

    retitle(scratch, "[Orders from the Center")  # a YAML syntax error on the next line
    preview.rebuild(Rebuild(frozenset({lesson_file(scratch)})))
    page = get(server.url, f"/lesson/{STEM}")[2].decode()
    assert f"error: lessons/{STEM}.yaml:3:" in page
    assert "YAML syntax error" in page
    assert "The pages below are from the last good build." in page
    assert len(re.findall(r"<img ", page)) == pages  # the last good pages stay
    assert "Rebuilt 0 PDFs" in messages[-1] and f"{STEM}.yaml:3:" in messages[-1]

    retitle(scratch, "Orders Given in Moscow")  # fixed: new pages, and the old ones forgotten
    preview.rebuild(Rebuild(frozenset({lesson_file(scratch)})))
    page = get(server.url, f"/lesson/{STEM}")[2].decode()
    assert "<h1>Orders Given in Moscow</h1>" in page and '<section class="problems"' not in page
    assert images[0][0] not in page
    assert get(server.url, images[0][0])[0] == 404
    [folder] = state.cache.iterdir()
    assert len(list(folder.glob("page-*.png"))) == len(re.findall(r"<img ", page))


# The commands, as a user runs them.


def start(args: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "handouts", *args],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def wait_for(log: Path, pattern: str, process: subprocess.Popen, count: int = 1) -> str:
    """The log, once `pattern` occurs in it `count` times; fails if the process ends first."""
    deadline = time.monotonic() + WAIT
    while True:
        text = log.read_text(encoding="utf-8")
        if len(re.findall(pattern, text)) >= count:
            return text
        assert process.poll() is None, f"stopped before printing {pattern!r}:\n{text}"
        assert time.monotonic() < deadline, f"never printed {pattern!r}:\n{text}"
        time.sleep(0.1)


def interrupt(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=30)
    finally:
        process.kill()


@pytest.mark.slow
def test_build_watch_rebuilds_a_saved_lesson_survives_an_error_and_stops_on_ctrl_c(
    scratch: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = tmp_path_factory.mktemp("log") / "out"
    process = start(["build", STEM, "--edition", "student", "--watch"], scratch, log)
    try:
        wait_for(log, r"Ctrl-C to stop\.", process)
        retitle(scratch, "[Orders from the Center")
        text = wait_for(log, r"still watching", process)
        assert f"error: lessons/{STEM}.yaml:3:9" in text
        retitle(scratch, "Orders Given in Moscow")
        text = wait_for(log, rf"wrote build/{STEM}/{STEM}-student\.pdf", process, count=2)
    finally:
        code = interrupt(process)
    assert code == 130
    text = log.read_text(encoding="utf-8")
    assert f"Changed: lessons/{STEM}.yaml" in text
    assert text.splitlines()[-1].startswith("Interrupted: ")
    assert "Traceback" not in text


def test_poll_without_watch_is_a_usage_error(scratch: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "handouts", "build", "--poll"],
        cwd=scratch,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "--poll goes with --watch" in result.stderr


@pytest.mark.slow
def test_the_preview_follows_edits_in_a_browser(
    scratch: Path, browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The acceptance test: the page shows the lesson, then each saved change, then an error
    with its file and line over the last good pages, then the fixed lesson again."""
    from playwright.sync_api import expect

    log = tmp_path_factory.mktemp("log") / "out"
    process = start(["preview", "--port", "0", "--edition", "student"], scratch, log)
    page = browser.new_page()
    try:
        url = re.search(
            r"Preview at (http://127\.0\.0\.1:\d+/)", wait_for(log, "Preview at", process)
        )
        assert url
        page.goto(url[1] + f"lesson/{STEM}")
        heading = page.locator("main h1")
        expect(heading).to_have_text("Orders from the Center", timeout=WAIT * 1000)
        first = page.get_by_alt_text(re.compile(r"^Student worksheet, page 1 of \d+$"))
        expect(first).to_be_visible(timeout=WAIT * 1000)

        retitle(scratch, "Orders Given in Moscow")
        expect(heading).to_have_text("Orders Given in Moscow", timeout=WAIT * 1000)

        retitle(scratch, "[Orders Given in Moscow")
        problems = page.locator("section.problems")
        expect(problems).to_contain_text(f"lessons/{STEM}.yaml:3:9", timeout=WAIT * 1000)
        expect(problems).to_contain_text("YAML syntax error")
        expect(first).to_be_visible()  # the last good pages, under the error

        retitle(scratch, "Orders from Moscow")
        expect(heading).to_have_text("Orders from Moscow", timeout=WAIT * 1000)
        expect(problems).to_have_count(0)
        expect(first).to_be_visible()
    finally:
        page.close()
        code = interrupt(process)
    assert code == 130, log.read_text(encoding="utf-8")
    assert "Traceback" not in log.read_text(encoding="utf-8")
