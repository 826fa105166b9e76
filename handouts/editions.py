"""Editions: what each printout shows. One template set reads these switches.

Adding an edition means adding a declaration here, not copying templates
(as the LaTeX exam class turns answers on and off).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edition:
    """What one printout of a lesson shows."""

    name: str
    """Short name used on the command line and in file names."""
    label: str
    """Human name printed on the handout."""
    audience: str
    """'student' or 'teacher': who the edition is handed to."""
    writing_space: bool = True
    """Ruled lines under each question for students to write on."""
    answers: bool = False
    """Exemplar answers (in place of the writing space)."""
    pacing: bool = False
    """The timed lesson plan."""
    teacher_notes: bool = False
    """Teacher notes and each source's reliability note."""
    name_line: bool = True
    """Name / class / date line on page 1."""
    marker: str | None = None
    """Text stamped in the running header of every page, if any."""


STUDENT = Edition(name="student", label="Student worksheet", audience="student")
TEACHER = Edition(
    name="teacher",
    label="Teacher edition",
    audience="teacher",
    writing_space=False,
    answers=True,
    pacing=True,
    teacher_notes=True,
    name_line=False,
    marker="Teacher edition",
)

EDITIONS: dict[str, Edition] = {edition.name: edition for edition in (STUDENT, TEACHER)}


def select_editions(name: str) -> list[Edition]:
    """The editions a command-line choice stands for ('all' is every edition)."""
    return list(EDITIONS.values()) if name == "all" else [EDITIONS[name]]
