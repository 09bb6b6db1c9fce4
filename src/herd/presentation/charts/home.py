"""The home page's chart: the book's comparisons at a glance, how many gaps of each question got each verdict."""

from __future__ import annotations

import altair as alt
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, fit_width, verdict_color, wrapped_title
from .theme import VERDICT_COLORS


def findings_summary(counts: pd.DataFrame, title: str) -> Figure:
    """The book's comparisons at a glance: for each question, how many gaps got each verdict
    (``counts``: columns question, verdict, comparisons, claim, link; ``claim``, where not blank, what the rows show
    of a claim the question makes, in the tooltip)."""
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
            color=verdict_color("Difference", present),
            order=alt.Order("rank:Q"),
            href="link:N",
            tooltip=[
                alt.Tooltip("question:N", title="Question"),
                alt.Tooltip("verdict:N", title="Difference"),
                alt.Tooltip("comparisons:Q", title="Comparisons"),
                alt.Tooltip("claim:N", title="The claim on these rows"),
            ],
        )
        .properties(
            height=alt.Step(30),
            title=wrapped_title(
                title,
                "Each bar: every printed gap a chapter tests, by the difference after the correction for many "
                "comparisons; '· 1 ≈': gaps also shown equivalent within the margin, counted apart. Table 21 repeats "
                "some rows of Table 2. The post's bottom line, a claim of being at least on a par on every row, is "
                "judged on Table 2's rows: its bar counts their differences, not the claim's verdict (its tooltip "
                "counts the rows that show the claim). Click a bar to open its chapter.",
            ),
        )
    )
    by_verdict = data.groupby("verdict")["comparisons"].sum()
    summary = (
        f"{formats.noun(by_verdict.sum(), 'comparison')} across {formats.noun(len(order), 'question')}: "
        + formats.listing([f"{by_verdict[v]:,} {v}" for v in present])
    )
    return finish(fit_width(chart), summary, {"verdicts": data.drop(columns=["rank"])}, title)
