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
    background: bool = True
    """Objectives, background, glossary and timeline before the documents."""
    questions: bool = True
    """The questions (a source packet leaves them out)."""
    source_per_page: bool = False
    """Each document (and chart) starts a new page, for projecting or handing out alone."""
    large_print: bool = False
    """18 pt body text, 1.5 line spacing, larger writing space, excerpts reflowed with the
    other editions' line numbers marked in the text; same question numbering."""
    form_fields: bool = False
    """PDF form fields in place of the writing space and the name line."""


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

SOURCES = Edition(
    name="sources",
    label="Source packet",
    audience="student",
    writing_space=False,
    name_line=False,
    background=False,
    questions=False,
    source_per_page=True,
)
LARGE_PRINT = Edition(
    name="large-print",
    label="Student worksheet (large print)",
    audience="student",
    large_print=True,
    marker="Large print",
)
FILLABLE = Edition(
    name="fillable", label="Student worksheet (fillable)", audience="student", form_fields=True
)

EDITIONS: dict[str, Edition] = {
    edition.name: edition for edition in (STUDENT, TEACHER, SOURCES, LARGE_PRINT, FILLABLE)
}


def select_editions(name: str) -> list[Edition]:
    """The editions a command-line choice stands for ('all' is every edition)."""
    return list(EDITIONS.values()) if name == "all" else [EDITIONS[name]]
