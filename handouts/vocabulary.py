"""Closed vocabularies and defaults that the models and the command line share.

Kept free of pydantic, so a command that needs no model (`--help`, a build with
nothing to do) starts in a fraction of the time the models take to import.
"""

from __future__ import annotations

from enum import StrEnum


class Paper(StrEnum):
    """Paper sizes a school copier takes."""

    a4 = "a4"
    letter = "letter"


class SourceKind(StrEnum):
    """What kind of text a corpus document is; it shapes how students source it."""

    primary = "primary"
    secondary = "secondary"
    memoir = "memoir"
    journalism = "journalism"


FOLDER_DEFAULTS = {
    "lessons": "lessons",
    "sources": "lessons/sources",
    "images": "lessons/images",
    "build": "build",
    "templates": "templates",
    "schemas": "schemas",
}
"""Where a module keeps its files, relative to the module folder, unless module.yaml says."""
