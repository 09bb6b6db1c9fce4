import numpy as np
import pandas as pd
import pytest

from herd import compare


def _scores(rows):
    return pd.DataFrame(rows, columns=["row_label", "model", "benchmark", "score", "ci95", "marker", "footnote"])


BENCH = pd.DataFrame({"key": ["big", "small", "nosize"], "test_set_size": pd.array([10000, 100, pd.NA], dtype="Int64")})


def test_verdicts():
    s = _scores([
        ("Big", "f", "big", 80.0, np.nan, np.nan, np.nan),
        ("Big", "c", "big", 75.0, np.nan, np.nan, np.nan),       # 5 points on 10,000: win
        ("Small", "f", "small", 80.0, np.nan, np.nan, np.nan),
        ("Small", "c", "small", 75.0, np.nan, "♢", "zero-shot"),  # 5 points on 100: tie
        ("Loss", "f", "big", 60.0, np.nan, np.nan, np.nan),
        ("Loss", "c", "big", 70.0, np.nan, np.nan, np.nan),       # -10 on 10,000: loss
        ("NoN", "f", "nosize", 90.0, np.nan, np.nan, np.nan),
        ("NoN", "c", "nosize", 80.0, np.nan, np.nan, np.nan),     # no N: no test
        ("Dash", "f", "big", 90.0, np.nan, np.nan, np.nan),
        ("Dash", "c", "big", np.nan, np.nan, np.nan, "dash"),     # missing score: no test
    ])
    out = compare.head_to_head(s, BENCH, "f", ["c"]).set_index("row_label")
    assert out.loc["Big", "verdict"] == "win"
    assert out.loc["Small", "verdict"] == "tie"
    assert out.loc["Loss", "verdict"] == "loss"
    assert out.loc["NoN", "verdict"] == "no test"
    assert out.loc["Dash", "verdict"] == "no test"
    assert "dash" in out.loc["Dash", "reason"] and "size" in out.loc["NoN", "reason"]
    assert not out.loc["Small", "like_for_like"] and out.loc["Big", "like_for_like"]
    # Holm: the family is the three testable rows
    assert (out["p_adjusted"].dropna() >= out["p"].dropna()).all()
    counts = compare.verdict_counts(out.reset_index())
    assert counts.loc["c"].to_dict() == {"win": 1, "tie": 1, "loss": 1, "no test": 2}


def test_correction_changes_borderline_verdict():
    rows = []
    for i in range(10):
        rows += [(f"r{i}", "f", "small", 80.0, np.nan, np.nan, np.nan), (f"r{i}", "c", "small", 67.0, np.nan, np.nan, np.nan)]
    s = _scores(rows)
    raw = compare.head_to_head(s, BENCH, "f", ["c"], correction="none")
    holm = compare.head_to_head(s, BENCH, "f", ["c"], correction="holm")
    assert (raw["verdict"] == "win").all()  # p ≈ 0.037: each alone is significant
    assert (holm["verdict"] == "tie").all()


def test_bad_arguments():
    s = _scores([("A", "f", "big", 80.0, np.nan, np.nan, np.nan)])
    with pytest.raises(ValueError, match="also listed"):
        compare.head_to_head(s, BENCH, "f", ["f"])
    with pytest.raises(ValueError, match="no printed row"):
        compare.head_to_head(s, BENCH, "f", ["zzz"])
