"""Judging comparisons between models: one rule for every chapter and the claims audit.

- **The family.** The paper's tables compare models within size classes (small, medium,
  large; ``data/models.csv``). Every pair of models of the same class printed in one source
  table, on every row where both have a score, is one family of comparisons; the pairs that
  cross classes in that table are one more family. The correction for many comparisons covers
  a whole family, so a pair's verdict is fixed by the data, not by which chapter shows it or
  which models a reader picks.
- **Like for like.** Two cells are compared only when they come from the same table and row
  and neither carries a footnote marker saying it was obtained in another setting (other
  shots, no chain of thought, zero-shot); otherwise the pair gets "no test", with the reason.
- **The test.** :mod:`herd.stats` chooses it by the benchmark's metric kind; the corrected
  level of each comparison is also the level of the interval shown for it, so an interval
  that excludes zero always stands next to "ahead" or "behind".
- **The verdicts.** ``ahead`` / ``behind`` (the corrected test rejects), ``equivalent`` (the
  whole interval lies within ±margin), ``not resolved`` (neither), ``no test``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from . import formats, stats

VERDICTS = stats.VERDICTS
FAMILY = (
    "every pair of models of the same size class printed in one source table, on every row where both "
    "have a score (pairs across classes in that table form one more family)"
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
    models: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every pair of models on every row of one source table, judged.

    ``scores`` holds the rows of one table (columns of ``data/scores.csv``); ``sizes`` comes
    from :func:`herd.stats.effective_sizes` over the whole package (official sizes only when
    omitted); ``subsets`` is ``data/benchmark_subsets.csv`` (needed for macro averages);
    ``models`` (``data/models.csv``) gives the size classes that set the families (one family
    when omitted).
    """
    tables = scores[["source", "table"]].drop_duplicates()
    if len(tables) != 1:
        raise ValueError(
            f"judge one source table at a time; got {len(tables)}: "
            + ", ".join(f"{s} {t}" for s, t in tables.itertuples(index=False))
        )
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
    size_class = {} if models is None else models.set_index("key")["size_class"].to_dict()
    rows = []
    for row_label, cells in scores.groupby("row_label", sort=False):
        by_model = cells.set_index("model")
        present = [m for m in order if m in by_model.index]
        for a, b in combinations(present, 2):
            rec = _pair(by_model.loc[a], by_model.loc[b], a, b, row_label, info, n_of, subset_sizes)
            ca, cb = size_class.get(a, "all"), size_class.get(b, "all")
            rec["family"] = ca if ca == cb else "across classes"
            rows.append(rec)
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    return _decide(out, rules)


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


def _decide(out: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    testable = out["testable"].to_numpy(dtype=bool)
    idx = np.nonzero(testable)[0]
    p = np.full(len(out), np.nan)
    methods = [""] * len(out)
    for i in idx:
        r = out.iloc[i]
        p[i], methods[i] = stats.gap_pvalue(r["score_a"], r["score_b"], r["n"], r["n"], r["kind"])
    out["p"] = p
    out["method"] = methods
    adjusted = np.full(len(out), np.nan)
    levels = np.full(len(out), np.nan)
    for _, members in out.iloc[idx].groupby("family").groups.items():
        where = out.index.get_indexer(members)
        adjusted[where] = stats.adjust(p[where], rules.correction)
        levels[where] = stats.comparison_levels(p[where], rules.alpha, rules.correction)
    out["p_adjusted"] = adjusted
    out["level"] = levels
    tested = out.iloc[idx]
    lows, highs = stats.gap_intervals(
        tested["score_a"], tested["score_b"], tested["n"], tested["n"], list(tested["kind"]), tested["level"]
    )
    for i, lo, hi in zip(idx, lows, highs):
        r = out.iloc[i]
        rejected = bool(p[i] < levels[i])
        if rejected != (lo > 0 or hi < 0):
            raise AssertionError(
                f"{r['row_label']}: {r['model_a']} vs {r['model_b']}: test (p = {p[i]:.4g} at level "
                f"{levels[i]:.4g}) and interval ({lo:.3f}, {hi:.3f}) disagree"
            )
        out.at[out.index[i], "gap_low"], out.at[out.index[i], "gap_high"] = lo, hi
        out.at[out.index[i], "verdict"] = stats.verdict(lo, hi, rules.margin)
        out.at[out.index[i], "within_margin"] = bool(-rules.margin <= lo and hi <= rules.margin)
        out.at[out.index[i], "smallest_margin"] = max(abs(lo), abs(hi))
        if not rejected:
            out.at[out.index[i], "rho_to_resolve"] = stats.correlation_to_resolve(
                r["score_a"], r["score_b"], r["n"], float(levels[i]), r["kind"]
            )
    out["within_margin"] = out["within_margin"].astype(bool)
    return out


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
            "within_margin": mine["within_margin"],
            "smallest_margin": mine["smallest_margin"],
            "rho_to_resolve": mine["rho_to_resolve"],
        }
    )
    for col in ("focus_score", "competitor_score", "gap", "gap_low", "gap_high"):
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


def judge_package(package, source: str, table: str, rules: Rules = Rules()) -> pd.DataFrame:
    """:func:`judge` for one table of a loaded data package (sizes and subsets from the package)."""
    scores = package.scores
    cells = scores[(scores["source"] == source) & (scores["table"] == table)]
    if cells.empty:
        raise ValueError(f"no scores from {source} {table} in the data package")
    return _judge_cached(package, source, table, rules)


_JUDGED: dict = {}


def _judge_cached(package, source: str, table: str, rules: Rules) -> pd.DataFrame:
    """:func:`judge` for one table, remembered for the rest of the process (a chapter asks for the same table
    more than once); nothing is kept on disk."""
    key = (package.sha256, source, table, rules)
    if key not in _JUDGED:
        scores = package.scores
        cells = scores[(scores["source"] == source) & (scores["table"] == table)]
        sizes = stats.package_sizes(package)
        subsets = package.tables.get("benchmark_subsets")
        _JUDGED[key] = judge(cells, package.benchmarks, sizes, subsets, rules, package.models)
    return _JUDGED[key].copy()


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
                "margin": margin,
                "low": None if pd.isna(r.gap_low) else float(r.gap_low),
                "high": None if pd.isna(r.gap_high) else float(r.gap_high),
                "p_adjusted": None if pd.isna(r.p_adjusted) else float(r.p_adjusted),
                "reason": r.reason,
            }
        )
    stored = [{k: formats.stored(v) for k, v in row.items()} for row in rows]
    return json.dumps(stored, sort_keys=True)


def equivalence_reachable(seen: pd.DataFrame, margin: float) -> pd.Series:
    """For each tested row of :func:`orient`, whether its test set could show equivalence within
    ±``margin`` at all: the interval of a zero gap (both scores at their mean), at the row's
    corrected level, must fit inside the margin. NaN for rows without a test."""
    out = []
    for r in seen.itertuples():
        if r.verdict == "no test" or pd.isna(r.level):
            out.append(np.nan)
            continue
        mid = (float(r.focus_score) + float(r.competitor_score)) / 2
        lo, hi = stats.gap_interval(mid, mid, r.n, r.n, r.kind, alpha=float(r.level))
        out.append(bool(-margin <= lo and hi <= margin))
    return pd.Series(out, index=seen.index, dtype=object)


def describe_pair(seen: pd.DataFrame, focus_name: str, other_name: str, margin: float) -> str:
    """One sentence answering "is ``focus`` equivalent to ``other``?" from :func:`orient` rows of
    one pair: how many tested rows are equivalent, ahead, behind, not resolved, and untested."""
    tested = seen[seen["verdict"] != "no test"]
    by = {v: list(tested.loc[tested["verdict"] == v, "row_label"]) for v in VERDICTS}
    untested = list(seen.loc[seen["verdict"] == "no test", "row_label"])

    def rows(labels: list[str]) -> str:
        return ", ".join(labels)

    n = len(tested)
    eq = by["equivalent"]
    if not n:
        head = f"None of the {len(seen)} benchmarks the table prints for both can be tested"
    elif len(eq) == n:
        head = f"Yes on all {n} tested benchmarks: every gap lies within ±{margin:g} points"
    else:
        which = "none" if not eq else f"{len(eq)}"
        head = (
            f"{focus_name} is equivalent to {other_name} within ±{margin:g} points on {which} of the {n} tested "
            f"benchmarks" + (f" ({rows(eq)})" if eq else "")
        )
    parts = []
    if by["behind"]:
        parts.append(f"{other_name} is ahead on {len(by['behind'])} ({rows(by['behind'])})")
    if by["ahead"]:
        parts.append(f"{focus_name} is ahead on {len(by['ahead'])} ({rows(by['ahead'])})")
    if by["not resolved"]:
        parts.append(
            f"{len(by['not resolved'])} {'is' if len(by['not resolved']) == 1 else 'are'} not resolved "
            f"({rows(by['not resolved'])})"
        )
    tail = f"; {'; '.join(parts)}" if parts and len(eq) != n else ""
    untested_text = f". {len(untested)} cannot be tested ({rows(untested)})" if untested and n else ""
    reach = equivalence_reachable(seen, margin).dropna() if "level" in seen else pd.Series(dtype=object)
    out_of_reach = int((~reach.astype(bool)).sum()) if len(reach) else 0
    reach_text = (
        f". At these test-set sizes and corrected levels, equivalence within ±{margin:g} points is out of reach on "
        f"{out_of_reach} of the {n} tested benchmarks whatever the scores"
        if out_of_reach
        else ""
    )
    return f"{head}{tail}{untested_text}{reach_text}."


def versus_competitors(package, source: str, table: str, focus: str, rules: Rules = Rules()) -> pd.DataFrame:
    """``focus`` against every model of the ``competitor`` family that a printed table shows, judged
    with the table's other comparisons (:func:`judge_package`, :func:`orient`), keeping the rows
    where both scores are printed.

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
    seen = orient(judge_package(package, source, table, rules), focus, rivals)
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
    from . import formats

    ahead = shown[shown["gap (points)"] > 0]
    row = ahead[ahead["benchmark"] == row_label]
    return {
        "quality_examples": formats.noun(row["gap in items"].max(), "example", decimals=1) if len(row) else "n/a",
        "n_wins": len(ahead),
        "n_wins_sig": int((ahead["verdict"] == "ahead").sum()),
        "n_wins_untested": int((ahead["verdict"] == "no test").sum()),
        "n_wins_small": int((ahead["gap in items"] < few).sum()),
        "quality_n": int(seen.loc[seen["row_label"] == row_label, "n"].dropna().iloc[0]),
        "quality_lead": "; ".join(f"{c}: {formats.gap(g)}" for c, g in zip(row["competitor"], row["gap in items"]))
        or "none",
    }


def size_label(package, model: str) -> str:
    """A model's size as a short column header, from ``parameters_billion``: ``405B``."""
    from . import formats

    return f"{formats.count(package.models.set_index('key').loc[model, 'parameters_billion'])}B"


def interval_text(seen: pd.DataFrame) -> pd.Series:
    """Each gap's interval as the book writes it (``+0.3 to +4.1``), from ``gap_low`` and ``gap_high``."""
    from . import formats

    return pd.Series(
        [formats.interval(lo, hi) for lo, hi in zip(seen["gap_low"], seen["gap_high"])], index=seen.index, dtype=object
    )


def tally(seen: pd.DataFrame) -> dict[str, int]:
    """How many comparisons get each verdict (rows of :func:`orient`).

    Returns
    -------
    dict
        ``n_ahead``, ``n_behind``, ``n_equivalent``, ``n_unresolved``, ``n_untested``, ``n_tested``
        (every verdict but *no test*) and ``n_pairs``.
    """
    counts = seen["verdict"].value_counts()
    out = {
        key: int(counts.get(verdict, 0))
        for verdict, key in [
            ("ahead", "n_ahead"),
            ("behind", "n_behind"),
            ("equivalent", "n_equivalent"),
            ("not resolved", "n_unresolved"),
            ("no test", "n_untested"),
        ]
    }
    out["n_tested"] = int((seen["verdict"] != "no test").sum())
    out["n_pairs"] = len(seen)
    return out


def family_size(judged: pd.DataFrame, family: str) -> int:
    """The testable comparisons of one family (size class, or ``across classes``) of a judged table:
    the number corrected together."""
    return int(judged.loc[judged["family"] == family, "testable"].sum())


def verdict_table(seen: pd.DataFrame, names) -> pd.DataFrame:
    """:func:`verdict_counts` as a chapter shows it: one row per competitor, by name."""
    summary = verdict_counts(seen)
    summary.columns.name = None
    summary = summary.reset_index()
    summary["competitor"] = summary["competitor"].map(names)
    return summary


def detail_table(seen: pd.DataFrame) -> pd.DataFrame:
    """Every comparison of :func:`orient` with its interval written out, the confidence of its level,
    the test used and the per-item agreement ρ an unresolved gap would need (``unreachable`` when none
    would do): ``row_label``, ``competitor_name``, ``verdict``, ``gap``, ``interval``, ``p_adjusted``,
    ``n``, ``confidence``, ``test``, ``rho``, ``why``."""
    from . import formats

    detail = seen.assign(
        interval=interval_text(seen),
        confidence=seen["level"].map(formats.confidence),
        test=seen["method"].map({"exact": "exact", "score": "score"}).fillna(""),
        # the agreement an unresolved gap would need; other verdicts need none
        rho=[
            "—" if v != "not resolved" else "unreachable" if r == float("inf") else formats.number(r, 2)
            for r, v in zip(seen["rho_to_resolve"], seen["verdict"])
        ],
        why=seen["reason"],
    )
    return detail[
        [
            "row_label",
            "competitor_name",
            "verdict",
            "gap",
            "interval",
            "p_adjusted",
            "n",
            "confidence",
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
        ``n_ahead_unresolved`` and ``n_behind_unresolved`` (unresolved gaps where the focus model's
        printed score is higher, lower), ``largest_unresolved_gap`` and ``smallest_resolved_gap``
        (points, as the book writes them, or ``none``), ``n_unlike`` (pairs not like for like),
        ``n_fragile``, ``n_robust`` (no agreement would resolve them), ``n_resolved`` and
        ``n_resolved_big_n`` (resolved on benchmarks of at least ``large_n`` items).
    """
    from . import formats

    tested = seen[seen["verdict"] != "no test"]
    unresolved = tested[tested["verdict"] == "not resolved"]
    resolved = tested[tested["verdict"].isin(["ahead", "behind"])]["gap"].abs()
    big_n = tested[tested["n"] >= large_n]
    return {
        "n_ahead_unresolved": int((unresolved["gap"] > 0).sum()),
        "n_behind_unresolved": int((unresolved["gap"] < 0).sum()),
        "largest_unresolved_gap": formats.number(unresolved["gap"].abs().max()) if len(unresolved) else "none",
        "smallest_resolved_gap": formats.number(resolved.min()) if len(resolved) else "none",
        "n_unlike": int((~seen["like_for_like"]).sum()),
        "n_fragile": len(unresolved[unresolved["rho_to_resolve"].round(2) <= modest_rho]),  # as the tables print ρ
        "n_robust": int((unresolved["rho_to_resolve"] == float("inf")).sum()),
        "n_resolved": len(resolved),
        "n_resolved_big_n": int(big_n["verdict"].isin(["ahead", "behind"]).sum()),
    }


def size_ratio(package, model: str, reference: str) -> str:
    """How many times ``model``'s size ``reference`` is, as the book writes it, or ``an undisclosed
    multiple of`` when either size is not published."""
    from . import formats

    sizes = package.models.set_index("key")["parameters_billion"]
    if pd.notna(sizes[model]) and pd.notna(sizes[reference]):
        return formats.number(sizes[reference] / sizes[model])
    return "an undisclosed multiple of"


def family_text(judged: pd.DataFrame, seen: pd.DataFrame) -> str:
    """Which family one pair's comparisons (rows of :func:`orient`) are corrected with, in a sentence."""
    family = seen["family"].iloc[0] if len(seen) else ""
    who = "models of different size classes" if family == "across classes" else f"{family} models"
    return (
        f"its {int(seen['testable'].sum())} testable rows are corrected together with the other comparisons of "
        f"{who} in that table, {family_size(judged, family)} in all."
    )


def pair_detail(seen: pd.DataFrame, margin: float) -> pd.DataFrame:
    """One pair's comparisons (rows of :func:`orient`) with the interval written out, its
    confidence, and whether any scores could be shown equivalent within ``margin`` at that N and
    level (:func:`equivalence_reachable`): ``row_label``, ``verdict``, the two scores, ``gap``,
    ``interval``, ``smallest_margin``, ``reachable``, ``n``, ``confidence``, ``reason``."""
    from . import formats

    reachable = equivalence_reachable(seen, margin)
    detail = seen.assign(
        interval=interval_text(seen),
        confidence=seen["level"].map(formats.confidence),
        reachable=reachable.map({True: "yes", False: "no"}).fillna("—"),
    )
    return detail[
        [
            "row_label",
            "verdict",
            "focus_score",
            "competitor_score",
            "gap",
            "interval",
            "smallest_margin",
            "reachable",
            "n",
            "confidence",
            "reason",
        ]
    ]


def needed_margin(seen: pd.DataFrame) -> float:
    """The smallest equivalence margin that would make every tested comparison equivalent (NaN when
    none is tested)."""
    tested = seen[seen["verdict"] != "no test"]
    return tested["smallest_margin"].max() if len(tested) else float("nan")
