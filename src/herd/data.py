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
    """A problem in a data file, located precisely enough to fix it."""

    def __init__(self, file: str, message: str, line: int | None = None, column: str | None = None):
        self.file, self.line, self.column, self.message = file, line, column, message
        where = [file]
        if line is not None:
            where.append(f"line {line} (data row {line - 1})")
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
            return tables[name].copy()
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
    return _load_cached(path, checksum(path))


@lru_cache(maxsize=8)
def _load_cached(path: Path, sha: str) -> DataPackage:
    descriptor = _read_descriptor(path)
    validate(path, descriptor)
    tables = {r["name"]: _read_table(path, r) for r in descriptor["resources"]}
    _check_rules(path, tables)
    return DataPackage(path=path, sha256=sha, tables=tables, descriptor=descriptor)


def _read_descriptor(path: Path) -> dict:
    file = path / PACKAGE_FILE
    try:
        return json.loads(file.read_text())
    except FileNotFoundError:
        raise DataError(str(file), "missing") from None
    except json.JSONDecodeError as exc:
        raise DataError(str(file), f"not valid JSON: {exc.msg}", line=exc.lineno + 1) from None


def validate(path: Path, descriptor: dict | None = None) -> None:
    """Frictionless validation of every resource; the first error becomes a DataError."""
    from frictionless import Package, system

    descriptor = descriptor or _read_descriptor(path)
    for resource in descriptor["resources"]:
        file = path / resource["path"]
        if not file.exists():
            raise DataError(_rel(file), "missing (listed in datapackage.json)")
    with system.use_context(trusted=True):
        package = Package(str(path / PACKAGE_FILE))
        report = package.validate()
    if report.valid:
        return
    for task in report.tasks:
        for error in task.errors:
            file = _rel(path / task.place) if task.place else _rel(path / PACKAGE_FILE)
            row = getattr(error, "row_number", None)
            column = getattr(error, "field_name", None)
            if column is None and getattr(error, "field_names", None):
                column = ", ".join(error.field_names)
            raise DataError(file, _message(error), line=row, column=column)
    raise DataError(_rel(path / PACKAGE_FILE), "invalid: " + "; ".join(e.message for e in report.errors))


def _message(error) -> str:
    """Frictionless messages, trimmed of the location we already print."""
    note = getattr(error, "note", "") or ""
    cell = getattr(error, "cell", None)
    title = error.title.lower()
    if error.type == "primary-key":
        return f"duplicate primary key ({note})"
    if error.type == "foreign-key":
        return f"unknown key: {note}"
    if cell is not None and cell != "":
        return f"{title}: value {cell!r} — {note}"
    return f"{title}: {note}" if note else title


def _rel(file: Path) -> str:
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}


def _read_table(path: Path, resource: dict) -> pd.DataFrame:
    fields = resource["schema"]["fields"]
    dtypes = {f["name"]: _PANDAS_TYPES.get(f["type"], "string") for f in fields}
    frame = pd.read_csv(
        path / resource["path"],
        dtype={k: v for k, v in dtypes.items() if v not in ("boolean",)},
        keep_default_na=False,
        na_values=[""],
    )
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
                raise DataError(file, "a blank score needs a footnote saying why (e.g. dash in the source)", line, "footnote")
            if pd.isna(row["score"]) and not pd.isna(row["ci95"]):
                raise DataError(file, "a CI without a score", line, "ci95")
            if not pd.isna(row["marker"]) and pd.isna(row["footnote"]):
                raise DataError(file, f"marker {row['marker']!r} has no footnote text", line, "footnote")
            low, high = SCALES[row["scale"]]
            if not pd.isna(row["score"]) and not low <= row["score"] <= high:
                raise DataError(file, f"score {row['score']:g} is outside {low:g}–{high:g} for scale '{row['scale']}'", line, "score")
    claims = tables.get("claims")
    if claims is not None and scores is not None:
        file = _rel(path / "claims.csv")
        labels = set(scores["row_label"])
        for i, row in claims.iterrows():
            if not pd.isna(row["benchmark_row"]) and row["benchmark_row"] not in labels:
                raise DataError(file, f"benchmark_row {row['benchmark_row']!r} is not a row label in scores.csv", int(i) + 2, "benchmark_row")
            refers_to = "facts" if row["kind"] == "fact" else "models"
            known = set(tables[refers_to]["key"]) if refers_to in tables else set()
            for other in ([] if pd.isna(row["other"]) else str(row["other"]).split(";")):
                if other not in known:
                    raise DataError(file, f"unknown {refers_to[:-1]} key {other!r} in 'other'", int(i) + 2, "other")
            if not pd.isna(row["fact_key"]) and "facts" in tables and row["fact_key"] not in set(tables["facts"]["key"]):
                raise DataError(file, f"fact_key {row['fact_key']!r} is not a key of facts.csv", int(i) + 2, "fact_key")
            for bench in ([] if pd.isna(row["benchmark"]) else str(row["benchmark"]).split(";")):
                if bench not in set(tables["benchmarks"]["key"]):
                    raise DataError(file, f"unknown benchmark key {bench!r}", int(i) + 2, "benchmark")
    _require_reason(path, tables, "contamination", "contaminated_pct", "blank_reason", "a blank row needs the paper's reason in blank_reason")
    _require_reason(path, tables, "benchmarks", "test_set_size", "size_note", "a blank test-set size needs a note saying why")


def _require_reason(path: Path, tables: dict[str, pd.DataFrame], table: str, value: str, reason: str, message: str) -> None:
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


def cite(package: DataPackage, source: str, location: str, page=None) -> str:
    """How the book cites a source: title (version), location, page. One format everywhere."""
    sources = package.tables["sources"].set_index("key")
    if source not in sources.index:
        raise KeyError(f"sources.csv has no row {source!r}")
    row = sources.loc[source]
    version = f" ({row['version']})" if pd.notna(row["version"]) and row["version"] else ""
    page_text = f", p. {int(page)}" if page is not None and not pd.isna(page) else ""
    return f"{row['title']}{version}, {location}{page_text}"
