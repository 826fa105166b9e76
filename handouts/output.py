"""Where outputs go and how they are written: atomically, inside build/ only."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from handouts.editions import Edition
from handouts.errors import Problem, ProblemsError, display_path, os_cause
from handouts.vocabulary import Paper

LOCK_FILE = ".handouts.lock"
"""In the build folder: held by the build writing there, so two builds never interleave."""


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


_WRITE_HINTS = {
    errno.ENOSPC: "free some space on the disk, then build again",
    errno.EDQUOT: "free some space on the disk, then build again",
    errno.EFBIG: "raise the limit ('ulimit -f unlimited') or ask whoever set it",
    errno.EROFS: "set 'folders: build:' in module.yaml to a folder you can write to",
    errno.EACCES: "make the folder writable for you, or set 'folders: build:' in module.yaml",
    errno.EPERM: "make the folder writable for you, or set 'folders: build:' in module.yaml",
    errno.ENOTDIR: "move the file out of the way, or set 'folders: build:' in module.yaml",
    errno.EEXIST: "move the file out of the way, or set 'folders: build:' in module.yaml",
}


def write_problem(error: OSError, path: Path) -> Problem:
    """A failed write as a user error: the path, the cause, what to do; old PDFs are kept.

    Located at `path`, or at the file standing where a folder is needed.
    """
    in_the_way = error.errno in (errno.ENOTDIR, errno.EEXIST) and isinstance(error.filename, str)
    where = Path(error.filename) if in_the_way else path
    hint = _WRITE_HINTS.get(error.errno or 0, "check the folder, then build again")
    return Problem(
        where,
        f"cannot write {display_path(path)}: {os_cause(error)}",
        hint=f"{hint}; the PDFs already there are unchanged",
    )


@contextlib.contextmanager
def build_lock(build_dir: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the build folder's lock: a second build calls `on_wait`, then waits its turn.

    The lock is released when the process ends, however it ends. A build folder
    that cannot be made or written is a ProblemsError naming it.
    """
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(build_dir / LOCK_FILE, os.O_RDONLY | os.O_CREAT, 0o666)
    except OSError as error:
        raise ProblemsError([write_problem(error, build_dir)]) from None
    with os.fdopen(handle, "rb") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
