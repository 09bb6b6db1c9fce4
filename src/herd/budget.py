"""The compute budget's arithmetic, re-done: MFU from GPU hours, the parallelism
table's products, and the interruption table's shares.

Every check returns rows of (what the source says, what recomputation gives, whether
they agree within the printed rounding), so a chapter can list the inconsistencies.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .scaling import training_flops


def fact(facts: pd.DataFrame, key: str) -> float:
    try:
        return float(facts.set_index("key").loc[key, "value"])
    except KeyError:
        raise KeyError(f"facts.csv has no row {key!r}") from None


def implied_mfu(facts: pd.DataFrame, models: dict[str, tuple[float, float]], peak_tflops: float | None = None) -> pd.DataFrame:
    """MFU implied by the model card's GPU hours: 6·N·D / (hours · 3600 · peak).

    ``models`` maps a model key to (parameters, training tokens). Returns one row per
    model with the FLOPs, the GPU hours, the implied MFU and the paper's stated range.
    """
    peak = (peak_tflops or fact(facts, "h100.bf16_dense_tflops")) * 1e12
    low, high = fact(facts, "training.llama-3.1-405b.bf16-mfu-range-text.low"), fact(facts, "training.llama-3.1-405b.bf16-mfu-range-text.high")
    rows = []
    for model, (params, tokens) in models.items():
        hours = fact(facts, f"modelcard.{model}.gpu_hours")
        flops = training_flops(params, tokens)
        mfu = 100 * flops / (hours * 3600 * peak)
        rows.append({"model": model, "parameters": params, "tokens": tokens, "flops": flops, "gpu_hours": hours,
                     "implied_mfu_pct": mfu, "stated_low_pct": low, "stated_high_pct": high,
                     "within_stated": bool(low <= mfu <= high)})
    return pd.DataFrame(rows)


def parallelism_checks(table: pd.DataFrame) -> pd.DataFrame:
    """Per row of the 4D-parallelism table: TP·CP·PP·DP against GPUs, and
    DP · batch/DP · sequence length against the printed tokens per batch."""
    out = table.copy()
    out["gpus_from_product"] = out["tp"] * out["cp"] * out["pp"] * out["dp"]
    out["gpus_consistent"] = out["gpus_from_product"] == out["gpus"]
    out["tokens_from_product"] = out["dp"] * out["batch_size_per_dp"] * out["seq_len"]
    # "16M" can be read in decimal millions (rounded) or binary (16·2^20); accept either and say which.
    millions = out["tokens_per_batch"] / 1e6
    decimal = np.round(out["tokens_from_product"] / 1e6) == np.round(millions)
    binary = out["tokens_from_product"] == np.round(millions) * 2**20
    out["tokens_consistent"] = decimal | binary
    out["tokens_reading"] = np.where(decimal, "decimal millions", np.where(binary, "binary: M = 2^20", "neither"))
    out["tflops_over_mfu"] = out["tflops_per_gpu"] / (out["bf16_mfu_pct"] / 100)
    return out


def interruption_checks(table: pd.DataFrame, unexpected_total: int) -> pd.DataFrame:
    """Each category's share recomputed from its count, against the printed percent
    (printed to one decimal, so a difference above 0.05 points is an inconsistency)."""
    out = table.copy()
    out["percent_from_count"] = 100 * out["interruptions"] / unexpected_total
    out["difference"] = out["percent"] - out["percent_from_count"]
    out["consistent"] = out["difference"].abs() <= 0.05 + 1e-9
    return out


def interruption_summary(table: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The text's summary numbers against the table: totals, GPU share, hardware share."""
    total = fact(facts, "interruptions.54-day-snapshot.unexpected-interruptions")
    planned = fact(facts, "interruptions.54-day-snapshot.planned-interruptions")
    all_ = fact(facts, "interruptions.54-day-snapshot.total-job-interruptions")
    gpu = table[table["category"] == "GPU"]
    hardware = table[table["category"].isin(["GPU", "Host", "Network"])]
    rows = [
        ("total interruptions = planned + unexpected", all_, planned + total),
        ("unexpected interruptions = sum of the table's counts", total, float(table["interruptions"].sum())),
        ("printed percentages sum to 100", 100.0, float(table["percent"].sum())),
        ("GPU issues share (%), from the counts", fact(facts, "interruptions.54-day-snapshot.gpu-issues-share-of-unexpected-issues"),
         100 * float(gpu["interruptions"].sum()) / total),
        ("GPU issues share (%), from the printed percentages", fact(facts, "interruptions.54-day-snapshot.gpu-issues-share-of-unexpected-issues"),
         float(gpu["percent"].sum())),
        ("hardware share (%): GPU, host and network categories", fact(facts, "interruptions.54-day-snapshot.share-of-unexpected-interruptions-attributed-to-confirmed-or-suspected-hardware-issues"),
         100 * float(hardware["interruptions"].sum()) / total),
    ]
    out = pd.DataFrame(rows, columns=["check", "stated", "recomputed"])
    out["difference"] = out["recomputed"] - out["stated"]
    return out
