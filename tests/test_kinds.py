"""Image documents and the kinds of question: what each edition prints, and the located errors.

The lesson is the fixture lesson with a picture added as Document E (a PNG drawn
here with Pillow) and one question of every new kind. What an edition shows is
read from its HTML; the PDF tests check what only a PDF shows (the embedded image
and its /Alt, the radio buttons of the fillable edition).
"""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from conftest import LESSON_1, ROOT
from PIL import Image, ImageDraw
from pypdf import PdfReader
from test_accessibility import ua1_failures
from test_errors import line_of
from test_print import pdfua_failures

from handouts.build import build, plan
from handouts.cli.app import cli
from handouts.editions import EDITIONS, FILLABLE, STUDENT
from handouts.loader import images as image_checks
from handouts.loader.project import gather

STEM = LESSON_1.stem

IMAGE_DOCUMENT = {
    "id": "e",
    "image": "frame.png",
    "title": "A drawing for the test",
    "headnote": "A drawing made for this test, standing in for a photograph.",
    "alt": "A grey circle inside a thick black frame.",
    "caption": "A grey circle inside a black frame.",
    "citation": "Drawing by the handouts test suite, December 2026.",
    "credit": "The handouts project",
    "licence": "CC0 1.0",
}

QUESTIONS = [
    {
        "id": "q9-image",
        "prompt": "What does Document E show?",
        "skill": "close reading",
        "sources": ["e"],
        "lines": 2,
        "answer": "A grey circle in a black frame.",
    },
    {
        "id": "q10-choice",
        "kind": "multiple_choice",
        "prompt": "According to Document B, who signed the order?",
        "skill": "close reading",
        "sources": ["b"],
        "options": ["Nikita Khrushchev", "Nikolai Ezhov", "the regional troikas"],
        "key": "Nikolai Ezhov",
        "answer": "Document B names Ezhov as the one who signed it.",
    },
    {
        "id": "q11-short",
        "kind": "short_answer",
        "lines": 1,
        "prompt": "In two words, how secret was Document A?",
        "skill": "sourcing",
        "sources": ["a"],
        "answer": "Top secret.",
    },
    {
        "id": "q12-reflection",
        "kind": "reflection",
        "prompt": "What question about the orders do you still have?",
        "skill": "contextualization",
        "answer": "Any honest question about how the orders worked.",
    },
    {
        "id": "q13-exit",
        "kind": "exit_ticket",
        "prompt": "Who set the numbers? Answer in one sentence.",
        "skill": "corroboration",
        "sources": ["a"],
        "answer": "The center set them, and the regions asked for more.",
    },
]


def draw_png(path: Path, size: tuple[int, int] = (1200, 800)) -> None:
    """A real PNG: a grey circle in a black frame."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((20, 20, width - 20, height - 20), outline="black", width=8)
    draw.ellipse((width // 3, height // 4, 2 * width // 3, 3 * height // 4), fill="grey")
    image.save(path)


def lesson_data(**changes) -> dict:
    """The fixture lesson with Document E and the new questions, `changes` applied."""
    data = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data["sources"].append(copy.deepcopy(IMAGE_DOCUMENT))
    # Deep copies: a test that edits an option in place must not change it for the next test.
    data["questions"] += copy.deepcopy(QUESTIONS)
    data.update(changes)
    return data


def write_lesson(scratch: Path, data: dict) -> tuple[Path, str]:
    path = scratch / "lessons" / f"{STEM}.yaml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.fixture
def module(scratch: Path) -> Path:
    """The scratch module with the picture and the lesson that uses it."""
    draw_png(scratch / "lessons" / "images" / "frame.png")
    write_lesson(scratch, lesson_data())
    return scratch


@pytest.fixture
def pages(module: Path) -> dict[str, str]:
    """The lesson's HTML in every edition."""
    project = gather(module / "lessons" / "module.yaml")
    assert not project.errors, [p.format() for p in project.errors]
    jobs, report = plan(project, EDITIONS.values())
    assert not report.problems
    return {job.edition.name: job.html for job in jobs if job.lesson}


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def question_html(html: str, question_id: str) -> str:
    start = html.index(f'id="{STEM}-{question_id}"')
    end = html.find('<div class="question"', start + 1)
    return html[start : end if end > 0 else len(html)]


# Image documents


def test_the_image_prints_in_every_edition_with_alt_caption_and_provenance(
    module: Path, pages: dict[str, str]
) -> None:
    url = (module / "lessons" / "images" / "frame.png").resolve().as_uri()
    for edition, html in pages.items():
        [img] = re.findall(r"<img [^>]*>", html)
        assert f'src="{url}"' in img, edition
        assert f'alt="{IMAGE_DOCUMENT["alt"]}"' in img, edition
        text = text_of(html)
        assert "Document E A drawing for the test" in text, edition
        assert IMAGE_DOCUMENT["caption"] in text, edition
        assert (
            "Source: Drawing by the handouts test suite, December 2026. Credit: The handouts"
            " project. Licence: CC0 1.0." in text
        ), edition


def test_the_image_is_larger_in_large_print(pages: dict[str, str]) -> None:
    def size(html: str) -> tuple[float, float]:
        found = re.search(r"<img [^>]*width: ([\d.]+)mm; height: ([\d.]+)mm", html)
        assert found
        return float(found[1]), float(found[2])

    standard, large = size(pages["student"]), size(pages["large-print"])
    assert standard == (140.0, 93.3)  # 1,200 × 800 pixels in the 140 × 110 mm box
    assert large == (170.0, 113.3)
    assert size(pages["teacher"]) == standard
    assert size(pages["sources"]) == large  # a page of its own, for projecting


def test_the_image_is_followed_by_its_own_questions(pages: dict[str, str]) -> None:
    html = pages["student"]
    image = html.index(f'id="{STEM}-document-e"')
    question = html.index(f'id="{STEM}-q9-image"')
    synthesis = html.index('class="questions synthesis"')
    assert image < question < synthesis
    # the source packet: the image, no questions, a document per page (print.css)
    packet = pages["sources"]
    assert 'class="excerpt image-document"' in packet
    assert 'class="question"' not in packet


def test_a_question_on_an_image_counts_it_as_cited(module: Path) -> None:
    data = lesson_data()
    data["questions"] = [q for q in data["questions"] if q["id"] != "q9-image"]
    write_lesson(module, data)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "no question uses excerpt 'e'" in result.output


def run_check(module: Path) -> str:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def image_line(module: Path, data: dict) -> tuple[str, int]:
    """Write `data`; the output of check and the line of Document E's 'image:'."""
    _, text = write_lesson(module, data)
    return run_check(module), line_of(text, f"image: {data['sources'][-1]['image']}")


def with_image(name: str) -> dict:
    data = lesson_data()
    data["sources"][-1]["image"] = name
    return data


def test_a_missing_image_is_a_located_error(module: Path) -> None:
    output, line = image_line(module, with_image("fram.png"))
    assert f"lessons/{STEM}.yaml:{line}:10: sources[4].image" in output
    assert "no image 'fram.png' in" in output
    assert "did you mean 'frame.png'?" in output


def test_svg_is_refused(module: Path) -> None:
    (module / "lessons" / "images" / "map.svg").write_text("<svg/>", encoding="utf-8")
    output, line = image_line(module, with_image("map.svg"))
    assert f":{line}:10: sources[4].image" in output
    assert "SVG images are not accepted" in output
    assert "export it as PNG" in output


def test_a_file_that_is_not_an_image_is_refused(module: Path) -> None:
    (module / "lessons" / "images" / "notes.png").write_text("just words", encoding="utf-8")
    (module / "lessons" / "images" / "drawing.png").write_text("<svg></svg>", encoding="utf-8")
    output, line = image_line(module, with_image("notes.png"))
    assert f":{line}:10: sources[4].image" in output
    assert "the file is not a PNG or JPEG image (its contents: not an image)" in output
    assert "renaming a file does not convert it" in output
    output, _ = image_line(module, with_image("drawing.png"))
    assert "(its contents: SVG)" in output


def test_other_formats_are_refused_by_name(module: Path) -> None:
    output, line = image_line(module, with_image("scan.tiff"))
    assert f":{line}:10: sources[4].image" in output
    assert "expected a PNG or JPEG file (.png, .jpg or .jpeg)" in output


def test_a_damaged_image_is_refused(module: Path) -> None:
    import weasyprint.images  # noqa: F401  (it makes Pillow accept cut images, process-wide)

    whole = (module / "lessons" / "images" / "frame.png").read_bytes()
    (module / "lessons" / "images" / "cut.png").write_bytes(whole[: len(whole) // 2])
    output, line = image_line(module, with_image("cut.png"))
    assert f":{line}:10: sources[4].image" in output
    assert "the image cannot be decoded" in output
    assert "damaged or cut short" in output


def test_an_image_with_too_many_pixels_is_refused(module: Path) -> None:
    Image.new("1", (6000, 5000)).save(module / "lessons" / "images" / "huge.png")
    output, line = image_line(module, with_image("huge.png"))
    assert f":{line}:10: sources[4].image" in output
    assert "the image is 6,000 × 5,000 pixels; the limit is 25,000,000 pixels" in output
    assert "about 2,000 pixels on the long side" in output


def test_an_image_of_too_many_bytes_is_refused(
    module: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = (module / "lessons" / "images" / "frame.png").stat().st_size
    monkeypatch.setattr(image_checks, "MAX_IMAGE_BYTES", size - 1)
    output, line = image_line(module, lesson_data())
    assert f":{line}:10: sources[4].image" in output
    assert f"the image is {size:,} bytes; the limit is {size - 1:,}" in output


def test_an_unreadable_image_is_refused(module: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = (module / "lessons" / "images" / "frame.png").resolve()
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:  # as chmod 000 would, even for root
        if path == picture:
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    output, line = image_line(module, lesson_data())
    assert f":{line}:10: sources[4].image" in output
    assert "cannot read the image: Permission denied" in output
    assert "check that the file is readable" in output


def test_a_small_image_is_a_warning(module: Path) -> None:
    draw_png(module / "lessons" / "images" / "small.png", (600, 400))
    _, text = write_lesson(module, with_image("small.png"))
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    line = line_of(text, "image: small.png")
    assert f"warning: lessons/{STEM}.yaml:{line}:10: sources[4].image" in result.output
    assert (
        "the image is 600 × 400 pixels: printed 140 mm wide, that is 109 pixels an inch,"
        " and it may look blurred" in result.output
    )
    assert "use a copy at least 827 pixels wide if there is one" in result.output


def test_an_image_outside_the_images_folder_is_refused(module: Path) -> None:
    output, line = image_line(module, with_image("../sources/werth-00447.txt.png"))
    assert f":{line}:10: sources[4].image" in output
    assert "the image must be in the module's images folder" in output


def test_an_image_document_needs_its_provenance(module: Path) -> None:
    data = lesson_data()
    del data["sources"][-1]["licence"]
    data["sources"][-1]["license"] = "CC0 1.0"
    _, text = write_lesson(module, data)
    output = run_check(module)
    # located in the file, named as written: no trace of the union's tag ('image document')
    assert f":{line_of(text, 'license: CC0')}:3: sources[4].license" in output
    assert "unknown field 'license'" in output
    assert "did you mean 'licence'? (a required field)" in output
    assert "missing required field" not in output  # one slip, one error
    assert "1 error in 1 file" in output
    assert "image document" not in output


def test_an_image_document_without_its_licence_says_what_the_field_is(module: Path) -> None:
    data = lesson_data()
    del data["sources"][-1]["licence"]
    _, text = write_lesson(module, data)
    output = run_check(module)
    assert f":{line_of(text, '- id: e')}:3: sources[4].licence" in output
    assert "missing required field 'licence'" in output
    assert "The terms it is reproduced under" in output
    assert "image document" not in output


def test_the_images_folder_is_a_setting(module: Path) -> None:
    (module / "lessons" / "images" / "frame.png").rename(module / "pictures.png")
    (module / "pictures").mkdir()
    (module / "pictures.png").rename(module / "pictures" / "frame.png")
    config = module / "lessons" / "module.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "folders:\n  images: pictures\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output


def test_the_fetcher_serves_png_and_jpeg_from_the_images_folder_only(module: Path) -> None:
    from handouts.layout import bundled_templates
    from handouts.renderer.fetcher import BlockedResource, RestrictedFetcher

    folder = module / "lessons" / "images"
    (folder / "map.svg").write_text("<svg/>", encoding="utf-8")
    (folder / "escape.png").symlink_to(module / "lessons" / "sources" / "werth-00447.txt")
    fetcher = RestrictedFetcher([bundled_templates()], folder)
    assert fetcher.fetch((folder / "frame.png").as_uri()).read(8) == b"\x89PNG\r\n\x1a\n"
    for name in ("map.svg", "escape.png", "../sources/werth-00447.txt", "../module.yaml"):
        with pytest.raises(BlockedResource):
            fetcher.fetch((folder / name).as_uri())
    with pytest.raises(BlockedResource):  # without the images folder, nothing in it
        RestrictedFetcher([bundled_templates()]).fetch((folder / "frame.png").as_uri())


def test_markdown_image_syntax_in_prose_is_a_located_error(scratch: Path) -> None:
    text = LESSON_1.read_text(encoding="utf-8").replace(
        "context: |\n", "context: |\n  Look at the map.\n\n  ![A map of the regions](map.png)\n\n"
    )
    (scratch / "lessons" / f"{STEM}.yaml").write_text(text, encoding="utf-8")
    output = run_check(scratch)
    assert f"lessons/{STEM}.yaml:{line_of(text, '![A map')}: context" in output
    assert "Markdown image syntax is not printed as an image" in output
    assert "'![A map of the regions](map.png)'" in output
    assert "an entry under the lesson's 'sources' with 'image:'" in output


# Kinds of question


def test_each_kind_prints_its_answer_space_in_the_student_edition(
    pages: dict[str, str],
) -> None:
    html = pages["student"]
    choice = question_html(html, "q10-choice")
    assert "Close reading · Multiple choice · Document B" in text_of(choice)
    marks = re.findall(
        r'<li class="choice"><span class="mark"></span><span class="choice-letter">([A-F])</span>'
        r" ([^<]+)</li>",
        choice,
    )
    assert marks == [
        ("A", "Nikita Khrushchev"),
        ("B", "Nikolai Ezhov"),
        ("C", "the regional troikas"),
    ]
    assert "key" not in choice and 'class="rule"' not in choice
    assert question_html(html, "q11-short").count('class="rule"') == 1
    assert "Short answer" in text_of(question_html(html, "q11-short"))
    assert question_html(html, "q12-reflection").count('class="rule"') == 4  # kind's default
    assert question_html(html, "q13-exit").count('class="rule"') == 3
    for edition in ("student", "large-print", "fillable"):
        assert "(the key)" not in pages[edition] and "Key</h3>" not in pages[edition]


def test_reflection_and_exit_tickets_come_last_in_their_own_sections(
    pages: dict[str, str],
) -> None:
    for edition in ("student", "teacher", "large-print", "fillable"):
        html = pages[edition]
        synthesis = html.index('class="questions synthesis"')
        reflection = html.index('<section class="questions reflection">')
        exit_ticket = html.index('<section class="questions exit-ticket">')
        assert synthesis < html.index(f'id="{STEM}-q12-reflection"') > reflection > synthesis
        assert html.index(f'id="{STEM}-q13-exit"') > exit_ticket > reflection
        # numbered in print order, the exit ticket (which cites A) last
        found = re.findall(
            r'id="[^"]+-(q[^"]+)">\s*<div class="q-head">\s*<span class="q-number">(\d+)', html
        )
        assert [int(n) for _, n in found] == list(range(1, 14)), edition
        assert [q for q, _ in found[-2:]] == ["q12-reflection", "q13-exit"], edition


def test_the_teacher_edition_shows_the_key(pages: dict[str, str]) -> None:
    choice = question_html(pages["teacher"], "q10-choice")
    assert (
        '<li class="choice key"><span class="mark"></span><span class="choice-letter">B</span>'
        ' Nikolai Ezhov <strong class="key-note">(the key)</strong></li>' in choice
    )
    assert choice.count("(the key)") == 1
    assert '<h3 class="answer-label">Key</h3><p class="key">B. Nikolai Ezhov</p>' in choice
    assert "Document B names Ezhov" in choice
    assert "Exemplar answer" in question_html(pages["teacher"], "q12-reflection")


def test_fillable_fields_follow_the_kind(pages: dict[str, str]) -> None:
    html = pages["fillable"]
    choice = question_html(html, "q10-choice")
    radios = re.findall(r'<input type="radio" name="q10-choice" value="([A-F])"', choice)
    assert radios == ["A", "B", "C"]
    assert "<textarea" not in choice
    short = question_html(html, "q11-short")
    assert '<input type="text" name="q11-short" title="Answer to question 3">' in short
    assert "<textarea" not in short
    assert '<textarea name="q12-reflection"' in question_html(html, "q12-reflection")


def test_a_multiple_choice_question_with_lines_gets_a_field_of_its_own_for_the_reason(
    module: Path,
) -> None:
    data = lesson_data()
    data["questions"][-4]["lines"] = 2  # q10-choice: choose, then say why
    write_lesson(module, data)
    project = gather(module / "lessons" / "module.yaml")
    [job] = plan(project, [FILLABLE])[0]
    choice = question_html(job.html, "q10-choice")
    assert choice.count('name="q10-choice"') == 3  # the radio buttons
    assert '<textarea name="q10-choice-reason" title="Reason for the answer to question 6">' in (
        choice
    )


def check_output(scratch: Path, question: dict) -> tuple[str, str]:
    """`check` on the fixture lesson with `question` added; its output and the file's text."""
    data = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data["questions"].append(question)
    _, text = write_lesson(scratch, data)
    return run_check(scratch), text


CHOICE = {
    "id": "q9-choice",
    "kind": "multiple_choice",
    "prompt": "Who signed the order?",
    "skill": "close reading",
    "sources": ["b"],
    "options": ["Nikita Khrushchev", "Nikolai Ezhov"],
    "key": "Nikolai Ezhov",
    "answer": "Ezhov.",
}


@pytest.mark.parametrize(
    ("change", "field", "message", "hint"),
    [
        (
            {"options": ["Nikolai Ezhov"]},
            "options",
            "a multiple-choice question needs 2 to 6 options, not 1",
            "one per line starting with '- '",
        ),
        (
            {"options": [f"Option {n}" for n in "abcdefg"], "key": "Option a"},
            "options",
            "needs 2 to 6 options, not 7",
            "one per line",
        ),
        (
            {"key": None},
            "key",
            "a multiple-choice question needs its key",
            "add 'key:' with the text of the correct option",
        ),
        (
            {"key": "B"},
            "key",
            "the key is not one of the options",
            "give the option's text, not its letter: B is 'Nikolai Ezhov'",
        ),
        (
            {"key": "Nikolai Yezhov"},
            "key",
            "the key is not one of the options",
            "did you mean 'Nikolai Ezhov'?",
        ),
        (
            {"key": ["Nikolai Ezhov", "Nikita Khrushchev"]},
            "key",
            "a multiple-choice question has exactly one key",
            None,
        ),
        (
            {"options": ["Nikolai Ezhov", "nikolai  ezhov"]},
            "options[1]",
            "this option is given twice",
            "every option must differ",
        ),
        (
            {"kind": "written", "key": None},
            "options",
            "'options' is only for a multiple-choice question",
            "add 'kind: multiple_choice', or remove it",
        ),
        (
            {"kind": "short_answer", "options": [], "key": None, "lines": 3},
            "lines",
            "a short answer has one or two lines, not 3",
            "give 'lines: 1' or 'lines: 2'",
        ),
        (
            {"kind": "multiple choice"},
            "kind",
            "expected one of the allowed values, got 'multiple choice'",
            "did you mean 'multiple_choice'?",
        ),
    ],
)
def test_kind_errors_are_located(
    scratch: Path, change: dict, field: str, message: str, hint: str | None
) -> None:
    question = {**CHOICE, **change}
    question = {key: value for key, value in question.items() if value is not None}
    output, text = check_output(scratch, question)
    assert f"questions[8].{field}" in output, output
    assert message in output
    if hint:
        assert hint in output
    reported = re.search(rf"{STEM}\.yaml:(\d+):\d+: questions\[8\]\.{re.escape(field)}", output)
    assert reported and int(reported[1]) >= line_of(text, "id: q9-choice"), output


def test_only_reflection_and_exit_tickets_may_cite_nothing(scratch: Path) -> None:
    question = {**CHOICE, "sources": []}
    output, _ = check_output(scratch, question)
    assert "question 'q9-choice' cites no source" in output
    assert "'kind: reflection' or 'kind: exit_ticket'" in output
    reflection = {key: value for key, value in QUESTIONS[3].items() if key != "sources"}
    data = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data["questions"].append(reflection)
    write_lesson(scratch, data)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output


# What only the PDF shows


@pytest.mark.slow
def test_the_pdfs_embed_the_image_with_its_alt_and_the_radio_buttons(module: Path) -> None:
    project = gather(module / "lessons" / "module.yaml")
    report = build(project, [STUDENT, FILLABLE])
    assert not report.problems and not report.failed
    paths = {output.edition.name: output.path for output in report.outputs}

    listing = subprocess.run(
        ["pdfimages", "-list", str(paths["student"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(listing) == 1, listing
    assert listing[0].split()[3:5] == ["1200", "800"]  # width, height in pixels: the PNG itself
    with pikepdf.open(paths["student"]) as pdf:
        alts = [
            str(element.get("/Alt"))
            for element in pdf.objects
            if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/Figure"
        ]
    assert IMAGE_DOCUMENT["alt"] in alts

    for path in paths.values():  # the Figure's /Alt, the fields' tooltips, the radio group
        assert pdfua_failures(path) == [], path
        assert ua1_failures(path) == [], path

    fields = PdfReader(paths["fillable"]).get_fields()
    group = fields["q10-choice"]
    assert group["/FT"] == "/Btn"
    assert group["/Ff"] & (1 << 15), "radio button"
    assert list(group["/Opt"]) == ["A", "B", "C"]
    assert fields["q11-short"]["/FT"] == "/Tx"
    assert not fields["q11-short"].get("/Ff", 0) & 4096, "one line"
    assert fields["q12-reflection"]["/Ff"] & 4096, "multi-line"


def test_the_readme_examples_pass_check(scratch: Path) -> None:
    """The README's image document and questions of every kind, in the fixture lesson."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Image documents")
    blocks = re.findall(r"```yaml\n(.*?)```", readme[start:], flags=re.DOTALL)
    [image] = yaml.safe_load(blocks[0])["sources"]
    questions = yaml.safe_load(blocks[1])
    draw_png(scratch / "lessons" / "images" / image["image"])
    data = yaml.safe_load(LESSON_1.read_text(encoding="utf-8"))
    data["sources"].append({**image, "id": "e"})
    data["questions"] += [*questions, {**QUESTIONS[0]}]
    write_lesson(scratch, data)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output
    assert {q["kind"] for q in questions} == {
        "multiple_choice",
        "short_answer",
        "reflection",
        "exit_ticket",
    }
