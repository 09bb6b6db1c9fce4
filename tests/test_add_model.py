"""A model added as data only reaches every chapter.

A copy of the data package gets one more model, as a contributor following README.md ("How to add a model")
would add it: a source, a new family in the schema's enum, the model (a small one, 1.46 B parameters, in the
`tiny` size class, whose output head shares the embedding matrix), its facts and their model_facts rows
(with `shared_embeddings`), and a printed table of its own (score_tables.csv and scores.csv) beside Llama 3.2
1B Instruct. No code changes. Each chapter then runs on that package with papermill and either shows the
model or says on the page why it does not apply.
"""

import csv
import json
import re

import papermill as pm
import pytest

from conftest import ROOT

pytestmark = [pytest.mark.book, pytest.mark.slow]

MODEL = "fixture-1.5b-instruct"
NAME = "Fixture 1.5B Instruct"
REFERENCE = "llama-3.2-1b-instruct"
SOURCE = "fixture-model-card"
TABLE = "Fixture benchmark table"


def _append(path, rows):
    with path.open(newline="") as f:
        header = next(csv.reader(f))
    with path.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow(row)


@pytest.fixture(scope="module")
def package_with_model(tmp_path_factory):
    import shutil

    data = tmp_path_factory.mktemp("added") / "data"
    shutil.copytree(ROOT / "data", data)
    descriptor = json.loads((data / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["name"] == "models":
            for field in resource["schema"]["fields"]:
                if field["name"] == "family":
                    field["constraints"]["enum"].append("Fixture")
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    _append(
        data / "sources.csv",
        [
            {
                "key": SOURCE,
                "title": "Fixture 1.5B model card",
                "publisher": "Test fixture",
                "url": "https://example.org/card",
                "version": "1",
                "date": "2025-04-05",
                "kind": "model-card",
            }
        ],
    )
    _append(
        data / "models.csv",
        [
            {
                "key": MODEL,
                "name": NAME,
                "label_in_source": "Fixture-1.5B",
                "developer": "Test fixture",
                "family": "Fixture",
                "size_class": "tiny",
                "parameters_billion": "1.5",
                "open_weights": "true",
                "release_date": "2025-04-05",
                "source": SOURCE,
                "source_location": "model information",
            }
        ],
    )
    facts = [
        ("parameters", 1.46e9, "parameters", "1.5B (1.46B)"),
        ("pretraining_tokens", 4e12, "tokens", "4T"),
        ("gpu_hours", 2e5, "GPU hours", "200K"),
        ("shared_embeddings", 1, "yes (1) / no (0)", "Yes"),
    ]
    _append(
        data / "facts.csv",
        [
            {
                "key": f"modelcard.{MODEL}.{q}",
                "topic": {"gpu_hours": "compute", "shared_embeddings": "architecture"}.get(q, "training"),
                "subject": MODEL,
                "quantity": q.replace("_", " "),
                "value": v,
                "unit": unit,
                "value_as_printed": printed,
                "source": SOURCE,
                "location": "model information",
                "page": "",
                "note": "",
            }
            for q, v, unit, printed in facts
        ],
    )
    _append(
        data / "model_facts.csv",
        [
            {"model": MODEL, "quantity": quantity, "fact": f"modelcard.{MODEL}.{fact}", "note": ""}
            for quantity, fact in [
                ("parameters", "parameters"),
                ("training_tokens", "pretraining_tokens"),
                ("gpu_hours", "gpu_hours"),
                ("shared_embeddings", "shared_embeddings"),
            ]
        ],
    )
    _append(
        data / "score_tables.csv",
        [
            {
                "source": SOURCE,
                "table": TABLE,
                "name": "the fixture card's benchmark table",
                "page": "",
                "location": "Benchmarks",
                "compares": "the fixture model beside Llama 3.2 1B Instruct",
                "training": "post-trained",
                "highlight": "",
                "intervals": "false",
                "entry": "entered once (test fixture)",
            }
        ],
    )
    cells = [
        ("MMLU (CoT)", "mmlu", "0", "true", 49.0, 49.3),
        ("HumanEval", "humaneval", "0", "false", 41.0, 38.0),
        ("MATH (CoT)", "math", "0", "true", 31.0, 30.6),
    ]
    _append(
        data / "scores.csv",
        [
            {
                "source": SOURCE,
                "table": TABLE,
                "page": "",
                "row_label": label,
                "model": model,
                "benchmark": bench,
                "training": "post-trained",
                "shots": shots,
                "cot": cot,
                "score": score,
                "scale": "percent",
                "ci95": "",
                "marker": "",
                "footnote": "",
            }
            for label, bench, shots, cot, mine, ref in cells
            for model, score in [(MODEL, mine), (REFERENCE, ref)]
        ],
    )
    return data


def test_the_added_model_validates(package_with_model, monkeypatch):
    from herd.analyses.long_context import arch
    from herd.record import data

    monkeypatch.setenv("HERD_DATA", str(package_with_model))
    package = data.load(package_with_model)
    assert MODEL in set(package.models["key"])
    # the tie is read from the data, as for Llama 3.2 (the architecture module holds no list of models)
    assert arch.shared_embeddings(package)[MODEL] is True


RELEASED = f"{NAME} (released 2025-04-05)"
CHAPTERS = {
    # chapter: (parameters, what the page must say about the model)
    "benchmarks": (
        {"pair_source": SOURCE, "pair_table": TABLE, "pair_model": MODEL, "pair_reference": REFERENCE},
        [f">{NAME}</th>", "As good as (equivalent within"],
    ),
    # few draws and one seed: the test is about the model
    # its parameters with the digits the card prints, not the name's round size
    "scaling": ({"bootstrap_draws": 100, "bootstrap_seeds": 1}, [f">{NAME}</td>", ">1.46 B</td>"]),
    "long_context": (
        {},
        [RELEASED, "not on this page: the pinned llama-models release does not describe its architecture"],
    ),
    "claims": ({}, [RELEASED, "not on this page: the post, published on 13 August 2024, came out before"]),
    "contamination": (
        {"null_reps": 100, "null_max_draws": 800, "null_seeds": 1, "planted_whole": 2, "planted_part": 2},
        [RELEASED, "not on this page: the data package holds no contamination analysis"],
    ),
    "data": ({}, [NAME, ">the fixture card&#x27;s benchmark table</td>"]),
}


def _page_text(notebook: dict) -> str:
    """Everything a reader can see: markdown cells with glued values substituted, and outputs."""
    parts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            for kind in (
                "text/plain",
                "text/markdown",
                "text/html",
                "application/papermill.record/text/plain",
                "application/papermill.record/text/markdown",
                "application/vnd.vegalite.v5+json",
            ):
                value = out.get("data", {}).get(kind)
                if value is not None:
                    parts.append(
                        value
                        if isinstance(value, str)
                        else json.dumps(value)
                        if not isinstance(value, list)
                        else "".join(value)
                    )
            if "text" in out:
                parts.append("".join(out["text"]))
    return re.sub(r"\s+", " ", "\n".join(parts))


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_each_chapter_shows_the_added_model_or_says_why_not(package_with_model, chapter, tmp_path, monkeypatch):
    monkeypatch.setenv("HERD_DATA", str(package_with_model))
    parameters, expected = CHAPTERS[chapter]
    out = tmp_path / f"{chapter}.ipynb"
    pm.execute_notebook(
        str(ROOT / "book" / f"{chapter}.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(ROOT),
        progress_bar=False,
    )
    text = _page_text(json.loads(out.read_text()))
    for phrase in expected:
        assert phrase in text, f"{chapter}: the page does not say {phrase!r}"
