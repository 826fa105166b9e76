"""The `handouts` command. It parses options and reports; the work is done elsewhere."""

from __future__ import annotations

import signal
import sys
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from handouts.cli.problems import print_problems, summarise
from handouts.editions import EDITIONS, select_editions
from handouts.errors import Problem, ProblemsError, counted, display_path, printable
from handouts.layout import LESSON_SUFFIXES, Layout, find_module_file, lesson_paths
from handouts.vocabulary import Paper
from handouts.watch import POLL_ENV

if TYPE_CHECKING:
    from handouts.loader.project import Project

POLL_HELP = (
    "Look for changes every 300 ms instead of waiting for file events, which synced and"
    f" network folders do not send (also: {POLL_ENV}=1; NFS, SMB and sshfs folders are polled"
    " without asking)."
)

# The models (pydantic) and the renderer are imported inside the commands that use them:
# `--help`, and a build with nothing to do, never pay for them.


def _fail(problems: list[Problem]) -> None:
    print_problems(problems)
    raise SystemExit(1)


def _module_of(root: Path | None) -> Path:
    """The module file for --root, or found upward from the current folder."""
    start = root if root is not None else Path.cwd()
    found = find_module_file(start)
    if found is None:
        from handouts.loader.project import missing_module

        _fail([missing_module(start)])
    return found


def locate(root: Path | None, names: tuple[str, ...]) -> list[tuple[Path, list[Path] | None]]:
    """(module file, lesson paths or None for all) for each module the arguments belong to.

    A path is read relative to the current folder and checked against the module
    it lies in; a bare name is a lesson stem of the module at --root (or here).
    """
    if not names:
        return [(_module_of(root), None)]
    groups: dict[Path, list[Path]] = {}
    problems: list[Problem] = []
    here: tuple[Path, Path, dict[str, Path]] | None = None  # the module bare names belong to
    for name in names:
        candidate = Path(name)
        if candidate.suffix in LESSON_SUFFIXES or candidate.exists():
            if not candidate.is_file():
                problems.append(Problem(candidate, "no such lesson file"))
                continue
            module = find_module_file(candidate)
            if module is None:
                from handouts.loader.project import missing_module

                problems.append(missing_module(candidate))
                continue
            groups.setdefault(module, []).append(candidate)
            continue
        if here is None:
            module = _module_of(root)
            lessons = _layout(module).lessons
            here = (module, lessons, {path.stem: path for path in lesson_paths(lessons)})
        module, lessons, stems = here
        if name in stems:
            groups.setdefault(module, []).append(stems[name])
        else:
            from handouts.loader.validate import did_you_mean

            problems.append(
                Problem(
                    Path(name),
                    f"no lesson with this name in {display_path(lessons)}",
                    hint=did_you_mean(name, sorted(stems))
                    or "give a lesson file path or its stem; see 'handouts list'",
                )
            )
    if problems:
        _fail(problems)
    return list(groups.items())


def _layout(module_file: Path) -> Layout:
    """The module's folders: read quickly from module.yaml, or validated when it is unusual."""
    from handouts.stamp import light_layout

    layout = light_layout(module_file, None)
    if layout is None:
        from handouts.loader.project import open_module

        layout = open_module(module_file)[3]
    return layout


def load(root: Path | None, names: tuple[str, ...], templates: Path | None = None) -> list[Project]:
    """Every module the arguments name, gathered and validated."""
    from handouts.loader.project import gather

    return [gather(module, selected, templates) for module, selected in locate(root, names)]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="handouts", prog_name="handouts")
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="The module folder (the one holding lessons/module.yaml). Default: found upward"
    " from the current folder, as git finds a repository.",
)
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, debug: bool) -> None:
    """Turn YAML lesson units into printable PDF handouts.

    A module is a folder: lessons/*.yaml (lessons/module.yaml sets the order),
    the source corpus in lessons/sources/, optional templates/ overriding the
    bundled ones file by file, and PDFs written to build/.
    """
    ctx.obj = {"root": root}


@cli.command()
@click.argument("lessons", nargs=-1)
@click.option(
    "--edition",
    type=click.Choice([*EDITIONS, "all"]),
    default="all",
    show_default=True,
    help="Which edition to render: student worksheet, teacher edition, source packet,"
    " large print, fillable form, or all of them.",
)
@click.option(
    "--paper",
    type=click.Choice([p.value for p in Paper]),
    default=None,
    help="Paper size (default: the module's, A4 unless module.yaml says otherwise). "
    "A non-default size adds '-<paper>' to the file name.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="A template folder whose files replace the bundled ones, file by file"
    " (default: the module's templates/ folder, if it has one).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Render in this many processes at once (default: one per core of this machine).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Render every PDF again, even those already built from the same files.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Build, then keep watching: build again what each save changes (a lesson, or"
    " every lesson after a change to the module file, a source or a template), until"
    " Ctrl-C. Errors are reported and watching goes on.",
)
@click.option("--poll", is_flag=True, help="With --watch: " + POLL_HELP)
@click.pass_obj
def build(obj: dict, watch: bool, poll: bool, **options) -> None:
    """Validate, then render LESSONS (file paths or stems; none means all) to build/.

    Writes build/<lesson>/<lesson>-<edition>.pdf. Every valid lesson is built;
    invalid ones are reported at the end and the exit code is 1. Building the
    whole module (no LESSONS) with the teacher edition also writes the teacher
    guide, build/<module>-teacher-guide.pdf, when every lesson is valid. A PDF
    already built from the same files is kept as it is (--force renders it again).
    """
    if poll and not watch:
        raise click.UsageError("--poll goes with --watch")
    if watch:
        from handouts.cli.preview import watch_and_build

        watch_and_build(obj["root"], options, poll, lambda **o: build_all(obj["root"], **o))
    else:
        build_all(obj["root"], **options)


def build_all(
    root: Path | None,
    lessons: tuple[str, ...],
    edition: str,
    paper: str | None,
    templates: Path | None,
    jobs: int | None,
    force: bool,
) -> None:
    """`handouts build` once: every module the arguments name. SystemExit(1) on a failure."""
    from handouts.stamp import Stamp, inputs_digest, light_layout

    failed = False
    for module_file, selected in locate(root, lessons):
        options = {
            "lessons": sorted(str(path.resolve()) for path in selected) if selected else None,
            "edition": edition,
            "paper": paper,
            "templates": str(templates.resolve()) if templates else None,
        }
        layout = light_layout(module_file, templates)
        stamp = Stamp(layout, options) if layout else None
        if stamp is not None and not force and (lines := stamp.fresh()) is not None:
            for line in lines:  # nothing changed: the last build's report, nothing rendered
                click.echo(line.text, err=line.err)
            continue
        inputs = inputs_digest(layout, options) if layout else ""
        ok = _build_one(
            module_file, selected, edition, paper, templates, jobs, force, stamp, inputs
        )
        failed = failed or not ok
    if failed:
        raise SystemExit(1)


def _build_one(
    module_file: Path,
    selected: list[Path] | None,
    edition: str,
    paper: str | None,
    templates: Path | None,
    jobs: int | None,
    force: bool,
    stamp,
    inputs: str,
) -> bool:
    """Build one module; True when everything built without an error."""
    from handouts.build import build as build_module
    from handouts.cli.problems import problem_lines
    from handouts.cli.progress import Progress
    from handouts.loader.project import gather, open_module
    from handouts.output import build_lock
    from handouts.stamp import Line
    from handouts.workers import default_workers, warm_up

    transcript: list[Line] = []

    def say(text: str, err: bool = False) -> None:
        click.echo(text, err=err)
        transcript.append(Line(text, err))

    # One build at a time writes to a build folder; files are read once it is this one's turn.
    folder = open_module(module_file)[3].build
    try:
        with build_lock(folder, lambda: _waiting(folder)):
            if stamp is not None:
                stamp.clear()
            workers = jobs or default_workers()
            if workers > 1:  # the workers' fork server loads the renderer while we gather
                warm_up()
            project = gather(module_file, selected, templates)
            for line in problem_lines(project.problems):
                say(line, err=True)
            if project.blocked:
                click.echo("Nothing built: fix the module file and source corpus first.", err=True)
                return False
            with Progress() as progress:
                report = build_module(
                    project,
                    select_editions(edition),
                    Paper(paper) if paper else None,
                    progress.output,
                    force=force,
                    workers=workers,
                    on_plan=progress.plan,
                )
            print_problems(report.problems)
            if report.outputs:
                say(f"Pages per edition: {_pages_per_edition(report.outputs)}.")
                for text, err in _budget_lines(project, report.outputs):
                    say(text, err)
            if report.failed:
                click.echo(_built(report.outputs))
                names = ", ".join(display_path(p) for p in report.failed)
                problems = project.problems + report.problems
                click.echo(f"Failed: {names} ({summarise(problems)}).", err=True)
                return False
            if project.errors:  # module-wide checks (coverage, the guide): lessons built
                click.echo(_built(report.outputs))
                click.echo(f"Module checks failed ({summarise(project.problems)}).", err=True)
                return False
            click.echo(_built(report.outputs))
            if stamp is not None:
                unchanged = [replace(o, cached=True) for o in report.outputs]
                transcript.append(Line(_built(unchanged)))
                stamp.record([o.path for o in report.outputs], transcript, inputs)
            return True
    except ProblemsError as error:  # the build folder cannot be made or locked
        print_problems(error.problems)
        click.echo("Nothing built.", err=True)
        return False


def _built(outputs) -> str:
    """'Built 36 PDFs from 7 lessons: 5 rendered, 31 unchanged.'"""
    lessons = len({o.lesson.path for o in outputs if o.lesson})
    line = f"Built {counted(len(outputs), 'PDF')} from {counted(lessons, 'lesson')}"
    kept = sum(o.cached for o in outputs)
    if not kept:
        return line + "."
    return (
        f"{line}: {len(outputs) - kept} rendered, {kept} unchanged since they were built"
        " (--force renders them again)."
    )


def _waiting(folder: Path) -> None:
    click.echo(
        f"Another handouts build is writing to {display_path(folder)}; waiting for it to finish"
        " (Ctrl-C to stop).",
        err=True,
    )


def _budget_lines(project: Project, outputs) -> list[tuple[str, bool]]:
    """Student worksheet pages against the module's budget; a worksheet over it is a warning.

    (text, on stderr) pairs.
    """
    assert project.module is not None
    per_period = project.module.budget.pages_per_period
    rows, over = [], []
    for output in outputs:
        if output.lesson is None or output.edition.name != "student":
            continue
        allowed = per_period * output.lesson.lesson.periods
        rows.append(f"{output.lesson.stem[:2]} {output.pages}/{allowed}")
        if output.pages > allowed:
            over.append((output.lesson.stem, output.pages, allowed))
    lines = []
    if rows:
        lines.append(
            (
                f"Worksheet pages against the budget ({per_period} a period): {', '.join(rows)}.",
                False,
            )
        )
    for stem, pages, allowed in over:
        lines.append(
            (
                f"warning: {stem}: the student worksheet has {pages} pages; the budget allows"
                f" {allowed} ({per_period} a period); shorten the lesson or set 'budget:' in"
                " module.yaml",
                True,
            )
        )
    return lines


def _pages_per_edition(outputs) -> str:
    """'student 75, teacher 98, ...': what a copy quota needs to know."""
    pages: dict[str, int] = {}
    for output in outputs:
        name = output.edition.name if output.lesson else "teacher guide"
        pages[name] = pages.get(name, 0) + output.pages
    return ", ".join(f"{name} {count}" for name, count in pages.items())


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--report",
    is_flag=True,
    help="Also print a table of every valid lesson: excerpts, questions per skill, points, "
    "words, and the Flesch-Kincaid grade of the student-facing prose against its grade band.",
)
@click.pass_obj
def check(obj: dict, paths: tuple[str, ...], report: bool) -> None:
    """Validate lesson files (PATHS, or all) without rendering. Exit 1 on any error.

    Checks the YAML, every field against the lesson format, references to
    sources and excerpts, and that every excerpt matches its source word for word.
    With --report, then prints counts and reading level per valid lesson
    (see handouts/stats.py); the report never changes the exit code.
    """
    failed = False
    for project in load(obj["root"], paths):
        print_problems(project.problems)
        checked = len(project.lessons) + len(project.failed)
        click.echo(
            f"Checked {counted(checked, 'lesson')} and {counted(len(project.corpus), 'source')}: "
            f"{summarise(project.problems)}.",
            err=bool(project.errors),
        )
        if report and project.lessons:
            _print_report(project)
        failed = failed or bool(project.errors)
    if failed:
        raise SystemExit(1)


SKILL_HEADINGS = {
    "sourcing": "Src",
    "contextualization": "Ctx",
    "close reading": "Read",
    "corroboration": "Corr",
    "quantitative reasoning": "Quant",
}
"""Column headings of `check --report`, by skill (the values of schema.Skill)."""


def _print_report(project: Project) -> None:
    """The `check --report` table: one row per lesson, then the totals."""
    lessons = project.lessons
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from handouts.stats import LessonStats, lesson_stats, reading_grade, student_prose, verdict

    assert project.module is not None
    wpm = project.module.budget.reading_wpm
    stats = [lesson_stats(item.lesson, wpm) for item in lessons]
    # Numbers never wrap; in a narrow terminal the lesson name and the verdict fold instead.
    table = Table(
        title="Lesson report",
        caption="Qs: questions, pts: points, per: class periods. read: minutes to read every word\n"
        f"students are given (prose and quoted) at {wpm} words a minute; plan: minutes the plan\n"
        "gives to context and source work. FK: Flesch-Kincaid grade of the prose students\n"
        "read (not the excerpts); within band allows one grade either side.",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("lesson", overflow="fold")
    numbers = ["excerpts", *SKILL_HEADINGS.values(), "Qs", "pts"]
    numbers += ["words\nprose", "words\nquoted", "per", "min\nread", "min\nplan", "FK"]
    for heading in numbers:
        table.add_column(heading, justify="right", no_wrap=True)
    table.add_column("band")

    def cells(rows: list[LessonStats]) -> list[str]:
        return [
            str(sum(s.excerpts for s in rows)),
            *(str(sum(s.questions_per_skill[skill] for s in rows)) for skill in SKILL_HEADINGS),
            str(sum(s.questions for s in rows)),
            str(sum(s.points for s in rows)),
            str(sum(s.prose_words for s in rows)),
            str(sum(s.excerpt_words for s in rows)),
            str(sum(s.periods for s in rows)),
            f"{sum(s.reading_minutes for s in rows):.0f}",
            str(sum(s.planned_minutes for s in rows)),
        ]

    for item, row in zip(lessons, stats, strict=True):
        table.add_row(_cell(item.stem), *cells([row]), f"{row.fk_grade:.1f}", row.verdict)
    # The module's grade is that of all its prose read together, not a mean of the rows.
    grade = reading_grade(text for item in lessons for text in student_prose(item.lesson))
    bands = {row.band for row in stats}
    table.add_section()
    table.add_row(
        "total",
        *cells(stats),
        f"{grade:.1f}",
        verdict(grade, bands.pop()) if len(bands) == 1 else "",
        style="bold",
    )
    console = Console()
    if not console.is_terminal:  # piped or captured: no screen to fit, keep each row on a line
        console.width = 200
    console.print(table)
    for item, row in zip(lessons, stats, strict=True):
        if row.over_time:
            click.echo(
                f"warning: {item.stem}: students read {row.reading_words:,} words, about"
                f" {row.reading_minutes:.0f} minutes at {wpm} words a minute, but the plan gives"
                f" {row.planned_minutes} minutes to context and source work",
                err=True,
            )


@cli.command(name="list")
@click.pass_obj
def list_lessons(obj: dict) -> None:
    """Show a table of the lessons: file, title, grade band, minutes, sources, questions."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    [project] = load(obj["root"], ())
    console = Console()
    if not console.is_terminal:  # piped or captured: no screen to fit
        console.width = max(console.width, 160)
    # A file name is what you type next ('handouts build <file>'): printed whole, never cut;
    # the title wraps instead. A narrow terminal gets file, title and status only.
    stems = [item.stem for item in project.lessons] + [path.stem for path in project.failed]
    longest = max(map(len, stems), default=4)
    wide = console.width >= longest + 70
    table = Table(
        title=_cell(project.module.title) if project.module else "Lessons", box=box.SIMPLE_HEAD
    )
    table.add_column("file", no_wrap=True, min_width=longest)
    table.add_column("title", ratio=1, overflow="fold")
    numbers = ("grades", "min", "sources", "questions") if wide else ()
    for heading in numbers:
        table.add_column(heading, justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for item in project.lessons:
        lesson = item.lesson
        cells = [_cell(lesson.grade_band), str(lesson.duration)]
        cells += [str(len(lesson.sources)), str(len(lesson.questions))]
        table.add_row(_cell(item.stem), _cell(lesson.title), *(cells if wide else []), "ok")
    for path in project.failed:
        count = sum(p.file == path for p in project.errors)
        blanks = [""] * len(numbers)
        table.add_row(_cell(path.stem), "", *blanks, counted(count, "error"))
    console.print(table)
    if project.errors:
        click.echo(f"{summarise(project.problems)}: run 'handouts check' for details.", err=True)


class Stopped(BaseException):
    """A signal asked the build to stop. Not an Exception: nothing on the way may swallow it, and
    every `finally` on the way runs (a half-written PDF's temporary file is removed)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


STOPPED = {
    signal.SIGINT: "Interrupted",
    signal.SIGTERM: "Stopped (SIGTERM)",
}


def _cell(text: str):
    """User text for a rich table: never read as markup ('[sic]' stays), no terminal codes."""
    from rich.text import Text

    return Text(printable(text))


def main() -> None:
    """Entry point: user errors exit 1 with a message; internal errors exit 2.

    Ctrl-C (SIGINT) and SIGTERM stop with one line and exit 128 + the signal's number
    (130, 143); the renderer's temporary files are removed on the way out.
    """
    debug = "--debug" in sys.argv
    for signum in STOPPED:
        signal.signal(signum, _stop)
    try:
        code = cli.main(standalone_mode=False)
    except Stopped as stop:
        _release_renderer()
        click.echo(
            f"{STOPPED[stop.signum]}: PDFs already written are complete; the one being made was"
            " not written.",
            err=True,
        )
        raise SystemExit(128 + stop.signum) from None
    except click.ClickException as error:  # a usage error: click's own message
        error.show()
        raise SystemExit(error.exit_code) from None
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        raise SystemExit(1) from None
    except SystemExit:
        raise
    except Exception as error:  # a bug, not a user error
        if debug:
            traceback.print_exc()
        else:
            click.echo(
                f"internal error: {type(error).__name__}: {printable(str(error))}\n"
                "This is a bug in handouts; run again with --debug and report it.",
                err=True,
            )
        raise SystemExit(2) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def _release_renderer() -> None:
    """Drop the renderer's fonts now, so their temporary folder is removed before we exit."""
    if "handouts.renderer.pdf" in sys.modules:  # never imported: nothing was rendered
        from handouts.renderer.pdf import release

        release()
