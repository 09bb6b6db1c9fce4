"""The claims chapter's sentences and tables, from the audit's records (:mod:`herd.analyses.claims`): what the
audit comes to, what became of the post's rankings, the bottom line against GPT-4 in words and as a table, the
tables of claims and of verdicts with their definitions, the post's title and paragraphs, and what the audit cannot
cover (presentation: it reads the records, it computes nothing new).
"""

from __future__ import annotations

import html

import pandas as pd

from herd.analyses.claims import parity
from herd.analyses.claims.counting import (
    counts,
    in_group,
    omissions,
    parts_table,
    post_source,
    rankings_corrected,
    same_test,
    stated,
    summary,
    tallies,
)
from herd.analyses.claims.facts import PERVASIVE, WORDS_TOLERANCE
from herd.analyses.claims.verdicts import (
    CANNOT_TEST_CODES,
    COMPOSITE_KINDS,
    DEFINITIONS,
    OMISSION_KINDS,
    RANKING_KINDS,
    REVERSED_CODES,
    SEVERITY,
    SUMMARY_GROUPS,
    UNTESTABLE,
)
from herd.base import formats, markup
from herd.method import compare, rowwise, stats
from herd.record import coverage, data
from herd.record.coverage import agree, counted

from . import compare_text
from .claims_words import rule_link, words


def rows_described(table: pd.DataFrame) -> str:
    """What the rows of ``claims.csv`` are, counted by kind: the post's atomic claims and the audit's own omission
    checks (:data:`herd.analyses.claims.verdicts.OMISSION_KINDS`), as the data chapter's list of tables writes it."""
    checks = int(table["kind"].isin(OMISSION_KINDS).sum())
    stated_claims = len(table) - checks
    return (
        f"{formats.count(stated_claims)} atomic {'claim' if stated_claims == 1 else 'claims'} of the post, "
        f"paraphrased, and {formats.count(checks)} omission {'check' if checks == 1 else 'checks'} of the audit's own "
        f"(kind {formats.listing(OMISSION_KINDS)}); verdicts are computed by herd.analyses.claims, never stored"
    )


CANNOT_TEST = {
    "unlike-settings": "{compares|compare} cells obtained in different settings",
    "not-printed": "{names|name} a model with no printed score on the row",
    UNTESTABLE: "{is|are} on {a row|rows} without a test",
}
"""Why a ranking cannot be tested, by its reason code (:data:`herd.analyses.claims.verdicts.CANNOT_TEST_CODES`), after
its count."""


def _untested_rows(rankings: pd.DataFrame) -> str:
    """The rows of rankings coded :data:`herd.analyses.claims.verdicts.UNTESTABLE`, named once each."""
    return formats.listing(pd.unique(rankings.loc[rankings["code"] == UNTESTABLE, "benchmark_row"].dropna()))


def cannot_test_phrase(rankings: pd.DataFrame) -> str:
    """Why the rankings that cannot be tested cannot be, counted by reason code (:data:`CANNOT_TEST`), the rows without
    a test named: "3 compare cells obtained in different settings and 3 are on a row without a test
    (NIH/Multi-needle)"."""
    said = []
    for code, text in CANNOT_TEST.items():
        n = int((rankings["code"] == code).sum())
        if n:
            said.append(counted(n, text) + (f" ({_untested_rows(rankings)})" if code == UNTESTABLE else ""))
    return formats.listing(said)


def meaning_sentence(audited: pd.DataFrame) -> str:
    """What the audit comes to, counted: the post's single numbers (scores and facts) against its rankings,
    how many of each the sources bear out, how many rankings the published test sets resolve either way, how many
    they leave not resolved, and, apart, how many cannot be tested (by reason code, not counted as not resolved)."""
    numbers = audited[audited["kind"].isin(["score", "fact"])]
    n_right = int((numbers["verdict"] == "correct").sum())
    r = audited[audited["kind"].isin(RANKING_KINDS)]
    n_stated = int((r["verdict"] == "correct").sum())
    n_other_way = int((r["verdict"] == "wrong order").sum())
    cannot = r[r["code"].isin(CANNOT_TEST_CODES)]
    n_open = len(r) - n_stated - n_other_way - len(cannot)
    return (
        f"Of the post's {formats.noun(len(numbers), 'single number', 'single numbers')} (scores and facts), "
        f"{counted(n_right, '{matches|match} {its} source')} "
        f"({formats.share(n_right / len(numbers)) if len(numbers) else '—'}). Of its "
        f"{formats.noun(len(r), 'ranking', 'rankings')}, the published test sets resolve "
        f"{n_stated + n_other_way}: {n_stated} in the direction the post states and {n_other_way} the other way; "
        f"{counted(n_open, '{is} not resolved')}, whatever {agree('{its|their} printed order', n_open)}; and "
        f"{len(cannot)} cannot be tested" + (f": {cannot_test_phrase(cannot)}." if len(cannot) else ".")
    )


def rankings_sentence(audited: pd.DataFrame) -> str:
    """What became of the post's rankings (one model above another, or on top), every one accounted for, on a
    symmetric scale: resolved in the stated direction, right but not resolved, wrong but not resolved (the
    printed order is the reverse, or the scores are equal), without any test (a row whose metric or N has none:
    counted apart, never as not resolved), wrong and resolved the other way, and each other verdict."""
    r = audited[audited["kind"].isin(RANKING_KINDS)]
    untested = r[r["code"] == UNTESTABLE]
    tested = r[r["code"] != UNTESTABLE]
    v = tested["verdict"].value_counts()
    noise = tested[tested["verdict"] == "wrong order, not resolved"]
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
    if len(untested):
        n_right = int((untested["verdict"] == "right order, not resolved").sum())
        orders = [counted(n_right, "right in {its} printed order")] if n_right else []
        orders += [counted(len(untested) - n_right, "wrong")] if len(untested) > n_right else []
        parts.append(
            counted(len(untested), "{has|have} no test at all")
            + f" (on {_untested_rows(untested)}: {' and '.join(orders)})"
        )
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
    others = tested.loc[~tested["verdict"].isin(named), "verdict"].value_counts()
    said = {"parity not resolved": "{is} {a claim|claims} of parity the data neither show nor refute"}
    parts += [counted(int(n), said.get(verdict, "{is} " + verdict)) for verdict, n in others.items()]
    return f"Of its {len(r)} rankings, " + "; ".join(parts[:-1]) + "; and " + parts[-1] + "."


def corrected_sentence(audited: pd.DataFrame, rules: compare.Rules = compare.Rules()) -> str:
    """:func:`herd.analyses.claims.counting.rankings_corrected` in one sentence: how many of the resolved rankings a
    correction over all of the post's testable rankings would leave resolved."""
    c = rankings_corrected(audited, rules)
    name = stats.CORRECTION_NAMES[rules.correction]
    return (
        f"Each ranking is its own claim, tested at α = {rules.alpha:g}; "
        f"were the post's {c['n_family']} testable rankings of one model above another (or on top) corrected "
        f"together as one family ({name}), {c['n_stay']} of the {c['n_resolved']} resolved would stay resolved: "
        f"{c['n_stated_stay']} of the {c['n_stated']} in the direction the post states and {c['n_other_way_stay']} "
        f"of the {c['n_other_way']} the other way."
    )


def family_counts(audited: pd.DataFrame, rules: compare.Rules = compare.Rules()) -> dict[str, int]:
    """The answer's counts of correct and wrong claims (summary groups) as they stand, each claim tested alone, and
    as they would be were the post's testable rankings corrected together as one family
    (:func:`herd.analyses.claims.counting.rankings_corrected`): a ranking no longer resolved moves from *correct* to
    *right order, not resolved*, or from *wrong order* to *wrong order, not resolved*.

    Returns
    -------
    dict
        ``n_family``, ``n_correct`` and ``n_wrong`` (as they stand), ``n_correct_family`` and ``n_wrong_family``.
    """
    c = rankings_corrected(audited, rules)
    s = summary(stated(audited))
    return {
        "n_family": c["n_family"],
        "n_correct": int(s["correct"]),
        "n_wrong": int(s["wrong"]),
        "n_correct_family": int(s["correct"]) - (c["n_stated"] - c["n_stated_stay"]),
        "n_wrong_family": int(s["wrong"]) - (c["n_other_way"] - c["n_other_way_stay"]),
    }


def family_sentence(audited: pd.DataFrame, rules: compare.Rules = compare.Rules(), short: bool = False) -> str:
    """What the answer's counts rest on: each claim is tested alone, at α; and what one family over all of the post's
    testable rankings (:func:`family_counts`, ``rules``' correction) would make of its correct and wrong claims.
    ``short``: the second half alone, in few words, as the home page quotes it after the counts. Without a
    correction, only the first half."""
    f = family_counts(audited, rules)
    if rules.correction == "none":
        return f"These counts test each claim alone, at α = {rules.alpha:g}."
    family = (
        f"corrected as one family over the post's {f['n_family']} testable rankings "
        f"({stats.CORRECTION_NAMES[rules.correction]}), {f['n_correct_family']} would be correct and "
        f"{f['n_wrong_family']} wrong on resolved evidence"
    )
    if short:
        return (
            f"Corrected as one family ({stats.CORRECTION_NAMES[rules.correction]}, {f['n_family']} rankings), "
            f"{f['n_correct_family']} would be correct, {f['n_wrong_family']} wrong."
        )
    return (
        f"These counts test each claim alone, at α = {rules.alpha:g}; {family}, not {f['n_correct']} and "
        f"{f['n_wrong']}."
    )


def bottom_line_table(seen: pd.DataFrame, margin: float, each: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows behind a "at least on a par" claim (rows of :func:`herd.method.compare.orient`, judged as a claim on
    every row) as the chapter shows them, the claim's own columns first: the gap; whether the row shows the subject
    at least on a par (the one-sided lower bound of non-inferiority above ``-margin``) and whether a row of its N
    could show it at all (:func:`herd.method.rowwise.noninferiority_reach`: it shows it, would with a larger lead, or
    could not whatever the subject scored); that bound with its level and the bound a tie would get at these
    scores; whether the row is also shown equivalent within ±``margin`` (TOST, at the same level: the gaps the
    home page's chart counts as ``≈``); then the difference, another question, with its interval and level.

    ``each``: the same rows judged as the question "on which rows does it differ" (corrected over the rows,
    :data:`herd.method.compare.EACH`); the difference and its interval are then that question's."""
    tested = seen["difference"] != "no test"
    diff = seen if each is None else each.set_index("row_label").loc[seen["row_label"]].reset_index()
    reach = rowwise.noninferiority_reach(seen, margin)
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
            "interval of the gap": compare_text.interval_text(diff).to_numpy(),
            "interval level": diff["level"].map(lambda v: "" if pd.isna(v) else formats.confidence(v)).to_numpy(),
            "why no test": seen["reason"],
        }
    )


def reach_sentence(seen: pd.DataFrame, other_name: str, margin: float) -> str:
    """The rows of a claim of non-inferiority (rows of :func:`herd.method.compare.orient`) that no score could carry at
    their N (:func:`herd.method.rowwise.noninferiority_reach`), in words, with the bound even a perfect score would
    leave: so that a row that is not resolved is not read as evidence against the claim. Empty when there are none."""
    reach = rowwise.noninferiority_reach(seen, margin)
    never = seen[reach["reach"] == rowwise.REACH["never"]]
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
    the two models tied at these scores (:func:`herd.method.rowwise.noninferiority_reach`'s ``tie_bound``), named: where
    such a row passes, a lead carries it. Empty when every tested row could show it at a tie."""
    reach = rowwise.noninferiority_reach(seen, margin)
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
    claim itself, judged on every row at once (``seen``, :func:`herd.method.rowwise.every_row`), comes to, and which
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
    every = rowwise.every_row(seen, seen["noninferior"])
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


CLAIM_FORMATS = {
    "claim (paraphrased)": str,
    "evidence and rule": str,
    "numbers used and source": str,
}  # columns of :func:`claim_table` holding HTML


def definitions_table(audited: pd.DataFrame) -> pd.DataFrame:
    """Every verdict with its definition, how many of the post's claims get it, and how many of the
    book's omission checks (:func:`herd.analyses.claims.counting.omissions`), which are never counted among the claims;
    in the order of :data:`herd.analyses.claims.verdicts.SEVERITY`, the most serious first, the order in which a
    composite claim takes the verdict of its parts."""
    if sorted(SEVERITY) != sorted(DEFINITIONS):
        raise ValueError("verdicts.SEVERITY must rank every verdict of verdicts.DEFINITIONS once")
    c, o = counts(stated(audited)), counts(omissions(audited))
    return pd.DataFrame(
        {
            "verdict": list(SEVERITY),
            "means": [DEFINITIONS[v] for v in SEVERITY],
            "claims": [int(c[v]) for v in SEVERITY],
            "omission checks": [int(o[v]) for v in SEVERITY],
        }
    )


LEAD = (
    ("n_correct", ("correct",), "{is} correct"),
    ("n_wrong", ("wrong",), "{is} wrong on resolved evidence"),
    ("n_misleading_total", ("misleading or overstated",), "{is} misleading or overstated"),
    (
        "n_not_resolved",
        ("right order, not resolved", "wrong order, not resolved", "parity not resolved"),
        "{is} not resolved by the data",
    ),
    ("n_others", ("imprecise", "not supported", "not checkable"), "{gets another verdict|get other verdicts}"),
)
"""The answer's opening sentence: the summary groups (:data:`herd.analyses.claims.verdicts.SUMMARY_GROUPS`) gathered
into five, each under the name its count is glued by and worded after it; together they hold every group once, so the
counts add up to the claims."""

ANSWER = {
    "right order, not resolved": "{is} right in {its} numbers but {rests|rest} on {a gap|gaps} the data do not resolve",
    "wrong order, not resolved": "{states|state} an order the printed scores reverse or tie",
    "parity not resolved": '{claims|claim} parity or "at least on a par", which the data can neither show nor refute',
    "imprecise": "{is} imprecise",
    "not supported": "{attributes|attribute} to the paper what it does not say",
    "not checkable": "cannot be checked from the sources",
}
"""How the chapter's answer words each summary group (:data:`herd.analyses.claims.verdicts.SUMMARY_GROUPS`) that the
opening sentence gathers with others (:data:`LEAD`), after its count."""

WRONG_MEANS = "a wrong number, an order the data resolve the other way, or something the source contradicts"
"""What the answer's "wrong on resolved evidence" holds (the summary group ``wrong``)."""


def lead_counts(audited: pd.DataFrame) -> dict[str, int]:
    """The post's claims (:func:`herd.analyses.claims.counting.stated`) counted in the answer's five groups
    (:data:`LEAD`), by the names they are glued under; :class:`ValueError` if those groups do not hold every summary
    group exactly once."""
    gathered = [group for _, groups, _ in LEAD for group in groups]
    if sorted(gathered) != sorted(SUMMARY_GROUPS):
        raise ValueError("claims_text.LEAD must gather every group of verdicts.SUMMARY_GROUPS exactly once")
    s = summary(audited)
    return {name: sum(int(s[group]) for group in groups) for name, groups, _ in LEAD}


def lead_sentence(audited: pd.DataFrame) -> str:
    """The answer's opening sentence: how many claims the post makes and how many fall in each group of :data:`LEAD`,
    each count with its verb in agreement ("Of the post's 162 claims, 108 are correct, 12 are wrong on resolved
    evidence, …")."""
    c = lead_counts(audited)
    said = [counted(c[name], text) for name, _, text in LEAD]
    return f"Of the post's {formats.noun(len(audited), 'claim')}, {', '.join(said[:-1])} and {said[-1]}."


def answer_sentence(audited: pd.DataFrame) -> str:
    """The answer's counts in detail, after its opening sentence (:func:`lead_sentence`): what "wrong" holds
    (:data:`WRONG_MEANS`), then the groups that sentence gathers broken down by summary group (:data:`ANSWER`), each
    count with its verb in agreement, and, for the claims of parity left open, how many of them rest on one test
    stated more than once (:func:`herd.analyses.claims.counting.same_test`)."""
    s = summary(audited)
    said = {group: counted(int(s[group]), text) for group, text in ANSWER.items()}
    repeats = same_test(in_group(audited, "parity not resolved"))
    if repeats:
        said["parity not resolved"] += (
            " ("
            + "; ".join(
                f"{len(ids)} of them, {formats.listing(ids)}, make one claim on the same rows and rest on one test, "
                f"which the tally counts {len(ids)} times"
                for ids in repeats
            )
            + ")"
        )
    parts = {name: formats.listing(said[group] for group in groups) for name, groups, _ in LEAD if len(groups) > 1}
    return (
        f"Wrong on resolved evidence means {WRONG_MEANS}. Of the claims not resolved, "
        f"{parts['n_not_resolved']}; of those with another verdict, {parts['n_others']}."
    )


def gap_text(gap: float, low: float, high: float) -> str:
    """A gap with its interval, as the tables of claims write it: ``+1.8 (-0.3 to +3.9)``."""
    return formats.gap(gap) + ("" if pd.isna(low) or pd.isna(gap) else f" ({formats.interval(low, high)})")


def claim_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Audited claims as the chapter shows them: id, verdict, the paraphrase with the post's paragraph it comes
    from, the evidence and the rule's label (HTML, escaped; the label links to the one list of rules,
    :func:`herd.presentation.claims_words.rules_table`), the gap with its interval, and the numbers used with their
    source (HTML); show it with ``formats=CLAIM_FORMATS``."""
    shown = frame.assign(
        gap=[gap_text(g, lo, hi) for g, lo, hi in zip(frame["gap"], frame["gap_low"], frame["gap_high"])],
        claim=[
            f"{html.escape(str(p))}<br><small>the post's paragraph {html.escape(str(n))}</small>"
            for p, n in zip(frame["paraphrase"], frame["paragraph"])
        ],
        why=[
            f"{html.escape(words(e))}<br><small><em>Rule:</em> {rule_link(r)}</small>"
            for e, r in zip(frame["evidence"], frame["rule"])
        ],
        source=[html.escape(" · ".join(x for x in (c, r) if x)) for c, r in zip(frame["cells"], frame["reference"])],
    )
    return shown[["claim_id", "verdict", "claim", "why", "gap", "source"]].rename(
        columns={
            "claim_id": "id",
            "claim": "claim (paraphrased)",
            "why": "evidence and rule",
            "gap": "gap (interval), points",
            "source": "numbers used and source",
        }
    )


def parts_record(audited: pd.DataFrame) -> pd.DataFrame:
    """:func:`herd.analyses.claims.counting.parts_table` of the composite claims
    (:data:`herd.analyses.claims.verdicts.COMPOSITE_KINDS`), with each gap written with its interval."""
    record = parts_table(audited[audited["kind"].isin(COMPOSITE_KINDS)])
    record["evidence"] = [words(s) for s in record["evidence"]]
    record["gap (interval)"] = [
        gap_text(g, lo, hi) for g, lo, hi in zip(record["gap"], record["gap_low"], record["gap_high"])
    ]
    return record


def post_title(package: data.DataPackage) -> str:
    """The audited post's title as Markdown: a link when its address is known, else in italics."""
    post = post_source(package)
    return markup.link(post["title"], post["url"]) if pd.notna(post["url"]) else f"*{post['title']}*"


def later_note(package: data.DataPackage) -> str:
    """What the audit cannot cover: models released after the post, and later models it does not name."""
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
        The audit (:func:`herd.analyses.claims.audit`), whose claim ``bl-par-gpt4`` is the bottom line.
    rules
        The level, correction and margin.

    Returns
    -------
    tuple
        The rows of :func:`herd.method.compare.orient` judged as the claim, the same rows judged row by row, and the
        sentence.
    """
    vs_gpt4, each = parity.bottom_line_rows(package, rules)
    sentence = bottom_line_sentence(
        audited, "bl-par-gpt4", vs_gpt4, "GPT-4 (0125)", rules.margin, each, rules.correction
    )
    return vs_gpt4, each, sentence


def paragraphs_sentence(paragraph_counts: dict[str, int]) -> str:
    """How many of the post's paragraphs yield claims, including those that state a number (from
    :func:`herd.analyses.claims.counting.paragraph_counts`), each count with its verb in agreement."""
    a, b, n = (paragraph_counts[k] for k in ("n_paragraphs_claims", "n_paragraphs", "n_paragraphs_numbers"))
    numbers = "the one that states a number" if n == 1 else f"all {n} that state a number"
    return f"{a} of the post's {formats.noun(b, 'paragraph')} {agree('{yields|yield}', a)} claims, including {numbers}"


def omitted_rows(audited: pd.DataFrame) -> str:
    """The benchmark rows whose top printed score the post leaves out (the omission checks of
    :func:`herd.analyses.claims.counting.omissions` that find it), named as the audit names them."""
    rows = audited.loc[audited["code"] == "omitted-leader", "benchmark_row"]
    return ", ".join(dict.fromkeys(str(r) for r in rows)) or "none"


def answer_values(audited: pd.DataFrame, rules: compare.Rules = compare.Rules()) -> dict[str, object]:
    """The values the chapter's answer and the home page quote, by the names the chapter glues them under: the post's
    claims and the omission checks counted, the claims per summary group and per group of the answer's opening
    sentence (:data:`LEAD`), the answer in words (that sentence, then its counts in detail) and what one family over
    the rankings would make of it (:func:`family_sentence`, whole and as the home page's clause)."""
    said = stated(audited)
    s = summary(said)
    groups = {
        "n_correct": "correct",
        "n_within_noise": "right order, not resolved",
        "n_wrong": "wrong",
        "n_wrong_noise": "wrong order, not resolved",
        "n_misleading_total": "misleading or overstated",
        "n_imprecise": "imprecise",
        "n_parity_open": "parity not resolved",
        "n_not_supported": "not supported",
        "n_unchecked": "not checkable",
    }
    return {
        "n_claims": len(said),
        "n_checks": len(omissions(audited)),
        **{name: int(s[group]) for name, group in groups.items()},
        **lead_counts(said),
        "answer": lead_sentence(said),
        "answer_detail": answer_sentence(said),
        "answer_family": family_sentence(said, rules),
        "family_note": family_sentence(said, rules, short=True),
    }


TALLIED: tuple[str, ...] = (
    "n_scores",
    "n_scores_right",
    "n_rankings",
    "n_rankings_resolved",
    "n_rankings_noise",
    "n_reversed",
)
TALLIED += ("n_equal", "n_unlike")
"""The counts of :func:`herd.analyses.claims.counting.tallies` the chapter writes about scores and rankings."""


def tally_values(audited: pd.DataFrame, rules: compare.Rules = compare.Rules()) -> dict[str, object]:
    """The counts of scores and rankings (:data:`TALLIED`) and what became of the rankings, one by one
    (:func:`rankings_sentence`) and as one family (:func:`corrected_sentence`)."""
    tally = tallies(audited)
    return {
        **{name: tally[name] for name in TALLIED},
        "rankings_sentence": rankings_sentence(audited),
        "rankings_corrected": corrected_sentence(audited, rules),
    }


def rules_values(alpha: float, margin: float) -> dict[str, str]:
    """The level and margin as the chapter's method writes them, the level of a one-sided bound and that of the
    interval of two one-sided tests (TOST, 1 − 2α)."""
    return {
        "margin_text": formats.exact(margin),
        "alpha_text": f"{alpha:g}",
        "bound_level": formats.confidence(alpha),
        "tost_level": formats.confidence(2 * alpha),
    }


def convention_values() -> dict[str, str]:
    """The audit's conventions as its method states them: how close a stated number of words or pages must come to
    the median of narrative prose (:data:`herd.analyses.claims.facts.WORDS_TOLERANCE`), and the share of the reported
    contamination gains that "pervasive" needs to exceed (:data:`herd.analyses.claims.facts.PERVASIVE`)."""
    return {"words_tolerance": formats.share(WORDS_TOLERANCE), "pervasive_share": formats.share(PERVASIVE)}


def untested_rows(seen: pd.DataFrame) -> str:
    """How many rows of a claim on every row (rows of :func:`herd.method.compare.orient`) cannot be tested, named:
    "1 row cannot be tested (NIH/Multi-needle)"."""
    rows = list(seen.loc[seen["difference"] == "no test", "row_label"])
    said = counted(len(rows), "{row cannot|rows cannot} be tested")
    return said + (f" ({formats.listing(rows)})" if rows else "")


def post_values(package: data.DataPackage) -> dict[str, str]:
    """The audited post's title (Markdown, :func:`post_title`) and date."""
    return {"post_title": post_title(package), "post_date": post_source(package)["date"].strftime("%d %B %Y")}


SELF_CONTRADICTION = ("quality-405b", "quality-405b-as-905")
"""The two claims one sentence of the post makes about the 405B's QuALITY score (its two readings)."""


def two_readings(package: data.DataPackage) -> dict[str, str]:
    """The two scores one sentence of the post gives the 405B on QuALITY (:data:`SELF_CONTRADICTION`), as stated."""
    stated = package.claims.set_index("claim_id")["stated_value"]
    first, second = SELF_CONTRADICTION
    return {"quality_first": formats.number(stated[first], 1), "quality_second": formats.number(stated[second], 1)}
