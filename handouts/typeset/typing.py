"""The font form fields type in: a subset of the body font for the module's language.

WeasyPrint embeds a form field's font whole (a student may type any glyph)
and maps its glyphs to Unicode from the font's cmap. With the body font
that meant all of Charis SIL Regular in every fillable PDF (about 440 KB
each), a glyph mapped to U+FEFF (forbidden by PDF/UA-1), and, because body
text shares that font, ligatures copied as the wrong characters ("first" as
"ˣrst"). A separate face, cut down to what a student may type in the
module's language, is small, maps cleanly, and leaves the body font to the
ordinary subsetting.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

TYPING_FAMILY = "Handouts Typing"
"""The font family print.css gives form fields; the renderer declares it with @font-face."""

LATIN = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2028), 0x2030, 0x2039, 0x203A]
) | {0x20AC, 0x2122}
"""Every language: ASCII, Latin-1 (accented names, °, ½), dashes, quotes, ellipsis, €, ™."""
LATIN_EXTENDED = frozenset(range(0x100, 0x250))
"""Latin Extended-A and -B, for any language but English (ł, ş, ő, ...)."""
SCRIPTS = {
    "cyrillic": frozenset(range(0x400, 0x530)),
    "greek": frozenset(range(0x370, 0x400)),
}
LANGUAGE_SCRIPTS = {
    "be": "cyrillic",
    "bg": "cyrillic",
    "kk": "cyrillic",
    "mk": "cyrillic",
    "ru": "cyrillic",
    "sr": "cyrillic",
    "uk": "cyrillic",
    "el": "greek",
}
"""Languages written in a script besides Latin (by the primary subtag of their BCP 47 tag)."""


def typing_characters(language: str) -> frozenset[int]:
    """The code points a student may type in answers in `language` (a BCP 47 tag)."""
    primary = language.split("-")[0].lower()
    characters = LATIN if primary == "en" else LATIN | LATIN_EXTENDED
    script = LANGUAGE_SCRIPTS.get(primary)
    return characters | SCRIPTS[script] if script else characters


@lru_cache(maxsize=4)
def typing_font(font: Path, language: str) -> bytes:
    """`font` cut down to the typing characters of `language`: no layout tables, no hinting.

    Deterministic (the font's timestamp is kept), so builds stay byte-identical.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # Layout and Graphite tables: a form field shows characters one by one.
    dropped = ["GSUB", "GPOS", "GDEF", "Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"]
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += dropped
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    with TTFont(font, recalcTimestamp=False, lazy=True) as ttfont:
        for tag in dropped:  # deleted before they are read: decoding them took most of the time
            if tag in ttfont:
                del ttfont[tag]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=typing_characters(language))
        subsetter.subset(ttfont)
        out = io.BytesIO()
        ttfont.save(out)
    return out.getvalue()
