"""Corpus documents: the texts every excerpt is quoted from."""

from __future__ import annotations

from pydantic import Field

from handouts.schema.base import Identifier, LanguageTag, Line, Strict, Text
from handouts.vocabulary import SourceKind


class Normalisation(Strict):
    """A declared spelling repair applied when quoting; listed in the teacher edition."""

    find: Line = Field(description="The text exactly as it stands in the corpus document.")
    replace: str = Field(description="What an excerpt may print instead.")
    reason: Line = Field(description="Why the change is made, for the teacher edition.")


class SourcePart(Strict):
    """One document inside a corpus file that holds several (e.g. two archival items)."""

    id: Identifier = Field(description="Id of the part, unique within its corpus document.")
    title: Line = Field(description="Title of this document as it should be cited.")
    author: Line | None = Field(None, description="Author or signatory, if known.")
    date: Line | None = Field(None, description="Date as known, e.g. '2 July 1937'.")
    archive_reference: Line | None = Field(
        None, description="Archival signature, e.g. 'RGASPI F. 17 Op. 162 D. 21 L. 89'."
    )
    citation: Text = Field(description="Full citation printed under an excerpt from this part.")


class Source(Strict):
    """A corpus document: provenance, notes for teachers, and its full text (a sibling .txt)."""

    id: Identifier = Field(description="Corpus id; the text lives in '<id>.txt' beside this file.")
    seed: Line | None = Field(
        None,
        description="File name of the document as it was received (before it was renamed"
        " '<id>.txt'), for provenance; written by 'handouts source add'. Not checked.",
    )
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the .txt file: proves the text is unchanged since it was received.",
    )
    title: Line = Field(description="Title of the document (or a descriptive title in brackets).")
    short_title: Line | None = Field(
        None,
        description="A few words naming it in timelines, e.g. 'Werth 2010' (default: the"
        " author's surname and the year).",
    )
    author: Line | None = Field(None, description="Author, or null when the text names none.")
    date: Line | None = Field(None, description="Date of the document as known, or null.")
    publication: Line | None = Field(None, description="Where it was published, or null.")
    archive_reference: Line | None = Field(None, description="Archival signature, or null.")
    url: Line | None = Field(None, description="Stable address named by the document, or null.")
    kind: SourceKind = Field(description="primary, secondary, memoir or journalism.")
    language: LanguageTag = Field(
        "en", description="Language of the text as held: a BCP 47 tag such as 'en' or 'ru'."
    )
    translation: Text | None = Field(
        None, description="Translation note: from what, by whom, how faithful, if known."
    )
    reliability: Text = Field(
        description="Teacher-facing note on what this source can and cannot show."
    )
    citation: Text = Field(description="Full citation printed under excerpts from this document.")
    normalisations: list[Normalisation] = Field(
        default_factory=list,
        description="Spelling repairs an excerpt may apply; each is listed in the teacher edition.",
    )
    parts: list[SourcePart] = Field(
        default_factory=list,
        description="Separate documents inside this file, each with its own citation.",
    )
