"""Command-line interface: `handouts build | check | list | init | new | source | schema`."""

from handouts.cli import authoring  # noqa: F401  (registers the authoring commands)
from handouts.cli.app import main

__all__ = ["main"]
