"""Excerpt fidelity: every excerpt is its source, word for word.

Both texts are normalised the same way (NFKC, quote marks, dashes,
whitespace, Markdown emphasis markers, declared spelling repairs) and
compared as token sequences. An excerpt may skip text only where it says so
with an ellipsis, and its pieces must come in source order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from handouts.schema import Excerpt, Normalisation

_CHAR_MAP = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛ʹʼ′`´", "'"),
        **dict.fromkeys("“”„‟ʺ″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "*": " ",
        "\u00a0": " ",
    }
)
_TOKEN = re.compile(r"\w+|[^\w\s]")
_OMISSION = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…")
"""An omission mark: '...', '…' or either in brackets. Never '. ..': that is a
full stop followed by something else, and the full stop must match."""
_BRACKETED = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class Mismatch:
    """Where an excerpt parts from its source."""

    message: str
    line_offset: int  # line within the excerpt text where the problem is


def normalise(text: str) -> str:
    """The comparison form of a text: what differences do not count."""
    return unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)


def _repair_pattern(find: str) -> re.Pattern[str]:
    """Match `find` only as whole words: 'Stalin s' must not catch 'Stalin sent'."""
    before = r"(?<!\w)" if find[:1].isalnum() else ""
    after = r"(?!\w)" if find[-1:].isalnum() else ""
    return re.compile(before + re.escape(find) + after)


def _repair(text: str, repairs: list[Normalisation]) -> str:
    for repair in repairs:
        text = _repair_pattern(repair.find).sub(lambda _, new=repair.replace: new, text)
    return text


def source_tokens(text: str, repairs: list[Normalisation]) -> list[str]:
    return list(_source_tokens(text, tuple(repairs)))


@lru_cache(maxsize=8)
def _source_tokens(text: str, repairs: tuple[Normalisation, ...]) -> tuple[str, ...]:
    """Tokens of a source, kept for the next excerpt of the same source (or the same repairs)."""
    return tuple(_TOKEN.findall(normalise(_repair(text, list(repairs)))))


@dataclass(frozen=True)
class _Token:
    text: str
    line: int


def _segments(
    excerpt: str, insertions: Sequence[str], repairs: list[Normalisation]
) -> list[list[_Token]]:
    """Split the excerpt at omissions and declared insertions into token runs."""
    segments: list[list[_Token]] = [[]]
    for number, raw_line in enumerate(excerpt.splitlines()):
        line = _repair(raw_line, repairs)
        for insertion in insertions:
            line = line.replace(insertion, " \x00 ")
        line = _OMISSION.sub(" \x00 ", line)
        for piece in normalise(line).split(" \x00 "):
            for token in _TOKEN.findall(piece):
                segments[-1].append(_Token(token, number))
            segments.append([])
        segments.pop()  # a line end is not a gap
    return [segment for segment in segments if segment]


def _failure(needle: Sequence[str]) -> list[int]:
    """Knuth-Morris-Pratt: for each prefix of `needle`, the length of its longest proper border."""
    failure = [0] * len(needle)
    border = 0
    for index in range(1, len(needle)):
        while border and needle[index] != needle[border]:
            border = failure[border - 1]
        if needle[index] == needle[border]:
            border += 1
        failure[index] = border
    return failure


def _scan(haystack: Sequence[str], needle: Sequence[str], start: int) -> tuple[int, int, int]:
    """(index of `needle` at or after `start` or -1, length and position of the longest prefix
    of `needle` found there): one pass, linear in both lengths even on repetitive text."""
    failure = _failure(needle)
    matched = best = 0
    where = -1
    for index in range(start, len(haystack)):
        token = haystack[index]
        while matched and token != needle[matched]:
            matched = failure[matched - 1]
        if token == needle[matched]:
            matched += 1
        if matched > best:
            best, where = matched, index - matched + 1
        if matched == len(needle):
            return where, best, where
    return -1, best, where


def _find(haystack: Sequence[str], needle: Sequence[str], start: int) -> int:
    """Index of `needle` in `haystack` at or after `start`, or -1."""
    return _scan(haystack, needle, start)[0]


def find_mismatch(
    text: str,
    source_text: str,
    repairs: list[Normalisation],
    insertions: Sequence[str] = (),
) -> Mismatch | None:
    """None if `text` (an excerpt, a bibliographic entry) is faithful to `source_text`."""
    haystack = source_tokens(source_text, repairs)
    cursor = 0
    for segment in _segments(text, insertions, repairs):
        needle = [token.text for token in segment]
        found, length, where = _scan(haystack, needle, cursor)
        if found >= 0:
            cursor = found + len(needle)
            continue
        if _find(haystack, needle, 0) >= 0:
            return Mismatch(
                f"the passage starting '{_words(needle, 0)}' comes before the previous one in"
                " the source: omissions must keep source order",
                segment[0].line,
            )
        bad = segment[min(length, len(segment) - 1)]
        if length == 0:
            message = f"'{_words(needle, 0)}' is not in the source"
        else:
            expected = haystack[where + length] if where + length < len(haystack) else "(end)"
            message = (
                f"excerpt and source part after '{_words(needle, max(0, length - 6), length)}':"
                f" the excerpt has '{bad.text}' where the source has '{expected}'"
            )
        if bad.text == "[" or _BRACKETED.search(text):
            message += "; an editorial [insertion] must be listed under 'insertions'"
        return Mismatch(message, bad.line)
    return None


def _words(tokens: list[str], start: int, end: int | None = None) -> str:
    end = min(len(tokens), start + 8) if end is None else end
    return " ".join(tokens[start:end])


def repairs_used(
    excerpt: Excerpt, source_text: str, repairs: list[Normalisation]
) -> list[Normalisation]:
    """The declared repairs this excerpt relies on (it fails without each one)."""
    used = []
    for repair in repairs:
        if repair.replace and repair.replace in excerpt.text:
            others = [r for r in repairs if r is not repair]
            if find_mismatch(excerpt.text, source_text, others, excerpt.insertions) is not None:
                used.append(repair)
    return used
