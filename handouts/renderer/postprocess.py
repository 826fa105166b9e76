"""The PDF as WeasyPrint 70 leaves it, finished for PDF/UA-1 and for printing filled forms.

Runs as WeasyPrint's `finisher`, on the pydyf objects before they are
serialised: no second parse or write of the file, and the output stays
byte-identical from run to run.
"""

from __future__ import annotations

import re

from handouts.renderer.tagging import add_table_header_scope, is_reference, resolve

RUNNING_ARTIFACT = {"Type": "/Pagination"}
"""Property list of the running header and footer's marked content."""


def finish(document, pdf) -> None:
    """Every finishing step, in order (the `finisher` given to `write_pdf`)."""
    add_table_header_scope(document, pdf)
    mark_running_artifacts(pdf)
    autosize_text_fields(pdf)


def _reachable(pdf, root) -> set[int]:
    """The structure elements under `root` (the tagged tree proper), by id()."""
    import pydyf

    found: set[int] = set()
    stack = [root]
    while stack:
        element = stack.pop()
        kids = element.get("K", ())
        for kid in kids if isinstance(kids, pydyf.Array | list) else [kids]:
            if is_reference(kid):
                child = resolve(pdf, kid)
                if id(child) not in found and isinstance(child, pydyf.Dictionary):
                    found.add(id(child))
                    stack.append(child)
    return found


def mark_running_artifacts(pdf) -> None:
    """Turn the running header and footer's marked content into /Artifact (PDF/UA-1, 14.8).

    WeasyPrint tags margin-box text with marked-content ids but keeps their
    structure elements out of the tree (an artifact element is PDF 2.0 only).
    Content whose element the tree does not reach is that text: its marked
    content becomes a pagination artifact and its parent-tree entry is emptied.
    """
    import pydyf

    if "StructTreeRoot" not in pdf.catalog:
        return
    root = resolve(pdf, pdf.catalog["StructTreeRoot"])
    reachable = _reachable(pdf, root)
    nums = resolve(pdf, root["ParentTree"])["Nums"]
    for page_number, reference in enumerate(pdf.page_references):
        mapping = nums[2 * page_number + 1]
        loose = {
            mcid
            for mcid, element in enumerate(mapping)
            if is_reference(element) and id(resolve(pdf, element)) not in reachable
        }
        if not loose:
            continue
        stream = resolve(pdf, resolve(pdf, reference)["Contents"]).stream
        for index, item in enumerate(stream):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in loose:
                stream[index - 1] = "/Artifact"
                stream[index] = pydyf.Dictionary(RUNNING_ARTIFACT)
        for mcid in loose:
            mapping[mcid] = "null"


DA_SIZE = re.compile(rb"(?<=\s)[\d.]+(?= Tf\b)")


def autosize_text_fields(pdf) -> None:
    """Text fields size their font automatically (0 in /DA): typed text shrinks to fit.

    WeasyPrint writes a fixed size; an answer longer than its box was then
    clipped when printed. Multi-line fields keep the flag WeasyPrint sets.
    """
    import pydyf

    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and item.get("FT") == "/Tx" and "DA" in item:
            item["DA"] = pydyf.String(DA_SIZE.sub(b"0", item["DA"].string, count=1))
