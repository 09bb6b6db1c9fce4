"""The printed score tables: which ones the data package holds, what each shows, which models it prints.

A chapter names a table by its source key and its table name (``data/score_tables.csv``);
everything it says about the table (its name in prose, its page, what it compares, how it
marks the best results, how it was entered) comes from that row, so the chapter reads any
table added as data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from herd.base.params import ParameterError

from . import data


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

    def reading(self) -> str:
        """How a reader is invited to read the table, one sentence."""
        if self.highlight:
            return f"It marks the best results ({self.highlight}), and a marked number reads as “this model is better”."
        return "It marks no best result, but a higher number reads as “this model is better”."


def available(package) -> list[str]:
    """Every table as ``"source: table"``, the form the chapters' parameter checks list."""
    meta = package.score_tables
    return [f"{s}: {t}" for s, t in zip(meta["source"], meta["table"])]


def printing(package, model: str, choose: tuple[str, str] = ("source", "table")) -> str:
    """Where ``model`` is printed, for a parameter error that rejects it from the chosen table: the tables
    (``"source: table"``) holding a score of it, and the parameters ``choose`` that choose a table; or that
    none does."""
    scores = package.scores
    hit = scores[scores["model"] == model][["source", "table"]].drop_duplicates()
    if hit.empty:
        return f"no table of data/scores.csv prints {model!r}"
    where = ", ".join(f"'{s}: {t}'" for s, t in zip(hit["source"], hit["table"]))
    return f"{model!r} is printed in {where} (choose one with the parameters `{choose[0]}` and `{choose[1]}`)"


SECOND_COPIES = "data/transcriptions/"


def _entry_how(entry: str, opening: str) -> str:
    """What an ``entry`` of score_tables.csv says after its ``opening`` words ("entered twice", "entered
    once"), without the joining words: ``independently``, ``spot-checked (tests/test_data.py)``."""
    rest = entry.split(opening, 1)[1] if opening in entry else entry
    rest = rest.lstrip(" ;,")
    return rest.removeprefix("and ").strip()


def _numbered(tables: list[str]) -> str:
    """``Table 2``, ``Table 9`` … ``Table 14`` as ``2, 9–14``: runs of consecutive numbers joined."""
    from herd.base import formats

    numbers = sorted(int(t.split()[-1]) for t in tables)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return formats.listing([f"{r[0]}–{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs])


def _group_label(group: pd.DataFrame) -> str:
    """The tables of one source entered alike, as prose: ``the paper's 15 tables (Tables 2, 9–14, …)`` when
    their names share the source's possessive and are numbered tables, else their names."""
    from herd.base import formats

    names, tables = list(group["name"]), list(group["table"])
    prefixes = {name.removesuffix(table) for name, table in zip(names, tables)}
    numbered = all(t.startswith("Table ") and t.split()[-1].isdigit() for t in tables)
    if len(group) > 1 and numbered and len(prefixes) == 1 and all(n.endswith(t) for n, t in zip(names, tables)):
        return f"{prefixes.pop()}{len(group)} tables (Tables {_numbered(tables)})"
    owners = {name.rsplit("'s ", 1)[0] for name in names}
    if len(group) > 1 and len(owners) == 1 and all("'s " in n and n.endswith(" table") for n in names):
        kinds = [n.rsplit("'s ", 1)[1].removesuffix(" table") for n in names]
        return f"{owners.pop()}'s {formats.listing(kinds)} tables"
    return formats.listing(names)


def entry_summary(package) -> dict[str, str]:
    """How the printed tables were entered, from their ``entry`` in score_tables.csv, as the data chapter
    writes it: ``twice`` (the tables with a second copy, grouped by source and by how the second copy was
    made, each with its count) and ``once`` (Markdown: a sentence and a list of the others, each with its
    cells and how it was checked), with ``n_twice``, ``n_once`` and ``n_tables``."""
    from herd.base import formats

    meta = package.score_tables.assign(entry=package.score_tables["entry"].fillna(""))
    twice = meta[meta["entry"].str.contains(SECOND_COPIES, regex=False)]
    once = meta.drop(twice.index)
    how = twice["entry"].map(lambda e: _entry_how(e, "entered twice").split(" and compared")[0].rstrip(" ,;"))
    groups = []
    for (_, manner), group in twice.assign(how=how).groupby(["source", "how"], sort=False):
        groups.append(f"{_group_label(group)}, {manner}" if manner else _group_label(group))
    cells = overview(package).set_index(["source", "table"])["printed"]
    items = [
        f"- {capitalized(r.name)} ({formats.noun(cells.get((r.source, r.table), 0), 'cell')}): "
        f"{_entry_how(r.entry, 'entered once')}."
        for r in once.itertuples()
    ]
    return {
        "n_tables": formats.count(len(meta)),
        "n_twice": formats.count(len(twice)),
        "n_once": formats.count(len(once)),
        "twice": "; ".join(groups),
        "once": (
            f"The other {formats.count(len(once))} were entered once, each checked as its row says:\n\n"
            + "\n".join(items)
            if items
            else "No table was entered only once."
        ),
    }


def read(package, source: str, table: str) -> ScoreTable:
    """The table ``table`` of ``source``, or a ParameterError listing the tables there are."""
    meta = package.score_tables
    hit = meta[(meta["source"] == source) & (meta["table"] == table)]
    if hit.empty:
        raise ParameterError(
            f"no score table {source!r}: {table!r} in data/score_tables.csv; there are: "
            + ", ".join(repr(t) for t in available(package))
        )
    row = hit.iloc[0]
    scores = package.scores
    cells = scores[(scores["source"] == source) & (scores["table"] == table)].reset_index(drop=True)
    if cells.empty:
        raise data.DataError(
            "data/scores.csv", f"no cells for the table {source!r}: {table!r} that score_tables.csv lists"
        )
    page = None if pd.isna(row["page"]) else int(row["page"])
    url = package.sources.set_index("key").loc[source, "url"]
    return ScoreTable(
        source=source,
        table=table,
        name=str(row["name"]),
        page=page,
        compares=str(row["compares"]),
        highlight="" if pd.isna(row["highlight"]) else str(row["highlight"]),
        entry=str(row["entry"]),
        citation=data.cite(package, source, str(row["location"]), page),
        url="" if pd.isna(url) else str(url),
        cells=cells,
    )


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
                    rows.append(
                        {
                            "benchmark": key,
                            "name": bench.loc[key, "name"],
                            "other": other,
                            "other_name": bench.loc[other, "name"],
                            "model": r.model,
                            "score": r.score,
                            "other_score": t.score,
                            "other_where": names.get((t.source, t.table), f"{t.source}: {t.table}"),
                            "other_row": t.row_label,
                        }
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "benchmark",
            "name",
            "other",
            "other_name",
            "model",
            "score",
            "other_score",
            "other_where",
            "other_row",
        ],
    )


def others(printed: ScoreTable, model: str) -> list[str]:
    """The models a table prints other than ``model``, in printed order."""
    return [m for m in printed.models if m != model]


def capitalized(text: str) -> str:
    """``text`` with its first letter in upper case (the rest kept): a table's name opening a sentence."""
    return text[:1].upper() + text[1:]


def benchmarks_of(package, printed: ScoreTable) -> pd.DataFrame:
    """The rows of ``benchmarks.csv`` that a printed table scores, in the order of that file."""
    return package.benchmarks[package.benchmarks["key"].isin(printed.cells["benchmark"])]


def footnoted(printed: ScoreTable, names) -> pd.DataFrame:
    """The cells a table footnotes (obtained in another setting than the row states), with each
    model's name: ``row_label``, ``model``, ``score``, ``marker``, ``footnote``."""
    marked = printed.cells.dropna(subset=["marker"])[["row_label", "model", "score", "marker", "footnote"]]
    return marked.assign(model=marked["model"].map(names))


def footnote_sentence(marked: pd.DataFrame) -> str:
    """What the chapter says about the footnoted cells (from :func:`footnoted`)."""
    if len(marked):
        return (
            f"The table's footnotes say that {len(marked)} of its "
            "cells were obtained with other prompting than the row "
            "states (zero-shot instead of few-shot, no chain of "
            "thought); a gap between such a cell and a cell obtained as "
            "the row states mixes model quality with prompt choice, so those pairs are shown but not tested:"
        )
    return (
        "No cell of the table carries a footnote saying it was obtained in another setting, so every "
        "pair of printed scores is compared like for like."
    )


def cells_of(printed: ScoreTable, models: list[str], names) -> pd.DataFrame:
    """The cells of some models, with each model's name in ``model_name``."""
    shown = printed.cells[printed.cells["model"].isin(models)]
    return shown.assign(model_name=shown["model"].map(names))


def other_versions_text(package, printed: ScoreTable, models: list[str], names) -> str:
    """A paragraph on the scores these models have on another version or subset of the table's
    benchmarks (:func:`other_versions`), which the book never compares; empty when there are none."""
    from herd.base import formats

    versions = other_versions(package, printed.cells[printed.cells["model"].isin(models)])
    if not len(versions):
        return ""
    lines = []
    for (bench_name, other_name), group in versions.groupby(["name", "other_name"], sort=False):
        per_model = []
        for model_key, g in group.groupby("model", sort=False):
            # one score printed in several places is written once, with every place
            by_score = g.groupby("other_score", sort=False)["other_where"].apply(list)
            there = " and ".join(
                f"{formats.number(score)} ({formats.listing(where)})" for score, where in by_score.items()
            )
            per_model.append(
                f"{names[model_key]} scores {formats.number(g['score'].iloc[0])} "
                f"on {bench_name} here, and {there} on {other_name}"
            )
        lines.append(f"- *{bench_name}* is not *{other_name}*: " + "; ".join(per_model) + ".")
    return (
        "**Other versions of the same benchmark.** The data package has scores for these models on another "
        "version or subset of some of these benchmarks. They are different tests, so the book never "
        "compares a score on one with a score on the other:\n\n" + "\n".join(lines)
    )


def overview(package) -> pd.DataFrame:
    """Every printed score table (``score_tables.csv``) with the models, rows and cells it prints and
    how many of its cells hold a number."""
    cells = package.scores.groupby(["source", "table"]).agg(
        models=("model", "nunique"), rows=("row_label", "nunique"), cells=("score", "size"), printed=("score", "count")
    )
    return package.score_tables.join(cells, on=["source", "table"])
