"""WeasyPrint alone: render every HTML file of a folder in one warm process.

    python bench/raw_weasyprint.py FOLDER [--without-harfbuzz-subset]

FOLDER holds NNNN.html files, style.css and base (the base URL), as
bench/builds.py writes them from the tool's own plan. Imports, the font
configuration and the stylesheet are made before the clock starts, and one
document is rendered to warm up; then every file is rendered to PDF bytes
(PDF/UA-1, as the tool does) and the seconds are printed.

--without-harfbuzz-subset makes WeasyPrint subset fonts with fontTools, as it
does where libharfbuzz-subset0 is not installed: what that costs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration


def main() -> None:
    folder = Path(sys.argv[1])
    if "--without-harfbuzz-subset" in sys.argv:
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None
    base = (folder / "base").read_text(encoding="utf-8")
    fonts = FontConfiguration()
    css = CSS(
        string=(folder / "style.css").read_text(encoding="utf-8"), base_url=base, font_config=fonts
    )
    pages = sorted(folder.glob("*.html"))
    cache: dict = {}

    def render(path: Path) -> bytes:
        document = HTML(string=path.read_text(encoding="utf-8"), base_url=base).render(
            stylesheets=[css], font_config=fonts, cache=cache
        )
        return document.write_pdf(pdf_variant="pdf/ua-1")

    render(pages[0])  # warm-up, not counted
    start = time.perf_counter()
    for path in pages:
        render(path)
    print(f"{time.perf_counter() - start:.4f}")


if __name__ == "__main__":
    main()
