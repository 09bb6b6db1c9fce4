"""The claims chapter's chart: how many claims of each topic the audit gives each group of verdicts."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from .figure import Figure, finish, fit_width, wrapped_title

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
    return finish(chart, description, {"claims": data}, title)
