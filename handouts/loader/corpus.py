"""The source corpus: every record in lessons/sources/ with its text, checked for fixity."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from handouts.errors import Problem, ProblemsError
from handouts.integrity.figures import figures_in
from handouts.integrity.names import words_in
from handouts.integrity.years import years_in
from handouts.loader.files import TEXT_LIMIT, decode, read_bytes
from handouts.loader.validate import load_model
from handouts.loader.yamlfile import Located
from handouts.schema import Source


@dataclass(frozen=True)
class CorpusDocument:
    """A corpus record with its full text."""

    record: Source
    text: str
    path: Path
    located: Located
    """Where each field of the record was written, for located problems."""

    @cached_property
    def figures(self) -> set[str]:
        """Every number in the text, in comparable form."""
        return figures_in(self.text)

    @cached_property
    def years(self) -> set[str]:
        """Every year the text gives, in digits or in words ('eighteen hundred and sixty-one'),
        and the years its record dates and cites it by (its date, the edition it is quoted
        from): those are printed with every excerpt, so prose may use them."""
        record = self.record
        dating = [record.date, record.publication, record.citation]
        dating += [text for part in record.parts for text in (part.date, part.citation)]
        return years_in(self.text).union(*(years_in(text or "") for text in dating))

    @cached_property
    def words(self) -> set[str]:
        """Every word of the text and of its record as written: the names it attests."""
        return words_in(self.text) | words_in(self.record.model_dump_json())

    @cached_property
    def lower_words(self) -> set[str]:
        """Words it writes in lower case: ordinary words, not names."""
        return {word for word in self.words if word.islower()}


def load_corpus(
    directory: Path, inside: Iterable[Path] = ()
) -> tuple[dict[str, CorpusDocument], list[Problem]]:
    """Every record in lessons/sources/ with its text, checked for fixity.

    `inside`: the folders records and texts may lie in, links resolved (default: `directory`).
    """
    inside = tuple(inside) or (directory,)
    corpus: dict[str, CorpusDocument] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        record, located, found = load_model(Source, path, inside)
        problems += found
        if record is None:
            continue
        text_path = path.with_suffix(".txt")
        if record.id != path.stem:
            problems.append(
                located.problem(
                    ("id",),
                    f"id '{record.id}' differs from the file name",
                    hint=f"name the file '{record.id}.yaml'",
                )
            )
        if not text_path.exists() and not text_path.is_symlink():
            problems.append(
                Problem(
                    path,
                    f"the text file {text_path.name} is missing",
                    hint="keep the full text beside the record",
                )
            )
            continue
        try:
            raw = read_bytes(
                text_path,
                inside,
                TEXT_LIMIT,
                hint="a source text this long is not a document to quote from: keep the part"
                " the lessons use, and say so in the record",
            )
            text = decode(
                raw,
                text_path,
                "convert the text to UTF-8 (e.g. 'iconv -f UTF-16 -t UTF-8') and record the new"
                " SHA-256; keep the file as received beside the module",
            )
        except ProblemsError as error:
            problems += error.problems
            continue
        if hashlib.sha256(raw).hexdigest() != record.sha256:
            problems.append(
                located.problem(
                    ("sha256",),
                    f"{text_path.name} has changed since it was received (SHA-256 differs)",
                    hint="restore the text exactly as received; if you corrected your own"
                    f" transcription on purpose, run 'handouts source rehash {record.id}'",
                )
            )
        for index, repair in enumerate(record.normalisations):
            if repair.find not in text:
                problems.append(
                    located.problem(
                        ("normalisations", index, "find"),
                        "this text does not occur in the source",
                        value=repair.find,
                    )
                )
        corpus[record.id] = CorpusDocument(record, text, path, located)
    return corpus, problems
