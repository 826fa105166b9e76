"""The web edition: one self-contained, accessible HTML page per lesson and edition.

A student with a screen reader or a phone gets the lesson as a page, not a PDF.
The page loads nothing: the stylesheet is inlined, the body font is inlined as
WOFF2 subsets cut down to the characters the lesson uses, images are data:
URLs, charts are inline SVG, and a Content-Security-Policy forbids any fetch,
so a teacher may put the file on any school site or LMS as it is.

The page is rendered from the view (`templates/web.html.j2`, which reuses the
print templates' macros where they fit), with the same edition switches as the
PDFs: answers, keys, the plan and teacher notes are in the teacher page only.
The fillable edition is the student page with a labelled text box for each
question (and radio buttons for a multiple-choice one); nothing is sent
anywhere, the student prints or copies the answers.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from handouts.editions import Edition
from handouts.export import ExportLesson, ExportOptions
from handouts.loader.files import read_bytes
from handouts.renderer.templates import render_template
from handouts.typeset.typing import typing_characters
from handouts.view import ImageView, LessonView

TEMPLATE = "web.html.j2"
"""The page template; it includes web.css (both overridable in a module's templates/)."""
FACES = (
    ("fonts/CharisSIL-Regular.ttf", 400, "normal"),
    ("fonts/CharisSIL-Italic.ttf", 400, "italic"),
    ("fonts/CharisSIL-Bold.ttf", 700, "normal"),
    ("fonts/CharisSIL-BoldItalic.ttf", 700, "italic"),
)
"""The body font's faces, inlined as subsets; headings use the same family."""
FAMILY = "Handouts Serif"
"""The family web.css names first; the system serif fonts follow it."""
IMAGE_LIMIT = 10_000_000
"""Bytes in an image document (the loader's limit, checked before anything renders)."""
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg"}


def export(lesson: ExportLesson, options: ExportOptions) -> dict[str, bytes]:
    """`<stem>-<edition>.html` for each edition asked for."""
    view = _inline_images(lesson)
    first = {edition: _page(lesson, view, edition, Markup("")) for edition in options.editions}
    used = set().union(*(page_characters(page) for page in first.values()))
    fonts = font_faces(lesson, frozenset(used | typing_characters(view.language)))
    stem = lesson.lesson_file.stem
    return {
        f"{stem}-{edition.name}.html": _page(lesson, view, edition, fonts).encode("utf-8")
        for edition in options.editions
    }


def _page(lesson: ExportLesson, view: LessonView, edition: Edition, fonts: Markup) -> str:
    return render_template(lesson.search, TEMPLATE, lesson=view, edition=edition, font_faces=fonts)


def page_characters(page: str) -> set[int]:
    """Code points of a page's text (not its markup or stylesheet): what its font must have."""
    text = re.sub(r"<style[^>]*>.*?</style>", " ", page, flags=re.S)
    return {ord(char) for char in html.unescape(re.sub(r"<[^>]+>", " ", text))}


def font_faces(lesson: ExportLesson, characters: frozenset[int]) -> Markup:
    """@font-face rules with the body font's faces subset to `characters`, as data: URLs."""
    rules = []
    for relative, weight, style in FACES:
        data, fmt = _subset(lesson.fonts.find(relative), characters)
        url = f"data:font/{fmt};base64,{base64.b64encode(data).decode('ascii')}"
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; src: url({url}) format("{fmt}");'
            f" font-weight: {weight}; font-style: {style}; font-display: swap; }}"
        )
    return Markup("\n".join(rules))


@lru_cache(maxsize=16)
def _subset(font: Path, characters: frozenset[int]) -> tuple[bytes, str]:
    """The font cut to `characters`: no hinting or Graphite tables (browsers shape with
    OpenType), WOFF2 when Brotli is installed, else WOFF. Deterministic: timestamp kept."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        import brotli  # noqa: F401

        flavor = "woff2"
    except ImportError:
        flavor = "woff"
    options = subset.Options()
    options.flavor = flavor
    options.hinting = False
    options.drop_tables += ["Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"]
    options.name_IDs = ["*"]  # the licence (OFL) travels with the font
    with TTFont(font, recalcTimestamp=False) as ttfont:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=characters)
        subsetter.subset(ttfont)
        out = io.BytesIO()
        ttfont.save(out)
    return out.getvalue(), flavor


def _inline_images(lesson: ExportLesson) -> LessonView:
    """The view with each image document's file: URL replaced by a data: URL."""
    view = lesson.view
    images = lesson.lesson_file.images
    blocks = []
    for excerpt, block in zip(lesson.lesson_file.lesson.sources, view.documents, strict=True):
        if isinstance(block.excerpt, ImageView):
            image = images[excerpt.id]
            data = read_bytes(image.path, inside=(lesson.images,), limit=IMAGE_LIMIT)
            media = MEDIA_TYPES.get(image.format, "image/png")
            url = f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
            block = replace(block, excerpt=replace(block.excerpt, url=url))
        blocks.append(block)
    return replace(view, documents=blocks)
