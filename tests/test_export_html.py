"""The web edition (`handouts export --format html`): one self-contained, accessible page
per lesson and edition.

Structure is tested on the HTML (parsed strictly: every element closed, in order); what
only a browser shows (axe-core's verdict, the width on a phone, the requests a page makes,
what is copied and what a screen reader gets) in Debian's chromium through Playwright.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree.ElementTree import Element, TreeBuilder

import pytest
import yaml
from click.testing import CliRunner
from conftest import LESSON_1, MODULE, words
from test_kinds import draw_png, lesson_data, write_lesson

from handouts.build import export
from handouts.cli.app import cli
from handouts.editions import EDITIONS
from handouts.export import ExportOptions
from handouts.loader.project import Project, gather

STUDENT_EDITIONS = [name for name, edition in EDITIONS.items() if edition.audience == "student"]
VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "col", "area", "base"}
SVG_VOID = {"rect", "line", "path", "circle"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


class StrictParser(HTMLParser):
    """HTML to an ElementTree, failing on any element closed out of order or left open: the
    exporter writes every end tag, so a stray or missing one is a template defect."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = TreeBuilder()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag, {name: value or "" for name, value in attrs})
        if tag in VOID:
            self.builder.end(tag)
        else:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in VOID | SVG_VOID, f"<{tag}/> is not a void element"
        self.builder.start(tag, {name: value or "" for name, value in attrs})
        self.builder.end(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()
        self.builder.end(tag)

    def handle_data(self, data: str) -> None:
        self.builder.data(data)


def parse(page: str) -> Element:
    parser = StrictParser()
    parser.feed(page)
    parser.close()
    assert not parser.open, f"left open: {parser.open}"
    return parser.builder.close()


def text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def body_text(page: str) -> str:
    """The words a reader gets: no markup, stylesheet or title."""
    page = re.sub(r"<(style|title)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def export_module(project: Project, out: Path) -> dict[tuple[str, str], str]:
    """Every lesson of `project` in every edition, exported to `out`: (stem, edition) -> page."""
    project = replace(project, layout=replace(project.layout, build=out))
    report = export(project, ["html"], ExportOptions(editions=tuple(EDITIONS.values())))
    assert not report.problems and not report.failed, [p.format() for p in report.problems]
    return {
        (o.lesson.stem, o.path.name.removeprefix(o.lesson.stem + "-")[:-5]): (
            o.path.read_text(encoding="utf-8")
        )
        for o in report.outputs
    }


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict]:
    """The real module (lessons/), every lesson in every edition, exported once."""
    project = gather(MODULE)
    assert not project.errors, [p.format() for p in project.errors]
    return project, export_module(project, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def real_files(real: tuple[Project, dict], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same pages as files, for the browser: (stem, edition) -> path."""
    folder = tmp_path_factory.mktemp("pages")
    files = {}
    for (stem, edition), page in real[1].items():
        files[(stem, edition)] = folder / f"{stem}-{edition}.html"
        files[(stem, edition)].write_text(page, encoding="utf-8")
    return files


# The command and the files


def test_the_command_writes_a_page_per_edition(scratch: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "html", "--edition", "student"])
    assert result.exit_code == 0, result.output
    page = (
        scratch / "build" / "01-orders-from-the-center" / "01-orders-from-the-center-student.html"
    )
    assert page.is_file()
    assert "Exported 1 file." in result.output
    assert not list(page.parent.glob("*-teacher.html"))


def test_every_lesson_of_the_real_module_in_every_edition(real: tuple[Project, dict]) -> None:
    project, pages = real
    expected = {(lesson.stem, name) for lesson in project.lessons for name in EDITIONS}
    assert set(pages) == expected
    assert len(pages) == 7 * 5


# Structure


def test_pages_are_well_formed_with_language_landmarks_and_title(
    real: tuple[Project, dict],
) -> None:
    project, pages = real
    for (stem, edition), page in pages.items():
        root = parse(page)
        assert page.startswith("<!DOCTYPE html>")
        assert root.tag == "html" and root.get("lang") == project.module.language
        body = root.find("body")
        assert [child.tag for child in body] == ["header", "nav", "main", "footer"], stem
        assert body.find("nav").get("aria-label") == "On this page"
        assert EDITIONS[edition].label in text(root.find("head/title"))
        # Every in-page link leads somewhere.
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        for link in root.iter("a"):
            assert link.get("href", "").removeprefix("#") in ids, (stem, edition, link.get("href"))


def test_headings_descend_one_level_at_a_time(real: tuple[Project, dict]) -> None:
    for key, page in real[1].items():
        levels = [int(e.tag[1]) for e in parse(page).iter() if re.fullmatch(r"h[1-6]", e.tag)]
        assert levels[0] == 1 and levels.count(1) == 1, key
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (key, before, after)


def test_table_headers_have_scope_and_charts_are_named_figures(
    real: tuple[Project, dict],
) -> None:
    project, pages = real
    charts = {lesson.stem: lesson.lesson.charts for lesson in project.lessons}
    seen_tables = seen_charts = 0
    for (stem, edition), page in pages.items():
        root = parse(page)
        for table in root.iter("table"):
            seen_tables += 1
            headers = list(table.iter("th"))
            assert headers, (stem, edition)
            assert all(th.get("scope") in {"col", "row", "colgroup"} for th in headers)
        figures = [f for f in root.iter("figure") if "chart" in f.get("class", "")]
        assert len(figures) == len([c for c in charts[stem] if not c.teacher_only])
        for figure, chart in zip(figures, charts[stem], strict=False):
            seen_charts += 1
            caption = fold_quotes(text(figure.find("figcaption")))
            assert caption.endswith(" ".join(chart.title.split()))
            svg = figure.find("svg")
            assert svg.get("role") == "img"
            assert text(svg.find("title")) == " ".join(chart.alt.split())
    assert seen_tables and seen_charts


def test_excerpt_line_numbers_are_hidden_content_not_text(real: tuple[Project, dict]) -> None:
    project, pages = real
    lesson = project.lessons[0]
    root = parse(pages[(lesson.stem, "student")])
    numbers = [span for span in root.iter("span") if span.get("class") == "ln"]
    assert numbers, "no line numbers"
    for span in numbers:
        assert span.get("aria-hidden") == "true" and not text(span)
        assert int(span.get("data-n")) % 5 == 0
    # The quotation's text is the excerpt's words, nothing added.
    [quote, *_] = root.iter("blockquote")
    assert words(text(quote)) == words(lesson.lesson.sources[0].text)


def test_teacher_content_is_in_the_teacher_page_only(real: tuple[Project, dict]) -> None:
    project, pages = real
    for lesson in project.lessons:
        data = lesson.lesson
        secret = [q.answer for q in data.questions] + [q.scoring for q in data.questions]
        secret += [a.description for a in data.activities] + [data.teacher_notes or ""]
        secret += [lesson_file_reliability(project, e) for e in data.sources]
        secret = [plain_prose(s)[:50] for s in secret if s and len(s.split()) > 4]
        teacher = body_text(pages[(lesson.stem, "teacher")])
        for edition in STUDENT_EDITIONS:
            student = body_text(pages[(lesson.stem, edition)])
            assert "Exemplar answer" not in student and "(the key)" not in student
            assert "Lesson plan" not in student and "Notes for the teacher" not in student
            for passage in secret:
                assert passage not in plain_prose(student), (lesson.stem, edition, passage)
        for passage in secret:
            assert passage in plain_prose(teacher), (lesson.stem, passage)
    assert secret


def lesson_file_reliability(project: Project, excerpt) -> str:
    source = getattr(excerpt, "source", None)
    return project.corpus[source].record.reliability if source else ""


def plain_prose(markdown: str) -> str:
    """Prose as a page prints it, for comparison: no Markdown marks, quotes or spacing."""
    plain = re.sub(r"[*_\"'“”‘’]", "", markdown)
    return " ".join(re.sub(r"^\s*(-|\d+\.)\s+", "", plain, flags=re.M).split())


def test_the_fillable_page_labels_every_box_by_its_question(real: tuple[Project, dict]) -> None:
    project, pages = real
    for lesson in project.lessons:
        root = parse(pages[(lesson.stem, "fillable")])
        ids = {e.get("id"): e for e in root.iter() if e.get("id")}
        labels = {label.get("for"): text(label) for label in root.iter("label")}
        boxes = [e for e in root.iter() if e.tag in {"textarea", "input"}]
        assert boxes
        for box in boxes:
            if box.get("type") == "radio":
                assert box.get("id") in labels
            elif box.get("name") in {"name", "class", "date"}:
                continue  # wrapped in their <label>
            elif box.get("aria-labelledby"):
                assert all(ref in ids for ref in box.get("aria-labelledby").split())
            elif box.get("aria-label"):
                continue
            else:
                assert labels[box.get("id")].startswith("Your "), box.attrib
                assert box.get("aria-describedby") in ids
        written = [q for q in lesson.lesson.questions if q.lines and not q.options]
        for question in written:
            assert "Your answer to question " in labels.get(f"answer-{question.id}", "")


def test_pages_load_nothing_and_say_so(real: tuple[Project, dict]) -> None:
    for key, page in real[1].items():
        root = parse(page)
        policy = [m for m in root.iter("meta") if m.get("http-equiv")]
        assert policy and "default-src 'none'" in policy[0].get("content"), key
        for element in root.iter():
            for attribute in ("src", "href"):
                value = element.get(attribute, "")
                assert not value or value.startswith(("data:", "#")), (key, value[:60])
        assert not re.search(r"url\((?!data:)", page), key
        assert "@import" not in page


def test_the_font_is_inlined_and_cut_to_the_page(real: tuple[Project, dict]) -> None:
    page = next(iter(real[1].values()))
    faces = re.findall(r"@font-face \{[^}]*url\(data:font/(woff2?);base64,([A-Za-z0-9+/=]+)", page)
    assert len(faces) == 4
    for _flavor, data in faces:
        assert len(data) * 3 / 4 < 60_000  # the whole face is 750 KB


# Escaping


HOSTILE = "Приказ <b> & \"quotes\" 'single' {{ lesson.id }} {% raw %} ]]> <script>x</script>"
"""Markup, an ampersand, quotes, template syntax, a CDATA end and Cyrillic."""
SHOWN = {"student": 4, "teacher": 5, "sources": 2, "large-print": 4, "fillable": 4}
"""Where HOSTILE shows: the title twice (heading, footer); the prompt and glossary where the
edition has them; the answer in the teacher page only."""


def fold_quotes(text: str) -> str:
    """Prose prints straight quotes as typographic ones (handouts/markdown.py)."""
    return text.translate(str.maketrans("“”‘’", "\"\"''"))


def test_special_characters_print_as_typed(scratch: Path) -> None:
    data = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data["title"] = f"Orders {HOSTILE}"
    data["questions"][0]["prompt"] = f"Who issued it? {HOSTILE}"
    data["vocabulary"][0]["definition"] = f"A term. {HOSTILE}"
    data["questions"][0]["answer"] = f"The Politburo. {HOSTILE} (answer)"
    module_file = scratch / "lessons" / "module.yaml"
    module = yaml.safe_load(module_file.read_text(encoding="utf-8"))
    module["known_words"] = [*module.get("known_words", []), "Приказ"]
    module_file.write_text(yaml.safe_dump(module, allow_unicode=True), encoding="utf-8")
    (scratch / "lessons" / LESSON_1.name).write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    project = gather(module_file)
    assert not project.errors, [p.format() for p in project.errors]
    pages = export_module(project, scratch / "build")
    for (_stem, edition), page in pages.items():
        root = parse(page)
        shown = fold_quotes(text(root.find("body")))
        assert shown.count(HOSTILE) == SHOWN[edition], edition
        assert not list(root.iter("script")) and not list(root.iter("b"))
        assert HOSTILE.split("<b>")[0] in text(root.find("head/title"))


# Image documents and every kind of question


def test_image_documents_are_inlined_with_their_alt_text(scratch: Path) -> None:
    draw_png(scratch / "lessons" / "images" / "frame.png")
    write_lesson(scratch, lesson_data())
    project = gather(scratch / "lessons" / "module.yaml")
    assert not project.errors, [p.format() for p in project.errors]
    pages = export_module(project, scratch / "build")
    for page in pages.values():
        [image] = list(parse(page).iter("img"))
        assert image.get("src").startswith("data:image/png;base64,iVBOR")
        assert image.get("alt") == "A grey circle inside a thick black frame."


def test_a_teacher_only_chart_is_in_the_teacher_page_only(scratch: Path) -> None:
    data = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data["charts"][0]["teacher_only"] = True
    lesson_text = yaml.safe_dump(data, allow_unicode=True)
    (scratch / "lessons" / LESSON_1.name).write_text(lesson_text, encoding="utf-8")
    project = gather(scratch / "lessons" / "module.yaml")
    assert not project.errors, [p.format() for p in project.errors]
    pages = export_module(project, scratch / "build")
    alt = " ".join(data["charts"][0]["alt"].split())
    for (_stem, edition), page in pages.items():
        shown = text(parse(page).find("body"))
        assert (alt in shown) == (edition == "teacher"), edition
    assert "(teacher edition only)" in body_text(pages[(LESSON_1.stem, "teacher")])


def test_a_module_may_shadow_the_web_template_and_stylesheet(scratch: Path) -> None:
    templates = scratch / "templates"
    templates.mkdir()
    (templates / "web.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--format", "html", "--edition", "student"])
    assert result.exit_code == 0, result.output
    [page] = (scratch / "build").rglob("*-student.html")
    style = page.read_text(encoding="utf-8")
    assert "rebeccapurple" in style and "--accent" not in style  # the bundled one is shadowed


def test_an_error_in_a_module_web_template_names_its_line(scratch: Path) -> None:
    templates = scratch / "templates"
    templates.mkdir()
    (templates / "web.html.j2").write_text("<p>\n{% if %}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--format", "html", "--edition", "student"])
    assert result.exit_code == 1
    assert "error: templates/web.html.j2:2\n" in result.output
    assert "template syntax error" in result.output
    assert "Traceback" not in result.output


def test_pages_are_the_same_every_time(scratch: Path) -> None:
    """Rebuilding gives identical bytes (the font subsets too), as the PDFs do."""
    from handouts.export import html

    project = gather(scratch / "lessons" / "module.yaml")
    first = export_module(project, scratch / "one")
    html._subset.cache_clear()
    assert export_module(project, scratch / "two") == first


# In the browser


PHONE = 375
"""CSS pixels: an iPhone SE or mini, the narrowest phone in common use."""


def open_page(browser, path: Path, width: int = 1280):
    """A page in a fresh context that records every request; the page's own Content-Security-
    Policy is bypassed, so a request the policy would block still shows up."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    return context, page, requests


def axe_violations(page, rules: list[str] | None = None) -> list[str]:
    """axe-core's violations, one readable line per element."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    options = {"runOnly": run_only, "resultTypes": ["violations"]}  # passes: counted, not listed
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: "
        + " ".join(node["failureSummary"].split())
        for v in result["violations"]
        for node in v["nodes"]
    ]


def browser_problems(browser, path: Path, dark_rules: list[str] | None = None) -> list[str]:
    """Everything wrong with one page in the browser, as readable lines: a request for
    anything but the page itself, a font face that failed, sideways scrolling on a phone,
    and axe-core's violations on a desktop in the light scheme, then in the dark one
    (`dark_rules`: only those rules there; colour contrast is what the scheme changes)."""
    context, page, requests = open_page(browser, path, width=PHONE)
    problems = [f"requested {url}" for url in requests if url != path.as_uri()]
    faces = page.evaluate(
        "async () => { await document.fonts.ready;"
        " return [...document.fonts].map(f => f.family + ' ' + f.status); }"
    )
    if "Handouts Serif loaded" not in faces or any("error" in face for face in faces):
        problems.append(f"fonts: {faces}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE:
        problems.append(f"{width} px wide on a {PHONE} px phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    problems += [f"light: {v}" for v in axe_violations(page)]
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    problems += [f"dark: {v}" for v in axe_violations(page, dark_rules)]
    context.close()
    return [f"{path.name}: {problem}" for problem in problems]


@pytest.mark.slow
def test_every_page_of_the_real_module_in_the_browser(browser, real_files: dict) -> None:
    """Every lesson in every edition: zero axe-core violations (every rule of WCAG 2.0 and
    2.1 A and AA and axe's best practices) in the light and the dark colour scheme, no
    request but the page, and no sideways scrolling on a phone."""
    found = [p for path in sorted(real_files.values()) for p in browser_problems(browser, path)]
    assert not found, "\n".join(found)


def test_the_fixture_lesson_in_the_browser(browser, scratch: Path) -> None:
    """The same checks, quicker (make test-fast), on the fixture lesson with an image
    document and every kind of question, in every edition; in the dark scheme, contrast."""
    draw_png(scratch / "lessons" / "images" / "frame.png")
    write_lesson(scratch, lesson_data())
    project = gather(scratch / "lessons" / "module.yaml")
    assert not project.errors, [p.format() for p in project.errors]
    found = []
    for stem, edition in export_module(project, scratch / "build"):
        path = scratch / "build" / stem / f"{stem}-{edition}.html"
        found += browser_problems(browser, path, dark_rules=["color-contrast"])
    assert not found, "\n".join(found)


def test_the_checks_catch_a_bad_page(browser, tmp_path: Path) -> None:
    """The browser checks can fail: a page that fetches, overflows and has poor contrast."""
    path = tmp_path / "bad.html"
    path.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title>'
        "<style>@media (prefers-color-scheme: dark) { p { color: #222; background: #000 } }"
        '</style></head><body><main><p>Text</p><img src="http://127.0.0.1:9/x.png" alt="x">'
        '<div style="width: 600px">wide</div></main></body></html>',
        encoding="utf-8",
    )
    found = "\n".join(browser_problems(browser, path))
    assert "requested http://127.0.0.1:9/x.png" in found
    assert f"px wide on a {PHONE} px phone" in found
    assert "dark: color-contrast" in found and "light: color-contrast" not in found


def test_the_dark_scheme_changes_the_colours(browser, real_files: dict) -> None:
    """The dark-scheme axe run checks light text on a dark ground, not the light page again."""
    context, page, _ = open_page(browser, next(iter(real_files.values())))
    light = page.evaluate("getComputedStyle(document.body).color")
    page.emulate_media(color_scheme="dark")
    assert light != page.evaluate("getComputedStyle(document.body).color")
    ground = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert ground == "rgb(21, 21, 21)"
    context.close()


def test_copied_and_spoken_text_leave_line_numbers_out(
    browser, real: tuple[Project, dict], real_files: dict
) -> None:
    project, _ = real
    for lesson in project.lessons[:3]:
        context, page, _ = open_page(browser, real_files[(lesson.stem, "student")])
        quotes = page.locator("blockquote.excerpt-text")
        excerpts = [e for e in lesson.lesson.sources if getattr(e, "text", None)]
        assert quotes.count() == len(excerpts)
        for index, excerpt in enumerate(excerpts):
            quote = quotes.nth(index)
            # What a reader sees: the numbers are drawn in the margin...
            drawn = quote.locator(".ln").evaluate_all(
                "spans => spans.map(s => getComputedStyle(s, '::before').content)"
            )
            assert drawn[:2] == ['"5"', '"10"'][: len(drawn[:2])]
            # ...but copying (innerText, what the clipboard gets) and the accessibility
            # tree give the quotation's words alone.
            assert words(quote.inner_text()) == words(excerpt.text), (lesson.stem, excerpt.id)
            spoken = re.sub(
                r"^\s*- (blockquote|paragraph):?", " ", quote.aria_snapshot(), flags=re.M
            )
            assert words(spoken) == words(excerpt.text), (lesson.stem, excerpt.id)
        context.close()
