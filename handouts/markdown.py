"""The Markdown subset lesson prose may use: paragraphs, emphasis, lists.

Raw HTML is never rendered (it prints as the literal text a teacher typed),
and links are not turned into anchors, so nothing in a lesson is fetched.
Straight quotes in prose become typographic ones; excerpts never pass through
here, so quotations keep their source's marks. Markdown's other typographic
"replacements" stay off: they turn a question's part "(c)" into "©".
"""

from __future__ import annotations

from markupsafe import Markup

from handouts.integrity.markup import markdown_parser as _parser


def render_block(text: str) -> Markup:
    """Markdown block text (paragraphs, lists) as safe HTML."""
    return Markup(_parser().render(text))


def render_inline(text: str) -> Markup:
    """One line of Markdown (emphasis only) as safe HTML, without a paragraph."""
    return Markup(_parser().renderInline(text))
