"""The scaling chapter as it reads: the tables of :mod:`herd.analyses.compute.scaling` and
:mod:`herd.analyses.compute.refit` with their numbers in the book's forms, the numbers its prose quotes, and its
sentences (the relations of Kaplan et al., the models that share a point, what the check of the bootstrap's shortcut
found). Presentation: it reads the analyses' numbers and records, and computes nothing new.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from herd.analyses.compute.laws import build_law, constants, kaplan_flops_ratio
from herd.analyses.compute.refit import CANDIDATES, Refit
from herd.analyses.compute.scaling import FACT_KEYS, REFIT, models_by_size
from herd.base import formats, markup
from herd.record import coverage

from . import tables

# The tables' units, written by herd.base.formats: parameters in billions (405 B), tokens in trillions (15.6 T, and
# 15.60 T where the paper prints two decimals).
_BILLIONS = tables.formatter(formats.scaled, "B", 0)
_TRILLIONS = tables.formatter(formats.scaled, "T", 1)
_TRILLIONS2 = tables.formatter(formats.scaled, "T", 2)


# --------------------------------------------------------------------------- the laws, the models and the sources


def kaplan_relation(table: pd.DataFrame) -> str:
    """Kaplan et al.'s two relations as the chapter writes them, from their constants in
    ``data/scaling_laws.csv``."""
    c = constants(table, "kaplan2020")
    return (
        f"N_opt = {formats.scientific(c['k'])} · (C / PF-day)^{formats.exact(c['e'])} and "
        f"D_opt = {formats.scientific(c['d_coefficient'])} · (C / PF-day)^{formats.exact(c['d_exponent'])} tokens"
    )


def kaplan_note(table: pd.DataFrame, laws: list[str], flops: float) -> str:
    """What the chapter says of Kaplan et al.'s row when it is shown: its size and data at ``flops``
    and how far 6·N·D is from the budget; empty when ``laws`` leaves Kaplan et al. out."""
    if "kaplan2020" not in laws:
        return ""
    law = build_law(table, "kaplan2020")
    size, data = (formats.scaled(float(v), "T", 1) for v in (law.params(flops), law.tokens(flops)))
    ratio = formats.number(kaplan_flops_ratio(table, flops), 1)
    return (
        f"Kaplan et al.'s row uses their own relations, {kaplan_relation(table)}: at this budget {size} "
        f"parameters on {data} tokens. Their D is the data processed when training at the critical batch size, "
        f"which takes more than the minimum compute (their §6.3), so 6·N·D is {ratio} times the budget."
    )


def sources_used(package, laws: list[str], models: list[str], fact_keys=()) -> pd.DataFrame:
    """The documents the chapter's numbers come from (the chosen laws' constants, the Figure 4
    runs, the models' facts and ``fact_keys``), as links, in order of first use."""
    facts = package.facts.set_index("key")["source"]
    mapped = package.model_facts[package.model_facts["model"].isin(models)]["fact"]
    keys = [
        *package.scaling_laws[package.scaling_laws["law"].isin(laws)]["source"],
        *package.chinchilla_figure4["source"],
        *facts.reindex([*FACT_KEYS, *mapped, *fact_keys]).dropna(),
    ]
    src = package.sources.set_index("key")
    rows = []
    for key in dict.fromkeys(keys):
        r = src.loc[key]
        title = markup.link(r["title"], r["url"]) if pd.notna(r["url"]) else r["title"]
        version = "" if pd.isna(r["version"]) else str(r["version"])
        if re.fullmatch(r"[0-9a-f]{40}", version):
            version = f"commit {version[:12]}"
        rows.append({"source": title, "by": r["publisher"], "version": version})
    return pd.DataFrame(rows)


def shared_points(points: pd.DataFrame) -> str:
    """A sentence naming the models whose printed size, tokens and GPU hours are all the same (they
    share one point on the charts), or "" when every model has its own."""
    named = points.assign(name=points["name"].str.replace(" (pre-trained)", "", regex=False))
    groups = named.groupby(["params", "tokens", "gpu_hours"], sort=False)["name"].apply(list)
    same = [names for names in groups if len(names) > 1]
    if not same:
        return ""
    parts = [" and ".join([", ".join(n[:-1]), n[-1]] if len(n) > 2 else n) for n in same]
    return (
        "The sources print the same size, training tokens and GPU hours for "
        + "; for ".join(parts)
        + ": on the charts they share one point."
    )


def points_note(package, points: pd.DataFrame, models: list[str], described: list[str]) -> str:
    """What the chart of models says beside it: the models that share a point (:func:`shared_points`)
    and the later models it does not show, with why.

    Parameters
    ----------
    package
        The data package.
    points
        The chosen models' points (:func:`herd.analyses.compute.scaling.model_points`).
    models
        The chosen models.
    described
        Every model ``model_facts.csv`` describes.
    """
    why = (
        "data/model_facts.csv does not say which facts hold {its} size, tokens and GPU hours"
        if models == models_by_size(package, described)
        else "{they} {is} not among the chosen models (parameter `models`)"
    )
    return " ".join(filter(None, [shared_points(points), coverage.note(package, models, why)]))


def runs_summary(runs: pd.DataFrame) -> dict[str, str]:
    """How many of Chinchilla's runs :func:`herd.analyses.compute.refit.figure4_points` reads and how many it leaves
    out of the fit (``n_runs``, ``n_excluded``), and the largest model and token count among them
    (``max_params`` in B, ``max_tokens`` in B)."""
    return {
        "n_runs": f"{len(runs)}",
        "n_excluded": f"{int(runs['excluded'].sum())}",
        "max_params": formats.count(runs["parameters"].max() / 1e9),
        "max_tokens": formats.count(runs["tokens"].max() / 1e9),
    }


def distance_summary(dist: pd.DataFrame, apart: str = "kaplan2020") -> dict[str, str]:
    """What the chapter writes about :func:`herd.analyses.compute.scaling.distance_to_optimum`: the smallest and
    the largest model's token ratios across the Llama 3 and Chinchilla-family laws (all but ``apart``), and the
    smallest model's ratio under ``apart`` if it was chosen."""
    family = dist[dist["law"] != apart]
    small = dist.loc[dist["params_actual"].idxmin(), "model"]
    large = dist.loc[dist["params_actual"].idxmax(), "model"]
    s, l = family.loc[family["model"] == small, "token_ratio"], family.loc[family["model"] == large, "token_ratio"]
    short = {
        name: re.sub(r" \([^)]*\)$", "", name) for name in (small, large)
    }  # "Llama 3.1 8B (pre-trained)" → "Llama 3.1 8B"
    out = {
        "small_model": short[small],
        "large_model": short[large],
        "small_low": f"{s.min():.0f}",
        "small_high": f"{s.max():.0f}",
        "large_low": f"{l.min():.1f}",
        "large_high": f"{l.max():.1f}",
        "apart_sentence": "",
    }
    other = dist[(dist["law"] == apart) & (dist["model"] == small)]
    if len(other):
        out["apart_sentence"] = (
            f"Kaplan et al.'s law, which favours much larger models trained on fewer tokens, puts the "
            f"{short[small]} at {float(other['token_ratio'].iloc[0]):.0f} times its optimum."
        )
    return out


def _range(lo, hi, fmt) -> str:
    return "" if pd.isna(lo) else f"{fmt(lo).split(' ')[0]}–{fmt(hi)}"


def rerun_display(rerun: pd.DataFrame) -> pd.DataFrame:
    """:func:`herd.analyses.compute.scaling.token_law_rerun` as the chapter shows it."""
    return pd.DataFrame(
        {
            "constants": rerun["constants"],
            "tokens D*": rerun["tokens"].map(_TRILLIONS2),
            "implied parameters N = C/(6D)": rerun["implied_params"].map(_BILLIONS),
            "parameters the paper prints": [
                _BILLIONS(v) if printed else "" for v, printed in zip(rerun["params"], rerun["printed"])
            ],
            "D* range from rounding": [
                _range(lo, hi, _TRILLIONS) for lo, hi in zip(rerun.get("tokens_low"), rerun.get("tokens_high"))
            ],
            "N range from rounding": [
                _range(lo, hi, _BILLIONS) for lo, hi in zip(rerun.get("params_low"), rerun.get("params_high"))
            ],
        }
    )


def optimum_display(opt: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """:func:`herd.analyses.compute.scaling.optimum_table` as the chapter shows it."""
    label = f"{100 * level:g} % bootstrap interval"
    return pd.DataFrame(
        {
            "law": opt["label"],
            "parameters N": opt["params"].map(_BILLIONS),
            f"N, {label}": [_range(lo, hi, _BILLIONS) for lo, hi in zip(opt["params_low"], opt["params_high"])],
            "tokens D": opt["tokens"].map(_TRILLIONS),
            f"D, {label}": [_range(lo, hi, _TRILLIONS) for lo, hi in zip(opt["tokens_low"], opt["tokens_high"])],
            "tokens per parameter": opt["tokens_per_param"].map(tables.formatter(formats.significant, 3)),
        }
    )


def rerun_glue(rerun: pd.DataFrame, package, flops: float) -> dict[str, str]:
    """Numbers the chapter's prose quotes about the paper's token law, formatted."""
    by = rerun.set_index("law")
    fit_high = package.fact("scaling.fit_flops.high")
    return {
        "text_tokens": formats.number(by.loc["llama3-text", "tokens"] / 1e12, 1),
        "fig_tokens": formats.number(by.loc["llama3-figure", "tokens"] / 1e12, 1),
        "text_params": formats.count(by.loc["llama3-text", "params"] / 1e9),
        "fig_params": formats.count(by.loc["llama3-figure", "params"] / 1e9),
        "paper_tokens": formats.number(by.loc["stated", "tokens"] / 1e12, 2),
        "paper_params": formats.count(by.loc["stated", "params"] / 1e9),
        "actual_tokens": formats.number(by.loc["trained", "tokens"] / 1e12, 1),
        "actual_params": formats.count(by.loc["trained", "params"] / 1e9),
        "fit_high": formats.scientific(fit_high),
        "orders_beyond": formats.number(np.log10(flops / fit_high), 1),
    }


# --------------------------------------------------------------------------- the refit and its bootstrap


def stable(values) -> str:
    """The quantity that ``values`` estimate (one per seed), written to the finest step of the 1–2–5
    ladder, from three significant figures up, at which every value rounds to the same multiple: the
    precision the Monte Carlo error allows. ``[390, 396, 382]`` → ``400`` (step 50);
    ``[16.2, 16.0, 16.6]`` → ``16`` (step 1)."""
    v = np.asarray(values, dtype=float)
    top = float(np.abs(v).max())
    first = -2 + (int(math.floor(math.log10(top))) if top > 0 else 0)
    for power in range(first, first + 12):
        for multiple in (1, 2, 5):
            step = multiple * 10.0**power
            k = np.floor(v / step + 0.5)
            if np.all(k == k[0]):
                return formats.number(k[0] * step, max(0, -power))
    return formats.number(float(np.median(v)), 0)


def comparison_display(comparison: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """:func:`herd.analyses.compute.refit.compare_with_published` as the chapter shows it: values and standard
    errors to 4 significant figures, intervals to 3."""
    sig = lambda digits: lambda v: formats.significant(v, digits)  # noqa: E731
    span = lambda lo, hi: f"{formats.significant(lo, 3)}–{formats.significant(hi, 3)}"  # noqa: E731
    label = f"{100 * level:g} % interval"
    return pd.DataFrame(
        {
            "constant": comparison["constant"].map({"alpha": "α", "beta": "β"}).fillna(comparison["constant"]),
            "refit": comparison["refit"].map(sig(4)),
            "bootstrap SE": comparison["bootstrap SE"].map(sig(2)),
            f"bootstrap {label}": [
                span(lo, hi) for lo, hi in zip(comparison["bootstrap low"], comparison["bootstrap high"])
            ],
            "Besiroglu et al.": comparison["published"].map(formats.exact),
            "their SE": comparison["published SE"].map(formats.exact),
            f"their {label}": [
                span(lo, hi) for lo, hi in zip(comparison["published low"], comparison["published high"])
            ],
            "refit − theirs, in their SEs": comparison["difference in published SEs"].map(tables.number(2, sign=True)),
        }
    )


def comparison_glue(comparison: pd.DataFrame) -> dict[str, str]:
    """Numbers the chapter quotes about :func:`herd.analyses.compute.refit.compare_with_published`, formatted."""
    ratio = comparison["bootstrap SE"] / comparison["published SE"]
    width = (comparison["bootstrap high"] - comparison["bootstrap low"]) / (
        comparison["published high"] - comparison["published low"]
    )
    return {
        "max_se_gap": formats.number(comparison["difference in published SEs"].abs().max(), 2),
        "se_ratio_low": formats.number(ratio.min(), 2),
        "se_ratio_high": formats.number(ratio.max(), 2),
        "width_ratio_low": formats.number(width.min(), 2),
        "width_ratio_high": formats.number(width.max(), 2),
    }


def seeds_display(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """:func:`herd.analyses.compute.refit.bootstrap_seeds`'s table as the chapter shows it, three significant
    figures (more than the prose prints: the prose keeps the digits on which every seed agrees)."""
    span = lambda lo, hi, scale: f"{formats.significant(lo / scale, 3)}–{formats.significant(hi / scale, 3)}"  # noqa: E731
    label = f"{100 * level:g} % interval"
    return pd.DataFrame(
        {
            "seed": table["seed"],
            f"parameters N (B), {label}": [
                span(lo, hi, 1e9) for lo, hi in zip(table["params_low"], table["params_high"])
            ],
            f"tokens D (T), {label}": [span(lo, hi, 1e12) for lo, hi in zip(table["tokens_low"], table["tokens_high"])],
            f"tokens per parameter, {label}": [
                span(lo, hi, 1) for lo, hi in zip(table["ratio_low"], table["ratio_high"])
            ],
            "fits converged": [
                f"{formats.count(c)} of {formats.count(n)}" for c, n in zip(table["converged"], table["draws"])
            ],
            "best fit in the full data's basin": [
                f"{formats.count(c)} of {formats.count(n)}" for c, n in zip(table["from_best"], table["draws"])
            ],
        }
    )


OUTWARD_DIGITS = 2
"""Significant figures an interval's end over the seeds is written with, rounded outwards."""


def outward(values, scale: float, rounding: str) -> str:
    """An interval's end over the seeds (``values``, one per seed): the lowest of the lower ends rounded down, or the
    highest of the upper ends rounded up, to :data:`OUTWARD_DIGITS` significant figures, so that the interval written
    holds every seed's (382–397 B → 380 B; 16.0–16.6 T → 17 T)."""
    v = np.asarray(values, dtype=float) / scale
    end = float(v.min() if rounding == "down" else v.max())
    step = 10.0 ** (math.floor(math.log10(abs(end))) - OUTWARD_DIGITS + 1) if end else 1.0
    bound = (math.floor if rounding == "down" else math.ceil)(end / step) * step
    return formats.number(bound, max(0, -int(math.floor(math.log10(step)))))


EDGE = 0.1
"""A value within this share of an interval's width from one of its ends is said to lie near that end."""


def _position(seeds: pd.DataFrame, value: float) -> str:
    """Where ``value`` lies in the seeds' intervals of N, when near an end: ``, near its lower end (the seeds'
    lower ends: 382–397 B)``; empty when it lies well inside."""
    low, high = seeds["params_low"] / 1e9, seeds["params_high"] / 1e9
    share = (value / 1e9 - low.mean()) / (high.mean() - low.mean())
    if share < EDGE:
        return f", near its lower end (the seeds' lower ends: {formats.span(low.min(), low.max())} B)"
    if share > 1 - EDGE:
        return f", near its upper end (the seeds' upper ends: {formats.span(high.min(), high.max())} B)"
    return ""


def refit_glue(
    refit: Refit,
    opt: pd.DataFrame,
    boot: pd.DataFrame,
    seeds: pd.DataFrame,
    trained_params: float,
    llama_tokens_per_param: float,
    level: float = 0.95,
) -> dict[str, str]:
    """Numbers the chapter's prose quotes about the refit and its bootstrap, formatted. The interval's
    bounds are written to the precision on which the seeds of ``seeds``
    (:func:`herd.analyses.compute.refit.bootstrap_seeds`, the first being ``boot``'s) agree (:func:`stable`);
    "contains" holds only when every seed's interval contains ``trained_params``."""
    row = opt.set_index("law").loc[REFIT]
    inside = ((seeds["params_low"] <= trained_params) & (trained_params <= seeds["params_high"])).to_numpy()
    return {
        "refit_n": formats.count(row["params"] / 1e9),
        "refit_d": formats.number(row["tokens"] / 1e12, 1),
        "refit_tpp": formats.count(row["tokens"] / row["params"]),
        "llama_tpp": formats.count(llama_tokens_per_param),
        "refit_n_lo": outward(seeds["params_low"], 1e9, "down"),
        "refit_n_hi": outward(seeds["params_high"], 1e9, "up"),
        "refit_d_lo": outward(seeds["tokens_low"], 1e12, "down"),
        "refit_d_hi": outward(seeds["tokens_high"], 1e12, "up"),
        "refit_tpp_lo": outward(seeds["ratio_low"], 1.0, "down"),
        "refit_tpp_hi": outward(seeds["ratio_high"], 1.0, "up"),
        "refit_ratio": stable(seeds["params_high"] / seeds["params_low"]),
        # the shown seed's own interval, as the table of laws prints it
        "seed_n_interval": formats.span(row["params_low"] / 1e9, row["params_high"] / 1e9, unit="B"),
        "seed_d_interval": formats.span(
            row["tokens_low"] / 1e12, row["tokens_high"] / 1e12, lambda v: formats.number(v, 1), unit="T"
        ),
        "contains_trained": "contains"
        if inside.all()
        else ("does not contain" if not inside.any() else "not always contains"),
        "trained_position": _position(seeds, trained_params) if inside.all() else "",
        "level": f"{100 * level:g}",
        "n_points": formats.count(refit.points),
        "n_starts": formats.count(refit.starts),
        "n_at_best": formats.count(refit.at_best),
        "n_reach_best": formats.count(refit.reach_best),
        "n_candidates": formats.count(len(refit.candidates)),
        "n_per_draw": formats.count(CANDIDATES),
        "n_draws": formats.count(len(boot)),
        "n_seeds": formats.count(len(seeds)),
        "n_not_converged": formats.count(int((seeds["draws"] - seeds["converged"]).sum())),
        "n_all_draws": formats.count(int(seeds["draws"].sum())),
        "n_not_from_best": formats.count(int((seeds["draws"] - seeds["from_best"]).sum())),
    }


def shortcut_sentence(check: pd.DataFrame, starts: int, draws: int) -> str:
    """What :func:`herd.analyses.compute.refit.shortcut_check` found, in words: which draws were checked (their
    ranks among the ``draws`` in order of N, and their N), whether the whole grid found a better fit on any (lower
    by more than a relative 10⁻⁹, far below anything the fit reports) and how close the two best losses are, and
    what that can and cannot show."""
    lower, upper = (check[check["end"] == end] for end in ("lower", "upper"))
    ranks = [formats.listing([formats.count(r) for r in rows["rank"]]) for rows in (lower, upper)]
    sizes = [formats.listing([formats.count(v / 1e9) for v in rows["params"]]) for rows in (lower, upper)]
    separator = ", and " if len(lower) > 1 else " and "
    draws_text = "draw" if len(lower) == 1 else formats.noun(len(lower), "draw")
    picked = (
        f"the {draws_text} nearest each end of the interval of N (ranks "
        f"{separator.join(ranks)}{',' if len(lower) > 1 else ''} of {formats.count(draws)} in order of N: "
        f"{separator.join(s + ' B' for s in sizes)})"
    )
    relative = check["better_by"] / check["shortcut_loss"].abs()
    better = relative > 1e-9
    if not better.any():
        gap = float(relative.abs().max())
        # a gap this small is rounding, whose last digits differ between machines: written as the power of ten above it
        bound = 10.0 ** math.ceil(math.log10(gap)) if gap else 0.0
        agree = "the same best loss" if gap == 0 else f"best losses within a relative {formats.scientific(bound)}"
        return (
            f"on {picked}, rerunning all {formats.count(starts)} starting points finds no better fit than the "
            f"shortcut ({agree}), so the draws that set the interval's ends sit where the complete procedure puts "
            "them. That is all it shows: it does not bound how often the shortcut misses on the other draws, and a "
            "draw elsewhere whose better fit it missed could cross an end and move it"
        )
    moved = check[better]
    shifts = formats.listing(
        [
            f"rank {formats.count(r)}: {formats.count(a / 1e9)} B to {formats.count(b / 1e9)} B"
            for r, a, b in zip(moved["rank"], moved["params"], moved["grid_params"])
        ]
    )
    return (
        f"on {picked}, rerunning all {formats.count(starts)} starting points finds a better fit than the shortcut "
        f"on {formats.count(int(better.sum()))} of them (lower by up to a relative "
        f"{formats.scientific(float(relative.max()))}), which moves its N ({shifts}): the interval's ends are not "
        "settled"
    )


def shortcut_caveat(check: pd.DataFrame) -> str:
    """The caveat's words on :func:`herd.analyses.compute.refit.shortcut_check`: what rerunning the whole grid
    found on the draws that set the interval's ends (the same 10⁻⁹ threshold as :func:`shortcut_sentence`)."""
    better = int((check["better_by"] / check["shortcut_loss"].abs() > 1e-9).sum())
    if not better:
        return "finds no better fit there, which supports but does not prove that none of the others has one"
    return f"finds a better fit on {formats.count(better)} of them, so the interval's ends are not settled"
