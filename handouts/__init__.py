"""handouts: YAML lesson units to printable PDF handouts for history teachers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("handouts")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
