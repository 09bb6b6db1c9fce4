"""The benchmarks chapter's charts: each published score with its interval (:func:`score_intervals`), the verdict
of each head-to-head comparison (:func:`verdict_matrix`), and each tested gap with the interval of the difference
and the TOST interval beside the band of equivalence (:func:`gap_intervals`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from herd.base import formats

from .figure import Figure, facet_layout, finish, one_mark, tally, verdict_color, wrapped_title
from .theme import FACET_SPACING, FOCUS_COLOR, OTHER_COLOR, VERDICT_COLORS, VERDICT_TEXT


def score_intervals(table: pd.DataFrame, focus: str, title: str, columns: int = 3) -> Figure:
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
    columns, panel = facet_layout(order, data["row_label"], columns)
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
            title=wrapped_title(
                title,
                "Dots: published score. Lines: 95 % Wilson interval from the honest N for the metric "
                "(none where no N applies). Orange: the focus model. ≠ beside a dot: a cell the table "
                "footnotes as obtained in another setting. One score axis for all panels.",
            )
        )
    )
    return finish(chart, _scores_summary(data), {"scores": data.drop(columns=["is_focus"])}, title)


def _scores_summary(data: pd.DataFrame) -> str:
    """What a chart of scores shows, in a sentence: how many scores, models and rows, and where the focus model
    scores highest."""
    rows = data["row_label"].nunique()
    summary = (
        f"{formats.noun(len(data), 'published score')} of {formats.noun(data['model_name'].nunique(), 'model')} "
        f"on {formats.noun(rows, 'benchmark row')}, {formats.noun(data['low'].notna().sum(), 'score')} with an interval"
    )
    focus = data[data["is_focus"]]
    if len(focus):
        best = data.groupby("row_label")["score"].transform("max")
        top = data.loc[data["is_focus"] & (data["score"] == best), "row_label"].nunique()
        summary += f"; {focus['model_name'].iloc[0]} scores highest on {top} of the {rows} rows"
    return summary


def verdict_matrix(h2h: pd.DataFrame, title: str) -> Figure:
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
            color=verdict_color("Difference for the focus model", present=data["difference"], field="difference"),
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
        title=wrapped_title(
            title,
            [
                "Cell text: gap in points (focus minus competitor); ≠ marks a cell the table footnotes as "
                "obtained in another setting; ≈ a gap shown equivalent within the margin (TOST), reported apart.",
                "Colour: the difference after the correction for many comparisons.",
            ],
        ),
    )
    summary = (
        f"{formats.noun(len(data), 'comparison')} of the focus model with "
        f"{formats.noun(len(rivals), 'competitor')} on {formats.noun(len(order), 'benchmark row')}: "
        + tally(data["difference"], list(VERDICT_COLORS))
    )
    return finish(chart, summary, {"comparisons": data.drop(columns=["text_color"])}, title)


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
    the intervals of the difference together (:func:`herd.presentation.compare_text.levels_note`)."""
    data, limit = _gap_rows(h2h, margin, limit)
    order = list(dict.fromkeys(h2h["row_label"]))
    rivals = list(dict.fromkeys(data["competitor_name"]))  # the question's order (its parameter list), not A to Z
    columns, panel = facet_layout(order, data["competitor_name"], 2 if data["competitor_name"].nunique() > 1 else 1)
    cut = int(((data["cut_left"] != "") | (data["cut_right"] != "")).sum())
    chart = (
        alt.layer(*_gap_layers(data, margin, limit, order), data=data)
        .properties(width=min(400, panel), height=alt.Step(18 if cut else 16))  # room above a cut line for its end
        .facet(
            facet=alt.Facet("competitor_name:N", title=None, sort=rivals, header=alt.Header(labelFontWeight="bold")),
            columns=columns,
            spacing=FACET_SPACING,
        )
        .resolve_scale(x="shared", y="shared")
        .properties(title=wrapped_title(title, _gap_subtitle(margin, limit, cut, levels_note)))
    )
    summary = (
        f"{formats.noun(len(data), 'tested gap')} against {formats.noun(len(rivals), 'competitor')}: "
        f"{tally(data['difference'], list(VERDICT_COLORS))}; "
        f"{(data['equivalence'] == 'equivalent').sum()} shown equivalent within ±{formats.number(margin)} points"
    )
    return finish(chart, summary, {"gaps": data}, title)


def _gap_rows(h2h: pd.DataFrame, margin: float, limit: float | None) -> tuple[pd.DataFrame, float]:
    """The rows a gap chart draws (the tested gaps, their intervals written out and drawn within the axis, where
    each is cut) and the half-width of its axis (:func:`gap_axis`)."""
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
    columns = [
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
    return data[columns], limit


def _gap_layers(data: pd.DataFrame, margin: float, limit: float, order: list) -> list[alt.Chart]:
    """The layers of a gap chart's panel, bottom to top: the ±margin band and the line of no difference, the TOST
    line, the interval of the difference and its dot, and at each edge of the axis the triangles and labels of the
    intervals cut there."""
    scale = alt.Scale(domain=[-limit, limit], nice=False)
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
    color = verdict_color("Difference", present=data["difference"], field="difference")
    band = (
        one_mark()
        .mark_rect(color=VERDICT_COLORS["equivalent"], opacity=0.10)
        .encode(x=alt.datum(-margin, scale=scale), x2=alt.datum(margin))
    )
    zero = one_mark().mark_rule(color="#555", strokeDash=[3, 3]).encode(x=alt.datum(0.0, scale=scale))
    difference = (
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
    layers = [band, zero, _tost_line(scale, y, tooltip), difference, dots]
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
    return layers


def _tost_line(scale: alt.Scale, y: alt.Y, tooltip: list) -> alt.Chart:
    """A gap chart's TOST interval: a blue line just below the interval of the difference, with a legend entry of
    its own (:data:`TOST_LEGEND`) beside the colours of the difference."""
    return (
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


def _gap_subtitle(margin: float, limit: float, cut: int, levels_note: str) -> list[str]:
    """What a gap chart's lines mean, where its axis is cut when ``cut`` intervals run past it, and what it leaves
    out."""
    subtitle = [
        "Gap = focus minus competitor. Line in the colour of its verdict: the interval of the difference at the level "
        f"the corrected test uses, which excludes 0 exactly when the gap is resolved"
        f"{'; ' + levels_note if levels_note else ''}. "
        "Blue line just below it: the TOST interval at its own level (see the table), which decides equivalence: a gap "
        "is equivalent only "
        f"when the blue line lies inside the shaded band of ±{margin:g} points, whatever the other line does. "
        "Dashed: no difference.",
    ]
    if cut:
        subtitle.append(
            f"The axis is cut at ±{limit:g} points so that the band stays readable: "
            + (
                "1 interval that runs past it ends in a triangle at the edge, labelled with where it ends."
                if cut == 1
                else f"{formats.count(cut)} intervals that run past it end in a triangle at the edge, labelled "
                "with where they end."
            )
        )
    subtitle.append("Comparisons without a test are left out (see the table).")
    return subtitle
