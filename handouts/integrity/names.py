"""Names: every capitalised word in the prose is in a cited document, a checked fact, or declared.

A place, a person or an organisation the writer adds from memory (a region
"Yaroslavl" that no document names) is as much an invented fact as an
unsourced figure. We cannot parse English, so the rule is simple and
strict: a capitalised word that does not begin a sentence must occur, as
written, in a document the lesson cites (its text or its record), in a
teacher-facing fact (which answers to its reference), or in the module's
`known_words`. Years are numbers, checked by the figures check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from handouts.integrity.figures import prose_strings

WORD = re.compile(r"(?<![\w’'-])[^\W\d_][\w’'-]*", re.UNICODE)
"""A word: letters, then letters, digits, apostrophes or hyphens."""
SENTENCE_START = re.compile(
    r"(?:^|[.!?:;][\"'”’)\]*_]*\s+|\n\s*\n|^\s*(?:[-*+]|\d+[.)])\s+|\([a-z]\)\s+|[\"“])"
    r"[\s\"'“‘(\[*_]*$",
    re.MULTILINE,
)
"""What comes before a word that begins a sentence, a list item, a paragraph or a quotation."""
ALWAYS = frozenset(
    {
        "I",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    }
)
"""Capitalised in English whatever they name."""


@dataclass(frozen=True)
class UnknownName:
    where: tuple
    name: str
    text_line: int


def words_in(text: str) -> set[str]:
    """Every word of a text as written (case kept), with and without a possessive ending.

    A word in capitals (a headline's "ALEXANDER DANIEL") also counts as capitalised.
    """
    found = set()
    for match in WORD.finditer(text):
        word = match.group().strip("’'-")
        for form in (word, re.sub(r"[’']s$", "", word)):
            found.add(form)
            if form.isupper() and len(form) > 1:
                found.add(form.capitalize())
    return found


def _known(word: str, allowed: set[str], ordinary: set[str]) -> bool:
    """In the allowed words or an ordinary word, allowing a plural or singular form."""
    forms = {word, word + "s", word.removesuffix("s"), word.removesuffix("es")}
    return any(f in allowed or f in ALWAYS or f.lower() in ordinary for f in forms if f)


def capitalised(text: str) -> Iterable[tuple[str, int]]:
    """(word, offset) for each capitalised word that does not begin a sentence or list item.

    All-capital words (acronyms such as NKVD) are included: they name organisations.
    """
    for match in WORD.finditer(text):
        word = re.sub(r"[’']s$", "", match.group().strip("’'-"))
        if not word or not word[0].isupper() or (len(word) < 2 and word != "I"):
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        if SENTENCE_START.search(before) or match.start() == 0:
            continue
        yield word, match.start()


def lower_words(texts: Iterable[str]) -> set[str]:
    """Words written in lower case somewhere in `texts`: ordinary words, not names."""
    return {word for text in texts for word in words_in(text) if word.islower()}


def find_unknown_names(
    data: object, allowed: set[str], ordinary: set[str], skip: frozenset[str] | set[str]
) -> list[UnknownName]:
    """Capitalised words in the prose of `data` not in `allowed` nor `ordinary`, each once.

    `ordinary` holds words seen in lower case (a capitalised "Remind" in an
    activity is the word "remind", not a name).
    """
    found: list[UnknownName] = []
    seen: set[str] = set()
    for where, text in prose_strings(data, skip=skip):
        for word, offset in capitalised(text):
            if word in seen or _known(word, allowed, ordinary):
                continue
            if any(char.isdigit() for char in word):
                continue  # labels such as Q1, not names
            parts = [part for part in word.split("-") if part]
            if len(parts) > 1 and all(len(p) == 1 or _known(p, allowed, ordinary) for p in parts):
                continue
            seen.add(word)
            found.append(UnknownName(where, word, text.count("\n", 0, offset)))
    return found
