"""Head-to-head verdicts: a focus model against competitors, benchmark by benchmark.

For every printed row where both models have a score, the gap is tested with a
two-proportion z-test on the benchmark's test-set size N, and the p-values of the
whole family of comparisons are adjusted (Holm by default).  A gap counts as a win
or a loss only when its adjusted p-value is below ``alpha``; otherwise the honest
reading is a tie.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import stats

VERDICTS = ("win", "tie", "loss", "no test")


def head_to_head(
    scores: pd.DataFrame,
    benchmarks: pd.DataFrame,
    focus: str,
    competitors: list[str],
    alpha: float = 0.05,
    correction: str = "holm",
    sizes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per (printed row, competitor) with the gap, its interval, p-values and a verdict.

    ``scores`` holds one source table (e.g. the paper's Table 2); rows are matched on
    ``row_label`` so the two models were evaluated in the same printed setting.
    """
    if focus in competitors:
        raise ValueError(f"the focus model {focus!r} is also listed as a competitor")
    table = stats.with_intervals(scores, benchmarks, sizes)
    cols = ["row_label", "benchmark", "score", "n", "n_basis", "marker", "footnote"]
    mine = table[table["model"] == focus][cols].rename(
        columns={"score": "focus_score", "marker": "focus_marker", "footnote": "focus_footnote"}
    )
    theirs = table[table["model"].isin(competitors)][["row_label", "model", "score", "marker", "footnote"]]
    pairs = theirs.merge(mine, on="row_label", how="inner")
    if pairs.empty:
        raise ValueError(f"no printed row has both {focus!r} and any of {competitors}")
    pairs = pairs.rename(
        columns={"model": "competitor", "score": "competitor_score", "marker": "competitor_marker", "footnote": "competitor_footnote"}
    )
    pairs["focus"] = focus
    pairs["gap"] = pairs["focus_score"] - pairs["competitor_score"]

    testable = pairs["focus_score"].notna() & pairs["competitor_score"].notna() & pairs["n"].notna()
    z = np.full(len(pairs), np.nan)
    p = np.full(len(pairs), np.nan)
    lo = np.full(len(pairs), np.nan)
    hi = np.full(len(pairs), np.nan)
    for i, (row_ok, a, b, n) in enumerate(zip(testable, pairs["focus_score"], pairs["competitor_score"], pairs["n"])):
        if row_ok:
            z[i], p[i] = stats.two_proportion_test(a, b, int(n))
            lo[i], hi[i] = stats.difference_ci(a, b, int(n))
    pairs["z"], pairs["p"], pairs["gap_low"], pairs["gap_high"] = z, p, lo, hi
    p_adj = np.full(len(pairs), np.nan)
    p_adj[testable.to_numpy()] = stats.adjust(p[testable.to_numpy()], correction)
    pairs["p_adjusted"] = p_adj

    def verdict(row) -> str:
        if np.isnan(row["p_adjusted"]):
            return "no test"
        if row["p_adjusted"] >= alpha:
            return "tie"
        return "win" if row["gap"] > 0 else "loss"

    pairs["verdict"] = pairs.apply(verdict, axis=1)
    pairs["reason"] = pairs.apply(_reason, axis=1)
    # A footnote marker means the source ran that model in another setting than the row label says.
    pairs["like_for_like"] = pairs["competitor_marker"].isna() & pairs["focus_marker"].isna()
    return pairs.reset_index(drop=True)


def _reason(row) -> str:
    if pd.isna(row["focus_score"]) or pd.isna(row["competitor_score"]):
        return "a score is not reported (dash in the source)"
    if pd.isna(row["n"]):
        return "the benchmark has no fixed test-set size"
    return ""


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Wins, ties, losses and untestable rows per competitor."""
    counts = table.pivot_table(index="competitor", columns="verdict", values="row_label", aggfunc="count", fill_value=0)
    for v in VERDICTS:
        if v not in counts:
            counts[v] = 0
    return counts[list(VERDICTS)].astype(int)
