"""Where the numbers of the benchmarks chapter and the method page come from: their glued values' and tables' lineage.

Both pages judge comparisons of printed scores (rows of ``data/scores.csv``, named by ``source``, ``table``,
``row_label`` and ``model``) at the N of ``data/benchmarks.csv`` and ``data/benchmark_subsets.csv``, with
:mod:`herd.method.compare` (:func:`~herd.method.compare.against` and :func:`~herd.method.compare.judge_package`
judge a question, :func:`~herd.method.compare.orient` sees it from one model, :func:`~herd.method.compare.tally`
counts its verdicts). Each function here returns the lineage of one group of the pages' numbers: a printed score
names its row of ``scores.csv`` (the paper's table, page and row); a computed number names the method function
that computed it, the parameters that change it (the table, the models, ``alpha``, ``correction``, ``margin``) and
the rows it read. The method page's published examples name their method and the published inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from herd.analyses.contamination import selection
from herd.base import formats
from herd.base.lineage import Lineage, computed
from herd.method import compare, exact, families, rowwise, sample_sizes, score_test, stats
from herd.record import coverage, score_tables
from herd.record import lineage as rows_of

from . import compare_text, levels_text, method_text


def _subset(package, resource: str, **match) -> pd.DataFrame:
    table = package.tables[resource]
    keep = pd.Series(True, index=table.index)
    for column, wanted in match.items():
        keep &= table[column].isin(wanted) if isinstance(wanted, (list, tuple, set)) else table[column] == wanted
    return table[keep]


def _cells(package, source: str, table: str, models: Iterable[str] | None = None) -> pd.DataFrame:
    cells = _subset(package, "scores", source=source, table=table)
    return cells if models is None else cells[cells["model"].isin(list(models))]


def _benchmarks(package, keys) -> tuple:
    """The rows of ``benchmarks.csv`` (each benchmark's kind and N) and ``benchmark_subsets.csv`` (a macro average's
    subset sizes) of the benchmarks ``keys``."""
    keys = list(dict.fromkeys(keys))
    return rows_of.rows(package, "benchmarks", _subset(package, "benchmarks", key=keys)) + rows_of.rows(
        package, "benchmark_subsets", _subset(package, "benchmark_subsets", benchmark=keys)
    )


def _question_reads(package, source: str, table: str, models: Iterable[str]) -> tuple:
    """What judging a question on a printed table reads: the models' scores in it and their benchmarks' N."""
    cells = _cells(package, source, table, models)
    return rows_of.rows(package, "scores", cells) + _benchmarks(package, cells["benchmark"])


def _rules(rules: compare.Rules) -> dict:
    return {"alpha": rules.alpha, "correction": rules.correction, "margin": rules.margin}


def score_key(package, source: str, table: str, row_label: str, model: str) -> dict[str, str]:
    """The primary key of one printed score of ``scores.csv``; stops when the table prints no such cell."""
    key = {"source": source, "table": table, "row_label": row_label, "model": model}
    rows_of.row(package, "scores", **key)  # raises, naming the file and key, when the cell is not printed
    return key


def score(package, source: str, table: str, row_label: str, model: str) -> Lineage:
    """A printed score, read from its row of ``scores.csv`` (the source's table, page and row) and written as the
    tables print it (:func:`herd.base.formats.number`)."""
    key = score_key(package, source, table, row_label, model)
    return rows_of.data_lineage(package, "scores", key, "score", formats.number)


def first_printed(package, table: str, row_label: str, model: str) -> Lineage:
    """The score :func:`herd.presentation.method_text.printed_score` reads (the first source whose table has that
    name), from its row of ``scores.csv``."""
    cells = _subset(package, "scores", table=table, row_label=row_label, model=model)
    if cells.empty:
        raise KeyError(f"data/scores.csv: no score of {model!r} on {row_label!r} in a table named {table!r}")
    return score(package, str(cells.iloc[0]["source"]), table, row_label, model)


def printed_table(package, source: str, table: str, models: Iterable[str] = ()) -> Lineage:
    """What is read of a printed table (:func:`herd.record.score_tables.read`): its row of ``score_tables.csv``, its
    scores and the rows of ``models.csv`` of the ``models`` named."""
    meta = _subset(package, "score_tables", source=source, table=table)
    named = _subset(package, "models", key=list(models))
    return computed(
        score_tables.read,
        rows_of.rows(package, "score_tables", meta)
        + rows_of.rows(package, "scores", _cells(package, source, table))
        + rows_of.rows(package, "models", named),
        source=source,
        table=table,
    )


def question(
    package,
    source: str,
    table: str,
    focus: str,
    competitors: list[str],
    rules: compare.Rules,
    function: Callable = compare.against,
    **extra,
) -> Lineage:
    """The question "how does ``focus`` compare with each of ``competitors`` on every row of a printed table?" judged
    by :func:`herd.method.compare.against` (or the method ``function`` that computed a number from its verdicts,
    e.g. :func:`herd.method.compare.tally`), with the parameters that change it and the scores and N it read."""
    return computed(
        function,
        _question_reads(package, source, table, [focus, *competitors]),
        source=source,
        table=table,
        focus_model=focus,
        competitors=list(competitors),
        **_rules(rules),
        **extra,
    )


def comparison(package, seen: pd.DataFrame, rules: compare.Rules, function: Callable = compare.against, **extra):
    """Per row of :func:`herd.method.compare.orient` (``seen``, in the order shown): the lineage of that comparison,
    judged by ``function`` from the two printed scores and the benchmark's N, with the question's parameters."""

    def of(i: int, column: str | None = None) -> Lineage:
        r = seen.iloc[i]
        models = [r["focus"], r["competitor"]]
        frame = _subset(package, "scores", source=r["source"], table=r["table"], row_label=r["row_label"], model=models)
        return computed(
            function,
            rows_of.rows(package, "scores", frame) + _benchmarks(package, [r["benchmark"]]),
            source=r["source"],
            table=r["table"],
            row_label=r["row_label"],
            focus_model=r["focus"],
            competitor=r["competitor"],
            **_rules(rules),
            **extra,
        )

    return of


# ---------------------------------------------------------------- the benchmarks chapter


def opening(package, printed, focus: str, competitors: list[str], rules: compare.Rules) -> dict[str, Lineage]:
    """The chapter's opening: the printed table and the focus model (:func:`herd.record.score_tables.read`) and the
    number of competitors the question asks about (:func:`herd.method.compare.against`)."""
    table = printed_table(package, printed.source, printed.table, [focus])
    return {
        "table_name": table,
        "focus_name": table,
        "n_competitors": question(package, printed.source, printed.table, focus, competitors, rules),
        "margin_text": question(package, printed.source, printed.table, focus, competitors, rules),
    }


def table_facts(package, printed) -> Lineage:
    """What the chapter says of the printed table: its name, what it compares, its rows and models, citation and entry
    (:func:`herd.record.score_tables.read`)."""
    return printed_table(package, printed.source, printed.table)


def repeated_items(package, benchmark: str) -> Lineage:
    """A mean over the same items in several versions (MGSM's languages): its N, versions and answers, from its row
    of ``benchmarks.csv`` (:func:`herd.presentation.method_text.repeated_items_example`)."""
    return computed(method_text.repeated_items_example, _benchmarks(package, [benchmark]), benchmark=benchmark)


def later_models(package, shown: Iterable[str]) -> Lineage:
    """The later models a page leaves out (:func:`herd.record.coverage.note`), from ``models.csv``."""
    shown = list(dict.fromkeys(shown))
    return computed(coverage.note, rows_of.rows(package, "models", coverage.not_shown(package, shown)), shown=shown)


def sizes(package, printed) -> Lineage:
    """The N each benchmark of a printed table is judged at (:func:`herd.method.sample_sizes.effective_sizes`)."""
    return computed(sample_sizes.effective_sizes, _benchmarks(package, printed.cells["benchmark"]))


def footnoted(package, printed) -> Callable[[int], Lineage]:
    """The footnoted cells of a printed table (:func:`herd.record.score_tables.footnoted`, in its order): each score
    from its row of ``scores.csv``."""
    return rows_of.cells(package, "scores", printed.cells.dropna(subset=["marker"]), "score", formats.number)


def verdicts(package, printed, focus, competitors, rules, names: Iterable[str]) -> dict[str, Lineage]:
    """The numbers glued from the judged question: the counts of its verdicts (:func:`herd.method.compare.tally`), its
    family (:func:`herd.method.compare.family_size`) and the rules and levels it was judged with
    (:func:`herd.method.compare.against`)."""
    args = (package, printed.source, printed.table, focus, competitors, rules)
    judged = question(*args)
    sized = question(*args, function=compare.family_size)
    counted = question(*args, function=compare.tally)
    own = {"correction_name": judged, "alpha_text": judged, "levels_note": judged, "tost_levels": judged}
    own |= {"n_family": sized, "eq_levels_text": sized, "comparisons": judged}
    own["exact_max_n"] = computed(stats.gap_method, exact_max_n=exact.EXACT_MAX_N)
    return {name: own.get(name, counted) for name in names}


def widest(package, widest_row: pd.Series, focus: str) -> dict[str, Lineage]:
    """The focus model's widest interval (:func:`herd.method.sample_sizes.widest_interval` of
    :func:`herd.method.sample_sizes.score_intervals`): its benchmark's N, its printed score and the interval."""
    key = score_key(package, widest_row["source"], widest_row["table"], widest_row["row_label"], focus)
    reads = _question_reads(package, key["source"], key["table"], [focus])
    interval = computed(sample_sizes.widest_interval, reads, model=focus, level=0.95)
    return {
        "example_bench": interval,
        "example_n": computed(sample_sizes.effective_sizes, _benchmarks(package, [widest_row["benchmark"]])),
        "example_score": score(package, **key),
        "example_low": interval,
        "example_high": interval,
    }


def family(package, seen: pd.DataFrame, rules: compare.Rules, **question_params) -> Lineage:
    """How a question's verdicts depend on its family (:func:`herd.method.families.sensitivity`)."""
    models = [*seen["focus"].unique(), *seen["competitor"].unique()]
    source, table = str(seen["source"].iloc[0]), str(seen["table"].iloc[0])
    reads = _question_reads(package, source, table, models)
    return computed(families.sensitivity, reads, source=source, table=table, **question_params, **_rules(rules))


def resolution(package, printed, focus, competitors, rules, names: Iterable[str]) -> dict[str, Lineage]:
    """What the verdicts say about resolution (:func:`herd.presentation.compare_text.resolution`, counting the rows of
    :func:`herd.method.compare.against`), the published range of per-item correlations
    (:func:`herd.analyses.contamination.selection.published_range`) and the gaps a paired test would resolve in it
    (:func:`herd.method.compare.resolved_at`)."""
    args = (package, printed.source, printed.table, focus, competitors, rules)
    counts = question(
        *args, function=compare_text.resolution, large_n=compare_text.LARGE_N, modest_rho=compare_text.MODEST_RHO
    )
    facts = _subset(package, "facts", key=list(selection.ITEM_CORRELATION_KEYS))
    published = computed(selection.published_range, rows_of.rows(package, "facts", facts))
    low, high = selection.published_range(package)
    out = {name: counts for name in names}
    out["rho_range"] = published
    out["resolved_in_range"] = question(*args, function=compare.resolved_at, rhos=[low, high])
    return out


def pair(package, source: str, table: str, model: str, reference: str, rules: compare.Rules, names) -> dict:
    """The second question, "is ``model`` equivalent to ``reference`` on every row of a printed table?"
    (:func:`herd.method.compare.judge_package` as a claim on every row, with the differences corrected over the rows
    as their own question, joined by :func:`herd.method.compare.with_differences`), and what is glued from it: the
    readings (:func:`herd.method.rowwise.readings`), the family, the margin every row would need
    (:func:`herd.method.compare.needed_margin`), the sizes (``models.csv``) and the table."""
    reads = _question_reads(package, source, table, [model, reference])
    params = {"source": source, "table": table, "pairs": [[model, reference]], **_rules(rules)}
    every = computed(compare.judge_package, reads, question=compare.EVERY, **params)
    each = computed(compare.judge_package, reads, question=compare.EACH, **params)
    readings = computed(rowwise.readings, reads, **params)
    named = printed_table(package, source, table, [model, reference])
    sized = _subset(package, "models", key=[model, reference])
    out = {name: readings for name in names}
    out |= {"pair_table_name_cap": named, "pair_name": named, "pair_reference_name": named, "pair_citation": named}
    out["pair_size_ratio"] = computed(compare_text.size_ratio, rows_of.rows(package, "models", sized))
    out |= {"pair_family_text": every, "pair_each_family_text": each}
    out["pair_family_sentence"] = computed(families.sensitivity, reads, question=compare.EACH, **params)
    out["pair_comparisons"] = computed(compare.with_differences, reads, **params)
    return {name: out[name] for name in names}


def needed_margin(package, source: str, table: str, model: str, reference: str, rules: compare.Rules) -> Lineage:
    """The margin that would make every tested row equivalent (:func:`herd.method.compare.needed_margin`)."""
    reads = _question_reads(package, source, table, [model, reference])
    return computed(
        compare.needed_margin, reads, source=source, table=table, pairs=[[model, reference]], **_rules(rules)
    )


def pair_rows(package, seen: pd.DataFrame, rules: compare.Rules, model_column: str, reference_column: str):
    """Per cell of the second question's table (:func:`herd.presentation.compare_text.pair_detail` of ``seen``): the
    two printed scores (columns ``model_column`` and ``reference_column``) from their rows of ``scores.csv``, every
    other number from that row's comparison (:func:`comparison`, :func:`herd.method.compare.with_differences`)."""
    judged = comparison(package, seen, rules, compare.with_differences)

    def of(i: int, column: str) -> Lineage:
        r = seen.iloc[i]
        if column in (model_column, reference_column):
            model = r["focus"] if column == model_column else r["competitor"]
            return score(package, r["source"], r["table"], r["row_label"], model)
        return judged(i, column)

    return of


# ---------------------------------------------------------------- the method page


def metric_kinds(package) -> Lineage:
    """How many benchmarks are of each metric kind (:func:`herd.presentation.method_text.metric_kinds_table`, a count
    of the rows of ``benchmarks.csv``)."""
    return computed(method_text.metric_kinds_table, rows_of.rows(package, "benchmarks"))


def honest_n(package, table: str, row_label: str, model: str, macro: str, repeated: str, names) -> dict[str, Lineage]:
    """The method page's honest N: a repeated-items benchmark's (``repeated``, :func:`repeated_items`), a mean over
    nearly the same items (:func:`herd.method.sample_sizes.effective_sizes`), and a macro average's (``macro``) at one
    printed score (``table``, ``row_label``, ``model``): its subsets
    (:func:`herd.presentation.method_text.macro_average_example`) and the N they bound
    (:func:`herd.method.sample_sizes.macro_average_n`)."""
    printed = first_printed(package, table, row_label, model)
    subsets = _benchmarks(package, [macro])
    out = {name: repeated_items(package, repeated) for name in ("mgsm_n", "mgsm_languages", "mgsm_total")}
    out["multipl_e_n"] = computed(sample_sizes.effective_sizes, _benchmarks(package, ["multipl-e-humaneval"]))
    out["mmlu_score"] = printed
    out["mmlu_n_eff"] = computed(
        sample_sizes.macro_average_n,
        subsets + printed.reads,
        score=method_text.printed_score(package, table, row_label, model),
    )
    for name in ("mmlu_total", "mmlu_subjects", "mmlu_smallest", "mmlu_largest"):
        out[name] = computed(method_text.macro_average_example, subsets, benchmark=macro)
    return {name: out[name] for name in names}


def wilson(package, table: str, row_label: str, model: str, benchmark: str, n: int) -> dict[str, Lineage]:
    """The paper's printed interval beside Wilson's for one printed score (``table``, ``row_label``, ``model``) on
    ``n`` items of ``benchmark``: S ± 1.96·√(S(1−S)/N) (:func:`herd.method.sample_sizes.ci95_halfwidth`), the Wilson
    interval (:func:`herd.method.score_test.score_interval`), the N (:func:`herd.method.sample_sizes.effective_sizes`)
    and the step of the exact search at that N (:func:`herd.method.exact.exact_scan_step`)."""
    printed = first_printed(package, table, row_label, model)
    reads = printed.reads + _benchmarks(package, [benchmark])
    value = method_text.printed_score(package, table, row_label, model)
    paper = computed(sample_sizes.ci95_halfwidth, reads, score=value, n=n, z=sample_sizes.PAPER_Z)
    return {
        "quality_printed": paper,
        "quality_top": paper,
        "quality_n": computed(sample_sizes.effective_sizes, _benchmarks(package, [benchmark])),
        "quality_wilson": computed(score_test.score_interval, reads, score=value, n=n, level=0.95),
        "exact_step_quality": computed(exact.exact_scan_step, _benchmarks(package, [benchmark]), n=n),
    }


def exact_threshold() -> Lineage:
    """The largest N judged by the exact test (:data:`herd.method.exact.EXACT_MAX_N`, which
    :func:`herd.method.stats.gap_method` applies)."""
    return computed(stats.gap_method, exact_max_n=exact.EXACT_MAX_N)


def tost_example() -> Lineage:
    """The TOST interval of the published example 7/34 − 1/34 (:func:`herd.method.stats.gap_intervals`, one-sided at
    α = 0.025 by the score test), which must equal the published 95 % Miettinen–Nurminen interval."""
    return computed(
        stats.gap_intervals,
        note="published example: R package PropCIs, diffscoreci (Fagerland, Lydersen & Laake 2015): 0.0270 to 0.3453",
        right_a=7,
        n_a=34,
        right_b=1,
        n_b=34,
        level=0.025,
        one_sided=True,
        method="score",
    )


def worked_example(package, example: pd.Series, rules: compare.Rules, competitors: list[str]) -> dict:
    """The method page's worked example, one comparison of the benchmarks chapter's question (``example``, the row
    :func:`herd.method.compare.pair` gives): its printed scores (``scores.csv``), its family
    (:func:`herd.method.compare.family_size`), its judging (:func:`herd.method.compare.against`) and its interval at the
    printed scores (:func:`herd.method.compare.printed_interval`)."""
    judged_seen = example.to_frame().T.reset_index(drop=True)
    r = example
    row = comparison(package, judged_seen, rules, competitors=list(competitors))(0)
    asked = question(package, r["source"], r["table"], r["focus"], competitors, rules, compare.family_size)
    at_printed = comparison(package, judged_seen, rules, compare.printed_interval, competitors=list(competitors))(0)
    out = {name: row for name in ("ex_n", "ex_p", "ex_level", "ex_interval", "ex_verdict", "ex_conf")}
    out |= {"ex_m": asked, "ex_printed_interval": at_printed, "ex_printed_verdict": at_printed}
    out["ex_a"] = score(package, r["source"], r["table"], r["row_label"], r["focus"])
    out["ex_b"] = score(package, r["source"], r["table"], r["row_label"], r["competitor"])
    return out


def correction_sensitivity(package, source, table, focus, competitors, rules) -> Lineage:
    """The verdicts of the benchmarks chapter's question under three families
    (:func:`herd.method.families.correction_sensitivity`)."""
    return question(package, source, table, focus, competitors, rules, families.correction_sensitivity)


# the function of herd each published example checks, in the order of method_text.published_examples' rows
_EXAMPLE_FUNCTIONS = (
    score_test.score_interval,
    stats.gap_interval,
    stats.gap_interval,
    stats.gap_interval,
    exact.exact_pvalue,
    stats.one_sided_pvalues,
    stats.adjust,
)


def published_examples(frame: pd.DataFrame) -> Callable[[int, str], Lineage | None]:
    """The lineage of each cell of :func:`herd.presentation.method_text.published_examples`: the published value is
    the paper's, as its row names it (the unit tests assert the same); the book's value is computed by the method's
    function from the example's inputs (the row's method names them)."""
    if len(frame) != len(_EXAMPLE_FUNCTIONS):
        raise ValueError(f"{len(frame)} published examples but {len(_EXAMPLE_FUNCTIONS)} functions named for them")

    def cell(i: int, column: str) -> Lineage | None:
        row = frame.iloc[i]
        if column == "published value":
            return computed(
                method_text.published_examples, example=row["method"], note=f"as printed in {row['published in']}"
            )
        if column == "this book's code":
            return computed(_EXAMPLE_FUNCTIONS[i], example=row["method"], note=f"checked against {row['published in']}")
        return None

    return cell


def interval_levels(package, seen: pd.DataFrame, rules: compare.Rules, **question_params) -> Lineage:
    """Which level each of a comparison's two intervals is drawn at
    (:func:`herd.presentation.levels_text.levels_line`), read from the rows of the question judged on a printed table
    (``seen``)."""
    models = [*seen["focus"].unique(), *seen["competitor"].unique()]
    source, table = str(seen["source"].iloc[0]), str(seen["table"].iloc[0])
    reads = _question_reads(package, source, table, models)
    return computed(levels_text.levels_line, reads, source=source, table=table, **question_params, **_rules(rules))
