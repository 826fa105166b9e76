"""The build stamp: knowing, without loading a single model, that a build would change nothing.

The output cache (handouts/cache.py) decides per PDF, but to get there a build
must gather, validate and lay out the HTML of every lesson: about a second.
The stamp answers first. At the end of a clean build it records a hash of
every input file (module file, lessons, sources, images, templates, and the
package's own code), the options, and the outputs written (with their
hashes), plus what the build printed. A later build with the same inputs and
options whose outputs are all still those files prints the same report and
stops. Anything else (an input changed, an output deleted or edited, a stamp
that cannot be read) takes the full build, which rewrites the stamp.

Only stdlib and PyYAML here: this runs before pydantic or WeasyPrint load.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from handouts.cache import CACHE_FOLDER, digest, file_digest, tree_digest, write_record
from handouts.cache import LIBRARIES as RENDERING_LIBRARIES
from handouts.layout import Layout, bundled_templates

LIBRARIES = (*RENDERING_LIBRARIES, "pydantic", "jinja2", "markdown_it_py", "pyyaml")
"""The renderer's libraries (the output cache's list), and those that read, check and lay
out the lessons as HTML: a new version of any of them may change what a build prints."""


@dataclass(frozen=True)
class Line:
    """One line a build printed: replayed as it was when nothing changed."""

    text: str
    err: bool = False


def light_layout(module_file: Path, templates: Path | None) -> Layout | None:
    """The module's folders read from module.yaml without validating it (None if unusual).

    A module file this cannot read simply (not a mapping, folder settings that are not
    strings) gets no stamp: the full build reads and reports it.
    """
    try:
        with module_file.open("rb") as stream:
            raw = yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    folders = raw.get("folders", {}) if isinstance(raw, Mapping) else None
    if not isinstance(folders, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in folders.items()
    ):
        return None
    layout = Layout.at(module_file, folders)
    if templates is not None:
        layout = Layout(**{**layout.__dict__, "templates": templates.absolute()})
    return layout


def _libraries() -> list[str]:
    """Versions of the libraries that shape an output, from their installed metadata folders.

    The folder names (`weasyprint-70.0.dist-info`) are read from sys.path with
    os.scandir: importlib.metadata costs more than this whole check may take.
    """
    found: list[str] = []
    wanted = {name.lower() for name in LIBRARIES}
    for entry in sys.path:
        with contextlib.suppress(OSError):
            for item in os.scandir(entry or "."):
                name = item.name.lower()
                if name.endswith(".dist-info") and name.split("-", 1)[0] in wanted:
                    found.append(name)
    return sorted(found)


def inputs_digest(layout: Layout, options: Mapping[str, object]) -> str:
    """One hash of everything a build of this module with these options reads."""
    package = Path(__file__).parent
    folders = {layout.module_file.parent, layout.lessons, layout.sources, layout.images}
    # The bundled templates by their real path: in a checkout handouts/templates is a link,
    # which a walk of the package does not follow.
    folders |= {layout.templates, package, bundled_templates().resolve()}
    build = layout.build.resolve()

    def keep(path: Path) -> bool:
        return build not in path.resolve().parents and "__pycache__" not in path.parts

    return digest(
        sys.version,
        json.dumps(options, sort_keys=True, default=str),
        *_libraries(),
        tree_digest(sorted(folders), keep=keep),
    )


class Stamp:
    """The stamp of one kind of build (module and options) in a build folder."""

    def __init__(self, layout: Layout, options: Mapping[str, object]):
        self.layout = layout
        self.options = options
        self.path = (
            layout.build
            / CACHE_FOLDER
            / f"build-{digest(json.dumps(options, sort_keys=True, default=str))[:24]}.json"
        )

    def fresh(self) -> list[Line] | None:
        """What the last build printed, if it would print it again and change nothing."""
        try:
            recorded = json.loads(self.path.read_text(encoding="utf-8"))
            if recorded["inputs"] != inputs_digest(self.layout, self.options):
                return None
            for name, sha256 in recorded["outputs"].items():
                if file_digest(self.layout.build / name) != sha256:
                    return None
            return [Line(text, bool(err)) for text, err in recorded["lines"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def clear(self) -> None:
        """A build is starting: until it ends cleanly, the old stamp is no longer true."""
        with contextlib.suppress(OSError):
            self.path.unlink()

    def record(self, outputs: list[Path], lines: list[Line], inputs: str) -> None:
        """A clean build ended: `inputs` is the hash taken when it started."""
        record = {
            "inputs": inputs,
            "outputs": {
                path.relative_to(self.layout.build).as_posix(): file_digest(path)
                for path in outputs
            },
            "lines": [[line.text, line.err] for line in lines],
        }
        with contextlib.suppress(OSError, ValueError):
            write_record(self.path, record)
