"""Where the scaling chapter's numbers come from: the lineage of each value it glues and each table it shows.

Each function returns, for one of the chapter's groups of numbers (the names :mod:`herd.presentation.scaling_text`
gives them), the lineage of each: a number read from the data package names its row and how it was written; a
computed one names the analysis that computed it (:mod:`herd.analyses.compute.refit`, :mod:`.scaling`,
:mod:`.budget`), its parameters and the rows it read.
"""

from __future__ import annotations

from herd.analyses.compute import budget, laws, refit, scaling
from herd.base import formats
from herd.base.lineage import Lineage, computed
from herd.record import lineage as rows_of

CHINCHILLA = "chinchilla_figure4"
LLAMA_LAWS = ("llama3-text", "llama3-figure")


def _runs(package):
    return rows_of.rows(package, CHINCHILLA)


def _laws(package, names) -> tuple:
    return rows_of.rows_where(package, "scaling_laws", "law", names)


def _facts(package, keys) -> tuple:
    return rows_of.rows_where(package, "facts", "key", keys)


def runs(package) -> Lineage:
    """Counts of Chinchilla's runs and their largest model and data (:func:`refit.figure4_points`)."""
    return computed(refit.figure4_points, _runs(package), exclude_highest=refit.OUTLIERS_EXCLUDED)


def kaplan(package) -> Lineage:
    """Kaplan et al.'s relations, written from their constants (:func:`laws.constants`)."""
    return computed(laws.constants, _laws(package, ["kaplan2020"]), law="kaplan2020")


def kaplan_note(package, flops: float) -> Lineage:
    """Kaplan et al.'s size and data at ``flops`` and how far 6·N·D is from it (:func:`laws.kaplan_flops_ratio`)."""
    return computed(laws.kaplan_flops_ratio, _laws(package, ["kaplan2020"]), compute_budget=flops)


def rerun(package, flops: float) -> dict[str, Lineage]:
    """The token law re-run at ``flops`` (:func:`scaling.token_law_rerun`) and the printed numbers beside it."""
    law = computed(
        scaling.token_law_rerun, _laws(package, LLAMA_LAWS) + _facts(package, scaling.FACT_KEYS), compute_budget=flops
    )
    return {
        "text_tokens": law,
        "fig_tokens": law,
        "text_params": law,
        "fig_params": law,
        "paper_tokens": rows_of.fact_lineage(package, "scaling.predicted_tokens", formats.number, 2, scale=1e-12),
        "paper_params": rows_of.fact_lineage(package, "scaling.predicted_params", formats.count, scale=1e-9),
        "actual_tokens": rows_of.fact_lineage(package, "training.tokens", formats.number, 1, scale=1e-12),
        "actual_params": rows_of.fact_lineage(package, "training.parameters", formats.count, scale=1e-9),
        "fit_high": rows_of.fact_lineage(package, "scaling.fit_flops.high", formats.scientific),
        "orders_beyond": computed(
            scaling.token_law_rerun, _facts(package, ["scaling.fit_flops.high"]), compute_budget=flops
        ),
    }


def fit(package, flops: float) -> Lineage:
    """The refit of Chinchilla's law to its runs (:func:`refit.fit_figure4`) and its optimum at ``flops``."""
    return computed(refit.fit_figure4, _runs(package), exclude_highest=refit.OUTLIERS_EXCLUDED, compute_budget=flops)


def bootstrap(package, flops: float, draws: int, seed: int, seeds: int) -> Lineage:
    """The bootstrap of the refit over ``seeds`` seeds from ``seed`` (:func:`refit.bootstrap_seeds`)."""
    return computed(refit.bootstrap_seeds, _runs(package), compute_budget=flops, draws=draws, seed=seed, seeds=seeds)


def comparison(package, flops: float, draws: int, seed: int) -> Lineage:
    """The refit's constants against Besiroglu et al.'s (:func:`refit.compare_with_published`)."""
    return computed(
        refit.compare_with_published,
        _runs(package) + _laws(package, ["besiroglu2024"]),
        compute_budget=flops,
        draws=draws,
        seed=seed,
    )


def shortcut(package, flops: float, checks: int, seed: int) -> Lineage:
    """The check of the bootstrap's shortcut on the draws that set the interval (:func:`refit.shortcut_check`)."""
    return computed(refit.shortcut_check, _runs(package), compute_budget=flops, grid_checks=checks, seed=seed)


def points(package, models) -> Lineage:
    """The models placed against the laws (:func:`scaling.model_points`), from their facts."""
    table = package.tables["model_facts"]
    return computed(
        scaling.model_points, _facts(package, table[table["model"].isin(list(models))]["fact"]), models=list(models)
    )


def refit_numbers(package, flops: float, draws: int, seed: int, seeds: int, names) -> dict[str, Lineage]:
    """The lineage of each number :func:`herd.presentation.scaling_text.refit_glue` writes (``names``): the
    fit's own numbers from the fit, the interval's and the draws' from the bootstrap, and the paper's tokens
    per parameter from its law."""
    fitted = fit(package, flops)
    booted = bootstrap(package, flops, draws, seed, seeds)
    own = {"refit_n", "refit_d", "refit_tpp", "n_points", "n_starts", "n_at_best", "n_reach_best", "n_candidates"}
    out = {name: (fitted if name in own else booted) for name in names}
    out["llama_tpp"] = computed(
        scaling.tokens_per_param, _laws(package, ["llama3-figure"]), law="llama3-figure", compute_budget=flops
    )
    return out


def distances(package, names, models) -> Lineage:
    """How far each model's tokens are from each law's optimum (:func:`scaling.distance_to_optimum`)."""
    table = package.tables["model_facts"]
    facts = table[table["model"].isin(list(models))]["fact"]
    return computed(
        scaling.distance_to_optimum,
        _laws(package, names) + _runs(package) + _facts(package, facts),
        laws=list(names),
        models=list(models),
    )


def budget_checks(package, flops: float) -> Lineage:
    """The compute checks (:func:`budget.checks`)."""
    return computed(
        budget.checks,
        rows_of.rows(package, "facts") + rows_of.rows(package, "parallelism") + rows_of.rows(package, "interruptions"),
        budget_flops=flops,
    )


def optimum(package, names, flops: float, draws: int, seed: int) -> Lineage:
    """Each law's compute-optimal allocation at ``flops`` with the refit's bootstrap (:func:`scaling.optimum_table`)."""
    return computed(
        scaling.optimum_table,
        _laws(package, names) + _runs(package),
        laws=list(names),
        compute_budget=flops,
        draws=draws,
        seed=seed,
    )


def mfu(package, models) -> Lineage:
    """The MFU each model's GPU hours imply (:func:`budget.implied_mfu`)."""
    table = package.tables["model_facts"]
    keys = [*table[table["model"].isin(list(models))]["fact"], "h100.bf16_dense_tflops"]
    return computed(budget.implied_mfu, _facts(package, keys), models=list(models))


def parallelism(package) -> Lineage:
    """The paper's Table 4 with its products recomputed (:func:`budget.parallelism_checks`)."""
    return computed(
        budget.parallelism_checks,
        rows_of.rows(package, "parallelism") + _facts(package, ["h100.bf16_dense_tflops"]),
    )


def interruptions(package) -> Lineage:
    """The paper's Table 5 with each share recomputed (:func:`budget.interruption_checks`)."""
    return computed(
        budget.interruption_checks,
        rows_of.rows(package, "interruptions")
        + _facts(package, ["interruptions.54-day-snapshot.unexpected-interruptions"]),
    )
