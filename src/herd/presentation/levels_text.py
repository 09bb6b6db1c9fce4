"""Which level a comparison's intervals are drawn at, and why, in a line under each table of a pair split in two
that shows two of them at different levels: the benchmarks chapter's interval of the gap and TOST interval, the
claims chapter's one-sided bound of its bottom line and interval of the gap. The levels, and whether a correction
moved them, are read from the judged rows (presentation: it computes nothing new).
"""

from __future__ import annotations

import pandas as pd

from herd.base import formats
from herd.method import stats
from herd.method.compare import EVERY, Rules

from .compare_text import levels_note


def confidence_span(levels: pd.Series, scale: int = 1) -> str:
    """The confidences of intervals drawn at significance ``levels`` (``scale`` 2 for a TOST interval, 1 − 2·level),
    as the book writes them: one, or the lowest and the highest (``95 % to 99.9 %``)."""
    shown = list(dict.fromkeys(formats.confidence(scale * float(v)) for v in levels.sort_values(ascending=False)))
    return " to ".join([shown[0], shown[-1]] if len(shown) > 1 else shown) or formats.DASH


def levels_line(seen: pd.DataFrame, rules: Rules, margin: float, interval: str = "gap") -> str:
    """The line under one table of a split pair that says which level its intervals are drawn at, and over which
    family (rows of :func:`herd.method.compare.orient`, or of :func:`herd.method.compare.with_differences`):
    ``interval="gap"`` for the interval of the gap (two-sided at its level ``level``, corrected over the question's
    tested comparisons, or not), ``interval="tost"`` for the TOST interval (two one-sided tests each at its
    equivalence level ``eq_level``, hence 1 − 2α′, within ±``margin`` when both reject). The levels and whether a
    correction moved them are read from the rows."""
    if interval not in ("gap", "tost"):
        raise ValueError(f"interval must be 'gap' or 'tost', not {interval!r}")
    tested = seen[(seen["difference"] != "no test") & seen["level"].notna() & seen["eq_level"].notna()]
    if tested.empty:
        return ""
    n = len(tested)
    corrected = stats.CORRECTION_NAMES[rules.correction]
    if interval == "gap":
        if (tested["level"] == rules.alpha).all():
            how = f"α = {rules.alpha:g}, no correction"
        else:
            how = f"{corrected} at α = {rules.alpha:g} over this question's {n} tested comparisons"
        return f"Intervals of the gap: two-sided, at {confidence_span(tested['level'])} ({how})."
    if (tested["eq_level"] == rules.alpha).all():
        why = ": a claim on every row needs none" if tested["family"].eq(EVERY).all() else ""
        how = f"α′ = α = {rules.alpha:g}, no correction{why}"
    else:
        how = f"α′ from {corrected} at α = {rules.alpha:g} over the {n} equivalence tests, a family of their own"
    return (
        f"TOST intervals (equivalence within ±{margin:g}): 1 − 2α′, at {confidence_span(tested['eq_level'], 2)} "
        f"({how})."
    )


def bottom_levels_line(seen: pd.DataFrame, each: pd.DataFrame, rules: Rules = Rules()) -> str:
    """Which level each of the bottom line's two tables draws its bound or interval at, and why: the claim's one-sided
    lower bound (rows of :func:`herd.method.compare.orient` judged as a claim on every row, ``seen``, at their
    equivalence level ``eq_level``) and the difference's two-sided interval (the same rows judged as the question
    "which rows differ", ``each``, at their ``level``). The levels and whether a correction moved them are read
    from the rows."""
    claim = seen[(seen["difference"] != "no test") & seen["eq_level"].notna()]
    rows = each[(each["difference"] != "no test") & each["level"].notna()]
    if claim.empty or rows.empty:
        return ""
    corrected = stats.CORRECTION_NAMES[rules.correction]
    bound_how = (
        f"α = {rules.alpha:g} with no correction: a claim on every row needs none"
        if (claim["eq_level"] == rules.alpha).all()
        else f"α = {rules.alpha:g} corrected by {corrected} over the {len(claim)} tested rows"
    )
    gap_how = (
        f"α = {rules.alpha:g} with no correction"
        if (rows["level"] == rules.alpha).all()
        else f"α = {rules.alpha:g} corrected by {corrected} over the {len(rows)} tested rows, "
        f"{levels_note(rules.correction)}"
    )
    return (
        "The two tables answer two questions, at two levels. The one-sided lower bound asks whether the row shows the "
        f"claim, not behind by {rules.margin:g} points or more: one-sided, at "
        f"{confidence_span(claim['eq_level'])} ({bound_how}). The interval of the gap asks whether "
        f"the row differs at all: two-sided, at {confidence_span(rows['level'])} ({gap_how})."
    )
