"""The checks of the claims audit that read printed scores: a stated score, and every claim that compares models
(one above another, on top, above a category's rivals, above most, ahead or behind on some rows, and whether the post
leaves out a row's leader), each judged by the book's one method (:mod:`herd.method.compare`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pandas as pd

from herd.method import compare, rowwise

from .evidence import Evidence, cited_cells, evidence_table
from .verdicts import FAVOUR, SEVERITY, UNTESTABLE, Said, Verdict, said

TOLERANCE = 0.05  # a stated score equals a printed one when they agree to one decimal


# ---------------------------------------------------------------- checks


def check_score(claim: pd.Series, ev: Evidence) -> Verdict:
    """A stated score against the printed cell of the evidence table: correct when they agree to one
    decimal, not checkable when the model has no column there."""
    source, table = evidence_table(claim)
    row, model = claim["benchmark_row"], claim["subject"]
    cells = ev.cells(source, table)
    hit = cells[(cells["row_label"] == row) & (cells["model"] == model)]
    ref = ev.cite(source, table, cells["page"].dropna().iloc[0] if cells["page"].notna().any() else None)
    cell_text = cited_cells(ev, source, table, row, [model])
    rule = said("score-rule")
    if hit.empty:
        return Verdict(
            "not checkable", "no-column", rule, said("no-column", model=ev.name(model), table=table), cell_text, ref
        )
    printed = float(hit["score"].iloc[0])
    stated = float(claim["stated_value"])
    if pd.notna(printed) and abs(printed - stated) < TOLERANCE:
        footnote = hit["footnote"].iloc[0] if pd.notna(hit["marker"].iloc[0]) else None
        return Verdict(
            "correct", "match", rule, said("score", stated=stated, printed=printed, footnote=footnote), cell_text, ref
        )
    row_cells = cells[cells["row_label"] == row]
    owners = [m for m, s in zip(row_cells["model"], row_cells["score"]) if pd.notna(s) and abs(s - stated) < TOLERANCE]
    if owners:
        return Verdict(
            "wrong number",
            "another-models-score",
            rule,
            said("score", stated=stated, printed=printed, owners=[ev.name(m) for m in owners]),
            cited_cells(ev, source, table, row, [model, *owners]),
            ref,
        )
    return Verdict("wrong number", "mismatch", rule, said("score", stated=stated, printed=printed), cell_text, ref)


def _gap(p, gap: float, margin: float) -> Said:
    """The evidence of one judged pair: its gap, and the interval, the difference's verdict with what decides it,
    and equivalence where a test applies, or why none does."""
    return said(
        "gap",
        gap=gap,
        testable=bool(p["testable"]),
        level=float(p["level"]),
        low=float(p["gap_low"]),
        high=float(p["gap_high"]),
        difference=p["difference"],
        rounding_flip=bool(p["rounding_flip"]),
        count_rounding=bool(p["count_rounding"]),
        equivalent=p["equivalence"] == "equivalent",
        margin=margin,
        reason=p["reason"] if p["reason"] and p["like_for_like"] else None,
    )


def _pair_verdict(
    ev: Evidence, source: str, table: str, row: str, a: str, b: str, relation: str, question: str = compare.EVERY
) -> Verdict:
    """A stated relation between ``a`` and ``b`` on one row, judged with the book's one method (a single
    comparison, at α, over every pair of true scores the printing allows; or, with ``question``
    :data:`herd.method.compare.SOME`, as one row of a claim that any row shows, at α/k over the k rows of the table it
    could rest on)."""
    judged = ev.judged(source, table, a, b, question)
    p = compare.pair(judged, a, b, row)
    cells = cited_cells(ev, source, table, row, [a, b])
    ref = ev.cite(source, table, p["page"] if p is not None else None)
    pair = dict(row=row, a=ev.name(a), b=ev.name(b))
    if p is None or pd.isna(p["focus_score"]) or pd.isna(p["competitor_score"]):
        return Verdict("not checkable", "not-printed", said("printed-rule"), said("not-printed", **pair), cells, ref)
    sa, sb = float(p["focus_score"]), float(p["competitor_score"])
    gap = _gap(p, sa - sb, ev.rules.margin)
    extra: dict[str, Any] = dict(
        gap=sa - sb,
        gap_low=float(p["gap_low"]),
        gap_high=float(p["gap_high"]),
        cells=cells,
        reference=ref,
        p=float(p["p_worst"]) if p["testable"] else math.nan,
    )
    if not p["like_for_like"]:
        return Verdict(
            "misleading: unlike settings",
            "unlike-settings",
            said("like-for-like"),
            said("pair", **pair, gap=gap, reason=p["reason"]),
            **extra,
        )
    if relation == "on-par":
        margin = ev.rules.margin
        rule = said(
            "on-par-rule",
            testable=bool(p["testable"]),
            eq_level=float(p["eq_level"]),
            level=float(p["level"]),
            margin=margin,
        )
        tost = (float(p["eq_low"]), float(p["eq_high"])) if pd.notna(p["eq_low"]) else None
        if p["testable"] and p["equivalence"] == "equivalent":
            return Verdict(
                "correct", "equivalent", rule, said("pair", **pair, gap=gap, tost=tost, margin=margin), **extra
            )
        beyond = rowwise.margin_pvalues(pd.DataFrame([p]), margin, compare.printed_decimals(ev.package, source, table))
        if p["testable"] and float(beyond[["p_above", "p_below"]].min(axis=1).iloc[0]) < p["level"] / 2:
            return Verdict("contradicted", "beyond-margin", rule, said("beyond-margin", **pair, gap=gap), **extra)
        return Verdict(
            "parity not resolved",
            "equivalence-not-shown",
            rule,
            said("parity-not-resolved", **pair, gap=gap, tost=tost, margin=margin),
            **extra,
        )
    if relation != "above":
        raise ValueError(f"unknown relation {relation!r}")
    rule = said("above-rule")
    if sa < sb or sa == sb:
        # a row printed in like settings but without a test (its metric or its N) is coded so, whatever its order
        code = UNTESTABLE if not p["testable"] else "reversed" if sa < sb else "equal"
        resolved = p["difference"] == "behind"
        return Verdict(
            "wrong order" if resolved else "wrong order, not resolved",
            code,
            rule,
            said("not-above", **pair, tie=sa == sb, resolved=resolved, gap=gap),
            **extra,
        )
    if p["difference"] == "ahead":
        return Verdict("correct", "resolved", rule, said("pair", **pair, gap=gap), **extra)
    code = (
        UNTESTABLE
        if not p["testable"]
        else "rounding"
        if p["rounding_flip"]
        else "equivalent"
        if p["equivalence"] == "equivalent"
        else "not-resolved"
    )
    return Verdict("right order, not resolved", code, rule, said("pair", **pair, gap=gap), **extra)


def check_ranking(claim: pd.Series, ev: Evidence) -> Verdict:
    """A stated relation between two models on one benchmark row (the claim's ``relation``), judged
    from the gap between their printed scores."""
    source, table = evidence_table(claim)
    return _pair_verdict(ev, source, table, claim["benchmark_row"], claim["subject"], claim["other"], claim["relation"])


def check_top(claim: pd.Series, ev: Evidence) -> Verdict:
    """'A has the top score' on one benchmark row: right when no printed score of the row is higher,
    correct when A's lead over the next model is resolved."""
    source, table = evidence_table(claim)
    row, model = claim["benchmark_row"], claim["subject"]
    cells = ev.cells(source, table)
    printed = cells[(cells["row_label"] == row)].dropna(subset=["score"]).sort_values("score", ascending=False)
    rule = said("top-rule")
    if model not in set(printed["model"]):
        return Verdict("not checkable", "not-printed", rule, said("no-score", row=row, model=ev.name(model)))
    best = printed["score"].iloc[0]
    mine = float(printed.loc[printed["model"] == model, "score"].iloc[0])
    if mine < best:
        leader = printed["model"].iloc[0]
        v = _pair_verdict(ev, source, table, row, leader, model, "above")
        return replace(
            v,
            verdict="wrong order" if v.verdict == "correct" else "wrong order, not resolved",
            code="another-prints-higher",
            rule=rule,
            evidence=said("top-is-another", row=row, leader=ev.name(leader), best=best, mine=mine, then=v.evidence),
        )
    runner = printed[printed["model"] != model].iloc[0]["model"]
    v = _pair_verdict(ev, source, table, row, model, runner, "above")
    if v.gap == 0:
        return replace(
            v,
            verdict="right order, not resolved",
            code="shared-top",
            rule=rule,
            evidence=said("shared-top", then=v.evidence),
        )
    return replace(v, rule=rule, evidence=said("runner-up", runner=ev.name(runner), then=v.evidence))


def _rows_measuring(ev: Evidence, claim: pd.Series) -> list[tuple[str, str, str]]:
    """(source, table, row) of every row of the evidence source that measures the claim's
    benchmark (if given) or its category."""
    source, _ = evidence_table(claim)
    scores = ev.package.tables["scores"]
    scores = scores[scores["source"] == source]
    if pd.notna(claim["benchmark"]):
        wanted = set(str(claim["benchmark"]).split(";"))
        hits = scores[scores["benchmark"].isin(wanted)]
    else:
        cats = ev.package.tables["benchmarks"].set_index("key")["category"]
        hits = scores[scores["benchmark"].map(cats) == claim["category"]]
    # only tables that print the subject beside at least one of the rivals named
    rivals = set(str(claim["other"]).split(";"))
    printed = hits.dropna(subset=["score"])
    keep = {
        (t, r)
        for (t, r), g in printed.groupby(["table", "row_label"])
        if claim["subject"] in set(g["model"]) and rivals & set(g["model"])
    }
    hits = hits[[(t, r) in keep for t, r in zip(hits["table"], hits["row_label"])]]
    # a benchmark printed in several tables is judged once, in the table that prints intervals
    meta = ev.package.tables["score_tables"].set_index(["source", "table"])["intervals"]
    rows = []
    for _, g in hits.groupby("benchmark", sort=False):
        tables_here = list(dict.fromkeys(g["table"]))
        best = next((t for t in tables_here if bool(meta.get((source, t), False))), tables_here[0])
        rows += [(source, t, r) for t, r in zip(g["table"], g["row_label"]) if t == best]
    return list(dict.fromkeys(rows))


def check_category(claim: pd.Series, ev: Evidence) -> Verdict:
    """Claims that "A beats all of X on Y": every rival on every row of every table that measures Y."""
    parts = []
    for source, table, row in _rows_measuring(ev, claim):
        for other in str(claim["other"]).split(";"):
            v = _pair_verdict(ev, source, table, row, claim["subject"], other, "above")
            parts.append((f"{table} · {row}", ev.name(other), v))
    checked = [p for p in parts if p[2].verdict != "not checkable"]
    if not checked:
        rule = said("category-rule", clear=False)
        return Verdict("not checkable", "nothing-printed", rule, said("nothing-printed"), parts=tuple(parts))
    worst = min((p[2].verdict for p in checked), key=SEVERITY.index)
    counts = pd.Series([p[2].verdict for p in checked]).value_counts()
    code = "composite"
    clear = claim["relation"] == "clearly-above"
    if clear and worst == "right order, not resolved":
        worst, code = "overstated", "lead-not-resolved-everywhere"
    return Verdict(
        worst,
        code,
        said("category-rule", clear=clear),
        said(
            "tally",
            comparisons=len(checked),
            rows=len({p[0] for p in checked}),
            tally=[(v, int(n)) for v, n in counts.items()],
            skipped=len(parts) - len(checked),
        ),
        parts=tuple(parts),
    )


def check_row_leader(claim: pd.Series, ev: Evidence) -> Verdict:
    """Omission check: of the models printed on the row, did the post leave out the one with the top score?"""
    source, table = evidence_table(claim)
    row = claim["benchmark_row"]
    mentioned = {claim["subject"], *str(claim["other"]).split(";")}
    cells = ev.cells(source, table)
    printed = cells[(cells["row_label"] == row)].dropna(subset=["score"]).sort_values("score", ascending=False)
    rule = said("leader-rule")
    omitted = [m for m in printed["model"] if m not in mentioned]
    top = printed["score"].iloc[0]
    leaders = list(printed.loc[printed["score"] == top, "model"])
    leader = next((m for m in leaders if m in mentioned), leaders[0])
    ref = ev.cite(source, table, cells["page"].dropna().iloc[0] if cells["page"].notna().any() else None)
    if leader in mentioned:
        return Verdict(
            "correct",
            "no-omitted-leader",
            rule,
            said("leader-named", row=row, leader=ev.name(leader), score=float(top), omitted=len(omitted)),
            cited_cells(ev, source, table, row, [leader]),
            ref,
        )
    v = _pair_verdict(ev, source, table, row, leader, claim["subject"], "above")
    return replace(
        v,
        verdict="misleading: leaves out the leader",
        code="omitted-leader",
        rule=rule,
        evidence=said(
            "leader-left-out", row=row, subject=ev.name(claim["subject"]), leader=ev.name(leader), then=v.evidence
        ),
        reference=ref,
    )


def check_most(claim: pd.Series, ev: Evidence) -> Verdict:
    """'A is above most models' on one benchmark row: every other model printed on the row is compared with
    A by the book's one method (:func:`_pair_verdict`); the claim needs A above more than half of them."""
    source, table = evidence_table(claim)
    row, model = claim["benchmark_row"], claim["subject"]
    cells = ev.cells(source, table)
    printed = cells[(cells["row_label"] == row)].dropna(subset=["score"])
    others = [m for m in dict.fromkeys(printed["model"]) if m != model]
    rule = said("most-rule")
    if model not in set(printed["model"]) or not others:
        return Verdict("not checkable", "not-printed", rule, said("no-score", row=row, model=ev.name(model)))
    parts = [(f"{table} · {row}", ev.name(o), _pair_verdict(ev, source, table, row, model, o, "above")) for o in others]
    verdicts = pd.Series([v.verdict for _, _, v in parts])
    resolved = int((verdicts == "correct").sum())
    lower = resolved + int((verdicts == "right order, not resolved").sum())
    unlike = int((verdicts == "misleading: unlike settings").sum())
    half = len(others) / 2
    if resolved > half:
        verdict, code = "correct", "most-resolved"
    elif lower > half:
        verdict, code = "right order, not resolved", "most-not-resolved"
    elif lower + unlike > half:
        verdict, code = "misleading: unlike settings", "most-with-unlike-settings"
    elif int((verdicts == "wrong order").sum()) >= half:  # resolved reversals alone leave it above at most half
        verdict, code = "wrong order", "not-most"
    else:
        verdict, code = "wrong order, not resolved", "not-most"
    above = [o for (_, o, v) in parts if v.verdict in ("wrong order", "wrong order, not resolved")]
    text = said(
        "most",
        row=row,
        model=ev.name(model),
        others=len(others),
        resolved=resolved,
        not_resolved=lower - resolved,
        unlike=unlike,
        above=above,
    )
    ref = ev.cite(source, table, cells["page"].dropna().iloc[0] if cells["page"].notna().any() else None)
    return Verdict(verdict, code, rule, text, cited_cells(ev, source, table, row, [model]), ref, parts=tuple(parts))


def _rival_on_some_rows(ev: Evidence, source: str, table: str, rows: list[str], a: str, b: str, rival: str) -> tuple:
    """'A above B on at least one row': every row judged as a row of a claim that any row shows
    (:data:`herd.method.compare.SOME`: each at α/k, k the rows with a test, so that the best row is corrected over
    all the claim could rest on; each part named by the ``rival``), the row verdict that best supports it, and the
    claim's test (:func:`herd.method.rowwise.some_row`)."""
    some = compare.SOME
    parts = [
        (f"{table} · {row}", ev.name(rival), _pair_verdict(ev, source, table, row, a, b, "above", some)) for row in rows
    ]
    best = min((v.verdict for _, _, v in parts), key=FAVOUR.index) if parts else "not checkable"
    test = rowwise.some_row(compare.orient(ev.judged(source, table, a, b, some), a, [b]), ev.rules)
    if test.shown != (best == "correct"):
        raise AssertionError(f"{table}: {a} above {b} on some row: the rows and the claim's test disagree")
    return best, parts, test


def check_some_rows(claim: pd.Series, ev: Evidence) -> Verdict:
    """'A trails each of X in some areas' (``relation`` below) or 'A beats each of X somewhere' (above),
    on the rows of one printed table: for each rival, the claim needs one row with the stated order, and it
    takes the best-supported row (correct when one such gap is resolved); over several rivals it takes the
    most serious of their verdicts."""
    source, table = evidence_table(claim)
    subject, relation = claim["subject"], claim["relation"]
    if relation not in ("above", "below"):
        raise ValueError(f"claims.csv, claim {claim['claim_id']}: relation {relation!r} is not above or below")
    cells = ev.cells(source, table).dropna(subset=["score"])
    rule = said("some-rows-rule", relation=relation)
    parts, per_rival = [], []
    for rival in str(claim["other"]).split(";"):
        rows = [
            r
            for r, g in cells.groupby("row_label", sort=False)
            if subject in set(g["model"]) and rival in set(g["model"])
        ]
        a, b = (subject, rival) if relation == "above" else (rival, subject)
        best, mine, test = _rival_on_some_rows(ev, source, table, rows, a, b, rival)
        parts += mine
        shown = [p[0].split(" · ", 1)[1] for p in mine if p[2].verdict in ("correct", "right order, not resolved")]
        resolved = [p[0].split(" · ", 1)[1] for p in mine if p[2].verdict == "correct"]
        per_rival.append(
            (
                best,
                said(
                    "some-rows",
                    rival=ev.name(rival),
                    subject=ev.name(subject),
                    relation=relation,
                    shown=shown,
                    rows=len(rows),
                    resolved=resolved,
                    tested=test.n_tested,
                    level=test.level,
                    best=test.best,
                    p=test.p,
                    passes=test.shown,
                ),
            )
        )
    verdict = min((v for v, _ in per_rival), key=SEVERITY.index) if per_rival else "not checkable"
    page = ev.cells(source, table)["page"].dropna()
    return Verdict(
        verdict,
        "some-rows",
        rule,
        said("each", parts=[text for _, text in per_rival]),
        reference=ev.cite(source, table, page.iloc[0] if len(page) else None),
        parts=tuple(parts),
    )
