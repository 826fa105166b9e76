"""JSON Schemas and the field reference, generated from the models, never written by hand.

Editors read the JSON Schemas (VS Code's YAML extension, through a first-line
`# yaml-language-server: $schema=...` modeline) to complete and check fields
as a teacher types; docs/fields.md is the same information for reading. Both
come from the pydantic models, so regenerating them after a model changes is
one command (`handouts schema`), and tests fail while they are stale.
"""

from __future__ import annotations

import json
import os
import re
import types
import typing
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from handouts.schema import Lesson, Module, Source
from handouts.schema.base import ID_PATTERN, check_language_tag

DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMAS: dict[str, type[BaseModel]] = {"lesson": Lesson, "module": Module, "source": Source}
"""Which files each schema describes: lessons/*.yaml, module.yaml, lessons/sources/*.yaml."""

EXAMPLE = re.compile(r"e\.g\. '([^']+)'")


def schema_file(name: str) -> str:
    """'lesson' -> 'lesson.schema.json'."""
    return f"{name}.schema.json"


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one kind of file, with descriptions and examples."""
    model = SCHEMAS[name]
    schema = model.model_json_schema()
    _add_examples(schema)
    return {"$schema": DIALECT, "$id": schema_file(name), **schema}


def schema_text(name: str) -> str:
    """The schema as it is written to disk: stable, indented, ending in a newline."""
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder` (created if needed); return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / schema_file(name)
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written


def _is_text(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "string" for option in options)


def _add_examples(node: Any) -> None:
    """Examples from the descriptions ("e.g. '2 July 1937'"), which editors show on hover."""
    if isinstance(node, dict):
        description = node.get("description")
        if isinstance(description, str) and "examples" not in node and _is_text(node):
            found = EXAMPLE.findall(description)
            if found:
                node["examples"] = found
        for value in node.values():
            _add_examples(value)
    elif isinstance(node, list):
        for value in node:
            _add_examples(value)


def modeline(schema: Path, yaml_file: Path) -> str:
    """The first line that points an editor at `schema`, relative to the YAML file's folder."""
    relative = os.path.relpath(schema.absolute(), yaml_file.parent.absolute())
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}"


# The field reference (docs/fields.md).

TITLES = {
    Module: "The module: `lessons/module.yaml`",
    Lesson: "A lesson: `lessons/<id>.yaml`",
    Source: "A source record: `lessons/sources/<id>.yaml`",
}


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """(the type inside `X | None`, whether None is allowed)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _split(annotation: Any) -> tuple[Any, list[Any]]:
    """(bare type, metadata) of a possibly Annotated type."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        base, more = _split(inner)
        return base, more + metadata
    return annotation, []


def _constraint(metadata: list[Any], name: str) -> Any:
    for item in metadata:
        value = getattr(item, name, None)
        if value is not None and not isinstance(item, FieldInfo):
            return value
        if isinstance(item, FieldInfo):
            found = _constraint(item.metadata, name)
            if found is not None:
                return found
    return None


def _takes(annotation: Any, metadata: list[Any]) -> str:
    """What a value must be, in words: 'text', 'whole number from 10 to 240', 'list of ...'."""
    annotation, optional = _unwrap_optional(annotation)
    base, more = _split(annotation)
    metadata = [*metadata, *more]
    suffix = ", or `null`" if optional else ""
    if typing.get_origin(base) is list:
        [inner] = typing.get_args(base)
        least = _constraint(metadata, "min_length")
        most = _constraint(metadata, "max_length")
        count = ""
        if least and most:
            count = f" ({least} to {most})"
        elif least:
            count = f" (at least {least})"
        elif most:
            count = f" (at most {most})"
        return f"list{count} of {_takes(inner, [])}" + suffix
    if isinstance(base, type) and issubclass(base, BaseModel):
        return f"[{base.__name__}](#{base.__name__.lower()})" + suffix
    if isinstance(base, type) and issubclass(base, Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in base) + suffix
    if base is bool:
        return "`true` or `false`" + suffix
    if base is int:
        low, high = _constraint(metadata, "ge"), _constraint(metadata, "le")
        bounds = f" from {low} to {high}" if low is not None and high is not None else ""
        if low is not None and high is None:
            bounds = f", at least {low}"
        return f"whole number{bounds}" + suffix
    if base is str:
        pattern = _constraint(metadata, "pattern")
        if pattern == ID_PATTERN:
            return "id (lower-case letters, digits, hyphens)" + suffix
        if any(getattr(m, "func", None) is check_language_tag for m in metadata):
            return "language tag (`en`, `en-GB`, `ru`)" + suffix
        if pattern:
            return "text of a fixed form" + suffix
        if _constraint(metadata, "max_length"):
            return "short text" + suffix
        return "text (Markdown)" + suffix if _constraint(metadata, "min_length") else "text"
    return str(base) + suffix


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return ""
    value = info.default_factory() if info.default_factory is not None else info.default
    if value is PydanticUndefined or value is None or value == []:
        return "none"
    if isinstance(value, BaseModel):
        return "see below"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Enum):
        return f"`{value.value}`"
    return f"`{value}`"


def _nested(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """Models used by `model`'s fields, in field order."""
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            current = stack.pop(0)
            if isinstance(current, type) and issubclass(current, BaseModel):
                yield current
            else:
                stack.extend(typing.get_args(current))


def _models() -> list[type[BaseModel]]:
    """Every model the three files use, each once, in reading order."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for child in _nested(model):
            visit(child)

    for model in SCHEMAS.values():
        visit(model)
    return seen


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def field_reference() -> str:
    """docs/fields.md: every field of every file, with required, default and meaning."""
    out = [
        "# Every field",
        "",
        "<!-- Generated from handouts/schema/ by `handouts schema --fields docs/fields.md`;"
        " do not edit by hand (tests/test_schemas.py fails when it is stale). -->",
        "",
        "Every field of the module file, a lesson and a source record: whether it is",
        "required, its default when it is not, what it takes and what it means. Unknown",
        "fields are errors. The same descriptions appear in your editor when a file",
        "starts with a `# yaml-language-server: $schema=...` line (see `handouts schema`).",
        "",
    ]
    for model in _models():
        title = TITLES.get(model, model.__name__)
        anchor = f'<a id="{model.__name__.lower()}"></a>'
        doc = " ".join((model.__doc__ or "").split())
        out += [f"## {title} {anchor}" if model in TITLES else f"### {title} {anchor}", ""]
        if doc:
            out += [doc, ""]
        out += ["| field | required | default | takes | meaning |", "|---|---|---|---|---|"]
        for name, info in model.model_fields.items():
            required = "yes" if info.is_required() else "no"
            takes = _takes(info.annotation, list(info.metadata))
            meaning = _cell(info.description or "")
            out.append(f"| `{name}` | {required} | {_default(info)} | {_cell(takes)} | {meaning} |")
        out.append("")
    return "\n".join(out)


__all__ = [
    "SCHEMAS",
    "field_reference",
    "json_schema",
    "modeline",
    "schema_file",
    "schema_text",
    "write_schemas",
]
