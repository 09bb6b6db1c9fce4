"""Each published law reproduces a value its own paper prints; 6·N·D inverts cleanly; model points and
the chapter's tables come from data by key."""

import numpy as np
import pytest

from conftest import DATA, edit_csv
from herd.analyses.compute import laws, scaling
from herd.presentation import scaling_text
from herd.record import coverage, data


@pytest.fixture(scope="module")
def law_table():
    return data.load(DATA).scaling_laws


def test_six_nd_and_its_inversions():
    assert laws.training_flops(405e9, 15.6e12) == pytest.approx(3.7908e25, rel=1e-4)
    assert laws.params_for(3.8e25, 15.6e12) == pytest.approx(3.8e25 / (6 * 15.6e12))
    assert laws.tokens_for(laws.training_flops(7e10, 1.4e12), 7e10) == pytest.approx(1.4e12)


def test_llama3_figure_constants_come_close_to_the_papers_16_55t(law_table):
    # the paper: extrapolation to 3.8e25 FLOPs suggests 16.55T tokens (§3.2.1, p. 8)
    tokens = laws.build_law(law_table, "llama3-figure").tokens(3.8e25)
    assert tokens == pytest.approx(16.55e12, rel=0.03)
    # the rounded text constants do not
    assert laws.build_law(law_table, "llama3-text").tokens(3.8e25) < 11e12


def test_printed_interval_and_range():
    assert laws.printed_interval("0.53") == pytest.approx((0.525, 0.535))
    assert laws.printed_interval("0.537") == pytest.approx((0.5365, 0.5375))
    lo, hi = laws.token_law_range(3.8e25, "0.29", "0.53")
    assert lo < laws.TokenLaw(0.29, 0.53).tokens(3.8e25) < hi and hi / lo > 1.5


def test_chinchilla_approach1_reproduces_table_3(law_table):
    # Table 3: 1 trillion parameters at 1.27e26 FLOPs (Hoffmann et al. 2022, p. 8)
    assert laws.build_law(law_table, "hoffmann2022-approach1").params(1.27e26) == pytest.approx(1e12, rel=0.02)


def test_chinchilla_approach3_unrounded_reproduces_table_a3_and_figure_4(law_table):
    law = laws.build_law(law_table, "hoffmann2022-approach3-unrounded")
    # Figure 4 caption: 40B parameters at the Gopher budget (5.76e23 FLOPs)
    assert law.params(5.76e23) == pytest.approx(40e9, rel=0.05)
    # Table A3, Approach 3: 67B parameters at 1.71e24 FLOPs on 4.1T tokens
    assert law.params(1.71e24) == pytest.approx(67e9, rel=0.03)
    # (the table itself is not exactly on 6ND: 6 x 67B x 4.1T = 1.65e24, hence the looser tolerance)
    assert law.tokens(1.71e24) == pytest.approx(4.1e12, rel=0.06)
    # the printed (rounded) Eq. 10 constants give a noticeably smaller model
    assert laws.build_law(law_table, "hoffmann2022-approach3").params(5.76e23) < 35e9


def test_parametric_optimum_is_on_the_budget_and_minimises_loss(law_table):
    law = laws.build_law(law_table, "besiroglu2024")
    c = 3.8e25
    n, d = law.params(c), law.tokens(c)
    assert laws.training_flops(n, d) == pytest.approx(c)
    for f in (0.8, 1.25):  # moving along the iso-FLOP line raises the loss
        assert law.loss(n * f, d / f) > law.loss(n, d)
    assert law.a == pytest.approx(0.3658 / (0.3478 + 0.3658))


def test_kaplan_reproduces_its_intersection_point(law_table):
    # Kaplan et al. Eq. (6.8): C* ~ 1e4 PF-days gives N* ~ 1e12 parameters
    law = laws.build_law(law_table, "kaplan2020")
    assert law.params(1e4 * 8.64e19) == pytest.approx(1e12, rel=0.1)


def test_kaplan_prescribes_its_own_data_not_c_over_6n(law_table):
    law = laws.build_law(law_table, "kaplan2020")
    c = laws.constants(law_table, "kaplan2020")
    # at one PF-day each relation gives its coefficient (Table 6: N_e = 1.3e9, D_e = 2e10)
    assert law.params(c["pf_day"]) == pytest.approx(c["k"]) and law.tokens(c["pf_day"]) == pytest.approx(
        c["d_coefficient"]
    )
    # their data is the data processed at the critical batch size: more than C / (6N)
    ratio = laws.kaplan_flops_ratio(law_table, 3.8e25)
    assert law.tokens(3.8e25) == pytest.approx(ratio * laws.tokens_for(3.8e25, law.params(3.8e25)))
    assert 1.5 < ratio < 2.0
    note = scaling_text.kaplan_note(law_table, ["kaplan2020"], 3.8e25)
    assert (
        "(C / PF-day)^0.73" in note
        and "(C / PF-day)^0.27" in note
        and scaling_text.kaplan_note(law_table, [], 3.8e25) == ""
    )


def test_tokens_per_param_of_the_papers_law(law_table):
    # Llama's own law at the flagship budget: 16.55 T tokens for 383 B parameters, about 43 per parameter
    assert scaling.tokens_per_param(law_table, "llama3-figure", 3.8e25) == pytest.approx(42.5, abs=1.0)


def test_unknown_law(law_table):
    with pytest.raises(KeyError, match="no law"):
        laws.constants(law_table, "moore1965")


def test_chinchilla_approach2_reproduces_table_a3(law_table):
    # Table A3, Approach 2: 1 trillion parameters at 1.59e26 FLOPs (Hoffmann et al. 2022, p. 26)
    assert laws.build_law(law_table, "hoffmann2022-approach2").params(1.59e26) == pytest.approx(1e12, rel=0.03)


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


def test_fact_interval_reads_the_printed_precision(package):
    f = package.facts
    assert scaling.fact_interval(f, "scaling.predicted_tokens") == pytest.approx((16.545e12, 16.555e12))
    assert scaling.fact_interval(f, "scaling.flagship_flops") == pytest.approx((3.75e25, 3.85e25))
    assert scaling.fact_interval(f, "training.parameters") == pytest.approx((404.5e9, 405.5e9))
    # "Approximately 78%": a whole unit either way
    hw = (
        "interruptions.54-day-snapshot."
        "share-of-unexpected-interruptions-attributed-to-confirmed-or-suspected-hardware-issues"
    )
    assert scaling.fact_interval(f, hw) == pytest.approx((77.0, 79.0))
    with pytest.raises(scaling.MissingFact, match="no row 'nope'"):
        scaling.fact_interval(f, "nope")


def test_model_points_come_from_facts_by_key(package):
    points = scaling.model_points(package, ["llama-3.1-8b", "llama-3.1-405b"]).set_index("model")
    # the 405B's tokens are the paper's 15.6T, the 8B's the model card's ~15T; GPU hours from the card
    assert points.loc["llama-3.1-405b", "tokens"] == 15.6e12
    assert points.loc["llama-3.1-405b", "training_tokens_fact"] == "training.tokens"
    assert points.loc["llama-3.1-8b", "tokens"] == 15e12
    assert points.loc["llama-3.1-8b", "params"] == 8e9
    assert points.loc["llama-3.1-405b", "gpu_hours"] == 30.84e6
    assert points.loc["llama-3.1-405b", "flops"] == pytest.approx(6 * 405e9 * 15.6e12)
    assert points.loc["llama-3.1-8b", "name"] == "Llama 3.1 8B (pre-trained)"


def test_model_without_its_facts_is_named(package, data_copy):
    with pytest.raises(scaling.MissingFact, match="no row for model 'llama-3.1-8b-instruct', quantity 'parameters'"):
        scaling.model_points(package, ["llama-3.1-8b-instruct"])
    # a fact in the wrong unit is named with the unit it needs
    lines = (data_copy / "model_facts.csv").read_text().splitlines()
    line = next(i for i, l in enumerate(lines, 1) if l.startswith("llama-3.1-8b,gpu_hours,"))
    edit_csv(data_copy / "model_facts.csv", line, "fact", "modelcard.llama-3.1-8b.co2_location_t")
    with pytest.raises(scaling.MissingFact, match="'gpu_hours' of 'llama-3.1-8b' must be in 'GPU hours'"):
        scaling.model_points(data.load(data_copy), ["llama-3.1-8b"])


def test_model_facts_must_name_an_existing_fact(data_copy):
    lines = (data_copy / "model_facts.csv").read_text().splitlines()
    line = next(i for i, l in enumerate(lines, 1) if l.startswith("llama-3.1-70b,gpu_hours,"))
    edit_csv(data_copy / "model_facts.csv", line, "fact", "modelcard.llama-3.1-70b.gpu_hour")
    with pytest.raises(data.DataError, match=f"model_facts.csv, line {line}.*modelcard.llama-3.1-70b.gpu_hour"):
        data.load(data_copy)


def test_missing_fact_is_named_with_its_reader(package):
    facts = package.facts[package.facts["key"] != "scaling.predicted_tokens"]

    class Stub:
        pass

    stub = Stub()
    stub.facts = facts
    with pytest.raises(scaling.MissingFact, match="no row 'scaling.predicted_tokens', which the scaling chapter reads"):
        scaling.require_facts(stub)
    scaling.require_facts(package)  # every key the chapter reads is present


def test_token_law_rerun_and_its_text(package):
    rerun = scaling.token_law_rerun(package, 3.8e25).set_index("law")
    assert rerun.loc["llama3-figure", "tokens"] == pytest.approx(16.29e12, rel=1e-3)
    # the rounding range of the figure's constants contains the stated 16.55T; the text's does not
    assert rerun.loc["llama3-figure", "tokens_low"] < 16.55e12 < rerun.loc["llama3-figure", "tokens_high"]
    assert rerun.loc["llama3-text", "tokens_high"] < 16.55e12
    # the column headed C/(6D) computes it on every row: 383 B from the stated 16.55T, not the 402 B the paper states
    shown = scaling_text.rerun_display(rerun.reset_index()).set_index("constants")
    stated = shown.loc["the paper's stated optimum"]
    assert (stated["implied parameters N = C/(6D)"], stated["parameters the paper prints"]) == ("383 B", "402 B")
    figure = shown.loc[scaling.LAW_LABELS["llama3-figure"]]
    assert (figure["implied parameters N = C/(6D)"], figure["parameters the paper prints"]) == ("389 B", "")
    g = scaling_text.rerun_glue(rerun.reset_index(), package, 3.8e25)
    assert (g["paper_params"], g["paper_tokens"], g["actual_params"], g["orders_beyond"]) == (
        "402",
        "16.55",
        "405",
        "3.6",
    )


def test_alpha_sensitivity_and_bands(law_table):
    curve, bands, A = scaling.alpha_sensitivity(law_table, 3.8e25)
    assert A == 0.299 and curve["params"].is_monotonic_decreasing
    assert bands.set_index("printing").loc["text (0.53)", "from"] == pytest.approx(0.525)


def test_distance_to_optimum_names_smallest_and_largest(package, law_table):
    points = scaling.model_points(package, ["llama-3.1-405b", "llama-3.1-8b"])
    dist = scaling.distance_to_optimum(law_table, ["llama3-figure", "kaplan2020"], points)
    s = scaling_text.distance_summary(dist)
    assert (s["small_model"], s["large_model"]) == ("Llama 3.1 8B", "Llama 3.1 405B")  # names without "(pre-trained)"
    fig = dist[(dist["law"] == "llama3-figure") & (dist["model_key"] == "llama-3.1-405b")]["token_ratio"].iloc[0]
    assert s["large_low"] == s["large_high"] == f"{fig:.1f}"  # one Chinchilla-family law: one value
    assert "Kaplan" in s["apart_sentence"]
    assert scaling_text.distance_summary(dist[dist["law"] != "kaplan2020"])["apart_sentence"] == ""


def test_sources_used_are_links_from_the_data(package):
    out = scaling_text.sources_used(package, ["besiroglu2024"], ["llama-3.1-405b"])
    text = " ".join(out["source"])
    assert (
        "arxiv.org/abs/2404.10102" in text and "analyzing-chinchilla/blob/92258837" in text and "MODEL_CARD.md" in text
    )
    assert "kaplan" not in text.lower()


def test_chart_precision_keeps_six_significant_figures():
    out = scaling.chart_precision([630118924790.4557, 0.0215999999, 0.0, 123456789.0])
    assert list(out) == [630119000000.0, 0.0216, 0.0, 123457000.0]
    assert scaling.chart_precision(np.array([[1.23456789]])).shape == (1, 1)


def test_runs_summary_and_points_note():
    from herd.record import data

    package = data.load()
    from herd.analyses.compute import refit

    runs = refit.figure4_points(package)
    summary = scaling_text.runs_summary(runs)
    assert (summary["n_runs"], summary["n_excluded"]) == (str(len(runs)), str(int(runs["excluded"].sum())))
    assert summary["max_params"] == "16"  # Chinchilla's largest run in Figure 4: 16 B
    described = sorted(set(package.model_facts["model"]))
    everyone = scaling.models_by_size(package, described)
    note = scaling_text.points_note(package, scaling.model_points(package, everyone), everyone, described)
    assert note.startswith(scaling_text.shared_points(scaling.model_points(package, everyone)))
    chosen = everyone[:1]
    left_out = len(coverage.not_shown(package, chosen))
    assert coverage.agree("{they} {is} not among the chosen models (parameter `models`)", left_out) in (
        scaling_text.points_note(package, scaling.model_points(package, chosen), chosen, described)
    )
