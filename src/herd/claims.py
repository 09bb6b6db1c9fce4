"""The claims audit: a verdict for every numeric claim, computed from the data package.

Each row of ``data/claims.csv`` is one atomic claim taken from the audited blog post
(paraphrased). Its ``kind`` says how to check it:

``score``      the post's number for a model on a Table 2 row, against the printed cell;
``ranking``    "A is above B" / "A is on a par with B" on a Table 2 row;
``top``        "A has the best score of the row";
``category``   "A beats B, C, … on these rows" (a row, or every row of a category);
``contamination`` what the paper's contamination table says of a benchmark;
``fact``       a non-benchmark number (GPUs, context length, …) against ``data/facts.csv``
               within the claim's stated tolerance;
``context-words`` / ``context-pages``  how many words or pages the context window
               holds, against the real tokenizer's words per token on English prose;
``pending``    needs a measurement a later chapter makes;
``unverifiable`` no source in the book can check it.

Verdicts: ``correct``, ``wrong number``, ``wrong comparison``, ``misleading`` (true
numbers, but the gap is inside the sampling uncertainty or the cells were obtained in
different settings), ``not checkable``, ``pending``. Gaps are tested one claim at a time
with the two-proportion z-test at 5 % (no correction for many claims, which favours the
post), on the benchmark's N: official where there is one, else implied by the paper's
printed intervals.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import stats

VERDICTS = ("correct", "wrong number", "wrong comparison", "misleading", "not checkable", "pending")
ALPHA = 0.05
SCORE_TABLE = ("llama3-paper-v3", "Table 2")
TOLERANCE = 0.05  # a stated score equals a printed one when they agree to one decimal


@dataclass(frozen=True)
class Verdict:
    verdict: str
    evidence: str
    reference: str


class Auditor:
    """Holds the evidence (Table 2, sizes, facts) and checks claims against it."""

    def __init__(self, package, table: tuple[str, str] = SCORE_TABLE, alpha: float = ALPHA):
        self.alpha = alpha
        scores = package.scores
        self.source, self.table = table
        self.cells = scores[(scores["source"] == self.source) & (scores["table"] == self.table)]
        if self.cells.empty:
            raise ValueError(f"no scores from {self.source} {self.table} in the data package")
        self.page = int(self.cells["page"].dropna().iloc[0]) if self.cells["page"].notna().any() else None
        self.sizes = stats.effective_sizes(package.benchmarks, scores).set_index("benchmark")
        self.names = package.models.set_index("key")["name"].to_dict()
        self.categories = package.benchmarks.set_index("key")["category"].to_dict()
        self.facts = package.facts.set_index("key") if "facts" in package.tables else pd.DataFrame()
        self.fact = package.fact
        self.sources = package.sources.set_index("key")
        self.contamination = package.contamination.set_index("benchmark") if "contamination" in package.tables else pd.DataFrame()

    # ------------------------------------------------------------ helpers
    @property
    def ref(self) -> str:
        page = f", p. {self.page}" if self.page else ""
        return f"{self.source} {self.table}{page}"

    def cell(self, model: str, row: str) -> pd.Series | None:
        hit = self.cells[(self.cells["model"] == model) & (self.cells["row_label"] == row)]
        return None if hit.empty else hit.iloc[0]

    def name(self, model: str) -> str:
        return self.names.get(model, model)

    def n_for(self, row: str) -> tuple[int | None, str]:
        bench = self.cells.loc[self.cells["row_label"] == row, "benchmark"].iloc[0]
        n = self.sizes["n"].get(bench, pd.NA)
        return (None, "no N") if pd.isna(n) else (int(n), f"N = {int(n):,} ({self.sizes['basis'][bench]})")

    def gap_test(self, row: str, a: float, b: float) -> tuple[float | None, str]:
        n, n_text = self.n_for(row)
        if n is None:
            return None, n_text
        _, p = stats.two_proportion_test(a, b, n)
        lo, hi = stats.difference_ci(a, b, n)
        return p, f"gap {a - b:+.1f} points, 95 % interval {lo:+.1f} to {hi:+.1f}, p = {p:.3g}, {n_text}"

    @staticmethod
    def fmt(value: float) -> str:
        return "a dash (no score)" if pd.isna(value) else f"{value:.1f}"

    # ------------------------------------------------------------ kinds
    def check(self, claim: pd.Series) -> Verdict:
        kind = claim["kind"]
        method = getattr(self, f"_check_{kind.replace('-', '_')}", None)
        if method is None:
            raise ValueError(f"claim {claim['claim_id']}: unknown kind {kind!r}")
        return method(claim)

    def _check_score(self, c) -> Verdict:
        cell = self.cell(c["subject"], c["benchmark_row"])
        if cell is None:
            return Verdict("not checkable", f"{self.name(c['subject'])} has no column in the table", self.ref)
        stated = float(c["stated_value"])
        if pd.notna(cell["score"]) and abs(cell["score"] - stated) < TOLERANCE:
            note = f"; the source marks it: {cell['footnote']}" if pd.notna(cell["marker"]) else ""
            return Verdict("correct", f"printed {cell['score']:.1f}{note}", self.ref)
        row = self.cells[self.cells["row_label"] == c["benchmark_row"]]
        owners = [self.name(m) for m, s in zip(row["model"], row["score"]) if pd.notna(s) and abs(s - stated) < TOLERANCE]
        whose = f"; {stated:.1f} is the score of {', '.join(owners)}" if owners else ""
        return Verdict("wrong number", f"stated {stated:.1f}, printed {self.fmt(cell['score'])}{whose}", self.ref)

    def _pair(self, c, subject: str, other: str, relation: str) -> tuple[str, str]:
        row = c["benchmark_row"]
        a, b = self.cell(subject, row), self.cell(other, row)
        if a is None or b is None or pd.isna(a["score"]) or pd.isna(b["score"]):
            missing = [self.name(m) for m, x in ((subject, a), (other, b)) if x is None or pd.isna(x["score"])]
            return "not checkable", f"{row}: no printed score for {', '.join(missing)}"
        sa, sb = float(a["score"]), float(b["score"])
        p, test = self.gap_test(row, sa, sb)
        head = f"{row}: {self.name(subject)} {sa:.1f} vs {self.name(other)} {sb:.1f}; {test}"
        unlike = [self.name(m) for m, x in ((subject, a), (other, b)) if pd.notna(x["marker"])]
        unlike_text = f"; not like for like ({', '.join(unlike)}: {a['footnote'] if pd.notna(a['marker']) else b['footnote']})" if unlike else ""
        if relation == "on-par":
            if p is None:
                return ("correct" if sa == sb else "not checkable"), head
            return ("correct", head + unlike_text) if p >= self.alpha else ("wrong comparison", head + ": the gap is larger than its uncertainty")
        if relation != "above":
            raise ValueError(f"claim {c['claim_id']}: unknown relation {relation!r}")
        if sa <= sb:
            return "wrong comparison", head + (": the two are equal" if sa == sb else ": the order is the reverse")
        if p is not None and p >= self.alpha:
            return "misleading", head + ": the gap is inside the sampling uncertainty" + unlike_text
        if unlike:
            return "misleading", head + unlike_text
        return "correct", head

    def _check_ranking(self, c) -> Verdict:
        verdict, evidence = self._pair(c, c["subject"], c["other"], c["relation"])
        return Verdict(verdict, evidence, self.ref)

    def _check_top(self, c) -> Verdict:
        row = self.cells[(self.cells["row_label"] == c["benchmark_row"])].dropna(subset=["score"]).sort_values("score", ascending=False)
        if c["subject"] not in set(row["model"]):
            return Verdict("not checkable", f"no printed score for {self.name(c['subject'])}", self.ref)
        best = row.iloc[0]
        mine = float(row.loc[row["model"] == c["subject"], "score"].iloc[0])
        if mine < best["score"]:
            return Verdict("wrong comparison", f"{c['benchmark_row']}: best is {self.name(best['model'])} with {best['score']:.1f}, "
                                               f"{self.name(c['subject'])} has {mine:.1f}", self.ref)
        runner = row[row["model"] != c["subject"]].iloc[0]
        p, test = self.gap_test(c["benchmark_row"], mine, float(runner["score"]))
        text = f"{c['benchmark_row']}: {self.name(c['subject'])} {mine:.1f}, next {self.name(runner['model'])} {runner['score']:.1f}; {test}"
        if mine == runner["score"]:
            return Verdict("misleading", text + ": shared first place", self.ref)
        if p is not None and p >= self.alpha:
            return Verdict("misleading", text + ": the lead is inside the sampling uncertainty", self.ref)
        return Verdict("correct", text, self.ref)

    def _check_category(self, c) -> Verdict:
        if pd.notna(c["benchmark_row"]):
            rows = [c["benchmark_row"]]
        else:
            cats = self.cells["benchmark"].map(self.categories)
            rows = list(dict.fromkeys(self.cells.loc[cats == c["category"], "row_label"]))
        outcomes = []
        for other in str(c["other"]).split(";"):
            for row in rows:
                verdict, evidence = self._pair(pd.Series({**c.to_dict(), "benchmark_row": row}), c["subject"], other, "above")
                outcomes.append((verdict, evidence))
        checked = [o for o in outcomes if o[0] != "not checkable"]
        skipped = [e for v, e in outcomes if v == "not checkable"]
        if not checked:
            return Verdict("not checkable", "; ".join(skipped), self.ref)
        order = ["wrong comparison", "misleading", "correct"]
        verdict = min((v for v, _ in checked), key=order.index)
        evidence = " | ".join(f"[{v}] {e}" for v, e in checked)
        if skipped:
            evidence += " | not compared: " + "; ".join(skipped)
        return Verdict(verdict, evidence, self.ref)

    def _check_fact(self, c) -> Verdict:
        key = c["fact_key"]
        if self.facts.empty or key not in self.facts.index:
            return Verdict("not checkable", f"no fact {key!r} in the data package", "")
        fact = self.facts.loc[key]
        actual, stated = float(fact["value"]), float(c["stated_value"])
        tol = float(c["tolerance_pct"]) / 100 if pd.notna(c.get("tolerance_pct")) else 0.0
        ref = f"{fact['source']} {fact['location']}" + (f", p. {int(fact['page'])}" if pd.notna(fact["page"]) else "")
        fmt = (lambda v: f"{v:g}") if fact["unit"] == "year" else (lambda v: f"{v:,g}")
        evidence = f"stated {fmt(stated)}; source: {fact['value_as_printed']} ({fmt(actual)} {fact['unit']})"
        unit = c.get("stated_unit")
        if pd.notna(unit) and unit and str(unit).lower() not in str(fact["unit"]).lower():
            return Verdict("wrong number", evidence + f"; the post counts {unit}, the source counts {fact['unit']}", ref)
        if abs(stated - actual) <= tol * abs(actual) + 1e-12:
            return Verdict("correct", evidence + (f", within the stated rounding ({tol:.0%})" if tol and stated != actual else ""), ref)
        return Verdict("wrong number", evidence, ref)

    def _check_contamination(self, c) -> Verdict:
        table = self.contamination
        if table.empty or c["benchmark"] not in table.index:
            return Verdict("not checkable", f"no contamination row for {c['benchmark']!r}", "")
        row = table.loc[c["benchmark"]]
        ref = f"{row['source']} {row['location']}, p. {int(row['page'])}"
        if pd.isna(row["contaminated_pct"]):
            named = "named in the text" in str(row["blank_reason"])
            return Verdict("correct" if named else "misleading", f"the row is blank: {row['blank_reason']}", ref)
        return Verdict("wrong comparison", f"the paper prints an estimate: {row['contaminated_pct']:g} % contaminated, "
                                           f"gain {row['gain_405b']:+g} points for the 405B", ref)

    # ---- words and pages in a context window: measured with the real tokenizer
    def capacity(self):
        """Words in the context window for each prose text (cached): median and range."""
        if getattr(self, "_capacity", None) is None:
            from . import texts, textstats

            keys = [k for k, t in texts.TEXTS.items() if t.kind == "prose"]
            loaded = texts.load(keys)
            per_text = {k: textstats.measure(v)["words_per_token"] for k, v in loaded.items()}
            context = self.fact("context_length_tokens")
            words = {k: v * context for k, v in per_text.items()}
            self._capacity = (context, words)
        return self._capacity

    def _words_verdict(self, stated: float, measured: dict[str, float], unit: str) -> tuple[str, str]:
        values = sorted(measured.values())
        median = float(pd.Series(values).median())
        text = (f"stated {stated:,.0f} {unit}; measured on {len(values)} English prose texts: median {median:,.0f}, "
                f"range {values[0]:,.0f}–{values[-1]:,.0f}")
        if abs(stated / median - 1) <= 0.10:
            return "correct", text
        if values[0] * 0.95 <= stated <= values[-1] * 1.05:
            holders = [k for k, v in measured.items() if abs(stated / v - 1) <= 0.10]
            return "misleading", text + f": true only of the most word-dense text{'s' if len(holders) > 1 else ''} ({', '.join(holders) or 'none within 10 %'})"
        return "wrong number", text

    def _check_context_words(self, c) -> Verdict:
        context, words = self.capacity()
        verdict, evidence = self._words_verdict(float(c["stated_value"]), words, "words")
        return Verdict(verdict, evidence + f" in {context:,.0f} tokens (Llama 3 tokenizer; long-context chapter)", "herd.textstats")

    def _check_context_pages(self, c) -> Verdict:
        context, words = self.capacity()
        per_page = self.fact(c["fact_key"])
        pages = {k: v / per_page for k, v in words.items()}
        verdict, evidence = self._words_verdict(float(c["stated_value"]), pages, "pages")
        return Verdict(verdict, evidence + f" at {per_page:.0f} words per page", "herd.textstats; " + str(self.facts.loc[c["fact_key"], "source"]))

    def _check_pending(self, c) -> Verdict:
        return Verdict("pending", str(c["note"]), "")

    def _check_unverifiable(self, c) -> Verdict:
        return Verdict("not checkable", str(c["note"]), "")


def audit(package, alpha: float = ALPHA) -> pd.DataFrame:
    """Every claim with its computed verdict, evidence and reference."""
    auditor = Auditor(package, alpha=alpha)
    claims = package.claims
    results = [auditor.check(row) for _, row in claims.iterrows()]
    out = claims.copy()
    out["verdict"] = [r.verdict for r in results]
    out["evidence"] = [r.evidence for r in results]
    out["reference"] = [r.reference for r in results]
    bad = set(out["verdict"]) - set(VERDICTS)
    if bad:
        raise AssertionError(f"unknown verdicts {bad}")
    return out
