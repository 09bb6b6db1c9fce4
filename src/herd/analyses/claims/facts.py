"""The checks of the claims audit that read facts rather than printed scores: a number against its row of
``facts.csv``, a statement about the source, the paper's contamination table, the words and pages a context window
holds (against measurements on real texts), and the claims no source in the book settles.
"""

from __future__ import annotations

import re

import pandas as pd

from herd.analyses.long_context import textstats
from herd.base import formats

from .evidence import Evidence
from .verdicts import Said, Verdict, said

SILENT_UNIT = "says so (1)"
"""How a fact in ``facts.csv`` that records whether the source says something at all begins its unit
(``says so (1) / silent (0)``): a post that attributes such a thing to a silent source is *not supported*."""


WORDS_TOLERANCE = 0.10  # words or pages within 10 % of the median measurement

PERVASIVE = 0.5
"""Contamination is "pervasive" when more than this share of the reported gains exceed chance: the claim's own reading
in ``data/claims.csv`` (its note: a gain "on most of the benchmarks the paper prints"), i.e. a majority."""

GAINS_PLACE = "Table 15, gain columns"  # where the paper prints the contamination gains a check reads
SUMMARY_PLACE = "§5.1.4 (its results)"  # where it sums them up (:data:`IMPACT_VARIES`)

IMPACT_VARIES = "contamination.impact-varies"
"""The facts.csv row of the paper's own summary of its contamination analysis (§5.1.4): a large impact for some
benchmarks and not for others (1), or no such statement (0). With fewer than a majority beyond chance it decides
'pervasive' (the null alone cannot: a gain not resolved is not shown absent)."""


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


def _with_note(text: Said, cells: str, claim: pd.Series, facts: pd.DataFrame) -> tuple[Said, str]:
    """A statement's evidence followed by the claim's note (its facts filled in), and its cells followed by the facts
    the note cites, each with its value and unit."""
    note, cited = filled_note(claim, facts)
    if note:
        text = said("noted", then=text, note=note)
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
    year = f["unit"] == "year"
    cells = f"{f['quantity']}: {f['value_as_printed']}"
    relation = claim["relation"] if pd.notna(claim["relation"]) else "equals"
    if relation == "all":
        return _of_all(claim, f, facts, actual, year, cells, ref)
    if relation == "misnamed":
        rule = said("naming-rule")
        printed = f["value_as_printed"]
        if actual == stated:
            note = claim["note"] if pd.notna(claim["note"]) else None
            return Verdict("imprecise", "naming-slip", rule, said("named-as", printed=printed, note=note), cells, ref)
        return Verdict("contradicted", "statement", rule, said("says-otherwise", printed=printed), cells, ref)
    if relation == "at-least":
        text = said("at-least", stated=stated, actual=actual, year=year)
        verdict = "correct" if actual >= stated else "contradicted"
        return Verdict(verdict, "at-least", said("at-least-rule"), text, cells, ref)
    if str(f["unit"]).startswith((SILENT_UNIT, "yes (1)")):
        text, verdict, code, rule = _statement(f, actual, stated)
        text, cells = _with_note(text, f"{f['quantity']}: {answer(f)}", claim, facts)
        return Verdict(verdict, code, rule, text, cells, ref)
    return _number(claim, f, actual, stated, year, cells, ref)


def _statement(f: pd.Series, actual: float, stated: float) -> tuple[Said, str, str, Said]:
    """A statement about the source against a yes/no fact or a says-so/silent fact (:data:`SILENT_UNIT`): the
    evidence, the verdict, its code and the rule."""
    printed = f["value_as_printed"]
    if str(f["unit"]).startswith(SILENT_UNIT):
        rule = said("statement-rule", silent=True)
        if actual == stated:
            return said("says-so", printed=printed), "correct", "statement", rule
        if stated and not actual:
            return said("does-not-say", printed=printed), "not supported", "silent", rule
        return said("says-so", printed=printed), "contradicted", "statement", rule
    rule = said("statement-rule", silent=False)
    if actual == stated:
        return said("says-so", printed=printed), "correct", "statement", rule
    return said("says-otherwise", printed=printed), "contradicted", "statement", rule


def _of_all(
    claim: pd.Series, f: pd.Series, facts: pd.DataFrame, actual: float, year: bool, cells: str, ref: str
) -> Verdict:
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
    rule = said("all-rule")
    against = None
    if opposite is not None and n_opposite:
        against = (n_opposite, opposite["value_as_printed"])
        cells += f"; {opposite['quantity']}: {opposite['value_as_printed']}"
    text = said("of-all", total=total, actual=actual, printed=f["value_as_printed"], opposite=against, year=year)
    text, cells = _with_note(text, cells, claim, facts)
    if n_opposite or not actual:
        return Verdict("contradicted", "opposite" if n_opposite else "none", rule, text, cells, ref)
    if actual >= total:
        return Verdict("correct", "all", rule, text, cells, ref)
    return Verdict("overstated", "part", rule, text, cells, ref)


def _number(claim: pd.Series, f: pd.Series, actual: float, stated: float, year: bool, cells: str, ref: str) -> Verdict:
    """A stated number against the source's, within the claim's stated rounding (``tolerance_pct``), and attributed
    to the source's quantity in the source's unit."""
    tol = float(claim["tolerance_pct"]) / 100 if pd.notna(claim.get("tolerance_pct")) else 0.0
    rule = said("number-rule", rounded=bool(tol))
    number = dict(stated=stated, printed=f["value_as_printed"], actual=actual, unit=f["unit"], year=year, tolerance=tol)
    text = said("number", **number)
    if not abs(stated - actual) <= tol * abs(actual) + 1e-12:
        return Verdict("wrong number", "mismatch", rule, text, cells, ref)
    unit = claim.get("stated_unit")
    unit_slip = pd.notna(unit) and bool(unit) and str(unit).lower() not in str(f["unit"]).lower()
    if pd.notna(claim.get("stated_quantity")) and claim["stated_quantity"]:
        return Verdict(
            "wrong number",
            "wrong-quantity",
            said("quantity-rule"),
            said(
                "other-quantity",
                then=text,
                called=claim["stated_quantity"],
                quantity=f["quantity"],
                unit=unit if unit_slip else None,
                source_unit=f["unit"],
            ),
            cells,
            ref,
        )
    if unit_slip:
        return Verdict(
            "imprecise",
            "unit-slip",
            said("unit-rule"),
            said("other-unit", then=text, unit=unit, source_unit=f["unit"]),
            cells,
            ref,
        )
    return Verdict(
        "correct",
        "match",
        rule,
        said("number", **number, rounded=bool(tol) and stated != actual),
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
        rule = said("blank-rule")
        if pd.isna(row["contaminated_pct"]):
            named = "named in the text" in str(row["blank_reason"])
            return Verdict(
                "correct" if named else "not checkable",
                "named" if named else "not-named",
                rule,
                said("blank", reason=row["blank_reason"]),
                f"Table 15, {row['label_in_source']}: blank",
                ref,
            )
        return Verdict(
            "wrong number",
            "estimate-printed",
            rule,
            said("estimate", contaminated=float(row["contaminated_pct"]), gain=float(row["gain_405b"])),
            f"Table 15, {row['label_in_source']}",
            ref,
        )
    if relation == "omitted":
        blank = table[table["contaminated_pct"].isna()]
        not_significant = blank["blank_reason"].str.contains("not significant|too few|erratic", regex=True)
        return Verdict(
            "correct" if not_significant.any() else "contradicted",
            "omitted",
            said("omitted-rule"),
            said("blanks", blank=len(blank), rows=len(table), for_reasons=int(not_significant.sum())),
            "Table 15 blanks",
            ref,
        )
    if ev.beyond_chance is None:
        return Verdict(
            "not checkable",
            "needs-null",
            said("null-rule", relation=None),
            said("needs-null"),
            GAINS_PLACE,
            ref,
        )
    chance = ev.beyond_chance
    (least, most), (low, high) = chance.span, chance.correlations
    null = said("null-rule", relation=None)
    counted = dict(least=least, most=most, reported=chance.reported, low=low, high=high)
    if relation == "no-effect":
        # a gain beyond chance is a correlation, not memorisation (contaminated items may be easier), and a gain
        # within chance is not shown absent: the null neither shows nor refutes the claim, and the paper does not
        # say its measures ruled memorisation out, so the claim rests on nothing the source shows
        rule = said("null-rule", relation=relation, null=null)
        text = said("beyond-chance", **counted, verdicts=[], memorisation=True)
        return Verdict("not supported", relation, rule, text, f"{SUMMARY_PLACE}; {GAINS_PLACE}", ref)
    if relation != "pervasive":
        raise ValueError(f"claim {claim['claim_id']}: unknown contamination relation {relation!r}")
    # fewer than a majority beyond chance does not refute 'pervasive' (a gain not resolved is not shown absent): the
    # paper's own summary of its analysis does, where it says contamination matters for some benchmarks and not others
    varies = bool(ev.package.fact(IMPACT_VARIES))
    rule = said("null-rule", relation=relation, share=PERVASIVE, null=null)

    def judge(k: int) -> str:
        if k > PERVASIVE * chance.reported:
            return "correct"
        return "overstated" if varies else "not checkable"

    # the verdict must not depend on where in the published range the item correlation lies (nor on a row the Monte
    # Carlo error leaves undetermined): judged at both ends of the count at every correlation (a verdict moves with
    # the count in one direction only, so the counts between agree when the ends do)
    found = list(dict.fromkeys(judge(k) for _, fewest, most_ in chance.counts for k in (fewest, most_)))
    text = said("beyond-chance", **counted, verdicts=found, varies=varies)
    where = f"{SUMMARY_PLACE}; {GAINS_PLACE}" if varies else GAINS_PLACE
    if len(found) > 1:
        return Verdict("not checkable", "range-disagrees", rule, text, where, ref)
    return Verdict(found[0], relation, rule, text, where, ref)


def _words_verdict(claim: pd.Series, ev: Evidence, per_page: float | None) -> Verdict:
    unit = "pages" if per_page else "words"
    if ev.capacity is None or ev.capacity.empty:
        return Verdict("not checkable", "needs-measurement", said("measured-rule"), said("needs-measurement"))
    context = ev.package.fact("context_length_tokens")
    cap = ev.capacity.copy()
    cap["value"] = textstats.window_words(cap["words_per_token"], context, per_page)
    narrative = cap[cap["register"] == "narrative"]
    technical = cap[cap["register"] == "technical"]
    stated = float(claim["stated_value"])
    median = float(narrative["value"].median())
    rule = said("words-rule", context=context, tolerance=WORDS_TOLERANCE)
    words = dict(
        stated=stated,
        unit=unit,
        median=median,
        narrative=list(zip(narrative["name"], narrative["value"])),
        technical=(float(technical["value"].min()), float(technical["value"].max())),
    )
    text = said("words", **words)
    if abs(stated / median - 1) <= WORDS_TOLERANCE:
        return Verdict("correct", "within-tolerance", rule, text, reference="Long context, measured")
    if stated > cap["value"].max():
        return Verdict("wrong number", "above-every-text", rule, text, reference="Long context, measured")
    if stated > median:
        return Verdict(
            "overstated",
            "above-median",
            rule,
            said("words", **words, densest_only=True),
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
    return Verdict("not checkable", "no-source", said("no-source-rule"), said("note", text=str(claim["note"])))
