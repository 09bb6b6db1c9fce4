"""The data package validates, holds Table 2 completely, and rejects bad input clearly."""

import csv
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from conftest import DATA, ROOT, edit_csv
from herd.record import data


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


def test_package_validates(package):
    assert set(package.tables) >= {"sources", "models", "benchmarks", "scores"}
    assert len(package.sha256) == 64


def test_table2_is_complete(package):
    t2 = package.scores.query("source == 'llama3-paper-v3' and table == 'Table 2'")
    assert t2["row_label"].nunique() == 16
    assert t2["model"].nunique() == 11
    assert len(t2) == 16 * 11
    assert t2["score"].isna().sum() == 23  # dashes in the printed table
    assert t2["page"].eq(3).all()
    assert set(t2["marker"].dropna()) == {"△", "◁", "♢"}


def test_known_cells(package):
    t2 = package.scores.query("table == 'Table 2'").set_index(["row_label", "model"])["score"]
    assert t2[("MMLU (0-shot, CoT)", "llama-3.1-405b-instruct")] == 88.6
    assert t2[("GPQA (0-shot, CoT)", "claude-3.5-sonnet")] == 59.4
    assert t2[("HumanEval (0-shot)", "llama-3.1-8b-instruct")] == 72.6
    assert pd.isna(t2[("InfiniteBench/En.MC", "claude-3.5-sonnet")])


def test_every_row_cites_a_known_source(package):
    keys = set(package.sources["key"])
    for name in ("models", "scores"):
        assert set(package.tables[name]["source"]) <= keys
    assert set(package.benchmarks["size_source"]) <= keys


def test_every_benchmark_in_table2_has_a_size_or_a_reason(package):
    b = package.benchmarks.set_index("key")
    used = set(package.scores["benchmark"])
    for key in used:
        assert pd.notna(b.loc[key, "test_set_size"]) or pd.notna(b.loc[key, "size_note"])


def test_known_cells_elsewhere(package):
    s = package.scores.set_index(["table", "row_label", "model"])
    assert (
        s.loc[("Table 21", "ZeroSCROLLS/QuALITY", "gpt-4o"), "ci95"] == 12.5
    )  # printed so, beside 12.6 for the same score
    assert s.loc[("Table 12", "GSM8K", "gemini-1.0-ultra"), "marker"] == "♢"
    assert s.loc[("Table 17", "GRE Quant.", "llama-3.1-405b-instruct"), "scale"] == "gre-scaled"
    assert s.loc[("Base pretrained models", "Winogrande", "llama-3.1-405b"), "score"] == 86.7


def test_types(package):
    assert str(package.scores["score"].dtype) == "float64"
    assert str(package.models["open_weights"].dtype) == "boolean"
    assert str(package.benchmarks["test_set_size"].dtype) == "Int64"
    assert package.models["release_date"].dtype.kind == "M"


def _error(data_copy) -> data.DataError:
    with pytest.raises(data.DataError) as info:
        data.load(data_copy)
    return info.value


def test_unknown_model_key(data_copy):
    edit_csv(data_copy / "scores.csv", 5, "model", "llama-9-1t")
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 5 and err.column == "model"
    assert "llama-9-1t" in str(err)


def test_score_outside_0_100(data_copy):
    edit_csv(data_copy / "scores.csv", 7, "score", "108.2")
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 7 and err.column == "score"
    assert "108.2" in str(err)


def test_duplicate_primary_key(data_copy):
    lines = (data_copy / "models.csv").read_text().splitlines()
    (data_copy / "models.csv").write_text("\n".join([*lines, lines[1]]) + "\n")
    err = _error(data_copy)
    assert err.file.endswith("models.csv") and err.line == len(lines) + 1
    assert "duplicate primary key: (key) = ('llama-3.1-8b-instruct') is already on line 2" in str(err)


def test_duplicate_composite_key_names_its_columns_values_and_both_lines(data_copy):
    lines = (data_copy / "scores.csv").read_text().splitlines()
    (data_copy / "scores.csv").write_text(
        "\n".join([*lines[:6], lines[3], *lines[6:]]) + "\n"
    )  # line 4 again as line 7
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 7
    assert (
        "(source, table, row_label, model) = ('llama3-paper-v3', 'Table 2', 'MMLU (5-shot)', 'mistral-7b-instruct') "
        "is already on line 4"
    ) in str(err)
    assert "position" not in str(err) and "data row" not in str(err)  # one numbering: the file's lines


def test_empty_source(data_copy):
    edit_csv(data_copy / "scores.csv", 9, "source", "")
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 9 and err.column == "source"


def test_wrong_type(data_copy):
    edit_csv(data_copy / "benchmarks.csv", 3, "test_set_size", "about 500")
    err = _error(data_copy)
    assert err.file.endswith("benchmarks.csv") and err.line == 3 and err.column == "test_set_size"
    assert "'about 500' is not a whole number such as 1319" in str(err)


def test_percent_sign_in_a_number_column_says_what_the_column_accepts(data_copy):
    edit_csv(data_copy / "scores.csv", 5, "score", "88.4%")
    err = _error(data_copy)
    assert (err.line, err.column) == (5, "score")
    assert "'88.4%' is not a number such as 88.4" in str(err) and "no %" in str(err)
    assert "number/default" not in str(err)


def test_value_outside_an_enum_lists_what_is_allowed(data_copy):
    edit_csv(data_copy / "scores.csv", 3, "scale", "percentage")
    err = _error(data_copy)
    assert (err.line, err.column) == (3, "scale")
    assert "'percentage' is not allowed; this column accepts: percent, gre-scaled" in str(err)


# ---- bad input that once crashed or was located wrongly (issue: hostile test)


def test_non_utf8_byte_is_a_validation_error_with_file_and_line(data_copy):
    raw = (data_copy / "scores.csv").read_bytes().split(b"\n")
    raw[6] = raw[6].replace(b"Table 2", b"Table \xe92")  # Latin-1 'é' on line 7
    (data_copy / "scores.csv").write_bytes(b"\n".join(raw))
    err = _error(data_copy)
    assert err.file.endswith("scores.csv") and err.line == 7
    assert "not UTF-8: byte 0xe9" in str(err) and "character 23" in str(err)


@pytest.mark.parametrize("where", ["middle", "last line"])
def test_unterminated_quote_is_a_validation_error_with_file_and_line(data_copy, where):
    lines = (data_copy / "models.csv").read_text().splitlines()
    at = 5 if where == "middle" else len(lines)
    cells = lines[at - 1].split(",")
    cells[1] = '"' + cells[1]  # an opening quote with no closing one
    lines[at - 1] = ",".join(cells)
    (data_copy / "models.csv").write_text("\n".join(lines) + "\n")
    err = _error(data_copy)
    assert err.file.endswith("models.csv") and err.line == at
    assert "quote" in str(err)


def test_unknown_field_type_in_the_descriptor(data_copy):
    text = (data_copy / "datapackage.json").read_text()
    at = text.index('"type": "number"')
    (data_copy / "datapackage.json").write_text(text[:at] + '"type": "numbr"' + text[at + len('"type": "number"') :])
    err = _error(data_copy)
    assert err.file.endswith("datapackage.json") and err.line == text[:at].count("\n") + 1
    assert "unknown type 'numbr' (did you mean 'number'?)" in str(err)


def test_json_syntax_error_is_reported_on_its_line_and_not_as_a_data_row(data_copy):
    lines = (data_copy / "datapackage.json").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith('"title"'))
    lines[at] = lines[at].rstrip(",")  # line at+1 (1-based) loses its comma
    (data_copy / "datapackage.json").write_text("\n".join(lines) + "\n")
    err = _error(data_copy)
    assert err.file.endswith("datapackage.json") and err.line == at + 1
    assert "not valid JSON: ',' missing" in str(err) and "row" not in str(err)


def test_json_error_without_a_missing_comma_is_on_the_parser_line(data_copy):
    lines = (data_copy / "datapackage.json").read_text().splitlines()
    lines[5] = lines[5] + " }"
    (data_copy / "datapackage.json").write_text("\n".join(lines) + "\n")
    err = _error(data_copy)
    assert err.line == 6 and "not valid JSON" in str(err)


def _columns(folder) -> int:
    """Columns of benchmarks.csv as committed (before a test adds one)."""
    return len((DATA / "benchmarks.csv").read_text().splitlines()[0].split(","))


def test_extra_csv_column_is_named(data_copy):
    lines = (data_copy / "benchmarks.csv").read_text().splitlines()
    lines = [lines[0] + ",reviewer", *(line + ",x" for line in lines[1:])]
    (data_copy / "benchmarks.csv").write_text("\n".join(lines) + "\n")
    err = _error(data_copy)
    assert err.file.endswith("benchmarks.csv") and err.line == 1 and err.column == "reviewer"
    assert f"column {_columns(data_copy) + 1} 'reviewer' is not in the schema" in str(err)
    assert "column ''" not in str(err)


def test_extra_unnamed_csv_column_is_described(data_copy):
    lines = (data_copy / "benchmarks.csv").read_text().splitlines()
    (data_copy / "benchmarks.csv").write_text("\n".join([lines[0] + ",", *lines[1:]]) + "\n")
    err = _error(data_copy)
    assert err.line == 1 and err.column is None
    assert f"column {_columns(data_copy) + 1} with no name (a trailing comma?)" in str(err) and "column ''" not in str(
        err
    )


def test_extra_value_in_a_row(data_copy):
    lines = (data_copy / "benchmarks.csv").read_text().splitlines()
    lines[3] += ",stray"
    (data_copy / "benchmarks.csv").write_text("\n".join(lines) + "\n")
    err = _error(data_copy)
    assert err.line == 4 and f"'stray' in column {_columns(data_copy) + 1}" in str(err)


@pytest.mark.slow  # a fresh interpreter importing Frictionless: about 2 s of processor time
@pytest.mark.parametrize("breakage", ["non-utf8", "unterminated quote", "numbr", "json syntax", "extra column"])
def test_command_line_never_shows_a_traceback(data_copy, breakage):
    if breakage == "non-utf8":
        (data_copy / "facts.csv").write_bytes((data_copy / "facts.csv").read_bytes() + b"x,\xff\n")
    elif breakage == "unterminated quote":
        (data_copy / "facts.csv").write_text((data_copy / "facts.csv").read_text() + '"open,1\n')
    elif breakage == "numbr":
        text = (data_copy / "datapackage.json").read_text()
        (data_copy / "datapackage.json").write_text(text.replace('"type": "number"', '"type": "numbr"', 1))
    elif breakage == "json syntax":
        (data_copy / "datapackage.json").write_text((data_copy / "datapackage.json").read_text().replace(",", "", 1))
    else:
        text = (data_copy / "models.csv").read_text().splitlines()
        (data_copy / "models.csv").write_text("\n".join([text[0] + ",x", *text[1:]]) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "herd.data"],
        capture_output=True,
        text=True,
        env={"HERD_DATA": str(data_copy), "PATH": ""},
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("data: ") and ", line " in proc.stderr


def test_blank_score_needs_a_reason(data_copy):
    edit_csv(data_copy / "scores.csv", 2, "score", "")
    err = _error(data_copy)
    assert err.line == 2 and err.column == "footnote"


@pytest.mark.slow  # a fresh interpreter importing Frictionless: about 2 s of processor time
def test_command_line_reports_and_fails(data_copy):
    edit_csv(data_copy / "scores.csv", 4, "score", "-3")
    proc = subprocess.run(
        [sys.executable, "-m", "herd.data"],
        capture_output=True,
        text=True,
        env={"HERD_DATA": str(data_copy), "PATH": ""},
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "scores.csv, line 4" in proc.stderr and "column 'score'" in proc.stderr
    assert "'-3' is below the minimum 0" in proc.stderr and "constraint constraint" not in proc.stderr


def test_checksum_changes_with_content(data_copy):
    before = data.checksum(data_copy)
    edit_csv(data_copy / "scores.csv", 2, "score", "69.5")
    assert data.checksum(data_copy) != before


# ---- hostile input, second round (issue 26)


def _descriptor(data_copy) -> dict:
    return json.loads((data_copy / "datapackage.json").read_text())


def _write_descriptor(data_copy, descriptor: dict) -> None:
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "//evil.example/x"])
def test_only_web_addresses_are_allowed_as_source_urls(data_copy, url):
    edit_csv(data_copy / "sources.csv", 3, "url", url)
    err = _error(data_copy)
    assert err.file.endswith("sources.csv") and (err.line, err.column) == (3, "url")
    assert f"{url!r} is not a web address: it must start with http:// or https://" in str(err)


def test_the_loader_refuses_a_script_address_even_without_the_descriptors_pattern(data_copy):
    descriptor = _descriptor(data_copy)
    field = next(f for f in _resource(descriptor, "sources")["schema"]["fields"] if f["name"] == "url")
    field["constraints"].pop("pattern")  # an older descriptor: the loader still refuses a script address
    _write_descriptor(data_copy, descriptor)
    edit_csv(data_copy / "sources.csv", 4, "url", "javascript:alert(1)")
    err = _error(data_copy)
    assert err.file.endswith("sources.csv") and (err.line, err.column) == (4, "url")
    assert "not a web address" in str(err)


@pytest.mark.parametrize(
    "path, says",
    [
        ("../../outside/x.csv", "leads outside the data package's folder"),
        ("/etc/passwd", "leads outside the data package's folder"),
        ("transcriptions/../../x.csv", "leads outside the data package's folder"),
        ("transcriptions", "is a folder, not a table file"),
    ],
)
def test_a_resource_path_must_name_a_file_inside_the_data_folder(data_copy, path, says):
    outside = data_copy.parent / "outside"
    outside.mkdir()
    shutil.copy(data_copy / "models.csv", outside / "x.csv")  # a valid table, so only the path is wrong
    descriptor = _descriptor(data_copy)
    _resource(descriptor, "models")["path"] = path
    _write_descriptor(data_copy, descriptor)
    err = _error(data_copy)
    assert err.file.endswith("datapackage.json") and err.line is not None
    assert f"resource 'models', field 'path': {path!r} {says}" in str(err)
    with pytest.raises(data.DataError, match="resource 'models'"):
        data.checksum(data_copy)  # nothing reads the file either


def test_a_link_out_of_the_data_folder_is_refused(data_copy, tmp_path):
    (tmp_path / "secret.csv").write_text((data_copy / "models.csv").read_text())
    (data_copy / "models.csv").unlink()
    (data_copy / "models.csv").symlink_to(tmp_path / "secret.csv")
    err = _error(data_copy)
    assert "resource 'models', field 'path': 'models.csv' leads outside" in str(err)


@pytest.mark.parametrize(
    "breakage, says",
    [
        ("schema as a string", "resource 'models': 'schema' must be an object with a 'fields' list"),
        ("fields as strings", "resource 'models': each field must be an object with a name and a type, not 'key'"),
        ("constraints as a list", "resource 'models', field 'key': 'constraints' must be an object"),
        ("enum as a string", "resource 'models', field 'family': constraint 'enum' = 'Llama 3.1' is not a non-empty"),
        (
            "minimum as text",
            "resource 'models', field 'parameters_billion': constraint 'minimum' = '0' is not a number",
        ),
        ("pattern not a regex", "resource 'models', field 'key': the pattern '[a-z' is not a valid regex"),
        ("resource as a string", "resource 2: every resource needs a 'name' and a 'path'"),
        ("primaryKey a number", "resource 'models': primaryKey must be a field name or a list of them"),
        ("foreign key to nowhere", "resource 'models': a foreign key names resource 'nowhere'"),
        ("trueValues as text", "resource 'models', field 'open_weights': 'trueValues' must be a list of texts"),
    ],
)
def test_a_malformed_descriptor_is_a_clear_error(data_copy, breakage, says):
    descriptor = _descriptor(data_copy)
    models = _resource(descriptor, "models")
    fields = {f["name"]: f for f in models["schema"]["fields"]}
    if breakage == "schema as a string":
        models["schema"] = "models.schema.json"
    elif breakage == "fields as strings":
        models["schema"]["fields"] = list(fields)
    elif breakage == "constraints as a list":
        fields["key"]["constraints"] = ["required"]
    elif breakage == "enum as a string":
        fields["family"]["constraints"]["enum"] = "Llama 3.1"
    elif breakage == "minimum as text":
        fields["parameters_billion"]["constraints"]["minimum"] = "0"
    elif breakage == "pattern not a regex":
        fields["key"]["constraints"]["pattern"] = "[a-z"
    elif breakage == "resource as a string":
        descriptor["resources"][1] = "models.csv"
    elif breakage == "primaryKey a number":
        models["schema"]["primaryKey"] = 1
    elif breakage == "foreign key to nowhere":
        models["schema"]["foreignKeys"][0]["reference"]["resource"] = "nowhere"
    else:
        fields["open_weights"]["trueValues"] = "true"
    _write_descriptor(data_copy, descriptor)
    err = _error(data_copy)
    assert err.file.endswith("datapackage.json")
    assert says in str(err)


@pytest.mark.parametrize(
    "column, value, says",
    [
        ("open_weights", "1", "'1' is not true or false"),
        ("open_weights", "yes", "'yes' is not true or false"),
        ("parameters_billion", "1e400", "'1e400' is too large to hold as a number"),
        ("parameters_billion", "1e-400", "'1e-400' is too small to hold as a number"),
        ("parameters_billion", "NaN", "'NaN' is not a number such as 88.4"),
        ("parameters_billion", "inf", "'inf' is not a number such as 88.4"),
        ("parameters_billion", " 8", "' 8' is not a number such as 88.4"),
        ("parameters_billion", "1_000", "'1_000' is not a number such as 88.4"),
        ("parameters_billion", "-1", "'-1' is below the minimum 0"),
    ],
)
def test_values_that_would_load_as_something_else_are_errors(data_copy, column, value, says):
    edit_csv(data_copy / "models.csv", 4, column, value)
    err = _error(data_copy)
    assert err.file.endswith("models.csv") and (err.line, err.column) == (4, column)
    assert says in str(err)
    assert "constraint constraint" not in str(err)


def test_a_huge_integer_is_an_error_not_an_overflow(data_copy):
    edit_csv(data_copy / "benchmarks.csv", 3, "test_set_size", "99999999999999999999")
    err = _error(data_copy)
    assert err.file.endswith("benchmarks.csv") and (err.line, err.column) == (3, "test_set_size")
    assert "too large for a whole number of 64 bits" in str(err)


def test_a_table_with_only_its_header_is_an_error(data_copy):
    header = (data_copy / "interruptions.csv").read_text().splitlines()[0]
    (data_copy / "interruptions.csv").write_text(header + "\n")
    err = _error(data_copy)
    assert err.file.endswith("interruptions.csv") and err.line == 2
    assert "the table has a header and no rows" in str(err)


def test_the_strict_reader_refuses_what_validation_would_let_through(data_copy):
    """The loader's own checks, without Frictionless: a cell loads as exactly what its field allows, or is an
    error; never as a blank or an infinity."""
    from herd.record import tabular

    models = _resource(_descriptor(data_copy), "models")
    weights = next(f for f in models["schema"]["fields"] if f["name"] == "open_weights")
    edit_csv(data_copy / "models.csv", 6, "open_weights", "1")
    del weights["trueValues"], weights["falseValues"]  # Frictionless's default true values include "1"
    assert tabular.read_table(data_copy, models)["open_weights"].iloc[4] == True  # noqa: E712 (a pandas boolean)
    weights["trueValues"], weights["falseValues"] = ["true"], ["false"]
    with pytest.raises(data.DataError, match=r"line 6, column 'open_weights': '1' is not true or false"):
        tabular.read_table(data_copy, models)
    edit_csv(data_copy / "models.csv", 6, "open_weights", "true")
    edit_csv(data_copy / "models.csv", 6, "parameters_billion", "1e999")
    with pytest.raises(data.DataError, match=r"line 6, column 'parameters_billion': '1e999' is too large"):
        tabular.read_table(data_copy, models)


def test_a_descriptor_that_drops_a_column_the_rules_read_is_a_clear_error(data_copy):
    descriptor = _descriptor(data_copy)
    scores = _resource(descriptor, "scores")
    scores["schema"]["fields"] = [f for f in scores["schema"]["fields"] if f["name"] != "marker"]
    _write_descriptor(data_copy, descriptor)
    rows = list(csv.reader((data_copy / "scores.csv").open(newline="")))
    at = rows[0].index("marker")
    with (data_copy / "scores.csv").open("w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([r[:at] + r[at + 1 :] for r in rows])
    err = _error(data_copy)
    assert err.file.endswith("datapackage.json")
    assert "resource 'scores' lacks the field 'marker', which the book reads" in str(err)


def test_a_package_that_passed_is_validated_once_and_a_changed_one_again(data_copy, monkeypatch):
    calls = []

    def validate(path, descriptor=None):  # the real one is tested above; this one counts and refuses "eighty"
        calls.append(1)
        if "eighty" in (path / "scores.csv").read_text():
            raise data.DataError("scores.csv", "not a number", line=7, column="score")

    monkeypatch.setattr(data, "validate", validate)
    data.load(data_copy)
    data._load_cached.cache_clear()  # as a new process would: only the memo is left
    data.load(data_copy)
    assert len(calls) == 1  # the same bytes passed once: not validated again
    edit_csv(data_copy / "scores.csv", 7, "score", "eighty")
    err = _error(data_copy)  # changed bytes are validated again, and the error is found
    assert len(calls) == 2 and err.line == 7 and err.column == "score"
    with pytest.raises(data.DataError):
        data.load(data_copy)  # a package that failed is never remembered
    assert len(calls) == 3
