"""The compute budget's arithmetic, re-done: MFU from GPU hours, the parallelism table's
products, the interruption table's shares, and every check of the compute story sorted by
root cause.

A check compares what a source prints with what recomputation gives and has one verdict:
it *agrees*, *agrees within rounding* (the printed numbers' own precision allows both), *agrees
approximately* (only the source's own "approximately" allows both), *differs by definition* (the
two numbers measure different things), or is *inconsistent*. Every check
that does not simply agree names a cause; one misprint seen in three places is one cause.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from herd.base import formats
from herd.record.data import fact

from . import scaling

AGREES = "agrees"
ROUNDING = "agrees within rounding"
APPROXIMATE = "agrees approximately"
DEFINITION = "differs by definition"
INCONSISTENT = "inconsistent"
VERDICTS = (AGREES, ROUNDING, APPROXIMATE, DEFINITION, INCONSISTENT)

FACT_KEYS = (
    "h100.bf16_dense_tflops",
    "training.llama-3.1-405b.bf16-mfu-range-text.low",
    "training.llama-3.1-405b.bf16-mfu-range-text.high",
    "training.llama-3.1-405b.effective-training-time",
    "interruptions.54-day-snapshot.unexpected-interruptions",
    "interruptions.54-day-snapshot.planned-interruptions",
    "interruptions.54-day-snapshot.total-job-interruptions",
    "interruptions.54-day-snapshot.gpu-issues-share-of-unexpected-issues",
    "interruptions.54-day-snapshot.share-of-unexpected-interruptions-attributed-to-confirmed-or-suspected-hardware-issues",
)
"""facts.csv rows this module reads by key (besides the scaling keys in
:data:`herd.analyses.compute.scaling.FACT_KEYS`)."""

MFU_MODEL = "llama-3.1-405b"
"""The model the paper's stated MFU range is about."""


def implied_mfu(facts: pd.DataFrame, points: pd.DataFrame, peak_tflops: float | None = None) -> pd.DataFrame:
    """MFU implied by each model's GPU hours: 6·N·D / (hours · 3600 · peak).

    ``points`` comes from :func:`herd.analyses.compute.scaling.model_points` (columns model, name, params, tokens,
    gpu_hours, tokens_bound, distilled). Returns one row per model with the FLOPs, the implied MFU and the paper's
    stated range for the 405B's pre-training.
    """
    peak = (peak_tflops or fact(facts, "h100.bf16_dense_tflops")) * 1e12
    low = fact(facts, "training.llama-3.1-405b.bf16-mfu-range-text.low")
    high = fact(facts, "training.llama-3.1-405b.bf16-mfu-range-text.high")
    out = points[["model", "name", "params", "tokens", "gpu_hours"]].copy()
    out["flops"] = scaling.training_flops(out["params"], out["tokens"])
    out["implied_mfu_pct"] = 100 * out["flops"] / (out["gpu_hours"] * 3600 * peak)
    out["stated_low_pct"], out["stated_high_pct"] = low, high
    out["within_stated"] = (low <= out["implied_mfu_pct"]) & (out["implied_mfu_pct"] <= high)
    out["caveat"] = [
        "; ".join(
            text
            for text, applies in (
                ("tokens printed as an upper bound: the FLOPs and the MFU are at most this", b),
                ("trained on a larger model's logits: the GPU hours leave out generating them", d),
            )
            if applies
        )
        for b, d in zip(points["tokens_bound"], points["distilled"])
    ]
    return out


def column_step(values) -> float:
    """The precision a column of whole numbers is printed to: the largest power of ten that
    divides every value (430, 400, 380 → 10; 43, 41, 38 → 1)."""
    ints = [int(v) for v in values]
    if any(v != float(x) for v, x in zip(ints, values)) or not any(ints):
        return 1.0
    step = 1
    while all(v % (step * 10) == 0 for v in ints):
        step *= 10
    return float(step)


def parallelism_checks(table: pd.DataFrame, peak_tflops: float | None = None) -> pd.DataFrame:
    """Per row of the 4D-parallelism table: TP·CP·PP·DP against GPUs, DP · batch/DP ·
    sequence length against the printed tokens per batch, and the peak throughput that the
    row's TFLOPs and MFU imply, allowing for the precision each column is printed to."""
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
    tf_half, mfu_half = column_step(out["tflops_per_gpu"]) / 2, column_step(out["bf16_mfu_pct"]) / 2
    out["tflops_step"] = 2 * tf_half
    # Whole-number reading (each TFLOPs value ± 0.5), and the column's own precision (± half its step).
    out["peak_low_units"] = (out["tflops_per_gpu"] - 0.5) / ((out["bf16_mfu_pct"] + mfu_half) / 100)
    out["peak_high_units"] = (out["tflops_per_gpu"] + 0.5) / ((out["bf16_mfu_pct"] - mfu_half) / 100)
    out["peak_low"] = (out["tflops_per_gpu"] - tf_half) / ((out["bf16_mfu_pct"] + mfu_half) / 100)
    out["peak_high"] = (out["tflops_per_gpu"] + tf_half) / ((out["bf16_mfu_pct"] - mfu_half) / 100)
    if peak_tflops is not None:
        out["peak_within_units"] = (out["peak_low_units"] <= peak_tflops) & (peak_tflops <= out["peak_high_units"])
        out["peak_within"] = (out["peak_low"] <= peak_tflops) & (peak_tflops <= out["peak_high"])
    return out


def interruption_checks(table: pd.DataFrame, unexpected_total: int) -> pd.DataFrame:
    """Each category's share recomputed from its count, against the printed percent
    (printed to one decimal, so a difference above 0.05 points is an inconsistency)."""
    out = table.copy()
    out["percent_from_count"] = 100 * out["interruptions"] / unexpected_total
    out["difference"] = out["percent"] - out["percent_from_count"]
    out["consistent"] = out["difference"].abs() <= 0.05 + 1e-9
    return out


HARDWARE_NAMED = ("GPU", "Host", "Unplanned Maintenance")
"""Table 5's categories that §3.3.4 names as hardware: "GPU or host component failures, or suspected
hardware-related issues like silent data corruption (a GPU row) and unplanned individual host
maintenance events"."""


def hardware_note(table: pd.DataFrame, stated: float) -> str:
    """Why the text's hardware share is a matter of definition: the share of the categories it names,
    and of the groupings next to it (the row of unknown cause as "suspected", the network category)."""
    total = float(table["interruptions"].sum())

    def share(categories) -> float:
        return 100 * float(table.loc[table["category"].isin(categories), "interruptions"].sum()) / total

    named = share(HARDWARE_NAMED)
    with_unknown = share([*HARDWARE_NAMED, "Unknown"])
    with_network = share([*HARDWARE_NAMED, "Network"])
    return (
        f"The text gives approximately {stated:g} % for confirmed or suspected hardware issues, with examples (GPU and "
        "host component failures, silent data corruption, unplanned host maintenance) but no list of Table 5's rows. "
        f"The categories it names give {named:.1f} %; counting the row of unknown cause (NCCL watchdog timeouts) as "
        f"suspected hardware gives {with_unknown:.1f} %; adding the network category instead gives "
        f"{with_network:.1f} %. "
        f"So {stated:g} % follows from one reading of the text and not from others: the two numbers need not count the "
        "same rows."
    )


def interruption_summary(table: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The text's summary numbers against the table: totals, GPU share, hardware share."""
    total = fact(facts, "interruptions.54-day-snapshot.unexpected-interruptions")
    planned = fact(facts, "interruptions.54-day-snapshot.planned-interruptions")
    all_ = fact(facts, "interruptions.54-day-snapshot.total-job-interruptions")
    gpu = table[table["category"] == "GPU"]
    hardware = table[table["category"].isin(HARDWARE_NAMED)]
    gpu_key = "interruptions.54-day-snapshot.gpu-issues-share-of-unexpected-issues"
    hw_key = (
        "interruptions.54-day-snapshot."
        "share-of-unexpected-interruptions-attributed-to-confirmed-or-suspected-hardware-issues"
    )

    def printed(key: str) -> tuple[tuple[float, float], tuple[float, float]]:
        # what the text's printing allows (a whole unit for "approximately") and what rounding alone allows
        return scaling.fact_interval(facts, key), scaling.fact_interval(facts, key, widen_approximate=False)

    def exact(v: float) -> tuple[tuple[float, float], tuple[float, float]]:
        return (v, v), (v, v)

    # sums of rounded shares may miss 100 by half a unit per row
    half_per_row = (100 - 0.05 * len(table), 100 + 0.05 * len(table))
    rows = [
        ("total", "total interruptions = planned + unexpected", all_, planned + total, *exact(all_)),
        (
            "unexpected",
            "unexpected interruptions = sum of the table's counts",
            total,
            float(table["interruptions"].sum()),
            *exact(total),
        ),
        ("sum", "printed percentages sum to 100", 100.0, float(table["percent"].sum()), half_per_row, half_per_row),
        (
            "gpu-counts",
            "GPU issues share (%), from the counts",
            fact(facts, gpu_key),
            100 * float(gpu["interruptions"].sum()) / total,
            *printed(gpu_key),
        ),
        (
            "gpu-printed",
            "GPU issues share (%), from the printed percentages",
            fact(facts, gpu_key),
            float(gpu["percent"].sum()),
            *printed(gpu_key),
        ),
        (
            "hardware",
            "hardware share (%): the categories the text names (GPU, host, unplanned maintenance)",
            fact(facts, hw_key),
            100 * float(hardware["interruptions"].sum()) / total,
            *printed(hw_key),
        ),
    ]
    out = pd.DataFrame([r[:4] for r in rows], columns=["id", "check", "stated", "recomputed"])
    out["allowed_low"] = [r[4][0] for r in rows]
    out["allowed_high"] = [r[4][1] for r in rows]
    out["difference"] = out["recomputed"] - out["stated"]
    out["within"] = (out["allowed_low"] - 1e-9 <= out["recomputed"]) & (out["recomputed"] <= out["allowed_high"] + 1e-9)
    # a share printed as "approximately" is allowed a whole unit; within half a unit it agrees within rounding
    rounding_low = pd.Series([r[5][0] for r in rows], index=out.index)
    rounding_high = pd.Series([r[5][1] for r in rows], index=out.index)
    out["within_rounding"] = (rounding_low - 1e-9 <= out["recomputed"]) & (out["recomputed"] <= rounding_high + 1e-9)
    return out


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _truncated(value: float, digits: int) -> float:
    return math.floor(value * 10**digits + 1e-9) / 10**digits


def checks(package, budget_flops: float | None = None) -> pd.DataFrame:
    """Every arithmetic check of the compute story: topic, what the source says, what
    recomputation gives, the verdict (one of :data:`VERDICTS`), the cause (a key shared by every
    check the same error explains; blank when the check agrees) and its one-line explanation."""
    scaling.require_facts(package, scaling.FACT_KEYS, "herd.analyses.compute.budget")
    scaling.require_facts(package, FACT_KEYS, "herd.analyses.compute.budget")
    f = package.facts
    laws = package.scaling_laws
    C = budget_flops or fact(f, "scaling.flagship_flops")
    C_range = scaling.fact_interval(f, "scaling.flagship_flops") if budget_flops is None else (C, C)
    rows = []

    def add(topic, says, gives, verdict, cause="", why=""):
        rows.append(
            {
                "topic": topic,
                "the source says": says,
                "recomputation gives": gives,
                "verdict": verdict,
                "cause": cause,
                "explanation": why,
            }
        )

    # --- the scaling law's stated optimum
    n_pred, d_pred = fact(f, "scaling.predicted_params"), fact(f, "scaling.predicted_tokens")
    n_rng, d_rng = (
        scaling.fact_interval(f, "scaling.predicted_params"),
        scaling.fact_interval(f, "scaling.predicted_tokens"),
    )
    c_pred = float(scaling.training_flops(n_pred, d_pred))
    c_pred_rng = (float(scaling.training_flops(n_rng[0], d_rng[0])), float(scaling.training_flops(n_rng[1], d_rng[1])))
    says = f"{formats.params(n_pred)} parameters on {formats.tokens(d_pred, 2)} tokens at {formats.scientific(C)} FLOPs"
    gives = f"6·N·D = {formats.scientific(c_pred, 3)} FLOPs, {formats.gap(100 * (c_pred / C - 1))} % off the budget"
    if c_pred == C:
        add("scaling law", says, gives, AGREES)
    elif _overlap(c_pred_rng, C_range):
        add("scaling law", says, gives, ROUNDING)
    else:
        add(
            "scaling law",
            says,
            gives,
            INCONSISTENT,
            "predicted-size-off-budget",
            f"The predicted {formats.params(n_pred)} parameters and {formats.tokens(d_pred, 2)} tokens need "
            f"{formats.scientific(c_pred, 3)} FLOPs under C = 6·N·D, "
            f"{formats.number(100 * (c_pred / C - 1), 0)} % more than the "
            f"{formats.scientific(C)} they are predicted for (the tokens alone imply "
            f"{formats.params(float(scaling.params_for(C, d_pred)))}); the paper's own run meets C = 6·N·D, and it "
            "does not say how "
            f"{formats.params(n_pred)} was derived.",
        )

    fig = scaling.constants(laws, "llama3-figure")
    for law, label in (("llama3-text", "text"), ("llama3-figure", "Figure 3")):
        c = scaling.constants(laws, law)
        d = float(scaling.build_law(laws, law).tokens(C))
        lo, hi = scaling.token_law_range(C, f"{c['A']:g}", f"{c['alpha']:g}", C_range)
        says = f"D* = {formats.tokens(d_pred, 2)} tokens at {formats.scientific(C)} FLOPs"
        gives = (
            f"the {label} constants (α {c['alpha']:g}, A {c['A']:g}) give D* = {formats.tokens(d, 2)}; "
            f"every rounding of them, {formats.span(lo / 1e12, hi / 1e12, formats.number, 'T')}"
        )
        if _overlap((lo, hi), d_rng):
            add("scaling law", says, gives, ROUNDING)
            continue
        digits = len(f"{c['alpha']:g}".split(".")[1])
        cut = law != "llama3-figure" and all(
            _truncated(fig[k], digits) == c[k] and round(fig[k], digits) != c[k] for k in ("alpha", "A")
        )
        how = (
            (
                f"the figure's α {fig['alpha']:g} and A {fig['A']:g} cut to {digits} decimals (rounding gives "
                f"{round(fig['alpha'], digits):.{digits}f} and {round(fig['A'], digits):.{digits}f})"
            )
            if cut
            else f"constants printed to {digits} decimals"
        )
        add(
            "scaling law",
            says,
            gives,
            INCONSISTENT,
            "text-constants-truncated" if cut else f"{law}-constants",
            f"The text's (α, A) = ({c['alpha']:g}, {c['A']:g}) are {how}; no values that round to them give more than "
            f"{formats.tokens(hi)} tokens, so the text's constants cannot produce its own {formats.tokens(d_pred, 2)}.",
        )

    # --- the training run
    n_act, d_act = fact(f, "training.parameters"), fact(f, "training.tokens")
    n_act_rng, d_act_rng = scaling.fact_interval(f, "training.parameters"), scaling.fact_interval(f, "training.tokens")
    c_act = float(scaling.training_flops(n_act, d_act))
    c_stated, c_stated_rng = fact(f, "training.flops"), scaling.fact_interval(f, "training.flops")
    c_act_rng = (
        float(scaling.training_flops(n_act_rng[0], d_act_rng[0])),
        float(scaling.training_flops(n_act_rng[1], d_act_rng[1])),
    )
    add(
        "training run",
        f"{formats.params(n_act)} parameters on {formats.tokens(d_act)} "
        f"tokens with {formats.scientific(c_stated)} FLOPs",
        f"6·N·D = {formats.scientific(c_act, 3)} FLOPs",
        ROUNDING if _overlap(c_act_rng, c_stated_rng) else INCONSISTENT,
        "" if _overlap(c_act_rng, c_stated_rng) else "training-run-off-budget",
        ""
        if _overlap(c_act_rng, c_stated_rng)
        else "The run's parameters and tokens do not give its stated compute under C = 6·N·D.",
    )

    # --- GPU hours against the stated MFU
    points = scaling.model_points(package, [MFU_MODEL])
    m = implied_mfu(f, points).iloc[0]
    says = f"BF16 MFU of {m['stated_low_pct']:.0f}–{m['stated_high_pct']:.0f} % (Table 4 configurations)"
    gives = (
        f"{formats.scaled(m['gpu_hours'], 'M', 2)} H100 hours (model card) for 6·N·D FLOPs imply "
        f"{formats.percent(m['implied_mfu_pct'])} of peak"
    )
    if m["within_stated"]:
        add("GPU hours", says, gives, AGREES)
    elif m["implied_mfu_pct"] < m["stated_low_pct"]:
        effective = fact(f, "training.llama-3.1-405b.effective-training-time")
        add(
            "GPU hours",
            says,
            gives,
            DEFINITION,
            "gpu-hours-whole-training",
            "The card's hours are the total GPU time to train the model; the "
            f"{m['stated_low_pct']:.0f}–{m['stated_high_pct']:.0f} % "
            "is the steady-state throughput of Table 4's configurations. "
            "Counting only useful time (the paper reports more than "
            f"{effective:.0f} % effective training time) raises {formats.percent(m['implied_mfu_pct'])} to at most "
            f"{formats.percent(m['implied_mfu_pct'] / (effective / 100))}, "
            "so the hours most likely also count work outside those "
            f"configurations: a difference in what is counted, not a contradiction.",
        )
    else:
        add(
            "GPU hours",
            says,
            gives,
            INCONSISTENT,
            "gpu-hours-too-few",
            "The GPU hours are too few for the FLOPs at the stated MFU: more work than the hardware could do.",
        )

    # --- Table 4
    peak = fact(f, "h100.bf16_dense_tflops")
    par = parallelism_checks(package.parallelism, peak)
    for r in par.itertuples():
        ok = bool(r.gpus_consistent and r.tokens_consistent)
        add(
            "parallelism (Table 4)",
            f"row {r.row}: {r.gpus:,} GPUs, {r.tokens_per_batch_as_printed} tokens per batch",
            f"TP·CP·PP·DP = {r.gpus_from_product:,}; DP·batch·sequence = {r.tokens_from_product:,} tokens "
            f"({r.tokens_reading})",
            AGREES if ok else INCONSISTENT,
            "" if ok else f"table4-row{r.row}-products",
            "" if ok else f"Row {r.row}'s parallelism degrees do not multiply to its GPUs or tokens per batch.",
        )
    for r in par.itertuples():
        says = f"row {r.row}: {r.tflops_per_gpu:g} TFLOP/s per GPU at {r.bf16_mfu_pct:g} % MFU"
        gives = (
            f"implied peak {r.tflops_over_mfu:.0f} TFLOP/s; {r.peak_low_units:.0f}–{r.peak_high_units:.0f} reading "
            f"{r.tflops_per_gpu:g} as exact, {r.peak_low:.0f}–{r.peak_high:.0f} reading it to the nearest "
            f"{r.tflops_step:g} as the column is printed; the H100 whitepaper gives {peak:.1f}"
        )
        if r.peak_within:
            add("parallelism (Table 4)", says, gives, ROUNDING)
        else:
            add(
                "parallelism (Table 4)",
                says,
                gives,
                INCONSISTENT,
                f"table4-row{r.row}-peak",
                f"Row {r.row}'s TFLOP/s and MFU imply a peak outside what the printed precision allows.",
            )

    # --- Table 5 and the text's summary of it
    total = fact(f, "interruptions.54-day-snapshot.unexpected-interruptions")
    inter = interruption_checks(package.interruptions, int(total))
    summary = interruption_summary(package.interruptions, f).set_index("id")
    bad = inter[~inter["consistent"]]
    counts_add_up = summary.loc["unexpected", "within"]
    misprints = {}
    for r in bad.itertuples():
        key = f"table5-{r.component.lower().replace(' ', '-')}-percent"
        misprints[r.component] = key
        add(
            "interruptions (Table 5)",
            f"{r.component}: {r.interruptions} interruptions, {r.percent:.1f} %",
            f"{r.interruptions} / {total:.0f} = {r.percent_from_count:.1f} %",
            INCONSISTENT,
            key,
            f"Table 5 prints {r.percent:.1f} % for {r.component}, but its {r.interruptions} interruptions are "
            f"{r.percent_from_count:.1f} % of {total:.0f}; "
            + (
                f"the counts add up to the text's {total:.0f}, so the percentage is the misprint. "
                if counts_add_up
                else ""
            )
            + f"The printed percentages then sum to {summary.loc['sum', 'recomputed']:.1f}, and the text's GPU share "
            f"({summary.loc['gpu-counts', 'stated']:g} %, the sum of the printed GPU percentages) falls short of the "
            f"{summary.loc['gpu-counts', 'recomputed']:.1f} % the counts give.",
        )
    good = inter[inter["consistent"]]
    add(
        "interruptions (Table 5)",
        f"the other {len(good)} rows' percentages",
        f"count / {total:.0f}, each within 0.05 points",
        ROUNDING if len(good) else AGREES,
    )

    corrected_sum = float(inter["percent"].sum() - bad["percent"].sum() + bad["percent_from_count"].sum())
    single = next(iter(misprints.values()), "") if len(misprints) == 1 else ""
    for key, r in summary.iterrows():
        says, gives = f"{r['check']}: {r['stated']:g}", f"{r['recomputed']:.1f}"
        if r["within"] and not r["within_rounding"]:
            add(
                "interruptions (text)",
                says,
                f"{gives} ({formats.gap(r['difference'])} points)",
                APPROXIMATE,
                "",
                f"The text prints approximately {r['stated']:g} % and does not say which categories it counts; "
                f"the recomputation's grouping ({r['check'].split(': ')[-1]}) gives {r['recomputed']:.1f} %.",
            )
        elif r["within"]:
            add("interruptions (text)", says, gives, AGREES if r["recomputed"] == r["stated"] else ROUNDING)
        elif key == "sum" and single and abs(corrected_sum - 100) <= 0.05 * len(inter):
            add("interruptions (text)", says, gives, INCONSISTENT, single, "")
        elif key == "gpu-counts" and single and summary.loc["gpu-printed", "within"]:
            add("interruptions (text)", says, gives, INCONSISTENT, single, "")
        elif key == "hardware":
            add("interruptions (text)", says, gives, DEFINITION, "hardware-grouping", hardware_note(inter, r["stated"]))
        else:
            add(
                "interruptions (text)",
                says,
                gives,
                INCONSISTENT,
                f"interruptions-{key}",
                f"The text's {r['check']} ({r['stated']:g}) does not follow from Table 5 ({r['recomputed']:.1f}).",
            )
    out = pd.DataFrame(rows)
    # every check of one cause carries the explanation written where the cause was found
    first = (
        out[(out["explanation"] != "") & (out["cause"] != "")]
        .drop_duplicates("cause")
        .set_index("cause")["explanation"]
    )
    named = out["cause"] != ""
    out.loc[named, "explanation"] = out.loc[named, "cause"].map(first).fillna("")
    return out


CAUSE_KINDS = {INCONSISTENT: "inconsistency", DEFINITION: "difference of definition"}


def causes(checks_table: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct cause: its kind (inconsistency or difference of definition), how many
    checks it explains, and its explanation. Checks that agree, exactly or within rounding, have
    no cause and are not counted."""
    named = checks_table[checks_table["cause"] != ""]
    out = (
        named.groupby("cause", sort=False)
        .agg(
            verdict=("verdict", "first"),
            checks=("verdict", "size"),
            topics=("topic", lambda t: ", ".join(dict.fromkeys(t))),
            explanation=("explanation", "first"),
        )
        .reset_index()
    )
    out["kind"] = out["verdict"].map(CAUSE_KINDS)
    return out[["cause", "kind", "checks", "topics", "explanation"]]


def summary_counts(checks_table: pd.DataFrame) -> dict[str, int]:
    """The numbers the chapter states: checks in all, by verdict, and distinct causes by kind."""
    by_cause = causes(checks_table)
    counts = checks_table["verdict"].value_counts()
    return {
        "checks": len(checks_table),
        "agree": int(counts.get(AGREES, 0)),
        "rounding": int(counts.get(ROUNDING, 0)),
        "approximate": int(counts.get(APPROXIMATE, 0)),
        "not_agreeing": int(counts.get(INCONSISTENT, 0) + counts.get(DEFINITION, 0)),
        "inconsistent_checks": int(counts.get(INCONSISTENT, 0)),
        "inconsistencies": int((by_cause["kind"] == CAUSE_KINDS[INCONSISTENT]).sum()),
        "definitions": int((by_cause["kind"] == CAUSE_KINDS[DEFINITION]).sum()),
    }


def causes_phrase(counts: dict[str, int]) -> str:
    """'3 inconsistencies with distinct causes and 1 difference of definition', from :func:`summary_counts`."""
    n, d = counts["inconsistencies"], counts["definitions"]
    return (
        f"{n} {'inconsistency' if n == 1 else 'inconsistencies'} with distinct causes and "
        f"{d} {'difference' if d == 1 else 'differences'} of definition"
    )


def agreement_phrase(counts: dict[str, int]) -> str:
    """How many checks agree, and how, from :func:`summary_counts`: '5 agree exactly and 7 within the
    precision of the printed numbers' (checks that agree only through the source's "approximately"
    are named when there are any)."""
    agree = "agrees" if counts["agree"] == 1 else "agree"
    text = f"{counts['agree']} {agree} exactly and {counts['rounding']} within the precision of the printed numbers"
    if counts["approximate"]:
        text = text.replace(" and ", ", ", 1) + (
            f', and {counts["approximate"]} only within the whole unit the source\'s own "approximately" allows'
        )
    return text


def approximate_note(checks_table: pd.DataFrame) -> str:
    """Why each check that agrees only through the source's "approximately" does so (empty when none)."""
    rows = checks_table[checks_table["verdict"] == APPROXIMATE]
    if rows.empty:
        return ""
    return " ".join(rows["explanation"]) + " "


def peak_rounding_note(par: pd.DataFrame, peak_tflops: float) -> str:
    """A sentence on Table 4 rows whose implied peak misses a whole-number reading of the
    printed TFLOP/s but not the column's own precision (empty when there is none)."""
    rows = par[~par["peak_within_units"] & par["peak_within"]]
    if rows.empty:
        return ""
    miss = 100 * max(
        max(peak_tflops - r.peak_high_units, r.peak_low_units - peak_tflops) / peak_tflops for r in rows.itertuples()
    )
    which = ", ".join(str(r) for r in rows["row"])
    return (
        f"Table 4's row {which} implies a peak {miss:.2f} % outside what reading its TFLOP/s as an exact whole number "
        f"allows, and inside what the column's precision (multiples of {rows['tflops_step'].iloc[0]:g}) allows: "
        "rounding, not an error."
    )
