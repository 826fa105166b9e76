"""Figures: every number of three or more digits is in a cited source, or derived openly.

A figure the writer worked out (a sum, a share) is declared under `derived`
with its calculation; the calculation is checked too, so a printed "50%"
cannot drift from the figures it came from.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from handouts.integrity.years import is_year
from handouts.schema import DerivedFigure

_WRITTEN = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUMBER = re.compile(rf"(?<![\d.,]){_WRITTEN}")
"""A number as written in English prose: '767,000', '1937', '50.5'."""

MIN_DIGITS = 3
"""Numbers with fewer digits in their whole part ('20 minutes', '5 points') are not checked."""

NOT_PROSE = {
    "id",
    "source",
    "sources",
    "reference",
    "part",
    "cited_in",
    "text",
    "original",
    "image",
    "citation",
    "credit",
    "licence",
    "derived",
    "assumptions",
    "references",
    "facts",
    "briefing",
    "briefing_checked",
}
"""Keys whose values are ids, quotations and references (checked word for word elsewhere),
an image document's file name and provenance (which attest, as a source record does),
declarations (checked here), or outside facts, which answer to the reference they cite."""

_RESULT = re.compile(rf"^(?P<number>{_WRITTEN})\s*(?P<percent>%?)$")
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_SYMBOLS = str.maketrans({"×": "*", "÷": "/", "−": "-", "–": "-"})
CALCULATION_HINT = (
    "write numbers, + - × / and parentheses, then '=' (or '≈' when rounded) and the"
    " result, e.g. '387,000 / 767,000 = 50%'"
)


def figure_key(number: str) -> str:
    """The comparable form of a written number: '76,000' and '76000' are one figure."""
    return number.replace(",", "")


def is_figure(number: str) -> bool:
    return len(figure_key(number).split(".")[0]) >= MIN_DIGITS


def figures_in(text: str) -> set[str]:
    """Every number in a text, in comparable form (sources are searched for all of them)."""
    return {figure_key(match.group()) for match in NUMBER.finditer(text)}


@dataclass(frozen=True)
class Unsourced:
    """A figure in prose that no cited source holds."""

    where: tuple
    figure: str
    text_line: int

    @property
    def year(self) -> bool:
        """Read as a year (four digits, no comma, 1000-2099): its own rule, its own message."""
        return is_year(self.figure)


def prose_strings(
    data: object, where: tuple = (), skip: frozenset[str] | set[str] = NOT_PROSE
) -> Iterator[tuple[tuple, str]]:
    """(path, text) for every string in YAML data, skipping keys in `skip` (ids, quotations)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in skip or (key == "sources" and _holds_records(value)):
                yield from prose_strings(value, (*where, key), skip)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from prose_strings(value, (*where, index), skip)
    elif isinstance(data, str):
        yield where, data


def _holds_records(value: object) -> bool:
    """A lesson's excerpts under 'sources' hold prose (titles, headnotes) to search, unlike a
    question's 'sources', a list of ids."""
    return isinstance(value, list) and any(isinstance(item, dict) for item in value)


def find_unsourced(data: object, allowed: set[str], years: Iterable[str] = ()) -> list[Unsourced]:
    """Figures in the prose of `data` that are not in `allowed`; a year may also be in `years`
    (the years a document writes in words, or a reference vouches for)."""
    found = []
    years = set(years)
    for where, text in prose_strings(data):
        for match in NUMBER.finditer(text):
            number = match.group()
            if is_year(number) and number in years:
                continue
            if is_figure(number) and figure_key(number) not in allowed:
                found.append(Unsourced(where, number, text.count("\n", 0, match.start())))
    return found


class CalculationError(ValueError):
    """A calculation that cannot be read, or does not hold."""


@dataclass(frozen=True)
class Calculation:
    operands: list[str]
    result: str
    """The figure the calculation declares, in comparable form."""


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        try:
            return float(node.value)
        except OverflowError:
            raise CalculationError("a number in it is too long to be a figure") from None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        divisor = _evaluate(node.right)
        if divisor == 0:
            raise CalculationError("it divides by zero")
        return _evaluate(node.left) / divisor
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise CalculationError(f"cannot read it: {CALCULATION_HINT}")


def _tolerance(result: str, rounded: bool) -> float:
    """Half a unit of the last digit written; '≈' allows rounding to the last non-zero digit."""
    whole, _, decimals = result.partition(".")
    if decimals:
        return 0.5 * 10 ** -len(decimals)
    zeros = len(whole) - len(whole.rstrip("0")) if rounded else 0
    return 0.5 * 10 ** min(zeros, len(whole) - 1)


def check_calculation(calculation: str) -> Calculation:
    """The operands and result of a calculation; CalculationError if it does not hold."""
    left, sign, right = calculation.rpartition("≈")
    if not sign:
        left, sign, right = calculation.rpartition("=")
    result = _RESULT.match(right.strip())
    if not sign or result is None:
        raise CalculationError(f"cannot read it: {CALCULATION_HINT}")
    operands = [m.group() for m in NUMBER.finditer(left)]
    expression = NUMBER.sub(lambda m: figure_key(m.group()), left.translate(_SYMBOLS))
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError):  # ValueError: a number past the limit on digits
        raise CalculationError(f"cannot read it: {CALCULATION_HINT}") from None
    value = _evaluate(tree)
    written = figure_key(result.group("number"))
    if result.group("percent"):
        value *= 100
    if abs(value - float(written)) > _tolerance(written, rounded=sign == "≈"):
        shown = f"{value:,.2f}".rstrip("0").rstrip(".") + result.group("percent")
        raise CalculationError(
            f"it does not hold: the left side comes to {shown}, not {right.strip()}"
        )
    return Calculation(operands, written)


@dataclass(frozen=True)
class DerivedProblem:
    index: int
    message: str


def check_derived(
    derived: Iterable[DerivedFigure], sourced: set[str], years: Iterable[str] = ()
) -> tuple[set[str], list[DerivedProblem]]:
    """The figures the calculations declare, and what is wrong with any of them.

    Operands must be sourced or declared by an earlier calculation; a year may also be
    among `years` (written in words in a source, or vouched for by a reference).
    """
    years = set(years)
    declared: set[str] = set()
    problems = []
    for index, item in enumerate(derived):
        try:
            calculation = check_calculation(item.calculation)
        except CalculationError as error:
            problems.append(DerivedProblem(index, f"calculation: {error}"))
            continue
        for operand in calculation.operands:
            key = figure_key(operand)
            if is_year(operand) and operand in years:
                continue
            if is_figure(operand) and key not in sourced and key not in declared:
                problems.append(
                    DerivedProblem(
                        index, f"the calculation uses {operand}, which no cited source holds"
                    )
                )
        declared.add(calculation.result)
    return declared, problems
