"""The compute budget's arithmetic, re-done: MFU from GPU hours, the parallelism
table's products, and the interruption table's shares.

Every check returns rows of (what the source says, what recomputation gives, whether
they agree within the printed rounding), so a chapter can list the inconsistencies.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .data import fact
from .scaling import training_flops


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
    # MFU and TFLOPs are printed as whole numbers: the peak they imply lies in this range.
    out["peak_low"] = (out["tflops_per_gpu"] - 0.5) / ((out["bf16_mfu_pct"] + 0.5) / 100)
    out["peak_high"] = (out["tflops_per_gpu"] + 0.5) / ((out["bf16_mfu_pct"] - 0.5) / 100)
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


def inconsistencies(package, budget_flops: float | None = None) -> pd.DataFrame:
    """Every arithmetic check of the compute story, as (topic, the source says,
    recomputation gives, consistent, likely explanation). Numbers in the text are
    formatted from the computed values."""
    from . import scaling

    f = package.facts
    laws = package.scaling_laws
    C = budget_flops or fact(f, "scaling.flagship_flops")
    rows = []

    def add(topic, says, gives, ok, why):
        rows.append({"topic": topic, "the source says": says, "recomputation gives": gives, "consistent": bool(ok), "likely explanation": why})

    n_pred, d_pred = fact(f, "scaling.predicted_params"), fact(f, "scaling.predicted_tokens")
    c_pred = float(scaling.training_flops(n_pred, d_pred))
    add("scaling law", f"{n_pred / 1e9:.0f}B parameters on {d_pred / 1e12:.2f}T tokens at {C:.2g} FLOPs",
        f"6·N·D = {c_pred:.3g} FLOPs, {100 * (c_pred / C - 1):+.1f} % off the budget", abs(c_pred / C - 1) < 0.01,
        "The pair is not exactly on C = 6ND; the paper may count FLOPs differently (attention, embeddings) or round.")
    for law, label in (("llama3-text", "text constants"), ("llama3-figure", "Figure 3 constants")):
        d = float(scaling.build_law(laws, law).tokens(C))
        add("scaling law", f"D* = {d_pred / 1e12:.2f}T tokens at {C:.2g} FLOPs",
            f"the {label} give D* = {d / 1e12:.2f}T", abs(d / d_pred - 1) < 0.05,
            "The text rounds α to two decimals; at this extrapolation distance the rounding alone moves the answer by a large factor."
            if law == "llama3-text" else "The legend's three-decimal constants reproduce the stated optimum to within rounding.")
    n_act, d_act = fact(f, "training.parameters"), fact(f, "training.tokens")
    c_act = float(scaling.training_flops(n_act, d_act))
    add("training run", f"{n_act / 1e9:.0f}B parameters on {d_act / 1e12:.1f}T tokens with {fact(f, 'training.flops'):.2g} FLOPs",
        f"6·N·D = {c_act:.3g} FLOPs", abs(c_act / fact(f, "training.flops") - 1) < 0.02, "Consistent: the run used the budget as stated.")
    mfu = implied_mfu(f, {"llama-3.1-405b": (n_act, d_act)})
    m = mfu.iloc[0]
    add("GPU hours", f"BF16 MFU of {m['stated_low_pct']:.0f}–{m['stated_high_pct']:.0f} % (Table 4 configurations)",
        f"{m['gpu_hours'] / 1e6:.2f}M H100 hours for 6·N·D FLOPs imply {m['implied_mfu_pct']:.1f} % of peak", bool(m["within_stated"]),
        "The model card's GPU hours cover more than the pre-training steps (long-context stages, annealing, restarts after interruptions, evaluation).")
    par = parallelism_checks(package.parallelism)
    for r in par.itertuples():
        add("parallelism (Table 4)", f"row {r.row}: {r.gpus:,} GPUs, {r.tokens_per_batch_as_printed} tokens per batch",
            f"TP·CP·PP·DP = {r.gpus_from_product:,}; DP·batch·sequence = {r.tokens_from_product:,} tokens ({r.tokens_reading})",
            bool(r.gpus_consistent and r.tokens_consistent),
            "Consistent; '16M' means 16·2^20 tokens." + (" The earlier (v2) text printed DP = 4 here, which did not add up; v3 prints 8." if r.row == 3 else ""))
    peak = fact(f, "h100.bf16_dense_tflops")
    inside = (par["peak_low"] <= peak) & (peak <= par["peak_high"])
    add("parallelism (Table 4)", "TFLOPs per GPU and BF16 MFU in each row",
        "implied peak (TFLOPs / MFU, allowing for rounding): "
        + "; ".join(f"row {r}: {lo:.0f}–{hi:.0f}" for r, lo, hi in zip(par["row"], par["peak_low"], par["peak_high"]))
        + f" TFLOP/s; the H100 whitepaper gives {peak:.1f}",
        bool(inside.all()),
        "Rows " + ", ".join(str(r) for r in par.loc[inside, "row"]) + f" are consistent with a {peak:.1f} TFLOP/s peak"
        + ("" if inside.all() else "; row " + ", ".join(str(r) for r in par.loc[~inside, "row"])
           + " implies a slightly lower peak, so its MFU or TFLOPs were rounded differently or measured on another basis") + ".")
    total = fact(f, "interruptions.54-day-snapshot.unexpected-interruptions")
    inter = interruption_checks(package.interruptions, int(total))
    for r in inter[~inter["consistent"]].itertuples():
        add("interruptions (Table 5)", f"{r.component}: {r.interruptions} interruptions, {r.percent:.1f} %",
            f"{r.interruptions} / {total:.0f} = {r.percent_from_count:.1f} %", False,
            "A misprint in the count or the percentage; the other rows match count / total.")
    summary = interruption_summary(package.interruptions, f)
    for r in summary.itertuples():
        # the text says "approximately 78%" for the hardware share: allow a point either way
        ok = abs(r.difference) <= (1.0 if r.check.startswith("hardware") else 0.5)
        add("interruptions (text)", f"{r.check}: {r.stated:g}", f"{r.recomputed:.1f}", ok,
            "Consistent." if ok else ("The text's GPU share is the sum of the printed percentages, which inherit the Faulty GPU misprint."
                                      if "GPU issues" in r.check else "Follows from the Faulty GPU row." if "sum to 100" in r.check
                                      else "The text's category grouping is not spelled out; this reading (GPU, host, network) is an assumption."))
    return pd.DataFrame(rows)
