"""The home page's chart: the book's comparisons at a glance, how many gaps of each question got each verdict."""

from __future__ import annotations

import altair as alt
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, narrow_title, verdict_color
from .theme import VERDICT_COLORS

STEP_PX = 58  # the height of each question's row: its name above (one or two lines), its bar below
NAME_CHARS = 46  # a line of a question's name where the chart is narrow (11 px text in a phone's 320 px)
NARROW_PX = 480  # the chart's width below which a long name takes two lines
BAR_BAND = 0.45  # the bar's share of the row
BAR_OFFSET_PX = 11  # the bar, lowered from the row's middle
NAME_OFFSET_PX = -27  # the name's top, raised from the row's middle to the row's top: its lines run down to the bar


def findings_summary(counts: pd.DataFrame, title: str) -> Figure:
    """The book's comparisons at a glance: for each question, how many gaps got each verdict
    (``counts``: columns question, verdict, comparisons, claim, link; ``claim``, where not blank, what the rows show
    of a claim the question makes, in the tooltip)."""
    data = counts.copy()
    order = list(dict.fromkeys(data["question"]))
    present = [v for v in VERDICT_COLORS if v in set(data["verdict"])]
    data["rank"] = data["verdict"].map({v: i for i, v in enumerate(VERDICT_COLORS)})
    tooltip = [
        alt.Tooltip("question:N", title="Question"),
        alt.Tooltip("verdict:N", title="Difference"),
        alt.Tooltip("comparisons:Q", title="Comparisons"),
        alt.Tooltip("claim:N", title="The claim on these rows"),
    ]
    # each question is written above its bar, not beside it, so that the bars keep the whole width of the chart, and
    # the chart takes the width of its column (a phone's too): no label or bar lies beyond the screen's edge
    y = alt.Y("question:N", title=None, sort=order, axis=None)
    bars = (
        alt.Chart(data)
        .mark_bar(height={"band": BAR_BAND}, yOffset=BAR_OFFSET_PX)
        .encode(
            y=y,
            x=alt.X("comparisons:Q", title="Comparisons", stack="zero"),
            color=verdict_color("Difference", present),
            order=alt.Order("rank:Q"),
            href="link:N",
            tooltip=tooltip,
        )
    )
    # where the chart is narrow (a phone), a long name takes two lines, each short enough for the chart's width there
    wrapped = f"split(replace(datum.question, regexp('^(.{{1,{NAME_CHARS}}}) '), '$1\\n'), '\\n')"
    names = (
        alt.Chart(data)
        .transform_aggregate(rows="count()", groupby=["question", "link"])
        .transform_calculate(name=f"width < {NARROW_PX} ? {wrapped} : datum.question")
        .mark_text(align="left", baseline="top", fontSize=11, yOffset=NAME_OFFSET_PX, color="#222")
        .encode(
            y=y, x=alt.value(0), text="name:N", href="link:N", tooltip=[alt.Tooltip("question:N", title="Question")]
        )
    )
    chart = alt.layer(bars, names).properties(
        width="container",
        height=alt.Step(STEP_PX),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        title=narrow_title(
            title,
            "Each bar: every printed gap a chapter tests, by the difference after the correction for many "
            "comparisons; '· 1 ≈': gaps also shown equivalent within the margin, counted apart. Table 21 repeats "
            "some rows of Table 2. The post's bottom line, a claim of being at least on a par on every row, is "
            "judged on Table 2's rows: its bar counts their differences, not the claim's verdict (its tooltip "
            "counts the rows that show the claim). Click a bar to open its chapter.",
        ),
    )
    by_verdict = data.groupby("verdict")["comparisons"].sum()
    summary = (
        f"{formats.noun(by_verdict.sum(), 'comparison')} across {formats.noun(len(order), 'question')}: "
        + formats.listing([f"{by_verdict[v]:,} {v}" for v in present])
    )
    return finish(chart, summary, {"verdicts": data.drop(columns=["rank"])}, title)
