"""Shared building blocks for the lesson schema.

The schema knows nothing of HTML: text fields hold Markdown source, ids are
plain strings, and every field carries a description that flows into the
JSON Schema used for editor autocompletion.
"""

from __future__ import annotations

import re
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


LANGUAGE_NAMES = {
    "english": "en",
    "russian": "ru",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "polish": "pl",
    "ukrainian": "uk",
    "dutch": "nl",
    "chinese": "zh",
    "japanese": "ja",
    "arabic": "ar",
}
"""Language names people write where a tag belongs, and the tag they mean."""

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Z]{2}|\d{3}))?(-[A-Za-z0-9]{5,8})*$")
"""A BCP 47 tag as PDF readers use it: language, optional script, region, variants."""


def check_language_tag(value: str) -> str:
    """The PDF's language must be a tag ('en', 'en-GB'): screen readers pick a voice by it."""
    if LANGUAGE_TAG.match(value):
        return value
    tag = LANGUAGE_NAMES.get(value.strip().lower())
    if tag:
        raise ValueError(
            f"'{value}' is a language name, not a language tag: use {tag}, not {value}"
        )
    raise ValueError(
        f"'{value}' is not a language tag: write a BCP 47 tag such as en, en-GB, fr or ru"
    )


LanguageTag = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(check_language_tag),
    Field(description="A BCP 47 language tag, e.g. 'en', 'en-GB', 'ru'.", examples=["en"]),
]
"""A language as PDF metadata and screen readers need it."""


class Strict(BaseModel):
    """Base model: unknown keys are errors, so a typo never vanishes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
