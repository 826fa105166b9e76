"""Files a teacher would otherwise write by hand: a module, a lesson skeleton, a source record.

Everything written here passes `handouts check` as written, starts with the
modeline that points editors at the module's JSON Schemas, and never replaces
a file that exists: a teacher's work is never lost to a scaffold.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
import unicodedata
from importlib.resources import files
from pathlib import Path

from handouts.authoring.schemas import modeline, schema_file, write_schemas
from handouts.errors import Problem, ProblemsError, display_path
from handouts.layout import MODULE_FILE, Layout, lesson_paths
from handouts.loader.corpus import CorpusDocument
from handouts.loader.validate import did_you_mean, load_model
from handouts.schema import Module, SourceKind

STARTER_LESSON = "01-a-new-birth-of-freedom"
STARTER_SOURCE = "lincoln-gettysburg-bliss"
MODELINE_MARK = "@MODELINE@"


def slug(text: str, limit: int = 48) -> str:
    """'Orders from the Center!' -> 'orders-from-the-center': safe as an id and a file name."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out


def _starter(name: str) -> str:
    return (files("handouts.authoring") / "starter" / name).read_text(encoding="utf-8")


def _fail(path: Path, message: str, hint: str | None = None) -> ProblemsError:
    return ProblemsError([Problem(path, message, hint=hint)])


def write_new(path: Path, content: str | bytes) -> None:
    """Create `path` with `content`; an existing file is an error, never replaced."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = "xb" if isinstance(content, bytes) else "x"
        with path.open(mode, **({} if isinstance(content, bytes) else {"encoding": "utf-8"})) as f:
            f.write(content)
    except FileExistsError:
        raise _fail(path, "this file exists already; nothing was replaced") from None
    except OSError as error:
        raise _fail(path, f"cannot write the file: {error.strerror}") from None


def _with_modeline(text: str, layout: Layout, kind: str, path: Path) -> str:
    return text.replace(MODELINE_MARK, modeline(layout.schemas / schema_file(kind), path))


def ensure_schemas(layout: Layout) -> None:
    """Write the module's JSON Schemas if the folder lacks them (`handouts schema` refreshes)."""
    if not all((layout.schemas / schema_file(k)).is_file() for k in ("lesson", "module", "source")):
        try:
            write_schemas(layout.schemas)
        except OSError as error:
            raise _fail(layout.schemas, f"cannot write the schemas: {error.strerror}") from None


def init_module(folder: Path) -> list[Path]:
    """A new module in `folder`: module.yaml, an example lesson and source, schemas, a README.

    Nothing is written if any of the files exists.
    """
    layout = Layout.at(folder / "lessons" / MODULE_FILE)
    name = folder.absolute().name
    module_id = slug(name) or "my-module"
    title = name.replace("-", " ").replace("_", " ").strip().capitalize() or "My module"
    text = (_starter(f"{STARTER_SOURCE}.txt")).encode("utf-8")
    record = layout.sources / f"{STARTER_SOURCE}.yaml"
    lesson = layout.lessons / f"{STARTER_LESSON}.yaml"
    plan: dict[Path, str | bytes] = {
        layout.module_file: _with_modeline(
            _starter(MODULE_FILE), layout, "module", layout.module_file
        )
        .replace("@ID@", module_id)
        .replace("@TITLE@", title.replace('"', "'")),
        lesson: _with_modeline(_starter(f"{STARTER_LESSON}.yaml"), layout, "lesson", lesson),
        layout.sources / f"{STARTER_SOURCE}.txt": text,
        record: _with_modeline(
            _starter(f"{STARTER_SOURCE}.yaml"), layout, "source", record
        ).replace("@SHA256@", hashlib.sha256(text).hexdigest()),
        layout.root / "README.md": _starter("README.md").replace("@TITLE@", title),
        layout.root / ".gitignore": "build/\n",
    }
    existing = [path for path in plan if path.exists()]
    existing += [layout.schemas / schema_file(k) for k in ("lesson", "module", "source")]
    existing = [path for path in existing if path.exists()]
    if existing:
        raise ProblemsError(
            [
                Problem(path, "this file exists already; nothing was written", hint=_init_hint())
                for path in existing
            ]
        )
    for path, content in plan.items():
        write_new(path, content)
    write_schemas(layout.schemas)
    return [*plan, layout.schemas]


def _init_hint() -> str:
    return "choose a new folder name, e.g. 'handouts init my-module'"


# A new lesson.

SKELETON = """\
{modeline}
# A new lesson, written by 'handouts new'. It passes 'handouts check' as it is: replace each
# "Replace this ..." text with your own, and uncomment the optional parts you need.
# Every field: docs/fields.md in the handouts repository.
id: {id}
title: {title}
# subtitle: ""
grade_band: "10-12"              # intended grades; quote it: it is text
duration: 45                     # minutes in one class period
# periods: 2                     # a lesson over two periods: then each activity says 'period:'
central_question: |
  Replace this with the question the lesson answers from its documents.
objectives:                      # phrased for students: "I can ..."
  - I can replace this with what students will be able to do.
skills: [sourcing]               # sourcing, contextualization, close reading, corroboration,
                                 # quantitative reasoning
content_note: |                  # printed on page 1 of every edition
  Replace this with what students should know before they read: anything distressing in
  the documents, and that they may step back or talk to you at any time.
context: |                       # background students read before the documents
  Replace this with a short background.
# vocabulary:
#   - term: a word
#     definition: What it means, for students.
# timeline:
#   - date: 4 July 1850
#     event: What happened, in one sentence.
#     source: {source}     # the document that says so, or 'reference:' a work
#                                # declared under 'references' (a textbook, a web page)
sources:                         # the excerpts, printed as Document A, B, ...
  - id: a
    source: {source}
    # part: ...                  # when the document file holds several documents
    title: Replace this with a short title
    headnote: |
      Replace this with who wrote the document, when, for whom, and why it matters.
    # locator: page 3            # where in the original
    # The text, word for word from lessons/sources/{source}.txt; mark a cut with '...'.
    # Every line of it stays indented under 'text: |'.
    text: |
{text}
    # insertions: ["[the governor]"]  # editorial [brackets] you add must be listed here
    # adapted: true              # a simplified text: then 'original:' is required
questions:
  - id: q1
    # kind: written              # or short_answer, multiple_choice, reflection, exit_ticket
    prompt: Replace this with a question about the document.
    skill: sourcing
    sources: [a]                 # the excerpts the question is about
    lines: 4                     # ruled lines on the worksheet
    # points: 2
    answer: |                    # the teacher edition prints it in place of the lines
      Replace this with an exemplar answer.
# activities:                    # the lesson plan, teacher edition only
#   - phase: opening             # opening, context, source work, discussion, writing, closing
#     minutes: 5
#     title: The question
#     description: Read the central question aloud.
# teacher_notes: |
#   Notes printed in the teacher edition only.
"""


def next_lesson_path(lessons_dir: Path, title: str) -> Path:
    """'NN-slug.yaml' with the number after the highest one in the lessons folder."""
    numbers = [
        int(m.group(1)) for p in lesson_paths(lessons_dir) if (m := re.match(r"(\d+)-", p.name))
    ]
    number = max(numbers, default=0) + 1
    name = slug(title) or "lesson"
    return lessons_dir / f"{number:02d}-{name}.yaml"


def opening_words(text: str, most: int = 30) -> str:
    """The first words of a document, up to a sentence end: a passage that quotes it exactly.

    Stops before brackets and ellipses, which an excerpt reads as editorial marks.
    """
    words: list[str] = []
    for word in text.split():
        if any(mark in word for mark in ("[", "]", "...", "…", "*")):
            break
        words.append(word)
        if len(words) >= most or (len(words) >= 8 and word.endswith((".", "!", "?"))):
            break
    return " ".join(words)


def lesson_skeleton(layout: Layout, path: Path, title: str, doc: CorpusDocument) -> str:
    """The text of a new lesson quoting the opening words of `doc`."""
    passage = opening_words(doc.text)
    if not passage:
        raise _fail(
            doc.path,
            "cannot start a lesson from this document: its text opens with an editorial mark",
            hint="give another document with --source",
        )
    block = textwrap.fill(passage, width=80, initial_indent=" " * 6, subsequent_indent=" " * 6)
    return SKELETON.format(
        modeline=modeline(layout.schemas / schema_file("lesson"), path),
        id=path.stem,
        title=_quoted(title),
        source=doc.record.id,
        text=block,
    )


def pick_document(
    corpus: dict[str, CorpusDocument], wanted: str | None, sources: Path
) -> CorpusDocument:
    """The document a new lesson quotes: the one asked for, else the first of the corpus."""
    if wanted is not None:
        if wanted not in corpus:
            raise _fail(
                Path(wanted),
                f"no document '{wanted}' in {display_path(sources)}",
                hint=did_you_mean(wanted, sorted(corpus)) or "see the .yaml records there",
            )
        return corpus[wanted]
    if not corpus:
        raise _fail(
            sources,
            "a lesson quotes a document, and there is none yet",
            hint="add one first: handouts source add FILE --title ... --kind primary",
        )
    return corpus[sorted(corpus)[0]]


def add_to_order(module_file: Path, stem: str) -> None:
    """Append `stem` to the module's `lessons:` order, keeping the file's comments and layout."""
    text = module_file.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"lessons:", line)), None)
    if start is None:
        new = text + ("" if text.endswith("\n") or not text else "\n") + f"lessons:\n  - {stem}\n"
    else:
        head = lines[start]
        flow = re.match(r"lessons:\s*\[(.*)\]\s*(#.*)?$", head.rstrip("\n"))
        if flow:
            items = [item.strip() for item in flow.group(1).split(",") if item.strip()]
            lines[start] = f"lessons: [{', '.join([*items, stem])}]\n"
        else:
            end = start
            indent = "  "
            for i in range(start + 1, len(lines)):
                item = re.match(r"(\s*)- ", lines[i])
                if item:
                    end, indent = i, item.group(1)
                elif lines[i].strip() and not lines[i].startswith((" ", "#")):
                    break
            if not lines[end].endswith("\n"):
                lines[end] += "\n"
            lines.insert(end + 1, f"{indent}- {stem}\n")
        new = "".join(lines)
    try:
        module_file.write_text(new, encoding="utf-8")
    except OSError as error:
        raise _fail(module_file, f"cannot write the file: {error.strerror}") from None
    module, _, problems = load_model(Module, module_file)
    if module is None or stem not in module.lessons:
        module_file.write_text(text, encoding="utf-8")  # as it was
        raise ProblemsError(
            [
                Problem(
                    module_file,
                    f"could not add '{stem}' to the lesson order; the file is unchanged",
                    hint=f"add '- {stem}' under 'lessons:' yourself",
                ),
                *problems,
            ]
        )


# Sources.


def _quoted(value: str) -> str:
    """A YAML value that reads back exactly as written (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def add_source(
    layout: Layout,
    file: Path,
    *,
    title: str,
    kind: SourceKind,
    author: str | None = None,
    date: str | None = None,
    source_id: str | None = None,
    citation: str | None = None,
) -> tuple[Path, Path]:
    """Copy `file` into the corpus, byte for byte, and write its record with the SHA-256."""
    source_id = source_id or slug(file.stem)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", source_id or ""):
        raise _fail(file, "cannot make an id from this file name", hint="give one with --id")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise _fail(file, f"cannot read the file: {error.strerror}") from None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(
            file,
            "the text is not UTF-8",
            hint="save it as UTF-8 text in your editor (e.g. 'Save with encoding'), then add it",
        ) from None
    if not decoded.strip():
        raise _fail(file, "the file is empty")
    text_path = layout.sources / f"{source_id}.txt"
    record_path = layout.sources / f"{source_id}.yaml"
    for path in (text_path, record_path):
        if path.exists():
            raise _fail(
                path,
                f"a document with the id '{source_id}' exists already; nothing was written",
                hint="give another id with --id",
            )
    citation = citation or ", ".join(part for part in (author, f"*{title}*", date) if part)
    record = "\n".join(
        [
            modeline(layout.schemas / schema_file("source"), record_path),
            "# Written by 'handouts source add'. The text is in "
            f"{text_path.name}, exactly as received; 'sha256' proves it is unchanged.",
            f"# After correcting your own transcription: handouts source rehash {source_id}",
            f"id: {source_id}",
            f"seed: {_quoted(file.name)}                # the file as you received it",
            f"sha256: {hashlib.sha256(raw).hexdigest()}",
            f"title: {_quoted(title)}",
            f"author: {_quoted(author) if author else 'null'}",
            f"date: {_quoted(date) if date else 'null'}",
            "publication: null",
            "archive_reference: null",
            "url: null",
            f"kind: {kind.value}",
            "language: en",
            "reliability: |                    # for the teacher: what it can and cannot show",
            "  Not written yet: say who made this document, for whom, and what it can and cannot"
            " show.",
            f"citation: {_quoted(citation)}",
            "",
        ]
    )
    write_new(text_path, raw)
    try:
        write_new(record_path, record)
    except ProblemsError:
        text_path.unlink()
        raise
    return text_path, record_path


def rehash(layout: Layout, source_id: str) -> tuple[str, str]:
    """Record the SHA-256 of a document's text as it is now; returns (old, new)."""
    record = layout.sources / f"{source_id}.yaml"
    text = layout.sources / f"{source_id}.txt"
    if not record.is_file():
        known = sorted(p.stem for p in layout.sources.glob("*.yaml"))
        raise _fail(
            record,
            f"no source record '{source_id}'",
            hint=did_you_mean(source_id, known) or "give the id of a record in the sources folder",
        )
    try:
        digest = hashlib.sha256(text.read_bytes()).hexdigest()
        content = record.read_text(encoding="utf-8")
    except OSError as error:
        raise _fail(text, f"cannot read the file: {error.strerror}") from None
    match = re.search(r"^sha256:[ \t]*['\"]?([^\s'\"#]*)['\"]?", content, flags=re.MULTILINE)
    if match is None:
        new = content.replace(f"id: {source_id}\n", f"id: {source_id}\nsha256: {digest}\n", 1)
        if new == content:
            raise _fail(record, "the record has no 'sha256:' line", hint=f"add 'sha256: {digest}'")
        old = ""
    else:
        old = match.group(1)
        new = content[: match.start()] + f"sha256: {digest}" + content[match.end() :]
    if old != digest:
        try:
            record.write_text(new, encoding="utf-8")
        except OSError as error:
            raise _fail(record, f"cannot write the file: {error.strerror}") from None
    return old, digest


__all__ = [
    "add_source",
    "add_to_order",
    "ensure_schemas",
    "init_module",
    "lesson_skeleton",
    "next_lesson_path",
    "pick_document",
    "rehash",
    "write_new",
]
