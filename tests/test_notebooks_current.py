"""The executed notebooks in book/ are current: same code as their text notebooks,
executed from the inputs as they are now (otherwise nbval would test stale outputs)."""

import json

import jupytext
import pytest

from conftest import ROOT
from herd.book import chapters

pytestmark = pytest.mark.book

NOTEBOOKS = chapters.notebooks(ROOT)


def _code(cells):
    return [
        c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "injected-parameters" not in c.get("metadata", {}).get("tags", [])
    ]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_executed_notebook_exists_and_has_the_same_code(nb):
    assert nb.executed.exists(), f"{nb.executed} missing: run `make book`"
    text = jupytext.read(nb.text)
    executed = json.loads(nb.executed.read_text())
    assert _code(executed["cells"]) == [c.source for c in text.cells if c.cell_type == "code"], (
        f"{nb.executed} is stale: its code differs from {nb.text}; run `make book`"
    )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_executed_notebook_was_run_on_current_inputs(nb):
    assert chapters.recorded_hash(nb) == chapters.input_hash(ROOT, nb), (
        f"{nb.executed} was executed on other inputs (text, parameters, "
        "data, herd source or lock changed); run `make book`"
    )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_executed_notebook_has_no_volatile_metadata(nb):
    raw = nb.executed.read_text()
    for word in ("start_time", "end_time", "duration", "iopub.", "input_path"):
        assert word not in raw, f"{nb.executed} carries volatile metadata ({word})"
