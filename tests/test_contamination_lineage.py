"""The contamination chapter's lineage (:mod:`herd.presentation.contamination_lineage`): Table 15's cells name the
row they are read from and reproduce the text shown; the null's numbers name the analysis function that computed
them, the chapter's parameters and the rows the null reads."""

from __future__ import annotations

import importlib

import pytest

from herd.analyses.contamination import selection
from herd.base import formats
from herd.presentation import contamination_lineage, selection_text
from herd.record import data


@pytest.fixture(scope="module")
def package():
    return data.load()


def _function(name: str):
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def test_each_numeric_cell_of_table_15_is_its_own_rows_value_as_shown(package):
    shown, _ = selection_text.table15(package)
    cells = contamination_lineage.table15(package)
    checked = 0
    for column, formatter in {"contaminated (%)": formats.count, "gain 405B": formats.gap}.items():
        for i, value in enumerate(shown[column]):
            if formats.missing(value):
                continue
            record = cells[column](i).record()
            (read,) = record["reads"]
            assert read["key"]["benchmark"] == package.contamination["benchmark"].iloc[i]
            assert read["source"]["key"] == "llama3-paper-v3" and read["location"] == "Table 15"
            assert formatter(float(read["value"]) * record["format"]["scale"]) == formatter(value)
            checked += 1
    assert checked > len(shown)  # both columns, every reported gain


def test_the_null_names_its_function_its_parameters_and_table_15(package):
    null = contamination_lineage.Null(package, 0.5, 3, 2, 1000, 8000, 0.05, "holm")
    record = null.runs().record()
    assert _function(record["function"]) is selection.null_runs
    assert record["params"]["seeds"] == [3, 4] and record["params"]["settings"] == {
        "independent": 0.0,
        "correlated": 0.5,
    }
    assert record["params"]["reps"] == 1000 and record["params"]["max_draws"] == 8000
    t15 = [r for r in record["reads"] if r["table"] == "contamination"]
    assert t15 and t15[0]["rows"] == len(package.contamination)
    names = ["beyond_corrected_correlated", "seeds_independent", "every_seed_correlated", "n_reported", "range_note"]
    functions = {n: _function(rec.record()["function"]) for n, rec in null.numbers(names).items()}
    assert functions == {
        "beyond_corrected_correlated": selection.beyond_chance,
        "seeds_independent": selection.seed_counts,
        "every_seed_correlated": selection.across_seeds,
        "n_reported": selection.simulated,
        "range_note": selection.range_counts,
    }
    # the count of Table 15's reported gains reads those rows of Table 15 (the home page's "of 15" opens it)
    reported = null.numbers(["n_reported"])["n_reported"].record()
    (t15_rows,) = [r for r in reported["reads"] if r["table"] == "contamination"]
    gains = package.contamination["gain_405b"].notna()
    assert 0 < t15_rows.get("rows", 1) <= int(gains.sum()) < len(package.contamination)
    assert "Table 15" in reported["output"]
    cell = null.decisive()
    assert cell(0, "reported gain 405B").kind == "data"
    assert _function(cell(0, "gain to exceed, correlated").record()["function"]) is selection.side_by_side


def test_the_planted_numbers_name_the_scan_and_its_settings():
    found = contamination_lineage.planted_numbers(
        ["n_whole", "whole_interval", "part_over", "auc_token_part"], 8, 0.5, 20, 10, 1
    )
    records = {n: lin.record() for n, lin in found.items()}
    assert records["n_whole"]["function"].endswith("planting.scan_with_plants")
    assert records["whole_interval"]["function"].endswith("planting.rate_bounds")
    assert records["part_over"]["function"].endswith("planting.findings")
    assert records["auc_token_part"]["function"].endswith("planting.aucs")
    assert records["part_over"]["params"] == {"threshold": 0.5}
    (scan,) = records["part_over"]["after"]
    assert scan["function"].endswith("planting.scan_with_plants")
    assert scan["params"] == {"n": 8, "n_whole": 20, "n_part": 10, "seed": 1}
    assert records["n_whole"]["params"] == scan["params"] and records["n_whole"]["output"] == "its argument n_whole"
    assert all("CORPUS_PROSE" in r["note"] and not r["reads"] for r in records.values())
