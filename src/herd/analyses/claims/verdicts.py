"""The claims audit's vocabulary: the verdicts a claim can get, what each means, the order in which a composite
claim takes them and the groups the chapter counts them in; the :class:`Verdict` record every check returns, with
what it found and the rule it applied as :class:`Said` records (numbers and names, never sentences:
:mod:`herd.presentation.claims_words` writes them); and the kinds of rows of ``claims.csv`` the tallies tell apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

VERDICTS = (
    "correct",
    "right order, not resolved",
    "overstated",
    "imprecise",
    "misleading: leaves out the leader",
    "misleading: unlike settings",
    "parity not resolved",
    "not supported",
    "wrong order",
    "wrong order, not resolved",
    "wrong number",
    "contradicted",
    "not checkable",
)


DEFINITIONS = {
    "correct": "the number matches the source, or the order it states is resolved by the book's test",
    "right order, not resolved": "the numbers and the printed order are right, but the gap is not resolved "
    "(or cannot be tested), so the source does not show that one model is ahead",
    "overstated": "true of part of what the source reports, stated of the whole",
    "imprecise": "a unit or naming slip that leaves the substance right",
    "misleading: leaves out the leader": "every number is right, "
    "but a model the post leaves out prints the top score of the row",
    "misleading: unlike settings": "the comparison sets a cell obtained in another setting (other shots, no chain "
    "of thought) against one obtained as the row states",
    "parity not resolved": "a claim of being on a par (equivalence) or at least on a par (non-inferiority) that "
    "the data can neither confirm nor refute (a claim on every row: some row does not show it, or cannot be tested)",
    "not supported": "the post attributes to the source something the source does not say: it is silent, not contrary",
    "wrong order": "the stated order is contradicted by a gap the book's test resolves the other way (for \"at "
    'least on a par": a deficit resolved beyond the margin)',
    "wrong order, not resolved": "the source prints the reverse order or equal scores, but the gap is not resolved "
    "(or cannot be tested): the printed order contradicts the claim, the data do not show the other model ahead",
    "wrong number": "a number differs from the source, or is attributed to the wrong quantity",
    "contradicted": "the source says otherwise (not a number or an order), or a claim of being on a par meets a "
    "gap resolved beyond the margin",
    "not checkable": "no source in the book can settle it; the reason says which source would",
}


# How the chapter summarises the verdicts: every verdict in exactly one group (a test checks it).
SUMMARY_GROUPS = {
    "correct": ("correct",),
    "right order, not resolved": ("right order, not resolved",),
    "wrong": ("wrong number", "wrong order", "contradicted"),
    "wrong order, not resolved": ("wrong order, not resolved",),
    "misleading or overstated": ("misleading: leaves out the leader", "misleading: unlike settings", "overstated"),
    "imprecise": ("imprecise",),
    "parity not resolved": ("parity not resolved",),
    "not supported": ("not supported",),
    "not checkable": ("not checkable",),
}


# Which verdict a composite claim takes from its parts: the first that occurs in this order, most serious first.
# "Not checkable" comes last: a part that cannot be checked (a score not printed) decides only when no part can.
SEVERITY = (
    "wrong number",
    "wrong order",
    "contradicted",
    "misleading: unlike settings",
    "misleading: leaves out the leader",
    "overstated",
    "wrong order, not resolved",
    "not supported",
    "parity not resolved",
    "right order, not resolved",
    "imprecise",
    "correct",
    "not checkable",
)


@dataclass(frozen=True)
class Said:
    """What a check found, or the rule it applied, as a record: ``key`` names the statement (one of the writers of
    :mod:`herd.presentation.claims_words`) and ``fields`` hold what it states (numbers, names, labels, other
    :class:`Said` records), as ``(name, value)`` pairs in order."""

    key: str
    fields: tuple[tuple[str, Any], ...] = ()

    def __getitem__(self, name: str) -> Any:
        return dict(self.fields)[name]


def said(key: str, **fields: Any) -> Said:
    """A :class:`Said` record; a list among the fields is kept as a tuple, so the record stays frozen."""
    return Said(key, tuple((name, tuple(v) if isinstance(v, list) else v) for name, v in fields.items()))


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim: the verdict itself (one of ``VERDICTS``), a short code for why, the rule
    applied and the evidence (each a :class:`Said` record), the printed cells read, the reference cited, the gap and its
    interval when a comparison was tested, the row-by-row parts of a composite claim, and the p-value of a
    comparison's test of the difference (taken where the printed rounding is least favourable)."""

    verdict: str
    code: str
    rule: Said
    evidence: Said
    cells: str = ""
    reference: str = ""
    gap: float = math.nan
    gap_low: float = math.nan
    gap_high: float = math.nan
    parts: tuple = field(default_factory=tuple)  # the row-by-row record of a composite claim
    p: float = math.nan  # a comparison's p-value at the least favourable rounding (the difference's test, at α)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")


FAVOUR = (
    "correct",
    "right order, not resolved",
    "misleading: unlike settings",
    "wrong order, not resolved",
    "wrong order",
    "not checkable",
)
"""Row verdicts of an existential claim ("on some row"), from the one that best supports it to the one that
least does: such a claim takes the best of its rows, as a claim over every row takes the most serious."""


OMISSION_KINDS = ("row-leader",)
"""Kinds of rows in claims.csv that are the audit's own checks of what the post leaves out, not
sentences of the post: reported beside the claims, never counted among them."""


RANKING_KINDS = ("ranking", "top")


REVERSED_CODES = ("reversed", "another-prints-higher")
"""Reason codes of a ranking whose printed order is the reverse of the one the post states (and that has a test)."""


UNTESTABLE = "untestable"
"""Reason code of a comparison printed in like settings on a row without a test (its metric, such as an average
recall over unpublished trials, or its N), whatever its printed order: its verdict says the order, the code that it
cannot be tested."""


CANNOT_TEST_CODES = ("unlike-settings", "not-printed", UNTESTABLE)
"""Reason codes of a ranking the book cannot test: cells obtained in unlike settings, a score not printed, or a row
without a test (:data:`UNTESTABLE`)."""


COMPOSITE_KINDS = ("category", "most", "some-rows")
"""Kinds of claims judged over several rows or rivals, whose row-by-row record the chapter shows."""
