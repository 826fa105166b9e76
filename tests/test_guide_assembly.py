"""The teacher guide joined from its own pages and the teacher editions already rendered.

`assemble_guide` renders the guide's front matter (cover to briefing) and back
matter (glossary to bibliography) alone and joins them with the teacher
editions (`join_pdfs`). These tests read the joined PDF as a teacher and a
screen reader would: pages in order, contents numbers that name the page a
lesson starts on, bookmarks, links, page labels, one structure tree that
passes both PDF/UA-1 checkers, and teacher pages that are the teacher
editions' own.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURE, Built
from test_accessibility import ua1_failures
from test_print import pdfua_failures

from handouts.build import PAPER_CSS, lesson_html
from handouts.editions import TEACHER
from handouts.guide import GuideView
from handouts.guide_pdf import GuideNumbers, assemble_guide, guide_part_html, guide_view
from handouts.loader.project import Project, gather
from handouts.renderer.assemble import STAND_IN, destinations, join_pdfs
from handouts.renderer.pdf import Rendered, render_pdf

GUIDE_BLOCK = """
guide:
  content_note: A module about secret orders to shoot people by quota.
  overview: One lesson on the Politburo decision of 2 July 1937.
  objectives:
    - Students will source a secret order.
  guidance:
    - title: Preparing students
      body: Read the content note aloud before the lesson.
  timeline:
    - date: 2 July 1937
      event: The Politburo tells regional party leaders to report how many are to be shot.
      source: stalin-politburo-documents
"""


@dataclass
class Joined:
    """A guide joined from parts, with the parts it was joined from."""

    project: Project
    guide: GuideView
    teacher: list[Rendered]
    front: Rendered
    back: Rendered
    result: Rendered
    path: Path
    renders: dict[str, Rendered]
    """Every render assemble_guide asked for, by HTML."""

    def text(self) -> list[str]:
        """The text of each page (pdftotext, in reading order)."""
        return page_texts(self.path)


def page_texts(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return out.stdout.split("\f")[:-1]


def assemble(project: Project, teacher: list[Rendered], folder: Path) -> Joined:
    """Join the guide of `project` from `teacher`, recording the parts it renders."""
    search = project.layout.template_search
    renders: dict[str, Rendered] = {}
    last: dict[str, Rendered] = {}

    def render(html: str) -> Rendered:
        if html not in renders:
            renders[html] = render_pdf(html, project.layout.module_file, search)
        part = "front" if 'class="cover"' in html else "back"
        last[part] = renders[html]
        return renders[html]

    guide = guide_view(project)
    paper = PAPER_CSS[project.module.paper]
    result = assemble_guide(guide, teacher, render, search, paper)
    path = folder / "guide.pdf"
    path.write_bytes(result.pdf)
    return Joined(project, guide, teacher, last["front"], last["back"], result, path, renders)


def render_teacher(project: Project) -> list[Rendered]:
    guide = guide_view(project)
    search = project.layout.template_search
    return [
        render_pdf(lesson_html(view, TEACHER, project.module.paper, search), f.path, search)
        for f, view in zip(project.lessons, guide.lessons, strict=True)
    ]


@pytest.fixture(scope="module")
def fixture_guide(tmp_path_factory: pytest.TempPathFactory) -> Joined:
    """The one-lesson fixture module, given a small guide block."""
    folder = tmp_path_factory.mktemp("fixture-guide")
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    module_file = folder / "lessons" / "module.yaml"
    module_file.write_text(module_file.read_text(encoding="utf-8") + GUIDE_BLOCK, "utf-8")
    project = gather(module_file)
    assert not project.errors, [p.format() for p in project.errors]
    return assemble(project, render_teacher(project), folder)


@pytest.fixture(scope="module")
def real_guide(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Joined:
    """The real module's guide, joined from the teacher editions the build wrote."""
    teacher = []
    for lesson_file in built.project.lessons:
        pdf = built.outputs[(lesson_file.stem, "teacher")].read_bytes()
        with pikepdf.open(io.BytesIO(pdf)) as opened:
            teacher.append(Rendered(pdf, len(opened.pages)))
    return assemble(built.project, teacher, tmp_path_factory.mktemp("real-guide"))


@pytest.fixture(params=["fixture", "real"])
def joined(request: pytest.FixtureRequest) -> Joined:
    return request.getfixturevalue(f"{request.param}_guide")


def title_text(title: str) -> str:
    """A lesson title as the PDF prints it (typographic quotes)."""
    return re.sub(r'"([^"]*)"', "“\\1”", re.sub(r"<[^>]+>", "", title))


# --- HTML: the parts a joined guide is made of -------------------------------------------


def test_the_whole_guide_still_holds_every_lesson(project: Project) -> None:
    guide = guide_view(project)
    html = guide_part_html(guide, "whole", None, project.layout.template_search, "A4")
    assert html.count('<div class="guide-lesson">') == len(project.lessons)
    assert STAND_IN not in html and "data-page" not in html and "counter-reset" not in html


def test_front_and_back_leave_the_lessons_out_and_print_joined_numbers(project: Project) -> None:
    guide = guide_view(project)
    search = project.layout.template_search
    elsewhere = {row.anchor: 10 + row.number for row in guide.sequence} | {
        "glossary": 90,
        "module-timeline": 91,
        "bibliography": 92,
        "overview": 55,  # a name another part happens to define too
    }
    front = guide_part_html(guide, "front", GuideNumbers(1, 97, elsewhere), search, "A4")
    back = guide_part_html(guide, "back", GuideNumbers(90, 97), search, "A4")
    assert 'class="guide-lesson"' not in front + back
    assert 'class="cover"' in front and 'id="glossary"' not in front
    assert 'class="cover"' not in back and 'id="glossary"' in back
    for row in guide.sequence:
        # The entry links through a stand-in anchor of its own, and prints the joined number.
        assert f'id="{STAND_IN}{row.anchor}"' in front
        assert f'href="#{STAND_IN}{row.anchor}"' in front
        assert f'data-page="{10 + row.number}"' in front
    # The front's own pages keep target-counter(), whatever other parts call their anchors.
    assert 'href="#overview"' in front and f"{STAND_IN}overview" not in front
    assert 'data-page="92"' in front
    assert 'data-total="97"' in front and 'data-total="97"' in back
    assert "counter-reset: page 90" in back
    assert f'data-module="{guide.module_title}"' in back  # the running header without a cover


# --- PDF: the joined guide ----------------------------------------------------------------


@pytest.mark.slow
def test_pages_are_front_then_every_teacher_edition_then_back(joined: Joined) -> None:
    teacher = sum(edition.pages for edition in joined.teacher)
    pages = joined.front.pages + teacher + joined.back.pages
    assert joined.result.pages == pages
    with pikepdf.open(joined.path) as pdf:
        assert len(pdf.pages) == pages
        labels = pdf.Root.PageLabels.Nums
        assert list(labels[:1]) == [0] and labels[1].S == "/D"  # the viewer counts 1, 2, 3
    texts = joined.text()
    assert "teacher guide" in texts[0].casefold()
    assert "Page 1 of" not in texts[0]  # the cover carries no running furniture
    assert f"Page {pages} of {pages}" in texts[-1]  # the back matter numbers as the guide


@pytest.mark.slow
def test_the_teacher_pages_are_the_teacher_editions_pages(joined: Joined, tmp_path: Path) -> None:
    texts = joined.text()
    start = joined.front.pages
    for number, edition in enumerate(joined.teacher):
        alone = tmp_path / f"{number}.pdf"
        alone.write_bytes(edition.pdf)
        assert texts[start : start + edition.pages] == page_texts(alone)
        start += edition.pages


@pytest.mark.slow
def test_contents_numbers_name_the_page_each_lesson_and_section_starts_on(joined: Joined) -> None:
    texts = joined.text()
    contents = next(
        i for i, text in enumerate(texts) if text.startswith("Contents") or "\nContents\n" in text
    )
    layout = subprocess.run(
        [
            "pdftotext",
            "-layout",
            "-f",
            str(contents + 1),
            "-l",
            str(contents + 1),
            str(joined.path),
            "-",
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    printed = dict(re.findall(r"^\s*(.+?)\s{2,}(\d+)\s*$", layout, flags=re.M))
    start = joined.front.pages + 1
    for row, lesson, edition in zip(
        joined.guide.sequence, joined.guide.lessons, joined.teacher, strict=True
    ):
        entry = next(k for k in printed if k.startswith(f"Lesson {row.number}."))
        assert int(printed[entry]) == start, entry
        assert title_text(str(lesson.title)) in texts[start - 1]
        assert "Page 1 of" in texts[start - 1]
        start += edition.pages
    for section in ("Glossary", "Timeline", "Bibliography"):
        page = int(printed[section])
        assert page > start - 1  # in the back matter
        assert re.search(rf"^{section}$", texts[page - 1], flags=re.M), section
        assert not re.search(rf"^{section}$", texts[page - 2], flags=re.M), section


@pytest.mark.slow
def test_bookmarks_list_every_lesson_in_order_on_its_first_page(joined: Joined) -> None:
    with pikepdf.open(joined.path) as pdf, pdf.open_outline() as outline:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        top = [(item.title, pages[item.destination[0].objgen]) for item in outline.root]
    titles = [title for title, _ in top]
    start = joined.front.pages
    positions = []
    for lesson, edition in zip(joined.guide.lessons, joined.teacher, strict=True):
        title = title_text(str(lesson.title))
        assert (title, start) in top, title
        positions.append(titles.index(title))
        start += edition.pages
    assert positions == sorted(positions)
    assert titles[0] == joined.guide.module_title and "Contents" in titles
    assert titles[-3:] == ["Glossary", "Timeline", "Bibliography"]
    assert [page for _, page in top] == sorted(page for _, page in top)


@pytest.mark.slow
def test_links_go_to_pages_of_the_guide_and_the_contents_to_the_lessons(joined: Joined) -> None:
    with pikepdf.open(joined.path) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        found = []
        for index, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots", ()):
                if annotation.Subtype != "/Link" or "/A" in annotation:
                    continue  # a web address
                dest = annotation.Dest
                assert isinstance(dest, pikepdf.Array), dest  # explicit: no name to look up
                found.append((index, str(annotation.get("/Contents", "")), pages[dest[0].objgen]))
        named = {
            str(k): v
            for k, v in zip(
                pdf.Root.Names.Dests.Names[::2], pdf.Root.Names.Dests.Names[1::2], strict=True
            )
        }
        assert not any(name.startswith(STAND_IN) for name in named)
    start = joined.front.pages
    for row, edition in zip(joined.guide.sequence, joined.teacher, strict=True):
        # One annotation for the entry and one for each of its generated number boxes.
        links = {target for _, contents, target in found if contents == STAND_IN + row.anchor}
        assert links == {start}, row.anchor
        start += edition.pages
    assert destinations(joined.path.read_bytes())["glossary"] >= start
    assert {"overview", "glossary", joined.guide.sequence[0].anchor} <= set(named)


@pytest.mark.slow
def test_one_structure_tree_every_element_on_a_page_of_the_guide(joined: Joined) -> None:
    with pikepdf.open(joined.path) as pdf:
        root = pdf.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        document = root.K[0]
        pages = {page.objgen for page in pdf.pages}
        nums = root.ParentTree.Nums
        tree = {int(key): value for key, value in zip(nums[::2], nums[1::2], strict=True)}
        assert int(root.ParentTreeNextKey) == max(tree) + 1
        owners = [int(page.StructParents) for page in pdf.pages]
        assert owners == list(range(len(pdf.pages)))  # as WeasyPrint numbers them
        for page, key in zip(pdf.pages, list(owners), strict=True):
            # The page's marked content maps to elements on that page, annotations to their own.
            elements = [e for e in tree[key] if isinstance(e, pikepdf.Dictionary)]
            assert elements and all(e.Pg.objgen == page.objgen for e in elements if "/Pg" in e)
            for annotation in page.obj.get("/Annots", ()):
                owners.append(int(annotation.StructParent))
                kids = tree[owners[-1]].K
                kids = kids if isinstance(kids, pikepdf.Array) else [kids]
                objects = [
                    k.Obj.objgen for k in kids if isinstance(k, pikepdf.Dictionary) and "/Obj" in k
                ]
                assert annotation.objgen in objects
        assert len(owners) == len(set(owners)) == len(tree)
        stack, seen = [(kid, document) for kid in document.K], 0
        while stack:
            element, parent = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            seen += 1
            assert element.P.objgen == parent.objgen
            if "/Pg" in element:
                assert element.Pg.objgen in pages
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            stack += [(kid, element) for kid in kids]
        assert seen > 100
        assert str(pdf.Root.Lang) == joined.guide.language
        assert pdf.Root.MarkInfo.Marked and pdf.Root.ViewerPreferences.DisplayDocTitle
        title = f"{joined.guide.module_title}: Teacher guide"
        assert str(pdf.docinfo.Title) == title
        with pdf.open_metadata() as meta:
            assert meta["dc:title"] == title
            assert meta["pdfuaid:part"] == "1"


@pytest.mark.slow
def test_the_joined_guide_passes_both_pdf_ua_checkers(joined: Joined) -> None:
    assert ua1_failures(joined.path) == []
    assert pdfua_failures(joined.path) == []


@pytest.mark.slow
def test_the_same_parts_join_to_the_same_bytes(fixture_guide: Joined) -> None:
    again = assemble(fixture_guide.project, fixture_guide.teacher, fixture_guide.path.parent)
    assert again.result.pdf == fixture_guide.result.pdf
    parts = [fixture_guide.front.pdf, *(e.pdf for e in fixture_guide.teacher)]
    assert join_pdfs(parts, [None, "Lesson"], "T", "en") == join_pdfs(
        parts, [None, "Lesson"], "T", "en"
    )


@pytest.mark.slow
def test_a_part_can_be_nested_under_a_bookmark_of_its_own(fixture_guide: Joined) -> None:
    parts = [fixture_guide.front.pdf, fixture_guide.teacher[0].pdf]
    joined = join_pdfs(parts, [None, "The lessons"], "T", "en")
    with pikepdf.open(io.BytesIO(joined)) as pdf, pdf.open_outline() as outline:
        last = list(outline.root)[-1]
        assert last.title == "The lessons"
        assert pdf.pages.index(pikepdf.Page(last.destination[0])) == fixture_guide.front.pages
        assert next(child.title for child in last.children) == title_text(
            str(fixture_guide.guide.lessons[0].title)
        )


def test_join_refuses_a_title_list_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="one outline title"):
        join_pdfs([b"%PDF"], [], "T", "en")


@pytest.mark.slow
def test_the_guides_own_pages_render_about_four_times_at_most(joined: Joined) -> None:
    """Front and back are rendered again only while a page count they print was wrong."""
    assert len(joined.renders) <= 4
    assert not any('class="guide-lesson"' in html for html in joined.renders)
