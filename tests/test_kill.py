"""A build killed with SIGKILL leaves every PDF either the old complete one or the new one."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import read_pdf

from handouts.editions import EDITIONS


def start_build(cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "handouts", "build", "01-orders-from-the-center"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_during_rendering_never_leaves_a_broken_pdf(scratch: Path) -> None:
    assert start_build(scratch).wait(timeout=120) == 0
    outputs = sorted((scratch / "build").rglob("*.pdf"))
    assert len(outputs) == len(EDITIONS)
    old = {path: path.read_bytes() for path in outputs}

    lesson = scratch / "lessons" / "01-orders-from-the-center.yaml"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("title: Orders from the Center", "title: Orders revised"))

    killed = 0
    for delay in (0.6, 0.9, 1.2, 1.5, 1.8):
        process = start_build(scratch)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        if process.wait(timeout=60) == -signal.SIGKILL:
            killed += 1
        assert sorted((scratch / "build").rglob("*.pdf")) == outputs
        for path in outputs:
            data = path.read_bytes()
            if data == old[path]:
                continue
            pdf = read_pdf(path)  # a complete new file: it parses, and it is the new version
            assert data.rstrip().endswith(b"%%EOF")
            assert "Orders revised" in pdf.pages[0]
    assert killed >= 3  # the kills landed while the build was running
