"""The claims chapter's chart: how many claims of each topic the audit gives each group of verdicts."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, fit_width, wrapped_title
from .theme import OKABE_ITO

# The groups' colours, in the order of herd.analyses.claims.SUMMARY_GROUPS: Okabe and Ito's palette (see .theme), so
# that readers with a colour-vision deficiency tell them apart too, each "not resolved" group a paler shade of the
# group it leans to, and grey for claims no source can check.
GROUP_COLORS = (
    OKABE_ITO["blue"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["vermillion"],
    "#F4B183",  # a pale vermillion
    OKABE_ITO["orange"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["yellow"],
    "#BBBBBB",
)


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
            title=wrapped_title(
                title,
                [
                    "Each claim is one number, comparison or statement the post makes.",
                    "Verdicts are computed from the data package.",
                ],
            ),
        )
    )
    chart = fit_width(chart)
    by_group = data.groupby("group")["claims"].sum()
    summary = (
        f"{formats.noun(len(audit), 'claim')} in {formats.noun(len(totals), 'topic')}: "
        + "; ".join(f"{by_group[g]:,} {g}" for g in order)  # a group's name may hold a comma
        + f"; the most claims are about {totals.index[0]} ({totals.iloc[0]:,})"
    )
    return finish(chart, summary, {"claims": data}, title)
