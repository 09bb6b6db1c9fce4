"""The printed score tables: which ones the data package holds, what each shows, which models it prints.

A chapter names a table by its source key and its table name (``data/score_tables.csv``);
everything it says about the table (its name in prose, its page, what it compares, how it
marks the best results, how it was entered) comes from that row, so the chapter reads any
table added as data.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import data
from .params import ParameterError


@dataclass(frozen=True)
class ScoreTable:
    """One printed table of scores, with its metadata and its cells."""

    source: str
    table: str
    name: str
    page: int | None
    compares: str
    highlight: str
    entry: str
    citation: str
    url: str
    cells: pd.DataFrame

    @property
    def models(self) -> list[str]:
        """The models the table prints, in the order of their first cell."""
        return list(dict.fromkeys(self.cells["model"]))

    @property
    def rows(self) -> list[str]:
        """The benchmark rows, in printed order."""
        return list(dict.fromkeys(self.cells["row_label"]))

    @property
    def marks_best(self) -> bool:
        return bool(self.highlight)

    def reading(self) -> str:
        """How a reader is invited to read the table, one sentence."""
        if self.highlight:
            return (f"It marks the best results ({self.highlight}), and a marked number reads as "
                    "“this model is better”.")
        return "It marks no best result, but a higher number reads as “this model is better”."


def available(package) -> list[str]:
    """Every table as ``"source: table"``, the form the chapters' parameter checks list."""
    meta = package.score_tables
    return [f"{s}: {t}" for s, t in zip(meta["source"], meta["table"])]


def read(package, source: str, table: str) -> ScoreTable:
    """The table ``table`` of ``source``, or a ParameterError listing the tables there are."""
    meta = package.score_tables
    hit = meta[(meta["source"] == source) & (meta["table"] == table)]
    if hit.empty:
        raise ParameterError(f"no score table {source!r}: {table!r} in data/score_tables.csv; there are: "
                             + ", ".join(repr(t) for t in available(package)))
    row = hit.iloc[0]
    scores = package.scores
    cells = scores[(scores["source"] == source) & (scores["table"] == table)].reset_index(drop=True)
    if cells.empty:
        raise data.DataError("data/scores.csv", f"no cells for the table {source!r}: {table!r} that score_tables.csv lists")
    page = None if pd.isna(row["page"]) else int(row["page"])
    url = package.sources.set_index("key").loc[source, "url"]
    return ScoreTable(
        source=source, table=table, name=str(row["name"]), page=page, compares=str(row["compares"]),
        highlight="" if pd.isna(row["highlight"]) else str(row["highlight"]), entry=str(row["entry"]),
        citation=data.cite(package, source, str(row["location"]), page), url="" if pd.isna(url) else str(url),
        cells=cells,
    )


def printed_models(package, source: str, table: str) -> list[str]:
    """The models a table prints (for a chapter's parameter check)."""
    return read(package, source, table).models


def other_versions(package, cells: pd.DataFrame) -> pd.DataFrame:
    """For each benchmark of ``cells`` that is another version of a benchmark (``version_of`` in
    benchmarks.csv), the same models' scores on the other version wherever the package has them:
    the two are different tests, never compared with each other.

    Columns: benchmark, name, other (the other version's key), other_name, model, score here,
    score on the other version, and the table that prints it (its name in prose).
    """
    bench = package.benchmarks.set_index("key")
    scores = package.scores
    names = {(r.source, r.table): r.name for r in package.score_tables.itertuples()}
    rows = []
    for key in dict.fromkeys(cells["benchmark"]):
        related = set()
        if pd.notna(bench.loc[key, "version_of"]):
            related.add(bench.loc[key, "version_of"])
        related |= set(bench.index[bench["version_of"] == key])
        for other in sorted(related):
            for r in cells[cells["benchmark"] == key].itertuples():
                there = scores[(scores["benchmark"] == other) & (scores["model"] == r.model) & scores["score"].notna()]
                for t in there.itertuples():
                    rows.append({"benchmark": key, "name": bench.loc[key, "name"], "other": other,
                                 "other_name": bench.loc[other, "name"], "model": r.model, "score": r.score,
                                 "other_score": t.score, "other_where": names.get((t.source, t.table), f"{t.source}: {t.table}"),
                                 "other_row": t.row_label})
    return pd.DataFrame(rows, columns=["benchmark", "name", "other", "other_name", "model", "score", "other_score",
                                       "other_where", "other_row"])
