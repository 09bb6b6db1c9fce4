"""The contamination chapter's null as the chapter writes it: the tables of
:mod:`herd.analyses.contamination.selection`'s runs with their numbers in the book's forms, and the sentences about them
(presentation: it reads the runs, it computes nothing new)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from herd.analyses.contamination import selection
from herd.base import formats
from herd.method import montecarlo


def range_note(ranged: pd.DataFrame, correction: str = "holm") -> str:
    """Where the corrected count of :func:`herd.analyses.contamination.selection.range_counts` changes with the item
    correlation, in words: ``4 at 0–0.5, 3 and PiQA not determined at 0.7–0.8, and 3 at 0.9``."""
    name = selection.CORRECTION_NAMES.get(correction, correction)
    found, undecided = ranged[name].tolist(), ranged[f"not determined ({name})"].tolist()
    values = ranged["item correlation"].tolist()
    runs: list[list] = []
    for value, count, names in zip(values, found, undecided):
        if runs and runs[-1][1:] == [count, names]:
            runs[-1][0].append(value)
        else:
            runs.append([[value], count, names])
    if len(runs) == 1 and len(values) > 1:
        _, count, names = runs[0]
        return f"{count} throughout" if names == "none" else f"{count} and {names} not determined throughout"
    parts = []
    for group, count, names in runs:
        where = formats.exact(group[0]) if len(group) == 1 else f"{formats.exact(group[0])}–{formats.exact(group[-1])}"
        parts.append(f"{count} at {where}" if names == "none" else f"{count} and {names} not determined at {where}")
    return formats.listing(parts)


def ends_note(ranged: pd.DataFrame, chosen: float, low: float, high: float, correction: str = "holm") -> str:
    """The corrected count of :func:`herd.analyses.contamination.selection.range_counts` at the ends of the published
    range (``low``, ``high``) where it differs from the count at the ``chosen`` item correlation, in words: ``3 at 0.7,
    with PiQA undetermined``; ``the same at 0.3 and 0.7`` when neither end differs."""
    name = selection.CORRECTION_NAMES.get(correction, correction)
    at = ranged.set_index("item correlation")
    outcome = {v: (int(at.loc[v, name]), at.loc[v, f"not determined ({name})"]) for v in (chosen, low, high)}
    differ = [v for v in sorted({float(low), float(high)}) if outcome[v] != outcome[chosen]]
    if not differ:
        ends = sorted({float(low), float(high)} - {float(chosen)})
        return f"the same at {formats.listing([formats.exact(v) for v in ends])}" if ends else "the same"
    parts = []
    for v in differ:
        count, names = outcome[v]
        parts.append(f"{count} at {formats.exact(v)}" + ("" if names == "none" else f", with {names} undetermined"))
    return "; ".join(parts)


def sweep_span(ranged: pd.DataFrame, low: float, high: float, correction: str = "holm") -> str:
    """The corrected count of :func:`herd.analyses.contamination.selection.range_counts` over the published range of
    the item correlation (``low`` to ``high``, both included), in words: ``3–4 across correlations 0.3–0.7``
    (a row not determined at some correlation may count either way, so it widens the span upwards)."""
    name = selection.CORRECTION_NAMES.get(correction, correction)
    inside = ranged[ranged["item correlation"].between(float(low), float(high))]
    if inside.empty:
        raise ValueError(f"no item correlation between {low:g} and {high:g} in the table of counts")
    counts = inside[name].astype(int)
    open_rows = [0 if names == "none" else len(str(names).split(", ")) for names in inside[f"not determined ({name})"]]
    least, most = int(counts.min()), int(max(c + o for c, o in zip(counts, open_rows)))
    return _across(str(least) if least == most else f"{least}–{most}", low, high)


def pick_share(reported: pd.DataFrame) -> tuple[float, float]:
    """The share of null benchmarks where the selection rule picks a threshold, over the simulated rows of
    :func:`herd.analyses.contamination.selection.table15_null`'s table (the mean of their ``null_picked``), and its
    Monte Carlo standard error: each row's share is a proportion of its own ``draws`` independent draws, so the mean's
    error is √(Σ p(1 − p)/m) / R over the R rows."""
    sim = selection.simulated(reported)
    p, m = sim["null_picked"].astype(float).to_numpy(), sim["draws"].astype(float).to_numpy()
    return float(p.mean()), float(np.sqrt(np.sum(p * (1 - p) / m)) / len(p))


def share_se(reported: pd.DataFrame) -> str:
    """:func:`pick_share`'s Monte Carlo standard error in percentage points, to one significant digit:
    ``0.1 percentage points``."""
    return f"{formats.significant(100 * pick_share(reported)[1], 1)} percentage points"


def share_span(
    package,
    runs,
    seed: int,
    values: list[float],
    low: float,
    high: float,
    reps: int = 10_000,
    alpha: float = 0.05,
    correction: str = "holm",
    max_draws: int = selection.MAX_DRAWS,
) -> str:
    """The share of null benchmarks where the rule picks a threshold (:func:`pick_share`) over the published range of
    the item correlation (``low`` to ``high``, both included, at those of ``values`` the range table shows,
    :func:`herd.analyses.contamination.selection.range_values`), as :func:`sweep_span` writes the count:
    ``26–33 % across correlations 0.3–0.7``. The null's runs at each value are those
    :func:`herd.analyses.contamination.selection.range_counts` counts
    (:func:`~herd.analyses.contamination.selection.reported_at`)."""
    inside = [float(v) for v in values if float(low) <= float(v) <= float(high)]
    if not inside:
        raise ValueError(f"no item correlation between {low:g} and {high:g} among {values}")
    settings = dict(reps=reps, alpha=alpha, correction=correction, max_draws=max_draws)
    at = selection.reported_at(package, runs, seed, inside, **settings)
    shares = [pick_share(reported)[0] for reported in at.values()]
    least, most = formats.share(min(shares)), formats.share(max(shares))
    return _across(least if least == most else f"{least.removesuffix(' %')}–{most}", low, high)


def _across(span: str, low: float, high: float) -> str:
    """A span over the published range of the item correlation: ``3–4 across correlations 0.3–0.7``."""
    return f"{span} across correlations {formats.exact(low)}–{formats.exact(high)}"


def share_text(beyond, picks, se) -> str:
    """A Monte Carlo share with its standard error, to the digits the error allows: ``0.0172 ± 0.0022``;
    none or all of the picks (no spread): ``0 of 3,641``, ``100 of 100``."""
    if formats.missing(picks):
        return formats.DASH
    if int(beyond) == 0 or not float(se) > 0:  # none, or all of the picks: no Monte Carlo spread to print
        return f"{formats.count(beyond)} of {formats.count(picks)}"
    share = float(beyond) / float(picks)
    decimals = max(2, 1 - int(np.floor(np.log10(se))))
    return f"{formats.number(share, decimals)} ± {formats.number(se, decimals)}"


def _letters(reasons) -> dict[str, str]:
    """A note letter (a, b, ...) for each distinct non-blank reason, in order of first appearance."""
    distinct = dict.fromkeys(r for r in reasons if isinstance(r, str) and r)
    return {r: chr(ord("a") + i) for i, r in enumerate(distinct)}


# the decisive table's columns for each setting, each named "<stem>, <setting>" (:func:`null_display`)
DECISIVE_STEMS = ("share of chance gains at least as large", "gain to exceed", "beyond chance", "median chance gain")


def decisive_columns(label: str) -> dict[str, str]:
    """The columns of :func:`null_display`'s decisive table that one setting fills, each with its header in a table of
    that setting alone (the stem, without the setting's name)."""
    return {f"{stem}, {label}": stem for stem in DECISIVE_STEMS}


def null_display(both: pd.DataFrame, labels: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`herd.analyses.contamination.selection.side_by_side`'s rows as the chapter shows them: the decisive table
    (reported gain, each setting's share of chance gains at least as large with its Monte Carlo error, the chance gain
    the reported one must exceed at its corrected level, verdict and median chance gain), the inputs of each
    row (N, accuracies, the latent correlation, the share of null benchmarks where the rule picks), and the
    notes to the rows not simulated (one letter per distinct reason)."""
    reasons = _letters(both["not_simulated"])
    note = both["not_simulated"].map(lambda r: reasons.get(r, ""))
    decisive = pd.DataFrame({"benchmark": both["benchmark"], "reported gain 405B": both["gain"]})
    for label in labels:
        decisive[f"share of chance gains at least as large, {label}"] = [
            share_text(b, m, se)
            for b, m, se in zip(both[f"{label}: beyond"], both[f"{label}: picks"], both[f"{label}: null_p_se"])
        ]
    for label in labels:
        decisive[f"gain to exceed, {label}"] = both[f"{label}: critical"].map(formats.gap)
    for label in labels:
        decisive[f"beyond chance, {label}"] = both[f"{label}: verdict"]
    for label in labels:
        decisive[f"median chance gain, {label}"] = both[f"{label}: null_median"].map(formats.gap)
    decisive["not simulated"] = note
    inputs = pd.DataFrame(
        {
            "benchmark": both["benchmark"],
            "N": both["n"],
            "N from": both["n_basis"],
            "accuracy 8B / 70B / 405B": both["accuracies"],
            "accuracy from": both["accuracy_source"],
        }
    )
    for label in labels:
        if not both[f"{label}: latent"].any():  # independence: no latent correlation to show
            inputs[f"share of null benchmarks with a pick, {label}"] = both[f"{label}: null_picked"].map(
                lambda v: formats.number(v, 3) if not formats.missing(v) else formats.DASH
            )
            continue
        inputs[f"latent correlation, {label}"] = [
            formats.DASH if reason else formats.number(v, 2) + ("" if ok else " (largest possible)")
            for v, ok, reason in zip(both[f"{label}: latent"], both[f"{label}: reachable"], both["not_simulated"])
        ]
        inputs[f"share of null benchmarks with a pick, {label}"] = both[f"{label}: null_picked"].map(
            lambda v: formats.number(v, 3) if not formats.missing(v) else formats.DASH
        )
    notes = pd.DataFrame({"note": list(reasons.values()), "why the row was not simulated": list(reasons.keys())})
    return decisive, inputs, notes


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


def calibration_phrase(item_correlation: float, low: float, high: float) -> str:
    """Where the chosen item correlation stands in the published range: ``0.5, the middle of the
    published 0.3–0.7``, ``within`` or ``outside`` it."""
    value, span = formats.exact(item_correlation), f"{formats.exact(low)}–{formats.exact(high)}"
    if np.isclose(item_correlation, (low + high) / 2):
        return f"{value}, the middle of the published {span}"
    where = "within" if low <= item_correlation <= high else "outside"
    return f"{value}, {where} the published {span}"


def count_range(values) -> str:
    """Counts over seeds as the chapter writes them: ``3`` when every seed agrees, else ``3–4``."""
    values = pd.Series(values, dtype=float)
    low, high = values.min(), values.max()
    return formats.count(low) if low == high else formats.span(low, high)


def null_summary(runs, seed: int, labels: list[str], alpha: float = 0.05, correction: str = "holm") -> dict[str, str]:
    """What the chapter writes about the null: for each setting label ``<l>``, ``null_share_<l>`` (the
    mean share of null benchmarks where the rule picks a threshold), ``beyond_<l>`` and
    ``beyond_corrected_<l>`` (the counts of reported gains beyond chance at ``seed``) and
    ``seeds_<l>`` / ``seeds_corrected_<l>`` (their range over the seeds); ``n_reported`` (rows
    simulated), ``n_t15`` (rows of Table 15), ``n_not_simulated``, ``n_widest`` (rows simulated at
    the widest null, no accuracy being published), ``n_seeds`` and ``n_unreachable`` (rows where
    the chosen item correlation exceeds what the models' accuracies allow, in the last setting) and
    ``lost`` (the benchmarks beyond chance with the correction in the first setting but not in the
    last, named, or ``none``); ``every_seed_<l>`` (rows beyond chance, corrected, in every seed),
    ``n_undetermined_<l>`` and ``undetermined_<l>`` (rows beyond chance in some seeds only, named, or
    ``none``: :func:`herd.analyses.contamination.selection.across_seeds`), ``more_draws_<l>`` (:func:`more_draws_note`);
    ``mc_z`` and ``max_draws`` (the decision rule's Monte Carlo margin and most draws)."""
    table = selection.seed_counts(runs, alpha, correction)
    name = selection.CORRECTION_NAMES.get(correction, correction)
    out: dict[str, str] = {}
    for label in labels:
        reported = runs[(label, seed)][1]
        found = selection.counts(reported, alpha, correction)
        key = label
        out[f"null_share_{key}"] = formats.share(selection.simulated(reported)["null_picked"].mean())
        out[f"beyond_{key}"] = formats.count(found["uncorrected"])
        out[f"beyond_corrected_{key}"] = formats.count(found["corrected"])
        out[f"seeds_{key}"] = count_range(table[f"{label}: uncorrected"])
        out[f"seeds_corrected_{key}"] = count_range(table[f"{label}: {name}"])
    first, last = (
        selection.beyond_chance(runs[(label, seed)][1], alpha, correction) for label in (labels[0], labels[-1])
    )
    lost = first.loc[first["corrected"] & ~last["corrected"], "benchmark"]
    for label in labels:
        stable = selection.across_seeds(runs, label, alpha, correction)
        open_ = stable.loc[stable["decided"] == "undetermined", "benchmark"]
        out[f"every_seed_{label}"] = formats.count(int((stable["decided"] == "every seed").sum()))
        out[f"n_undetermined_{label}"] = formats.count(len(open_))
        out[f"undetermined_{label}"] = formats.listing(open_) if len(open_) else "none"
        out[f"more_draws_{label}"] = more_draws_note(runs, label, alpha, correction)
    reported = runs[(labels[-1], seed)][1]
    sim = selection.simulated(reported)
    out |= {
        "lost": formats.listing(lost) if len(lost) else "none",
        "n_reported": formats.count(len(sim)),
        "n_t15": formats.count(len(reported)),
        "n_not_simulated": formats.count(len(reported) - len(sim)),
        "n_widest": formats.count(int(sim["accuracy_source"].str.startswith("not published").sum())),
        "n_seeds": formats.count(len(table)),
        "n_unreachable": formats.count(int((~sim["reachable"].astype(bool)).sum())),
        "mc_z": formats.number(montecarlo.MC_Z, 0),
        "max_draws": formats.count(selection.MAX_DRAWS),
    }
    return out


def undetermined_note(found: dict[str, str], label: str) -> str:
    """The sentence that says which rows of setting ``label`` the simulation leaves undetermined (beyond chance
    in some seeds only), from :func:`null_summary`'s values."""
    n = found[f"n_undetermined_{label}"]
    if n == "0":
        return (
            f"every row gets the same decision from every seed, once the rows within {found['mc_z']} Monte Carlo "
            f"standard errors of their level are given more draws."
        )
    verb = "is" if n == "1" else "are"
    return (
        f"{n} more ({found[f'undetermined_{label}']}) {verb} beyond chance in some seeds only: not determined by "
        f"the simulation (its p-value lies within {found['mc_z']} Monte Carlo standard errors of its corrected "
        f"level even after {found['max_draws']} draws), so counted as not resolved."
    )


def more_draws(runs, alpha: float = 0.05, correction: str = "holm") -> pd.DataFrame:
    """The rows :func:`herd.analyses.contamination.selection.settle_rows` gave more draws than the first batch, in every
    setting and seed, as the chapter shows them: the setting, seed, benchmark, draws, p-value with its Monte Carlo
    standard error, its Monte Carlo interval (:func:`herd.method.montecarlo.decide`), the corrected level and the
    decision."""
    out = []
    for (label, seed), (_, rows) in runs.items():
        decided = selection.beyond_chance(rows, alpha, correction)
        first = int(selection.simulated(rows)["draws"].min())
        for _, row in decided[decided["draws"] > first].iterrows():
            out.append(
                {
                    "setting": label,
                    "seed": seed,
                    "benchmark": row["benchmark"],
                    "draws": formats.count(row["draws"]),
                    "p-value": p_text(row["p_value"], row["picks"]),
                    f"within {formats.number(montecarlo.MC_Z, 0)} standard errors": formats.span(
                        row["p_low"], row["p_high"], lambda v: formats.significant(v, 2)
                    ),
                    f"{selection.CORRECTION_NAMES.get(correction, correction)} level": formats.significant(
                        row["level"], 2
                    ),
                    "decision": montecarlo.BEYOND
                    if row["corrected"]
                    else montecarlo.OPEN
                    if row["open"]
                    else montecarlo.WITHIN,
                }
            )
    return pd.DataFrame(out)


def p_text(p: float, picks) -> str:
    """A Monte Carlo p-value (beyond + 1) / (picks + 1) with its standard error, to the digits the error
    allows: ``0.00309 ± 0.00026``."""
    se = float(np.sqrt(p * (1 - p) / (float(picks) + 1)))
    decimals = max(2, 1 - int(np.floor(np.log10(se))))
    return f"{formats.number(p, decimals)} ± {formats.number(se, decimals)}"


def more_draws_note(runs, label: str, alpha: float = 0.05, correction: str = "holm") -> str:
    """What more draws did for setting ``label``: the rows given them and how many at most, and the row
    closest to its level (fewest standard errors away) with its p-values over the seeds and its level:
    ``the rule gave more draws to BIG-Bench Hard and PiQA (up to 640,000); the closest, PiQA, has p-values of 0.0031 to
    0.0036 over the 5 seeds (± at most 0.0003) against a Holm level of 0.0042``."""
    name = selection.CORRECTION_NAMES.get(correction, correction)
    decided = pd.concat(
        [
            selection.beyond_chance(rows, alpha, correction).assign(seed=s)
            for (lab, s), (_, rows) in runs.items()
            if lab == label
        ]
    )
    first = decided["draws"].min()
    grown = decided[decided["draws"] > first]
    if grown.empty:
        return f"no row needed more than the first {formats.count(first)} draws"
    named = list(dict.fromkeys(grown["benchmark"]))
    se = np.sqrt(decided["p_value"] * (1 - decided["p_value"]) / (decided["picks"] + 1))
    decided = decided.assign(margin=(decided["level"] - decided["p_value"]).abs() / se)
    closest = decided.groupby("benchmark")["margin"].min().idxmin()
    rows = decided[decided["benchmark"] == closest]
    p_low, p_high = rows["p_value"].min(), rows["p_value"].max()
    levels = rows["level"].unique()
    level = (
        formats.significant(levels[0], 2)
        if len(levels) == 1
        else formats.span(levels.min(), levels.max(), lambda v: formats.significant(v, 2))
    )
    p_span = formats.span(p_low, p_high, lambda v: formats.significant(v, 2))
    return (
        f"the rule gave more draws to {formats.listing(named)} (up to {formats.count(grown['draws'].max())}); "
        f"the closest to its level, {closest}, has p-values of {p_span} over the {len(rows)} seeds (± at most "
        f"{formats.significant(se[decided['benchmark'] == closest].max(), 1)}) against a {name} level of {level}"
    )


def null_settings(package, clean_of: str = "bbh") -> dict[str, str]:
    """The settings of the null the chapter writes out, as the book writes them: ``threshold_low`` and
    ``threshold_high`` (the ends of the grid of thresholds, :data:`herd.analyses.contamination.selection.THRESHOLDS`),
    ``widest`` (the accuracy of the widest null, :data:`~herd.analyses.contamination.selection.WIDEST`),
    ``top_contaminated`` and ``top_clean`` (the largest contaminated share Table 15 reports for a row with a
    reported 405B gain, and the clean set it leaves) and ``clean_share`` (the clean share of ``clean_of``)."""
    t15 = package.contamination.set_index("benchmark")
    reported = t15[t15["gain_405b"].notna()]["contaminated_pct"]
    if reported.isna().all():
        raise ValueError("data/contamination.csv: no row with a reported gain_405b has a contaminated_pct")
    if clean_of not in t15.index or pd.isna(t15.at[clean_of, "contaminated_pct"]):
        raise ValueError(f"data/contamination.csv, row {clean_of!r}: no contaminated_pct")
    top = float(reported.max())
    return {
        "threshold_low": formats.number(float(np.min(selection.THRESHOLDS))),
        "threshold_high": formats.number(float(np.max(selection.THRESHOLDS))),
        "widest": formats.number(selection.WIDEST),
        "top_contaminated": formats.percent(top, 0),
        "top_clean": formats.percent(100 - top, 0),
        "clean_share": formats.percent(100 - float(t15.at[clean_of, "contaminated_pct"]), 0),
    }
