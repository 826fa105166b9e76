"""Visual regression: page 1 of every edition of lesson 1, against reference images.

`make update-references` rewrites the references (look at them before you
commit). A failure says where on the page the pixels differ and leaves the
rendered page and a difference image in tests/.visual/ to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Built
from PIL import Image, ImageChops

from handouts.editions import EDITIONS

REFERENCES = Path(__file__).parent / "references"
OUT = Path(__file__).parent / ".visual"
LESSON = "01-orders-from-the-center"
DPI = 40
PIXEL_TOLERANCE = 64
"""Grey levels a pixel may differ by (anti-aliasing varies a little between poppler builds)."""
AREA_TOLERANCE = 0.002
"""Share of the page's pixels allowed to differ by more than PIXEL_TOLERANCE."""
UPDATE = os.environ.get("HANDOUTS_UPDATE_REFERENCES") == "1"


def render_page_one(pdf: Path, target: Path) -> Image.Image:
    """Page 1 as a greyscale PNG, rendered by pdftoppm (as a photocopier sees it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if shutil.which("pdftoppm") is None:
        pytest.fail(
            "pdftoppm is missing: install poppler-utils (sudo apt-get install poppler-utils)"
        )
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-gray",
            "-r",
            str(DPI),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(target.with_suffix("")),
        ],
        check=True,
    )
    return Image.open(target).convert("L")


def describe(box: tuple[int, int, int, int], size: tuple[int, int]) -> str:
    """A difference box in millimetres from the page's top-left corner, and in words."""
    left, top, right, bottom = (round(v * 25.4 / DPI) for v in box)
    vertical = ("top", "middle", "bottom")[min(2, 3 * box[1] // size[1])]
    return f"{vertical} of the page, x {left}–{right} mm, y {top}–{bottom} mm from the top left"


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_page_one_looks_as_it_did(built: Built, edition: str) -> None:
    name = f"{LESSON}-{edition}-page1.png"
    actual = render_page_one(built.outputs[(LESSON, edition)], OUT / name)
    reference = REFERENCES / name
    if UPDATE:
        REFERENCES.mkdir(exist_ok=True)
        actual.save(reference, optimize=True)
        return
    assert reference.exists(), f"no reference image {reference}: run make update-references"
    expected = Image.open(reference).convert("L")
    assert actual.size == expected.size, f"page size changed: {expected.size} -> {actual.size}"
    difference = ImageChops.difference(actual, expected).point(
        lambda v: 255 if v > PIXEL_TOLERANCE else 0
    )
    changed = difference.histogram()[255]
    share = changed / (actual.size[0] * actual.size[1])
    if share > AREA_TOLERANCE:
        difference.save(OUT / f"{LESSON}-{edition}-page1-diff.png")
        box = difference.getbbox()
        raise AssertionError(
            f"page 1 of the {edition} edition differs from {reference.name} in {share:.2%} of its"
            f" pixels, at the {describe(box, actual.size)}; see {OUT}/ for the page and the"
            " difference, and run make update-references if the change is intended"
        )
