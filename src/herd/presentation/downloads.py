"""The numbers behind every table and chart, one click away.

While a chapter runs, :func:`herd.presentation.tables.show` and the chart builders of :mod:`herd.presentation.charts`
turn the rows they display into a CSV (:func:`table_csv`, :func:`frame_csv`), put it in the
output's metadata (:func:`metadata`) and show a "Download CSV" link to
``downloads/<name>.csv`` beside it (:func:`link_html`). The name is the caption's first words
and a hash of the CSV, so it is the same on every run and differs when the rows differ.

When the book is built, :func:`collect` reads those CSVs back from the executed notebooks and
:func:`write` puts them in the ``downloads/`` folder next to the pages, together with the
whole data package as one archive (:func:`data_archive`). Nothing is written while a chapter
runs, so an executed notebook stays the only record of what it showed.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from herd.base.formats import STORED_DIGITS
from herd.base.lineage import value_text

FOLDER = "downloads"
ARCHIVE = "llama-3.1-reproduced-data.zip"
ARCHIVE_ROOT = "llama-3.1-reproduced-data"
META_KEY = "herd"
LINEAGE_NAME = "lineage"  # the name of a table's side file that says where each number came from
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # zip entries carry this date, so the archive is the same on every build


def plain(cell: str) -> str:
    """The text of a table cell's HTML as a CSV holds it: tags removed, entities decoded, a link
    written as ``text (address)``, line breaks as spaces."""
    text = re.sub(r"<br\s*/?>", " ", str(cell))
    text = _LINK.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", text)
    text = html.unescape(_TAG.sub("", text))
    return re.sub(r"\s+", " ", text).strip()


def is_number(v) -> bool:
    """Whether a cell value is a number (a Python or numpy integer or float), booleans excluded."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _value(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return format(float(v), f".{STORED_DIGITS}g")
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    return str(v)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def slug(text: str, limit: int = 48) -> str:
    """``text`` as a file name: lower case, every run of other characters one hyphen, cut at a hyphen to
    at most ``limit`` characters (``data`` if nothing is left)."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "data"
    if len(words) > limit:
        words = words[:limit].rsplit("-", 1)[0] or words[:limit]
    return words


def item(label: str, text: str, rows: int, name: str | None = None) -> dict:
    """One download: its file name, its CSV, how many rows, and what the link says."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return {"file": f"{slug(label)}-{digest}.csv", "csv": text, "rows": rows, "name": name}


def table_csv(frame: pd.DataFrame, label: str, shown: dict[str, list[str]] | None = None) -> dict:
    """The rows of a displayed table: numbers as computed (not rounded for display), other cells
    as the text the page shows (see :func:`plain`), under the column headers as shown."""
    header = [str(c) for c in frame.columns]
    rows = []
    for i in range(len(frame)):
        row = []
        for c in frame.columns:
            v = frame[c].iloc[i]
            if is_number(v) or v is None or (not isinstance(v, str) and pd.isna(v)):
                row.append(_value(v))
            elif shown is not None:
                row.append(plain(shown[c][i]))
            else:
                row.append(plain(html.escape(str(v))) if isinstance(v, str) else _value(v))
        rows.append(row)
    return item(label, _csv(header, rows), len(rows))


def frame_csv(frame: pd.DataFrame, label: str, name: str | None = None) -> dict:
    """The rows of a chart's data, as the chart holds them."""
    rows = [[_value(v) for v in frame.iloc[i]] for i in range(len(frame))]
    return item(label, _csv([str(c) for c in frame.columns], rows), len(rows), name)


def lineage_csv(table: dict, ids: dict[tuple[int, str], str], records: dict[str, dict]) -> dict:
    """The side file of a table's download: for each numeric cell with a lineage (its row in the CSV, counting
    from 1 after the header, and its column), where the number came from: the function that computed it, the
    arguments it was called with, which of its outputs the number is, the calls before it and after it, and the value
    it was written from before rounding, or the data row it was read from, with the rows read and their sources."""
    header = [
        "row",
        "column",
        "lineage",
        "kind",
        "function",
        "arguments",
        "output",
        "after",
        "then",
        "value before rounding",
        "data read",
        "sources",
    ]
    rows = []
    for (i, column), key in sorted(ids.items()):
        record = records[key]
        reads = record.get("reads", [])
        read_text = "; ".join(
            f"data/{r['table']}.csv: {r['rows']} rows"
            if "rows" in r
            else f"data/{r['table']}.csv row {' · '.join(map(str, r['key'].values()))}"
            + (f" ({r['column']} = {r['value']})" if "value" in r else f" ({r['column']})" if "column" in r else "")
            for r in reads
        )
        sources = []
        for r in reads:
            for src in r.get("sources", []) + ([r["source"]] if "source" in r else []):
                place = ", ".join(str(p) for p in (r.get("location"), f"p. {r['page']}" if "page" in r else None) if p)
                sources.append(f"{src['title']} ({src['url']})" + (f", {place}" if place and "source" in r else ""))
        params = json.dumps(record.get("params", {}), sort_keys=True) if record.get("params") else ""
        after, then = (
            "; ".join(f"{c['function']}({json.dumps(c.get('params', {}), sort_keys=True)})" for c in record.get(k, []))
            for k in ("after", "then")
        )
        rows.append(
            [
                str(i + 1),
                column,
                key,
                record["kind"],
                record.get("function", ""),
                params,
                record.get("output", ""),
                after,
                then,
                value_text(record["value"]) if record.get("value") else "",
                read_text,
                "; ".join(dict.fromkeys(sources)),
            ]
        )
    stem = table["file"].removesuffix(".csv")
    text = _csv(header, rows)
    return {"file": f"{stem}.lineage.csv", "csv": text, "rows": len(rows), "name": LINEAGE_NAME}


def link_html(items: list[dict]) -> str:
    """The "Download CSV" line under a table or chart (with the table's lineage side file, when it has one)."""

    def a(it: dict, text: str) -> str:
        return f'<a class="herd-csv" href="{FOLDER}/{it["file"]}" download="{it["file"]}">{html.escape(text)}</a>'

    side = [it for it in items if it.get("name") == LINEAGE_NAME]
    items = [it for it in items if it.get("name") != LINEAGE_NAME]
    after = "".join(f" · {a(it, 'where each number came from (CSV)')}" for it in side)
    if len(items) == 1:
        it = items[0]
        return (
            f'<p class="herd-download">{a(it, "Download CSV")} '
            f'<span class="herd-rows">({it["rows"]:,} row{"s" if it["rows"] != 1 else ""})</span>{after}</p>'
        )
    links = " · ".join(a(it, f"{it['name']} ({it['rows']:,} rows)") for it in items)
    return f'<p class="herd-download">Download CSV: {links}{after}</p>'


def metadata(items: list[dict]) -> dict:
    """The output metadata that carries the CSVs to the book's build."""
    return {META_KEY: {"downloads": [{"file": it["file"], "csv": it["csv"]} for it in items]}}


# ------------------------------------------------------------------ at build time


def collect(notebook: dict | Path) -> dict[str, str]:
    """``{file: csv}`` for every download an executed notebook's outputs carry."""
    cells = (json.loads(notebook.read_text(encoding="utf-8")) if isinstance(notebook, Path) else notebook).get(
        "cells", []
    )
    found: dict[str, str] = {}
    for cell in cells:
        for output in cell.get("outputs", []):
            for entry in (output.get("metadata", {}).get(META_KEY) or {}).get("downloads", []):
                found[entry["file"]] = entry["csv"]
    return found


def write(files: dict[str, str], pages: Path) -> list[Path]:
    """Write the downloads into ``pages/downloads/``."""
    folder = pages / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(files.items()):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def archive_members(data: Path) -> list[Path]:
    """The files of the data package archive: ``datapackage.json``, every resource it lists, the
    README and the second transcriptions, each a file inside ``data``: a resource path or a link that
    leads elsewhere is a :class:`herd.record.data.DataError`."""
    from herd.record.tabular import DataError, read_descriptor, rel, resource_file

    descriptor = read_descriptor(data)
    files = [data / "datapackage.json", *(resource_file(data, r) for r in descriptor["resources"])]
    files += [p for p in [data / "README.md", *sorted((data / "transcriptions").glob("*.csv"))] if p.exists()]
    for path in files:
        if not path.resolve().is_relative_to(data.resolve()) or not path.is_file():
            raise DataError(
                rel(path), "leads outside the data package's folder (a link?); the archive holds only its files"
            )
    return list(dict.fromkeys(files))


def archive_name(data: Path, path: Path) -> str:
    """The entry of ``path`` in the archive: ``llama-3.1-reproduced-data/`` and its path inside ``data``,
    which never climbs out of the archive's folder."""
    inside = path.relative_to(data).as_posix()
    if inside.startswith("/") or ".." in inside.split("/"):
        raise ValueError(f"{path} is not inside the data package's folder {data}")
    return f"{ARCHIVE_ROOT}/{inside}"


def data_archive(data: Path, dest: Path) -> Path:
    """The whole data package as one zip (``llama-3.1-reproduced-data/datapackage.json`` and its
    tables), byte for byte the same for the same files; every entry inside that one folder."""
    members = archive_members(data)  # checked before anything is written
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in members:
            info = zipfile.ZipInfo(archive_name(data, path), date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())
    return dest


def archive_link(text: str = "the whole data package") -> str:
    """A link to the data package archive from a page of the book."""
    return f'<a class="herd-data-archive" href="{FOLDER}/{ARCHIVE}" download="{ARCHIVE}">{html.escape(text)}</a>'
