"""Benchmark whole builds side by side and write bench/RESULTS.md (`make bench`).

    .venv/bin/python bench/builds.py [--runs N] [--scale 10,50,100] [--quick]

Every figure is a median over N runs, and every comparison a ratio taken run
by run (A, B, A, B, ...), so a machine that drifts in speed affects both
sides alike. Commands run as whole processes (`handouts ...`), in a copy of
the module in a temporary folder; the raw baseline renders the HTML the tool
emits with WeasyPrint alone, in one warm process (imports and fonts loaded
before the clock starts), with the same stylesheet and PDF variant.

Figures (targets from issue #13):
- overhead: `build --force -j 1` / raw WeasyPrint on the same HTML (<= 1.05)
- parallel: `build --force -j 2` / `-j 1` (<= 0.60 on two cores)
- no-op: `build` with nothing changed, whole process (<= 0.3 s)
- one-question edit: rebuild time / raw time of the PDFs that changed (<= 1.2),
  and how many PDFs were rendered (exactly those that show the question)
- guide: seconds per page at the module's size and at four times it
- preview: save-to-updated-page latency (bench/preview_latency.py, if present)
- scale: modules of 10, 50, 100 lessons: seconds per PDF (slope) and the peak
  memory of the largest process (<= 250 MB a worker)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANDOUTS = [sys.executable, "-m", "handouts"]
RAW = Path(__file__).with_name("raw_weasyprint.py")
RESULTS = Path(__file__).with_name("RESULTS.md")


def copy_module(into: Path, copies: int = 1) -> Path:
    """The module's lessons folder copied into `into`; lessons repeated `copies` times."""
    shutil.copytree(ROOT / "lessons", into / "lessons")
    if copies > 1:
        lessons = into / "lessons"
        module = lessons / "module.yaml"
        originals = sorted(p for p in lessons.glob("*.yaml") if p.name != "module.yaml")
        order = []
        for copy in range(copies):
            for path in originals:
                stem = path.stem if copy == 0 else f"{path.stem}-{copy + 1}"
                if copy:
                    text = path.read_text(encoding="utf-8")
                    text = re.sub(rf"^id: {path.stem}$", f"id: {stem}", text, count=1, flags=re.M)
                    (lessons / f"{stem}.yaml").write_text(text, encoding="utf-8")
                order.append(stem)
        text = module.read_text(encoding="utf-8")
        listed = "lessons:\n" + "".join(f"  - {stem}\n" for stem in order)
        text = re.sub(r"^lessons:\n(?:  - .*\n)+", listed, text, count=1, flags=re.M)
        module.write_text(text, encoding="utf-8")
    return into


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    """Wall seconds of one whole process, and what it printed."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a warning-free module builds with 0; 1 is a check
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done.stdout + done.stderr


def peak_memory_mb(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, largest resident set of any process it started, in MB)."""
    script = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=False, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, int(out.stdout.strip()) / 1024


def raw_seconds(html_dir: Path, *options: str) -> float:
    """WeasyPrint alone, warm, on every HTML file in `html_dir` (seconds, from its own clock)."""
    out = subprocess.run(
        [sys.executable, str(RAW), str(html_dir), *options],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def emit_html(module: Path, into: Path, stems: list[str] | None = None) -> int:
    """Write the HTML of every job (or of the lessons `stems`) and the stylesheet into `into`."""
    script = f"""
import sys
from pathlib import Path
from handouts.build import plan
from handouts.editions import EDITIONS
from handouts.loader.project import gather
from handouts.renderer.templates import stylesheet_text
project = gather(Path({str(module / "lessons" / "module.yaml")!r}))
jobs, _ = plan(project, EDITIONS.values())
out = Path({str(into)!r}); out.mkdir(parents=True, exist_ok=True)
stems = {stems!r}
search = project.layout.template_search
(out / "style.css").write_text(stylesheet_text(search), encoding="utf-8")
(out / "base").write_text(str(search[-1].resolve()) + "/", encoding="utf-8")
count = 0
for index, job in enumerate(jobs):
    if stems is None or (job.lesson is not None and job.lesson.stem in stems):
        (out / f"{{index:04d}}.html").write_text(job.html, encoding="utf-8"); count += 1
print(count)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def median(values: list[float]) -> float:
    return statistics.median(values)


def build(module: Path, *options: str) -> tuple[float, str]:
    return timed([*HANDOUTS, "build", *options], module)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", default="10,50,100")
    parser.add_argument("--quick", action="store_true", help="one run, no scale test")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    cores = len(os.sched_getaffinity(0))
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as scratch:
        work = Path(scratch)
        module = copy_module(work / "module")
        html = work / "html"
        emit_html(module, html)

        # Overhead and parallel: A B C, A B C, ... run by run.
        j1, j2, raw = [], [], []
        for _ in range(runs):
            j1.append(build(module, "--force", "-j", "1")[0])
            j2.append(build(module, "--force", "-j", "2")[0])
            raw.append(raw_seconds(html))
        overhead = [a / b for a, b in zip(j1, raw, strict=True)]
        parallel = [a / b for a, b in zip(j2, j1, strict=True)]
        rows.append(
            (
                "overhead: build --force -j 1 / raw WeasyPrint",
                f"{median(overhead):.3f} ({median(j1):.1f} s / {median(raw):.1f} s)",
                "<= 1.05",
            )
        )
        rows.append(
            (
                "parallel: -j 2 / -j 1",
                f"{median(parallel):.3f} ({median(j2):.1f} s / {median(j1):.1f} s)",
                "<= 0.60",
            )
        )

        # No-op: a build right after a build.
        build(module)
        noop = [build(module)[0] for _ in range(max(5, runs))]
        rows.append(("no-op rebuild, whole process", f"{median(noop):.3f} s", "<= 0.3 s"))

        # One-question edit in lesson 2: what is rendered, against raw WeasyPrint on those PDFs.
        lesson = module / "lessons" / "02-a-quota-for-killings.yaml"
        original = lesson.read_text(encoding="utf-8")
        prompt = re.search(r"^    prompt: \|\n      (.+)$", original, flags=re.M)
        assert prompt is not None
        edit_times, counts, raw_edit = [], [], []
        for run in range(runs):
            changed = original.replace(prompt.group(1), f"{prompt.group(1)} ({run})", 1)
            lesson.write_text(changed, encoding="utf-8")
            seconds, printed = build(module)
            edit_times.append(seconds)
            counts.append(printed.count("\nwrote ") + printed.startswith("wrote "))
            edited = work / f"edited-{run}"
            emit_html(module, edited, ["02-a-quota-for-killings"])
            raw_edit.append(raw_seconds(edited))
        ratio = [a / b for a, b in zip(edit_times, raw_edit, strict=True)]
        rows.append(
            (
                "one-question edit: rebuild / raw WeasyPrint of that lesson",
                f"{median(ratio):.3f} ({median(edit_times):.1f} s / {median(raw_edit):.1f} s)",
                "<= 1.2",
            )
        )
        rows.append(
            (
                "one-question edit: PDFs rendered",
                f"{median(counts):.0f} (student, teacher, large print, fillable + guide: 5)",
                "exactly those",
            )
        )

        # Guide: seconds per page at 1x and 4x the module.
        for copies in (1, 4):
            folder = copy_module(work / f"guide-{copies}", copies)
            build(folder, "--edition", "teacher")
            seconds, pages = guide_seconds(folder)
            rows.append(
                (
                    f"guide at {copies}x the module ({pages} pages)",
                    f"{seconds / pages * 1000:.0f} ms a page ({seconds:.1f} s)",
                    "flat",
                )
            )

        # What a machine without libharfbuzz-subset0 pays: lesson 1, every edition.
        lesson_1 = work / "lesson-1"
        emit_html(module, lesson_1, ["01-orders-from-the-center"])
        slow = []
        for _ in range(runs):
            with_c = raw_seconds(lesson_1)
            slow.append(raw_seconds(lesson_1, "--without-harfbuzz-subset") / with_c)
        rows.append(
            (
                "without libharfbuzz-subset0 / with it (lesson 1, raw WeasyPrint)",
                f"{median(slow):.2f}",
                "(README, Speed)",
            )
        )

        latency = Path(__file__).with_name("preview_latency.py")
        if latency.is_file():
            done = subprocess.run(
                [sys.executable, str(latency)], capture_output=True, text=True, check=False
            )
            rows.append(
                (
                    "preview: save to updated page",
                    done.stdout.strip().splitlines()[-1] if done.returncode == 0 else "failed",
                    "about 1 s",
                )
            )

        if not args.quick:
            rows += scale(work, [int(n) for n in args.scale.split(",")])

    write_results(rows, cores, runs)


def guide_seconds(module: Path) -> tuple[float, int]:
    """Time to make the guide once the teacher editions exist: remove it, build again."""
    guides = list((module / "build").glob("*-teacher-guide.pdf"))
    for guide in guides:
        guide.unlink()
    seconds, printed = build(module, "--edition", "teacher", "-j", "1")
    pages = re.search(r"teacher guide (\d+)", printed)
    return seconds, int(pages.group(1)) if pages else 1


def scale(work: Path, sizes: list[int]) -> list[tuple[str, str, str]]:
    """Generated modules of `sizes` lessons (the module's 7 repeated): s a PDF, peak memory."""
    rows, points = [], []
    for size in sizes:
        copies = -(-size // 7)
        folder = copy_module(work / f"scale-{size}", copies)
        seconds, memory = peak_memory_mb([*HANDOUTS, "build", "--edition", "student"], folder)
        count = len(list((folder / "build").rglob("*.pdf")))
        points.append((count, seconds))
        rows.append(
            (
                f"scale: {copies * 7} lessons, student edition, -j default",
                f"{seconds / count:.2f} s a PDF ({count} PDFs), peak {memory:.0f} MB a process",
                "flat; <= 250 MB",
            )
        )
    if len(points) > 1:
        xs, ys = zip(*points, strict=True)
        slope = statistics.linear_regression(xs, ys).slope
        rows.append(("scale: slope of seconds against PDFs", f"{slope:.2f} s a PDF", "flat"))
    return rows


def write_results(rows: list[tuple[str, str, str]], cores: int, runs: int) -> None:
    today = datetime.date.today().isoformat()
    lines = [
        "# Build benchmark",
        "",
        f"`make bench` on {today}, {cores} cores, medians of {runs} run(s) each"
        " (whole processes; ratios taken run by run).",
        "",
        "| figure | measured | target |",
        "| --- | --- | --- |",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    json.dumps(rows)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
