"""Where the numbers of the data page (*Data and sources*) come from: its counts, tables and printed values.

The page describes the data package itself, so most of its numbers are counts of rows (the function that counts
them is named, with the rows counted), a few are values read from one row (a score as its source prints it, a
table's page, a fact), and the N of its last table are computed from the printed intervals
(:func:`herd.method.sample_sizes.package_sizes`). Each function returns the lineage of one group of numbers or
of one table's cells (a lineage, a mapping of column to lineage, or a function of row position and column).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from herd.base import formats
from herd.base.lineage import Lineage, call, computed
from herd.method import sample_sizes
from herd.presentation import downloads
from herd.record import data, provenance, score_tables
from herd.record import lineage as rows_of

# The tables whose ``source`` column cites a document, and the one column of benchmarks.csv that does
# (as :func:`herd.record.provenance.sources_table` counts them).
CITING = ("models", "scores", "facts", "parallelism", "interruptions", "contamination", "claims")


def _all_rows(package) -> tuple:
    return tuple(read for name in package.tables for read in rows_of.rows(package, name))


def package_glue(package) -> dict[str, Lineage]:
    """The counts of the page's answer and the package's checksum and archive."""
    resources = ", ".join(package.tables)
    return {
        "n_rows": computed(data.row_count, _all_rows(package), output="the rows of every table"),
        "n_tables": computed(
            data.overview, output="its rows (counted)", note=f"the resources of data/datapackage.json: {resources}"
        ),
        "n_sources": computed(provenance.sources_table, rows_of.rows(package, "sources"), output="its rows (counted)"),
        "sha": computed(
            data.checksum, output="the digest", note="SHA-256 over data/datapackage.json and every file it lists"
        ),
        "archive": computed(
            downloads.data_archive, output="the archive", note="every file of data/ with datapackage.json and README"
        ),
    }


def disagreement_count(package) -> Lineage:
    """The pairs of printed values that differ (:func:`provenance.disagreements`), read from every score."""
    return computed(provenance.disagreements, rows_of.rows(package, "scores"), output="its rows (counted)")


def overview(package) -> dict[str, Callable[[int], Lineage]]:
    """Each table's row count in :func:`data.overview` (its column ``rows``), with the rows counted, and what a row is
    (its column ``a row is``)."""
    names = [r["name"] for r in package.descriptor["resources"]]

    def lineage(column: str) -> Callable[[int], Lineage]:
        return lambda i: computed(
            data.overview, rows_of.rows(package, names[i]), output=f"row {names[i]!r}, column {column!r}"
        )

    # what a row is: the table's description in data/datapackage.json (for claims, counted from its rows)
    return {"rows": lineage("rows"), "a row is": lineage("a row is")}


def sources(package) -> dict[str, Callable[[int], Lineage]]:
    """The rows citing each document (:func:`provenance.sources_table`): the document's row of ``sources.csv``
    and the rows of every table that name it (``source``, or ``size_source`` in ``benchmarks.csv``), for its
    column ``rows citing it`` (and for its columns ``document`` and ``version``, its row's title and version)."""
    keys = list(package.sources["key"])

    def lineage(i: int, column: str) -> Lineage:
        key = keys[i]
        reads = rows_of.rows(package, "sources", package.sources[package.sources["key"] == key])
        for name in CITING:
            table = package.tables[name]
            hit = table[table["source"] == key]
            reads += rows_of.rows(package, name, hit) if len(hit) else ()
        bench = package.benchmarks[package.benchmarks["size_source"] == key]
        reads += rows_of.rows(package, "benchmarks", bench) if len(bench) else ()
        return computed(provenance.sources_table, reads, output=f"row {key!r}, column {column!r}")

    # the document's title and version are its row's, read with the rows that cite it
    return {column: partial(lineage, column=column) for column in ("rows citing it", "document", "version")}


def schema(package, name: str) -> Lineage:
    """The schema table of one table of the package (:func:`data.schema_table`): its fields as
    ``data/datapackage.json`` declares them (types, units, allowed values and meaning)."""
    return computed(
        data.schema_table, note=f"the schema of data/{name}.csv in data/datapackage.json", output="the table", name=name
    )


def printed_tables(package) -> Callable[[int, str], Lineage]:
    """The table of printed score tables (:func:`score_tables.overview`): each page read from its row of
    ``score_tables.csv``, the counts of models, rows and cells computed from the table's scores."""
    keys = score_tables.overview(package)[["source", "table"]].reset_index(drop=True)
    page = rows_of.cells(package, "score_tables", keys, "page", formats.count)
    scores = package.tables["scores"]

    def lineage(i: int, column: str) -> Lineage:
        if column == "page":
            return page(i)
        source, table = keys["source"].iloc[i], keys["table"].iloc[i]
        cells = scores[(scores["source"] == source) & (scores["table"] == table)]
        return computed(
            score_tables.overview,
            rows_of.rows(package, "scores", cells),
            output=f"row {source} {table}, column {column!r}",
        )

    return lineage


def disagreement_cells(package, disagree: pd.DataFrame) -> Callable[[int, str], Lineage | None]:
    """The disagreement table (``disagree`` from :func:`provenance.disagreements` of
    :func:`provenance.scores_as_printed`): value A and value B each read from its row of ``scores.csv``, written to
    the places its source prints it; their difference computed from the two rows."""

    def value(i: int, side: str) -> Lineage:
        row = disagree.iloc[i]
        key = {"source": row[f"source{side}"], "table": row[f"table{side}"], "row_label": row[f"row_label{side}"]}
        return rows_of.data_lineage(
            package, "scores", key | {"model": row["model"]}, "score", formats.number, int(row[f"decimals{side}"])
        )

    def lineage(i: int, column: str) -> Lineage | None:
        if column == "value A":
            return value(i, "_a")
        if column == "value B":
            return value(i, "_b")
        reads = value(i, "_a").reads + value(i, "_b").reads
        return computed(
            provenance.disagreements, reads, output=f"column {column!r}", after=[call(provenance.scores_as_printed)]
        )

    return lineage


def sizes(package, benchmarks, output: str | None = None) -> Lineage:
    """The N of some benchmarks (:func:`sample_sizes.package_sizes`): official, or implied by the printed intervals."""
    scores = package.tables["scores"]
    printed = scores[scores["benchmark"].isin(list(benchmarks)) & scores["ci95"].notna()]
    return computed(
        sample_sizes.package_sizes,
        rows_of.rows_where(package, "benchmarks", "key", benchmarks) + rows_of.rows(package, "scores", printed),
        output=output or f"column n of the rows {', '.join(map(str, benchmarks))}",
    )


def inversion_cells(package, inversion: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """Each row of :func:`herd.presentation.sizes_text.inversion_table` (named by the benchmark's name): its official
    size, the N used and the N its printed intervals imply (:func:`sample_sizes.package_sizes`)."""
    keys = inversion["name"].map(package.benchmarks.set_index("name")["key"]).tolist()
    return lambda i, column: sizes(package, [keys[i]], f"row {keys[i]!r} (column {column!r} of the inversion)")


def inversion_glue(package, inversion: pd.DataFrame) -> Lineage:
    """How many official sizes the implied N reach (:func:`sample_sizes.inversion_agreement`), and its tolerance."""
    keys = inversion.dropna(subset=["test_set_size"])["name"].map(package.benchmarks.set_index("name")["key"])
    return computed(
        sample_sizes.inversion_agreement,
        sizes(package, list(keys)).reads,
        output="the counts of sizes reached",
        after=[call(sample_sizes.package_sizes)],
        tolerance=sample_sizes.INVERSION_TOLERANCE,
    )


def entry(package) -> Lineage:
    """How the printed tables were entered (:func:`score_tables.entry_summary`, from ``score_tables.csv``)."""
    return computed(score_tables.entry_summary, rows_of.rows(package, "score_tables"), output="the sentence")
