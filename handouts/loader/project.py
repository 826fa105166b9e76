"""Gather and validate everything before anything is rendered (as mkdocs does).

The result is a Project: the module, the source corpus and every lesson that
passed, plus the problems of those that did not. Rendering never sees an
invalid lesson, and one bad file never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handouts.errors import Problem, Severity
from handouts.loader.checks import (
    check_charts,
    check_coverage,
    check_figures,
    check_guide,
    check_references,
)
from handouts.loader.corpus import CorpusDocument, load_corpus
from handouts.loader.validate import did_you_mean, load_model
from handouts.loader.yamlfile import Located
from handouts.schema import Lesson, Module

MODULE_FILE = "module.yaml"
SOURCES_DIR = "sources"


@dataclass(frozen=True)
class LessonFile:
    """A valid lesson and the file it came from."""

    path: Path
    lesson: Lesson

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass
class Project:
    """Everything a build needs, validated; or the reasons it is not."""

    lessons_dir: Path
    module: Module | None = None
    corpus: dict[str, CorpusDocument] = field(default_factory=dict)
    lessons: list[LessonFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)
    blocked: bool = False
    """The module file or the corpus is unusable: no lesson can be rendered."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.warning]


def lesson_paths(lessons_dir: Path) -> list[Path]:
    """Every lesson file: all *.yaml in lessons/ except module.yaml."""
    return sorted(p for p in lessons_dir.glob("*.yaml") if p.name != MODULE_FILE)


def order_lessons(
    paths: list[Path], module: Module | None, module_path: Path
) -> tuple[list[Path], list[Problem]]:
    """Module order first; files the order leaves out follow, with a warning each."""
    by_stem = {p.stem: p for p in paths}
    ordered = [by_stem[s] for s in (module.lessons if module else []) if s in by_stem]
    problems = []
    for path in paths:
        if path not in ordered:
            ordered.append(path)
            if module is not None:
                problems.append(
                    Problem(
                        path,
                        "this lesson is not in the module's lesson order; it is built last",
                        hint=f"add '{path.stem}' under 'lessons:' in {module_path.name}",
                        severity=Severity.warning,
                    )
                )
    return ordered, problems


def load_lesson(
    path: Path, corpus: dict[str, CorpusDocument]
) -> tuple[Lesson | None, Located | None, list[Problem]]:
    """One lesson file, validated and cross-checked against `corpus`; never raises for bad input."""
    lesson, located, problems = load_model(Lesson, path)
    if lesson is not None:
        problems += check_references(lesson, located, corpus)
        problems += check_figures(lesson, located, corpus)
        problems += check_charts(lesson, located, corpus)
    return lesson, located, problems


def _check_order(module: Module, located: Located, lessons_dir: Path) -> list[Problem]:
    """Every stem in the module's lesson order names a lesson file."""
    known = sorted(p.stem for p in lesson_paths(lessons_dir))
    problems = []
    for index, stem in enumerate(module.lessons):
        if stem not in known:
            problems.append(
                located.problem(
                    ("lessons", index),
                    f"no lesson file '{stem}.yaml'",
                    value=stem,
                    hint=did_you_mean(stem, known) or "remove it or create the file",
                )
            )
    return problems


def gather(root: Path, selected: Iterable[Path] | None = None) -> Project:
    """Load and validate the module, the corpus and the lessons (all, or `selected`)."""
    lessons_dir = root / "lessons"
    project = Project(lessons_dir=lessons_dir)
    module_path = lessons_dir / MODULE_FILE
    if module_path.exists():
        project.module, module_located, found = load_model(Module, module_path)
        project.problems += found
        if project.module is not None:
            project.problems += _check_order(project.module, module_located, lessons_dir)
    else:
        project.problems.append(
            Problem(
                module_path,
                "the module file is missing",
                hint="create lessons/module.yaml (see README.md)",
            )
        )
    project.corpus, found = load_corpus(lessons_dir / SOURCES_DIR)
    project.problems += found
    project.blocked = project.module is None or bool(project.errors)

    paths = list(selected) if selected is not None else lesson_paths(lessons_dir)
    if selected is None:
        paths, found = order_lessons(paths, project.module, module_path)
        project.problems += found

    ids: dict[str, Path] = {}
    for path in paths:
        lesson, located, found = load_lesson(path, project.corpus)
        if lesson is not None:
            if lesson.id in ids:
                found.append(
                    located.problem(
                        ("id",),
                        f"lesson id '{lesson.id}' is already used by {ids[lesson.id].name}",
                        value=lesson.id,
                        hint="every lesson needs its own id",
                    )
                )
            ids.setdefault(lesson.id, path)
        project.problems += found
        if lesson is None or any(p.severity is Severity.error for p in found):
            project.failed.append(path)
        else:
            project.lessons.append(LessonFile(path, lesson))
    if selected is None and not project.failed:
        project.problems += check_coverage([f.lesson for f in project.lessons], project.corpus)
    if project.module is not None and project.module.guide is not None:
        project.problems += check_guide(project.module.guide, module_located, project.corpus)
    return project
