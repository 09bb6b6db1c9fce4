"""The book's one statistical method: intervals, gap tests, corrections and verdicts.

Every chapter and the claims audit call this module, so a comparison is judged the same
way wherever it appears. What a score can be tested for depends on what kind of number
it is (``data/benchmarks.csv``, column ``metric_kind``):

``proportion``          one right-or-wrong outcome per item, averaged over N items;
``macro-average``       an unweighted mean of per-subset accuracies over disjoint subsets
                        whose sizes are recorded (``data/benchmark_subsets.csv``);
``mean-of-proportions`` a mean of k accuracies over the same N items (MGSM's 11 languages
                        over one set of 250 problems; IFEval's four accuracies);
``bounded-mean``        a mean over N items of a per-item score in [0, 1] (F1, ROUGE);
``average-recall``      recall averaged over trials whose number is not published;
``scaled-score``        a scaled exam score (130–170), not a mean of per-item scores.

Methods, each with a known-value test against a published example (tests/test_stats.py):

- one score: the Wilson score interval (Wilson 1927; Newcombe 1998a);
- the gap between two scores: the Miettinen–Nurminen score test and the score interval
  that inverts it (Miettinen & Nurminen 1985), or, for proportions on small test sets
  (N ≤ ``EXACT_MAX_N``) or at 0 % or 100 %, the exact unconditional test on the same score
  statistic and the interval that inverts it (Agresti & Min 2001; Barnard 1947); every other mean of a
  per-item score in [0, 1] over N items on a small test set (a bounded mean, a mean of proportions over the same
  items) gets the same exact test, at whole counts rounded toward the null (:func:`exact_counts`);
- many gaps at once: Holm (default), Bonferroni, Benjamini–Hochberg or none, and for each
  comparison the level at which its interval is shown, so that an interval excludes zero
  exactly when the corrected test rejects;
- equality: a gap is *equivalent within ±m* only when its 1 − 2α interval lies inside ±m
  (two one-sided tests, each at α), never because a test failed to reject.

Kinds other than ``proportion`` are tested only under a stated bound on their variance
(:data:`METRIC_KINDS`); the others get "no test" with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from herd.base import memo

PAPER_Z = 1.96
EXACT_MAX_N = 250  # at or below this N a gap between proportions gets the exact unconditional test
SUPREMUM_STEPS = 4  # grid points of the nuisance search per standard deviation of a share of N items
SUPREMUM_PEAKS = 3  # the highest local maxima of that grid each searched closer
ZOOMS = 2  # zooms around each of them, each a grid of 21 points over the two cells beside the best
DEFAULT_MARGIN = 2.0  # points: the default equivalence margin (a stated choice; chapters take it as a parameter)


# ---------------------------------------------------------------- metric kinds


@dataclass(frozen=True)
class MetricKind:
    """What kind of number a benchmark score is, and what makes a test of it valid (or why none is)."""

    key: str
    testable: bool
    basis: str


METRIC_KINDS: dict[str, MetricKind] = {
    k.key: k
    for k in (
        MetricKind("proportion", True, "one right-or-wrong outcome per item: the number right is binomial"),
        MetricKind(
            "macro-average",
            True,
            "bound: the largest variance an unweighted mean of subset accuracies can have at this score, "
            "given the recorded subset sizes",
        ),
        MetricKind(
            "mean-of-proportions",
            True,
            "bound: each item's mean score lies in [0, 1], so its variance is at most S(1−S) "
            "(Bhatia–Davis); binomial formulas at the number of distinct items are conservative; on "
            f"N ≤ {EXACT_MAX_N} the exact test, at whole counts rounded toward no difference",
        ),
        MetricKind(
            "bounded-mean",
            True,
            "bound: each item's score lies in [0, 1], so its variance is at most S(1−S) (Bhatia–Davis); "
            f"binomial formulas at N are conservative; on N ≤ {EXACT_MAX_N} the exact test, at whole counts "
            "rounded toward no difference",
        ),
        MetricKind("average-recall", False, "average recall over trials whose number is not published: no honest N"),
        MetricKind("scaled-score", False, "a scaled exam score is not a mean of per-item scores: no N applies"),
    )
}

VERDICTS = ("ahead", "behind", "equivalent", "not resolved", "no test")
CORRECTIONS = ("holm", "bonferroni", "fdr_bh", "none")
CORRECTION_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini–Hochberg", "none": "no correction"}


class NoTest(ValueError):
    """The comparison cannot be tested; the message says why."""


def metric_kind(key: str) -> MetricKind:
    """The :class:`MetricKind` named ``key``; an unknown key is an error naming the allowed ones."""
    try:
        return METRIC_KINDS[key]
    except KeyError:
        raise ValueError(f"unknown metric kind {key!r}; allowed: {', '.join(METRIC_KINDS)}") from None


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


# ---------------------------------------------------------------- one score


def _check_score(score: float, n: float) -> None:
    if not (0.0 <= score <= 100.0):
        raise ValueError(f"score {score!r} is outside 0–100")
    if not n or n <= 0 or not math.isfinite(n):
        raise ValueError(f"test-set size {n!r} must be a positive number")


def score_interval(score: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval, in points, for a score in percent on N items (statsmodels).

    It never leaves [0, 100] and has positive width at 0 % and 100 %. For the bounded kinds
    N is the number of distinct items (see :data:`METRIC_KINDS`).
    """
    _check_score(score, n)
    low, high = proportion_confint(score / 100.0 * n, n, alpha=1.0 - level, method="wilson")
    return 100.0 * float(low), 100.0 * float(high)


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


# ---------------------------------------------------------------- the score statistic


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


# ---------------------------------------------------------------- the gap between two scores


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
no N equally weighted items to count, and its test rests on the N its subset sizes bound (:func:`macro_average_n`)."""

TOWARD = ("null", "lower", "upper")


def _whole(x: float) -> tuple[int, int]:
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
    down_a, up_a = _whole(score_a / 100.0 * n_a)
    down_b, up_b = _whole(score_b / 100.0 * n_b)
    if toward == "lower":
        return down_a, up_b
    if toward == "upper":
        return up_a, down_b
    pairs = [(x, y) for x in (down_a, up_a) for y in (down_b, up_b)]
    return min(pairs, key=lambda c: abs(c[0] / n_a - c[1] / n_b))


def rounding_decides(score_a: float, score_b: float, n_a: float, n_b: float, kind: str, level: float) -> bool:
    """Whether rounding to whole counts decides the exact two-sided test of no difference at ``level``: for a mean of
    :data:`EXACT_BOUNDED` whose score times N is not whole, the test runs at the neighbouring counts that bring the
    shares nearest (:func:`exact_counts`), and this says whether some other pair of neighbouring counts would reach
    the other decision. False for a gap the exact test does not judge, or whose counts are whole."""
    if kind not in EXACT_BOUNDED or gap_method(score_a, score_b, n_a, n_b, kind) != "exact":
        return False
    n_a, n_b = int(round(n_a)), int(round(n_b))
    pairs = {(x, y) for x in _whole(score_a / 100.0 * n_a) for y in _whole(score_b / 100.0 * n_b)}
    rejects = {exact_pvalue(x, n_a, y, n_b) < level for x, y in pairs}
    return len(rejects) > 1


def gap_method(score_a: float, score_b: float, n_a: float, n_b: float, kind: str = "proportion") -> str:
    """Which test judges this gap: ``"exact"`` or ``"score"``; raises :class:`NoTest` if none applies.

    The exact test judges a share of items on at most :data:`EXACT_MAX_N` items or at 0 % or 100 %, and a bounded
    mean of :data:`EXACT_BOUNDED` on at most :data:`EXACT_MAX_N` items; the score test the rest."""
    mk = metric_kind(kind)
    if not mk.testable:
        raise NoTest(mk.basis)
    _check_score(score_a, n_a)
    _check_score(score_b, n_b)
    if kind == "proportion":
        n_a, n_b = int(round(n_a)), int(round(n_b))
        edge = counts(score_a, n_a) in (0, n_a) or counts(score_b, n_b) in (0, n_b)
        if min(n_a, n_b) <= EXACT_MAX_N or edge:
            return "exact"
    if kind in EXACT_BOUNDED and min(n_a, n_b) <= EXACT_MAX_N:
        return "exact"
    return "score"


def _methods(rows, method: str | None) -> list[str]:
    """:func:`gap_method` for each row (``score_a, score_b, n_a, n_b, kind``), or ``method`` for all of them when
    given (``"score"`` or ``"exact"``: a published example of one test, on data the book would judge with the
    other); a kind without a test raises :class:`NoTest` either way."""
    if method is not None and method not in METHOD_NAMES:
        raise ValueError(f"unknown method {method!r}; allowed: {', '.join(METHOD_NAMES)}")
    found = [gap_method(*row) for row in rows]  # checks every kind and score, whichever test is used
    return found if method is None else [method] * len(found)


METHOD_NAMES = {
    "exact": "exact unconditional test on the score statistic (Agresti–Min interval)",
    "score": "Miettinen–Nurminen score test and interval",
}


def gap_pvalue(
    score_a: float, score_b: float, n_a: float, n_b: float, kind: str = "proportion", method: str | None = None
) -> tuple[float, str]:
    """Two-sided p-value for "the two scores differ", and the method used (:func:`gap_method`, or ``method``)."""
    (method,) = _methods([(score_a, score_b, n_a, n_b, kind)], method)
    if method == "exact":
        na, nb = int(round(n_a)), int(round(n_b))
        ca, cb = exact_counts(score_a, score_b, na, nb, kind, "null")
        return exact_pvalue(ca, na, cb, nb), method
    return score_pvalue(score_a / 100 * n_a, n_a, score_b / 100 * n_b, n_b), method


def gap_interval(
    score_a: float,
    score_b: float,
    n_a: float,
    n_b: float,
    kind: str = "proportion",
    alpha: float = 0.05,
    method: str | None = None,
) -> tuple[float, float]:
    """Interval, in points, for score_a − score_b: the set of gaps the same test does not reject
    at level ``alpha``. So 0 lies outside it exactly when :func:`gap_pvalue` < ``alpha``."""
    low, high = gap_intervals([score_a], [score_b], [n_a], [n_b], [kind], [alpha], method=method)
    return float(low[0]), float(high[0])


SIDES = ("both", "low", "high")


def gap_intervals(
    scores_a,
    scores_b,
    ns_a,
    ns_b,
    kinds,
    alphas,
    one_sided: bool = False,
    method: str | None = None,
    side: str = "both",
):
    """:func:`gap_interval` for many gaps at once (sequences of equal length): the score intervals in one
    vectorised pass (:func:`score_bounds`), the exact ones each inverted from its exact test (and remembered
    for the rest of the run, since a chapter asks for the same gap at the same level more than once), each bound
    at the counts that weaken it (:func:`exact_counts`). ``method`` forces one test on every gap.

    With ``one_sided``, each bound is the one-sided bound at its ``alpha`` (the gaps a one-sided test at that
    level does not reject from that side): together the 1 − 2·alpha interval of two one-sided tests (TOST).
    For the score test that is the two-sided interval at 2·alpha; the exact bounds invert the one-sided exact
    tests. ``side`` ``"low"`` or ``"high"`` asks for that bound alone (the other is NaN): an exact bound is a search
    of its own, so a caller that reads one bound at these scores (the lower end at the corner of the printed
    rounding least favourable to a lead) does not pay for the other."""
    if side not in SIDES:
        raise ValueError(f"side must be one of {', '.join(SIDES)}, got {side!r}")
    a, b, na, nb, level = (np.asarray(v, dtype=float) for v in (scores_a, scores_b, ns_a, ns_b, alphas))
    if np.any((level <= 0) | (level >= (0.5 if one_sided else 1))):
        raise ValueError(f"alpha must lie in (0, {'0.5' if one_sided else '1'}), got {level!r}")
    kinds = list(kinds)
    methods = _methods(zip(a, b, na, nb, kinds), method)
    two_sided = 2 * level if one_sided else level
    low, high = score_bounds(a / 100 * na, na, b / 100 * nb, nb, two_sided)
    for i in [i for i, m in enumerate(methods) if m == "exact"]:
        n1, n2 = int(round(na[i])), int(round(nb[i]))
        # each exact bound is searched from the score bound beside it: for a bounded mean, the one at the whole counts
        # the exact test uses (rounded toward the null, they can lie half a point and more from the scores)
        if side != "high":
            c1, c2 = exact_counts(a[i], b[i], n1, n2, kinds[i], "lower")
            near = low[i] if kinds[i] not in EXACT_BOUNDED else score_bounds(c1, n1, c2, n2, two_sided[i])[0]
            low[i] = _exact_bound(c1, n1, c2, n2, float(level[i]), float(near) / 100, one_sided, "low")
        if side != "low":
            c1, c2 = exact_counts(a[i], b[i], n1, n2, kinds[i], "upper")
            near = high[i] if kinds[i] not in EXACT_BOUNDED else score_bounds(c1, n1, c2, n2, two_sided[i])[1]
            high[i] = _exact_bound(c1, n1, c2, n2, float(level[i]), float(near) / 100, one_sided, "high")
    if side == "low":
        high = np.full_like(high, np.nan)
    elif side == "high":
        low = np.full_like(low, np.nan)
    return low, high


@lru_cache(maxsize=8192)
def _exact_bound(c1: int, n1: int, c2: int, n2: int, alpha: float, near: float, one_sided: bool, side: str) -> float:
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


def one_sided_pvalues(
    scores_a, scores_b, ns_a, ns_b, kinds, deltas, alternative: str, method: str | None = None
) -> np.ndarray:
    """One-sided p-values, for many gaps at once, of the hypothesis that the true gap (points) is at most
    ``deltas`` (``alternative="greater"``: small when the observed gap is well above it) or at least ``deltas``
    (``"less"``), by the gap's own test (:func:`gap_method`, or ``method`` for all) at the counts that weaken the
    evidence (:func:`exact_counts`): the two halves of an equivalence test (TOST) and the test of
    non-inferiority."""
    if alternative not in ("greater", "less"):
        raise ValueError(f"unknown alternative {alternative!r}")
    a, b, na, nb, d = (np.asarray(v, dtype=float) for v in (scores_a, scores_b, ns_a, ns_b, deltas))
    kinds = list(kinds)
    methods = _methods(zip(a, b, na, nb, kinds), method)
    t = score_statistic(a / 100 * na, na, b / 100 * nb, nb, d / 100)
    p = norm.sf(t) if alternative == "greater" else norm.cdf(t)
    toward = "lower" if alternative == "greater" else "upper"
    for i in [i for i, m in enumerate(methods) if m == "exact"]:
        n1, n2 = int(round(na[i])), int(round(nb[i]))
        c1, c2 = exact_counts(a[i], b[i], n1, n2, kinds[i], toward)
        p[i] = exact_pvalue(c1, n1, c2, n2, round(float(d[i]) / 100, 9), alternative)
    return np.asarray(p, dtype=float)


def printed_range(score: float, n: float, kind: str, decimals: int = 1) -> tuple[float, float]:
    """The lowest and highest true scores (points) that print as ``score`` at ``decimals`` places: the
    rounding allows ± half a unit of the last place. For a share of N items the true score is a count over
    N, so the range is that of the counts whose share prints as ``score`` (the nearest count when none does:
    N is then not the count the source divided by)."""
    half = 0.5 * 10.0 ** (-decimals)
    low, high = max(score - half, 0.0), min(score + half, 100.0)
    if kind != "proportion" or not float(n).is_integer():
        return low, high
    n = int(n)
    first = math.ceil(low / 100 * n - 1e-9)
    last = math.floor(high / 100 * n + 1e-9)
    # a share exactly half a unit away prints rounded to even or away: count it only if it prints as ``score``
    fits = [c for c in range(first, last + 1) if abs(round(100 * c / n, decimals) - score) < half / 10]
    if not fits:
        c = counts(score, n)
        return 100 * c / n, 100 * c / n
    return 100 * fits[0] / n, 100 * fits[-1] / n


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


def _bound(
    pval, estimate: float, edge: float, alpha: float, start: float | None = None, scan_step: float | None = None
) -> float:
    """The gap between ``estimate`` and ``edge`` (−1 or +1) where the p-value falls to alpha
    (to 1e-6, far below the printed precision). With ``start``, the search brackets the bound
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


# ---------------------------------------------------------------- many comparisons


def adjust(pvalues, method: str = "holm") -> np.ndarray:
    """p-values adjusted for the family of comparisons (statsmodels ``multipletests``)."""
    p = np.asarray(pvalues, dtype=float)
    if method not in CORRECTIONS:
        raise ValueError(f"unknown correction {method!r}; allowed: {', '.join(CORRECTIONS)}")
    if method == "none" or p.size == 0:
        return p
    return multipletests(p, method=method)[1]


def comparison_levels(pvalues, alpha: float = 0.05, method: str = "holm") -> np.ndarray:
    """For each comparison of a family, the level its test is judged at and its interval drawn at.

    A comparison is rejected exactly when its p-value is below its level, the same decisions
    as the corrected p-values below ``alpha``:

    - none: alpha; Bonferroni: alpha/m;
    - Holm: alpha/(m − j + 1) for the j-th smallest p-value up to the first that is not
      rejected; that level for it and all larger ones (their intervals then contain 0);
    - Benjamini–Hochberg: R·alpha/m for all, R the number rejected (the false-coverage-rate
      level of Benjamini & Yekutieli 2005), alpha/m when none is.
    """
    if method not in CORRECTIONS:
        raise ValueError(f"unknown correction {method!r}; allowed: {', '.join(CORRECTIONS)}")
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    if m == 0 or method == "none":
        return np.full(m, alpha)
    if method == "bonferroni":
        return np.full(m, alpha / m)
    order = np.argsort(p, kind="stable")
    levels = np.empty(m)
    if method == "holm":
        stop = None
        for j, i in enumerate(order):
            threshold = alpha / (m - j)
            if stop is None and p[i] >= threshold:
                stop = threshold
            levels[i] = threshold if stop is None else stop
        return levels
    ranked = p[order]
    passed = np.nonzero(ranked <= alpha * np.arange(1, m + 1) / m)[0]
    r = int(passed[-1]) + 1 if passed.size else 0
    return np.full(m, (r if r else 1) * alpha / m)


# ---------------------------------------------------------------- verdicts


def verdict(low: float, high: float, margin: float = DEFAULT_MARGIN) -> str:
    """The book's verdict for a gap whose interval (at its comparison level) is [low, high]:
    ahead or behind when the interval excludes 0, equivalent when it lies within ±margin,
    otherwise not resolved."""
    if low > 0:
        return "ahead"
    if high < 0:
        return "behind"
    if -margin <= low and high <= margin:
        return "equivalent"
    return "not resolved"


def correlation_to_resolve(score_a: float, score_b: float, n: float, alpha: float, kind: str = "proportion") -> float:
    """How strongly two models' per-item results would have to agree (correlation ρ) for a paired
    test on the same N items to reject "no difference" at level ``alpha``.

    With per-item variances Va, Vb (binomial, or their bound for the bounded kinds), the paired
    difference has variance (Va + Vb − 2ρ√(VaVb))/N; the gap becomes significant once that falls
    to (gap/z)². Returns 0 when the gap is significant even for independent results, and
    infinity when no correlation two right-or-wrong outcomes with these rates can have suffices
    (their largest correlation is √(p(1−q)/(q(1−p))) for rates p ≤ q). A normal approximation.
    """
    metric_kind(kind)
    _check_score(score_a, n)
    _check_score(score_b, n)
    pa, pb = score_a / 100.0, score_b / 100.0
    va, vb = pa * (1 - pa), pb * (1 - pb)
    if va == 0 or vb == 0 or pa == pb:  # no agreement makes a zero gap significant
        return math.inf
    z = float(norm.isf(alpha / 2.0))
    needed = ((pa - pb) / z) ** 2 * n
    rho = (va + vb - needed) / (2.0 * math.sqrt(va * vb))
    if rho <= 0:
        return 0.0
    lo, hi = sorted((pa, pb))
    ceiling = math.sqrt(lo * (1 - hi) / (hi * (1 - lo))) if kind == "proportion" else 1.0
    return rho if rho <= ceiling else math.inf


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


def macro_average_range(subset_sizes, scores) -> tuple[float, float]:
    """The lowest and highest N at which a macro average's subset sizes bound its variance (:func:`macro_average_n`)
    over some printed ``scores`` (points; blanks are skipped): the effective N its tests use at those scores."""
    ns = [macro_average_n(subset_sizes, float(s)) for s in scores if pd.notna(s)]
    if not ns:
        raise ValueError("no printed score to bound the variance at")
    return min(ns), max(ns)


def macro_average_text(package, benchmark: str, scores, where: str = "these scores") -> str:
    """What N a macro average's test uses, as the book writes it: the variance bound over its recorded subsets, the
    effective N at ``scores`` (:func:`macro_average_range`; ``where`` names them) and the subsets' total."""
    from herd.base import formats

    sizes = package.benchmark_subsets.query("benchmark == @benchmark")["n"].tolist()
    low, high = macro_average_range(sizes, scores)
    effective = formats.count(low) if round(low) == round(high) else formats.span(low, high)
    return (
        f"the test uses the variance bound over its {formats.count(len(sizes))} subsets (effective N {effective} "
        f"at {where}); {formats.count(sum(sizes))} is the total"
    )


def inversion_table(package) -> pd.DataFrame:
    """The N each benchmark's printed intervals imply (lowest and highest over its cells), for every
    benchmark with printed intervals, beside its official size and the N the book uses:
    ``name``, ``test_set_size``, ``n``, ``basis``, ``n_from_ci_min``, ``n_from_ci_max``. A macro average whose
    subset sizes are recorded has no one N: its tests use the variance bound at their two scores, so ``n`` is blank
    and ``basis`` gives the effective N over its printed scores (:func:`macro_average_text`)."""
    implied = package_sizes(package).merge(
        package.benchmarks[["key", "name", "test_set_size"]], left_on="benchmark", right_on="key"
    )
    implied = implied[implied["n_from_ci_min"].notna()].copy()
    with_subsets = set(package.benchmark_subsets["benchmark"])
    macro = (implied["kind"] == "macro-average") & implied["benchmark"].isin(with_subsets)
    printed = package.scores[package.scores["score"].between(0, 100, inclusive="neither")]
    implied.loc[macro, "basis"] = [
        macro_average_text(package, b, printed.loc[printed["benchmark"] == b, "score"], "its printed scores")
        for b in implied.loc[macro, "benchmark"]
    ]
    implied.loc[macro, "n"] = pd.NA
    return implied[["name", "test_set_size", "n", "basis", "n_from_ci_min", "n_from_ci_max"]]


def sizes_text(package, benchmarks) -> str:
    """The N the book uses for some benchmarks, in their order, as prose: ``21, 28 and 80``."""
    from herd.base import formats

    n = package_sizes(package).set_index("benchmark")["n"]
    missing = [b for b in benchmarks if b not in n.index or pd.isna(n[b])]
    if missing:
        raise ValueError(f"no N for {', '.join(missing)}")
    return formats.listing([formats.count(n[b]) for b in benchmarks])


def inversion_agreement(inversion: pd.DataFrame, tolerance: float = INVERSION_TOLERANCE) -> dict[str, int]:
    """How many benchmarks with both an official size and printed intervals imply a range of N (the lowest
    to the highest over their printed cells, :func:`inversion_table`) that reaches within ``tolerance`` of
    that size, i.e. overlaps it ± ``tolerance``; not that every or the median implied N lies there:
    ``n_official_checked`` and ``n_official_consistent``."""
    check = inversion.dropna(subset=["test_set_size"])
    inside = (check["n_from_ci_min"] <= check["test_set_size"] * (1 + tolerance)) & (
        check["n_from_ci_max"] >= check["test_set_size"] * (1 - tolerance)
    )
    return {"n_official_checked": len(check), "n_official_consistent": int(inside.sum())}


# ---------------------------------------------------------------- the method chapter's worked examples


def metric_kinds_table(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Each metric kind (:data:`METRIC_KINDS`): whether it can be tested, the basis of the test or why
    there is none, how many benchmarks are of that kind and up to four of them by name."""
    rows = []
    for key, kind in METRIC_KINDS.items():
        members = benchmarks[benchmarks["metric_kind"] == key]
        rows.append(
            {
                "kind": key,
                "testable": "yes" if kind.testable else "no",
                "basis of the test (or why none)": kind.basis,
                "benchmarks": len(members),
                "for example": ", ".join(members["name"].head(4)),
            }
        )
    return pd.DataFrame(rows)


def printed_score(package, table: str, row_label: str, model: str) -> float:
    """The score a table prints in one cell (the first source whose table has that name)."""
    s = package.scores
    return float(s[(s["table"] == table) & (s["row_label"] == row_label) & (s["model"] == model)]["score"].iloc[0])


def macro_average_example(package, benchmark: str, score: float) -> dict[str, str]:
    """The N at which a macro average's recorded subset sizes bound its variance at ``score``
    (:func:`macro_average_n`), the questions in all, how many subsets and the smallest and largest, as the book
    writes them: ``n_eff``, ``total``, ``subsets``, ``smallest``, ``largest``."""
    from herd.base import formats

    sizes = package.benchmark_subsets.query("benchmark == @benchmark")["n"].tolist()
    return {
        "n_eff": formats.count(macro_average_n(sizes, score)),
        "total": formats.count(sum(sizes)),
        "subsets": formats.count(len(sizes)),
        "smallest": formats.count(min(sizes)),
        "largest": formats.count(max(sizes)),
    }


def repeated_items_example(package, benchmark: str) -> dict[str, str]:
    """A mean over the same items asked in several versions (MGSM: the same problems in several languages), as the
    book writes it: ``items`` (the honest N), ``versions`` (answers per item) and ``answers`` (all the answers)."""
    from herd.base import formats

    row = package.benchmarks.set_index("key").loc[benchmark]
    items, answers = int(row["n_items"]), int(row["test_set_size"])
    if answers % items:
        raise ValueError(
            f"data/benchmarks.csv, row {benchmark!r}: test_set_size {answers} is not a multiple of n_items {items}"
        )
    return {
        "items": formats.count(items),
        "versions": formats.count(answers // items),
        "answers": formats.count(answers),
    }


def printed_vs_wilson(score: float, n: int) -> dict[str, str]:
    """The paper's interval S ± 1.96·√(S(1−S)/N) beside the Wilson interval for the same score,
    as the book writes them: ``printed`` (``S ± h``), ``top`` (S + h, which may pass 100) and ``wilson``."""
    from herd.base import formats

    half = ci95_halfwidth(score, n)
    lo, hi = score_interval(count_share(score, n), n)
    return {
        "printed": f"{formats.number(score)} ± {formats.number(half)}",
        "top": formats.number(score + half),
        "wilson": formats.span(lo, hi, formats.number, "%"),
    }


def tost_example() -> str:
    """The equivalence (TOST) interval at α = 0.025 of 7/34 − 1/34 by the score test (``method="score"``), which
    must equal the published 95 % Miettinen–Nurminen interval (PropCIs ``diffscoreci``: 0.0270 to 0.3453), as
    proportions."""
    low, high = gap_intervals(
        [100 * 7 / 34], [100 * 1 / 34], [34], [34], ["proportion"], [0.025], one_sided=True, method="score"
    )
    lo, hi = float(low[0]) / 100, float(high[0]) / 100
    return f"{lo:.4f} to {hi:.4f}"


def published_examples() -> pd.DataFrame:
    """Each method of the book against an example printed in the paper that introduced or evaluated
    it: the method, where it is published, the published value and this module's value, written the
    same way (the unit tests assert the same values)."""
    checks = []
    lo, hi = score_interval(100 * 81 / 263, 263)
    checks.append(
        (
            "Wilson interval, 81/263",
            "Newcombe (1998a), Table I",
            "0.2553 to 0.3662",
            f"{lo / 100:.4f} to {hi / 100:.4f}",
        )
    )
    lo, hi = gap_interval(100 * 56 / 70, 100 * 48 / 80, 70, 80, method="score")
    checks.append(
        (
            "Miettinen–Nurminen interval, 56/70 − 48/80",
            "Newcombe (1998b), Table II",
            "0.0528 to 0.3382",
            f"{lo / 100:.4f} to {hi / 100:.4f}",
        )
    )
    lo, hi = gap_interval(100 * 7 / 34, 100 * 1 / 34, 34, 34, method="score")
    checks.append(
        (
            "Miettinen–Nurminen interval, 7/34 − 1/34",
            "R package PropCIs, diffscoreci (example of Fagerland, Lydersen & Laake 2015)",
            "0.0270 to 0.3453",
            f"{lo / 100:.4f} to {hi / 100:.4f}",
        )
    )
    lo, hi = gap_interval(100 * 7 / 34, 100 * 1 / 34, 34, 34, kind="proportion")
    checks.append(
        (
            "Agresti–Min exact interval, 7/34 − 1/34",
            "Fagerland, Lydersen & Laake (2015)",
            "0.024 to 0.35",
            f"{lo / 100:.3f} to {hi / 100:.3f}",
        )
    )
    checks.append(
        (
            "Barnard's exact test, 7/15 vs 12/15, one-sided",
            "Mehta & Senchaudhuri (2003)",
            "p = 0.0341",
            f"p = {exact_pvalue(7, 15, 12, 15, 0.0, 'less'):.4f}",
        )
    )
    checks.append(
        (
            "TOST interval at α = 0.025 (the 95 % interval), 7/34 − 1/34",
            "R package PropCIs, diffscoreci (the 95 % Miettinen–Nurminen interval above)",
            "0.0270 to 0.3453",
            tost_example(),
        )
    )
    checks.append(
        (
            "Holm adjustment of p = 0.01, 0.04, 0.03, 0.005",
            "Holm (1979) procedure, standard example",
            "0.03, 0.06, 0.06, 0.02",
            ", ".join(f"{v:.2f}" for v in adjust([0.01, 0.04, 0.03, 0.005], "holm")),
        )
    )
    return pd.DataFrame(checks, columns=["method", "published in", "published value", "this book's code"])
