import pandas as pd
import pytest

from conftest import DATA
from herd import budget, data


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


def test_parallelism_products(package):
    out = budget.parallelism_checks(package.parallelism)
    assert list(out["gpus_from_product"]) == [8192, 16384, 16384]
    assert out["gpus_consistent"].all() and out["tokens_consistent"].all()
    assert set(out["tokens_from_product"]) == {16_777_216}
    # the earlier (v2) text's DP = 4 in row 3 would not add up
    v2 = package.parallelism.copy()
    v2.loc[2, "dp"] = 4
    bad = budget.parallelism_checks(v2)
    assert not bad.loc[2, "gpus_consistent"] and not bad.loc[2, "tokens_consistent"]


def test_interruption_shares(package):
    out = budget.interruption_checks(package.interruptions, 419).set_index("component")
    assert out.loc["Faulty GPU", "percent_from_count"] == pytest.approx(35.32, abs=0.01)
    assert not out.loc["Faulty GPU", "consistent"]
    assert out.drop(index="Faulty GPU")["consistent"].all()  # every other printed share matches count / 419


def test_interruption_summary(package):
    s = budget.interruption_summary(package.interruptions, package.facts).set_index("check")
    assert s.loc["total interruptions = planned + unexpected", "difference"] == 0
    assert s.loc["unexpected interruptions = sum of the table's counts", "difference"] == 0
    assert s.loc["printed percentages sum to 100", "recomputed"] == pytest.approx(94.9, abs=0.01)
    assert s.loc["GPU issues share (%), from the counts", "recomputed"] == pytest.approx(100 * 268 / 419)


def test_implied_mfu_formula(package):
    out = budget.implied_mfu(package.facts, {"llama-3.1-405b": (405e9, 15.6e12)}, peak_tflops=1000.0)
    row = out.iloc[0]
    assert row["flops"] == pytest.approx(6 * 405e9 * 15.6e12)
    assert row["implied_mfu_pct"] == pytest.approx(100 * 6 * 405e9 * 15.6e12 / (30.84e6 * 3600 * 1e15))


def test_missing_fact_is_named(package):
    with pytest.raises(KeyError, match="no row 'nope'"):
        package.fact("nope")
