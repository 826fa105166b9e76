"""Image documents: each file checked before anything renders, so a bad one is a located error.

WeasyPrint drops an image it cannot decode with no more than a log line, so a
missing, damaged or oversized file would print as a blank space. Here every
image is opened from the module's images folder only, identified by its bytes
(not its name), limited in size, and decoded in full once. Pillow does the
decoding: it is what WeasyPrint itself decodes images with, so a file that
passes here is one the renderer can draw. SVG is refused: it is a document
that can load other files and run scripts, not a picture.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image
from PIL import ImageFile as PillowImageFile

from handouts.errors import Problem, Severity
from handouts.layout import IMAGE_SUFFIXES
from handouts.loader.validate import did_you_mean
from handouts.loader.yamlfile import Located
from handouts.schema import ImageDocument, Lesson

IMAGE_FORMATS = ("PNG", "JPEG")
MAX_IMAGE_BYTES = 10_000_000
"""A photograph or a 300 dpi scan of a page is a few megabytes; every edition embeds it."""
MAX_IMAGE_PIXELS = 25_000_000
"""25 megapixels: far beyond the 300 dpi a full-width print needs (about 2,100 pixels)."""
IMAGE_BOX_MM = (140.0, 110.0)
"""The largest an image document prints (width, height) on the worksheets: room for a
guiding question under it on the same page, on A4 and Letter."""
LARGE_IMAGE_BOX_MM = (170.0, 170.0)
"""The same in large print and the source packet: the full text width, and taller."""
MIN_DPI = 150
"""Below this many pixels per inch as printed, a photograph looks soft and small print in it
(a poster's slogan, a map's names) blurs."""
SIZE_HINT = (
    "save a smaller copy: about 2,000 pixels on the long side prints sharp at full page width"
)

_LOOKS_LIKE = (
    (b"<svg", "SVG"),
    (b"<?xml", "XML (perhaps SVG)"),
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"<!DOCTYPE html", "HTML"),
    (b"<html", "HTML"),
)


@dataclass(frozen=True)
class ImageFile:
    """A checked image: where it is and its size in pixels."""

    path: Path
    """Resolved, inside the images folder."""
    width: int
    height: int
    format: str


def image_size(width: int, height: int, box: tuple[float, float]) -> tuple[float, float]:
    """The printed size (mm) of a `width` × `height` pixel image scaled to fit `box`, small
    images enlarged: a scan prints at a readable size whatever its resolution."""
    scale = min(box[0] / width, box[1] / height)
    return (round(width * scale, 1), round(height * scale, 1))


def _looks_like(raw: bytes) -> str:
    head = raw[:256].lstrip()
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    for magic, name in _LOOKS_LIKE:
        if head[: len(magic)].lower() == magic.lower():
            return name
    return "not an image"


def check_image(
    name: str, folder: Path, located: Located, where: tuple
) -> tuple[ImageFile | None, list[Problem]]:
    """The image file `name` in `folder`, checked; or the problems, located at `where`."""

    def problem(message: str, hint: str) -> tuple[None, list[Problem]]:
        return None, [located.problem(where, message, value=name, hint=hint)]

    suffix = Path(name).suffix.lower()
    if suffix == ".svg":
        return problem(
            "SVG images are not accepted: an SVG can load other files and run scripts",
            "export it as PNG (drawings, maps, cartoons) or JPEG (photographs)",
        )
    if suffix not in IMAGE_SUFFIXES:
        return problem(
            "expected a PNG or JPEG file (.png, .jpg or .jpeg)",
            "convert it to PNG (drawings, maps, cartoons) or JPEG (photographs)",
        )
    root = folder.resolve()
    path = (folder / name).resolve()
    if Path(name).is_absolute() or not path.is_relative_to(root):
        return problem(
            f"the image must be in the module's images folder ({folder})",
            "copy it into that folder and give its file name",
        )
    if not path.is_file():
        present = sorted(p.name for p in folder.glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        return problem(
            f"no image '{name}' in {folder}",
            did_you_mean(name, present) or f"put the file in {folder}",
        )
    try:
        stat = path.stat()
    except OSError as error:
        return problem(f"cannot read the image: {error.strerror}", READ_HINT)
    found = _inspect(path, stat.st_mtime_ns, stat.st_size)
    if not isinstance(found, ImageFile):
        return problem(*found)
    printed_mm = image_size(found.width, found.height, IMAGE_BOX_MM)[0]
    dpi = round(found.width / printed_mm * 25.4)
    if dpi >= MIN_DPI:
        return found, []
    wanted = -(-MIN_DPI * printed_mm // 25.4)
    return found, [
        located.problem(
            where,
            f"the image is {found.width:,} × {found.height:,} pixels: printed {printed_mm:g} mm"
            f" wide, that is {dpi} pixels an inch, and it may look blurred",
            value=name,
            hint=f"use a copy at least {int(wanted):,} pixels wide if there is one",
            severity=Severity.warning,
        )
    ]


READ_HINT = "check that the file is readable (its permissions)"


@lru_cache(maxsize=64)
def _inspect(path: Path, _mtime: int, size: int) -> ImageFile | tuple[str, str]:
    """The image at `path` decoded in full once per version of the file (a build checks each
    lesson twice: its problems, then what it prints); or (message, hint)."""
    if size > MAX_IMAGE_BYTES:
        return f"the image is {size:,} bytes; the limit is {MAX_IMAGE_BYTES:,}", SIZE_HINT
    try:
        raw = path.read_bytes()
    except OSError as error:
        return f"cannot read the image: {error.strerror}", READ_HINT
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(raw), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError:
        return f"the image has more than {MAX_IMAGE_PIXELS:,} pixels", SIZE_HINT
    except (OSError, SyntaxError, ValueError):
        return (
            f"the file is not a PNG or JPEG image (its contents: {_looks_like(raw)})",
            "export the picture as PNG or JPEG; renaming a file does not convert it",
        )
    with image:
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            return (
                f"the image is {width:,} × {height:,} pixels; the limit is"
                f" {MAX_IMAGE_PIXELS:,} pixels",
                SIZE_HINT,
            )
        try:
            _load_strictly(image)
        except (OSError, SyntaxError, ValueError) as error:
            return (
                f"the image cannot be decoded: {error}",
                "the file is damaged or cut short: export or download it again",
            )
        return ImageFile(path, width, height, image.format or "")


def _load_strictly(image: Image.Image) -> None:
    """Decode every pixel, failing on a file cut short.

    WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES when it is imported
    (it would then draw a cut image padded with grey); the check must not
    depend on whether a render already ran in this process.
    """
    lenient = PillowImageFile.LOAD_TRUNCATED_IMAGES
    PillowImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        PillowImageFile.LOAD_TRUNCATED_IMAGES = lenient


def check_images(
    lesson: Lesson, located: Located, folder: Path
) -> tuple[dict[str, ImageFile], list[Problem]]:
    """Every image document's file, by document id."""
    found: dict[str, ImageFile] = {}
    problems: list[Problem] = []
    for index, document in enumerate(lesson.sources):
        if isinstance(document, ImageDocument):
            image, wrong = check_image(document.image, folder, located, ("sources", index, "image"))
            problems += wrong
            if image is not None:
                found[document.id] = image
    return found, problems
