"""How a question's verdicts depend on its family: the same least favourable p-values corrected over other
families, each comparison alone (no correction), the comparisons of each row together, or the question's whole
family (the book's rule, :mod:`herd.method.compare`). A verdict is its test's p-value against the level its family's
correction gives it (``p_worst`` for the difference, ``p_equivalence``, the larger of the two one-sided p-values,
for equivalence), so another family needs no new test, only other levels. Numbers and records only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import stats
from .compare import Rules, judge_package, orient

ALONE = "each comparison alone (no correction)"
PER_ROW = "the comparisons of each benchmark row"
WHOLE = "the question's family (the book's rule)"
FAMILIES = (ALONE, PER_ROW, WHOLE)
"""The families :func:`sensitivity` corrects over, from the smallest to the book's."""


def regrouped(seen: pd.DataFrame, rules: Rules, family: str) -> pd.DataFrame:
    """The difference and equivalence each comparison of ``seen`` (rows of :func:`herd.method.compare.orient`, one
    question's comparisons judged as the book judges them) would get in another ``family`` (one of
    :data:`FAMILIES`): each alone at α; the comparisons of each ``row_label`` corrected together with the rules'
    correction; or all of them (the question's family). The difference and the equivalence tests are corrected apart,
    each over its own p-values, as :func:`herd.method.compare.judge` corrects them. Returns ``difference`` (ahead,
    behind, not resolved, no test, seen from the focus model) and ``equivalence`` (equivalent, not shown, no test) on
    ``seen``'s index."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(map(repr, FAMILIES))}, got {family!r}")
    out = pd.DataFrame({"difference": "no test", "equivalence": "no test"}, index=seen.index)
    tested = seen[seen["difference"] != "no test"]
    correction = "none" if family == ALONE else rules.correction
    groups = [g for _, g in tested.groupby("row_label", sort=False)] if family == PER_ROW else [tested]
    for g in (g for g in groups if len(g)):
        p, q = g["p_worst"].to_numpy(dtype=float), g["p_equivalence"].to_numpy(dtype=float)
        levels = stats.comparison_levels(p, rules.alpha, correction)
        eq_levels = stats.comparison_levels(q, rules.alpha, correction)
        out.loc[g.index, "difference"] = np.where(
            p < levels, np.where(g["gap"].to_numpy(dtype=float) > 0, "ahead", "behind"), "not resolved"
        )
        out.loc[g.index, "equivalence"] = np.where(q < eq_levels, "equivalent", "not shown")
    return out


def sensitivity(seen: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """How the verdicts of one question (``seen``: every comparison of it, rows of :func:`herd.method.compare.orient`
    judged as :data:`herd.method.compare.EACH`) depend on the family (:func:`regrouped`): one row per family of
    :data:`FAMILIES` (the one per benchmark row only when some row holds more than one comparison, else it is the
    first), with the differences, the gaps shown equivalent within the rules' margin, and how many of each verdict
    differ from the book's. Stops if the question's own family does not give back the verdicts ``seen`` carries."""
    book = regrouped(seen, rules, WHOLE)
    for column in ("difference", "equivalence"):
        if list(book[column]) != list(seen[column]):
            raise AssertionError(
                f"the question's family does not reproduce its {column} verdicts: pass every comparison of one "
                "question, judged as compare.EACH"
            )
    tested = seen[seen["difference"] != "no test"]
    several = bool(len(tested)) and bool(tested.groupby("row_label").size().max() > 1)
    rows = []
    for family in FAMILIES:
        if family == PER_ROW and not several:
            continue
        got = book if family == WHOLE else regrouped(seen, rules, family)
        counts = got["difference"].value_counts()
        rows.append(
            {
                "family": family,
                **{v: int(counts.get(v, 0)) for v in ("ahead", "behind", "not resolved")},
                "differences changed": int((got["difference"] != book["difference"]).sum()),
                f"equivalent within ±{rules.margin:g}": int((got["equivalence"] == "equivalent").sum()),
                "equivalences changed": int((got["equivalence"] != book["equivalence"]).sum()),
            }
        )
    return pd.DataFrame(rows)


def correction_sensitivity(
    package, source: str, table: str, focus: str, competitors: list[str], rules: Rules = Rules()
) -> pd.DataFrame:
    """:func:`sensitivity` of the question "how does ``focus`` compare with each of ``competitors`` on every row of a
    printed table?" (:func:`herd.method.compare.against`)."""
    judged = judge_package(package, source, table, rules, pairs=[(focus, c) for c in competitors])
    return sensitivity(orient(judged, focus, competitors), rules)
