"""The refit of Chinchilla's parametric law from the runs Epoch AI read off its Figure 4
(herd.analyses.compute.refit): the vendored data is Epoch's file, the objective and its gradient are right, the
batched optimiser finds known minima, the fit recovers a known law and reproduces Besiroglu et
al.'s published estimates within their standard errors, and the bootstrap refits each resample
from the grid's end points (its spread matches their standard errors, and rerunning the whole
grid on a resample finds no better fit)."""

import csv
import hashlib

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime

from conftest import DATA
from herd.analyses.compute import laws, refit, scaling
from herd.presentation import scaling_text
from herd.record import data

# sha256 of data/svg_extracted_data.csv in epoch-research/analyzing-chinchilla at commit
# 92258837425e1b5f2851d624287f0120583a3d0e (git blob 7e8ceb8817226b086484e6043b222bcd433f058e)
EPOCH_FILE_SHA256 = "193478df4e90f040016431996c45682659306840ecdadf83cfb9cd5ca0aa1b30"
SMALL_GRID = {
    "a": np.array([5.0]),
    "b": np.array([5.0, 10.0]),
    "e": np.array([0.0, 0.5]),
    "alpha": np.array([0.5]),
    "beta": np.array([0.5]),
}


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


@pytest.fixture(scope="module")
def fit(package):
    """The chapter's fit: Chinchilla's whole grid of 4,500 starting points (about a minute)."""
    return refit.fit_figure4(package)


def test_vendored_table_is_epochs_file_number_for_number():
    # Rebuild Epoch AI's file from the table (its columns, with the colour twice as in the
    # original) and compare checksums: every number was copied as text, unchanged.
    with (DATA / "chinchilla_figure4.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["source_line"]) for r in rows] == list(range(2, 247))
    lines = ["x,y,color,Model Size,Training FLOP,hex_color,loss"]
    lines += [
        ",".join([r["svg_x"], r["svg_y"], r["color"], r["parameters"], r["training_flops"], r["color"], r["loss"]])
        for r in rows
    ]
    assert hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest() == EPOCH_FILE_SHA256


def test_figure4_points(package):
    pts = refit.figure4_points(package)
    assert len(pts) == 245 and pts["excluded"].sum() == 5
    assert pts.loc[pts["excluded"], "loss"].min() > pts.loc[~pts["excluded"], "loss"].max()
    assert np.allclose(pts["tokens"], pts["training_flops"] / (6 * pts["parameters"]))
    assert refit.figure4_points(package, exclude_highest=0)["excluded"].sum() == 0


def _args(package, step=7, seed=3):
    pts = refit.figure4_points(package).iloc[::step]
    rng = np.random.default_rng(seed)
    return pts, (
        np.log(pts["parameters"].to_numpy()),
        np.log(pts["tokens"].to_numpy()),
        np.log(pts["loss"].to_numpy()),
        rng.integers(0, 3, len(pts)).astype(float),
        0.05,
    )


def test_objective_gradient_matches_finite_differences(package):
    _, args = _args(package)
    for theta in ([6.0, 7.5, 0.6, 0.35, 0.37], [3.0, 4.0, 0.2, 0.2, 0.25]):
        numeric = approx_fprime(np.array(theta), lambda t: refit.huber_objective(t, *args)[0], 1e-7)
        assert refit.huber_objective(np.array(theta), *args)[1] == pytest.approx(numeric, rel=1e-4, abs=1e-7)


def test_batched_losses_are_the_objective_in_centred_coordinates(package):
    pts, args = _args(package)
    runs = refit.Runs.of(pts["parameters"], pts["tokens"], pts["loss"])
    thetas = np.array([[6.0, 7.5, 0.6, 0.35, 0.37], [3.0, 4.0, 0.2, 0.2, 0.25]])
    u = runs.centre(thetas)
    assert runs.uncentre(u) == pytest.approx(thetas)
    values, grads = runs.losses(u, args[3], delta=0.05)
    for theta, value, grad in zip(thetas, values, grads):
        expected, expected_grad = refit.huber_objective(theta, *args)
        assert value == pytest.approx(expected, rel=1e-12)
        # the chain rule of the centring: ∂/∂α (centred) = ∂/∂α + x̄·∂/∂a, and the same for β
        back = expected_grad.copy()
        back[3] += runs.x_mean * expected_grad[0]
        back[4] += runs.y_mean * expected_grad[1]
        assert grad == pytest.approx(back, rel=1e-9, abs=1e-12)
    assert runs.huber_each(u, 0.05) @ args[3] == pytest.approx(values, rel=1e-12)


def test_batched_bfgs_finds_known_minima():
    # independent ill-conditioned quadratics, each with its own known minimum
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(6, 5))
    scales = np.array([1.0, 10.0, 100.0, 1e3, 1e4])

    def fun(u, rows):
        d = u - centres[rows]
        return (scales * d * d).sum(axis=1), 2 * scales * d

    u, f, converged, steps = refit.bfgs(fun, np.zeros((6, 5)))
    assert converged.all() and (steps > 0).all()
    assert u == pytest.approx(centres, abs=1e-5) and f == pytest.approx(np.zeros(6), abs=1e-9)


def test_fit_recovers_a_known_law():
    rng = np.random.default_rng(0)
    truth = laws.ParametricLoss(E=1.7, A=400.0, B=1500.0, alpha=0.33, beta=0.35)
    n = np.exp(rng.uniform(np.log(5e7), np.log(1.5e10), 200))
    d = np.exp(rng.uniform(np.log(5e8), np.log(4e11), 200))
    loss = truth.loss(n, d) * np.exp(rng.normal(0, 0.002, 200))
    fit = refit.fit_parametric(n, d, loss, grid=SMALL_GRID)
    for name, rel in (("E", 0.01), ("alpha", 0.05), ("beta", 0.05), ("A", 0.3), ("B", 0.3)):
        assert getattr(fit.law, name) == pytest.approx(getattr(truth, name), rel=rel), name
    assert fit.starts == 4 and fit.points == 200 and 1 <= fit.reach_best <= 4
    assert fit.candidates[0] == pytest.approx(np.array(fit.theta)) and len(fit.candidates) <= 4


def test_fit_rejects_bad_input():
    with pytest.raises(ValueError, match="loss: every value must be a positive finite number"):
        refit.fit_parametric([1e9, 2e9], [1e10, 2e10], [2.0, -1.0], grid=SMALL_GRID)
    with pytest.raises(ValueError, match="same length"):
        refit.fit_parametric([1e9, 2e9], [1e10], [2.0, 2.1], grid=SMALL_GRID)
    with pytest.raises(ValueError, match="draws"):
        refit.resample_weights(10, 0, seed=0)


def test_distinct_keeps_the_best_of_each_cluster():
    points = np.array([[0.0, 0.0], [0.0005, 0.0], [1.0, 1.0], [1.0002, 1.0]])
    losses = np.array([2.0, 1.0, 3.0, 4.0])
    assert refit.distinct(points, losses).tolist() == [1, 2]


def test_stable_writes_what_every_seed_agrees_on():
    assert scaling_text.stable([390, 396, 382, 395, 397]) == "400"  # step 50
    # an interval's ends over the seeds: the extreme end rounded outwards, so the interval written holds each seed's
    assert scaling_text.outward([390, 396, 382, 395, 397], 1.0, "down") == "380"
    assert scaling_text.outward([1170, 1120, 1150, 1150, 1160], 1.0, "up") == "1,200"
    assert (
        scaling_text.outward([16.2, 16.0, 16.6], 1.0, "up") == "17"
        and scaling_text.outward([5.41, 5.65], 1.0, "down") == "5.4"
    )
    assert scaling_text.stable([1170, 1120, 1150, 1150, 1160]) == "1,200"  # step 200
    assert scaling_text.stable([16.2, 16.0, 16.6, 16.0, 16.0]) == "16"  # step 1
    assert scaling_text.stable([5.41, 5.65, 5.53, 5.49, 5.45]) == "5.5"  # step 0.5
    assert scaling_text.stable([630.1, 630.4]) == "630"  # step 1: 3 significant figures at most
    assert scaling_text.stable([41.7, 40.4, 43.4, 40.6, 40.2]) == "40"  # step 10


@pytest.mark.slow
def test_refit_reproduces_besiroglus_published_estimates_within_their_standard_errors(package, fit):
    # Besiroglu et al. 2024: A 482.01 (124.58), B 2085.43 (1293.23), E 1.8172 (0.03), α 0.3478 (0.02), β 0.3658 (0.02)
    published = laws.constants(package.scaling_laws, "besiroglu2024")
    ses = laws.standard_errors(package.scaling_laws, "besiroglu2024")
    for name in refit.CONSTANTS:
        assert abs(getattr(fit.law, name) - published[name]) < ses[name], name
    assert fit.points == 240 and fit.starts == 4500 and 1 < fit.at_best <= fit.reach_best < fit.starts
    # the other end points are worse: plateaus where a term vanishes, at least twice the best loss
    assert fit.candidate_losses[0] == pytest.approx(fit.objective) and fit.candidate_losses[1] > 2 * fit.objective
    # it is a better fit of the runs than Epoch's rounded constants and Chinchilla's own
    pts = refit.figure4_points(package)
    kept = pts[~pts["excluded"]]
    args = (
        np.log(kept["parameters"].to_numpy()),
        np.log(kept["tokens"].to_numpy()),
        np.log(kept["loss"].to_numpy()),
        np.ones(len(kept)),
    )
    for law in ("besiroglu2024", "hoffmann2022-approach3-unrounded"):
        c = published if law == "besiroglu2024" else laws.constants(package.scaling_laws, law)
        theta = [np.log(c["A"]), np.log(c["B"]), np.log(c["E"]), c["alpha"], c["beta"]]
        assert fit.objective <= refit.huber_objective(theta, *args)[0]


@pytest.mark.slow
def test_bootstrap_spread_matches_besiroglus_standard_errors(package, fit):
    # A bootstrap whose fits stop early (scipy's default tolerance on this tiny objective)
    # collapses to the starting point: its standard errors come out hundreds of times too small.
    boot = refit.bootstrap_refit(refit.figure4_points(package), fit, 3.8e25, draws=300, seed=1)
    ses = laws.standard_errors(package.scaling_laws, "besiroglu2024")
    for name in refit.CONSTANTS:
        assert 0.6 < boot[name].std(ddof=1) / ses[name] < 1.5, name
    assert boot["converged"].all() and boot["from_best"].mean() > 0.9


@pytest.mark.slow
def test_bootstrap_is_reproducible_and_keeps_the_constants_together(package, fit, monkeypatch):
    monkeypatch.setenv("HERD_CACHE", "off")  # computed each time, not read back from the memo
    pts = refit.figure4_points(package)
    a = refit.bootstrap_refit(pts, fit, 3.8e25, draws=60, seed=7)
    assert a.equals(refit.bootstrap_refit(pts, fit, 3.8e25, draws=60, seed=7))
    assert not a.equals(refit.bootstrap_refit(pts, fit, 3.8e25, draws=60, seed=8))
    # each draw is one refit: its optimum is its own constants' optimum, on the budget
    law = laws.ParametricLoss(*(a.loc[0, k] for k in refit.CONSTANTS))
    assert a.loc[0, "params"] == pytest.approx(law.params(3.8e25))
    assert laws.training_flops(a["params"], a["tokens"]) == pytest.approx(np.full(60, 3.8e25))
    # refitted together, A and α move together (drawn independently they would not)
    assert np.corrcoef(np.log(a["A"]), a["alpha"])[0, 1] > 0.8


@pytest.mark.slow
def test_each_draw_is_refitted_from_several_end_points_and_keeps_the_best(package, fit):
    pts = refit.figure4_points(package)
    runs = refit._kept(pts)
    weights = refit.resample_weights(len(runs.x), 40, seed=3)
    best, loss, converged, source = refit.refit_draws(runs, fit, weights)
    one, loss_one, _, _ = refit.refit_draws(runs, fit, weights, candidates=1)
    assert (loss <= loss_one + 1e-15).all() and converged.all()
    # the loss reported is the draw's own loss at the fit
    assert runs.losses(best, weights, gradient=False) == pytest.approx(loss, rel=1e-12)
    assert set(source) <= set(range(len(fit.candidates)))


@pytest.mark.slow
def test_rerunning_the_whole_grid_on_the_draws_at_the_interval_ends_finds_no_better_fit(package, fit):
    # the chapter's check (its defaults: the draw nearest each end of seed 0's 2,000 draws), kept in the memo
    pts = refit.figure4_points(package)
    boot = refit.bootstrap_refit(pts, fit, 3.8e25, draws=2000, seed=0)
    check = refit.shortcut_check(pts, fit, boot, 3.8e25, 1, 0)
    assert check["end"].tolist() == ["lower", "upper"] and check["rank"].tolist() == [51, 1950]
    # the draws checked are the ones the interval's ends are read from
    low, high = refit.percentile_interval(boot["params"])
    assert check["params"].iloc[0] == pytest.approx(low, rel=1e-2) and check["params"].iloc[1] == pytest.approx(
        high, rel=1e-2
    )
    assert (check["grid_loss"] >= check["shortcut_loss"] - 1e-9).all()
    # no better fit: the grid's fit is the shortcut's, so N is the same
    assert check["grid_params"].to_numpy() == pytest.approx(check["params"].to_numpy(), rel=1e-4)
    text = scaling_text.shortcut_sentence(check, fit.starts, len(boot))
    assert text.startswith("on the draw nearest each end of the interval of N (ranks 51 and 1,950 of 2,000")
    assert "does not bound how often the shortcut misses" in text


def test_interval_end_draws_are_the_ranks_around_each_percentile():
    rng = np.random.default_rng(1)
    boot = pd.DataFrame({"draw": np.arange(2000), "params": rng.lognormal(27, 0.3, 2000)})
    two = refit.interval_end_draws(boot, 2)
    # numpy's 2.5th percentile of 2,000 values sits at position 49.975 (from 0): between ranks 50 and 51
    assert two["rank"].tolist() == [50, 51, 1950, 1951]
    ordered = np.sort(boot["params"].to_numpy())
    assert two["params"].tolist() == ordered[[49, 50, 1949, 1950]].tolist()
    low, high = refit.percentile_interval(boot["params"])
    lower, upper = two[two["end"] == "lower"]["params"], two[two["end"] == "upper"]["params"]
    assert lower.min() <= low <= lower.max() and upper.min() <= high <= upper.max()
    # the draw is the row of the resample weights, not the rank
    assert (boot.set_index("draw").loc[two["draw"], "params"].to_numpy() == two["params"].to_numpy()).all()
    one = refit.interval_end_draws(boot, 1)
    assert one["rank"].tolist() == [51, 1950]
    with pytest.raises(ValueError, match="per_end"):
        refit.interval_end_draws(boot, 0)
    with pytest.raises(ValueError, match="need at least 8 draws"):
        refit.interval_end_draws(boot.head(5), 4)


def test_shortcut_sentence_says_what_the_check_shows_and_reports_a_miss():
    check = pd.DataFrame(
        {
            "end": ["lower", "upper"],
            "draw": [7, 3],
            "rank": [51, 1950],
            "params": [390e9, 1171e9],
            "shortcut_loss": [1e-3, 1.2e-3],
            "grid_loss": [1e-3, 1.2e-3],
            "better_by": [0.0, 0.0],
            "grid_params": [390e9, 1171e9],
        }
    )
    text = scaling_text.shortcut_sentence(check, 4500, 2000)
    assert text.startswith(
        "on the draw nearest each end of the interval of N (ranks 51 and 1,950 of 2,000 in order of N: 390 B and "
        "1,171 B), rerunning all 4,500 starting points finds no better fit than the shortcut (the same best loss)"
    )
    assert scaling_text.shortcut_caveat(check).startswith(
        "finds no better fit there, which supports but does not prove"
    )
    # the check can fail: a shortcut that missed a better fit is reported, with the N it moves
    missed = check.assign(better_by=[1e-6, 0.0], grid_params=[410e9, 1171e9])
    text = scaling_text.shortcut_sentence(missed, 4500, 2000)
    assert "finds a better fit than the shortcut on 1 of them" in text and "rank 51: 390 B to 410 B" in text
    assert (
        scaling_text.shortcut_caveat(missed)
        == "finds a better fit on 1 of them, so the interval's ends are not settled"
    )


@pytest.mark.slow
def test_main_table_interval_comes_from_the_refit_not_independent_draws(package, fit):
    # Erratum: the chapter's main table showed 47–19,194 B, from drawing each of Epoch's
    # constants independently. The interval from resampling the runs is a factor of about 3 wide.
    pts = refit.figure4_points(package)
    boots, seeds = refit.bootstrap_seeds(pts, fit, 3.8e25, draws=200, seeds=[0, 1])
    boot = boots[0]
    opt = scaling.optimum_table(package.scaling_laws, ["besiroglu2024"], 3.8e25, refit=fit, boot=boot).set_index("law")
    row = opt.loc[scaling.REFIT]
    assert row["params_low"] < row["params"] < row["params_high"]
    assert row["params_high"] / row["params_low"] < 5
    assert 100e9 < row["params_low"] and row["params_high"] < 5e12
    assert pd.isna(opt.loc["besiroglu2024", "params_low"])  # published constants alone give no interval
    shown = scaling_text.optimum_display(opt.reset_index()).set_index("law")
    assert shown.loc[scaling.LAW_LABELS[scaling.REFIT], "N, 95 % bootstrap interval"].endswith(" B")
    g = scaling_text.refit_glue(fit, opt.reset_index(), boot, seeds, 405e9, 42.5)
    assert g["contains_trained"] == "contains" and g["n_draws"] == "200" and g["n_seeds"] == "2"
    assert g["llama_tpp"] == "42" and g["n_all_draws"] == "400"
    assert int(g["refit_tpp"]) == round(row["tokens"] / row["params"])
    # the shown seed's own interval, as the table of laws prints it (the prose's ends are rounded across seeds)
    assert f"{g['seed_n_interval']}" == shown.loc[scaling.LAW_LABELS[scaling.REFIT], "N, 95 % bootstrap interval"]
    assert f"{g['seed_d_interval']}" == shown.loc[scaling.LAW_LABELS[scaling.REFIT], "D, 95 % bootstrap interval"]
    # an interval some seeds put above the size trained: "contains" only when every seed does
    shifted = seeds.assign(params_low=[300e9, 410e9])
    assert scaling_text.refit_glue(fit, opt.reset_index(), boot, shifted, 405e9, 42.5)["contains_trained"] == (
        "not always contains"
    )
    table = scaling_text.seeds_display(seeds)
    assert table.columns[1] == "parameters N (B), 95 % interval" and table["seed"].tolist() == [0, 1]


@pytest.mark.slow
def test_comparison_with_published(package, fit):
    boot = refit.bootstrap_refit(refit.figure4_points(package), fit, 3.8e25, draws=100, seed=2)
    comp = refit.compare_with_published(fit, boot, package.scaling_laws).set_index("constant")
    assert comp.loc["A", "published"] == 482.01 and comp.loc["A", "published SE"] == 124.58
    assert comp.loc["A", "published low"] == 285.214 and comp.loc["A", "published high"] == 743.626
    assert (comp["difference in published SEs"].abs() < 1).all()
    assert (comp["bootstrap low"] < comp["refit"]).all() and (comp["refit"] < comp["bootstrap high"]).all()
    shown = scaling_text.comparison_display(comp.reset_index())
    assert list(shown["constant"]) == ["E", "A", "B", "α", "β"]
    assert shown.loc[1, "their 95 % interval"] == "285–744"
