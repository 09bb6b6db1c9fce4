"""The null-table display of herd.selection."""

import pandas as pd

from herd import selection


def test_null_display_puts_the_decisive_column_first_and_letters_the_reasons():
    reported = pd.DataFrame(
        [
            {
                "benchmark": "A",
                "gain": 2.0,
                "n": 100,
                "n_basis": "source",
                "accuracies": "0.1 / 0.2 / 0.3",
                "accuracy_source": "paper",
                "null_picked": 0.3,
                "null_median": 1.0,
                "null_p": 0.04,
                "not_simulated": "",
            },
            {
                "benchmark": "B",
                "gain": None,
                "n": None,
                "n_basis": "none",
                "accuracies": "",
                "accuracy_source": "",
                "null_picked": None,
                "null_median": None,
                "null_p": None,
                "not_simulated": "no gain reported",
            },
            {
                "benchmark": "C",
                "gain": None,
                "n": None,
                "n_basis": "none",
                "accuracies": "",
                "accuracy_source": "",
                "null_picked": None,
                "null_median": None,
                "null_p": None,
                "not_simulated": "no gain reported",
            },
        ]
    )
    shown, notes = selection.null_display(reported)
    assert list(shown.columns[:3]) == ["benchmark", "reported gain 405B", "share of chance gains at least as large"]
    assert shown["not simulated"].tolist() == ["", "a", "a"]
    assert notes.to_dict("records") == [{"note": "a", "why the row was not simulated": "no gain reported"}]
