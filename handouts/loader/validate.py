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

from pydantic import BaseModel, Tag, ValidationError

from handouts.errors import Problem, ProblemsError, shorten
from handouts.loader.yamlfile import Located, load_yaml
from handouts.schema.base import ID_PATTERN

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], located: Located) -> tuple[M | None, list[Problem]]:
    """The model built from `located`, or None and every problem found."""
    try:
        return model.model_validate(located.data), []
    except ValidationError as error:
        items = _merge_slips(model, located, error.errors(include_url=False))
        problems = [
            item if isinstance(item, Problem) else _to_problem(model, located, item)
            for item in items
        ]
        return None, sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _merge_slips(model: type[BaseModel], located: Located, items: list[Any]) -> list[Any]:
    """One message per slip: a misspelt or misplaced key is also a "missing" field.

    A misspelt required key ('skil') gives an unknown field and a missing one; an
    over-indented key disappears into the text above it, or into the mapping above
    it, and its own field goes missing. Each becomes one problem at the key itself.
    """

    def path(item: Any) -> tuple:
        return _without_tags(model, tuple(p for p in item["loc"] if isinstance(p, str | int)))

    missing = {path(item): item for item in items if item["type"] == "missing"}
    unknown = {path(item) for item in items if item["type"] == "extra_forbidden"}
    merged: list[Any] = []
    used: set[tuple] = set()
    for item in items:
        where = path(item)
        if item["type"] != "extra_forbidden" or where in used:
            continue
        name, parent = where[-1], where[:-1]
        wanted = [loc[-1] for loc in missing if loc[:-1] == parent and loc not in used]
        close = closest(str(name), [str(w) for w in wanted])
        if close:
            used |= {where, (*parent, close)}
            merged.append(
                located.problem(
                    where,
                    f"unknown field '{name}'",
                    key=True,
                    hint=f"did you mean '{close}'? (a required field)",
                )
            )
    for loc in missing:
        if loc in used:
            continue
        found = _misplaced(located, loc, unknown)
        if found is not None:
            problem, swallowed = found
            used.add(loc)
            if swallowed is not None:
                used.add(swallowed)
            merged.append(problem)
    return merged + [item for item in items if path(item) not in used]


def _misplaced(
    located: Located, loc: tuple, unknown: set[tuple]
) -> tuple[Problem, tuple | None] | None:
    """A missing field whose key was written indented further than its siblings.

    It ends up in the text of a '|' block above it, or as an unknown key of the
    mapping above it. Returns the problem and the path of that unknown key, if any.
    """
    name, parent = loc[-1], loc[:-1]
    try:
        siblings = located.value(parent)
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(siblings, dict):
        return None
    for key, value in siblings.items():
        child = (*parent, key)
        if (*child, name) in unknown:
            where = (*child, name)
            return (
                located.problem(
                    where,
                    f"'{name}' is indented further than its siblings, so it became part of"
                    f" '{key}' above it",
                    key=True,
                    hint=f"move '{name}:' left to line up with '{key}:'",
                ),
                where,
            )
        if isinstance(value, str) and child in located.blocks:
            for index, line in enumerate(value.splitlines()):
                if re.match(rf"{re.escape(str(name))}:(\s|$)", line):
                    return (
                        located.problem(
                            child,
                            f"'{name}' is indented further than its siblings, so it became a"
                            f" line of the text of '{key}' above it",
                            text_line=index,
                            hint=f"move '{name}:' left to line up with '{key}:'",
                        ),
                        None,
                    )
    return None


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
    return value, located, located.warnings + problems


def _to_problem(model: type[BaseModel], located: Located, item: Any) -> Problem:
    loc = tuple(part for part in item["loc"] if isinstance(part, str | int))
    where = _without_tags(model, loc)
    kind = item["type"]
    if kind == "extra_forbidden":
        name = str(where[-1])
        allowed = sorted(fields_of(model_at(model, loc[:-1])))
        return located.problem(
            where,
            f"unknown field '{name}'",
            key=True,
            hint=did_you_mean(name, allowed) or f"allowed fields here: {', '.join(allowed)}",
        )
    if kind == "missing":
        # An absent field has no position: Located.problem points at its parent.
        return located.problem(
            where, f"missing required field '{where[-1]}'", hint=_describe(model, loc)
        )
    message, hint = _explain(model, loc, item)
    return located.problem(where, message, value=item.get("input"), hint=hint)


def _kind_of(value: Any) -> str:
    """What a value is, in a teacher's words."""
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    if value is None:
        return "nothing"
    return shorten(value)


def _explain(model: type[BaseModel], where: tuple, item: Any) -> tuple[str, str | None]:
    """Every validation error we can meet, in a teacher's words (never pydantic's)."""
    kind, value, ctx = item["type"], item.get("input"), item.get("ctx", {})
    hint = _describe(model, where)
    field = str(where[-1]) if where else ""
    if kind in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        hint = did_you_mean(str(value), allowed) or f"one of: {', '.join(allowed)}"
        return f"expected one of the allowed values, got {shorten(value)}", hint
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, found {_kind_of(value)}", hint
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, found {_kind_of(value)}", hint
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, found {_kind_of(value)}", hint
    if kind == "string_type":
        if isinstance(value, int | float | bool):
            return (
                f"expected text, found {_kind_of(value)}",
                "put the value in quotes to make it text",
            )
        return f"expected text, found {_kind_of(value)}", hint
    if kind == "string_pattern_mismatch":
        if field == "sha256":
            return (
                "expected a SHA-256: 64 characters, digits and the letters a-f",
                "let handouts write it: 'handouts source rehash <id>'",
            )
        if ctx.get("pattern") == ID_PATTERN:
            return (
                "expected an id of lower-case letters, digits and hyphens",
                "e.g. 'orders-from-the-center'",
            )
        return "this value does not have the form the field takes", hint
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        least = "at least" if kind == "greater_than_equal" else "more than"
        return f"expected a number {least} {bound}, found {shorten(value)}", hint
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        most = "at most" if kind == "less_than_equal" else "less than"
        return f"expected a number {most} {bound}, found {shorten(value)}", hint
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"expected at least {least} item{'s' * (least != 1)}, found none or fewer", hint
    if kind == "too_long":
        most = ctx.get("max_length")
        return (
            f"expected at most {most} item{'s' * (most != 1)}, found {ctx.get('actual_length')}",
            hint,
        )
    if kind == "list_type":
        return (
            f"expected a list, found {_kind_of(value)}",
            "write each item on its own line starting with '- '",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields (key: value), found {_kind_of(value)}", hint
    if kind in ("value_error", "assertion_error"):  # our own validators say what to do
        message = str(item["msg"]).removeprefix("Value error, ")
        return message.removeprefix("Assertion failed, "), hint
    if kind == "string_too_long":
        return (
            f"this text is {len(str(value))} characters long; at most"
            f" {ctx.get('max_length')} fit here",
            "keep titles and terms short; longer text belongs in a prose field",
        )
    if kind == "string_too_short":
        return "expected some text, found an empty value", hint
    return f"this value is not what '{field}' takes: {_kind_of(value)}", hint


def closest(name: str, choices: list[str]) -> str | None:
    """The choice `name` is a near-miss of, if any."""
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, choices: list[str]) -> str | None:
    """'did you mean ...?' for a near-miss, or None."""
    close = closest(name, choices)
    return f"did you mean '{close}'?" if close else None


def fields_of(model: type[BaseModel] | None) -> dict[str, Any]:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return {}
    return dict(model.model_fields)


def _unwrap(annotation: Any) -> Any:
    """The model inside list[...], X | None or Annotated[...], if any; for a tagged union
    (pydantic's Tag), its models by tag."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        tagged = _tagged(typing.get_args(annotation))
        if tagged:
            return tagged
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if isinstance(inner, dict) or (
                isinstance(inner, type) and issubclass(inner, BaseModel | Enum)
            ):
                return inner
    return annotation


def _tagged(args: tuple) -> dict[str, Any]:
    """{tag: model} for the members of a tagged union; empty for any other union."""
    found = {}
    for arg in args:
        if typing.get_origin(arg) is typing.Annotated:
            inner, *metadata = typing.get_args(arg)
            for item in metadata:
                if isinstance(item, Tag) and isinstance(item.tag, str):
                    found[item.tag] = inner
    return found


def _without_tags(model: type[BaseModel], loc: tuple) -> tuple:
    """An error location as a path in the file: the tags pydantic adds for a tagged union
    ('image document') name no key of the YAML."""
    where, current = [], model
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]  # the tag picks the member
            continue
        where.append(part)
        if isinstance(part, str):
            info = fields_of(current if isinstance(current, type) else None).get(part)
            current = _unwrap(info.annotation) if info is not None else None
    return tuple(where)


def model_at(model: type[BaseModel], where: tuple) -> type[BaseModel] | None:
    """The nested model that a path points into (list indices are skipped; a tagged union's
    tag picks its member)."""
    current: Any = model
    for part in where:
        if isinstance(part, int):
            continue
        if isinstance(current, dict):
            current = current.get(part)
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
