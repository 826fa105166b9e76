"""HTML -> PDF bytes with WeasyPrint: fonts from the template search path, resources restricted.

The renderer knows nothing of lessons: it is given HTML and the template
search path its stylesheet, fonts and images come from. WeasyPrint is
imported here only, and only when something is rendered, so commands that
render nothing (check, list) stay fast.
"""

from __future__ import annotations

import atexit
import gc
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from handouts.errors import Problem, ProblemsError, os_cause
from handouts.layout import find_on_path
from handouts.renderer.templates import stylesheet_text

PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with a structure tree, language, title shown in the viewer and UA metadata."""

_IMAGE_CACHE: dict = {}
"""Decoded images shared across renders in one process."""


@lru_cache(maxsize=2)
def _context(search: tuple[Path, ...], images: Path | None = None):
    """One FontConfiguration and stylesheet per process: memory stays flat across renders."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from handouts.renderer.fetcher import RestrictedFetcher

    fetcher = RestrictedFetcher(search, images)
    fonts = FontConfiguration()
    css = CSS(
        string=stylesheet_text(search),
        base_url=base_url(search),
        url_fetcher=fetcher,
        font_config=fonts,
    )
    return fetcher, fonts, css


@lru_cache(maxsize=4)
def _typing_css(search: tuple[Path, ...], images: Path | None, language: str):
    """@font-face for form fields: the body font cut down to what `language` types.

    Declared per document language (its <html lang>), in the font configuration the
    document renders with (the same `_context`), or the fields fall back to the whole
    body font.
    """
    import base64

    from weasyprint import CSS

    from handouts.typeset.fonts import BODY_FONT
    from handouts.typeset.typing import TYPING_FAMILY, typing_font

    fetcher, fonts, _ = _context(search, images)
    font = find_on_path(search, BODY_FONT) or search[-1] / BODY_FONT
    data = base64.b64encode(typing_font(font, language)).decode("ascii")
    face = f'@font-face {{ font-family: "{TYPING_FAMILY}"; src: url(data:font/ttf;base64,{data}) }}'
    return CSS(string=face, url_fetcher=fetcher, font_config=fonts)


def release() -> None:
    """Drop the fonts and stylesheet: WeasyPrint's font configuration then deletes the
    temporary folder (/tmp/weasyprint-*) it wrote the embedded fonts to."""
    _typing_css.cache_clear()
    _context.cache_clear()
    gc.collect()


# Release WeasyPrint's font configuration before interpreter teardown, when its
# destructor can no longer reach the modules it needs.
atexit.register(release)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def base_url(search: tuple[Path, ...]) -> str:
    """Relative URLs resolve in the bundled folder; the fetcher then looks along the path."""
    return str(search[-1].resolve()) + "/"


def render_pdf(
    html: str, source: Path, search: tuple[Path, ...], images: Path | None = None
) -> Rendered:
    """The PDF of `html`; a blocked resource is an error naming `source`.

    `images` is the module's images folder, the one place image documents load from.
    """
    from weasyprint import HTML

    from handouts.renderer.fetcher import BlockedResource
    from handouts.renderer.postprocess import finish

    try:
        fetcher, fonts, css = _context(search, images)
        page = HTML(string=html, base_url=base_url(search), url_fetcher=fetcher)
        stylesheets = [css]
        if any(e.tag in ("input", "textarea") for e in page.etree_element.iter()):
            language = page.etree_element.get("lang") or "en"
            stylesheets.append(_typing_css(search, images, language))
        document = page.render(stylesheets=stylesheets, font_config=fonts, cache=_IMAGE_CACHE)
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=finish)
        return Rendered(pdf, len(document.pages))
    except BlockedResource as error:
        raise ProblemsError(
            [
                Problem(
                    source,
                    f"the renderer {error}",
                    hint="only files in the template folders, PNG and JPEG files in the images"
                    " folder, and data: URLs may be loaded",
                )
            ]
        ) from None
    except OSError as error:  # WeasyPrint writes the fonts it embeds to a temporary folder
        folder = _temporary_folder()
        raise ProblemsError(
            [
                Problem(
                    Path(error.filename) if isinstance(error.filename, str) else folder,
                    f"cannot render: {os_cause(error)}",
                    hint=f"the renderer needs a temporary folder ({folder}) that exists, is"
                    " writable and has space: free some, or set TMPDIR to another folder",
                )
            ]
        ) from None


def _temporary_folder() -> Path:
    """The folder temporary files go to, as far as it can be named."""
    try:
        return Path(tempfile.gettempdir())
    except OSError:  # none usable: name the one asked for
        return Path(os.environ.get("TMPDIR") or "/tmp")


def subsetting_in_c() -> bool:
    """Whether WeasyPrint can cut fonts down with HarfBuzz (fast) rather than fontTools (slow).

    Asked of the system's libraries as WeasyPrint asks (libharfbuzz-subset, HarfBuzz 4.1 or
    later), without importing WeasyPrint: a build whose rendering happens in worker
    processes never loads it in the parent.
    """
    import ctypes
    import ctypes.util

    def load(name: str, short: str) -> ctypes.CDLL | None:
        for candidate in (name, ctypes.util.find_library(short)):
            if candidate:
                try:
                    return ctypes.CDLL(candidate)
                except OSError:
                    continue
        return None

    subset = load("libharfbuzz-subset.so.0", "harfbuzz-subset")
    harfbuzz = load("libharfbuzz.so.0", "harfbuzz")
    if subset is None or harfbuzz is None:
        return False
    return bool(harfbuzz.hb_version_atleast(4, 1, 0))
