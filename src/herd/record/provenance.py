"""Where each number comes from: coverage of the record and disagreements between sources.

The data package keeps every printed value with its own source, even when two sources
print different values for the same thing. These helpers find such pairs and
summarise which source covers which model and benchmark, so the book can show the
disagreements instead of choosing silently.
"""

from __future__ import annotations

import pandas as pd

from . import data


def cell_reference(row) -> str:
    """Where a printed score comes from (a row of ``scores.csv``), as :func:`herd.record.data.cell_reference`
    writes it."""
    return data.cell_reference(row["source"], row["table"], row.get("page"))


def stored_decimals(package) -> pd.Series:
    """The decimal places of each score as ``data/scores.csv`` stores it, which is as its source prints it (``62.12``
    has 2, ``72.0`` has 1, ``93`` none; a blank score is missing): one value per row of ``package.scores``, read from
    the file's text, since a number read as a float keeps no trailing zero."""
    from .tabular import resource_file

    file = resource_file(package.path, package.resource("scores"))
    text = pd.read_csv(file, dtype=str, keep_default_na=False, usecols=["score"])["score"].str.strip()
    if len(text) != len(package.scores):
        raise ValueError(f"{file}: {len(text)} rows as text but {len(package.scores)} loaded")
    places = text.str.partition(".")[2].str.len().where(text != "")
    return pd.Series(places.to_numpy(), index=package.scores.index, dtype="Int64", name="decimals")


def scores_as_printed(package) -> pd.DataFrame:
    """``package.scores`` with ``decimals``, the places each score is printed to (:func:`stored_decimals`)."""
    return package.scores.assign(decimals=stored_decimals(package))


def disagreements(scores: pd.DataFrame) -> pd.DataFrame:
    """Every pair of printed scores for the same model and benchmark, from different
    sources or tables, whose values differ.

    Pairs printed under explicitly different shot counts (MMLU 5-shot against MMLU
    0-shot) are different measurements and are left out. ``setting`` says how
    comparable the rest are: ``same printed setting``, ``shots printed by one source
    only``, or ``CoT in one, not the other``. Each value's row of ``scores.csv`` is named by ``model``,
    ``source_a``, ``table_a`` and ``row_label_a`` (and the same with ``_b``). Where ``scores`` has
    ``decimals`` (:func:`scores_as_printed`), each pair keeps them as ``decimals_a`` and ``decimals_b``.
    """
    s = scores.dropna(subset=["score"]).copy()
    s["ref"] = s.apply(cell_reference, axis=1)
    places = ["decimals"] if "decimals" in s else []
    cols = ["model", "benchmark", "training", "row_label", "shots", "cot", "score", "ref", "source", "table", *places]
    pairs = s[cols].merge(s[cols], on=["model", "benchmark", "training"], suffixes=("_a", "_b"))
    pairs = pairs[(pairs["ref_a"] < pairs["ref_b"]) & (pairs["score_a"] != pairs["score_b"])]
    both_known = pairs["shots_a"].notna() & pairs["shots_b"].notna()
    pairs = pairs[~(both_known & (pairs["shots_a"] != pairs["shots_b"]).fillna(False))]
    one_known = pairs["shots_a"].isna() != pairs["shots_b"].isna()
    pairs["setting"] = "same printed setting"
    pairs.loc[one_known, "setting"] = "shots printed by one source only"
    pairs.loc[pairs["cot_a"] != pairs["cot_b"], "setting"] = "CoT in one, not the other"
    pairs["same_setting"] = pairs["setting"] == "same printed setting"
    # The same benchmark printed twice in one table under different settings (e.g. MMLU 5-shot and 0-shot CoT)
    # is not a disagreement.
    pairs = pairs[~((pairs["source_a"] == pairs["source_b"]) & (pairs["table_a"] == pairs["table_b"]))]
    pairs["difference"] = (pairs["score_a"] - pairs["score_b"]).round(2)
    keep = [
        "model",
        "benchmark",
        "training",
        "row_label_a",
        "score_a",
        "ref_a",
        "row_label_b",
        "score_b",
        "ref_b",
        "source_a",
        "table_a",
        "source_b",
        "table_b",
        "difference",
        "setting",
        "same_setting",
    ] + [f"decimals{side}" for side in ("_a", "_b") if places]
    return (
        pairs[keep]
        .sort_values(["same_setting", "model", "benchmark"], ascending=[False, True, True])
        .reset_index(drop=True)
    )


def coverage(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, benchmark, source table) with the number of printed cells."""
    s = scores.copy()
    s["table_ref"] = s["source"] + " · " + s["table"]
    grouped = s.groupby(["model", "benchmark", "table_ref"], as_index=False).agg(
        cells=("row_label", "count"),
        printed=("score", lambda x: int(x.notna().sum())),
        page=("page", "first"),
        rows=("row_label", lambda x: "; ".join(dict.fromkeys(x))),
    )
    return grouped


def sources_table(package) -> pd.DataFrame:
    """Every cited document: its title linked to its address (HTML), version (a git commit shortened to
    12 characters), date, the rows of the package that cite it, publisher, kind and key."""
    import html

    from herd.base import markup

    cites = pd.concat(
        [
            package.tables[name]["source"].rename("key")
            for name in ("models", "scores", "facts", "parallelism", "interruptions", "contamination", "claims")
        ]
        + [package.benchmarks["size_source"].rename("key")]
    ).value_counts()
    src = package.sources.copy()
    src["document"] = [markup.link(t, u) if pd.notna(u) else html.escape(t) for t, u in zip(src["title"], src["url"])]
    src["rows citing it"] = src["key"].map(cites).fillna(0).astype(int)
    src["date"] = src["date"].dt.strftime("%Y-%m-%d").fillna("")
    src["version"] = [
        f"commit {v[:12]}" if isinstance(v, str) and len(v) == 40 and all(c in "0123456789abcdef" for c in v) else v
        for v in src["version"]
    ]
    return src[["document", "version", "date", "rows citing it", "publisher", "kind", "key"]]


def coverage_cells(package, tables_shown="all") -> pd.DataFrame:
    """One row per model and benchmark with a printed score: which kind of source prints it (paper,
    model card or both), where, how many cells, the names and the package's order of both (the rows
    :func:`herd.presentation.charts.coverage_matrix` draws). ``tables_shown`` is ``"all"`` or a list of table names."""
    cover = coverage(package.scores)
    if tables_shown != "all":
        cover = cover[cover["table_ref"].str.split(" · ").str[1].isin(tables_shown)]
    cover["kind"] = cover["table_ref"].str.startswith("llama3-paper").map({True: "paper", False: "model card"})
    cell = (
        cover.groupby(["model", "benchmark"])
        .agg(
            kinds=("kind", lambda k: " and ".join(sorted(set(k)))),
            where=("table_ref", lambda t: "; ".join(t)),
            printed=("printed", "sum"),
        )
        .reset_index()
    )
    cell["covered_by"] = cell["kinds"].map(
        {"paper": "paper only", "model card": "model card only", "model card and paper": "paper and model card"}
    )
    models = package.models.reset_index(drop=True)
    benchmarks = package.benchmarks.reset_index(drop=True)
    cell["model_name"] = cell["model"].map(models.set_index("key")["name"])
    cell["model_order"] = cell["model"].map({k: i for i, k in enumerate(models["key"])})
    cell["benchmark_name"] = cell["benchmark"].map(benchmarks.set_index("key")["name"])
    cell["bench_order"] = cell["benchmark"].map({k: i for i, k in enumerate(benchmarks["key"])})
    return cell


def disagreement_table(package, disagree: pd.DataFrame) -> pd.DataFrame:
    """:func:`disagreements` with model and benchmark names, as the data chapter shows them. Where the pairs carry
    their ``decimals`` (:func:`scores_as_printed`), each value is written to the places its source prints it and the
    difference to the places of the finer of the two (``62.12``, ``62.1``, ``+0.02``), so that no listed
    disagreement reads as ``0.0``."""
    from herd.base import formats

    names = package.models.set_index("key")["name"]
    bnames = package.benchmarks.set_index("key")["name"]
    shown = disagree.assign(model=disagree["model"].map(names), benchmark=disagree["benchmark"].map(bnames))
    if "decimals_a" in disagree and "decimals_b" in disagree:
        finer = [max(int(a), int(b)) for a, b in zip(disagree["decimals_a"], disagree["decimals_b"])]
        shown["score_a"] = [formats.number(v, int(d)) for v, d in zip(disagree["score_a"], disagree["decimals_a"])]
        shown["score_b"] = [formats.number(v, int(d)) for v, d in zip(disagree["score_b"], disagree["decimals_b"])]
        shown["difference"] = [formats.gap(v, d) for v, d in zip(disagree["difference"], finer)]
    return shown
