"""The checks of the claims audit that read facts rather than printed scores: a number against its row of
``facts.csv``, a statement about the source, the paper's contamination table, the words and pages a context window
holds (against measurements on real texts), and the claims no source in the book settles.
"""

from __future__ import annotations

import re

import pandas as pd

from herd.analyses.long_context import textstats
from herd.base import formats
from herd.record.coverage import agree

from .evidence import Evidence
from .verdicts import Verdict

SILENT_UNIT = "says so (1)"
"""How a fact in ``facts.csv`` that records whether the source says something at all begins its unit
(``says so (1) / silent (0)``): a post that attributes such a thing to a silent source is *not supported*."""


WORDS_TOLERANCE = 0.10  # words or pages within 10 % of the median measurement


FACT_IN_NOTE = re.compile(r"\{(value|printed):([^{}:]+)\}")
"""How a claim's note cites a row of ``facts.csv`` so that its numbers come from the data: ``{value:KEY}`` is the
fact's value as the book writes a bare quantity, ``{printed:KEY}`` its wording as printed."""


def answer(fact: pd.Series) -> str:
    """The answer a yes/no or says-so/silent fact records, in the words of its unit (``yes (1) / no (0)``: "yes" for
    1, "no" for 0), so that the 0/1 code stays in the data and never reaches the page."""
    labels = dict((float(m.group(2)), m.group(1).strip()) for m in re.finditer(r"([^/()]+)\((\d)\)", str(fact["unit"])))
    if float(fact["value"]) not in labels:
        raise ValueError(
            f"facts.csv, row {fact.name}: value {fact['value']:g} is not one of its unit's {fact['unit']!r}"
        )
    return labels[float(fact["value"])]


def filled_note(claim: pd.Series, facts: pd.DataFrame) -> tuple[str, list[str]]:
    """A claim's note with the facts it cites (:data:`FACT_IN_NOTE`) filled in from ``facts.csv``, and the keys of
    those facts in the order cited; an empty note when the claim has none."""
    note = claim.get("note")
    if not isinstance(note, str) or not note.strip():
        return "", []
    cited: list[str] = []

    def fill(m: re.Match) -> str:
        how, key = m.group(1), m.group(2)
        if key not in facts.index:
            raise KeyError(f"claims.csv, claim {claim['claim_id']}: its note cites {key!r}, which facts.csv lacks")
        if key not in cited:
            cited.append(key)
        return formats.quantity(facts.loc[key, "value"]) if how == "value" else str(facts.loc[key, "value_as_printed"])

    return FACT_IN_NOTE.sub(fill, note.strip()), cited


def _with_note(text: str, cells: str, claim: pd.Series, facts: pd.DataFrame) -> tuple[str, str]:
    """A statement's evidence followed by the claim's note (its facts filled in), and its cells followed by the facts
    the note cites, each with its value and unit."""
    note, cited = filled_note(claim, facts)
    if note:
        text = f"{text}. {note}"
    for key in cited:
        cells += f"; {facts.loc[key, 'quantity']}: {formats.quantity(facts.loc[key, 'value'])} {facts.loc[key, 'unit']}"
    return text, cells


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
        return _of_all(claim, f, facts, actual, fmt, cells, ref)
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
    if str(f["unit"]).startswith((SILENT_UNIT, "yes (1)")):
        text, verdict, code, rule = _statement(f, actual, stated)
        text, cells = _with_note(text, f"{f['quantity']}: {answer(f)}", claim, facts)
        return Verdict(verdict, code, rule, text, cells, ref)
    return _number(claim, f, actual, stated, fmt, cells, ref)


STATEMENT_RULE = (
    "a statement of what the source reports is judged against the source: correct when it says so, contradicted "
    "when it says otherwise"
)


def _statement(f: pd.Series, actual: float, stated: float) -> tuple[str, str, str, str]:
    """A statement about the source against a yes/no fact or a says-so/silent fact (:data:`SILENT_UNIT`): the
    evidence, the verdict, its code and the rule."""
    printed = f["value_as_printed"]
    if str(f["unit"]).startswith(SILENT_UNIT):
        rule = STATEMENT_RULE + ", not supported when it says nothing about it"
        if actual == stated:
            return f"the source says so: {printed}", "correct", "statement", rule
        if stated and not actual:
            return f"the source does not say so; what it says is: {printed}", "not supported", "silent", rule
        return f"the source says so: {printed}", "contradicted", "statement", rule
    if actual == stated:
        return f"the source says so: {printed}", "correct", "statement", STATEMENT_RULE
    return f"the source says otherwise: {printed}", "contradicted", "statement", STATEMENT_RULE


def _of_all(claim: pd.Series, f: pd.Series, facts: pd.DataFrame, actual: float, fmt, cells: str, ref: str) -> Verdict:
    """A statement about all of several things (relation ``all``) against the number of them the source says it of.
    The whole is a second fact (the claim's ``other``) or the claim's ``stated_other_value``; a third fact after a
    ';' in ``other``, when given, counts those the source says the opposite of. Like a claim on several rows, it
    takes the most serious verdict of its parts: contradicted where the source says the opposite of any, overstated
    where it says it of only some, correct where it says it of all."""
    keys = str(claim["other"]).split(";") if pd.notna(claim["other"]) else []
    for key in keys:
        if key not in facts.index:
            raise KeyError(f"claims.csv, claim {claim['claim_id']}: column other names {key!r}, which facts.csv lacks")
    total = float(facts.loc[keys[0], "value"]) if keys else float(claim["stated_other_value"])
    opposite = facts.loc[keys[1]] if len(keys) > 1 else None
    n_opposite = float(opposite["value"]) if opposite is not None else 0.0
    rule = (
        "a statement about all of them holds when the source says it of all, is overstated when it says it of only "
        "some, and is contradicted when it says it of none or the opposite of any (the most serious verdict of its "
        "parts)"
    )
    text = f"the post says it of all {fmt(total)}; the source says it of {fmt(actual)} ({f['value_as_printed']})"
    if opposite is not None and n_opposite:
        text += f" and the opposite of {fmt(n_opposite)} ({opposite['value_as_printed']})"
        cells += f"; {opposite['quantity']}: {opposite['value_as_printed']}"
    text, cells = _with_note(text, cells, claim, facts)
    if n_opposite or not actual:
        return Verdict("contradicted", "opposite" if n_opposite else "none", rule, text, cells, ref)
    if actual >= total:
        return Verdict("correct", "all", rule, text, cells, ref)
    return Verdict("overstated", "part", rule, text, cells, ref)


def _number(claim: pd.Series, f: pd.Series, actual: float, stated: float, fmt, cells: str, ref: str) -> Verdict:
    """A stated number against the source's, within the claim's stated rounding (``tolerance_pct``), and attributed
    to the source's quantity in the source's unit."""
    tol = float(claim["tolerance_pct"]) / 100 if pd.notna(claim.get("tolerance_pct")) else 0.0
    rule = "a stated number is correct when it equals the source" + (f" within {tol:.0%}" if tol else "")
    text = f"stated {fmt(stated)}; source: {f['value_as_printed']} ({fmt(actual)} {f['unit']})"
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
