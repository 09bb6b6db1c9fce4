"""herd.method.montecarlo: decisions on Monte Carlo p-values that their Monte Carlo error cannot change, on families
whose right decisions are known, and the value a result must exceed, against a count of the draws."""

import numpy as np
import pandas as pd
import pytest

from herd.analyses.contamination import selection
from herd.method import montecarlo


def _counts(pvalues, picks=1_000_000):
    """Counts whose Monte Carlo p-value (k + 1) / (m + 1) is each of ``pvalues`` to rounding."""
    return [int(round(p * (picks + 1))) - 1 for p in pvalues], [picks] * len(pvalues)


def _wilson(x, n, z):
    """Wilson's interval in its closed form (Wilson 1927), written out here, not taken from herd.method.stats."""
    centre, half = x + z**2 / 2, z * np.sqrt(x * (n - x) / n + z**2 / 4)
    return (centre - half) / (n + z**2), (centre + half) / (n + z**2)


def test_a_row_far_from_its_level_is_decided_and_one_at_it_is_not():
    # Holm over three rows: the smallest p-value is judged at 0.05/3, the next at 0.05/2, the last at 0.05
    beyond = [0, 5_000, 249]  # p ≈ 1e-5, 0.5 and exactly 0.025, the level of the second smallest
    picks = [99_999, 9_999, 9_999]
    decided = montecarlo.decide(beyond, picks, 0.05, "holm")
    assert decided["decision"].tolist() == [montecarlo.BEYOND, montecarlo.WITHIN, montecarlo.OPEN]
    # Holm stops at the second smallest: that level for it and for every larger p-value
    assert decided["level"].tolist() == pytest.approx([0.05 / 3, 0.05 / 2, 0.05 / 2])
    assert decided["p_value"].tolist() == pytest.approx([1 / 100_000, 5_001 / 10_000, 0.025])


def test_a_row_clear_of_its_own_level_waits_for_the_row_holm_must_reject_first():
    # the first row sits at its level 0.05/3; the second, at 0.02 ± 0.0004, is below 0.05/2 only if the
    # first is rejected (Holm stops at the first row it does not reject), so it is undetermined too
    beyond, picks = _counts([0.05 / 3, 0.02, 0.3])
    beyond[0] = int(round(0.05 / 3 * 30_001)) - 1
    picks[0] = 30_000
    decided = montecarlo.decide(beyond, picks, 0.05, "holm")
    assert decided["decision"].tolist() == [montecarlo.OPEN, montecarlo.OPEN, montecarlo.WITHIN]
    # without the correction the second row is decided: 0.02 is far below 0.05
    plain = montecarlo.decide(beyond, picks, 0.05, "none")
    assert plain["decision"].tolist() == [montecarlo.BEYOND, montecarlo.BEYOND, montecarlo.WITHIN]
    # with enough draws for the first row, both are decided
    beyond[0], picks[0] = _counts([0.05 / 3 / 2])[0][0], 1_000_000
    assert montecarlo.decide(beyond, picks, 0.05, "holm")["decision"].tolist()[:2] == [montecarlo.BEYOND] * 2


def test_the_interval_is_wilsons_at_z_standard_errors():
    decided = montecarlo.decide([137, 0], [44_705, 3_000], 0.05, "holm", z=3.0)
    for (k, m), low, high in zip([(137, 44_705), (0, 3_000)], decided["low"], decided["high"]):
        assert (low, high) == pytest.approx(_wilson(k + 1, m + 1, 3.0), rel=1e-9)
    assert (decided["low"] < decided["p_value"]).all() and (decided["p_value"] < decided["high"]).all()
    wider = montecarlo.decide([137, 0], [44_705, 3_000], 0.05, "holm", z=4.0)
    assert (wider["high"] > decided["high"]).all() and (wider["low"] < decided["low"]).all()
    with pytest.raises(ValueError, match="beyond ≤ picks"):
        montecarlo.decide([5], [4])


def test_the_critical_value_decides_as_the_p_value_does():
    # known answer: 99 draws 1..99; at 5 % a value needs (k + 1) / 100 < 0.05, k ≤ 3: more than the 4th largest
    draws = np.arange(1.0, 100.0)
    assert montecarlo.critical_value(montecarlo.largest(draws, 0.05), 99, 0.05) == 96.0
    assert montecarlo.critical_value(montecarlo.largest(draws, 0.05), 99, 0.01) == float("inf")  # 1/100 is not < 0.01
    rng = np.random.default_rng(7)
    for _ in range(30):
        draws = rng.normal(size=int(rng.integers(50, 3_000))).round(2)  # ties on purpose
        level = float(rng.uniform(0.001, 0.05))
        critical = montecarlo.critical_value(montecarlo.largest(draws, 0.05), len(draws), level)
        for value in rng.normal(1.5, 1.0, size=40).round(2):
            p = ((draws >= value).sum() + 1) / (len(draws) + 1)
            assert (value > critical) == (p < level)
    with pytest.raises(ValueError, match="largest"):
        montecarlo.critical_value([3.0, 2.0], 1_000, 0.05)


def _rows(tails, size):
    """Rows as :func:`herd.analyses.contamination.selection.table15_null` writes them, for uniform chance gains (every
    draw picks): a reported gain 1 − t has tail probability t."""
    draw = _uniform(size)
    rows = []
    for i, tail in enumerate(tails):
        gains = draw(i, 0)
        rows.append(
            {"benchmark": f"b{i}", "gain": 1 - tail, "not_simulated": "", "draws": size, "null_picked": 1.0}
            | selection._chance(gains, 1 - tail)
        )
    return pd.DataFrame(rows)


def _uniform(size):
    return lambda i, j: np.random.default_rng((i, j)).random(size)


def test_more_draws_settle_a_row_near_its_level_and_only_that_row():
    # true p-values 0.0001, 0.5 and 0.02; Holm's levels 0.05/3, 0.05 and 0.05/2: 0.02 needs more draws
    rows = _rows([0.0001, 0.5, 0.02], 2_000)
    before = selection.beyond_chance(rows)
    assert before["open"].tolist() == [False, False, True]
    settled = selection.settle_rows(rows, _uniform(2_000), max_draws=64_000)
    after = selection.beyond_chance(settled)
    assert after["corrected"].tolist() == [True, False, True] and not after["open"].any()
    assert settled["draws"].tolist()[:2] == [2_000, 2_000] and settled["draws"][2] > 2_000
    # its counts are those of all its draws, batch after batch
    batches = int(settled["draws"][2]) // 2_000
    gains = np.concatenate([_uniform(2_000)(2, j) for j in range(batches)])
    assert settled["beyond"][2] == (gains >= rows["gain"][2]).sum() and settled["picks"][2] == len(gains)


def test_a_row_at_its_level_stays_undetermined_at_the_most_draws():
    rows = _rows([0.0001, 0.5, 0.025], 2_000)  # the third is exactly at its Holm level
    settled = selection.settle_rows(rows, _uniform(2_000), max_draws=16_000)
    assert settled["draws"].tolist() == [2_000, 2_000, 16_000]
    assert selection.beyond_chance(settled)["open"].tolist() == [False, False, True]
    with pytest.raises(ValueError, match="batch 0"):
        selection.settle_rows(rows, _uniform(1_000), max_draws=16_000)
