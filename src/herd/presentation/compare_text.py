"""The book's comparisons as its chapters write them: the tables of verdicts and intervals, the captions' phrases,
the sentences that answer a pair's question and account for every printed lead, the counts the benchmarks chapter
glues about resolution, and the JSON record of the comparisons a chapter shows (presentation: it reads the judged
rows of :mod:`herd.method.compare` and :mod:`herd.method.rowwise`, it computes nothing new).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from herd.base import formats
from herd.method import families, stats
from herd.method.compare import EVERY, SOME, Rules, family_size, gap_in_items, question_correction
from herd.method.rowwise import AS_GOOD, AT_LEAST, RowClaim, equivalence_reachable

LEVEL_NOTES = {
    "holm": "each at its own step of the Holm sequence: not simultaneous intervals",
    "bonferroni": "all at α/m: simultaneous intervals",
    "fdr_bh": "at the false-coverage-rate level of Benjamini and Yekutieli: not simultaneous intervals",
    "none": "each at α, with no correction: not simultaneous intervals",
}


def levels_note(correction: str) -> str:
    """What the levels of a family's intervals (:func:`herd.method.stats.comparison_levels`) make of them together, in a
    phrase for a caption: Holm's step-down levels, for one, are not simultaneous intervals (together they need not
    cover every true gap with probability 1 − α), Bonferroni's are."""
    if correction not in LEVEL_NOTES:
        raise ValueError(f"unknown correction {correction!r}; allowed: {', '.join(LEVEL_NOTES)}")
    return LEVEL_NOTES[correction]


def record(seen: pd.DataFrame, margin: float) -> str:
    """The comparisons a chapter shows, as JSON, for the test that walks every comparison the
    book makes (glued into the executed notebook, not displayed). ``seen`` comes from
    :func:`herd.method.compare.orient`."""
    import json

    rows = []
    for r in seen.itertuples(index=False):
        rows.append(
            {
                "source": r.source,
                "table": r.table,
                "row": r.row_label,
                "a": r.focus,
                "b": r.competitor,
                "kind": r.kind,
                "score_a": None if pd.isna(r.focus_score) else float(r.focus_score),
                "score_b": None if pd.isna(r.competitor_score) else float(r.competitor_score),
                "testable": bool(r.testable),
                "verdict": r.verdict,
                "difference": r.difference,
                "equivalence": r.equivalence,
                "noninferior": bool(r.noninferior),
                "rounding_flip": bool(r.rounding_flip),
                "eq_low": None if pd.isna(r.eq_low) else float(r.eq_low),
                "eq_high": None if pd.isna(r.eq_high) else float(r.eq_high),
                "margin": margin,
                "low": None if pd.isna(r.gap_low) else float(r.gap_low),
                "high": None if pd.isna(r.gap_high) else float(r.gap_high),
                "p_adjusted": None if pd.isna(r.p_adjusted) else float(r.p_adjusted),
                "level": None if pd.isna(r.level) else float(r.level),
                "question": r.family,
                "reason": r.reason,
            }
        )
    stored = [{k: formats.stored(v) for k, v in row.items()} for row in rows]
    return json.dumps(stored, sort_keys=True)


CLAIM_ANSWER = {"shown": "yes", "not resolved": "not resolved", "refuted": "no"}
""":class:`herd.method.rowwise.RowClaim`'s verdict as the answer to a yes/no question ("at least as good as?"): "no"
only when a row refutes it, never for want of evidence."""

SIDE_WORDS = {"below": "behind", "above": "ahead"}


def _refutation(claim: RowClaim, focus_name: str, margin: float) -> str:
    """The rows that refute a claim on every row, each with its one-sided test, and the level they pass."""
    rows = [
        (f"on {row} {focus_name} is shown more than {margin:g} points {SIDE_WORDS[side]}", formats.p_text(p))
        for row, side, p in claim.refuting
    ]
    tests = "a test on each side of each" if claim.k > claim.every.n_tested else "a test on each"
    level = (
        f"α/{claim.k} = {formats.significant(claim.level, 2)}: {tests} of the "
        f"{formats.noun(claim.every.n_tested, 'tested benchmark')}, any one of which can refute it"
    )
    if len(rows) == 1:
        return f"{rows[0][0]} (one-sided {rows[0][1]}, below {level})"
    return formats.listing([f"{text} (one-sided {p})" for text, p in rows]) + f", each below {level}"


def _claim_answer(claim: RowClaim, focus_name: str, margin: float, excluded: str) -> str:
    """A claim on every row (:func:`herd.method.rowwise.claim_on_every_row`) answered: yes; no, with the rows that
    refute it; or not resolved, with why (no row refutes it: ``excluded`` names what would; rows without a test)."""
    answer = CLAIM_ANSWER[claim.verdict]
    if claim.verdict == "refuted":
        return f"{answer}: {_refutation(claim, focus_name, margin)}"
    if claim.verdict == "shown":
        return answer
    untested = claim.every.untested
    if claim.every.n_passed == claim.every.n_tested and untested:
        return f"{answer} (shown on every testable benchmark, but {formats.listing(untested)} cannot be tested)"
    return f"{answer}: no benchmark shows {excluded}" + (
        f", and {formats.listing(untested)} cannot be tested" if untested else ""
    )


def describe_pair(
    seen: pd.DataFrame, focus_name: str, other_name: str, margin: float, claims: dict[str, RowClaim]
) -> str:
    """One paragraph answering "is ``focus`` as good as ``other``?" from the :func:`herd.method.compare.orient` rows of
    one pair judged as a claim on every row (:data:`herd.method.compare.EVERY`), in both readings judged by
    :func:`herd.method.rowwise.readings` (``claims``): "as good as" (equivalence within ±``margin``, TOST) and "at least
    as good as" (non-inferiority), each yes, no (a row refutes it, named with its test) or not resolved; then the
    differences the data resolve, the rows without a test and where equivalence could not be shown at these scores
    whatever the gap."""
    tested = seen[seen["difference"] != "no test"]
    untested = list(seen.loc[seen["difference"] == "no test", "row_label"])
    n = len(tested)
    if not n:
        return f"None of the {len(seen)} benchmarks the table prints for both can be tested."

    def rows(labels) -> str:
        return ", ".join(labels)

    eq = list(tested.loc[tested["equivalence"] == "equivalent", "row_label"])
    ni = list(tested.loc[tested["noninferior"].astype(bool), "row_label"])
    head = (
        f"As good as (equivalent within ±{margin:g} points on every benchmark): "
        + _claim_answer(claims[AS_GOOD], focus_name, margin, f"a gap beyond ±{margin:g} points")
        + "; equivalence is "
        + (f"shown on {len(eq)} of the {n} ({rows(eq)})" if eq else f"shown on none of the {n}")
        + f". At least as good as (not behind by {margin:g} points or more on every benchmark): "
        + _claim_answer(claims[AT_LEAST], focus_name, margin, f"{focus_name} more than {margin:g} points behind")
        + "; non-inferiority is "
        + (f"shown on {len(ni)} of the {n} ({rows(ni)})" if ni else f"shown on none of the {n}")
    )
    parts = []
    for label, name in (("behind", f"{other_name} is ahead"), ("ahead", f"{focus_name} is ahead")):
        hits = list(tested.loc[tested["difference"] == label, "row_label"])
        if hits:
            parts.append(f"{name} on {len(hits)} ({rows(hits)})")
    unresolved = list(tested.loc[tested["difference"] == "not resolved", "row_label"])
    if unresolved:
        parts.append(f"{len(unresolved)} {'gap is' if len(unresolved) == 1 else 'gaps are'} not resolved either way")
    tail = (". The differences: " + "; ".join(parts)) if parts else ""
    untested_text = f". {len(untested)} cannot be tested ({rows(untested)})" if untested else ""
    reach = equivalence_reachable(seen, margin).dropna()
    out_of_reach = list(seen.loc[reach.index[~reach.astype(bool)], "row_label"]) if len(reach) else []
    reach_text = (
        f". At these scores and test-set sizes, no gap could have been shown equivalent within ±{margin:g} points on "
        f"{len(out_of_reach)} of the {n} ({rows(out_of_reach)})"
        if out_of_reach
        else ""
    )
    return f"{head}{tail}{untested_text}{reach_text}."


FAMILY_WORDS = {
    families.ALONE: "with each comparison tested alone, at α with no correction,",
    families.PER_ROW: "corrected per benchmark row,",
    families.WHOLE: "corrected over the question's {n} comparisons ({where} rule),",
}


def family_sentence(table: pd.DataFrame, margin: float, equivalence: bool = True, where: str = "this page's") -> str:
    """How a question's verdicts move with its family (``table``: :func:`herd.method.families.sensitivity`, ending with
    the question's own family), in a sentence to follow "How much the family matters.": for each family, the gaps ahead
    and behind (and, with ``equivalence``, those shown equivalent within ±``margin``), and how many verdicts differ from
    the question's own (``where`` names whose: "this page's")."""
    records = table.to_dict("records")
    if not records or records[-1]["family"] != families.WHOLE:
        raise ValueError("the sensitivity table must end with the question's own family (families.WHOLE)")
    words = ["ahead", "behind"] + ([f"shown equivalent within ±{margin:g} points"] if equivalence else [])
    columns = ["ahead", "behind"] + ([f"equivalent within ±{margin:g}"] if equivalence else [])
    kinds = ["difference", "equivalence verdict"][: len(columns) - 1]
    differ_columns = [
        "differences changed",
        "equivalences changed",
    ][: len(kinds)]
    phrases = []
    for i, row in enumerate(records):
        n = formats.count(row["ahead"] + row["behind"] + row["not resolved"])
        lead = FAMILY_WORDS[row["family"]].format(n=n, where=where)
        if i == 0:
            counted = formats.listing(
                [f"{formats.noun(row[columns[0]], 'gap would be', 'gaps would be')} {words[0]}"]
                + [f"{formats.count(row[c])} {w}" for c, w in zip(columns[1:], words[1:])]
            )
            differ = formats.listing([formats.noun(row[c], k) for c, k in zip(differ_columns, kinds)])
            differ += f" other than {where}"
        else:
            counted = formats.listing([formats.count(row[c]) for c in columns])
            differ = " and ".join(formats.count(row[c]) for c in differ_columns)
        if not any(row[c] for c in differ_columns):
            differ = f"the same verdicts as {where}"
        phrases.append(f"{lead} {counted}" + ("" if row["family"] == families.WHOLE else f" ({differ})"))
    text = "; ".join(phrases) + "."
    return text[0].upper() + text[1:]


def equivalence_sentence(counts: dict[str, int], margin: float) -> str:
    """How many gaps of :func:`herd.method.compare.tally` are shown equivalent within ±``margin``, as a sentence of its
    own."""
    n = counts["n_equivalent"]
    return f"Apart from that, {formats.noun(n, 'gap is', 'gaps are')} shown to lie within ±{margin:g} points."


def pair_summary(seen: pd.DataFrame, margin: float, claims: dict[str, RowClaim]) -> str:
    """The answer of :func:`describe_pair` in one short sentence, as the home page quotes it: both readings
    (``claims``, from :func:`herd.method.rowwise.readings`), each yes, no with the rows that refute it, or not resolved,
    with the rows that show it of those tested, and how many rows cannot be tested (the p-values are the chapter's)."""
    n = int((seen["difference"] != "no test").sum())

    def said(claim: RowClaim, testable: str = "") -> str:
        refuted = f"refuted on {formats.listing([row for row, _, _ in claim.refuting])}; " if claim.refuting else ""
        return f"{CLAIM_ANSWER[claim.verdict]} ({refuted}shown on {claim.every.n_passed} of {n}{testable})"

    as_good, at_least = claims[AS_GOOD], claims[AT_LEAST]
    untested = len(at_least.every.untested)
    return f"Within ±{margin:g} points everywhere: {said(as_good, ' testable')}; at least as good: {said(at_least)}" + (
        f"; {formats.noun(untested, 'benchmark')} cannot be tested." if untested else "."
    )


def items_table(seen: pd.DataFrame, names, focus_label: str) -> pd.DataFrame:
    """The comparisons of :func:`herd.method.compare.versus_competitors` as a chapter shows them, with the gap in items.

    Parameters
    ----------
    seen
        Rows of :func:`herd.method.compare.orient`.
    names
        Model names by key (a mapping or a Series).
    focus_label
        The column header of the focus model's score.

    Returns
    -------
    pandas.DataFrame
        ``benchmark``, ``competitor`` (its name), ``verdict``, ``gap (points)``, ``interval``,
        ``p adjusted``, ``N``, ``gap in items``, the two scores, ``kind`` and ``why no test``.
    """
    out = pd.DataFrame(
        {
            "benchmark": seen["row_label"],
            "competitor": seen["competitor"].map(names),
            "verdict": seen["verdict"],
            focus_label: seen["focus_score"],
            "competitor score": seen["competitor_score"],
            "gap (points)": seen["gap"],
            "interval": interval_text(seen),
            "p adjusted": seen["p_adjusted"],
            "kind": seen["kind"],
            "N": seen["n"],
            "gap in items": gap_in_items(seen),
            "why no test": seen["reason"],
        }
    )
    return out[
        [
            "benchmark",
            "competitor",
            "verdict",
            "gap (points)",
            "interval",
            "p adjusted",
            "N",
            "gap in items",
            focus_label,
            "competitor score",
            "kind",
            "why no test",
        ]
    ]


def leads(shown: pd.DataFrame, seen: pd.DataFrame, row_label: str, few: int = 5) -> dict[str, object]:
    """The focus model's printed leads, and how many the data resolve.

    Parameters
    ----------
    shown
        The table of :func:`items_table`.
    seen
        The rows of :func:`herd.method.compare.orient` it was made from.
    row_label
        The benchmark row to describe lead by lead.
    few
        A lead of fewer items than this counts as resting on a few items.

    Returns
    -------
    dict
        ``n_wins`` (printed leads), ``n_wins_sig`` (of those, resolved *ahead*), ``n_wins_untested``,
        ``n_wins_small`` (fewer than ``few`` items), ``quality_examples`` (the largest lead on
        ``row_label`` in items, as the book writes it), ``quality_n`` (that row's N) and
        ``quality_lead`` (each competitor's lead on that row, or ``none``).
    """
    ahead = shown[shown["gap (points)"] > 0]
    row = ahead[ahead["benchmark"] == row_label]
    return {
        "quality_examples": formats.noun(row["gap in items"].max(), "example", decimals=1) if len(row) else "n/a",
        "n_wins": len(ahead),
        "n_wins_sig": int((ahead["verdict"] == "ahead").sum()),  # the difference resolved in its favour
        "n_wins_untested": int((ahead["verdict"] == "no test").sum()),
        "n_wins_small": int((ahead["gap in items"] < few).sum()),
        "quality_n": int(seen.loc[seen["row_label"] == row_label, "n"].dropna().iloc[0]),
        "quality_lead": "; ".join(f"{c}: {formats.gap(g)}" for c, g in zip(row["competitor"], row["gap in items"]))
        or "none",
    }


@dataclass(frozen=True)
class LeadGroups:
    """The printed leads of :func:`items_table` (its positive gaps) grouped as :func:`leads_breakdown` counts them:
    ``resolved`` (resolved *ahead*), ``untested`` (no test) with ``kinds`` (their kinds of score), ``open`` (not
    resolved), split into ``small`` (leads of fewer than a few items), ``counted`` (of a few or more) and ``uncounted``
    (one (count, metric names, N, number of benchmarks) per N, for scores that count no items), and ``others`` (any
    other verdict, with its count)."""

    resolved: int
    untested: int
    kinds: list[str]
    open: int
    small: int
    counted: int
    uncounted: list[tuple[int, list[str], float, int]]
    others: list[tuple[str, int]]


def lead_groups(shown: pd.DataFrame, seen: pd.DataFrame, metrics, few: int = 5) -> LeadGroups:
    """:class:`LeadGroups` of ``shown`` (:func:`items_table` of ``seen``); a lead of fewer than ``few`` items is
    small, and ``metrics`` maps benchmark keys to ``benchmarks.csv``'s ``metric``."""
    ahead = shown[shown["gap (points)"] > 0]
    untested = ahead[ahead["verdict"] == "no test"]
    open_ = ahead[ahead["verdict"] == "not resolved"]
    uncounted = [
        (
            len(group),
            sorted({str(metrics[k]).removesuffix(" (%)") for k in seen.loc[group.index, "benchmark"]}),
            n,
            int(seen.loc[group.index, "benchmark"].nunique()),
        )
        for n, group in open_[open_["gap in items"].isna()].groupby("N", sort=True, dropna=False)
    ]
    others = ahead[~ahead["verdict"].isin(["ahead", "no test", "not resolved"])]
    return LeadGroups(
        resolved=int((ahead["verdict"] == "ahead").sum()),
        untested=len(untested),
        kinds=sorted({str(k).replace("-", " ") for k in untested["kind"]}),
        open=len(open_),
        small=int((open_["gap in items"] < few).sum()),
        counted=int((open_["gap in items"].notna() & (open_["gap in items"] >= few)).sum()),
        uncounted=uncounted,
        others=[(str(verdict), len(group)) for verdict, group in others.groupby("verdict")],
    )


def leads_breakdown(shown: pd.DataFrame, seen: pd.DataFrame, metrics, few: int = 5, short: bool = False) -> str:
    """Every printed lead of the focus model (a positive gap of :func:`items_table`) accounted for by its
    verdict, as the chapter writes it after "Of the N comparisons where … is higher,": resolved *ahead*,
    not testable (with the kind of score), and not resolved, split into leads by fewer than ``few`` items (gap × N),
    by ``few`` or more, and leads in a score that counts no items (named by its metric from ``metrics``, a mapping of
    benchmark key to ``benchmarks.csv``'s ``metric``, and grouped by the N of its test set); any other verdict by its
    name. A lead's size in items and its test's size are never both written "on N items". The parts add
    up to every lead, whichever test a row gets. ``short``: the same parts in fewer words, as the home page
    writes them after "Of the N printed leads of the 405B," (plain text, no emphasis)."""

    def verb(n: int, singular: str, plural: str) -> str:
        return f"{formats.count(n)} {singular if n == 1 else plural}"

    g = lead_groups(shown, seen, metrics, few)
    parts = []
    if g.resolved:
        parts.append(
            verb(g.resolved, "is", "are")
            + (" resolved" if short else " resolved as *ahead* once this question's comparisons are corrected together")
        )
    if g.untested:
        kinds = formats.listing(g.kinds)
        parts.append(
            verb(g.untested, "cannot", "cannot")
            + (f" be tested ({kinds})" if short else f" be tested at all ({kinds})")
        )
    if g.open:
        split = []
        if g.small:
            split.append(
                (verb(g.small, "leads", "lead") + " by" if short else verb(g.small, "is a lead", "are leads") + " of")
                + f" fewer than {formats.count(few)} items"
            )
        if g.counted:
            split.append(
                (
                    verb(g.counted, "leads", "lead") + " by"
                    if short
                    else verb(g.counted, "is a lead", "are leads") + " of"
                )
                + f" {formats.count(few)} or more items"
            )
        for count, names, n, tests in g.uncounted:
            lead = "lead" if count == 1 else "leads"
            if short:
                size = (
                    f"{formats.count(n)}-item {'test' if tests == 1 else 'tests'}" if pd.notna(n) else "no published N"
                )
                split.append(f"{formats.count(count)} {' or '.join(names)} {lead} ({size})")
            else:
                size = (
                    f"on {'a test' if tests == 1 else 'tests'} of {formats.count(n)} items"
                    if pd.notna(n)
                    else "with no published N"
                )
                split.append(
                    verb(count, "is", "are")
                    + f" {'a lead' if count == 1 else 'leads'} in {' or '.join(names)} {size} (means of per-item "
                    "scores, not counts of items)"
                )
        parts.append(verb(g.open, "is", "are") + " not resolved: " + formats.listing(split))
    for verdict, count in g.others:
        parts.append(verb(count, "is", "are") + f" {verdict}")
    if not parts:
        return "none"
    if short:
        return "; ".join(parts)
    return "; ".join(parts[:-1]) + ("; and " if len(parts) > 1 else "") + parts[-1]


def size_label(package, model: str) -> str:
    """A model's size as a short column header, from ``parameters_billion``: ``405B``."""
    return f"{formats.count(package.models.set_index('key').loc[model, 'parameters_billion'])}B"


def interval_text(seen: pd.DataFrame) -> pd.Series:
    """Each gap's interval as the book writes it (``+0.3 to +4.1``), from ``gap_low`` and ``gap_high``."""
    return pd.Series(
        [formats.interval(lo, hi) for lo, hi in zip(seen["gap_low"], seen["gap_high"])], index=seen.index, dtype=object
    )


def verdict_table(seen: pd.DataFrame, names, margin: float) -> pd.DataFrame:
    """The verdicts of :func:`herd.method.compare.orient` rows per competitor, by name: the difference (ahead, behind,
    not resolved, no test), then, counted apart, the gaps shown equivalent within ±``margin`` and those resolved only at
    the printed scores."""
    rows = []
    for competitor, group in seen.groupby("competitor", sort=False):
        counts = group["difference"].value_counts()
        rows.append(
            {
                "competitor": names[competitor] if competitor in names else competitor,
                **{v: int(counts.get(v, 0)) for v in ("ahead", "behind", "not resolved", "no test")},
                f"equivalent within ±{margin:g}": int((group["equivalence"] == "equivalent").sum()),
                "resolved only at the printed scores": int(group["rounding_flip"].astype(bool).sum()),
            }
        )
    return pd.DataFrame(rows)


def tost_confidence(seen: pd.DataFrame) -> list[str]:
    """The confidence of each comparison's TOST interval, as the book writes it: each one-sided test runs at the
    comparison's equivalence level ``eq_level``, so the interval is a 1 − 2·level one (``90 %`` at α = 0.05); a dash
    where there is no test. In a question about several gaps that level is the one the correction gives the
    comparison among the question's equivalence tests, which are corrected over the same comparisons as the
    differences but in a sequence of their own, ordered by their own p-values (the larger of each test's two
    one-sided ones): a gap's TOST level need not be its difference's level."""
    return [
        formats.DASH if pd.isna(level) or not tested else formats.confidence(2 * float(level))
        for level, tested in zip(seen["eq_level"], seen["difference"] != "no test")
    ]


def detail_table(seen: pd.DataFrame, margin: float) -> pd.DataFrame:
    """Every comparison of :func:`herd.method.compare.orient` with its intervals written out: the difference (its
    verdict, the interval at the corrected level over the scores the printing allows, the level's confidence, whether it
    was resolved only at the printed scores) and, apart, equivalence (TOST) within ±``margin`` with the level of
    the TOST interval that decided it (:func:`tost_confidence`; a bound that rounds onto the margin shows its
    side, :func:`herd.base.formats.interval`); the test used and the per-item agreement ρ an unresolved gap would need
    (``unreachable`` when none would do): ``row_label``, ``competitor_name``, ``difference``, ``gap``,
    ``interval``, ``p_adjusted``, ``n``, ``confidence``, ``rounding``, ``equivalence``, ``tost_level``, ``test``,
    ``rho``, ``why``."""
    detail = seen.assign(
        interval=interval_text(seen),
        confidence=seen["level"].map(formats.confidence),
        rounding=["resolved only at the printed scores" if f else "" for f in seen["rounding_flip"]],
        equivalence=[
            "" if e == "no test" else f"{e} ({formats.interval(lo, hi, edges=(-margin, margin))})"
            for e, lo, hi in zip(seen["equivalence"], seen["eq_low"], seen["eq_high"])
        ],
        tost_level=tost_confidence(seen),
        test=seen["method"].map({"exact": "exact", "score": "score"}).fillna(""),
        # the agreement an unresolved gap would need; other verdicts need none
        rho=[
            "—" if v != "not resolved" else "unreachable" if r == float("inf") else formats.number(r, 2)
            for r, v in zip(seen["rho_to_resolve"], seen["difference"])
        ],
        why=seen["reason"],
    )
    return detail[
        [
            "row_label",
            "competitor_name",
            "difference",
            "gap",
            "interval",
            "p_adjusted",
            "n",
            "confidence",
            "rounding",
            "equivalence",
            "tost_level",
            "test",
            "rho",
            "why",
        ]
    ]


LARGE_N = 5000
"""A benchmark with at least this many items counts as large (:func:`resolution`)."""
MODEST_RHO = 0.5
"""A per-item agreement of at most this is modest: an unresolved gap it would resolve is fragile
(:func:`resolution`)."""


def resolution(seen: pd.DataFrame, large_n: int = LARGE_N, modest_rho: float = MODEST_RHO) -> dict[str, object]:
    """What the verdicts of :func:`herd.method.compare.orient` rows say about resolution, as the chapter writes it.

    Parameters
    ----------
    seen
        Rows of :func:`herd.method.compare.orient`.
    large_n
        A benchmark with at least this many items counts as large.
    modest_rho
        An unresolved gap that a per-item agreement of at most this would resolve is fragile.

    Returns
    -------
    dict
        ``n_ahead_unresolved``, ``n_behind_unresolved`` and ``n_tied_unresolved`` (unresolved gaps where the focus
        model's printed score is higher, lower, equal: a zero gap is neither; the three add up to the unresolved
        gaps), ``largest_unresolved_gap`` and ``smallest_resolved_gap``
        (points, as the book writes them, or ``none``), ``n_unlike`` (pairs not like for like),
        ``n_fragile``, ``n_robust`` (no agreement would resolve them), ``n_resolved`` and
        ``n_resolved_big_n`` (resolved on benchmarks of at least ``large_n`` items).
    """
    tested = seen[seen["difference"] != "no test"]
    unresolved = tested[tested["difference"] == "not resolved"]
    resolved = tested[tested["difference"].isin(["ahead", "behind"])]["gap"].abs()
    big_n = tested[tested["n"] >= large_n]
    return {
        "n_ahead_unresolved": int((unresolved["gap"] > 0).sum()),
        "n_behind_unresolved": int((unresolved["gap"] < 0).sum()),
        "n_tied_unresolved": int((unresolved["gap"] == 0).sum()),
        "largest_unresolved_gap": formats.number(unresolved["gap"].abs().max()) if len(unresolved) else "none",
        "smallest_resolved_gap": formats.number(resolved.min()) if len(resolved) else "none",
        "n_unlike": int((~seen["like_for_like"]).sum()),
        "n_fragile": len(unresolved[unresolved["rho_to_resolve"].round(2) <= modest_rho]),  # as the tables print ρ
        "n_robust": int((unresolved["rho_to_resolve"] == float("inf")).sum()),
        "n_resolved": len(resolved),
        "n_resolved_big_n": int(big_n["difference"].isin(["ahead", "behind"]).sum()),
    }


def sides_text(resolution: dict[str, object]) -> str:
    """On which side of zero the unresolved gaps of :func:`resolution` lie, as the chapter writes it: how many have
    the focus model's printed score higher, how many lower, and a sentence on the ties (a zero gap is neither) when
    there are any; the parts add up to every unresolved gap."""
    higher, lower, tied = (
        int(str(resolution[k])) for k in ("n_ahead_unresolved", "n_behind_unresolved", "n_tied_unresolved")
    )
    text = (
        f"In {formats.count(higher)} of the {formats.count(higher + lower + tied)} unresolved comparisons the focus "
        f"model's printed score is the higher one, and in {formats.count(lower)} it is the lower one: a reader who "
        "ranks models by the higher printed score would call those wins and losses."
    )
    if tied:
        text += (
            f" The other {'one is a tie' if tied == 1 else formats.count(tied) + ' are ties'} (equal printed scores)."
        )
    return text


def size_ratio(package, model: str, reference: str) -> str:
    """How many times ``model``'s size ``reference`` is, as the book writes it, or ``an undisclosed
    multiple of`` when either size is not published."""
    sizes = package.models.set_index("key")["parameters_billion"]
    if pd.notna(sizes[model]) and pd.notna(sizes[reference]):
        return formats.number(sizes[reference] / sizes[model])
    return "an undisclosed multiple of"


def equivalence_levels_text(m: int, rules: Rules) -> str:
    """The level α′ at which each TOST test of a question's ``m`` comparisons runs, in words: the equivalence tests
    are corrected over the same comparisons as the differences, in a sequence of their own ordered by their own
    p-values (:func:`herd.method.stats.comparison_levels` over the larger of each gap's two one-sided p-values)."""
    a = f"{rules.alpha:g}"
    if rules.correction == "holm" and m > 1:
        return (
            f"{a}/{m} for the smallest of those p-values, {a}/{m - 1} for the next, and so on up to the first test "
            "that is not rejected, whose level the rest keep"
        )
    if rules.correction in ("holm", "bonferroni"):
        return f"{a}/{m} for every test"
    if rules.correction == "fdr_bh":
        return f"R × {a}/{m} for every test, R the number of equivalence tests rejected ({a}/{m} when none is)"
    return f"{a} for every test"


def tost_levels_text(seen: pd.DataFrame) -> str:
    """The confidence of the TOST intervals of :func:`herd.method.compare.orient` rows, as the book writes it: one level
    (``99.8 %``) or the lowest and highest (``99.8 % to 99.9 %``)."""
    tested = seen[(seen["difference"] != "no test") & seen["eq_level"].notna()]
    shown = list(dict.fromkeys(tost_confidence(tested.sort_values("eq_level", ascending=False))))
    return " to ".join([shown[0], shown[-1]] if len(shown) > 1 else shown) or formats.DASH


def family_text(judged: pd.DataFrame, rules: Rules) -> str:
    """How one judged question's comparisons are corrected, in a sentence."""
    n = family_size(judged)
    if judged["family"].eq(EVERY).all():
        return (
            f"each of its {n} testable rows is tested at α = {rules.alpha:g} with no correction (an "
            "intersection–union test: the claim holds only if every row can be tested and passes)."
        )
    if judged["family"].eq(SOME).all():
        k = n if question_correction(SOME, rules) != "none" else 1
        return (
            f"each of its {n} testable rows is tested at α/{k} = {formats.significant(rules.alpha / k, 2)} (a claim "
            "that any one row shows, corrected over every row it could rest on: Bonferroni over them)."
        )
    return (
        f"they are corrected over that question's {n} testable comparisons "
        f"({stats.CORRECTION_NAMES[rules.correction]}), and nothing else."
    )


def row_reading(shown: bool, tested: bool, refuted: bool, no: str) -> str:
    """One row's answer to a claim about it: *yes* when the row shows it, *no* (``no``, saying how) only when the
    row's interval refutes it over every score the printing allows, else *not resolved*, never *no* for want of
    evidence; a dash for a row with no test."""
    if not tested:
        return formats.DASH
    return "yes" if shown else no if refuted else "not resolved"


def pair_detail(seen: pd.DataFrame, margin: float) -> pd.DataFrame:
    """One pair's comparisons (rows of :func:`herd.method.compare.orient`) as the second question shows them: the two
    scores, the gap, then what decides the question, equivalence within ``margin`` and non-inferiority (the TOST
    interval and its level, 1 − 2α), then the difference (verdict, interval and that interval's level), the smallest
    margin that would make it equivalent, and whether any gap could be shown equivalent at these scores
    (:func:`herd.method.rowwise.equivalence_reachable`): ``row_label``, ``focus_score``, ``competitor_score``, ``gap``,
    ``equivalence``, ``noninferior``, ``eq_interval``, ``eq_confidence``, ``difference``, ``interval``,
    ``confidence``, ``smallest_margin``, ``reachable``, ``n``, ``reason``."""
    reachable = equivalence_reachable(seen, margin)
    tested = seen["difference"] != "no test"
    detail = seen.assign(
        interval=interval_text(seen),
        confidence=[formats.confidence(v) if t else formats.DASH for v, t in zip(seen["level"], tested)],
        eq_interval=[
            formats.interval(lo, hi, edges=(-margin, margin)) for lo, hi in zip(seen["eq_low"], seen["eq_high"])
        ],
        eq_confidence=tost_confidence(seen),
        noninferior=[
            row_reading(v, t, hi < -margin, f"no: behind by more than {margin:g}")
            for v, t, hi in zip(seen["noninferior"], tested, seen["eq_high"])
        ],
        equivalence=[
            row_reading(e == "equivalent", t, lo > margin or hi < -margin, f"no: outside ±{margin:g}")
            for e, t, lo, hi in zip(seen["equivalence"], tested, seen["eq_low"], seen["eq_high"])
        ],
        reachable=reachable.map({True: "yes", False: "no"}).fillna("—"),
    )
    return detail[
        [
            "row_label",
            "focus_score",
            "competitor_score",
            "gap",
            "equivalence",
            "noninferior",
            "eq_interval",
            "eq_confidence",
            "difference",
            "interval",
            "confidence",
            "smallest_margin",
            "reachable",
            "n",
            "reason",
        ]
    ]
