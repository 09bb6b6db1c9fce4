"""The refit of Chinchilla's parametric law from the runs Epoch AI read off its Figure 4:
the vendored data is Epoch's file, the objective and its gradient are right, the fit recovers
a known law, reproduces Epoch AI's published estimates within their standard errors, and the
bootstrap resamples runs (so its spread matches Epoch's standard errors)."""

import csv
import hashlib

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime

from conftest import DATA
from herd import data, scaling

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
def refit(package):
    """The chapter's fit: Chinchilla's whole grid of 4,500 starting points (about 15 s)."""
    return scaling.fit_figure4(package)


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
    pts = scaling.figure4_points(package)
    assert len(pts) == 245 and pts["excluded"].sum() == 5
    assert pts.loc[pts["excluded"], "loss"].min() > pts.loc[~pts["excluded"], "loss"].max()
    assert np.allclose(pts["tokens"], pts["training_flops"] / (6 * pts["parameters"]))
    assert scaling.figure4_points(package, exclude_highest=0)["excluded"].sum() == 0


def test_objective_gradient_matches_finite_differences(package):
    pts = scaling.figure4_points(package).iloc[::7]
    rng = np.random.default_rng(3)
    args = (
        np.log(pts["parameters"].to_numpy()),
        np.log(pts["tokens"].to_numpy()),
        np.log(pts["loss"].to_numpy()),
        rng.integers(0, 3, len(pts)).astype(float),
        0.05,
    )
    for theta in ([6.0, 7.5, 0.6, 0.35, 0.37], [3.0, 4.0, 0.2, 0.2, 0.25]):
        numeric = approx_fprime(np.array(theta), lambda t: scaling.huber_objective(t, *args)[0], 1e-7)
        assert scaling.huber_objective(np.array(theta), *args)[1] == pytest.approx(numeric, rel=1e-4, abs=1e-7)


def test_fit_recovers_a_known_law():
    rng = np.random.default_rng(0)
    truth = scaling.ParametricLoss(E=1.7, A=400.0, B=1500.0, alpha=0.33, beta=0.35)
    n = np.exp(rng.uniform(np.log(5e7), np.log(1.5e10), 200))
    d = np.exp(rng.uniform(np.log(5e8), np.log(4e11), 200))
    loss = truth.loss(n, d) * np.exp(rng.normal(0, 0.002, 200))
    fit = scaling.fit_parametric(n, d, loss, grid=SMALL_GRID)
    for name, rel in (("E", 0.01), ("alpha", 0.05), ("beta", 0.05), ("A", 0.3), ("B", 0.3)):
        assert getattr(fit.law, name) == pytest.approx(getattr(truth, name), rel=rel), name
    assert fit.starts == 4 and fit.points == 200


def test_fit_rejects_bad_input():
    with pytest.raises(ValueError, match="loss: every value must be a positive finite number"):
        scaling.fit_parametric([1e9, 2e9], [1e10, 2e10], [2.0, -1.0], grid=SMALL_GRID)
    with pytest.raises(ValueError, match="same length"):
        scaling.fit_parametric([1e9, 2e9], [1e10], [2.0, 2.1], grid=SMALL_GRID)


@pytest.mark.slow
def test_refit_reproduces_epochs_published_estimates_within_their_standard_errors(package, refit):
    # Besiroglu et al. 2024: A 482.01 (124.58), B 2085.43 (1293.23), E 1.8172 (0.03), α 0.3478 (0.02), β 0.3658 (0.02)
    published = scaling.constants(package.scaling_laws, "besiroglu2024")
    ses = scaling.standard_errors(package.scaling_laws, "besiroglu2024")
    for name in scaling.CONSTANTS:
        assert abs(getattr(refit.law, name) - published[name]) < ses[name], name
    assert refit.points == 240 and refit.starts == 4500 and refit.at_best > 1
    # it is a better fit of the runs than Epoch's rounded constants and Chinchilla's own
    pts = scaling.figure4_points(package)
    kept = pts[~pts["excluded"]]
    args = (
        np.log(kept["parameters"].to_numpy()),
        np.log(kept["tokens"].to_numpy()),
        np.log(kept["loss"].to_numpy()),
        np.ones(len(kept)),
    )
    for law in ("besiroglu2024", "hoffmann2022-approach3-unrounded"):
        c = published if law == "besiroglu2024" else scaling.constants(package.scaling_laws, law)
        theta = [np.log(c["A"]), np.log(c["B"]), np.log(c["E"]), c["alpha"], c["beta"]]
        assert refit.objective <= scaling.huber_objective(theta, *args)[0]


@pytest.mark.slow
def test_bootstrap_spread_matches_epochs_standard_errors(package, refit):
    # A bootstrap whose fits stop early (scipy's default tolerance on this tiny objective)
    # collapses to the starting point: its standard errors come out hundreds of times too small.
    boot = scaling.bootstrap_refit(scaling.figure4_points(package), refit, 3.8e25, draws=300, seed=1)
    ses = scaling.standard_errors(package.scaling_laws, "besiroglu2024")
    for name in scaling.CONSTANTS:
        assert 0.6 < boot[name].std(ddof=1) / ses[name] < 1.5, name
    assert boot["converged"].all()


@pytest.mark.slow
def test_bootstrap_is_reproducible_and_keeps_the_constants_together(package, refit):
    pts = scaling.figure4_points(package)
    a = scaling.bootstrap_refit(pts, refit, 3.8e25, draws=60, seed=7)
    assert a.equals(scaling.bootstrap_refit(pts, refit, 3.8e25, draws=60, seed=7))
    assert not a.equals(scaling.bootstrap_refit(pts, refit, 3.8e25, draws=60, seed=8))
    # each draw is one refit: its optimum is its own constants' optimum, on the budget
    law = scaling.ParametricLoss(*(a.loc[0, k] for k in scaling.CONSTANTS))
    assert a.loc[0, "params"] == pytest.approx(law.params(3.8e25))
    assert scaling.training_flops(a["params"], a["tokens"]) == pytest.approx(np.full(60, 3.8e25))
    # refitted together, A and α move together (drawn independently they would not)
    assert np.corrcoef(np.log(a["A"]), a["alpha"])[0, 1] > 0.8
    with pytest.raises(ValueError, match="draws"):
        scaling.bootstrap_refit(pts, refit, 3.8e25, draws=0, seed=0)


def test_main_table_interval_comes_from_the_refit_not_independent_draws(package, refit):
    # Erratum: the chapter's main table showed 47–19,194 B, from drawing each of Epoch's
    # constants independently. The interval from resampling the runs is a factor of about 3 wide.
    boot = scaling.bootstrap_refit(scaling.figure4_points(package), refit, 3.8e25, draws=200, seed=0)
    opt = scaling.optimum_table(package.scaling_laws, ["besiroglu2024"], 3.8e25, refit=refit, boot=boot).set_index(
        "law"
    )
    row = opt.loc[scaling.REFIT]
    assert row["params_low"] < row["params"] < row["params_high"]
    assert row["params_high"] / row["params_low"] < 5
    assert 100e9 < row["params_low"] and row["params_high"] < 5e12
    assert pd.isna(opt.loc["besiroglu2024", "params_low"])  # published constants alone give no interval
    shown = scaling.optimum_display(opt.reset_index()).set_index("law")
    assert shown.loc[scaling.LAW_LABELS[scaling.REFIT], "N, 95 % bootstrap interval"].endswith(" B")
    g = scaling.refit_glue(refit, opt.reset_index(), boot, 405e9)
    assert g["contains_trained"] == "contains" and g["n_draws"] == "200"


def test_comparison_with_published(package, refit):
    boot = scaling.bootstrap_refit(scaling.figure4_points(package), refit, 3.8e25, draws=100, seed=2)
    comp = scaling.compare_with_published(refit, boot, package.scaling_laws).set_index("constant")
    assert comp.loc["A", "published"] == 482.01 and comp.loc["A", "published SE"] == 124.58
    assert (comp["difference in published SEs"].abs() < 1).all()
    assert list(scaling.comparison_display(comp.reset_index())["constant"]) == ["E", "A", "B", "α", "β"]
