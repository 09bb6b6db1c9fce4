"""Decisions on Monte Carlo p-values that the Monte Carlo error cannot change.

A Monte Carlo p-value (k + 1) / (m + 1), k of m simulated statistics at least as large as the observed one
(Davison & Hinkley 1997, §4.2), estimates a tail probability with an error of its own. A decision taken by
comparing it with a level is only as good as that error allows: :func:`decide` says, for a family of them under
the book's correction (:func:`herd.method.stats.comparison_levels`), which decisions more draws could still change.
:func:`critical_value` turns the decision into the statistic a result must exceed, for a chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from . import score_test, stats

MC_Z = 3.0
"""How many Monte Carlo standard errors a decision must stand clear of: a row's p-value is known to lie in
its Wilson interval at this many standard errors (99.73 %)."""
BEYOND, WITHIN, OPEN = "beyond chance", "within chance", "undetermined"


def decide(beyond, picks, alpha: float = 0.05, correction: str = "holm", z: float = MC_Z) -> pd.DataFrame:
    """The book's decision on a family of Monte Carlo p-values, with their Monte Carlo error.

    Row r has ``beyond`` of ``picks`` simulated values at least as large as its observed one: its p-value is
    p = (beyond + 1) / (picks + 1), with standard error √(p(1 − p)/(picks + 1)), and the true p-value lies in
    the Wilson interval of beyond + 1 of picks + 1 at ``z`` standard errors (``low``, ``high``). ``level`` is
    the level ``correction`` gives p across the family (:func:`herd.method.stats.comparison_levels`). The correction
    rejects more when p-values are smaller (Holm, Bonferroni, Benjamini–Hochberg and none all do), so the
    decision is ``beyond chance`` when the row is rejected even with every row's p-value at its interval's
    upper end, ``within chance`` when it is not rejected even with every p-value at its lower end, and
    ``undetermined`` otherwise: more draws could change it."""
    k, m = np.asarray(beyond, dtype=float), np.asarray(picks, dtype=float)
    if k.shape != m.shape or np.any((k < 0) | (k > m)):
        raise ValueError(f"decide: expected counts 0 ≤ beyond ≤ picks, got {list(k)} of {list(m)}")
    p = (k + 1) / (m + 1)
    confidence = float(2 * ndtr(z) - 1)
    bounds = (
        np.array([score_test.score_interval(100 * v, n, confidence) for v, n in zip(p, m + 1)]).reshape(-1, 2) / 100
    )
    low, high = bounds[:, 0], bounds[:, 1]
    sure = high < stats.comparison_levels(high, alpha, correction)
    possible = low < stats.comparison_levels(low, alpha, correction)
    return pd.DataFrame(
        {
            "p_value": p,
            "p_se": np.sqrt(p * (1 - p) / (m + 1)),
            "low": low,
            "high": high,
            "level": stats.comparison_levels(p, alpha, correction),
            "decision": np.where(sure, BEYOND, np.where(possible, OPEN, WITHIN)),
        }
    )


def largest(values, alpha: float) -> list[float]:
    """The largest of ``values``, largest first: as many as a level up to ``alpha`` needs to say which observed
    values are beyond them (:func:`critical_value`)."""
    keep = min(len(values), int(np.ceil(alpha * (len(values) + 1))) + 1)
    return [float(g) for g in -np.sort(-np.asarray(values, dtype=float))[:keep]]


def critical_value(top, picks: int, level: float) -> float:
    """The value an observed statistic must exceed for its Monte Carlo p-value to be below ``level``, from the
    largest simulated values of ``picks`` draws (``top``, largest first, :func:`largest`): a value g has p-value
    (k + 1) / (picks + 1), k the draws at least as large, below ``level`` exactly when at most K draws reach it,
    K the largest whole k with k + 1 < level·(picks + 1), that is when g exceeds the (K + 1)-th largest
    simulated value. Infinite when no value can be (too few draws for the level)."""
    allowed = int(np.ceil(level * (picks + 1) - 1)) - 1  # K
    if allowed < 0:
        return float("inf")
    if allowed >= picks:
        return float("-inf")
    if allowed >= len(top):
        raise ValueError(f"critical_value: {len(top)} largest gains kept, the level {level:g} needs {allowed + 1}")
    return float(top[allowed])
