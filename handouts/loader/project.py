"""Gather and validate everything before anything is rendered (as mkdocs does).

The result is a Project: the module, the source corpus and every lesson that
passed, plus the problems of those that did not. Rendering never sees an
invalid lesson, and one bad file never hides the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handouts.errors import Problem, ProblemsError, Severity, format_field
from handouts.integrity.fidelity import find_mismatch
from handouts.loader.validate import did_you_mean, validate
from handouts.loader.yamlfile import Located, load_yaml
from handouts.schema import Lesson, Module, Source

MODULE_FILE = "module.yaml"
SOURCES_DIR = "sources"


@dataclass(frozen=True)
class CorpusDocument:
    """A corpus record with its full text."""

    record: Source
    text: str
    path: Path


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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.warning]


def _load(model, path: Path):
    """(model, located, problems) for one file; never raises for user errors."""
    try:
        located = load_yaml(path)
    except ProblemsError as error:
        return None, None, error.problems
    value, problems = validate(model, located)
    return value, located, problems


def load_corpus(directory: Path) -> tuple[dict[str, CorpusDocument], list[Problem]]:
    """Every record in lessons/sources/ with its text, checked for fixity."""
    corpus: dict[str, CorpusDocument] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        record, located, found = _load(Source, path)
        problems += found
        if record is None:
            continue
        text_path = path.with_suffix(".txt")
        if record.id != path.stem:
            problems.append(
                located.problem(
                    ("id",),
                    f"id '{record.id}' differs from the file name",
                    hint=f"name the file '{record.id}.yaml'",
                )
            )
        try:
            raw = text_path.read_bytes()
        except OSError:
            problems.append(
                Problem(
                    path,
                    f"the text file {text_path.name} is missing",
                    hint="keep the full text beside the record",
                )
            )
            continue
        if hashlib.sha256(raw).hexdigest() != record.sha256:
            problems.append(
                located.problem(
                    ("sha256",),
                    f"{text_path.name} has changed since it was received (SHA-256 differs)",
                    hint="restore the text exactly as received; never correct a source in place",
                )
            )
        text = raw.decode("utf-8")
        for index, repair in enumerate(record.normalisations):
            if repair.find not in text:
                problems.append(
                    located.problem(
                        ("normalisations", index, "find"),
                        "this text does not occur in the source",
                        value=repair.find,
                    )
                )
        corpus[record.id] = CorpusDocument(record, text, path)
    return corpus, problems


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


def check_references(
    lesson: Lesson, located: Located, corpus: dict[str, CorpusDocument]
) -> list[Problem]:
    """Cross-references inside a lesson and into the corpus, and excerpt fidelity."""
    problems: list[Problem] = []

    def add(where: tuple, message: str, **options) -> None:
        problems.append(located.problem(where, message, **options))

    for name, items, key in (
        ("sources", lesson.sources, "id"),
        ("questions", lesson.questions, "id"),
        ("vocabulary", lesson.vocabulary, "term"),
    ):
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = getattr(item, key)
            if value in seen:
                add(
                    (name, index, key),
                    f"duplicate {key} '{value}' (also {name}[{seen[value]}])",
                    value=value,
                    hint="every entry needs its own id",
                )
            seen.setdefault(value, index)

    excerpt_ids = {excerpt.id for excerpt in lesson.sources}
    for index, excerpt in enumerate(lesson.sources):
        doc = corpus.get(excerpt.source)
        if doc is None:
            add(
                ("sources", index, "source"),
                f"unknown corpus document '{excerpt.source}'",
                value=excerpt.source,
                hint=did_you_mean(excerpt.source, sorted(corpus))
                or "the id of a record in lessons/sources/",
            )
            continue
        parts = {part.id for part in doc.record.parts}
        if excerpt.part is not None and excerpt.part not in parts:
            add(
                ("sources", index, "part"),
                f"'{excerpt.source}' has no part '{excerpt.part}'",
                value=excerpt.part,
                hint=did_you_mean(excerpt.part, sorted(parts))
                or f"parts: {', '.join(sorted(parts)) or 'none'}",
            )
        problems += _check_fidelity(excerpt, index, doc, located)

    for index, entry in enumerate(lesson.timeline):
        if entry.source not in corpus:
            add(
                ("timeline", index, "source"),
                f"unknown corpus document '{entry.source}'",
                value=entry.source,
                hint=did_you_mean(entry.source, sorted(corpus)),
            )

    cited: set[str] = set()
    for index, question in enumerate(lesson.questions):
        for j, ref in enumerate(question.sources):
            cited.add(ref)
            if ref not in excerpt_ids:
                add(
                    ("questions", index, "sources", j),
                    f"unknown excerpt '{ref}'",
                    value=ref,
                    hint=did_you_mean(ref, sorted(excerpt_ids))
                    or f"excerpt ids in this lesson: {', '.join(sorted(excerpt_ids))}",
                )
        if not question.sources:
            add(
                ("questions", index),
                f"question '{question.id}' cites no source",
                hint="list the excerpt ids it is about under 'sources'",
            )
    for index, excerpt in enumerate(lesson.sources):
        if excerpt.id not in cited:
            add(
                ("sources", index, "id"),
                f"no question uses excerpt '{excerpt.id}'",
                value=excerpt.id,
                hint="cite it in some question's 'sources', or remove it",
            )

    planned = sum(activity.minutes for activity in lesson.activities)
    if lesson.activities and planned != lesson.duration:
        add(
            ("activities",),
            f"the activities add up to {planned} minutes, the lesson to {lesson.duration}",
            hint="adjust the minutes or the duration",
            severity=Severity.warning,
        )
    return problems


def _check_fidelity(excerpt, index: int, doc: CorpusDocument, located: Located) -> list[Problem]:
    if excerpt.adapted:
        if excerpt.original is None:
            return [
                located.problem(
                    ("sources", index, "original"),  # absent: located at the excerpt
                    "an adapted excerpt must give the original passage",
                    hint="add 'original:' with the passage word for word",
                )
            ]
        target, key = excerpt.model_copy(update={"text": excerpt.original}), "original"
    else:
        target, key = excerpt, "text"
    mismatch = find_mismatch(target, doc.text, doc.record.normalisations)
    if mismatch is None:
        return []
    where = ("sources", index, key)
    mark = located.mark(where)
    line = mark.line + located.block_offset(where) + mismatch.line_offset
    return [
        Problem(
            located.path,
            f"excerpt does not match {doc.record.id}: {mismatch.message}",
            line,
            None if line != mark.line else mark.column,
            format_field(where),
            hint="quote the source word for word; mark cuts with '...'; or set"
            " 'adapted: true' and give the 'original'",
        )
    ]


def load_lesson(
    path: Path, corpus: dict[str, CorpusDocument]
) -> tuple[Lesson | None, Located | None, list[Problem]]:
    """One lesson file, validated and cross-checked against `corpus`; never raises for bad input."""
    lesson, located, problems = _load(Lesson, path)
    if lesson is not None:
        problems += check_references(lesson, located, corpus)
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
        project.module, module_located, found = _load(Module, module_path)
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
    return project
