"""README's "How to add a model" stays in step with the schema it describes."""

import json
import re

from conftest import DATA, ROOT


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def test_how_to_add_a_model_names_every_required_column_of_each_table_it_touches():
    """Every table of data/datapackage.json whose file the steps name has each of its required columns
    named in the steps (as `column`), so a contributor following them fills every column validation needs."""
    steps = _section((ROOT / "README.md").read_text(encoding="utf-8"), "## How to add a model")
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    touched = [r for r in descriptor["resources"] if f"`data/{r['path']}`" in steps]
    assert {r["name"] for r in touched} >= {"sources", "models", "score_tables", "scores", "facts", "model_facts"}
    named = set(re.findall(r"`([a-z_0-9]+)`", steps))
    missing = {
        r["path"]: [
            f["name"]
            for f in r["schema"]["fields"]
            if f.get("constraints", {}).get("required") and f["name"] not in named
        ]
        for r in touched
    }
    assert {path: columns for path, columns in missing.items() if columns} == {}
