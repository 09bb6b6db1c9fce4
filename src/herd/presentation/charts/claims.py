"""The claims chapter's chart: how many claims of each topic the audit gives each group of verdicts."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, narrow_title
from .theme import OKABE_ITO

# The groups' colours, in the order of herd.analyses.claims.SUMMARY_GROUPS: the eight of Okabe and Ito's palette (see
# .theme) and grey for the ninth, claims no source can check, so that readers with a colour-vision deficiency tell them
# apart too: correct bluish green and wrong vermillion, as ahead and behind are in the book's other charts; each "not
# resolved" group a hue of its own beside the group it leans to (sky blue, reddish purple); misleading blue, imprecise
# orange, parity yellow, not supported black. No two groups share a hue, no two neighbours in a bar are alike, and
# the bars' thin dark outline keeps the yellow apart from the white chart.
GROUP_COLORS = (
    OKABE_ITO["bluish green"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
    "#BBBBBB",
)


TWO_COLUMNS_PX = 480  # the chart's width from which its legend takes two columns (below, on a phone, one)


def verdict_summary(audit: pd.DataFrame, groups: Mapping[str, tuple[str, ...]], title: str) -> Figure:
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
        .mark_bar(stroke="#333333", strokeWidth=0.5)
        .encode(
            y=alt.Y("topic:N", title="Topic of the claim", sort=list(totals.index)),
            x=alt.X("claims:Q", title="Number of claims", stack="zero"),
            color=alt.Color(
                "group:N",
                title="Verdict",
                scale=alt.Scale(domain=order, range=[colors[g] for g in order]),
                sort=order,
                legend=alt.Legend(columns=alt.ExprRef(f"width < {TWO_COLUMNS_PX} ? 1 : 2")),  # one column on a phone
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
            # the chart takes the width of its column (a phone's too), its title wrapped to a phone's width: the
            # topics' names are short, so the bars fit beside them on any screen, and nothing needs scrolling
            width="container",
            height=alt.Step(28),
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
            title=narrow_title(
                title,
                [
                    "Each claim is one number, comparison or statement the post makes.",
                    "Verdicts are computed from the data package.",
                ],
            ),
        )
    )
    by_group = data.groupby("group")["claims"].sum()
    summary = (
        f"{formats.noun(len(audit), 'claim')} in {formats.noun(len(totals), 'topic')}: "
        + "; ".join(f"{by_group[g]:,} {g}" for g in order)  # a group's name may hold a comma
        + f"; the most claims are about {totals.index[0]} ({totals.iloc[0]:,})"
    )
    return finish(chart, summary, {"claims": data}, title)
