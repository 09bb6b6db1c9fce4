"""The data package: load every table through validation, or stop with a clear error.

``load()`` validates ``data/datapackage.json`` with Frictionless (Table Schema types,
constraints, enums, primary and foreign keys) and a few cross-column rules the
schema language cannot state, then returns typed pandas tables.  Any problem is
raised as :class:`DataError` naming the file, the line and the column.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

PACKAGE_FILE = "datapackage.json"
SCALES = {"percent": (0.0, 100.0), "gre-scaled": (130.0, 170.0)}


class DataError(ValueError):
    """A problem in a data file, located precisely enough to fix it.

    ``line`` is always the line of the file as an editor shows it (a CSV's header is line 1),
    so two lines named in one message are in the same numbering."""

    def __init__(self, file: str, message: str, line: int | None = None, column: str | None = None):
        self.file, self.line, self.column, self.message = file, line, column, message
        where = [file]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(", ".join(where) + f": {message}")


def data_dir() -> Path:
    """The data package folder: ``$HERD_DATA`` or ``data/`` beside the source tree."""
    env = os.environ.get("HERD_DATA")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *Path.cwd().parents, *here.parents]:
        if (parent / "data" / PACKAGE_FILE).exists():
            return parent / "data"
    raise FileNotFoundError("no data/datapackage.json found; set HERD_DATA to the data package folder")


@dataclass(frozen=True)
class DataPackage:
    """The validated tables, typed, plus the checksum of the files they came from."""

    path: Path
    sha256: str
    tables: dict[str, pd.DataFrame]
    descriptor: dict

    def fact(self, key: str) -> float:
        """The numeric value of one row of facts.csv."""
        return fact(self.tables["facts"], key)

    def resource(self, name: str) -> dict:
        """The descriptor of one table: title, description, path and schema."""
        for r in self.descriptor["resources"]:
            if r["name"] == name:
                return r
        raise KeyError(name)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = object.__getattribute__(self, "tables")
        if name in tables:
            # a shallow copy: with pandas' copy-on-write a caller's edits never reach the cached
            # table, and no data is copied until someone writes
            return tables[name].copy(deep=False)
        raise AttributeError(name)

    def __dir__(self):
        return [*super().__dir__(), *self.tables]


def fact(facts: pd.DataFrame, key: str) -> float:
    """The numeric value of the facts.csv row ``key``; a missing key is named in the error."""
    hit = facts.loc[facts["key"] == key, "value"]
    if hit.empty:
        raise KeyError(f"facts.csv has no row {key!r}")
    return float(hit.iloc[0])


def checksum(path: Path | None = None) -> str:
    """sha256 over the descriptor and every resource file, in a stable order."""
    path = Path(path) if path else data_dir()
    descriptor = json.loads((path / PACKAGE_FILE).read_text())
    digest = hashlib.sha256()
    for name in [PACKAGE_FILE, *sorted(r["path"] for r in descriptor["resources"])]:
        digest.update(name.encode() + b"\0")
        digest.update((path / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def load(path: str | Path | None = None) -> DataPackage:
    """Validate the data package and return its tables (cached by content)."""
    path = Path(path).resolve() if path else data_dir()
    descriptor = _read_descriptor(path)
    for resource in descriptor["resources"]:
        file = path / resource["path"]
        if not file.exists():
            raise DataError(_rel(file), "missing (listed in datapackage.json)")
    return _load_cached(path, checksum(path))  # validation (first use of these bytes) scans each file


@lru_cache(maxsize=8)
def _load_cached(path: Path, sha: str) -> DataPackage:
    descriptor = _read_descriptor(path)
    validate(path, descriptor)
    tables = {r["name"]: _read_table(path, r) for r in descriptor["resources"]}
    _check_rules(path, tables)
    return DataPackage(path=path, sha256=sha, tables=tables, descriptor=descriptor)


def _read_descriptor(path: Path) -> dict:
    """``datapackage.json``, parsed and checked for what Frictionless would otherwise crash on."""
    file = path / PACKAGE_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(_rel(file), "missing") from None
    except UnicodeDecodeError as exc:
        raise DataError(_rel(file), _not_utf8(exc), line=file.read_bytes()[: exc.start].count(b"\n") + 1) from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _json_error(_rel(file), text, exc) from None
    _check_descriptor(_rel(file), text, descriptor)
    return descriptor


def _json_error(file: str, text: str, exc: json.JSONDecodeError) -> DataError:
    """A JSON syntax error at the line to fix: a missing comma or colon belongs after the
    previous value, which usually ends on an earlier line than the token the parser stopped at."""
    if exc.msg in ("Expecting ',' delimiter", "Expecting ':' delimiter"):
        before = text[: exc.pos].rstrip()
        line = before.count("\n") + 1
        sign = exc.msg.split("'")[1]
        return DataError(
            file,
            f"not valid JSON: '{sign}' missing after the value that ends this line "
            f"(the parser stopped at line {exc.lineno}, character {exc.colno})",
            line=line,
        )
    return DataError(file, f"not valid JSON: {exc.msg} (character {exc.colno})", line=exc.lineno)


# Table Schema field types (https://specs.frictionlessdata.io/table-schema/#types-and-formats)
FIELD_TYPES = (
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
)


def _check_descriptor(file: str, text: str, descriptor: dict) -> None:
    """The parts of the descriptor the loader relies on: resources with a path and a schema whose
    fields have a name and a known type, and keys that name existing fields."""
    import difflib
    import re

    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataError(file, "expected an object with a non-empty 'resources' list", line=1)
    for r in resources:
        name = r.get("name") if isinstance(r, dict) else None
        if not name or not isinstance(r.get("path"), str):
            raise DataError(file, "every resource needs a 'name' and a 'path'", line=_json_line(text, name))
        fields = (r.get("schema") or {}).get("fields")
        if not isinstance(fields, list) or not fields:
            raise DataError(file, f"resource '{name}' has no schema fields", line=_json_line(text, name))
        names = []
        for f in fields:
            fname, ftype = f.get("name"), f.get("type", "string")
            if not fname:
                raise DataError(file, f"resource '{name}': a field without a name", line=_json_line(text, name))
            if ftype not in FIELD_TYPES:
                near = difflib.get_close_matches(str(ftype), FIELD_TYPES, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise DataError(
                    file,
                    f"resource '{name}', field '{fname}': unknown type {ftype!r}{hint}; "
                    f"Table Schema types are {', '.join(FIELD_TYPES)}",
                    line=_json_line(text, name, fname, '"type"\\s*:\\s*' + re.escape(json.dumps(ftype))),
                )
            names.append(fname)
        pk = r["schema"].get("primaryKey") or []
        for key in [pk] if isinstance(pk, str) else pk:
            if key not in names:
                raise DataError(
                    file,
                    f"resource '{name}': primaryKey names '{key}', which is not one of its fields",
                    line=_json_line(text, name, None, '"primaryKey"'),
                )


def _json_line(text: str, resource: str | None, field: str | None = None, pattern: str | None = None) -> int | None:
    """The line of ``pattern`` inside field ``field`` of resource ``resource`` in the descriptor
    text (each located after the previous one); the last one found if a later one is not."""
    import re

    line, pos = None, 0
    steps = [f'"name"\\s*:\\s*"{re.escape(x)}"' for x in (resource, field) if x] + ([pattern] if pattern else [])
    for step in steps:
        hit = re.compile(step).search(text, pos)
        if not hit:
            break
        pos = hit.start()
        line = text.count("\n", 0, pos) + 1
    return line


def _not_utf8(exc: UnicodeDecodeError, where: str = "") -> str:
    return f"not UTF-8: byte 0x{exc.object[exc.start]:02x}{where} cannot be decoded (save the file as UTF-8)"


def scan_csv(file: Path) -> int:
    """Check a table file before any parser reads it: present, UTF-8, every record on one line
    (an unterminated quote swallows the lines after it) and CSV quoting that closes. Returns the
    number of lines. Errors name the file and the line to fix."""
    import csv
    import io

    if not file.exists():
        raise DataError(_rel(file), "missing (listed in datapackage.json)")
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        char = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise DataError(
            _rel(file), _not_utf8(exc, f" at character {char}"), line=raw[: exc.start].count(b"\n") + 1
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for _ in reader:
            if reader.line_num > start:
                raise DataError(
                    _rel(file),
                    f"a quoted value opened on this line runs on to line {reader.line_num} "
                    "(an unterminated quote? values may not span lines)",
                    line=start,
                )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            _rel(file),
            f"malformed CSV: a quoted value opened on this line is never closed properly ({exc})",
            line=start,
        ) from None
    return start - 1


def validate(path: Path, descriptor: dict | None = None) -> None:
    """Frictionless validation of every resource; the first error becomes a DataError."""
    from frictionless import FrictionlessException, Package, system

    descriptor = descriptor or _read_descriptor(path)
    for resource in descriptor["resources"]:
        scan_csv(path / resource["path"])
    try:
        with system.use_context(trusted=True):
            package = Package(str(path / PACKAGE_FILE))
            report = package.validate()
    except FrictionlessException as exc:
        raise DataError(_rel(path / PACKAGE_FILE), f"not a valid data package: {exc.error.message}") from None
    if report.valid:
        return
    by_path = {r["path"]: r for r in descriptor["resources"]}
    for task in report.tasks:
        for error in task.errors:
            file = _rel(path / task.place) if task.place else _rel(path / PACKAGE_FILE)
            raise _located(file, by_path.get(task.place), error)
    raise DataError(_rel(path / PACKAGE_FILE), "invalid: " + "; ".join(e.message for e in report.errors))


# What each Table Schema type accepts, said to the person typing the value.
ACCEPTS = {
    "number": (
        "a number such as 88.4 or -3 (digits, an optional decimal point and sign; no %, units or thousands separators)"
    ),
    "integer": "a whole number such as 1319 (no decimals, units or thousands separators)",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD, such as 2024-07-23",
    "year": "a year such as 2024",
    "datetime": "a date and time such as 2024-07-23T12:00:00Z",
    "string": "text",
}


def _located(file: str, resource: dict | None, error) -> DataError:
    """One Frictionless error as a DataError: file, line (the file's own numbering), column, and what to do."""
    import re

    line = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or None
    note = getattr(error, "note", "") or ""
    cell = getattr(error, "cell", None)
    fields = {f["name"]: f for f in (resource or {}).get("schema", {}).get("fields", [])}
    field = fields.get(column or "", {})
    kind = error.type
    if kind == "primary-key":
        pk = resource["schema"]["primaryKey"] if resource else []
        pk = [pk] if isinstance(pk, str) else list(pk)
        names = list(fields)
        cells = list(getattr(error, "cells", None) or [])
        values = ", ".join(repr(cells[names.index(k)]) if names.index(k) < len(cells) else "''" for k in pk)
        other = re.search(r"position \"?(\d+)", note)
        first = f"line {other.group(1)}" if other else "an earlier line"
        return DataError(file, f"duplicate primary key: ({', '.join(pk)}) = ({values}) is already on {first}", line)
    if kind == "foreign-key":
        names = list(getattr(error, "field_names", None) or [])
        for fk in (resource or {}).get("schema", {}).get("foreignKeys", []):
            if list(fk["fields"]) == names or fk["fields"] == (names[0] if len(names) == 1 else None):
                target = fk["reference"]["resource"] or (resource or {}).get("name", "")
                ref_fields = fk["reference"]["fields"]
                keys = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields)
                cell_values = [repr(c) for c in (getattr(error, "cells", None) or [])]
                fields_list = list(fields)
                shown = ", ".join(
                    cell_values[fields_list.index(n)] for n in names if fields_list.index(n) < len(cell_values)
                )
                return DataError(
                    file,
                    f"unknown key: ({', '.join(names)}) = ({shown}) is not a value of "
                    f"{target}.csv column {', '.join(keys)}",
                    line,
                    ", ".join(names) or column,
                )
        return DataError(file, f"unknown key: {note}", line, ", ".join(names) or column)
    if kind == "type-error":
        accepts = ACCEPTS.get(field.get("type", ""), f"a {field.get('type')}")
        return DataError(file, f"{cell!r} is not {accepts}: this column holds {field.get('type')} values", line, column)
    if kind == "constraint-error":
        constraints = field.get("constraints", {})
        if cell in ("", None) and constraints.get("required"):
            return DataError(file, "a value is required here", line, column)
        if "enum" in constraints:
            return DataError(
                file,
                f"{cell!r} is not allowed; this column accepts: {', '.join(map(str, constraints['enum']))}",
                line,
                column,
            )
        if "pattern" in constraints:
            return DataError(file, f"{cell!r} does not match the pattern {constraints['pattern']}", line, column)
        limits = {k: v for k, v in constraints.items() if k in ("minimum", "maximum", "minLength", "maxLength")}
        return DataError(file, f"{cell!r} breaks the constraint {note or limits}", line, column)
    if kind == "extra-label":
        number = getattr(error, "field_number", None)
        label = getattr(error, "label", "") or ""
        named = f"'{label}'" if label.strip() else "with no name (a trailing comma?)"
        return DataError(
            file,
            f"the header's column {number} {named} is not in the schema, which has {len(fields)} columns: "
            f"{', '.join(fields)}",
            1,
            label.strip() or None,
        )
    if kind == "extra-cell":
        number = getattr(error, "field_number", None)
        return DataError(
            file,
            f"this row has a value {cell!r} in column {number}, past the header's {len(fields)} columns "
            "(an unquoted comma?)",
            line,
        )
    if kind == "missing-label":
        return DataError(file, f"the header lacks column '{column}' (schema columns: {', '.join(fields)})", 1, column)
    if kind == "missing-cell":
        return DataError(file, f"this row ends before column '{column}' (fewer values than the header)", line, column)
    if kind in ("incorrect-label", "duplicate-label", "blank-label"):
        label = getattr(error, "label", "")
        return DataError(
            file,
            f"header column {getattr(error, 'field_number', '?')} is {label!r}, "
            f"but the schema expects the columns {', '.join(fields)} in that order",
            1,
            column,
        )
    if kind == "blank-row":
        return DataError(file, "a blank line (remove it)", line)
    message = (
        error.title.lower() + (f": value {cell!r}" if cell not in (None, "") else "") + (f" ({note})" if note else "")
    )
    return DataError(file, message, line, column)


def _rel(file: Path) -> str:
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}


def _read_table(path: Path, resource: dict) -> pd.DataFrame:
    fields = resource["schema"]["fields"]
    dtypes = {f["name"]: _PANDAS_TYPES.get(f["type"], "string") for f in fields}
    try:
        frame = pd.read_csv(
            path / resource["path"],
            dtype={k: v for k, v in dtypes.items() if v not in ("boolean",)},
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8",
        )
    except (ValueError, UnicodeDecodeError) as exc:  # validation should have caught it; never a bare traceback
        raise DataError(_rel(path / resource["path"]), f"cannot be read as a table: {exc}") from None
    for f in fields:
        name = f["name"]
        if f["type"] == "boolean":
            frame[name] = frame[name].map({"true": True, "false": False, True: True, False: False}).astype("boolean")
        elif f["type"] == "date":
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d")
    return frame


def _check_rules(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Rules that span columns, which Table Schema cannot express."""
    scores = tables.get("scores")
    if scores is not None:
        file = _rel(path / "scores.csv")
        for i, row in scores.iterrows():
            line = int(i) + 2
            if pd.isna(row["score"]) and pd.isna(row["footnote"]):
                raise DataError(
                    file, "a blank score needs a footnote saying why (e.g. dash in the source)", line, "footnote"
                )
            if pd.isna(row["score"]) and not pd.isna(row["ci95"]):
                raise DataError(file, "a CI without a score", line, "ci95")
            if not pd.isna(row["marker"]) and pd.isna(row["footnote"]):
                raise DataError(file, f"marker {row['marker']!r} has no footnote text", line, "footnote")
            low, high = SCALES[row["scale"]]
            if not pd.isna(row["score"]) and not low <= row["score"] <= high:
                raise DataError(
                    file,
                    f"score {row['score']:g} is outside {low:g}–{high:g} for scale '{row['scale']}'",
                    line,
                    "score",
                )
    claims = tables.get("claims")
    if claims is not None and scores is not None:
        file = _rel(path / "claims.csv")
        labels = set(scores["row_label"])
        for i, row in claims.iterrows():
            if not pd.isna(row["benchmark_row"]) and row["benchmark_row"] not in labels:
                raise DataError(
                    file,
                    f"benchmark_row {row['benchmark_row']!r} is not a row label in scores.csv",
                    int(i) + 2,
                    "benchmark_row",
                )
            refers_to = "facts" if row["kind"] == "fact" else "models"
            known = set(tables[refers_to]["key"]) if refers_to in tables else set()
            for other in [] if pd.isna(row["other"]) else str(row["other"]).split(";"):
                if other not in known:
                    raise DataError(file, f"unknown {refers_to[:-1]} key {other!r} in 'other'", int(i) + 2, "other")
            if (
                not pd.isna(row["fact_key"])
                and "facts" in tables
                and row["fact_key"] not in set(tables["facts"]["key"])
            ):
                raise DataError(file, f"fact_key {row['fact_key']!r} is not a key of facts.csv", int(i) + 2, "fact_key")
            for bench in [] if pd.isna(row["benchmark"]) else str(row["benchmark"]).split(";"):
                if bench not in set(tables["benchmarks"]["key"]):
                    raise DataError(file, f"unknown benchmark key {bench!r}", int(i) + 2, "benchmark")
    _require_reason(
        path,
        tables,
        "contamination",
        "contaminated_pct",
        "blank_reason",
        "a blank row needs the paper's reason in blank_reason",
    )
    _require_reason(
        path, tables, "benchmarks", "test_set_size", "size_note", "a blank test-set size needs a note saying why"
    )


def _require_reason(
    path: Path, tables: dict[str, pd.DataFrame], table: str, value: str, reason: str, message: str
) -> None:
    """Where ``value`` is blank, ``reason`` must say why."""
    frame = tables.get(table)
    if frame is None:
        return
    missing = frame.index[frame[value].isna() & frame[reason].isna()]
    if len(missing):
        raise DataError(_rel(path / f"{table}.csv"), message, int(missing[0]) + 2, reason)


def main(argv: list[str] | None = None) -> int:
    """``python -m herd.data``: validate the package and print a summary."""
    import sys

    try:
        package = load()
    except DataError as exc:
        print(f"data: {exc}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{name} {len(t)}" for name, t in package.tables.items())
    print(f"data: valid ({counts} rows); sha256 {package.sha256[:12]}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


def place(location: str, page=None) -> str:
    """Where in a document: the location, and the page when it is known (``Table 2, p. 3``). Every
    source reference the book writes puts its page this way (:func:`cite`, :func:`cell_reference`)."""
    return f"{location}, p. {int(page)}" if page is not None and not pd.isna(page) else f"{location}"


def cite(package: DataPackage, source: str, location: str, page=None) -> str:
    """How the book cites a source in prose: title (version), location, page.

    Parameters
    ----------
    package
        The data package (``sources.csv`` gives the title and version).
    source
        The source's key.
    location
        Where in it: a table, figure or section.
    page
        The page, if known.
    """
    sources = package.tables["sources"].set_index("key")
    if source not in sources.index:
        raise KeyError(f"sources.csv has no row {source!r}")
    row = sources.loc[source]
    version = f" ({row['version']})" if pd.notna(row["version"]) and row["version"] else ""
    return f"{row['title']}{version}, {place(location, page)}"


def cell_reference(source: str, table: str, page=None) -> str:
    """A printed cell's source in a table of cells: source key · table, page (``llama3-paper-v3 · Table 2, p. 3``)."""
    return f"{source} · {place(table, page)}"


def row_count(package: DataPackage) -> int:
    """Rows in all the package's tables."""
    return sum(len(t) for t in package.tables.values())


def overview(package: DataPackage) -> pd.DataFrame:
    """One row per table of the package: its name, rows, what a row is, its key and its file."""
    return pd.DataFrame(
        [
            {
                "table": r["name"],
                "rows": len(package.tables[r["name"]]),
                "a row is": r.get("description", ""),
                "key": ", ".join(r["schema"].get("primaryKey", [])),
                "file": f"data/{r['path']}",
            }
            for r in package.descriptor["resources"]
        ]
    )


def schema_table(package: DataPackage, name: str) -> pd.DataFrame:
    """The columns of one table as its schema declares them: type, whether required, the values
    allowed (an enum, or the bounds) and their meaning."""
    from . import formats

    rows = []
    for f in package.resource(name)["schema"]["fields"]:
        constraints = f.get("constraints", {})
        allowed = ", ".join(map(str, constraints.get("enum", []))) or ", ".join(
            f"{k} {formats.quantity(v)}" for k, v in constraints.items() if k in ("minimum", "maximum")
        )
        rows.append(
            {
                "column": f["name"],
                "type": f["type"],
                "required": "yes" if constraints.get("required") else "",
                "allowed": allowed,
                "meaning": f.get("description", ""),
            }
        )
    return pd.DataFrame(rows)


def schema_caption(package: DataPackage, name: str) -> str:
    """The caption of :func:`schema_table`: the table's title, file and rows."""
    from . import formats

    r = package.resource(name)
    return f"{r['title']} (data/{r['path']}, {formats.count(len(package.tables[name]))} rows)"
