"""Read one YAML file safely, keeping the line and column of every value.

PyYAML's own loaders drop positions and keep the last of two duplicate keys;
we compose the node tree instead and build plain Python data from it, so
each value can be traced back to `file:line:column`, duplicates are errors,
and size, depth and alias expansion are bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from handouts.errors import Problem, ProblemsError, Severity, format_field, shorten
from handouts.loader.files import YAML_LIMIT, decode, read_bytes

MAX_BYTES = YAML_LIMIT
MAX_NODES = 50_000
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]
_UNSET: Any = object()


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a file."""

    line: int
    column: int


@dataclass
class Located:
    """Plain data from a YAML file plus where each part of it was written."""

    path: Path
    data: Any
    positions: dict[Path_, Mark] = field(default_factory=dict)
    """Where each value starts."""
    keys: dict[Path_, Mark] = field(default_factory=dict)
    blocks: set[Path_] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)
    """What reads as a slip but is valid YAML (a ' #' that cut a text short)."""

    def problem(
        self,
        where: Path_,
        message: str,
        *,
        key: bool = False,
        value: Any = _UNSET,
        hint: str | None = None,
        severity: Severity = Severity.error,
        text_line: int | None = None,
    ) -> Problem:
        """A Problem located at the value (or key) at `where`, naming its field.

        `text_line` points inside a text value instead: 0 is the text's first line.
        """
        mark = self.mark(where, key=key)
        line = mark and mark.line
        if mark and text_line is not None:
            line = mark.line + self.block_offset(where) + text_line
        return Problem(
            self.path,
            message,
            line,
            mark and mark.column if line == (mark and mark.line) else None,
            format_field(where) or None,
            None if value is _UNSET else shorten(value),
            hint,
            severity,
        )

    def value(self, where: Path_) -> Any:
        """The plain value at `where` (a path of keys and indexes)."""
        value = self.data
        for key in where:
            value = value[key]
        return value

    def block_offset(self, where: Path_) -> int:
        """1 when the value is a block scalar ('|' or '>'): its text starts a line later."""
        return 1 if where in self.blocks else 0

    def mark(self, where: Path_, *, key: bool = False) -> Mark | None:
        """Position of the value (or key) at `where`, else of its nearest ancestor."""
        table = self.keys if key else self.positions
        for end in range(len(where), -1, -1):
            found = table.get(where[:end]) or self.positions.get(where[:end])
            if found:
                return found
        return None


def _mark(node_mark: yaml.Mark) -> Mark:
    return Mark(node_mark.line + 1, node_mark.column + 1)


def _problem(path: Path, message: str, mark: Mark | None = None, **extra: Any) -> Problem:
    return Problem(
        file=path,
        message=message,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
        **extra,
    )


def read_text(path: Path, inside: Iterable[Path] = ()) -> str:
    """A YAML file as text: a regular file in the module (`inside`), within the size limit,
    UTF-8 (a BOM is accepted)."""
    raw = read_bytes(
        path,
        inside,
        MAX_BYTES,
        hint="split the lesson, or move long texts into lessons/sources/",
    )
    return decode(raw, path, "save the file as UTF-8 in your editor (e.g. 'Save with encoding')")


def _open_quote_before(text: str, mark: yaml.Mark) -> yaml.Mark | None:
    """Start of a quoted scalar that runs over several lines before `mark`, if any.

    An unclosed quote swallows the following lines, and YAML only complains
    further down; the quote's own position is what the author needs.
    """
    found = None
    lines = text.splitlines()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and any(
                    _STRUCTURE.match(line)
                    for line in lines[token.start_mark.line + 1 : token.end_mark.line + 1]
                )
            ):
                found = token.start_mark
    except yaml.YAMLError:
        pass
    return found


_STRUCTURE = re.compile(r"^\s*(-\s|[\w-]+:(\s|$))")
"""A line that looks like YAML structure (a key or a list item), not prose."""


_KEY = re.compile(r"^(\s*)(?:-\s+)?([\w-]+):(\s|$)")
"""A line that starts with a key: its indentation and the key's name."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedented_block_line(text: str, mark: yaml.Mark) -> Problem | None:
    """A line of block text ('|' or '>') written less indented than the text, if any.

    YAML ends the block text at such a line and reads it as a key that never gets
    its ':', so it complains several lines further down; the slip is the dedent.
    """
    block = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                block = token
    except yaml.YAMLError:
        pass
    if block is None:
        return None
    lines = text.splitlines()
    for number in range(block.end_mark.line, min(mark.line + 1, len(lines))):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if _STRUCTURE.match(line):
            return None  # the block ended properly; the slip is elsewhere
        return Problem(
            Path(),
            "this line is less indented than the text above it, so the text"
            f" (the '{block.style}' block that starts at line {block.start_mark.line + 1})"
            " ends before it",
            number + 1,
            _indent(line) + 1,
            hint="the text of a '|' block must stay indented: indent every line of it at least"
            " as far as its first line",
        )
    return None


def _column(line: str) -> int:
    """Where a line's key starts (after any '- '), else its indentation: what YAML nests by."""
    key = _KEY.match(line)
    return key.start(2) if key else _indent(line)


def _content(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _moved_left(text: str, mark: yaml.Mark) -> Problem | None:
    """A key pushed to the left margin in the middle of an indented block, if that is the slip.

    YAML reads it as a top-level field; its value is text, so the indented lines after
    it have nothing to belong to, and YAML complains at them ("must be quoted", or
    "expected <block end>"). The key itself is the slip: it lines up with nothing.
    """
    lines = text.splitlines()
    if mark.line >= len(lines) or _indent(lines[mark.line]) == 0:
        return None
    column = _column(lines[mark.line])
    top = next((n for n in range(mark.line - 1, -1, -1) if _content(lines[n])), None)
    while top is not None and _indent(lines[top]) > 0:
        top = next((n for n in range(top - 1, -1, -1) if _content(lines[n])), None)
    if top is None or not re.match(r"[\w-]+:[ \t]*[^\s#]", lines[top]):
        return None  # a top-level key that opens a block is where indented lines belong
    sibling = next(
        (
            n
            for n in range(top - 1, -1, -1)
            if _content(lines[n]) and _KEY.match(lines[n]) and _column(lines[n]) <= column
        ),
        None,
    )
    if sibling is None or _column(lines[sibling]) != column:
        return None
    name = _KEY.match(lines[top]).group(2)
    return Problem(
        Path(),
        f"'{name}' is at the left margin, unlike the lines around it, so YAML reads it as a"
        " top-level field and cannot place the indented lines after it",
        top + 1,
        1,
        hint=f"indent '{name}:' like its neighbours (to column {column + 1})",
    )


def _misplaced_key(text: str, mark: yaml.Mark) -> Problem | None:
    """'mapping values are not allowed here' when a key sits further right than its siblings.

    The key then continues the value on the line above, and its ':' is where YAML
    stops; the fix is the indentation, not quotes.
    """
    lines = text.splitlines()
    if mark.line >= len(lines):
        return None
    line = lines[mark.line]
    key = _KEY.match(line)
    if key is None or mark.column != line.index(":", key.start(2)):
        return None  # the ':' is inside a value: quoting is the fix
    previous = next((n for n in range(mark.line - 1, -1, -1) if _content(lines[n])), None)
    above = _KEY.match(lines[previous]) if previous is not None else None
    if above is None or _column(lines[previous]) >= _column(line):
        return None
    return Problem(
        Path(),
        f"the key '{key.group(2)}' is indented further than its siblings"
        f" ('{above.group(2)}' on line {previous + 1})",
        mark.line + 1,
        _indent(line) + 1,
        hint=f"move '{key.group(2)}:' left to line up with '{above.group(2)}:'",
    )


def _syntax_problem(path: Path, error: yaml.YAMLError, text: str = "") -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None and text:
        found = _dedented_block_line(text, mark) or _moved_left(text, mark)
        if found is None and "mapping values are not allowed" in str(error):
            found = _misplaced_key(text, mark)
        if found is not None:
            return replace(found, file=path)
    problem = getattr(error, "problem", None) or str(error)
    opened = getattr(error, "context_mark", None)
    if opened is not None and "end of stream" in str(problem):
        mark = opened  # point at the quote that was never closed, not at the end
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    hint = "check the indentation and quotes on this line and the one before it"
    quote = _open_quote_before(text, mark) if mark is not None and text else None
    if "'\\t'" in message or "\\t" in message:
        hint = "YAML does not allow tab characters for indentation: use spaces"
    elif "found unexpected end of stream" in message or "found unexpected end" in message:
        hint = "a quote or bracket opened earlier is never closed"
    elif quote is not None:
        hint = (
            f"the quoted text that starts at line {quote.line + 1}, column {quote.column + 1}"
            " runs over several lines: is its closing quote missing?"
        )
    elif "mapping values are not allowed" in message:
        hint = "a value containing ': ' must be quoted, or use a block scalar ('|')"
    return _problem(path, message, _mark(mark) if mark else None, hint=hint)


def compose(path: Path, text: str) -> yaml.Node | None:
    """Parse text into a node tree, turning every failure into a located Problem."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # the reader rejects unprintable characters right here
        return loader.get_single_node()
    except yaml.reader.ReaderError as error:
        raise ProblemsError([_unprintable_problem(path, text, error)]) from None
    except yaml.YAMLError as error:
        raise ProblemsError([_syntax_problem(path, error, text)]) from None
    except RecursionError:
        raise ProblemsError(
            [_problem(path, f"nesting is too deep (more than {MAX_DEPTH} levels)")]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _unprintable_problem(path: Path, text: str, error: yaml.reader.ReaderError) -> Problem:
    before = text[: error.position]
    line = before.count("\n") + 1
    column = error.position - (before.rfind("\n") + 1) + 1
    return _problem(
        path,
        f"the file contains the control character U+{error.character:04X}, not allowed in YAML",
        Mark(line, column),
        hint="delete the invisible character (it often comes from copying text out of a PDF)",
    )


class _Builder:
    """Turns a node tree into Python data while recording marks and problems."""

    def __init__(self, located: Located, text: str = ""):
        self.located = located
        self.lines = text.splitlines()
        self.problems: list[Problem] = []
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, where: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise ProblemsError(
                [
                    _problem(
                        self.located.path,
                        f"the document expands to more than {MAX_NODES:,} values",
                        _mark(node.start_mark),
                        hint="YAML aliases (*name) that repeat large anchors are not supported",
                    )
                ]
            )
        if depth > MAX_DEPTH:
            raise ProblemsError(
                [
                    _problem(
                        self.located.path,
                        f"nesting is too deep (more than {MAX_DEPTH} levels)",
                        _mark(node.start_mark),
                    )
                ]
            )
        self.located.positions.setdefault(where, _mark(node.start_mark))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*where, i), depth + 1) for i, item in enumerate(node.value)]
        if node.style in ("|", ">"):
            self.located.blocks.add(where)
        value = self._scalar(node)
        self._cut_by_comment(node, where, value)
        return value

    def _forgotten_dash(self, key_node: yaml.Node, where: Path_, item: dict) -> Problem:
        first_key = next(iter(item))
        first = self.located.keys[(*where, first_key)]
        return _problem(
            self.located.path,
            f"'{key_node.value}' appears a second time in this item (first at line"
            f" {self.located.keys[(*where, key_node.value)].line}): did you forget '- ' before"
            " this item?",
            _mark(key_node.start_mark),
            field=format_field(where),
            hint=f"a new item of the list starts with '- ' (as at line {first.line});"
            f" write '- ' before '{first_key}:' here, or before the first key of this item",
        )

    def _cut_by_comment(self, node: yaml.ScalarNode, where: Path_, value: Any) -> None:
        """Warn when ' #' ended an unquoted text value early and the rest reads as text.

        YAML takes ' #' as the start of a comment, so 'Lesson #2 on the orders'
        silently becomes 'Lesson'; a real comment is usually set apart by two spaces.
        """
        if node.style is not None or not isinstance(value, str) or not self.lines:
            return
        end = node.end_mark
        if end.line >= len(self.lines):
            return
        rest = self.lines[end.line][end.column :]
        cut = re.match(r"^[ \t]#(\S.*|\s+\S+\s+\S.*)$", rest)
        if cut is None:
            return
        self.located.warnings.append(
            _problem(
                self.located.path,
                f"the text stops at ' #': YAML reads '{rest.strip()}' as a comment, so the"
                f" value is only {shorten(value)}",
                Mark(end.line + 1, end.column + 2),
                field=format_field(where),
                hint="put the whole value in quotes to keep the '#' (e.g. \"Lesson #2\"),"
                " or set a real comment apart with two spaces before '#'",
                severity=Severity.warning,
            )
        )

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        # Dates stay text: a lesson prints them as written.
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:  # e.g. an unknown !tag
            self.problems.append(_syntax_problem(self.located.path, error))
            return node.value
        except ValueError:  # an integer past Python's limit on digits converted from text
            self.problems.append(
                _problem(
                    self.located.path,
                    f"a number of {len(node.value):,} characters is too long to be a figure",
                    _mark(node.start_mark),
                    hint="check the number; text that is not a number goes in quotes",
                )
            )
            return None

    def _mapping(self, node: yaml.MappingNode, where: Path_, depth: int) -> dict[str, Any]:
        self.constructor.flatten_mapping(node)  # resolves '<<' merge keys
        result: dict[str, Any] = {}
        names = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        repeated = {name for name in names if names.count(name) > 1}
        in_list = bool(where) and isinstance(where[-1], int)
        restarted = in_list and bool(repeated) and (names[0] in repeated or len(repeated) > 1)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    _problem(
                        self.located.path,
                        "a key must be a plain name, not a list or mapping",
                        _mark(key_node.start_mark),
                    )
                )
                continue
            key = key_node.value
            child = (*where, key)
            if key in result and restarted:
                # A list item whose keys start over: the next item lost its '- '. One
                # message; "delete one" would throw a question away.
                self.problems.append(self._forgotten_dash(key_node, where, result))
                break
            if key in result:
                first = self.located.keys[child]
                self.problems.append(
                    _problem(
                        self.located.path,
                        f"duplicate key '{key}' (first given at line {first.line})",
                        _mark(key_node.start_mark),
                        field=format_field(child),
                        hint="YAML keeps only one of them: delete or rename one",
                    )
                )
                continue
            self.located.keys[child] = _mark(key_node.start_mark)
            result[key] = self.build(value_node, child, depth + 1)
        return result


def load_yaml(path: Path, inside: Iterable[Path] = ()) -> Located:
    """Load a YAML mapping from `path`; raise ProblemsError with every problem found.

    `inside`: the folders the file may lie in, links resolved (default: its own).
    """
    text = read_text(path, inside)
    node = compose(path, text)
    located = Located(path=path, data=None)
    if node is None:
        raise ProblemsError(
            [
                _problem(
                    path,
                    "the file is empty",
                    Mark(1, 1),
                    hint="start from the annotated example in README.md",
                )
            ]
        )
    builder = _Builder(located, text)
    try:
        located.data = builder.build(node, (), 0)
    except RecursionError:
        raise ProblemsError(
            [_problem(path, f"nesting is too deep (more than {MAX_DEPTH} levels)")]
        ) from None
    if not isinstance(located.data, dict):
        kind = (
            "a list"
            if isinstance(located.data, list)
            else f"a single value {shorten(located.data)}"
        )
        builder.problems.append(
            _problem(
                path,
                f"expected a mapping of fields (key: value) at the top level, found {kind}",
                _mark(node.start_mark),
                hint="the file should start with lines like 'id: my-lesson' and 'title: ...'",
            )
        )
    if builder.problems:
        raise ProblemsError(builder.problems)
    return located
