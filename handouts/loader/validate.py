"""Validate located YAML data against a schema model, keeping locations.

Pydantic reports errors by field path; we translate each into a Problem
with file:line:column, the input, what was expected and, for near-miss
names and values, a "did you mean".
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from handouts.errors import Problem, ProblemsError, shorten
from handouts.loader.yamlfile import Located, load_yaml

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], located: Located) -> tuple[M | None, list[Problem]]:
    """The model built from `located`, or None and every problem found."""
    try:
        return model.model_validate(located.data), []
    except ValidationError as error:
        problems = [_to_problem(model, located, item) for item in error.errors(include_url=False)]
        return None, sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def load_model(
    model: type[M], path: Path, inside: Iterable[Path] = ()
) -> tuple[M | None, Located | None, list[Problem]]:
    """(model, located, problems) for one file; never raises for user errors.

    `inside`: the folders the file may lie in, links resolved (default: its own).
    """
    try:
        located = load_yaml(path, inside)
    except ProblemsError as error:
        return None, None, error.problems
    value, problems = validate(model, located)
    return value, located, problems


def _to_problem(model: type[BaseModel], located: Located, item: Any) -> Problem:
    where = tuple(part for part in item["loc"] if isinstance(part, str | int))
    kind = item["type"]
    if kind == "extra_forbidden":
        name = str(where[-1])
        allowed = sorted(fields_of(model_at(model, where[:-1])))
        return located.problem(
            where,
            f"unknown field '{name}'",
            key=True,
            hint=did_you_mean(name, allowed) or f"allowed fields here: {', '.join(allowed)}",
        )
    if kind == "missing":
        # An absent field has no position: Located.problem points at its parent.
        return located.problem(
            where, f"missing required field '{where[-1]}'", hint=_describe(model, where)
        )
    message, hint = _explain(model, where, item)
    return located.problem(where, message, value=item.get("input"), hint=hint)


def _explain(model: type[BaseModel], where: tuple, item: Any) -> tuple[str, str | None]:
    kind, message, value = item["type"], item["msg"], item.get("input")
    hint = _describe(model, where)
    if kind in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'", item.get("ctx", {}).get("expected", ""))
        hint = did_you_mean(str(value), allowed) or f"one of: {', '.join(allowed)}"
        return f"expected one of the allowed values, got {shorten(value)}", hint
    if kind == "string_type" and isinstance(value, int | float | bool):
        return message, "put the value in quotes to make it text"
    if kind == "string_pattern_mismatch":
        return (
            "expected an id of lower-case letters, digits and hyphens",
            "e.g. 'orders-from-the-center'",
        )
    if kind == "list_type" and isinstance(value, str):
        return message, "write each item on its own line starting with '- '"
    if kind in ("model_type", "dict_type"):
        return "expected a mapping of fields (key: value)", hint
    if kind == "value_error":  # our own validators: their message says what to do
        return message.removeprefix("Value error, "), hint
    if kind == "string_too_long":
        return message, "keep titles and terms short; longer text belongs in a prose field"
    if kind == "string_too_short":
        return "expected some text, found an empty value", hint
    return message, hint


def did_you_mean(name: str, choices: list[str]) -> str | None:
    """'did you mean ...?' for a near-miss, or None."""
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def fields_of(model: type[BaseModel] | None) -> dict[str, Any]:
    return dict(model.model_fields) if model else {}


def _unwrap(annotation: Any) -> Any:
    """The model inside list[...], X | None or Annotated[...], if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel | Enum):
                return inner
    return annotation


def model_at(model: type[BaseModel], where: tuple) -> type[BaseModel] | None:
    """The nested model that a path points into (list indices are skipped)."""
    current: Any = model
    for part in where:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _describe(model: type[BaseModel], where: tuple) -> str | None:
    """The schema's description of the field at `where`: what is expected there."""
    names = [part for part in where if isinstance(part, str)]
    if not names:
        return None
    parent = model_at(model, where[: max(i for i, p in enumerate(where) if isinstance(p, str))])
    info = fields_of(parent).get(names[-1])
    return info.description if info is not None else None
