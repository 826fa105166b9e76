"""What we need to know of the fonts before layout: widths, glyph coverage, drawn digits.

Fonts are found through the same search path as templates: a module's own
`templates/fonts/` first, then the bundled one, so line measurement and the
glyph check use the fonts that will actually print.

Excerpt line numbers must print but must not be text: a student who copies
a passage from the PDF should get the passage, not '5' and '10' mixed into
it. So the digits are SVG paths taken from the font's own glyphs, painted as
a CSS background (an artifact in the tagged PDF, not text and not a figure).

Excerpt lines are broken by us, not by the layout engine, so that line
numbers are the same in every edition; we measure words with the font's
advance widths so that a line always fits its frame.
"""

from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from markupsafe import Markup

from handouts.layout import bundled_templates, find_on_path

BODY_FONT = "fonts/CharisSIL-Regular.ttf"
ITALIC_FONT = "fonts/CharisSIL-Italic.ttf"
"""The body font files print.css names, relative to a template folder."""
FONT_SUFFIXES = (".ttf", ".otf")
NUMBER_HEIGHT_EM = 0.62
"""Height of a drawn line number (the cap height, roughly); print.css sizes .ln-digits to it."""


@lru_cache(maxsize=8)
def _advances(path: Path) -> tuple[dict[int, int], int, int]:
    """Advance width of every character (font units), a fallback width, units per em."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap()
    widths = {code: metrics[name][0] for code, name in cmap.items()}
    return widths, metrics[cmap[ord("M")]][0], font["head"].unitsPerEm


@lru_cache(maxsize=32)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())


@lru_cache(maxsize=4)
def _digits(path: Path) -> tuple[dict[str, tuple[str, int]], int]:
    """Path data and advance width of each digit, plus the font's cap height."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    glyph_set = font.getGlyphSet()
    cmap = font.getBestCmap()
    digits = {}
    for char in "0123456789":
        name = cmap[ord(char)]
        pen = SVGPathPen(glyph_set)
        glyph_set[name].draw(pen)
        digits[char] = (pen.getCommands(), glyph_set[name].width)
    ascent = font["OS/2"].sCapHeight or font["hhea"].ascent
    return digits, ascent


@dataclass(frozen=True)
class Typesetter:
    """The fonts of one template search path (a module's folder first, the bundled last)."""

    search: tuple[Path, ...]

    @classmethod
    def bundled(cls) -> Typesetter:
        return cls((bundled_templates(),))

    def find(self, relative: str) -> Path:
        """The first file of that name on the search path (the bundled one always exists)."""
        return find_on_path(self.search, relative) or self.search[-1] / relative

    @cached_property
    def font_files(self) -> list[Path]:
        """Every font file a template can load, shadowed by name as templates are."""
        found: dict[str, Path] = {}
        for folder in self.search:
            for path in sorted((folder / "fonts").glob("*")):
                if path.suffix.lower() in FONT_SUFFIXES:
                    found.setdefault(path.name, path)
        return list(found.values())

    def width_em(self, text: str, italic: bool = False) -> float:
        """Width of `text` in the body font, in ems (no kerning: a slight overestimate)."""
        widths, fallback, units = _advances(self.find(ITALIC_FONT if italic else BODY_FONT))
        return sum(widths.get(ord(char), fallback) for char in text) / units

    @cached_property
    def covered(self) -> frozenset[int]:
        """Code points that will print in a font of ours.

        The body font ends every font stack of the bundled CSS, so what it lacks
        would fall back to a system font; fonts a module adds to its own
        templates/fonts/ are taken to be in that module's stacks.
        """
        added = [path for path in self.font_files if not path.is_relative_to(self.search[-1])]
        return frozenset().union(_cmap(self.find(BODY_FONT)), *(_cmap(path) for path in added))

    def unsupported(self, text: str) -> list[str]:
        """Characters of `text` no font has: WeasyPrint would silently use a system font."""
        covered = self.covered
        return sorted({c for c in text if ord(c) not in covered and not c.isspace()})

    def number_mark(self, number: int) -> Markup:
        """`number` drawn as an SVG image in a CSS background, sized in ems of the font.

        A background is painted as an artifact in a tagged PDF: screen readers and
        copy-and-paste skip it, and it needs no alternative text.
        """
        return _number_mark(self.find(BODY_FONT), number)


@lru_cache(maxsize=1024)
def _number_mark(font: Path, number: int) -> Markup:
    digits, ascent = _digits(font)
    paths, x = [], 0
    for char in str(number):
        commands, advance = digits[char]
        paths.append(f'<path transform="translate({x} 0)" d="{commands}"/>')
        x += advance
    # Font units grow upwards; SVG units grow downwards: flip around the cap height.
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {x} {ascent}">'
        f'<g transform="matrix(1 0 0 -1 0 {ascent})">{"".join(paths)}</g></svg>'
    )
    data = base64.b64encode(svg.encode("ascii")).decode("ascii")
    width = x / ascent * NUMBER_HEIGHT_EM
    return Markup(
        f'<span class="ln-digits" style="width: {width:.3f}em;'
        f' background-image: url(data:image/svg+xml;base64,{data})"></span>'
    )


def describe_characters(chars: list[str]) -> str:
    """ "'丁' (U+4E01 CJK UNIFIED IDEOGRAPH-4E01), ..." for an error message."""
    return ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars)
