"""The data package's side of lineage: references to its rows, with their sources.

:mod:`herd.base.lineage` says what a lineage is; this module finds the rows a number was read from
in a loaded :class:`~herd.record.data.DataPackage`: a row by its primary key (:func:`row`), with
the source document it was transcribed from (``sources.csv``), its location (a table, figure or
section) and page; many rows by their count and sources (:func:`rows`); and a number read from one
row, formatted and carrying its lineage (:func:`datum`, :func:`fact`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from herd.base import formats
from herd.base.lineage import FEW_ROWS, Lineage, Read, Row, Rows, Source, Traced, function_name

LOCATION_COLUMNS = ("location", "table")  # the column that says where in its source a row is printed
MOST_LOCATIONS = 6  # a summary of many rows lists at most this many locations
# the column that holds a table's value, shown beside each row a computation read when the rows are listed one by one
VALUE_COLUMNS = {
    "facts": "value",
    "scores": "score",
    "scaling_laws": "value",
    "interruptions": "interruptions",
    "contamination": "contaminated_pct",
    "benchmark_subsets": "n",
    "chinchilla_figure4": "loss",
}


def source(package, key: str) -> Source:
    """The source ``key`` of ``sources.csv``, with its title and address."""
    sources = package.tables["sources"]
    hit = sources[sources["key"] == key]
    if hit.empty:
        raise KeyError(f"sources.csv has no row {key!r}")
    return Source(key=key, title=str(hit.iloc[0]["title"]), url=str(hit.iloc[0]["url"]))


def primary_key(package, resource: str) -> list[str]:
    """The columns that name one row of ``resource`` (its schema's primary key)."""
    key = package.resource(resource).get("schema", {}).get("primaryKey")
    if not key:
        raise ValueError(f"data/datapackage.json: {resource} has no primaryKey, so its rows cannot be named")
    return [key] if isinstance(key, str) else list(key)


def _stored(value) -> str | None:
    if formats.missing(value):
        return None
    return str(formats.stored(value)) if not isinstance(value, str) else value


def _location(series: Mapping) -> str | None:
    for name in LOCATION_COLUMNS:
        if name in series and not formats.missing(series[name]):
            return str(series[name])
    return None


def reference(package, resource: str, series: Mapping, column: str | None = None) -> Row:
    """The :class:`~herd.base.lineage.Row` of one row of ``resource`` given as a mapping of its
    columns (a row of ``package.<resource>``), with ``column``'s value when one is named."""
    key = tuple((name, str(series[name])) for name in primary_key(package, resource))
    src = source(package, str(series["source"])) if not formats.missing(series.get("source")) else None
    page = series.get("page")
    return Row(
        resource=resource,
        key=key,
        column=column,
        value=_stored(series[column]) if column else None,
        source=src,
        location=_location(series),
        page=None if page is None or formats.missing(page) else int(page),
    )


def row(package, resource: str, column: str | None = None, **key) -> Row:
    """The row of ``resource`` whose primary key has the values ``key`` (all of its columns)."""
    names = primary_key(package, resource)
    if sorted(key) != sorted(names):
        raise KeyError(f"{resource}: a row is named by {', '.join(names)}, not {', '.join(sorted(key)) or 'nothing'}")
    table = package.tables[resource]
    match = pd.Series(True, index=table.index)
    for name in names:
        match &= table[name].astype(str) == str(key[name])
    hit = table[match]
    if len(hit) != 1:
        shown = ", ".join(f"{k}={v!r}" for k, v in key.items())
        raise KeyError(f"data/{resource}: {len(hit)} rows with {shown} (expected one)")
    if column is not None and column not in table.columns:
        raise KeyError(f"data/{resource}: no column {column!r}")
    return reference(package, resource, hit.iloc[0], column)


def rows(package, resource: str, frame: pd.DataFrame | None = None) -> tuple[Read, ...]:
    """The rows of ``resource`` a computation read (``frame``, a subset of the table; all of it when
    omitted): one reference each, with its value (:data:`VALUE_COLUMNS`), when there are few, otherwise their
    count and sources."""
    frame = package.tables[resource] if frame is None else frame
    if len(frame) <= FEW_ROWS:
        column = VALUE_COLUMNS.get(resource)
        return tuple(reference(package, resource, r, column) for _, r in frame.iterrows())
    keys = sorted(set(frame["source"].dropna().astype(str))) if "source" in frame.columns else []
    places: list[str] = []
    for name in LOCATION_COLUMNS:
        if name in frame.columns:
            places = sorted(set(frame[name].dropna().astype(str)))
            break
    return (
        Rows(
            resource=resource,
            count=len(frame),
            sources=tuple(source(package, k) for k in keys),
            locations=tuple(places[:MOST_LOCATIONS]) + (("…",) if len(places) > MOST_LOCATIONS else ()),
        ),
    )


def rows_where(package, resource: str, column: str, values) -> tuple[Read, ...]:
    """The rows of ``resource`` whose ``column`` holds one of ``values`` (compared as text), as :func:`rows`
    describes them: e.g. the ``facts.csv`` rows of some keys, the ``scaling_laws.csv`` rows of some laws."""
    table = package.tables[resource]
    return rows(package, resource, table[table[column].astype(str).isin({str(v) for v in values})])


def data_lineage(
    package,
    resource: str,
    key: Mapping[str, object],
    column: str,
    fmt: Callable[..., str] | None,
    *args,
    scale: float = 1.0,
) -> Lineage:
    """The lineage of the value of ``column`` in one row of ``resource``, shown as ``fmt(value * scale, *args)``, or
    as stored when ``fmt`` is None (a text column such as a value as printed)."""
    ref = row(package, resource, column, **key)
    if fmt is None:
        return Lineage("data", reads=(ref,))
    return Lineage("data", reads=(ref,), format=function_name(fmt), format_args=tuple(args), scale=scale)


def datum(
    package, resource: str, key: Mapping[str, object], column: str, fmt: Callable[..., str], *args, scale: float = 1.0
) -> Traced:
    """The value of ``column`` in one row of ``resource``, written by ``fmt(value * scale, *args)``
    (a function of :mod:`herd.base.formats`), carrying the row as its data lineage."""
    lineage = data_lineage(package, resource, key, column, fmt, *args, scale=scale)
    ref = lineage.reads[0]
    value = float(ref.value) if isinstance(ref, Row) and ref.value is not None else float("nan")
    return Traced(fmt(value * scale, *args), lineage)


def fact_lineage(package, key: str, fmt: Callable[..., str] = formats.number, *args, scale: float = 1.0) -> Lineage:
    """The lineage of a row of ``facts.csv`` shown by ``fmt`` (see :func:`data_lineage`)."""
    return data_lineage(package, "facts", {"key": key}, "value", fmt, *args, scale=scale)


def fact(package, key: str, fmt: Callable[..., str] = formats.number, *args, scale: float = 1.0) -> Traced:
    """A row of ``facts.csv`` written by ``fmt`` (see :func:`datum`)."""
    return datum(package, "facts", {"key": key}, "value", fmt, *args, scale=scale)


def cells(
    package, resource: str, frame: pd.DataFrame, column: str, fmt: Callable[..., str] | None, *args, scale: float = 1.0
) -> Callable[[int], Lineage]:
    """For a table built from rows of ``resource`` (``frame``, with their primary key columns, in the order
    shown): the data lineage of the value of ``column`` in the shown row at each position, written by ``fmt``."""
    names = primary_key(package, resource)
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise KeyError(f"a table of {resource} rows needs its key columns to name them: {', '.join(missing)}")
    keys = [{n: frame[n].iloc[i] for n in names} for i in range(len(frame))]
    return lambda i: data_lineage(package, resource, keys[i], column, fmt, *args, scale=scale)
