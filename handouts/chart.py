"""Charts: sourced figures drawn as a horizontal bar chart in inline SVG.

Drawn for a black-and-white copier: series differ by fill (white, black,
grey) and every bar carries its value in words on the page, so nothing is
told by colour alone. The SVG's <title> is the authored `alt`: WeasyPrint
makes it the /Alt of the chart's Figure in the tagged PDF (the printed title
is the figure's caption already).
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from handouts.schema import Chart
from handouts.typeset.fonts import Typesetter

FONT = "Charis SIL"
SIZE = 9.0  # font size in SVG units; the SVG is scaled to the text column
WIDTH = 480.0
LABEL_WIDTH = 132.0
VALUE_ROOM = 58.0
BAR = 13.0
GAP = 9.0
FILLS = (("#fff", "#000"), ("#000", "#000"), ("#9a9a9a", "#000"))
"""(fill, stroke) of each series: white with an outline, black, mid grey."""


def nice_step(largest: float, ticks: int = 5) -> int:
    """A round tick interval (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = max(largest, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return max(1, int(factor * power))
    return int(10 * power)


def _wrap(label: str, width: float, fonts: Typesetter) -> list[str]:
    """Break a label into lines that fit `width` units at SIZE."""
    lines: list[str] = [""]
    for word in label.split():
        candidate = f"{lines[-1]} {word}".strip()
        if lines[-1] and fonts.width_em(candidate) * SIZE > width:
            lines.append(word)
        else:
            lines[-1] = candidate
    return lines


def _text(x: float, y: float, content: str, anchor: str = "start", size: float = SIZE) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family="{FONT}"'
        f' font-size="{size}">{escape(content)}</text>'
    )


def chart_svg(chart: Chart, fonts: Typesetter) -> Markup:
    """The chart as an inline SVG element, scaled to the width of its container."""
    plot_left = LABEL_WIDTH + 8
    plot_width = WIDTH - plot_left - VALUE_ROOM
    largest = max(v.value for bar in chart.bars for v in bar.values)
    step = nice_step(largest)
    top = step * math.ceil(largest / step)
    scale = plot_width / top
    parts: list[str] = []

    # Legend: one swatch per series, in rows above the plot.
    x, y = plot_left, 10.0
    for index, name in enumerate(chart.series):
        fill, stroke = FILLS[index]
        item = 14 + fonts.width_em(name) * SIZE
        if x > plot_left and x + item > WIDTH:
            x, y = plot_left, y + 13
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 8:.1f}" width="10" height="8" fill="{fill}"'
            f' stroke="{stroke}" stroke-width="0.8"/>'
        )
        parts.append(_text(x + 14, y, name))
        x += item + 18
    y += 12

    # Bars, grouped by category, each labelled with its value.
    group = len(chart.series) * BAR
    plot_top = y
    for bar in chart.bars:
        lines = _wrap(bar.label, LABEL_WIDTH, fonts)
        middle = y + group / 2
        first = middle - (len(lines) - 1) * SIZE * 0.6 + SIZE * 0.35
        for n, line in enumerate(lines):
            parts.append(_text(LABEL_WIDTH, first + n * SIZE * 1.2, line, "end"))
        for index, value in enumerate(bar.values):
            fill, stroke = FILLS[index]
            length = value.value * scale
            parts.append(
                f'<rect x="{plot_left:.1f}" y="{y + 1:.1f}" width="{length:.1f}"'
                f' height="{BAR - 2:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="0.8"/>'
            )
            parts.append(_text(plot_left + length + 3, y + BAR - 3.2, f"{value.value:,}"))
            y += BAR
        y += GAP
    plot_bottom = y - GAP + 3

    # Axis: a baseline with round ticks, then the axis label.
    axis = [
        f'<line x1="{plot_left:.1f}" y1="{plot_top - 3:.1f}" x2="{plot_left:.1f}"'
        f' y2="{plot_bottom:.1f}" stroke="#000" stroke-width="0.8"/>',
        f'<line x1="{plot_left:.1f}" y1="{plot_bottom:.1f}" x2="{plot_left + plot_width:.1f}"'
        f' y2="{plot_bottom:.1f}" stroke="#000" stroke-width="0.8"/>',
    ]
    for tick in range(0, top + 1, step):
        tx = plot_left + tick * scale
        axis.append(
            f'<line x1="{tx:.1f}" y1="{plot_bottom:.1f}" x2="{tx:.1f}" y2="{plot_bottom + 3:.1f}"'
            ' stroke="#000" stroke-width="0.8"/>'
        )
        axis.append(_text(tx, plot_bottom + 12, f"{tick:,}", "middle", size=8))
    axis.append(_text(plot_left + plot_width / 2, plot_bottom + 25, chart.axis, "middle"))
    height = plot_bottom + 30
    body = "".join(axis + parts)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart-svg"'
        f' viewBox="0 0 {WIDTH:.0f} {height:.0f}" width="{WIDTH:.0f}" height="{height:.0f}">'
        f"<title>{escape(' '.join(chart.alt.split()))}</title>"
        f"{body}</svg>"
    )
