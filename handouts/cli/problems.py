"""How problems and results are shown in a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from handouts.errors import Problem, Severity, counted


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    """Every problem, errors and warnings, grouped by file in order, each once.

    A broken template fails every lesson the same way: it is shown once.
    """
    unique = dict.fromkeys(problems)
    ordered = sorted(unique, key=lambda p: (str(p.file), p.line or 0, p.column or 0))
    return [problem.format() for problem in ordered]


def print_problems(problems: Iterable[Problem]) -> None:
    """`problem_lines` on stderr."""
    for line in problem_lines(problems):
        print(line, file=sys.stderr)


def summarise(problems: list[Problem]) -> str:
    errors = sum(p.severity is Severity.error for p in problems)
    warnings = len(problems) - errors
    files = len({p.file for p in problems if p.severity is Severity.error})
    parts = []
    if errors:
        parts.append(f"{counted(errors, 'error')} in {counted(files, 'file')}")
    if warnings:
        parts.append(counted(warnings, "warning"))
    return ", ".join(parts) or "no problems"
