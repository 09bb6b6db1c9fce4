"""The compute budget's arithmetic, re-done: MFU from GPU hours, the parallelism table's
products, the interruption table's shares, and every check of the compute story sorted by
root cause.

A check compares what a source prints with what recomputation gives and has one verdict:
it *agrees*, *agrees within rounding* (the printed numbers' own precision allows both), *agrees
approximately* (only the source's own "approximately" allows both), *differs by definition* (the
two numbers measure different things), or is *inconsistent*. Every check
that does not simply agree names a cause; one misprint seen in three places is one cause.
The checks are records of numbers; :mod:`herd.presentation.budget_text` writes them as sentences.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from herd.record.data import fact

from . import scaling
from .laws import build_law, constants, params_for, token_law_range, training_flops

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

CHECKED_SCALING_FACTS = (
    "scaling.flagship_flops",
    "scaling.predicted_params",
    "scaling.predicted_tokens",
    "training.flops",
    "training.parameters",
    "training.tokens",
)
"""The rows of :data:`herd.analyses.compute.scaling.FACT_KEYS` :func:`checks` reads by key."""
TOKEN_LAWS = {"llama3-text": "text", "llama3-figure": "Figure 3"}
"""The token laws (rows of scaling_laws.csv) :func:`checks` checks against the stated optimum, with their labels."""
MFU_MODEL = "llama-3.1-405b"
"""The model the paper's stated MFU range is about."""


def implied_mfu(facts: pd.DataFrame, points: pd.DataFrame, peak_tflops: float | None = None) -> pd.DataFrame:
    """MFU implied by each model's GPU hours: 6·N·D / (hours · 3600 · peak).

    ``points`` comes from :func:`herd.analyses.compute.scaling.model_points` (columns model, name, params, tokens,
    gpu_hours, tokens_bound, distilled). Returns one row per model with the FLOPs, the implied MFU, the paper's
    stated range for the 405B's pre-training, and what makes a row's MFU a bound: ``tokens_bound`` (tokens printed
    as an upper bound) and ``distilled`` (trained on a larger model's logits, whose generation the hours leave out).
    """
    peak = (peak_tflops or fact(facts, "h100.bf16_dense_tflops")) * 1e12
    low = fact(facts, "training.llama-3.1-405b.bf16-mfu-range-text.low")
    high = fact(facts, "training.llama-3.1-405b.bf16-mfu-range-text.high")
    out = points[["model", "name", "params", "tokens", "gpu_hours"]].copy()
    out["flops"] = training_flops(out["params"], out["tokens"])
    out["implied_mfu_pct"] = 100 * out["flops"] / (out["gpu_hours"] * 3600 * peak)
    out["stated_low_pct"], out["stated_high_pct"] = low, high
    out["within_stated"] = (low <= out["implied_mfu_pct"]) & (out["implied_mfu_pct"] <= high)
    out["tokens_bound"], out["distilled"] = points["tokens_bound"], points["distilled"]
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


def hardware_shares(table: pd.DataFrame) -> dict[str, float]:
    """Why the text's hardware share is a matter of definition, in numbers: the share (%) of the unexpected
    interruptions in the categories it names (``named``), and of the groupings next to it: the row of unknown cause
    counted as "suspected" (``with_unknown``), or the network category instead (``with_network``)."""
    total = float(table["interruptions"].sum())

    def share(categories) -> float:
        return 100 * float(table.loc[table["category"].isin(categories), "interruptions"].sum()) / total

    return {
        "named": share(HARDWARE_NAMED),
        "with_unknown": share([*HARDWARE_NAMED, "Unknown"]),
        "with_network": share([*HARDWARE_NAMED, "Network"]),
    }


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


def _check(topic: str, check: str, verdict: str, cause: str = "", /, **values) -> dict:
    """One check: its topic, what it checks (``check``, which :mod:`herd.presentation.budget_text` writes it by),
    its verdict, its cause and the numbers behind it."""
    return {"topic": topic, "check": check, "verdict": verdict, "cause": cause, "values": values}


def checks(package, budget_flops: float | None = None) -> pd.DataFrame:
    """Every arithmetic check of the compute story, one row each: ``topic``, ``check`` (what kind of check it
    is), ``verdict`` (one of :data:`VERDICTS`), ``cause`` (a key shared by every check the same error explains;
    blank when the check agrees) and ``values`` (the numbers it compares, by name). The scaling law's stated
    optimum against ``budget_flops`` (default: the paper's flagship budget), the training run, the GPU hours,
    Table 4 and Table 5 with the text's summary of it."""
    scaling.require_facts(package, CHECKED_SCALING_FACTS, "herd.analyses.compute.budget")
    scaling.require_facts(package, FACT_KEYS, "herd.analyses.compute.budget")
    f = package.facts
    C = budget_flops or fact(f, "scaling.flagship_flops")
    C_range = scaling.fact_interval(f, "scaling.flagship_flops") if budget_flops is None else (C, C)
    rows = [
        *_law_checks(f, package.scaling_laws, C, C_range),
        *_run_checks(package),
        *_table4_checks(package.parallelism, fact(f, "h100.bf16_dense_tflops")),
        *_table5_checks(package.interruptions, f),
    ]
    return pd.DataFrame(rows, columns=["topic", "check", "verdict", "cause", "values"])


def _law_checks(f: pd.DataFrame, laws: pd.DataFrame, C: float, C_range: tuple[float, float]) -> list[dict]:
    """The scaling law's stated optimum against the budget (6·N·D), and the optimal tokens each printing of the
    token law's constants gives against the stated tokens."""
    n_pred, d_pred = fact(f, "scaling.predicted_params"), fact(f, "scaling.predicted_tokens")
    n_rng, d_rng = (
        scaling.fact_interval(f, "scaling.predicted_params"),
        scaling.fact_interval(f, "scaling.predicted_tokens"),
    )
    c_pred = float(training_flops(n_pred, d_pred))
    c_pred_rng = (float(training_flops(n_rng[0], d_rng[0])), float(training_flops(n_rng[1], d_rng[1])))
    verdict = AGREES if c_pred == C else ROUNDING if _overlap(c_pred_rng, C_range) else INCONSISTENT
    rows = [
        _check(
            "scaling law",
            "stated-optimum",
            verdict,
            "predicted-size-off-budget" if verdict == INCONSISTENT else "",
            params=n_pred,
            tokens=d_pred,
            budget=C,
            flops=c_pred,
            off_budget_pct=100 * (c_pred / C - 1),
            params_for_tokens=float(params_for(C, d_pred)),
        )
    ]
    fig = constants(laws, "llama3-figure")
    for law, label in TOKEN_LAWS.items():
        c = constants(laws, law)
        d = float(build_law(laws, law).tokens(C))
        lo, hi = token_law_range(C, f"{c['A']:g}", f"{c['alpha']:g}", C_range)
        values = {"law": law, "label": label, "alpha": c["alpha"], "A": c["A"], "tokens": d, "tokens_low": lo}
        values |= {"tokens_high": hi, "stated_tokens": d_pred, "budget": C}
        if _overlap((lo, hi), d_rng):
            rows.append(_check("scaling law", "token-law", ROUNDING, **values))
            continue
        digits = len(f"{c['alpha']:g}".split(".")[1])
        cut = law != "llama3-figure" and all(
            _truncated(fig[k], digits) == c[k] and round(fig[k], digits) != c[k] for k in ("alpha", "A")
        )
        values |= {"digits": digits, "cut": cut, "figure_alpha": fig["alpha"], "figure_A": fig["A"]}
        values |= {"rounded_alpha": round(fig["alpha"], digits), "rounded_A": round(fig["A"], digits)}
        cause = "text-constants-truncated" if cut else f"{law}-constants"
        rows.append(_check("scaling law", "token-law", INCONSISTENT, cause, **values))
    return rows


def _run_checks(package) -> list[dict]:
    """The training run's parameters and tokens against its stated FLOPs (6·N·D), and the model card's GPU hours
    against the stated MFU."""
    f = package.facts
    n_act, d_act = fact(f, "training.parameters"), fact(f, "training.tokens")
    n_act_rng, d_act_rng = scaling.fact_interval(f, "training.parameters"), scaling.fact_interval(f, "training.tokens")
    c_act = float(training_flops(n_act, d_act))
    c_stated, c_stated_rng = fact(f, "training.flops"), scaling.fact_interval(f, "training.flops")
    c_act_rng = (
        float(training_flops(n_act_rng[0], d_act_rng[0])),
        float(training_flops(n_act_rng[1], d_act_rng[1])),
    )
    ok = _overlap(c_act_rng, c_stated_rng)
    rows = [
        _check(
            "training run",
            "training-run",
            ROUNDING if ok else INCONSISTENT,
            "" if ok else "training-run-off-budget",
            params=n_act,
            tokens=d_act,
            stated_flops=c_stated,
            flops=c_act,
        )
    ]
    m = implied_mfu(f, scaling.model_points(package, [MFU_MODEL])).iloc[0]
    values = {k: m[k] for k in ("stated_low_pct", "stated_high_pct", "gpu_hours", "implied_mfu_pct")}
    if m["within_stated"]:
        rows.append(_check("GPU hours", "gpu-hours", AGREES, **values))
    elif m["implied_mfu_pct"] < m["stated_low_pct"]:
        # counting only useful time raises the implied MFU at most to this
        effective = fact(f, "training.llama-3.1-405b.effective-training-time")
        values |= {"effective_pct": effective, "useful_mfu_pct": m["implied_mfu_pct"] / (effective / 100)}
        rows.append(_check("GPU hours", "gpu-hours", DEFINITION, "gpu-hours-whole-training", **values))
    else:
        rows.append(_check("GPU hours", "gpu-hours", INCONSISTENT, "gpu-hours-too-few", **values))
    return rows


def _table4_checks(parallelism: pd.DataFrame, peak: float) -> list[dict]:
    """Each row of Table 4: its parallelism degrees against its GPUs and tokens per batch, then the peak its
    TFLOP/s and MFU imply against the H100's (:func:`parallelism_checks`)."""
    par = parallelism_checks(parallelism, peak)
    topic = "parallelism (Table 4)"
    rows = []
    for r in par.itertuples():
        ok = bool(r.gpus_consistent and r.tokens_consistent)
        rows.append(
            _check(
                topic,
                "table4-products",
                AGREES if ok else INCONSISTENT,
                "" if ok else f"table4-row{r.row}-products",
                row=r.row,
                gpus=r.gpus,
                tokens_per_batch_as_printed=r.tokens_per_batch_as_printed,
                gpus_from_product=r.gpus_from_product,
                tokens_from_product=r.tokens_from_product,
                tokens_reading=r.tokens_reading,
            )
        )
    peaks = ("tflops_per_gpu", "bf16_mfu_pct", "tflops_over_mfu", "peak_low_units", "peak_high_units", "peak_low")
    for r in par.itertuples():
        values = {k: getattr(r, k) for k in (*peaks, "peak_high", "tflops_step")}
        verdict, cause = (ROUNDING, "") if r.peak_within else (INCONSISTENT, f"table4-row{r.row}-peak")
        rows.append(_check(topic, "table4-peak", verdict, cause, row=r.row, peak=peak, **values))
    return rows


def _table5_checks(interruptions: pd.DataFrame, f: pd.DataFrame) -> list[dict]:
    """Table 5's printed shares against its counts, and the text's summary numbers against the table
    (:func:`interruption_summary`); a check the table's one misprint explains carries its cause."""
    total = fact(f, "interruptions.54-day-snapshot.unexpected-interruptions")
    inter = interruption_checks(interruptions, int(total))
    summary = interruption_summary(interruptions, f).set_index("id")
    bad = inter[~inter["consistent"]]
    misprints = {}
    rows = []
    for r in bad.itertuples():
        key = f"table5-{r.component.lower().replace(' ', '-')}-percent"
        misprints[r.component] = key
        values = {"component": r.component, "interruptions": r.interruptions, "percent": r.percent}
        values |= {"percent_from_count": r.percent_from_count, "total": total}
        values |= {
            "counts_add_up": summary.loc["unexpected", "within"],
            "printed_sum": summary.loc["sum", "recomputed"],
        }
        values |= {
            "gpu_stated": summary.loc["gpu-counts", "stated"],
            "gpu_from_counts": summary.loc["gpu-counts", "recomputed"],
        }
        rows.append(_check("interruptions (Table 5)", "table5-row", INCONSISTENT, key, **values))
    good = inter[inter["consistent"]]
    rows.append(
        _check(
            "interruptions (Table 5)", "table5-others", ROUNDING if len(good) else AGREES, rows=len(good), total=total
        )
    )

    corrected_sum = float(inter["percent"].sum() - bad["percent"].sum() + bad["percent_from_count"].sum())
    single = next(iter(misprints.values()), "") if len(misprints) == 1 else ""
    for key, r in summary.iterrows():
        values = {"id": key, "description": r["check"], "stated": r["stated"], "recomputed": r["recomputed"]}
        values |= {"difference": r["difference"]}
        if r["within"] and not r["within_rounding"]:
            verdict, cause = APPROXIMATE, ""
        elif r["within"]:
            verdict, cause = AGREES if r["recomputed"] == r["stated"] else ROUNDING, ""
        elif key == "sum" and single and abs(corrected_sum - 100) <= 0.05 * len(inter):
            verdict, cause, values["misprint"] = INCONSISTENT, single, True
        elif key == "gpu-counts" and single and summary.loc["gpu-printed", "within"]:
            verdict, cause, values["misprint"] = INCONSISTENT, single, True
        elif key == "hardware":
            verdict, cause, values["shares"] = DEFINITION, "hardware-grouping", hardware_shares(inter)
        else:
            verdict, cause = INCONSISTENT, f"interruptions-{key}"
        rows.append(_check("interruptions (text)", "text-summary", verdict, cause, **values))
    return rows


CAUSE_KINDS = {INCONSISTENT: "inconsistency", DEFINITION: "difference of definition"}


def causes(checks_table: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct cause: its kind (inconsistency or difference of definition), how many
    checks it explains and their topics. Checks that agree, exactly or within rounding, have
    no cause and are not counted."""
    named = checks_table[checks_table["cause"] != ""]
    out = (
        named.groupby("cause", sort=False)
        .agg(
            verdict=("verdict", "first"),
            checks=("verdict", "size"),
            topics=("topic", lambda t: ", ".join(dict.fromkeys(t))),
        )
        .reset_index()
    )
    out["kind"] = out["verdict"].map(CAUSE_KINDS)
    return out[["cause", "kind", "checks", "topics"]]


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


def peak_rounding(par: pd.DataFrame, peak_tflops: float) -> dict | None:
    """Table 4's rows whose implied peak misses a whole-number reading of the printed TFLOP/s but not the
    column's own precision (:func:`parallelism_checks`): ``rows``, how far outside the whole-number reading the
    peak lies at most (``miss_pct``, in percent of the peak) and the column's step (``step``); None when there
    is none."""
    rows = par[~par["peak_within_units"] & par["peak_within"]]
    if rows.empty:
        return None
    miss = 100 * max(
        max(peak_tflops - r.peak_high_units, r.peak_low_units - peak_tflops) / peak_tflops for r in rows.itertuples()
    )
    return {"rows": list(rows["row"]), "miss_pct": miss, "step": rows["tflops_step"].iloc[0]}
