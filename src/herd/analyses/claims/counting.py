"""The audit counted: the post's own claims apart from the audit's omission checks, claims per verdict and per
summary group, the counts the chapter writes about scores and rankings, how the resolved rankings fare corrected as one
family, the claims that rest on one and the same test, the row-by-row record of composite claims, and the audited
post's paragraphs (numbers and records only: ``herd.presentation.claims_text`` writes them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from herd.method import compare, stats
from herd.record import data

from .verdicts import OMISSION_KINDS, RANKING_KINDS, REVERSED_CODES, SUMMARY_GROUPS, VERDICTS


def parts_table(audited: pd.DataFrame) -> pd.DataFrame:
    """The row-by-row record behind every composite claim."""
    rows = []
    for claim_id, parts in zip(audited["claim_id"], audited["parts"]):
        for row, other, v in parts:
            rows.append(
                {
                    "claim_id": claim_id,
                    "row": row,
                    "against": other,
                    "verdict": v.verdict,
                    "code": v.code,
                    "gap": v.gap,
                    "gap_low": v.gap_low,
                    "gap_high": v.gap_high,
                    "evidence": v.evidence,
                }
            )
    return pd.DataFrame(
        rows, columns=["claim_id", "row", "against", "verdict", "code", "gap", "gap_low", "gap_high", "evidence"]
    )


def stated(audited: pd.DataFrame) -> pd.DataFrame:
    """The claims the post states (every row but the omission checks)."""
    return audited[~audited["kind"].isin(OMISSION_KINDS)]


def omissions(audited: pd.DataFrame) -> pd.DataFrame:
    """The audit's omission checks: for each benchmark row the post lists, whether it leaves out the leader."""
    return audited[audited["kind"].isin(OMISSION_KINDS)]


def counts(audited: pd.DataFrame) -> pd.Series:
    """Claims per verdict, in the book's order (every verdict listed, zeros included)."""
    return audited["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


def summary(audited: pd.DataFrame) -> pd.Series:
    """Claims per summary group (:data:`herd.analyses.claims.verdicts.SUMMARY_GROUPS`); the groups add up to every
    claim."""
    c = counts(audited)
    return pd.Series({group: int(c[list(members)].sum()) for group, members in SUMMARY_GROUPS.items()})


def rankings_corrected(audited: pd.DataFrame, rules: compare.Rules = compare.Rules()) -> dict[str, int]:
    """How the post's resolved rankings fare if they are corrected as one family instead of each being its own
    question at α: the rankings judged by a test of the difference (one model above another, or on top; a claim
    of parity is judged by equivalence and left out), with ``rules``' correction over those that can be tested,
    each at the p-value of its least favourable rounding (the ``p`` of :func:`herd.analyses.claims.audit`).

    Returns
    -------
    dict
        ``n_family`` (the testable rankings corrected together), ``n_resolved`` and ``n_stay`` (resolved at α, and
        still resolved corrected), and the same for each direction: ``n_stated``/``n_stated_stay`` (the post's
        order) and ``n_other_way``/``n_other_way_stay``.
    """
    r = audited[audited["kind"].isin(RANKING_KINDS) & (audited["relation"].astype("string").fillna("") != "on-par")]
    family = r[r["p"].notna()]
    p = family["p"].to_numpy(dtype=float)
    stay = p < stats.comparison_levels(p, rules.alpha, rules.correction) if len(p) else np.array([], dtype=bool)
    stated_way = (family["verdict"] == "correct").to_numpy()
    other_way = (family["verdict"] == "wrong order").to_numpy()
    resolved = stated_way | other_way
    if not np.array_equal(resolved, p < rules.alpha):
        raise AssertionError("a ranking's verdict and the p-value of its test disagree at α")
    return {
        "n_family": len(family),
        "n_resolved": int(resolved.sum()),
        "n_stay": int((resolved & stay).sum()),
        "n_stated": int(stated_way.sum()),
        "n_stated_stay": int((stated_way & stay).sum()),
        "n_other_way": int(other_way.sum()),
        "n_other_way_stay": int((other_way & stay).sum()),
    }


# ---------------------------------------------------------------- the chapter's tables and counts

POST = "blog-llama31-in-depth"  # the audited post's key in sources.csv


def in_group(audited: pd.DataFrame, group: str) -> pd.DataFrame:
    """The claims whose verdict is in one summary group (:data:`herd.analyses.claims.verdicts.SUMMARY_GROUPS`), in their
    order."""
    return audited[audited["verdict"].isin(SUMMARY_GROUPS[group])]


SAME_TEST = ("kind", "evidence", "subject", "other", "benchmark_row", "relation")
"""Columns of ``claims.csv`` that, alike, make two claims one and the same test."""


def same_test(audited: pd.DataFrame) -> list[list[str]]:
    """Groups of claims (their ids, two or more in each) that state the same thing of the same rows
    (:data:`SAME_TEST`) and so rest on one and the same test, in the order of the claims."""
    key = audited[list(SAME_TEST)].astype("string").fillna("")
    groups = audited.groupby([key[c] for c in SAME_TEST], sort=False)["claim_id"].apply(list)
    return [ids for ids in groups if len(ids) > 1]


def of_topics(audited: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """The claims of some topics, in the post's order (by paragraph)."""
    return audited[audited["topic"].isin(topics)].sort_values("paragraph", kind="stable")


def tallies(audited: pd.DataFrame) -> dict[str, int]:
    """The counts the chapter writes about scores and rankings, from verdict counts and reason codes.

    Returns
    -------
    dict
        ``n_scores`` and ``n_scores_right`` (single scores, and those that match the source),
        ``n_rankings``, ``n_rankings_resolved`` and ``n_rankings_noise`` (rankings and top-score
        claims: correct, and right order but not resolved), ``n_reversed`` (the printed order is the
        reverse, or another model prints higher), ``n_equal`` (equal scores called a win or a loss),
        ``n_unlike`` (cells from different settings compared) and ``n_omitted_leader``.
    """
    scores = audited[audited["kind"] == "score"]
    rankings = audited[audited["kind"].isin(["ranking", "top"])]
    ranked = counts(rankings)
    return {
        "n_scores": len(scores),
        "n_scores_right": int((scores["code"] == "match").sum()),
        "n_rankings": len(rankings),
        "n_rankings_resolved": int(ranked["correct"]),
        "n_rankings_noise": int(ranked["right order, not resolved"]),
        "n_reversed": int(audited["code"].isin(REVERSED_CODES).sum()),
        "n_wrong_resolved": int(counts(stated(audited))["wrong order"]),
        "n_wrong_noise": int(counts(stated(audited))["wrong order, not resolved"]),
        "n_equal": int((audited["code"] == "equal").sum()),
        "n_unlike": int(counts(audited)["misleading: unlike settings"]),
        "n_omitted_leader": int((audited["code"] == "omitted-leader").sum()),
    }


def post_source(package: data.DataPackage) -> pd.Series:
    """The audited post's row of ``sources.csv``."""
    return package.sources.set_index("key").loc[POST]


def paragraph_table(package: data.DataPackage, audited: pd.DataFrame) -> pd.DataFrame:
    """Every paragraph of the post (``post_paragraphs.csv``) with the number of claims taken from it
    and of the book's omission checks made on the rows it lists (never counted among its claims)."""
    paragraphs = package.post_paragraphs

    def per_paragraph(frame: pd.DataFrame) -> np.ndarray:
        return frame.groupby("paragraph")["claim_id"].count().reindex(paragraphs["paragraph"], fill_value=0).to_numpy()

    return paragraphs.assign(claims=per_paragraph(stated(audited)), omission_checks=per_paragraph(omissions(audited)))


def paragraph_counts(by_paragraph: pd.DataFrame) -> dict[str, int]:
    """Paragraphs in all, those that yield claims, and those that state a number (from
    :func:`paragraph_table`): ``n_paragraphs``, ``n_paragraphs_claims``, ``n_paragraphs_numbers``."""
    return {
        "n_paragraphs": len(by_paragraph),
        "n_paragraphs_claims": int((by_paragraph["claims"] > 0).sum()),
        "n_paragraphs_numbers": int(by_paragraph["numbers"].notna().sum()),
    }
