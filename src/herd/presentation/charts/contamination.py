"""The contamination chapter's charts: a per-example contamination score by group (:func:`score_distribution`),
the chance gains of threshold selection against the reported gains (:func:`null_gains`) and the scanner's speed
against the benchmark's size (:func:`scan_sweep`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, fit_width, wrapped_title
from .theme import FOCUS_COLOR, OTHER_COLOR


def score_distribution(
    scores: pd.DataFrame, value: str, value_title: str, title: str, group: str = "planted"
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
        .properties(title=wrapped_title(title))
    )
    stats = scores.groupby(group)[value].agg(["size", "median"])
    summary = f"{formats.noun(len(scores), 'benchmark example')}; median by group: " + formats.listing(
        [f"{g}: {formats.number(m, 2)} ({formats.noun(n, 'example')})" for g, (n, m) in stats.iterrows()]
    )
    return finish(fit_width(chart, 240), summary, {"scores": scores}, title)


NULL_SETTING_COLORS = ("#9e9e9e", OTHER_COLOR)


def null_gains(quantiles: pd.DataFrame, reported: pd.DataFrame, title: str) -> Figure:
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
    chart = fit_width(alt.layer(*layers, dots)).properties(
        height=alt.Step(26),
        title=wrapped_title(
            title,
            "Lines: 5th to 95th percentile of the gains that picking the best threshold finds when contamination "
            "has no effect; boxes: 25th to 75th; ticks: median"
            + ("; diamonds: the gain to exceed at the corrected level" if marked else "")
            + ". Orange: the paper's Table 15.",
        ),
    )
    return finish(
        chart,
        _null_summary(data, reported),
        {"chance gains": data, "reported gains": reported[["benchmark", "gain", "n"]]},
        title,
    )


def _null_summary(quantiles: pd.DataFrame, reported: pd.DataFrame) -> str:
    """What the chart of chance gains shows, in a sentence: the benchmarks whose reported gain lies above the 95th
    percentile of the chance gains in every setting of the null."""
    top = quantiles.groupby("benchmark")["q95"].max()
    above = [b for b, g in zip(reported["benchmark"], reported["gain"]) if b in top.index and g > top[b]]
    return (
        f"The reported gain lies above the 95th percentile of the chance gains in every setting for "
        f"{len(above)} of {formats.noun(len(reported), 'benchmark')}"
        + (f" ({formats.listing(above)})" if above else "")
    )


def scan_sweep(rates: pd.DataFrame, title: str) -> Figure:
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
    chart = fit_width(alt.layer(base.mark_line(), base.mark_point(filled=True, size=60)), 280).properties(
        title=wrapped_title(title, "Same run, interleaved, one core; the grey line tokenizes every document whole.")
    )
    speeds = data.groupby("what", sort=False)["mb_per_s"].agg(["min", "max"])
    summary = (
        f"From {formats.count(data['examples'].min())} to {formats.count(data['examples'].max())} benchmark examples, "
        + formats.listing(
            [f"{w}: {formats.span(lo, hi, lambda v: formats.number(v, 1))} MB/s" for w, (lo, hi) in speeds.iterrows()]
        )
    )
    return finish(chart, summary, {"rates": data}, title)
