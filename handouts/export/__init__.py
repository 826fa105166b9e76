"""Exports beyond PDF: a Word worksheet, Moodle and Canvas question banks, a web page.

Each format is a module here with one function, `export(lesson, options) -> {name: bytes}`,
that works from the validated lesson (its model and view data), never from the print HTML
or the PDF. Exporters return bytes; `handouts.build.export` writes them atomically into
the lesson's build folder. A format is imported only when it is asked for, so its library
(python-docx, say) costs nothing to the other commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kept out of the import, so `handouts --help` does not load the models
    from handouts.editions import Edition
    from handouts.loader.corpus import CorpusDocument
    from handouts.loader.project import LessonFile
    from handouts.schema import Module, WorkReference
    from handouts.typeset.fonts import Typesetter
    from handouts.view import LessonView


@dataclass(frozen=True)
class ExportLesson:
    """One valid lesson with everything an exporter may read."""

    module: Module
    lesson_file: LessonFile
    view: LessonView
    """The lesson made presentable (numbered excerpt lines, questions in print order...)."""
    corpus: dict[str, CorpusDocument]
    references: dict[str, WorkReference]
    fonts: Typesetter
    search: tuple[Path, ...]
    """The template search path: bundled fonts and any module overrides."""
    images: Path
    """The module's images folder (image documents load from here)."""


@dataclass(frozen=True)
class ExportOptions:
    editions: tuple[Edition, ...]
    """Editions asked for, for the formats that have editions (docx, html)."""
    with_answers: bool = False
    """Canvas only: put exemplars in the package (Canvas shows them to students)."""


Exporter = Callable[[ExportLesson, ExportOptions], dict[str, bytes]]

FORMATS: dict[str, str] = {
    "docx": "Word worksheet and teacher edition (.docx)",
    "moodle": "Moodle XML question bank (.xml)",
    "canvas": "Canvas question bank, a QTI 1.2 package (.zip)",
    "html": "accessible web page per edition (.html)",
}
"""Format name -> what it writes; the module handouts/export/<name>.py does it."""


def exporter(name: str) -> Exporter:
    """The `export` function of a format, imported now."""
    if name not in FORMATS:
        raise KeyError(name)
    return import_module(f"handouts.export.{name}").export
