"""Reading a data package strictly: its descriptor's shape, where its files may be, and every cell.

:func:`read_descriptor` parses ``datapackage.json`` and checks everything the loader relies on
(resources, paths inside the package's folder, fields, types, constraints and keys of the shapes
Table Schema gives them); :func:`scan_csv` checks a table's bytes before any parser reads them;
:func:`read_table` turns a table into typed columns, each cell exactly as its schema allows (no
number that overflows to infinity, no true/false value the schema does not list, no table without
rows); :func:`located` says a Frictionless error in words. Each problem is a :class:`DataError`
naming the file, the line and the column.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd

PACKAGE_FILE = "datapackage.json"


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


def read_descriptor(path: Path) -> dict:
    """``datapackage.json``, parsed and checked for what Frictionless would otherwise crash on."""
    file = path / PACKAGE_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(rel(file), "missing") from None
    except UnicodeDecodeError as exc:
        raise DataError(rel(file), _not_utf8(exc), line=file.read_bytes()[: exc.start].count(b"\n") + 1) from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _json_error(rel(file), text, exc) from None
    _check_descriptor(rel(file), text, descriptor, path)
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


def _check_descriptor(file: str, text: str, descriptor: dict, folder: Path | None = None) -> None:
    """The parts of the descriptor the loader relies on, each of the shape Table Schema gives it (so a
    malformed descriptor is a DataError naming the resource and field, never a traceback): resources
    with a name and a path to a file inside the package's folder (``folder``; see
    :func:`resource_file`), a schema whose fields have a name and a known type, constraints and
    keys of the right shapes, and keys that name existing fields."""
    import difflib
    import re

    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataError(file, "expected an object with a non-empty 'resources' list", line=1)
    seen: set[str] = set()
    for number, r in enumerate(resources, start=1):
        name = r.get("name") if isinstance(r, dict) else None
        if not isinstance(r, dict) or not isinstance(name, str) or not name or not isinstance(r.get("path"), str):
            shown = f"resource '{name}'" if isinstance(name, str) and name else f"resource {number}"
            raise DataError(
                file, f"{shown}: every resource needs a 'name' and a 'path' (text)", line=_json_line(text, name)
            )
        line = _json_line(text, name)
        if name in seen:
            raise DataError(file, f"resource '{name}' is listed twice", line=line)
        seen.add(name)
        if folder is not None:
            resource_file(folder, r, file, line)
        schema = r.get("schema")
        if not isinstance(schema, dict):
            raise DataError(file, f"resource '{name}': 'schema' must be an object with a 'fields' list", line=line)
        fields = schema.get("fields")
        if not isinstance(fields, list) or not fields:
            raise DataError(file, f"resource '{name}' has no schema fields", line=line)
        names = []
        for f in fields:
            if not isinstance(f, dict):
                raise DataError(
                    file, f"resource '{name}': each field must be an object with a name and a type, not {f!r}", line
                )
            fname, ftype = f.get("name"), f.get("type", "string")
            if not isinstance(fname, str) or not fname:
                raise DataError(file, f"resource '{name}': a field without a name", line=line)
            where = f"resource '{name}', field '{fname}'"
            if fname in names:
                raise DataError(file, f"{where}: listed twice", line=_json_line(text, name, fname))
            if not isinstance(ftype, str) or ftype not in FIELD_TYPES:
                near = difflib.get_close_matches(str(ftype), FIELD_TYPES, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise DataError(
                    file,
                    f"{where}: unknown type {ftype!r}{hint}; Table Schema types are {', '.join(FIELD_TYPES)}",
                    line=_json_line(text, name, fname, '"type"\\s*:\\s*' + re.escape(json.dumps(ftype))),
                )
            _check_field(file, where, f, _json_line(text, name, fname))
            names.append(fname)
        _check_keys(file, text, name, schema, names, {str(x.get("name")) for x in resources if isinstance(x, dict)})


def _check_field(file: str, where: str, field: dict, line: int | None) -> None:
    """A field's constraints and true/false values have the shapes Table Schema gives them."""
    import re

    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        raise DataError(file, f"{where}: 'constraints' must be an object", line=line)
    problems = {
        "required": not isinstance(constraints.get("required", False), bool),
        "enum": "enum" in constraints and not (isinstance(constraints["enum"], list) and constraints["enum"]),
        "pattern": "pattern" in constraints and not isinstance(constraints["pattern"], str),
        **{
            k: k in constraints and (isinstance(constraints[k], bool) or not isinstance(constraints[k], int | float))
            for k in ("minimum", "maximum", "minLength", "maxLength")
        },
    }
    for key, bad in problems.items():
        if bad:
            raise DataError(file, f"{where}: constraint '{key}' = {constraints[key]!r} is not {_SHAPES[key]}", line)
    if "pattern" in constraints:
        try:
            re.compile(constraints["pattern"])
        except re.error as exc:
            raise DataError(
                file, f"{where}: the pattern {constraints['pattern']!r} is not a valid regex ({exc})", line
            ) from None
    for key in ("trueValues", "falseValues"):
        values = field.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise DataError(file, f"{where}: '{key}' must be a list of texts", line=line)


_SHAPES = {
    "required": "true or false",
    "enum": "a non-empty list of the values allowed",
    "pattern": "a regular expression (text)",
    "minimum": "a number",
    "maximum": "a number",
    "minLength": "a number",
    "maxLength": "a number",
}


def _check_keys(file: str, text: str, name: str, schema: dict, names: list[str], resources: set[str]) -> None:
    """``primaryKey`` and ``foreignKeys`` name fields of the resource (and of the resource referred to)."""
    pk = schema.get("primaryKey") or []
    keys = [pk] if isinstance(pk, str) else pk
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise DataError(
            file,
            f"resource '{name}': primaryKey must be a field name or a list of them",
            line=_json_line(text, name, None, '"primaryKey"'),
        )
    for key in keys:
        if key not in names:
            raise DataError(
                file,
                f"resource '{name}': primaryKey names '{key}', which is not one of its fields",
                line=_json_line(text, name, None, '"primaryKey"'),
            )
    foreign = schema.get("foreignKeys", [])
    line = _json_line(text, name, None, '"foreignKeys"')
    if not isinstance(foreign, list):
        raise DataError(file, f"resource '{name}': foreignKeys must be a list", line=line)
    for fk in foreign:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        fields = fk.get("fields") if isinstance(fk, dict) else None
        if not isinstance(reference, dict) or not _names_list(fields) or not _names_list(reference.get("fields")):
            raise DataError(
                file,
                f"resource '{name}': each foreign key needs 'fields' and a 'reference' with a 'resource' and 'fields'",
                line=line,
            )
        own = [fields] if isinstance(fields, str) else list(fields or [])
        unknown = [f for f in own if f not in names]
        target = reference.get("resource")
        if unknown or (target not in ("", None) and target not in resources):
            what = f"field '{unknown[0]}', which is not one of its fields" if unknown else f"resource {target!r}"
            raise DataError(file, f"resource '{name}': a foreign key names {what}", line=line)


def _names_list(value) -> bool:
    return (isinstance(value, str) and bool(value)) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
    )


def resource_file(folder: Path, resource: dict, file: str = PACKAGE_FILE, line: int | None = None) -> Path:
    """The file of a resource, which must lie inside the package's folder: a relative path that does
    not climb out of it (``../x.csv``), is not absolute (``/etc/passwd``), does not lead out of it
    through a link, and names a file, not a folder. Anything else is a DataError naming the
    descriptor, the resource and its path."""
    name, given = resource.get("name"), resource.get("path")
    if not isinstance(given, str) or not given:
        raise DataError(file, f"resource '{name}': 'path' must be the name of a file in the package's folder", line)
    parts = given.replace("\\", "/").split("/")
    resolved = (folder / given).resolve()
    if (
        given.startswith(("/", "\\"))
        or ":" in parts[0]
        or ".." in parts
        or not resolved.is_relative_to(folder.resolve())
    ):
        raise DataError(
            file,
            f"resource '{name}', field 'path': {given!r} leads outside the data package's folder; "
            "a resource's path must name a file inside it, such as 'models.csv'",
            line,
        )
    if resolved.is_dir():
        raise DataError(file, f"resource '{name}', field 'path': {given!r} is a folder, not a table file", line)
    return folder / given


def _json_line(text: str, resource: str | None, field: str | None = None, pattern: str | None = None) -> int | None:
    """The line of ``pattern`` inside field ``field`` of resource ``resource`` in the descriptor
    text (each located after the previous one); the last one found if a later one is not."""
    import re

    line, pos = None, 0
    steps = [f'"name"\\s*:\\s*"{re.escape(x)}"' for x in (resource, field) if isinstance(x, str) and x] + (
        [pattern] if pattern else []
    )
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
        raise DataError(rel(file), "missing (listed in datapackage.json)")
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        char = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise DataError(
            rel(file), _not_utf8(exc, f" at character {char}"), line=raw[: exc.start].count(b"\n") + 1
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for _ in reader:
            if reader.line_num > start:
                raise DataError(
                    rel(file),
                    f"a quoted value opened on this line runs on to line {reader.line_num} "
                    "(an unterminated quote? values may not span lines)",
                    line=start,
                )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            rel(file),
            f"malformed CSV: a quoted value opened on this line is never closed properly ({exc})",
            line=start,
        ) from None
    return start - 1


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


def located(file: str, resource: dict | None, error) -> DataError:
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
        return DataError(file, type_message(cell, field), line, column)
    if kind == "constraint-error":
        if cell in ("", None) and field.get("constraints", {}).get("required"):
            return DataError(file, "a value is required here", line, column)
        if field.get("type") == "number" and not _NUMBER.fullmatch(str(cell)):  # NaN breaks the bounds
            return DataError(file, type_message(cell, field), line, column)
        broken = re.search(r'constraint "(\w+)"', note)
        return DataError(file, constraint_message(broken.group(1) if broken else "", cell, field), line, column)
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


def rel(file: Path) -> str:
    """A file as messages name it: relative to the working directory when it is inside it."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def type_message(cell, field: dict) -> str:
    """What a value that is not of its field's type (or format) is told."""
    kind = field.get("type", "string")
    if kind == "string" and field.get("format") == "uri":
        return (
            f"{cell!r} is not a web address: it must start with http:// or https:// and hold no spaces, "
            "quotes or angle brackets"
        )
    return f"{cell!r} is not {ACCEPTS.get(kind, f'a {kind}')}: this column holds {kind} values"


def constraint_message(constraint: str, cell, field: dict) -> str:
    """What a value breaking one of its field's constraints (``required``, ``enum``, ``pattern``,
    ``minimum``, ...) is told."""
    constraints = field.get("constraints", {})
    limit = constraints.get(constraint)
    if constraint == "required":
        return "a value is required here"
    if constraint == "enum":
        return f"{cell!r} is not allowed; this column accepts: {', '.join(map(str, constraints['enum']))}"
    if constraint == "pattern" and field.get("format") == "uri":
        return type_message(cell, field)
    if constraint == "pattern":
        return f"{cell!r} does not match the pattern {limit}"
    words = {
        "minimum": "is below the minimum",
        "maximum": "is above the maximum",
        "exclusiveMinimum": "is not above",
        "exclusiveMaximum": "is not below",
    }
    if constraint in words:
        return f"{cell!r} {words[constraint]} {limit}"
    if constraint in ("minLength", "maxLength"):
        return f"{cell!r} is {'shorter' if constraint == 'minLength' else 'longer'} than {limit} characters allows"
    if constraint == "unique":
        return f"{cell!r} is already in this column, whose values must be unique"
    return f"{cell!r} is not allowed here ({constraint or 'a constraint of the schema'})"


# Plain decimal notation, as ACCEPTS says: no spaces, underscores, NaN or infinity
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# An address a link may lead to: http(s), then none of the characters a URL may not hold unescaped
WEB_ADDRESS = re.compile(r"https?://[^\s\"<>\\^`{|}]+")
# What Frictionless reads as true and false when a boolean field does not list its own values
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
INT64 = 2**63 - 1
_DTYPES = {"integer": "Int64", "boolean": "boolean", "string": "string"}


def read_table(folder: Path, resource: dict) -> pd.DataFrame:
    """A resource's table, every column typed as its schema says (``integer`` as Int64, ``number``
    as float64, ``boolean``, ``date`` as datetime64, anything else as text) and every cell as its
    field allows. A cell that validation let through but that would load as something else (a
    number that overflows to infinity or underflows to zero, a true/false value the field does not
    list, an integer beyond 64 bits), a header other than the schema's columns, a row of the wrong
    length and a table with no rows are each a :class:`DataError` naming the file, line and column."""
    import csv
    import io

    file = resource_file(folder, resource)
    where = rel(file)
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline=""), strict=True))
    if not rows:
        raise DataError(where, f"empty: the header line ({', '.join(names)}) is missing", line=1)
    if rows[0] != names:
        bom = (
            " (it starts with a byte-order mark: save the file as UTF-8 without BOM)"
            if rows[0][:1] and rows[0][0].startswith("\ufeff")
            else ""
        )
        raise DataError(
            where, f"the header is {', '.join(rows[0])}, but the schema's columns are {', '.join(names)}{bom}", line=1
        )
    if len(rows) == 1:
        raise DataError(where, "the table has a header and no rows (a table needs at least one)", line=2)
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(names):
            raise DataError(
                where, f"this row has {len(row)} values; the header has {len(names)} columns ({', '.join(names)})", line
            )
    texts = list(zip(*rows[1:]))
    return pd.DataFrame({f["name"]: _column(f, _values(where, f, list(column))) for f, column in zip(fields, texts)})


def _values(file: str, field: dict, texts: list[str]) -> list:
    """A column's cells as its field's type (:func:`_cell`); plain text without constraints is taken as it is."""
    constraints = field.get("constraints", {})
    if field.get("type", "string") == "string" and field.get("format") != "uri" and set(constraints) <= {"required"}:
        if constraints.get("required") and "" in texts:
            raise DataError(file, "a value is required here", texts.index("") + 2, field["name"])
        return [t if t else None for t in texts]
    return [_cell(file, line, field, text) for line, text in enumerate(texts, start=2)]


def _cell(file: str, line: int, field: dict, text: str):
    """One cell as its field's type, checked against the field's constraints; None when blank."""
    kind, name = field.get("type", "string"), field["name"]
    constraints = field.get("constraints", {})
    if text == "":
        if constraints.get("required"):
            raise DataError(file, "a value is required here", line, name)
        return None
    value: object = text
    if kind == "number":
        value = float(text) if _NUMBER.fullmatch(text) else None
        if value is not None and not math.isfinite(value):
            raise DataError(file, f"{text!r} is too large to hold as a number (it overflows to infinity)", line, name)
        if value == 0 and re.search(r"[1-9]", text.lower().split("e")[0]):
            raise DataError(file, f"{text!r} is too small to hold as a number (it underflows to 0)", line, name)
    elif kind == "integer":
        value = int(text) if _INTEGER.fullmatch(text) else None
        if value is not None and abs(value) > INT64:
            raise DataError(file, f"{text!r} is too large for a whole number of 64 bits", line, name)
    elif kind == "boolean":
        true, false = field.get("trueValues", TRUE_VALUES), field.get("falseValues", FALSE_VALUES)
        value = True if text in true else False if text in false else None
        if value is None:
            listed = ", ".join(map(repr, [*true, *false]))
            raise DataError(file, f"{text!r} is not true or false (this column accepts {listed})", line, name)
    elif kind == "date":
        value = pd.Timestamp(text) if _DATE.fullmatch(text) and _is_date(text) else None
    elif field.get("format") == "uri" and not WEB_ADDRESS.fullmatch(text):
        value = None  # a link the book would write: a web address only, whatever the descriptor's pattern says
    if value is None:
        raise DataError(file, type_message(text, field), line, name)
    for constraint in ("enum", "pattern", "minimum", "maximum", "minLength", "maxLength"):
        if constraint in constraints and not _meets(constraint, constraints[constraint], value, text):
            raise DataError(file, constraint_message(constraint, text, field), line, name)
    return value


def _is_date(text: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _meets(constraint: str, limit, value, text: str) -> bool:
    if constraint == "enum":
        return text in map(str, limit) or value in limit
    if constraint == "pattern":
        return re.fullmatch(limit, text) is not None
    if constraint in ("minLength", "maxLength"):
        return len(text) >= limit if constraint == "minLength" else len(text) <= limit
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True  # bounds on other types (dates) are Frictionless's to check
    return value >= limit if constraint == "minimum" else value <= limit


def _column(field: dict, values: list):
    kind = field.get("type", "string")
    if kind == "number":
        return pd.array([math.nan if v is None else v for v in values], dtype="float64")
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object))
    return pd.array(values, dtype=_DTYPES.get(kind, "string"))
