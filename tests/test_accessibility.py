"""Accessibility read back from the PDFs: a strict PDF/UA-1 checker, artifacts, alt text, forms.

`page-validation` (import `page`) runs the PDF/UA-1 profile on every PDF of
the module in A4 and in Letter. The other tests read the structure tree and
the form fields with pikepdf, for what the checker cannot judge: that the
running header and footer are artifacts, that a chart's authored `alt` is
the figure's /Alt, that text copied from a fillable PDF is the text printed,
and that typed answers shrink to fit their box.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import RUNNING, Built, HtmlText, Letter, read_pdf

from handouts.typeset.fonts import BODY_FONT, Typesetter
from handouts.typeset.typing import TYPING_FAMILY, typing_characters, typing_font


def ua1_failures(path: Path) -> list[tuple[str, str]]:
    from page import validate_pdf

    report = validate_pdf(str(path), profile="ua1")
    failures = [(f.rule_id, f.message) for f in report.failures]
    assert report.is_compliant == (not failures)
    return failures


def every_pdf(built: Built, letter: Letter) -> list[Path]:
    return [*built.outputs.values(), built.guide, *letter.outputs.values(), letter.guide]


def test_every_pdf_in_both_papers_passes_page_validation_ua1(built: Built, letter: Letter) -> None:
    paths = every_pdf(built, letter)
    assert len(paths) == 2 * (len(built.outputs) + 1)
    failing = {path.name: failures for path in paths if (failures := ua1_failures(path))}
    assert not failing


def test_page_validation_can_fail(tmp_path: Path) -> None:
    """A PDF with a <dl> (WeasyPrint 70 tags its <div> as a child of L) must fail."""
    from weasyprint import HTML

    target = tmp_path / "dl.pdf"
    markup = '<html lang="en"><title>t</title><dl><div><dt>a</dt><dd>b</dd></div></dl>'
    HTML(string=markup).write_pdf(target, pdf_variant="pdf/ua-1")
    assert "PDFUA1-L-KIDS-001" in {rule for rule, _ in ua1_failures(target)}


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the structure tree root."""
    found, stack = [], list(pdf.Root.StructTreeRoot.K)
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            continue
        found.append(element)
        kids = element.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids else [])
    return found


def marked_content(page: pikepdf.Page) -> list[tuple[str, dict, int]]:
    """(tag, properties, number of text-showing operators) of each top-level marked section."""
    sections, depth = [], 0
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            if depth == 0:
                properties = dict(operands[1]) if name == "BDC" else {}
                sections.append([str(operands[0]), properties, 0])
            depth += 1
        elif name == "EMC":
            depth -= 1
        elif name in ("Tj", "TJ", "'", '"') and depth and sections:
            sections[-1][2] += 1
    return [tuple(section) for section in sections]


def test_running_headers_and_footers_are_artifacts_and_all_tagged_text_is_in_the_tree(
    built: Built,
) -> None:
    for path in [*built.outputs.values(), built.guide]:
        with pikepdf.open(path) as pdf:
            tree = structure(pdf)
            reachable = {element.objgen for element in tree}
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            text = read_pdf(path)
            headed = [p for p in text.pages if any(map(RUNNING.match, p.splitlines()))]
            assert len(headed) >= len(text.pages) - 1, path.name
            for number, page in enumerate(pdf.pages):
                sections = marked_content(page)
                running = [
                    section
                    for section in sections
                    if section[0] == "/Artifact" and section[1].get("/Type") == "/Pagination"
                ]
                # The lesson's name (and the edition's marker) at the top, the page number
                # below; the guide's cover has none.
                printed = [line for line in text.pages[number].splitlines() if RUNNING.match(line)]
                expected = 2 if printed else 0
                assert len([section for section in running if section[2]]) >= expected, (
                    path.name,
                    number + 1,
                )
                tagged = {int(section[1]["/MCID"]) for section in sections if "/MCID" in section[1]}
                for mcid, element in enumerate(nums[2 * number + 1]):
                    if mcid in tagged:
                        assert element.objgen in reachable, (path.name, number + 1, mcid)
                    else:
                        assert not isinstance(element, pikepdf.Dictionary), (path, number, mcid)


def test_glossaries_are_lists_of_items_without_definition_lists(html: HtmlText) -> None:
    for (stem, edition), page in html.html.items():
        assert "<dl" not in page and "<dt" not in page, (stem, edition)
        if 'class="box glossary"' in page:
            assert re.search(r'<ul class="terms">\s*<li class="entry"><span class="term">', page)


def test_chart_figures_carry_the_authored_alt_text(built: Built) -> None:
    charts = [(f.stem, c) for f in built.project.lessons for c in f.lesson.charts]
    assert charts
    for stem, chart in charts:
        with pikepdf.open(built.outputs[(stem, "teacher")]) as pdf:
            alts = [str(e.get("/Alt", "")) for e in structure(pdf) if e.get("/S") == "/Figure"]
        assert " ".join(chart.alt.split()) in alts, (stem, chart.id, alts)


def pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


LIGATURE_WORDS = re.compile(r"\b\w*(?:fi|fl|ff)\w*\b")


def test_fillable_text_copies_as_printed_with_its_ligature_words(
    built: Built, html: HtmlText
) -> None:
    for lesson_file in built.project.lessons:
        printed = html.text(lesson_file, "fillable").text
        copied = pdftotext(built.outputs[(lesson_file.stem, "fillable")])
        assert copied.count("first") == printed.count("first"), lesson_file.stem
        copied_words = set(LIGATURE_WORDS.findall(copied))
        missing = set(LIGATURE_WORDS.findall(printed)) - copied_words
        # A word may be hyphenated at a line end; none may be lost to a wrong glyph mapping.
        assert not {w for w in missing if w not in copied.replace("-\n", "")}, lesson_file.stem


def fields(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return list(pdf.Root.AcroForm.Fields)


def test_text_fields_size_their_font_to_fit_and_answers_are_multiline(built: Built) -> None:
    for (stem, edition), path in built.outputs.items():
        if edition != "fillable":
            continue
        with pikepdf.open(path) as pdf:
            for field in fields(pdf):
                assert field.FT == "/Tx"
                assert re.search(rb"/\S+ 0 Tf", bytes(field.DA)), (stem, bytes(field.DA))
                if str(field.T) not in ("name", "class", "date"):
                    assert int(field.Ff) & 4096, (stem, str(field.T))  # multi-line


def test_form_fields_type_in_a_small_subset_font_that_maps_to_unicode(built: Built) -> None:
    characters = typing_characters(built.project.module.language)
    for (stem, edition), path in built.outputs.items():
        if edition != "fillable":
            continue
        with pikepdf.open(path) as pdf:
            names = {re.search(rb"/(\S+) [\d.]+ Tf", bytes(f.DA)).group(1) for f in fields(pdf)}
            assert len(names) == 1, stem
            font = pdf.Root.AcroForm.DR.Font["/" + names.pop().decode()]
            assert str(font.BaseFont).endswith("+" + TYPING_FAMILY.replace(" ", "-")), stem
            [descendant] = font.DescendantFonts
            assert len(descendant.FontDescriptor.FontFile2.read_bytes()) < 100_000, stem
            cmap = font.ToUnicode.read_bytes().decode("ascii")
            pairs = "".join(re.findall(r"beginbfchar(.*?)endbfchar", cmap, flags=re.S))
            mapped = {int(u, 16) for u in re.findall(r"<[0-9a-f]{4}> <([0-9a-f]{4})>", pairs)}
            assert not mapped & {0x0000, 0xFEFF, 0xFFFE}, stem
            assert {ord(c) for c in "AZaz09.,;:?!'\"()–—‘’“”…"} <= mapped, stem
            assert mapped <= characters, stem


def test_the_typing_font_covers_the_module_language_and_only_it() -> None:
    from io import BytesIO

    from fontTools.ttLib import TTFont

    english, russian = typing_characters("en"), typing_characters("ru-RU")
    assert {ord(c) for c in "first office café naïve “quoted” – 1937…"} <= english
    assert 0xFEFF not in english and not {c for c in english if 0x400 <= c < 0x530}
    assert {ord(c) for c in "Ежов"} <= russian and english <= russian
    body = Typesetter.bundled().find(BODY_FONT)
    with TTFont(BytesIO(typing_font(body, "en"))) as subset:
        cmap = set(subset.getBestCmap())
    with TTFont(body) as full:
        assert cmap == english & set(full.getBestCmap())
