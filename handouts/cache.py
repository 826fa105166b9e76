"""The output cache: a PDF is rendered again only when something it depends on changed.

As Pelican does, each output is stamped with a hash of everything it depends
on: the exact HTML handed to the renderer (which folds in the lesson, the
corpus, the module, the edition and the paper), the stylesheet, fonts and
images it may load, and the code and library versions that turn HTML into a
PDF. The stamp lives in the build folder (`.handouts-cache/`), one small JSON
file per output, written after the PDF itself. An output is reused only when
its stamp is readable, its key matches and the file on disk is the very file
the stamp describes (size and SHA-256): a deleted or edited PDF, or a damaged
stamp, is rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import handouts

CACHE_FOLDER = ".handouts-cache"
"""Inside the build folder. Deleting it (or `build --force`) rebuilds everything."""
PARTS = "parts"
"""Inside the cache folder: documents rendered to be joined into an output (the guide's own
pages), kept so that a rebuild that leaves them unchanged does not render them again."""
KEPT_PARTS = 16
"""Parts kept: the guide's own pages take four for each paper size."""
RENDERER_CODE = ("renderer", "typeset")
"""Package folders whose code shapes the PDF beyond the HTML (tagging, fonts, finishing)."""
LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pillow", "tinycss2", "cssselect2")
"""Libraries whose version changes the bytes of a PDF rendered from the same HTML."""
TEMPLATE_SUFFIX = ".j2"
"""Templates shape the HTML, which is hashed itself; everything else in a template folder
(stylesheet, fonts) is loaded by the renderer and hashed as a resource."""


def digest(*parts: bytes | str) -> str:
    """SHA-256 of the parts, each length-prefixed so that ('ab', 'c') != ('a', 'bc')."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def tree_digest(folders: Iterable[Path], keep=lambda path: True) -> str:
    """One hash of every file under `folders` that `keep` accepts: names and contents.

    A folder that does not exist counts as empty; an unreadable file counts by name only
    (rendering will report it).
    """
    parts: list[str] = []
    for folder in folders:
        parts.append(str(folder))
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and keep(p)):
            parts.append(str(path.relative_to(folder)))
            try:
                parts.append(file_digest(path))
            except OSError:
                parts.append("unreadable")
    return digest(*parts)


@cache
def renderer_salt() -> str:
    """What turns the same HTML into different PDF bytes: our renderer code, library versions."""
    package = Path(__file__).parent
    parts = [handouts.__version__, tree_digest([package / name for name in RENDERER_CODE])]
    for library in LIBRARIES:
        try:
            parts.append(f"{library} {metadata.version(library)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{library} absent")
    return digest(*parts)


@dataclass(frozen=True)
class Resources:
    """What the renderer may load from the template folders: the stylesheet every document
    uses, and the other files (fonts, images of a module's own design) by name."""

    stylesheet: str
    files: dict[str, str]
    """Path within the template folders -> SHA-256 of the file that path finds first."""

    def digest_for(self, html: str) -> str:
        """The resources a document made from `html` can load: the stylesheet, and each file
        the stylesheet or the HTML names (so a change to a file no document names, such as
        the web edition's stylesheet, renders no PDF again)."""
        text = self.stylesheet + html
        named = [
            part
            for name, sha in sorted(self.files.items())
            if name in text or name.rsplit("/", 1)[-1] in text
            for part in (name, sha)
        ]
        return digest(self.stylesheet, *named)


def resources(search: tuple[Path, ...], stylesheet: str) -> Resources:
    """The files of the template folders other than templates, each as the renderer finds it
    (the first along the search path): a module folder that overrides a template only
    changes no resource."""
    found: dict[str, Path] = {}
    for folder in search:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and not name.endswith(TEMPLATE_SUFFIX):
                found.setdefault(name, path)
    files = {}
    for name, path in found.items():
        try:
            files[name] = file_digest(path)
        except OSError:
            files[name] = "unreadable"
    return Resources(stylesheet, files)


def images_digest(html: str, images: Path | None) -> str:
    """The image documents this HTML names (a change to another image does not touch it)."""
    if images is None or not images.is_dir():
        return ""
    named = sorted(p for p in images.iterdir() if p.is_file() and p.name in html)
    return digest(*(part for p in named for part in (p.name, file_digest(p))))


def write_record(path: Path, record: object) -> None:
    """A JSON record written whole or not at all (a temporary file renamed over it), so a
    reader never meets half of one. Raises OSError; callers in the cache leave it out."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    temporary.replace(path)


@dataclass(frozen=True)
class Entry:
    key: str
    sha256: str
    size: int
    pages: int


class OutputCache:
    """Stamps of the outputs in one build folder."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self.folder = build_dir / CACHE_FOLDER

    def key(self, html: str, resources: Resources, images: Path | None) -> str:
        """The hash of everything a PDF made from `html` depends on."""
        return digest(
            renderer_salt(), resources.digest_for(html), images_digest(html, images), html
        )

    def _stamp(self, output: Path) -> Path:
        try:
            name = output.relative_to(self.build_dir).as_posix()
        except ValueError:
            name = str(output)
        return self.folder / f"{digest(name)[:40]}.json"

    def lookup(self, output: Path, key: str) -> int | None:
        """The page count of `output` if it is the file made from `key`, else None."""
        try:
            raw = json.loads(self._stamp(output).read_text(encoding="utf-8"))
            entry = Entry(**raw)
            if entry.key != key or not isinstance(entry.pages, int):
                return None
            if output.stat().st_size != entry.size or file_digest(output) != entry.sha256:
                return None
        except (OSError, ValueError, TypeError):  # missing, damaged or foreign: not trusted
            return None
        return entry.pages

    def store(self, output: Path, key: str, pdf: bytes, pages: int) -> None:
        """Stamp `output` (already written) as made from `key`.

        The cache only saves time: a stamp that cannot be written is left out, and the
        output is rendered again next time.
        """
        entry = Entry(key, hashlib.sha256(pdf).hexdigest(), len(pdf), pages)
        with contextlib.suppress(OSError):
            write_record(self._stamp(output), entry.__dict__)

    def part(self, key: str) -> tuple[bytes, int] | None:
        """A document rendered earlier from `key` that is not an output (the guide's own
        pages, which are joined into it): its bytes and pages, if intact."""
        try:
            raw = json.loads((self.folder / PARTS / f"{key}.json").read_text(encoding="utf-8"))
            pdf = (self.folder / PARTS / f"{key}.pdf").read_bytes()
            if hashlib.sha256(pdf).hexdigest() != raw["sha256"] or not isinstance(
                raw["pages"], int
            ):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return pdf, raw["pages"]

    def store_part(self, key: str, pdf: bytes, pages: int) -> None:
        """Keep a part for next time; only the newest `KEPT_PARTS` are kept."""
        folder = self.folder / PARTS
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{key}.pdf").write_bytes(pdf)
            record = {"sha256": hashlib.sha256(pdf).hexdigest(), "pages": pages}
            write_record(folder / f"{key}.json", record)
            stamps = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            for old in stamps[:-KEPT_PARTS]:
                old.unlink()
                old.with_suffix(".pdf").unlink(missing_ok=True)
