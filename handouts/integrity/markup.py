"""The Markdown subset lesson prose is written in, and how deep its lists may nest.

The parser lives here, below both the checks and the view, so the check that
measures a text's nesting and the view that renders it use one definition:
Markdown nested deeper than the parser's limit is dropped without a word (the
rest of the field vanishes from the PDF), so the check refuses anything
deeper than MAX_LIST_DEPTH before it can be rendered.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

MAX_LIST_DEPTH = 5
"""Lists inside lists, counting the outermost; a handout rarely needs more than two."""
MAX_NESTING = 2 * MAX_LIST_DEPTH + 4
"""The parser's block-nesting limit: a list takes two levels (list, item), so everything the
check lets through is parsed in full."""

_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """Paragraphs, emphasis, lists, typographic quotes; no HTML, no links, no other syntax."""
    return MarkdownIt(
        "zero", {"html": False, "typographer": True, "maxNesting": MAX_NESTING}
    ).enable(["emphasis", "list", "newline", "smartquotes"])


def list_depth(text: str) -> int:
    """How deep the lists of `text` nest (0: no list)."""
    if not _LIST_MARKER.search(text):
        return 0
    depth = deepest = 0
    for token in markdown_parser().parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
    return deepest
