"""Checks on the text itself, whatever field it is in: characters the fonts lack or that
print as nothing, numbers too long to be figures, lists nested too deep, placeholders left
by the scaffold, words too long to print, Markdown images, and the lesson's file name.

Each returns Problems located in the file; none raises.
"""

from __future__ import annotations

import re
from pathlib import Path

from handouts.errors import Problem, Severity, counted, format_field
from handouts.integrity.figures import prose_strings
from handouts.integrity.markup import MAX_LIST_DEPTH, list_depth
from handouts.loader.yamlfile import Located
from handouts.schema import Lesson
from handouts.schema.base import ID_PATTERN
from handouts.typeset.fonts import Typesetter, describe_characters


def check_glyphs(located: Located, fonts: Typesetter, font_folder: Path) -> list[Problem]:
    """Every printed string of a file (lesson, module or source record) has glyphs in our fonts.

    Without one, WeasyPrint silently draws the character in a system font, or as
    a blank box: the build would succeed and the page would be wrong.
    """
    problems = []
    for where, text in prose_strings(located.data, skip=frozenset()):
        missing = fonts.unsupported(text)
        if missing:
            problems.append(
                located.problem(
                    where,
                    f"the fonts have no glyph for {describe_characters(missing)}",
                    hint=f"replace the character, or add a font that has it to {font_folder}"
                    " and name it in print.css",
                )
            )
    return problems


INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, non-joiner, joiner; word joiner; BOM
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidirectional controls
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
)
"""Characters that print as nothing (or reorder what prints) yet change what the checks read:
'5\u200b00' prints as 500 and escapes the figures check; a bidi override prints 1937 as 7391."""
MAX_FIGURE_DIGITS = 20
"""Digits a number in prose may have; more is no figure (and slows or breaks what reads it)."""
_DIGITS = re.compile(r"\d(?:,?\d)*")


PLACEHOLDERS = ("Replace this", "Not written yet")
"""How the texts `handouts new`, `init` and `source add` leave for the author begin."""


def check_placeholders(located: Located) -> list[Problem]:
    """A scaffold's placeholder still in a file passes every other check and would print:
    one warning a file, at the first, until the author has written their own text."""
    found = [
        where
        for where, text in prose_strings(located.data, skip=frozenset())
        if text.lstrip().startswith(PLACEHOLDERS)
    ]
    if not found:
        return []
    fields = ", ".join(format_field(where) for where in found[:4])
    more = f" and {len(found) - 4} more" if len(found) > 4 else ""
    return [
        located.problem(
            found[0],
            f"{counted(len(found), 'placeholder text')} still to replace ({fields}{more})",
            hint="write your own text in each: a placeholder ('Replace this ...') would print",
            severity=Severity.warning,
        )
    ]


LONGEST_CELL_WORD = 30
"""Characters the narrowest table column (the timeline's event, beside the glossary) holds
in one line. Body text breaks a longer word; a table cell cannot without reflowing every
table, so a longer word there would widen the table past the page edge."""


EMPHASIS = re.compile(r"\*{1,2}([^*\n]+)\*{1,2}")
"""Markdown emphasis: WeasyPrint 70 breaks no word inside it (breaking one there would split
the first word of every emphasis at a line end), so a long one runs past the margin."""
LONGEST_EMPHASIS_WORD = 40
"""Characters an emphasised word may have: well under a line of the narrowest text column."""


def check_long_words(lesson: Lesson, located: Located) -> list[Problem]:
    """No word too long to print: in a timeline entry (its column), or emphasised in prose."""
    found = [
        (("timeline", index, field), text, word, LONGEST_CELL_WORD, "the timeline's column")
        for index, entry in enumerate(lesson.timeline)
        for field, text in (("date", entry.date), ("event", entry.event))
        for word in text.split()
        if len(word) > LONGEST_CELL_WORD
    ]
    found += [
        (where, text, word, LONGEST_EMPHASIS_WORD, "an emphasised line")
        for where, text in prose_strings(located.data)
        for span in EMPHASIS.findall(text)
        for word in span.split()
        if len(word) > LONGEST_EMPHASIS_WORD
    ]
    problems, seen = [], set()
    for where, text, word, limit, place in found:
        if where in seen:
            continue  # one report a field
        seen.add(where)
        problems.append(
            located.problem(
                where,
                f"a word of {len(word)} characters is too long for {place} (at most {limit}):"
                " it would run off the page",
                value=word,
                hint="break it with a space or a hyphen, or move it to the background",
                text_line=text.count("\n", 0, text.index(word)),
            )
        )
    return problems


def check_characters(located: Located) -> list[Problem]:
    """Every string of a file (lesson, module or source record): no invisible format characters;
    in prose, no number too long to be a figure and no lists nested deeper than print keeps."""
    problems = []
    for where, text in prose_strings(located.data, skip=frozenset()):
        hidden = [char for char in dict.fromkeys(text) if char in INVISIBLE]
        if hidden:
            line = text.count("\n", 0, text.index(hidden[0]))
            problems.append(
                located.problem(
                    where,
                    f"the text holds the invisible character{'s' * (len(hidden) > 1)}"
                    f" {describe_characters(hidden)}",
                    hint="delete it (it comes with text copied from a PDF or a web page): it"
                    " prints as nothing, or reorders what prints, yet hides figures and words"
                    " from the checks",
                    text_line=line,
                )
            )
    for where, text in prose_strings(located.data):
        for match in _DIGITS.finditer(text):
            digits = len(match.group().replace(",", ""))
            if digits > MAX_FIGURE_DIGITS:
                problems.append(
                    located.problem(
                        where,
                        f"a number of {digits:,} digits is too long to be a figure",
                        hint=f"a figure has at most {MAX_FIGURE_DIGITS} digits: check the number",
                        text_line=text.count("\n", 0, match.start()),
                    )
                )
                break
        depth = list_depth(text)
        if depth > MAX_LIST_DEPTH:
            problems.append(
                located.problem(
                    where,
                    f"lists nested {depth} deep; at most {MAX_LIST_DEPTH} levels print",
                    hint="flatten the list: indent fewer items under others",
                )
            )
    return problems


MARKDOWN_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
"""Markdown's image syntax, '![alt](file.png)': the renderer prints it literally."""


def check_markdown_images(located: Located) -> list[Problem]:
    """Markdown image syntax in prose would print as typed: images are documents of their own."""
    problems = []
    for where, text in prose_strings(located.data):
        for match in MARKDOWN_IMAGE.finditer(text):
            problems.append(
                located.problem(
                    where,
                    "Markdown image syntax is not printed as an image; it would print as typed",
                    value=match.group(),
                    hint="make the picture a document: an entry under the lesson's 'sources'"
                    " with 'image:' (a file in the images folder), 'alt', 'caption',"
                    " 'citation', 'credit' and 'licence'",
                    text_line=text.count("\n", 0, match.start()),
                )
            )
    return problems


def check_file_name(path: Path) -> list[Problem]:
    """A lesson's file name names its PDFs (build/<stem>/<stem>-<edition>.pdf): it must be an id,
    so that '...yaml' cannot write into the module folder, nor any name outside build/."""
    if re.fullmatch(ID_PATTERN, path.stem) and len(path.stem) <= MAX_STEM:
        return []
    suggestion = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:MAX_STEM] or "lesson"
    return [
        Problem(
            path,
            f"the file name '{path.stem}' cannot name the lesson's PDFs",
            hint=f"rename the file with lower-case letters, digits and hyphens (at most"
            f" {MAX_STEM}), e.g. '{suggestion}{path.suffix}'",
        )
    ]


MAX_STEM = 64
"""Characters in a lesson's file name (without .yaml), as in an id."""
