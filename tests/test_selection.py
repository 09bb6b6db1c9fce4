"""herd.analyses.contamination.selection: the item model (latent difficulty shared by the models), the count-based null
checked against items drawn one by one, the Monte Carlo p-values and the book's correction, and
the null tables as the contamination chapter shows them."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp, multivariate_normal, norm

from herd.analyses.contamination import selection
from herd.method import montecarlo, score_test
from herd.presentation import selection_text
from herd.record import data


def _estimated_gain(correct: np.ndarray, contaminated: np.ndarray) -> float:
    """Singh et al.'s estimated performance gain: accuracy on all examples minus accuracy on the clean ones, in
    points (NaN when either group is empty)."""
    clean = ~contaminated
    if clean.sum() == 0 or contaminated.sum() == 0:
        return float("nan")
    return 100.0 * (correct.mean() - correct[clean].mean())


def _both(gains=(16.3, None), beyond=(62, None), picks=(3599, None)):
    """Two rows of :func:`selection.side_by_side` (a simulated row and a blank one), two settings."""
    rows = pd.DataFrame(
        {
            "benchmark": ["A", "B"],
            "gain": list(gains),
            "n": [2546, 500],
            "n_basis": ["official", "official"],
            "accuracies": ["0.478 / 0.646 / 0.716", "0.5 / 0.5 / 0.5"],
            "accuracy_source": ["paper", "paper"],
            "not_simulated": ["", "no gain reported"],
        }
    )
    for label, latent in (("independent", 0.0), ("correlated", 0.75)):
        rows[f"{label}: latent"] = [latent, latent]
        rows[f"{label}: reachable"] = [True, True]
        rows[f"{label}: null_picked"] = [0.36, np.nan]
        rows[f"{label}: picks"] = list(picks)
        rows[f"{label}: beyond"] = list(beyond)
        rows[f"{label}: null_p_se"] = [0.0022, np.nan]
        rows[f"{label}: null_median"] = [0.7, np.nan]
        rows[f"{label}: verdict"] = ["uncorrected only", ""]
        rows[f"{label}: critical"] = [17.04, np.nan]
    return rows


def test_null_display_puts_the_decisive_columns_first_and_letters_the_reasons():
    decisive, inputs, notes = selection_text.null_display(_both(), ["independent", "correlated"])
    assert list(decisive.columns[:6]) == [
        "benchmark",
        "reported gain 405B",
        "share of chance gains at least as large, independent",
        "share of chance gains at least as large, correlated",
        "gain to exceed, independent",
        "gain to exceed, correlated",
    ]
    assert decisive["gain to exceed, correlated"].tolist() == ["+17.0", "—"]
    assert decisive["share of chance gains at least as large, independent"].tolist() == ["0.0172 ± 0.0022", "—"]
    assert decisive["not simulated"].tolist() == ["", "a"]
    assert notes.to_dict("records") == [{"note": "a", "why the row was not simulated": "no gain reported"}]
    # independence has no latent correlation to show; the correlated setting does
    assert "latent correlation, independent" not in inputs and inputs["latent correlation, correlated"][0] == "0.75"


@pytest.fixture(scope="module")
def package():
    return data.load()


def test_the_kept_null_is_keyed_by_what_it_reads_so_another_model_reuses_it(package):
    import dataclasses

    key = selection._package_inputs(package)[2]
    scores = package.scores
    llama = scores[
        scores["model"].isin(selection.MODELS) & scores["benchmark"].isin(package.contamination["benchmark"])
    ]
    other = scores[~scores["model"].isin(selection.MODELS)].iloc[[0]].assign(model="fixture-model")

    def replaced(frame):
        return dataclasses.replace(package, tables={**package.tables, "scores": frame})

    added = replaced(pd.concat([scores, other], ignore_index=True))
    assert selection._package_inputs(added)[2] == key
    # a pre-trained score of one of the three models on a Table 15 benchmark is read: the key changes
    read = llama[llama["training"] == "pre-trained"].iloc[[0]]
    moved = scores.copy()
    moved.loc[read.index, "score"] = float(read["score"].iloc[0]) + 1.0
    assert selection._package_inputs(replaced(moved))[2] != key


@pytest.mark.slow
def test_the_chapter_runs_share_rows_and_reuse_runs(package):
    runs = selection.null_runs(package, selection.settings(0.5), [0, 1], reps=300, max_draws=1_200)
    assert set(runs) == {("independent", 0), ("independent", 1), ("correlated", 0), ("correlated", 1)}
    quantiles, both = selection.side_by_side(runs, 0)
    assert set(quantiles["setting"]) == {"independent", "correlated"}
    assert (quantiles["q05"] <= quantiles["q50"]).all() and (quantiles["q50"] <= quantiles["q95"]).all()
    table = selection.seed_counts(runs)
    assert list(table.columns) == [
        "seed",
        "independent: uncorrected",
        "independent: Holm",
        "correlated: uncorrected",
        "correlated: Holm",
    ]
    assert (table["correlated: Holm"] <= table["correlated: uncorrected"]).all()
    ranged = selection.range_counts(package, runs, 0, [0.5, 0.0], reps=300, max_draws=1_200)
    assert ranged["item correlation"].tolist() == [0.0, 0.5]  # both reused from the runs
    assert list(ranged.columns) == [
        "item correlation",
        "rows where it is out of reach",
        "uncorrected",
        "Holm",
        "not determined (Holm)",
    ]
    for value, label in ((0.0, "independent"), (0.5, "correlated")):
        decided = selection.beyond_chance(runs[(label, 0)][1])
        row = ranged[ranged["item correlation"] == value].iloc[0]
        assert row["Holm"] == decided["corrected"].sum()
        assert row["not determined (Holm)"] == (", ".join(decided.loc[decided["open"], "benchmark"]) or "none")
    # the rows given more draws have them in whole batches, up to the most allowed
    draws = pd.concat([selection.simulated(rows)["draws"] for _, rows in runs.values()])
    assert set(draws) <= {300, 600, 1_200} and (draws % 300 == 0).all()
    # the chart's mark decides as the table does: a gain above the gain to exceed is beyond chance at its level
    _, both = selection.side_by_side(runs, 0)
    for label in ("independent", "correlated"):
        decided = selection.beyond_chance(runs[(label, 0)][1])
        critical = both.loc[decided.index, f"{label}: critical"]
        assert ((decided["gain"] > critical) == (decided["p_value"] < decided["level"])).all()
        assert (decided.loc[decided["corrected"], "gain"] > critical[decided["corrected"]]).all()
    found = selection_text.null_summary(runs, 0, ["independent", "correlated"])
    assert found["n_seeds"] == "2" and found["n_reported"] == "15" and found["n_t15"] == "21"
    assert found["beyond_correlated"] == str(table.loc[0, "correlated: uncorrected"])
    independent = selection.beyond_chance(runs[("independent", 0)][1])
    correlated = selection.beyond_chance(runs[("correlated", 0)][1])
    lost = set(independent.loc[independent["corrected"] & ~correlated["corrected"], "benchmark"])
    assert (found["lost"] == "none") == (not lost) and all(name in found["lost"] for name in lost)


# ------------------------------------------------------------------ the item model


def test_pattern_probabilities_keep_each_models_accuracy():
    acc = [0.2, 0.55, 0.9]
    bits = selection._patterns(3)
    for rho in (0.0, 0.4, 0.9):
        probs = selection.pattern_probabilities(acc, rho)
        assert probs.sum() == pytest.approx(1.0, abs=1e-12)
        assert [probs[bits[:, m] == 1].sum() for m in range(3)] == pytest.approx(acc, abs=1e-9)
    # independence: each pattern's probability is the product of the models' own
    probs = selection.pattern_probabilities(acc, 0.0)
    product = np.prod(np.where(bits == 1, acc, 1 - np.array(acc)), axis=1)
    assert probs == pytest.approx(product, abs=1e-12)


def test_two_models_right_together_as_the_bivariate_normal_says():
    # known value: P(both right) is the bivariate normal probability of the two thresholds
    acc, rho = [0.3, 0.8], 0.6
    probs, bits = selection.pattern_probabilities(acc, rho), selection._patterns(2)
    both = probs[(bits[:, 0] == 1) & (bits[:, 1] == 1)].sum()
    expected = multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf(norm.ppf(acc))
    assert both == pytest.approx(expected, abs=1e-5)


def test_sheppards_formula_at_even_accuracy():
    # Sheppard (1899): for two halves of a bivariate normal, the correlation of the signs is (2/π)·arcsin(ρ)
    for rho in (0.2, 0.5, 0.8):
        assert selection.item_correlations([0.5, 0.5], rho) == pytest.approx([2 / np.pi * np.arcsin(rho)], abs=1e-9)
    latent, reachable = selection.latent_correlation([0.5, 0.5, 0.5], 0.5)
    assert reachable and latent == pytest.approx(np.sin(np.pi / 4), abs=1e-9)


def test_latent_correlation_hits_its_target_or_says_it_cannot():
    acc = [0.478, 0.646, 0.716]
    latent, reachable = selection.latent_correlation(acc, 0.3)
    assert reachable and selection.item_correlations(acc, latent).mean() == pytest.approx(0.3, abs=1e-9)
    assert selection.latent_correlation(acc, 0.0) == (0.0, True)
    # a very easy and a very hard model cannot agree much: a high target is out of reach
    latent, reachable = selection.latent_correlation([0.05, 0.95], 0.5)
    assert not reachable and latent == selection.LATENT_MAX
    with pytest.raises(ValueError, match="item_correlation"):
        selection.latent_correlation(acc, 1.0)
    with pytest.raises(ValueError, match="accuracies"):
        selection.pattern_probabilities([0.0, 0.5], 0.2)


def test_score_z_is_the_books_score_statistic_at_zero_difference():
    rng = np.random.default_rng(4)
    for _ in range(50):
        n1, n2 = (int(v) for v in rng.integers(2, 500, 2))
        x1, x2 = int(rng.integers(0, n1 + 1)), int(rng.integers(0, n2 + 1))
        expected = float(score_test.score_statistic(x1, n1, x2, n2))
        got = float(selection.score_z(x1, n1, x2, n2))
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12) or (np.isinf(got) and got == expected)


def _item_level(n, acc, thresholds, reps, rho, alpha, seed):
    """The selection rule applied item by item, as the paper describes it (a reference, slow):
    each item gets a difficulty, each model its own noise, each item a uniform score."""
    rng = np.random.default_rng(seed)
    cut = norm.ppf(acc)
    picked, gains405 = [], []
    for _ in range(reps):
        z, eps, score = rng.normal(size=n), rng.normal(size=(len(acc), n)), rng.random(n)
        correct = np.sqrt(rho) * z + np.sqrt(1 - rho) * eps < cut[:, None]
        best = None
        for t in thresholds:
            cont = score > t
            if cont.sum() == 0 or (~cont).sum() == 0:
                continue
            gains = [_estimated_gain(c, cont) for c in correct]
            sig = [
                g > 0
                and cont.sum() >= 2
                and (~cont).sum() >= 2
                and score_test.score_pvalue(c[cont].sum(), cont.sum(), c[~cont].sum(), (~cont).sum()) < alpha
                for g, c in zip(gains, correct)
            ]
            if any(sig) and (best is None or max(gains) > best[0]):
                best = (max(gains), gains[-1])
        picked.append(best is not None)
        if best is not None:
            gains405.append(best[1])
    return np.array(picked), np.array(gains405)


@pytest.mark.slow
def test_counts_draw_the_same_null_as_items_drawn_one_by_one():
    acc, thresholds, rho = [0.45, 0.6, 0.7], np.array([0.2, 0.5, 0.8]), 0.6
    picked, gains = _item_level(150, acc, thresholds, 2000, rho, 0.05, seed=2)
    sim = selection.simulate(150, acc, thresholds, reps=20_000, seed=3, correlation=rho)
    share = sim["picked"].mean()
    assert abs(picked.mean() - share) < 4 * np.sqrt(share * (1 - share) / len(picked))
    # the 405B's gains where the rule picks: one distribution (two-sample Kolmogorov–Smirnov)
    assert ks_2samp(gains, sim.loc[sim["picked"], "gain_2"]).pvalue > 0.001
    # and not the independent one, which the same test tells apart
    independent = selection.simulate(150, acc, thresholds, reps=20_000, seed=3)
    assert ks_2samp(gains, independent.loc[independent["picked"], "gain_2"]).pvalue < 0.001


def test_simulate_is_reproducible_and_correlation_moves_the_405b_with_the_pick():
    acc, th = [0.478, 0.646, 0.716], selection.row_thresholds(selection.THRESHOLDS, 98)
    a = selection.simulate(2546, acc, th, reps=4000, seed=1)
    pd.testing.assert_frame_equal(a, selection.simulate(2546, acc, th, reps=4000, seed=1))
    latent, _ = selection.latent_correlation(acc, 0.5)
    b = selection.simulate(2546, acc, th, reps=4000, seed=1, correlation=latent)
    # under independence the 405B's gain at a threshold picked for another model is centred near 0;
    # with shared items it moves with the gain that triggered the pick
    assert b.loc[b["picked"], "gain_2"].median() > a.loc[a["picked"], "gain_2"].median() + 0.3
    assert set(a.loc[a["picked"], "threshold"]) <= set(th)
    with pytest.raises(ValueError, match="reps"):
        selection.simulate(10, acc, th, reps=0)


def test_monte_carlo_p_value_is_never_zero_and_shares_carry_their_error():
    chance = selection._chance(np.array([0.1, 0.2, 5.0, 7.0]), 5.0)
    assert chance["beyond"] == 2 and chance["picks"] == 4 and chance["p_value"] == pytest.approx(3 / 5)
    assert chance["top"] == [7.0, 5.0]  # enough of the largest for any level up to 5 %
    assert selection._chance(np.array([0.1, 0.2]), 9.0)["p_value"] == pytest.approx(1 / 3)
    assert selection_text.share_text(62, 3599, np.sqrt(62 / 3599 * (1 - 62 / 3599) / 3599)) == "0.0172 ± 0.0022"
    assert selection_text.share_text(0, 3641, 0.0) == "0 of 3,641"
    assert selection_text.share_text(1686, 3301, 0.0087) == "0.5108 ± 0.0087"
    assert selection_text.share_text(100, 100, 0.0) == "100 of 100"  # all of few draws: no spread, no log of 0
    assert selection_text.p_text(138 / 44_706, 44_705) == "0.00309 ± 0.00026"


def _reported(ps, picks=1_000_000):
    """Simulated rows whose Monte Carlo p-values are ``ps``, from so many draws that the Monte Carlo error
    cannot change a decision."""
    return pd.DataFrame(
        {
            "benchmark": [f"b{i}" for i in range(len(ps))],
            "beyond": [int(round(p * (picks + 1))) - 1 for p in ps],
            "picks": picks,
            "p_value": ps,
            "not_simulated": "",
        }
    )


def test_beyond_chance_uses_the_books_correction():
    rows = _reported([0.0003, 0.0004, 0.004, 0.02, 0.3])
    decided = selection.beyond_chance(rows, 0.05, "holm")
    # Holm at 5 %: 0.0003 < 0.01, 0.0004 < 0.0125, 0.004 < 0.0167, 0.02 < 0.025, 0.3 ≥ 0.05
    assert decided["uncorrected"].tolist() == [True, True, True, True, False]
    assert decided["corrected"].tolist() == [True, True, True, True, False]
    # 0.03 ≥ 0.05/2 stops Holm there, though each is below 5 % uncorrected
    decided = selection.beyond_chance(_reported([0.0003, 0.03, 0.04]), 0.05, "holm")
    assert decided["corrected"].tolist() == [True, False, False] and decided["uncorrected"].sum() == 3
    assert selection.counts(_reported([0.0003, 0.03, 0.04])) == {"uncorrected": 3, "corrected": 1, "open": 0, "rows": 3}
    # from 3,000 draws, 0.02 is no longer decided: within three Monte Carlo errors of its level, 0.025
    decided = selection.beyond_chance(_reported([0.0003, 0.0004, 0.004, 0.02, 0.3], picks=3_000), 0.05, "holm")
    assert decided["corrected"].tolist() == [True, True, True, False, False]
    assert decided["open"].tolist() == [False, False, False, True, False]


def test_count_range_and_calibration_phrase():
    assert selection_text.count_range([3, 3, 3]) == "3" and selection_text.count_range([3, 4, 3]) == "3–4"
    assert selection_text.calibration_phrase(0.5, 0.3, 0.7) == "0.5, the middle of the published 0.3–0.7"
    assert selection_text.calibration_phrase(0.6, 0.3, 0.7) == "0.6, within the published 0.3–0.7"
    assert selection_text.calibration_phrase(0.9, 0.3, 0.7) == "0.9, outside the published 0.3–0.7"
    assert selection.seeds(4, 3) == [4, 5, 6] and selection.settings(0.5) == {"independent": 0.0, "correlated": 0.5}


def test_the_range_reaches_beyond_the_published_one_and_says_where_the_count_changes():
    assert selection.range_values(0.5, 0.3, 0.7) == [0.0, 0.3, 0.5, 0.7, 0.8, 0.9]
    assert selection.range_values(0.4, 0.2, 0.5) == [0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    ranged = pd.DataFrame(
        {
            "item correlation": [0.0, 0.3, 0.5, 0.7, 0.8, 0.9],
            "Holm": [4, 4, 4, 3, 3, 3],
            "not determined (Holm)": ["none", "none", "none", "PiQA", "PiQA", "none"],
        }
    )
    assert selection_text.range_note(ranged) == "4 at 0–0.5, 3 and PiQA not determined at 0.7–0.8 and 3 at 0.9"
    same = ranged.assign(Holm=4, **{"not determined (Holm)": "none"})
    assert selection_text.range_note(same) == "4 throughout"
    # the home page's note: the count at the published range's ends where it differs from the chosen value's
    assert selection_text.ends_note(ranged, 0.5, 0.3, 0.7) == "3 at 0.7, with PiQA undetermined"
    assert selection_text.ends_note(ranged, 0.7, 0.3, 0.7) == "4 at 0.3"
    assert selection_text.ends_note(same, 0.5, 0.3, 0.7) == "the same at 0.3 and 0.7"
    assert selection_text.ends_note(ranged.assign(Holm=[4, 2, 4, 3, 3, 3]), 0.5, 0.3, 0.7) == (
        "2 at 0.3; 3 at 0.7, with PiQA undetermined"
    )
    # the span over the published range that the home page and the claims audit quote: a row not determined may
    # count either way, so it widens the span upwards; values outside the range do not count
    assert selection_text.sweep_span(ranged, 0.3, 0.7) == "3–4 across correlations 0.3–0.7"
    assert selection_text.sweep_span(same, 0.3, 0.7) == "4 across correlations 0.3–0.7"
    assert selection_text.sweep_span(ranged.assign(Holm=[9, 4, 4, 3, 3, 1]), 0.3, 0.7) == (
        "3–4 across correlations 0.3–0.7"
    )
    with pytest.raises(ValueError, match="no item correlation between 1.5 and 2"):
        selection_text.sweep_span(ranged, 1.5, 2)


def _settled_runs():
    """Two seeds of one setting: a row given more draws in each, closest to its level in the second."""
    runs = {}
    for seed, (beyond, picks, draws) in enumerate([(137, 44_705, 160_000), (635, 179_361, 640_000)]):
        rows = pd.DataFrame(
            {
                "benchmark": ["PiQA", "MATH"],
                "beyond": [beyond, 2_990],
                "picks": [picks, 3_145],
                "draws": [draws, 10_000],
                "p_value": [(beyond + 1) / (picks + 1), 2_991 / 3_146],
                "not_simulated": "",
            }
        )
        runs[("correlated", seed)] = (pd.DataFrame(), rows)
    return runs


def test_the_rows_given_more_draws_are_shown_with_their_error_and_level():
    table = selection_text.more_draws(_settled_runs())
    assert table["benchmark"].tolist() == ["PiQA", "PiQA"] and table["draws"].tolist() == ["160,000", "640,000"]
    assert table["p-value"].tolist()[0] == "0.00309 ± 0.00026" and set(table["decision"]) == {montecarlo.BEYOND}
    assert table["Holm level"].tolist() == ["0.025", "0.025"]  # Holm over two rows: 0.05/2, then 0.05 for MATH
    note = selection_text.more_draws_note(_settled_runs(), "correlated")
    assert note.startswith("the rule gave more draws to PiQA (up to 640,000); the closest to its level, PiQA,")
    assert "p-values of 0.0031–0.0035 over the 2 seeds" in note and "against a Holm level of 0.025" in note
    first = {key: (q, rows.assign(draws=10_000)) for key, (q, rows) in _settled_runs().items()}
    assert selection_text.more_draws_note(first, "correlated") == "no row needed more than the first 10,000 draws"
    assert selection_text.more_draws(first).empty


def test_the_undetermined_note_names_the_rows_or_says_every_seed_agrees():
    found = {"n_undetermined_correlated": "0", "undetermined_correlated": "none", "mc_z": "3", "max_draws": "1,280,000"}
    assert selection_text.undetermined_note(found, "correlated").startswith("every row gets the same decision")
    found |= {"n_undetermined_correlated": "1", "undetermined_correlated": "PiQA"}
    note = selection_text.undetermined_note(found, "correlated")
    assert note.startswith("1 more (PiQA) is beyond chance in some seeds only") and "1,280,000 draws" in note


def test_the_null_settings_are_the_grid_and_table_15s_shares(package):
    settings = selection_text.null_settings(package)
    assert (settings["threshold_low"], settings["threshold_high"]) == (
        f"{selection.THRESHOLDS.min():g}",
        f"{selection.THRESHOLDS.max():g}",
    )
    t15 = package.contamination.set_index("benchmark")
    top = t15.loc[t15["gain_405b"].notna(), "contaminated_pct"].max()
    assert settings["top_contaminated"] == f"{top:.0f} %" and settings["top_clean"] == f"{100 - top:.0f} %"
    assert settings["clean_share"] == f"{100 - t15.at['bbh', 'contaminated_pct']:.0f} %"
    with pytest.raises(ValueError, match="contamination.csv, row 'nope'"):
        selection_text.null_settings(package, clean_of="nope")
