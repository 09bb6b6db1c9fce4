"""Lineage: the records of where a number came from, the data rows they name, the glue path and the tables
that carry them (:mod:`herd.base.lineage`, :mod:`herd.record.lineage`, :mod:`herd.presentation.glue`)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import pickle

import pandas as pd
import pytest

from herd.analyses.compute import budget
from herd.base import formats
from herd.base.lineage import (
    META_KEY,
    Lineage,
    Traced,
    call,
    computed,
    describe,
    from_record,
    given,
    identity,
    lineage_of,
    resolve,
    unknown_params,
)
from herd.book import jupyter
from herd.presentation import findings, scaling_lineage, tables
from herd.presentation import glue as glue_path
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
    found = computed(lineage.rows, lineage.rows(package, "facts", package.facts.head(2)), resource="facts")
    record = found.record()
    assert record["function"] == "herd.record.lineage.rows"
    assert record["params"] == {"resource": "facts"}
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
        resource="facts",
        note="a note",
        output="its rows",
        after=[call(lineage.rows_where, column="key", values=["a", "b"])],
        then=[call(lineage.rows, resource="facts")],
    )
    valued = given(made, formats.span(1.25, 3.5, unit="B"))
    for original in (read, made, valued):
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


def test_a_table_s_side_file_says_which_output_of_which_call_each_number_is(package):
    frame = package.facts.head(2).reset_index(drop=True)[["key", "value"]]
    made = computed(
        lineage.rows_where,
        lineage.rows(package, "facts", package.facts.head(2)),
        output="column value",
        after=[call(lineage.rows, resource="facts")],
        resource="facts",
        column="key",
    )
    _, metadata = tables.render(frame, {"value": tables.number(1)}, lineage={"value": made})
    (side,) = [d for d in metadata["herd"]["downloads"] if d["file"].endswith(".lineage.csv")]
    rows = list(csv.DictReader(io.StringIO(side["csv"])))
    assert {r["output"] for r in rows} == {"column value"}
    assert {r["function"] for r in rows} == {"herd.record.lineage.rows_where"}
    assert json.loads(rows[0]["arguments"]) == {"column": "key", "resource": "facts"}
    assert rows[0]["after"] == 'herd.record.lineage.rows({"resource": "facts"})'


def test_a_table_without_lineage_still_counts_its_numbers():
    body, metadata = tables.render(pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]}))
    assert "data-lineage" not in body
    assert metadata[META_KEY]["cells"] == {
        "numbers": 2,
        "traced": 0,
        "untraced": [{"column": "x", "text": t, "numbers": 1} for t in ("1.0", "2.0")],
    }
    assert not [d for d in metadata["herd"]["downloads"] if d["file"].endswith(".lineage.csv")]


def test_a_computed_lineage_names_only_its_function_s_own_parameters(package):
    """A record is the call that produced the number: a name the function does not take is an error naming both."""
    with pytest.raises(TypeError, match=r"herd\.record\.lineage\.rows has no parameter 'seed'"):
        computed(lineage.rows, seed=3)
    with pytest.raises(TypeError, match=r"herd\.record\.lineage\.rows_where has no parameter 'draws'"):
        call(lineage.rows_where, draws=2)
    assert not unknown_params(lineage.row, ["model", "source"])  # a function that takes **key takes any name
    made = computed(
        lineage.rows_where,
        lineage.rows(package, "facts", package.facts.head(2)),
        output="its rows",
        after=[call(lineage.rows, resource="facts")],
        resource="facts",
        column="key",
    )
    record = made.record()
    assert record["output"] == "its rows"
    assert record["after"] == [{"function": "herd.record.lineage.rows", "params": {"resource": "facts"}}]
    text = describe(record)
    assert 'herd.record.lineage.rows(resource="facts") then herd.record.lineage.rows_where(' in text
    assert "output its rows" in text
    assert from_record(json.loads(json.dumps(record))).record() == record


def test_a_computed_lineage_lists_the_values_of_the_few_rows_it_read(package):
    few = package.facts.head(3)
    record = computed(lineage.rows, lineage.rows(package, "facts", few)).record()
    assert [r["value"] for r in record["reads"]] == [str(formats.stored(v)) for v in few["value"]]
    assert all(r["column"] == "value" for r in record["reads"])


def test_rows_printed_at_one_place_share_one_line_with_their_count(package):
    facts = package.facts
    place = facts.groupby(["source", "location", "page"]).filter(lambda g: len(g) >= 2)
    rows = place[place[["source", "location", "page"]].eq(place[["source", "location", "page"]].iloc[0]).all(axis=1)]
    rows = rows.head(3)
    text = describe(computed(lineage.rows, lineage.rows(package, "facts", rows)).record())
    assert f"data/facts.csv, {len(rows)} rows: " in text
    assert text.count(str(rows["location"].iloc[0])) == 1
    assert all(k in text for k in rows["key"])


def _book_records():
    for chapter, output in findings.executed_outputs(findings.book_dir()):
        found = output.get("metadata", {}).get(META_KEY) or {}
        if "record" in found:
            yield chapter, found["record"]
        for record in (found.get("records") or {}).values():
            yield chapter, record


def test_every_record_on_every_page_binds_to_its_function_s_signature():
    """Each computed record of the executed chapters (glued values and table cells) names functions of herd that
    exist and take the arguments it names, its own call, every call before and after it, and the function of
    herd.base.formats that wrote its value; the computed numbers a reader sees keep the value they were written from."""
    wrong, seen, valued = [], 0, 0
    for chapter, record in _book_records():
        if record["kind"] != "computed":
            continue
        written = record.get("value")
        if written:
            valued += 1
            if not written["function"].startswith("herd.base.formats.") or len(written["given"]) not in (1, 2):
                wrong.append(f"{chapter}: a value written by {written['function']} from {written['given']}")
        writer = [{"function": written["function"], "params": written["args"]}] if written else []
        for made in [*record.get("after", []), *record.get("then", []), *writer, record]:
            seen += 1
            function = resolve(made["function"])
            if function is None:
                wrong.append(f"{chapter}: {made['function']} does not exist")
            elif unknown_params(function, made.get("params", {})):
                names = ", ".join(unknown_params(function, made.get("params", {})))
                wrong.append(f"{chapter}: {made['function']} takes no {names}")
    assert seen > 100, "the executed chapters carry computed records"
    assert valued > 100, "the executed chapters' computed numbers keep the values they were written from"
    assert not sorted(set(wrong)), sorted(set(wrong))[:20]


def test_the_compute_checks_list_only_the_rows_they_read(package):
    """budget.checks computes the same table from only the facts and laws its record lists, and the record counts
    exactly those rows."""
    flops = package.fact("scaling.flagship_flops")
    record = scaling_lineage.budget_checks(package, flops).record()
    table = package.tables["model_facts"]
    keys = {*budget.CHECKED_SCALING_FACTS, *budget.FACT_KEYS, *table[table["model"] == budget.MFU_MODEL]["fact"]}
    facts = package.facts[package.facts["key"].isin(keys)]
    laws = package.scaling_laws[package.scaling_laws["law"].isin(list(budget.TOKEN_LAWS))]
    counted = {r["table"]: r.get("rows", 1) for r in record["reads"] if "rows" in r}
    listed = [r for r in record["reads"] if "rows" not in r]
    for name, frame in (("facts", facts), ("scaling_laws", laws)):
        assert counted.get(name, 0) + sum(r["table"] == name for r in listed) == len(frame)
        assert len(frame) < len(package.tables[name])  # not the whole table
    narrowed = dataclasses.replace(package, tables={**package.tables, "facts": facts, "scaling_laws": laws})
    pd.testing.assert_frame_equal(budget.checks(narrowed, flops), budget.checks(package, flops))


def test_a_computed_number_keeps_the_value_it_was_written_from(monkeypatch, package):
    """A computed number glued or tabled as herd.base.formats wrote it keeps, in its record, the value before rounding
    (at the digits the book stores), the function that wrote it and its arguments; a number read from a row does not
    (its row holds the value), nor does a text no format wrote."""
    shown = []
    monkeypatch.setattr(glue_path, "display", lambda bundle, raw, metadata: shown.append(metadata))
    group = computed(lineage.rows, reads=())
    read = lineage.fact(package, package.facts["key"].iloc[0], formats.count)
    values = {"n": formats.count(629.834612345678), "p": formats.number(0.123456, 2), "r": read, "t": "7"}
    glue_path.glue_all(values, group)
    n, p, r, t = (m[META_KEY]["record"] for m in shown)
    assert n["value"] == {"given": [629.8346123], "function": "herd.base.formats.count", "args": {}}
    assert p["value"] == {"given": [0.123456], "function": "herd.base.formats.number", "args": {"decimals": 2}}
    assert "value" not in r and "value" not in t and t == group.record()
    assert shown[0][META_KEY]["id"] == identity(n) != identity(group.record())  # the id is the record's, value and all
    assert "value before rounding 629.8346123, written by herd.base.formats.count(value)" in describe(n)
    # a table's cells: each computed cell its own value, under the formatter its column was given
    frame = pd.DataFrame({"x": [1.04, 2.96]})
    _, metadata = tables.render(frame, {"x": tables.number(1)}, lineage={"x": group})
    found = sorted(r["value"]["given"][0] for r in metadata[META_KEY]["records"].values())
    assert found == [1.04, 2.96]
    # a cell that holds a text written already (an interval) keeps its values too
    written = pd.DataFrame({"i": pd.Series([formats.interval(-0.04, 2.25)], dtype=object)})
    _, kept = tables.render(written, lineage={"i": group})
    (record,) = kept[META_KEY]["records"].values()
    assert record["value"]["given"] == [-0.04, 2.25] and record["value"]["function"] == "herd.base.formats.interval"
    (side,) = [d for d in metadata["herd"]["downloads"] if d["file"].endswith(".lineage.csv")]
    rows = list(csv.DictReader(io.StringIO(side["csv"])))
    assert [r["value before rounding"] for r in rows] == [
        f"value before rounding {v}, written by herd.base.formats.number(value, decimals=1)" for v in (1.04, 2.96)
    ]
    # a value survives a pickle (a memo may keep it), and so does a traced text written by a format
    assert pickle.loads(pickle.dumps(formats.count(12.6))).written["given"] == [12.6]
    traced = Traced(formats.count(12.6), group)
    assert pickle.loads(pickle.dumps(traced)).written == traced.written == formats.count(12.6).written
