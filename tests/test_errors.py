"""Bad lesson files get clear, located errors, never a traceback (exit code 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import LESSON_1

from handouts.cli.app import cli

GOOD = LESSON_1.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of `text` containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def mutate(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


def check(scratch: Path, content: str | bytes, name: str = "bad.yaml") -> str:
    """Run `handouts check` on a lesson file written into the scratch project."""
    path = scratch / "lessons" / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", f"lessons/{name}"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_misspelt_key_names_file_line_column_field_and_suggestion(scratch: Path) -> None:
    text = mutate("    skill: sourcing\n", "    skil: sourcing\n")
    line = line_of(text, "skil: sourcing")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line}:5: questions[0].skil" in output
    assert "unknown field 'skil'" in output
    assert "did you mean 'skill'?" in output


def test_yaml_syntax_error_points_at_the_unclosed_quote(scratch: Path) -> None:
    text = mutate("title: Orders from the Center", 'title: "Orders from the Center')
    output = check(scratch, text)
    assert "YAML syntax error" in output
    assert f"starts at line {line_of(text, 'title: ')}, column 8" in output
    assert "is its closing quote missing?" in output


def test_unclosed_quote_at_the_end_of_the_file(scratch: Path) -> None:
    text = GOOD + 'teacher_notes_extra: "never closed\n'
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'teacher_notes_extra')}:22" in output
    assert "never closed" in output


def test_tab_indentation(scratch: Path) -> None:
    text = mutate("  - I can source", "\t- I can source")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, chr(9))}:" in output
    assert "tab" in output


def test_duplicate_key(scratch: Path) -> None:
    text = mutate("duration: 50\n", "duration: 50\nduration: 45\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'duration: 45')}:1: duration" in output
    assert "duplicate key 'duration' (first given at line" in output


def test_wrong_type(scratch: Path) -> None:
    text = mutate("duration: 50", "duration: fifty")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'duration:')}:11: duration" in output
    assert "'fifty'" in output
    assert "expected a whole number, found 'fifty'" in output


def test_number_where_text_is_expected_suggests_quotes(scratch: Path) -> None:
    text = mutate('grade_band: "10-12"', "grade_band: 11")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'grade_band')}:13: grade_band" in output
    assert "put the value in quotes" in output


def test_missing_required_field(scratch: Path) -> None:
    start = GOOD.index("content_note: |")
    end = GOOD.index("context: |")
    output = check(scratch, GOOD[:start] + GOOD[end:])
    assert "lessons/bad.yaml:1:1: content_note" in output
    assert "missing required field 'content_note'" in output


def test_invalid_choice_suggests_the_closest(scratch: Path) -> None:
    text = mutate("    skill: close reading\n", "    skill: close-reading\n")
    output = check(scratch, text)
    assert (
        f"lessons/bad.yaml:{line_of(text, 'skill: close-reading')}:12: questions[1].skill" in output
    )
    assert "did you mean 'close reading'?" in output


def test_unknown_corpus_document(scratch: Path) -> None:
    text = mutate("  - id: b\n    source: werth-00447\n", "  - id: b\n    source: werth-0447\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'werth-0447')}:13: sources[1].source" in output
    assert "unknown corpus document 'werth-0447'" in output
    assert "did you mean 'werth-00447'?" in output


def test_question_citing_an_unknown_excerpt(scratch: Path) -> None:
    text = mutate("    sources: [a]\n", "    sources: [z]\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'sources: [z]')}:15: questions[0].sources[0]" in output
    assert "unknown excerpt 'z'" in output


def test_duplicate_question_id(scratch: Path) -> None:
    text = mutate("  - id: q2-close-reading-decision", "  - id: q1-sourcing-decision")
    output = check(scratch, text)
    line = [n for n, t in enumerate(text.splitlines(), 1) if "id: q1-sourcing-decision" in t][1]
    assert f"lessons/bad.yaml:{line}:9: questions[1].id" in output
    assert "duplicate id 'q1-sourcing-decision'" in output


def test_empty_file(scratch: Path) -> None:
    output = check(scratch, "")
    assert "lessons/bad.yaml:1:1" in output
    assert "the file is empty" in output


def test_file_that_is_a_list(scratch: Path) -> None:
    output = check(scratch, "- one\n- two\n")
    assert "lessons/bad.yaml:1:1" in output
    assert "found a list" in output


def test_file_that_is_a_scalar(scratch: Path) -> None:
    output = check(scratch, "just a sentence\n")
    assert "found a single value 'just a sentence'" in output


def test_non_utf8_bytes(scratch: Path) -> None:
    raw = GOOD.encode("utf-8").replace(
        b"title: Orders from the Center", b"title: Orders from the Cent\xe9r"
    )
    output = check(scratch, raw)
    assert f"lessons/bad.yaml:{line_of(GOOD, 'title: Orders')}:28" in output  # the é
    assert "not valid UTF-8" in output


def test_utf8_bom_is_accepted(scratch: Path) -> None:
    path = scratch / "lessons" / "01-orders-from-the-center.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    result = CliRunner().invoke(cli, ["check", str(path.relative_to(scratch))])
    assert result.exit_code == 0, result.output


def test_changed_word_in_excerpt_names_the_line_and_the_word(scratch: Path) -> None:
    text = mutate(
        "to register all the kulaks and criminals", "to register all the peasants and criminals"
    )
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'register all the peasants')}" in output
    assert "sources[0].text" in output
    assert "the excerpt has 'peasants' where the source has 'kulaks'" in output


def test_omission_out_of_source_order(scratch: Path) -> None:
    text = mutate(
        "      Top secret\n\n      Comrade Yezhov\n",
        "      Comrade Yezhov\n\n      ...\n\n      Top secret\n\n      ...\n",
    )
    output = check(scratch, text)
    assert "sources[0].text" in output
    assert "omissions must keep source order" in output


def test_all_errors_of_a_file_are_reported_at_once(scratch: Path) -> None:
    text = mutate("duration: 50", "duration: fifty")
    text = text.replace("    skill: sourcing\n", "    skil: sourcing\n", 1)
    output = check(scratch, text)
    assert "duration" in output and "skil" in output
    assert "2 errors in 1 file" in output


def test_lesson_id_clash(scratch: Path) -> None:
    (scratch / "lessons" / "copy.yaml").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "lessons/copy.yaml:1:5: id" in result.output
    assert "already used by 01-orders-from-the-center.yaml" in result.output


def test_alias_bomb_is_refused(scratch: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join(['*' + previous] * 10)}]\n"
    output = check(scratch, bomb)
    assert "expands to more than" in output


def test_deep_nesting_is_refused(scratch: Path) -> None:
    output = check(scratch, "a: " + "[" * 500 + "]" * 500 + "\n")
    assert "nesting is too deep" in output


def test_huge_file_is_refused(scratch: Path) -> None:
    output = check(scratch, GOOD + "#" * 1_100_000 + "\n")
    assert "the limit is 1,000,000" in output


def test_unknown_lesson_name_on_the_command_line(scratch: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "01-orders-from-the-centre"])
    assert result.exit_code == 1
    assert "did you mean '01-orders-from-the-center'?" in result.output


@pytest.mark.parametrize("field", ["context", "content_note"])
def test_raw_html_is_accepted_as_text(scratch: Path, field: str) -> None:
    """HTML in a text field is not an error: it is shown literally (see test_security)."""
    text = GOOD.replace(f"{field}: |\n", f"{field}: |\n  <script>alert(1)</script>\n", 1)
    path = scratch / "lessons" / "01-orders-from-the-center.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output


def test_control_character_in_text(scratch: Path) -> None:
    text = mutate("title: Orders from the Center", 'title: "Orders from\\0 the Center"')
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'title: ')}:8: title" in output
    assert "control character U+0000 is not allowed in text" in output


def _user_templates(scratch: Path, *names: str) -> Path:
    """The module's own templates folder, holding copies of the named bundled files."""
    import shutil

    from handouts.layout import bundled_templates

    folder = scratch / "templates"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(bundled_templates() / name, folder / name)
    return folder


def build_with(folder: Path, *options: str) -> str:
    result = CliRunner().invoke(cli, ["build", "--edition", "student", *options])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def test_template_syntax_error_names_the_template_and_line(scratch: Path) -> None:
    folder = _user_templates(scratch, "parts.html.j2")
    parts = folder / "parts.html.j2"
    lines = parts.read_text(encoding="utf-8").splitlines()
    lines[5] = "{% if %}"
    parts.write_text("\n".join(lines), encoding="utf-8")
    output = build_with(folder)
    assert "templates/parts.html.j2:6" in output
    assert "template syntax error" in output
    assert output.count("template syntax error") == 1  # once, not once per lesson


def test_undefined_name_in_template_names_the_line(scratch: Path) -> None:
    folder = _user_templates(scratch, "lesson-body.html.j2")
    body = folder / "lesson-body.html.j2"
    text = body.read_text(encoding="utf-8").replace("{{ lesson.context }}", "{{ lesson.contxt }}")
    body.write_text(text, encoding="utf-8")
    output = build_with(folder)
    line = line_of(text, "lesson.contxt")
    assert f"templates/lesson-body.html.j2:{line}" in output
    assert "contxt" in output


def test_missing_template(scratch: Path) -> None:
    folder = _user_templates(scratch, "lesson.html.j2")
    entry = folder / "lesson.html.j2"
    entry.write_text(entry.read_text(encoding="utf-8").replace("lesson-body.html.j2", "nobody.j2"))
    output = build_with(folder)
    assert "templates/nobody.j2" in output
    assert "template not found" in output


def test_a_template_given_with_the_templates_option_shadows_the_bundled_one(scratch: Path) -> None:
    folder = scratch / "elsewhere"
    folder.mkdir()
    (folder / "parts.html.j2").write_text("{% if %}", encoding="utf-8")
    output = build_with(folder, "--templates", str(folder))
    assert "elsewhere/parts.html.j2:1" in output


def test_a_template_reaching_for_python_internals_never_runs(scratch: Path) -> None:
    folder = _user_templates(scratch, "lesson.html.j2")
    entry = folder / "lesson.html.j2"
    lines = entry.read_text(encoding="utf-8").splitlines()
    marker = scratch / "ran"
    lines.insert(4, f'{{{{ cycler.__init__.__globals__.os.popen("touch {marker}").read() }}}}')
    entry.write_text("\n".join(lines), encoding="utf-8")
    output = build_with(folder)
    assert "templates/lesson.html.j2:5" in output
    assert "template refused" in output
    assert "unsafe" in output
    assert not marker.exists()
    assert not (scratch / "build" / "01-orders-from-the-center").exists()


def test_a_module_template_replaces_one_file_and_the_rest_stay_bundled(scratch: Path) -> None:
    folder = _user_templates(scratch, "parts.html.j2")
    parts = folder / "parts.html.j2"
    parts.write_text(
        parts.read_text(encoding="utf-8").replace("Exemplar answer", "Model answer"), "utf-8"
    )
    result = CliRunner().invoke(cli, ["build", "--edition", "teacher"])
    assert result.exit_code == 0, result.output
    pdf = scratch / "build" / "01-orders-from-the-center" / "01-orders-from-the-center-teacher.pdf"
    from conftest import read_pdf

    text = read_pdf(pdf).text.lower()  # the label prints in capitals
    assert "model answer" in text and "exemplar answer" not in text
    assert "background" in text  # lesson-body.html.j2 still came from the bundled set


def test_control_character_in_the_file(scratch: Path) -> None:
    text = mutate("title: Orders from the Center", "title: Orders from\x08 the Center")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'title: ')}:19" in output
    assert "control character U+0008" in output


GLYPH = "no glyph for '𓂀' (U+13080 EGYPTIAN HIEROGLYPH D010)"


@pytest.mark.parametrize(
    ("file", "find", "replace", "field"),
    [
        (
            "01-orders-from-the-center.yaml",
            "title: Orders from the Center",
            "title: Orders 𓂀 Center",
            "title",
        ),
        ("module.yaml", "title: The Great Terror", "title: The Great 𓂀 Terror", "title"),
        ("sources/werth-00447.yaml", "author: Nicolas Werth", "author: Nicolas 𓂀 Werth", "author"),
    ],
)
def test_a_character_the_fonts_lack_is_reported_by_check_and_by_build(
    scratch: Path, file: str, find: str, replace: str, field: str
) -> None:
    path = scratch / "lessons" / file
    text = path.read_text(encoding="utf-8")
    assert find in text
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")
    for command in (["check"], ["build", "--edition", "student"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert f"lessons/{file}:" in result.output
        assert f": {field}\n" in result.output
        assert GLYPH in result.output
    assert not list(scratch.glob("build/*/*.pdf"))


def test_an_all_zero_chart_is_reported_by_check_before_any_build(scratch: Path) -> None:
    lesson = scratch / "lessons" / "01-orders-from-the-center.yaml"
    text = re.sub(r"\{value: \d+,", "{value: 0,", lesson.read_text(encoding="utf-8"))
    lesson.write_text(text, encoding="utf-8")
    for command in (["check"], ["build", "--edition", "student"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert "charts[0].bars" in result.output
        assert "every value of this chart is 0" in result.output
        assert "Traceback" not in result.output and "internal error" not in result.output


def test_resource_outside_templates_is_an_error_naming_the_lesson(scratch: Path) -> None:
    folder = _user_templates(scratch, "lesson.html.j2")
    entry = folder / "lesson.html.j2"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("<body", '<img src="file:///etc/hostname"><body', 1))
    output = build_with(folder)
    assert "lessons/01-orders-from-the-center.yaml" in output
    assert "blocked a request for file:///etc/hostname" in output


def test_edited_source_text_is_detected(scratch: Path) -> None:
    text = scratch / "lessons" / "sources" / "werth-00447.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("troWka", "troika"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "lessons/sources/werth-00447.yaml:" in result.output
    assert "werth-00447.txt has changed since it was received" in result.output


def test_module_order_naming_a_missing_file(scratch: Path) -> None:
    module = scratch / "lessons" / "module.yaml"
    data = yaml.safe_load(module.read_text(encoding="utf-8"))
    data["lessons"].append("02-no-such-lesson")
    module.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "lessons/module.yaml:" in result.output
    assert "no lesson file '02-no-such-lesson.yaml'" in result.output


def test_bad_indentation(scratch: Path) -> None:
    text = mutate("  - term: NKVD\n", "  - term: NKVD\n   oops: true\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'oops: true')}:" in output
    assert "YAML syntax error" in output
    assert "indentation" in output


def test_excerpt_no_question_uses(scratch: Path) -> None:
    text = mutate("    sources: [d, b]\n", "    sources: [b]\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, '  - id: d')}:9: sources[3].id" in output
    assert "no question uses excerpt 'd'" in output


def test_adapted_excerpt_without_original(scratch: Path) -> None:
    text = mutate("  - id: a\n", "  - id: a\n    adapted: true\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, '  - id: a')}:5: sources[0].original" in output
    assert "an adapted excerpt must give the original passage" in output


# The slips teachers make (issue 11): each reported where it happened, with the fix.

EXCERPT_LINE = "      It has been noticed that most of the former kulaks"


def test_a_dedented_line_of_block_text_is_reported_at_that_line(scratch: Path) -> None:
    text = mutate(EXCERPT_LINE, EXCERPT_LINE.lstrip())
    output = check(scratch, text)
    line = line_of(text, EXCERPT_LINE.lstrip())
    assert f"lessons/bad.yaml:{line}:1\n" in output  # not 10 lines further down
    assert "this line is less indented than the text above it" in output
    assert "the text of a '|' block must stay indented" in output
    assert "YAML syntax error" not in output


def test_a_key_indented_into_the_text_above_is_not_a_missing_field(scratch: Path) -> None:
    text = mutate("    skill: sourcing\n    sources: [a]\n", "    sources: [a]\n")
    text = text.replace("carried out?\n", "carried out?\n      skill: sourcing\n", 1)
    output = check(scratch, text)
    assert (
        f"lessons/bad.yaml:{line_of(text, '      skill: sourcing')}: questions[0].prompt" in output
    )
    assert "'skill' is indented further than its siblings" in output
    assert "move 'skill:' left to line up with 'prompt:'" in output
    assert "missing required field" not in output
    assert "1 error in 1 file" in output


def test_a_key_indented_into_the_mapping_above_is_one_error(scratch: Path) -> None:
    text = mutate(
        "    skill: sourcing\n    sources: [a]\n",
        "    organizer:\n      columns: [a, b]\n      skill: sourcing\n    sources: [a]\n",
    )
    output = check(scratch, text)
    line = line_of(text, "      skill: sourcing")
    assert f"lessons/bad.yaml:{line}:7: questions[0].organizer.skill" in output
    assert "'skill' is indented further than its siblings, so it became part of 'organizer'" in (
        output
    )
    assert "unknown field" not in output and "missing required field" not in output


def test_a_key_indented_under_a_plain_value_says_so(scratch: Path) -> None:
    text = mutate("    lines: 5\n    points: 3\n", "    lines: 5\n      points: 3\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, '      points: 3')}:7" in output
    assert "the key 'points' is indented further than its siblings" in output
    assert "quoted" not in output


def test_a_forgotten_dash_is_one_error_asking_for_it(scratch: Path) -> None:
    text = mutate("  - id: q2-close-reading-decision", "    id: q2-close-reading-decision")
    output = check(scratch, text)
    line = line_of(text, "    id: q2-close-reading-decision")
    assert f"lessons/bad.yaml:{line}:5: questions[0]" in output
    assert "did you forget '- ' before this item?" in output
    assert "delete or rename one" not in output
    assert "1 error in 1 file" in output


def test_a_key_indented_under_a_list_items_first_key_says_so(scratch: Path) -> None:
    text = mutate(
        "  - id: q2-close-reading-decision\n    skill:",
        "  - id: q2-close-reading-decision\n        skill:",
    )
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, '        skill:')}:9" in output
    assert "the key 'skill' is indented further than its siblings ('id' on line" in output


def test_a_key_at_the_left_margin_after_block_text_is_named(scratch: Path) -> None:
    old = "    answer: |\n      Document A is a decision"
    text = mutate(old, old.lstrip())
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, old.lstrip().splitlines()[0])}:1" in output
    assert "'answer' is at the left margin" in output
    assert "indent 'answer:' like its neighbours (to column 5)" in output
    assert "YAML syntax error" not in output


def test_a_key_at_the_left_margin_is_named_not_told_to_quote(scratch: Path) -> None:
    text = mutate("    lines: 5\n    points: 3\n", "    lines: 5\npoints: 3\n")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'points: 3')}:1" in output
    assert "'points' is at the left margin" in output
    assert "indent 'points:' like its neighbours (to column 5)" in output
    assert "quoted" not in output


def test_a_colon_inside_a_value_still_asks_for_quotes(scratch: Path) -> None:
    text = mutate("title: Orders from the Center", "title: Orders: from the Center")
    output = check(scratch, text)
    assert f"lessons/bad.yaml:{line_of(text, 'title: Orders:')}:14" in output
    assert "must be quoted" in output


def test_a_hash_that_cuts_a_text_short_is_flagged(scratch: Path) -> None:
    text = mutate("title: Orders from the Center", "title: Orders from the Center #1 of seven")
    (scratch / "lessons" / "bad.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "lessons/bad.yaml"])
    assert f"warning: lessons/bad.yaml:{line_of(text, 'title:')}:31: title" in result.output
    assert "YAML reads '#1 of seven' as a comment" in result.output
    assert "put the whole value in quotes" in result.output


def test_a_comment_set_apart_is_not_flagged(scratch: Path) -> None:
    text = mutate("title: Orders from the Center", "title: Orders from the Center  # short")
    (scratch / "lessons" / "bad.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "lessons/bad.yaml"])
    assert "as a comment" not in result.output


def test_a_misspelt_required_key_is_one_error(scratch: Path) -> None:
    text = mutate("    skill: sourcing\n", "    skil: sourcing\n")
    output = check(scratch, text)
    assert "did you mean 'skill'? (a required field)" in output
    assert "missing required field" not in output
    assert "1 error in 1 file" in output


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("duration: 50", "duration: 5", "expected a number at least 10, found 5"),
        ("duration: 50", "duration: 50.5", "expected a whole number, found the number 50.5"),
        ("    lines: 5\n", "    lines: many\n", "expected a whole number, found 'many'"),
        ("title: Orders from the Center", "title: [a, b]", "expected text, found a list"),
        ("title: Orders from the Center", "title: yes", "expected text, found 'true'"),
        ("skills:\n", "skills: []\nxskills:\n", "expected at least 1 item"),
        ("    points: 3\n", "    points: 300\n", "expected a number at most 100, found 300"),
        ("id: 01-orders-from-the-center", "id: Orders", "expected an id of lower-case"),
    ],
)
def test_no_library_wording_reaches_the_teacher(
    scratch: Path, old: str, new: str, expected: str
) -> None:
    output = check(scratch, mutate(old, new))
    assert expected in output
    assert "Input should" not in output and "String should" not in output
    assert "List should" not in output and "Value error" not in output


def test_a_broken_source_record_does_not_cascade_into_its_lessons(scratch: Path) -> None:
    record = scratch / "lessons" / "sources" / "werth-00447.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("kind: secondary", "kind: scholarly"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "lessons/sources/werth-00447.yaml:" in result.output
    assert "unknown corpus document" not in result.output
    assert "is in no source this lesson cites" not in result.output
    assert "not checked against its documents: the source record of 'werth-00447'" in (
        result.output
    )
    assert "1 error in 1 file" in result.output


@pytest.mark.parametrize(("name", "tag"), [("English", "en"), ("russian", "ru")])
def test_a_language_name_is_not_a_language_tag(scratch: Path, name: str, tag: str) -> None:
    module = scratch / "lessons" / "module.yaml"
    module.write_text(
        module.read_text(encoding="utf-8").replace("language: en", f"language: {name}"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "lessons/module.yaml:6:11: language" in result.output
    assert f"use {tag}, not {name}" in result.output


def test_a_tampered_source_names_the_rehash_command(scratch: Path) -> None:
    text = scratch / "lessons" / "sources" / "werth-00447.txt"
    text.write_text(text.read_text(encoding="utf-8") + "x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert "run 'handouts source rehash werth-00447'" in result.output
