"""Claims over the rows of a table, one rule for each kind: a claim that must hold on every row at once
(:func:`every_row`, intersection–union: each row at α, a row without a test caps it at *not resolved*), a claim that
holds if any one row shows it (:func:`some_row`, each row at α/k), and what a row of its N can show at all: whether
equivalence or non-inferiority is within reach at these scores (:func:`equivalence_reachable`,
:func:`noninferiority_reach`) and the one-sided tests of a gap beyond the margin (:func:`margin_pvalues`). The rows
are those of :func:`herd.method.compare.orient`; numbers and records only (``herd.presentation.compare_text`` writes
them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import stats
from .compare import SOME, Rules, printed_corners, question_correction


def _tie_bounds(seen: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """The TOST interval (1 − 2·its equivalence level) a zero gap would get on each tested row of
    :func:`herd.method.compare.orient`, with both scores at their printed mean: the narrowest interval the row's N
    allows at these scores. Returns the rows' index and the interval's two ends."""
    tested = seen[seen["testable"].astype(bool) & seen["eq_level"].notna()]
    if tested.empty:
        return tested.index, np.array([]), np.array([])
    mid = (tested["focus_score"].astype(float) + tested["competitor_score"].astype(float)) / 2
    lo, hi = stats.gap_intervals(mid, mid, tested["n"], tested["n"], list(tested["kind"]), tested["eq_level"], True)
    return tested.index, lo, hi


def equivalence_reachable(seen: pd.DataFrame, margin: float) -> pd.Series:
    """For each tested row of :func:`herd.method.compare.orient`, whether equivalence within ±``margin`` could be shown
    at all at these scores: the equivalence interval (1 − 2·its level) of a zero gap with both scores at their mean must
    fit inside the margin. An answer *at these scores*, not for every score (the interval is widest at 50 %).
    NaN for rows without a test."""
    out = pd.Series(np.nan, index=seen.index, dtype=object)
    index, lo, hi = _tie_bounds(seen)
    if len(index):
        out[index] = list((-margin < lo) & (hi < margin))
    return out


REACH = {
    "shown": "yes: shown",
    "lead": "yes, with a larger lead",
    "never": "no: not even at 100 %",
}
"""What :func:`noninferiority_reach` says of a row: it shows non-inferiority; it does not, but a larger lead of
the focus model would; no score of the focus model could, against the competitor's printed score."""


def noninferiority_reach(seen: pd.DataFrame, margin: float, decimals: int = 1) -> pd.DataFrame:
    """Which rows of a claim of non-inferiority (rows of :func:`herd.method.compare.orient` judged as a claim on every
    row) could show it at their N at all, so that a row that does not is not read as evidence against the claim.

    Returns, on ``seen``'s index: ``tie_bound``, the one-sided lower bound (at the row's equivalence level) a zero
    gap would get with both scores at their printed mean, the least a row of this N needs from the focus model
    at these scores; ``best_bound``, where the row does not show it, the bound had the focus model scored 100 %
    against the competitor's score at the highest its printing allows (the bound grows with the focus score, so
    no result could do better); and ``reach``, one of :data:`REACH`'s values (NaN without a test)."""
    out = pd.DataFrame({"tie_bound": np.nan, "best_bound": np.nan, "reach": np.nan}, index=seen.index)
    out["reach"] = out["reach"].astype(object)
    index, lo, _ = _tie_bounds(seen)
    if not len(index):
        return out
    out.loc[index, "tie_bound"] = lo
    rows = seen.loc[index]
    shown = rows["noninferior"].astype(bool)
    short = rows[~shown]
    if len(short):
        b_high = [
            stats.printed_range(float(b), n, k, decimals)[1]
            for b, n, k in zip(short["competitor_score"], short["n"], short["kind"])
        ]
        best, _ = stats.gap_intervals(
            np.full(len(short), 100.0),
            b_high,
            short["n"],
            short["n"],
            list(short["kind"]),
            short["eq_level"],
            True,
            side="low",
        )
        out.loc[short.index, "best_bound"] = best
    out.loc[index, "reach"] = [
        REACH["shown"] if ok else REACH["lead"] if out.loc[i, "best_bound"] > -margin else REACH["never"]
        for i, ok in zip(index, shown)
    ]
    return out


def margin_pvalues(seen: pd.DataFrame, margin: float, decimals: int = 1) -> pd.DataFrame:
    """For each tested row of :func:`herd.method.compare.orient`, the one-sided p-values that the gap lies beyond the
    margin, each at the pair of true scores the printing allows that weakens it: ``p_above`` (the focus model ahead by
    more than ``margin``) and ``p_below`` (behind by more than ``margin``), by the row's own test. NaN for rows without
    a test. A verdict that the gap lies beyond the margin reads these tests, not an interval's end."""
    out = pd.DataFrame({"p_above": np.nan, "p_below": np.nan}, index=seen.index)
    rows = seen[seen["difference"] != "no test"]
    if rows.empty:
        return out
    f_lo, f_hi, c_lo, c_hi = printed_corners(
        rows.rename(columns={"focus_score": "score_a", "competitor_score": "score_b"}), decimals
    )
    n, kinds = rows["n"].to_numpy(dtype=float), list(rows["kind"])
    m = np.full(len(rows), float(margin))
    out.loc[rows.index, "p_above"] = stats.one_sided_pvalues(f_lo, c_hi, n, n, kinds, m, "greater")
    out.loc[rows.index, "p_below"] = stats.one_sided_pvalues(f_hi, c_lo, n, n, kinds, -m, "less")
    return out


@dataclass(frozen=True)
class EveryRow:
    """The verdict of a claim on every row (``shown``, ``not resolved`` or ``not shown``) with its counts: the rows
    printed for both models, those that can be tested, those that pass, and the labels of the rows that cannot be
    tested."""

    verdict: str
    n_rows: int
    n_tested: int
    n_passed: int
    untested: tuple[str, ...]


def every_row(seen: pd.DataFrame, passes) -> EveryRow:
    """The intersection–union rule, one for every claim that must hold on every row at once ("at least on a par
    on every benchmark", "as good as everywhere"): each row tested at α, no correction, and the claim shown only
    if every row printed for both models can be tested and passes. A row that cannot be tested (no test-set size,
    a metric without a test, cells from unlike settings) is not dropped: it caps the claim at *not resolved*
    ("shown on every testable row; 1 row cannot be tested"), so a claim is never called shown while a row it
    names stays unexamined. Rows with a score not printed are not rows of the claim.

    ``seen``: rows of :func:`herd.method.compare.orient` (``difference`` is "no test" where a row cannot be tested);
    ``passes``: whether each row passes its test (``seen["noninferior"]``, or equivalence shown), aligned with
    ``seen``."""
    passes = pd.Series(passes, index=seen.index).fillna(False).astype(bool)
    printed = seen["focus_score"].notna() & seen["competitor_score"].notna()
    tested = printed & (seen["difference"] != "no test")
    untested = tuple(seen.loc[printed & ~tested, "row_label"])
    n_passed = int((passes & tested).sum())
    n_tested = int(tested.sum())
    if n_passed < n_tested:
        verdict = "not shown"
    elif untested or not n_tested:
        verdict = "not resolved"
    else:
        verdict = "shown"
    return EveryRow(verdict, int(printed.sum()), n_tested, n_passed, untested)


SIDES = {"below": "p_below", "above": "p_above"}
"""The sides a gap can be shown beyond the margin on, by the column of :func:`margin_pvalues` that tests it: the focus
model behind by more than the margin (``below``), or ahead by more (``above``)."""


def beyond_margin(seen: pd.DataFrame, margin: float, sides=("below",), decimals: int = 1) -> pd.DataFrame:
    """For each row of :func:`herd.method.compare.orient`, the smallest p-value of the one-sided tests of a gap beyond
    the margin on ``sides`` (keys of :data:`SIDES`; :func:`margin_pvalues`) and the side it tests: ``p`` and ``side``
    (NaN for rows without a test)."""
    unknown = [s for s in sides if s not in SIDES]
    if unknown or not sides:
        raise ValueError(f"sides must be some of {', '.join(SIDES)}, got {list(sides)!r}")
    p = margin_pvalues(seen, margin, decimals)[[SIDES[s] for s in sides]]
    p.columns = list(sides)
    out = pd.DataFrame({"p": p.min(axis=1, skipna=False), "side": np.nan}, index=seen.index)
    out["side"] = out["side"].astype(object)
    tested = out["p"].notna()
    out.loc[tested, "side"] = p[tested].idxmin(axis=1)
    return out


@dataclass(frozen=True)
class RowClaim:
    """A claim on every row on the book's three-valued scale: ``verdict`` is ``shown`` (every row printed for both
    passes its test), ``refuted`` (a row shows the gap beyond the margin on a side the claim excludes) or ``not
    resolved`` (neither: some row neither passes nor refutes it, or cannot be tested). ``every`` is the
    intersection–union count (:class:`EveryRow`), ``k`` the one-sided tests a refutation could rest on (the tested rows
    times the sides) and ``level`` the level each is tested at, α/k; ``refuting`` the rows that refute it, as
    ``(row label, side, p)``, the smallest p first; ``beyond``, every row's test (:func:`beyond_margin`, on the
    index of the rows judged; NaN for rows without a test)."""

    verdict: str
    every: EveryRow
    k: int
    level: float
    refuting: tuple[tuple[str, str, float], ...]
    beyond: pd.DataFrame = field(compare=False, repr=False, default_factory=pd.DataFrame)


def claim_on_every_row(
    seen: pd.DataFrame, passes, margin: float, alpha: float, sides=("below",), decimals: int = 1
) -> RowClaim:
    """The book's one logic for a claim that must hold on every row, "at least as good as" (non-inferiority:
    ``passes`` is ``seen["noninferior"]``, ``sides`` ``("below",)``) or "as good as" (equivalence: ``passes`` where
    equivalence is shown, ``sides`` both): *shown* by the intersection–union rule (:func:`every_row`: each row at α,
    no correction, a row without a test caps it); *refuted* when some row shows the gap beyond the margin on a side the
    claim excludes, by the one-sided test of that side (:func:`beyond_margin`), at α/k: one row is enough to refute
    it, so refuting it is a claim that any of its k one-sided tests shows, corrected over them (as
    :func:`some_row` corrects); *not resolved* otherwise, never "no" for want of evidence. ``seen``: rows of
    :func:`herd.method.compare.orient` judged as a claim on every row; ``decimals``: the table's printed precision."""
    every = every_row(seen, passes)
    tested = seen["focus_score"].notna() & seen["competitor_score"].notna() & (seen["difference"] != "no test")
    k = int(tested.sum()) * len(sides)
    level = alpha / max(k, 1)
    beyond = pd.DataFrame({"p": np.nan, "side": np.nan}, index=seen.index).astype({"side": object})
    if k:
        beyond.loc[tested] = beyond_margin(seen[tested], margin, sides, decimals)
    hits = beyond[beyond["p"] < level].sort_values("p", kind="stable")
    refuting = tuple(
        (str(seen.loc[i, "row_label"]), str(side), float(p)) for i, side, p in zip(hits.index, hits["side"], hits["p"])
    )
    verdict = "refuted" if refuting else "shown" if every.verdict == "shown" else "not resolved"
    return RowClaim(verdict, every, k, level, refuting, beyond)


AS_GOOD, AT_LEAST = "as good as", "at least as good as"
"""The two readings of two models printed side by side (:func:`readings`)."""


def readings(seen: pd.DataFrame, margin: float, alpha: float, decimals: int = 1) -> dict[str, RowClaim]:
    """Both readings of "is the focus model as good as the other?" on every row of :func:`herd.method.compare.orient`
    (one pair judged as a claim on every row), each by :func:`claim_on_every_row`: *as good as* (equivalence within
    ±``margin`` on every row; refuted by a gap shown beyond the margin on either side) and *at least as good as*
    (non-inferiority on every row; refuted by a deficit shown beyond the margin)."""
    return {
        AS_GOOD: claim_on_every_row(
            seen, seen["equivalence"] == "equivalent", margin, alpha, ("below", "above"), decimals
        ),
        AT_LEAST: claim_on_every_row(seen, seen["noninferior"], margin, alpha, ("below",), decimals),
    }


@dataclass(frozen=True)
class SomeRow:
    """The test of a claim that holds if any one row shows it (an existential claim): ``shown`` when a row printed in
    the stated order is resolved at the claim's level; the rows that can be tested (``n_tested``, k) and the level
    each is tested at (``level``, α/k), the rows printed in the stated order (``in_order``), and the one that best
    supports the claim, with the smallest p-value among them (``best``, ``p``; None and NaN when there is none)."""

    shown: bool
    n_tested: int
    level: float
    in_order: tuple[str, ...]
    best: str | None
    p: float


def some_row(seen: pd.DataFrame, rules: Rules = Rules()) -> SomeRow:
    """The rule for a claim that holds if any one row shows it ("A trails B in some areas", "A is ahead on some
    row"), one for every such claim: it rests on whichever row best supports it, so it is corrected over every row
    it could rest on, the k rows printed for both that can be tested (in either printed order: which order a row
    prints is what the claim picks from). Each row is tested at α/k (:func:`herd.method.compare.question_correction`;
    for the row with the smallest p-value, the one a claim resting on its best row rests on, Bonferroni over them), and
    the claim is shown when a row printed in the stated order passes: when the smallest p-value among those rows lies
    below α/k.

    ``seen``: rows of :func:`herd.method.compare.orient` judged as :data:`herd.method.compare.SOME`, seen from the model
    the claim puts ahead (the stated order is ``focus`` above ``competitor``)."""
    tested = seen[(seen["difference"] != "no test") & seen["focus_score"].notna() & seen["competitor_score"].notna()]
    k = len(tested)
    if not tested.empty and not tested["family"].eq(SOME).all():
        raise ValueError("some_row needs rows judged as a claim that any one row shows (compare.SOME)")
    correction = question_correction(SOME, rules)
    level = float(stats.comparison_levels(np.zeros(k), rules.alpha, correction)[0]) if k else rules.alpha
    order = tested[tested["focus_score"] > tested["competitor_score"]]
    if order.empty:
        return SomeRow(False, k, level, (), None, float("nan"))
    best = order.loc[order["p_worst"].astype(float).idxmin()]
    shown = bool((order["difference"] == "ahead").any())
    if shown != (float(best["p_worst"]) < level):
        raise AssertionError(f"{best['row_label']}: the claim's test (p = {best['p_worst']:.4g}) and its rows disagree")
    return SomeRow(shown, k, level, tuple(order["row_label"]), str(best["row_label"]), float(best["p_worst"]))
