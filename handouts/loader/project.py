"""Gather and validate everything before anything is rendered (as mkdocs does).

The result is a Project: the module, the source corpus and every lesson that
passed, plus the problems of those that did not. Every check runs here, so
`handouts check` reports all that `handouts build` would; rendering never
sees an invalid lesson, and one bad file never hides the others. What the
checks learn (the spelling repairs each excerpt needs) travels forward in
the Project, so the view does not work it out again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from handouts.errors import Problem, Severity
from handouts.integrity.fidelity import repairs_used
from handouts.layout import MODULE_FILE, Layout, lesson_paths
from handouts.loader.checks import (
    check_charts,
    check_cited_works,
    check_coverage,
    check_facts,
    check_figures,
    check_guide,
    check_names,
    check_question_kinds,
    check_references,
    check_writing_space,
    cited_references,
    cited_sources,
    merge_references,
)
from handouts.loader.corpus import CorpusDocument, load_corpus
from handouts.loader.images import ImageFile, check_images
from handouts.loader.text import (
    check_characters,
    check_file_name,
    check_glyphs,
    check_long_words,
    check_markdown_images,
    check_placeholders,
)
from handouts.loader.validate import did_you_mean, load_model
from handouts.loader.yamlfile import Located
from handouts.schema import Lesson, Module, Normalisation, WorkReference
from handouts.typeset.fonts import Typesetter


@dataclass(frozen=True)
class LessonFile:
    """A valid lesson, the file it came from, and what its checks found out."""

    path: Path
    lesson: Lesson
    repairs: dict[str, list[Normalisation]] = field(default_factory=dict)
    """The declared spelling repairs each excerpt (by id) relies on."""
    images: dict[str, ImageFile] = field(default_factory=dict)
    """The checked file of each image document (by id)."""

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass
class Project:
    """Everything a build needs, validated; or the reasons it is not."""

    layout: Layout
    fonts: Typesetter
    module: Module | None = None
    corpus: dict[str, CorpusDocument] = field(default_factory=dict)
    references: dict[str, WorkReference] = field(default_factory=dict)
    lessons: list[LessonFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)
    complete: bool = True
    """Every lesson of the module was gathered (not a selection)."""
    blocked: bool = False
    """The module file or the corpus is unusable: no lesson can be rendered."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.error]


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
    path: Path,
    corpus: dict[str, CorpusDocument],
    fonts: Typesetter | None = None,
    font_folder: Path = Path("templates/fonts"),
    module: Module | None = None,
    broken: frozenset[str] = frozenset(),
    images: Path | None = None,
    inside: Iterable[Path] = (),
) -> tuple[Lesson | None, Located | None, list[Problem]]:
    """One lesson file, validated and cross-checked against `corpus`; never raises for bad input.

    `fonts` are those the lesson will print in (default: the bundled ones); `module`
    gives the known words and the checked facts of the guide; `images` is the folder
    image documents come from (default: `images` beside the lesson file). A lesson citing a
    `broken` source record (one that failed to load) is not cross-checked: every check
    against it would fail, and the record's own errors say what to fix. `inside`: the
    folders the file may lie in, links resolved (default: its own).
    """
    fonts = fonts or Typesetter.bundled()
    lesson, located, problems = load_model(Lesson, path, inside)
    problems += check_file_name(path)
    unusable = sorted(broken.intersection(cited_sources(lesson))) if lesson else []
    if lesson is not None and unusable:
        problems.append(
            Problem(
                path,
                "not checked against its documents: the source record"
                f"{'s' * (len(unusable) > 1)} of {', '.join(repr(u) for u in unusable)}"
                " could not be read",
                hint="fix the errors reported for the record first; then check again",
                severity=Severity.warning,
            )
        )
        problems += check_glyphs(located, fonts, font_folder)
    elif lesson is not None:
        references = {r.id: r for r in (*(module.references if module else ()), *lesson.references)}
        briefing = module.guide.briefing if module and module.guide else []
        problems += check_references(lesson, located, corpus, references)
        problems += check_cited_works(lesson, located, references)
        problems += check_figures(lesson, located, corpus, references, briefing)
        problems += check_charts(lesson, located, corpus)
        problems += check_glyphs(located, fonts, font_folder)
        problems += check_characters(located)
        problems += check_placeholders(located)
        problems += check_long_words(lesson, located)
        problems += check_writing_space(lesson, located)
        problems += check_question_kinds(lesson, located)
        problems += check_markdown_images(located)
        problems += check_images(lesson, located, images or path.parent / "images")[1]
        known = module.known_words if module else []
        works = cited_references(lesson, references)
        problems += check_names(lesson, located, corpus, known, [*lesson.facts, *briefing], works)
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


def _repairs(lesson: Lesson, corpus: dict[str, CorpusDocument]) -> dict[str, list[Normalisation]]:
    repairs = {}
    for excerpt in lesson.excerpts:
        doc = corpus[excerpt.source]
        repairs[excerpt.id] = repairs_used(excerpt, doc.text, doc.record.normalisations)
    return repairs


def open_module(module_file: Path) -> tuple[Module | None, Located | None, list[Problem], Layout]:
    """The module file, validated, and the layout it declares (the usual one if it is broken)."""
    module, located, problems = load_model(
        Module, module_file, (module_file.absolute().parents[1],)
    )
    return module, located, problems, Layout.at(module_file, module.folders if module else None)


def gather(
    module_file: Path, selected: Iterable[Path] | None = None, templates: Path | None = None
) -> Project:
    """Load and validate the module, the corpus and the lessons (all, or `selected`).

    `templates` replaces the module's own template folder (the bundled one stays beneath).
    """
    module, module_located, found, layout = open_module(module_file)
    if templates is not None:
        layout = replace(layout, templates=templates.absolute())
    fonts = Typesetter(layout.template_search)
    font_folder = layout.templates / "fonts"
    project = Project(layout=layout, fonts=fonts, module=module, complete=selected is None)
    project.problems += found
    if module is not None:
        project.problems += _check_order(module, module_located, layout.lessons)
        project.problems += check_glyphs(module_located, fonts, font_folder)
        project.problems += check_markdown_images(module_located)
        project.problems += check_characters(module_located)
    project.corpus, found = load_corpus(layout.sources, (layout.root, layout.sources))
    project.problems += found
    broken = frozenset(
        p.file.stem
        for p in found
        if p.severity is Severity.error and p.file.stem not in project.corpus
    )
    for doc in project.corpus.values():
        project.problems += check_glyphs(doc.located, fonts, font_folder)
        project.problems += check_characters(doc.located)
        project.problems += check_placeholders(doc.located)
    project.blocked = module is None or bool(project.errors)

    paths = list(selected) if selected is not None else lesson_paths(layout.lessons)
    if selected is None:
        paths, found = order_lessons(paths, module, layout.module_file)
        project.problems += found

    ids: dict[str, Path] = {}
    loaded: list[tuple[Lesson, Located]] = []
    for path in paths:
        lesson, located, found = load_lesson(
            path,
            project.corpus,
            fonts,
            font_folder,
            module,
            broken=broken,
            images=layout.images,
            inside=(layout.root, layout.lessons),
        )
        if lesson is not None:
            loaded.append((lesson, located))
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
        if (
            lesson is None
            or any(p.severity is Severity.error for p in found)
            or broken.intersection(cited_sources(lesson))
        ):
            project.failed.append(path)
        else:
            images = check_images(lesson, located, layout.images)[0]  # decoded once: cached
            project.lessons.append(
                LessonFile(path, lesson, _repairs(lesson, project.corpus), images)
            )

    sets = [(lesson.references, located) for lesson, located in loaded]
    if module is not None:
        sets.insert(0, (module.references, module_located))
    project.references, found = merge_references(sets)
    project.problems += found
    if selected is None and not project.failed:
        project.problems += check_coverage([f.lesson for f in project.lessons], project.corpus)
    if module is not None and module.guide is not None:
        own = {reference.id: reference for reference in module.references}
        project.problems += check_guide(
            module.guide, module_located, project.corpus, module.known_words, own
        )
        project.problems += check_facts(
            module.guide.briefing, ("guide", "briefing"), module_located, own
        )
    return project


def missing_module(path: Path) -> Problem:
    """The problem for a path that lies in no module."""
    return Problem(
        path,
        f"no module here: no {MODULE_FILE} in this folder, its lessons/ folder, or any folder"
        " above it",
        hint="run handouts inside a module folder (one holding lessons/module.yaml),"
        " or give --root",
    )
