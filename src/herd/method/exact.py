"""The exact unconditional test of the gap between two scores, and the interval that inverts it.

The p-value is the tail probability of the score statistic (:func:`herd.method.score_test.score_statistic`) at its
largest over the nuisance proportion (Barnard 1947 at no difference; Agresti & Min 2001 at every gap); the interval
is the set of gaps that test does not reject, searched bound by bound and kept in :mod:`herd.base.memo`. It judges a
share of items on a small test set (N ≤ :data:`EXACT_MAX_N`) or at 0 % or 100 %, and every other mean of a per-item
score in [0, 1] over N items on a small test set (:data:`EXACT_BOUNDED`) at whole counts rounded toward the null
(:func:`exact_counts`); :mod:`herd.method.stats` decides which gaps it judges.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln

from herd.base import memo

from .score_test import score_statistic

EXACT_MAX_N = 250  # at or below this N a gap between proportions gets the exact unconditional test
SUPREMUM_STEPS = 4  # grid points of the nuisance search per standard deviation of a share of N items
SUPREMUM_PEAKS = 3  # the highest local maxima of that grid each searched closer
ZOOMS = 2  # zooms around each of them, each a grid of 21 points over the two cells beside the best


# ---------------------------------------------------------------- the exact test


@lru_cache(maxsize=64)
def _log_binomial_coefficients(n: int) -> np.ndarray:
    k = np.arange(n + 1)
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _binomial_pmf(n: int, probs: np.ndarray) -> np.ndarray:
    """Binomial probabilities of 0..n successes, one row per success probability."""
    k = np.arange(n + 1, dtype=float)[None, :]
    p = np.asarray(probs, dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log = (
            _log_binomial_coefficients(n)[None, :]
            + np.where(k > 0, k * np.log(p), 0.0)
            + np.where(n - k > 0, (n - k) * np.log1p(-p), 0.0)
        )
    return np.exp(log)


@lru_cache(maxsize=4096)
def exact_pvalue(x1: int, n1: int, x2: int, n2: int, delta: float = 0.0, alternative: str = "two-sided") -> float:
    """Exact unconditional p-value of the score statistic for p1 − p2 = delta.

    The tail probability of tables at least as extreme as the observed one is maximised over
    the nuisance proportion (:func:`_supremum`), as Barnard's test does at delta = 0 and as Agresti & Min's
    interval does at every delta.
    """
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"unknown alternative {alternative!r}")
    a = np.arange(n1 + 1, dtype=float)[:, None]
    b = np.arange(n2 + 1, dtype=float)[None, :]
    t = score_statistic(a, n1, b, n2, delta, correction=False)
    t_obs = float(t[x1, x2])  # the observed table is one of them
    tol = 1e-9
    if alternative == "two-sided":
        extreme = (np.abs(t) >= abs(t_obs) - tol).astype(float)
    elif alternative == "less":
        extreme = (t <= t_obs + tol).astype(float)
    else:
        extreme = (t >= t_obs - tol).astype(float)
    lo, hi = max(0.0, -delta), min(1.0, 1.0 - delta)

    # einsum, not @: small BLAS products spawn threads that, on a busy machine, cost 100 times the work
    def tails(p2: np.ndarray) -> np.ndarray:
        pm1 = _binomial_pmf(n1, np.clip(p2 + delta, 0.0, 1.0))
        return (np.einsum("gi,ij->gj", pm1, extreme) * _binomial_pmf(n2, p2)).sum(axis=1)

    return _supremum(tails, lo, hi, max(n1, n2))


def _supremum(tails, lo: float, hi: float, n: int) -> float:
    """The largest value of ``tails`` (a tail probability as a function of the nuisance proportion) on [lo, hi].

    The function can have several peaks, some as narrow as a binomial's spread near 0 or 1, so the grid is even in
    arcsin √p, where a share of ``n`` items has the same spread 1/(2√n) at every p, with :data:`SUPREMUM_STEPS`
    points per standard deviation; then each of the :data:`SUPREMUM_PEAKS` highest local maxima is searched closer,
    :data:`ZOOMS` times. A grid of 41 points even in p, as earlier editions laid, can miss a narrow peak and
    understate the p-value; this one agrees with a far finer grid to a millionth of the value
    (``tests/test_stats.py``)."""
    theta_lo, theta_hi = math.asin(math.sqrt(lo)), math.asin(math.sqrt(hi))
    points = max(int(math.ceil((theta_hi - theta_lo) * 2.0 * math.sqrt(n) * SUPREMUM_STEPS)), 8) + 1
    theta = np.linspace(theta_lo, theta_hi, points)
    values = tails(np.sin(theta) ** 2)
    best = float(values.max())
    before, after = np.r_[-np.inf, values[:-1]], np.r_[values[1:], -np.inf]
    peaks = np.flatnonzero((values >= before) & (values >= after))
    for k in peaks[np.argsort(values[peaks])[::-1][:SUPREMUM_PEAKS]]:
        left, right = theta[max(k - 1, 0)], theta[min(k + 1, points - 1)]
        for _ in range(ZOOMS):
            zoom = np.linspace(left, right, 21)
            zoomed = tails(np.sin(zoom) ** 2)
            j = int(np.argmax(zoomed))
            best = max(best, float(zoomed[j]))
            left, right = zoom[max(j - 1, 0)], zoom[min(j + 1, zoom.size - 1)]
    return min(1.0, best)


# ---------------------------------------------------------------- whole counts


def counts(score: float, n: int) -> int:
    """The number right that a printed score on N items stands for (rounded)."""
    return int(round(score / 100.0 * n))


def count_share(score: float, n: int) -> float:
    """The share (points) of the whole count a printed score on N items stands for: a share of N items is a count
    over N, so its interval is that count's (20 of 21 for a printed 95.2, not 19.99)."""
    return 100.0 * counts(score, n) / n


EXACT_BOUNDED = ("bounded-mean", "mean-of-proportions")
"""The bounded kinds that small test sets (N ≤ :data:`EXACT_MAX_N`) test as the exact test tests a share of items, at
whole counts rounded toward the null (:func:`exact_counts`): every kind whose score is a mean over N items of a
per-item score in [0, 1] (an F1 or ROUGE score; the share of an item's languages or accuracies answered right). Such a
score is smaller in the convex order than a right-or-wrong outcome with the same mean, so the binomial is its most
dispersed case. A macro average is not one of them: it weighs its items unequally (by their subset's size), so it has
no N equally weighted items to count, and its test rests on the N its subset sizes bound
(:func:`herd.method.sample_sizes.macro_average_n`)."""


TOWARD = ("null", "lower", "upper")


def whole_neighbours(x: float) -> tuple[int, int]:
    """The whole numbers just below and just above ``x`` (the same one when ``x`` is whole, to float noise)."""
    return math.floor(x + 1e-9), math.ceil(x - 1e-9)


def exact_counts(
    score_a: float, score_b: float, n_a: float, n_b: float, kind: str = "proportion", toward: str = "null"
) -> tuple[int, int]:
    """The whole counts the exact test uses for the gap ``score_a − score_b`` on ``n_a`` and ``n_b`` items.

    For a share of items, the counts the scores stand for (:func:`counts`). For a bounded mean of
    :data:`EXACT_BOUNDED` the score times N need not be whole, and each count is rounded the way that weakens
    the evidence: ``toward="lower"`` (the lower bound of the gap, and the test that the gap is above a value) takes
    ``a`` down and ``b`` up, ``"upper"`` the reverse, and ``"null"`` (the two-sided test of no difference) the pair
    of neighbouring counts whose shares lie nearest each other.
    """
    if toward not in TOWARD:
        raise ValueError(f"toward must be one of {', '.join(TOWARD)}, got {toward!r}")
    n_a, n_b = int(round(n_a)), int(round(n_b))
    if kind not in EXACT_BOUNDED:
        return counts(score_a, n_a), counts(score_b, n_b)
    down_a, up_a = whole_neighbours(score_a / 100.0 * n_a)
    down_b, up_b = whole_neighbours(score_b / 100.0 * n_b)
    if toward == "lower":
        return down_a, up_b
    if toward == "upper":
        return up_a, down_b
    pairs = [(x, y) for x in (down_a, up_a) for y in (down_b, up_b)]
    return min(pairs, key=lambda c: abs(c[0] / n_a - c[1] / n_b))


# ---------------------------------------------------------------- the exact interval


@lru_cache(maxsize=8192)
def exact_bound(c1: int, n1: int, c2: int, n2: int, alpha: float, near: float, one_sided: bool, side: str) -> float:
    """One bound (``side`` ``"low"`` or ``"high"``) of the exact unconditional interval (Agresti & Min 2001), in
    points, searched outwards from the score interval's bound ``near`` (a proportion), near which it lies; with
    ``one_sided``, it inverts the one-sided exact test of its side at ``alpha``. A bound takes about a hundredth of a
    second on 21 items and a quarter of a second on 250, and the chapters, the claims audit and the tests ask for the
    same few hundred: kept in :mod:`herd.base.memo`, one bound a result, since most callers read one end only."""
    inputs = {"counts": [c1, n1, c2, n2], "alpha": alpha, "near": near, "one_sided": one_sided, "side": side}
    (bound,) = memo.remember(
        __name__,
        "exact_bound",
        inputs,
        lambda: [_search_exact_bound(c1, n1, c2, n2, alpha, near, one_sided, side)],
        list,
        tuple,
    )
    return float(bound)


def exact_scan_step(n: int) -> float:
    """The step, in points, of the search beyond an exact bound (:func:`_bound`): a quarter of one item's share of
    ``n`` items. A tooth of the p-value narrower than it, or further out than four steps where the test rejects
    at half the level, escapes the search."""
    return 100.0 / (4 * n)


def _search_exact_bound(
    c1: int, n1: int, c2: int, n2: int, alpha: float, near: float, one_sided: bool, side: str
) -> float:
    estimate = c1 / n1 - c2 / n2
    step = exact_scan_step(max(n1, n2)) / 100.0
    # the lower bound: gaps below it are rejected because the observed gap is too large ("greater")
    alternative = "two-sided" if not one_sided else "greater" if side == "low" else "less"

    def pval(d: float) -> float:
        return exact_pvalue(c1, n1, c2, n2, round(d, 9), alternative)

    return 100.0 * _bound(pval, estimate, -1.0 if side == "low" else 1.0, alpha, near, step)


def _bound(
    pval, estimate: float, edge: float, alpha: float, start: float | None = None, scan_step: float | None = None
) -> float:
    """The gap between ``estimate`` and ``edge`` (−1 or +1) where the p-value falls to alpha (to 2·10⁻⁵ of a share,
    0.002 points: Brent's tolerance, far below the printed precision). With ``start``, the search brackets the bound
    near that guess first, which saves most evaluations of an expensive p-value."""
    sign = 1.0 if edge > estimate else -1.0
    inner = estimate + sign * 1e-9
    outer = edge - sign * 1e-12
    if sign * (outer - inner) <= 0:
        return edge
    if pval(inner) < alpha:
        return estimate

    def clamp(x: float) -> float:
        return min(max(x, min(inner, outer)), max(inner, outer))

    a, b = inner, outer  # p(a) >= alpha > p(b)
    if start is not None:
        step = 0.005
        lo_guess, hi_guess = clamp(start - sign * step), clamp(start + sign * step)
        if pval(lo_guess) >= alpha:
            a = lo_guess
            if pval(hi_guess) < alpha:
                b = hi_guess
    if b == outer and pval(outer) >= alpha:
        return edge
    bound = brentq(lambda d: pval(d) - alpha, min(a, b), max(a, b), xtol=2e-5)
    if scan_step is None:
        return bound
    # An exact p-value is a saw-tooth in the gap: the interval is the hull of all gaps not
    # rejected, so look further out for teeth that rise above alpha again.
    x, quiet = bound, 0
    while quiet < 4:
        y = x + sign * scan_step
        if sign * (y - outer) >= 0:
            return edge if pval(outer) >= alpha else bound
        py = pval(y)
        if py >= alpha:
            z = y + sign * scan_step
            while sign * (z - outer) < 0 and pval(z) >= alpha:
                y, z = z, z + sign * scan_step
            if sign * (z - outer) >= 0:
                return edge
            bound = brentq(lambda d: pval(d) - alpha, min(y, z), max(y, z), xtol=2e-5)
            x, quiet = bound, 0
            continue
        quiet = quiet + 1 if py < alpha / 2 else 0
        x = y
    return bound
