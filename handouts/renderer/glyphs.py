"""What we need to know of the bundled body font before layout.

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
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

FONTS_DIR = Path(__file__).resolve().parents[2] / "templates" / "fonts"
FONT_FILE = FONTS_DIR / "CharisSIL-Regular.ttf"
ITALIC_FONT_FILE = FONTS_DIR / "CharisSIL-Italic.ttf"
NUMBER_HEIGHT_EM = 0.62
"""Height of a drawn line number (the cap height, roughly); print.css sizes .ln-digits to it."""


@lru_cache(maxsize=2)
def _advances(italic: bool) -> tuple[dict[int, int], int, int]:
    """Advance width of every character (font units), a fallback width, units per em."""
    from fontTools.ttLib import TTFont

    font = TTFont(ITALIC_FONT_FILE if italic else FONT_FILE)
    metrics = font["hmtx"].metrics
    widths = {code: metrics[name][0] for code, name in font.getBestCmap().items()}
    return widths, metrics[font.getBestCmap()[ord("M")]][0], font["head"].unitsPerEm


def width_em(text: str, italic: bool = False) -> float:
    """Width of `text` set in the body font, in ems (no kerning: a slight overestimate)."""
    widths, fallback, units = _advances(italic)
    return sum(widths.get(ord(char), fallback) for char in text) / units


@lru_cache(maxsize=1)
def _digits() -> tuple[dict[str, tuple[str, int]], int]:
    """Path data and advance width of each digit, plus the font's cap height."""
    from fontTools.pens.svgPathPen import SVGPathPen  # fontTools comes with WeasyPrint
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_FILE)
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


@lru_cache(maxsize=512)
def number_mark(number: int) -> Markup:
    """`number` drawn as an SVG image in a CSS background, sized in ems of the font.

    A background is painted as an artifact in a tagged PDF: screen readers and
    copy-and-paste skip it, and it needs no alternative text.
    """
    digits, ascent = _digits()
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


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """Code points the bundled body font can draw (Charis is every stack's last resort)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONT_FILE).getBestCmap())


def unsupported_characters(text: str) -> list[str]:
    """Characters of `text` no bundled font has: WeasyPrint would silently use a system font."""
    covered = _covered()
    return sorted({char for char in text if ord(char) not in covered and not char.isspace()})
