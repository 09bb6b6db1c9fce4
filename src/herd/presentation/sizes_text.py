"""The N every benchmark's tests use, in words and tables (from :mod:`herd.method.sample_sizes`).

What N a macro average's test uses at some scores, the N the book uses for some benchmarks as prose, the N the
printed intervals imply beside each official size (the data chapter), and a printed table's benchmarks with their N
and the notes under them (the benchmarks chapter).
"""

from __future__ import annotations

import html

import pandas as pd

from herd.base import formats, markup
from herd.method.sample_sizes import macro_average_range, package_sizes
from herd.method.stats import metric_kind
from herd.record.score_tables import ScoreTable, benchmarks_of


def macro_average_text(package, benchmark: str, scores, where: str = "these scores") -> str:
    """What N a macro average's test uses, as the book writes it: the variance bound over its recorded subsets, the
    effective N at ``scores`` (:func:`herd.method.sample_sizes.macro_average_range`; ``where`` names them) and the
    subsets' total."""
    sizes = package.benchmark_subsets.query("benchmark == @benchmark")["n"].tolist()
    low, high = macro_average_range(sizes, scores)
    effective = formats.count(low) if round(low) == round(high) else formats.span(low, high)
    return (
        f"the test uses the variance bound over its {formats.count(len(sizes))} subsets (effective N {effective} "
        f"at {where}); {formats.count(sum(sizes))} is the total"
    )


def sizes_text(package, benchmarks) -> str:
    """The N the book uses for some benchmarks, in their order, as prose: ``21, 28 and 80``."""
    n = package_sizes(package).set_index("benchmark")["n"]
    missing = [b for b in benchmarks if b not in n.index or pd.isna(n[b])]
    if missing:
        raise ValueError(f"no N for {', '.join(missing)}")
    return formats.listing([formats.count(n[b]) for b in benchmarks])


def inversion_table(package) -> pd.DataFrame:
    """The N each benchmark's printed intervals imply (lowest and highest over its cells), for every
    benchmark with printed intervals, beside its official size and the N the book uses:
    ``name``, ``test_set_size``, ``n``, ``basis``, ``n_from_ci_min``, ``n_from_ci_max``. A macro average whose
    subset sizes are recorded has no one N: its tests use the variance bound at their two scores, so ``n`` is blank
    and ``basis`` gives the effective N over its printed scores (:func:`macro_average_text`)."""
    implied = package_sizes(package).merge(
        package.benchmarks[["key", "name", "test_set_size"]], left_on="benchmark", right_on="key"
    )
    implied = implied[implied["n_from_ci_min"].notna()].copy()
    with_subsets = set(package.benchmark_subsets["benchmark"])
    macro = (implied["kind"] == "macro-average") & implied["benchmark"].isin(with_subsets)
    printed = package.scores[package.scores["score"].between(0, 100, inclusive="neither")]
    implied.loc[macro, "basis"] = [
        macro_average_text(package, b, printed.loc[printed["benchmark"] == b, "score"], "its printed scores")
        for b in implied.loc[macro, "benchmark"]
    ]
    implied.loc[macro, "n"] = pd.NA
    return implied[["name", "test_set_size", "n", "basis", "n_from_ci_min", "n_from_ci_max"]]


def sizes_table(package, printed: ScoreTable) -> pd.DataFrame:
    """The benchmarks of a printed table: what each score is, the N its uncertainty rests on (or why
    none), and where N comes from (an HTML link with its location; show it unescaped).

    Parameters
    ----------
    package
        The data package.
    printed
        The table (:func:`herd.record.score_tables.read`).

    Returns
    -------
    pandas.DataFrame
        ``benchmark``, ``N used``, ``kind``, ``what the score is``, ``source of N``.
    """
    sizes = package_sizes(package).set_index("benchmark")
    sources = package.sources.set_index("key")
    rows = []
    for _, b in benchmarks_of(package, printed).iterrows():
        n = sizes.loc[b["key"], "n"]
        kind = metric_kind(b["metric_kind"])
        subsets = package.benchmark_subsets.query("benchmark == @b['key']")
        if b["metric_kind"] == "macro-average" and len(subsets):
            n_text = (
                f"{len(subsets)} subsets of {formats.span(subsets['n'].min(), subsets['n'].max())} "
                f"(total {formats.count(subsets['n'].sum())})"
            )
        elif pd.notna(n):
            n_text = formats.count(n) + (
                "" if sizes.loc[b["key"], "basis"] == "official" else f" ({sizes.loc[b['key'], 'basis']})"
            )
        else:
            n_text = "none"
        rows.append(
            {
                "benchmark": b["name"],
                "N used": n_text if kind.testable else "no test: " + kind.basis,
                "kind": b["metric_kind"],
                "what the score is": b["metric"],
                "source of N": markup.link(sources.loc[b["size_source"], "title"], sources.loc[b["size_source"], "url"])
                + f" ({html.escape(b['size_location'])})",
            }
        )
    return pd.DataFrame(rows)


def size_notes(package, printed: ScoreTable) -> str:
    """The notes on N of a printed table's benchmarks, as a Markdown list under a heading: each benchmark's
    ``size_note``, and for a macro average whose subset sizes are recorded what N its tests use at this table's
    scores (:func:`macro_average_text`)."""
    shown = benchmarks_of(package, printed)
    with_subsets = set(package.benchmark_subsets["benchmark"])
    lines = []
    for key, name, kind, note in zip(shown["key"], shown["name"], shown["metric_kind"], shown["size_note"]):
        parts = [] if pd.isna(note) else [str(note)]
        cells = printed.cells[(printed.cells["benchmark"] == key) & printed.cells["score"].between(0, 100, "neither")]
        if kind == "macro-average" and key in with_subsets and len(cells):
            told = macro_average_text(package, key, cells["score"], "this table's scores")
            parts.append(told[0].upper() + told[1:] + ".")
        if parts:
            lines.append(f"- *{name}*: " + " ".join(parts))
    return "**Notes on N.**\n\n" + "\n".join(lines)
