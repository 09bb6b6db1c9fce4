"""The book's one Altair theme and the chart builders chapters share.

Every chart has a title, axis titles with units, a tooltip and a short text
description (used as the chart's accessible description and shown as its caption).
In the book, charts render through Altair's ``html`` renderer against the vega scripts
vendored into ``_static/vendor`` (see :mod:`herd.vendor`); inside Jupyter, through
Altair's widget renderer, offline (see :func:`chart_renderer`).
"""
from __future__ import annotations

import importlib.util
import os
import warnings
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

THEME = "herd"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
VERDICT_COLORS = {"ahead": "#1b7837", "behind": "#b2182b", "equivalent": "#2166ac", "not resolved": "#bdbdbd", "no test": "#efe7d4"}
VERDICT_TEXT = {"ahead": "white", "behind": "white", "equivalent": "white", "not resolved": "#222", "no test": "#222"}
FOCUS_COLOR = "#d95f02"
OTHER_COLOR = "#4c78a8"


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 320},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eee", "domainColor": "#888"},
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "titleLimit": 400, "labelLimit": 300},
            "range": {"category": ["#4c78a8", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#17becf", "#bcbd22"]},
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


def use_theme(renderer: str | None = None) -> None:
    """Enable the theme and the renderer (:func:`chart_renderer` unless given)."""
    renderer = renderer or chart_renderer()
    alt.theme.enable(THEME)
    if renderer == "jupyter":
        alt.renderers.enable("jupyter", offline=True)
    elif renderer == "html":
        alt.renderers.enable("html")
    else:
        raise ValueError(f"renderer: expected 'html' or 'jupyter', got {renderer!r}")
    alt.data_transformers.disable_max_rows()


def _describe(chart: alt.TopLevelMixin, description: str) -> alt.TopLevelMixin:
    if not description or len(description) < 20:
        raise ValueError("every chart needs a short text description (20+ characters)")
    return chart.properties(description=description)


def score_intervals(table: pd.DataFrame, focus: str, title: str, description: str, columns: int = 3) -> alt.FacetChart:
    """Score with its 95 % Wilson interval, one small panel per printed benchmark row, all on one
    score axis so that a wide interval looks wide.

    ``table`` has columns ``row_label``, ``model``, ``model_name``, ``score``, ``low``, ``high``
    (blank where no interval can be computed), ``interval_note`` and ``footnote``.
    """
    data = table.dropna(subset=["score"]).copy()
    data["is_focus"] = data["model"] == focus
    data["interval"] = [f"{lo:.1f}–{hi:.1f}" if pd.notna(lo) else note
                        for lo, hi, note in zip(data["low"], data["high"], data["interval_note"])]
    data["note"] = data["footnote"].fillna("")
    pick = alt.selection_point(fields=["model_name"], bind="legend", name="models")
    low = max(0.0, 10 * (min(data["low"].min(skipna=True), data["score"].min()) // 10))
    scale = alt.Scale(domain=[low, 100], nice=False, zero=False)
    # one model order in every panel (focus model first), so the labels are drawn once per row of panels
    order = list(dict.fromkeys([*data.loc[data["is_focus"], "model_name"], *data["model_name"]]))
    base = alt.Chart(data).encode(
        y=alt.Y("model_name:N", title=None, sort=order, axis=alt.Axis(labelLimit=200)),
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
        x=alt.X("low:Q", title="Score (%)", scale=scale),
        x2="high:Q",
        color=alt.Color("is_focus:N", scale=alt.Scale(domain=[True, False], range=[FOCUS_COLOR, OTHER_COLOR]), legend=None),
    )
    dots = base.mark_point(filled=True, size=50).encode(
        x=alt.X("score:Q", scale=scale),
        color=alt.Color("is_focus:N", scale=alt.Scale(domain=[True, False], range=[FOCUS_COLOR, OTHER_COLOR]), legend=None),
        shape=alt.Shape("model_name:N", title="Model (click to highlight)", legend=alt.Legend(columns=3, labelLimit=250)),
    )
    chart = (
        alt.layer(bars, dots, data=data)
        .properties(width=150, height=alt.Step(13))
        .facet(
            facet=alt.Facet("row_label:N", title=None, sort=list(dict.fromkeys(data["row_label"])),
                            header=alt.Header(labelFontWeight="bold", labelLimit=200)),
            columns=columns,
        )
        .add_params(pick)
        .properties(title=alt.Title(title, subtitle=["Dots: published score. Lines: 95 % Wilson interval from the honest N for the",
                                                     "metric (none where no N applies). Orange: focus model. One score axis for all panels."]))
    )
    return _describe(chart, description)


def verdict_matrix(h2h: pd.DataFrame, title: str, description: str) -> alt.LayerChart:
    """The verdict for the focus model against each competitor on each row (from
    :func:`herd.compare.orient`, with ``competitor_name``)."""
    data = h2h.copy()
    data["gap_text"] = [("" if pd.isna(g) else f"{g:+.1f}") + ("" if like else " ≠")
                        for g, like in zip(data["gap"], data["like_for_like"])]
    data["gap_interval"] = [("" if pd.isna(lo) else f"{lo:+.1f} to {hi:+.1f} (level {lvl:.2g})")
                            for lo, hi, lvl in zip(data["gap_low"], data["gap_high"], data["level"])]
    data["setting"] = data["like_for_like"].map({True: "same setting", False: "different prompting (footnote): not compared"})
    data["text_color"] = data["verdict"].map(VERDICT_TEXT)
    order = list(dict.fromkeys(data["row_label"]))
    enc = dict(
        x=alt.X("competitor_name:N", title="Competitor", axis=alt.Axis(labelAngle=-30, labelLimit=200)),
        y=alt.Y("row_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
    )
    tooltip = [
        alt.Tooltip("row_label:N", title="Benchmark"),
        alt.Tooltip("competitor_name:N", title="Competitor"),
        alt.Tooltip("focus_score:Q", title="Focus score (%)", format=".1f"),
        alt.Tooltip("competitor_score:Q", title="Competitor score (%)", format=".1f"),
        alt.Tooltip("gap:Q", title="Gap (points)", format="+.1f"),
        alt.Tooltip("gap_interval:N", title="Interval of the gap (corrected level)"),
        alt.Tooltip("p_adjusted:Q", title="p adjusted", format=".2g"),
        alt.Tooltip("verdict:N", title="Verdict"),
        alt.Tooltip("reason:N", title="Why no test"),
        alt.Tooltip("setting:N", title="Setting"),
    ]
    cells = alt.Chart(data).mark_rect(stroke="white").encode(
        **enc,
        color=alt.Color("verdict:N", title="Verdict for the focus model",
                        scale=alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))),
        tooltip=tooltip,
    )
    labels = alt.Chart(data).mark_text(fontSize=11).encode(
        **enc, text="gap_text:N", color=alt.Color("text_color:N", scale=None), tooltip=tooltip,
    )
    chart = (cells + labels).properties(
        width=alt.Step(72), height=alt.Step(24),
        title=alt.Title(title, subtitle=["Cell text: gap in points (focus minus competitor); ≠ marks a cell the table footnotes "
                                         "as obtained in another setting.",
                                         "Colour: verdict after the correction for many comparisons."]),
    )
    return _describe(chart, description)


def gap_intervals(h2h: pd.DataFrame, margin: float, title: str, description: str) -> alt.FacetChart:
    """Each tested gap with its interval at the corrected level, one panel per competitor on a
    shared axis, with the ±margin band of equivalence and the line of no difference."""
    data = h2h[h2h["verdict"] != "no test"].copy()
    data["interval"] = [f"{lo:+.1f} to {hi:+.1f}" for lo, hi in zip(data["gap_low"], data["gap_high"])]
    order = list(dict.fromkeys(h2h["row_label"]))
    lim = float(max(5.0, np.ceil(max(data["gap_high"].abs().max(), data["gap_low"].abs().max()) / 5) * 5)) if len(data) else 5.0
    scale = alt.Scale(domain=[-lim, lim], nice=False)
    y = alt.Y("row_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    tooltip = [alt.Tooltip("row_label:N", title="Benchmark"), alt.Tooltip("competitor_name:N", title="Competitor"),
               alt.Tooltip("gap:Q", title="Gap (points)", format="+.1f"), alt.Tooltip("interval:N", title="Interval"),
               alt.Tooltip("level:Q", title="Level of the interval (alpha)", format=".2g"),
               alt.Tooltip("verdict:N", title="Verdict")]
    color = alt.Color("verdict:N", title="Verdict", scale=alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values())))
    # one mark per panel: aggregate the panel's rows away, then draw at fixed values
    band = alt.Chart().transform_aggregate(rows="count()").mark_rect(color="#2166ac", opacity=0.10).encode(
        x=alt.datum(-margin, scale=scale), x2=alt.datum(margin))
    zero = alt.Chart().transform_aggregate(rows="count()").mark_rule(color="#555", strokeDash=[3, 3]).encode(
        x=alt.datum(0.0, scale=scale))
    rules_ = alt.Chart().mark_rule(strokeWidth=2).encode(
        x=alt.X("gap_low:Q", title="Gap (points)", scale=scale),
        x2="gap_high:Q", y=y, color=color, tooltip=tooltip)
    dots = alt.Chart().mark_point(filled=True, size=40).encode(x=alt.X("gap:Q", scale=scale), y=y, color=color, tooltip=tooltip)
    chart = alt.layer(band, zero, rules_, dots, data=data).properties(width=230, height=alt.Step(16)).facet(
        facet=alt.Facet("competitor_name:N", title=None, header=alt.Header(labelFontWeight="bold", labelLimit=240)),
        columns=2,
    ).properties(title=alt.Title(title, subtitle=["Gap = focus minus competitor. Lines: its interval at the level the corrected test uses,",
                                                  f"which excludes 0 exactly when the verdict is ahead or behind. Shaded: ±{margin:g} points.",
                                                  "Comparisons without a test are left out (see the table)."]))
    return _describe(chart, description)


AUDIT_COLORS = {
    "correct": "#1b7837", "correct, within noise": "#a6dba0", "imprecise": "#d9f0d3", "overstated": "#fee08b",
    "misleading: leaves out the leader": "#e6ab02", "misleading: unlike settings": "#fdae61", "not resolved": "#bdbdbd",
    "wrong order": "#d95f02", "wrong number": "#b2182b", "contradicted": "#67001f", "not checkable": "#efe7d4",
}


def verdict_summary(audit: pd.DataFrame, title: str, description: str) -> alt.Chart:
    """Stacked bars: how many claims of each topic got each verdict."""
    data = audit.groupby(["topic", "verdict"], as_index=False).agg(claims=("claim_id", "count"))
    order = [v for v in AUDIT_COLORS if v in set(data["verdict"])]
    data["order"] = data["verdict"].map({v: i for i, v in enumerate(AUDIT_COLORS)})
    totals = audit["topic"].value_counts()
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("topic:N", title="Topic of the claim", sort=list(totals.index)),
        x=alt.X("claims:Q", title="Number of claims", stack="zero"),
        color=alt.Color("verdict:N", title="Verdict", scale=alt.Scale(domain=order, range=[AUDIT_COLORS[v] for v in order]),
                        sort=order),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("topic:N", title="Topic"), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("claims:Q", title="Claims")],
    ).properties(width=520, height=alt.Step(28), title=alt.Title(title, subtitle="Each claim is one number or one comparison the post states; verdicts are computed from the data package."))
    return _describe(chart, description)


def coverage_matrix(cover: pd.DataFrame, title: str, description: str) -> alt.Chart:
    """Models × benchmarks, coloured by which sources print a score for the pair."""
    data = cover.copy()
    chart = alt.Chart(data).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("model_name:N", title="Model", sort=list(dict.fromkeys(data.sort_values("model_order")["model_name"])),
                axis=alt.Axis(labelAngle=-50, labelLimit=220)),
        y=alt.Y("benchmark_name:N", title="Benchmark", sort=list(dict.fromkeys(data.sort_values("bench_order")["benchmark_name"])),
                axis=alt.Axis(labelLimit=220)),
        color=alt.Color("covered_by:N", title="Printed by"),
        tooltip=[alt.Tooltip("model_name:N", title="Model"), alt.Tooltip("benchmark_name:N", title="Benchmark"),
                 alt.Tooltip("covered_by:N", title="Printed by"), alt.Tooltip("where:N", title="Where (source · table, page)"),
                 alt.Tooltip("printed:Q", title="Printed scores")],
    ).properties(width=alt.Step(16), height=alt.Step(11), title=alt.Title(title, subtitle="Hover a cell for the table and page that print it."))
    return _describe(chart, description)


def scaling_curves(curves: pd.DataFrame, points: pd.DataFrame, title: str, description: str) -> alt.VConcatChart:
    """Compute-optimal tokens and parameters against FLOPs for each law (log–log), with
    the actual models marked. Click a legend entry to highlight a law."""
    pick = alt.selection_point(fields=["label"], bind="legend", name="law")
    color = alt.Color("label:N", title="Law (click to highlight)", legend=alt.Legend(orient="bottom", columns=2, labelLimit=420))
    x = alt.X("flops:Q", title="Training compute C (FLOPs)", scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e"))

    def panel(field: str, axis_title: str, with_param: bool) -> alt.LayerChart:
        lines = alt.Chart(curves).mark_line(strokeWidth=2).encode(
            x=x, y=alt.Y(f"{field}:Q", title=axis_title, scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e")),
            color=color, opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
            tooltip=[alt.Tooltip("label:N", title="Law"), alt.Tooltip("flops:Q", title="FLOPs", format=".2e"),
                     alt.Tooltip(f"{field}:Q", title=axis_title, format=".3s")],
        )
        if with_param:  # one selection, defined once, drives both panels
            lines = lines.add_params(pick)
        dots = alt.Chart(points).mark_point(size=110, filled=True, color="black").encode(
            x="flops:Q", y=f"{field}:Q",
            shape=alt.Shape("model:N", title="Llama 3.1 as trained", scale=alt.Scale(range=["circle", "square", "diamond"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("flops:Q", title="FLOPs (6·N·D)", format=".2e"),
                     alt.Tooltip("params:Q", title="Parameters", format=".3s"), alt.Tooltip("tokens:Q", title="Tokens", format=".3s")],
        )
        return alt.layer(lines, dots).properties(width=520, height=240)

    chart = alt.vconcat(panel("tokens", "Compute-optimal training tokens", True), panel("params", "Compute-optimal parameters", False)).properties(
        title=alt.Title(title, subtitle="Lines: each law's compute-optimal allocation. Black marks: the Llama 3.1 models as trained (C = 6·N·D)."))
    return _describe(chart, description)


def optimum_ratio(table: pd.DataFrame, title: str, description: str) -> alt.Chart:
    """Tokens trained per compute-optimal token, per model and law (log scale, 1 = optimal)."""
    chart = alt.Chart(table).mark_point(filled=True, size=80).encode(
        y=alt.Y("model:N", title=None),
        x=alt.X("token_ratio:Q", title="Training tokens ÷ compute-optimal tokens (log scale; 1 = optimal)", scale=alt.Scale(type="log")),
        color=alt.Color("label:N", title="Law", legend=alt.Legend(orient="bottom", columns=2, labelLimit=420)),
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("label:N", title="Law"),
                 alt.Tooltip("token_ratio:Q", title="Tokens ÷ optimal tokens", format=".2f"),
                 alt.Tooltip("param_ratio:Q", title="Parameters ÷ optimal parameters", format=".2f")],
    ).properties(width=520, height=alt.Step(40), title=alt.Title(title, subtitle="Right of 1: trained on more tokens than the law's optimum for the same compute."))
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3], color="#666").encode(x="x:Q")
    return _describe(alt.layer(rule, chart), description)


def alpha_sensitivity(curve: pd.DataFrame, bands: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.LayerChart:
    """Implied model size as a function of the exponent α, with rounding intervals shaded."""
    shade = alt.Chart(bands).mark_rect(opacity=0.18).encode(
        x="from:Q", x2="to:Q", color=alt.Color("printing:N", title="Values that round to the printed α"))
    line = alt.Chart(curve).mark_line(color="#333").encode(
        x=alt.X("alpha:Q", title="Exponent α", scale=alt.Scale(zero=False)),
        y=alt.Y("params:Q", title="Implied model size at the budget (parameters)", axis=alt.Axis(format=".3s")),
        tooltip=[alt.Tooltip("alpha:Q", title="α", format=".4f"), alt.Tooltip("tokens:Q", title="Tokens", format=".3s"),
                 alt.Tooltip("params:Q", title="Parameters", format=".3s")])
    return _describe(alt.layer(shade, line).properties(width=520, height=260, title=alt.Title(title, subtitle=subtitle)), description)


def kv_memory(rows: pd.DataFrame, node_gb: float, default_model: str, title: str, description: str) -> alt.LayerChart:
    """Weights plus KV cache (GB) against context length, with the node's memory as a
    rule. Dropdown: model; radio: precision; slider: batch size. ``rows`` has one row per
    (model, context) with ``kv_bytes_per_token_bf16`` and ``weights_bytes_bf16``."""
    models = list(dict.fromkeys(rows["model"]))
    model = alt.param(name="model", value=default_model, bind=alt.binding_select(options=models, name="Model "))
    precision = alt.param(name="precision", value="bf16", bind=alt.binding_radio(options=["bf16", "fp8"], name="Precision "))
    batch = alt.param(name="batch", value=1, bind=alt.binding_range(min=1, max=64, step=1, name="Sequences in the batch "))
    factor = "(precision == 'fp8' ? 0.5 : 1)"
    base = alt.Chart(rows).transform_filter("datum.model == model").transform_calculate(
        weights_gb=f"datum.weights_bytes_bf16 * {factor} / 1e9",
        kv_gb=f"datum.kv_bytes_per_token_bf16 * {factor} * datum.context * batch / 1e9",
        mha_kv_gb=f"datum.mha_kv_bytes_per_token_bf16 * {factor} * datum.context * batch / 1e9",
    ).transform_calculate(total_gb="datum.weights_gb + datum.kv_gb", mha_total_gb="datum.weights_gb + datum.mha_kv_gb")
    x = alt.X("context:Q", title="Context length (tokens)", scale=alt.Scale(type="log", base=2), axis=alt.Axis(values=[1024, 4096, 16384, 65536, 131072]))
    gqa = base.mark_line(strokeWidth=3, color=OTHER_COLOR).encode(
        x=x, y=alt.Y("total_gb:Q", title="Memory: weights + KV cache (GB)"),
        tooltip=[alt.Tooltip("context:Q", title="Context (tokens)", format=","), alt.Tooltip("weights_gb:Q", title="Weights (GB)", format=".1f"),
                 alt.Tooltip("kv_gb:Q", title="KV cache, grouped-query (GB)", format=".1f"), alt.Tooltip("total_gb:Q", title="Total (GB)", format=".1f")])
    mha = base.mark_line(strokeDash=[5, 3], color=FOCUS_COLOR).encode(
        x=x, y="mha_total_gb:Q",
        tooltip=[alt.Tooltip("context:Q", title="Context (tokens)", format=","), alt.Tooltip("mha_kv_gb:Q", title="KV cache, multi-head baseline (GB)", format=".1f"),
                 alt.Tooltip("mha_total_gb:Q", title="Total with multi-head (GB)", format=".1f")])
    node = alt.Chart(pd.DataFrame({"gb": [node_gb]})).mark_rule(color="#b2182b").encode(
        y="gb:Q", tooltip=[alt.Tooltip("gb:Q", title="One 8-GPU node (GB)")])
    chart = alt.layer(gqa, mha, node).add_params(model, precision, batch).properties(
        width=520, height=300, title=alt.Title(title, subtitle="Solid: grouped-query attention (8 KV heads). Dashed: same model with one KV head per query head. Red: one 8×H100-80GB node."))
    return _describe(chart, description)


def rope_bands(table: pd.DataFrame, title: str, description: str) -> alt.LayerChart:
    """Wavelength of each rotary dimension pair before and after Llama 3.1's scaling."""
    long = table.melt(id_vars=["pair", "band"], value_vars=["wavelength_before", "wavelength_after"], var_name="when", value_name="wavelength")
    long["when"] = long["when"].map({"wavelength_before": "base RoPE (θ = 500,000)", "wavelength_after": "with Llama 3.1 scaling"})
    points = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("pair:Q", title="Rotary dimension pair (0 = fastest)"),
        y=alt.Y("wavelength:Q", title="Wavelength (tokens, log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("when:N", title=None),
        tooltip=[alt.Tooltip("pair:Q", title="Pair"), alt.Tooltip("when:N", title="RoPE"), alt.Tooltip("wavelength:Q", title="Wavelength (tokens)", format=",.0f"),
                 alt.Tooltip("band:N", title="Band")])
    rules = alt.Chart(pd.DataFrame({"tokens": [8192, 131072], "label": ["8K (original context)", "128K (extended context)"]})).mark_rule(strokeDash=[4, 3], color="#666").encode(
        y="tokens:Q", tooltip=[alt.Tooltip("label:N", title="Context")])
    return _describe(alt.layer(points, rules).properties(width=520, height=300, title=title), description)


def words_per_token(chunks: pd.DataFrame, title: str, description: str) -> alt.Chart:
    """Words per token in every chunk of every text: the spread within and between texts."""
    chart = alt.Chart(chunks).mark_boxplot(extent="min-max", size=18).encode(
        y=alt.Y("name:N", title=None, sort=alt.EncodingSortField("words_per_token", op="median", order="descending")),
        x=alt.X("words_per_token:Q", title="Words per token (chunks of 2,000 words)", scale=alt.Scale(zero=False)),
        color=alt.Color("kind:N", title="Kind of text"),
        tooltip=[alt.Tooltip("name:N", title="Text"), alt.Tooltip("kind:N", title="Kind")],
    ).properties(width=480, height=alt.Step(30), title=title)
    return _describe(chart, description)


def score_distribution(scores: pd.DataFrame, value: str, value_title: str, title: str, description: str, group: str = "planted") -> alt.Chart:
    """Histogram of a per-example contamination score, coloured by group."""
    chart = alt.Chart(scores).mark_bar(opacity=0.8).encode(
        x=alt.X(f"{value}:Q", bin=alt.Bin(maxbins=25), title=value_title),
        y=alt.Y("count():Q", title="Benchmark examples", stack=True),
        color=alt.Color(f"{group}:N", title="Planted in the corpus"),
        tooltip=[alt.Tooltip(f"{group}:N", title="Planted"), alt.Tooltip("count():Q", title="Examples")],
    ).properties(width=520, height=240, title=title)
    return _describe(chart, description)


def null_gains(null: pd.DataFrame, reported: pd.DataFrame, title: str, description: str) -> alt.LayerChart:
    """Chance 'gains' from threshold selection (box per benchmark) against the reported gain."""
    box = alt.Chart(null).mark_boxplot(extent="min-max", size=14, color="#bdbdbd").encode(
        y=alt.Y("benchmark:N", title=None, sort=list(reported["benchmark"])),
        x=alt.X("gain:Q", title="Estimated performance gain, 405B (points)"),
    )
    dots = alt.Chart(reported).mark_point(filled=True, size=90, color=FOCUS_COLOR).encode(
        y=alt.Y("benchmark:N", sort=list(reported["benchmark"])), x="gain:Q",
        tooltip=[alt.Tooltip("benchmark:N", title="Benchmark"), alt.Tooltip("gain:Q", title="Reported gain (points)", format="+.1f"),
                 alt.Tooltip("null_p:Q", title="Share of chance gains at least as large", format=".3f"),
                 alt.Tooltip("n:Q", title="N used in the simulation")])
    return _describe(alt.layer(box, dots).properties(width=520, height=alt.Step(22), title=alt.Title(
        title, subtitle="Grey: gains that picking the best threshold finds when contamination has no effect. Orange: the paper's Table 15.")), description)


def figure4_runs(points: pd.DataFrame, title: str, description: str) -> alt.Chart:
    """Chinchilla's training runs as read off its Figure 4: compute against model size (log–log),
    coloured by final loss; runs left out of the fit drawn as crosses."""
    data = points.assign(fit=points["excluded"].map({True: "left out (highest loss)", False: "used in the fit"}))
    chart = alt.Chart(data).mark_point(size=45, filled=True).encode(
        x=alt.X("training_flops:Q", title="Training compute C (FLOPs)", scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e")),
        y=alt.Y("parameters:Q", title="Model size N (parameters)", scale=alt.Scale(type="log"),
                axis=alt.Axis(labelExpr="replace(format(datum.value, '.2s'), 'G', 'B')")),
        color=alt.Color("loss:Q", title="Final loss (nats/token)", scale=alt.Scale(scheme="viridis", reverse=True),
                        legend=alt.Legend(orient="right")),
        shape=alt.Shape("fit:N", title=None, scale=alt.Scale(domain=["used in the fit", "left out (highest loss)"], range=["circle", "cross"])),
        tooltip=[alt.Tooltip("source_line:Q", title="Line in Epoch AI's file"), alt.Tooltip("parameters:Q", title="Parameters", format=".3s"),
                 alt.Tooltip("training_flops:Q", title="FLOPs", format=".3e"), alt.Tooltip("tokens:Q", title="Tokens D = C/(6N)", format=".3s"),
                 alt.Tooltip("loss:Q", title="Loss", format=".3f"), alt.Tooltip("fit:N", title="Fit")],
    ).properties(width=460, height=300, title=alt.Title(title, subtitle="Each mark is one training run, placed where Figure 4 draws it."))
    return _describe(chart, description)


def bootstrap_optimum(bins: pd.DataFrame, marks: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.LayerChart:
    """Histogram of the compute-optimal model size over bootstrap draws on a log axis (``bins``:
    columns low, high, draws), with vertical rules at ``marks`` (columns params, label: the
    interval's ends, the refit, the paper's prediction, the trained model)."""
    x = alt.X("low:Q", title="Compute-optimal parameters N (log scale)", scale=alt.Scale(type="log"),
              axis=alt.Axis(labelExpr="replace(format(datum.value, '.2s'), 'G', 'B')", labelOverlap="greedy"))
    bars = alt.Chart(bins).mark_rect(color=OTHER_COLOR, opacity=0.7).encode(
        x=x, x2="high:Q", y=alt.Y("draws:Q", title="Bootstrap draws"), y2=alt.datum(0),
        tooltip=[alt.Tooltip("low:Q", title="From", format=".3s"), alt.Tooltip("high:Q", title="To", format=".3s"),
                 alt.Tooltip("draws:Q", title="Draws")])
    rules = alt.Chart(marks).mark_rule(strokeWidth=2).encode(
        x=alt.X("params:Q"), color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
        strokeDash=alt.StrokeDash("label:N", legend=None),
        tooltip=[alt.Tooltip("label:N", title="Mark"), alt.Tooltip("params:Q", title="Parameters", format=".3s")])
    return _describe(alt.layer(bars, rules).properties(width=520, height=240, title=alt.Title(title, subtitle=subtitle)), description)


def scan_sweep(rates: pd.DataFrame, title: str, description: str) -> alt.LayerChart:
    """The scanner's MB/s per core against the benchmark's size, with the tokenize-all line
    (``rates``: examples, what, mb_per_s, share_tokenized; from herd.throughput.sweep_long)."""
    base = alt.Chart(rates).encode(
        x=alt.X("examples:Q", scale=alt.Scale(type="log"), title="Benchmark examples (log scale)",
                axis=alt.Axis(values=sorted(rates["examples"].unique().tolist()), format=",")),
        y=alt.Y("mb_per_s:Q", title="Corpus MB per second, one core"),
        color=alt.Color("what:N", title=None, scale=alt.Scale(range=[FOCUS_COLOR, "#888888"])),
        tooltip=[alt.Tooltip("what:N", title="What"), alt.Tooltip("examples:Q", title="Examples", format=","),
                 alt.Tooltip("mb_per_s:Q", title="MB/s per core", format=".1f"),
                 alt.Tooltip("share_tokenized:Q", title="Share of the corpus tokenized", format=".1%")])
    chart = alt.layer(base.mark_line(), base.mark_point(filled=True, size=60)).properties(width=520, height=280, title=alt.Title(
        title, subtitle="Same run, interleaved, one core; the grey line tokenizes every document whole."))
    return _describe(chart, description)
