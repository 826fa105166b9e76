"""Benchmark the preview: seconds from saving a lesson to the page showing the change.

    .venv/bin/python bench/preview_latency.py [RUNS] [--http]

Starts `handouts preview --edition student` on a copy of the one-lesson fixture
module, opens the lesson's page in Debian's chromium (Playwright), then RUNS times
(default 5) saves the lesson with a new title and waits for the page to show it
with its new pages. Prints each run and the median, in seconds (last line), and,
in the browser, the median time until the new title alone shows (the checks are
done; the pages are still rendering). With --http (or without
chromium) it asks the server for the page instead of a browser, which leaves out
the page's own 300 ms check for news (on average 0.15 s more in a browser).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "module"
STEM = "01-orders-from-the-center"


def save_title(lesson: Path, title: str) -> None:
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(
        re.sub(r"^title: .*\n", f"title: {title}\n", text, count=1, flags=re.MULTILINE),
        encoding="utf-8",
    )


def wait_for(log: Path, text: str, process: subprocess.Popen, seconds: float = 300) -> str:
    deadline = time.monotonic() + seconds
    while text not in (found := log.read_text(encoding="utf-8")):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the preview did not print {text!r}:\n{found}")
        time.sleep(0.05)
    return found


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 5
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    use_browser = "--http" not in sys.argv and chromium is not None
    folder = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    module = folder / "module"
    shutil.copytree(FIXTURE, module)
    lesson = module / "lessons" / f"{STEM}.yaml"
    log = folder / "log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-u",
                "-m",
                "handouts",
                "preview",
                "--port",
                "0",
                "--edition",
                "student",
            ],
            cwd=module,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        text = wait_for(log, "Rebuilt", process)
        url = re.search(r"Preview at (\S+)", text)[1] + f"lesson/{STEM}"  # type: ignore[index]
        if use_browser:
            timings = _in_browser(url, lesson, runs, chromium)  # type: ignore[arg-type]
        else:
            timings = _over_http(url, lesson, runs)
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    how = "browser (chromium)" if use_browser else "HTTP, without the page's 300 ms poll"
    print(f"save to updated pages, one lesson, student edition, {how}:")
    for number, seconds in enumerate(timings, start=1):
        print(f"  run {number}: {seconds:.2f} s")
    print(f"median {statistics.median(timings):.2f} s")


def _in_browser(url: str, lesson: Path, runs: int, chromium: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    timings: list[float] = []
    checked: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("main h1")
        for run in range(runs):
            title = f"Orders from the Center, take {run + 1}"
            before = page.get_attribute("main img", "src")
            save_title(lesson, title)
            start = time.perf_counter()
            page.wait_for_function(  # the new title, once the checks have passed
                "t => document.querySelector('main h1')?.textContent === t",
                arg=title,
                timeout=300_000,
                polling=10,
            )
            checked.append(time.perf_counter() - start)
            page.wait_for_function(  # and the new pages drawn
                "([t, before]) => document.querySelector('main h1')?.textContent === t"
                " && document.querySelector('main img')?.getAttribute('src') !== before",
                arg=[title, before],
                timeout=300_000,
                polling=10,
            )
            timings.append(time.perf_counter() - start)
        browser.close()
    print(f"title (checks passed) shown: median {statistics.median(checked):.2f} s")
    return timings


def _over_http(url: str, lesson: Path, runs: int) -> list[float]:
    timings = []
    for run in range(runs):
        title = f"Orders from the Center, take {run + 1}"
        before = _first_image(urllib.request.urlopen(url).read().decode())
        save_title(lesson, title)
        start = time.perf_counter()
        while True:
            html = urllib.request.urlopen(url).read().decode()
            if f"<h1>{title}</h1>" in html and _first_image(html) != before:
                break
            time.sleep(0.01)
        timings.append(time.perf_counter() - start)
    return timings


def _first_image(html: str) -> str | None:
    found = re.search(r'<img src="([^"]+)"', html)
    return found[1] if found else None


if __name__ == "__main__":
    main()
