"""Lineage: the records of where a number came from, the data rows they name, the glue path and the tables
that carry them (:mod:`herd.base.lineage`, :mod:`herd.record.lineage`, :mod:`herd.presentation.glue`)."""

from __future__ import annotations

import csv
import io
import json
import pickle

import pandas as pd
import pytest

from herd.base import formats
from herd.base.lineage import META_KEY, Lineage, Traced, computed, describe, from_record, identity, lineage_of
from herd.book import jupyter
from herd.presentation import glue as glue_path
from herd.presentation import tables
from herd.record import data, lineage


@pytest.fixture(scope="module")
def package():
    return data.load()


def test_a_fact_read_from_the_package_names_its_row_source_and_page(package):
    row = package.facts.iloc[0]
    value = lineage.fact(package, row["key"], formats.number, 2)
    assert str(value) == formats.number(float(row["value"]), 2)
    record = value.lineage.record()
    assert record["kind"] == "data"
    (read,) = record["reads"]
    assert read["table"] == "facts" and read["key"] == {"key": row["key"]}
    assert float(read["value"]) == pytest.approx(float(row["value"]))
    assert read["source"]["key"] == row["source"]
    sources = package.sources.set_index("key")
    assert read["source"]["url"] == sources.loc[row["source"], "url"]
    assert read["page"] == int(row["page"]) and read["location"] == row["location"]
    assert record["format"] == {"function": "herd.base.formats.number", "args": [2], "scale": 1.0}


def test_a_score_row_is_named_by_its_whole_primary_key(package):
    row = package.scores.iloc[0]
    key = {k: row[k] for k in ("source", "table", "row_label", "model")}
    ref = lineage.row(package, "scores", "score", **key)
    assert ref.location == row["table"] and ref.page == int(row["page"])
    assert float(ref.value) == pytest.approx(float(row["score"]))
    with pytest.raises(KeyError, match="scores: a row is named by"):
        lineage.row(package, "scores", "score", source=row["source"])
    with pytest.raises(KeyError, match="data/scores: 0 rows"):
        lineage.row(package, "scores", "score", **{**key, "model": "no-such-model"})


def test_many_rows_are_summarised_by_count_and_sources_few_are_listed(package):
    runs = lineage.rows(package, "chinchilla_figure4")
    assert len(runs) == 1 and runs[0].count == len(package.chinchilla_figure4)
    assert {s.key for s in runs[0].sources} == set(package.chinchilla_figure4["source"])
    few = lineage.rows(package, "facts", package.facts.head(3))
    assert [r.key for r in few] == [(("key", k),) for k in package.facts["key"].head(3)]


def test_a_computed_lineage_names_a_function_of_herd_and_its_parameters(package):
    found = computed(lineage.rows, lineage.rows(package, "facts", package.facts.head(2)), seed=3, draws=2000)
    record = found.record()
    assert record["function"] == "herd.record.lineage.rows"
    assert record["params"] == {"draws": 2000, "seed": 3}
    assert "computed by herd.record.lineage.rows(" in describe(record)
    with pytest.raises(ValueError, match="named function of herd"):
        computed(len)
    with pytest.raises(ValueError, match="named function of herd"):
        computed(lambda: 1)
    with pytest.raises(ValueError, match="names the row"):
        Lineage("data")


def test_the_same_record_has_the_same_id_and_a_traced_value_survives_a_pickle(package):
    value = lineage.fact(package, package.facts["key"].iloc[1])
    again = pickle.loads(pickle.dumps(value))
    assert again == value and lineage_of(again) == lineage_of(value)
    assert identity(value.lineage.record()) == identity(json.loads(json.dumps(again.lineage.record())))
    other = lineage.fact(package, package.facts["key"].iloc[2])
    assert identity(other.lineage.record()) != identity(value.lineage.record())
    with pytest.raises(TypeError):
        Traced("1", "not a lineage")


def test_a_record_read_back_from_a_notebook_is_the_same_lineage(package):
    """A value copied from another notebook (the home page's) carries the record its chapter kept, id and all."""
    read = lineage.fact_lineage(package, package.facts["key"].iloc[1], formats.number, 2, scale=1e-9)
    made = computed(
        lineage.rows,
        lineage.rows(package, "facts", package.facts.head(2)) + lineage.rows(package, "chinchilla_figure4"),
        laws=["a", "b"],
        seed=3,
        note="a note",
    )
    for original in (read, made):
        kept = json.loads(json.dumps(original.record()))  # as the executed notebook holds it
        again = from_record(kept)
        assert again.record() == original.record() and identity(again.record()) == identity(kept)
    assert from_record(made.record()) != from_record(read.record())


def test_glue_keeps_the_value_as_myst_nb_does_and_its_lineage_beside_it(monkeypatch, package):
    shown = []
    monkeypatch.setattr(glue_path, "display", lambda bundle, raw, metadata: shown.append((bundle, metadata)))
    value = lineage.fact(package, package.facts["key"].iloc[0], formats.count)
    group = computed(lineage.rows, reads=())
    glue_path.glue_all({"a": value, "b": "7", "c": "some *text*"}, group, markdown=("c",))
    (a, ma), (b, mb), (c, mc) = shown
    assert a == {glue_path.GLUE_PREFIX + "text/plain": repr(str(value))}
    assert ma["scrapbook"] == {"name": "a", "mime_prefix": glue_path.GLUE_PREFIX}
    assert ma[META_KEY]["record"] == value.lineage.record()  # its own, not the group's
    assert mb[META_KEY]["record"] == group.record() and mb[META_KEY]["id"] == identity(group.record())
    assert c[glue_path.GLUE_PREFIX + "text/markdown"] == "some *text*"
    with pytest.raises(KeyError, match="not among the values"):
        glue_path.glue_all({"a": "1"}, {"b": group})


def test_jupyterlab_lists_where_each_glued_value_came_from(package):
    value = lineage.fact(package, package.facts["key"].iloc[0])
    record = value.lineage.record()
    message = {
        "msg_type": "display_data",
        "content": {
            "data": {jupyter.GLUE_PREFIX + "text/plain": "'1'"},
            "metadata": {"scrapbook": {"name": "x", "mime_prefix": jupyter.GLUE_PREFIX}, META_KEY: {"record": record}},
        },
    }
    collector = jupyter.GlueCollector(display=lambda text: shown.append(text))
    shown: list[str] = []
    collector.hook(message)
    collector.show()
    assert "`x` 1 [1]" in shown[0]
    assert f"1. {describe(record)}" in shown[0]
    assert package.facts["key"].iloc[0] in shown[0]


def test_a_table_marks_each_numeric_cell_with_its_lineage_and_counts_them(package):
    facts = package.facts.head(4).reset_index(drop=True)
    frame = facts[["key", "value", "page"]].assign(note=["a", "b", "3.5 %", None])
    cells = lineage.cells(package, "facts", facts, "value", formats.number, 1)
    body, metadata = tables.render(frame, {"value": tables.number(1)}, lineage={"value": cells})
    marked = body.count("data-lineage=")
    assert marked == len(frame)
    found = metadata[META_KEY]
    # value and page show a number each, and the note "3.5 %" one: only the values carry a lineage
    assert (found["cells"]["numbers"], found["cells"]["traced"]) == (2 * len(frame) + 1, len(frame))
    assert {c["column"] for c in found["cells"]["untraced"]} == {"page", "note"}
    assert set(found["records"]) == {identity(cells(i).record()) for i in range(len(frame))}
    for i in range(len(frame)):
        assert f'data-lineage="{identity(cells(i).record())}">{formats.number(frame["value"][i], 1)}<' in body
    side = [d for d in metadata["herd"]["downloads"] if d["file"].endswith(".lineage.csv")]
    assert len(side) == 1 and "where each number came from" in body
    rows = list(csv.DictReader(io.StringIO(side[0]["csv"])))
    assert [r["row"] for r in rows] == [str(i + 1) for i in range(len(frame))]
    assert {r["column"] for r in rows} == {"value"} and {r["kind"] for r in rows} == {"data"}
    assert all(facts["key"][i] in rows[i]["data read"] for i in range(len(frame)))


def test_a_table_without_lineage_still_counts_its_numbers():
    body, metadata = tables.render(pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]}))
    assert "data-lineage" not in body
    assert metadata[META_KEY]["cells"] == {
        "numbers": 2,
        "traced": 0,
        "untraced": [{"column": "x", "text": t, "numbers": 1} for t in ("1.0", "2.0")],
    }
    assert not [d for d in metadata["herd"]["downloads"] if d["file"].endswith(".lineage.csv")]
