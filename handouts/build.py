"""Build: turn a gathered Project into a plan of jobs, then run the plan.

A job is one output: (lesson, edition, paper, output path, HTML). Planning
makes the views and the HTML (fast, and where template errors surface);
running renders each job's HTML to PDF and writes it. Keeping the two apart
is what lets a cache skip unchanged jobs, workers share them out, and other
output formats reuse the plan. Build policy lives here too: which editions
make the guide, where files go. Nothing here knows about the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from handouts.cache import OutputCache, Resources, resources
from handouts.editions import TEACHER, Edition
from handouts.errors import Problem, ProblemsError
from handouts.export import ExportLesson, ExportOptions, exporter
from handouts.guide import GuideView, build_guide_view
from handouts.guide_pdf import assemble_guide, guide_part_html
from handouts.loader.project import LessonFile, Project
from handouts.output import guide_path, output_path, write_atomically, write_problem
from handouts.renderer.templates import render_template, stylesheet_text
from handouts.schema import Paper
from handouts.view import LessonView, build_view

Made = TypeVar("Made")
LESSON_TEMPLATE = "lesson.html.j2"
PAPER_CSS = {Paper.a4: "A4", Paper.letter: "letter"}


@dataclass(frozen=True)
class Job:
    """One PDF to make: an edition of a lesson, or the module's guide (lesson None)."""

    lesson: LessonFile | None
    edition: Edition
    paper: Paper
    path: Path
    """Where the PDF goes."""
    source: Path
    """The file a problem with this output is reported against."""
    html: str
    """What is rendered; for the guide, its whole HTML (checked at plan time, and hashed)."""
    guide: GuideView | None = None
    """The guide's view: the guide is joined from its own pages and the teacher editions."""


@dataclass(frozen=True)
class Output:
    """One PDF written."""

    lesson: LessonFile | None
    edition: Edition
    path: Path
    pages: int
    cached: bool = False
    """Already built from the same inputs: neither rendered nor written this time."""


@dataclass
class Report(Generic[Made]):
    """What a build or an export made, the problems it met, and the files that failed."""

    outputs: list[Made] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)


BuildReport = Report[Output]


def lesson_html(view: LessonView, edition: Edition, paper: Paper, search: tuple[Path, ...]) -> str:
    """The HTML of one edition of one lesson."""
    return render_template(
        search, LESSON_TEMPLATE, lesson=view, edition=edition, paper_css=PAPER_CSS[paper]
    )


def wants_guide(project: Project, editions: Iterable[Edition]) -> bool:
    """The guide is built with the whole module's teacher editions, when it has guide pages."""
    return (
        project.complete
        and TEACHER in editions
        and project.module is not None
        and project.module.guide is not None
    )


def plan(
    project: Project, editions: Iterable[Edition], paper: Paper | None = None
) -> tuple[list[Job], BuildReport]:
    """Every job for the valid lessons (and the guide when every lesson is valid)."""
    editions = list(editions)
    report = BuildReport(failed=list(project.failed))
    module = project.module
    if module is None or project.blocked:
        return [], report
    chosen = paper or module.paper
    search = project.layout.template_search
    jobs: list[Job] = []
    views: list[LessonView] = []
    for lesson_file in project.lessons:
        view = build_view(module, lesson_file, project.corpus, project.fonts, project.references)
        views.append(view)
        try:
            for edition in editions:
                path = output_path(
                    project.layout.build, lesson_file.stem, edition, chosen, module.paper
                )
                html = lesson_html(view, edition, chosen, search)
                jobs.append(Job(lesson_file, edition, chosen, path, lesson_file.path, html))
        except ProblemsError as error:
            report.problems += error.problems
            report.failed.append(lesson_file.path)
    if wants_guide(project, editions) and not report.failed and not project.errors:
        assert module.guide is not None
        guide = build_guide_view(
            module,
            module.guide,
            [f.lesson for f in project.lessons],
            views,
            project.corpus,
            project.references,
        )
        try:  # the whole guide's HTML: template errors surface here, before anything renders
            html = guide_part_html(guide, "whole", None, search, PAPER_CSS[chosen])
        except ProblemsError as error:
            report.problems += error.problems
            report.failed.append(project.layout.module_file)
        else:
            path = guide_path(project.layout.build, module.id, chosen, module.paper)
            jobs.append(Job(None, TEACHER, chosen, path, project.layout.module_file, html, guide))
    return jobs, report


def run(
    jobs: list[Job],
    search: tuple[Path, ...],
    report: BuildReport,
    on_output: Callable[[Output], None] | None = None,
    images: Path | None = None,
    *,
    cache: OutputCache | None = None,
    force: bool = False,
    workers: int = 1,
    on_plan: Callable[[list[Job], int], None] | None = None,
) -> BuildReport:
    """Render and write every job that changed; one failure is reported, the rest still build.

    With a `cache`, a job whose output is already the file its inputs make is neither
    rendered nor written (unless `force`). `workers` > 1 renders in that many processes;
    outputs are reported in plan order whatever order they finish in, so the result is
    the same as with one. `on_plan(to_render, cached)` is told what will be rendered before
    rendering starts; `images` is the module's images folder.
    """
    from handouts.workers import Task, render_all

    jobs = [job for job in jobs if job.source not in report.failed]
    guides = [job for job in jobs if job.guide is not None]
    jobs = [job for job in jobs if job.guide is None]
    loads = None
    if cache is not None:
        try:
            loads = resources(search, stylesheet_text(search))
        except ProblemsError:  # no usable stylesheet: every render reports it, nothing is kept
            cache = None
    keys: dict[int, str] = {}
    finished: dict[int, Output | None] = {}
    tasks: list[Task] = []
    for index, job in enumerate(jobs):
        if cache is not None:
            keys[index] = cache.key(job.html, loads, images)
            pages = None if force else cache.lookup(job.path, keys[index])
            if pages is not None:
                finished[index] = Output(job.lesson, job.edition, job.path, pages, cached=True)
                continue
        tasks.append(Task(index, job.html, job.source, job.path, search, images))
    if on_plan:
        on_plan([jobs[task.index] for task in tasks] + guides, len(finished))

    reported = 0

    def report_ready() -> None:
        """Report outputs in plan order: each once every job before it has finished."""
        nonlocal reported
        while reported < len(jobs) and reported in finished:
            output = finished[reported]
            reported += 1
            if output is not None:
                report.outputs.append(output)
                if on_output:
                    on_output(output)

    report_ready()
    for done in render_all(tasks, workers):
        job = jobs[done.index]
        finished[done.index] = None
        if done.pdf is None:
            report.problems += done.problems
            report.failed.append(job.source)
        else:
            try:
                write_atomically(job.path, done.pdf)
            except OSError as error:  # disk full, no permission: this PDF is lost, not the others
                report.problems.append(write_problem(error, job.path))
                report.failed.append(job.source)
            else:
                if cache is not None:
                    cache.store(job.path, keys[done.index], done.pdf, done.pages)
                finished[done.index] = Output(job.lesson, job.edition, job.path, done.pages)
        report_ready()
    for guide in guides:
        teacher = [
            (finished.get(i), keys.get(i, ""))
            for i, lesson_job in enumerate(jobs)
            if lesson_job.edition == TEACHER and lesson_job.paper == guide.paper
        ]
        renders = _Renders(search, images, cache, loads, force, workers)
        output = _guide(guide, teacher, renders, report)
        if output is not None:
            report.outputs.append(output)
            if on_output:
                on_output(output)
    return report


@dataclass(frozen=True)
class _Renders:
    """How the runner renders: where resources are, and the cache it keeps."""

    search: tuple[Path, ...]
    images: Path | None
    cache: OutputCache | None
    resources: Resources | None
    force: bool
    workers: int = 1


def _guide(
    job: Job,
    teacher: list[tuple[Output | None, str]],
    renders: _Renders,
    report: BuildReport,
) -> Output | None:
    """The teacher guide, joined from its own pages and the teacher editions just built.

    Its stamp folds in the teacher editions' own keys, so a guide whose lessons and own
    pages are unchanged is kept; its own pages are rendered through the cache too, so a
    lesson edit that moves no page number renders none of them again.
    """
    from handouts.renderer.pdf import Rendered
    from handouts.workers import Task, render_all

    assert job.guide is not None
    cache, loads, images = renders.cache, renders.resources, renders.images
    editions = [output for output, _ in teacher if output is not None]
    if len(editions) != len(job.guide.lessons):
        report.problems.append(
            Problem(
                job.source,
                "the teacher guide was not built: it joins every lesson's teacher edition, and"
                " not all of them were built",
                hint="fix the lessons reported above, then build again",
            )
        )
        report.failed.append(job.source)
        return None
    key = ""
    if cache is not None:
        assert loads is not None
        key = cache.key(job.html + "".join(k for _, k in teacher), loads, images)
        pages = None if renders.force else cache.lookup(job.path, key)
        if pages is not None:
            return Output(None, TEACHER, job.path, pages, cached=True)

    def render(html: str) -> Rendered:
        return render_pair(html, None)[0]

    def render_pair(first: str, second: str | None) -> tuple[Rendered, Rendered]:
        """The guide's own pages: from the cache, else rendered (two at once on two cores)."""
        htmls = [first] if second is None else [first, second]
        parts = [cache.key(h, loads, images) if cache is not None and loads else "" for h in htmls]
        found: dict[int, Rendered] = {}
        for index, part in enumerate(parts):
            kept = cache.part(part) if cache is not None and not renders.force else None
            if kept is not None:
                found[index] = Rendered(*kept)
        tasks = [
            Task(i, h, job.source, job.path, renders.search, images)
            for i, h in enumerate(htmls)
            if i not in found
        ]
        for done in render_all(tasks, renders.workers):
            if done.pdf is None:
                raise ProblemsError(list(done.problems))
            found[done.index] = Rendered(done.pdf, done.pages)
            if cache is not None:
                cache.store_part(parts[done.index], done.pdf, done.pages)
        return found[0], found.get(1, found[0])

    try:
        parts = [Rendered(o.path.read_bytes(), o.pages) for o in editions]
        paper_css = PAPER_CSS[job.paper]
        guide = assemble_guide(
            job.guide, parts, render, renders.search, paper_css, render_pair=render_pair
        )
        write_atomically(job.path, guide.pdf)
    except ProblemsError as error:
        report.problems += error.problems
        report.failed.append(job.source)
        return None
    except OSError as error:
        report.problems.append(write_problem(error, job.path))
        report.failed.append(job.source)
        return None
    if cache is not None:
        cache.store(job.path, key, guide.pdf, guide.pages)
    return Output(None, TEACHER, job.path, guide.pages)


def build(
    project: Project,
    editions: Iterable[Edition],
    paper: Paper | None = None,
    on_output: Callable[[Output], None] | None = None,
    *,
    force: bool = False,
    workers: int = 1,
    cached: bool = True,
    on_plan: Callable[[list[Job], int], None] | None = None,
) -> BuildReport:
    """Plan, then run: every edition of every valid lesson, and the guide when it is due.

    Outputs whose inputs have not changed since they were built are kept (`cached`),
    unless `force`; see `run` for `workers` and `on_plan`.
    """
    jobs, report = plan(project, editions, paper)
    layout = project.layout
    return run(
        jobs,
        layout.template_search,
        report,
        on_output,
        layout.images,
        cache=OutputCache(layout.build) if cached else None,
        force=force,
        workers=workers,
        on_plan=on_plan,
    )


@dataclass(frozen=True)
class Exported:
    """One file written by `export`."""

    lesson: LessonFile
    format: str
    path: Path
    unchanged: bool = False
    """The file already held these bytes, and was left as it was."""


ExportReport = Report[Exported]


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` already holds `data`. Exports take a fraction of a second to make, so
    they are made again each time; what the cache saves is rewriting an unchanged file."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def export(
    project: Project,
    formats: Iterable[str],
    options: ExportOptions,
    on_output: Callable[[Exported], None] | None = None,
) -> ExportReport:
    """Every format of every valid lesson, written into the lesson's build folder."""
    report = ExportReport(failed=list(project.failed))
    module = project.module
    if module is None or project.blocked:
        return report
    layout = project.layout
    for lesson_file in project.lessons:
        view = build_view(module, lesson_file, project.corpus, project.fonts, project.references)
        lesson = ExportLesson(
            module=module,
            lesson_file=lesson_file,
            view=view,
            corpus=project.corpus,
            references=project.references,
            fonts=project.fonts,
            search=layout.template_search,
            images=layout.images,
        )
        for name in formats:
            try:
                files = exporter(name)(lesson, options)
            except ProblemsError as error:
                report.problems += error.problems
                report.failed.append(lesson_file.path)
                continue
            for filename, data in files.items():
                path = layout.build / lesson_file.stem / filename
                unchanged = _holds(path, data)
                try:
                    if not unchanged:
                        write_atomically(path, data)
                except OSError as error:  # this file is lost, not the others
                    report.problems.append(write_problem(error, path))
                    report.failed.append(lesson_file.path)
                    continue
                exported = Exported(lesson_file, name, path, unchanged)
                report.outputs.append(exported)
                if on_output:
                    on_output(exported)
    return report
