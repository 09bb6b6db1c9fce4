"""Claims of being at least on a par ("at least on par with X, if not superior", "rivals X"): non-inferiority
on every row of a table at once (:func:`herd.method.rowwise.every_row`), refuted by one row with a deficit shown
beyond the margin; and the rows behind the post's bottom line, the 405B Instruct against GPT-4 (0125).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from herd.method import compare, rowwise, stats
from herd.record import data

from .evidence import Evidence, evidence_table
from .verdicts import Verdict, said


def check_bottom_line(claim: pd.Series, ev: Evidence) -> Verdict:
    """Claims that A is "at least on par with X, if not superior" or "rivals X": a claim of non-inferiority
    on every row of the evidence table at once, judged by the book's one logic for such claims
    (:func:`herd.method.rowwise.claim_on_every_row`): shown by an intersection–union test (each row at α, no
    correction, :func:`herd.method.rowwise.every_row`), refuted by one row, or not resolved. A row shows it when the
    gap's one-sided lower bound lies above −margin over every pair of true scores the printing allows; a row refutes
    it when the one-sided test of a gap below −margin (:func:`herd.method.rowwise.margin_pvalues`) rejects at α/k, k
    the tested rows of every rival: one row is enough to refute it, so refuting it is a claim that any row shows,
    corrected as one (a gap resolved behind by less than the margin does not refute "on a par", as a gap inside
    ±margin does not refute "on a par" either); a row printed for both but without a test leaves it not resolved at
    best (shown on every testable row only)."""
    source, table = evidence_table(claim)
    margin = ev.rules.margin
    decimals = compare.printed_decimals(ev.package, source, table)
    rivals = str(claim["other"]).split(";")
    seens = [compare.orient(ev.judged(source, table, claim["subject"], o), claim["subject"], [o]) for o in rivals]
    rows = pd.concat(seens, ignore_index=True)
    # shown on every row, or refuted by one row with a deficit beyond the margin (an existential claim: each of the
    # k tested rows of every rival at α/k), or neither: the book's one logic for a claim on every row
    judged = rowwise.claim_on_every_row(rows, rows["noninferior"], margin, ev.rules.alpha, ("below",), decimals)
    every, refute_level, k = judged.every, judged.level, judged.k
    parts, tallies = [], []
    never: list[str] = []
    start = 0
    for other, seen in zip(rivals, seens):
        each = compare.orient(
            ev.judged(source, table, claim["subject"], other, compare.EACH), claim["subject"], [other]
        )
        counts = each["difference"].value_counts()
        tallies.append((ev.name(other), {v: int(counts.get(v, 0)) for v in ("ahead", "behind", "not resolved")}))
        p_below = judged.beyond["p"].iloc[start : start + len(seen)].to_numpy(dtype=float)
        start += len(seen)
        mine, out_of_reach = _rival_rows(seen, table, ev.name(other), margin, decimals, p_below < refute_level)
        parts += mine
        never += [f"{row} against {ev.name(other)}" for row in out_of_reach]
    found = Counter(v.code for _, _, v in parts)
    if bool(found["inferior-beyond-margin"]) != (judged.verdict == "refuted"):
        raise AssertionError(f"{claim.get('claim_id', '')}: the claim's rows and its refutation disagree")
    text = said(
        "parity",
        tallies=[(name, tuple(t.items())) for name, t in tallies],
        correction=stats.CORRECTION_NAMES[ev.rules.correction],
        margin=margin,
        shown=found["not-inferior"],
        short=found["inferiority-not-excluded"],
        tested=every.n_tested,
        never=never,
        untested=list(every.untested),
        refute_level=refute_level,
        k=k,
    )
    rule = said("parity-rule", margin=margin, alpha=ev.rules.alpha)
    if judged.verdict == "refuted":
        return Verdict("wrong order", "inferior-on-some-rows", rule, text, parts=tuple(parts))
    if judged.verdict == "shown":
        return Verdict("correct", "not-inferior-everywhere", rule, text, parts=tuple(parts))
    code = (
        "inferiority-not-excluded"
        if every.verdict == "not shown"
        else "untested-rows"
        if every.n_tested
        else "nothing-tested"
    )
    return Verdict("parity not resolved", code, rule, text, parts=tuple(parts))


def _rival_rows(
    seen: pd.DataFrame, table: str, other_name: str, margin: float, decimals: int, refutes
) -> tuple[list[tuple], list[str]]:
    """Each row of a claim of parity against one rival (rows of :func:`herd.method.compare.orient`) as a part of the
    claim, ``(row, rival, Verdict)``, and the labels of the rows that no score could show it on at their N;
    ``refutes``: whether each row, in order, shows a deficit beyond the margin at the claim's level
    (:func:`herd.method.rowwise.claim_on_every_row`)."""
    reach = rowwise.noninferiority_reach(seen, margin, decimals)
    parts, never = [], []
    for (i, r), refuted in zip(seen.iterrows(), refutes):
        printed = pd.notna(r["focus_score"]) and pd.notna(r["competitor_score"])
        if r["difference"] == "no test":
            # a row printed for both without a test is a row of the claim it cannot examine: it caps the claim
            v, code = ("parity not resolved", "no-test") if printed else ("not checkable", "not-printed")
        elif refuted:  # a deficit beyond the margin, shown at α/k
            v, code = "wrong order", "inferior-beyond-margin"
        elif r["noninferior"]:
            v, code = "correct", "not-inferior"
        else:
            v, code = "parity not resolved", "inferiority-not-excluded"
        beyond_reach = reach.loc[i, "reach"] == rowwise.REACH["never"]
        evidence = (
            said("reason", text=r["reason"])
            if r["reason"]
            else said(
                "parity-row",
                gap=r["gap"],
                difference=r["difference"],
                bound=r["eq_low"],
                out_of_reach=(r["n"], reach.loc[i, "best_bound"]) if beyond_reach else None,
            )
        )
        verdict = Verdict(
            v, code, said("row-of-claim"), evidence, gap=r["gap"], gap_low=r["eq_low"], gap_high=r["eq_high"]
        )
        parts.append((f"{table} · {r['row_label']}", other_name, verdict))
        if beyond_reach:
            never.append(r["row_label"])
    return parts, never


BOTTOM_LINE = ("llama3-paper-v3", "Table 2", "llama-3.1-405b-instruct", "gpt-4-0125")
"""The post's bottom line, the table and the pair it rests on: the 405B Instruct against GPT-4 (0125) on every row of
the paper's Table 2."""


def bottom_line_rows(package: data.DataPackage, rules: compare.Rules = compare.Rules()) -> tuple[pd.DataFrame, ...]:
    """The rows behind the post's bottom line (:data:`BOTTOM_LINE`), judged as the claim (on every row at once, no
    correction) and row by row (which rows differ: corrected over them), each as rows of
    :func:`herd.method.compare.orient` seen from the 405B."""
    source, table, focus, other = BOTTOM_LINE
    claim = compare.judge_package(package, source, table, rules, pairs=[(focus, other)], question=compare.EVERY)
    each = compare.judge_package(package, source, table, rules, pairs=[(focus, other)])
    return compare.orient(claim, focus, [other]), compare.orient(each, focus, [other])
