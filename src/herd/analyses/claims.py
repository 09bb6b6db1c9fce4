"""The claims audit: a verdict for every claim of the audited post, computed from the data.

Each row of ``data/claims.csv`` is one atomic claim taken from the post (paraphrased, with
the paragraph it comes from). Its ``kind`` names the check that judges it; every check is a
function of the claim and one :class:`Evidence` record and returns a :class:`Verdict` with a
verdict from :data:`VERDICTS`, a reason code, the rule applied, the numbers and source cells
it used and, for comparisons, the gap with its interval. Comparisons are judged by the book's
one method (:mod:`herd.method.compare`), so a pair gets the same verdict here as in every chapter.

Measurements made elsewhere (how many words a context window holds) are passed in as data,
so the audit needs neither the tokenizer nor the measured texts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from herd.analyses.long_context import textstats
from herd.base import formats
from herd.method import compare, stats
from herd.record import data
from herd.record.coverage import agree, counted

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
SILENT_UNIT = "says so (1)"
"""How a fact in ``facts.csv`` that records whether the source says something at all begins its unit
(``says so (1) / silent (0)``): a post that attributes such a thing to a silent source is *not supported*."""
TOLERANCE = 0.05  # a stated score equals a printed one when they agree to one decimal
WORDS_TOLERANCE = 0.10  # words or pages within 10 % of the median measurement


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim: the verdict itself (one of ``VERDICTS``), a short code for why, the rule
    applied, the evidence in words, the printed cells read, the reference cited, the gap and its
    interval when a comparison was tested, the row-by-row parts of a composite claim, and the p-value of a
    comparison's test of the difference (taken where the printed rounding is least favourable)."""

    verdict: str
    code: str
    rule: str
    evidence: str
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


@dataclass
class Evidence:
    """Everything a check may read: the data package, the judging rules, the measured capacity."""

    package: data.DataPackage
    rules: compare.Rules = compare.Rules()
    capacity: pd.DataFrame | None = None  # text, name, register, words_per_token (long-context chapter)
    beyond_chance: tuple[int, int] | None = None  # contamination chapter: gains beyond chance, of those reported
    _judged: dict = field(default_factory=dict)
    _cells: dict = field(default_factory=dict)  # (source, table) -> its printed cells, grouped once
    _names: dict = field(default_factory=dict)  # model key -> display name

    def judged(self, source: str, table: str, a: str, b: str, question: str = compare.EVERY) -> pd.DataFrame:
        """The comparisons of ``a`` with ``b`` on every row of one printed table, under ``rules``: by default as a
        claim is judged, a single comparison or one that must hold on every row it names
        (:data:`herd.method.compare.EVERY`, no correction); with ``question=EACH``, as "on which rows do they differ",
        corrected over the rows, as a tally of differences row by row must be."""
        key = (source, table, a, b, question)
        if key not in self._judged:
            self._judged[key] = compare.judge_package(
                self.package, source, table, self.rules, pairs=[(a, b)], question=question
            )
        return self._judged[key]

    def cells(self, source: str, table: str) -> pd.DataFrame:
        """The printed score cells of one table of one source."""
        if not self._cells:
            for key, group in self.package.tables["scores"].groupby(["source", "table"], sort=False):
                self._cells[key] = group
        found = self._cells.get((source, table))
        return found if found is not None else self.package.tables["scores"].iloc[0:0]

    def name(self, model: str) -> str:
        """The display name of a model key (the key itself if the package has no such model)."""
        if not self._names:
            models = self.package.tables["models"]
            self._names.update(zip(models["key"], models["name"]))
        return self._names.get(model, model)

    def cite(self, source: str, location: str, page=None) -> str:
        """How the book cites a location in a source, by :func:`herd.record.data.cite`."""
        return data.cite(self.package, source, location, page)


def _evidence_table(claim: pd.Series) -> tuple[str, str]:
    source, _, table = str(claim["evidence"]).partition(":")
    return source, table


def _cell_text(ev: Evidence, source: str, table: str, row: str, models: list[str]) -> str:
    cells = ev.cells(source, table)
    hit = cells[(cells["row_label"] == row) & cells["model"].isin(models)]
    parts = [
        f"{ev.name(m)} {('a dash' if pd.isna(s) else f'{s:.1f}')}{'' if pd.isna(mk) else ' ' + mk}"
        for m, s, mk in zip(hit["model"], hit["score"], hit["marker"])
    ]
    page = cells["page"].dropna()
    return f"{data.place(table, page.iloc[0] if len(page) else None)}, {row}: " + "; ".join(parts)


# ---------------------------------------------------------------- checks


def check_score(claim: pd.Series, ev: Evidence) -> Verdict:
    """A stated score against the printed cell of the evidence table: correct when they agree to one
    decimal, not checkable when the model has no column there."""
    source, table = _evidence_table(claim)
    row, model = claim["benchmark_row"], claim["subject"]
    cells = ev.cells(source, table)
    hit = cells[(cells["row_label"] == row) & (cells["model"] == model)]
    ref = ev.cite(source, table, cells["page"].dropna().iloc[0] if cells["page"].notna().any() else None)
    cell_text = _cell_text(ev, source, table, row, [model])
    rule = "a stated score is correct when it equals the printed cell to one decimal"
    if hit.empty:
        return Verdict("not checkable", "no-column", rule, f"{ev.name(model)} has no column in {table}", cell_text, ref)
    printed = hit["score"].iloc[0]
    stated = float(claim["stated_value"])
    if pd.notna(printed) and abs(printed - stated) < TOLERANCE:
        note = f"; the table footnotes it: {hit['footnote'].iloc[0]}" if pd.notna(hit["marker"].iloc[0]) else ""
        return Verdict("correct", "match", rule, f"stated {stated:.1f}, printed {printed:.1f}{note}", cell_text, ref)
    row_cells = cells[cells["row_label"] == row]
    owners = [m for m, s in zip(row_cells["model"], row_cells["score"]) if pd.notna(s) and abs(s - stated) < TOLERANCE]
    printed_text = "a dash" if pd.isna(printed) else f"{printed:.1f}"
    if owners:
        return Verdict(
            "wrong number",
            "another-models-score",
            rule,
            f"stated {stated:.1f}, printed {printed_text}; {stated:.1f} is the score of "
            + ", ".join(ev.name(m) for m in owners),
            _cell_text(ev, source, table, row, [model, *owners]),
            ref,
        )
    return Verdict("wrong number", "mismatch", rule, f"stated {stated:.1f}, printed {printed_text}", cell_text, ref)


def _pair_verdict(
    ev: Evidence, source: str, table: str, row: str, a: str, b: str, relation: str, question: str = compare.EVERY
) -> Verdict:
    """A stated relation between ``a`` and ``b`` on one row, judged with the book's one method (a single
    comparison, at α, over every pair of true scores the printing allows; or, with ``question`` :data:`SOME`, as one
    row of a claim that any row shows, at α/k over the k rows of the table it could rest on)."""
    judged = ev.judged(source, table, a, b, question)
    p = compare.pair(judged, a, b, row)
    cells = _cell_text(ev, source, table, row, [a, b])
    ref = ev.cite(source, table, p["page"] if p is not None else None)
    head = f"{row}: {ev.name(a)} vs {ev.name(b)}"
    if p is None or pd.isna(p["focus_score"]) or pd.isna(p["competitor_score"]):
        return Verdict(
            "not checkable", "not-printed", "both scores must be printed", f"{head}: a score is not printed", cells, ref
        )
    sa, sb = float(p["focus_score"]), float(p["competitor_score"])
    gap_text = f"gap {formats.gap(sa - sb)} points"
    if p["testable"]:
        gap_text += (
            f", {formats.confidence(p['level'])} interval {formats.interval(p['gap_low'], p['gap_high'])} "
            f"over the scores the printing allows, difference: {p['difference']}"
            + (" (resolved only at the printed scores)" if p["rounding_flip"] else "")
            + (f"; equivalent within ±{ev.rules.margin:g} (TOST)" if p["equivalence"] == "equivalent" else "")
        )
    elif p["reason"] and p["like_for_like"]:
        gap_text += f", no test ({p['reason']})"
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
            compare.LIKE_FOR_LIKE,
            f"{head}: {gap_text}; {p['reason']}",
            **extra,
        )
    if relation == "on-par":
        margin = ev.rules.margin
        rule = (
            f"'on a par' claims equivalence: it holds when the gap's {formats.confidence(2 * p['eq_level'])} "
            f"interval of two one-sided tests (TOST) lies within ±{margin:g} points, and is contradicted when a "
            f"one-sided test shows the gap beyond +{margin:g} or below −{margin:g}, each at half the level "
            f"({p['level'] / 2:g})"
            if p["testable"]
            else "'on a par' claims equivalence, which needs a test"
        )
        tost = formats.interval(p["eq_low"], p["eq_high"], edges=(-margin, margin))
        eq_text = f"; TOST interval {tost} (margin ±{margin:g})" if pd.notna(p["eq_low"]) else ""
        if p["testable"] and p["equivalence"] == "equivalent":
            return Verdict("correct", "equivalent", rule, f"{head}: {gap_text}{eq_text}", **extra)
        beyond = compare.margin_pvalues(pd.DataFrame([p]), margin, compare.printed_decimals(ev.package, source, table))
        if p["testable"] and float(beyond[["p_above", "p_below"]].min(axis=1).iloc[0]) < p["level"] / 2:
            return Verdict(
                "contradicted",
                "beyond-margin",
                rule,
                f"{head}: the gap is resolved beyond the margin; {gap_text}",
                **extra,
            )
        return Verdict(
            "parity not resolved",
            "equivalence-not-shown",
            rule,
            f"{head}: the data can neither show the two within ±{margin:g} points nor apart by more; "
            f"{gap_text}{eq_text}",
            **extra,
        )
    if relation != "above":
        raise ValueError(f"unknown relation {relation!r}")
    rule = (
        "'A above B' is correct when the book's test resolves A ahead, right order but not resolved when A prints "
        "higher but the gap is not resolved, a wrong order when B is resolved ahead, and a wrong order, not resolved, "
        "when B prints higher or the two print the same but the gap is not resolved"
    )
    if sa < sb or sa == sb:
        code = "reversed" if sa < sb else "equal"
        said = "the printed order is the reverse" if sa < sb else "the two print the same score"
        if p["difference"] == "behind":
            return Verdict("wrong order", code, rule, f"{head}: {said}, and resolved; {gap_text}", **extra)
        return Verdict("wrong order, not resolved", code, rule, f"{head}: {said}; {gap_text}", **extra)
    if p["difference"] == "ahead":
        return Verdict("correct", "resolved", rule, f"{head}: {gap_text}", **extra)
    code = (
        "untestable"
        if not p["testable"]
        else "rounding"
        if p["rounding_flip"]
        else "equivalent"
        if p["equivalence"] == "equivalent"
        else "not-resolved"
    )
    return Verdict("right order, not resolved", code, rule, f"{head}: {gap_text}", **extra)


def check_ranking(claim: pd.Series, ev: Evidence) -> Verdict:
    """A stated relation between two models on one benchmark row (the claim's ``relation``), judged
    from the gap between their printed scores."""
    source, table = _evidence_table(claim)
    return _pair_verdict(ev, source, table, claim["benchmark_row"], claim["subject"], claim["other"], claim["relation"])


def check_top(claim: pd.Series, ev: Evidence) -> Verdict:
    """'A has the top score' on one benchmark row: right when no printed score of the row is higher,
    correct when A's lead over the next model is resolved."""
    source, table = _evidence_table(claim)
    row, model = claim["benchmark_row"], claim["subject"]
    cells = ev.cells(source, table)
    printed = cells[(cells["row_label"] == row)].dropna(subset=["score"]).sort_values("score", ascending=False)
    rule = (
        "'A has the top score' is right when no printed score of the row is higher; correct when A's lead is resolved"
    )
    if model not in set(printed["model"]):
        return Verdict("not checkable", "not-printed", rule, f"{row}: no printed score for {ev.name(model)}")
    best = printed["score"].iloc[0]
    mine = float(printed.loc[printed["model"] == model, "score"].iloc[0])
    if mine < best:
        leader = printed["model"].iloc[0]
        v = _pair_verdict(ev, source, table, row, leader, model, "above")
        return Verdict(
            "wrong order" if v.verdict == "correct" else "wrong order, not resolved",
            "another-prints-higher",
            rule,
            f"{row}: the top printed score is {ev.name(leader)}'s {best:.1f}, not {mine:.1f}; {v.evidence}",
            v.cells,
            v.reference,
            v.gap,
            v.gap_low,
            v.gap_high,
            p=v.p,
        )
    runner = printed[printed["model"] != model].iloc[0]["model"]
    v = _pair_verdict(ev, source, table, row, model, runner, "above")
    if v.code == "equal":
        return Verdict(
            "right order, not resolved",
            "shared-top",
            rule,
            f"shared first place; {v.evidence}",
            v.cells,
            v.reference,
            v.gap,
            v.gap_low,
            v.gap_high,
            p=v.p,
        )
    return Verdict(
        v.verdict,
        v.code,
        rule,
        f"runner-up {ev.name(runner)}; {v.evidence}",
        v.cells,
        v.reference,
        v.gap,
        v.gap_low,
        v.gap_high,
        p=v.p,
    )


def _rows_measuring(ev: Evidence, claim: pd.Series) -> list[tuple[str, str, str]]:
    """(source, table, row) of every row of the evidence source that measures the claim's
    benchmark (if given) or its category."""
    source, _ = _evidence_table(claim)
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
    rule = "a claim over several rows takes the most serious verdict of its rows"
    if not checked:
        return Verdict("not checkable", "nothing-printed", rule, "no row prints both models", parts=tuple(parts))
    worst = min((p[2].verdict for p in checked), key=SEVERITY.index)
    counts = pd.Series([p[2].verdict for p in checked]).value_counts()
    tally = ", ".join(f"{n} {v}" for v, n in counts.items())
    skipped = len(parts) - len(checked)
    code = "composite"
    if claim["relation"] == "clearly-above":
        rule += "; a claim of a clear lead needs every gap resolved, and is overstated when only some are (or none)"
        if worst == "right order, not resolved":
            worst, code = "overstated", "lead-not-resolved-everywhere"
    return Verdict(
        worst,
        code,
        rule,
        f"{formats.noun(len(checked), 'comparison')} on {formats.noun(len({p[0] for p in checked}), 'row')}: {tally}"
        + (f"; {skipped} not printed" if skipped else ""),
        parts=tuple(parts),
    )


def check_row_leader(claim: pd.Series, ev: Evidence) -> Verdict:
    """Omission check: of the models printed on the row, did the post leave out the one with the top score?"""
    source, table = _evidence_table(claim)
    row = claim["benchmark_row"]
    mentioned = {claim["subject"], *str(claim["other"]).split(";")}
    cells = ev.cells(source, table)
    printed = cells[(cells["row_label"] == row)].dropna(subset=["score"]).sort_values("score", ascending=False)
    rule = "the row's top printed score must belong to a model the post mentions"
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
            f"{row}: the top printed score, {ev.name(leader)}'s {printed['score'].iloc[0]:.1f}, is among those "
            f"the post gives; it leaves out {formats.noun(len(omitted), 'other printed model')}, none higher",
            _cell_text(ev, source, table, row, [leader]),
            ref,
        )
    v = _pair_verdict(ev, source, table, row, leader, claim["subject"], "above")
    return Verdict(
        "misleading: leaves out the leader",
        "omitted-leader",
        rule,
        f"{row}: the post presents {ev.name(claim['subject'])} as leading but leaves out {ev.name(leader)}, "
        f"which prints the top score; {v.evidence}",
        v.cells,
        ref,
        v.gap,
        v.gap_low,
        v.gap_high,
        p=v.p,
    )


def check_bottom_line(claim: pd.Series, ev: Evidence) -> Verdict:
    """Claims that A is "at least on par with X, if not superior" or "rivals X": a claim of non-inferiority
    on every row of the evidence table at once (an intersection–union test: each row at α, no correction, by
    :func:`herd.method.compare.every_row`). A row shows it when the gap's one-sided lower bound lies above −margin over
    every pair of true scores the printing allows; a row refutes it when the one-sided test of a gap below −margin
    (:func:`herd.method.compare.margin_pvalues`) rejects at α/k, k the tested rows of every rival: one row is enough
    to refute it, so refuting it is a claim that any row shows, corrected as one (a gap resolved behind by less than
    the margin does not refute "on a par", as a gap inside ±margin does not refute "on a par" either); a row printed
    for both but without a test leaves it not resolved at best (shown on every testable row only)."""
    source, table = _evidence_table(claim)
    margin = ev.rules.margin
    decimals = compare.printed_decimals(ev.package, source, table)
    rivals = str(claim["other"]).split(";")
    seens = [compare.orient(ev.judged(source, table, claim["subject"], o), claim["subject"], [o]) for o in rivals]
    # refuting it takes one row with a deficit beyond the margin: an existential claim, each row at α/k
    k = sum(int((seen["difference"] != "no test").sum()) for seen in seens)
    refute_level = ev.rules.alpha / max(k, 1)
    parts, tallies = [], []
    shown = short = behind = 0
    never: list[str] = []
    for other, seen in zip(rivals, seens):
        reach = compare.noninferiority_reach(seen, margin, decimals)
        beyond = compare.margin_pvalues(seen, margin, decimals)
        each = compare.orient(
            ev.judged(source, table, claim["subject"], other, compare.EACH), claim["subject"], [other]
        )
        counts = each["difference"].value_counts()
        tallies.append((ev.name(other), {v: int(counts.get(v, 0)) for v in ("ahead", "behind", "not resolved")}))
        for i, r in seen.iterrows():
            printed = pd.notna(r["focus_score"]) and pd.notna(r["competitor_score"])
            if r["difference"] == "no test":
                # a row printed for both without a test is a row of the claim it cannot examine: it caps the claim
                v, code = ("parity not resolved", "no-test") if printed else ("not checkable", "not-printed")
            elif beyond.loc[i, "p_below"] < refute_level:  # a deficit beyond the margin, shown at α/k
                v, code = "wrong order", "inferior-beyond-margin"
                behind += 1
            elif r["noninferior"]:
                v, code = "correct", "not-inferior"
                shown += 1
            else:
                v, code = "parity not resolved", "inferiority-not-excluded"
                short += 1
            beyond_reach = reach.loc[i, "reach"] == compare.REACH["never"]
            if beyond_reach:
                never.append(f"{r['row_label']} against {ev.name(other)}")
            parts.append(
                (
                    f"{table} · {r['row_label']}",
                    ev.name(other),
                    Verdict(
                        v,
                        code,
                        "",
                        r["reason"]
                        or f"gap {formats.gap(r['gap'])} ({r['difference']}; one-sided lower bound "
                        f"{formats.gap(r['eq_low'])})"
                        + (
                            f"; no result on its {formats.count(r['n'])} items could show it: even 100 % would leave "
                            f"{formats.gap(reach.loc[i, 'best_bound'])}"
                            if beyond_reach
                            else ""
                        ),
                        gap=r["gap"],
                        gap_low=r["eq_low"],
                        gap_high=r["eq_high"],
                    ),
                )
            )
    rows = pd.concat(seens, ignore_index=True)
    every = compare.every_row(rows, rows["noninferior"])
    correction = stats.CORRECTION_NAMES[ev.rules.correction]
    text = "; ".join(
        f"against {o}, row by row ({correction} over the rows): " + ", ".join(f"{n} {v}" for v, n in t.items() if n)
        for o, t in tallies
    )
    text += (
        f"; at least on a par (one-sided lower bound above −{margin:g}) on {shown} of the "
        f"{formats.noun(every.n_tested, 'tested row')}, not shown on {short}"
    )
    if never:
        text += (
            f" (on {formats.listing(never)}, no score could show it at the test set's size, so the claim could not "
            "have been shown correct whatever the model scored)"
        )
    if every.untested:
        text += (
            f"; {formats.noun(len(every.untested), 'row')} printed for both cannot be tested "
            f"({formats.listing(every.untested)}), which leaves the claim not resolved at best"
        )
    level = formats.confidence(ev.rules.alpha)
    rule = (
        f"'at least on a par' claims non-inferiority on every row at once: it is wrong if on some row a deficit "
        f"beyond {margin:g} points is shown, by the one-sided test of a gap below −{margin:g} at α/k = "
        f"{formats.significant(refute_level, 2)} (k = {k} tested rows: one row is enough to refute it, so, as for "
        f"a claim that any row shows, each is corrected over all it could be), and it "
        f"is correct only if every row printed for both can be tested and on each the gap's one-sided {level} lower "
        f"bound lies above −{margin:g} points (each row at α = {ev.rules.alpha:g}: a claim on every row needs no "
        f"correction); a row that cannot be tested leaves it not resolved at best (shown on every testable row only), "
        f"and so does a row that does neither"
    )
    if behind:
        return Verdict("wrong order", "inferior-on-some-rows", rule, text, parts=tuple(parts))
    if every.verdict == "shown":
        return Verdict("correct", "not-inferior-everywhere", rule, text, parts=tuple(parts))
    code = (
        "inferiority-not-excluded"
        if every.verdict == "not shown"
        else "untested-rows"
        if every.n_tested
        else "nothing-tested"
    )
    return Verdict("parity not resolved", code, rule, text, parts=tuple(parts))


def check_fact(claim: pd.Series, ev: Evidence) -> Verdict:
    """A number the post states against its row of ``facts.csv`` (``fact_key``): equal by default, or
    as the claim's ``relation`` says (all of several values, misnamed, at least). A statement about the
    source is checked against a yes/no fact (the source says so, or says otherwise) or a says-so/silent
    fact (the source says so, or says nothing about it: *not supported*, never *contradicted*)."""
    key = claim["fact_key"]
    facts = ev.package.tables["facts"].set_index("key")
    if key not in facts.index:
        raise KeyError(f"claims.csv, claim {claim['claim_id']}: facts.csv has no row {key!r}")
    f = facts.loc[key]
    actual, stated = float(f["value"]), float(claim["stated_value"])
    ref = ev.cite(f["source"], f["location"], f["page"])
    fmt = (lambda v: f"{v:g}") if f["unit"] == "year" else (lambda v: f"{v:,g}")
    cells = f"{f['quantity']}: {f['value_as_printed']}"
    relation = claim["relation"] if pd.notna(claim["relation"]) else "equals"
    if relation == "all":
        total = (
            float(facts.loc[claim["other"], "value"])
            if pd.notna(claim["other"])
            else float(claim["stated_other_value"])
        )
        rule = "a statement about all of them holds when the source says it of all"
        text = f"the post says it of all {fmt(total)}; the source says it of {fmt(actual)}"
        if actual >= total:
            return Verdict("correct", "all", rule, text, cells, ref)
        return Verdict(
            "overstated" if actual > 0 else "contradicted", "part" if actual > 0 else "none", rule, text, cells, ref
        )
    if relation == "misnamed":
        rule = "a method or model must be named as the source names it"
        if actual == stated:
            return Verdict(
                "imprecise",
                "naming-slip",
                rule,
                f"the source says so, naming it: {f['value_as_printed']}"
                + (f" ({claim['note']})" if pd.notna(claim["note"]) else ""),
                cells,
                ref,
            )
        return Verdict(
            "contradicted", "statement", rule, f"the source says otherwise: {f['value_as_printed']}", cells, ref
        )
    if relation == "at-least":
        rule = "holds when the source gives at least the stated number"
        text = f"stated at least {fmt(stated)}; source {fmt(actual)}"
        return Verdict("correct" if actual >= stated else "contradicted", "at-least", rule, text, cells, ref)
    tol = float(claim["tolerance_pct"]) / 100 if pd.notna(claim.get("tolerance_pct")) else 0.0
    rule = "a stated number is correct when it equals the source" + (f" within {tol:.0%}" if tol else "")
    text = f"stated {fmt(stated)}; source: {f['value_as_printed']} ({fmt(actual)} {f['unit']})"
    if str(f["unit"]).startswith(SILENT_UNIT):
        rule = (
            "a statement about the source is correct when the source says so, and not supported when the source "
            "says nothing about it"
        )
        if actual == stated:
            return Verdict("correct", "statement", rule, f"the source says so: {f['value_as_printed']}", cells, ref)
        if stated and not actual:
            return Verdict(
                "not supported",
                "silent",
                rule,
                f"the source does not say so; what it says is: {f['value_as_printed']}",
                cells,
                ref,
            )
        return Verdict("contradicted", "statement", rule, f"the source says so: {f['value_as_printed']}", cells, ref)
    if str(f["unit"]).startswith("yes (1)"):
        rule = "a statement about the source is correct when the source says so"
        says = "says so" if actual == stated else "says otherwise"
        return Verdict(
            "correct" if actual == stated else "contradicted",
            "statement",
            rule,
            f"the source {says}: {f['value_as_printed']}",
            cells,
            ref,
        )
    if not abs(stated - actual) <= tol * abs(actual) + 1e-12:
        return Verdict("wrong number", "mismatch", rule, text, cells, ref)
    unit = claim.get("stated_unit")
    unit_slip = pd.notna(unit) and bool(unit) and str(unit).lower() not in str(f["unit"]).lower()
    if pd.notna(claim.get("stated_quantity")) and claim["stated_quantity"]:
        return Verdict(
            "wrong number",
            "wrong-quantity",
            "a number must be attributed to the quantity the source gives it",
            text
            + f"; the post calls it the {claim['stated_quantity']}, the source's number is the {f['quantity']}"
            + (f", and the post counts {unit} where the source counts {f['unit']}" if unit_slip else ""),
            cells,
            ref,
        )
    if unit_slip:
        return Verdict(
            "imprecise",
            "unit-slip",
            "the stated unit must be the source's",
            text + f"; the post counts {unit}, the source counts {f['unit']}",
            cells,
            ref,
        )
    return Verdict(
        "correct",
        "match",
        rule,
        text + (" (within the stated rounding)" if tol and stated != actual else ""),
        cells,
        ref,
    )


def check_contamination(claim: pd.Series, ev: Evidence) -> Verdict:
    """A claim about contamination against the paper's contamination table: the reason a row is
    blank (the default), rows left out, contamination said to be pervasive, or said to have no effect."""
    table = ev.package.tables["contamination"]
    ref_row = table.iloc[0]
    ref = ev.cite(ref_row["source"], ref_row["location"], ref_row["page"])
    relation = claim["relation"] if pd.notna(claim["relation"]) else "blank-reason"
    if relation == "blank-reason":
        row = table.set_index("benchmark").loc[claim["benchmark"]]
        rule = "the post's reason for a blank row must be the paper's"
        if pd.isna(row["contaminated_pct"]):
            named = "named in the text" in str(row["blank_reason"])
            return Verdict(
                "correct" if named else "not checkable",
                "named" if named else "not-named",
                rule,
                f"the row is blank: {row['blank_reason']}",
                f"Table 15, {row['label_in_source']}: blank",
                ref,
            )
        return Verdict(
            "wrong number",
            "estimate-printed",
            rule,
            f"the paper prints an estimate: {row['contaminated_pct']:g} % contaminated, gain "
            f"{formats.gap(row['gain_405b'])} points for the 405B",
            f"Table 15, {row['label_in_source']}",
            ref,
        )
    if relation == "omitted":
        blank = table[table["contaminated_pct"].isna()]
        rule = "the paper must leave rows blank for the reasons the post gives"
        not_significant = blank["blank_reason"].str.contains("not significant|too few|erratic", regex=True)
        return Verdict(
            "correct" if not_significant.any() else "contradicted",
            "omitted",
            rule,
            f"{len(blank)} of {len(table)} rows {agree('{is}', len(blank))} blank; {int(not_significant.sum())} for "
            "the reasons the text "
            f"gives (too few clean or contaminated examples, or an erratic estimate)",
            "Table 15 blanks",
            ref,
        )
    chapter = (
        "the contamination chapter's null (the models' answers correlated through shared item difficulty): a gain "
        "counts when, against the chance gains of choosing a threshold per benchmark, its p-value is below the "
        "level Holm's correction over the reported rows gives it, in every simulation seed"
    )
    if ev.beyond_chance is None:
        return Verdict(
            "not checkable",
            "needs-null",
            chapter,
            "judged only with the contamination chapter's result on which gains exceed chance",
            "Table 15, gain columns",
            ref,
        )
    beyond, reported = ev.beyond_chance
    text = f"{beyond} of the {reported} reported 405B gains exceed what choosing a threshold finds by chance"
    if relation == "pervasive":
        rule = f"'pervasive' holds when at least three quarters of the reported gains exceed chance ({chapter})"
        verdict = "correct" if beyond >= 0.75 * reported else ("overstated" if beyond else "contradicted")
        return Verdict(verdict, "pervasive", rule, text, "Table 15, gain columns", ref)
    if relation == "no-effect":
        rule = f"'no effect' fails when any reported gain exceeds chance ({chapter})"
        return Verdict("overstated" if beyond else "correct", "no-effect", rule, text, "Table 15, gain columns", ref)
    raise ValueError(f"claim {claim['claim_id']}: unknown contamination relation {relation!r}")


def _words_verdict(claim: pd.Series, ev: Evidence, per_page: float | None) -> Verdict:
    unit = "pages" if per_page else "words"
    if ev.capacity is None or ev.capacity.empty:
        return Verdict(
            "not checkable",
            "needs-measurement",
            "needs words per token measured on real text",
            "pass the long-context chapter's measurement as `capacity`",
        )
    context = ev.package.fact("context_length_tokens")
    cap = ev.capacity.copy()
    cap["value"] = textstats.window_words(cap["words_per_token"], context, per_page)
    narrative = cap[cap["register"] == "narrative"]
    technical = cap[cap["register"] == "technical"]
    stated = float(claim["stated_value"])
    median = float(narrative["value"].median())
    rule = (
        f"words (or pages) in the {context:,.0f}-token window are judged against narrative English prose: "
        f"correct within {WORDS_TOLERANCE:.0%} of its median"
    )
    text = (
        f"stated {stated:,.0f} {unit}; narrative prose: median {median:,.0f} "
        f"({', '.join(f'{n} {v:,.0f}' for n, v in zip(narrative['name'], narrative['value']))}); "
        f"technical prose: {technical['value'].min():,.0f}–{technical['value'].max():,.0f}"
    )
    if abs(stated / median - 1) <= WORDS_TOLERANCE:
        return Verdict("correct", "within-tolerance", rule, text, reference="Long context, measured")
    if stated > cap["value"].max():
        return Verdict("wrong number", "above-every-text", rule, text, reference="Long context, measured")
    if stated > median:
        return Verdict(
            "overstated",
            "above-median",
            rule,
            text + ": only the most word-dense texts reach it",
            reference="Long context, measured",
        )
    return Verdict("imprecise", "below-median", rule, text, reference="Long context, measured")


def check_context_words(claim: pd.Series, ev: Evidence) -> Verdict:
    """How many words the post says fit in the context window, against the words per token
    measured on real texts (``ev.capacity``)."""
    return _words_verdict(claim, ev, None)


def check_context_pages(claim: pd.Series, ev: Evidence) -> Verdict:
    """How many pages the post says fit in the context window, against the measured words at the
    words per page of its ``facts.csv`` row."""
    return _words_verdict(claim, ev, ev.package.fact(claim["fact_key"]))


def check_unverifiable(claim: pd.Series, ev: Evidence) -> Verdict:
    """'Not checkable' for a claim no source in the book settles, with the claim's note as evidence."""
    return Verdict("not checkable", "no-source", "no source in the book settles it", str(claim["note"]))


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


def check_most(claim: pd.Series, ev: Evidence) -> Verdict:
    """'A is above most models' on one benchmark row: every other model printed on the row is compared with
    A by the book's one method (:func:`_pair_verdict`); the claim needs A above more than half of them."""
    source, table = _evidence_table(claim)
    row, model = claim["benchmark_row"], claim["subject"]
    cells = ev.cells(source, table)
    printed = cells[(cells["row_label"] == row)].dropna(subset=["score"])
    others = [m for m in dict.fromkeys(printed["model"]) if m != model]
    rule = (
        "'A above most models' holds when A prints above more than half of the other models printed on the row: "
        "correct when more than half of those gaps are resolved, right order but not resolved when the printed order "
        "holds for more than half but fewer are resolved; a cell obtained in another setting cannot count for it"
    )
    if model not in set(printed["model"]) or not others:
        return Verdict("not checkable", "not-printed", rule, f"{row}: no printed score for {ev.name(model)}")
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
    text = (
        f"{row}: {ev.name(model)} against the {len(others)} other models printed: resolved ahead of {resolved}, "
        f"printed above but not resolved against {lower - resolved}, compared with a cell from another setting "
        f"{formats.noun(unlike, 'time')}, not above {len(above)}" + (f" ({', '.join(above)})" if above else "")
    )
    ref = ev.cite(source, table, cells["page"].dropna().iloc[0] if cells["page"].notna().any() else None)
    return Verdict(verdict, code, rule, text, _cell_text(ev, source, table, row, [model]), ref, parts=tuple(parts))


def _rival_on_some_rows(ev: Evidence, source: str, table: str, rows: list[str], a: str, b: str, rival: str) -> tuple:
    """'A above B on at least one row': every row judged as a row of a claim that any row shows
    (:data:`herd.method.compare.SOME`: each at α/k, k the rows with a test, so that the best row is corrected over
    all the claim could rest on; each part named by the ``rival``), the row verdict that best supports it, and the
    claim's test (:func:`herd.method.compare.some_row`)."""
    some = compare.SOME
    parts = [
        (f"{table} · {row}", ev.name(rival), _pair_verdict(ev, source, table, row, a, b, "above", some)) for row in rows
    ]
    best = min((v.verdict for _, _, v in parts), key=FAVOUR.index) if parts else "not checkable"
    test = compare.some_row(compare.orient(ev.judged(source, table, a, b, some), a, [b]), ev.rules)
    if test.shown != (best == "correct"):
        raise AssertionError(f"{table}: {a} above {b} on some row: the rows and the claim's test disagree")
    return best, parts, test


def check_some_rows(claim: pd.Series, ev: Evidence) -> Verdict:
    """'A trails each of X in some areas' (``relation`` below) or 'A beats each of X somewhere' (above),
    on the rows of one printed table: for each rival, the claim needs one row with the stated order, and it
    takes the best-supported row (correct when one such gap is resolved); over several rivals it takes the
    most serious of their verdicts."""
    source, table = _evidence_table(claim)
    subject, relation = claim["subject"], claim["relation"]
    if relation not in ("above", "below"):
        raise ValueError(f"claims.csv, claim {claim['claim_id']}: relation {relation!r} is not above or below")
    cells = ev.cells(source, table).dropna(subset=["score"])
    rule = (
        f"'A {'beats' if relation == 'above' else 'trails'} each of X in some areas' holds for a rival when one row "
        "of the table prints the stated order; correct when that gap is resolved, right order but not resolved when "
        "the order is printed but no such gap is resolved. The claim rests on whichever row best supports it, so each "
        "rival's rows are corrected together: each at α/k, k the rows printed for both that can be tested (Bonferroni "
        "over them, a union–intersection test). A claim about several rivals takes the most "
        "serious verdict of its rivals"
    )
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
        corrected = (
            f"; corrected over the {formats.noun(test.n_tested, 'row')} with a test, each at α/{test.n_tested} = "
            f"{formats.significant(test.level, 2)}"
            if test.n_tested
            else ""
        )
        if test.best is not None:
            corrected += f", the smallest p-value in that order, {formats.p_text(test.p)} on {test.best}, " + (
                "passes" if test.shown else "does not pass"
            )
        per_rival.append(
            (
                best,
                f"{ev.name(rival)} prints {'below' if relation == 'above' else 'above'} {ev.name(subject)} on "
                f"{len(shown)} of {len(rows)} rows"
                + (f" ({', '.join(shown)})" if shown else "")
                + f", resolved on {len(resolved)}"
                + (f" ({', '.join(resolved)})" if resolved else "")
                + corrected,
            )
        )
    verdict = min((v for v, _ in per_rival), key=SEVERITY.index) if per_rival else "not checkable"
    page = ev.cells(source, table)["page"].dropna()
    return Verdict(
        verdict,
        "some-rows",
        rule,
        "; ".join(text for _, text in per_rival),
        reference=ev.cite(source, table, page.iloc[0] if len(page) else None),
        parts=tuple(parts),
    )


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
    beyond_chance: tuple[int, int] | None = None,
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
        The contamination chapter's result: how many of the paper's reported contamination gains exceed what
        choosing a threshold per benchmark finds by chance, and how many gains were reported; without it the
        claims about contamination's effect are *not checkable*.

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


OMISSION_KINDS = ("row-leader",)
"""Kinds of rows in claims.csv that are the audit's own checks of what the post leaves out, not
sentences of the post: reported beside the claims, never counted among them."""


def stated(audited: pd.DataFrame) -> pd.DataFrame:
    """The claims the post states (every row but the omission checks)."""
    return audited[~audited["kind"].isin(OMISSION_KINDS)]


def omissions(audited: pd.DataFrame) -> pd.DataFrame:
    """The audit's omission checks: for each benchmark row the post lists, whether it leaves out the leader."""
    return audited[audited["kind"].isin(OMISSION_KINDS)]


def rows_described(table: pd.DataFrame) -> str:
    """What the rows of ``claims.csv`` are, counted by kind: the post's atomic claims and the audit's own omission
    checks (:data:`OMISSION_KINDS`), as the data chapter's list of tables writes it."""
    checks = int(table["kind"].isin(OMISSION_KINDS).sum())
    stated_claims = len(table) - checks
    return (
        f"{formats.count(stated_claims)} atomic {'claim' if stated_claims == 1 else 'claims'} of the post, "
        f"paraphrased, and {formats.count(checks)} omission {'check' if checks == 1 else 'checks'} of the audit's own "
        f"(kind {formats.listing(OMISSION_KINDS)}); verdicts are computed by herd.analyses.claims, never stored"
    )


def counts(audited: pd.DataFrame) -> pd.Series:
    """Claims per verdict, in the book's order (every verdict listed, zeros included)."""
    return audited["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


def summary(audited: pd.DataFrame) -> pd.Series:
    """Claims per summary group (:data:`SUMMARY_GROUPS`); the groups add up to every claim."""
    c = counts(audited)
    return pd.Series({group: int(c[list(members)].sum()) for group, members in SUMMARY_GROUPS.items()})


RANKING_KINDS = ("ranking", "top")


REVERSED_CODES = ("reversed", "another-prints-higher")
"""Reason codes of a ranking whose printed order is the reverse of the one the post states."""


def meaning_sentence(audited: pd.DataFrame) -> str:
    """What the audit comes to, counted: the post's single numbers (scores and facts) against its rankings,
    how many of each the sources bear out, and how many rankings the published test sets resolve either way."""
    numbers = audited[audited["kind"].isin(["score", "fact"])]
    n_right = int((numbers["verdict"] == "correct").sum())
    r = audited[audited["kind"].isin(RANKING_KINDS)]
    n_stated = int((r["verdict"] == "correct").sum())
    n_other_way = int((r["verdict"] == "wrong order").sum())
    untested = r["verdict"].isin(["not checkable", "misleading: unlike settings"])
    n_untested = int(untested.sum())
    n_open = len(r) - n_stated - n_other_way - n_untested
    return (
        f"Of the post's {formats.noun(len(numbers), 'single number', 'single numbers')} (scores and facts), "
        f"{counted(n_right, '{matches|match} {its} source')} "
        f"({formats.share(n_right / len(numbers)) if len(numbers) else '—'}). Of its "
        f"{formats.noun(len(r), 'ranking', 'rankings')}, the published test sets resolve "
        f"{n_stated + n_other_way}: {n_stated} in the direction the post states and {n_other_way} the other way; "
        f"{counted(n_open, '{is} not resolved')}, whatever {agree('{its|their} printed order', n_open)}, and "
        f"{n_untested} cannot be tested (cells from unlike settings, or no printed source)."
    )


def rankings_sentence(audited: pd.DataFrame) -> str:
    """What became of the post's rankings (one model above another, or on top), every one accounted for, on a
    symmetric scale: resolved in the stated direction, right but not resolved, wrong but not resolved (the
    printed order is the reverse, or the scores are equal), wrong and resolved the other way, and each other
    verdict."""
    r = audited[audited["kind"].isin(RANKING_KINDS)]
    v = r["verdict"].value_counts()
    noise = r[r["verdict"] == "wrong order, not resolved"]
    n_reversed = int(noise["code"].isin(REVERSED_CODES).sum())
    n_equal = int((noise["code"] == "equal").sum())
    parts = [
        counted(int(v.get("correct", 0)), "{is} resolved in the direction it states"),
        counted(int(v.get("right order, not resolved", 0)), "{is} right in {its} printed order but not resolved"),
    ]
    if len(noise):
        how = [counted(n_reversed, "{reverses|reverse} the printed order")] if n_reversed else []
        how += [counted(n_equal, "{calls|call} equal scores a win")] if n_equal else []
        parts.append(counted(len(noise), "{is} wrong in {its} printed order but not resolved") + f" ({', '.join(how)})")
    parts.append(counted(int(v.get("wrong order", 0)), "{is} contradicted by a gap resolved the other way"))
    unlike = int(v.get("misleading: unlike settings", 0))
    if unlike:
        parts.append(counted(unlike, "{compares|compare} cells obtained in different settings"))
    named = (
        "correct",
        "right order, not resolved",
        "wrong order, not resolved",
        "wrong order",
        "misleading: unlike settings",
    )
    others = r.loc[~r["verdict"].isin(named), "verdict"].value_counts()
    said = {"parity not resolved": "{is} {a claim|claims} of parity the data neither show nor refute"}
    parts += [counted(int(n), said.get(verdict, "{is} " + verdict)) for verdict, n in others.items()]
    return f"Of its {len(r)} rankings, " + "; ".join(parts[:-1]) + "; and " + parts[-1] + "."


def rankings_corrected(audited: pd.DataFrame, rules: compare.Rules = compare.Rules()) -> dict[str, int]:
    """How the post's resolved rankings fare if they are corrected as one family instead of each being its own
    question at α: the rankings judged by a test of the difference (one model above another, or on top; a claim
    of parity is judged by equivalence and left out), with ``rules``' correction over those that can be tested,
    each at the p-value of its least favourable rounding (the ``p`` of :func:`audit`).

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


def corrected_sentence(audited: pd.DataFrame, rules: compare.Rules = compare.Rules()) -> str:
    """:func:`rankings_corrected` in one sentence: how many of the resolved rankings a correction over all of the
    post's testable rankings would leave resolved."""
    c = rankings_corrected(audited, rules)
    name = stats.CORRECTION_NAMES[rules.correction]
    return (
        f"Each ranking is its own claim, tested at α = {rules.alpha:g}; "
        f"were the post's {c['n_family']} testable rankings of one model above another (or on top) corrected "
        f"together as one family ({name}), {c['n_stay']} of the {c['n_resolved']} resolved would stay resolved: "
        f"{c['n_stated_stay']} of the {c['n_stated']} in the direction the post states and {c['n_other_way_stay']} "
        f"of the {c['n_other_way']} the other way."
    )


def bottom_line_table(seen: pd.DataFrame, margin: float, each: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows behind a "at least on a par" claim (rows of :func:`herd.method.compare.orient`, judged as a claim on
    every row) as the chapter shows them, the claim's own columns first: the gap; whether the row shows the subject
    at least on a par (the one-sided lower bound of non-inferiority above ``-margin``) and whether a row of its N
    could show it at all (:func:`herd.method.compare.noninferiority_reach`: it shows it, would with a larger lead, or
    could not whatever the subject scored); that bound with its level and the bound a tie would get at these
    scores; whether the row is also shown equivalent within ±``margin`` (TOST, at the same level: the gaps the
    home page's chart counts as ``≈``); then the difference, another question, with its interval and level.

    ``each``: the same rows judged as the question "on which rows does it differ" (corrected over the rows,
    :data:`herd.method.compare.EACH`); the difference and its interval are then that question's."""
    from herd.base import formats

    tested = seen["difference"] != "no test"
    diff = seen if each is None else each.set_index("row_label").loc[seen["row_label"]].reset_index()
    reach = compare.noninferiority_reach(seen, margin)
    return pd.DataFrame(
        {
            "benchmark": seen["row_label"],
            "gap (points)": seen["gap"],
            f"at least on a par (bound above −{margin:g})?": [
                ("yes" if p else "no") if t else "—" for p, t in zip(seen["noninferior"], tested)
            ],
            "could a row of this N show it?": reach["reach"].fillna("—").to_numpy(),
            "one-sided lower bound": [formats.gap(v) if t else "—" for v, t in zip(seen["eq_low"], tested)],
            "level of the bound (one-sided)": [
                formats.confidence(v) if t else "—" for v, t in zip(seen["eq_level"], tested)
            ],
            "bound if the two tied (at these scores)": [
                formats.gap(v) if t else "—" for v, t in zip(reach["tie_bound"], tested)
            ],
            f"equivalent within ±{margin:g} (TOST)?": [
                ("yes" if e == "equivalent" else "no") if t else "—" for e, t in zip(seen["equivalence"], tested)
            ],
            "difference": diff["difference"].to_numpy(),
            "interval of the gap": compare.interval_text(diff).to_numpy(),
            "interval level": diff["level"].map(lambda v: "" if pd.isna(v) else formats.confidence(v)).to_numpy(),
            "why no test": seen["reason"],
        }
    )


def reach_sentence(seen: pd.DataFrame, other_name: str, margin: float) -> str:
    """The rows of a claim of non-inferiority (rows of :func:`herd.method.compare.orient`) that no score could carry at
    their N (:func:`herd.method.compare.noninferiority_reach`), in words, with the bound even a perfect score would
    leave: so that a row that is not resolved is not read as evidence against the claim. Empty when there are none."""
    from herd.base import formats

    reach = compare.noninferiority_reach(seen, margin)
    never = seen[reach["reach"] == compare.REACH["never"]]
    if never.empty:
        return ""
    each = [
        (
            f"{r['row_label']} ({formats.noun(r['n'], 'item')})",
            f"even 100 % against {other_name}'s {formats.number(r['competitor_score'])} would leave a one-sided "
            f"bound of {formats.gap(reach.loc[i, 'best_bound'])} points",
        )
        for i, r in never.iterrows()
    ]
    head = (
        f"No score of the 405B could have shown it on {each[0][0]}: {each[0][1]}"
        if len(each) == 1
        else f"No score of the 405B could have shown it on {len(each)} rows: "
        + "; ".join(f"on {row}, {why}" for row, why in each)
    )
    return (
        head
        + ". The claim needs every row, so it could not have been shown correct on this table, and "
        + ("that row's" if len(never) == 1 else "those rows'")
        + ' "not resolved" is no evidence against it.'
    )


def tie_sentence(seen: pd.DataFrame, margin: float) -> str:
    """How many rows of a claim of non-inferiority (rows of :func:`herd.method.compare.orient`) could not show it had
    the two models tied at these scores (:func:`herd.method.compare.noninferiority_reach`'s ``tie_bound``), named: where
    such a row passes, a lead carries it. Empty when every tested row could show it at a tie."""
    from herd.base import formats

    reach = compare.noninferiority_reach(seen, margin)
    tested = reach["reach"].notna()
    short = seen[tested & (reach["tie_bound"] <= -margin)]
    if short.empty:
        return ""
    k = len(short)
    return (
        f"Had the two models tied on every row, {k} of the {int(tested.sum())} tested rows could not have "
        f"shown it at these scores ({formats.listing(short['row_label'])}): "
        + agree(
            "{its test set is|their test sets are} too small to exclude a {margin}-point deficit at a zero gap, so "
            "where {it passes|they pass}, a lead carries {it}.",
            k,
        ).replace("{margin}", f"{margin:g}")
    )


def bottom_line_sentence(
    audited: pd.DataFrame,
    claim_id: str,
    seen: pd.DataFrame,
    other_name: str,
    margin: float,
    each: pd.DataFrame | None = None,
    correction: str = "holm",
) -> str:
    """The bottom line of a "at least on a par with X" claim in words: the difference row by row (the tally
    of ``each``, the rows judged with ``correction`` over them, or of ``seen`` when not given), what the
    claim itself, judged on every row at once (``seen``, :func:`herd.method.compare.every_row`), comes to, and which
    rows could show it at their N (:func:`reach_sentence`). The rows are named as the table's: its testable rows of all
    it prints for both, and those without a test."""
    claim = audited.set_index("claim_id").loc[claim_id]
    t = compare.tally(seen if each is None else each)
    table = str(seen["table"].iloc[0])
    no_test = list(seen.loc[seen["difference"] == "no test", "row_label"])
    rows = (
        f"the {t['n_tested']} testable rows of {table}'s {t['n_pairs']} "
        f"({formats.listing(no_test)} {agree('{has|have}', len(no_test))} no test)"
        if no_test
        else f"all {t['n_pairs']} rows of {table}"
    )
    corrected = (
        "" if each is None else f" and corrected over those {t['n_tested']} ({stats.CORRECTION_NAMES[correction]})"
    )
    head = (
        f"Against {other_name}, on {rows}, row by row{corrected}, the 405B is ahead on {t['n_ahead']}, behind on "
        f"{t['n_behind']}, and not resolved on at most {t['n_unresolved']}. "
    )
    short = sum(1 for _, _, v in claim["parts"] if v.code == "inferiority-not-excluded")
    reach = reach_sentence(seen, other_name, margin)
    reach = f" {reach}" if reach else ""
    if claim["verdict"] == "wrong order":
        return head + (
            f'So "at least on a par" does not hold: on some benchmark the 405B is shown behind by more than {margin:g} '
            "points."
        )
    if claim["verdict"] == "correct":
        return head + (
            f'So "at least on a par" holds: on every benchmark the 405B is at worst within {margin:g} points.' + reach
        )
    every = compare.every_row(seen, seen["noninferior"])
    untested = seen[seen["row_label"].isin(every.untested)]
    higher = list(untested.loc[untested["competitor_score"] > untested["focus_score"], "row_label"])
    named = (
        formats.listing(every.untested)
        + (
            ""
            if not higher
            else f", where {other_name} prints the higher score,"
            if len(every.untested) == 1
            else f" ({other_name} prints the higher score on {formats.listing(higher)})"
        )
        + f" {agree('{has|have}', len(every.untested))} no test"
    )
    if short:
        ahead = (
            f"no tested benchmark shows {other_name} ahead, but"
            if not t["n_behind"]
            else f"{other_name} is ahead on {t['n_behind']}, on none by more than {margin:g} points the data can show;"
        )
        said = (
            f'So "at least on a par" is not shown: {ahead} on '
            f"{formats.noun(short, 'benchmark')} the data leave room for a deficit of more than {margin:g} points"
            + (f"; and {named}, which alone would leave the claim not resolved" if every.untested else "")
        )
    elif every.untested:
        said = f'So "at least on a par" is not resolved: it is shown on every testable row, but {named}'
    else:
        said = 'So "at least on a par" is not resolved'
    return head + said + "." + reach


# ---------------------------------------------------------------- the chapter's tables and counts

POST = "blog-llama31-in-depth"  # the audited post's key in sources.csv
CLAIM_FORMATS = {
    "evidence and rule": str,
    "numbers used and source": str,
}  # columns of :func:`claim_table` holding HTML


def in_group(audited: pd.DataFrame, group: str) -> pd.DataFrame:
    """The claims whose verdict is in one summary group (:data:`SUMMARY_GROUPS`), in their order."""
    return audited[audited["verdict"].isin(SUMMARY_GROUPS[group])]


def definitions_table(audited: pd.DataFrame) -> pd.DataFrame:
    """Every verdict with its definition, how many of the post's claims get it, and how many of the
    book's omission checks (:func:`omissions`), which are never counted among the claims; in the order of
    :data:`SEVERITY`, the most serious first, the order in which a composite claim takes the verdict of its
    parts."""
    if sorted(SEVERITY) != sorted(DEFINITIONS):
        raise ValueError("claims.SEVERITY must rank every verdict of claims.DEFINITIONS once")
    c, o = counts(stated(audited)), counts(omissions(audited))
    return pd.DataFrame(
        {
            "verdict": list(SEVERITY),
            "means": [DEFINITIONS[v] for v in SEVERITY],
            "claims": [int(c[v]) for v in SEVERITY],
            "omission checks": [int(o[v]) for v in SEVERITY],
        }
    )


ANSWER = (
    ("correct", "{is} correct"),
    (
        "right order, not resolved",
        "{is} right in {its} numbers but {rests|rest} on {a gap|gaps} the data do not resolve",
    ),
    (
        "wrong",
        "{is} wrong on resolved evidence (a wrong number, an order the data resolve the other way, or something the "
        "source contradicts)",
    ),
    (
        "wrong order, not resolved",
        "{states|state} an order the printed scores reverse or tie but the data do not resolve",
    ),
    ("misleading or overstated", "{is} misleading or overstated"),
    ("imprecise", "{is} imprecise"),
    ("parity not resolved", '{claims|claim} parity or "at least on a par", which the data can neither show nor refute'),
    ("not supported", "{attributes|attribute} to the paper what it does not say"),
    ("not checkable", "cannot be checked from the sources"),
)
"""How the chapter's answer words each summary group (:data:`SUMMARY_GROUPS`), after its count."""

SAME_TEST = ("kind", "evidence", "subject", "other", "benchmark_row", "relation")
"""Columns of ``claims.csv`` that, alike, make two claims one and the same test."""


def same_test(audited: pd.DataFrame) -> list[list[str]]:
    """Groups of claims (their ids, two or more in each) that state the same thing of the same rows
    (:data:`SAME_TEST`) and so rest on one and the same test, in the order of the claims."""
    key = audited[list(SAME_TEST)].astype("string").fillna("")
    groups = audited.groupby([key[c] for c in SAME_TEST], sort=False)["claim_id"].apply(list)
    return [ids for ids in groups if len(ids) > 1]


def answer_sentence(audited: pd.DataFrame) -> str:
    """The chapter's answer: the post's claims (:func:`stated`) counted by summary group, each count with its
    verb in agreement, and, for the claims of parity left open, how many of them rest on one test stated more
    than once (:func:`same_test`)."""
    s = summary(audited)
    said = [counted(int(s[group]), text) for group, text in ANSWER]
    repeats = same_test(in_group(audited, "parity not resolved"))
    if repeats:
        said[[group for group, _ in ANSWER].index("parity not resolved")] += (
            " ("
            + "; ".join(
                f"{len(ids)} of them, {formats.listing(ids)}, make one claim on the same rows and rest on one test, "
                f"which the tally counts {len(ids)} times"
                for ids in repeats
            )
            + ")"
        )
    return (
        f"Of its {formats.noun(len(audited), 'claim')}, {said[0]} and {said[1]}; {said[2]} and {said[3]}; "
        + ", ".join(said[4:-1])
        + f", and {said[-1]}."
    )


def gap_text(gap: float, low: float, high: float) -> str:
    """A gap with its interval, as the tables of claims write it: ``+1.8 (-0.3 to +3.9)``."""
    from herd.base import formats

    return formats.gap(gap) + ("" if pd.isna(low) or pd.isna(gap) else f" ({formats.interval(low, high)})")


def claim_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Audited claims as the chapter shows them: id, verdict, paraphrase, the evidence and the rule
    (HTML, escaped), the gap with its interval, and the numbers used with their source (HTML);
    show it with ``formats=CLAIM_FORMATS``."""
    import html

    shown = frame.assign(
        gap=[gap_text(g, lo, hi) for g, lo, hi in zip(frame["gap"], frame["gap_low"], frame["gap_high"])],
        why=[
            f"{html.escape(e)}<br><small><em>Rule:</em> {html.escape(r)}</small>"
            for e, r in zip(frame["evidence"], frame["rule"])
        ],
        source=[html.escape(" · ".join(x for x in (c, r) if x)) for c, r in zip(frame["cells"], frame["reference"])],
    )
    return shown[["claim_id", "verdict", "paraphrase", "why", "gap", "source"]].rename(
        columns={
            "claim_id": "id",
            "paraphrase": "claim (paraphrased)",
            "why": "evidence and rule",
            "gap": "gap (interval), points",
            "source": "numbers used and source",
        }
    )


def of_topics(audited: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """The claims of some topics, in the post's order (by paragraph)."""
    return audited[audited["topic"].isin(topics)].sort_values("paragraph", kind="stable")


COMPOSITE_KINDS = ("category", "most", "some-rows")
"""Kinds of claims judged over several rows or rivals, whose row-by-row record the chapter shows."""


def parts_record(audited: pd.DataFrame) -> pd.DataFrame:
    """:func:`parts_table` of the composite claims (:data:`COMPOSITE_KINDS`), with each gap written with its
    interval."""
    record = parts_table(audited[audited["kind"].isin(COMPOSITE_KINDS)])
    record["gap (interval)"] = [
        gap_text(g, lo, hi) for g, lo, hi in zip(record["gap"], record["gap_low"], record["gap_high"])
    ]
    return record


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


def post_title(package: data.DataPackage) -> str:
    """The audited post's title as Markdown: a link when its address is known, else in italics."""
    from herd.base import markup

    post = post_source(package)
    return markup.link(post["title"], post["url"]) if pd.notna(post["url"]) else f"*{post['title']}*"


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


def later_note(package: data.DataPackage) -> str:
    """What the audit cannot cover: models released after the post, and later models it does not name."""
    from herd.record import coverage

    post = post_source(package)
    later = coverage.later_models(package)
    after_post = later.loc[later["release_date"] > post["date"], "key"]
    return " ".join(
        filter(
            None,
            [
                coverage.note(
                    package,
                    [k for k in later["key"] if k not in set(after_post)],
                    f"the post, published on {post['date']:%d %B %Y}, came out before {{they}} {{was}} released",
                ),
                coverage.note(
                    package, [*package.claims["subject"].dropna(), *after_post], "the post does not name {it}"
                ),
            ],
        )
    )


def bottom_line(
    package: data.DataPackage, audited: pd.DataFrame, rules: compare.Rules = compare.Rules()
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The tally behind the post's bottom line: the 405B Instruct against GPT-4 (0125) on every row of
    the paper's Table 2, judged as the claim (on every row at once, no correction) and row by row (which rows
    differ: corrected over them), and the sentence that says what each supports.

    Parameters
    ----------
    package
        The data package.
    audited
        The audit (:func:`audit`), whose claim ``bl-par-gpt4`` is the bottom line.
    rules
        The level, correction and margin.

    Returns
    -------
    tuple
        The rows of :func:`herd.method.compare.orient` judged as the claim, the same rows judged row by row, and the
        sentence.
    """
    judged = compare.judge_package(
        package,
        "llama3-paper-v3",
        "Table 2",
        rules,
        pairs=[("llama-3.1-405b-instruct", "gpt-4-0125")],
        question=compare.EVERY,
    )
    vs_gpt4 = compare.orient(judged, "llama-3.1-405b-instruct", ["gpt-4-0125"])
    each = compare.orient(
        compare.judge_package(
            package, "llama3-paper-v3", "Table 2", rules, pairs=[("llama-3.1-405b-instruct", "gpt-4-0125")]
        ),
        "llama-3.1-405b-instruct",
        ["gpt-4-0125"],
    )
    sentence = bottom_line_sentence(
        audited, "bl-par-gpt4", vs_gpt4, "GPT-4 (0125)", rules.margin, each, rules.correction
    )
    return vs_gpt4, each, sentence


def paragraphs_sentence(paragraph_counts: dict[str, int]) -> str:
    """How many of the post's paragraphs yield claims, including those that state a number (from
    :func:`paragraph_counts`), each count with its verb in agreement."""
    a, b, n = (paragraph_counts[k] for k in ("n_paragraphs_claims", "n_paragraphs", "n_paragraphs_numbers"))
    numbers = "the one that states a number" if n == 1 else f"all {n} that state a number"
    return f"{a} of the post's {formats.noun(b, 'paragraph')} {agree('{yields|yield}', a)} claims, including {numbers}"
