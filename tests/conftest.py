import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the data package, for tests that break it on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def edit_csv(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (line numbers as in the file, header = line 1)."""
    import csv

    rows = list(csv.reader(path.open(newline="")))
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    with path.open("w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


# Tests that need the built book, a browser or a chapter run: `make unit` leaves them out (-m "not book").
BOOK_TESTS = {
    "test_add_model.py",
    "test_binder.py",
    "test_binder_jupyterlab.py",
    "test_browser.py",
    "test_build.py",
    "test_contamination_chapter.py",
    "test_editions.py",
    "test_findings.py",
    "test_notebook_guards.py",
    "test_notebooks_current.py",
    "test_number_forms.py",
    "test_pdf.py",
    "test_scaling_notebook.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if path.name in BOOK_TESTS or path.suffix == ".ipynb":
            item.add_marker(pytest.mark.book)
