"""End-to-end guards on the executed chapters: nbval catches a changed number, and a
bad papermill parameter stops the notebook with a message naming it."""

import os
import subprocess
import sys
from xml.etree import ElementTree

import jupytext
import papermill as pm
import pytest

from conftest import ROOT, edit_csv
from herd.base import params

pytestmark = [pytest.mark.book, pytest.mark.slow]

BOOK_NB = ROOT / "book" / "benchmarks.ipynb"


def _nbval(env_data, report) -> subprocess.CompletedProcess:
    env = {**os.environ, "HERD_DATA": str(env_data)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--nbval",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "sanitize.cfg"),
            "--nbval-current-env",
            f"--junit-xml={report}",
            str(BOOK_NB),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_nbval_fails_when_a_published_score_changes(data_copy):
    # line 8 of scores.csv: Table 2, MMLU (5-shot), Llama 3.1 405B Instruct, printed 87.3
    line = (data_copy / "scores.csv").read_text().splitlines()[7]
    assert "MMLU (5-shot),llama-3.1-405b-instruct" in line and ",87.3," in line
    edit_csv(data_copy / "scores.csv", 8, "score", "84.3")
    report = data_copy.parent / "nbval.xml"
    changed = _nbval(data_copy, report)
    assert changed.returncode != 0, changed.stdout[-2000:]
    # it fails for the changed number, not for some other reason (the unchanged chapter passes nbval in the
    # suite itself): every failure is a cell whose outputs differ, none a cell that raised. Read from the
    # JUnit report, not the terminal, whose summary lines depend on the terminal's width.
    failures = [case.find("failure") for case in ElementTree.parse(report).iter("testcase")]
    failures = [failure for failure in failures if failure is not None]
    assert failures, changed.stdout[-2000:]
    assert all("Cell outputs differ" in (failure.text or "") for failure in failures), changed.stdout[-2000:]


# Each check's message is unit-tested in test_params.py. That every chapter runs the schema's checks (a misspelled
# name, which papermill injects silently, or a value of the wrong type) is read from its text notebook: the code cell
# right after the parameters cell calls `params.check_chapter` with the chapter's own name. Once, a chapter is run
# with a bad value, for a constraint that depends on the data (a model not printed in the chosen table).
def test_every_chapter_with_parameters_checks_them_first():
    chapters = 0
    for source in sorted((ROOT / "notebooks").glob("*.md")):
        cells = [c for c in jupytext.read(source).cells if c.cell_type == "code"]
        tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
        if not tagged:
            continue
        chapters += 1
        after = cells[tagged[0] + 1].source
        assert f'params.check_chapter(globals(), "{source.stem}")' in after, source.name
    assert chapters == len(params.load_schema())


def test_a_bad_parameter_stops_the_notebook_with_its_name(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(
            str(ROOT / "book" / "benchmarks.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"focus_model": "llama-3.3-70b-instruct"},
            kernel_name="python3",
            cwd=str(ROOT),
            progress_bar=False,
        )
    assert info.value.ename == "ParameterError"
    assert "parameter 'focus_model' = 'llama-3.3-70b-instruct' is not allowed" in info.value.evalue
