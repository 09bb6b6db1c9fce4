import math

import numpy as np
import pandas as pd
import pytest

from herd import stats


def test_ci_formula_known_value():
    # HumanEval, N = 164, S = 89.0 %: 1.96 * sqrt(0.89 * 0.11 / 164) = 4.79 points
    assert stats.ci95_halfwidth(89.0, 164) == pytest.approx(100 * 1.96 * math.sqrt(0.89 * 0.11 / 164))
    assert stats.ci95_halfwidth(89.0, 164) == pytest.approx(4.789, abs=1e-3)


def test_ci_vectorised_and_bounds():
    out = stats.ci95_halfwidth(np.array([50.0, 100.0]), np.array([100, 100]))
    assert out[0] == pytest.approx(9.8) and out[1] == 0
    with pytest.raises(ValueError):
        stats.ci95_halfwidth(101, 10)
    with pytest.raises(ValueError):
        stats.ci95_halfwidth(50, 0)


def test_n_from_ci_inverts_the_formula():
    for n in (164, 1319, 14042):
        h = stats.ci95_halfwidth(72.3, n)
        assert stats.n_from_ci(72.3, h) == pytest.approx(n)
    lo, hi = stats.n_range_from_ci(72.3, round(stats.ci95_halfwidth(72.3, 500), 1))
    assert lo <= 500 <= hi


def test_two_proportion_test_matches_hand_computation():
    a, b, n = 0.70, 0.60, 500
    pooled = (a + b) / 2
    z = (a - b) / math.sqrt(pooled * (1 - pooled) * 2 / n)
    got_z, got_p = stats.two_proportion_test(70, 60, n)
    assert got_z == pytest.approx(z)
    assert got_p == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))


def test_two_proportion_test_degenerate():
    assert stats.two_proportion_test(100, 100, 50) == (0.0, 1.0)


def test_difference_ci_contains_gap():
    lo, hi = stats.difference_ci(89.0, 92.0, 164)
    assert lo < -3.0 < hi and lo < 0 < hi


def test_holm_adjustment():
    p = [0.01, 0.04, 0.03]
    assert list(stats.adjust(p, "holm")) == pytest.approx([0.03, 0.06, 0.06])
    assert list(stats.adjust(p, "none")) == p
    with pytest.raises(ValueError, match="allowed"):
        stats.adjust(p, "magic")


def test_with_intervals_prefers_printed_ci():
    scores = pd.DataFrame({"benchmark": ["a", "a", "b"], "score": [50.0, 60.0, 70.0], "ci95": [np.nan, 2.0, np.nan]})
    benchmarks = pd.DataFrame({"key": ["a", "b"], "test_set_size": pd.array([100, pd.NA], dtype="Int64")})
    out = stats.with_intervals(scores, benchmarks)
    assert list(out["ci_source"]) == ["formula", "printed", "none"]
    assert out["halfwidth"].iloc[0] == pytest.approx(9.8)
    assert out["halfwidth"].iloc[1] == 2.0
    assert np.isnan(out["halfwidth"].iloc[2])
