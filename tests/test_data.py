"""The data package validates, holds Table 2 completely, and rejects bad input clearly."""
import subprocess
import sys

import pandas as pd
import pytest

from conftest import DATA, ROOT, edit_csv
from herd import data


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


def test_package_validates(package):
    assert set(package.tables) >= {"sources", "models", "benchmarks", "scores"}
    assert len(package.sha256) == 64


def test_table2_is_complete(package):
    t2 = package.scores.query("source == 'llama3-paper-v3' and table == 'Table 2'")
    assert t2["row_label"].nunique() == 16
    assert t2["model"].nunique() == 11
    assert len(t2) == 16 * 11
    assert t2["score"].isna().sum() == 23  # dashes in the printed table
    assert t2["page"].eq(3).all()
    assert set(t2["marker"].dropna()) == {"△", "◁", "♢"}


def test_known_cells(package):
    t2 = package.scores.query("table == 'Table 2'").set_index(["row_label", "model"])["score"]
    assert t2[("MMLU (0-shot, CoT)", "llama-3.1-405b-instruct")] == 88.6
    assert t2[("GPQA (0-shot, CoT)", "claude-3.5-sonnet")] == 59.4
    assert t2[("HumanEval (0-shot)", "llama-3.1-8b-instruct")] == 72.6
    assert pd.isna(t2[("InfiniteBench/En.MC", "claude-3.5-sonnet")])


def test_every_row_cites_a_known_source(package):
    keys = set(package.sources["key"])
    for name in ("models", "scores"):
        assert set(package.tables[name]["source"]) <= keys
    assert set(package.benchmarks["size_source"]) <= keys


def test_every_benchmark_in_table2_has_a_size_or_a_reason(package):
    b = package.benchmarks.set_index("key")
    used = set(package.scores["benchmark"])
    for key in used:
        assert pd.notna(b.loc[key, "test_set_size"]) or pd.notna(b.loc[key, "size_note"])


def test_known_cells_elsewhere(package):
    s = package.scores.set_index(["table", "row_label", "model"])
    assert s.loc[("Table 21", "ZeroSCROLLS/QuALITY", "gpt-4o"), "ci95"] == 12.5  # printed so, beside 12.6 for the same score
    assert s.loc[("Table 12", "GSM8K", "gemini-1.0-ultra"), "marker"] == "♢"
    assert s.loc[("Table 17", "GRE Quant.", "llama-3.1-405b-instruct"), "scale"] == "gre-scaled"
    assert s.loc[("Base pretrained models", "Winogrande", "llama-3.1-405b"), "score"] == 86.7


def test_types(package):
    assert str(package.scores["score"].dtype) == "float64"
    assert str(package.models["open_weights"].dtype) == "boolean"
    assert str(package.benchmarks["test_set_size"].dtype) == "Int64"
    assert package.models["release_date"].dtype.kind == "M"


def _error(data_copy) -> data.DataError:
    with pytest.raises(data.DataError) as info:
        data.load(data_copy)
    return info.value


def test_unknown_model_key(data_copy):
    edit_csv(data_copy / "scores.csv", 5, "model", "llama-9-1t")
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 5 and err.column == "model"
    assert "llama-9-1t" in str(err)


def test_score_outside_0_100(data_copy):
    edit_csv(data_copy / "scores.csv", 7, "score", "108.2")
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 7 and err.column == "score"
    assert "108.2" in str(err)


def test_duplicate_primary_key(data_copy):
    lines = (data_copy / "models.csv").read_text().splitlines()
    (data_copy / "models.csv").write_text("\n".join([*lines, lines[1]]) + "\n")
    err = _error(data_copy)
    assert err.file.endswith("models.csv") and err.line == len(lines) + 1
    assert "duplicate" in str(err)


def test_empty_source(data_copy):
    edit_csv(data_copy / "scores.csv", 9, "source", "")
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 9 and err.column == "source"


def test_wrong_type(data_copy):
    edit_csv(data_copy / "benchmarks.csv", 3, "test_set_size", "about 500")
    err = _error(data_copy)
    assert err.file.endswith("benchmarks.csv") and err.line == 3 and err.column == "test_set_size"
    assert "about 500" in str(err)


def test_blank_score_needs_a_reason(data_copy):
    edit_csv(data_copy / "scores.csv", 2, "score", "")
    err = _error(data_copy)
    assert err.line == 2 and err.column == "footnote"


def test_command_line_reports_and_fails(data_copy):
    edit_csv(data_copy / "scores.csv", 4, "score", "-3")
    proc = subprocess.run([sys.executable, "-m", "herd.data"], capture_output=True, text=True,
                          env={"HERD_DATA": str(data_copy), "PATH": ""}, cwd=ROOT)
    assert proc.returncode == 1
    assert "scores.csv, line 4" in proc.stderr and "column 'score'" in proc.stderr


def test_checksum_changes_with_content(data_copy):
    before = data.checksum(data_copy)
    edit_csv(data_copy / "scores.csv", 2, "score", "69.5")
    assert data.checksum(data_copy) != before
