"""The teacher guide as a PDF joined from parts: its own pages and the teacher editions.

The teacher editions are rendered anyway; laying every lesson out a second time
inside one guide document made the guide a quarter of a build's time and its
memory peak, growing with the module. So the guide renders only its own pages, the
front matter (cover to briefing) and the back matter (glossary to
bibliography), each told the page numbers it has in the joined guide, and
`join_pdfs` joins front, teacher editions and back into one tagged PDF.

The numbers need the parts' page counts, and the contents need the front's own,
so front and back are rendered twice: once to measure (with placeholder numbers:
their length and where the back's sections start do not depend on them), once
with the numbers. Four renders of the guide's own pages in all (a third pair only
if a number's width changed a page count); the teacher editions are not rendered
here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handouts.editions import TEACHER
from handouts.guide import GuideView, build_guide_view
from handouts.loader.project import Project
from handouts.renderer.assemble import STAND_IN, destinations, join_pdfs
from handouts.renderer.pdf import Rendered
from handouts.renderer.templates import render_template
from handouts.view import build_view

GUIDE_TEMPLATE = "guide.html.j2"
RenderPair = Callable[[str, str], tuple[Rendered, Rendered]]
"""Renders two documents that do not depend on each other (at once, where it can)."""
PASSES = 3
"""Renders of the guide's own pages with numbers before their page counts must have settled."""


@dataclass(frozen=True)
class GuideNumbers:
    """The page numbers a part of the guide prints, as the joined guide has them."""

    first: int
    """The number of the part's first page."""
    total: int
    """Pages in the joined guide ('Page 3 of 97')."""
    elsewhere: dict[str, int] = field(default_factory=dict)
    """Anchors on other parts' pages (lessons, back matter) -> the page they are on."""
    stand_in: str = STAND_IN
    """Prefix of the anchor a contents entry links through to another part (`join_pdfs`)."""


def guide_view(project: Project) -> GuideView:
    """The guide's view of a complete, valid module with a `guide:` block (as `plan` makes it)."""
    module = project.module
    assert module is not None and module.guide is not None
    views = [
        build_view(module, f, project.corpus, project.fonts, project.references)
        for f in project.lessons
    ]
    lessons = [f.lesson for f in project.lessons]
    return build_guide_view(
        module, module.guide, lessons, views, project.corpus, project.references
    )


def guide_part_html(
    guide: GuideView,
    part: str,
    numbers: GuideNumbers | None,
    search: tuple[Path, ...],
    paper_css: str,
) -> str:
    """The HTML of one part of the guide: "front", "back", or "whole" (numbers None)."""
    return render_template(
        search,
        GUIDE_TEMPLATE,
        guide=guide,
        edition=TEACHER,
        paper_css=paper_css,
        part=part,
        numbers=numbers,
    )


def assemble_guide(
    guide: GuideView,
    teacher: Sequence[Rendered],
    render: Callable[[str], Rendered],
    search: tuple[Path, ...],
    paper_css: str,
    render_pair: RenderPair | None = None,
) -> Rendered:
    """The teacher guide: its front matter, `teacher` (every lesson's teacher edition, in
    the guide's order, already rendered on the paper `paper_css`), then its back matter.

    `render(html)` renders the guide's own pages (a cached or worker-backed renderer
    will do); it may raise ProblemsError, which is passed on. `render_pair(a, b)`, if
    given, renders two documents that do not depend on each other, at once if it can.
    """
    if len(teacher) != len(guide.lessons):
        raise ValueError(f"{len(guide.lessons)} lessons but {len(teacher)} teacher editions")
    lessons = sum(edition.pages for edition in teacher)
    anchors: dict[str, int] = {}
    """Anchors of the teacher editions -> page within the lessons (0-based)."""
    offset = 0
    for edition in teacher:
        for name, page in destinations(edition.pdf).items():
            anchors.setdefault(name, offset + page)
        offset += edition.pages

    def html(part: str, numbers: GuideNumbers) -> str:
        return guide_part_html(guide, part, numbers, search, paper_css)

    # Measure: where the back's sections fall and how long each part is do not depend on
    # the numbers they print. These two renders depend on the guide alone (numbers are
    # placeholders), so a cached renderer skips them when only the lessons changed.
    back = render(html("back", GuideNumbers(1, 0)))
    back_anchors = destinations(back.pdf)
    placeholders = dict.fromkeys([*anchors, *back_anchors], 0)
    front = render(html("front", GuideNumbers(1, 0, placeholders)))
    for _ in range(PASSES):
        front_pages, back_pages, measured = front.pages, back.pages, back_anchors
        total = front_pages + lessons + back_pages
        elsewhere = {name: front_pages + page + 1 for name, page in anchors.items()}
        for name, page in measured.items():
            elsewhere.setdefault(name, front_pages + lessons + page + 1)
        front, back = (render_pair or _one_by_one(render))(
            html("front", GuideNumbers(1, total, elsewhere)),
            html("back", GuideNumbers(front_pages + lessons + 1, total)),
        )
        back_anchors = destinations(back.pdf)
        if (front.pages, back.pages, back_anchors) == (front_pages, back_pages, measured):
            break  # both printed the numbers they turned out to have
    else:
        raise RuntimeError(f"the guide's own pages did not settle in {PASSES} renders")
    pdf = join_pdfs(
        [front.pdf, *(edition.pdf for edition in teacher), back.pdf],
        [None] * (len(teacher) + 2),
        f"{guide.module_title}: Teacher guide",
        guide.language,
    )
    return Rendered(pdf, front.pages + lessons + back.pages)


def _one_by_one(
    render: Callable[[str], Rendered],
) -> Callable[[str, str], tuple[Rendered, Rendered]]:
    return lambda first, second: (render(first), render(second))
