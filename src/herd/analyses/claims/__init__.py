"""The claims audit: a verdict for every claim of the audited post, computed from the data.

Each row of ``data/claims.csv`` is one atomic claim taken from the post (paraphrased, with
the paragraph it comes from). Its ``kind`` names the check that judges it; every check is a
function of the claim and one :class:`herd.analyses.claims.evidence.Evidence` record and returns a
:class:`herd.analyses.claims.verdicts.Verdict` with a verdict from :data:`herd.analyses.claims.verdicts.VERDICTS`, a
reason code, the rule applied and what the check found (each a :class:`herd.analyses.claims.verdicts.Said` record of
numbers and names), the source cells it used and, for comparisons, the gap with its interval.
Comparisons are judged by the book's one method (:mod:`herd.method.compare`), so a pair gets the same verdict here as in
every chapter.

Measurements made elsewhere (how many words a context window holds) are passed in as data,
so the audit needs neither the tokenizer nor the measured texts.

``verdicts`` (the vocabulary and the :class:`~herd.analyses.claims.verdicts.Verdict` record), ``evidence`` (what a
check reads), the checks by kind of claim: ``comparisons`` (printed scores and rankings), ``parity`` (claims of being
at least on a par) and ``facts`` (facts, contamination, context capacity); ``counting`` (the audit tallied); here,
:data:`CHECKS` (each kind's check) and :func:`audit`. Numbers and records only: ``herd.presentation.claims_words``
writes what each check found and its rule, ``herd.presentation.claims_text`` the chapter's sentences and tables.

May import: ``herd.base``, ``herd.record``, ``herd.method``, ``herd.analyses.long_context``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from herd.method import compare
from herd.record import data

from .comparisons import (
    check_category,
    check_most,
    check_ranking,
    check_row_leader,
    check_score,
    check_some_rows,
    check_top,
)
from .evidence import Chance, Evidence
from .facts import check_contamination, check_context_pages, check_context_words, check_fact, check_unverifiable
from .parity import check_bottom_line
from .verdicts import Verdict

CHECKS: dict[str, Callable[[pd.Series, Evidence], Verdict]] = {
    "score": check_score,
    "ranking": check_ranking,
    "top": check_top,
    "category": check_category,
    "row-leader": check_row_leader,
    "bottom-line": check_bottom_line,
    "fact": check_fact,
    "contamination": check_contamination,
    "context-words": check_context_words,
    "context-pages": check_context_pages,
    "unverifiable": check_unverifiable,
    "most": check_most,
    "some-rows": check_some_rows,
}


def audit(
    package: data.DataPackage,
    rules: compare.Rules = compare.Rules(),
    capacity: pd.DataFrame | None = None,
    claims: pd.DataFrame | None = None,
    topics: list[str] | None = None,
    beyond_chance: Chance | None = None,
) -> pd.DataFrame:
    """Every claim with its computed verdict, reason code, rule, evidence, source cells and gap.

    Parameters
    ----------
    package
        The data package (``claims.csv`` and the evidence the checks read).
    rules
        The level, correction and margin comparisons are judged with.
    capacity
        Words per token measured on real texts (:func:`herd.analyses.long_context.textstats.capacity`); without it the
        words-and-pages claims are *not checkable*.
    claims
        The claims to audit (default: every row of ``claims.csv``).
    topics
        Audit only the claims of these topics.
    beyond_chance
        The contamination chapter's result (:class:`~herd.analyses.claims.evidence.Chance`): how many of the paper's
        reported contamination gains exceed what choosing a threshold per benchmark finds by chance, at each item
        correlation of the published range; without it the claims about contamination's effect are *not checkable*.

    Returns
    -------
    pandas.DataFrame
        The claims with ``verdict``, ``code`` (the reason code), ``rule``, ``evidence``, ``cells``,
        ``reference``, ``gap``, ``gap_low``, ``gap_high``, ``parts`` and ``p`` (a comparison's p-value).
    """
    ev = Evidence(package, rules, capacity, beyond_chance)
    claims = package.claims if claims is None else claims
    if topics is not None:
        claims = claims[claims["topic"].isin(topics)]
    results = []
    for _, claim in claims.iterrows():
        check = CHECKS.get(claim["kind"])
        if check is None:
            raise ValueError(
                f"claims.csv, claim {claim['claim_id']}: unknown kind {claim['kind']!r}; allowed: {', '.join(CHECKS)}"
            )
        results.append(check(claim, ev))
    out = claims.copy()
    for col in (
        "verdict",
        "code",
        "rule",
        "evidence",
        "cells",
        "reference",
        "gap",
        "gap_low",
        "gap_high",
        "parts",
        "p",
    ):
        out[col] = [getattr(r, col) for r in results]
    return out
