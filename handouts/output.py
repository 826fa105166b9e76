"""Where outputs go and how they are written: atomically, inside build/ only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from handouts.editions import Edition
from handouts.schema import Paper


def output_path(build_dir: Path, stem: str, edition: Edition, paper: Paper, default: Paper) -> Path:
    """build/<stem>/<stem>-<edition>[-<paper>].pdf: names that make sense once downloaded."""
    return build_dir / stem / f"{stem}-{edition.name}{_paper_suffix(paper, default)}.pdf"


def guide_path(build_dir: Path, module_id: str, paper: Paper, default: Paper) -> Path:
    """build/<module>-teacher-guide[-<paper>].pdf."""
    return build_dir / f"{module_id}-teacher-guide{_paper_suffix(paper, default)}.pdf"


def _paper_suffix(paper: Paper, default: Paper) -> str:
    """Sizes other than the module's default get a suffix, so both sets can live side by side."""
    return "" if paper == default else f"-{paper.value}"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it.

    A failed or killed build leaves either the old complete file or the new
    complete one, never a truncated PDF.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for sharing
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
