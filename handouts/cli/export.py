"""`handouts export`: the lessons in formats beyond PDF (Word, Moodle, Canvas, web)."""

from __future__ import annotations

import click

from handouts.cli.app import cli, load
from handouts.cli.problems import print_problems, summarise
from handouts.editions import EDITIONS, select_editions
from handouts.errors import counted, display_path
from handouts.export import FORMATS


@cli.command()
@click.argument("lessons", nargs=-1)
@click.option(
    "--format",
    "formats",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    required=True,
    help="What to write (repeat for several): "
    + "; ".join(f"{name}: {what}" for name, what in FORMATS.items())
    + ".",
)
@click.option(
    "--edition",
    type=click.Choice([*EDITIONS, "all"]),
    default="all",
    show_default=True,
    help="For docx and html: which editions to write (those the format has).",
)
@click.option(
    "--with-answers",
    is_flag=True,
    help="Canvas only: include the exemplar answers. Canvas has no field only graders see,"
    " so a student who takes the quiz could read them; leave this off for a bank students use.",
)
@click.pass_obj
def export(
    obj: dict, lessons: tuple[str, ...], formats: tuple[str, ...], edition: str, with_answers: bool
) -> None:
    """Validate, then write LESSONS (none means all) as Word, Moodle, Canvas or web files.

    Files go beside the PDFs, in build/<lesson>/. Every valid lesson is exported;
    invalid ones are reported and the exit code is 1.
    """
    from handouts.build import export as export_module
    from handouts.export import ExportOptions

    options = ExportOptions(editions=tuple(select_editions(edition)), with_answers=with_answers)
    failed = False
    for project in load(obj["root"], lessons):
        print_problems(project.problems)
        if project.blocked:
            click.echo("Nothing exported: fix the module file and source corpus first.", err=True)
            failed = True
            continue
        report = export_module(
            project,
            dict.fromkeys(formats),
            options,
            lambda out: out.unchanged or click.echo(f"wrote {display_path(out.path)}"),
        )
        print_problems(report.problems)
        kept = sum(out.unchanged for out in report.outputs)
        line = f"Exported {counted(len(report.outputs), 'file')}"
        click.echo(f"{line}: {kept} unchanged since last written." if kept else f"{line}.")
        if report.failed:
            names = ", ".join(display_path(p) for p in report.failed)
            click.echo(
                f"Failed: {names} ({summarise(project.problems + report.problems)}).", err=True
            )
            failed = True
    if failed:
        raise SystemExit(1)
