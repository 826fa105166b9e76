"""Time the teacher guide: laid out whole (every lesson again) or joined from the teacher editions.

    .venv/bin/python bench/guide.py --times 4 --out /tmp/bench4 teacher   # the teacher editions
    /usr/bin/time -v .venv/bin/python bench/guide.py --times 4 --out /tmp/bench4 whole
    /usr/bin/time -v .venv/bin/python bench/guide.py --times 4 --out /tmp/bench4 joined

`--times N` builds a module whose lessons are the real module's N times over (copies
under new ids, in a folder of its own under --out). Each mode prints its time, pages
and time per page, wall clock and CPU (on a shared machine CPU time is the steadier
figure); run each in its own process so /usr/bin/time sees its memory alone.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import time
from pathlib import Path

import pikepdf

from handouts.build import PAPER_CSS, lesson_html
from handouts.editions import TEACHER
from handouts.guide_pdf import assemble_guide, guide_part_html, guide_view
from handouts.loader.project import gather
from handouts.renderer.pdf import Rendered, render_pdf

ROOT = Path(__file__).resolve().parents[1]


def module_copy(times: int, out: Path) -> Path:
    """The real module, its lessons `times` over (copy k of lesson x is x-k), in out/module."""
    folder = out / "module"
    if times == 1:
        return ROOT
    if folder.exists():
        return folder
    shutil.copytree(ROOT / "lessons", folder / "lessons")
    lessons = folder / "lessons"
    text = (lessons / "module.yaml").read_text(encoding="utf-8")
    stems = re.findall(r"^  - (\d\d-[\w-]+)$", text, flags=re.M)
    extra = []
    for k in range(2, times + 1):
        for stem in stems:
            copy = f"{stem}-{k}"
            source = (lessons / f"{stem}.yaml").read_text(encoding="utf-8")
            source = re.sub(r"^id: .*$", f"id: {copy}", source, count=1, flags=re.M)
            (lessons / f"{copy}.yaml").write_text(source, encoding="utf-8")
            extra.append(copy)
    last = f"  - {stems[-1]}\n"
    text = text.replace(last, last + "".join(f"  - {s}\n" for s in extra), 1)
    (lessons / "module.yaml").write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["teacher", "whole", "joined"])
    parser.add_argument("--times", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    project = gather(module_copy(args.times, args.out) / "lessons" / "module.yaml")
    assert not project.errors, [p.format() for p in project.errors]
    search = project.layout.template_search
    module = project.module
    paper = PAPER_CSS[module.paper]
    guide = guide_view(project)

    def render(html: str) -> Rendered:
        return render_pdf(html, project.layout.module_file, search, project.layout.images)

    start, cpu = time.perf_counter(), time.process_time()
    if args.mode == "teacher":
        pages = 0
        for lesson_file, view in zip(project.lessons, guide.lessons, strict=True):
            rendered = render(lesson_html(view, TEACHER, module.paper, search))
            (args.out / f"{lesson_file.stem}-teacher.pdf").write_bytes(rendered.pdf)
            pages += rendered.pages
        result = Rendered(b"", pages)
    elif args.mode == "whole":
        result = render(guide_part_html(guide, "whole", None, search, paper))
    else:
        teacher = []
        for lesson_file in project.lessons:
            pdf = (args.out / f"{lesson_file.stem}-teacher.pdf").read_bytes()
            with pikepdf.open(io.BytesIO(pdf)) as opened:
                teacher.append(Rendered(pdf, len(opened.pages)))
        result = assemble_guide(guide, teacher, render, search, paper)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if result.pdf:
        (args.out / f"guide-{args.mode}.pdf").write_bytes(result.pdf)
    print(
        f"{args.mode} x{args.times}: {len(project.lessons)} lessons, {result.pages} pages,"
        f" {seconds:.2f} s ({1000 * seconds / result.pages:.0f} ms a page),"
        f" CPU {cpu:.2f} s ({1000 * cpu / result.pages:.0f} ms a page)"
    )


if __name__ == "__main__":
    main()
