"""The changelog: what changed between two recorded editions (the data rows, the verdicts in the chapters' tables,
the values the chapters quote in their prose) and ``CHANGELOG.md``, made from those changes for every edition.

Everything is read from the recorded commits (``git archive`` of their ``data/`` and ``book/``), with the csv module
and an HTML parser only: an old edition's data is read whatever this edition's loader expects, and nothing is
re-executed. Like the rest of the editions' machinery, this module knows nothing of the analysis.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
import tarfile
import tempfile
from pathlib import Path

from .releases import EDITIONS_FILE, TITLE, Release, git, load_releases

CHANGELOG_FILE = "CHANGELOG.md"


def read_package(folder: Path) -> dict[str, dict]:
    """``{table: {"fields": [...], "key": [...], "rows": {key tuple: row}}}`` read with the csv
    module only (an old edition's data, whatever this edition's loader expects)."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    out = {}
    for r in descriptor["resources"]:
        fields = [f["name"] for f in r["schema"]["fields"]]
        pk = r["schema"].get("primaryKey") or [fields[0]]
        pk = [pk] if isinstance(pk, str) else list(pk)
        rows = {}
        path = folder / r["path"]
        if path.exists():
            with path.open(newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    rows[tuple(row.get(k, "") for k in pk)] = row
        out[r["name"]] = {"fields": fields, "key": pk, "rows": rows}
    return out


def data_changes(old: Path | None, new: Path) -> dict:
    """The data rows that changed between two data packages: per table the columns added and
    removed, and the rows added, removed and changed (with each changed value, old → new)."""
    before = read_package(old) if old else {}
    after = read_package(new)
    tables = {}
    for name in sorted(set(before) | set(after)):
        a = after.get(name, {"fields": [], "key": [], "rows": {}})
        b = before.get(name, {"fields": [], "key": a["key"], "rows": {}})
        common = [f for f in a["fields"] if f in b["fields"]]
        changed = []
        for key, row in a["rows"].items():
            prev = b["rows"].get(key)
            if prev is None:
                continue
            diffs = [(f, prev.get(f, ""), row.get(f, "")) for f in common if prev.get(f, "") != row.get(f, "")]
            if diffs:
                changed.append({"key": key, "changes": diffs})
        entry = {
            "key": a["key"] or b["key"],
            "columns_added": [f for f in a["fields"] if f not in b["fields"]] if name in before else [],
            "columns_removed": [f for f in b["fields"] if f not in a["fields"]] if name in after else [],
            "added": [k for k in a["rows"] if k not in b["rows"]],
            "removed": [k for k in b["rows"] if k not in a["rows"]],
            "changed": changed,
            "rows": len(a["rows"]),
            "new_table": name not in before and bool(before),
            "dropped_table": name not in after,
        }
        tables[name] = entry
    return tables


class _Tables(html.parser.HTMLParser):
    """Every HTML table in an output: a list of rows, each a list of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


VERDICT_COLUMNS = ("verdict", "difference")
_NUMBER = re.compile(r"[+\-−]?[\d.,]+\s*%?|—?")
"""The columns of a chapter's table that hold its verdicts, the first one present counting: a claim's verdict,
or a comparison's difference (ahead, behind, not resolved, no test; equivalence is a column of its own)."""


def verdicts(book: Path) -> dict[tuple[str, tuple[str, ...], int], dict[tuple[str, ...], str]]:
    """The verdicts each executed notebook shows in its tables: for every output table with a
    verdict column (:data:`VERDICT_COLUMNS`), ``{(chapter, key columns, k): {row key: verdict}}``, ``k`` counting
    the chapter's tables keyed by the same columns (1 for the first), so that no table hides another. A row's key is
    its leading columns, as few as make every row of the table distinct."""
    from herd.presentation.findings import executed_outputs

    out: dict[tuple[str, tuple[str, ...], int], dict[tuple[str, ...], str]] = {}
    for chapter, output in executed_outputs(book):
        page = output.get("data", {}).get("text/html")
        if not page:
            continue
        parser = _Tables()
        parser.feed("".join(page) if isinstance(page, list) else page)
        for table in parser.tables:
            header = [h.lower() for h in table[0]] if table else []
            named = [c for c in VERDICT_COLUMNS if c in header]
            if not named:
                continue
            col = header.index(named[0])
            rows = [r for r in table[1:] if len(r) == len(header)]
            if rows and all(_NUMBER.fullmatch(r[col].strip()) for r in rows):
                continue  # a column of that name holding numbers (a difference of two values) holds no verdict
            width = next((w for w in range(1, col + 1) if len({tuple(r[:w]) for r in rows}) == len(rows)), None)
            if not rows or width is None:
                continue
            columns = tuple(table[0][:width])
            k = 1 + sum(1 for c, cols, _ in out if (c, cols) == (chapter, columns))
            out[(chapter, columns, k)] = {tuple(r[:width]): r[col] for r in rows}
    return out


def verdict_changes(
    old: dict, new: dict
) -> list[tuple[str, tuple[str, ...], int, tuple[str, ...], str | None, str | None]]:
    """``(chapter, key columns, k, row key, old verdict, new verdict)`` for every verdict that changed, appeared or
    disappeared (:func:`verdicts`; ``k`` the new edition's table, or the old one's for a table no longer shown). Tables
    of a chapter keyed by the same columns are paired by the rows they share, most first (a table that moved or was
    split keeps its rows' history); every verdict of a table left unpaired is new or removed."""
    out = []
    for chapter, columns in sorted({(c, cols) for c, cols, _ in [*old, *new]}):
        olds = {k: rows for (c, cols, k), rows in old.items() if (c, cols) == (chapter, columns)}
        news = {k: rows for (c, cols, k), rows in new.items() if (c, cols) == (chapter, columns)}
        shared = sorted(
            ((len(set(olds[i]) & set(news[j])), j, i) for i in olds for j in news),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        pairs: dict[int, int] = {}
        for overlap, j, i in shared:
            if overlap and j not in pairs and i not in pairs.values():
                pairs[j] = i
        for j, rows in news.items():
            before = olds.get(pairs[j], {}) if j in pairs else {}
            out += [
                (chapter, columns, j, key, before.get(key), rows.get(key))
                for key in sorted(set(before) | set(rows))
                if before.get(key) != rows.get(key)
            ]
        for i in sorted(set(olds) - set(pairs.values())):
            out += [(chapter, columns, i, key, verdict, None) for key, verdict in sorted(olds[i].items())]
    return _moved_between_tables(out)


def _moved_between_tables(changes: list) -> list:
    """A row that left one of a chapter's tables and appeared in another keyed by the same columns moved: with the
    same verdict it did not change (both entries dropped), with another it is one change, old → new (in the table it
    is now shown in). Each disappearance answers one appearance, in table order."""
    gone: dict[tuple, list[int]] = {}
    for n, (chapter, columns, _, key, a, b) in enumerate(changes):
        if b is None:
            gone.setdefault((chapter, columns, key), []).append(n)
    dropped: set[int] = set()
    merged: dict[int, tuple] = {}
    for n, (chapter, columns, k, key, a, b) in enumerate(changes):
        if a is not None or not gone.get((chapter, columns, key)):
            continue
        m = gone[(chapter, columns, key)].pop(0)
        dropped.add(m)
        before = changes[m][4]
        if before == b:
            dropped.add(n)
        else:
            merged[n] = (chapter, columns, k, key, before, b)
    return [merged.get(n, c) for n, c in enumerate(changes) if n not in dropped]


def glue_changes(
    old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]
) -> list[tuple[str, str, str | None, str | None]]:
    """``(chapter, name, old, new)`` for every glued value that changed, appeared or disappeared."""
    out = []
    for chapter in sorted(set(old) | set(new)):
        a, b = old.get(chapter, {}), new.get(chapter, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                out.append((chapter, name, a.get(name), b.get(name)))
    return out


def _snapshot(root: Path, commit: str, dest: Path) -> Path:
    """``data/`` and ``book/`` of a commit, unpacked into ``dest`` (git archive: no checkout)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = git(root, "archive", "--format=tar", commit, "data", "book", binary=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def changelog(root: Path, releases: list[Release] | None = None, limit: int = 200) -> str:
    """CHANGELOG.md: each recorded edition, newest first, with the data rows, the verdicts and the values
    quoted in the prose that changed since the previous edition (at most ``limit`` of each listed). Made from the
    recorded commits only, so it changes when an edition is recorded, not with the working tree."""
    from herd.presentation.findings import glued_values

    releases = load_releases(root) if releases is None else releases
    lines = [
        "# Changelog",
        "",
        f"The editions of *{TITLE}* recorded in `{EDITIONS_FILE}`, newest first. For each: the data rows that",
        "changed since the previous edition (by table and primary key, every changed value old → new), every",
        "verdict in the chapters' tables and every value the chapters quote in their prose (myst-nb glue) that",
        "changed, both read from each edition's executed notebooks, and why they moved, as the edition records it.",
        "Nothing is re-executed to make it.",
        "",
        "Generated by `make changelog` from the recorded commits; a test fails when this file is out of date.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="herd-changelog-") as tmp:
        snaps = [_snapshot(root, r.commit, Path(tmp) / r.name) for r in releases]
        for i in range(len(releases) - 1, -1, -1):
            r, snap = releases[i], snaps[i]
            lines += [f"## {r.name} ({r.date})", "", f"Commit `{r.commit}`. {r.summary}", ""]
            if r.why:
                lines += ["### Why verdicts and numbers moved", "", *(f"- {reason}" for reason in r.why), ""]
            if i == 0:
                tables = read_package(snap / "data")
                glue = glued_values(snap / "book")
                n_rows = sum(len(t["rows"]) for t in tables.values())
                n_glue = sum(len(v) for v in glue.values())
                n_verdicts = sum(len(v) for v in verdicts(snap / "book").values())
                lines += [
                    f"First edition: {len(tables)} tables with {n_rows:,} "
                    f"data rows; {n_verdicts} table rows with a verdict in the "
                    f"chapters; {n_glue} values quoted in the prose of {len(glue)} chapters.",
                    "",
                ]
            else:
                lines += _changes_since(snaps[i - 1], snap, releases[i - 1].name, limit)
    return "\n".join(lines).rstrip() + "\n"


def _changes_since(old: Path, new: Path, since: str, limit: int) -> list[str]:
    """The three sections of an edition's changes since the edition ``since`` (snapshots ``old`` and ``new``): its
    data rows, its verdicts and the values quoted in its prose."""
    from herd.presentation.findings import glued_values

    tables = data_changes(old / "data", new / "data")
    changed, added, removed = (sum(len(t[what]) for t in tables.values()) for what in ("changed", "added", "removed"))
    moved = verdict_changes(verdicts(old / "book"), verdicts(new / "book"))
    values = glue_changes(glued_values(old / "book"), glued_values(new / "book"))
    return [
        *_section(
            f"Data rows since {since}",
            f"{changed} row(s) changed, {added} added, {removed} removed.",
            _data_entries(tables),
            limit,
            " (compare the two commits' `data/` for the rest)",
        ),
        *_section(
            f"Verdicts since {since}",
            f"{len(moved)} verdict(s) changed, appeared or disappeared in the chapters' tables.",
            [
                (
                    f"{chapter}{f' (table {k} keyed so)' if k > 1 else ''}, ({', '.join(columns)}) = "
                    f"({', '.join(key)}): {a or '(new)'} → {b or '(removed)'}",
                    True,
                )
                for chapter, columns, k, key, a, b in moved
            ],
            None,
        ),
        *_section(
            f"Values quoted in the prose since {since}",
            f"{len(values)} value(s) changed, appeared or disappeared.",
            [
                (f"{chapter}, `{name}`: {_shown(a, '(new)')} → {_shown(b, '(removed)')}", True)
                for chapter, name, a, b in values
            ],
            None,
        ),
    ]


def _data_entries(tables: dict) -> list[tuple[str, bool]]:
    """The entries of the data section (:func:`_section`) from :func:`data_changes`: per table what changed in the
    table itself (new, removed, columns added or removed), then each changed, added and removed row."""
    entries = []
    for name, t in tables.items():
        key = ", ".join(t["key"])
        notes = (
            (t["new_table"], f"new table ({t['rows']} rows)"),
            (t["dropped_table"], "table removed"),
            (t["columns_added"], f"column(s) added: {', '.join(t['columns_added'])}"),
            (t["columns_removed"], f"column(s) removed: {', '.join(t['columns_removed'])}"),
        )
        entries += [(f"`{name}`: {note}", False) for present, note in notes if present]
        for c in t["changed"]:
            values = "; ".join(f"{f}: {a or '(blank)'} → {b or '(blank)'}" for f, a, b in c["changes"])
            entries.append((f"`{name}` ({key}) = ({', '.join(c['key'])}): {values}", True))
        if not t["new_table"]:
            for label, keys in (("added", t["added"]), ("removed", t["removed"])):
                entries += [(f"`{name}` ({key}) = ({', '.join(k)}): row {label}", True) for k in keys]
    return entries


LONGEST_VALUE = 160
"""The characters of a quoted value the changelog shows; a longer one (a record glued whole for a chart or a table)
is cut there and its length given."""


def _shown(value: str | None, absent: str) -> str:
    """A quoted value as the changelog lists it: ``absent`` when there is none, cut at :data:`LONGEST_VALUE`."""
    if value is None:
        return absent
    return value if len(value) <= LONGEST_VALUE else f"{value[:LONGEST_VALUE]}… ({len(value):,} characters)"


def _section(heading: str, count: str, entries: list[tuple[str, bool]], limit: int | None, rest: str = "") -> list[str]:
    """One section of the changes since an edition: ``### heading``, the sentence ``count``, then a bullet per entry
    ``(text, counted)``. The counted ones (a row, a verdict, a value) are listed up to ``limit`` (all of them when
    ``None``), and those past it counted in a last bullet ending in ``rest``; the others (what changed in a whole
    table) are always listed."""
    out = [f"### {heading}", "", count, ""]
    counted = 0
    for text, counts in entries:
        if counts:
            counted += 1
        if not counts or limit is None or counted <= limit:
            out.append(f"- {text}")
    if limit is not None and counted > limit:
        out.append(f"- … and {counted - limit} more{rest}")
    return out + [""]
