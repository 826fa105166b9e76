"""Command-line interface: `handouts build`, `check`, `list`, `export`, `preview`, and the
authoring ones."""

from handouts.cli import authoring, export, preview  # noqa: F401  (registers their commands)
from handouts.cli.app import main

__all__ = ["main"]
