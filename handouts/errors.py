"""User-facing problems: what went wrong, where, and what to do about it.

A Problem is data, not an exception, so a file's problems are collected and
reported together instead of stopping at the first.
"""

from __future__ import annotations

import errno
import os
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located as precisely as we can."""

    file: Path
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    input: str | None = None
    hint: str | None = None
    severity: Severity = Severity.error

    @property
    def location(self) -> str:
        """'path:line:col', the form editors and terminals make clickable."""
        where = display_path(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """Several lines of plain text: the location first, then the details."""
        head = f"{self.severity.value}: {self.location}"
        if self.field:
            head += f": {printable(self.field)}"
        lines = [head, f"  problem:  {printable(self.message)}"]
        if self.input is not None:
            lines.append(f"  input:    {printable(self.input)}")
        if self.hint:
            lines.append(f"  hint:     {printable(self.hint)}")
        return "\n".join(lines)


class ProblemsError(Exception):
    """Raised where a step cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it; a link is named as
    itself, not by what it points to (which may be a file the user must not be shown)."""
    try:
        return printable(str(Path(os.path.normpath(path.absolute())).relative_to(Path.cwd())))
    except ValueError:
        return printable(str(path))


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control and format characters shown as escapes.

    User text (a key name, a file name) may hold ESC sequences that recolour or
    rewrite the screen, or bidirectional controls that reorder what is shown.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char == " " else _escape(char) for char in text)


def _escape(char: str) -> str:
    if unicodedata.category(char) == "Cc" and ord(char) < 0x100:
        return repr(char)[1:-1] if char in "\t\n\r" else f"\\x{ord(char):02x}"
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


_CAUSES = {
    errno.ENOSPC: "the disk is full (no space left on the device)",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be larger than the system allows (a file-size limit such as"
    " 'ulimit -f')",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a file is in the way where a folder is needed",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ELOOP: "a loop of symbolic links",
}


def os_cause(error: OSError) -> str:
    """What an operating-system error means to a user: 'the disk is full', 'permission denied'."""
    return _CAUSES.get(error.errno or 0) or error.strerror or str(error) or type(error).__name__


def format_field(path: tuple[str | int, ...]) -> str:
    """('questions', 2, 'skill') -> 'questions[2].skill'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def counted(number: int, noun: str) -> str:
    """'1 lesson', '7 lessons': a count with its noun, for messages and summaries."""
    return f"{number} {noun}{'s' * (number != 1)}"


def shorten(value: object, limit: int = 60) -> str:
    """A one-line, bounded rendering of a user's input for an error message."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
