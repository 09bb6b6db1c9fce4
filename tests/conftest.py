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
