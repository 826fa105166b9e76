"""Command-line interface: `handouts build | check | list`."""

from handouts.cli.app import main

__all__ = ["main"]
