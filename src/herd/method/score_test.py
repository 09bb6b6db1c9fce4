"""The score statistic: the Wilson interval of one score, and the Miettinen–Nurminen test and interval of a gap.

One score gets the Wilson score interval (Wilson 1927; Newcombe 1998a); the gap between two scores the
Miettinen–Nurminen score test and the score interval that inverts it (Miettinen & Nurminen 1985), for many gaps at
once and on counts that need not be whole. The exact unconditional test (:mod:`herd.method.exact`) is built on the
same statistic; :mod:`herd.method.stats` chooses which test judges a gap.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

# ---------------------------------------------------------------- one score


def check_score(score: float, n: float) -> None:
    """A score must lie in 0–100 and a test-set size be a positive, finite number; otherwise an error naming it."""
    if not (0.0 <= score <= 100.0):
        raise ValueError(f"score {score!r} is outside 0–100")
    if not n or n <= 0 or not math.isfinite(n):
        raise ValueError(f"test-set size {n!r} must be a positive number")


def score_interval(score: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval, in points, for a score in percent on N items (statsmodels).

    It never leaves [0, 100] and has positive width at 0 % and 100 %. For the bounded kinds
    N is the number of distinct items (see :data:`herd.method.stats.METRIC_KINDS`).
    """
    check_score(score, n)
    low, high = proportion_confint(score / 100.0 * n, n, alpha=1.0 - level, method="wilson")
    return 100.0 * float(low), 100.0 * float(high)


# ---------------------------------------------------------------- the gap between two scores


def _constrained_mle(x1, n1, x2, n2, delta):
    """Maximum-likelihood (p1, p2) under p1 − p2 = delta (Farrington & Manning 1990, closed form)."""
    x1 = np.asarray(x1, dtype=float)
    x2 = np.asarray(x2, dtype=float)
    total = n1 + n2
    l3 = np.asarray(total, dtype=float)
    l2 = (n1 + 2 * n2) * delta - total - x1 - x2
    l1 = (n2 * delta - total - 2 * x2) * delta + x1 + x2
    l0 = x2 * delta * (1 - delta)
    # products, not powers: numpy's float ** 3 goes through pow() and is ~500 times slower
    q = l2 * l2 * l2 / (3 * l3) ** 3 - l1 * l2 / (6 * l3**2) + l0 / (2 * l3)
    p = np.where(q >= 0, 1.0, -1.0) * np.sqrt(np.maximum(l2 * l2 / (3 * l3) ** 2 - l1 / (3 * l3), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p == 0, 0.0, q / (p * p * p))
    a = (np.pi + np.arccos(np.clip(ratio, -1.0, 1.0))) / 3.0
    p2 = 2 * p * np.cos(a) - l2 / (3 * l3)
    p1 = p2 + delta
    return np.clip(p1, 0.0, 1.0), np.clip(p2, 0.0, 1.0)


def score_statistic(x1, n1, x2, n2, delta=0.0, correction: bool = True):
    """The score statistic for p1 − p2 = delta, with Miettinen–Nurminen's N/(N−1) variance factor.

    Counts, sizes and gaps may be arrays that broadcast together (every table, or every gap, at once); counts
    need not be whole numbers.
    """
    p1, p2 = _constrained_mle(x1, n1, x2, n2, delta)
    variance = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    if correction:
        variance = variance * (n1 + n2) / (n1 + n2 - 1)
    diff = np.asarray(x1, dtype=float) / n1 - np.asarray(x2, dtype=float) / n2 - delta
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(
            variance > 0,
            diff / np.sqrt(np.where(variance > 0, variance, 1.0)),
            np.where(np.abs(diff) < 1e-12, 0.0, np.sign(diff) * np.inf),
        )
    return t


def score_pvalue(x1: float, n1: float, x2: float, n2: float, delta: float = 0.0) -> float:
    """Two-sided asymptotic p-value of the score statistic (normal reference): the book's test of two
    independent proportions (Miettinen–Nurminen), also used by the contamination null simulation."""
    t = float(score_statistic(x1, n1, x2, n2, delta))
    return float(2.0 * norm.sf(abs(t)))


def score_bounds(x1, n1, x2, n2, alpha) -> tuple[np.ndarray, np.ndarray]:
    """The Miettinen–Nurminen score interval, in points, for many gaps at once (arrays broadcast together):
    the gaps δ whose score statistic lies within ±z(alpha/2), found by bisection on each side of the estimate
    (the statistic falls as δ grows). 60 halvings fix each bound to far below a printed digit, the same way on
    every machine."""
    x1, n1, x2, n2, alpha = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x1, n1, x2, n2, alpha)))
    z = norm.isf(alpha / 2.0)
    estimate = x1 / n1 - x2 / n2
    bounds = []
    for target, lo, hi in ((z, -np.ones_like(estimate), estimate), (-z, estimate, np.ones_like(estimate))):
        for _ in range(60):
            mid = (lo + hi) / 2.0
            above = score_statistic(x1, n1, x2, n2, mid) > target  # still rejected from below: move up
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        bounds.append(100.0 * (lo + hi) / 2.0)
    return bounds[0], bounds[1]
