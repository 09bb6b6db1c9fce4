"""Judging comparisons between models: one rule for every chapter and the claims audit.

- **The family is the question's.** A question asks about a set of comparisons (the focus model against
  the competitors a chapter chose, one pair on every row of a table, the pairs a claim names); the
  correction for many comparisons covers exactly those, no more. A question that asks which of several
  comparisons come out one way ("on which rows is it ahead?") is corrected over them (:data:`EACH`); a
  claim that must hold on every row at once (intersection–union: "ahead on every benchmark", "at least on
  a par everywhere") or a single comparison needs no correction (:data:`EVERY`); a claim that holds if any one
  row shows it ("trails in some areas", "ahead on some row") is corrected over every row it could rest on: each
  at α/k (Bonferroni over them), so it is shown when the smallest p-value in the stated order passes it
  (:data:`SOME`, :func:`herd.method.rowwise.some_row`).
- **Like for like.** Two cells are compared only when they come from the same table and row
  and neither carries a footnote marker saying it was obtained in another setting (other
  shots, no chain of thought, zero-shot); otherwise the pair gets "no test", with the reason.
- **The test.** :mod:`herd.method.stats` chooses it by the benchmark's metric kind; each comparison's interval is
  drawn at the level its corrected test uses, so an interval that excludes zero always stands next to
  "ahead" or "behind" (a Holm level is a step-down level, not a simultaneous one).
- **The printed rounding.** Scores are printed to a tenth of a point: a verdict stands only if it holds for
  every pair of true scores the printing allows (:func:`herd.method.stats.printed_range`); the p-value and the
  interval are taken at the least favourable of them, and so is a macro average's effective N, which depends on
  the score (:func:`least_macro_n`). A verdict that holds only at the printed scores is *not resolved* and flagged.
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
from scipy.optimize import minimize_scalar

from ..base import memo
from . import sample_sizes, stats

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
    "count_rounding",
    "p_worst",
    "p_equivalence",
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
    from :func:`herd.method.sample_sizes.effective_sizes` over the whole package (official sizes only when
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
        sizes = sample_sizes.effective_sizes(benchmarks, scores.iloc[:0])
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

    def compute() -> pd.DataFrame:
        rows = []
        for row_label, cells in scores.groupby("row_label", sort=False):
            by_model = cells.set_index("model")
            present = [m for m in order if m in by_model.index]
            wanted = combinations(present, 2) if asked is None else [p for p in asked if set(p) <= set(present)]
            for a, b in wanted:
                rec = _pair(by_model.loc[a], by_model.loc[b], a, b, row_label, info, n_of, subset_sizes, decimals)
                rec["family"] = question
                rows.append(rec)
        out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
        return _decide(out, rules, question, decimals)

    # a table with its exact tests takes up to a minute, and the benchmarks and claims chapters, the claims audit
    # and the tests judge the same tables: kept in herd.base.memo under everything the judgment reads
    inputs = {
        "frames": [memo.frame_key(f) for f in (scores, benchmarks, sizes, subsets) if f is not None],
        "subsets": subsets is not None,
        "rules": [rules.alpha, rules.correction, rules.margin],
        "pairs": asked,
        "question": question,
        "decimals": decimals,
    }
    return memo.remember(__name__, "judge", inputs, compute, memo.frame_dump, _judged_load)


def _judged_load(data: dict) -> pd.DataFrame:
    """A judged table as :func:`judge` returned it: :func:`herd.base.memo.frame_load`, a missing value in a column
    of objects (a page or a marker when the table has none) ``pd.NA`` again, as the data package's cells hold it."""
    frame = memo.frame_load(data)
    for column in [c for c, dtype in frame.dtypes.items() if dtype == np.dtype(object)]:
        frame[column] = pd.Series([pd.NA if v is None else v for v in frame[column]], frame.index, dtype=object)
    return frame


def _pair(
    ca: pd.Series,
    cb: pd.Series,
    a: str,
    b: str,
    row_label: str,
    info: pd.DataFrame,
    n_of: pd.DataFrame,
    subset_sizes: dict,
    decimals: int = 1,
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
            least_macro_n(sizes, float(ca["score"]), decimals), least_macro_n(sizes, float(cb["score"]), decimals)
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


ZERO_GAP = 1e-9
"""Gaps (points) this close to zero between the ends of two printed ranges are a zero gap: rounding error of the
ends' arithmetic, far below any printed digit."""


def least_macro_n(subset_sizes, score: float, decimals: int = 1) -> float:
    """The effective N of a macro average (:func:`herd.method.sample_sizes.macro_average_n`) at the least favourable
    of the true scores its printing allows (:func:`herd.method.stats.printed_range`): the smallest N over that range, as
    the p-value and the interval are taken at the least favourable pair of scores. The N changes slowly and smoothly
    over a tenth of a point; the smallest is found on a grid of 11 scores across the range, then refined between the
    grid points around the smallest."""
    low, high = stats.printed_range(score, float("nan"), "macro-average", decimals)
    grid = np.linspace(low, high, 11)
    ns = [sample_sizes.macro_average_n(subset_sizes, float(s)) for s in grid]
    i = int(np.argmin(ns))
    inner = minimize_scalar(
        lambda s: sample_sizes.macro_average_n(subset_sizes, float(s)),
        bounds=(grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]),
        method="bounded",
        options={"xatol": 1e-9},
    )
    return float(min(ns[i], inner.fun))


def printed_corners(out: pd.DataFrame, decimals: int) -> tuple[np.ndarray, ...]:
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
    out["count_rounding"] = False
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
    a_lo, a_hi, b_lo, b_hi = printed_corners(t, decimals)
    correction = question_correction(question, rules)
    m = rules.margin

    # the difference: the p-value at the corner nearest a zero gap (1 when the printing allows none)
    p_printed = np.array([stats.gap_pvalue(x, y, k_n, k_n, k)[0] for x, y, k_n, k in zip(a, b, n, kinds)])
    methods = [stats.gap_pvalue(x, y, k_n, k_n, k)[1] for x, y, k_n, k in zip(a, b, n, kinds)]
    # a range whose ends meet allows a zero gap (88.6 and 88.7 both allow 88.65): a float's last bit must not hide it
    above, below = a_lo - b_hi > ZERO_GAP, a_hi - b_lo < -ZERO_GAP
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
    out.loc[where, "p_equivalence"] = np.maximum(p_lower, p_upper)  # the TOST p-value: both one-sided tests reject
    out.loc[where, "p_adjusted"] = adjusted
    out.loc[where, "level"] = levels
    out.loc[where, "gap_low"], out.loc[where, "gap_high"] = lows, highs
    out.loc[where, "difference"] = difference
    out.loc[where, "printed_difference"] = printed
    out.loc[where, "rounding_flip"] = difference != printed
    # a mean's score times N rounded to whole items: would another rounding reach the other decision?
    out.loc[where, "count_rounding"] = [
        stats.rounding_decides(x, y, k_n, k_n, k, float(lv))
        for x, y, k_n, k, lv in zip(near_a, near_b, n, kinds, levels)
    ]
    out.loc[where, "eq_level"] = eq_levels
    out.loc[where, "eq_low"], out.loc[where, "eq_high"] = eq_lows, eq_highs
    out.loc[where, "equivalence"] = np.where(equivalent, "equivalent", "not shown")
    out.loc[where, "noninferior"] = shows_low  # a is not worse than b by the margin
    out.loc[where, "noninferior_b"] = shows_high  # b is not worse than a by the margin
    out.loc[where, "within_margin"] = equivalent
    out.loc[where, "smallest_margin"] = np.maximum(np.abs(eq_lows), np.abs(eq_highs))
    out.loc[where, "verdict"] = combined_verdict(difference, np.where(equivalent, "equivalent", "not shown"))
    # a range of true scores that allows a zero gap is resolved by no agreement whatever: unreachable
    out.loc[where, "rho_to_resolve"] = [
        np.nan if r else stats.correlation_to_resolve(x, y, k_n, float(lv), k) if (up or down) else np.inf
        for r, x, y, k_n, lv, k, up, down in zip(rejected, near_a, near_b, n, levels, kinds, above, below)
    ]
    for col in ("within_margin", "rounding_flip", "count_rounding", "noninferior", "noninferior_b"):
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
            "count_rounding": mine["count_rounding"],
            "p_worst": mine["p_worst"],
            "p_equivalence": mine["p_equivalence"],
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
        sizes = sample_sizes.package_sizes(package)
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


def resolved_at(seen: pd.DataFrame, rhos) -> list[int]:
    """For each per-item correlation in ``rhos``, how many unresolved gaps of ``seen`` (rows of :func:`orient`) a
    paired test would resolve at their level if the two models' per-item results correlated that much
    (``rho_to_resolve`` at most it, as the tables print ρ)."""
    unresolved = seen[seen["difference"] == "not resolved"]
    needed = unresolved["rho_to_resolve"].round(2)
    return [int((needed <= rho).sum()) for rho in rhos]


DIFFERENCE_COLUMNS = (
    "difference",
    "printed_difference",
    "rounding_flip",
    "count_rounding",
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


def printed_interval(row: pd.Series) -> tuple[float, float]:
    """One comparison's interval (a row of :func:`orient`) at its level but at the printed scores, to show what
    the allowance for the printed rounding changed."""
    return stats.gap_interval(
        float(row["focus_score"]), float(row["competitor_score"]), row["n"], row["n"], row["kind"], float(row["level"])
    )


def needed_margin(seen: pd.DataFrame) -> float:
    """The smallest equivalence margin that would make every tested comparison equivalent (NaN when
    none is tested)."""
    tested = seen[seen["difference"] != "no test"]
    return tested["smallest_margin"].max() if len(tested) else float("nan")
