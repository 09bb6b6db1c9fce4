"""What picking the threshold with the largest gain does to a benchmark with no
contamination effect at all.

The Llama 3 paper (§5.1.4) scores each example's contamination, and for each benchmark
picks the threshold T_D "which shows the maximal significant estimated performance
gain across the three model sizes". This module simulates that selection on a
benchmark of N examples whose correctness is independent of contamination, so any
"gain" it finds is chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import stats


def estimated_gain(correct: np.ndarray, contaminated: np.ndarray) -> float:
    """Singh et al.'s estimated performance gain: accuracy on all examples minus accuracy
    on the clean ones, in points."""
    clean = ~contaminated
    if clean.sum() == 0 or contaminated.sum() == 0:
        return float("nan")
    return 100.0 * (correct.mean() - correct[clean].mean())


def _significant(correct: np.ndarray, contaminated: np.ndarray, alpha: float) -> bool:
    """Whether contaminated and clean accuracy differ at ``alpha``, by the book's test of two
    independent proportions (:func:`herd.stats.score_pvalue`)."""
    a, b = correct[contaminated], correct[~contaminated]
    if len(a) < 2 or len(b) < 2:
        return False
    return stats.score_pvalue(float(a.sum()), len(a), float(b.sum()), len(b)) < alpha


def simulate(
    n: int, accuracies: list[float], thresholds: np.ndarray, reps: int = 1000, alpha: float = 0.05, seed: int = 0
) -> pd.DataFrame:
    """One row per replicate: the threshold picked, the contaminated share there and each
    model's gain, or no pick when no threshold shows a significant positive gain.

    Contamination scores are uniform on [0, 1] and independent of correctness; each model
    answers each example correctly with its accuracy."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(reps):
        scores = rng.random(n)
        correct = [rng.random(n) < acc for acc in accuracies]
        best = None
        for t in thresholds:
            contaminated = scores > t
            gains = [estimated_gain(c, contaminated) for c in correct]
            if any(np.isnan(gains)):
                continue
            sig = [g > 0 and _significant(c, contaminated, alpha) for g, c in zip(gains, correct)]
            if any(sig):
                top = max(gains)
                if best is None or top > best[0]:
                    best = (top, t, contaminated.mean(), gains)
        if best is None:
            rows.append(
                {
                    "rep": r,
                    "picked": False,
                    "threshold": np.nan,
                    "contaminated_pct": np.nan,
                    **{f"gain_{i}": np.nan for i in range(len(accuracies))},
                }
            )
        else:
            rows.append(
                {
                    "rep": r,
                    "picked": True,
                    "threshold": best[1],
                    "contaminated_pct": 100 * best[2],
                    **{f"gain_{i}": g for i, g in enumerate(best[3])},
                }
            )
    return pd.DataFrame(rows)


MODELS = ("llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b")
THRESHOLDS = np.linspace(0.1, 0.9, 9)
WIDEST = 0.5  # the accuracy with the largest binomial variance: the widest null


def accuracies(scores: pd.DataFrame, benchmark: str, models=MODELS) -> tuple[list[float], str]:
    """Each model's pre-trained accuracy on ``benchmark`` (a share), and where it comes from:
    the paper's pre-trained tables, else the model card; where neither prints one, 0.5, the
    accuracy whose null is widest."""
    pre = scores[(scores["training"] == "pre-trained") & (scores["benchmark"] == benchmark)].dropna(subset=["score"])
    for source, label in (
        ("llama3-paper-v3", "paper, pre-trained tables"),
        ("llama-models-model-card", "model card, base models"),
    ):
        rows = pre[pre["source"] == source]
        found = [rows[rows["model"] == m]["score"] for m in models]
        if all(len(f) for f in found):
            return [float(f.iloc[0]) / 100 for f in found], label
    return [WIDEST] * len(models), "not published: 0.5, the widest null"


def row_thresholds(thresholds: np.ndarray, contaminated_pct) -> np.ndarray:
    """The thresholds tried for one benchmark: the grid, plus the one at which uniform scores give
    the contaminated share the paper reports for it (Table 15 reports up to 99 %, leaving a clean
    set of 1 %: where chance gains are largest, and beyond the grid's 10–90 %)."""
    if pd.isna(contaminated_pct):
        return np.asarray(thresholds, dtype=float)
    at_reported = 1.0 - float(contaminated_pct) / 100.0
    return np.unique(np.append(np.asarray(thresholds, dtype=float), np.clip(at_reported, 0.001, 0.999)))


def table15_null(
    t15: pd.DataFrame,
    sizes: pd.DataFrame,
    scores: pd.DataFrame,
    names: pd.Series,
    reps: int = 200,
    alpha: float = 0.05,
    seed: int = 0,
    thresholds: np.ndarray = THRESHOLDS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The selection rule's null for every row of Table 15 at the benchmark's full N.

    ``t15``: the paper's table (``data.contamination``); ``sizes``: ``stats.effective_sizes``
    indexed by benchmark; ``scores``: the score table (for each model's accuracy); ``names``:
    benchmark names by key. Returns the chance gains of the 405B (one row per replicate that
    picked a threshold, for the chart) and one row per Table 15 benchmark: the reported gain,
    simulated with the grid of thresholds plus the one that gives the benchmark's reported
    contaminated share (:func:`row_thresholds`),
    N and its basis, the accuracies used and their source, the share of null benchmarks where
    the rule picks a threshold, the median chance gain, and, among the null benchmarks where the
    rule picks a threshold (the paper prints a gain only then), the share whose gain is at least
    as large as the reported one. A row that cannot be simulated says why in
    ``not_simulated`` and keeps its place."""
    nulls, rows = [], []
    for i, row in enumerate(t15.itertuples()):
        name = names.get(row.benchmark, row.benchmark)
        n = sizes["n"].get(row.benchmark, pd.NA)
        accs, acc_source = accuracies(scores, row.benchmark)
        base = {
            "benchmark": name,
            "gain": row.gain_405b,
            "n": pd.NA if pd.isna(n) else int(n),
            "n_basis": sizes["basis"].get(row.benchmark, "none"),
            "accuracies": " / ".join(f"{a:.3f}" for a in accs),
            "accuracy_source": acc_source,
            "null_picked": np.nan,
            "null_median": np.nan,
            "null_p": np.nan,
            "not_simulated": "",
        }
        if pd.isna(row.gain_405b):
            rows.append(base | {"not_simulated": f"no gain reported ({row.blank_reason})"})
            continue
        if pd.isna(n):
            rows.append(base | {"not_simulated": "no test-set size N, from a source or from printed intervals"})
            continue
        sim = simulate(
            int(n), accs, row_thresholds(thresholds, row.contaminated_pct), reps=reps, alpha=alpha, seed=seed + i
        )
        gains = sim.loc[sim["picked"], f"gain_{len(accs) - 1}"].to_numpy()
        nulls.append(pd.DataFrame({"benchmark": name, "gain": gains}))
        rows.append(
            base
            | {
                "null_picked": float(sim["picked"].mean()),
                "null_median": float(np.median(gains)) if len(gains) else np.nan,
                # among the null benchmarks where the rule picks a threshold: Table 15 prints a gain only then
                "null_p": float((gains >= row.gain_405b).sum() / len(gains)) if len(gains) else np.nan,
            }
        )
    null = pd.concat(nulls, ignore_index=True) if nulls else pd.DataFrame(columns=["benchmark", "gain"])
    return null, pd.DataFrame(rows)


NULL_COLUMNS = {
    "benchmark": "benchmark",
    "gain": "reported gain 405B",
    "null_p": "share of chance gains at least as large",
    "null_median": "median chance gain",
    "null_picked": "share of null benchmarks with a pick",
    "n": "N",
    "n_basis": "N from",
    "accuracies": "accuracy 8B / 70B / 405B",
    "accuracy_source": "accuracy from",
    "note": "not simulated",
}
"""The columns of the chapter's null table, decisive ones first, with the names the page shows."""


def _letters(reasons) -> dict[str, str]:
    """A note letter (a, b, ...) for each distinct non-blank reason, in order of first appearance."""
    distinct = dict.fromkeys(r for r in reasons if isinstance(r, str) and r)
    return {r: chr(ord("a") + i) for i, r in enumerate(distinct)}


def null_display(reported: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of :func:`table15_null` as the page shows them: the decisive columns first, and a
    row that was not simulated marked by a letter whose reason the second table gives (one letter
    per distinct reason)."""
    reasons = _letters(reported["not_simulated"])
    shown = reported.assign(note=reported["not_simulated"].map(lambda r: reasons.get(r, "")))
    notes = pd.DataFrame({"note": list(reasons.values()), "why the row was not simulated": list(reasons.keys())})
    return shown[list(NULL_COLUMNS)].rename(columns=NULL_COLUMNS), notes


def table15(package) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The paper's Table 15 as the chapter shows it, and the notes to its blank rows.

    Returns
    -------
    tuple of pandas.DataFrame
        The table (benchmark name, contaminated share, the three gains and the letter of the note
        that says why a row is blank) and the notes (one per distinct reason, lettered a, b, ...).
    """
    t15 = package.contamination
    reasons = _letters(t15["blank_reason"].dropna())
    shown = pd.DataFrame(
        {
            "benchmark": t15["benchmark"].map(package.benchmarks.set_index("key")["name"]),
            "contaminated (%)": t15["contaminated_pct"],
            "gain 8B": t15["gain_8b"],
            "gain 70B": t15["gain_70b"],
            "gain 405B": t15["gain_405b"],
            "why blank": t15["blank_reason"].map(reasons),
        }
    )
    notes = pd.DataFrame([{"note": letter, "why the row is blank": reason} for reason, letter in reasons.items()])
    return shown, notes


def package_null(package, reps: int = 200, alpha: float = 0.05, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`table15_null` of the data package's Table 15, at each benchmark's N
    (:func:`herd.stats.package_sizes`)."""
    sizes = stats.package_sizes(package).set_index("benchmark")
    names = package.benchmarks.set_index("key")["name"]
    return table15_null(package.contamination, sizes, package.scores, names, reps=reps, alpha=alpha, seed=seed)


def simulated(reported: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`table15_null`'s table that were simulated."""
    return reported[reported["not_simulated"] == ""]


def null_summary(reported: pd.DataFrame, level: float = 0.05) -> dict[str, object]:
    """What the null simulation shows, from the table of :func:`table15_null`.

    Returns
    -------
    dict
        ``null_share`` (the mean share of null benchmarks where the rule picks a threshold, as the
        book writes it), ``n_beyond`` (reported gains beyond the null's ``1 - level`` quantile),
        ``n_reported`` (rows simulated), ``n_t15`` (rows of Table 15), ``n_not_simulated`` and
        ``n_widest`` (rows simulated at the widest null, no accuracy being published).
    """
    from . import formats

    sim = simulated(reported)
    return {
        "null_share": formats.share(sim["null_picked"].mean()),
        "n_beyond": len(sim[sim["null_p"] < level]),
        "n_reported": len(sim),
        "n_t15": len(reported),
        "n_not_simulated": len(reported) - len(sim),
        "n_widest": int((sim["accuracy_source"].str.startswith("not published")).sum()),
    }
