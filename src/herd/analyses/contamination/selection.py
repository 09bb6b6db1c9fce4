"""What picking the threshold with the largest gain does to a benchmark with no
contamination effect at all.

The Llama 3 paper (§5.1.4) scores each example's contamination, and for each benchmark
picks the threshold T_D "which shows the maximal significant estimated performance
gain across the three model sizes". This module simulates that selection on a
benchmark of N examples whose correctness is independent of contamination, so any
"gain" it finds is chance.

Items are not independent across models: an item hard for one model tends to be hard for the
others. Each item has a latent difficulty z; model m answers it correctly when
√ρ·z + √(1−ρ)·ε_m < Φ⁻¹(accuracy_m), with ε_m the model's own noise (a probit item-response
model, a Gaussian copula). ρ = 0 is independence; the chapter sets ρ so that two models' right
or wrong outcomes correlate as much as published item-level correlations between language
models say (:func:`latent_correlation`).

Under the null a benchmark's items are exchangeable: each has a contamination score (uniform,
independent of everything else) and a pattern of right and wrong answers across the models
(independent across items, with the probabilities of :func:`pattern_probabilities`). Every
quantity the selection rule reads (counts of items and of right answers above and below each
threshold) is a sum over items, so a benchmark is drawn at once as multinomial counts over
(score interval × answer pattern) cells: the same distribution as drawing every item, at a cost
that does not grow with N (``tests/test_selection.py`` checks the two against each other).

A gain is judged only where the Monte Carlo error cannot change the decision (:func:`herd.method.montecarlo.decide`);
a row near its level gets more draws (:func:`settle_rows`). Every row, seed and batch has a stream of its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from herd.base import memo
from herd.method import montecarlo, sample_sizes

MODELS = ("llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b")
THRESHOLDS = np.linspace(0.1, 0.9, 9)
WIDEST = 0.5  # the accuracy with the largest binomial variance: the widest null
LATENT_MAX = 0.999
"""The largest latent correlation used: at 1 the models' answers are a deterministic function of
the item, a degenerate limit."""

_Z = np.linspace(-12.0, 12.0, 4801)
_W = np.exp(-0.5 * _Z**2)
_W /= _W.sum()
"""Quadrature over the latent difficulty z ~ N(0, 1): a fine grid whose weights are the normal
density, normalised (the trapezoid rule, accurate to rounding for these smooth integrands)."""


# ------------------------------------------------------------------ the item model


def _patterns(models: int) -> np.ndarray:
    """Every right-or-wrong pattern of ``models`` models, one row each: bit m of row k is model m."""
    return (np.arange(2**models)[:, None] >> np.arange(models)) & 1


def pattern_probabilities(accuracies, correlation: float) -> np.ndarray:
    """The probability of each right-or-wrong pattern across the models on one item (rows of
    :func:`_patterns`), when each model answers with its accuracy and the latent correlation of
    their answers through the item's difficulty is ``correlation`` (0 ≤ ρ ≤ :data:`LATENT_MAX`)."""
    acc = np.asarray(accuracies, dtype=float)
    if not 0.0 <= correlation <= LATENT_MAX:
        raise ValueError(f"correlation: expected a latent correlation in [0, {LATENT_MAX}], got {correlation}")
    if np.any((acc <= 0) | (acc >= 1)):
        raise ValueError(f"accuracies: expected shares strictly between 0 and 1, got {list(acc)}")
    right = ndtr((ndtri(acc)[None, :] - np.sqrt(correlation) * _Z[:, None]) / np.sqrt(1.0 - correlation))
    bits = _patterns(len(acc))
    given_z = np.prod(np.where(bits[None, :, :] == 1, right[:, None, :], 1.0 - right[:, None, :]), axis=2)
    probs = _W @ given_z
    return probs / probs.sum()


def item_correlations(accuracies, correlation: float) -> np.ndarray:
    """The Pearson correlation of two models' right-or-wrong answers over items (the phi
    coefficient), for every pair of models, at latent correlation ``correlation``: the measure
    published item-level agreement between language models reports."""
    acc = np.asarray(accuracies, dtype=float)
    probs, bits = pattern_probabilities(acc, correlation), _patterns(len(acc))
    out = []
    for i in range(len(acc)):
        for j in range(i + 1, len(acc)):
            both = float(probs[(bits[:, i] == 1) & (bits[:, j] == 1)].sum())
            out.append((both - acc[i] * acc[j]) / np.sqrt(acc[i] * (1 - acc[i]) * acc[j] * (1 - acc[j])))
    return np.array(out)


def latent_correlation(accuracies, item_correlation: float) -> tuple[float, bool]:
    """The latent correlation ρ at which the models' right-or-wrong answers correlate on average
    (over the pairs of models) by ``item_correlation``, and whether that is reachable: models of
    very different accuracy cannot agree perfectly, so a high target may exceed what any ρ gives
    (then ρ is :data:`LATENT_MAX` and the flag is false)."""
    if not 0.0 <= item_correlation < 1.0:
        raise ValueError(f"item_correlation: expected a correlation in [0, 1), got {item_correlation}")
    if item_correlation == 0.0:
        return 0.0, True
    gap = lambda rho: float(item_correlations(accuracies, rho).mean()) - item_correlation  # noqa: E731
    if gap(LATENT_MAX) < 0:
        return LATENT_MAX, False
    return float(brentq(gap, 0.0, LATENT_MAX, xtol=1e-12)), True


# ------------------------------------------------------------------ the selection rule


def score_z(x1, n1, x2, n2):
    """The book's test statistic for two independent proportions (:func:`herd.method.score_test.score_statistic`,
    Miettinen–Nurminen) at a difference of 0, for arrays of sample sizes too: at δ = 0 the
    constrained estimate is the pooled share p, and the statistic is
    (x1/n1 − x2/n2) / √(p(1 − p)(1/n1 + 1/n2)·N/(N − 1)), N = n1 + n2 (equal to
    :func:`herd.method.score_test.score_statistic` to rounding; ``tests/test_selection.py``)."""
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    total = n1 + n2
    pooled = (x1 + x2) / total
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2) * total / (total - 1)
    diff = x1 / n1 - x2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            variance > 0,
            diff / np.sqrt(np.where(variance > 0, variance, 1.0)),
            np.where(diff == 0, 0.0, np.sign(diff) * np.inf),
        )


def simulate(
    n: int,
    accuracies: list[float],
    thresholds: np.ndarray,
    reps: int = 10_000,
    alpha: float = 0.05,
    seed: int | tuple[int, ...] = 0,
    correlation: float = 0.0,
) -> pd.DataFrame:
    """One row per replicate: the threshold picked, the contaminated share there and each
    model's gain, or no pick when no threshold shows a significant positive gain.

    Contamination scores are uniform on [0, 1] and independent of correctness; each model answers
    each example correctly with its accuracy, the models' answers correlated through the item's
    difficulty at latent correlation ``correlation`` (0: independent). At each threshold the
    examples scoring above it are contaminated; a model's gain counts when it is positive and
    contaminated and clean accuracy differ at ``alpha`` by the book's test of two independent
    proportions (:func:`score_z`, at least two examples on each side); among
    the thresholds where some model's gain counts, the rule picks the one with the largest gain
    of any model (the first on a tie), as the paper describes. Vectorised over replicates. ``seed`` is an integer
    or a tuple of them (NumPy's seed sequence: distinct tuples give independent streams)."""
    acc = np.asarray(accuracies, dtype=float)
    t = np.unique(np.asarray(thresholds, dtype=float))
    if reps < 1 or n < 1:
        raise ValueError(f"n and reps: expected positive counts, got n={n}, reps={reps}")
    widths = np.diff(np.concatenate([[0.0], t, [1.0]]))
    probs = pattern_probabilities(acc, correlation)
    cells = np.outer(widths, probs).ravel()
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, cells / cells.sum(), size=reps).reshape(reps, len(widths), len(probs))
    items, right = counts.sum(axis=2), counts @ _patterns(len(acc))  # per score interval
    n_c = np.cumsum(items[:, ::-1], axis=1)[:, ::-1][:, 1:]  # examples above each threshold
    r_c = np.cumsum(right[:, ::-1], axis=1)[:, ::-1][:, 1:]  # and their right answers per model
    n_k, total = n - n_c, right.sum(axis=1)
    r_k = total[:, None, :] - r_c
    defined = (n_c > 0) & (n_k > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        gains = 100.0 * (total[:, None, :] / n - r_k / n_k[:, :, None])
        z = score_z(r_c, n_c[:, :, None], r_k, n_k[:, :, None])
    # positive and significant (two-sided at alpha): the score statistic beyond the normal quantile
    testable = ((n_c >= 2) & (n_k >= 2))[:, :, None]
    counts_gain = (gains > 0) & testable & (z > ndtri(1.0 - alpha / 2.0))
    candidate = defined & counts_gain.any(axis=2)
    top = np.where(candidate, np.where(defined[:, :, None], gains, -np.inf).max(axis=2), -np.inf)
    pick = np.argmax(top, axis=1)
    picked = candidate.any(axis=1)
    rows = np.arange(reps)
    out = {
        "rep": rows,
        "picked": picked,
        "threshold": np.where(picked, t[pick], np.nan),
        "contaminated_pct": np.where(picked, 100.0 * n_c[rows, pick] / n, np.nan),
    }
    for m in range(len(acc)):
        out[f"gain_{m}"] = np.where(picked, gains[rows, pick, m], np.nan)
    return pd.DataFrame(out)


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


# ------------------------------------------------------------------ every row of Table 15


QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _chance(gains: np.ndarray, reported: float, alpha: float = 0.05) -> dict:
    """What the chance gains of the picked replicates say about one reported gain: how many
    replicates picked (``picks``), how many of them reach the reported gain (``beyond``), their
    share with its Monte Carlo standard error, the Monte Carlo p-value (beyond + 1) / (picks + 1)
    (which is never 0; Davison & Hinkley 1997, §4.2), the median chance gain and the largest chance
    gains (``top``, :func:`herd.method.montecarlo.largest`)."""
    m, k = len(gains), int((gains >= reported).sum())
    share = k / m if m else np.nan
    return {
        "picks": m,
        "beyond": k,
        "null_p": share,
        "null_p_se": float(np.sqrt(share * (1 - share) / m)) if m else np.nan,
        "p_value": (k + 1) / (m + 1),
        "null_median": float(np.median(gains)) if m else np.nan,
        "top": montecarlo.largest(gains, alpha),
    }


def _setups(
    t15: pd.DataFrame,
    sizes: pd.DataFrame,
    scores: pd.DataFrame,
    names: pd.Series,
    thresholds: np.ndarray,
    item_correlation: float,
) -> list[tuple[dict, dict | None]]:
    """For each row of Table 15, what :func:`table15_null` writes before simulating it, and what it
    simulates it with (:func:`simulate`'s ``n``, ``accuracies``, ``thresholds`` and ``correlation``), or
    None with the reason in ``not_simulated``."""
    out: list[tuple[dict, dict | None]] = []
    for row in t15.itertuples():
        name = names.get(row.benchmark, row.benchmark)
        n = sizes["n"].get(row.benchmark, pd.NA)
        accs, acc_source = accuracies(scores, row.benchmark)
        latent, reachable = latent_correlation(accs, item_correlation)
        base = {
            "benchmark": name,
            "gain": row.gain_405b,
            "n": pd.NA if pd.isna(n) else int(n),
            "n_basis": sizes["basis"].get(row.benchmark, "none"),
            "accuracies": " / ".join(f"{a:.3f}" for a in accs),
            "accuracy_source": acc_source,
            "item_correlation": float(item_correlation),
            "latent": latent,
            "reachable": reachable,
            "null_picked": np.nan,
            **{k: np.nan for k in ("picks", "beyond", "null_p", "null_p_se", "p_value", "null_median")},
            "top": [],
            "draws": np.nan,
            "not_simulated": "",
        }
        if pd.isna(row.gain_405b):
            out.append((base | {"not_simulated": f"no gain reported ({row.blank_reason})"}, None))
        elif pd.isna(n):
            out.append((base | {"not_simulated": "no test-set size N, from a source or from printed intervals"}, None))
        else:
            inputs = {
                "n": int(n),
                "accuracies": accs,
                "thresholds": row_thresholds(thresholds, row.contaminated_pct),
                "correlation": latent,
            }
            out.append((base, inputs))
    return out


def _picked_gains(inputs: dict, reps: int, alpha: float, seed: tuple[int, ...]) -> np.ndarray:
    """The 405B's chance gains in the replicates of one :func:`simulate` run where the rule picks a threshold."""
    sim = simulate(
        inputs["n"],
        inputs["accuracies"],
        inputs["thresholds"],
        reps=reps,
        alpha=alpha,
        seed=seed,
        correlation=inputs["correlation"],
    )
    return sim.loc[sim["picked"], f"gain_{len(inputs['accuracies']) - 1}"].to_numpy()


def table15_null(
    t15: pd.DataFrame,
    sizes: pd.DataFrame,
    scores: pd.DataFrame,
    names: pd.Series,
    reps: int = 10_000,
    alpha: float = 0.05,
    seed: int = 0,
    thresholds: np.ndarray = THRESHOLDS,
    item_correlation: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The selection rule's null for every row of Table 15 at the benchmark's full N.

    ``t15``: the paper's table (``data.contamination``); ``sizes``: ``sample_sizes.effective_sizes``
    indexed by benchmark; ``scores``: the score table (for each model's accuracy); ``names``:
    benchmark names by key; ``item_correlation``: the correlation of two models' right-or-wrong
    answers over items (:func:`latent_correlation` turns it into each row's latent correlation).
    Returns the quantiles of the 405B's chance gains per benchmark (over the replicates that
    picked a threshold, for the chart) and one row per Table 15 benchmark: the reported gain,
    simulated with the grid of thresholds plus the one that gives the benchmark's reported
    contaminated share (:func:`row_thresholds`), N and its basis, the accuracies used and their
    source, the latent correlation, the share of null benchmarks where the rule picks a threshold,
    and, among the null benchmarks where the rule picks a threshold (the paper prints a gain only
    then), the share whose gain is at least as large as the reported one with its Monte Carlo
    standard error and p-value (:func:`_chance`), and the ``draws``. Row i draws from the seed
    sequence (``seed``, i, 0), so every row and seed has a stream of its own (:func:`settle_rows` adds
    (``seed``, i, 1), ...). A row that cannot be simulated says why in ``not_simulated`` and keeps its place."""
    quantiles, rows = [], []
    for i, (base, inputs) in enumerate(_setups(t15, sizes, scores, names, thresholds, item_correlation)):
        if inputs is None:
            rows.append(base)
            continue
        gains = _picked_gains(inputs, reps, alpha, (seed, i, 0))
        if len(gains):
            quantiles.append(
                {"benchmark": base["benchmark"], **{f"q{round(100 * q):02d}": np.quantile(gains, q) for q in QUANTILES}}
            )
        chance = _chance(gains, float(base["gain"]), alpha)
        rows.append(base | {"null_picked": len(gains) / reps, "draws": reps, **chance})
    columns = ["benchmark", *(f"q{round(100 * q):02d}" for q in QUANTILES)]
    return pd.DataFrame(quantiles, columns=columns), pd.DataFrame(rows)


def _package_inputs(package):
    """The sizes and names the null reads, and the memo's key of what it reads: Table 15, and the sizes, names and
    pre-trained scores of its benchmarks for :data:`MODELS` only, so a model or a benchmark added elsewhere in the
    package leaves the kept null valid (a chapter run on a package with another model reuses it)."""
    sizes = sample_sizes.package_sizes(package).set_index("benchmark")
    names = package.benchmarks.set_index("key")["name"]
    t15 = package.contamination
    benchmarks = set(t15["benchmark"])
    scores = package.scores
    read = scores[
        (scores["training"] == "pre-trained") & scores["benchmark"].isin(benchmarks) & scores["model"].isin(MODELS)
    ]
    own = [frame[frame.index.isin(benchmarks)] for frame in (sizes, names.to_frame())]
    tables = [memo.frame_key(t) for t in (t15, own[0], read.reset_index(drop=True), own[1])]
    return sizes, names, tables


def _frames_memo(name: str, inputs: dict, compute):
    return memo.remember(__name__, name, inputs, compute, memo.frames_dump, memo.frames_load)


def package_null(
    package, reps: int = 10_000, alpha: float = 0.05, seed: int = 0, item_correlation: float = 0.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`table15_null` of the data package's Table 15, at each benchmark's N
    (:func:`herd.method.sample_sizes.package_sizes`). A run of 10,000 replicates takes seconds and the chapter makes
    many: kept in :mod:`herd.base.memo` under the tables it reads and its settings."""
    sizes, names, tables = _package_inputs(package)
    settings: dict[str, Any] = {"reps": reps, "alpha": alpha, "seed": seed, "item_correlation": item_correlation}
    return _frames_memo(
        "package_null",
        {"tables": tables, **settings},
        lambda: table15_null(package.contamination, sizes, package.scores, names, **settings),
    )


def simulated(reported: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`table15_null`'s table that were simulated."""
    return reported[reported["not_simulated"] == ""]


# ------------------------------------------------------------------ deciding with the Monte Carlo error


MAX_DRAWS = 1_280_000
"""The most draws a row gets before its decision is left undetermined (:func:`settle_rows`): 10,000 doubled
seven times."""


def settle_rows(
    rows: pd.DataFrame,
    draw,
    alpha: float = 0.05,
    correction: str = "holm",
    z: float = montecarlo.MC_Z,
    max_draws: int = MAX_DRAWS,
) -> pd.DataFrame:
    """:func:`table15_null`'s rows with more draws for every row whose decision :func:`herd.method.montecarlo.decide`
    leaves undetermined, uncorrected or with ``correction``: such a row gets as many draws again as it has (10,000,
    20,000, 40,000, ...), all rows are decided again, and so on until every decision is determined or the
    undetermined rows have ``max_draws``. ``draw(i, j)`` gives the picked chance gains of row i's j-th batch
    (batch 0 being the draws ``rows`` were computed from); a row's counts, shares, p-value and largest gains
    are then those of all its draws (the median and the chart's quantiles stay those of batch 0)."""
    rows = rows.copy()
    batch_size = rows["draws"].copy()  # the draws of batch 0, the size of every batch
    batches: dict[int, list[np.ndarray]] = {}
    while True:
        sim = simulated(rows)
        k, m = sim["beyond"].to_numpy(), sim["picks"].to_numpy()
        undecided = (montecarlo.decide(k, m, alpha, "none", z)["decision"].to_numpy() == montecarlo.OPEN) | (
            montecarlo.decide(k, m, alpha, correction, z)["decision"].to_numpy() == montecarlo.OPEN
        )
        grow = [i for i in sim.index[undecided] if rows.at[i, "draws"] < max_draws]
        if not grow:
            return rows
        for i in grow:
            size = int(batch_size[i])
            if i not in batches:
                batches[i] = [draw(i, 0)]
                if len(batches[i][0]) != rows.at[i, "picks"]:
                    raise ValueError(
                        f"settle_rows: row {i}'s batch 0 has {len(batches[i][0])} picks, its row {rows.at[i, 'picks']}"
                    )
            have = len(batches[i])
            batches[i] += [draw(i, j) for j in range(have, min(2 * have, -(-max_draws // size)))]
            gains = np.concatenate(batches[i])
            chance = _chance(gains, float(rows.at[i, "gain"]), alpha)
            draws = size * len(batches[i])
            for column in ("picks", "beyond", "null_p", "null_p_se", "p_value", "top"):
                rows.at[i, column] = chance[column]
            rows.at[i, "null_picked"], rows.at[i, "draws"] = len(gains) / draws, draws


def package_null_settled(
    package,
    reps: int = 10_000,
    alpha: float = 0.05,
    seed: int = 0,
    item_correlation: float = 0.0,
    correction: str = "holm",
    z: float = montecarlo.MC_Z,
    max_draws: int = MAX_DRAWS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`package_null` with the undetermined rows given more draws (:func:`settle_rows`; batch j of row i
    draws from the seed sequence (``seed``, i, j)); kept in :mod:`herd.base.memo`."""
    sizes, names, tables = _package_inputs(package)

    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        quantiles, rows = package_null(package, reps=reps, alpha=alpha, seed=seed, item_correlation=item_correlation)
        setups = _setups(package.contamination, sizes, package.scores, names, THRESHOLDS, item_correlation)

        def draw(i: int, j: int) -> np.ndarray:
            inputs = setups[i][1]
            assert inputs is not None  # settle_rows draws only simulated rows
            return _picked_gains(inputs, reps, alpha, (seed, i, j))

        return quantiles, settle_rows(rows, draw, alpha=alpha, correction=correction, z=z, max_draws=max_draws)

    inputs = {
        "tables": tables,
        "reps": reps,
        "alpha": alpha,
        "seed": seed,
        "item_correlation": item_correlation,
        "correction": correction,
        "z": z,
        "max_draws": max_draws,
    }
    return _frames_memo("package_null_settled", inputs, compute)


def beyond_chance(
    reported: pd.DataFrame, alpha: float = 0.05, correction: str = "holm", z: float = montecarlo.MC_Z
) -> pd.DataFrame:
    """The simulated rows with :func:`herd.method.montecarlo.decide`'s decision on each reported gain: beyond chance
    at ``alpha`` (``uncorrected``) and at the level the book's correction gives it across all the simulated rows
    (``corrected``), each only when the Monte Carlo error cannot change it; ``open`` and ``open_uncorrected``
    when it could (undetermined, counted as not beyond chance); ``level``, ``p_low`` and ``p_high``."""
    sim = simulated(reported).copy()
    k, m = sim["beyond"].to_numpy(), sim["picks"].to_numpy()
    plain, corrected = montecarlo.decide(k, m, alpha, "none", z), montecarlo.decide(k, m, alpha, correction, z)
    sim["uncorrected"] = plain["decision"].to_numpy() == montecarlo.BEYOND
    sim["open_uncorrected"] = plain["decision"].to_numpy() == montecarlo.OPEN
    sim["corrected"] = corrected["decision"].to_numpy() == montecarlo.BEYOND
    sim["open"] = corrected["decision"].to_numpy() == montecarlo.OPEN
    sim["level"], sim["p_low"], sim["p_high"] = (corrected[c].to_numpy() for c in ("level", "low", "high"))
    return sim


def counts(reported: pd.DataFrame, alpha: float = 0.05, correction: str = "holm") -> dict[str, int]:
    """How many reported gains are beyond chance, uncorrected and corrected, and how many the corrected
    decision leaves undetermined (:func:`beyond_chance`)."""
    sim = beyond_chance(reported, alpha, correction)
    return {
        "uncorrected": int(sim["uncorrected"].sum()),
        "corrected": int(sim["corrected"].sum()),
        "open": int(sim["open"].sum()),
        "rows": len(sim),
    }


# ------------------------------------------------------------------ the chapter's runs

INDEPENDENT, CORRELATED = "independent", "correlated"


def settings(item_correlation: float) -> dict[str, float]:
    """The chapter's two settings of the item correlation, independence and the chosen one."""
    return {INDEPENDENT: 0.0, CORRELATED: float(item_correlation)}


def seeds(first: int, count: int) -> list[int]:
    """The seeds the chapter runs: ``count`` consecutive ones from ``first`` (the first is the one
    whose tables it shows)."""
    return list(range(first, first + count))


def null_runs(
    package,
    settings: dict[str, float],
    seeds: list[int],
    reps: int = 10_000,
    alpha: float = 0.05,
    correction: str = "holm",
    max_draws: int = MAX_DRAWS,
) -> dict[tuple[str, int], tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`package_null_settled` under each setting of the item correlation (``settings``: label → item
    correlation) and each seed: {(label, seed): (quantiles, rows)}."""
    return {
        (label, seed): package_null_settled(
            package,
            reps=reps,
            alpha=alpha,
            seed=seed,
            item_correlation=value,
            correction=correction,
            max_draws=max_draws,
        )
        for label, value in settings.items()
        for seed in seeds
    }


def seed_counts(runs, alpha: float = 0.05, correction: str = "holm") -> pd.DataFrame:
    """For each seed of :func:`null_runs`, the count of reported gains beyond chance under each
    setting, uncorrected and with ``correction`` across the simulated rows."""
    labels = list(dict.fromkeys(label for label, _ in runs))
    out = []
    for seed in sorted({seed for _, seed in runs}):
        row: dict[str, object] = {"seed": seed}
        for label in labels:
            found = counts(runs[(label, seed)][1], alpha, correction)
            row[f"{label}: uncorrected"] = found["uncorrected"]
            row[f"{label}: {CORRECTION_NAMES.get(correction, correction)}"] = found["corrected"]
        out.append(row)
    return pd.DataFrame(out)


CORRECTION_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini–Hochberg", "none": "no correction"}


def side_by_side(runs, seed: int, alpha: float = 0.05, correction: str = "holm") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs of one seed side by side: the chance-gain quantiles of every setting (a ``setting``
    column, and ``critical``: the chance gain the reported one must exceed at its corrected level) and one row
    per Table 15 benchmark with each setting's columns prefixed by its label (``<label>: null_p`` ...), whether
    the gain is beyond chance under it (``<label>: verdict``: ``yes (<correction>)``, ``uncorrected only``,
    ``not resolved`` or, when more draws could change it, ``not determined``) and the chance gain it must
    exceed at its corrected level (``<label>: critical``, :func:`herd.method.montecarlo.critical_value`)."""
    labels = [label for label, s in runs if s == seed]
    quantiles = pd.concat([runs[(label, seed)][0].assign(setting=label) for label in labels], ignore_index=True)
    first = runs[(labels[0], seed)][1]
    shared = ["benchmark", "gain", "n", "n_basis", "accuracies", "accuracy_source", "not_simulated"]
    out = first[shared].copy()
    for label in labels:
        rows = runs[(label, seed)][1]
        decided = beyond_chance(rows, alpha, correction)
        verdict = pd.Series("", index=rows.index)
        verdict[decided.index] = np.where(
            decided["corrected"],
            f"yes ({CORRECTION_NAMES.get(correction, correction)})",
            np.where(
                decided["open"] | decided["open_uncorrected"],
                "not determined",
                np.where(decided["uncorrected"], "uncorrected only", "not resolved"),
            ),
        )
        critical = pd.Series(np.nan, index=rows.index)
        critical[decided.index] = [
            montecarlo.critical_value(top, int(m), level)
            for top, m, level in zip(decided["top"], decided["picks"], decided["level"])
        ]
        for column in (
            "latent",
            "reachable",
            "null_picked",
            "picks",
            "beyond",
            "null_p",
            "null_p_se",
            "null_median",
            "draws",
        ):
            out[f"{label}: {column}"] = rows[column]
        out[f"{label}: verdict"] = verdict
        out[f"{label}: critical"] = critical
    marks = pd.concat(
        [
            pd.DataFrame({"benchmark": out["benchmark"], "setting": label, "critical": out[f"{label}: critical"]})
            for label in labels
        ]
    )
    return quantiles.merge(marks, on=["benchmark", "setting"], how="left"), out


def range_values(chosen: float, low: float, high: float, step: float = 0.1, top: float = 0.9) -> list[float]:
    """The item correlations the sensitivity table shows: independence, the published range's ends, the chosen
    value, and beyond the range's upper end in steps of ``step`` up to ``top`` (where a count may change)."""
    beyond = np.round(np.arange(high + step, top + step / 2, step), 10)
    return sorted({0.0, float(low), float(chosen), float(high), *(float(v) for v in beyond)})


def reported_at(package, runs, seed: int, values: list[float], **settings) -> dict[float, pd.DataFrame]:
    """The null's table of Table 15's reported rows at ``seed`` for each item correlation in ``values``, in increasing
    order: a run of ``runs`` (:func:`null_runs`) where one was made at that correlation, else
    :func:`package_null_settled` with ``settings`` (``reps``, ``alpha``, ``correction``, ``max_draws``; its kept
    result, once made)."""
    known = {float(v): runs[(label, seed)][1] for (label, s), v in zip(runs, _values(runs)) if s == seed}
    wanted = sorted({float(v) for v in values})
    for value in set(wanted) - set(known):
        known[value] = package_null_settled(package, seed=seed, item_correlation=value, **settings)[1]
    return {value: known[value] for value in wanted}


def range_counts(
    package,
    runs,
    seed: int,
    values: list[float],
    reps: int = 10_000,
    alpha: float = 0.05,
    correction: str = "holm",
    max_draws: int = MAX_DRAWS,
) -> pd.DataFrame:
    """The count of reported gains beyond chance at ``seed`` for each item correlation in ``values``
    (:func:`range_values`), the rows the Monte Carlo error leaves undetermined with the correction (named) and
    how many rows' models' accuracies cannot reach that correlation (simulated at the largest latent
    correlation), reusing the runs already made (:func:`package_null_settled`)."""
    name = CORRECTION_NAMES.get(correction, correction)
    out = []
    settings = dict(reps=reps, alpha=alpha, correction=correction, max_draws=max_draws)
    at = reported_at(package, runs, seed, values, **settings)
    for value, reported in at.items():
        decided = beyond_chance(reported, alpha, correction)
        out.append(
            {
                "item correlation": value,
                "rows where it is out of reach": int((~decided["reachable"].astype(bool)).sum()),
                "uncorrected": int(decided["uncorrected"].sum()),
                name: int(decided["corrected"].sum()),
                f"not determined ({name})": ", ".join(decided.loc[decided["open"], "benchmark"]) or "none",
            }
        )
    return pd.DataFrame(out)


def _values(runs) -> list[float]:
    """The item correlation of each run of :func:`null_runs` (kept in its rows' ``item_correlation``)."""
    return [float(rows["item_correlation"].iloc[0]) for _, rows in runs.values()]


# ------------------------------------------------------------------ what the chapter writes

ITEM_CORRELATION_KEYS = ("evaluation.item-correlation.low", "evaluation.item-correlation.high")
"""facts.csv rows holding the published range of item-level correlations between models."""


def published_range(package) -> tuple[float, float]:
    """The published range of two models' item-level (question-score) correlation, from facts.csv."""
    low, high = (package.fact(key) for key in ITEM_CORRELATION_KEYS)
    return float(low), float(high)


def across_seeds(runs, label: str, alpha: float = 0.05, correction: str = "holm") -> pd.DataFrame:
    """Per simulated row of setting ``label``, in how many seeds its gain is beyond chance with the correction
    (:func:`beyond_chance`, after :func:`settle_rows`): ``benchmark``, ``seeds_beyond``, ``seeds``, and
    ``decided``: ``every seed`` (beyond chance whatever the seed), ``no seed`` or ``undetermined`` (beyond
    chance in some seeds only, or left undetermined by the Monte Carlo error after the most draws)."""
    seeds_ = sorted(s for lab, s in runs if lab == label)
    flags = [beyond_chance(runs[(label, s)][1], alpha, correction).set_index("benchmark")["corrected"] for s in seeds_]
    hits = pd.concat(flags, axis=1).sum(axis=1).astype(int)
    decided = np.where(hits == len(seeds_), "every seed", np.where(hits == 0, "no seed", "undetermined"))
    return pd.DataFrame(
        {"benchmark": hits.index, "seeds_beyond": hits.to_numpy(), "seeds": len(seeds_), "decided": decided}
    )
