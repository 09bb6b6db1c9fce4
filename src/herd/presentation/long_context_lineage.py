"""Where the long-context chapter's numbers come from: the lineage of each value it glues and each table it shows.

The chapter computes from three inputs. The data package gives the context length, the paper's Table 3, the
server's memory, the models' printed sizes and the long-context scores of Table 21 (their rows are named).
The PyPI package llama-models gives the architecture arguments (``sku_list.py``), the RoPE scaling constants
(``llama3/model.py``) and the tokenizer; Debian's packages and Python's documentation give the texts measured.
Those two are not rows of the data package: a lineage names them in its arguments and its note (the release of
llama-models, the tokenizer's BPE file by its SHA-256, each text by the package it comes from; a model's
architecture arguments by the model's key). Each function here returns the lineage of one group of numbers, naming
the call that computed them, which of its outputs the number is and the calls before it
(:mod:`herd.analyses.long_context.textstats`, :mod:`.arch`, :func:`herd.method.compare.versus_competitors`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.metadata import version

import pandas as pd

from herd.analyses.claims import facts as claim_facts
from herd.analyses.long_context import arch, textstats
from herd.base import formats
from herd.base.lineage import Call, Lineage, call, computed
from herd.method import compare, sample_sizes
from herd.record import coverage, texts, tokenizer
from herd.record import lineage as rows_of

from . import long_context_text

CONTEXT = "context_length_tokens"
NODE_FACTS = ("gpu_memory_gb", "training.server.gpus-per-server")


def _facts(package, keys) -> tuple:
    return rows_of.rows_where(package, "facts", "key", keys)


def _models(package, keys) -> tuple:
    return rows_of.rows_where(package, "models", "key", keys)


def _shared(package, keys) -> tuple:
    """The ``model_facts.csv`` rows that say whether these models share their embeddings (and the facts they name)."""
    table = package.tables["model_facts"]
    hit = table[(table["quantity"] == "shared_embeddings") & table["model"].isin(list(keys))]
    return rows_of.rows(package, "model_facts", hit) + (_facts(package, hit["fact"]) if len(hit) else ())


def llama_models(part: str) -> str:
    """The part of the installed llama-models release a number was read from, as a lineage's note says it."""
    return f"read from llama-models {version('llama-models')} (PyPI), {part}"


def tokenizer_note(keys) -> str:
    """Where the measured texts and the tokenizer come from: each text's origin, llama-models' BPE file."""
    origins = "; ".join(f"{texts.TEXTS[k].name}: {texts.TEXTS[k].origin}" for k in keys)
    sha = tokenizer.identity()["ranks_sha256"]
    return (
        f"texts: {origins}. Tokenized with the Llama 3 tokenizer of llama-models {version('llama-models')} "
        f"(llama3/tokenizer.model, SHA-256 {sha[:16]}…), loaded with tiktoken {version('tiktoken')}"
    )


def _args() -> Call:
    return call(arch.package_models)


def context(package) -> Lineage:
    """The context window as the chapter names it (:func:`textstats.window_label` of ``facts.csv``'s row)."""
    return computed(
        textstats.window_label,
        _facts(package, [CONTEXT]),
        output="the label",
        context_tokens=int(package.fact(CONTEXT)),
    )


def measured(function: Callable, package, keys, words_per_page: float, output: str | None = None) -> Lineage:
    """Numbers ``function`` (of :mod:`textstats`) computed from the texts ``keys`` measured with the tokenizer
    (:func:`textstats.measure_named`), at the context window and, where it takes one, the page convention."""
    params: dict = {"context_tokens": int(package.fact(CONTEXT))}
    output = output or {
        textstats.text_table: "a row per text",
        textstats.short_texts: "the short texts (written by herd.presentation.long_context_text.short_texts)",
    }.get(function)
    if function is not textstats.short_texts:
        params["words_per_page"] = words_per_page
    return computed(
        function,
        _facts(package, [CONTEXT]),
        note=tokenizer_note(keys),
        output=output,
        after=[call(textstats.measure_named, keys=list(keys))],
        **params,
    )


def window(package, keys, words_per_page: float, names) -> dict[str, Lineage]:
    """The window summary (:func:`textstats.window_summary`; ``names``, its keys) with the page convention, and
    the audit's tolerance for words in the window."""
    written = "(written by herd.presentation.long_context_text.window)"
    out = {
        name: measured(textstats.window_summary, package, keys, words_per_page, f"{name} {written}") for name in names
    }
    out["wpp"] = measured(textstats.window_summary, package, keys, words_per_page, "its argument words_per_page")
    out["words_tolerance"] = computed(
        claim_facts._words_verdict,
        output="its tolerance herd.analyses.claims.facts.WORDS_TOLERANCE",
        note="the claims audit's tolerance for the words in the window",
    )
    return out


def arch_check(package, args, output: str | None = None) -> Lineage:
    """The check of llama-models' arguments against the paper's Table 3 (:func:`arch.check_against_paper`)."""
    keys = [f"architecture.{k}.{fact}" for k in args for _, _, fact in arch.PAPER_ARGUMENTS]
    keys += ["architecture.vocabulary-size", "architecture.positional-embeddings-rope"]
    return computed(
        arch.check_against_paper,
        _facts(package, keys),
        note=llama_models("sku_list.py (arch_args) and llama3/tokenizer.py (special tokens)"),
        output=output,
        after=[_args()],
        args=list(args),
        special_tokens=len(tokenizer.read_spec().special_tokens),
    )


def arch_glue(package, args) -> dict[str, Lineage]:
    """The agreement counts (:func:`arch.paper_check_summary` of :func:`arch_check`) and the note on later models
    (:func:`coverage.note`)."""
    keys = [f"architecture.{k}.{fact}" for k in args for _, _, fact in arch.PAPER_ARGUMENTS]
    keys += ["architecture.vocabulary-size", "architecture.positional-embeddings-rope"]
    checked = call(arch.check_against_paper, args=list(args), special_tokens=len(tokenizer.read_spec().special_tokens))

    def summary(key: str) -> Lineage:
        return computed(
            arch.paper_check_summary,
            _facts(package, keys),
            note=llama_models("sku_list.py (arch_args) and llama3/tokenizer.py (special tokens)"),
            output=key,
            after=[_args(), checked],
        )

    shown = list(args)
    return {
        "n_arch_agree": summary("n_agree"),
        "n_arch": summary("n"),
        "later_arch_note": computed(
            coverage.note,
            rows_of.rows(package, "models", coverage.not_shown(package, shown)),
            output="text",
            shown=shown,
        ),
    }


def arch_cells(package, args, check: pd.DataFrame) -> Callable[[int, str], Lineage]:
    """The lineage of each numeric cell of the check table (``check`` as :func:`arch.check_against_paper` returns
    it): a paper value read from one row of ``facts.csv`` is that row; the vocabulary (BPE + special tokens) and
    llama-models' values are the check's."""
    facts_of = {label: fact for label, _, fact in arch.PAPER_ARGUMENTS}

    def lineage(i: int, column: str) -> Lineage:
        argument, model = check["argument"].iloc[i], check["model"].iloc[i]
        if column == "paper Table 3" and argument in facts_of:
            return rows_of.fact_lineage(package, f"architecture.{model}.{facts_of[argument]}", formats.count)
        if column == "paper Table 3" and argument == "RoPE θ":
            return rows_of.fact_lineage(package, "architecture.positional-embeddings-rope", formats.count)
        return arch_check(package, args, f"row {argument!r} of {model!r}, column {column!r}")

    return lineage


def parameters(package, args) -> Mapping[str, Lineage | Callable[[int], Lineage]]:
    """The parameter table (:func:`arch.parameter_table`): counts computed from llama-models' arguments, and
    each printed size read from its row of ``models.csv``."""
    keys = list(args)
    frame = pd.DataFrame({"key": keys})
    printed = rows_of.cells(package, "models", frame, "parameters_billion", formats.scaled, "B", 3, scale=1e9)
    columns = ["embeddings", "attention", "feed-forward", "norms", "output head", "total", "total ÷ printed"]

    def counts(column: str) -> Lineage:
        return computed(
            arch.parameter_table,
            _models(package, keys) + _shared(package, keys),
            note=llama_models("sku_list.py (arch_args)"),
            output=f"column {column!r}",
            after=[_args()],
            args=keys,
        )

    return {**{c: counts(c) for c in columns}, "printed size": printed}


def memory(package, a: arch.ArchArgs, context_tokens: int, precision: str, weights: str, batch: int) -> Lineage:
    """The memory sentences of one model (:func:`arch.memory_summary`)."""
    return computed(
        arch.memory_summary,
        _facts(package, [CONTEXT]) + _shared(package, [a.model]),
        note=llama_models("sku_list.py (arch_args)"),
        output="the numbers, written by herd.presentation.long_context_text.memory",
        a=a.model,
        context=context_tokens,
        precision=precision,
        weights=weights,
        batch=batch,
    )


def kv(package, a: arch.ArchArgs, context_lengths, batch: int) -> Lineage:
    """The KV cache at each context length (:func:`arch.kv_table`)."""
    return computed(
        arch.kv_table,
        note=llama_models("sku_list.py (arch_args)"),
        output="a row per context length",
        a=a.model,
        context_lengths=list(context_lengths),
        batch=batch,
    )


def node(package, args, context_tokens: int) -> dict[str, Lineage]:
    """The node's memory (:func:`long_context_text.node_memory`, :func:`arch.node_memory_gb`), what fits on it
    (:func:`long_context_text.node_sentences` of :func:`arch.fit_on_node`) and the batch the sentences speak of."""
    read = _facts(package, NODE_FACTS)
    fitted = read + _facts(package, [CONTEXT]) + _shared(package, list(args))
    note = llama_models("sku_list.py (arch_args)")
    return {
        "node_gb": computed(arch.node_memory_gb, read, output="the gigabytes"),
        "node_memory": computed(long_context_text.node_memory, read, output="node", key="gpu_memory_gb"),
        "gpu_gb": computed(long_context_text.node_memory, read, output="gpu", key="gpu_memory_gb"),
        "node_sentences": computed(
            long_context_text.node_sentences,
            fitted,
            note=note,
            output="the sentences",
            after=[_args(), call(arch.fit_on_node, args=list(args), context=context_tokens)],
            args=list(args),
        ),
    }


def fit(package, args, context_tokens: int) -> Lineage:
    """The sequences that fit beside the weights on one node (:func:`arch.fit_on_node`)."""
    return computed(
        arch.fit_on_node,
        _facts(package, NODE_FACTS) + _facts(package, [CONTEXT]) + _shared(package, list(args)),
        note=llama_models("sku_list.py (arch_args)"),
        output="a row per model",
        after=[_args()],
        args=list(args),
        context=context_tokens,
    )


def _rope_calls(a: arch.ArchArgs) -> list[Call]:
    """The scaling constants (:func:`arch.read_rope_scaling`) and the wavelengths (:func:`arch.rope_wavelengths`)."""
    return [call(arch.read_rope_scaling), call(arch.rope_wavelengths, a=a.model)]


ROPE_NOTE = "llama3/model.py (apply_scaling) and sku_list.py (rope_theta)"


def rope(a: arch.ArchArgs, names) -> dict[str, Lineage]:
    """The RoPE numbers of one model (:func:`arch.rope_summary`, by its keys ``names``)."""
    return {
        name: computed(
            arch.rope_summary,
            note=llama_models(ROPE_NOTE),
            output=f"{name} (written by herd.presentation.long_context_text.rope)",
            after=_rope_calls(a),
            a=a.model,
        )
        for name in names
    }


def rope_bands(a: arch.ArchArgs, context_tokens: int) -> Lineage:
    """The bands of one model's RoPE at ``context_tokens`` (:func:`arch.rope_band_table`)."""
    return computed(
        arch.rope_band_table,
        note=llama_models(ROPE_NOTE),
        output="a row per band",
        after=_rope_calls(a),
        context=context_tokens,
    )


def _table(package, judged: pd.DataFrame) -> pd.DataFrame:
    scores = package.tables["scores"]
    source, table = judged["source"].iloc[0], judged["table"].iloc[0]
    return scores[(scores["source"] == source) & (scores["table"] == table)]


def comparisons(package, judged: pd.DataFrame, focus: str, rules: compare.Rules) -> Lineage:
    """The comparisons of a printed table against ``focus`` (:func:`compare.versus_competitors`), as a whole."""
    scores = _table(package, judged)
    benchmarks = package.tables["benchmarks"]
    return computed(
        compare.versus_competitors,
        rows_of.rows(package, "scores", scores)
        + rows_of.rows(package, "benchmarks", benchmarks[benchmarks["key"].isin(set(scores["benchmark"]))]),
        output="every row",
        source=str(judged["source"].iloc[0]),
        table=str(judged["table"].iloc[0]),
        focus=focus,
        rules=rules,
    )


def comparison_cells(
    package, judged: pd.DataFrame, focus_label: str, rules: compare.Rules
) -> Callable[[int, str], Lineage]:
    """The lineage of each numeric cell of :func:`herd.presentation.compare_text.items_table` of ``judged``: the
    two scores read from their rows of ``scores.csv``, the gap, its test and N from the comparison of those rows
    (:func:`compare.versus_competitors`)."""
    keys = judged[["source", "table", "row_label"]]
    focus = rows_of.cells(package, "scores", keys.assign(model=judged["focus"]), "score", formats.number)
    rival = rows_of.cells(package, "scores", keys.assign(model=judged["competitor"]), "score", formats.number)
    size = sample_sizes.package_sizes(package).set_index("benchmark")

    def lineage(i: int, column: str) -> Lineage:
        if column == focus_label:
            return focus(i)
        if column == "competitor score":
            return rival(i)
        row = judged.iloc[i]
        reads = tuple(r for side in (focus, rival) for r in side(i).reads)
        basis = size["basis"].get(row["benchmark"], "none")
        return computed(
            compare.versus_competitors,
            reads + (rows_of.row(package, "benchmarks", key=row["benchmark"]),),
            output=f"row {row['row_label']!r}, competitor {row['competitor']!r}, column {column!r} "
            f"(N's basis: {basis})",
            source=str(row["source"]),
            table=str(row["table"]),
            focus=str(row["focus"]),
            rules=rules,
        )

    return lineage


def model_name(package, model: str) -> Lineage:
    """The model's name as the chapter writes it (:func:`arch.display_names`, from its ``models.csv`` row)."""
    return computed(arch.display_names, _models(package, [model]), output=model, keys=[model])


def quoted(package) -> dict[str, Lineage]:
    """The numbers the chapter's prose quotes: the post's words and pages in a window (its rows of ``claims.csv``),
    GPT-4's En.MC score as Table 2 and Table 21 print it (``scores.csv``), the paper's vocabulary (``facts.csv``) and
    the special tokens llama-models adds to it (:func:`tokenizer.read_spec`)."""

    def score(table: str) -> Lineage:
        key = {"source": "llama3-paper-v3", "table": table, "row_label": "InfiniteBench/En.MC", "model": "gpt-4-0125"}
        return rows_of.data_lineage(package, "scores", key, "score", formats.number, 1)

    return {
        "post_words": rows_of.data_lineage(package, "claims", {"claim_id": "ctx-words"}, "stated_value", formats.count),
        "post_pages": rows_of.data_lineage(package, "claims", {"claim_id": "ctx-pages"}, "stated_value", formats.count),
        "gpt4_enmc_t2": score("Table 2"),
        "gpt4_enmc_t21": score("Table 21"),
        "paper_vocab": rows_of.fact_lineage(package, "architecture.vocabulary-size", formats.count),
        "n_special": computed(
            tokenizer.read_spec,
            note=llama_models("llama3/tokenizer.py (special tokens)"),
            output="the length of special_tokens",
        ),
    }
