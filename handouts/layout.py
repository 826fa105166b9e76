"""Where a module's files are: found like git finds a repository, folders as settings.

A module is a folder holding `lessons/module.yaml`. Commands look for it
upward from the current folder (or from a lesson path given on the command
line), so they work from anywhere inside the module, and a lesson is always
checked against its own module's sources. Folder names are settings in
module.yaml (`folders:`), relative to the module folder, with the usual
layout as defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import Problem, ProblemsError
from handouts.vocabulary import FOLDER_DEFAULTS

if TYPE_CHECKING:
    from handouts.schema import Folders

MODULE_FILE = "module.yaml"
LESSON_SUFFIXES = (".yaml", ".yml")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
"""Image documents are PNG or JPEG files (never SVG: it can load files and run scripts)."""


def bundled_templates() -> Path:
    """The templates, CSS and fonts shipped in the package (the repository's templates/).

    `handouts/templates` is a link to the top-level folder in a checkout and a
    real folder in an installed wheel: one lookup serves both.
    """
    return Path(str(files("handouts") / "templates"))


def find_on_path(search: tuple[Path, ...], name: str) -> Path | None:
    """The first file called `name` in the folders of a template search path.

    A module's templates are input like its lessons: a link out of the template
    folders, or a FIFO or device in place of a file, is refused, never read.
    """
    roots = [folder.resolve() for folder in search]
    for folder in search:
        candidate = folder / name
        if not (candidate.is_symlink() or candidate.exists()):
            continue
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):  # a broken link, or a loop of links
            real = None
        if real is not None and real.is_file() and any(real.is_relative_to(r) for r in roots):
            return candidate
        raise ProblemsError(
            [
                Problem(
                    candidate,
                    "not read: it is a link to a file outside the template folders, a broken"
                    " link, or not a regular file",
                    hint="copy the file itself into the module's templates folder",
                )
            ]
        )
    return None


def find_module_file(start: Path) -> Path | None:
    """The nearest module.yaml at or above `start`, in a folder or in its lessons/ folder."""
    start = start.absolute()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        for candidate in (folder / MODULE_FILE, folder / "lessons" / MODULE_FILE):
            if candidate.is_file():
                return candidate
    return None


@dataclass(frozen=True)
class Layout:
    """The folders of one module, resolved."""

    root: Path
    module_file: Path
    lessons: Path
    sources: Path
    images: Path
    build: Path
    templates: Path
    schemas: Path

    @classmethod
    def at(cls, module_file: Path, folders: Folders | Mapping[str, str] | None = None) -> Layout:
        """The layout of the module whose file is `module_file` (it sits in the lessons folder).

        `folders` is the module's validated setting, or a plain mapping of some of them
        (read without the models, when a build checks whether anything changed).
        """
        module_file = module_file.absolute()
        root = module_file.parent.parent
        names = dict(FOLDER_DEFAULTS)
        if folders is not None:
            names.update(folders if isinstance(folders, Mapping) else folders.model_dump())
        return cls(
            root=root,
            module_file=module_file,
            lessons=root / names["lessons"],
            sources=root / names["sources"],
            images=root / names["images"],
            build=root / names["build"],
            templates=root / names["templates"],
            schemas=root / names["schemas"],
        )

    @property
    def template_search(self) -> tuple[Path, ...]:
        """The module's own templates first (file by file), then the bundled ones."""
        bundled = bundled_templates()
        own = self.templates.resolve()
        if own.is_dir() and own != bundled.resolve():
            return (own, bundled)
        return (bundled,)


def is_lesson_file(path: Path) -> bool:
    """A lesson: *.yaml or *.yml, not the module file, not an editor's lock or backup file.

    Not a folder; anything else by that name (a FIFO, a link to a device) is listed, so
    that reading it reports what it is instead of leaving it out unnoticed.
    """
    return (
        path.suffix in LESSON_SUFFIXES
        and path.name != MODULE_FILE
        and not path.name.startswith((".", "#"))
        and not path.is_dir()
    )


def lesson_paths(lessons_dir: Path) -> list[Path]:
    """Every lesson file of a lessons folder, in name order."""
    return sorted(p for p in lessons_dir.glob("*") if is_lesson_file(p))
