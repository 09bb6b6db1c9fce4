"""The line that says which level each interval of a split table is drawn at reads the levels from the judged rows."""

import pandas as pd
import pytest

from herd.method.compare import EACH, EVERY, Rules
from herd.presentation import levels_text


def _rows(levels, eq_levels, family, tested=True) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "difference": ["ahead" if tested else "no test"] * len(levels),
            "level": levels,
            "eq_level": eq_levels,
            "family": family,
        }
    )


def test_a_corrected_family_and_a_claim_on_every_row_are_told_apart():
    rules = Rules(alpha=0.05, correction="holm", margin=2.0)
    corrected = _rows([0.05 / 3, 0.05 / 2, 0.05 / 2], [0.05 / 3] * 3, EACH)
    line = levels_text.levels_line(corrected, rules, 2.0)
    assert "two-sided, at 97.5 % to 98.33 % (Holm at α = 0.05 over this question's 3 tested comparisons)" in line
    line = levels_text.levels_line(corrected, rules, 2.0, interval="tost")
    assert "1 − 2α′, at 96.67 %" in line and "3 equivalence tests, a family of their own" in line
    every = _rows([0.05 / 3, 0.05 / 2, 0.05], [0.05] * 3, EVERY)
    line = levels_text.levels_line(every, rules, 2.0, interval="tost")
    assert "α′ = α = 0.05, no correction: a claim on every row needs none" in line and "at 90 %" in line
    assert levels_text.levels_line(_rows([0.05], [0.05], EACH, tested=False), rules, 2.0) == ""
    with pytest.raises(ValueError, match="interval must be"):
        levels_text.levels_line(every, rules, 2.0, interval="both")


def test_the_bottom_line_s_bound_and_interval_keep_their_own_levels():
    rules = Rules(alpha=0.05, correction="holm", margin=2.0)
    claim = _rows([0.05] * 2, [0.05] * 2, EVERY)
    each = _rows([0.05 / 2, 0.05], [0.05] * 2, EACH)
    line = levels_text.bottom_levels_line(claim, each, rules)
    assert "one-sided, at 95 % (α = 0.05 with no correction: a claim on every row needs none)" in line
    assert "two-sided, at 95 % to 97.5 % (α = 0.05 corrected by Holm over the 2 tested rows" in line
    uncorrected = levels_text.bottom_levels_line(claim, each.assign(level=0.05), Rules(correction="none"))
    assert "two-sided, at 95 % (α = 0.05 with no correction)" in uncorrected
