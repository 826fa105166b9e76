"""Join tagged PDFs (WeasyPrint's, pdf/ua-1) into one tagged PDF, as if rendered together.

Laying a long document out again to collect parts already rendered costs more
than the parts did (WeasyPrint's layout time grows faster than the page
count); joining them is a copy. What a joined PDF must keep for PDF/UA-1 and
for its reader: one structure tree (one Document element whose kids are each
part's, the parent tree renumbered), bookmarks, working internal links,
page labels, and the first part's metadata. Pages are copied with pikepdf
(QPDF), which keeps one object map per source file, so every reference into a
part (a structure element's page, a link's target) lands on the page's copy.

A part may link to a place in another part through a stand-in: an anchor named
STAND_IN + name in its own HTML (so that WeasyPrint keeps the link), which the
join points at `name` in whichever part defines it.

The renderer knows nothing of lessons: parts are bytes, titles are strings.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

STAND_IN = "join:"
"""Prefix of an anchor that stands in for a destination of another part."""


@dataclass
class _Bookmark:
    title: object
    """The /Title as the part has it (a pikepdf String)."""
    page: int
    """0-based page of the joined PDF."""
    where: list
    """The rest of the destination: /XYZ left top zoom (or another fit)."""
    closed: bool
    children: list[_Bookmark]


def destinations(pdf: bytes) -> dict[str, int]:
    """Named destinations of a PDF: name -> 0-based page index."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as source:
        pages = {page.objgen: index for index, page in enumerate(source.pages)}
        return {name: pages[dest[0].objgen] for name, dest in _named(source)}


def join_pdfs(
    parts: Sequence[bytes], outline_titles: Sequence[str | None], title: str, language: str
) -> bytes:
    """One tagged PDF of `parts`, pages in order.

    `outline_titles[i]` nests part i's bookmarks under a bookmark of that title (on the
    part's first page); None keeps them at the top level, as the part has them. The
    metadata (XMP with pdfuaid, MarkInfo, viewer preferences) is the first part's, with
    `title` and `language`. The same parts give the same bytes.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    if not parts or len(parts) != len(outline_titles):
        raise ValueError("join_pdfs needs one outline title (or None) per part")
    joined = pikepdf.new()
    root = Dictionary(Type=Name.StructTreeRoot)
    document = Dictionary(Type=Name.StructElem, S=Name.Document, K=Array())
    root_ref = joined.make_indirect(root)
    document.P = root_ref
    document = joined.make_indirect(document)
    root.K = Array([document])
    structured: list[tuple[dict[int, object], int]] = []
    """Each tagged part's parent tree (its own keys) and its first page in the joined PDF."""
    role_map: dict[str, object] = {}
    class_map: dict[str, object] = {}
    ids: dict[bytes, object] = {}
    bookmarks: list[_Bookmark] = []
    names: dict[str, tuple[int, list]] = {}
    """Every part's named destinations, first definition kept: name -> (page, rest)."""
    links: list[tuple[object, dict[str, tuple[int, list]]]] = []
    """Link annotations naming a destination, with their own part's names."""
    version = "1.4"
    sources = []
    for data, heading in zip(parts, outline_titles, strict=True):
        source = pikepdf.open(io.BytesIO(data))
        sources.append(source)  # kept open: copied objects read their streams lazily
        if "/AcroForm" in source.Root:
            raise ValueError("join_pdfs does not join form fields")
        version = max(version, source.pdf_version)
        first = len(joined.pages)
        for page in source.pages:
            joined.pages.append(page)
        page_of = {page.objgen: first + index for index, page in enumerate(source.pages)}
        own = {name: (page_of[dest[0].objgen], list(dest[1:])) for name, dest in _named(source)}
        for name, target in own.items():
            names.setdefault(name, target)
        # The structure tree, copied whole: references to pages and annotations land on
        # the copies made above (QPDF keeps one object map per source).
        if "/StructTreeRoot" in source.Root:
            tree = joined.copy_foreign(source.Root.StructTreeRoot)
            structured.append((dict(_number_tree(tree.get("/ParentTree"))), first))
            for element in _top_elements(tree):
                element.P = document
                document.K.append(element)
            for key, value in (tree.get("/RoleMap") or {}).items():
                role_map.setdefault(key, value)
            for key, value in (tree.get("/ClassMap") or {}).items():
                class_map.setdefault(key, value)
            for key, value in _name_tree(tree.get("/IDTree")):
                ids.setdefault(bytes(key), value)
        for page in joined.pages[first:]:
            for annotation in page.obj.get("/Annots", ()):
                if _named_target(annotation) is not None:
                    links.append((annotation, own))
        marks = [_read_bookmark(item, page_of) for item in _outline_items(source)]
        marks = [mark for mark in marks if mark is not None]
        if heading is not None and len(source.pages):
            top = joined.pages[first].obj.MediaBox[3]
            marks = [_Bookmark(String(heading), first, [Name.XYZ, 0, top, 0], False, marks)]
        bookmarks += marks
    for annotation, own in links:
        _point_at(annotation, own, names, joined)
    parent_tree = _renumber(joined, structured)
    root.ParentTree = joined.make_indirect(Dictionary(Nums=Array(_flat(parent_tree))))
    root.ParentTreeNextKey = parent_tree[-1][0] + 1 if parent_tree else 0
    if role_map:
        root.RoleMap = Dictionary(role_map)
    if class_map:
        root.ClassMap = Dictionary(class_map)
    if ids:
        root.IDTree = Dictionary(Names=Array(_flat(sorted(ids.items()))))
    catalog = joined.Root
    catalog.StructTreeRoot = root_ref
    catalog.MarkInfo = Dictionary(Marked=True)
    catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    catalog.Lang = String(language)
    catalog.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    kept = sorted((n, t) for n, t in names.items() if not n.startswith(STAND_IN))
    if kept:
        dests = [(String(n), Array([joined.pages[p].obj, *rest])) for n, (p, rest) in kept]
        catalog.Names = Dictionary(Dests=Dictionary(Names=Array(_flat(dests))))
    if bookmarks:
        catalog.Outlines = _write_outline(joined, bookmarks)
    _copy_metadata(sources[0], joined, title)
    out = io.BytesIO()
    joined.save(
        out,
        min_version=version,
        fix_metadata_version=False,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    for source in sources:
        source.close()
    return out.getvalue()


def _renumber(joined, structured: list[tuple[dict[int, object], int]]) -> list[tuple[int, object]]:
    """One parent tree for the joined PDF, keyed as WeasyPrint keys it: page i's marked
    content under i, then annotations in page order, then anything else a part listed."""
    ends = [first for _, first in structured[1:]] + [len(joined.pages)]
    pages = [page.obj for page in joined.pages]
    tree: list[tuple[int, object]] = []
    later: list[tuple[object, str, object]] = []
    for (entries, first), end in zip(structured, ends, strict=True):
        entries = dict(entries)
        for index in range(first, end):
            page = pages[index]
            if "/StructParents" in page:
                tree.append((index, entries.pop(int(page.StructParents), None)))
                page.StructParents = index
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    value = entries.pop(int(annotation.StructParent), None)
                    later.append((annotation, "/StructParent", value))
        later += [(None, "", value) for _, value in sorted(entries.items())]
    key = len(pages)
    for owner, name, value in later:
        if owner is not None:
            owner[name] = key
        tree.append((key, value))
        key += 1
    return [(k, v) for k, v in tree if v is not None]


def _flat(pairs) -> list:
    return [item for pair in pairs for item in pair]


def _named(source) -> Iterator[tuple[str, object]]:
    """(name, explicit destination array) of a PDF's /Dests name tree (and the old /Dests)."""
    import pikepdf

    names = source.Root.get("/Names")
    if names is not None and "/Dests" in names:
        for key, dest in _name_tree(names.Dests):
            dest = dest.get("/D") if isinstance(dest, pikepdf.Dictionary) else dest
            if isinstance(dest, pikepdf.Array) and len(dest):
                yield str(key), dest
    old = source.Root.get("/Dests")
    for key, dest in (old or {}).items():
        dest = dest.get("/D") if isinstance(dest, pikepdf.Dictionary) else dest
        if isinstance(dest, pikepdf.Array) and len(dest):
            yield key[1:], dest


def _tree(node, key: str) -> Iterator[tuple[object, object]]:
    """The leaves of a name tree (key '/Names') or number tree (key '/Nums')."""
    if node is None:
        return
    leaves = node.get(key)
    if leaves is not None:
        for index in range(0, len(leaves) - 1, 2):
            yield leaves[index], leaves[index + 1]
    for kid in node.get("/Kids", ()):
        yield from _tree(kid, key)


def _name_tree(node) -> Iterator[tuple[object, object]]:
    return _tree(node, "/Names")


def _number_tree(node) -> Iterator[tuple[int, object]]:
    for key, value in _tree(node, "/Nums"):
        yield int(key), value


def _top_elements(tree) -> list:
    """A part's top structure elements: its Document element's kids (or the root's own)."""
    import pikepdf

    kids = tree.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    if len(kids) == 1 and kids[0].get("/S") == "/Document":
        inner = kids[0].get("/K")
        return list(inner) if isinstance(inner, pikepdf.Array) else [inner] if inner else []
    return kids


def _named_target(annotation) -> str | None:
    """The destination name a link annotation goes to, if it goes to a name."""
    import pikepdf

    dest = annotation.get("/Dest")
    action = annotation.get("/A")
    if dest is None and action is not None and action.get("/S") == "/GoTo":
        dest = action.get("/D")
    if isinstance(dest, pikepdf.String):
        return str(dest)
    if isinstance(dest, pikepdf.Name):
        return str(dest)[1:]
    return None


def _point_at(annotation, own, names, joined) -> None:
    """Give a link an explicit destination: its own part's, or through a stand-in another's."""
    from pikepdf import Array

    name = _named_target(annotation)
    target = own.get(name)
    if name.startswith(STAND_IN) and name[len(STAND_IN) :] in names:
        target = names[name[len(STAND_IN) :]]
    if target is None:
        target = names.get(name)
    if target is None:
        return  # WeasyPrint drops links to no anchor; a part from elsewhere keeps its own
    page, rest = target
    dest = Array([joined.pages[page].obj, *rest])
    if "/A" in annotation:
        del annotation["/A"]
    annotation.Dest = dest


def _outline_items(source) -> Iterator[object]:
    outlines = source.Root.get("/Outlines")
    item = outlines.get("/First") if outlines is not None else None
    while item is not None:
        yield item
        item = item.get("/Next")


def _read_bookmark(item, page_of: dict) -> _Bookmark | None:
    """A bookmark with an explicit destination on a page of its part (others are dropped)."""
    dest = item.get("/Dest")
    action = item.get("/A")
    if dest is None and action is not None and action.get("/S") == "/GoTo":
        dest = action.get("/D")
    children = []
    child = item.get("/First")
    while child is not None:
        mark = _read_bookmark(child, page_of)
        if mark is not None:
            children.append(mark)
        child = child.get("/Next")
    if dest is None or not hasattr(dest, "__len__") or not len(dest):
        return None
    page = page_of.get(getattr(dest[0], "objgen", None))
    if page is None:
        return None
    closed = int(item.get("/Count", 0)) < 0
    return _Bookmark(item.Title, page, list(dest[1:]), closed, children)


def _write_outline(joined, bookmarks: list[_Bookmark]):
    """The /Outlines dictionary of `bookmarks` (open items count their visible descendants)."""
    from pikepdf import Array, Dictionary, Name

    def write(marks: list[_Bookmark], parent) -> int:
        items = []
        visible = 0
        for mark in marks:
            item = joined.make_indirect(
                Dictionary(
                    Title=mark.title,
                    Parent=parent,
                    Dest=Array([joined.pages[mark.page].obj, *mark.where]),
                )
            )
            items.append(item)
            below = write(mark.children, item)
            if mark.children:
                item.Count = -len(mark.children) if mark.closed else below
            visible += 1 + (0 if mark.closed else below)
        for before, after in itertools.pairwise(items):
            before.Next = after
            after.Prev = before
        if items:
            parent.First = items[0]
            parent.Last = items[-1]
        return visible

    outlines = joined.make_indirect(Dictionary(Type=Name.Outlines))
    outlines.Count = write(bookmarks, outlines)
    return outlines


def _copy_metadata(source, joined, title: str) -> None:
    """The first part's document information and XMP, under `title`."""
    from pikepdf import Dictionary, String

    info = joined.copy_foreign(source.docinfo) if "/Info" in source.trailer else Dictionary()
    info = info if info.is_indirect else joined.make_indirect(info)
    info.Title = String(title)
    joined.trailer.Info = info
    if "/Metadata" in source.Root:
        joined.Root.Metadata = joined.copy_foreign(source.Root.Metadata)
        with joined.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            if meta.get("dc:title") != title:
                meta["dc:title"] = title
