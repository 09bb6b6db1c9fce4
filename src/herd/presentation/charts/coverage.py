"""The data chapter's chart: which sources print a score for each model and benchmark, laid out to fit the text
column however many models there are."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, label_px, tally, wrapped_title
from .theme import WIDTH

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


def coverage_matrix(cover: pd.DataFrame, title: str) -> Figure:
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
            title=wrapped_title(title, "Hover a cell for the table and page that print it."),
        )
    )
    summary = (
        f"{formats.noun(len(data), 'pair')} of {formats.noun(len(models), 'model')} and "
        f"{formats.noun(len(benchmarks), 'benchmark')} have a printed score ({tally(data['covered_by'])}), "
        f"of the {len(models) * len(benchmarks):,} pairs the matrix could hold"
    )
    return finish(chart, summary, {"coverage": data.drop(columns=["model_order", "bench_order"])}, title)
