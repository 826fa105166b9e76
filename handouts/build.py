"""Build: gather and validate everything, then render each valid lesson.

Outputs are a function of their inputs (lesson, corpus, templates, edition,
paper); nothing here knows about the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handouts.editions import TEACHER, Edition
from handouts.errors import Problem, ProblemsError
from handouts.guide import build_guide_view
from handouts.loader.project import MODULE_FILE, LessonFile, Project
from handouts.output import guide_path, output_path, write_atomically
from handouts.renderer.html import TEMPLATES_DIR, render_guide_html, render_html
from handouts.schema import Paper
from handouts.view import LessonView, build_view


@dataclass(frozen=True)
class Output:
    """One PDF written: an edition of a lesson, or the module's guide (lesson None)."""

    lesson: LessonFile | None
    edition: Edition
    path: Path
    pages: int


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)


def check_glyphs(lesson_file: LessonFile) -> Problem | None:
    """A problem naming every character the bundled fonts cannot print, if any."""
    import unicodedata

    from handouts.renderer.glyphs import unsupported_characters

    missing = unsupported_characters(lesson_file.lesson.model_dump_json())
    if not missing:
        return None
    names = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in missing)
    return Problem(
        lesson_file.path,
        f"the bundled fonts have no glyph for {names}",
        hint="replace the character, or add a font that has it to templates/fonts/",
    )


def build_lessons(
    project: Project,
    editions: Iterable[Edition],
    paper: Paper | None,
    build_dir: Path,
    templates_dir: Path = TEMPLATES_DIR,
    on_output=None,
    guide: bool = False,
) -> BuildReport:
    """Render every valid lesson of `project` in each edition into `build_dir`.

    With `guide`, and when every lesson built, also the module's teacher guide.
    """
    from handouts.renderer.pdf import render_pdf

    report = BuildReport(failed=list(project.failed))
    views: dict[Path, LessonView] = {}
    module = project.module
    if module is None:
        return report
    chosen = paper or module.paper
    for lesson_file in project.lessons:
        missing = check_glyphs(lesson_file)
        if missing:
            report.problems.append(missing)
            report.failed.append(lesson_file.path)
            continue
        view = build_view(module, lesson_file, project.corpus)
        views[lesson_file.path] = view
        try:
            for edition in editions:
                html = render_html(view, edition, chosen, templates_dir)
                rendered = render_pdf(html, lesson_file.path, templates_dir)
                path = output_path(build_dir, lesson_file.stem, edition, chosen, module.paper)
                write_atomically(path, rendered.pdf)
                output = Output(lesson_file, edition, path, rendered.pages)
                report.outputs.append(output)
                if on_output:
                    on_output(output)
        except ProblemsError as error:
            report.problems += error.problems
            report.failed.append(lesson_file.path)
    if guide and module.guide is not None and not report.failed and not project.errors:
        try:
            output = build_guide(
                project, [views[f.path] for f in project.lessons], chosen, build_dir, templates_dir
            )
        except ProblemsError as error:
            report.problems += error.problems
            report.failed.append(project.lessons_dir / MODULE_FILE)
        else:
            report.outputs.append(output)
            if on_output:
                on_output(output)
    return report


def build_guide(
    project: Project, views: list[LessonView], paper: Paper, build_dir: Path, templates_dir: Path
) -> Output:
    """build/<module>-teacher-guide.pdf: the module's pages and every teacher edition."""
    from handouts.renderer.pdf import render_pdf

    module = project.module
    assert module is not None and module.guide is not None
    view = build_guide_view(
        module, module.guide, [f.lesson for f in project.lessons], views, project.corpus
    )
    html = render_guide_html(view, paper, templates_dir)
    module_path = project.lessons_dir / MODULE_FILE
    rendered = render_pdf(html, module_path, templates_dir)
    path = guide_path(build_dir, module.id, paper, module.paper)
    write_atomically(path, rendered.pdf)
    return Output(None, TEACHER, path, rendered.pages)
