"""Finishing touches to the tagged PDF that WeasyPrint 70 leaves out."""

from __future__ import annotations


def is_reference(value) -> bool:
    """Whether a pydyf value is an indirect reference (b'12 0 R')."""
    text = value.decode() if isinstance(value, bytes) else value
    return isinstance(text, str) and text.endswith(" R")


def resolve(pdf, reference):
    """The pydyf object a reference points to (None for no reference)."""
    if not reference:
        return None
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return pdf.objects[int(text.split()[0])]


def add_table_header_scope(document, pdf) -> None:
    """Give every table header cell (/TH) a /Scope, as PDF/UA-1 checkers expect.

    WeasyPrint links data cells to their headers (/Headers and /ID) but writes
    no /Scope. A header that shares its row with data cells is a row header
    (the timeline's dates); any other is a column header (the lesson plan's).
    Used as WeasyPrint's `finisher`, which runs before the PDF is serialised.
    """
    import pydyf

    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and item.get("S") == "/TH":
            row = resolve(pdf, item.get("P"))
            cells = [resolve(pdf, kid) for kid in row.get("K", ())] if row is not None else []
            in_row = any(isinstance(c, pydyf.Dictionary) and c.get("S") == "/TD" for c in cells)
            attributes = item.get("A")
            if not isinstance(attributes, pydyf.Dictionary):
                attributes = item["A"] = pydyf.Dictionary({"O": "/Table"})
            attributes["Scope"] = "/Row" if in_row else "/Column"
