"""The long-context chapter's numbers in words: the memory a model's cache and weights take
(:func:`herd.analyses.long_context.arch.memory_summary`), its RoPE scaling
(:func:`~herd.analyses.long_context.arch.rope_summary`), and what a context window holds of real texts
(:func:`herd.analyses.long_context.textstats.window_summary`, :func:`~herd.analyses.long_context.textstats.short_texts`,
the texts' length in windows).
"""

from __future__ import annotations

import statistics

import pandas as pd

from herd.analyses.long_context import arch
from herd.analyses.long_context.textstats import WINDOW_COLUMN
from herd.base import formats

COMPARISONS = ((0.25, "far less than"), (0.9, "less than"), (1.1, "about as much as"), (2.0, "more than"))
"""How the book words one amount against another by their ratio: below each bound, its phrase; at 2 and above,
"far more than"."""

WEIGHTS_TEXT = {"bf16": "BF16", "fp8-mixed": "the paper's FP8 recipe"}
"""How the chapter names each precision scheme of the weights
(:data:`herd.analyses.long_context.arch.WEIGHT_SCHEMES`)."""


def compared_with_weights(ratio: float) -> str:
    """A cache of ``ratio`` times the weights' size, in words against them: ``far less than its weights`` …
    ``far more than its weights`` (:data:`COMPARISONS`)."""
    phrase = next((words for bound, words in COMPARISONS if ratio < bound), "far more than")
    return f"{phrase} its weights"


def memory(summary: dict) -> dict[str, str]:
    """The chapter's sentences on memory, as the book writes their numbers (``summary`` from
    :func:`herd.analyses.long_context.arch.memory_summary`): ``kv_gb_one``, ``kv_vs_weights`` (in words:
    :func:`compared_with_weights`), ``one_sequence`` (what dominates serving one long context), ``gqa_factor``,
    ``weights_gb``, ``weights_text``, ``kv_share``, ``crossover_tokens`` (to the thousand), ``crossover_sequences``
    and ``per_token``."""
    weights_gb = summary["weights_gb"]
    return {
        "kv_gb_one": formats.number(summary["kv_gb_one"]),
        "kv_vs_weights": compared_with_weights(summary["kv_ratio"]),
        "one_sequence": (
            "serving one long context is dominated by the weights; serving many at once, by the cache"
            if summary["weights_dominate"]
            else "even one full-length sequence's cache outweighs the weights, and each more sequence adds as much"
        ),
        "gqa_factor": f"{summary['gqa_factor']}",
        "weights_gb": formats.count(weights_gb) if weights_gb >= 10 else formats.number(weights_gb),
        "weights_text": WEIGHTS_TEXT[summary["weights"]],
        "kv_share": formats.share(summary["kv_share"]),
        "crossover_tokens": formats.rounded_span([summary["crossover_tokens"]], 1000),  # "about": to the thousand
        "crossover_sequences": formats.number(summary["crossover_sequences"]),
        "per_token": formats.count(summary["per_token"]),
    }


def rope(summary: dict) -> dict[str, object]:
    """The chapter's RoPE paragraph's numbers as the book writes them (``summary`` from
    :func:`herd.analyses.long_context.arch.rope_summary`); the counts of pairs stay whole numbers."""
    return {
        "rope_theta": formats.count(summary["rope_theta"]),
        "old_context": formats.count(summary["old_context"]),
        "n_fast": summary["n_fast"],
        "n_slow": summary["n_slow"],
        "n_middle": summary["n_middle"],
        "scale_factor": f"{summary['scale_factor']:g}",
        "high_wavelen": formats.count(summary["high_wavelen"]),
        "low_wavelen": formats.count(summary["low_wavelen"]),
    }


def window_fill(windows: float) -> str:
    """A text's length in windows (:func:`herd.analyses.long_context.textstats.windows_filled`) as the texts' table
    writes it: ``measured: 7.6 windows`` where the text fills one, ``extrapolated: 10 % of one`` where it does not."""
    return (
        f"measured: {formats.number(windows, 1)} windows"
        if windows >= 1
        else f"extrapolated: {formats.share(windows)} of one"
    )


def texts_table(table: pd.DataFrame) -> pd.DataFrame:
    """The texts' table (:func:`herd.analyses.long_context.textstats.text_table`) as the chapter shows it: each text's
    length in windows written as whether its window is measured or extrapolated (:func:`window_fill`), in the table
    and in its download alike."""
    return table.assign(**{WINDOW_COLUMN: [window_fill(w) for w in table[WINDOW_COLUMN]]})


def short_texts(record: dict | None) -> str:
    """What the chapter says of the texts shorter than the window (``record`` from
    :func:`herd.analyses.long_context.textstats.short_texts`); empty when every text fills it."""
    if record is None:
        return ""
    narrative = record["narrative"]
    among = (
        f", {formats.noun(len(narrative), 'narrative one')} among them ({'; '.join(narrative)})" if narrative else ""
    )
    return (
        f"{formats.count(record['short'])} of the {formats.count(record['texts'])} texts are shorter than the window"
        f"{among}: for them the words in a window are the text's own rate carried over to a length it does not "
        f"reach (*extrapolated* in the table), and the box plot draws only "
        f"{formats.noun(record['fewest_chunks'], 'chunk')} from the shortest."
    )


def window(summary: dict) -> dict[str, object]:
    """What a full context window holds by register, as the chapter writes it (``summary`` from
    :func:`herd.analyses.long_context.textstats.window_summary`): ``narrative_words``, ``technical_words`` and
    ``code_words`` (the range over the texts of each register, rounded to thousands, or the one value),
    ``n_narrative`` (int) and ``narrative_pages`` (rounded to tens); ``n/a`` where no text of the register was
    measured; and, when narrative texts were measured, ``narrative_median`` (rounded to thousands) and the names of
    the narrative texts holding the fewest and the most words."""
    narrative = summary["narrative"]
    extremes = {}
    if narrative:
        extremes = {
            "narrative_median": formats.count(round(float(statistics.median(narrative)) / 1000) * 1000),
            "narrative_fewest": summary["narrative_fewest"],
            "narrative_most": summary["narrative_most"],
        }
    return extremes | {
        "narrative_words": formats.rounded_span(narrative, 1000),
        "n_narrative": len(narrative),
        "technical_words": formats.rounded_span(summary["technical"], 1000),
        "code_words": formats.rounded_span(summary["code"], 1000),
        "narrative_pages": formats.rounded_span(summary["narrative_pages"], 10),
    }


def node_memory(package, key: str = "gpu_memory_gb") -> dict[str, str]:
    """The node's memory as the chapter writes it: ``node`` (``8 × 80 GiB = 687 GB``) and ``gpu`` (one GPU's
    memory in decimal GB, ``85.9``), from :func:`herd.analyses.long_context.arch.node_memory_gb` and
    :func:`~herd.analyses.long_context.arch.gpu_memory_bytes`."""
    unit = package.facts.set_index("key").loc[key, "unit"]
    gpus = package.fact("training.server.gpus-per-server")
    node_gb = formats.count(arch.node_memory_gb(package))
    return {
        "node": f"{formats.count(gpus)} × {package.fact(key):g} {unit} = {node_gb} GB",
        "gpu": formats.number(arch.gpu_memory_bytes(package, key) / 1e9, 1),
    }


def describe_fit(fit: pd.DataFrame, model: str, label: str, memory_gb: float) -> str:
    """One sentence on what fits on a node for one model (``fit`` from
    :func:`herd.analyses.long_context.arch.fit_on_node`)."""

    def row(scheme, kv):
        return fit[(fit["model"] == model) & (fit["weights"] == scheme) & (fit["KV cache"] == kv)].iloc[0]

    bf16, fp8, fp8kv = row("bf16", "bf16"), row("fp8-mixed", "bf16"), row("fp8-mixed", "fp8")
    if bf16["weights (GB)"] > memory_gb:
        first = f"its BF16 weights ({bf16['weights (GB)']:.0f} GB) do not fit in {memory_gb:.0f} GB at all"
    else:
        first = (
            f"its BF16 weights ({bf16['weights (GB)']:.0f} GB) leave room for "
            f"{formats.noun(bf16['sequences that fit'], 'full-length sequence')}"
        )
    if fp8["weights (GB)"] > memory_gb:
        second = f"even with the paper's FP8 recipe ({fp8['weights (GB)']:.0f} GB) the weights do not fit"
    else:
        second = (
            "with the paper's FP8 recipe (feed-forward weights of "
            f"the inner layers in FP8, {fp8['weights (GB)']:.0f} GB) "
            f"{fp8['sequences that fit']} fit with a BF16 cache and {fp8kv['sequences that fit']} with an FP8 cache"
        )
    return f"For the {label}, {first}; {second}."


def node_sentences(fit: pd.DataFrame, args: dict, package) -> str:
    """What fits on one node, one sentence per model whose BF16 weights do not fit on a single GPU
    (:func:`describe_fit`; ``fit`` from :func:`herd.analyses.long_context.arch.fit_on_node`)."""
    names = arch.display_names(package, args)
    gpu = arch.gpu_memory_bytes(package)
    node_gb = arch.node_memory_gb(package)
    return " ".join(
        describe_fit(fit, k, names[k].removeprefix("Llama "), node_gb)
        for k, a in args.items()
        if arch.weight_bytes(a, "bf16") > gpu
    )


def quoted(package) -> dict[str, str]:
    """The numbers the chapter's prose quotes, as the book writes them: the post's words and pages in a window
    (``post_words``, ``post_pages``: its rows of ``claims.csv``), GPT-4's En.MC score as Table 2 and Table 21 print it
    (``gpt4_enmc_t2``, ``gpt4_enmc_t21``), the paper's vocabulary (``paper_vocab``) and the special tokens llama-models
    adds to it (``n_special``)."""
    from herd.record import tokenizer

    stated = package.claims.set_index("claim_id")["stated_value"]
    scores = package.tables["scores"]
    enmc = scores[(scores["row_label"] == "InfiniteBench/En.MC") & (scores["model"] == "gpt-4-0125")]
    printed = enmc[enmc["source"] == "llama3-paper-v3"].set_index("table")["score"]
    return {
        "post_words": formats.count(stated["ctx-words"]),
        "post_pages": formats.count(stated["ctx-pages"]),
        "gpt4_enmc_t2": formats.number(printed["Table 2"], 1),
        "gpt4_enmc_t21": formats.number(printed["Table 21"], 1),
        "paper_vocab": formats.count(package.fact("architecture.vocabulary-size")),
        "n_special": formats.count(len(tokenizer.read_spec().special_tokens)),
    }
