"""The package's layers: every import points down (README, "For maintainers").

A module may import only from its own layer or the layers below it, so the
renderer never learns about lessons and the checks never reach for a view.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

LAYERS = [
    ["handouts.errors", "handouts.vocabulary", "handouts.schema", "handouts.layout"],
    ["handouts.integrity", "handouts.typeset"],
    ["handouts.loader", "handouts.stats"],
    ["handouts.authoring"],
    ["handouts.view", "handouts.guide", "handouts.chart", "handouts.markdown", "handouts.editions"],
    ["handouts.renderer", "handouts.export"],
    [
        "handouts.build",
        "handouts.output",
        "handouts.cache",
        "handouts.workers",
        "handouts.stamp",
        "handouts.guide_pdf",
    ],
    ["handouts.watch", "handouts.preview"],
    ["handouts.cli", "handouts.__main__"],
]
"""Bottom first; `handouts` itself (the version) sits below them all."""


def layer(module: str) -> int:
    for rank, names in enumerate(LAYERS):
        if any(module == name or module.startswith(name + ".") for name in names):
            return rank
    if module == "handouts":
        return -1
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and the README")


def modules() -> list[tuple[str, Path]]:
    package = ROOT / "handouts"
    found = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def imports(path: Path, name: str) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return [module for module in found if module.split(".")[0] == "handouts"]


@pytest.mark.parametrize(("name", "path"), modules(), ids=lambda v: str(v).split("/")[-1])
def test_imports_point_down(name: str, path: Path) -> None:
    own = layer(name)
    upward = [module for module in imports(path, name) if layer(module) > own]
    assert not upward, f"{name} (layer {own}) imports from above: {upward}"
