"""Where the claims chapter's numbers come from: the lineage of each value it glues and each table it shows.

Every count the chapter writes is a count of the audit's verdicts (:func:`herd.analyses.claims.audit`, judged with the
chapter's level, correction and margin, the words per token the long-context chapter measured and the contamination
chapter's result) made by :mod:`herd.analyses.claims.counting`; each lineage names that function, the chapter's
parameters and the rows it read (``claims.csv``, the printed scores of the tables the claims cite in ``scores.csv``,
``facts.csv``, ``contamination.csv``, ``post_paragraphs.csv``). A claim's gap in a table names the check of its kind
(:data:`herd.analyses.claims.CHECKS`) and the claim's row with the printed cells it compares; a row of the bottom
line names the comparison of its two printed cells (:func:`herd.analyses.claims.parity.bottom_line_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from herd.analyses import claims
from herd.analyses.claims import counting, parity
from herd.analyses.claims.evidence import evidence_table
from herd.base import formats
from herd.base.lineage import Lineage, computed
from herd.method import compare, rowwise
from herd.record import coverage
from herd.record import lineage as rows_of

from . import levels_text

CONTEXT_FACTS = ("context_length_tokens",)  # the facts the words-and-pages checks read besides a claim's own


def _models(claim: Mapping) -> list[str]:
    """The models a claim names: its subject and each of its others (``;``-separated) that is a model key."""
    named = [claim.get("subject"), *str(claim.get("other") or "").split(";")]
    return [str(m) for m in named if m is not None and not formats.missing(m) and str(m)]


def _scores(package, claim: Mapping) -> pd.DataFrame:
    """The printed score cells a claim compares: those of its evidence table, of the models it names, on its row
    (every row of the table when it names none)."""
    source, table = evidence_table(pd.Series(claim))
    scores = package.tables["scores"]
    hit = scores[(scores["source"] == source) & (scores["model"].isin(_models(claim)))]
    if table:
        hit = hit[hit["table"] == table]
    row = claim.get("benchmark_row")
    if row is not None and not formats.missing(row):
        hit = hit[hit["row_label"] == str(row)]
    return hit


def _facts(package, keys) -> tuple:
    return rows_of.rows_where(package, "facts", "key", keys)


def _audit_reads(package, frame: pd.DataFrame | None = None) -> tuple:
    """What the audit of ``frame`` (claims of ``claims.csv``; every claim by default) read: the claims, the printed
    scores of the tables they cite, the facts they name and, for the claims about contamination, its table."""
    frame = package.claims if frame is None else frame
    cited = {evidence_table(c) for _, c in frame.iterrows() if not formats.missing(c["evidence"])}
    scores = package.tables["scores"]
    pairs = scores[["source", "table"]].apply(tuple, axis=1)
    reads = rows_of.rows(package, "claims", frame)
    reads += rows_of.rows(package, "scores", scores[pairs.isin({p for p in cited if p[1]})])
    keys = [*frame["fact_key"].dropna(), *CONTEXT_FACTS]
    reads += _facts(package, keys)
    if (frame["kind"] == "contamination").any():
        reads += rows_of.rows(package, "contamination")
    return reads


def _params(rules: compare.Rules, beyond: tuple[int, int] | None) -> dict:
    """The chapter's parameters that change a verdict, with the contamination chapter's result the audit is given."""
    return {
        "alpha": rules.alpha,
        "correction": rules.correction,
        "margin": rules.margin,
        "beyond_chance": list(beyond) if beyond else None,
    }


AUDIT_NOTE = "a count of the verdicts herd.analyses.claims.audit computed for the post's claims"


def rules(alpha: float, correction: str, margin: float) -> Lineage:
    """The level, correction and margin the chapter judges with: its parameters, as the judging rules hold them."""
    return computed(
        compare.Rules, alpha=alpha, correction=correction, margin=margin, note="the chapter's parameters cell"
    )


def answer(package, judging: compare.Rules, beyond, names) -> dict[str, Lineage]:
    """The answer's counts (``names``): the post's claims per summary group (:func:`counting.summary`), the claims
    themselves (:func:`counting.stated`), the omission checks (:func:`counting.omissions`) and what one family over
    the rankings would make of them (:func:`counting.rankings_corrected`)."""
    reads, params = _audit_reads(package), _params(judging, beyond)
    by = {
        "n_claims": counting.stated,
        "n_checks": counting.omissions,
        "answer_family": counting.rankings_corrected,
        "family_note": counting.rankings_corrected,
    }
    return {n: computed(by.get(n, counting.summary), reads, note=AUDIT_NOTE, **params) for n in names}


def tallies(package, judging: compare.Rules, beyond, names) -> dict[str, Lineage]:
    """The counts of scores and rankings (:func:`counting.tallies`) and their sentences (``names``): the rankings
    counted verdict by verdict, and as one family (:func:`counting.rankings_corrected`)."""
    reads, params = _audit_reads(package), _params(judging, beyond)
    by = {"rankings_corrected": counting.rankings_corrected}
    out = {n: computed(by.get(n, counting.tallies), reads, note=AUDIT_NOTE, **params) for n in names}
    out["rankings_sentence"] = computed(
        claims.audit,
        reads,
        note="counted verdict by verdict by herd.presentation.claims_text.rankings_sentence",
        **params,
    )
    return out


def omitted(package, judging: compare.Rules, beyond) -> Lineage:
    """The rows whose leader the post leaves out (:func:`counting.tallies` of the omission checks)."""
    frame = counting.omissions(package.claims)
    return computed(counting.tallies, _audit_reads(package, frame), note=AUDIT_NOTE, **_params(judging, beyond))


def meaning(package, judging: compare.Rules, beyond) -> Lineage:
    """What the audit comes to: its verdicts on single numbers and rankings, counted."""
    return computed(
        claims.audit,
        _audit_reads(package),
        note="counted by herd.presentation.claims_text.meaning_sentence",
        **_params(judging, beyond),
    )


def _pair_reads(package, row: Mapping) -> tuple:
    """The two printed cells a row of a comparison (:func:`herd.method.compare.orient`) compares, and its benchmark."""
    key = {"source": row["source"], "table": row["table"], "row_label": row["row_label"]}
    return (
        rows_of.row(package, "scores", **key, model=row["focus"]),
        rows_of.row(package, "scores", **key, model=row["competitor"]),
        rows_of.row(package, "benchmarks", key=row["benchmark"]),
    )


def bottom_line(package, judging: compare.Rules, seen: pd.DataFrame) -> dict[str, Lineage]:
    """The bottom line's sentence, its record and its tie sentence: the rows of Table 2 that print both models
    (:func:`parity.bottom_line_rows`), and the bound a tie would get on each (:func:`rowwise.noninferiority_reach`)."""
    scores = package.tables["scores"]
    keys = seen[["source", "table", "row_label"]].apply(tuple, axis=1)
    shown = scores[scores[["source", "table", "row_label"]].apply(tuple, axis=1).isin(set(keys))]
    shown = shown[shown["model"].isin({*seen["focus"], *seen["competitor"]})]
    reads = rows_of.rows(package, "scores", shown)
    params: dict[str, Any] = {"alpha": judging.alpha, "correction": judging.correction, "margin": judging.margin}
    rows = computed(parity.bottom_line_rows, reads, **params)
    return {
        "bottom_line": rows,
        "comparisons": rows,
        "bottom_line_tie": computed(rowwise.noninferiority_reach, reads, margin=judging.margin),
    }


def bottom_line_cells(package, judging: compare.Rules, seen: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each cell of the bottom line's tables: its row's comparison of the two printed cells
    (:func:`parity.bottom_line_rows`), the bound a tie would get from :func:`rowwise.noninferiority_reach`."""
    params: dict[str, Any] = {"alpha": judging.alpha, "correction": judging.correction, "margin": judging.margin}
    reads = [_pair_reads(package, r) for _, r in seen.iterrows()]
    row = [computed(parity.bottom_line_rows, r, **params) for r in reads]
    tie = [computed(rowwise.noninferiority_reach, r, margin=judging.margin) for r in reads]
    return lambda i, column: tie[i] if column.startswith("bound if the two tied") else row[i]


def claim_cells(package, judging: compare.Rules, beyond, frame: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each claim's gap in a table of claims (``frame``, with the claims' ids in ``id`` or ``claim_id``, in the order
    shown): the check of its kind (:data:`herd.analyses.claims.CHECKS`), with the claim's row and the printed cells
    it compares."""
    ids = list(frame["id"] if "id" in frame.columns else frame["claim_id"])
    by_id = package.claims.set_index("claim_id")
    params = _params(judging, beyond)
    made: dict[str, Lineage] = {}
    for claim_id in dict.fromkeys(ids):
        claim = {"claim_id": claim_id, **by_id.loc[claim_id].to_dict()}
        reads = (
            rows_of.row(package, "claims", claim_id=claim_id),
            *rows_of.rows(package, "scores", _scores(package, claim)),
        )
        made[claim_id] = computed(claims.CHECKS[claim["kind"]], reads, **params)
    return lambda i, column: made[ids[i]]


def parts_cells(package, judging: compare.Rules, beyond, frame: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each comparison behind a composite claim (rows of :func:`herd.presentation.claims_text.parts_record`, the
    claim's id in ``id``): the check of the claim's kind, with the claim's row and the printed cells of that row and
    rival."""
    by_id = package.claims.set_index("claim_id")
    params = _params(judging, beyond)
    made = []
    for claim_id, row, against in zip(frame["id"], frame["row"], frame["against"]):
        claim = by_id.loc[claim_id].to_dict()
        part = {**claim, "other": against, "benchmark_row": row}
        reads = (
            rows_of.row(package, "claims", claim_id=claim_id),
            *rows_of.rows(package, "scores", _scores(package, part)),
        )
        made.append(computed(claims.CHECKS[claim["kind"]], reads, **params))
    return lambda i, column: made[i]


def definitions(package, judging: compare.Rules, beyond) -> Lineage:
    """The table of verdicts: how many of the post's claims and of the omission checks get each
    (:func:`counting.counts`)."""
    return computed(counting.counts, _audit_reads(package), note=AUDIT_NOTE, **_params(judging, beyond))


def paragraphs(package, names) -> dict[str, Lineage]:
    """The counts of the post's paragraphs (:func:`counting.paragraph_counts` of :func:`counting.paragraph_table`)."""
    reads = rows_of.rows(package, "post_paragraphs") + rows_of.rows(package, "claims")
    return {n: computed(counting.paragraph_counts, reads) for n in names}


def paragraph_cells(package, frame: pd.DataFrame) -> Callable[[int, str], Lineage | None]:
    """The table of the post's paragraphs (``frame``, a paragraph per row in ``paragraph``): the numbers a paragraph
    states, read from its row of ``post_paragraphs.csv`` and written as a list (:func:`formats.number_list`), and the
    claims and omission checks taken from it (:func:`counting.paragraph_table`, from the claims of that paragraph)."""
    table = package.claims
    numbers, counted = [], []
    for paragraph in frame["paragraph"]:
        numbers.append(
            computed(formats.number_list, (rows_of.row(package, "post_paragraphs", "numbers", paragraph=paragraph),))
        )
        own = rows_of.rows(package, "claims", table[table["paragraph"] == paragraph])
        counted.append(
            computed(counting.paragraph_table, (rows_of.row(package, "post_paragraphs", paragraph=paragraph), *own))
        )
    return lambda i, column: numbers[i] if column.startswith("numbers") else counted[i]


def post(package) -> dict[str, Lineage]:
    """The post's title and date, read from its row of ``sources.csv`` (:func:`counting.post_source`)."""
    source = (rows_of.row(package, "sources", key=counting.POST),)
    return {"post_title": computed(counting.post_source, source), "post_date": computed(counting.post_source, source)}


def later(package) -> Lineage:
    """What the audit cannot cover: the models released after the post or not named by it
    (:func:`herd.record.coverage.later_models`), with the post's row of ``sources.csv``."""
    models = package.tables["models"]
    shown = models[models["key"].isin(coverage.later_models(package)["key"])]
    return computed(
        coverage.later_models,
        (rows_of.row(package, "sources", key=counting.POST), *rows_of.rows(package, "models", shown)),
    )


def bottom_levels(package, judging: compare.Rules, seen: pd.DataFrame) -> Lineage:
    """Which level each of the bottom line's tables draws its bound or interval at
    (:func:`herd.presentation.levels_text.bottom_levels_line`): the rows of Table 2 that print both models
    (:func:`parity.bottom_line_rows`) judged as the claim and as the question which rows differ."""
    scores = package.tables["scores"]
    keys = seen[["source", "table", "row_label"]].apply(tuple, axis=1)
    shown = scores[scores[["source", "table", "row_label"]].apply(tuple, axis=1).isin(set(keys))]
    shown = shown[shown["model"].isin({*seen["focus"], *seen["competitor"]})]
    params: dict[str, Any] = {"alpha": judging.alpha, "correction": judging.correction, "margin": judging.margin}
    return computed(levels_text.bottom_levels_line, rows_of.rows(package, "scores", shown), **params)
