"""Charts as data: every value carries the source it comes from."""

from __future__ import annotations

from pydantic import Field

from handouts.schema.base import Identifier, Line, Strict, Text


class ChartValue(Strict):
    """One number in a chart and where it comes from."""

    value: int = Field(ge=0, description="The figure as the source gives it, e.g. 35000.")
    source: Identifier = Field(description="Corpus id of the document that gives the figure.")
    locator: Line | None = Field(None, description="Where in the source, e.g. 'section C'.")


class ChartBar(Strict):
    """One category of a bar chart: a label and one value per series."""

    label: Line = Field(description="Category label, e.g. 'Moscow and its region'.")
    values: list[ChartValue] = Field(
        min_length=1, description="One value per series, in the order of 'series'."
    )


class Chart(Strict):
    """A horizontal bar chart drawn as SVG, readable in black and white."""

    id: Identifier = Field(description="Chart id within the lesson.")
    title: Line = Field(description="Title printed above the chart.")
    series: list[Line] = Field(
        min_length=1,
        max_length=3,
        description="Names of the bars in each group (legend); at most three, told apart by fill"
        " and by labels, never by colour alone.",
    )
    bars: list[ChartBar] = Field(min_length=1, max_length=12, description="The categories.")
    axis: Line = Field(description="Label of the value axis, e.g. 'People'.")
    alt: Text = Field(
        description="Text alternative: what the chart shows, in words, for screen readers."
    )
    note: Text | None = Field(None, description="A caution printed under the chart.")
    teacher_only: bool = Field(
        False, description="Print only in the teacher edition (e.g. a model answer to a task)."
    )
