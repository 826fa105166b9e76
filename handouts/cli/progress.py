"""What `handouts build` shows while it renders.

On a terminal: a progress bar under the list of PDFs written, each with its
lesson, edition and pages. Piped or captured (CI, a test, a log file): only
the lines, no bar and no terminal codes.
"""

from __future__ import annotations

import sys
from types import TracebackType

import click

from handouts.errors import counted, display_path


class Progress:
    """Told what will be rendered (`plan`) and each PDF made (`output`)."""

    def __init__(self) -> None:
        self._bar = None
        self._task = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def plan(self, jobs: list, cached: int) -> None:
        """Rendering is about to start: `jobs` to render, `cached` kept as they are."""
        if jobs:
            warn_slow_subsetting()
        if cached and jobs:
            click.echo(
                f"{counted(cached, 'PDF')} unchanged since last built; "
                f"rendering {counted(len(jobs), 'PDF')}."
            )
        if not jobs or not sys.stdout.isatty():
            return
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        self._bar = Bar(
            TextColumn("Rendering"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
        )
        self._task = self._bar.add_task("render", total=len(jobs))
        self._bar.start()

    def output(self, output) -> None:
        """One PDF is ready: name it (rendered ones only: the summary counts the rest)."""
        if output.cached:
            return
        line = f"wrote {display_path(output.path)} ({counted(output.pages, 'page')})"
        if self._bar is None:
            click.echo(line)
            return
        self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        self._bar.advance(self._task)


_warned = False


def warn_slow_subsetting() -> None:
    """Once per process: fonts are cut down in Python, not by HarfBuzz, which is slower."""
    global _warned
    from handouts.renderer.pdf import subsetting_in_c

    if _warned or subsetting_in_c():
        return
    _warned = True
    click.echo(
        "warning: libharfbuzz-subset0 is not installed, so fonts are subset in Python and every"
        " PDF takes several times as long to render (see the README, 'Speed'); install it:"
        " sudo apt-get install libharfbuzz-subset0",
        err=True,
    )
