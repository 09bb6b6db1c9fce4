"""Where the scaling chapter's numbers come from: the lineage of each value it glues and each table it shows.

Each function returns, for one of the chapter's groups of numbers (the names :mod:`herd.presentation.scaling_text`
gives them), the lineage of each: a number read from the data package names its row and how it was written; a
computed one names the analysis that computed it (:mod:`herd.analyses.compute.refit`, :mod:`.scaling`,
:mod:`.budget`), its parameters and the rows it read.
"""

from __future__ import annotations

from dataclasses import replace

from herd.analyses.compute import budget, laws, refit, scaling
from herd.base import formats
from herd.base.lineage import Call, Lineage, call, computed
from herd.record import lineage as rows_of

from . import budget_text

CHINCHILLA = "chinchilla_figure4"
LLAMA_LAWS = ("llama3-text", "llama3-figure")


def _runs(package):
    return rows_of.rows(package, CHINCHILLA)


def _laws(package, names) -> tuple:
    return rows_of.rows_where(package, "scaling_laws", "law", names)


def _facts(package, keys) -> tuple:
    return rows_of.rows_where(package, "facts", "key", keys)


def _runs_note(package) -> str:
    """How many of the runs read the fit uses: it leaves out those with the highest loss
    (:data:`refit.OUTLIERS_EXCLUDED`)."""
    n, left = len(package.tables[CHINCHILLA]), refit.OUTLIERS_EXCLUDED
    return f"of the {n} runs read, the fit leaves out the {left} of highest loss (exclude_highest) and uses {n - left}"


def _points() -> Call:
    return call(refit.figure4_points, exclude_highest=refit.OUTLIERS_EXCLUDED)


def _fit() -> Call:
    return call(refit.fit_figure4, exclude_highest=refit.OUTLIERS_EXCLUDED)


def _bootstrap(flops: float, draws: int, seed: int, seeds: int) -> Call:
    return call(refit.bootstrap_seeds, flops=flops, draws=draws, seeds=refit.seeds(seed, seeds))


def runs(package, names) -> dict[str, Lineage]:
    """Counts of Chinchilla's runs and their largest model and data (:func:`refit.figure4_points`), by name."""
    outputs = {
        "n_runs": "its rows (counted)",
        "n_excluded": "column excluded (counted)",
        "max_params": "column parameters (largest)",
        "max_tokens": "column tokens (largest)",
    }
    return {
        name: computed(
            refit.figure4_points, _runs(package), output=outputs.get(name), exclude_highest=refit.OUTLIERS_EXCLUDED
        )
        for name in names
    }


def kaplan(package) -> Lineage:
    """Kaplan et al.'s relations, written from their constants (:func:`laws.constants`)."""
    return computed(laws.constants, _laws(package, ["kaplan2020"]), output="A, alpha, B, beta", law="kaplan2020")


def kaplan_note(package, flops: float) -> Lineage:
    """Kaplan et al.'s size and data at ``flops`` and how far 6·N·D is from it (:func:`laws.kaplan_flops_ratio`)."""
    return computed(
        laws.kaplan_flops_ratio, _laws(package, ["kaplan2020"]), output="the ratio of 6·N·D to the budget", flops=flops
    )


def rerun(package, flops: float) -> dict[str, Lineage]:
    """The token law re-run at ``flops`` (:func:`scaling.token_law_rerun`) and the printed numbers beside it."""

    def law(output: str, keys=scaling.FACT_KEYS) -> Lineage:
        reads = _laws(package, LLAMA_LAWS) + _facts(package, keys)
        return computed(scaling.token_law_rerun, reads, output=output, flops=flops)

    return {
        "text_tokens": law("row llama3-text, column tokens"),
        "fig_tokens": law("row llama3-figure, column tokens"),
        "text_params": law("row llama3-text, column params"),
        "fig_params": law("row llama3-figure, column params"),
        "paper_tokens": rows_of.fact_lineage(package, "scaling.predicted_tokens", formats.number, 2, scale=1e-12),
        "paper_params": rows_of.fact_lineage(package, "scaling.predicted_params", formats.count, scale=1e-9),
        "actual_tokens": rows_of.fact_lineage(package, "training.tokens", formats.number, 1, scale=1e-12),
        "actual_params": rows_of.fact_lineage(package, "training.parameters", formats.count, scale=1e-9),
        "fit_high": rows_of.fact_lineage(package, "scaling.fit_flops.high", formats.scientific),
        "orders_beyond": computed(
            scaling.token_law_rerun,
            _facts(package, ["scaling.fit_flops.high"]),
            output="log10 of the budget over fit_high",
            flops=flops,
        ),
    }


def rerun_table(package, flops: float) -> Lineage:
    """The token law re-run at ``flops`` (:func:`scaling.token_law_rerun`), every row."""
    reads = _laws(package, LLAMA_LAWS) + _facts(package, scaling.FACT_KEYS)
    return computed(scaling.token_law_rerun, reads, output="every row", flops=flops)


def fit(package) -> Lineage:
    """The refit of Chinchilla's law to its runs (:func:`refit.fit_figure4`), as the tolerance it counts the starts
    that end at the best within (:data:`refit.AT_BEST`)."""
    return computed(
        refit.fit_figure4,
        _runs(package),
        output="at_best (the starts within herd.analyses.compute.refit.AT_BEST of the best)",
        note=_runs_note(package),
        exclude_highest=refit.OUTLIERS_EXCLUDED,
    )


def bootstrap(package, flops: float, draws: int, seed: int, seeds: int, output: str | None = None) -> Lineage:
    """The bootstrap of the refit over ``seeds`` seeds from ``seed`` (:func:`refit.bootstrap_seeds`, after the runs
    and the refit)."""
    call_ = _bootstrap(flops, draws, seed, seeds)
    return computed(
        refit.bootstrap_seeds, _runs(package), output=output, after=[_points(), _fit()], **dict(call_.params)
    )


def comparison(package, flops: float, draws: int, seed: int, seeds: int, output: str | None = None) -> Lineage:
    """The refit's constants against Besiroglu et al.'s (:func:`refit.compare_with_published`, given the refit and
    the bootstrap's draws at ``seed``)."""
    return computed(
        refit.compare_with_published,
        _runs(package) + _laws(package, ["besiroglu2024"]),
        output=output,
        after=[_points(), _fit(), _bootstrap(flops, draws, seed, seeds)],
        law="besiroglu2024",
    )


def comparison_numbers(package, flops: float, draws: int, seed: int, seeds: int, names) -> dict[str, Lineage]:
    """The lineage of each number :func:`herd.presentation.scaling_text.comparison_glue` writes, by name."""
    columns = {
        "max_se_gap": "column 'difference in published SEs' (largest)",
        "se_ratio_low": "the ratio of standard errors (smallest)",
        "se_ratio_high": "the ratio of standard errors (largest)",
        "width_ratio_low": "the ratio of interval widths (smallest)",
        "width_ratio_high": "the ratio of interval widths (largest)",
    }
    return {name: comparison(package, flops, draws, seed, seeds, columns.get(name)) for name in names}


def shortcut(package, flops: float, checks: int, seed: int, draws: int, seeds: int) -> Lineage:
    """The check of the bootstrap's shortcut on the draws that set the interval (:func:`refit.shortcut_check`)."""
    return computed(
        refit.shortcut_check,
        _runs(package),
        output="a row per draw checked",
        after=[_points(), _fit(), _bootstrap(flops, draws, seed, seeds)],
        flops=flops,
        per_end=checks,
        seed=seed,
    )


def points(package, models) -> Lineage:
    """The models placed against the laws (:func:`scaling.model_points`), from their facts."""
    table = package.tables["model_facts"]
    return computed(
        scaling.model_points,
        _facts(package, table[table["model"].isin(list(models))]["fact"]),
        output="a row per model",
        models=list(models),
    )


def refit_numbers(package, flops: float, draws: int, seed: int, seeds: int, laws_: list[str], names) -> dict:
    """The lineage of each number :func:`herd.presentation.scaling_text.refit_glue` writes (``names``): the optimum's
    size and data from its row of :func:`scaling.optimum_table` (given the refit and the bootstrap at ``seed``, so
    it reads Chinchilla's runs and none of the laws), the
    fit's own counts from the fit, the interval's and the draws' from the bootstrap over every seed, and the paper's
    tokens per parameter from its law."""
    at_seed = optimum(package, laws_, flops, draws, seed, seeds)
    row = {
        "refit_n": "row refit, column params",
        "refit_d": "row refit, column tokens",
        "refit_tpp": "row refit, columns tokens / params",
        "seed_n_interval": "row refit, columns params_low, params_high",
        "seed_d_interval": "row refit, columns tokens_low, tokens_high",
    }
    own = {
        "n_points": "points",
        "n_starts": "starts",
        "n_at_best": "at_best",
        "n_reach_best": "reach_best",
        "n_candidates": "candidates (counted)",
    }
    seeds_table = {
        "refit_n_lo": "the seeds' table, column params_low",
        "refit_n_hi": "the seeds' table, column params_high",
        "refit_d_lo": "the seeds' table, column tokens_low",
        "refit_d_hi": "the seeds' table, column tokens_high",
        "refit_tpp_lo": "the seeds' table, column ratio_low",
        "refit_tpp_hi": "the seeds' table, column ratio_high",
        "refit_ratio": "the seeds' table, columns params_high / params_low",
        "contains_trained": "the seeds' table, columns params_low, params_high (against the trained size)",
        "trained_position": "the seeds' table, columns params_low, params_high (against the trained size)",
        "n_seeds": "the seeds' table (counted)",
        "n_not_converged": "the seeds' table, columns draws − converged (summed)",
        "n_draws": "the draws of the shown seed (counted)",
        "n_all_draws": "the seeds' table, column draws (summed)",
        "n_not_from_best": "the draws of every seed not refitted best from the best end point (counted)",
        "n_per_draw": "the end points each draw is refitted from (herd.analyses.compute.refit.CANDIDATES)",
        "level": "level (its default)",
    }
    out: dict[str, Lineage] = {}
    for name in names:
        if name in row:
            out[name] = replace(at_seed, output=row[name], reads=_runs(package))  # the refit's row reads no law
        elif name in own:
            out[name] = computed(
                refit.fit_figure4, _runs(package), output=own[name], exclude_highest=refit.OUTLIERS_EXCLUDED
            )
        else:
            out[name] = bootstrap(package, flops, draws, seed, seeds, seeds_table.get(name))
    out["llama_tpp"] = computed(
        scaling.tokens_per_param,
        _laws(package, ["llama3-figure"]),
        output="tokens per parameter",
        law="llama3-figure",
        flops=flops,
    )
    return out


def distances(package, names, models, glued) -> dict[str, Lineage]:
    """How far each model's tokens are from each law's optimum (:func:`scaling.distance_to_optimum`, given the models'
    points and the refit, at the laws ``names``), by the ``glued`` names of
    :func:`herd.presentation.scaling_text.distance_summary`."""
    table = package.tables["model_facts"]
    facts = table[table["model"].isin(list(models))]["fact"]
    where = {
        "small_model": "column model (the smallest model)",
        "large_model": "column model (the largest model)",
        "small_low": "column token_ratio of the smallest model (lowest)",
        "small_high": "column token_ratio of the smallest model (highest)",
        "large_low": "column token_ratio of the largest model (lowest)",
        "large_high": "column token_ratio of the largest model (highest)",
        "apart_sentence": "column token_ratio of the smallest model under kaplan2020",
    }
    return {
        name: computed(
            scaling.distance_to_optimum,
            _laws(package, names) + _runs(package) + _facts(package, facts),
            output=where.get(name, "column token_ratio"),
            after=[call(scaling.model_points, models=list(models)), _fit()],
            laws=list(names),
        )
        for name in glued
    }


def budget_checks(package, flops: float, output: str | None = None) -> Lineage:
    """The compute checks (:func:`budget.checks`): the rows of facts.csv it reads by key
    (:data:`budget.CHECKED_SCALING_FACTS`, :data:`budget.FACT_KEYS`, and the facts of
    :data:`budget.MFU_MODEL`'s points), the token laws it checks (:data:`budget.TOKEN_LAWS`), Table 4 and Table 5."""
    table = package.tables["model_facts"]
    model_facts = table[table["model"] == budget.MFU_MODEL]["fact"]
    keys = [*budget.CHECKED_SCALING_FACTS, *budget.FACT_KEYS, *model_facts]
    return computed(
        budget.checks,
        rows_of.rows(package, "model_facts", table[table["model"] == budget.MFU_MODEL])
        + _facts(package, keys)
        + _laws(package, budget.TOKEN_LAWS)
        + rows_of.rows(package, "parallelism")
        + rows_of.rows(package, "interruptions"),
        output=output,
        budget_flops=flops,
    )


def budget_numbers(package, flops: float, names) -> dict[str, Lineage]:
    """The lineage of each number glued from the compute checks: their counts (:func:`budget.summary_counts` of
    :func:`budget.checks`) and the note on the peak's rounding (Table 4's checks)."""
    counts = {
        "n_checks": "checks",
        "n_not_agreeing": "not_agreeing",
        "agreement_phrase": "the count of each verdict",
        "causes_phrase": "the count of each cause, and of the checks of each kind",
    }
    reads = budget_checks(package, flops).reads
    made = [call(budget.checks, budget_flops=flops), call(budget_text.checks_table)]
    out = {name: computed(budget.summary_counts, reads, output=key, after=made) for name, key in counts.items()}
    peak = package.fact("h100.bf16_dense_tflops")
    out["peak_note"] = computed(
        budget.peak_rounding,
        rows_of.rows(package, "parallelism") + _facts(package, ["h100.bf16_dense_tflops"]),
        output="rows, miss_pct, step",
        after=[call(budget.parallelism_checks, peak_tflops=peak)],
        peak_tflops=peak,
    )
    return {name: out[name] for name in names}


def optimum(package, names, flops: float, draws: int, seed: int, seeds: int, output: str | None = None) -> Lineage:
    """Each law's compute-optimal allocation at ``flops`` (:func:`scaling.optimum_table`), the refit's with the
    bootstrap's draws at ``seed``."""
    return computed(
        scaling.optimum_table,
        _laws(package, names) + _runs(package),
        output=output or "a row per law",
        note=_runs_note(package),
        after=[_points(), _fit(), _bootstrap(flops, draws, seed, seeds)],
        laws=list(names),
        flops=flops,
    )


def mfu(package, models) -> Lineage:
    """The MFU each model's GPU hours imply (:func:`budget.implied_mfu`, given the models' points)."""
    table = package.tables["model_facts"]
    keys = [*table[table["model"].isin(list(models))]["fact"], "h100.bf16_dense_tflops"]
    keys += ["training.llama-3.1-405b.bf16-mfu-range-text.low", "training.llama-3.1-405b.bf16-mfu-range-text.high"]
    return computed(
        budget.implied_mfu,
        _facts(package, keys),
        output="a row per model",
        after=[call(scaling.model_points, models=list(models))],
    )


def parallelism(package) -> Lineage:
    """The paper's Table 4 with its products recomputed (:func:`budget.parallelism_checks`)."""
    return computed(
        budget.parallelism_checks,
        rows_of.rows(package, "parallelism") + _facts(package, ["h100.bf16_dense_tflops"]),
        output="a row per row of Table 4",
        peak_tflops=package.fact("h100.bf16_dense_tflops"),
    )


def interruptions(package) -> Lineage:
    """The paper's Table 5 with each share recomputed (:func:`budget.interruption_checks`)."""
    key = "interruptions.54-day-snapshot.unexpected-interruptions"
    return computed(
        budget.interruption_checks,
        rows_of.rows(package, "interruptions") + _facts(package, [key]),
        output="a row per row of Table 5",
        unexpected_total=int(package.fact(key)),
    )


def settings(flops: float, names) -> dict[str, Lineage]:
    """The refit's and the budget's settings the chapter writes out: the Huber loss's δ (the default of
    :func:`refit.fit_parametric`, :data:`refit.HUBER_DELTA`) and the compute budget the laws are compared at (the
    chapter's parameter ``compute_budget``, the argument ``budget_flops`` of :func:`budget.checks`)."""
    by_name = {
        "huber_delta": computed(
            refit.fit_parametric, output="its argument delta (refit.HUBER_DELTA)", delta=refit.HUBER_DELTA
        ),
        "budget_flops": computed(
            budget.checks, output="its argument budget_flops (the parameter compute_budget)", budget_flops=flops
        ),
    }
    return {name: by_name[name] for name in names}
