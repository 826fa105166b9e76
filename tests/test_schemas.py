"""The JSON Schemas and the field reference are generated from the models and kept in sync.

Editors check files against schemas/*.schema.json; a stale schema would mark valid
lessons wrong (or miss errors), so the committed files must be what the models
generate, and every file of the module must validate against them with a real
JSON Schema validator.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT
from jsonschema import Draft202012Validator

from handouts.authoring.schemas import SCHEMAS, field_reference, schema_file, schema_text
from handouts.layout import lesson_paths
from handouts.loader.yamlfile import load_yaml

SCHEMA_DIR = ROOT / "schemas"
FIELDS = ROOT / "docs" / "fields.md"
REGENERATE = "run '.venv/bin/handouts schema --fields docs/fields.md' at the repository root"
STARTER = ROOT / "handouts" / "authoring" / "starter"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_committed_schemas_are_what_the_models_generate(name: str) -> None:
    committed = (SCHEMA_DIR / schema_file(name)).read_text(encoding="utf-8")
    assert committed == schema_text(name), f"schemas/{schema_file(name)} is stale: {REGENERATE}"


def test_the_field_reference_is_what_the_models_generate() -> None:
    assert FIELDS.read_text(encoding="utf-8") == field_reference(), (
        f"docs/fields.md is stale: {REGENERATE}"
    )


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / schema_file(name)).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def files_of(lessons: Path) -> list[tuple[str, Path]]:
    """(schema name, file) for every lesson, the module file and every source record."""
    found = [("lesson", path) for path in lesson_paths(lessons)]
    found.append(("module", lessons / "module.yaml"))
    found += [("source", path) for path in sorted((lessons / "sources").glob("*.yaml"))]
    return found


MODULE_FILES = files_of(ROOT / "lessons") + files_of(FIXTURE / "lessons")


@pytest.mark.parametrize(
    ("name", "path"), MODULE_FILES, ids=[str(p.relative_to(ROOT)) for _, p in MODULE_FILES]
)
def test_every_file_of_the_module_validates_against_its_schema(name: str, path: Path) -> None:
    # The data as handouts reads it (dates stay text), as an editor's YAML 1.2 reading does.
    data = load_yaml(path).data
    errors = [f"{list(e.path)}: {e.message}" for e in validator(name).iter_errors(data)]
    assert not errors, errors


def test_the_readme_example_lesson_validates_against_the_schema(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### A lesson, field by field")
    example = re.findall(r"```yaml\n(.*?)```", readme[start:], flags=re.DOTALL)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    assert not list(validator("lesson").iter_errors(load_yaml(path).data))


def test_a_misspelt_field_fails_the_schema(tmp_path: Path) -> None:
    """The validation above can fail: a slip the checks catch, the schema catches too."""
    lesson = load_yaml(FIXTURE / "lessons" / "01-orders-from-the-center.yaml").data
    lesson["questions"][0]["skil"] = lesson["questions"][0].pop("skill")
    lesson["duration"] = "fifty"
    messages = [e.message for e in validator("lesson").iter_errors(lesson)]
    assert any("'skill' is a required property" in m for m in messages), messages
    assert any("'skil' was unexpected" in m for m in messages), messages
    assert any("'fifty' is not of type 'integer'" in m for m in messages), messages


def test_schemas_carry_descriptions_and_examples() -> None:
    lesson = json.loads(schema_text("lesson"))
    assert lesson["$schema"].startswith("https://json-schema.org/")
    assert lesson["properties"]["grade_band"]["description"] == "Intended grades, e.g. '10-12'."
    assert lesson["properties"]["grade_band"]["examples"] == ["10-12"]
    assert lesson["additionalProperties"] is False
    timeline = lesson["$defs"]["TimelineEntry"]["properties"]["date"]
    assert timeline["examples"] == ["2 July 1937"]


def test_the_field_reference_lists_every_field_with_required_and_default() -> None:
    text = field_reference()
    assert "| `grade_band` | yes |  | short text | Intended grades, e.g. '10-12'. |" in text
    assert "| `paper` | no | `a4` | one of `a4`, `letter` |" in text
    assert "| `seed` | no | none |" in text
    for model in ("Lesson", "Module", "Source", "Question", "Excerpt", "Guide"):
        assert f'<a id="{model.lower()}"></a>' in text
