"""Build: gather and validate everything, then render each valid lesson.

Outputs are a function of their inputs (lesson, corpus, templates, edition,
paper); nothing here knows about the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handouts.editions import Edition
from handouts.errors import Problem, ProblemsError
from handouts.loader.project import LessonFile, Project
from handouts.output import output_path, write_atomically
from handouts.renderer.html import TEMPLATES_DIR, render_html
from handouts.schema import Paper
from handouts.view import build_view


@dataclass(frozen=True)
class Output:
    """One PDF written."""

    lesson: LessonFile
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
) -> BuildReport:
    """Render every valid lesson of `project` in each edition into `build_dir`."""
    from handouts.renderer.pdf import render_pdf

    report = BuildReport(failed=list(project.failed))
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
    return report
