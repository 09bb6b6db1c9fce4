"""Sampling uncertainty of benchmark scores and tests between two models.

A benchmark score S (a share of N test examples answered correctly) carries
binomial sampling error.  The Llama 3 paper (arXiv 2407.21783, §5) reports
95 % intervals as CI = 1.96·√(S(1−S)/N); this module uses the same formula, its
inversion (N from a printed CI), and a two-proportion z-test with a correction
for many comparisons.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

Z95 = float(norm.ppf(0.975))  # 1.959963…; the paper rounds it to 1.96
PAPER_Z = 1.96


def ci95_halfwidth(score: float | np.ndarray, n: int | float | np.ndarray, z: float = PAPER_Z):
    """Half-width, in points, of the paper's 95 % interval for a score in percent."""
    s = np.asarray(score, dtype=float) / 100.0
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise ValueError("test-set size must be positive")
    if np.any((s < 0) | (s > 1)):
        raise ValueError("score must lie in 0–100")
    out = 100.0 * z * np.sqrt(s * (1.0 - s) / n)
    return float(out) if out.ndim == 0 else out


def n_from_ci(score: float, halfwidth: float, z: float = PAPER_Z) -> float:
    """Invert the paper's formula: the N that gives this half-width at this score.

    Printed CIs are rounded, so the result is a range in practice; see
    :func:`n_range_from_ci`.
    """
    s = score / 100.0
    h = halfwidth / 100.0
    if h <= 0:
        raise ValueError("half-width must be positive")
    return z * z * s * (1.0 - s) / (h * h)


def n_range_from_ci(score: float, halfwidth: float, decimals: int = 1, z: float = PAPER_Z) -> tuple[float, float]:
    """The N range consistent with a CI printed to ``decimals`` places."""
    step = 0.5 * 10.0 ** (-decimals)
    lo_h, hi_h = max(halfwidth - step, 1e-12), halfwidth + step
    return n_from_ci(score, hi_h, z), n_from_ci(score, lo_h, z)


def two_proportion_test(score_a: float, score_b: float, n_a: int, n_b: int | None = None) -> tuple[float, float]:
    """Two-sided pooled z-test for two proportions (statsmodels ``proportions_ztest``).

    Scores are in percent; counts are score·N (not rounded: published scores are
    averages that need not be whole counts).  Returns (z, p).
    """
    n_b = n_a if n_b is None else n_b
    counts = np.array([score_a / 100.0 * n_a, score_b / 100.0 * n_b])
    nobs = np.array([n_a, n_b], dtype=float)
    if counts.sum() in (0.0, nobs.sum()):
        return 0.0, 1.0  # both at 0 % or both at 100 %: no evidence of a difference
    z, p = proportions_ztest(counts, nobs, alternative="two-sided")
    return float(z), float(p)


def difference_ci(score_a: float, score_b: float, n_a: int, n_b: int | None = None, z: float = PAPER_Z) -> tuple[float, float]:
    """Wald 95 % interval, in points, for score_a − score_b (independent samples)."""
    n_b = n_a if n_b is None else n_b
    pa, pb = score_a / 100.0, score_b / 100.0
    se = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    d = score_a - score_b
    return d - 100 * z * se, d + 100 * z * se


CORRECTIONS = ("holm", "bonferroni", "fdr_bh", "none")


def adjust(pvalues, method: str = "holm") -> np.ndarray:
    """p-values adjusted for the family of comparisons (statsmodels ``multipletests``)."""
    p = np.asarray(pvalues, dtype=float)
    if method not in CORRECTIONS:
        raise ValueError(f"unknown correction {method!r}; allowed: {', '.join(CORRECTIONS)}")
    if method == "none" or p.size == 0:
        return p
    return multipletests(p, method=method)[1]


def with_intervals(scores: pd.DataFrame, benchmarks: pd.DataFrame, sizes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Scores joined with N and a 95 % interval: the printed CI where there is one,
    else the paper's formula with N, else none.

    ``sizes`` (from :func:`effective_sizes`) supplies N where the benchmark has no
    official size; without it only official sizes are used.
    """
    if sizes is None:
        n_by_key = benchmarks.set_index("key")["test_set_size"]
        basis = pd.Series("official", index=n_by_key.index).where(n_by_key.notna(), "none")
    else:
        n_by_key = sizes.set_index("benchmark")["n"]
        basis = sizes.set_index("benchmark")["basis"]
    out = scores.copy()
    out["n"] = out["benchmark"].map(n_by_key).astype("Int64")
    out["n_basis"] = out["benchmark"].map(basis).fillna("none")
    computed = [
        ci95_halfwidth(s, n) if pd.notna(s) and pd.notna(n) else np.nan
        for s, n in zip(out["score"], out["n"])
    ]
    printed = out["ci95"].astype(float)
    out["ci_source"] = np.where(printed.notna(), "printed", np.where(pd.notna(computed), "formula", "none"))
    out["halfwidth"] = printed.fillna(pd.Series(computed, index=out.index))
    out["low"] = (out["score"] - out["halfwidth"]).clip(lower=0)
    out["high"] = (out["score"] + out["halfwidth"]).clip(upper=100)
    return out


def effective_sizes(benchmarks: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """N per benchmark: the official test-set size where there is one, otherwise the
    N implied by the source's own printed 95 % intervals (median over every printed
    score ± CI of that benchmark, rounded), otherwise none.

    Returns columns ``benchmark``, ``n`` (Int64), ``basis`` and ``n_from_ci_min`` /
    ``n_from_ci_max`` (the spread of the inversion, for the reader to judge).
    """
    printed = scores.dropna(subset=["score", "ci95"])
    printed = printed[(printed["ci95"] > 0) & (printed["score"] > 0) & (printed["score"] < 100)]
    implied = printed.assign(n_implied=[n_from_ci(s, h) for s, h in zip(printed["score"], printed["ci95"])])
    spread = implied.groupby("benchmark")["n_implied"].agg(["median", "min", "max", "count"])
    rows = []
    for key, official in zip(benchmarks["key"], benchmarks["test_set_size"]):
        lo = spread["min"].get(key, np.nan)
        hi = spread["max"].get(key, np.nan)
        if pd.notna(official):
            rows.append((key, int(official), "official", lo, hi))
        elif key in spread.index:
            rows.append((key, int(round(spread.loc[key, "median"])), f"implied by {int(spread.loc[key, 'count'])} printed CIs", lo, hi))
        else:
            rows.append((key, pd.NA, "none", np.nan, np.nan))
    out = pd.DataFrame(rows, columns=["benchmark", "n", "basis", "n_from_ci_min", "n_from_ci_max"])
    out["n"] = out["n"].astype("Int64")
    return out
