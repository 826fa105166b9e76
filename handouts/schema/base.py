"""Shared building blocks for the lesson schema.

The schema knows nothing of HTML: text fields hold Markdown source, ids are
plain strings, and every field carries a description that flows into the
JSON Schema used for editor autocompletion.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Identifier = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=64),
    Field(description="A short id: lower-case letters, digits and hyphens."),
]
"""An id that is safe in file names, URLs and form-field names."""


def reject_control_characters(value: str) -> str:
    """Control characters (e.g. NUL from a YAML escape) print as nothing or break the output."""
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in "\n\t\r":
            raise ValueError(
                f"control character U+{ord(char):04X} is not allowed in text: delete it"
            )
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(reject_control_characters),
]
"""Non-empty prose; may use the Markdown subset (paragraphs, emphasis, lists)."""

Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=400),
    AfterValidator(reject_control_characters),
]
"""A short, single-purpose string such as a title or a term."""


class Strict(BaseModel):
    """Base model: unknown keys are errors, so a typo never vanishes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
