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

from handouts.editions import TEACHER, Edition
from handouts.errors import Problem, ProblemsError
from handouts.export import ExportLesson, ExportOptions, exporter
from handouts.guide import build_guide_view
from handouts.loader.project import LessonFile, Project
from handouts.output import guide_path, output_path, write_atomically, write_problem
from handouts.renderer.templates import render_template
from handouts.schema import Paper
from handouts.view import LessonView, build_view

LESSON_TEMPLATE = "lesson.html.j2"
GUIDE_TEMPLATE = "guide.html.j2"
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


@dataclass(frozen=True)
class Output:
    """One PDF written."""

    lesson: LessonFile | None
    edition: Edition
    path: Path
    pages: int


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)


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
        try:
            html = render_template(
                search, GUIDE_TEMPLATE, guide=guide, edition=TEACHER, paper_css=PAPER_CSS[chosen]
            )
        except ProblemsError as error:
            report.problems += error.problems
            report.failed.append(project.layout.module_file)
        else:
            path = guide_path(project.layout.build, module.id, chosen, module.paper)
            jobs.append(Job(None, TEACHER, chosen, path, project.layout.module_file, html))
    return jobs, report


def run(
    jobs: list[Job],
    search: tuple[Path, ...],
    report: BuildReport,
    on_output: Callable[[Output], None] | None = None,
    images: Path | None = None,
) -> BuildReport:
    """Render and write every job; one failure is reported and the rest still build.

    `images` is the module's images folder, which image documents are loaded from.
    """
    from handouts.renderer.pdf import render_pdf

    for job in jobs:
        if job.source in report.failed:
            continue
        try:
            rendered = render_pdf(job.html, job.source, search, images)
        except ProblemsError as error:
            report.problems += error.problems
            report.failed.append(job.source)
            continue
        try:
            write_atomically(job.path, rendered.pdf)
        except OSError as error:  # disk full, no permission: this PDF is lost, not the others
            report.problems.append(write_problem(error, job.path))
            report.failed.append(job.source)
            continue
        output = Output(job.lesson, job.edition, job.path, rendered.pages)
        report.outputs.append(output)
        if on_output:
            on_output(output)
    return report


def build(
    project: Project,
    editions: Iterable[Edition],
    paper: Paper | None = None,
    on_output: Callable[[Output], None] | None = None,
) -> BuildReport:
    """Plan, then run: every edition of every valid lesson, and the guide when it is due."""
    jobs, report = plan(project, editions, paper)
    return run(jobs, project.layout.template_search, report, on_output, project.layout.images)


@dataclass(frozen=True)
class Exported:
    """One file written by `export`."""

    lesson: LessonFile
    format: str
    path: Path


@dataclass
class ExportReport:
    outputs: list[Exported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)


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
                try:
                    write_atomically(path, data)
                except OSError as error:  # this file is lost, not the others
                    report.problems.append(write_problem(error, path))
                    report.failed.append(lesson_file.path)
                    continue
                exported = Exported(lesson_file, name, path)
                report.outputs.append(exported)
                if on_output:
                    on_output(exported)
    return report
