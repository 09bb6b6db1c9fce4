"""Where the numbers of the benchmarks chapter and the method page come from: their glued values' and tables' lineage.

Both pages judge comparisons of printed scores (rows of ``data/scores.csv``, named by ``source``, ``table``,
``row_label`` and ``model``) at the N of ``data/benchmarks.csv`` and ``data/benchmark_subsets.csv``, with
:mod:`herd.method.compare` (:func:`~herd.method.compare.against` and :func:`~herd.method.compare.judge_package`
judge a question, :func:`~herd.method.compare.orient` sees it from one model, :func:`~herd.method.compare.tally`
counts its verdicts). Each function here returns the lineage of one group of the pages' numbers: a printed score
names its row of ``scores.csv`` (the paper's table, page and row); a computed number names the call that computed it
(the method function and its arguments: the table, the models, the rules), the earlier calls whose results it was
given (the judged question, seen from one model), which of its outputs the number is, and the rows it read. The
method page's published examples name their method and the published inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pandas as pd

from herd.analyses.contamination import selection
from herd.base import formats
from herd.base.lineage import Call, Lineage, call, computed
from herd.method import compare, exact, families, rowwise, sample_sizes, stats
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


def _against(source: str, table: str, focus: str, competitors: Iterable[str], rules: compare.Rules) -> Call:
    """The call that judges the question "how does ``focus`` compare with each of ``competitors``?"."""
    return call(compare.against, source=source, table=table, focus=focus, competitors=list(competitors), rules=rules)


def _pair_calls(source: str, table: str, model: str, reference: str, rules: compare.Rules) -> tuple[Call, ...]:
    """The calls that judge the second question: as a claim on every row, then each row as its own question."""
    judged = {"source": source, "table": table, "rules": rules, "pairs": [[model, reference]]}
    return (
        call(compare.judge_package, question=compare.EVERY, **judged),
        call(compare.judge_package, question=compare.EACH, **judged),
        call(compare.orient, focus=model, competitors=[reference]),
    )


# the functions given the question as judged (compare.against's frame), and those given it seen from the focus model
_OF_JUDGED = (compare.family_size,)
_OF_SEEN = (compare.tally, compare_text.resolution, compare.resolved_at)


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
    output: str | None = None,
    **extra,
) -> Lineage:
    """The question "how does ``focus`` compare with each of ``competitors`` on every row of a printed table?" judged
    by :func:`herd.method.compare.against` (or :func:`herd.method.families.correction_sensitivity`, which takes the
    same arguments), or the method ``function`` that computed a number from its verdicts (e.g.
    :func:`herd.method.compare.tally`, given them seen from ``focus`` by :func:`herd.method.compare.orient`), with
    ``extra`` arguments, and the scores and N it read."""
    reads = _question_reads(package, source, table, [focus, *competitors])
    judged = _against(source, table, focus, competitors, rules)
    if function is compare.orient:
        return computed(function, reads, output=output, after=[judged], focus=focus, competitors=list(competitors))
    if function in _OF_JUDGED:
        return computed(function, reads, output=output, after=[judged], **extra)
    if function in _OF_SEEN:
        seen = call(compare.orient, focus=focus, competitors=list(competitors))
        return computed(function, reads, output=output, after=[judged, seen], **extra)
    return computed(function, reads, output=output, **dict(judged.params), **extra)


def comparison(package, seen: pd.DataFrame, rules: compare.Rules, competitors: Iterable[str]):
    """Per row of :func:`herd.method.compare.orient` (``seen``, in the order shown, the question asked of
    ``competitors``) and column: the lineage of that comparison, computed (its gap, interval, p-value, N and verdict)
    by :func:`herd.method.compare.against` from the two printed scores and the benchmark's N, then seen from the
    focus model by :func:`herd.method.compare.orient` (which only turns the pair round); the output is the row and
    column."""

    def of(i: int, column: str | None = None) -> Lineage:
        r = seen.iloc[i]
        models = [r["focus"], r["competitor"]]
        frame = _subset(package, "scores", source=r["source"], table=r["table"], row_label=r["row_label"], model=models)
        where = f"row {r['row_label']!r}, competitor {r['competitor']!r}" + (f", column {column!r}" if column else "")
        judged = _against(r["source"], r["table"], r["focus"], competitors, rules)
        return computed(
            compare.against,
            rows_of.rows(package, "scores", frame) + _benchmarks(package, [r["benchmark"]]),
            output=where,
            then=[call(compare.orient, focus=r["focus"], competitors=list(competitors))],
            **dict(judged.params),
        )

    return of


# ---------------------------------------------------------------- the benchmarks chapter


# what of a printed table (herd.record.score_tables.ScoreTable) each of the benchmarks chapter's names is
_TABLE_OUTPUTS = {
    "table_name": "name",
    "table_name_cap": "name",
    "table_compares": "compares",
    "table_reading": "reading()",
    "n_rows": "rows (counted)",
    "n_table_models": "models (counted)",
    "table_citation": "citation",
    "table_entry": "entry",
}


def opening(package, printed, focus: str, competitors: list[str], rules: compare.Rules) -> dict[str, Lineage]:
    """The chapter's opening: the printed table and the focus model (:func:`herd.record.score_tables.read`) and the
    number of competitors the question asks about (:func:`herd.method.compare.against`)."""
    table = printed_table(package, printed.source, printed.table, [focus])
    return {
        "table_name": replace(table, output="name"),
        "focus_name": replace(table, output=f"the name of {focus} (its row of models.csv)"),
        "n_competitors": question(
            package, printed.source, printed.table, focus, competitors, rules, output="competitors"
        ),
        "margin_text": question(
            package, printed.source, printed.table, focus, competitors, rules, output="rules.margin"
        ),
    }


def table_facts(package, printed, names) -> dict[str, Lineage]:
    """What the chapter says of the printed table (``names``): its name, what it compares, its rows and models,
    citation and entry (:func:`herd.record.score_tables.read`, each its attribute)."""
    table = printed_table(package, printed.source, printed.table)
    return {name: replace(table, output=_TABLE_OUTPUTS[name]) for name in names}


def repeated_items(package, benchmark: str) -> Lineage:
    """A mean over the same items in several versions (MGSM's languages): its N, versions and answers, from its row
    of ``benchmarks.csv`` (:func:`herd.presentation.method_text.repeated_items_example`)."""
    return computed(method_text.repeated_items_example, _benchmarks(package, [benchmark]), benchmark=benchmark)


def repeated_items_numbers(package, benchmark: str) -> dict[str, Lineage]:
    """The N, versions and answers of a repeated-items benchmark as the pages glue them (``mgsm_*``), each its key
    of :func:`herd.presentation.method_text.repeated_items_example`."""
    keys = {"mgsm_n": "items", "mgsm_languages": "versions", "mgsm_total": "answers"}
    return {name: replace(repeated_items(package, benchmark), output=key) for name, key in keys.items()}


def _package_sizes(package, benchmarks: Iterable[str], output: str) -> Lineage:
    """The N of ``benchmarks`` as :func:`herd.method.sample_sizes.package_sizes` gives them (column ``n``)."""
    return computed(sample_sizes.package_sizes, _benchmarks(package, benchmarks), output=output)


def later_models(package, shown: Iterable[str]) -> Lineage:
    """The later models a page leaves out (:func:`herd.record.coverage.note`), from ``models.csv``."""
    shown = list(dict.fromkeys(shown))
    return computed(
        coverage.note, rows_of.rows(package, "models", coverage.not_shown(package, shown)), shown=shown, output="text"
    )


def sizes(package, printed) -> Lineage:
    """The N each benchmark of a printed table is judged at (:func:`herd.method.sample_sizes.effective_sizes`)."""
    keys = list(dict.fromkeys(printed.cells["benchmark"]))
    return computed(
        sample_sizes.effective_sizes,
        _benchmarks(package, keys) + rows_of.rows(package, "scores", printed.cells),
        output="the row of each benchmark",
    )


def footnoted(package, printed) -> Callable[[int], Lineage]:
    """The footnoted cells of a printed table (:func:`herd.record.score_tables.footnoted`, in its order): each score
    from its row of ``scores.csv``."""
    return rows_of.cells(package, "scores", printed.cells.dropna(subset=["marker"]), "score", formats.number)


def verdicts(package, printed, focus, competitors, rules, names: Iterable[str]) -> dict[str, Lineage]:
    """The numbers glued from the judged question: the counts of its verdicts (:func:`herd.method.compare.tally`), its
    family (:func:`herd.method.compare.family_size`) and the rules and levels it was judged with
    (:func:`herd.method.compare.against`)."""
    args = (package, printed.source, printed.table, focus, competitors, rules)
    own = {
        name: question(*args, output=f"rules.{part}")
        for name, part in (("correction_name", "correction"), ("alpha_text", "alpha"), ("levels_note", "correction"))
    }
    own["tost_levels"] = question(*args, compare.orient, "the levels of the equivalence tests")
    own["comparisons"] = question(*args, compare.orient, "every row")
    sized = question(*args, function=compare.family_size, output="the number of comparisons corrected together")
    own |= {"n_family": sized, "eq_levels_text": sized}
    own["exact_max_n"] = exact_threshold()
    counted = {
        "equivalent_only_text": "n_equivalent_only",
        "equivalent_sentence": "n_equivalent, n_equivalent_only",
    }
    return {
        name: own.get(name) or question(*args, function=compare.tally, output=counted.get(name, name)) for name in names
    }


def widest(package, widest_row: pd.Series, focus: str) -> dict[str, Lineage]:
    """The focus model's widest interval (:func:`herd.method.sample_sizes.widest_interval` of
    :func:`herd.method.sample_sizes.score_intervals`): its benchmark's N, its printed score and the interval."""
    key = score_key(package, widest_row["source"], widest_row["table"], widest_row["row_label"], focus)
    reads = _question_reads(package, key["source"], key["table"], [focus])
    shown = call(sample_sizes.score_intervals, level=0.95)

    def interval(column: str) -> Lineage:
        return computed(sample_sizes.widest_interval, reads, output=column, after=[shown], model=focus)

    return {
        "example_bench": interval("benchmark"),
        "example_n": _package_sizes(package, [widest_row["benchmark"]], f"row {widest_row['benchmark']!r}, column n"),
        "example_score": score(package, **key),
        "example_low": interval("low"),
        "example_high": interval("high"),
    }


def family(package, seen: pd.DataFrame, rules: compare.Rules, focus_model: str, competitors: list[str]) -> Lineage:
    """How a question's verdicts depend on its family (:func:`herd.method.families.sensitivity` of the question seen
    from ``focus_model``)."""
    source, table = str(seen["source"].iloc[0]), str(seen["table"].iloc[0])
    reads = _question_reads(package, source, table, [focus_model, *competitors])
    return computed(
        families.sensitivity,
        reads,
        output="the verdicts under each family",
        after=[
            _against(source, table, focus_model, competitors, rules),
            call(compare.orient, focus=focus_model, competitors=list(competitors)),
        ],
        rules=rules,
    )


def resolution(package, printed, focus, competitors, rules, names: Iterable[str]) -> dict[str, Lineage]:
    """What the verdicts say about resolution (:func:`herd.presentation.compare_text.resolution`, counting the rows of
    :func:`herd.method.compare.against`), the published range of per-item correlations
    (:func:`herd.analyses.contamination.selection.published_range`) and the gaps a paired test would resolve in it
    (:func:`herd.method.compare.resolved_at`)."""
    args = (package, printed.source, printed.table, focus, competitors, rules)
    facts = _subset(package, "facts", key=list(selection.ITEM_CORRELATION_KEYS))
    published = computed(selection.published_range, rows_of.rows(package, "facts", facts), output="(low, high)")
    low, high = selection.published_range(package)
    keys = {
        "unresolved_sides": "n_ahead_unresolved, n_behind_unresolved, n_tied_unresolved",
        "modest_rho": "modest_rho (the argument's default)",
        "large_n": "large_n (the argument's default)",
    }
    out = {
        name: question(*args, function=compare_text.resolution, output=keys.get(name, name))
        for name in names
        if name not in ("rho_range", "resolved_in_range")
    }
    out["rho_range"] = published
    out["resolved_in_range"] = question(
        *args, function=compare.resolved_at, output="the rows resolved at each ρ", rhos=[low, high]
    )
    return {name: out[name] for name in names}


def pair(package, source: str, table: str, model: str, reference: str, rules: compare.Rules, names) -> dict:
    """The second question, "is ``model`` equivalent to ``reference`` on every row of a printed table?"
    (:func:`herd.method.compare.judge_package` as a claim on every row, with the differences corrected over the rows
    as their own question, joined by :func:`herd.method.compare.with_differences`), and what is glued from it: the
    readings (:func:`herd.method.rowwise.readings`), the family, the margin every row would need
    (:func:`herd.method.compare.needed_margin`), the sizes (``models.csv``) and the table."""
    reads = _question_reads(package, source, table, [model, reference])
    every, each, seen = _pair_calls(source, table, model, reference, rules)
    joined = call(compare.with_differences)
    decimals = compare.printed_decimals(package, source, table)
    readings = computed(
        rowwise.readings,
        reads,
        output="the reading of each row",
        after=[every, each, seen, joined],
        margin=rules.margin,
        alpha=rules.alpha,
        decimals=decimals,
    )
    named = printed_table(package, source, table, [model, reference])
    sized = _subset(package, "models", key=[model, reference])
    out = {name: readings for name in names}
    out |= {
        "pair_table_name_cap": replace(named, output="name"),
        "pair_name": replace(named, output=f"the name of {model}"),
        "pair_reference_name": replace(named, output=f"the name of {reference}"),
        "pair_citation": replace(named, output="citation"),
    }
    out["pair_size_ratio"] = computed(
        compare_text.size_ratio,
        rows_of.rows(package, "models", sized),
        output="the ratio",
        model=model,
        reference=reference,
    )
    out["pair_family_text"] = computed(compare_text.family_text, reads, output="text", after=[every], rules=rules)
    out["pair_each_family_text"] = computed(compare_text.family_text, reads, output="text", after=[each], rules=rules)
    out["pair_family_sentence"] = computed(
        families.sensitivity,
        reads,
        output="the verdicts under each family",
        after=[each, call(compare.orient, focus=model, competitors=[reference])],
        rules=rules,
    )
    out["pair_comparisons"] = computed(compare.with_differences, reads, output="every row", after=[every, each, seen])
    return {name: out[name] for name in names}


def needed_margin(package, source: str, table: str, model: str, reference: str, rules: compare.Rules) -> Lineage:
    """The margin that would make every tested row equivalent (:func:`herd.method.compare.needed_margin`)."""
    reads = _question_reads(package, source, table, [model, reference])
    return computed(
        compare.needed_margin,
        reads,
        output="the margin",
        after=[*_pair_calls(source, table, model, reference, rules), call(compare.with_differences)],
    )


def pair_rows(package, seen: pd.DataFrame, rules: compare.Rules, model_column: str, reference_column: str):
    """Per cell of the second question's table (:func:`herd.presentation.compare_text.pair_detail` of ``seen``): the
    two printed scores (columns ``model_column`` and ``reference_column``) from their rows of ``scores.csv``, every
    other number from that row of :func:`herd.method.compare.with_differences`."""

    def of(i: int, column: str) -> Lineage:
        r = seen.iloc[i]
        if column in (model_column, reference_column):
            model = r["focus"] if column == model_column else r["competitor"]
            return score(package, r["source"], r["table"], r["row_label"], model)
        models = [r["focus"], r["competitor"]]
        frame = _subset(package, "scores", source=r["source"], table=r["table"], row_label=r["row_label"], model=models)
        return computed(
            compare.with_differences,
            rows_of.rows(package, "scores", frame) + _benchmarks(package, [r["benchmark"]]),
            output=f"row {r['row_label']!r}, column {column!r}",
            after=_pair_calls(r["source"], r["table"], r["focus"], r["competitor"], rules),
        )

    return of


# ---------------------------------------------------------------- the method page


def metric_kinds(package) -> Lineage:
    """How many benchmarks are of each metric kind (:func:`herd.presentation.method_text.metric_kinds_table`, a count
    of the rows of ``benchmarks.csv``)."""
    return computed(method_text.metric_kinds_table, rows_of.rows(package, "benchmarks"), output="the row of each kind")


def honest_n(package, table: str, row_label: str, model: str, macro: str, repeated: str, names) -> dict[str, Lineage]:
    """The method page's honest N: a repeated-items benchmark's (``repeated``,
    :func:`herd.presentation.method_text.repeated_items_example`), a mean over nearly the same items (its N as
    :func:`herd.method.sample_sizes.package_sizes` gives it), and a macro average's (``macro``) at one printed score
    (``table``, ``row_label``, ``model``): its subsets and the N they bound
    (:func:`herd.presentation.method_text.macro_average_example`)."""
    printed = first_printed(package, table, row_label, model)
    subsets = _benchmarks(package, [macro])
    value = method_text.printed_score(package, table, row_label, model)
    out: dict[str, Lineage] = dict(repeated_items_numbers(package, repeated))
    out["multipl_e_n"] = _package_sizes(package, ["multipl-e-humaneval"], "row 'multipl-e-humaneval', column n")
    out["mmlu_score"] = printed
    for name, key in (
        ("mmlu_n_eff", "n_eff"),
        ("mmlu_total", "total"),
        ("mmlu_subjects", "subsets"),
        ("mmlu_smallest", "smallest"),
        ("mmlu_largest", "largest"),
    ):
        out[name] = computed(
            method_text.macro_average_example, subsets + printed.reads, output=key, benchmark=macro, score=value
        )
    return {name: out[name] for name in names}


def wilson(package, table: str, row_label: str, model: str, benchmark: str, n: int) -> dict[str, Lineage]:
    """The paper's printed interval beside Wilson's for one printed score (``table``, ``row_label``, ``model``) on
    ``n`` items of ``benchmark`` (:func:`herd.presentation.method_text.printed_vs_wilson`), the N
    (:func:`herd.method.sample_sizes.package_sizes`) and the step of the exact search at that N
    (:func:`herd.method.exact.exact_scan_step`)."""
    printed = first_printed(package, table, row_label, model)
    reads = printed.reads + _benchmarks(package, [benchmark])
    value = method_text.printed_score(package, table, row_label, model)

    def side(key: str) -> Lineage:
        return computed(method_text.printed_vs_wilson, reads, output=key, score=value, n=n)

    return {
        "quality_printed": side("printed"),
        "quality_top": side("top"),
        "quality_n": _package_sizes(package, [benchmark], f"row {benchmark!r}, column n"),
        "quality_wilson": side("wilson"),
        "exact_step_quality": computed(
            exact.exact_scan_step, _benchmarks(package, [benchmark]), output="the step", n=n
        ),
    }


def exact_threshold() -> Lineage:
    """The largest N judged by the exact test: :data:`herd.method.exact.EXACT_MAX_N`, the constant
    :func:`herd.method.stats.gap_method` applies."""
    return computed(stats.gap_method, output="its threshold herd.method.exact.EXACT_MAX_N")


def tost_example() -> Lineage:
    """The TOST interval of the published example 7/34 − 1/34 (:func:`herd.presentation.method_text.tost_example`:
    :func:`herd.method.stats.gap_intervals`, one-sided at α = 0.025 by the score test), which must equal the
    published 95 % Miettinen–Nurminen interval."""
    return computed(
        method_text.tost_example,
        note="published example: R package PropCIs, diffscoreci (Fagerland, Lydersen & Laake 2015): 0.0270 to 0.3453",
        output="the interval",
    )


def tost_margins(names: Iterable[str]) -> dict[str, Lineage]:
    """The published example's equivalence (:func:`herd.presentation.method_text.tost_margins`): its shares and
    printed interval, as :data:`herd.presentation.method_text.PROPCIS` records them with their source, and the
    margins within which the two one-sided tests show it equivalent and not."""
    example = method_text.PROPCIS
    note = f"published example: {example.where}: {example.published}"
    return {
        name: computed(method_text.tost_margins, note=note, output=name, alpha=method_text.TOST_ALPHA, decimals=2)
        for name in names
    }


def unnested(package, benchmark: str, n: int, alpha: float) -> Lineage:
    """A pair of shares on the ``n`` items of ``benchmark`` whose TOST interval reaches beyond their difference's
    (:func:`herd.method.stats.unnested_pair`, written by :func:`herd.presentation.method_text.unnested_example`)."""
    return computed(
        stats.unnested_pair,
        _benchmarks(package, [benchmark]),
        output="the pair of counts (x_a, x_b)",
        after=[call(sample_sizes.package_sizes)],
        n=n,
        alpha=alpha,
    )


def chance_findings(m: int, alpha: float) -> Lineage:
    """The comparisons expected to look significant by chance (:func:`herd.presentation.method_text.chance_findings`)
    among the ``m`` of the worked example's family (``ex_m``, :func:`herd.method.compare.family_size`)."""
    return computed(
        method_text.chance_findings,
        output="the expected count, rounded",
        note="m: the family of the benchmarks chapter's question, as the worked example counts it",
        m=m,
        alpha=alpha,
    )


def rounding(package, table: str, row_label: str, model: str, names: Iterable[str]) -> dict[str, Lineage]:
    """The true scores a printed score stands for (:func:`herd.presentation.method_text.rounding_range`), from the
    printed score :func:`herd.presentation.method_text.printed_score` reads."""
    printed = first_printed(package, table, row_label, model)
    value = method_text.printed_score(package, table, row_label, model)
    return {
        name: computed(method_text.rounding_range, printed.reads, output=name, score=value, decimals=1)
        for name in names
    }


def worked_example(package, example: pd.Series, rules: compare.Rules, competitors: list[str]) -> dict:
    """The method page's worked example, one comparison of the benchmarks chapter's question (``example``, the row
    :func:`herd.method.compare.pair` gives): its printed scores (``scores.csv``), its family
    (:func:`herd.method.compare.family_size`), its judging (the row's columns) and its interval at the printed scores
    (:func:`herd.method.compare.printed_interval`)."""
    r = example
    judged = _against(r["source"], r["table"], r["focus"], competitors, rules)
    models = [r["focus"], r["competitor"]]
    frame = _subset(package, "scores", source=r["source"], table=r["table"], row_label=r["row_label"], model=models)
    reads = rows_of.rows(package, "scores", frame) + _benchmarks(package, [r["benchmark"]])
    picked = call(compare.pair, a=r["focus"], b=r["competitor"], row_label=r["row_label"])

    def column(key: str) -> Lineage:
        return computed(
            compare.pair, reads, output=key, after=[judged], a=r["focus"], b=r["competitor"], row_label=r["row_label"]
        )

    out = {
        "ex_n": column("n"),
        "ex_p": column("p"),
        "ex_level": column("level"),
        "ex_interval": column("gap_low, gap_high"),
        "ex_verdict": column("difference"),
        "ex_conf": column("level"),
        "ex_printed_verdict": column("printed_difference"),
    }
    out["ex_m"] = question(
        package, r["source"], r["table"], r["focus"], competitors, rules, compare.family_size, output="the family size"
    )
    out["ex_printed_interval"] = computed(compare.printed_interval, reads, output="(low, high)", after=[judged, picked])
    out["ex_a"] = score(package, r["source"], r["table"], r["row_label"], r["focus"])
    out["ex_b"] = score(package, r["source"], r["table"], r["row_label"], r["competitor"])
    return out


def correction_sensitivity(package, source, table, focus, competitors, rules) -> Lineage:
    """The verdicts of the benchmarks chapter's question under three families
    (:func:`herd.method.families.correction_sensitivity`)."""
    return question(
        package, source, table, focus, competitors, rules, families.correction_sensitivity, "a row per family"
    )


def question_rules(package, source, table, focus, competitors, rules: compare.Rules, names) -> dict[str, Lineage]:
    """The rules a question is judged by, as the method page glues them (``names``): the family and like-for-like
    rules :func:`herd.method.compare.against` applies (its constants) and the level, correction and margin."""
    outputs = {
        "family_rule": "the family it corrects over (herd.method.compare.FAMILY)",
        "like_rule": "what it counts as like for like (herd.method.compare.LIKE_FOR_LIKE)",
        "correction_name": "rules.correction",
        "alpha_text": "rules.alpha",
        "margin_text": "rules.margin",
    }
    return {name: question(package, source, table, focus, competitors, rules, output=outputs[name]) for name in names}


def published_examples(frame: pd.DataFrame) -> Callable[[int, str], Lineage | None]:
    """The lineage of each cell of :func:`herd.presentation.method_text.published_examples`: the published value is
    the paper's, as its row names it (the unit tests assert the same); the book's value is computed by
    :func:`herd.presentation.method_text.published_examples` with the method's function from the example's inputs
    (the row's method names them)."""

    def cell(i: int, column: str) -> Lineage | None:
        row = frame.iloc[i]
        if column in ("published value", "method", "published in"):  # the example as published: inputs and value
            return computed(
                method_text.published_examples,
                output=f"row {row['method']!r}, column 'published value'",
                note=f"as printed in {row['published in']}",
            )
        if column == "this book's code":
            return computed(
                method_text.published_examples,
                output=f'row {row["method"]!r}, column "this book\'s code"',
                note=f"checked against {row['published in']}",
            )
        return None

    return cell


def interval_levels(package, seen: pd.DataFrame, rules: compare.Rules, margin: float, interval: str = "gap") -> Lineage:
    """Which level one of a comparison's two intervals (``interval``) is drawn at, and over which family
    (:func:`herd.presentation.levels_text.levels_line`), given the rows of the question judged on a printed table
    (``seen``)."""
    models = [*seen["focus"].unique(), *seen["competitor"].unique()]
    source, table = str(seen["source"].iloc[0]), str(seen["table"].iloc[0])
    reads = _question_reads(package, source, table, models)
    return computed(
        levels_text.levels_line,
        reads,
        output="the levels and the family it names",
        rules=rules,
        margin=margin,
        interval=interval,
    )
