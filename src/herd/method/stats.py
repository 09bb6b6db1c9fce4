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

The pieces stand beside this module: the score statistic, Wilson's interval and the Miettinen–Nurminen test and
interval in :mod:`herd.method.score_test`; the exact unconditional test and its interval in
:mod:`herd.method.exact`; the N each benchmark's tests rest on in :mod:`herd.method.sample_sizes`. This module holds
the metric kinds, the choice of test for a gap with its p-value and interval, the printed rounding, the corrections
and the verdicts.

Kinds other than ``proportion`` are tested only under a stated bound on their variance
(:data:`METRIC_KINDS`); the others get "no test" with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from .exact import EXACT_BOUNDED, EXACT_MAX_N, counts, exact_bound, exact_counts, exact_pvalue, whole_neighbours
from .score_test import check_score, score_bounds, score_pvalue, score_statistic

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


# ---------------------------------------------------------------- the gap between two scores


def rounding_decides(score_a: float, score_b: float, n_a: float, n_b: float, kind: str, level: float) -> bool:
    """Whether rounding to whole counts decides the exact two-sided test of no difference at ``level``: for a mean of
    :data:`EXACT_BOUNDED` whose score times N is not whole, the test runs at the neighbouring counts that bring the
    shares nearest (:func:`exact_counts`), and this says whether some other pair of neighbouring counts would reach
    the other decision. False for a gap the exact test does not judge, or whose counts are whole."""
    if kind not in EXACT_BOUNDED or gap_method(score_a, score_b, n_a, n_b, kind) != "exact":
        return False
    n_a, n_b = int(round(n_a)), int(round(n_b))
    pairs = {(x, y) for x in whole_neighbours(score_a / 100.0 * n_a) for y in whole_neighbours(score_b / 100.0 * n_b)}
    rejects = {exact_pvalue(x, n_a, y, n_b) < level for x, y in pairs}
    return len(rejects) > 1


def gap_method(score_a: float, score_b: float, n_a: float, n_b: float, kind: str = "proportion") -> str:
    """Which test judges this gap: ``"exact"`` or ``"score"``; raises :class:`NoTest` if none applies.

    The exact test judges a share of items on at most :data:`EXACT_MAX_N` items or at 0 % or 100 %, and a bounded
    mean of :data:`EXACT_BOUNDED` on at most :data:`EXACT_MAX_N` items; the score test the rest."""
    mk = metric_kind(kind)
    if not mk.testable:
        raise NoTest(mk.basis)
    check_score(score_a, n_a)
    check_score(score_b, n_b)
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
            low[i] = exact_bound(c1, n1, c2, n2, float(level[i]), float(near) / 100, one_sided, "low")
        if side != "low":
            c1, c2 = exact_counts(a[i], b[i], n1, n2, kinds[i], "upper")
            near = high[i] if kinds[i] not in EXACT_BOUNDED else score_bounds(c1, n1, c2, n2, two_sided[i])[1]
            high[i] = exact_bound(c1, n1, c2, n2, float(level[i]), float(near) / 100, one_sided, "high")
    if side == "low":
        high = np.full_like(high, np.nan)
    elif side == "high":
        low = np.full_like(low, np.nan)
    return low, high


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


# ---------------------------------------------------------------- printed rounding


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
    check_score(score_a, n)
    check_score(score_b, n)
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


def unnested_pair(n: int, alpha: float) -> tuple[int, int] | None:
    """The first pair of counts (``x_a`` ≥ ``x_b`` of ``n`` items each, the largest ``x_a`` first) whose 1 − 2α
    equivalence (TOST) interval reaches beyond the 1 − α interval of their difference, or None when no pair on
    ``n`` items does: the exact bounds of TOST invert the one-sided exact tests, whose p-values are not halves of
    the two-sided test's, so on a small test set the two intervals need not nest."""
    for x_a in range(n, -1, -1):
        for x_b in range(x_a, -1, -1):
            args = ([100 * x_a / n], [100 * x_b / n], [n], [n], ["proportion"], [alpha])
            low, high = gap_intervals(*args)
            tost_low, tost_high = gap_intervals(*args, one_sided=True)
            if tost_low[0] < low[0] or tost_high[0] > high[0]:
                return x_a, x_b
    return None
