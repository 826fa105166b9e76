"""`handouts preview`: the module's PDFs in a browser, rebuilt as their files are saved.

The page shows what prints: each edition's PDF drawn page by page as images by
`pdftoppm` (poppler-utils), or, without it, the PDF itself in the browser's
viewer. Problems found by the checks are shown at the top of the page, with
file, line and message, above the last good pages; the server never stops for
bad input. The page asks the server for its version every 300 ms and reloads
its content when a rebuild has changed something.

The server listens on 127.0.0.1 only and answers only requests addressed to
it by that name (or `localhost`), so neither the network nor a web page that
rebinds a name of its own to 127.0.0.1 can read the module. It serves only
the pages, images and PDFs it made: no path from a request reaches the disk.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image

from handouts.build import Output, build
from handouts.editions import STUDENT, TEACHER, Edition
from handouts.errors import Problem, ProblemsError, Severity, counted, os_cause
from handouts.loader.project import Project, gather, open_module
from handouts.output import build_lock
from handouts.watch import (
    EVERYTHING,
    Rebuild,
    Watcher,
    affected,
    describe,
    polling,
    watched_folders,
)
from handouts.workers import default_workers

HOST = "127.0.0.1"
DEFAULT_EDITIONS = (STUDENT, TEACHER)
"""What the preview renders unless told otherwise: enough to read, quick to redo."""
RESOLUTION = 80
"""Dots per inch of the page images: an A4 page is 661 pixels wide."""
PDFTOPPM_SECONDS = 60


@dataclass(frozen=True)
class Shown:
    """One edition of one lesson as the page shows it."""

    edition: Edition
    pages: int
    pdf: str
    """The URL of the PDF (a copy of the one written to build/, as the images show it)."""
    images: tuple[str, ...] | None
    """The URLs of the page images, in order; None: drawn by the browser's PDF viewer."""


@dataclass
class Entry:
    """A lesson on the page: its last good build, kept while its file is broken."""

    path: Path
    title: str
    periods: int = 1
    shown: dict[str, Shown] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.path.stem


def page_images(pdf: Path, folder: Path) -> list[Path] | None:
    """Every page of `pdf` as a PNG in `folder` (made once per PDF), or None without pdftoppm."""
    made = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if made:
        return made
    tool = shutil.which("pdftoppm")
    if tool is None:
        return None
    partial = Path(tempfile.mkdtemp(prefix=".pages-", dir=folder))
    try:
        subprocess.run(
            [tool, "-r", str(RESOLUTION), str(pdf), str(partial / "page")],
            check=True,
            capture_output=True,
            timeout=PDFTOPPM_SECONDS,
        )
        # pdftoppm's own PNGs take three times as long as its raw pixels and this, which
        # compresses less: on a save, time counts more than bytes sent to this computer.
        for raw in partial.glob("page-*.ppm"):
            with Image.open(raw) as image:
                image.save(raw.with_suffix(".png"), compress_level=1)
        for image in partial.glob("page-*.png"):  # all drawn, or none shown
            image.replace(folder / image.name)
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])) or None


class State:
    """What the page shows; the rebuilding thread writes it, the server's threads read it."""

    def __init__(self, editions: Iterable[Edition], cache: Path):
        self.editions = list(editions)
        self.cache = cache
        self.lock = threading.Lock()
        self.version = 0
        self.building = False
        self.title = "handouts preview"
        self.per_period: int | None = None
        self.entries: dict[Path, Entry] = {}
        self.problems: list[Problem] = []
        self.files: dict[str, tuple[Path, str]] = {}
        """URL -> (file, content type): everything the server may send."""
        self.images_missing = False

    def _bump(self) -> None:
        self.version += 1

    def start(self) -> None:
        with self.lock:
            self.building = True

    def add_output(self, output: Output) -> None:
        """A PDF written: copy it and draw its pages (once per content), then show them."""
        if output.lesson is None:
            return
        data = output.path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        folder = self.cache / digest
        folder.mkdir(exist_ok=True)
        copy = folder / output.path.name
        if not copy.exists():
            copy.write_bytes(data)
        images = page_images(copy, folder)
        base = f"/files/{digest}/"
        with self.lock:
            self.files[base + copy.name] = (copy, "application/pdf")
            urls = None
            if images is not None:
                urls = tuple(base + image.name for image in images)
                for url, image in zip(urls, images, strict=True):
                    self.files[url] = (image, "image/png")
            self.images_missing = images is None
            lesson = output.lesson
            entry = self.entries.setdefault(
                _key(lesson.path), Entry(_key(lesson.path), lesson.lesson.title)
            )
            entry.title = lesson.lesson.title
            entry.periods = lesson.lesson.periods
            entry.shown[output.edition.name] = Shown(
                output.edition, output.pages, base + copy.name, urls
            )
            self._bump()

    def finish(
        self,
        project: Project | None,
        problems: list[Problem],
        selected: Rebuild,
        building: bool = False,
    ) -> None:
        """A rebuild's lessons, in the module's order, and its problems; `building`: the checks
        are done (shown at once: a typing error need not wait for the rendering)."""
        with self.lock:
            self.building = building
            if project is not None:
                self._update_lessons(project, selected)
            if not building:
                self._prune()
            if selected.lessons is None:
                self.problems = list(problems)
            else:  # the other lessons' problems stand
                redone = {_key(path) for path in selected.lessons}
                kept = [
                    p
                    for p in self.problems
                    if _key(p.file) in self.entries and _key(p.file) not in redone
                ]
                self.problems = kept + list(problems)
            self._bump()

    def _prune(self) -> None:
        """Forget the PDFs and images no lesson shows any more: a long session's saves would
        otherwise fill the temporary folder."""
        shown = {
            url.split("/")[2]
            for entry in self.entries.values()
            for edition in entry.shown.values()
            for url in (edition.pdf, *(edition.images or ()))
        }
        for url in [url for url in self.files if url.split("/")[2] not in shown]:
            del self.files[url]
        for folder in self.cache.iterdir():
            if folder.name not in shown:
                shutil.rmtree(folder, ignore_errors=True)

    def _update_lessons(self, project: Project, selected: Rebuild) -> None:
        if project.module is not None:
            self.title = project.module.title
            self.per_period = project.module.budget.pages_per_period
        for lesson_file in project.lessons:
            entry = self.entries.setdefault(
                _key(lesson_file.path), Entry(_key(lesson_file.path), lesson_file.lesson.title)
            )
            entry.title = lesson_file.lesson.title
            entry.periods = lesson_file.lesson.periods
        for path in project.failed:
            self.entries.setdefault(_key(path), Entry(_key(path), path.stem))
        if selected.lessons is None and project.module is not None:
            present = {_key(f.path) for f in project.lessons} | {_key(p) for p in project.failed}
            order = {stem: index for index, stem in enumerate(project.module.lessons)}
            kept = [entry for path, entry in self.entries.items() if path in present]
            kept.sort(key=lambda e: (order.get(e.stem, len(order)), e.stem))
            self.entries = {entry.path: entry for entry in kept}

    def snapshot(self) -> tuple[int, bool]:
        with self.lock:
            return self.version, self.building


def _key(path: Path) -> Path:
    return Path(path).absolute()


class Preview:
    """Rebuilds what changed and keeps the State the server shows."""

    def __init__(
        self,
        module_file: Path,
        state: State,
        templates: Path | None = None,
        say: Callable[[str], None] = print,
    ):
        self.module_file = module_file
        self.state = state
        self.templates = templates
        self.say = say

    def rebuild(self, wanted: Rebuild = EVERYTHING) -> None:
        """Gather and build what `wanted` names; problems go to the page, never up."""
        selected = None if wanted.lessons is None else sorted(wanted.lessons)
        started = time.monotonic()
        self.state.start()
        project: Project | None = None
        problems: list[Problem] = []
        outputs: list[Output] = []

        def written(output: Output) -> None:
            outputs.append(output)
            self.state.add_output(output)

        try:
            layout = open_module(self.module_file)[3]
            with build_lock(layout.build, lambda: self.say(_WAITING)):
                project = gather(self.module_file, selected, self.templates)
                problems += project.problems
                self.state.finish(project, problems, wanted, building=not project.blocked)
                if not project.blocked:
                    # Not the teacher guide: the whole module in one PDF, slow to redo on a save.
                    report = build(
                        replace(project, complete=False),
                        self.state.editions,
                        on_output=written,
                        workers=default_workers(),
                    )
                    problems += report.problems
        except ProblemsError as error:
            problems += error.problems
        except OSError as error:  # the build folder or the cache: shown, then the next save
            problems.append(Problem(self.module_file, f"preview failed: {os_cause(error)}"))
        except Exception as error:  # a bug: shown on the page, and the preview goes on
            problems.append(
                Problem(
                    self.module_file,
                    f"internal error: {type(error).__name__}: {error}",
                    hint="this is a bug in handouts; run 'handouts --debug build' and report it",
                )
            )
        self.state.finish(project, problems, wanted)
        self.say(_summary(outputs, problems, time.monotonic() - started))


_WAITING = "Another handouts build is writing to the build folder; the preview waits for it."


def _summary(outputs: list[Output], problems: list[Problem], seconds: float) -> str:
    errors = [p for p in problems if p.severity is Severity.error]
    line = f"Rebuilt {counted(len(outputs), 'PDF')} in {seconds:.1f} s"
    if errors:
        first = errors[0]
        line += f"; {counted(len(errors), 'error')} (first: {first.location}: {first.message})"
    return line + "."


# The page.

STYLE = """
body { font: 16px/1.45 system-ui, sans-serif; margin: 0; background: #eee; color: #111; }
header, main { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header { display: flex; gap: 1rem; align-items: baseline; }
#status { color: #555; }
.problems { background: #fff3f3; border: 2px solid #b00; padding: .5rem 1rem; margin: 1rem 0; }
.warnings { background: #fffbe6; border: 1px solid #a80; padding: .3rem 1rem; margin: 1rem 0; }
.problem { margin: .6rem 0; }
.problem.warning { color: #664d00; }
.problem p { margin: 0; }
.where { font-family: monospace; font-weight: bold; }
.note { color: #444; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #bbb; padding: .25rem .6rem; text-align: left; }
.over { color: #b00; font-weight: bold; }
.pages img { display: block; width: 100%; max-width: 661px; margin: 0 0 1rem;
  background: #fff; box-shadow: 0 1px 4px #0004; }
.pages object { width: 100%; height: 60rem; }
"""

SCRIPT = """
(function () {
  const status = document.getElementById('status');
  async function tick() {
    try {
      const answer = await fetch('/version', {cache: 'no-store'});
      const now = await answer.json();
      status.textContent = now.building ? 'Rebuilding…' : '';
      const live = document.getElementById('live');
      if (String(now.version) !== live.dataset.version) {
        const page = await fetch(location.pathname, {cache: 'no-store'});
        const doc = new DOMParser().parseFromString(await page.text(), 'text/html');
        live.replaceWith(doc.getElementById('live'));
        document.title = doc.title;
      }
    } catch (error) {
      status.textContent = 'The preview has stopped (handouts preview is not running).';
    }
    setTimeout(tick, 300);
  }
  setTimeout(tick, 300);
})();
"""


def _document(title: str, version: int, building: bool, body: str) -> str:
    status = "Rebuilding…" if building else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><p><a href="/">All lessons</a></p><p id="status" role="status">{status}</p>'
        f'</header><main id="live" data-version="{version}">{body}</main>'
        f"<script>{SCRIPT}</script></body></html>"
    )


def _problems(problems: list[Problem]) -> str:
    if not problems:
        return ""
    errors = sum(p.severity is Severity.error for p in problems)
    heading = ", ".join(
        part
        for part in (
            counted(errors, "error") if errors else "",
            counted(len(problems) - errors, "warning") if len(problems) > errors else "",
        )
        if part
    )
    items = []
    ordered = sorted(dict.fromkeys(problems), key=lambda p: (str(p.file), p.line or 0))
    for problem in ordered:
        where = escape(problem.location) + (f": {escape(problem.field)}" if problem.field else "")
        lines = [
            f'<p class="where">{escape(problem.severity.value)}: {where}</p>',
            f'<p class="message">{escape(problem.message)}</p>',
        ]
        if problem.input is not None:
            lines.append(f'<p class="input">input: {escape(problem.input)}</p>')
        if problem.hint:
            lines.append(f'<p class="hint">hint: {escape(problem.hint)}</p>')
        items.append(f'<div class="problem {problem.severity.value}">{"".join(lines)}</div>')
    if errors:
        return (
            f'<section class="problems" aria-label="Problems"><h2>{heading}</h2>'
            f"{''.join(items)}</section>"
        )
    return (  # warnings only: there, not in the way
        f'<details class="warnings"><summary>{heading}</summary>{"".join(items)}</details>'
    )


def _budget(state: State, entry: Entry) -> str:
    shown = entry.shown.get(STUDENT.name)
    if shown is None or state.per_period is None:
        return ""
    allowed = state.per_period * entry.periods
    over = ' class="over"' if shown.pages > allowed else ""
    return f"<span{over}>{shown.pages}/{allowed}</span>"


def _editions_note(state: State) -> str:
    names = ", ".join(edition.label.lower() for edition in state.editions)
    note = f"The preview renders the {escape(names)}"
    if len(state.editions) < 5:
        note += " (for others: <code>handouts preview --edition all</code>, or one by name)"
    note += "; not the teacher guide (<code>handouts build</code> writes it)."
    if state.images_missing:
        note += (
            " Pages are shown by the browser's PDF viewer: install pdftoppm (poppler-utils)"
            " to see them drawn as images."
        )
    return f'<p class="note">{note}</p>'


def index_page(state: State) -> str:
    with state.lock:
        heads = "".join(f"<th>{escape(e.name)} pages</th>" for e in state.editions)
        budget = f"student pages / budget ({state.per_period} a period)" if state.per_period else ""
        rows = []
        for entry in state.entries.values():
            cells = "".join(
                f"<td>{entry.shown[e.name].pages if e.name in entry.shown else '–'}</td>"
                for e in state.editions
            )
            rows.append(
                f'<tr><td><a href="/lesson/{escape(entry.stem)}">{escape(entry.title)}</a></td>'
                f"<td>{escape(entry.stem)}</td>{cells}<td>{_budget(state, entry)}</td></tr>"
            )
        body = (
            f"{_problems(state.problems)}<h1>{escape(state.title)}</h1>{_editions_note(state)}"
            f"<table><thead><tr><th>lesson</th><th>file</th>{heads}<th>{budget}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        if not state.entries:
            body += "<p>Building…</p>" if state.building else "<p>No lessons.</p>"
        return _document(state.title, state.version, state.building, body)


def lesson_page(state: State, stem: str) -> tuple[bool, str]:
    with state.lock:
        entry = next((e for e in state.entries.values() if e.stem == stem), None)
        if entry is None:  # not built yet, or gone: the page updates itself when it is there
            body = f"{_problems(state.problems)}<p>No lesson named {escape(stem)}"
            body += " yet: building…</p>" if state.building else ".</p>"
            return False, _document(stem, state.version, state.building, body)
        own = [p for p in state.problems if _key(p.file) == entry.path]
        others = [p for p in state.problems if _key(p.file) not in state.entries]
        broken = any(p.severity is Severity.error for p in own)
        parts = [_problems(own + others), f"<h1>{escape(entry.title)}</h1>"]
        if broken and entry.shown:
            parts.append('<p class="note">The pages below are from the last good build.</p>')
        parts.append(_editions_note(state))
        for edition in state.editions:
            shown = entry.shown.get(edition.name)
            if shown is None:
                continue
            budget = ""
            if edition == STUDENT and state.per_period is not None:
                budget = f"; against the budget: {_budget(state, entry)}"
            parts.append(
                f'<section class="edition"><h2>{escape(edition.label)}</h2>'
                f"<p>{counted(shown.pages, 'page')}{budget}; "
                f'<a href="{escape(shown.pdf)}">PDF</a></p><div class="pages">'
            )
            if shown.images is None:
                parts.append(
                    f'<object data="{escape(shown.pdf)}" type="application/pdf">'
                    f'<a href="{escape(shown.pdf)}">{escape(edition.label)} (PDF)</a></object>'
                )
            for number, url in enumerate(shown.images or (), start=1):
                alt = f"{edition.label}, page {number} of {len(shown.images or ())}"
                parts.append(f'<img src="{escape(url)}" alt="{escape(alt)}">')
            parts.append("</div></section>")
        if not entry.shown:
            parts.append("<p>Not built yet.</p>")
        return True, _document(
            f"{entry.title} – preview", state.version, state.building, "".join(parts)
        )


# The server.


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:
        state = self.server.state
        if not self._addressed_to_us():
            self._send(403, "text/plain; charset=utf-8", b"Forbidden: not addressed to 127.0.0.1")
            return
        path = unquote(urlsplit(self.path).path)
        if path == "/version":
            version, building = state.snapshot()
            body = json.dumps({"version": version, "building": building}).encode()
            self._send(200, "application/json", body)
        elif path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", index_page(state).encode())
        elif path.startswith("/lesson/"):
            found, page = lesson_page(state, path[8:])
            self._send(200 if found else 404, "text/html; charset=utf-8", page.encode())
        elif path in state.files:
            file, kind = state.files[path]
            try:
                data = file.read_bytes()
            except OSError:
                self._send(404, "text/plain; charset=utf-8", b"Not found")
                return
            self._send(200, kind, data, immutable=True)  # the URL names the content's hash
        else:
            self._send(404, "text/plain; charset=utf-8", b"Not found")

    def _addressed_to_us(self) -> bool:
        """The Host header names this server: a rebinding attack names its own host."""
        host = self.headers.get("Host", "")
        port = self.server.server_address[1]
        return host in (f"{HOST}:{port}", f"localhost:{port}")

    def _send(self, status: int, kind: str, body: bytes, immutable: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(
            "Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-store"
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows rebuilds, not every request."""


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: State, port: int):
        self.state = state
        super().__init__((HOST, port), Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that went away is no news; anything else is one line, not a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return
        print(
            f"internal error in the preview server: {type(error).__name__}: {error}",
            file=sys.stderr,
        )

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


def start_server(state: State, port: int) -> tuple[PreviewServer, threading.Thread]:
    """The server, answering in a thread of its own; a port in use is a user error."""
    try:
        server = PreviewServer(state, port)
    except OSError as error:
        raise ProblemsError(
            [
                Problem(
                    Path(f"{HOST}:{port}"),
                    f"cannot listen on port {port}: {os_cause(error)}",
                    hint="give another port with --port, or --port 0 to take a free one",
                )
            ]
        ) from None
    thread = threading.Thread(target=server.serve_forever, name="handouts-preview", daemon=True)
    thread.start()
    return server, thread


def serve(
    module_file: Path,
    editions: Iterable[Edition] = DEFAULT_EDITIONS,
    port: int = 8000,
    poll: bool = False,
    templates: Path | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the preview until interrupted: build everything, then what each save changes."""
    layout = open_module(module_file)[3]
    folders = watched_folders(layout, templates)
    why = polling(poll, folders)
    cache = Path(tempfile.mkdtemp(prefix="handouts-preview-"))
    state = State(editions, cache)
    server: PreviewServer | None = None
    try:
        server, _thread = start_server(state, port)
        say(f"Preview at {server.url} (on this computer only; Ctrl-C to stop)")
        preview = Preview(module_file, state, templates, say)
        with Watcher(folders, poll=why is not None) as watcher:
            say(describe(folders, why))
            preview.rebuild(EVERYTHING)
            for changed in watcher.changes():
                wanted = affected(changed, layout, templates)
                if wanted is not None:
                    preview.rebuild(wanted)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        shutil.rmtree(cache, ignore_errors=True)
