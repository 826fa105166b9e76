"""Watching a module's files: which saved file means which lessons to build again.

`handouts build --watch` and `handouts preview` both follow a module this way.
A lesson file changed means that lesson; the module file, a source (text or
record), an image or a template changed means every lesson, since any of them
may print it. The build folder is our own output and never a reason to build.

File events (inotify) do not arrive from synced or network folders (NFS, SMB,
sshfs, a VirtualBox share): there the watcher polls instead, every 300 ms. It
polls when asked (`--poll`, or `HANDOUTS_POLL=1`) and when the module lies on a
network file system (read from /proc/self/mounts).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import display_path
from handouts.layout import Layout, is_lesson_file

POLL_ENV = "HANDOUTS_POLL"
POLL_DELAY_MS = 300
QUIET_MS = 50
"""A save is often several writes (a temporary file, then a rename): wait this long for more."""

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "vboxsf",
        "vmhgfs",
        "fuse.vmhgfs-fuse",
        "fuse.sshfs",
        "sshfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.gvfsd-fuse",
        "fuse.s3fs",
        "fuse.dropbox",
        "afs",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "drvfs",
        "prl_fs",
    }
)
"""File systems where inotify sees only this machine's writes, or none at all."""


@dataclass(frozen=True)
class Rebuild:
    """What a set of changed files asks for: every lesson (`lessons` None) or those lessons."""

    lessons: frozenset[Path] | None

    @property
    def everything(self) -> bool:
        return self.lessons is None

    def __or__(self, other: Rebuild) -> Rebuild:
        if self.lessons is None or other.lessons is None:
            return EVERYTHING
        return Rebuild(self.lessons | other.lessons)


EVERYTHING = Rebuild(None)


def _under(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def affected(
    changed: Iterable[Path], layout: Layout, templates: Path | None = None
) -> Rebuild | None:
    """What to build again after `changed` files (None: nothing of the module changed).

    `templates` is a template folder given on the command line, which replaces the
    module's own.
    """
    template_folders = [_absolute(layout.templates)]
    if templates is not None:
        template_folders.append(_absolute(templates))
    build = _absolute(layout.build)
    lessons: set[Path] = set()
    for raw in changed:
        path = _absolute(raw)
        name = path.name
        if _under(path, build) or name.startswith((".", "#")) or name.endswith("~"):
            continue  # our own output, an editor's lock, backup or temporary file
        if path == _absolute(layout.module_file) or any(
            _under(path, folder) for folder in (layout.sources, layout.images, *template_folders)
        ):
            return EVERYTHING
        if path.parent == _absolute(layout.lessons) and is_lesson_file(path):
            if not path.exists():  # a lesson removed (or renamed): the module's order changed
                return EVERYTHING
            lessons.add(path)
    return Rebuild(frozenset(lessons)) if lessons else None


def watched_folders(layout: Layout, templates: Path | None = None) -> list[Path]:
    """The folders a module's input lives in (those that exist), none inside another."""
    candidates = [layout.module_file.parent, layout.lessons, layout.sources, layout.images]
    candidates += [layout.templates] + ([templates] if templates is not None else [])
    folders = sorted(
        {_absolute(c) for c in candidates if c.is_dir()}, key=lambda p: (len(p.parts), p)
    )
    kept: list[Path] = []
    for folder in folders:
        if not any(_under(folder, outer) for outer in kept):
            kept.append(folder)
    return kept


def network_filesystem(path: Path, mounts: Path = Path("/proc/self/mounts")) -> str | None:
    """The type of the network file system `path` lies on, if it is one (Linux only)."""
    try:
        table = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    path = Path(os.path.realpath(path))
    best: tuple[int, str] | None = None
    for line in table:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = Path(fields[1].replace("\\040", " "))
        if _under(path, point) and (best is None or len(point.parts) > best[0]):
            best = (len(point.parts), fields[2])
    if best is not None and best[1] in NETWORK_FILESYSTEMS:
        return best[1]
    return None


def polling(asked: bool, folders: Iterable[Path]) -> str | None:
    """Why the watcher polls ('--poll', 'HANDOUTS_POLL=1', 'nfs4 folder'), or None: events."""
    if asked:
        return "--poll"
    if os.environ.get(POLL_ENV, "").strip() not in ("", "0"):
        return f"{POLL_ENV}={os.environ[POLL_ENV]}"
    for folder in folders:
        kind = network_filesystem(folder)
        if kind is not None:
            return f"{kind} folder"
    return None


def describe(folders: list[Path], why: str | None) -> str:
    """'Watching lessons by file events.': what is watched, and how."""
    names = ", ".join(display_path(folder) for folder in folders)
    how = f"polling every {POLL_DELAY_MS} ms ({why})" if why else "file events"
    return f"Watching {names} by {how}."


class Watcher:
    """Changed files, from a thread that watches the folders (so the main thread stays free
    to handle Ctrl-C and to render)."""

    def __init__(self, folders: list[Path], poll: bool):
        self.folders = folders
        self.poll = poll
        self._changes: queue.Queue[set[Path]] = queue.Queue()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="handouts-watch", daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        self._ready.wait(timeout=5)  # events from now on are seen
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    def _watch(self) -> None:
        if self.poll:
            self._poll()
            return
        from watchfiles import watch

        watching = watch(
            *self.folders,
            watch_filter=None,  # `affected` decides; the default filter would hide e.g. '#x.yaml'
            debounce=QUIET_MS * 4,
            step=QUIET_MS,
            stop_event=self._stop,
            rust_timeout=250,
            yield_on_timeout=True,
            raise_interrupt=False,
        )
        for changes in watching:
            self._ready.set()
            if changes:
                self._changes.put({Path(path) for _kind, path in changes})

    def _poll(self) -> None:
        """Compare every file's size, inode and modification time (ns) every 300 ms.

        Not watchfiles' own polling: it takes its first look in a thread of its own, at a
        moment we cannot know, so a save just after the start could be taken for the state
        to compare against and never reported (the test's watcher once waited forever).
        Here the watcher is ready only once its first look is taken.
        """
        seen = _scan(self.folders)
        self._ready.set()
        while not self._stop.wait(POLL_DELAY_MS / 1000):
            now = _scan(self.folders)
            changed = {path for path in seen.keys() | now.keys() if seen.get(path) != now.get(path)}
            seen = now
            if changed:
                self._changes.put(changed)

    def wait(self, timeout: float) -> set[Path]:
        """The files changed since the last call, merged; empty if none changed in `timeout`."""
        try:
            batch = self._changes.get(timeout=timeout)
        except queue.Empty:
            return set()
        while True:
            try:
                batch |= self._changes.get_nowait()
            except queue.Empty:
                return batch

    def changes(self, timeout: float = 0.25) -> Iterator[set[Path]]:
        """Every batch of changed files, merged with any that arrived meanwhile; forever."""
        while not self._stop.is_set():
            batch = self.wait(timeout)
            if batch:
                yield batch


def _scan(folders: Iterable[Path]) -> dict[Path, tuple[int, int, int]]:
    """(modification time in ns, size, inode) of every file in `folders` and below."""
    found: dict[Path, tuple[int, int, int]] = {}
    for folder in folders:
        for parent, _dirs, names in os.walk(folder):
            for name in names:
                path = Path(parent) / name
                try:
                    info = path.stat()
                except OSError:  # gone since the listing
                    continue
                found[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return found
