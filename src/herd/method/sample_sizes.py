"""N for every benchmark: the honest number of items its tests rest on, and the paper's own formula inverted.

The paper prints 95 % intervals S ± 1.96·√(S(1−S)/N) (:func:`ci95_halfwidth`); inverting one recovers the N the
source put into it (:func:`n_from_ci`). Each benchmark's N is the honest one for its metric kind
(:func:`effective_sizes`: its distinct items, its official size, or the one N its printed intervals agree on), and a
macro average's is the N its subset sizes bound at a score (:func:`macro_average_n`); :func:`score_intervals` puts
the book's interval at that N beside every printed score. Numbers and records only: :mod:`herd.presentation.sizes_text`
writes them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from .exact import count_share
from .score_test import score_interval
from .stats import metric_kind

PAPER_Z = 1.96


# ---------------------------------------------------------------- the paper's own formula


def ci95_halfwidth(score: float | np.ndarray, n: int | float | np.ndarray, z: float = PAPER_Z):
    """Half-width, in points, of the paper's 95 % interval 1.96·√(S(1−S)/N) (arXiv 2407.21783, §5.1).

    The book shows Wilson intervals instead (:func:`score_interval`); this formula is kept
    to invert the paper's printed intervals (:func:`n_from_ci`).
    """
    s = np.asarray(score, dtype=float) / 100.0
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise ValueError("test-set size must be positive")
    if np.any((s < 0) | (s > 1)):
        raise ValueError("score must lie in 0–100")
    out = 100.0 * z * np.sqrt(s * (1.0 - s) / n)
    return float(out) if out.ndim == 0 else out


def n_from_ci(score: float, halfwidth: float, z: float = PAPER_Z) -> float:
    """Invert the paper's formula: the N that gives this half-width at this score."""
    s = score / 100.0
    h = halfwidth / 100.0
    if h <= 0:
        raise ValueError("half-width must be positive")
    return z * z * s * (1.0 - s) / (h * h)


# ---------------------------------------------------------------- a macro average


def macro_average_n(subset_sizes, score: float) -> float:
    """The N at which binomial formulas bound the variance of a macro average (an unweighted
    mean of k subset accuracies) with these subset sizes and this mean score.

    The variance is (1/k²)·Σ pᵢ(1−pᵢ)/nᵢ. Over all subset accuracies pᵢ ∈ [0, 1] with mean S,
    its largest value is found exactly (a concave quadratic: pᵢ = (1 − λ·nᵢ)/2, clipped to
    [0, 1], with λ set so that the mean is S). The returned N is S(1−S) divided by that largest
    variance, so S(1−S)/N is a conservative variance for the score.
    """
    n = np.asarray(list(subset_sizes), dtype=float)
    if n.size == 0 or np.any(n <= 0):
        raise ValueError("subset sizes must be positive")
    s = score / 100.0
    if s <= 0.0 or s >= 1.0:
        return float(n.sum())  # at 0 % or 100 % every subset is at 0 or 1: no variance in either form
    k = n.size

    def mean_p(lam: float) -> float:
        return float(np.clip((1.0 - lam * n) / 2.0, 0.0, 1.0).mean())

    lo, hi = -2.0 / n.min(), 2.0 / n.min()
    while mean_p(lo) < s:
        lo *= 2
    while mean_p(hi) > s:
        hi *= 2
    lam = brentq(lambda x: mean_p(x) - s, lo, hi, xtol=1e-15, rtol=1e-14)
    p = np.clip((1.0 - lam * n) / 2.0, 0.0, 1.0)
    variance = float((p * (1.0 - p) / n).sum()) / (k * k)
    return s * (1.0 - s) / variance


def macro_average_range(subset_sizes, scores) -> tuple[float, float]:
    """The lowest and highest N at which a macro average's subset sizes bound its variance (:func:`macro_average_n`)
    over some printed ``scores`` (points; blanks are skipped): the effective N its tests use at those scores."""
    ns = [macro_average_n(subset_sizes, float(s)) for s in scores if pd.notna(s)]
    if not ns:
        raise ValueError("no printed score to bound the variance at")
    return min(ns), max(ns)


# ---------------------------------------------------------------- N for every benchmark


INVERSION_TOLERANCE = 0.1
"""How near (a share of the size) the N a benchmark's printed intervals imply must lie: every implied N within this
share of their median for that median to be the N used (:func:`effective_sizes`), and the range of implied N within
this share of an official size for the two to agree (:func:`inversion_agreement`)."""


def implies_one_n(low: float, high: float, median: float, tolerance: float = INVERSION_TOLERANCE) -> bool:
    """Whether the N a benchmark's printed intervals imply, from ``low`` to ``high`` over its cells, is one N: every
    one within ``tolerance`` of their ``median``."""
    return bool(median * (1 - tolerance) <= low and high <= median * (1 + tolerance))


def effective_sizes(benchmarks: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """N per benchmark, the honest one for its metric kind.

    In order: ``n_items`` (the number of distinct items, where it differs from the test-set
    size, e.g. MGSM's 250 problems in 11 languages; its basis is ``n_basis`` where the data give one, else
    "distinct items"), the official ``test_set_size``, or the N implied by the source's own printed 95 % intervals
    (the median over every printed score ± CI of that benchmark, rounded, where every implied N lies within
    :data:`INVERSION_TOLERANCE` of it, :func:`implies_one_n`; for testable kinds only). Inverting the printed
    formula recovers the N the source put into it, whatever the metric: for an F1 or ROUGE mean the formula's
    S(1−S) is only a bound on the variance, but the N in it is still the number of items scored. Otherwise none.

    Returns ``benchmark``, ``n`` (Int64), ``basis``, ``kind``, and ``n_from_ci_min`` /
    ``n_from_ci_max`` (the spread of the inversion, for the reader to judge).
    """
    printed = scores.dropna(subset=["score", "ci95"])
    printed = printed[(printed["ci95"] > 0) & (printed["score"] > 0) & (printed["score"] < 100)]
    implied = printed.assign(n_implied=[n_from_ci(s, h) for s, h in zip(printed["score"], printed["ci95"])])
    spread = implied.groupby("benchmark")["n_implied"].agg(["median", "min", "max", "count"])
    items = benchmarks["n_items"] if "n_items" in benchmarks else pd.Series(pd.NA, index=benchmarks.index)
    said = benchmarks["n_basis"] if "n_basis" in benchmarks else pd.Series(pd.NA, index=benchmarks.index)
    kinds = (
        benchmarks["metric_kind"] if "metric_kind" in benchmarks else pd.Series("proportion", index=benchmarks.index)
    )
    rows = []
    for key, official, distinct, basis, kind in zip(benchmarks["key"], benchmarks["test_set_size"], items, said, kinds):
        lo = spread["min"].get(key, np.nan)
        hi = spread["max"].get(key, np.nan)
        if pd.notna(distinct):
            rows.append((key, int(distinct), str(basis) if pd.notna(basis) else "distinct items", kind, lo, hi))
        elif pd.notna(official):
            rows.append((key, int(official), "official", kind, lo, hi))
        elif key in spread.index and metric_kind(kind).testable and implies_one_n(lo, hi, spread.loc[key, "median"]):
            rows.append(
                (
                    key,
                    int(round(spread.loc[key, "median"])),
                    f"implied by {int(spread.loc[key, 'count'])} printed CIs",
                    kind,
                    lo,
                    hi,
                )
            )
        elif key in spread.index and metric_kind(kind).testable:
            rows.append((key, pd.NA, "none: the printed CIs imply no one N", kind, lo, hi))
        else:
            rows.append((key, pd.NA, "none", kind, np.nan, np.nan))
    out = pd.DataFrame(rows, columns=["benchmark", "n", "basis", "kind", "n_from_ci_min", "n_from_ci_max"])
    out["n"] = out["n"].astype("Int64")
    return out


_SIZES: dict[str, pd.DataFrame] = {}


def package_sizes(package) -> pd.DataFrame:
    """:func:`effective_sizes` over a whole data package, computed once per package content (the
    cache is keyed by the package's checksum); every chapter and judged table reads N from here."""
    if package.sha256 not in _SIZES:
        _SIZES[package.sha256] = effective_sizes(package.tables["benchmarks"], package.tables["scores"])
    return _SIZES[package.sha256].copy()


def inversion_agreement(inversion: pd.DataFrame, tolerance: float = INVERSION_TOLERANCE) -> dict[str, int]:
    """How many benchmarks with both an official size and printed intervals imply a range of N (the lowest
    to the highest over their printed cells, :func:`herd.presentation.sizes_text.inversion_table`) that reaches
    within ``tolerance`` of that size, i.e. overlaps it ± ``tolerance``; not that every or the median implied N lies
    there:
    ``n_official_checked`` and ``n_official_consistent``."""
    check = inversion.dropna(subset=["test_set_size"])
    inside = (check["n_from_ci_min"] <= check["test_set_size"] * (1 + tolerance)) & (
        check["n_from_ci_max"] >= check["test_set_size"] * (1 - tolerance)
    )
    return {"n_official_checked": len(check), "n_official_consistent": int(inside.sum())}


# ---------------------------------------------------------------- intervals at that N


def score_intervals(
    cells: pd.DataFrame,
    benchmarks: pd.DataFrame,
    scores: pd.DataFrame,
    subsets: pd.DataFrame | None = None,
    level: float = 0.95,
    sizes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Printed scores with the book's interval for each: Wilson at the honest N of the
    benchmark's metric kind (for a macro average, the N its subset sizes bound), or none with
    the reason. Adds ``n``, ``n_shown``, ``low``, ``high`` and ``interval_note``.

    Parameters
    ----------
    cells
        The printed scores to show (rows of ``scores.csv``).
    benchmarks
        ``benchmarks.csv`` (each benchmark's metric kind and size).
    scores
        Every printed score (for the N that printed intervals imply), used when ``sizes`` is not given.
    subsets
        ``benchmark_subsets.csv`` (a macro average's subset sizes).
    level
        The interval's confidence level.
    sizes
        :func:`effective_sizes` (or :func:`package_sizes`), if already computed.
    """
    sizes = (effective_sizes(benchmarks, scores) if sizes is None else sizes).set_index("benchmark")
    kinds = benchmarks.set_index("key")["metric_kind"]
    by_bench = {} if subsets is None else {b: g["n"].tolist() for b, g in subsets.groupby("benchmark")}
    out = cells.copy()
    n_col, low, high, note, shown = [], [], [], [], []
    for bench, score in zip(out["benchmark"], out["score"]):
        kind = metric_kind(kinds.get(bench, "proportion"))
        n = np.nan
        why = ""
        if pd.isna(score):
            why = "no score"
        elif not kind.testable:
            why = "no interval: " + kind.basis
        elif kind.key == "macro-average":
            if by_bench.get(bench):
                n = macro_average_n(by_bench[bench], float(score))
            else:
                why = "no interval: subset sizes not published or not recorded"
        elif bench in sizes.index and pd.notna(sizes.loc[bench, "n"]):
            n = float(sizes.loc[bench, "n"])
        else:
            why = "no interval: no test-set size known"
        if np.isnan(n):
            lo = hi = np.nan
        elif kind.key == "proportion" and float(n).is_integer():
            lo, hi = score_interval(count_share(float(score), int(n)), n, level)
        else:
            lo, hi = score_interval(float(score), n, level)
        n_col.append(n)
        low.append(lo)
        high.append(hi)
        note.append(why)
        shown.append(
            ""
            if np.isnan(n)
            else (f"{n:,.0f}" if kind.key != "macro-average" else f"{n:,.0f} (bound from subset sizes)")
        )
    out["n"], out["n_shown"], out["low"], out["high"], out["interval_note"] = n_col, shown, low, high, note
    return out


def widest_interval(intervals: pd.DataFrame, model: str) -> pd.Series:
    """The row of :func:`score_intervals` with ``model``'s widest interval (the smallest test set)."""
    rows = intervals[(intervals["model"] == model) & intervals["low"].notna()]
    return rows.loc[(rows["high"] - rows["low"]).idxmax()]
