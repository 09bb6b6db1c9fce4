"""Judging comparisons between models: one rule for every chapter and the claims audit.

- **The family is the question's.** A question asks about a set of comparisons (the focus model against
  the competitors a chapter chose, one pair on every row of a table, the pairs a claim names); the
  correction for many comparisons covers exactly those, no more. A question that asks which of several
  comparisons come out one way ("on which rows is it ahead?") is corrected over them (:data:`EACH`); a
  claim that must hold on every row at once (intersection–union: "ahead on every benchmark", "at least on
  a par everywhere") or a single comparison needs no correction (:data:`EVERY`); a claim that holds if any one
  row shows it ("trails in some areas", "ahead on some row") is corrected over every row it could rest on: each
  at α/k (Bonferroni over them), so it is shown when the smallest p-value in the stated order passes it
  (:data:`SOME`, :func:`some_row`).
- **Like for like.** Two cells are compared only when they come from the same table and row
  and neither carries a footnote marker saying it was obtained in another setting (other
  shots, no chain of thought, zero-shot); otherwise the pair gets "no test", with the reason.
- **The test.** :mod:`herd.method.stats` chooses it by the benchmark's metric kind; each comparison's interval is
  drawn at the level its corrected test uses, so an interval that excludes zero always stands next to
  "ahead" or "behind" (a Holm level is a step-down level, not a simultaneous one).
- **The printed rounding.** Scores are printed to a tenth of a point: a verdict stands only if it holds for
  every pair of true scores the printing allows (:func:`herd.method.stats.printed_range`); the p-value and the
  interval are taken at the least favourable of them. A verdict that holds only at the printed scores is
  *not resolved* and flagged.
- **Difference and equivalence are reported apart.** ``difference``: ``ahead`` / ``behind`` (the
  corrected test rejects), ``not resolved``, ``no test``. ``equivalence`` (two one-sided tests, TOST):
  ``equivalent`` when the 1 − 2α interval lies within ±margin, α being the level the correction gives the gap
  among the question's equivalence tests (the same comparisons, corrected in a sequence of their own, ordered by
  their own p-values; a claim on every row leaves them at α). ``noninferior``: the lower one-sided test
  alone. A gap can be resolved *and* within the margin. ``verdict`` joins them for charts and counts:
  ahead or behind when resolved, else equivalent when shown, else not resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from herd.base import formats

from . import stats

VERDICTS = stats.VERDICTS
# the kinds of question: which of these comparisons / all of them at once / at least one of them
EACH, EVERY, SOME = "each", "every", "some"
QUESTIONS = (EACH, EVERY, SOME)
FAMILY = (
    "the comparisons the question asks, no more: a question about each of several comparisons is corrected "
    "over them; a claim that must hold on every one of them, or a single comparison, is tested at α; a claim "
    "that holds if any one of them shows it is corrected over all k it could rest on (each at α/k, Bonferroni "
    "over them)"
)

LIKE_FOR_LIKE = (
    "same table, same row, and neither cell footnoted as obtained in another setting "
    "(other shots, no chain of thought, zero-shot)"
)


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


@dataclass(frozen=True)
class Rules:
    """The judging parameters a chapter may change (alpha, correction, equivalence margin)."""

    alpha: float = 0.05
    correction: str = "holm"
    margin: float = stats.DEFAULT_MARGIN

    def __post_init__(self):
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must lie in (0, 1), got {self.alpha!r}")
        if self.correction not in stats.CORRECTIONS:
            raise ValueError(f"unknown correction {self.correction!r}; allowed: {', '.join(stats.CORRECTIONS)}")
        if not self.margin > 0:
            raise ValueError(f"the equivalence margin must be positive, got {self.margin!r}")


def question_correction(question: str, rules: Rules) -> str:
    """The correction a question's comparisons get: the rules' own over the comparisons of a question about each
    of them (:data:`EACH`); none for a claim on every one at once or a single comparison (:data:`EVERY`); and for a
    claim that holds if any one shows it (:data:`SOME`), α/k on each of its k testable comparisons (Bonferroni's
    level (Bonferroni over them): the claim rests on its best-supporting comparison, the one with the smallest
    p-value, and Holm tests that one at α/k), or α when the rules ask for no correction."""
    if question not in QUESTIONS:
        raise ValueError(f"question must be one of {', '.join(map(repr, QUESTIONS))}, got {question!r}")
    if question == EACH:
        return rules.correction
    if question == SOME and rules.correction != "none":
        return "bonferroni"
    return "none"


PAIR_COLUMNS = [
    "source",
    "table",
    "page",
    "family",
    "row_label",
    "benchmark",
    "kind",
    "model_a",
    "model_b",
    "score_a",
    "score_b",
    "marker_a",
    "marker_b",
    "footnote_a",
    "footnote_b",
    "n",
    "n_basis",
    "like_for_like",
    "testable",
    "reason",
    "method",
    "p",
    "p_adjusted",
    "level",
    "gap",
    "gap_low",
    "gap_high",
    "verdict",
    "difference",
    "printed_difference",
    "rounding_flip",
    "p_worst",
    "eq_level",
    "eq_low",
    "eq_high",
    "equivalence",
    "noninferior",
    "noninferior_b",
    "within_margin",
    "smallest_margin",
    "rho_to_resolve",
]


def judge(
    scores: pd.DataFrame,
    benchmarks: pd.DataFrame,
    sizes: pd.DataFrame | None = None,
    subsets: pd.DataFrame | None = None,
    rules: Rules = Rules(),
    pairs=None,
    question: str = EACH,
    decimals: int = 1,
) -> pd.DataFrame:
    """The comparisons one question asks of one source table, judged.

    ``scores`` holds the rows of one table (columns of ``data/scores.csv``); ``sizes`` comes
    from :func:`herd.method.stats.effective_sizes` over the whole package (official sizes only when
    omitted); ``subsets`` is ``data/benchmark_subsets.csv`` (needed for macro averages).
    ``pairs`` are the ``(a, b)`` model pairs the question asks about, each on every row where both are
    printed (every pair of the table when omitted); ``question`` is :data:`EACH` (which of these comparisons:
    corrected over them), :data:`EVERY` (a claim on all of them at once, or a single comparison: no
    correction) or :data:`SOME` (a claim that any one of them shows: each at α/k, :func:`question_correction`).
    ``decimals`` is the printed precision of the scores.
    """
    tables = scores[["source", "table"]].drop_duplicates()
    if len(tables) != 1:
        raise ValueError(
            f"judge one source table at a time; got {len(tables)}: "
            + ", ".join(f"{s} {t}" for s, t in tables.itertuples(index=False))
        )
    if question not in QUESTIONS:
        raise ValueError(f"question must be one of {', '.join(map(repr, QUESTIONS))}, got {question!r}")
    if sizes is None:
        sizes = stats.effective_sizes(benchmarks, scores.iloc[:0])
    info = benchmarks.set_index("key")
    n_of = sizes.set_index("benchmark")
    subset_sizes = (
        {}
        if subsets is None or subsets.empty
        else {b: g["n"].astype(int).tolist() for b, g in subsets.groupby("benchmark")}
    )
    order = list(dict.fromkeys(scores["model"]))
    asked = None if pairs is None else [tuple(p) for p in pairs]
    unknown = sorted({m for p in asked or [] for m in p} - set(order))
    if unknown:
        raise ValueError(f"{tables.iloc[0, 1]} of {tables.iloc[0, 0]} prints no model {', '.join(unknown)}")
    rows = []
    for row_label, cells in scores.groupby("row_label", sort=False):
        by_model = cells.set_index("model")
        present = [m for m in order if m in by_model.index]
        wanted = combinations(present, 2) if asked is None else [p for p in asked if set(p) <= set(present)]
        for a, b in wanted:
            rec = _pair(by_model.loc[a], by_model.loc[b], a, b, row_label, info, n_of, subset_sizes)
            rec["family"] = question
            rows.append(rec)
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    return _decide(out, rules, question, decimals)


def _pair(
    ca: pd.Series,
    cb: pd.Series,
    a: str,
    b: str,
    row_label: str,
    info: pd.DataFrame,
    n_of: pd.DataFrame,
    subset_sizes: dict,
) -> dict:
    bench = ca["benchmark"]
    kind = str(info.loc[bench, "metric_kind"]) if "metric_kind" in info else "proportion"
    rec = {
        "source": ca["source"],
        "table": ca["table"],
        "page": ca.get("page"),
        "family": "",
        "row_label": row_label,
        "benchmark": bench,
        "kind": kind,
        "model_a": a,
        "model_b": b,
        "score_a": ca["score"],
        "score_b": cb["score"],
        "marker_a": ca.get("marker"),
        "marker_b": cb.get("marker"),
        "footnote_a": ca.get("footnote"),
        "footnote_b": cb.get("footnote"),
        "n": np.nan,
        "n_basis": "",
        "like_for_like": True,
        "testable": False,
        "reason": "",
        "method": "",
        "p": np.nan,
        "p_adjusted": np.nan,
        "level": np.nan,
        "gap": np.nan,
        "gap_low": np.nan,
        "gap_high": np.nan,
        "verdict": "no test",
        "within_margin": False,
        "smallest_margin": np.nan,
        "rho_to_resolve": np.nan,
    }
    unlike = [(m, c) for m, c in ((a, ca), (b, cb)) if pd.notna(c.get("marker"))]
    rec["like_for_like"] = not unlike
    if pd.isna(ca["score"]) or pd.isna(cb["score"]):
        rec["reason"] = "a score is not reported (dash in the source)"
        return rec
    rec["gap"] = float(ca["score"]) - float(cb["score"])
    if unlike:
        rec["reason"] = "unlike settings: " + "; ".join(f"{m}: {c['footnote']}" for m, c in unlike)
        return rec
    mk = stats.metric_kind(kind)
    if not mk.testable:
        rec["reason"] = mk.basis
        return rec
    if kind == "macro-average":
        sizes = subset_sizes.get(bench)
        if not sizes:
            rec["reason"] = "a macro average whose subset sizes are not published or not recorded"
            return rec
        rec["n"] = min(
            stats.macro_average_n(sizes, float(ca["score"])), stats.macro_average_n(sizes, float(cb["score"]))
        )
        rec["n_basis"] = f"bound from {len(sizes)} subset sizes"
    else:
        n = n_of["n"].get(bench, pd.NA) if bench in n_of.index else pd.NA
        if pd.isna(n):
            rec["reason"] = "no test-set size is known for this benchmark"
            return rec
        rec["n"], rec["n_basis"] = float(n), str(n_of.loc[bench, "basis"])
    rec["testable"] = True
    return rec


def _corners(out: pd.DataFrame, decimals: int) -> tuple[np.ndarray, ...]:
    """For each comparison, the true scores the printing allows at its two least favourable corners: ``a``
    lowest with ``b`` highest (the smallest gap) and ``a`` highest with ``b`` lowest (the largest)."""
    ranges_a = [stats.printed_range(s, n, k, decimals) for s, n, k in zip(out["score_a"], out["n"], out["kind"])]
    ranges_b = [stats.printed_range(s, n, k, decimals) for s, n, k in zip(out["score_b"], out["n"], out["kind"])]
    a_lo, a_hi = (np.array(v, dtype=float) for v in zip(*ranges_a)) if ranges_a else (np.array([]), np.array([]))
    b_lo, b_hi = (np.array(v, dtype=float) for v in zip(*ranges_b)) if ranges_b else (np.array([]), np.array([]))
    return a_lo, a_hi, b_lo, b_hi


def _must_agree(t: pd.DataFrame, rejects, bounds_show, test: str, p, levels, lows, highs) -> None:
    """Stop when a test and the interval shown for it disagree on some comparison of ``t`` (the verdict is the
    test's; an interval that says otherwise must not be shown)."""
    if np.array_equal(rejects, bounds_show):
        return
    i = int(np.nonzero(np.asarray(rejects) != np.asarray(bounds_show))[0][0])
    raise AssertionError(
        f"{t['row_label'].iloc[i]}: {t['model_a'].iloc[i]} vs {t['model_b'].iloc[i]}: {test} (p = {p[i]:.4g} at level "
        f"{levels[i]:.4g}) and interval ({lows[i]:.3f}, {highs[i]:.3f}) disagree"
    )


def _decide(out: pd.DataFrame, rules: Rules, question: str, decimals: int) -> pd.DataFrame:
    idx = np.nonzero(out["testable"].to_numpy(dtype=bool))[0]
    out["within_margin"] = False
    out["rounding_flip"] = False
    out["noninferior"] = False
    out["noninferior_b"] = False
    out["equivalence"] = "no test"
    out["difference"] = "no test"
    out["printed_difference"] = "no test"
    if not len(idx):
        return out
    t = out.iloc[idx]
    kinds, n = list(t["kind"]), t["n"].to_numpy(dtype=float)
    a, b = t["score_a"].to_numpy(dtype=float), t["score_b"].to_numpy(dtype=float)
    a_lo, a_hi, b_lo, b_hi = _corners(t, decimals)
    correction = question_correction(question, rules)
    m = rules.margin

    # the difference: the p-value at the corner nearest a zero gap (1 when the printing allows none)
    p_printed = np.array([stats.gap_pvalue(x, y, k_n, k_n, k)[0] for x, y, k_n, k in zip(a, b, n, kinds)])
    methods = [stats.gap_pvalue(x, y, k_n, k_n, k)[1] for x, y, k_n, k in zip(a, b, n, kinds)]
    above, below = a_lo - b_hi > 0, a_hi - b_lo < 0
    near_a, near_b = np.where(above, a_lo, np.where(below, a_hi, a)), np.where(above, b_hi, np.where(below, b_lo, b))
    p_worst = np.array(
        [
            stats.gap_pvalue(x, y, k_n, k_n, k)[0] if (up or down) else 1.0
            for x, y, k_n, k, up, down in zip(near_a, near_b, n, kinds, above, below)
        ]
    )
    adjusted = stats.adjust(p_worst, correction)
    levels = stats.comparison_levels(p_worst, rules.alpha, correction)
    # the interval at that level over every pair of true scores the printing allows: each end at its own corner
    lows, _ = stats.gap_intervals(a_lo, b_hi, n, n, kinds, levels, side="low")
    _, highs = stats.gap_intervals(a_hi, b_lo, n, n, kinds, levels, side="high")
    rejected = p_worst < levels
    _must_agree(t, rejected, (lows > 0) | (highs < 0), "test", p_worst, levels, lows, highs)
    difference = np.where(lows > 0, "ahead", np.where(highs < 0, "behind", "not resolved"))
    # at the printed scores: the same test at the same level (its interval would exclude zero exactly when it rejects)
    printed = np.where(p_printed < levels, np.where(a > b, "ahead", "behind"), "not resolved")

    # equivalence (TOST) and non-inferiority: one-sided tests at ±margin, each at its least favourable corner
    p_lower = stats.one_sided_pvalues(a_lo, b_hi, n, n, kinds, np.full(len(t), -m), "greater")
    p_upper = stats.one_sided_pvalues(a_hi, b_lo, n, n, kinds, np.full(len(t), m), "less")
    eq_levels = stats.comparison_levels(np.maximum(p_lower, p_upper), rules.alpha, correction)
    eq_lows, _ = stats.gap_intervals(a_lo, b_hi, n, n, kinds, eq_levels, one_sided=True, side="low")
    _, eq_highs = stats.gap_intervals(a_hi, b_lo, n, n, kinds, eq_levels, one_sided=True, side="high")
    # the verdicts are the tests'; the shown bounds must agree with them (each bound is the set of margins its test
    # does not reject, found by a search that a p-value's narrow tooth could escape): a disagreement stops the build
    shows_low, shows_high = p_lower < eq_levels, p_upper < eq_levels
    _must_agree(t, shows_low, eq_lows > -m, "one-sided test at the lower margin", p_lower, eq_levels, eq_lows, eq_highs)
    _must_agree(
        t, shows_high, eq_highs < m, "one-sided test at the upper margin", p_upper, eq_levels, eq_lows, eq_highs
    )
    equivalent = shows_low & shows_high

    where = out.index[idx]
    out.loc[where, "method"] = methods
    out.loc[where, "p"] = p_printed
    out.loc[where, "p_worst"] = p_worst
    out.loc[where, "p_adjusted"] = adjusted
    out.loc[where, "level"] = levels
    out.loc[where, "gap_low"], out.loc[where, "gap_high"] = lows, highs
    out.loc[where, "difference"] = difference
    out.loc[where, "printed_difference"] = printed
    out.loc[where, "rounding_flip"] = difference != printed
    out.loc[where, "eq_level"] = eq_levels
    out.loc[where, "eq_low"], out.loc[where, "eq_high"] = eq_lows, eq_highs
    out.loc[where, "equivalence"] = np.where(equivalent, "equivalent", "not shown")
    out.loc[where, "noninferior"] = shows_low  # a is not worse than b by the margin
    out.loc[where, "noninferior_b"] = shows_high  # b is not worse than a by the margin
    out.loc[where, "within_margin"] = equivalent
    out.loc[where, "smallest_margin"] = np.maximum(np.abs(eq_lows), np.abs(eq_highs))
    out.loc[where, "verdict"] = combined_verdict(difference, np.where(equivalent, "equivalent", "not shown"))
    out.loc[where, "rho_to_resolve"] = [
        np.nan if r else stats.correlation_to_resolve(x, y, k_n, float(lv), k)
        for r, x, y, k_n, lv, k in zip(rejected, near_a, near_b, n, levels, kinds)
    ]
    for col in ("within_margin", "rounding_flip", "noninferior", "noninferior_b"):
        out[col] = out[col].astype(bool)
    return out


def combined_verdict(difference, equivalence) -> np.ndarray:
    """The one-word verdict of each comparison: its difference (ahead, behind, not resolved, no test), except that
    a gap whose difference is not resolved but which is shown equivalent is *equivalent*."""
    difference = np.asarray(difference, dtype=object)
    shown = (difference == "not resolved") & (np.asarray(equivalence, dtype=object) == "equivalent")
    return np.where(shown, "equivalent", difference)


FLIP = {"ahead": "behind", "behind": "ahead"}


def orient(judged: pd.DataFrame, focus: str, competitors: list[str] | None = None) -> pd.DataFrame:
    """The judged pairs that involve ``focus``, seen from it: ``competitor``, ``focus_score``,
    ``competitor_score``, gap = focus − competitor, its interval and the verdict for the focus model."""
    mine = judged[(judged["model_a"] == focus) | (judged["model_b"] == focus)].copy()
    flip = mine["model_b"] == focus
    out = pd.DataFrame(
        {
            "source": mine["source"],
            "table": mine["table"],
            "page": mine["page"],
            "family": mine["family"],
            "row_label": mine["row_label"],
            "benchmark": mine["benchmark"],
            "kind": mine["kind"],
            "focus": focus,
            "competitor": np.where(flip, mine["model_a"], mine["model_b"]),
            "focus_score": np.where(flip, mine["score_b"], mine["score_a"]),
            "competitor_score": np.where(flip, mine["score_a"], mine["score_b"]),
            "focus_marker": np.where(flip, mine["marker_b"], mine["marker_a"]),
            "competitor_marker": np.where(flip, mine["marker_a"], mine["marker_b"]),
            "competitor_footnote": np.where(flip, mine["footnote_a"], mine["footnote_b"]),
            "n": mine["n"],
            "n_basis": mine["n_basis"],
            "like_for_like": mine["like_for_like"],
            "testable": mine["testable"],
            "reason": mine["reason"],
            "method": mine["method"],
            "p": mine["p"],
            "p_adjusted": mine["p_adjusted"],
            "level": mine["level"],
            "gap": np.where(flip, -mine["gap"], mine["gap"]),
            "gap_low": np.where(flip, -mine["gap_high"], mine["gap_low"]),
            "gap_high": np.where(flip, -mine["gap_low"], mine["gap_high"]),
            "verdict": [FLIP.get(v, v) if f else v for v, f in zip(mine["verdict"], flip)],
            "difference": [FLIP.get(v, v) if f else v for v, f in zip(mine["difference"], flip)],
            "printed_difference": [FLIP.get(v, v) if f else v for v, f in zip(mine["printed_difference"], flip)],
            "rounding_flip": mine["rounding_flip"],
            "p_worst": mine["p_worst"],
            "eq_level": mine["eq_level"],
            "eq_low": np.where(flip, -mine["eq_high"], mine["eq_low"]),
            "eq_high": np.where(flip, -mine["eq_low"], mine["eq_high"]),
            "equivalence": mine["equivalence"],
            "noninferior": np.where(flip, mine["noninferior_b"], mine["noninferior"]),
            "within_margin": mine["within_margin"],
            "smallest_margin": mine["smallest_margin"],
            "rho_to_resolve": mine["rho_to_resolve"],
        }
    )
    out["noninferior"] = out["noninferior"].astype(bool)
    for col in ("focus_score", "competitor_score", "gap", "gap_low", "gap_high", "eq_low", "eq_high"):
        out[col] = out[col].astype(float)
    if competitors is not None:
        out = out[out["competitor"].isin(competitors)]
    return out.reset_index(drop=True)


def pair(judged: pd.DataFrame, a: str, b: str, row_label: str) -> pd.Series | None:
    """The judged comparison of ``a`` against ``b`` on one row, seen from ``a`` (None if not printed)."""
    seen = orient(judged[judged["row_label"] == row_label], a, [b])
    return None if seen.empty else seen.iloc[0]


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Verdicts per competitor (from :func:`orient`), in the book's order."""
    counts = table.pivot_table(index="competitor", columns="verdict", values="row_label", aggfunc="count", fill_value=0)
    for v in VERDICTS:
        if v not in counts:
            counts[v] = 0
    return counts[list(VERDICTS)].astype(int)


def against(package, source: str, table: str, focus: str, competitors: list[str], rules: Rules = Rules()):
    """The question "how does ``focus`` compare with each of ``competitors`` on every row of a table?", judged
    (:func:`judge_package`, :data:`EACH`: its comparisons corrected together, and with nothing else)."""
    return judge_package(package, source, table, rules, pairs=[(focus, c) for c in competitors])


def judge_package(
    package, source: str, table: str, rules: Rules = Rules(), pairs=None, question: str = EACH
) -> pd.DataFrame:
    """:func:`judge` for one table of a loaded data package (sizes, subsets and the table's printed precision
    from the package): the comparisons ``pairs`` a question asks (every pair when omitted), as ``question``."""
    scores = package.scores
    cells = scores[(scores["source"] == source) & (scores["table"] == table)]
    if cells.empty:
        raise ValueError(f"no scores from {source} {table} in the data package")
    asked = None if pairs is None else tuple(tuple(p) for p in pairs)
    key = (package.sha256, source, table, rules, asked, question)
    if key not in _JUDGED:
        sizes = stats.package_sizes(package)
        subsets = package.tables.get("benchmark_subsets")
        decimals = printed_decimals(package, source, table)
        _JUDGED[key] = judge(cells, package.benchmarks, sizes, subsets, rules, asked, question, decimals)
    return _JUDGED[key].copy()


_JUDGED: dict = {}  # judged questions, remembered for the rest of the process (a chapter asks some twice)


def printed_decimals(package, source: str, table: str) -> int:
    """The decimal places a table prints its scores to (``decimals`` in ``data/score_tables.csv``; one when the
    package does not record it)."""
    meta = package.tables["score_tables"]
    if "decimals" not in meta:
        return 1
    row = meta[(meta["source"] == source) & (meta["table"] == table)]
    return int(row["decimals"].iloc[0]) if len(row) and pd.notna(row["decimals"].iloc[0]) else 1


def record(seen: pd.DataFrame, margin: float) -> str:
    """The comparisons a chapter shows, as JSON, for the test that walks every comparison the
    book makes (glued into the executed notebook, not displayed). ``seen`` comes from :func:`orient`."""
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


def _tie_bounds(seen: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """The TOST interval (1 − 2·its equivalence level) a zero gap would get on each tested row of :func:`orient`,
    with both scores at their printed mean: the narrowest interval the row's N allows at these scores. Returns
    the rows' index and the interval's two ends."""
    tested = seen[seen["testable"].astype(bool) & seen["eq_level"].notna()]
    if tested.empty:
        return tested.index, np.array([]), np.array([])
    mid = (tested["focus_score"].astype(float) + tested["competitor_score"].astype(float)) / 2
    lo, hi = stats.gap_intervals(mid, mid, tested["n"], tested["n"], list(tested["kind"]), tested["eq_level"], True)
    return tested.index, lo, hi


def equivalence_reachable(seen: pd.DataFrame, margin: float) -> pd.Series:
    """For each tested row of :func:`orient`, whether equivalence within ±``margin`` could be shown at all at
    these scores: the equivalence interval (1 − 2·its level) of a zero gap with both scores at their mean must
    fit inside the margin. An answer *at these scores*, not for every score (the interval is widest at 50 %).
    NaN for rows without a test."""
    out = pd.Series(np.nan, index=seen.index, dtype=object)
    index, lo, hi = _tie_bounds(seen)
    if len(index):
        out[index] = list((-margin < lo) & (hi < margin))
    return out


REACH = {
    "shown": "yes: shown",
    "lead": "yes, with a larger lead",
    "never": "no: not even at 100 %",
}
"""What :func:`noninferiority_reach` says of a row: it shows non-inferiority; it does not, but a larger lead of
the focus model would; no score of the focus model could, against the competitor's printed score."""


def noninferiority_reach(seen: pd.DataFrame, margin: float, decimals: int = 1) -> pd.DataFrame:
    """Which rows of a claim of non-inferiority (rows of :func:`orient` judged as a claim on every row) could show
    it at their N at all, so that a row that does not is not read as evidence against the claim.

    Returns, on ``seen``'s index: ``tie_bound``, the one-sided lower bound (at the row's equivalence level) a zero
    gap would get with both scores at their printed mean, the least a row of this N needs from the focus model
    at these scores; ``best_bound``, where the row does not show it, the bound had the focus model scored 100 %
    against the competitor's score at the highest its printing allows (the bound grows with the focus score, so
    no result could do better); and ``reach``, one of :data:`REACH`'s values (NaN without a test)."""
    out = pd.DataFrame({"tie_bound": np.nan, "best_bound": np.nan, "reach": np.nan}, index=seen.index)
    out["reach"] = out["reach"].astype(object)
    index, lo, _ = _tie_bounds(seen)
    if not len(index):
        return out
    out.loc[index, "tie_bound"] = lo
    rows = seen.loc[index]
    shown = rows["noninferior"].astype(bool)
    short = rows[~shown]
    if len(short):
        b_high = [
            stats.printed_range(float(b), n, k, decimals)[1]
            for b, n, k in zip(short["competitor_score"], short["n"], short["kind"])
        ]
        best, _ = stats.gap_intervals(
            np.full(len(short), 100.0),
            b_high,
            short["n"],
            short["n"],
            list(short["kind"]),
            short["eq_level"],
            True,
            side="low",
        )
        out.loc[short.index, "best_bound"] = best
    out.loc[index, "reach"] = [
        REACH["shown"] if ok else REACH["lead"] if out.loc[i, "best_bound"] > -margin else REACH["never"]
        for i, ok in zip(index, shown)
    ]
    return out


def margin_pvalues(seen: pd.DataFrame, margin: float, decimals: int = 1) -> pd.DataFrame:
    """For each tested row of :func:`orient`, the one-sided p-values that the gap lies beyond the margin, each at the
    pair of true scores the printing allows that weakens it: ``p_above`` (the focus model ahead by more than
    ``margin``) and ``p_below`` (behind by more than ``margin``), by the row's own test. NaN for rows without a test.
    A verdict that the gap lies beyond the margin reads these tests, not an interval's end."""
    out = pd.DataFrame({"p_above": np.nan, "p_below": np.nan}, index=seen.index)
    rows = seen[seen["difference"] != "no test"]
    if rows.empty:
        return out
    f_lo, f_hi, c_lo, c_hi = _corners(
        rows.rename(columns={"focus_score": "score_a", "competitor_score": "score_b"}), decimals
    )
    n, kinds = rows["n"].to_numpy(dtype=float), list(rows["kind"])
    m = np.full(len(rows), float(margin))
    out.loc[rows.index, "p_above"] = stats.one_sided_pvalues(f_lo, c_hi, n, n, kinds, m, "greater")
    out.loc[rows.index, "p_below"] = stats.one_sided_pvalues(f_hi, c_lo, n, n, kinds, -m, "less")
    return out


@dataclass(frozen=True)
class EveryRow:
    """The verdict of a claim on every row (one of :data:`EVERY_ROW`) with its counts: the rows printed for
    both models, those that can be tested, those that pass, and the labels of the rows that cannot be tested."""

    verdict: str
    n_rows: int
    n_tested: int
    n_passed: int
    untested: tuple[str, ...]

    def text(self, noun: str = "row", plural: str | None = None) -> str:
        """The verdict in words: "shown on every one of the 8 rows", "shown on every testable row; 1 row
        cannot be tested (BFCL v2)", "not shown: shown on 2 of the 8 testable rows"."""
        many = plural or noun + "s"
        k = len(self.untested)
        cannot = f"; {formats.noun(k, noun, many)} cannot be tested ({formats.listing(self.untested)})" if k else ""
        if self.verdict == "shown":
            return f"shown on every one of the {formats.noun(self.n_rows, noun, many)}"
        if self.verdict == "not resolved":
            return f"shown on every testable {noun}{cannot}" if self.n_tested else f"no {noun} can be tested{cannot}"
        testable = formats.noun(self.n_tested, f"testable {noun}", f"testable {many}")
        return f"not shown: shown on {self.n_passed} of the {testable}{cannot}"


def every_row(seen: pd.DataFrame, passes) -> EveryRow:
    """The intersection–union rule, one for every claim that must hold on every row at once ("at least on a par
    on every benchmark", "as good as everywhere"): each row tested at α, no correction, and the claim shown only
    if every row printed for both models can be tested and passes. A row that cannot be tested (no test-set size,
    a metric without a test, cells from unlike settings) is not dropped: it caps the claim at *not resolved*
    ("shown on every testable row; 1 row cannot be tested"), so a claim is never called shown while a row it
    names stays unexamined. Rows with a score not printed are not rows of the claim.

    ``seen``: rows of :func:`orient` (``difference`` is "no test" where a row cannot be tested); ``passes``:
    whether each row passes its test (``seen["noninferior"]``, or equivalence shown), aligned with ``seen``."""
    passes = pd.Series(passes, index=seen.index).fillna(False).astype(bool)
    printed = seen["focus_score"].notna() & seen["competitor_score"].notna()
    tested = printed & (seen["difference"] != "no test")
    untested = tuple(seen.loc[printed & ~tested, "row_label"])
    n_passed = int((passes & tested).sum())
    n_tested = int(tested.sum())
    if n_passed < n_tested:
        verdict = "not shown"
    elif untested or not n_tested:
        verdict = "not resolved"
    else:
        verdict = "shown"
    return EveryRow(verdict, int(printed.sum()), n_tested, n_passed, untested)


@dataclass(frozen=True)
class SomeRow:
    """The test of a claim that holds if any one row shows it (an existential claim): ``shown`` when a row printed in
    the stated order is resolved at the claim's level; the rows that can be tested (``n_tested``, k) and the level
    each is tested at (``level``, α/k), the rows printed in the stated order (``in_order``), and the one that best
    supports the claim, with the smallest p-value among them (``best``, ``p``; None and NaN when there is none)."""

    shown: bool
    n_tested: int
    level: float
    in_order: tuple[str, ...]
    best: str | None
    p: float


def some_row(seen: pd.DataFrame, rules: Rules = Rules()) -> SomeRow:
    """The rule for a claim that holds if any one row shows it ("A trails B in some areas", "A is ahead on some
    row"), one for every such claim: it rests on whichever row best supports it, so it is corrected over every row
    it could rest on, the k rows printed for both that can be tested (in either printed order: which order a row
    prints is what the claim picks from). Each row is tested at α/k (:func:`question_correction`; for the row with the
    smallest p-value, the one a claim resting on its best row rests on, Bonferroni over them), and the claim is
    shown when a row printed in the stated order passes: when the smallest p-value among those rows lies below α/k.

    ``seen``: rows of :func:`orient` judged as :data:`SOME`, seen from the model the claim puts ahead (the stated
    order is ``focus`` above ``competitor``)."""
    tested = seen[(seen["difference"] != "no test") & seen["focus_score"].notna() & seen["competitor_score"].notna()]
    k = len(tested)
    if not tested.empty and not tested["family"].eq(SOME).all():
        raise ValueError("some_row needs rows judged as a claim that any one row shows (compare.SOME)")
    correction = question_correction(SOME, rules)
    level = float(stats.comparison_levels(np.zeros(k), rules.alpha, correction)[0]) if k else rules.alpha
    order = tested[tested["focus_score"] > tested["competitor_score"]]
    if order.empty:
        return SomeRow(False, k, level, (), None, float("nan"))
    best = order.loc[order["p_worst"].astype(float).idxmin()]
    shown = bool((order["difference"] == "ahead").any())
    if shown != (float(best["p_worst"]) < level):
        raise AssertionError(f"{best['row_label']}: the claim's test (p = {best['p_worst']:.4g}) and its rows disagree")
    return SomeRow(shown, k, level, tuple(order["row_label"]), str(best["row_label"]), float(best["p_worst"]))


EVERY_ROW_ANSWER = {"shown": "yes", "not resolved": "not resolved", "not shown": "no"}
""":data:`EVERY_ROW` as the answer to a yes/no question ("at least as good as?")."""


def describe_pair(seen: pd.DataFrame, focus_name: str, other_name: str, margin: float) -> str:
    """One paragraph answering "is ``focus`` as good as ``other``?" from the :func:`orient` rows of one pair
    judged as a claim on every row (:data:`EVERY`), in both readings: "as good as" (equivalence within
    ±``margin``, TOST) and "at least as good as" (non-inferiority), then the differences the data resolve, the
    rows without a test and where equivalence could not be shown at these scores whatever the gap."""
    tested = seen[seen["difference"] != "no test"]
    untested = list(seen.loc[seen["difference"] == "no test", "row_label"])
    n = len(tested)
    if not n:
        return f"None of the {len(seen)} benchmarks the table prints for both can be tested."

    def rows(labels) -> str:
        return ", ".join(labels)

    eq = list(tested.loc[tested["equivalence"] == "equivalent", "row_label"])
    ni = list(tested.loc[tested["noninferior"].astype(bool), "row_label"])

    def answer(passes) -> str:  # the intersection–union rule: a row without a test caps it at not resolved
        rule = every_row(seen, passes)
        capped = (
            f" (shown on every testable benchmark, but {formats.listing(rule.untested)} cannot be tested)"
            if rule.verdict == "not resolved" and rule.untested
            else ""
        )
        return EVERY_ROW_ANSWER[rule.verdict] + capped

    head = (
        f"As good as (equivalent within ±{margin:g} points on every benchmark): "
        + answer(seen["equivalence"] == "equivalent")
        + "; equivalence is "
        + (f"shown on {len(eq)} of the {n} ({rows(eq)})" if eq else f"shown on none of the {n}")
        + f". At least as good as (not behind by {margin:g} points or more on every benchmark): "
        + answer(seen["noninferior"])
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


def equivalence_sentence(counts: dict[str, int], margin: float) -> str:
    """How many gaps of :func:`tally` are shown equivalent within ±``margin``, as a sentence of its own."""
    from herd.base import formats

    n = counts["n_equivalent"]
    return f"Apart from that, {formats.noun(n, 'gap is', 'gaps are')} shown to lie within ±{margin:g} points."


def pair_summary(seen: pd.DataFrame, margin: float) -> str:
    """The answer of :func:`describe_pair` in one sentence: both readings, each with its count."""
    tested = seen[seen["difference"] != "no test"]
    n = len(tested)
    eq_rule, ni_rule = every_row(seen, seen["equivalence"] == "equivalent"), every_row(seen, seen["noninferior"])
    untested = len(ni_rule.untested)
    return (
        f"As good as (within ±{margin:g} points everywhere): {EVERY_ROW_ANSWER[eq_rule.verdict]}, shown on "
        f"{eq_rule.n_passed} of {n} testable benchmarks; at least as good as: {EVERY_ROW_ANSWER[ni_rule.verdict]}, "
        f"shown on {ni_rule.n_passed} of {n}"
        + (f" ({formats.noun(untested, 'benchmark')} cannot be tested)." if untested else ".")
    )


def versus_competitors(package, source: str, table: str, focus: str, rules: Rules = Rules()) -> pd.DataFrame:
    """``focus`` against every model of the ``competitor`` family that a printed table shows, as one question
    (:data:`EACH`: its comparisons are corrected together, and with nothing else), keeping the rows where both
    scores are printed.

    Parameters
    ----------
    package
        The data package.
    source, table
        The printed table (a source key and a table name of ``data/score_tables.csv``).
    focus
        The model seen from (a key of ``data/models.csv`` the table prints).
    rules
        The level, correction and margin.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`orient`.
    """
    scores = package.scores
    cells = scores[(scores["source"] == source) & (scores["table"] == table)]
    family = package.models.set_index("key")["family"]
    rivals = [m for m in dict.fromkeys(cells["model"]) if family[m] == "competitor"]
    judged = judge_package(package, source, table, rules, pairs=[(focus, r) for r in rivals])
    seen = orient(judged, focus, rivals)
    return seen.dropna(subset=["focus_score", "competitor_score"])


def gap_in_items(seen: pd.DataFrame) -> pd.Series:
    """Each gap as a number of test items, gap × N (a share of items only; NaN for other kinds)."""
    return pd.Series(
        [g * n / 100 if k == "proportion" else float("nan") for g, n, k in zip(seen["gap"], seen["n"], seen["kind"])],
        index=seen.index,
        dtype=float,
    )


def items_table(seen: pd.DataFrame, names, focus_label: str) -> pd.DataFrame:
    """The comparisons of :func:`versus_competitors` as a chapter shows them, with the gap in items.

    Parameters
    ----------
    seen
        Rows of :func:`orient`.
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
        The rows of :func:`orient` it was made from.
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
    from herd.base import formats

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
    resolved), split into ``small`` (fewer than a few items), ``counted`` (a few or more) and ``uncounted`` (one
    (count, metric names, N) per N, for scores that count no items), and ``others`` (any other verdict, with its
    count)."""

    resolved: int
    untested: int
    kinds: list[str]
    open: int
    small: int
    counted: int
    uncounted: list[tuple[int, list[str], float]]
    others: list[tuple[str, int]]


def lead_groups(shown: pd.DataFrame, seen: pd.DataFrame, metrics, few: int = 5) -> LeadGroups:
    """:class:`LeadGroups` of ``shown`` (:func:`items_table` of ``seen``); a lead of fewer than ``few`` items is
    small, and ``metrics`` maps benchmark keys to ``benchmarks.csv``'s ``metric``."""
    ahead = shown[shown["gap (points)"] > 0]
    untested = ahead[ahead["verdict"] == "no test"]
    open_ = ahead[ahead["verdict"] == "not resolved"]
    uncounted = [
        (len(group), sorted({str(metrics[k]).removesuffix(" (%)") for k in seen.loc[group.index, "benchmark"]}), n)
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
    not testable (with the kind of score), and not resolved, split into leads of fewer than ``few`` items
    and leads in a score that counts no items (named by its metric from ``metrics``, a mapping of benchmark
    key to ``benchmarks.csv``'s ``metric``, and grouped by N); any other verdict by its name. The parts add
    up to every lead, whichever test a row gets. ``short``: the same parts in fewer words, as the home page
    writes them after "Of the N printed leads of the 405B," (plain text, no emphasis)."""
    from herd.base import formats

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
                (f"{formats.count(g.small)} on" if short else verb(g.small, "rests", "rest") + " on")
                + f" fewer than {formats.count(few)} test items"
            )
        if g.counted:
            split.append(
                (f"{formats.count(g.counted)} on" if short else verb(g.counted, "is a lead", "are leads") + " of")
                + f" {formats.count(few)} or more test items"
            )
        for count, names, n in g.uncounted:
            size = f"on {formats.count(n)} items" if pd.notna(n) else "with no published N"
            if short:
                split.append(f"{formats.count(count)} in {' or '.join(names)} {size}")
            else:
                lead = "a lead" if count == 1 else "leads"
                split.append(
                    verb(count, "is", "are")
                    + f" {lead} in {' or '.join(names)} {size} (means of per-item scores, not counts of items)"
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
    from herd.base import formats

    return f"{formats.count(package.models.set_index('key').loc[model, 'parameters_billion'])}B"


def interval_text(seen: pd.DataFrame) -> pd.Series:
    """Each gap's interval as the book writes it (``+0.3 to +4.1``), from ``gap_low`` and ``gap_high``."""
    from herd.base import formats

    return pd.Series(
        [formats.interval(lo, hi) for lo, hi in zip(seen["gap_low"], seen["gap_high"])], index=seen.index, dtype=object
    )


def tally(seen: pd.DataFrame) -> dict[str, int]:
    """How many comparisons (rows of :func:`orient`) get each verdict, difference and equivalence counted apart.

    Returns
    -------
    dict
        ``n_ahead``, ``n_behind``, ``n_unresolved`` (the difference), ``n_equivalent`` (equivalence shown,
        resolved or not), ``n_equivalent_only`` (equivalent and not resolved), ``n_flips`` (resolved at the
        printed scores only), ``n_untested``, ``n_tested`` and ``n_pairs``.
    """
    difference = seen["difference"].value_counts()
    tested = seen["difference"] != "no test"
    equivalent = seen["equivalence"] == "equivalent"
    return {
        "n_ahead": int(difference.get("ahead", 0)),
        "n_behind": int(difference.get("behind", 0)),
        "n_unresolved": int(difference.get("not resolved", 0)),
        "n_equivalent": int(equivalent.sum()),
        "n_equivalent_only": int((equivalent & (seen["difference"] == "not resolved")).sum()),
        "n_flips": int(seen["rounding_flip"].astype(bool).sum()),
        "n_untested": int((~tested).sum()),
        "n_tested": int(tested.sum()),
        "n_pairs": len(seen),
    }


def family_size(judged: pd.DataFrame) -> int:
    """The testable comparisons of one judged question: the number corrected together."""
    return int(judged["testable"].sum())


def verdict_table(seen: pd.DataFrame, names, margin: float) -> pd.DataFrame:
    """The verdicts of :func:`orient` rows per competitor, by name: the difference (ahead, behind, not resolved,
    no test), then, counted apart, the gaps shown equivalent within ±``margin`` and those resolved only at the
    printed scores."""
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
    from herd.base import formats

    return [
        formats.DASH if pd.isna(level) or not tested else formats.confidence(2 * float(level))
        for level, tested in zip(seen["eq_level"], seen["difference"] != "no test")
    ]


def detail_table(seen: pd.DataFrame, margin: float) -> pd.DataFrame:
    """Every comparison of :func:`orient` with its intervals written out: the difference (its verdict, the
    interval at the corrected level over the scores the printing allows, the level's confidence, whether it
    was resolved only at the printed scores) and, apart, equivalence (TOST) within ±``margin`` with the level of
    the TOST interval that decided it (:func:`tost_confidence`; a bound that rounds onto the margin shows its
    side, :func:`herd.base.formats.interval`); the test used and the per-item agreement ρ an unresolved gap would need
    (``unreachable`` when none would do): ``row_label``, ``competitor_name``, ``difference``, ``gap``,
    ``interval``, ``p_adjusted``, ``n``, ``confidence``, ``rounding``, ``equivalence``, ``tost_level``, ``test``,
    ``rho``, ``why``."""
    from herd.base import formats

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


def resolution(seen: pd.DataFrame, large_n: int = 5000, modest_rho: float = 0.5) -> dict[str, object]:
    """What the verdicts of :func:`orient` rows say about resolution, as the chapter writes it.

    Parameters
    ----------
    seen
        Rows of :func:`orient`.
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
    from herd.base import formats

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
    from herd.base import formats

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


def resolved_at(seen: pd.DataFrame, rhos) -> list[int]:
    """For each per-item correlation in ``rhos``, how many unresolved gaps of ``seen`` (rows of :func:`orient`) a
    paired test would resolve at their level if the two models' per-item results correlated that much
    (``rho_to_resolve`` at most it, as the tables print ρ)."""
    unresolved = seen[seen["difference"] == "not resolved"]
    needed = unresolved["rho_to_resolve"].round(2)
    return [int((needed <= rho).sum()) for rho in rhos]


def size_ratio(package, model: str, reference: str) -> str:
    """How many times ``model``'s size ``reference`` is, as the book writes it, or ``an undisclosed
    multiple of`` when either size is not published."""
    from herd.base import formats

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
    """The confidence of the TOST intervals of :func:`orient` rows, as the book writes it: one level (``99.8 %``) or
    the lowest and highest (``99.8 % to 99.9 %``)."""
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


DIFFERENCE_COLUMNS = (
    "difference",
    "printed_difference",
    "rounding_flip",
    "p",
    "p_worst",
    "p_adjusted",
    "level",
    "gap_low",
    "gap_high",
    "rho_to_resolve",
)
"""The columns of a judged comparison that belong to the difference (the rest: equivalence, non-inferiority)."""


def with_differences(claim: pd.DataFrame, each: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`orient` judged as a claim on every row (``claim``: equivalence and non-inferiority, no
    correction) with the difference taken from the same rows judged as the question "which rows differ"
    (``each``, corrected over them): the two questions a pair's table answers, each under its own family."""
    key = ["row_label", "competitor"]
    diff = each.set_index(key).loc[pd.MultiIndex.from_frame(claim[key]), list(DIFFERENCE_COLUMNS)]
    out = claim.copy()
    for column in DIFFERENCE_COLUMNS:
        out[column] = diff[column].to_numpy()
    out["verdict"] = combined_verdict(out["difference"], out["equivalence"])
    return out


def pair_detail(seen: pd.DataFrame, margin: float) -> pd.DataFrame:
    """One pair's comparisons (rows of :func:`orient`) as the second question shows them: the two scores, the
    gap, then what decides the question, equivalence within ``margin`` and non-inferiority (the TOST interval and
    its level, 1 − 2α), then the difference (verdict, interval and that interval's level), the smallest margin that
    would make it equivalent, and whether any gap could be shown equivalent at these scores
    (:func:`equivalence_reachable`): ``row_label``, ``focus_score``, ``competitor_score``, ``gap``,
    ``equivalence``, ``noninferior``, ``eq_interval``, ``eq_confidence``, ``difference``, ``interval``,
    ``confidence``, ``smallest_margin``, ``reachable``, ``n``, ``reason``."""
    from herd.base import formats

    reachable = equivalence_reachable(seen, margin)
    tested = seen["difference"] != "no test"
    detail = seen.assign(
        interval=interval_text(seen),
        confidence=[formats.confidence(v) if t else formats.DASH for v, t in zip(seen["level"], tested)],
        eq_interval=[
            formats.interval(lo, hi, edges=(-margin, margin)) for lo, hi in zip(seen["eq_low"], seen["eq_high"])
        ],
        eq_confidence=tost_confidence(seen),
        noninferior=[("yes" if v else "no") if t else "—" for v, t in zip(seen["noninferior"], tested)],
        equivalence=["yes" if e == "equivalent" else "no" if t else "—" for e, t in zip(seen["equivalence"], tested)],
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


def printed_interval(row: pd.Series) -> tuple[float, float]:
    """One comparison's interval (a row of :func:`orient`) at its level but at the printed scores, to show what
    the allowance for the printed rounding changed."""
    return stats.gap_interval(
        float(row["focus_score"]), float(row["competitor_score"]), row["n"], row["n"], row["kind"], float(row["level"])
    )


def correction_sensitivity(
    package, source: str, table: str, focus: str, competitors: list[str], rules: Rules = Rules()
) -> pd.DataFrame:
    """How the verdicts of one question (``focus`` against ``competitors`` on every row of a table) depend on the
    family: each comparison alone (no correction), the comparisons of each benchmark row corrected together, and
    the question's whole family (the book's rule). One row per family: the differences, and how many verdicts
    differ from the book's."""
    pairs = [(focus, c) for c in competitors]
    book = orient(judge_package(package, source, table, rules, pairs=pairs), focus, competitors)
    alone = orient(judge_package(package, source, table, rules, pairs=pairs, question=EVERY), focus, competitors)
    scores = package.scores
    cells = scores[(scores["source"] == source) & (scores["table"] == table)]
    sizes, subsets = stats.package_sizes(package), package.tables.get("benchmark_subsets")
    decimals = printed_decimals(package, source, table)
    per_row = pd.concat(
        [
            orient(judge(g, package.benchmarks, sizes, subsets, rules, pairs, EACH, decimals), focus, competitors)
            for _, g in cells.groupby("row_label", sort=False)
            if any(set(p) <= set(g["model"]) for p in pairs)
        ]
    )
    key = ["row_label", "competitor"]
    reference = book.set_index(key)["difference"]
    rows = []
    for name, seen in (
        ("each comparison alone (no correction)", alone),
        ("the comparisons of each benchmark row", per_row),
        ("the question's family (the book's rule)", book),
    ):
        counts = seen["difference"].value_counts()
        rows.append(
            {
                "family": name,
                "comparisons corrected together": "1"
                if seen is alone
                else "per row"
                if seen is per_row
                else str(family_size(judge_package(package, source, table, rules, pairs=pairs))),
                **{v: int(counts.get(v, 0)) for v in ("ahead", "behind", "not resolved")},
                "verdicts that differ from the book's": int(
                    (seen.set_index(key)["difference"].reindex(reference.index) != reference).sum()
                ),
            }
        )
    return pd.DataFrame(rows)


def needed_margin(seen: pd.DataFrame) -> float:
    """The smallest equivalence margin that would make every tested comparison equivalent (NaN when
    none is tested)."""
    tested = seen[seen["difference"] != "no test"]
    return tested["smallest_margin"].max() if len(tested) else float("nan")
