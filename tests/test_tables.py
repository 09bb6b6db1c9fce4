"""Tables reach the reader: every call displays, and every executed call left its table."""
import json
from pathlib import Path

import pandas as pd

from herd import tables

BOOK = Path(__file__).resolve().parent.parent / "book"


def test_show_displays_each_call(monkeypatch):
    shown = []
    monkeypatch.setattr(tables, "display", shown.append)
    frame = pd.DataFrame({"x": [1.234, None], "name": ["<b>", "ok"]})
    assert tables.show(frame, formats={"x": tables.number(1)}, caption="First") is None
    tables.show(frame)
    assert len(shown) == 2
    first = shown[0].data
    assert "<caption>First</caption>" in first and "1.2" in first and "—" in first and "&lt;b&gt;" in first


def test_every_table_in_the_executed_notebooks_was_displayed():
    missing = []
    for path in sorted(BOOK.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] != "code":
                continue
            calls = "".join(cell["source"]).count("tables.show(")
            shown = sum("herd-table" in "".join(o.get("data", {}).get("text/html", "")) for o in cell["outputs"])
            if calls > shown:
                missing.append(f"{path.name} cell {i}: {calls} tables.show calls, {shown} tables in the outputs")
    assert not missing, "\n".join(missing)
