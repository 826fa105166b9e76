"""Lesson text is untrusted: it is printed literally and never makes the renderer fetch."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import LESSON_1, read_pdf
from pypdf import PdfReader

from handouts.cli.app import cli
from handouts.integrity.figures import NUMBER, is_figure

PROSE = {
    "central_question", "content_note", "context", "teacher_notes", "definition", "event",
    "headnote", "prompt", "answer", "description",
}  # fmt: skip
LINES = {"title", "subtitle", "term", "date", "locator"}  # one-line fields: at most 400 characters


@pytest.fixture
def listener():
    """A TCP listener on loopback that counts the connections it receives."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            hits.append("connection")
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(timeout=2)
    server.close()


def poison(value, payload: str, short: str):
    """Append markup to every text field (excerpt texts must still match their source)."""
    if isinstance(value, dict):
        return {key: _poison_field(key, item, payload, short) for key, item in value.items()}
    if isinstance(value, list):
        return [poison(item, payload, short) for item in value]
    return value


def _poison_field(key: str, item, payload: str, short: str):
    if isinstance(item, str) and key in PROSE:
        return f"{item} {payload}"
    if isinstance(item, str) and key in LINES:
        return f"{item} {short}"
    return poison(item, payload, short)


def test_hostile_markup_is_printed_not_fetched(scratch: Path, listener, tmp_path: Path) -> None:
    port, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-42", encoding="utf-8")
    payload = (
        f'<img src="file://{secret}"> <link rel=attachment href="file://{secret}">'
        f" <style>@import url(http://127.0.0.1:{port}/a.css);</style>"
        f' <div style="background: url(http://127.0.0.1:{port}/b.png)">x</div>'
        f" url(http://127.0.0.1:{port}/c) [link](http://127.0.0.1:{port}/d)"
        " <script>alert(1)</script>"
    )
    short = f'<img src="file://{secret}"><link rel=stylesheet href="http://127.0.0.1:{port}/">'
    original = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data = poison(original, payload, short)
    # Not the timeline: its column takes no word longer than 30 characters (a located error,
    # tests/test_robustness.py), and the file addresses are longer.
    data["timeline"] = original["timeline"]
    # The address, the port and the temporary folder's number ("pytest-115") are numbers no
    # source holds: declare them, as a writer would.
    figures = {n.group() for n in NUMBER.finditer(payload + short) if is_figure(n.group())}
    data["assumptions"] = [
        {"figure": figure, "reason": "part of the hostile address under test"}
        for figure in sorted(figures)
    ]
    lesson = scratch / "lessons" / "01-orders-from-the-center.yaml"
    lesson.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = CliRunner().invoke(cli, ["build", "01-orders-from-the-center"])
    assert result.exit_code == 0, result.output
    for edition in ("student", "teacher"):
        path = (
            scratch
            / "build"
            / "01-orders-from-the-center"
            / f"01-orders-from-the-center-{edition}.pdf"
        )
        text = read_pdf(path).text.replace("\n", " ")
        assert "<img src=“file://" in text  # shown literally (its quotes made typographic)
        assert "<script>alert(1)</script>" in text
        assert "TOP-SECRET-CONTENT-42" not in text
        assert b"TOP-SECRET-CONTENT-42" not in path.read_bytes()
        assert PdfReader(path).attachments == {}
    assert hits == []


def test_fetcher_refuses_network_and_files_outside_templates(tmp_path: Path) -> None:
    from handouts.layout import bundled_templates
    from handouts.renderer.fetcher import BlockedResource, RestrictedFetcher

    TEMPLATES_DIR = bundled_templates().resolve()
    fetcher = RestrictedFetcher([TEMPLATES_DIR])
    font = (TEMPLATES_DIR / "fonts" / "CharisSIL-Regular.ttf").as_uri()
    assert fetcher.fetch(font).read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    outside = tmp_path / "outside.txt"
    outside.write_text("no", encoding="utf-8")
    link = TEMPLATES_DIR / "fonts" / "link-for-test"
    for url in (
        "http://127.0.0.1:9/",
        "https://example.org/x.css",
        "ftp://127.0.0.1/x",
        outside.as_uri(),
        (TEMPLATES_DIR / ".." / "pyproject.toml").as_uri(),
        "file:///etc/hostname",
        "file://remote-host/share/x",
    ):
        with pytest.raises(BlockedResource):
            fetcher.fetch(url)
    try:
        link.symlink_to(outside)
        with pytest.raises(BlockedResource):
            fetcher.fetch(link.as_uri())
    finally:
        link.unlink(missing_ok=True)


def test_fetcher_serves_a_module_file_in_place_of_the_bundled_one(tmp_path: Path) -> None:
    from handouts.layout import bundled_templates
    from handouts.renderer.fetcher import BlockedResource, RestrictedFetcher

    bundled = bundled_templates().resolve()
    own = tmp_path / "templates"
    (own / "fonts").mkdir(parents=True)
    (own / "fonts" / "CharisSIL-Regular.ttf").write_bytes(b"MINE")
    fetcher = RestrictedFetcher([own, bundled])
    assert fetcher.fetch((bundled / "fonts" / "CharisSIL-Regular.ttf").as_uri()).read() == b"MINE"
    assert fetcher.fetch((bundled / "fonts" / "NotoSans-Bold.ttf").as_uri()).read(4) != b"MINE"
    (own / "escape.css").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    with pytest.raises(BlockedResource):
        fetcher.fetch((bundled / "escape.css").as_uri())
