"""The book's one Altair theme and the chart builders chapters share.

Every chart has a title, axis titles with units, a tooltip and a short text
description (used as the chart's accessible description). Every chart fits the text
column of the book's pages (:data:`WIDTH`): titles and subtitles are wrapped to it, axis and
legend labels are never cut short, and a legend names every kind of mark. Panels that are
compared share their scales. Numbers on axes and in tooltips are written as
:mod:`herd.base.formats` writes them (B and T for sizes, powers of ten for FLOPs).

A builder returns a :class:`Figure`: the chart plus the rows it draws, which the book offers
as CSV downloads under the chart (:mod:`herd.presentation.downloads`). In the book, charts render through
Altair's ``html`` renderer against the vega scripts vendored into ``_static/vendor`` (see
:mod:`herd.book.vendor`); inside Jupyter, through Altair's widget renderer, offline (see
:func:`chart_renderer`).
"""

from __future__ import annotations

import importlib.util
import math
import os
import textwrap
import warnings
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.data import to_values

from herd.base import formats, markup

from . import downloads

THEME = "herd"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
VERDICT_COLORS = {
    "ahead": "#1b7837",
    "behind": "#b2182b",
    "equivalent": "#2166ac",
    "not resolved": "#bdbdbd",
    "no test": "#efe7d4",
}
VERDICT_TEXT = {"ahead": "white", "behind": "white", "equivalent": "white", "not resolved": "#222", "no test": "#222"}
FOCUS_COLOR = "#d95f02"
OTHER_COLOR = "#4c78a8"
# The text column of a chapter page is 688 px wide at a 1280 px window, of which vega-embed keeps
# 38 px for its menu; every chart is laid out to fit the rest (narrower screens scroll a chart
# sideways inside its own box).
WIDTH = 610
TITLE_CHARS = 66  # a line of the 15 px bold title
SUBTITLE_CHARS = 100  # a line of the 12 px subtitle
FACET_SPACING = 16
NO_LIMIT = 2000  # px: a label or title limit no text reaches, so Vega never cuts one short
LABEL_PX = 6.4  # width of a character of an 11 px axis or legend label


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 320},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eee", "domainColor": "#888"},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": NO_LIMIT},
            "legend": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "orient": "bottom",
                "titleLimit": NO_LIMIT,
                "labelLimit": NO_LIMIT,
            },
            "axisX": {"labelLimit": NO_LIMIT, "titleLimit": NO_LIMIT},
            "axisY": {"labelLimit": NO_LIMIT, "titleLimit": NO_LIMIT},
            "range": {
                "category": [
                    "#4c78a8",
                    "#d95f02",
                    "#1b9e77",
                    "#7570b3",
                    "#e7298a",
                    "#66a61e",
                    "#e6ab02",
                    "#a6761d",
                    "#666666",
                    "#17becf",
                    "#bcbd22",
                ]
            },
        }
    }


def chart_renderer(environ: Mapping[str, str] | None = None) -> str:
    """The Altair renderer for where the chapter runs: ``"jupyter"`` or ``"html"``.

    A kernel that a Jupyter server started (JupyterLab, Notebook, Binder) has the
    session's file in ``JPY_SESSION_NAME``; there charts use Altair's widget renderer
    (JupyterChart, an anywidget) in offline mode, which draws with the vega bundle shipped
    inside the vl-convert-python wheel. Everywhere else (papermill and nbval building and
    checking the book, a plain ``python``) charts use the ``html`` renderer, whose pages
    load vega from ``_static/vendor`` in the book.
    """
    environ = os.environ if environ is None else environ
    if not environ.get("JPY_SESSION_NAME"):
        return "html"
    missing = [name for name in ("anywidget", "vl_convert") if importlib.util.find_spec(name) is None]
    if missing:
        warnings.warn(
            f"charts: {' and '.join(missing)} not installed, so charts in Jupyter load vega from the "
            "internet; install the `jupyter` extra (binder/requirements.txt) to draw them offline",
            stacklevel=2,
        )
        return "html"
    return "jupyter"


DATA_TRANSFORMER = "herd"


def stored_values(data, max_rows: int | None = None):
    """Altair's data transformer for the book's charts: the rows as values embedded in the chart (never a file),
    every float at the precision the book stores numbers (:func:`herd.base.formats.stored_frame`), with no row limit."""
    if isinstance(data, pd.DataFrame):
        data = formats.stored_frame(data)
    return to_values(data)


alt.data_transformers.register(DATA_TRANSFORMER, stored_values)


def use_theme(renderer: str | None = None) -> None:
    """Enable the theme and the renderer (:func:`chart_renderer` unless given)."""
    renderer = renderer or chart_renderer()
    alt.theme.enable(THEME)
    alt.data_transformers.enable(DATA_TRANSFORMER)
    if renderer == "jupyter":
        alt.renderers.enable("jupyter", offline=True)
    elif renderer == "html":
        alt.renderers.enable("html")
    else:
        raise ValueError(f"renderer: expected 'html' or 'jupyter', got {renderer!r}")
    alt.data_transformers.disable_max_rows()


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


def _title(title: str, subtitle: str | list[str] | None = None) -> alt.Title:
    """The title and subtitle wrapped to the width of the book's text column."""
    lines = _lines(title, TITLE_CHARS)
    kwargs: dict[str, Any] = {"subtitle": _lines(subtitle, SUBTITLE_CHARS)} if subtitle else {}
    return alt.Title(lines if len(lines) > 1 else lines[0], **kwargs)


def label_px(values) -> int:
    """The width an axis needs for the longest of ``values`` as labels (11 px font), in pixels."""
    return int(LABEL_PX * max((len(str(v)) for v in values), default=0)) + 12


def _fit(chart: alt.TopLevelMixin, height=None) -> alt.TopLevelMixin:
    """A single or layered chart sized to the book's width: Vega shrinks the plot so that the
    axes, legends and titles fit within :data:`WIDTH` too."""
    props = {"width": WIDTH, "autosize": alt.AutoSizeParams(type="fit-x", contains="padding")}
    if height is not None:
        props["height"] = height
    return chart.properties(**props)


def _finish(chart: alt.TopLevelMixin, description: str, data: Mapping[str, pd.DataFrame], label: str) -> Figure:
    if not description or len(description) < 20:
        raise ValueError("every chart needs a short text description (20+ characters)")
    return Figure(chart.properties(description=description), data, label)


def _verdict_color(title: str = "Verdict", present=None, field: str = "verdict") -> alt.Color:
    domain = [v for v in VERDICT_COLORS if present is None or v in set(present)]
    return alt.Color(
        f"{field}:N",
        title=title,
        scale=alt.Scale(domain=domain, range=[VERDICT_COLORS[v] for v in domain]),
        legend=alt.Legend(orient="bottom", columns=3),
    )


def score_intervals(table: pd.DataFrame, focus: str, title: str, description: str, columns: int = 3) -> Figure:
    """Score with its 95 % Wilson interval, one small panel per printed benchmark row, all on one
    shared score axis so that a wide interval looks wide. A cell the table footnotes as
    obtained in another setting carries ≠ beside its dot.

    ``table`` has columns ``row_label``, ``model``, ``model_name``, ``score``, ``low``, ``high``
    (blank where no interval can be computed), ``n_shown``, ``interval_note`` and ``footnote``.
    """
    data = table.dropna(subset=["score"]).copy()
    data["is_focus"] = data["model"] == focus
    data["interval"] = [
        formats.interval(lo, hi, signed=False) if pd.notna(lo) else note
        for lo, hi, note in zip(data["low"], data["high"], data["interval_note"])
    ]
    data["note"] = data["footnote"].fillna("")
    data["marked"] = ["≠" if note else "" for note in data["note"]]
    data = data[
        [
            "row_label",
            "model",
            "model_name",
            "is_focus",
            "score",
            "low",
            "high",
            "interval",
            "n_shown",
            "note",
            "marked",
        ]
    ]
    pick = alt.selection_point(fields=["model_name"], bind="legend", name="models")
    low = max(0.0, 10 * (min(data["low"].min(skipna=True), data["score"].min()) // 10))
    scale = alt.Scale(domain=[low, 100], nice=False, zero=False)
    # at most five ticks on a narrow panel, so the flushed end labels never run into their neighbours
    step = next(s for s in (10, 20, 25, 50) if (100 - low) / s <= 4)
    axis = alt.Axis(values=[v for v in range(int(100 - step * ((100 - low) // step)), 101, step)], labelFlush=True)
    # one model order in every panel (focus model first), so the labels are drawn once per row of panels
    order = list(dict.fromkeys([*data.loc[data["is_focus"], "model_name"], *data["model_name"]]))
    # as many columns as fit the book's width with every panel at least as wide as its header
    header = int(7.4 * data["row_label"].str.len().max()) + 8
    while columns > 1 and (WIDTH - label_px(order) - 16 - FACET_SPACING * (columns - 1)) / columns < header:
        columns -= 1
    panel = int((WIDTH - label_px(order) - FACET_SPACING * (columns - 1) - 16) / columns)
    color = alt.Color(
        "is_focus:N", scale=alt.Scale(domain=[True, False], range=[FOCUS_COLOR, OTHER_COLOR]), legend=None
    )
    base = alt.Chart().encode(
        y=alt.Y("model_name:N", title=None, sort=order),
        tooltip=[
            alt.Tooltip("model_name:N", title="Model"),
            alt.Tooltip("row_label:N", title="Benchmark"),
            alt.Tooltip("score:Q", title="Score (%)", format=".1f"),
            alt.Tooltip("interval:N", title="95 % interval (%)"),
            alt.Tooltip("n_shown:N", title="N behind the interval"),
            alt.Tooltip("note:N", title="Footnote"),
        ],
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
    )
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", title="Score (%)", scale=scale, axis=axis), x2="high:Q", color=color
    )
    dots = base.mark_point(filled=True, size=50).encode(
        x=alt.X("score:Q", scale=scale),
        color=color,
        shape=alt.Shape("model_name:N", title="Model (click to highlight)", sort=order, legend=alt.Legend(columns=2)),
    )
    marks = (
        base.transform_filter("datum.marked != ''")
        .mark_text(dx=10, fontSize=13, fontWeight="bold", color="#222")
        .encode(x=alt.X("score:Q", scale=scale), text="marked:N")
    )
    chart = (
        alt.layer(bars, dots, marks, data=data)
        .properties(width=panel, height=alt.Step(13))
        .facet(
            facet=alt.Facet(
                "row_label:N",
                title=None,
                sort=list(dict.fromkeys(data["row_label"])),
                header=alt.Header(labelFontWeight="bold"),
            ),
            columns=columns,
            spacing=FACET_SPACING,
        )
        .resolve_scale(x="shared", y="shared")
        .add_params(pick)
        .properties(
            title=_title(
                title,
                "Dots: published score. Lines: 95 % Wilson interval from the honest N for the metric "
                "(none where no N applies). Orange: the focus model. ≠ beside a dot: a cell the table "
                "footnotes as obtained in another setting. One score axis for all panels.",
            )
        )
    )
    return _finish(chart, description, {"scores": data.drop(columns=["is_focus"])}, title)


def verdict_matrix(h2h: pd.DataFrame, title: str, description: str) -> Figure:
    """The verdict for the focus model against each competitor on each row (from
    :func:`herd.method.compare.orient`, with ``competitor_name``). A cell the table footnotes as
    obtained in another setting carries ≠ after its gap."""
    data = h2h.copy()
    data["gap_text"] = [
        ("" if pd.isna(g) else formats.gap(g)) + ("" if like else " ≠") + (" ≈" if eq == "equivalent" else "")
        for g, like, eq in zip(data["gap"], data["like_for_like"], data["equivalence"])
    ]
    data["gap_interval"] = [
        ("" if pd.isna(lo) else f"{formats.interval(lo, hi)} ({formats.confidence(lvl)} interval)")
        for lo, hi, lvl in zip(data["gap_low"], data["gap_high"], data["level"])
    ]
    data["p_text"] = data["p_adjusted"].map(lambda p: "" if pd.isna(p) else formats.pvalue(p))
    data["setting"] = data["like_for_like"].map(
        {True: "same setting", False: "different prompting (footnote): not compared"}
    )
    data["text_color"] = data["difference"].map(VERDICT_TEXT)
    data["reason"] = data["reason"].fillna("")
    data = data[
        [
            "row_label",
            "competitor_name",
            "focus_score",
            "competitor_score",
            "gap",
            "gap_low",
            "gap_high",
            "gap_text",
            "gap_interval",
            "p_adjusted",
            "p_text",
            "difference",
            "equivalence",
            "reason",
            "setting",
            "text_color",
        ]
    ]
    order = list(dict.fromkeys(data["row_label"]))
    rivals = list(dict.fromkeys(data["competitor_name"]))  # the question's order (its parameter list), not A to Z
    enc = dict(
        x=alt.X("competitor_name:N", title="Competitor", sort=rivals, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("row_label:N", title=None, sort=order),
    )
    tooltip = [
        alt.Tooltip("row_label:N", title="Benchmark"),
        alt.Tooltip("competitor_name:N", title="Competitor"),
        alt.Tooltip("focus_score:Q", title="Focus score (%)", format=".1f"),
        alt.Tooltip("competitor_score:Q", title="Competitor score (%)", format=".1f"),
        alt.Tooltip("gap_text:N", title="Gap (points)"),
        alt.Tooltip("gap_interval:N", title="Interval of the gap"),
        alt.Tooltip("p_text:N", title="p adjusted"),
        alt.Tooltip("difference:N", title="Difference"),
        alt.Tooltip("equivalence:N", title="Equivalence (TOST)"),
        alt.Tooltip("reason:N", title="Why no test"),
        alt.Tooltip("setting:N", title="Setting"),
    ]
    cells = (
        alt.Chart()
        .mark_rect(stroke="white")
        .encode(
            **enc,
            color=_verdict_color("Difference for the focus model", present=data["difference"], field="difference"),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart()
        .mark_text(fontSize=11)
        .encode(
            **enc,
            text="gap_text:N",
            color=alt.Color("text_color:N", scale=None),
            tooltip=tooltip,
        )
    )
    chart = alt.layer(cells, labels, data=data).properties(
        width=alt.Step(72),
        height=alt.Step(24),
        title=_title(
            title,
            [
                "Cell text: gap in points (focus minus competitor); ≠ marks a cell the table footnotes as "
                "obtained in another setting; ≈ a gap shown equivalent within the margin (TOST), reported apart.",
                "Colour: the difference after the correction for many comparisons.",
            ],
        ),
    )
    return _finish(chart, description, {"comparisons": data.drop(columns=["text_color"])}, title)


TOST_WIDTH, TOST_OFFSET = 3, 4
"""The stroke of a gap chart's TOST interval and how far below the line of the difference it is drawn, in pixels: a
blue line of its own, so that neither hides the other."""
TOST_LEGEND = "TOST interval"
"""The gap chart's legend entry for the TOST line, under the title "Equivalence" (the subtitle says how it decides)."""

BAND_SHARE = 0.1
"""The least share of a gap chart's axis the ±margin band of equivalence takes: the axis is cut at
±margin / BAND_SHARE (±20 points for a 2-point margin) when the intervals run further."""


def gap_axis(lows, highs, margin: float, limit: float | None = None) -> float:
    """The half-width of a gap chart's axis, in points: the widest interval rounded up to 5 points, but no more
    than ``margin / BAND_SHARE``, so the ±margin band stays readable beside a very wide interval (a small test
    set), and never less than 1.5 margins, so the whole band shows with room on either side. ``limit`` overrides
    the first two rules, not the last."""
    if not margin > 0:
        raise ValueError(f"the equivalence margin must be positive, got {margin!r}")
    ends = np.abs(np.concatenate([np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)]))
    ends = ends[np.isfinite(ends)]
    if limit is None:
        widest = float(max(5.0, np.ceil(ends.max() / 5) * 5)) if len(ends) else 5.0
        limit = min(widest, margin / BAND_SHARE)
    return float(max(limit, 1.5 * margin))


def cut_labels(lows, highs, limit: float) -> tuple[list[str], list[str]]:
    """Where each interval ends beyond a gap chart's axis (±``limit``), as the chart writes it at the edge it
    crosses: ``to +41.9`` for an interval that runs past the edge, the whole interval (``+29.5 to +35.8``) for one
    that lies entirely beyond it, and an empty string for an edge it does not cross. Returns the labels of the
    left edge and of the right edge."""
    left, right = [], []
    for lo, hi in zip(lows, highs):
        whole = formats.interval(lo, hi)
        left.append("" if not lo < -limit else whole if hi < -limit else f"to {formats.gap(lo)}")
        right.append("" if not hi > limit else whole if lo > limit else f"to {formats.gap(hi)}")
    return left, right


def gap_intervals(
    h2h: pd.DataFrame,
    margin: float,
    title: str,
    description: str,
    limit: float | None = None,
    levels_note: str = "",
) -> Figure:
    """Each tested gap with its two intervals, one panel per competitor (in the order of the rows, the question's
    order) on a shared axis, with the ±margin band of equivalence and the line of no difference: the interval of the
    difference at the corrected level (a line in the colour of its verdict) and, just below it, the TOST interval
    (``eq_low`` to ``eq_high``, a blue line), which decides equivalence. The axis is :func:`gap_axis`
    (``limit`` overrides it); an interval of the difference that runs past it is cut at the edge, which then
    carries a triangle and where the interval ends (:func:`cut_labels`), and the subtitle says where the axis is
    cut (a TOST line is cut there too; its ends are in the tooltip). ``levels_note`` says what the levels make of
    the intervals of the difference together (:func:`herd.method.compare.levels_note`)."""
    data = h2h[h2h["difference"] != "no test"].copy()
    data["interval"] = [formats.interval(lo, hi) for lo, hi in zip(data["gap_low"], data["gap_high"])]
    data["confidence"] = data["level"].map(formats.confidence)
    data["eq_interval"] = [
        formats.interval(lo, hi, edges=(-margin, margin)) for lo, hi in zip(data["eq_low"], data["eq_high"])
    ]
    data["eq_confidence"] = [formats.confidence(2 * float(v)) for v in data["eq_level"]]
    limit = gap_axis(data["gap_low"], data["gap_high"], margin, limit)
    data["cut_left"], data["cut_right"] = cut_labels(data["gap_low"], data["gap_high"], limit)
    data["drawn_low"] = data["gap_low"].clip(-limit, limit)
    data["drawn_high"] = data["gap_high"].clip(-limit, limit)
    data["drawn_eq_low"] = data["eq_low"].clip(-limit, limit)
    data["drawn_eq_high"] = data["eq_high"].clip(-limit, limit)
    data = data[
        [
            "row_label",
            "competitor_name",
            "gap",
            "gap_low",
            "gap_high",
            "interval",
            "level",
            "confidence",
            "difference",
            "eq_low",
            "eq_high",
            "eq_interval",
            "eq_level",
            "eq_confidence",
            "equivalence",
            "drawn_low",
            "drawn_high",
            "drawn_eq_low",
            "drawn_eq_high",
            "cut_left",
            "cut_right",
        ]
    ]
    order = list(dict.fromkeys(h2h["row_label"]))
    rivals = list(dict.fromkeys(data["competitor_name"]))  # the question's order (its parameter list), not A to Z
    scale = alt.Scale(domain=[-limit, limit], nice=False)
    columns = 2 if data["competitor_name"].nunique() > 1 else 1
    header = int(7.4 * data["competitor_name"].str.len().max()) + 8 if len(data) else 0
    if columns == 2 and (WIDTH - label_px(order) - 16 - FACET_SPACING) / 2 < header:
        columns = 1
    panel = min(400, int((WIDTH - label_px(order) - FACET_SPACING * (columns - 1) - 16) / columns))
    y = alt.Y("row_label:N", title=None, sort=order)
    tooltip = [
        alt.Tooltip("row_label:N", title="Benchmark"),
        alt.Tooltip("competitor_name:N", title="Competitor"),
        alt.Tooltip("gap:Q", title="Gap (points)", format="+.1f"),
        alt.Tooltip("interval:N", title="Interval of the difference"),
        alt.Tooltip("confidence:N", title="Its confidence"),
        alt.Tooltip("difference:N", title="Difference"),
        alt.Tooltip("eq_interval:N", title="TOST interval"),
        alt.Tooltip("eq_confidence:N", title="Its confidence"),
        alt.Tooltip("equivalence:N", title="Equivalence (TOST)"),
    ]
    color = _verdict_color("Difference", present=data["difference"], field="difference")
    # one mark per panel: aggregate the panel's rows away, then draw at fixed values
    band = (
        alt.Chart()
        .transform_aggregate(rows="count()")
        .mark_rect(color="#2166ac", opacity=0.10)
        .encode(x=alt.datum(-margin, scale=scale), x2=alt.datum(margin))
    )
    zero = (
        alt.Chart()
        .transform_aggregate(rows="count()")
        .mark_rule(color="#555", strokeDash=[3, 3])
        .encode(x=alt.datum(0.0, scale=scale))
    )
    # the TOST line has a legend entry of its own, beside the colours of the difference
    tost = (
        alt.Chart()
        .transform_calculate(line=f"'{TOST_LEGEND}'")
        .mark_rule(strokeWidth=TOST_WIDTH, color=VERDICT_COLORS["equivalent"], yOffset=TOST_OFFSET)
        .encode(
            x=alt.X("drawn_eq_low:Q", title="Gap (points)", scale=scale),
            x2="drawn_eq_high:Q",
            y=y,
            opacity=alt.Opacity(
                "line:N",
                scale=alt.Scale(domain=[TOST_LEGEND], range=[0.75]),
                legend=alt.Legend(title="Equivalence", orient="bottom", symbolType="stroke"),
            ),
            tooltip=tooltip,
        )
    )
    rules_ = (
        alt.Chart()
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("drawn_low:Q", title="Gap (points)", scale=scale),
            x2="drawn_high:Q",
            y=y,
            color=color,
            tooltip=tooltip,
        )
    )
    dots = (
        alt.Chart()
        .transform_filter(f"abs(datum.gap) <= {limit}")
        .mark_point(filled=True, size=40)
        .encode(x=alt.X("gap:Q", scale=scale), y=y, color=color, tooltip=tooltip)
    )
    layers: list[alt.Chart] = [band, zero, tost, rules_, dots]
    for side, edge in (("left", -limit), ("right", limit)):
        crossing = alt.Chart().transform_filter(f"datum.cut_{side} != ''")
        layers.append(
            crossing.mark_point(shape=f"triangle-{side}", filled=True, size=45).encode(
                x=alt.datum(edge, scale=scale), y=y, color=color, tooltip=tooltip
            )
        )
        layers.append(
            crossing.mark_text(
                align="left" if side == "left" else "right",
                dx=7 if side == "left" else -7,
                dy=-6,
                fontSize=9,
                color="#333",
            ).encode(x=alt.datum(edge, scale=scale), y=y, text=f"cut_{side}:N")
        )
    cut = (data["cut_left"] != "") | (data["cut_right"] != "")
    step = 18 if cut.any() else 16  # room above a cut line for where it ends
    subtitle = [
        "Gap = focus minus competitor. Line in the colour of its verdict: the interval of the difference at the level "
        f"the corrected test uses, which excludes 0 exactly when the gap is resolved"
        f"{'; ' + levels_note if levels_note else ''}. "
        "Blue line just below it: the TOST interval at its own level (see the table), which decides equivalence: a gap "
        "is equivalent only "
        f"when the blue line lies inside the shaded band of ±{margin:g} points, whatever the other line does. "
        "Dashed: no difference.",
    ]
    if cut.any():
        n_cut = int(cut.sum())
        subtitle.append(
            f"The axis is cut at ±{limit:g} points so that the band stays readable: "
            + (
                "1 interval that runs past it ends in a triangle at the edge, labelled with where it ends."
                if n_cut == 1
                else f"{formats.count(n_cut)} intervals that run past it end in a triangle at the edge, labelled "
                "with where they end."
            )
        )
    subtitle.append("Comparisons without a test are left out (see the table).")
    chart = (
        alt.layer(*layers, data=data)
        .properties(width=panel, height=alt.Step(step))
        .facet(
            facet=alt.Facet("competitor_name:N", title=None, sort=rivals, header=alt.Header(labelFontWeight="bold")),
            columns=columns,
            spacing=FACET_SPACING,
        )
        .resolve_scale(x="shared", y="shared")
        .properties(title=_title(title, subtitle))
    )
    return _finish(chart, description, {"gaps": data}, title)


GROUP_COLORS = (
    "#1b7837",
    "#a6dba0",
    "#b2182b",
    "#f4a582",
    "#e6ab02",
    "#8c6bb1",
    "#6baed6",
    "#bfa37a",
    "#d9d9d9",
)


def verdict_summary(audit: pd.DataFrame, groups: Mapping[str, tuple[str, ...]], title: str, description: str) -> Figure:
    """Stacked bars: how many claims of each topic fall in each group of verdicts (``groups``: group
    name → its verdicts, in order; one distinct colour per group, the verdict itself in the tooltip)."""
    group_of = {v: g for g, members in groups.items() for v in members}
    data = (
        audit.assign(group=audit["verdict"].map(group_of))
        .groupby(["topic", "group", "verdict"], as_index=False)
        .agg(claims=("claim_id", "count"))
    )
    names = list(groups)
    if len(names) > len(GROUP_COLORS):
        raise ValueError(f"{len(names)} groups of verdicts but {len(GROUP_COLORS)} colours in GROUP_COLORS")
    order = [g for g in names if g in set(data["group"])]
    data["order"] = data["group"].map({g: i for i, g in enumerate(names)})
    totals = audit["topic"].value_counts()
    colors = dict(zip(names, GROUP_COLORS))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("topic:N", title="Topic of the claim", sort=list(totals.index)),
            x=alt.X("claims:Q", title="Number of claims", stack="zero"),
            color=alt.Color(
                "group:N",
                title="Verdict",
                scale=alt.Scale(domain=order, range=[colors[g] for g in order]),
                sort=order,
                legend=alt.Legend(columns=3),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("verdict:N", title="Verdict"),
                alt.Tooltip("claims:Q", title="Claims"),
            ],
        )
        .properties(
            height=alt.Step(28),
            title=_title(
                title,
                [
                    "Each claim is one number, comparison or statement the post makes.",
                    "Verdicts are computed from the data package.",
                ],
            ),
        )
    )
    chart = _fit(chart)
    return _finish(chart, description, {"claims": data}, title)


AXIS_TITLE_PX = 24  # an axis title beside its labels (12 px font and padding)
COVERAGE_LABEL_FONT = (7, 11)  # smallest and usual font (px) of the coverage matrix's model labels


def coverage_layout(models: int, benchmarks) -> dict[str, Any]:
    """How the coverage matrix fits ``models`` columns into the text column for any number of models:
    the model columns share what the benchmark labels leave of :data:`WIDTH`; their labels slant while
    a column is wide enough for a slanted label, stand upright when it is not, shrink their font to the
    column (down to :data:`COVERAGE_LABEL_FONT`'s smallest), and only beyond that does Vega drop the labels
    that would overlap (each column still names its model in its tooltip).

    Returns
    -------
    dict
        ``width`` (px of the model columns), ``step`` (px per column), ``angle``, ``font`` (px) and
        ``overlap`` (Vega's ``labelOverlap``).
    """
    width = WIDTH - label_px(benchmarks) - AXIS_TITLE_PX
    step = width / max(models, 1)
    smallest, usual = COVERAGE_LABEL_FONT
    font = max(smallest, min(usual, int(step) - 1))
    slanted = step >= 1.4 * usual  # a -50° label needs about font / sin 50° of width
    return {
        "width": width,
        "step": step,
        "angle": -50 if slanted else -90,
        "font": usual if slanted else font,
        "overlap": False if step >= smallest + 1 else "greedy",
    }


def coverage_matrix(cover: pd.DataFrame, title: str, description: str) -> Figure:
    """Models × benchmarks, coloured by which sources print a score for the pair; laid out by
    :func:`coverage_layout` so that it stays inside the text column however many models there are."""
    data = cover[
        ["model_name", "benchmark_name", "covered_by", "where", "printed", "model_order", "bench_order"]
    ].copy()
    models = list(dict.fromkeys(data.sort_values("model_order")["model_name"]))
    benchmarks = list(dict.fromkeys(data.sort_values("bench_order")["benchmark_name"]))
    layout = coverage_layout(len(models), benchmarks)
    chart = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "model_name:N",
                title="Model",
                sort=models,
                axis=alt.Axis(labelAngle=layout["angle"], labelFontSize=layout["font"], labelOverlap=layout["overlap"]),
            ),
            y=alt.Y("benchmark_name:N", title="Benchmark", sort=benchmarks),
            color=alt.Color("covered_by:N", title="Printed by"),
            tooltip=[
                alt.Tooltip("model_name:N", title="Model"),
                alt.Tooltip("benchmark_name:N", title="Benchmark"),
                alt.Tooltip("covered_by:N", title="Printed by"),
                alt.Tooltip("where:N", title="Where (source · table, page)"),
                alt.Tooltip("printed:Q", title="Printed scores"),
            ],
        )
        .properties(
            # a width, not a step, for the models: the columns narrow as models are added
            width=layout["width"],
            height=alt.Step(11),
            title=_title(title, "Hover a cell for the table and page that print it."),
        )
    )
    return _finish(chart, description, {"coverage": data.drop(columns=["model_order", "bench_order"])}, title)


def _size_axis(title: str, powers_only: bool = False, **kwargs) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=formats.vega_size_label(powers_only=powers_only), **kwargs)


def _power_axis(title: str, **kwargs) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=formats.vega_power_label(), **kwargs)


MODEL_SHAPES = [
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "triangle-down",
    "cross",
    "triangle-left",
    "triangle-right",
]


def scaling_curves(curves: pd.DataFrame, points: pd.DataFrame, title: str, description: str) -> Figure:
    """Compute-optimal tokens and parameters against FLOPs for each law (log–log), with
    the actual models marked and named. Click a legend entry to highlight a law."""
    curves = curves[["label", "flops", "tokens", "params"]].copy()
    curves["flops_text"] = curves["flops"].map(formats.scientific)
    curves["tokens_text"] = curves["tokens"].map(formats.size)
    curves["params_text"] = curves["params"].map(formats.size)
    points = points[["model", "flops", "tokens", "params"]].copy()
    points["flops_text"] = points["flops"].map(formats.scientific)
    points["tokens_text"] = points["tokens"].map(formats.tokens)
    points["params_text"] = points["params"].map(formats.params)
    models = list(dict.fromkeys(points["model"]))
    pick = alt.selection_point(fields=["label"], bind="legend", name="law")
    color = alt.Color("label:N", title="Law (click to highlight)", legend=alt.Legend(orient="bottom", columns=1))
    shape = alt.Shape(
        "model:N",
        title="Model as trained (C = 6·N·D)",
        sort=models,
        scale=alt.Scale(domain=models, range=MODEL_SHAPES[: len(models)]),
        legend=alt.Legend(orient="top", columns=2),
    )
    x = alt.X("flops:Q", scale=alt.Scale(type="log"), axis=_power_axis("Training compute C (FLOPs)"))

    def panel(field: str, axis_title: str, with_param: bool) -> alt.LayerChart | alt.FacetChart:
        lines = (
            alt.Chart(curves)
            .mark_line(strokeWidth=2)
            .encode(
                x=x,
                y=alt.Y(f"{field}:Q", scale=alt.Scale(type="log"), axis=_size_axis(axis_title, powers_only=True)),
                color=color,
                opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
                tooltip=[
                    alt.Tooltip("label:N", title="Law"),
                    alt.Tooltip("flops_text:N", title="FLOPs"),
                    alt.Tooltip(f"{field}_text:N", title=axis_title),
                ],
            )
        )
        if with_param:  # one selection, defined once, drives both panels
            lines = lines.add_params(pick)
        dots = (
            alt.Chart(points)
            .mark_point(size=110, filled=True, color="black")
            .encode(
                x="flops:Q",
                y=f"{field}:Q",
                shape=shape,
                tooltip=[
                    alt.Tooltip("model:N", title="Model"),
                    alt.Tooltip("flops_text:N", title="FLOPs (6·N·D)"),
                    alt.Tooltip("params_text:N", title="Parameters"),
                    alt.Tooltip("tokens_text:N", title="Tokens"),
                ],
            )
        )
        return alt.layer(lines, dots).properties(width=WIDTH - 100, height=240)

    chart = alt.vconcat(
        panel("tokens", "Compute-optimal training tokens", True), panel("params", "Compute-optimal parameters", False)
    ).properties(
        title=_title(
            title,
            "Lines: each law's compute-optimal allocation. Black marks: the models as trained, each with its own "
            "shape (C = 6·N·D); models the sources give the same size and tokens share a mark.",
        )
    )
    return _finish(chart, description, {"laws": curves, "models": points}, title)


def optimum_ratio(table: pd.DataFrame, title: str, description: str) -> Figure:
    """Tokens trained per compute-optimal token, per model and law (log scale, 1 = optimal)."""
    data = table[["model", "label", "token_ratio", "param_ratio"]].copy()
    x = alt.X("token_ratio:Q", title="Tokens trained ÷ compute-optimal tokens (log scale)", scale=alt.Scale(type="log"))
    laws = sorted(set(data["label"]))  # the legend's order
    points = (
        alt.Chart()
        .mark_point(filled=True, size=60)
        .encode(
            y=alt.Y("model:N", title=None),
            # each law on its own line within a model's band, so laws that agree do not hide each other
            yOffset=alt.YOffset("label:N", sort=laws, scale=alt.Scale(paddingInner=0.1)),
            x=x,
            color=alt.Color("label:N", title="Law", legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=[
                alt.Tooltip("model:N", title="Model"),
                alt.Tooltip("label:N", title="Law"),
                alt.Tooltip("token_ratio:Q", title="Tokens ÷ optimal tokens", format=",.2f"),
                alt.Tooltip("param_ratio:Q", title="Parameters ÷ optimal parameters", format=",.2f"),
            ],
        )
    )
    rule = (
        alt.Chart()
        .transform_aggregate(rows="count()")
        .mark_rule(strokeDash=[4, 3], color="#666")
        .encode(x=alt.datum(1.0))
    )
    chart = _fit(alt.layer(rule, points, data=data)).properties(
        height=data["model"].nunique() * max(40, 10 * len(laws)),
        title=_title(title, "Right of 1 (dashed): trained on more tokens than the law's optimum for the same compute."),
    )
    return _finish(chart, description, {"ratios": data}, title)


def alpha_sensitivity(curve: pd.DataFrame, bands: pd.DataFrame, title: str, subtitle: str, description: str) -> Figure:
    """Implied model size as a function of the exponent α, with rounding intervals shaded."""
    curve = curve[["alpha", "tokens", "params"]].copy()
    curve["tokens_text"] = curve["tokens"].map(formats.tokens)
    curve["params_text"] = curve["params"].map(formats.params)
    shade = (
        alt.Chart(bands)
        .mark_rect(opacity=0.18)
        .encode(
            x="from:Q",
            x2="to:Q",
            color=alt.Color("printing:N", title="Values that round to the printed α", legend=alt.Legend(columns=1)),
        )
    )
    line = (
        alt.Chart(curve)
        .mark_line(color="#333")
        .encode(
            x=alt.X("alpha:Q", title="Exponent α", scale=alt.Scale(zero=False)),
            y=alt.Y("params:Q", axis=_size_axis("Implied model size at the budget (parameters)")),
            tooltip=[
                alt.Tooltip("alpha:Q", title="α", format=".4f"),
                alt.Tooltip("tokens_text:N", title="Tokens"),
                alt.Tooltip("params_text:N", title="Parameters"),
            ],
        )
    )
    chart = _fit(alt.layer(shade, line), 260).properties(title=_title(title, subtitle))
    return _finish(chart, description, {"curve": curve, "rounding intervals": bands}, title)


def kv_memory(
    rows: pd.DataFrame,
    node_gb: float,
    default_model: str,
    title: str,
    description: str,
    default_weights: str = "bf16",
    default_cache: str = "bf16",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Weights plus KV cache (GB) against context length, with the node's memory as a
    rule. Dropdown: model, shown by its name in ``names`` (model key → name; the key where it has none);
    radios: weight precision (all BF16, or the paper's FP8 recipe) and KV-cache precision (BF16 or FP8);
    slider: batch size. ``rows`` has one row per (model, context) with ``weights_bytes_bf16``,
    ``weights_bytes_fp8_recipe``, ``kv_bytes_per_token_bf16`` and ``mha_kv_bytes_per_token_bf16``."""
    models = list(dict.fromkeys(rows["model"]))
    labels = [(names or {}).get(m, m) for m in models]
    model = alt.param(
        name="model", value=default_model, bind=alt.binding_select(options=models, labels=labels, name="Model ")
    )
    recipe = "FP8 recipe (paper §6.2)"
    weights = alt.param(
        name="weights",
        value=recipe if default_weights == "fp8-mixed" else "BF16",
        bind=alt.binding_radio(options=["BF16", recipe], name="Weights "),
    )
    cache = alt.param(
        name="cache", value=default_cache.upper(), bind=alt.binding_radio(options=["BF16", "FP8"], name="KV cache ")
    )
    batch = alt.param(
        name="batch", value=1, bind=alt.binding_range(min=1, max=64, step=1, name="Sequences in the batch ")
    )
    kv_factor = "(cache == 'FP8' ? 0.5 : 1)"
    gqa_name, mha_name = "grouped-query attention (8 KV heads)", "same model, one KV head per query head"
    node_name = f"one 8×H100-80GB node ({node_gb:,.0f} GB)"
    series = alt.Scale(domain=[gqa_name, mha_name, node_name], range=[OTHER_COLOR, FOCUS_COLOR, "#b2182b"])
    dashes = alt.Scale(domain=[gqa_name, mha_name, node_name], range=[[1, 0], [5, 3], [1, 0]])
    base = (
        alt.Chart()
        .transform_filter("datum.model == model")
        .transform_calculate(
            weights_gb="(weights == 'BF16' ? datum.weights_bytes_bf16 : datum.weights_bytes_fp8_recipe) / 1e9",
            kv_gb=f"datum.kv_bytes_per_token_bf16 * {kv_factor} * datum.context * batch / 1e9",
            mha_kv_gb=f"datum.mha_kv_bytes_per_token_bf16 * {kv_factor} * datum.context * batch / 1e9",
        )
        .transform_calculate(
            total_gb="datum.weights_gb + datum.kv_gb", mha_total_gb="datum.weights_gb + datum.mha_kv_gb"
        )
    )
    x = alt.X(
        "context:Q",
        title="Context length (tokens)",
        scale=alt.Scale(type="log", base=2),
        axis=alt.Axis(values=[1024, 4096, 16384, 65536, 131072], labelExpr="format(datum.value / 1024, ',') + 'K'"),
    )
    lines = (
        base.transform_fold(["total_gb", "mha_total_gb"], as_=["which", "gb"])
        .transform_calculate(
            series=f"datum.which == 'total_gb' ? '{gqa_name}' : '{mha_name}'",
            kv_shown="datum.which == 'total_gb' ? datum.kv_gb : datum.mha_kv_gb",
        )
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("gb:Q", title="Memory: weights + KV cache (GB)"),
            color=alt.Color("series:N", title=None, scale=series, legend=alt.Legend(orient="bottom", columns=1)),
            strokeDash=alt.StrokeDash("series:N", scale=dashes, legend=None),
            tooltip=[
                alt.Tooltip("series:N", title="Attention"),
                alt.Tooltip("context:Q", title="Context (tokens)", format=","),
                alt.Tooltip("weights_gb:Q", title="Weights (GB)", format=",.1f"),
                alt.Tooltip("kv_shown:Q", title="KV cache (GB)", format=",.1f"),
                alt.Tooltip("gb:Q", title="Total (GB)", format=",.1f"),
            ],
        )
    )
    node = (
        alt.Chart()
        .transform_aggregate(rows="count()")
        .transform_calculate(limit=f"'{node_name}'")
        .mark_rule(strokeWidth=2)
        .encode(
            y=alt.datum(node_gb), color=alt.datum(node_name), tooltip=[alt.Tooltip("limit:N", title="Memory limit")]
        )
    )
    chart = _fit(alt.layer(lines, node, data=rows).add_params(model, weights, cache, batch), 300).properties(
        title=_title(
            title,
            "Choose the model, the precision of the weights and of the KV cache, and the number of "
            "sequences below the chart.",
        )
    )
    return _finish(chart, description, {"memory": rows}, title)


def rope_bands(table: pd.DataFrame, title: str, description: str) -> Figure:
    """Wavelength of each rotary dimension pair before and after Llama 3.1's scaling, with the
    pre-training and extended context lengths drawn and named."""
    long = table.melt(
        id_vars=["pair", "band"],
        value_vars=["wavelength_before", "wavelength_after"],
        var_name="when",
        value_name="wavelength",
    )
    long["when"] = long["when"].map(
        {"wavelength_before": "base RoPE (θ = 500,000)", "wavelength_after": "with Llama 3.1 scaling"}
    )
    lengths = pd.DataFrame(
        {"tokens": [8192, 131072], "label": ["8K tokens (pre-training context)", "128K tokens (extended context)"]}
    )
    y = alt.Y(
        "wavelength:Q", scale=alt.Scale(type="log"), axis=_size_axis("Wavelength (tokens, log scale)", powers_only=True)
    )
    points = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("pair:Q", title="Rotary dimension pair (0 = fastest)"),
            y=y,
            color=alt.Color("when:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("pair:Q", title="Pair"),
                alt.Tooltip("when:N", title="RoPE"),
                alt.Tooltip("wavelength:Q", title="Wavelength (tokens)", format=",.0f"),
                alt.Tooltip("band:N", title="Band"),
            ],
        )
    )
    rules = (
        alt.Chart(lengths)
        .mark_rule(strokeDash=[4, 3], color="#666")
        .encode(y=alt.Y("tokens:Q"), tooltip=[alt.Tooltip("label:N", title="Context")])
    )
    names = (
        alt.Chart(lengths)
        .mark_text(align="left", dx=4, dy=-6, color="#444", fontSize=11)
        .encode(x=alt.datum(0), y=alt.Y("tokens:Q"), text="label:N")
    )
    chart = _fit(alt.layer(points, rules, names), 300).properties(
        title=_title(title, "Dashed: the context lengths of pre-training and of the extended model.")
    )
    return _finish(chart, description, {"wavelengths": long, "context lengths": lengths}, title)


def words_per_token(chunks: pd.DataFrame, title: str, description: str) -> Figure:
    """Words per token in every chunk of every text: the spread within and between texts."""
    data = chunks[["name", "kind", "words_per_token"]]
    chart = (
        alt.Chart(data)
        .mark_boxplot(extent="min-max", size=18)
        .encode(
            y=alt.Y(
                "name:N", title=None, sort=alt.EncodingSortField("words_per_token", op="median", order="descending")
            ),
            x=alt.X("words_per_token:Q", title="Words per token (chunks of 2,000 words)", scale=alt.Scale(zero=False)),
            color=alt.Color("kind:N", title="Kind of text"),
            tooltip=[alt.Tooltip("name:N", title="Text"), alt.Tooltip("kind:N", title="Kind")],
        )
        .properties(
            height=alt.Step(30),
            title=_title(
                title, "Boxes: the middle half of the chunks of each text; whiskers: the lowest and highest chunk."
            ),
        )
    )
    chart = _fit(chart)
    return _finish(chart, description, {"chunks": data}, title)


def score_distribution(
    scores: pd.DataFrame, value: str, value_title: str, title: str, description: str, group: str = "planted"
) -> Figure:
    """Histogram of a per-example contamination score, coloured by group."""
    chart = (
        alt.Chart(scores)
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X(f"{value}:Q", bin=alt.Bin(maxbins=25), title=value_title),
            y=alt.Y("count():Q", title="Benchmark examples", stack=True),
            color=alt.Color(f"{group}:N", title="Planted in the corpus"),
            tooltip=[alt.Tooltip(f"{group}:N", title="Planted"), alt.Tooltip("count():Q", title="Examples")],
        )
        .properties(title=_title(title))
    )
    return _finish(_fit(chart, 240), description, {"scores": scores}, title)


NULL_SETTING_COLORS = ("#9e9e9e", "#4c78a8")


def null_gains(quantiles: pd.DataFrame, reported: pd.DataFrame, title: str, description: str) -> Figure:
    """Chance 'gains' from threshold selection against the reported gain: per benchmark and setting
    of the null (``quantiles``: columns benchmark, setting, q05, q25, q50, q75, q95), a line from the
    5th to the 95th percentile, a box from the 25th to the 75th and a tick at the median, one row per
    setting; a diamond at ``critical`` when the quantiles carry it (the chance gain a reported gain must exceed
    to be beyond chance at its corrected level, :func:`herd.analyses.contamination.selection.side_by_side`); and the
    reported gain (``reported``: benchmark, gain, n)."""
    order = list(reported["benchmark"])
    settings = list(dict.fromkeys(quantiles["setting"]))
    marked = "critical" in quantiles
    data = quantiles[["benchmark", "setting", "q05", "q25", "q50", "q75", "q95", *(["critical"] if marked else [])]]
    if marked:  # no diamond where no gain can be beyond chance (too few draws for the level)
        data = data.assign(critical=data["critical"].where(np.isfinite(data["critical"].astype(float))))
    y = alt.Y("benchmark:N", title=None, sort=order)
    offset = alt.YOffset("setting:N", sort=settings)
    color = alt.Color(
        "setting:N",
        title="Models' answers",
        sort=settings,
        scale=alt.Scale(domain=settings, range=list(NULL_SETTING_COLORS[: len(settings)])),
        legend=alt.Legend(orient="bottom"),
    )
    tooltip = [
        alt.Tooltip("benchmark:N", title="Benchmark"),
        alt.Tooltip("setting:N", title="Models' answers"),
        alt.Tooltip("q05:Q", title="5th percentile", format="+.1f"),
        alt.Tooltip("q50:Q", title="Median chance gain", format="+.1f"),
        alt.Tooltip("q95:Q", title="95th percentile", format="+.1f"),
        *([alt.Tooltip("critical:Q", title="Gain to exceed at its corrected level", format="+.1f")] if marked else []),
    ]
    base = alt.Chart(data).encode(y=y, yOffset=offset, color=color, tooltip=tooltip)
    whisker = base.mark_rule().encode(x=alt.X("q05:Q", title="Estimated performance gain, 405B (points)"), x2="q95:Q")
    box = base.mark_bar(size=7).encode(x="q25:Q", x2="q75:Q")
    median = base.mark_tick(color="black", thickness=1.5, size=9).encode(x="q50:Q")
    layers = [whisker, box, median]
    if marked:
        layers.append(
            alt.Chart(data.dropna(subset=["critical"]))
            .mark_point(shape="diamond", filled=True, size=40, stroke="black", strokeWidth=0.8)
            .encode(y=y, yOffset=offset, x="critical:Q", color=color, tooltip=tooltip)
        )
    dots = (
        alt.Chart(reported[["benchmark", "gain", "n"]])
        .mark_point(filled=True, size=90, color=FOCUS_COLOR)
        .encode(
            y=alt.Y("benchmark:N", sort=order),
            x="gain:Q",
            tooltip=[
                alt.Tooltip("benchmark:N", title="Benchmark"),
                alt.Tooltip("gain:Q", title="Reported gain (points)", format="+.1f"),
                alt.Tooltip("n:Q", title="N used in the simulation", format=","),
            ],
        )
    )
    chart = _fit(alt.layer(*layers, dots)).properties(
        height=alt.Step(26),
        title=_title(
            title,
            "Lines: 5th to 95th percentile of the gains that picking the best threshold finds when contamination "
            "has no effect; boxes: 25th to 75th; ticks: median"
            + ("; diamonds: the gain to exceed at the corrected level" if marked else "")
            + ". Orange: the paper's Table 15.",
        ),
    )
    return _finish(
        chart, description, {"chance gains": data, "reported gains": reported[["benchmark", "gain", "n"]]}, title
    )


def figure4_runs(points: pd.DataFrame, title: str, description: str) -> Figure:
    """Chinchilla's training runs as read off its Figure 4: compute against model size (log–log),
    coloured by final loss; runs left out of the fit drawn as crosses."""
    data = points.assign(fit=points["excluded"].map({True: "left out (highest loss)", False: "used in the fit"}))
    data = data[["source_line", "parameters", "training_flops", "tokens", "loss", "fit"]].copy()
    data["parameters_text"] = data["parameters"].map(lambda v: formats.size(v, 1) if v < 1e9 else formats.size(v, 2))
    data["flops_text"] = data["training_flops"].map(lambda v: formats.scientific(v, 3))
    data["tokens_text"] = data["tokens"].map(lambda v: formats.size(v, 1))
    chart = (
        alt.Chart(data)
        .mark_point(size=45, filled=True)
        .encode(
            x=alt.X("training_flops:Q", scale=alt.Scale(type="log"), axis=_power_axis("Training compute C (FLOPs)")),
            y=alt.Y(
                "parameters:Q",
                scale=alt.Scale(type="log"),
                axis=_size_axis("Model size N (parameters)", powers_only=True),
            ),
            color=alt.Color(
                "loss:Q",
                title="Final loss (nats/token)",
                scale=alt.Scale(scheme="viridis", reverse=True),
                legend=alt.Legend(orient="right"),
            ),
            shape=alt.Shape(
                "fit:N",
                title=None,
                scale=alt.Scale(domain=["used in the fit", "left out (highest loss)"], range=["circle", "cross"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("source_line:Q", title="Line in Epoch AI's file"),
                alt.Tooltip("parameters_text:N", title="Parameters"),
                alt.Tooltip("flops_text:N", title="FLOPs"),
                alt.Tooltip("tokens_text:N", title="Tokens D = C/(6N)"),
                alt.Tooltip("loss:Q", title="Loss", format=".3f"),
                alt.Tooltip("fit:N", title="Fit"),
            ],
        )
        .properties(title=_title(title, "Each mark is one training run, placed where Figure 4 draws it."))
    )
    return _finish(_fit(chart, 300), description, {"runs": data}, title)


LOG_TICKS = (1, 2, 3, 5)
"""The multiples of each power of ten a log axis over less than two decades is labelled at."""


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values of a log axis from ``low`` to ``high``: each of :data:`LOG_TICKS` times a power of ten
    that falls inside, far enough apart on an axis of a decade or so that their labels never meet."""
    ticks = []
    for power in range(int(math.floor(math.log10(low))), int(math.ceil(math.log10(high))) + 1):
        ticks += [m * 10.0**power for m in LOG_TICKS if low <= m * 10.0**power <= high]
    return ticks


def labelled_rules(
    marks: pd.DataFrame, low: float, high: float, top: float, plot_px: float, margin: float = 1.25
) -> tuple[pd.DataFrame, float, float]:
    """Where the labels of vertical rules at ``marks["params"]`` go so that close rules can be told apart:
    each label on a row of its own above the highest bar (``top``), the leftmost rule's the highest, and
    written to the right of its rule, which ends at its label; so no label crosses another rule. Returns
    the marks with their label text (``text``) and height (``label_y``), and the axis's ends: ``low`` and
    ``high`` widened by ``margin`` (a factor) and until the rightmost label fits (``plot_px`` wide plot)."""
    marks = marks.sort_values("params", kind="stable").reset_index(drop=True)
    marks["text"] = [f"{label}: {formats.scaled(v, 'B', 0)}" for label, v in zip(marks["label"], marks["params"])]
    lo = min(low, float(marks["params"].min())) / margin
    hi = max(high, float(marks["params"].max())) * margin
    for x, text in zip(marks["params"], marks["text"]):  # each label must end inside the plot
        share = min((LABEL_PX * len(text) + 8) / plot_px, 0.9)
        hi = max(hi, math.exp((math.log(x) - share * math.log(lo)) / (1 - share)))
    rows = len(marks)
    marks["label_y"] = [top * (1.1 + 0.14 * (rows - 1 - k)) for k in range(rows)]
    return marks, lo, hi


def bootstrap_optimum(bins: pd.DataFrame, marks: pd.DataFrame, title: str, subtitle: str, description: str) -> Figure:
    """Histogram of the compute-optimal model size over bootstrap draws on a log axis (``bins``:
    columns low, high, draws), with vertical rules at ``marks`` (columns params, label: the
    interval's ends, the refit, the paper's prediction, the trained model), each labelled where it ends
    (:func:`labelled_rules`); the axis spans the draws and the marks, with a margin."""
    bins = bins.assign(low_text=bins["low"].map(formats.params), high_text=bins["high"].map(formats.params))
    drawn = bins[bins["draws"] > 0]
    top = float(bins["draws"].max())
    plot_px = WIDTH - 70  # the y axis and its title take the rest
    marks, lo, hi = labelled_rules(marks, float(drawn["low"].min()), float(drawn["high"].max()), top, plot_px)
    marks = marks.assign(params_text=marks["params"].map(lambda v: formats.scaled(v, "B", 0)))
    scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    x = alt.X(
        "low:Q",
        scale=scale,
        axis=_size_axis("Compute-optimal parameters N (log scale)", values=log_ticks(lo, hi)),
    )
    y_scale = alt.Scale(domain=[0, float(marks["label_y"].max()) * 1.06], nice=False)
    bars = (
        alt.Chart(bins)
        .mark_rect(color=OTHER_COLOR, opacity=0.7, clip=True)
        .encode(
            x=x,
            x2="high:Q",
            y=alt.Y("draws:Q", title="Bootstrap draws", scale=y_scale, axis=alt.Axis(values=_count_ticks(top))),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("low_text:N", title="From"),
                alt.Tooltip("high_text:N", title="To"),
                alt.Tooltip("draws:Q", title="Draws", format=","),
            ],
        )
    )
    order = list(marks["label"])
    color = alt.Color("label:N", sort=order, legend=None)
    tooltip = [alt.Tooltip("label:N", title="Mark"), alt.Tooltip("params_text:N", title="Parameters")]
    base = alt.Chart(marks).encode(x=alt.X("params:Q", scale=scale), color=color, tooltip=tooltip)
    rules = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("label_y:Q", scale=y_scale),
        y2=alt.datum(0),
        strokeDash=alt.StrokeDash("label:N", sort=order, legend=None),
    )
    labels = base.mark_text(align="left", baseline="middle", dx=4, fontSize=11).encode(
        y=alt.Y("label_y:Q", scale=y_scale), text="text:N"
    )
    chart = _fit(alt.layer(bars, rules, labels), 300).properties(title=_title(title, subtitle))
    return _finish(chart, description, {"draws": bins, "marks": marks}, title)


def _count_ticks(top: float) -> list[float]:
    """Round tick values from 0 to ``top`` (a count axis), about five of them."""
    step = 10.0 ** math.floor(math.log10(max(top, 1) / 5))
    step *= next(m for m in (1, 2, 5, 10) if top / (m * step) <= 6)
    return [k * step for k in range(int(top // step) + 1)]


def findings_summary(counts: pd.DataFrame, title: str, description: str) -> Figure:
    """The book's comparisons at a glance: for each question, how many gaps got each verdict
    (``counts``: columns question, verdict, comparisons, order, link)."""
    data = counts.copy()
    order = list(dict.fromkeys(data["question"]))
    present = [v for v in VERDICT_COLORS if v in set(data["verdict"])]
    data["rank"] = data["verdict"].map({v: i for i, v in enumerate(VERDICT_COLORS)})
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("question:N", title=None, sort=order),
            x=alt.X("comparisons:Q", title="Comparisons", stack="zero"),
            color=_verdict_color("Difference", present),
            order=alt.Order("rank:Q"),
            href="link:N",
            tooltip=[
                alt.Tooltip("question:N", title="Question"),
                alt.Tooltip("verdict:N", title="Difference"),
                alt.Tooltip("comparisons:Q", title="Comparisons"),
            ],
        )
        .properties(
            height=alt.Step(30),
            title=_title(
                title,
                "Each bar: every printed gap a chapter tests, by the difference after the correction for many "
                "comparisons; '· 1 ≈': gaps also shown equivalent within the margin, counted apart. Table 21 repeats "
                "some rows of Table 2; the post's bottom line is judged on Table 2's rows. Click a bar to open its "
                "chapter.",
            ),
        )
    )
    return _finish(_fit(chart), description, {"verdicts": data.drop(columns=["rank"])}, title)


def scan_sweep(rates: pd.DataFrame, title: str, description: str) -> Figure:
    """The scanner's MB/s per core against the benchmark's size, with the tokenize-all line
    (``rates``: examples, what, mb_per_s, share_tokenized; from herd.analyses.contamination.throughput.sweep_long)."""
    data = rates.copy()
    base = alt.Chart(data).encode(
        x=alt.X(
            "examples:Q",
            scale=alt.Scale(type="log"),
            title="Benchmark examples (log scale)",
            axis=alt.Axis(values=sorted(data["examples"].unique().tolist()), format=","),
        ),
        y=alt.Y("mb_per_s:Q", title="Corpus MB per second, one core"),
        color=alt.Color(
            "what:N", title=None, scale=alt.Scale(range=[FOCUS_COLOR, "#888888"]), legend=alt.Legend(orient="bottom")
        ),
        tooltip=[
            alt.Tooltip("what:N", title="What"),
            alt.Tooltip("examples:Q", title="Examples", format=","),
            alt.Tooltip("mb_per_s:Q", title="MB/s per core", format=".1f"),
            alt.Tooltip("share_tokenized:Q", title="Share of the corpus tokenized", format=".1%"),
        ],
    )
    chart = _fit(alt.layer(base.mark_line(), base.mark_point(filled=True, size=60)), 280).properties(
        title=_title(title, "Same run, interleaved, one core; the grey line tokenizes every document whole.")
    )
    return _finish(chart, description, {"rates": data}, title)
