"""What every chart builder makes and uses: :class:`Figure` (the chart and the rows it draws), the title wrapped to
the book's width, the chart fitted to it, the axes that write sizes and powers of ten as :mod:`herd.base.formats`
does, the colours of the verdicts, and the layout of panels side by side.

A builder ends with :func:`finish`, which insists on a text description (the chart's accessible description) and
returns the :class:`Figure`; the book offers each of its tables of rows as a CSV download under the chart
(:mod:`herd.presentation.downloads`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from herd.base import formats, markup
from herd.presentation import downloads

from .theme import FACET_SPACING, HEADER_PX, LABEL_PX, SUBTITLE_CHARS, TITLE_CHARS, VERDICT_COLORS, WIDTH


class Figure:
    """A chart and the rows it draws. Displayed in the book, it is the chart followed by a
    "Download CSV" link for each of its tables of rows; in Jupyter, the chart alone."""

    def __init__(self, chart: alt.TopLevelMixin, data: Mapping[str, pd.DataFrame], label: str):
        self.chart = chart
        self.label = label
        self.data = dict(data)
        self.items = [
            downloads.frame_csv(frame, f"{label} {name}" if len(data) > 1 else label, name)
            for name, frame in data.items()
        ]

    def to_dict(self) -> dict:
        """The chart's Vega-Lite specification, as Altair writes it."""
        return self.chart.to_dict()

    def __repr__(self) -> str:  # the same on every run (no memory address), so nbval can compare it
        return f"Figure({self.label!r})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        if alt.renderers.active == "html":
            # the html renderer writes the chart's specification and rows into a <script> block: as
            # JSON that no value from the data can end or alter (herd.base.markup.script_safe)
            spec = self.chart.to_dict(context={"pre_transform": False})
            bundle = alt.renderers.get()(spec, json_kwds={"cls": markup.ScriptSafeJSON})
        else:
            bundle = self.chart._repr_mimebundle_(include=include, exclude=exclude)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = {**data, "text/plain": repr(self)}
        if alt.renderers.active == "html" and "text/html" in data:
            data = {**data, "text/html": data["text/html"] + "\n" + downloads.link_html(self.items)}
            meta = {**(meta or {}), **downloads.metadata(self.items)}
        return data, meta


def _lines(text: str | list[str], chars: int) -> list[str]:
    parts = [text] if isinstance(text, str) else list(text)
    return [line for part in parts for line in (textwrap.wrap(part, chars) or [""])]


def wrapped_title(title: str, subtitle: str | list[str] | None = None) -> alt.Title:
    """The title and subtitle wrapped to the width of the book's text column."""
    lines = _lines(title, TITLE_CHARS)
    kwargs: dict[str, Any] = {"subtitle": _lines(subtitle, SUBTITLE_CHARS)} if subtitle else {}
    return alt.Title(lines if len(lines) > 1 else lines[0], **kwargs)


def label_px(values) -> int:
    """The width an axis needs for the longest of ``values`` as labels (11 px font), in pixels."""
    return int(LABEL_PX * max((len(str(v)) for v in values), default=0)) + 12


def fit_width(chart: alt.TopLevelMixin, height=None) -> alt.TopLevelMixin:
    """A single or layered chart sized to the book's width: Vega shrinks the plot so that the
    axes, legends and titles fit within :data:`WIDTH` too."""
    props = {"width": WIDTH, "autosize": alt.AutoSizeParams(type="fit-x", contains="padding")}
    if height is not None:
        props["height"] = height
    return chart.properties(**props)


def finish(chart: alt.TopLevelMixin, description: str, data: Mapping[str, pd.DataFrame], label: str) -> Figure:
    """The :class:`Figure` of a finished chart, with ``description`` as its accessible description (20 characters
    or more, or a ValueError), the tables of rows it draws and the label its downloads are named by."""
    if not description or len(description) < 20:
        raise ValueError("every chart needs a short text description (20+ characters)")
    return Figure(chart.properties(description=description), data, label)


def facet_layout(row_labels: Sequence, headers: Sequence[str], columns: int) -> tuple[int, int]:
    """How many panels of a faceted chart stand side by side, at most ``columns``, and each panel's width in
    pixels: as many as fit the book's width beside the labels of the shared y axis (``row_labels``, drawn once per
    row of panels), with every panel at least as wide as the longest of the panels' ``headers`` (bold, 12 px)."""
    header = int(HEADER_PX * max(len(h) for h in headers)) + 8 if len(headers) else 0
    room = WIDTH - label_px(row_labels) - 16
    while columns > 1 and (room - FACET_SPACING * (columns - 1)) / columns < header:
        columns -= 1
    return columns, int((room - FACET_SPACING * (columns - 1)) / columns)


def one_mark() -> alt.Chart:
    """A layer whose rows are aggregated to one, for a mark at fixed values (a rule, a band) that is then drawn
    once (in each panel), not once per row of the chart's data."""
    return alt.Chart().transform_aggregate(rows="count()")


def verdict_color(title: str = "Verdict", present=None, field: str = "verdict") -> alt.Color:
    """Colour by verdict (``field``), in the book's colours of the verdicts, naming only those ``present``."""
    domain = [v for v in VERDICT_COLORS if present is None or v in set(present)]
    return alt.Color(
        f"{field}:N",
        title=title,
        scale=alt.Scale(domain=domain, range=[VERDICT_COLORS[v] for v in domain]),
        legend=alt.Legend(orient="bottom", columns=3),
    )


def size_axis(title: str, powers_only: bool = False, **kwargs) -> alt.Axis:
    """An axis whose labels are sizes as the book writes them (B and T; ``powers_only``: at powers of ten only)."""
    return alt.Axis(title=title, labelExpr=formats.vega_size_label(powers_only=powers_only), **kwargs)


def power_axis(title: str, **kwargs) -> alt.Axis:
    """An axis whose labels are powers of ten as the book writes them (FLOPs)."""
    return alt.Axis(title=title, labelExpr=formats.vega_power_label(), **kwargs)
