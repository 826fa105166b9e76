"""Render many documents on every core: long-lived worker processes, one job at a time each.

Each worker imports WeasyPrint once and keeps its fonts and stylesheet
(handouts.renderer.pdf caches them per process), so a worker's memory is that
of its largest document, not of the module. Workers are forked from a
server that has already imported the renderer (multiprocessing's
"forkserver"), so starting one costs a fork, not an import, and no thread of
the parent (the progress display) is ever forked. A worker that dies (killed,
out of memory) fails its one job, is replaced, and the others go on.

With one worker nothing is forked: jobs render in this process, in order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from handouts.errors import Problem, ProblemsError, display_path

PRELOAD = ["handouts.renderer.pdf", "weasyprint"]
"""Imported once, in the fork server, before any worker is forked from it."""


@dataclass(frozen=True)
class Task:
    """One document to render: its HTML, what a problem names, where its resources are."""

    index: int
    html: str
    source: Path
    output: Path
    search: tuple[Path, ...]
    images: Path | None


@dataclass(frozen=True)
class Done:
    """A finished task: the PDF and its page count, or why there is none."""

    index: int
    pdf: bytes | None = None
    pages: int = 0
    problems: tuple[Problem, ...] = ()


def default_workers() -> int:
    """The cores this process may use (a container's limit, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _render(task: Task) -> Done:
    from handouts.renderer.pdf import render_pdf

    try:
        rendered = render_pdf(task.html, task.source, task.search, task.images)
    except ProblemsError as error:
        return Done(task.index, problems=tuple(error.problems))
    return Done(task.index, rendered.pdf, rendered.pages)


def _serve(connection: Connection) -> None:
    """A worker: render each task it is sent until it is sent None."""
    # Ctrl-C reaches the whole process group: the parent stops the build, then the workers.
    # A worker stopped (SIGTERM) leaves through `finally`, which removes the temporary
    # folder of its fonts: a worker process never runs atexit handlers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _leave)
    try:
        while True:
            try:
                task = connection.recv()
            except EOFError:  # the parent is gone
                return
            if task is None:
                return
            connection.send(_render(task))
    finally:
        from handouts.renderer.pdf import release

        release()


def _leave(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def warm_up() -> None:
    """Start the fork server now: it imports the renderer (about a second and a half) while
    this process is still reading and checking the lessons, instead of after."""
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def render_all(tasks: list[Task], workers: int) -> Iterator[Done]:
    """Every task rendered, yielded as each finishes; the largest are started first."""
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield _render(task)
        return
    yield from _Pool(min(workers, len(tasks))).run(tasks)


class _Pool:
    def __init__(self, size: int, serve=_serve):
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.size = size
        self.serve = serve
        """What each worker runs (the tests give one that dies)."""
        self.idle: list[tuple[multiprocessing.Process, Connection]] = []
        self.busy: dict[Connection, tuple[multiprocessing.Process, Task]] = {}

    def _start(self) -> tuple[multiprocessing.Process, Connection]:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=self.serve, args=(child,), daemon=True)
        process.start()
        child.close()
        return process, parent

    def run(self, tasks: list[Task]) -> Iterator[Done]:
        # Largest first: a long document started last would leave a core idle at the end.
        queue = deque(sorted(tasks, key=lambda t: len(t.html), reverse=True))
        try:
            self.idle = [self._start() for _ in range(self.size)]
            while queue or self.busy:
                while queue and self.idle:
                    process, connection = self.idle.pop()
                    task = queue.popleft()
                    try:
                        connection.send(task)
                    except OSError:  # it died before it was given work
                        yield self._died(process, task)
                        connection.close()
                        self.idle.append(self._start())
                        continue
                    self.busy[connection] = (process, task)
                yield from self._collect(bool(queue))
        finally:
            self._stop()

    def _collect(self, more: bool) -> Iterator[Done]:
        """Wait for at least one busy worker to answer or die."""
        sentinels = {process.sentinel: connection for connection, (process, _) in self.busy.items()}
        for ready in wait([*self.busy, *sentinels]):
            connection = sentinels.get(ready, ready)
            if connection not in self.busy:  # both its pipe and its sentinel were ready
                continue
            process, task = self.busy.pop(connection)
            try:
                done = connection.recv()
            except (EOFError, OSError):
                process.join()
                connection.close()
                yield self._died(process, task)
                if more:
                    self.idle.append(self._start())
                continue
            self.idle.append((process, connection))
            yield done

    @staticmethod
    def _died(process: multiprocessing.Process, task: Task) -> Done:
        code = process.exitcode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exit code {code}"
        problem = Problem(
            task.source,
            f"the renderer stopped while making {display_path(task.output)} ({how})",
            hint="the machine may be out of memory: build this lesson again, with '-j 1' to use"
            " one process; the other PDFs were built",
        )
        return Done(task.index, problems=(problem,))

    def _stop(self) -> None:
        for _process, connection in self.idle:
            with contextlib.suppress(OSError):
                connection.send(None)
            connection.close()
        for connection, (process, _) in self.busy.items():
            process.terminate()
            connection.close()
        for process, _ in self.idle:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
        for process, _ in self.busy.values():
            process.join(timeout=5)
        self.idle, self.busy = [], {}
