"""Where the claims chapter's numbers come from: the lineage of each value it glues and each table it shows.

Every count the chapter writes is a count of the audit's verdicts (:func:`herd.analyses.claims.audit`, judged with
the chapter's level, correction and margin, the words per token the long-context chapter measured and the
contamination chapter's result) made by :mod:`herd.analyses.claims.counting`; each lineage names that function with
its arguments, after the audit (its rules and the contamination chapter's result), which of its outputs the number
is, and the rows it read (``claims.csv``, the printed scores of the tables the claims cite in ``scores.csv``,
``facts.csv``, ``contamination.csv``, ``post_paragraphs.csv``). A claim's gap in a table names the audit, its output
the claim's row and the check of its kind (:data:`herd.analyses.claims.CHECKS`) that filled it, and the claim's row
with the printed cells it compares; a row of the bottom line names the comparison of its two printed cells
(:func:`herd.analyses.claims.parity.bottom_line_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from herd.analyses import claims
from herd.analyses.claims import counting, facts, parity
from herd.analyses.claims.evidence import Chance, evidence_table
from herd.base import formats
from herd.base.lineage import Call, Lineage, call, computed
from herd.method import compare, rowwise
from herd.record import coverage
from herd.record import lineage as rows_of

from . import claims_text, claims_words, findings, levels_text

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


def _sizes(package, cells: pd.DataFrame) -> tuple:
    """The rows of ``benchmarks.csv`` whose test-set size (N) a comparison of ``cells`` rests on."""
    return rows_of.rows_where(package, "benchmarks", "key", list(dict.fromkeys(cells["benchmark"].dropna())))


def _audit_reads(package, frame: pd.DataFrame | None = None) -> tuple:
    """What the audit of ``frame`` (claims of ``claims.csv``; every claim by default) read: the claims, the printed
    scores of the tables they cite, the facts they name and, for the claims about contamination, its table."""
    frame = package.claims if frame is None else frame
    cited = {evidence_table(c) for _, c in frame.iterrows() if not formats.missing(c["evidence"])}
    scores = package.tables["scores"]
    pairs = scores[["source", "table"]].apply(tuple, axis=1)
    reads = rows_of.rows(package, "claims", frame)
    reads += rows_of.rows(package, "scores", scores[pairs.isin({p for p in cited if p[1]})])
    contamination = (frame["kind"] == "contamination").any()
    keys = [*frame["fact_key"].dropna(), *CONTEXT_FACTS, *([facts.IMPACT_VARIES] if contamination else [])]
    reads += _facts(package, keys)
    if contamination:
        reads += rows_of.rows(package, "contamination")
    return reads


def _audit(rules: compare.Rules, beyond: Chance | None) -> Call:
    """The audit (:func:`herd.analyses.claims.audit`) with the chapter's rules and the contamination chapter's result
    (the words per token it is also given are the long-context chapter's measurement)."""
    return call(claims.audit, rules=rules, beyond_chance=beyond)


def _note(beyond: Chance | None) -> str:
    """What the audit's ``beyond_chance`` argument is, in words."""
    if not beyond:
        return "beyond_chance: none given (the contamination claims are not checked)"
    (least, most), (low, high) = beyond.span, beyond.correlations
    return (
        f"beyond_chance: {least}–{most} of the {beyond.reported} contamination gains the paper reports are beyond "
        f"chance across item correlations {low:g}–{high:g} (the contamination chapter's table of counts across the "
        f"item correlations, {findings.RANGE_FUNCTION}, each count with the rows left undetermined)"
    )


def _whole_note(package, beyond: Chance | None) -> str:
    """The note of a number counted over the whole audit: what the rows of ``claims.csv`` are, and
    :func:`_note`."""
    rows, said = len(package.claims), len(counting.stated(package.claims))
    return (
        f"the {rows} rows of claims.csv are the post's {said} claims and the audit's {rows - said} omission checks; "
        + _note(beyond)
    )


def _counted(package, function, judging: compare.Rules, beyond, output: str | None, **params) -> Lineage:
    """A count made by ``function`` (of :mod:`herd.analyses.claims.counting`) of the audit's verdicts."""
    return computed(
        function,
        _audit_reads(package),
        output=output,
        after=[_audit(judging, beyond)],
        note=_whole_note(package, beyond),
        **params,
    )


def rules(alpha: float, correction: str, margin: float) -> dict[str, Lineage]:
    """The level and margin the chapter judges with (:func:`herd.presentation.claims_text.rules_values`' names): its
    parameters, as the judging rules hold them."""
    outputs = {
        "margin_text": "margin",
        "alpha_text": "alpha",
        "bound_level": "alpha (the level of a one-sided bound)",
        "tost_level": "alpha (the interval of two one-sided tests is drawn at 1 − 2α)",
    }
    return {
        name: computed(
            compare.Rules,
            output=output,
            note="the chapter's parameters cell",
            alpha=alpha,
            correction=correction,
            margin=margin,
        )
        for name, output in outputs.items()
    }


def conventions() -> dict[str, Lineage]:
    """The audit's conventions (:func:`claims_text.convention_values`): constants of the checks that apply them."""
    return {
        "words_tolerance": computed(
            facts.check_context_words, output="WORDS_TOLERANCE", note="a convention of the audit (its constant)"
        ),
        "pervasive_share": computed(
            facts.check_contamination,
            output="PERVASIVE",
            note="the reading of 'pervasive' that the claim's row of claims.csv gives: most of the benchmarks",
        ),
    }


def answer(package, judging: compare.Rules, beyond, names) -> dict[str, Lineage]:
    """The answer's counts (``names``): the post's claims per summary group (:func:`counting.summary`), the claims
    themselves (:func:`counting.stated`), the omission checks (:func:`counting.omissions`) and what one family over
    the rankings would make of them (:func:`counting.rankings_corrected`)."""
    by = {
        "n_claims": (counting.stated, "its rows (counted)", {}),
        "n_checks": (counting.omissions, "its rows (counted)", {}),
        "answer_family": (counting.rankings_corrected, "the counts of each verdict", {"rules": judging}),
        "family_note": (counting.rankings_corrected, "the counts of each verdict", {"rules": judging}),
        "answer": (counting.summary, "every group", {}),
    }
    out = {}
    for n in names:
        function, output, params = by.get(n, (counting.summary, f"the group of {n}", {}))
        out[n] = _counted(package, function, judging, beyond, output, **params)
    return out


def tallies(package, judging: compare.Rules, beyond, names) -> dict[str, Lineage]:
    """The counts of scores and rankings (:func:`counting.tallies`, by key) and their sentences (``names``): the
    rankings counted verdict by verdict, and as one family (:func:`counting.rankings_corrected`)."""
    out = {n: _counted(package, counting.tallies, judging, beyond, n) for n in names}
    out["rankings_corrected"] = _counted(
        package, counting.rankings_corrected, judging, beyond, "the counts of each verdict", rules=judging
    )
    out["rankings_sentence"] = computed(
        claims.audit,
        _audit_reads(package),
        output="column verdict of the ranking claims (counted, verdict by verdict)",
        note=_whole_note(package, beyond),
        **dict(_audit(judging, beyond).params),
    )
    return {n: out[n] for n in names}


def _of_omissions(package, function, output: str, judging: compare.Rules, beyond, **note) -> Lineage:
    """A number ``function`` made of the omission checks' verdicts (the audit's rows of :func:`counting.omissions`)."""
    frame = counting.omissions(package.claims)
    return computed(function, _audit_reads(package, frame), output=output, after=[_audit(judging, beyond)], **note)


def omitted(package, judging: compare.Rules, beyond) -> Lineage:
    """The rows whose leader the post leaves out (:func:`counting.tallies` of the omission checks)."""
    return _of_omissions(package, counting.tallies, "n_omitted_leader", judging, beyond, note=_note(beyond))


def omitted_rows(package, judging: compare.Rules, beyond) -> Lineage:
    """The names of the rows whose leader the post leaves out (:func:`claims_text.omitted_rows` of the omission
    checks)."""
    return _of_omissions(package, claims_text.omitted_rows, "the rows it names", judging, beyond)


def rules_legend(package, judging: compare.Rules, beyond, frame: pd.DataFrame) -> Lineage:
    """The labels of the rules a table of claims (``frame``, the claims' ids in ``id``) applies, listed under it
    (:func:`claims_words.rules_legend`): the audit of those claims' rows."""
    ids = list(dict.fromkeys(frame["id"]))
    return computed(
        claims_words.rules_legend,
        _audit_reads(package, package.claims[package.claims["claim_id"].isin(ids)]),
        output="the labels of the rules it names (column rule of the audit, each once)",
        after=[_audit(judging, beyond)],
    )


def rules_table(package, judging: compare.Rules, beyond) -> Lineage:
    """The one list of rules (:func:`claims_words.rules_table` of the post's claims): what each says, with the
    chapter's level and margin, and how many claims apply it."""
    return computed(
        claims_words.rules_table,
        _audit_reads(package, counting.stated(package.claims)),
        output="a row per rule",
        after=[_audit(judging, beyond)],
        note=_note(beyond),
    )


def omission_cells(package, judging: compare.Rules, beyond, frame: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each row of the omission table (``frame``, an omission check per row in the order of
    :func:`counting.omissions`): the check of the row (:func:`herd.analyses.claims.comparisons.check_row_leader`),
    with its claim's row, every printed score of that benchmark row it quotes and the test-set size its gap's
    interval rests on."""
    checks = counting.omissions(package.claims)
    if len(checks) != len(frame):
        raise ValueError(f"the omission table has {len(frame)} rows, the omission checks are {len(checks)}")
    scores = package.tables["scores"]
    params = dict(_audit(judging, beyond).params)
    made = []
    for _, claim in checks.iterrows():
        source, table = evidence_table(claim)
        row = scores[(scores["source"] == source) & (scores["table"] == table)]
        row = row[(row["row_label"] == claim["benchmark_row"]) & row["score"].notna()]
        check = claims.CHECKS[claim["kind"]]
        made.append(
            computed(
                claims.audit,
                (
                    rows_of.row(package, "claims", claim_id=claim["claim_id"]),
                    *rows_of.rows(package, "scores", row),
                    *_sizes(package, row),
                ),
                output=f"row claim_id={claim['claim_id']!r}, every score printed on its row "
                f"(filled by {check.__module__}.{check.__qualname__})",
                **params,
            )
        )
    return lambda i, column: made[i]


def meaning(package, judging: compare.Rules, beyond) -> Lineage:
    """What the audit comes to: its verdicts on single numbers and rankings, counted."""
    return computed(
        claims.audit,
        _audit_reads(package),
        output="column verdict (counted by herd.presentation.claims_text.meaning_sentence)",
        note=_whole_note(package, beyond),
        **dict(_audit(judging, beyond).params),
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
    rows = call(parity.bottom_line_rows, rules=judging)
    return {
        "bottom_line": computed(
            parity.bottom_line_rows, reads, output="both frames (the claim, row by row)", rules=judging
        ),
        "comparisons": computed(compare.with_differences, reads, output="every row", after=[rows]),
        "bottom_line_tie": computed(
            rowwise.noninferiority_reach, reads, output="column bound", after=[rows], margin=judging.margin
        ),
        "untested_rows": computed(
            parity.bottom_line_rows, reads, output="the rows without a test (counted)", rules=judging
        ),
    }


def bottom_line_cells(package, judging: compare.Rules, seen: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each cell of the bottom line's tables: its row's comparison of the two printed cells
    (:func:`parity.bottom_line_rows`), the bound a tie would get from :func:`rowwise.noninferiority_reach`."""
    reads = [_pair_reads(package, r) for _, r in seen.iterrows()]
    labels = list(seen["row_label"])
    rows = call(parity.bottom_line_rows, rules=judging)

    def cell(i: int, column: str) -> Lineage:
        where = f"row {labels[i]!r}, column {column!r}"
        if column.startswith("bound if the two tied"):
            return computed(rowwise.noninferiority_reach, reads[i], output=where, after=[rows], margin=judging.margin)
        return computed(parity.bottom_line_rows, reads[i], output=where, rules=judging)

    return cell


def claim_cells(package, judging: compare.Rules, beyond, frame: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each claim's gap in a table of claims (``frame``, with the claims' ids in ``id`` or ``claim_id``, in the order
    shown): the check of its kind (:data:`herd.analyses.claims.CHECKS`), with the claim's row and the printed cells
    it compares."""
    ids = list(frame["id"] if "id" in frame.columns else frame["claim_id"])
    by_id = package.claims.set_index("claim_id")
    params = dict(_audit(judging, beyond).params)
    made: dict[str, Lineage] = {}
    for claim_id in dict.fromkeys(ids):
        claim = {"claim_id": claim_id, **by_id.loc[claim_id].to_dict()}
        cells = _scores(package, claim)
        reads = (
            rows_of.row(package, "claims", claim_id=claim_id),
            *rows_of.rows(package, "scores", cells),
            *_sizes(package, cells),
        )
        check = claims.CHECKS[claim["kind"]]
        made[claim_id] = computed(
            claims.audit,
            reads,
            output=f"row claim_id={claim_id!r} (filled by {check.__module__}.{check.__qualname__})",
            note=_note(beyond) if claim["kind"] == "contamination" else None,
            **params,
        )
    return lambda i, column: made[ids[i]]


def parts_cells(package, judging: compare.Rules, beyond, frame: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each comparison behind a composite claim (rows of :func:`herd.presentation.claims_text.parts_record`, the
    claim's id in ``id``): the check of the claim's kind, with the claim's row and the printed cells of that row and
    rival."""
    by_id = package.claims.set_index("claim_id")
    params = dict(_audit(judging, beyond).params)
    made = []
    for claim_id, row, against in zip(frame["id"], frame["row"], frame["against"]):
        claim = by_id.loc[claim_id].to_dict()
        part = {**claim, "other": against, "benchmark_row": row}
        cells = _scores(package, part)
        reads = (
            rows_of.row(package, "claims", claim_id=claim_id),
            *rows_of.rows(package, "scores", cells),
            *_sizes(package, cells),
        )
        check = claims.CHECKS[claim["kind"]]
        made.append(
            computed(
                claims.audit,
                reads,
                output=f"row claim_id={claim_id!r}, row {row!r} against {against!r} "
                f"(filled by {check.__module__}.{check.__qualname__})",
                note=_note(beyond) if claim["kind"] == "contamination" else None,
                **params,
            )
        )
    return lambda i, column: made[i]


def definitions(package, judging: compare.Rules, beyond) -> Lineage:
    """The table of verdicts: how many of the post's claims and of the omission checks get each
    (:func:`counting.counts`)."""
    return _counted(package, counting.counts, judging, beyond, "the count of each verdict")


def paragraphs(package, names) -> dict[str, Lineage]:
    """The counts of the post's paragraphs (:func:`counting.paragraph_counts` of :func:`counting.paragraph_table`)."""
    reads = rows_of.rows(package, "post_paragraphs") + rows_of.rows(package, "claims")
    made = [call(claims.audit), call(counting.paragraph_table)]
    return {n: computed(counting.paragraph_counts, reads, output=n, after=made) for n in names}


def paragraph_cells(package, frame: pd.DataFrame) -> Callable[[int, str], Lineage | None]:
    """The table of the post's paragraphs (``frame``, a paragraph per row in ``paragraph``): the numbers a paragraph
    states, read from its row of ``post_paragraphs.csv`` and written as a list (:func:`formats.number_list`), and the
    claims and omission checks taken from it (:func:`counting.paragraph_table`, from the claims of that paragraph)."""
    table = package.claims
    numbers, counted = [], []
    for paragraph in frame["paragraph"]:
        numbers.append(
            computed(
                formats.number_list,
                (rows_of.row(package, "post_paragraphs", "numbers", paragraph=paragraph),),
                output="the list",
            )
        )
        own = rows_of.rows(package, "claims", table[table["paragraph"] == paragraph])
        counted.append(
            computed(
                counting.paragraph_table,
                (rows_of.row(package, "post_paragraphs", paragraph=paragraph), *own),
                output=f"row paragraph={paragraph!r}",
                after=[call(claims.audit)],
            )
        )
    return lambda i, column: numbers[i] if column.startswith("numbers") else counted[i]


def post(package) -> dict[str, Lineage]:
    """The post's title and date, read from its row of ``sources.csv`` (:func:`counting.post_source`)."""
    source = (rows_of.row(package, "sources", key=counting.POST),)
    return {
        "post_title": computed(counting.post_source, source, output="title"),
        "post_date": computed(counting.post_source, source, output="date"),
    }


def later(package) -> Lineage:
    """What the audit cannot cover: the models released after the post or not named by it
    (:func:`herd.record.coverage.later_models`), with the post's row of ``sources.csv``."""
    models = package.tables["models"]
    shown = models[models["key"].isin(coverage.later_models(package)["key"])]
    return computed(
        coverage.later_models,
        (rows_of.row(package, "sources", key=counting.POST), *rows_of.rows(package, "models", shown)),
        output="a row per later model",
    )


def bottom_levels(package, judging: compare.Rules, seen: pd.DataFrame) -> Lineage:
    """Which level each of the bottom line's tables draws its bound or interval at
    (:func:`herd.presentation.levels_text.bottom_levels_line`): the rows of Table 2 that print both models
    (:func:`parity.bottom_line_rows`) judged as the claim and as the question which rows differ."""
    scores = package.tables["scores"]
    keys = seen[["source", "table", "row_label"]].apply(tuple, axis=1)
    shown = scores[scores[["source", "table", "row_label"]].apply(tuple, axis=1).isin(set(keys))]
    shown = shown[shown["model"].isin({*seen["focus"], *seen["competitor"]})]
    return computed(
        levels_text.bottom_levels_line,
        rows_of.rows(package, "scores", shown),
        output="the levels it names",
        after=[call(parity.bottom_line_rows, rules=judging)],
        rules=judging,
    )


def two_readings(package) -> dict[str, Lineage]:
    """The two scores one sentence of the post gives the 405B on QuALITY, each read from its claim's row."""
    first, second = claims_text.SELF_CONTRADICTION
    return {
        name: rows_of.data_lineage(package, "claims", {"claim_id": key}, "stated_value", formats.number, 1)
        for name, key in (("quality_first", first), ("quality_second", second))
    }
