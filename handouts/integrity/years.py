"""Years: the one kind of figure a document may write in words.

A letter of 1861 dates itself "the eleventh day of June, eighteen hundred and
sixty-one"; a treaty says "in the year one thousand nine hundred and thirty-seven".
The figures check reads such years too, so a lesson may print "1861" when its
source writes the year out. Only years are read this way: a count written in
words ("five thousand men") is not a figure in digits, and stays unchecked as
before.
"""

from __future__ import annotations

import re

FIRST_YEAR, LAST_YEAR = 1000, 2099
"""Numbers in this range, written without a comma, are read as years."""

YEAR = re.compile(r"^[12]\d{3}$")

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ZERO = {"oh", "o", "aught", "nought"}
_NUMBER_WORDS = {*_UNITS, *_TEENS, *_TENS, *_ZERO, "hundred", "thousand", "and"}
_TOKEN = re.compile(r"[a-z]+")


def is_year(written: str) -> bool:
    """'1861' is a year; '1,861', '1861.5' and '2150' are not."""
    return bool(YEAR.match(written)) and FIRST_YEAR <= int(written) <= LAST_YEAR


def _below_hundred(tokens: list[str], i: int) -> tuple[int, int] | None:
    """(value, next index) for 1-99 at tokens[i]: 'seven', 'twelve', 'sixty one'."""
    if i >= len(tokens):
        return None
    word = tokens[i]
    if word in _TEENS:
        return _TEENS[word], i + 1
    if word in _UNITS:
        return _UNITS[word], i + 1
    if word in _TENS:
        if i + 1 < len(tokens) and tokens[i + 1] in _UNITS:
            return _TENS[word] + _UNITS[tokens[i + 1]], i + 2
        return _TENS[word], i + 1
    return None


def _and(tokens: list[str], i: int) -> int:
    return i + 1 if i < len(tokens) and tokens[i] == "and" else i


def _tail(tokens: list[str], i: int) -> tuple[int, int]:
    """An optional '[and] sixty-one' after 'hundred' or 'thousand': (value, next index)."""
    j = _and(tokens, i)
    rest = _below_hundred(tokens, j)
    return rest if rest else (0, i)


def _year_at(tokens: list[str], i: int) -> int | None:
    """The year spelt out from tokens[i], if one starts there."""
    head = _below_hundred(tokens, i)
    if head is None:
        return None
    value, j = head
    if j < len(tokens) and tokens[j] == "thousand" and value in (1, 2):
        total, k = value * 1000, j + 1
        hundreds = _below_hundred(tokens, _and(tokens, k))
        if hundreds and hundreds[0] < 10 and tokens[hundreds[1] : hundreds[1] + 1] == ["hundred"]:
            total += hundreds[0] * 100
            k = hundreds[1] + 1
        extra, _ = _tail(tokens, k)
        return total + extra
    if not 10 <= value <= 20:
        return None
    if j < len(tokens) and tokens[j] == "hundred":  # "eighteen hundred and sixty-one"
        extra, _ = _tail(tokens, j + 1)
        return value * 100 + extra
    if j < len(tokens) and tokens[j] in _ZERO:  # "nineteen oh five"
        unit = _below_hundred(tokens, j + 1)
        return value * 100 + unit[0] if unit and unit[0] < 10 else None
    rest = _below_hundred(tokens, j)  # "eighteen sixty-one", "twenty ten"
    if rest and rest[0] >= 10:
        return value * 100 + rest[0]
    return None


def years_in_words(text: str) -> set[str]:
    """Every year from 1000 to 2099 that `text` spells out, as digits ('1861')."""
    tokens = _TOKEN.findall(text.lower().replace("-", " "))
    found = set()
    for start, token in enumerate(tokens):
        year = _year_at(tokens, start) if token in _NUMBER_WORDS else None
        if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
            found.add(str(year))
    return found


_DIGIT_YEAR = re.compile(r"(?<![\d.,])\d{4}(?!\d|[.,]\d)")


def years_in(text: str) -> set[str]:
    """Every year a text gives, in digits ('1861') or in words ('eighteen sixty-one')."""
    digits = {match.group() for match in _DIGIT_YEAR.finditer(text) if is_year(match.group())}
    return digits | years_in_words(text)
