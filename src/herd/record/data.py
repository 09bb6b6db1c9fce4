"""The data package: load every table through validation, or stop with a clear error.

``load()`` validates ``data/datapackage.json`` with Frictionless (Table Schema types,
constraints, enums, primary and foreign keys) and a few cross-column rules the
schema language cannot state, then returns typed pandas tables.  Any problem is
raised as :class:`DataError` naming the file, the line and the column.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from herd.base import memo

from .tabular import PACKAGE_FILE, DataError, located, read_descriptor, read_table, rel, resource_file, scan_csv

__all__ = ["PACKAGE_FILE", "DataError", "DataPackage", "load", "validate", "checksum", "scan_csv", "resource_file"]
SCALES = {"percent": (0.0, 100.0), "gre-scaled": (130.0, 170.0)}


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
    descriptor = read_descriptor(path)
    digest = hashlib.sha256()
    for name in [PACKAGE_FILE, *sorted(r["path"] for r in descriptor["resources"])]:
        digest.update(name.encode() + b"\0")
        digest.update((path / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def load(path: str | Path | None = None) -> DataPackage:
    """Validate the data package and return its tables (cached by content)."""
    path = Path(path).resolve() if path else data_dir()
    descriptor = read_descriptor(path)
    for resource in descriptor["resources"]:
        file = resource_file(path, resource)
        if not file.exists():
            raise DataError(rel(file), "missing (listed in datapackage.json)")
    return _load_cached(path, checksum(path))  # validation (first use of these bytes) scans each file


@lru_cache(maxsize=8)
def _load_cached(path: Path, sha: str) -> DataPackage:
    descriptor = read_descriptor(path)
    _validate_once(path, descriptor, sha)
    tables = {r["name"]: read_table(path, r) for r in descriptor["resources"]}
    _check_rules(path, tables)
    return DataPackage(path=path, sha256=sha, tables=tables, descriptor=descriptor)


def _validate_once(path: Path, descriptor: dict, sha: str) -> None:
    """:func:`validate`, once for these bytes: a package that passed is remembered (:mod:`herd.base.memo`, keyed by
    its checksum, this code and Frictionless's version), so the many processes of a build or a test run that read
    the same package (each chapter's kernel, each command) validate it once, not each (2 s apiece). A package that
    fails is never remembered: its error is raised again by every reader."""
    from importlib.metadata import version

    def passed() -> bool:
        validate(path, descriptor)  # raises on the first error
        return True

    memo.remember(
        __name__, "data_package_valid", {"sha256": sha, "frictionless": version("frictionless")}, passed, bool, bool
    )


def validate(path: Path, descriptor: dict | None = None) -> None:
    """Frictionless validation of every resource; the first error becomes a DataError."""
    from frictionless import FrictionlessException, Package

    descriptor = descriptor or read_descriptor(path)
    for resource in descriptor["resources"]:
        scan_csv(resource_file(path, resource))
    try:
        # not in Frictionless's trusted mode: its own checks refuse a path outside the folder too
        package = Package(str(path / PACKAGE_FILE))
        report = package.validate()
    except FrictionlessException as exc:
        raise DataError(rel(path / PACKAGE_FILE), f"not a valid data package: {exc.error.message}") from None
    if report.valid:
        return
    by_path = {r["path"]: r for r in descriptor["resources"]}
    for task in report.tasks:
        for error in task.errors:
            file = rel(path / task.place) if task.place else rel(path / PACKAGE_FILE)
            raise located(file, by_path.get(task.place), error)
    raise DataError(rel(path / PACKAGE_FILE), "invalid: " + "; ".join(e.message for e in report.errors))


# The columns the rules below read, by table: a descriptor that drops one is an error, not a KeyError
RULE_COLUMNS = {
    "scores": ("score", "footnote", "ci95", "marker", "scale", "row_label"),
    "claims": ("benchmark_row", "kind", "other", "fact_key", "benchmark"),
    "contamination": ("contaminated_pct", "blank_reason"),
    "benchmarks": ("key", "test_set_size", "size_note"),
    "facts": ("key",),
    "models": ("key",),
}


def _check_rules(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Rules that span columns, which Table Schema cannot express."""
    for name, columns in RULE_COLUMNS.items():
        missing = [c for c in columns if name in tables and c not in tables[name].columns]
        if missing:
            raise DataError(
                rel(path / PACKAGE_FILE), f"resource '{name}' lacks the field '{missing[0]}', which the book reads"
            )
    if "claims" in tables and not {"scores", "benchmarks"} <= set(tables):
        raise DataError(rel(path / PACKAGE_FILE), "resource 'claims' needs the resources 'scores' and 'benchmarks'")
    scores = tables.get("scores")
    if scores is not None:
        file = rel(path / "scores.csv")
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
            if row["scale"] not in SCALES:
                raise DataError(file, f"{row['scale']!r} is not a scale; scales: {', '.join(SCALES)}", line, "scale")
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
        file = rel(path / "claims.csv")
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
        raise DataError(rel(path / f"{table}.csv"), message, int(missing[0]) + 2, reason)


def main(argv: list[str] | None = None) -> int:
    """``python -m herd.data``: validate the package and print a summary."""
    import sys

    try:
        package = load()
    except (DataError, OSError) as exc:  # OSError: no data package found, or a file that cannot be read
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


def names(package: DataPackage) -> tuple[str, ...]:
    """The names of the package's models (as the book and as their sources write them) and benchmarks: the numbers
    in them name a model or a benchmark and are no data (:func:`herd.base.formats.numbers`)."""
    models, benchmarks = package.tables["models"], package.tables["benchmarks"]
    found = [*models["name"], *models["label_in_source"], *models["family"], *benchmarks["name"]]
    return tuple(sorted({str(n) for n in found if isinstance(n, str) and n}))


def row_count(package: DataPackage) -> int:
    """Rows in all the package's tables."""
    return sum(len(t) for t in package.tables.values())


def overview(package: DataPackage, rows_are: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per table of the package: its name, rows, what a row is (the descriptor's description, or
    ``rows_are[name]`` where given, e.g. a description that counts the rows by kind), its key and its file."""
    rows_are = rows_are or {}
    return pd.DataFrame(
        [
            {
                "table": r["name"],
                "rows": len(package.tables[r["name"]]),
                "a row is": rows_are.get(r["name"], r.get("description", "")),
                "key": ", ".join(r["schema"].get("primaryKey", [])),
                "file": f"data/{r['path']}",
            }
            for r in package.descriptor["resources"]
        ]
    )


def schema_table(package: DataPackage, name: str) -> pd.DataFrame:
    """The columns of one table as its schema declares them: type, whether required, the values
    allowed (an enum, or the bounds) and their meaning."""
    from herd.base import formats

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
    from herd.base import formats

    r = package.resource(name)
    return f"{r['title']} (data/{r['path']}, {formats.count(len(package.tables[name]))} rows)"
