"""Incremental and parallel builds: what is rendered again, and what is not.

The build is driven through `handouts.build.build` on a scratch copy of the
fixture module; the renderer is wrapped to record which outputs it was asked
for (one worker: rendering happens in this process). The command-line tests
run `handouts` as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from handouts import workers
from handouts.build import build
from handouts.cache import CACHE_FOLDER
from handouts.cli.app import cli
from handouts.editions import EDITIONS
from handouts.loader.project import gather
from handouts.workers import Done, Task

pytestmark = pytest.mark.slow

STEM = "01-orders-from-the-center"
LESSON = Path("lessons") / f"{STEM}.yaml"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The editions the renderer is asked for, build by build (cleared by `make`)."""
    asked: list[str] = []
    real = workers._render

    def recording(task: Task) -> Done:
        asked.append(task.output.name.removeprefix(f"{STEM}-").removesuffix(".pdf"))
        return real(task)

    monkeypatch.setattr(workers, "_render", recording)
    return asked


def make(root: Path, asked: list[str], **options) -> list[str]:
    """Build every edition; the sorted editions rendered this time."""
    asked.clear()
    project = gather(root / "lessons" / "module.yaml")
    report = build(project, EDITIONS.values(), workers=1, **options)
    assert not report.problems and not report.failed, report.problems
    assert len(report.outputs) == len(EDITIONS)
    return sorted(asked)


def outputs(root: Path) -> dict[str, tuple[int, bytes]]:
    """Each PDF's modification time and bytes."""
    return {
        path.name: (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted((root / "build" / STEM).glob("*.pdf"))
    }


ALL = sorted(EDITIONS)


def test_a_second_build_renders_and_rewrites_nothing(scratch: Path, rendered: list[str]) -> None:
    assert make(scratch, rendered) == ALL
    before = outputs(scratch)
    assert make(scratch, rendered) == []
    assert outputs(scratch) == before  # not even rewritten: same bytes, same times
    assert make(scratch, rendered, force=True) == ALL


def test_a_lesson_edit_renders_exactly_the_editions_it_shows_in(
    scratch: Path, rendered: list[str]
) -> None:
    make(scratch, rendered)
    lesson = scratch / LESSON
    text = lesson.read_text(encoding="utf-8")
    # An exemplar answer is printed in the teacher edition only.
    answer = "      Document A is a decision of the Politburo"
    assert answer in text
    lesson.write_text(text.replace(answer, answer + " at all", 1), encoding="utf-8")
    assert make(scratch, rendered) == ["teacher"]
    # A question's prompt is in every edition but the source packet.
    prompt = "      Before you read the text of Document A"
    assert prompt in text
    changed = lesson.read_text(encoding="utf-8").replace(prompt, prompt + " closely", 1)
    lesson.write_text(changed, encoding="utf-8")
    assert make(scratch, rendered) == ["fillable", "large-print", "student", "teacher"]


def test_a_corpus_edit_renders_exactly_what_depends_on_it(
    scratch: Path, rendered: list[str]
) -> None:
    make(scratch, rendered)
    record = scratch / "lessons" / "sources" / "werth-00447.yaml"
    text = record.read_text(encoding="utf-8")
    # A source's reliability note is a teacher note.
    assert "reliability: |\n" in text
    record.write_text(text.replace("reliability: |\n", "reliability: |\n  Checked again.\n", 1))
    assert make(scratch, rendered) == ["teacher"]


def test_a_template_edit_renders_exactly_the_editions_it_changes(
    scratch: Path, rendered: list[str]
) -> None:
    make(scratch, rendered)
    templates = scratch / "templates"
    templates.mkdir()
    bundled = (ROOT / "templates" / "lesson.html.j2").read_text(encoding="utf-8")
    marker = "{% if edition.name == 'sources' %}<!-- packet -->{% endif %}"
    assert "</body>" in bundled
    (templates / "lesson.html.j2").write_text(bundled.replace("</body>", marker + "</body>"))
    assert make(scratch, rendered) == ["sources"]
    # The stylesheet (and the fonts) are loaded by every document.
    css = (ROOT / "templates" / "print.css").read_text(encoding="utf-8")
    (templates / "print.css").write_text(css + "\n/* changed */\n", encoding="utf-8")
    assert make(scratch, rendered) == ALL
    # A file in the template folders that no PDF loads (the web edition's stylesheet).
    web = (ROOT / "templates" / "web.css").read_text(encoding="utf-8")
    (templates / "web.css").write_text(web + "\n/* changed */\n", encoding="utf-8")
    assert make(scratch, rendered) == []


def test_a_deleted_or_edited_output_or_a_damaged_stamp_is_rendered_again(
    scratch: Path, rendered: list[str]
) -> None:
    make(scratch, rendered)
    folder = scratch / "build" / STEM
    (folder / f"{STEM}-student.pdf").unlink()
    with (folder / f"{STEM}-teacher.pdf").open("ab") as stream:
        stream.write(b"%")
    assert make(scratch, rendered) == ["student", "teacher"]
    for stamp in (scratch / "build" / CACHE_FOLDER).glob("*.json"):
        stamp.write_text('{"key": [', encoding="utf-8")
    assert make(scratch, rendered) == ALL


def test_two_workers_write_the_same_bytes_in_the_same_order(tmp_path: Path) -> None:
    project = gather(ROOT / "tests" / "fixtures" / "module" / "lessons" / "module.yaml")
    results = {}
    for count in (1, 2):
        out = tmp_path / str(count)
        layout = project.layout.__class__(**{**project.layout.__dict__, "build": out})
        report = build(
            project.__class__(**{**project.__dict__, "layout": layout}),
            EDITIONS.values(),
            workers=count,
        )
        assert not report.problems
        results[count] = (
            [(o.path.relative_to(out), o.pages) for o in report.outputs],
            {p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")},
        )
    assert results[1] == results[2]
    assert len(results[2][1]) == len(EDITIONS)


def _dies(connection) -> None:
    """A worker that takes a task and is killed, as the out-of-memory killer would."""
    connection.recv()
    os.kill(os.getpid(), 9)


def test_a_worker_that_dies_fails_its_own_document_only(tmp_path: Path) -> None:
    project = gather(ROOT / "tests" / "fixtures" / "module" / "lessons" / "module.yaml")
    search = project.layout.template_search
    html = "<html lang='en'><head><title>t</title></head><body><p>Hello</p></body></html>"
    tasks = [
        Task(i, html, tmp_path / f"{i}.yaml", tmp_path / f"{i}.pdf", search, None) for i in range(3)
    ]
    done = list(workers._Pool(2, _dies).run(tasks))
    assert sorted(d.index for d in done) == [0, 1, 2]
    for result in done:
        assert result.pdf is None
        [problem] = result.problems
        made = tmp_path / f"{result.index}.pdf"
        assert problem.message == f"the renderer stopped while making {made} (killed by SIGKILL)"
        assert "'-j 1'" in problem.hint


def run(root: Path, *arguments: str) -> subprocess.CompletedProcess:
    """`handouts ARGUMENTS` in `root`, reporting whether WeasyPrint was imported."""
    script = (
        "import sys\nfrom handouts.cli import main\nsys.argv = ['handouts', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    code = stop.code\n"
        "print('weasyprint imported:', 'weasyprint' in sys.modules)\nsys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_build_with_nothing_to_do_prints_its_report_and_loads_no_renderer(
    scratch: Path,
) -> None:
    first = run(scratch, "build", "--edition", "student")
    assert first.returncode == 0, first.stderr
    assert "wrote build/" in first.stdout and "weasyprint imported: True" in first.stdout
    again = run(scratch, "build", "--edition", "student")
    assert again.returncode == 0, again.stderr
    assert "wrote" not in again.stdout
    assert "weasyprint imported: False" in again.stdout
    assert "Built 1 PDF from 1 lesson: 0 rendered, 1 unchanged since" in again.stdout
    # The same report, warnings included (the fixture's worksheet is over its budget).
    assert "the budget allows 4" in first.stderr and "the budget allows 4" in again.stderr
    # Without the build stamp (a file outside the lessons changed, say), the per-PDF cache
    # still renders nothing and loads no renderer.
    for stamp in (scratch / "build" / CACHE_FOLDER).glob("build-*.json"):
        stamp.unlink()
    third = run(scratch, "build", "--edition", "student")
    assert "weasyprint imported: False" in third.stdout, third.stderr
    assert "0 rendered, 1 unchanged" in third.stdout


def test_the_stamp_notices_any_input_and_force(scratch: Path) -> None:
    assert run(scratch, "build", "--edition", "student").returncode == 0
    lesson = scratch / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    again = run(scratch, "build", "--edition", "student")
    assert "0 rendered, 1 unchanged" in again.stdout  # the stamp was not trusted; the PDF was
    forced = run(scratch, "build", "--edition", "student", "--force")
    assert "wrote build/" in forced.stdout
    stamp = next((scratch / "build" / CACHE_FOLDER).glob("build-*.json"))
    recorded = json.loads(stamp.read_text(encoding="utf-8"))
    assert list(recorded["outputs"]) == [f"{STEM}/{STEM}-student.pdf"]


def test_the_build_options_say_what_they_do() -> None:
    result = CliRunner().invoke(cli, ["build", "--help"])
    assert "-j, --jobs" in result.output and "--force" in result.output


def test_without_harfbuzz_subsetting_a_build_warns_once_with_the_command(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.cli import progress
    from handouts.renderer import pdf

    monkeypatch.setattr(pdf, "subsetting_in_c", lambda: False)
    monkeypatch.setattr(progress, "_warned", False)
    result = CliRunner().invoke(cli, ["build", "-j", "1", "--edition", "student"])
    assert result.exit_code == 0, result.output
    assert result.output.count("warning: libharfbuzz-subset0 is not installed") == 1
    assert "sudo apt-get install libharfbuzz-subset0" in result.output
    # Once per process: a second build in the same process (the preview's) does not repeat it.
    again = CliRunner().invoke(cli, ["build", "-j", "1", "--edition", "student", "--force"])
    assert "wrote build/" in again.output and "libharfbuzz" not in again.output


def test_a_build_that_is_not_on_a_terminal_prints_lines_only(scratch: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--edition", "student"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "Rendering" not in result.output
    assert result.output.splitlines()[-1] == "Built 1 PDF from 1 lesson."
    assert f"wrote build/{STEM}/{STEM}-student.pdf (8 pages)" in result.output


def test_a_question_edit_joins_the_guide_again_without_rendering_its_own_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide (primary-only fixture) is joined from the teacher editions; its own pages
    are rendered through the cache, and an edit that moves no page number renders none."""
    import shutil

    from handouts.renderer import pdf

    shutil.copytree(ROOT / "tests" / "fixtures" / "primary-only", tmp_path, dirs_exist_ok=True)
    parts: list[int] = []
    real = pdf.render_pdf

    def counting(*args, **kwargs):
        parts.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)  # the guide's pages render in-process

    def make() -> dict[str, bool]:
        report = build(gather(tmp_path / "lessons" / "module.yaml"), EDITIONS.values(), workers=2)
        assert not report.problems and not report.failed, report.problems
        return {o.path.name: o.cached for o in report.outputs}

    first = make()
    guide = next(name for name in first if name.endswith("teacher-guide.pdf"))
    assert parts, "the guide's own pages were rendered"
    parts.clear()
    assert all(make().values())  # nothing changed: nothing rendered, the guide kept
    assert parts == []
    lesson = tmp_path / "lessons" / "01-a-promise-of-freedom.yaml"
    text = lesson.read_text(encoding="utf-8")
    prompt = "Who was to be free, and from when?"
    assert prompt in text
    lesson.write_text(text.replace(prompt, "Who was to be free, and from what day?"))
    again = make()
    rendered = sorted(name for name, cached in again.items() if not cached)
    stem = "01-a-promise-of-freedom"
    expected = [f"{stem}-{e}.pdf" for e in ("fillable", "large-print", "student", "teacher")]
    assert rendered == sorted([*expected, guide])
    assert parts == []  # the guide was joined again from its cached pages


def test_the_stamp_covers_the_bundled_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A maintainer's edit to templates/print.css must not be answered from a stale stamp
    (in a checkout, handouts/templates is a link, which a walk of the package skips)."""
    import shutil

    from handouts import stamp
    from handouts.layout import Layout

    bundled = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", bundled)
    monkeypatch.setattr(stamp, "bundled_templates", lambda: tmp_path / "link")
    (tmp_path / "link").symlink_to(bundled)
    layout = Layout.at(ROOT / "tests" / "fixtures" / "module" / "lessons" / "module.yaml")
    before = stamp.inputs_digest(layout, {})
    with (bundled / "print.css").open("a", encoding="utf-8") as css:
        css.write("\n/* changed */\n")
    assert stamp.inputs_digest(layout, {}) != before
