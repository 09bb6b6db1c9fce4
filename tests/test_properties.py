"""Property-based tests (Hypothesis) of what stands between hostile input and the book: the data
loader and the parameter checks. Whatever the input, the answer is either a clear error of the
module's own kind (DataError, ParameterError; never another exception) or values the schema allows."""

import csv
import io
import json
import math
import re
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT
from herd.base import params
from herd.record import data

# Enough examples to meet every kind of bad cell several times; the ones that load a whole package each time run
# with the slow tests (about 20 s), the others in `make unit` (under a second each). deadline=None: a busy machine
# is not a failure; database=None: nothing is written into the working tree; derandomize=True: the same examples
# on every run, so that a run of the suite (CI's above all) is deterministic.
_SETTINGS = dict(deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
THOROUGH = settings(max_examples=150, **_SETTINGS)
QUICK = settings(max_examples=100, **_SETTINGS)

# ---------------------------------------------------------------------------------------------- data

# A small package with every kind of field and constraint the real one uses, so each example loads fast
SCHEMA = {
    "fields": [
        {"name": "key", "type": "string", "constraints": {"required": True, "pattern": "[a-z0-9][a-z0-9.-]*"}},
        {"name": "kind", "type": "string", "constraints": {"required": True, "enum": ["paper", "model-card"]}},
        {"name": "score", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "count", "type": "integer", "constraints": {"minimum": 1}},
        {"name": "open", "type": "boolean", "trueValues": ["true"], "falseValues": ["false"]},
        {"name": "released", "type": "date"},
        {"name": "url", "type": "string", "format": "uri", "constraints": {"pattern": 'https?://[^\\s"<>\\\\^`{|}]+'}},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": ["key"],
}
GOOD_ROW = ["gpt-4o", "paper", "88.7", "3", "true", "2024-07-23", "https://arxiv.org/abs/2407.21783", "a note"]

# Cells that are valid somewhere, nearly valid, or hostile: what a person or an attacker might type
TOKENS = [
    "",
    "0",
    "1",
    "-1",
    "-0",
    "100",
    "100.0000000000000001",
    "88.7",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "Infinity",
    " 5",
    "5 ",
    "1_000",
    "1,000",
    "0x10",
    "99999999999999999999",
    "true",
    "false",
    "TRUE",
    "True",
    "yes",
    "2024-02-30",
    "2024-7-3",
    "2024-07-23",
    "paper",
    "model-card",
    "Paper",
    "javascript:alert(1)",
    "https://example.org/a b",
    "https://example.org/?q=<script>",
    "http://x",
    "</script><script>alert(1)</script>",
    '"quoted, with comma"',
    "\ufeffkey",
    "a\u2028b",
]
cell = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12))


def _number(x: float) -> str:
    return repr(x) if x else "0"


# For each column, values the schema allows, edges included (0, 100, -0, exponents, a leading +)
VALID = [
    st.from_regex(r"[a-z0-9][a-z0-9.-]{0,8}", fullmatch=True),
    st.sampled_from(["paper", "model-card"]),
    st.one_of(
        st.just(""),
        st.floats(0, 100).map(_number),
        st.sampled_from(["0", "100", "-0", "1e2", "+5", "0.000", "99.99999999", "1E1"]),
    ),
    st.one_of(st.just(""), st.integers(1, 2**63 - 1).map(str), st.sampled_from(["+3", "007"])),
    st.sampled_from(["", "true", "false"]),
    st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat())),
    st.one_of(st.just(""), st.from_regex(r"https?://[a-z]{1,8}\.org(/[a-z0-9?=&%._-]{0,10})?", fullmatch=True)),
    st.text(max_size=12),
]


@st.composite
def tables(draw) -> list[list[str]]:
    """Up to four rows of allowed values, each row with one cell replaced by a hostile one half of the time."""
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = [draw(column) for column in VALID]
        if draw(st.booleans()):
            row[draw(st.integers(0, 7))] = draw(cell)
        rows.append(row)
    return rows


def _package(folder, rows: list[list[str]], header: list[str] | None = None, raw: bytes | None = None) -> None:
    folder.mkdir(exist_ok=True)
    descriptor = {"name": "property", "resources": [{"name": "things", "path": "things.csv", "schema": SCHEMA}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    if raw is not None:
        (folder / "things.csv").write_bytes(raw)
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header or [f["name"] for f in SCHEMA["fields"]])
    writer.writerows(rows)
    (folder / "things.csv").write_text(out.getvalue(), encoding="utf-8")


def _allowed(frame: pd.DataFrame) -> None:
    """Every loaded value is one the schema allows."""
    assert list(frame.columns) == [f["name"] for f in SCHEMA["fields"]] and len(frame) >= 1
    assert frame["key"].notna().all() and frame["key"].is_unique
    assert all(re.fullmatch(SCHEMA["fields"][0]["constraints"]["pattern"], k) for k in frame["key"])
    assert set(frame["kind"]) <= {"paper", "model-card"}
    scores = frame["score"].dropna()
    assert str(frame["score"].dtype) == "float64" and scores.map(math.isfinite).all()
    assert scores.between(0, 100).all()
    assert str(frame["count"].dtype) == "Int64" and (frame["count"].dropna() >= 1).all()
    assert str(frame["open"].dtype) == "boolean"
    assert frame["released"].dtype.kind == "M"
    assert all(re.fullmatch(r"https?://[^\s\"<>\\^`{|}]+", u) for u in frame["url"].dropna())


def _load_or_clear_error(folder):
    try:
        package = data.load(folder)
    except data.DataError as exc:
        assert "things.csv" in str(exc) or "datapackage.json" in str(exc)
        event(f"data error: {re.sub(r'.*: ', '', exc.message)[:30]}")
        return None
    event("loaded")
    (frame,) = package.tables.values()  # the one resource, under whatever valid name the descriptor gives it
    return frame


@pytest.mark.slow
@THOROUGH
@given(rows=tables())
def test_random_tables_load_as_the_schema_allows_or_stop_with_a_data_error(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("package")
    _package(folder, rows)
    frame = _load_or_clear_error(folder)
    if frame is not None:
        _allowed(frame)


@pytest.mark.slow
@THOROUGH
@given(column=st.integers(0, 7), value=cell)
def test_one_bad_cell_in_a_good_table_is_caught_where_it_is(tmp_path_factory, column, value):
    folder = tmp_path_factory.mktemp("package")
    row = list(GOOD_ROW)
    row[column] = value
    _package(folder, [GOOD_ROW[:1] + ["model-card"] + GOOD_ROW[2:], row] if column else [row])
    frame = _load_or_clear_error(folder)
    if frame is not None:
        _allowed(frame)


@QUICK
@given(raw=st.binary(max_size=200), header=st.booleans())
def test_random_bytes_never_give_a_traceback(tmp_path_factory, raw, header):
    folder = tmp_path_factory.mktemp("package")
    prefix = (",".join(f["name"] for f in SCHEMA["fields"]) + "\n").encode() if header else b""
    _package(folder, [], raw=prefix + raw)
    frame = _load_or_clear_error(folder)
    if frame is not None:
        _allowed(frame)


DESCRIPTOR_PARTS = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.floats(allow_nan=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


@QUICK
@given(
    where=st.sampled_from(["schema", "fields", "field", "constraints", "path", "primaryKey", "name", "type"]),
    value=DESCRIPTOR_PARTS,
)
def test_a_descriptor_of_any_shape_gives_a_data_error_not_a_traceback(tmp_path_factory, where, value):
    folder = tmp_path_factory.mktemp("package")
    _package(folder, [GOOD_ROW])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    resource = descriptor["resources"][0]
    if where in ("schema", "path", "name"):
        resource[where] = value
    elif where == "fields":
        resource["schema"]["fields"] = value
    elif where == "field":
        resource["schema"]["fields"][2] = value
    elif where == "constraints":
        resource["schema"]["fields"][2]["constraints"] = value
    elif where == "type":
        resource["schema"]["fields"][2]["type"] = value
    else:
        resource["schema"]["primaryKey"] = value
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    frame = _load_or_clear_error(folder)
    if frame is not None:
        assert len(frame) == 1


@pytest.mark.slow  # each example validates the whole package (about 2 s)
@settings(max_examples=12, **_SETTINGS)
@given(
    table=st.sampled_from(["models", "scores", "benchmarks", "facts", "sources"]),
    line=st.integers(2, 20),
    column=st.integers(0, 30),
    value=cell,
)
def test_one_random_cell_of_the_real_package(tmp_path_factory, table, line, column, value):
    folder = tmp_path_factory.mktemp("real") / "data"
    shutil.copytree(DATA, folder)
    rows = list(csv.reader((folder / f"{table}.csv").open(newline="", encoding="utf-8")))
    rows[line - 1][column % len(rows[0])] = value
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    try:
        package = data.load(folder)
    except data.DataError as exc:
        assert f"{table}.csv" in str(exc) or "datapackage.json" in str(exc)
        return
    for name, frame in package.tables.items():
        for field in package.resource(name)["schema"]["fields"]:
            values = frame[field["name"]]
            if field.get("constraints", {}).get("required"):
                assert values.notna().all()
            if field["type"] == "number":
                assert values.dropna().map(math.isfinite).all()


# ---------------------------------------------------------------------------------------------- parameters

CHAPTER_SCHEMA = params.load_schema(ROOT / "notebooks" / "parameters.yml")


def _defaults(chapter: str) -> dict:
    """The chapter's parameters with the schema's defaults (the book's values)."""
    return {name: spec["default"] for name, spec in CHAPTER_SCHEMA[chapter].items()}


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1e-300]),
    st.text(max_size=10),
    st.lists(st.one_of(st.integers(), st.text(max_size=6), st.floats(), st.none()), max_size=4),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.tuples(st.integers()),
)


def _satisfies(value, spec: dict) -> bool:
    kinds = params._kinds(spec)
    if isinstance(value, bool) and bool not in kinds:
        return False
    if not isinstance(value, kinds) and not (float in kinds and isinstance(value, int)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if "choices" in spec and not isinstance(value, list) and value not in spec["choices"]:  # a list has items
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in spec and value < spec["minimum"]:
            return False
        if "maximum" in spec and value > spec["maximum"]:
            return False
    if isinstance(value, list) and "items" in spec:
        return all(_satisfies(v, spec["items"]) for v in value)
    return True


@QUICK
@given(chapter=st.sampled_from(sorted(CHAPTER_SCHEMA)), data_=st.data(), value=VALUES)
def test_any_parameter_value_is_accepted_only_if_the_schema_allows_it(chapter, data_, value):
    name = data_.draw(st.sampled_from(sorted(CHAPTER_SCHEMA[chapter])))
    namespace = {**_defaults(chapter), name: value}
    try:
        params.check_chapter(namespace, chapter, CHAPTER_SCHEMA)
    except params.ParameterError as exc:
        assert f"'{name}" in str(exc)
        return
    assert _satisfies(value, CHAPTER_SCHEMA[chapter][name]), (chapter, name, value)
