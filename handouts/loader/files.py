"""The one way input files are read: regular files inside the module, bounded, UTF-8.

Lesson, module and source files are untrusted. A link may point anywhere
(/etc/passwd, /dev/zero), a FIFO blocks a reader forever, a device never
ends, and text arrives in whatever encoding an editor chose. So every input
is resolved and must lie inside the module, is checked with `stat` before it
is opened (never opened when it is not a regular file), is refused when
larger than its limit before a byte is read, and is decoded as UTF-8 with an
error that names the encoding the bytes look like.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from handouts.errors import Problem, ProblemsError, os_cause

YAML_LIMIT = 1_000_000
"""Bytes in a lesson, module or source-record file."""
TEXT_LIMIT = 10_000_000
"""Bytes in a source text (the longest document of the module is under 100 KB)."""

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse(path: Path, message: str, hint: str | None = None) -> ProblemsError:
    return ProblemsError([Problem(path, message, hint=hint)])


def _inside(path: Path, folders: Iterable[Path]) -> bool:
    return any(path.is_relative_to(folder.resolve()) for folder in folders)


def read_bytes(
    path: Path, inside: Iterable[Path] = (), limit: int = YAML_LIMIT, hint: str | None = None
) -> bytes:
    """The bytes of `path`, a regular file within `limit` bytes that lies in one of `inside`.

    `inside` (default: the file's own folder) is where the file, links resolved, may
    be; `hint` says what to do about a file over the limit. Raises ProblemsError.
    """
    inside = tuple(inside) or (path.absolute().parent,)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links
        cause = os_cause(error) if isinstance(error, OSError) else "a loop of symbolic links"
        raise _refuse(path, f"cannot read the file: {cause}") from None
    if not _inside(real, inside):
        raise _refuse(
            path,
            "the file is a link to a file outside the module folder; it is not read",
            hint="copy the file into the module instead of linking to it",
        )
    try:
        info = os.stat(real)
    except OSError as error:
        raise _refuse(path, f"cannot read the file: {os_cause(error)}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        raise _refuse(path, f"this is {kind}, not a file; it is not read")
    if info.st_size > limit:
        raise _refuse(path, f"file is {info.st_size:,} bytes; the limit is {limit:,}", hint)
    try:
        # O_NONBLOCK: had the file been swapped for a FIFO since the stat, opening must not hang.
        handle = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(handle, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise _refuse(path, "this is not a regular file; it is not read")
            raw = stream.read(limit + 1)
    except OSError as error:
        raise _refuse(path, f"cannot read the file: {os_cause(error)}") from None
    if len(raw) > limit:
        raise _refuse(path, f"file is over {limit:,} bytes; the limit is {limit:,}", hint)
    return raw


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian, with a byte-order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian, with a byte-order mark)"),
)


def guess_encoding(raw: bytes) -> str:
    """What bytes that are not UTF-8 look like: a byte-order mark, NUL bytes, or 8-bit text."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    sample = raw[:4096]
    if b"\x00" in sample:
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        half = len(sample) // 2 or 1
        if odd > 0.3 * half and even < 0.05 * half:
            return "UTF-16 (little-endian, without a byte-order mark)"
        if even > 0.3 * half and odd < 0.05 * half:
            return "UTF-16 (big-endian, without a byte-order mark)"
        return "binary data, not text"
    controls = sum(byte < 0x20 and byte not in b"\t\n\r\f" for byte in sample)
    if controls > 0.1 * len(sample):
        return "binary data, not text"
    try:
        decoded = sample.decode("cp1252")
    except UnicodeDecodeError:
        return "text in an 8-bit encoding such as Latin-1"
    if any(0x80 <= ord(c) <= 0x9F for c in decoded):
        return "text in an 8-bit encoding such as Latin-1"
    return "Latin-1 or Windows-1252 text"


def decode(raw: bytes, path: Path, hint: str) -> str:
    """`raw` as UTF-8 (a UTF-8 byte-order mark is dropped); else a located error naming the
    encoding the bytes look like."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ProblemsError(
            [
                Problem(
                    path,
                    f"the file is not valid UTF-8 text: it looks like {guess_encoding(raw)}",
                    line,
                    column,
                    input=f"byte 0x{raw[error.start]:02x}",
                    hint=hint,
                )
            ]
        ) from None
