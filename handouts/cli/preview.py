"""`handouts preview` and `handouts build --watch`: following a module as its files are saved.

`build --watch` (declared with `build` in app.py) comes here: each rebuild is that
command run again on what changed, with its options and output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from handouts.cli.app import POLL_HELP, cli, locate
from handouts.cli.problems import print_problems
from handouts.editions import EDITIONS, select_editions
from handouts.errors import ProblemsError, display_path
from handouts.watch import Watcher, affected, describe, polling, watched_folders


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on, on 127.0.0.1 (0: any free port).",
)
@click.option("--poll", is_flag=True, help=POLL_HELP)
@click.option(
    "--edition",
    type=click.Choice([*EDITIONS, "all"]),
    default=None,
    help="Which edition to show (default: the student and teacher editions).",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="A template folder whose files replace the bundled ones, file by file (watched too).",
)
@click.pass_obj
def preview(obj: dict, port: int, poll: bool, edition: str | None, templates: Path | None) -> None:
    """Show every lesson's PDFs in a browser, rebuilt each time a file is saved.

    Serves http://127.0.0.1:PORT/ on this computer only: every lesson, its pages
    as they print, a link to each PDF, page counts against the budget, and any
    problem the checks find. A saved lesson is built again; a saved module file,
    source or template builds every lesson again. PDFs are written to build/ as
    by 'handouts build'. Ctrl-C stops.
    """
    from handouts.preview import DEFAULT_EDITIONS, serve

    [(module_file, _)] = locate(obj["root"], ())
    editions = select_editions(edition) if edition else list(DEFAULT_EDITIONS)
    try:
        serve(module_file, editions, port, poll, templates, say=click.echo)
    except ProblemsError as error:  # the port is taken
        print_problems(error.problems)
        raise SystemExit(1) from None


def watch_and_build(
    root: Path | None, options: dict, poll: bool, build_once: Callable[..., None]
) -> None:
    """`handouts build --watch`: `build_once(**options)`, then again with what each batch of
    saved files changes, until interrupted."""
    from handouts.loader.project import open_module

    templates = options.get("templates")
    named: tuple[str, ...] = options["lessons"]
    groups = [
        (open_module(module_file)[3], selected) for module_file, selected in locate(root, named)
    ]
    folders = list(
        dict.fromkeys(
            folder for layout, _ in groups for folder in watched_folders(layout, templates)
        )
    )
    why = polling(poll, folders)
    with Watcher(folders, poll=why is not None) as watcher:
        _once(build_once, options)
        click.echo(f"{describe(folders, why)} Ctrl-C to stop.")
        for changed in watcher.changes():
            lessons: list[Path] = []
            everything = False
            for layout, selected in groups:
                wanted = affected(changed, layout, templates)
                if wanted is None:
                    continue
                if wanted.lessons is None:
                    everything = everything or selected is None
                    lessons += selected or []
                else:
                    chosen = None if selected is None else {p.absolute() for p in selected}
                    lessons += [p for p in wanted.lessons if chosen is None or p in chosen]
            if not (everything or lessons):
                continue
            saved = [p for p in changed if any(affected([p], g[0], templates) for g in groups)]
            click.echo(f"Changed: {', '.join(sorted(display_path(p) for p in saved))}")
            again = named if everything else tuple(str(p) for p in dict.fromkeys(lessons))
            _once(build_once, {**options, "lessons": again})
            click.echo("Watching (Ctrl-C to stop).")


def _once(build_once: Callable[..., None], options: dict) -> None:
    """One build; its failure is reported by the build and watching goes on."""
    try:
        build_once(**options)
    except SystemExit as stop:
        if stop.code not in (0, None):
            click.echo("Build failed: fix the file and save it; still watching.", err=True)
