"""Each published law reproduces a value its own paper prints; 6·N·D inverts cleanly."""
import numpy as np
import pytest

from conftest import DATA
from herd import data, scaling


@pytest.fixture(scope="module")
def laws():
    return data.load(DATA).scaling_laws


def test_six_nd_and_its_inversions():
    assert scaling.training_flops(405e9, 15.6e12) == pytest.approx(3.7908e25, rel=1e-4)
    assert scaling.params_for(3.8e25, 15.6e12) == pytest.approx(3.8e25 / (6 * 15.6e12))
    assert scaling.tokens_for(scaling.training_flops(7e10, 1.4e12), 7e10) == pytest.approx(1.4e12)


def test_llama3_figure_constants_come_close_to_the_papers_16_55t(laws):
    # the paper: extrapolation to 3.8e25 FLOPs suggests 16.55T tokens (§3.2.1, p. 8)
    tokens = scaling.build_law(laws, "llama3-figure").tokens(3.8e25)
    assert tokens == pytest.approx(16.55e12, rel=0.03)
    # the rounded text constants do not
    assert scaling.build_law(laws, "llama3-text").tokens(3.8e25) < 11e12


def test_printed_interval_and_range():
    assert scaling.printed_interval("0.53") == pytest.approx((0.525, 0.535))
    assert scaling.printed_interval("0.537") == pytest.approx((0.5365, 0.5375))
    lo, hi = scaling.token_law_range(3.8e25, "0.29", "0.53")
    assert lo < scaling.TokenLaw(0.29, 0.53).tokens(3.8e25) < hi and hi / lo > 1.5


def test_chinchilla_approach1_reproduces_table_3(laws):
    # Table 3: 1 trillion parameters at 1.27e26 FLOPs (Hoffmann et al. 2022, p. 8)
    assert scaling.build_law(laws, "hoffmann2022-approach1").params(1.27e26) == pytest.approx(1e12, rel=0.02)


def test_chinchilla_approach3_unrounded_reproduces_table_a3_and_figure_4(laws):
    law = scaling.build_law(laws, "hoffmann2022-approach3-unrounded")
    # Figure 4 caption: 40B parameters at the Gopher budget (5.76e23 FLOPs)
    assert law.params(5.76e23) == pytest.approx(40e9, rel=0.05)
    # Table A3, Approach 3: 67B parameters at 1.71e24 FLOPs on 4.1T tokens
    assert law.params(1.71e24) == pytest.approx(67e9, rel=0.03)
    # (the table itself is not exactly on 6ND: 6 x 67B x 4.1T = 1.65e24, hence the looser tolerance)
    assert law.tokens(1.71e24) == pytest.approx(4.1e12, rel=0.06)
    # the printed (rounded) Eq. 10 constants give a noticeably smaller model
    assert scaling.build_law(laws, "hoffmann2022-approach3").params(5.76e23) < 35e9


def test_parametric_optimum_is_on_the_budget_and_minimises_loss(laws):
    law = scaling.build_law(laws, "besiroglu2024")
    c = 3.8e25
    n, d = law.params(c), law.tokens(c)
    assert scaling.training_flops(n, d) == pytest.approx(c)
    for f in (0.8, 1.25):  # moving along the iso-FLOP line raises the loss
        assert law.loss(n * f, d / f) > law.loss(n, d)
    assert law.a == pytest.approx(0.3658 / (0.3478 + 0.3658))


def test_kaplan_reproduces_its_intersection_point(laws):
    # Kaplan et al. Eq. (6.8): C* ~ 1e4 PF-days gives N* ~ 1e12 parameters
    law = scaling.build_law(laws, "kaplan2020")
    assert law.params(1e4 * 8.64e19) == pytest.approx(1e12, rel=0.1)


def test_bootstrap_is_reproducible_and_brackets_the_point(laws):
    means = scaling.constants(laws, "besiroglu2024")
    ses = scaling.standard_errors(laws, "besiroglu2024")
    a = scaling.bootstrap_parametric(means, ses, 3.8e25, draws=500, seed=1)
    b = scaling.bootstrap_parametric(means, ses, 3.8e25, draws=500, seed=1)
    assert a.equals(b)
    point = scaling.build_law(laws, "besiroglu2024").params(3.8e25)
    lo, hi = np.percentile(a["params"], [2.5, 97.5])
    assert lo < point < hi


def test_unknown_law(laws):
    with pytest.raises(KeyError, match="no law"):
        scaling.constants(laws, "moore1965")


def test_chinchilla_approach2_reproduces_table_a3(laws):
    # Table A3, Approach 2: 1 trillion parameters at 1.59e26 FLOPs (Hoffmann et al. 2022, p. 26)
    assert scaling.build_law(laws, "hoffmann2022-approach2").params(1.59e26) == pytest.approx(1e12, rel=0.03)
