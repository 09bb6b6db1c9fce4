"""What every chart builder makes and uses: :class:`Figure` (the chart and the rows it draws), the title wrapped to
the book's width, the chart fitted to it, the axes that write sizes and powers of ten as :mod:`herd.base.formats`
does, the colours of the verdicts, and the layout of panels side by side.

A builder ends with :func:`finish`, which writes the chart's accessible description (:func:`describe`: its title,
marks and axes, and a sentence the builder computes from its rows) and returns the :class:`Figure`; the book offers
each of its tables of rows as a CSV download under the chart (:mod:`herd.presentation.downloads`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from herd.base import formats, markup
from herd.presentation import downloads

from .theme import (
    FACET_SPACING,
    HEADER_PX,
    LABEL_PX,
    NARROW_SUBTITLE_CHARS,
    NARROW_TITLE_CHARS,
    SUBTITLE_CHARS,
    TITLE_CHARS,
    VERDICT_COLORS,
    WIDTH,
)


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


def narrow_title(title: str, subtitle: str | list[str] | None = None) -> alt.Title:
    """The title and subtitle wrapped to a phone's width (390 px), for a chart that takes the width of its column
    (``width="container"``) and so is drawn as narrow as the screen."""
    lines = _lines(title, NARROW_TITLE_CHARS)
    kwargs: dict[str, Any] = {"subtitle": _lines(subtitle, NARROW_SUBTITLE_CHARS)} if subtitle else {}
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


def fit_column(chart: alt.TopLevelMixin, height=None) -> alt.TopLevelMixin:
    """A single or layered chart as wide as its column, a phone's too (``width="container"``): Vega measures the
    column when it draws and shrinks the plot so that the axes, legends and titles fit. For a chart whose labels
    leave room for its marks on a phone; its title wants :func:`narrow_title`."""
    props = {"width": "container", "autosize": alt.AutoSizeParams(type="fit-x", contains="padding")}
    if height is not None:
        props["height"] = height
    return chart.properties(**props)


MARK_WORDS = {
    "bar": "bars",
    "rect": "rectangles",
    "line": "lines",
    "trail": "lines",
    "area": "areas",
    "point": "points",
    "circle": "points",
    "square": "points",
    "tick": "ticks",
    "rule": "lines",
    "text": "text labels",
    "boxplot": "box plots",
    "errorbar": "error bars",
}
"""How a chart's description names each kind of Vega-Lite mark it draws."""


def _views(spec: Mapping) -> list[Mapping]:
    """Every view of a Vega-Lite specification: itself, its layers, concatenated and faceted views, recursively."""
    views = [spec]
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            views += _views(sub)
    if isinstance(spec.get("spec"), Mapping):
        views += _views(spec["spec"])
    return views


def _text(value) -> str:
    if isinstance(value, Mapping):
        value = value.get("text", "")
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _axis_title(view: Mapping, name: str) -> str:
    """The title of a view's ``name`` channel (x or y): its own, its axis's, or else the tooltip's for its field."""
    encoding = view.get("encoding") or {}
    channel = encoding.get(name)
    if not isinstance(channel, Mapping):
        return ""
    axis = channel.get("axis")
    title = _text(channel.get("title")) or (_text(axis.get("title")) if isinstance(axis, Mapping) else "")
    tips = encoding.get("tooltip") or []
    tips = tips if isinstance(tips, list) else [tips]
    named = [_text(t.get("title")) for t in tips if isinstance(t, Mapping) and t.get("field") == channel.get("field")]
    return title or next((t for t in named if t), "")


def describe(spec: Mapping, summary: str) -> str:
    """A chart's accessible description: its title, what it draws (its kinds of marks and the titles of its
    axes, read from the Vega-Lite ``spec``) and ``summary``, a sentence its builder computes from the rows it
    draws. A ValueError when the summary is empty."""
    if not summary or not summary.strip():
        raise ValueError("every chart needs a summary of what its rows show, computed from them")
    views = _views(spec)
    marks = [m.get("type") if isinstance(m, Mapping) else m for m in (v.get("mark") for v in views) if m]
    words = list(dict.fromkeys(MARK_WORDS.get(str(m), f"{m} marks") for m in marks))
    axes = {ch: list(dict.fromkeys(t for v in views if (t := _axis_title(v, ch)))) for ch in "xy"}
    drawn = "Chart of " + (" and ".join(axes["y"]) or "values") if axes["y"] else "Chart"
    drawn += f" against {' and '.join(axes['x'])}" if axes["x"] else ""
    drawn += (
        f", drawn as {', '.join(words[:-1]) + ' and ' + words[-1] if len(words) > 1 else words[0]}" if words else ""
    )
    title = _text(spec.get("title")).strip()
    sentence = summary.strip()
    return f"{title + ': ' if title else ''}{drawn}. {sentence if sentence.endswith('.') else sentence + '.'}"


def tally(values, order: Sequence | None = None) -> str:
    """How many of ``values`` take each value, as prose, in ``order`` (then the rest, most frequent first):
    ``12 ahead, 3 behind and 5 not resolved``."""
    counts = pd.Series(list(values), dtype=object).value_counts()
    keys = [k for k in (order or []) if k in counts.index] + [k for k in counts.index if k not in set(order or [])]
    return formats.listing([f"{counts[k]:,} {k}" for k in keys]) if keys else "none"


def finish(chart: alt.TopLevelMixin, summary: str, data: Mapping[str, pd.DataFrame], label: str) -> Figure:
    """The :class:`Figure` of a finished chart, with its accessible description (:func:`describe`: its title,
    marks and axes, then ``summary``, a sentence its builder computes from the rows it draws), the tables of rows
    it draws and the label its downloads are named by. vega-embed gives the drawn chart the description as its
    ``aria-label``."""
    description = describe(chart.to_dict(validate=False), summary)
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
