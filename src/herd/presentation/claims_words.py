"""The claims audit in words: what each check found and the rule it applied, written from the
:class:`herd.analyses.claims.verdicts.Said` records the checks return (numbers, names and labels, never sentences).

One writer per record's ``key``; :func:`words` writes a record (and the records it holds), :func:`in_words` the
``evidence`` and ``rule`` columns of an audit.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from herd.analyses.claims.verdicts import Said
from herd.base import formats, markup
from herd.method import compare
from herd.record.coverage import agree


def words(record: Said) -> str:
    """A record of the audit in words."""
    writer = _WRITERS.get(record.key)
    if writer is None:
        raise KeyError(f"no writer for the audit's record {record.key!r}; known: {', '.join(sorted(_WRITERS))}")
    return writer(dict(record.fields))


RULES_ANCHOR = "claims-rules"
"""The section of the claims chapter that states every rule once, by its label (:func:`label`)."""

_VARIANTS: dict[str, Callable[[dict], str]] = {
    "on-par-rule": lambda f: "" if f["testable"] else "untested",
    "number-rule": lambda f: "rounded" if f["rounded"] else "exact",
    "category-rule": lambda f: "clear lead" if f["clear"] else "",
    "statement-rule": lambda f: "or silent" if f["silent"] else "",
    "null-rule": lambda f: {"pervasive": "pervasive", "no-effect": "no memorisation"}.get(f["relation"], ""),
    "some-rows-rule": lambda f: "beats" if f["relation"] == "above" else "trails",
}
"""For a rule whose wording depends on its fields, the words that tell its wordings apart in its label."""


def label(record: Said) -> str:
    """A rule's label, the same in every table of the book and derived from the rule's key alone (without its
    ``-rule``), followed, for a rule whose wording depends on its fields (:data:`_VARIANTS`), by the words that tell
    its wordings apart: ``above``, ``number: rounded``, ``null: pervasive``."""
    variant = _VARIANTS.get(record.key)
    extra = variant(dict(record.fields)) if variant else ""
    base = record.key.removesuffix("-rule").replace("-", " ")
    return f"{base}: {extra}" if extra else base


def referred(record: Said) -> list[Said]:
    """A rule and the rules its wording refers to by their labels (the null that two contamination rules read)."""
    return [record, *(v for _, v in record.fields if isinstance(v, Said) and v.key.endswith("-rule"))]


def in_words(audited: pd.DataFrame) -> pd.DataFrame:
    """An audit (:func:`herd.analyses.claims.audit`) with its ``evidence`` and ``rule`` written in words."""
    return audited.assign(evidence=[words(s) for s in audited["evidence"]], rule=[words(s) for s in audited["rule"]])


def _head(f: dict) -> str:
    return f"{f['row']}: {f['a']} vs {f['b']}"


def _then(f: dict) -> str:
    return words(f["then"])


def _whole(v: float, year: bool) -> str:
    """A count or a year as the audit writes it (a year without a thousands separator)."""
    return f"{v:g}" if year else f"{v:,g}"


# ---------------------------------------------------------------- rules


def rules_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Every rule that audited claims (``frame``) apply, and every rule those refer to, once each by its label
    (:func:`label`), in the order of the labels: the one list of rules the chapter's
    tables of claims name by label. ``claims`` counts the claims that apply it. :class:`ValueError` if one label
    would stand for two wordings."""
    texts: dict[str, str] = {}
    used: dict[str, int] = {}
    for rule in frame["rule"]:
        for record in referred(rule):
            name, text = label(record), words(record)
            if texts.setdefault(name, text) != text:
                raise ValueError(f"the rule label {name!r} stands for two wordings: {texts[name]!r} and {text!r}")
            used.setdefault(name, 0)
        used[label(rule)] += 1
    names = sorted(texts)
    return pd.DataFrame({"rule": names, "what it says": [texts[n] for n in names], "claims": [used[n] for n in names]})


def rules_legend(frame: pd.DataFrame) -> str:
    """The labels of the rules a table of claims (``frame``) applies, each once, in the order of the labels, for the
    line under the table that points to :func:`rules_table`: ``above, leader, score``."""
    return ", ".join(sorted({label(r) for r in frame["rule"]}))


def rule_link(record) -> str:
    """A rule's label as a table of claims shows it: a link to the section that states every rule once
    (:data:`RULES_ANCHOR`), which lands on the rule's own row where the page's scripts run (``herd-row-link``)."""
    return markup.link(label(record), f"#{RULES_ANCHOR}", **{"class": "herd-row-link"})


_RULES = {
    "score-rule": "a stated score is correct when it equals the printed cell to one decimal",
    "printed-rule": "both scores must be printed",
    "above-rule": (
        "'A above B' is correct when the book's test resolves A ahead, right order but not resolved when A prints "
        "higher but the gap is not resolved, a wrong order when B is resolved ahead, and a wrong order, not resolved, "
        "when B prints higher or the two print the same but the gap is not resolved"
    ),
    "top-rule": (
        "'A has the top score' is right when no printed score of the row is higher; correct when A's lead is resolved"
    ),
    "leader-rule": "the row's top printed score must belong to a model the post mentions",
    "most-rule": (
        "'A above most models' holds when A prints above more than half of the other models printed on the row: "
        "correct when more than half of those gaps are resolved, right order but not resolved when the printed order "
        "holds for more than half but fewer are resolved; a cell obtained in another setting cannot count for it"
    ),
    "naming-rule": "a method or model must be named as the source names it",
    "at-least-rule": "holds when the source gives at least the stated number",
    "quantity-rule": "a number must be attributed to the quantity the source gives it",
    "unit-rule": "the stated unit must be the source's",
    "all-rule": (
        "a statement about all of them holds when the source says it of all, is overstated when it says it of only "
        "some, and is contradicted when it says it of none or the opposite of any (the most serious verdict of its "
        "parts)"
    ),
    "blank-rule": "the post's reason for a blank row must be the paper's",
    "omitted-rule": "the paper must leave rows blank for the reasons the post gives",
    "measured-rule": "needs words per token measured on real text",
    "no-source-rule": "no source in the book settles it",
    "row-of-claim": "",
}


_FOUND = {
    "no-column": "{model} has no column in {table}",
    "no-score": "{row}: no printed score for {model}",
    "top-is-another": "{row}: the top printed score is {leader}'s {best:.1f}, not {mine:.1f}; {then}",
    "shared-top": "shared first place; {then}",
    "runner-up": "runner-up {runner}; {then}",
    "nothing-printed": "no row prints both models",
    "leader-left-out": (
        "{row}: the post presents {subject} as leading but leaves out {leader}, which prints the top score; {then}"
    ),
    "reason": "{text}",
    "noted": "{then}. {note}",
    "says-so": "the source says so: {printed}",
    "says-otherwise": "the source says otherwise: {printed}",
    "does-not-say": "the source does not say so; what it says is: {printed}",
    "other-unit": "{then}; the post counts {unit}, the source counts {source_unit}",
    "blank": "the row is blank: {reason}",
    "needs-null": "judged only with the contamination chapter's result on which gains exceed chance",
    "needs-measurement": "pass the long-context chapter's measurement as `capacity`",
    "note": "{text}",
}
"""What a check found, for the records written by filling one line (``str.format``) with their fields."""


def _template(text: str) -> Callable[[dict], str]:
    """The writer of a record that fills ``text`` with its fields, each record among them written first."""
    return lambda f: text.format(**{k: words(v) if isinstance(v, Said) else v for k, v in f.items()})


def _like_for_like(f: dict) -> str:
    return compare.LIKE_FOR_LIKE


def _on_par_rule(f: dict) -> str:
    margin = f["margin"]
    if not f["testable"]:
        return "'on a par' claims equivalence, which needs a test"
    return (
        f"'on a par' claims equivalence: it holds when the gap's {formats.confidence(2 * f['eq_level'])} "
        f"interval of two one-sided tests (TOST) lies within ±{margin:g} points, and is contradicted when a "
        f"one-sided test shows the gap beyond +{margin:g} or below −{margin:g}, each at half the level "
        f"({f['level'] / 2:g})"
    )


def _category_rule(f: dict) -> str:
    return "a claim over several rows takes the most serious verdict of its rows" + (
        "; a claim of a clear lead needs every gap resolved, and is overstated when only some are (or none)"
        if f["clear"]
        else ""
    )


def _some_rows_rule(f: dict) -> str:
    return (
        f"'A {'beats' if f['relation'] == 'above' else 'trails'} each of X in some areas' holds for a rival when one "
        "row of the table prints the stated order; correct when that gap is resolved, right order but not resolved "
        "when the order is printed but no such gap is resolved. The claim rests on whichever row best supports it, so "
        "each rival's rows are corrected together: each at α/k, k the rows printed for both that can be tested "
        "(Bonferroni over them, a union–intersection test). A claim about several rivals takes the most "
        "serious verdict of its rivals"
    )


def _parity_rule(f: dict) -> str:
    margin, alpha = f["margin"], f["alpha"]
    return (
        f"'at least on a par' claims non-inferiority on every row at once: it is wrong if on some row a deficit "
        f"beyond {margin:g} points is shown, by the one-sided test of a gap below −{margin:g} at α/k (k the tested "
        f"rows: one row is enough to refute it, so, as for a claim that any row shows, each is corrected over all it "
        f"could be; the evidence gives the level), and it "
        f"is correct only if every row printed for both can be tested and on each the gap's one-sided "
        f"{formats.confidence(alpha)} lower bound lies above −{margin:g} points (each row at α = {alpha:g}: a claim "
        f"on every row needs no correction); a row that cannot be tested leaves it not resolved at best (shown on "
        f"every testable row only), and so does a row that does neither"
    )


def _statement_rule(f: dict) -> str:
    return (
        "a statement of what the source reports is judged against the source: correct when it says so, contradicted "
        "when it says otherwise" + (", not supported when it says nothing about it" if f["silent"] else "")
    )


def _number_rule(f: dict) -> str:
    return "a stated number is correct when it equals the source" + (
        ", within the rounding the claim allows for (its evidence gives how much)" if f["rounded"] else ""
    )


_NULL = (
    "the contamination chapter's null (the models' answers correlated through shared item difficulty): a gain "
    "counts when, against the chance gains of choosing a threshold per benchmark, its p-value is below the "
    "level Holm's correction over the reported rows gives it, in every simulation seed"
)

_RANGE = (
    "at every item correlation of the published range, and whichever way a gain the Monte Carlo error leaves "
    "undetermined counts (where the verdict differs across them, the claim is not checkable: the item correlation "
    "would settle it)"
)


def _null_rule(f: dict) -> str:
    if f["relation"] is None:
        return _NULL
    null = f"by the null (rule '{label(f['null'])}')"
    if f["relation"] == "pervasive":
        share = "half" if f["share"] == 0.5 else formats.share(f["share"])
        return (
            f"'pervasive' holds when more than {share} of the reported gains exceed chance (the claim's reading: most "
            f"of the benchmarks), {null}, {_RANGE}; fewer does not refute it (a gain not resolved is not shown "
            "absent), so it is then judged against the paper's own summary of its analysis: where the paper says "
            "contamination matters for some benchmarks and not for others, 'pervasive' overstates it"
        )
    return (
        f"'no memorisation' is neither shown nor refuted {null}: a gain beyond chance is a correlation, not "
        "memorisation (the contaminated items may be easier), and a gain within chance is not shown absent; the paper "
        "does not say its measures ruled memorisation out, so the claim is not supported"
    )


def _words_rule(f: dict) -> str:
    return (
        f"words (or pages) in the {f['context']:,.0f}-token window are judged against narrative English prose: "
        f"correct within {f['tolerance']:.0%} of its median"
    )


# ---------------------------------------------------------------- what the checks found


def _score(f: dict) -> str:
    stated, printed = f["stated"], f["printed"]
    if f.get("footnote") is not None:
        return f"stated {stated:.1f}, printed {printed:.1f}; the table footnotes it: {f['footnote']}"
    text = f"stated {stated:.1f}, printed {'a dash' if pd.isna(printed) else f'{printed:.1f}'}"
    if f.get("owners"):
        text += f"; {stated:.1f} is the score of " + ", ".join(f["owners"])
    return text


def _gap(f: dict) -> str:
    text = f"gap {formats.gap(f['gap'])} points"
    if f["testable"]:
        return text + (
            f", {formats.confidence(f['level'])} interval {formats.interval(f['low'], f['high'])} "
            f"over the scores the printing allows, difference: {f['difference']}"
            + (" (resolved only at the printed scores)" if f["rounding_flip"] else "")
            + (
                "; rounding the mean's count to whole items decides it: another whole count the printing allows "
                "reaches the other decision"
                if f["count_rounding"]
                else ""
            )
            + (f"; equivalent within ±{f['margin']:g} (TOST)" if f["equivalent"] else "")
        )
    if f["reason"]:
        return text + f", no test ({f['reason']})"
    return text


def _tost(f: dict) -> str:
    if f.get("tost") is None:
        return ""
    margin = f["margin"]
    low, high = f["tost"]
    return f"; TOST interval {formats.interval(low, high, edges=(-margin, margin))} (margin ±{margin:g})"


def _not_printed(f: dict) -> str:
    return f"{_head(f)}: a score is not printed"


def _pair(f: dict) -> str:
    text = f"{_head(f)}: {words(f['gap'])}"
    if "reason" in f:
        return f"{text}; {f['reason']}"
    return text + _tost(f)


def _beyond_margin(f: dict) -> str:
    return f"{_head(f)}: the gap is resolved beyond the margin; {words(f['gap'])}"


def _parity_not_resolved(f: dict) -> str:
    return (
        f"{_head(f)}: the data can neither show the two within ±{f['margin']:g} points nor apart by more; "
        f"{words(f['gap'])}{_tost(f)}"
    )


def _not_above(f: dict) -> str:
    said = "the two print the same score" if f["tie"] else "the printed order is the reverse"
    return f"{_head(f)}: {said}{', and resolved' if f['resolved'] else ''}; {words(f['gap'])}"


def _tally(f: dict) -> str:
    return (
        f"{formats.noun(f['comparisons'], 'comparison')} on {formats.noun(f['rows'], 'row')}: "
        + ", ".join(f"{n} {v}" for v, n in f["tally"])
        + (f"; {f['skipped']} not printed" if f["skipped"] else "")
    )


def _leader_named(f: dict) -> str:
    return (
        f"{f['row']}: the top printed score, {f['leader']}'s {f['score']:.1f}, is among those the post gives; it "
        f"leaves out {formats.noun(f['omitted'], 'other printed model')}, none higher"
    )


def _most(f: dict) -> str:
    above = f["above"]
    return (
        f"{f['row']}: {f['model']} against the {f['others']} other models printed: resolved ahead of {f['resolved']}, "
        f"printed above but not resolved against {f['not_resolved']}, compared with a cell from another setting "
        f"{formats.noun(f['unlike'], 'time')}, not above {len(above)}" + (f" ({', '.join(above)})" if above else "")
    )


def _some_rows(f: dict) -> str:
    shown, resolved, tested = f["shown"], f["resolved"], f["tested"]
    corrected = (
        f"; corrected over the {formats.noun(tested, 'row')} with a test, each at α/{tested} = "
        f"{formats.significant(f['level'], 2)}"
        if tested
        else ""
    )
    if f["best"] is not None:
        corrected += f", the smallest p-value in that order, {formats.p_text(f['p'])} on {f['best']}, " + (
            "passes" if f["passes"] else "does not pass"
        )
    return (
        f"{f['rival']} prints {'below' if f['relation'] == 'above' else 'above'} {f['subject']} on "
        f"{len(shown)} of {f['rows']} rows"
        + (f" ({', '.join(shown)})" if shown else "")
        + f", resolved on {len(resolved)}"
        + (f" ({', '.join(resolved)})" if resolved else "")
        + corrected
    )


def _each(f: dict) -> str:
    return "; ".join(words(part) for part in f["parts"])


def _parity(f: dict) -> str:
    margin = f["margin"]
    text = "; ".join(
        f"against {rival}, row by row ({f['correction']} over the rows): "
        + ", ".join(f"{n} {v}" for v, n in tally if n)
        for rival, tally in f["tallies"]
    )
    text += (
        f"; at least on a par (one-sided lower bound above −{margin:g}) on {f['shown']} of the "
        f"{formats.noun(f['tested'], 'tested row')}, not shown on {f['short']}"
    )
    if f["never"]:
        text += (
            f" (on {formats.listing(f['never'])}, no score could show it at the test set's size, so the claim could "
            "not have been shown correct whatever the model scored)"
        )
    if f["untested"]:
        text += (
            f"; {formats.noun(len(f['untested']), 'row')} printed for both cannot be tested "
            f"({formats.listing(f['untested'])}), which leaves the claim not resolved at best"
        )
    text += (
        f"; a deficit beyond the margin is tested on each row at α/{f['k']} = "
        f"{formats.significant(f['refute_level'], 2)}"
    )
    return text


def _parity_row(f: dict) -> str:
    text = f"gap {formats.gap(f['gap'])} ({f['difference']}; one-sided lower bound {formats.gap(f['bound'])})"
    if f["out_of_reach"] is not None:
        n, best = f["out_of_reach"]
        text += f"; no result on its {formats.count(n)} items could show it: even 100 % would leave {formats.gap(best)}"
    return text


def _named_as(f: dict) -> str:
    return f"the source says so, naming it: {f['printed']}" + (f" ({f['note']})" if f["note"] is not None else "")


def _at_least(f: dict) -> str:
    return f"stated at least {_whole(f['stated'], f['year'])}; source {_whole(f['actual'], f['year'])}"


def _of_all(f: dict) -> str:
    year = f["year"]
    text = f"the post says it of all {_whole(f['total'], year)}; the source says it of {_whole(f['actual'], year)} "
    text += f"({f['printed']})"
    if f["opposite"] is not None:
        n, printed = f["opposite"]
        text += f" and the opposite of {_whole(n, year)} ({printed})"
    return text


def _number(f: dict) -> str:
    year = f["year"]
    text = f"stated {_whole(f['stated'], year)}; source: {f['printed']} ({_whole(f['actual'], year)} {f['unit']})"
    if f.get("tolerance"):
        text += f"; the claim allows ±{formats.share(f['tolerance'])} for its rounding"
    return text + (", and it is within that" if f.get("rounded") else "")


def _other_quantity(f: dict) -> str:
    return f"{_then(f)}; the post calls it the {f['called']}, the source's number is the {f['quantity']}" + (
        f", and the post counts {f['unit']} where the source counts {f['source_unit']}" if f["unit"] else ""
    )


def _estimate(f: dict) -> str:
    return (
        f"the paper prints an estimate: {f['contaminated']:g} % contaminated, gain {formats.gap(f['gain'])} points "
        "for the 405B"
    )


def _blanks(f: dict) -> str:
    return (
        f"{f['blank']} of {f['rows']} rows {agree('{is}', f['blank'])} blank; {f['for_reasons']} for the reasons the "
        "text gives (too few clean or contaminated examples, or an erratic estimate)"
    )


def _beyond_chance(f: dict) -> str:
    least, most = f["least"], f["most"]
    text = (
        f"{least if least == most else f'{least}–{most}'} of the {f['reported']} reported 405B gains exceed what "
        f"choosing a threshold finds by chance across item correlations {formats.exact(f['low'])}–"
        f"{formats.exact(f['high'])}"
    )
    if len(f["verdicts"]) > 1:
        *some, last = f["verdicts"]
        text += ": the claim is " + formats.listing([f"{v} at some" for v in some] + [f"{last} at others"])
    if f.get("memorisation"):
        text += (
            ": a count of gains beyond chance, which bears on contamination's effect, not on memorisation; the paper "
            "(§5.1.4) reports a large impact on some benchmarks and does not say its measures ruled memorisation out"
        )
    if f.get("varies"):
        text += "; the paper (§5.1.4) says contamination has a large impact for some datasets and not for others"
    return text


def _words(f: dict) -> str:
    low, high = f["technical"]
    text = (
        f"stated {f['stated']:,.0f} {f['unit']}; narrative prose: median {f['median']:,.0f} "
        f"({', '.join(f'{n} {v:,.0f}' for n, v in f['narrative'])}); technical prose: {low:,.0f}–{high:,.0f}"
    )
    return text + (": only the most word-dense texts reach it" if f.get("densest_only") else "")


_WRITERS: dict[str, Callable[[dict], str]] = {
    **{key: _template(text) for key, text in {**_RULES, **_FOUND}.items()},
    "like-for-like": _like_for_like,
    "on-par-rule": _on_par_rule,
    "category-rule": _category_rule,
    "some-rows-rule": _some_rows_rule,
    "parity-rule": _parity_rule,
    "statement-rule": _statement_rule,
    "number-rule": _number_rule,
    "null-rule": _null_rule,
    "words-rule": _words_rule,
    "score": _score,
    "gap": _gap,
    "not-printed": _not_printed,
    "pair": _pair,
    "beyond-margin": _beyond_margin,
    "parity-not-resolved": _parity_not_resolved,
    "not-above": _not_above,
    "tally": _tally,
    "leader-named": _leader_named,
    "most": _most,
    "some-rows": _some_rows,
    "each": _each,
    "parity": _parity,
    "parity-row": _parity_row,
    "named-as": _named_as,
    "at-least": _at_least,
    "of-all": _of_all,
    "number": _number,
    "other-quantity": _other_quantity,
    "estimate": _estimate,
    "blanks": _blanks,
    "words": _words,
    "beyond-chance": _beyond_chance,
}
"""The writer of each record's ``key``."""
