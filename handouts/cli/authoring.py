"""Authoring commands: `init`, `new`, `source add`, `source rehash`, `schema`.

They write files for the teacher (handouts/authoring/ does the writing); registered on
the `handouts` group when the package is imported (handouts/cli/__init__.py).
"""

from __future__ import annotations

from pathlib import Path

import click

from handouts.cli.app import _fail, _module_of, cli
from handouts.cli.problems import print_problems
from handouts.errors import Problem, ProblemsError, display_path
from handouts.vocabulary import SourceKind


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Start a module in FOLDER: module.yaml, an example lesson and document, schemas, a README.

    Never replaces a file: if any of them exists, nothing is written.
    """
    from handouts.authoring.scaffold import init_module

    try:
        init_module(folder)
    except ProblemsError as error:
        _fail(error.problems)
    where = display_path(folder)
    click.echo(f"Started a module in {where}/: an example lesson quoting one document, ready to")
    click.echo("build. Next:")
    if folder.absolute() != Path.cwd():
        click.echo(f"  cd {where}")
    click.echo("  handouts build --edition student     # the example lesson, printed: see build/")
    click.echo(
        '  handouts source add FILE.txt --title "..." --author "..." --date "..." --kind primary'
    )
    click.echo('  handouts new "Your lesson title"      # a lesson skeleton, numbered and ordered')
    click.echo("  handouts check                       # after each change")
    click.echo("Open the folder in an editor with YAML support (VS Code and its YAML extension):")
    click.echo("the files point at schemas/, so fields are completed and checked as you type.")


@cli.command(name="new")
@click.argument("title")
@click.option(
    "--source",
    "source_id",
    default=None,
    help="Id of the document the skeleton quotes (default: the first in the sources folder).",
)
@click.pass_obj
def new_lesson(obj: dict, title: str, source_id: str | None) -> None:
    """Write a lesson skeleton called TITLE, numbered after the last lesson, and order it last.

    The skeleton passes 'handouts check' as written: it quotes the opening words of a
    document; optional parts are commented out.
    """
    from handouts.authoring.scaffold import (
        add_to_order,
        ensure_schemas,
        lesson_skeleton,
        next_lesson_path,
        pick_document,
        write_new,
    )
    from handouts.loader.corpus import load_corpus
    from handouts.loader.project import gather, open_module

    module_file = _module_of(obj["root"])
    module, _, problems, layout = open_module(module_file)
    if module is None:
        _fail(problems)
    corpus, _ = load_corpus(layout.sources)
    try:
        doc = pick_document(corpus, source_id, layout.sources)
        path = next_lesson_path(layout.lessons, title)
        ensure_schemas(layout)
        write_new(path, lesson_skeleton(layout, path, title, doc))
        add_to_order(module_file, path.stem)
    except ProblemsError as error:
        _fail(error.problems)
    click.echo(
        f"Wrote {display_path(path)}, quoting the opening words of {doc.record.id}, and added"
        f" '{path.stem}' to the lesson order in {display_path(module_file)}."
    )
    [project] = [gather(module_file, [path])]
    print_problems(project.problems)
    click.echo("Next:")
    click.echo(f'  1. open {display_path(path)} and replace every "Replace this ..." text')
    click.echo(f"  2. handouts check {display_path(path)}")
    click.echo(f"  3. handouts build {path.stem} --edition student")


@cli.group()
def source() -> None:
    """Add documents to the module's sources and keep their fingerprints (SHA-256) right."""


@source.command(name="add")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--title", required=True, help="Title of the document as it should be cited.")
@click.option("--author", default=None, help="Author, if known.")
@click.option("--date", default=None, help="Date of the document, e.g. '19 November 1863'.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in SourceKind]),
    required=True,
    help="What kind of text it is.",
)
@click.option("--id", "source_id", default=None, help="Its id (default: from the file name).")
@click.option("--citation", default=None, help="Full citation (default: author, title, date).")
@click.pass_obj
def source_add(
    obj: dict,
    file: Path,
    title: str,
    author: str | None,
    date: str | None,
    kind: str,
    source_id: str | None,
    citation: str | None,
) -> None:
    """Copy FILE (UTF-8 text) into the sources, byte for byte, and write its record.

    The record holds the text's SHA-256, so any later change to the text is caught.
    """
    from handouts.authoring.scaffold import add_source, ensure_schemas
    from handouts.loader.project import open_module

    module_file = _module_of(obj["root"])
    layout = open_module(module_file)[3]
    try:
        ensure_schemas(layout)
        text, record = add_source(
            layout,
            file,
            title=title,
            kind=SourceKind(kind),
            author=author,
            date=date,
            source_id=source_id,
            citation=citation,
        )
    except ProblemsError as error:
        _fail(error.problems)
    click.echo(
        f"Copied {display_path(file)} to {display_path(text)} and wrote {display_path(record)}."
    )
    click.echo(
        f"Next: write its 'reliability' note in {display_path(record)}, then quote it in a lesson"
        f" (an excerpt with 'source: {record.stem}')."
    )


@source.command(name="rehash")
@click.argument("source_id", metavar="ID")
@click.pass_obj
def source_rehash(obj: dict, source_id: str) -> None:
    """Record the SHA-256 of ID's text as it is now, after you corrected your own transcription.

    Only for texts you typed or transcribed yourself: a document received from
    elsewhere stays exactly as received, and its excerpts follow it.
    """
    from handouts.authoring.scaffold import rehash
    from handouts.loader.project import open_module

    layout = open_module(_module_of(obj["root"]))[3]
    try:
        old, new = rehash(layout, source_id)
    except ProblemsError as error:
        _fail(error.problems)
    record = display_path(layout.sources / f"{source_id}.yaml")
    if old == new:
        click.echo(f"{record}: the SHA-256 already matches the text; nothing changed.")
    else:
        click.echo(f"{record}: sha256 {old or '(none)'} -> {new}")
        click.echo("Now run 'handouts check': every excerpt is checked against the corrected text.")


@cli.command(name="schema")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the JSON Schemas (default: the module's schemas/ folder).",
)
@click.option(
    "--fields",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the field reference (Markdown) to this file, e.g. docs/fields.md.",
)
@click.pass_obj
def schema_command(obj: dict, output: Path | None, fields: Path | None) -> None:
    """Write the JSON Schemas of lessons, module.yaml and source records, from the models.

    Editors read them through each file's first line,
    '# yaml-language-server: $schema=<path>', to complete and check fields.
    """
    from handouts.authoring.schemas import field_reference, write_schemas
    from handouts.loader.project import open_module

    if output is None:
        output = open_module(_module_of(obj["root"]))[3].schemas
    try:
        written = write_schemas(output)
        if fields is not None:
            fields.parent.mkdir(parents=True, exist_ok=True)
            fields.write_text(field_reference(), encoding="utf-8")
            written.append(fields)
    except OSError as error:
        _fail([Problem(output, f"cannot write the schemas: {error.strerror}")])
    for path in written:
        click.echo(f"wrote {display_path(path)}")
