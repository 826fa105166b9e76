"""User-facing problems: what went wrong, where, and what to do about it.

A Problem is data, not an exception, so a file's problems are collected and
reported together instead of stopping at the first.
"""

from __future__ import annotations

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
            head += f": {self.field}"
        lines = [head, f"  problem:  {self.message}"]
        if self.input is not None:
            lines.append(f"  input:    {self.input}")
        if self.hint:
            lines.append(f"  hint:     {self.hint}")
        return "\n".join(lines)


class ProblemsError(Exception):
    """Raised where a step cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
