"""The compute budget's checks as the scaling chapter writes them: what the source says, what recomputation gives
and why a check that does not agree fails, for each record of :func:`herd.analyses.compute.budget.checks`; the
causes behind them; and the sentences about the counts (presentation: it reads the records, it computes nothing
new).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from herd.analyses.compute import budget
from herd.analyses.compute.budget import APPROXIMATE, DEFINITION, INCONSISTENT
from herd.base import formats

Words = tuple[str, str, str]
"""What a check's source says, what recomputation gives, and the explanation ("" when it needs none)."""


def _stated_optimum(verdict: str, v: dict) -> Words:
    """The scaling law's stated optimum against the budget."""
    says = (
        f"{formats.params(v['params'])} parameters on {formats.tokens(v['tokens'], 2)} tokens at "
        f"{formats.scientific(v['budget'])} FLOPs"
    )
    gives = f"6·N·D = {formats.scientific(v['flops'], 3)} FLOPs, {formats.gap(v['off_budget_pct'])} % off the budget"
    if verdict != INCONSISTENT:
        return says, gives, ""
    why = (
        f"The predicted {formats.params(v['params'])} parameters and {formats.tokens(v['tokens'], 2)} tokens need "
        f"{formats.scientific(v['flops'], 3)} FLOPs under C = 6·N·D, "
        f"{formats.number(v['off_budget_pct'], 0)} % more than the "
        f"{formats.scientific(v['budget'])} they are predicted for (the tokens alone imply "
        f"{formats.params(v['params_for_tokens'])}); the paper's own run meets C = 6·N·D, and it does not say how "
        f"{formats.params(v['params'])} was derived."
    )
    return says, gives, why


def _token_law(verdict: str, v: dict) -> Words:
    """The optimal tokens one printing of the token law's constants gives, against the stated tokens."""
    says = f"D* = {formats.tokens(v['stated_tokens'], 2)} tokens at {formats.scientific(v['budget'])} FLOPs"
    gives = (
        f"the {v['label']} constants (α {v['alpha']:g}, A {v['A']:g}) give D* = {formats.tokens(v['tokens'], 2)}; "
        f"every rounding of them, {formats.span(v['tokens_low'] / 1e12, v['tokens_high'] / 1e12, formats.number, 'T')}"
    )
    if verdict != INCONSISTENT:
        return says, gives, ""
    digits = v["digits"]
    how = (
        (
            f"the figure's α {v['figure_alpha']:g} and A {v['figure_A']:g} cut to {digits} decimals (rounding gives "
            f"{v['rounded_alpha']:.{digits}f} and {v['rounded_A']:.{digits}f})"
        )
        if v["cut"]
        else f"constants printed to {digits} decimals"
    )
    why = (
        f"The text's (α, A) = ({v['alpha']:g}, {v['A']:g}) are {how}; no values that round to them give more than "
        f"{formats.tokens(v['tokens_high'])} tokens, so the text's constants cannot produce its own "
        f"{formats.tokens(v['stated_tokens'], 2)}."
    )
    return says, gives, why


def _training_run(verdict: str, v: dict) -> Words:
    """The training run's parameters and tokens against its stated FLOPs."""
    says = (
        f"{formats.params(v['params'])} parameters on {formats.tokens(v['tokens'])} "
        f"tokens with {formats.scientific(v['stated_flops'])} FLOPs"
    )
    gives = f"6·N·D = {formats.scientific(v['flops'], 3)} FLOPs"
    why = "The run's parameters and tokens do not give its stated compute under C = 6·N·D."
    return says, gives, why if verdict == INCONSISTENT else ""


def _gpu_hours(verdict: str, v: dict) -> Words:
    """The model card's GPU hours against the stated MFU."""
    stated = f"{v['stated_low_pct']:.0f}–{v['stated_high_pct']:.0f} %"
    says = f"BF16 MFU of {stated} (Table 4 configurations)"
    gives = (
        f"{formats.scaled(v['gpu_hours'], 'M', 2)} H100 hours (model card) for 6·N·D FLOPs imply "
        f"{formats.percent(v['implied_mfu_pct'])} of peak"
    )
    if verdict == DEFINITION:
        why = (
            f"The card's hours are the total GPU time to train the model; the {stated} "
            "is the steady-state throughput of Table 4's configurations. "
            "Counting only useful time (the paper reports more than "
            f"{v['effective_pct']:.0f} % effective training time) raises {formats.percent(v['implied_mfu_pct'])} "
            f"to at most {formats.percent(v['useful_mfu_pct'])}, "
            "so the hours most likely also count work outside those "
            "configurations: a difference in what is counted, not a contradiction."
        )
    elif verdict == INCONSISTENT:
        why = "The GPU hours are too few for the FLOPs at the stated MFU: more work than the hardware could do."
    else:
        why = ""
    return says, gives, why


def _table4_products(verdict: str, v: dict) -> Words:
    """A row of Table 4: its parallelism degrees against its GPUs and tokens per batch."""
    says = f"row {v['row']}: {v['gpus']:,} GPUs, {v['tokens_per_batch_as_printed']} tokens per batch"
    gives = (
        f"TP·CP·PP·DP = {v['gpus_from_product']:,}; DP·batch·sequence = {v['tokens_from_product']:,} tokens "
        f"({v['tokens_reading']})"
    )
    why = f"Row {v['row']}'s parallelism degrees do not multiply to its GPUs or tokens per batch."
    return says, gives, why if verdict == INCONSISTENT else ""


def _table4_peak(verdict: str, v: dict) -> Words:
    """A row of Table 4: the peak its TFLOP/s and MFU imply against the H100's."""
    says = f"row {v['row']}: {v['tflops_per_gpu']:g} TFLOP/s per GPU at {v['bf16_mfu_pct']:g} % MFU"
    gives = (
        f"implied peak {v['tflops_over_mfu']:.0f} TFLOP/s; {v['peak_low_units']:.0f}–{v['peak_high_units']:.0f} "
        f"reading {v['tflops_per_gpu']:g} as exact, {v['peak_low']:.0f}–{v['peak_high']:.0f} reading it to the "
        f"nearest {v['tflops_step']:g} as the column is printed; the H100 whitepaper gives {v['peak']:.1f}"
    )
    why = f"Row {v['row']}'s TFLOP/s and MFU imply a peak outside what the printed precision allows."
    return says, gives, why if verdict == INCONSISTENT else ""


def _table5_row(verdict: str, v: dict) -> Words:
    """A row of Table 5 whose printed share its count does not give."""
    total = v["total"]
    says = f"{v['component']}: {v['interruptions']} interruptions, {v['percent']:.1f} %"
    gives = f"{v['interruptions']} / {total:.0f} = {v['percent_from_count']:.1f} %"
    why = (
        f"Table 5 prints {v['percent']:.1f} % for {v['component']}, but its {v['interruptions']} interruptions are "
        f"{v['percent_from_count']:.1f} % of {total:.0f}; "
        + (
            f"the counts add up to the text's {total:.0f}, so the percentage is the misprint. "
            if v["counts_add_up"]
            else ""
        )
        + f"The printed percentages then sum to {v['printed_sum']:.1f}, and the text's GPU share "
        f"({v['gpu_stated']:g} %, the sum of the printed GPU percentages) falls short of the "
        f"{v['gpu_from_counts']:.1f} % the counts give."
    )
    return says, gives, why


def _table5_others(verdict: str, v: dict) -> Words:
    """Table 5's other rows, whose printed shares their counts give."""
    return f"the other {v['rows']} rows' percentages", f"count / {v['total']:.0f}, each within 0.05 points", ""


def hardware_note(shares: dict[str, float], stated: float) -> str:
    """Why the text's hardware share is a matter of definition, from
    :func:`herd.analyses.compute.budget.hardware_shares`: the share of the categories it names, and of the
    groupings next to it (the row of unknown cause as "suspected", the network category)."""
    return (
        f"The text gives approximately {stated:g} % for confirmed or suspected hardware issues, with examples (GPU and "
        "host component failures, silent data corruption, unplanned host maintenance) but no list of Table 5's rows. "
        f"The categories it names give {shares['named']:.1f} %; counting the row of unknown cause (NCCL watchdog "
        f"timeouts) as suspected hardware gives {shares['with_unknown']:.1f} %; adding the network category instead "
        f"gives {shares['with_network']:.1f} %. "
        f"So {stated:g} % follows from one reading of the text and not from others: the two numbers need not count the "
        "same rows."
    )


def _text_summary(verdict: str, v: dict) -> Words:
    """One of the text's summary numbers against Table 5."""
    says, gives = f"{v['description']}: {v['stated']:g}", f"{v['recomputed']:.1f}"
    if verdict == APPROXIMATE:
        why = (
            f"The text prints approximately {v['stated']:g} % and does not say which categories it counts; "
            f"the recomputation's grouping ({v['description'].split(': ')[-1]}) gives {v['recomputed']:.1f} %."
        )
        return says, f"{gives} ({formats.gap(v['difference'])} points)", why
    if verdict == DEFINITION:
        return says, gives, hardware_note(v["shares"], v["stated"])
    if verdict == INCONSISTENT and not v.get("misprint"):  # a misprint's check is explained where it was found
        why = f"The text's {v['description']} ({v['stated']:g}) does not follow from Table 5 ({v['recomputed']:.1f})."
        return says, gives, why
    return says, gives, ""


WRITERS: dict[str, Callable[[str, dict], Words]] = {
    "stated-optimum": _stated_optimum,
    "token-law": _token_law,
    "training-run": _training_run,
    "gpu-hours": _gpu_hours,
    "table4-products": _table4_products,
    "table4-peak": _table4_peak,
    "table5-row": _table5_row,
    "table5-others": _table5_others,
    "text-summary": _text_summary,
}
"""How each kind of check (the ``check`` of :func:`herd.analyses.compute.budget.checks`) is written."""


def checks_table(checks: pd.DataFrame) -> pd.DataFrame:
    """:func:`herd.analyses.compute.budget.checks` in words: topic, what the source says, what recomputation gives,
    the verdict, the cause and its one-line explanation, which every check of one cause carries (written where the
    cause was found)."""
    words = [
        WRITERS[check](verdict, values) for check, verdict, values in checks[["check", "verdict", "values"]].to_numpy()
    ]
    out = pd.DataFrame(
        {
            "topic": checks["topic"],
            "the source says": [w[0] for w in words],
            "recomputation gives": [w[1] for w in words],
            "verdict": checks["verdict"],
            "cause": checks["cause"],
            "explanation": [w[2] for w in words],
        }
    )
    first = (
        out[(out["explanation"] != "") & (out["cause"] != "")]
        .drop_duplicates("cause")
        .set_index("cause")["explanation"]
    )
    named = out["cause"] != ""
    out.loc[named, "explanation"] = out.loc[named, "cause"].map(first).fillna("")
    return out


def causes_table(checks: pd.DataFrame) -> pd.DataFrame:
    """:func:`herd.analyses.compute.budget.causes` of :func:`checks_table`'s checks with each cause's explanation."""
    out = budget.causes(checks)
    explanation = checks[checks["cause"] != ""].drop_duplicates("cause").set_index("cause")["explanation"]
    out["explanation"] = out["cause"].map(explanation)
    return out


def mfu_caveats(mfu: pd.DataFrame) -> list[str]:
    """What to read with care in each row of :func:`herd.analyses.compute.budget.implied_mfu`: tokens printed as
    an upper bound, a model trained on a larger model's logits ("" when neither)."""
    return [
        "; ".join(
            text
            for text, applies in (
                ("tokens printed as an upper bound: the FLOPs and the MFU are at most this", b),
                ("trained on a larger model's logits: the GPU hours leave out generating them", d),
            )
            if applies
        )
        for b, d in zip(mfu["tokens_bound"], mfu["distilled"])
    ]


def causes_phrase(counts: dict[str, int]) -> str:
    """The causes of the checks that do not agree, each kind with the checks it accounts for, from
    :func:`herd.analyses.compute.budget.summary_counts`: '3 inconsistencies (5 checks) and 2 differences of definition
    (2 checks)' (one inconsistency can fail several checks, so the causes need not add up to the checks)."""
    n, d = counts["inconsistencies"], counts["definitions"]
    k = counts["inconsistent_checks"]
    m = counts["not_agreeing"] - k

    def checks(c: int) -> str:
        return f"{c} {'check' if c == 1 else 'checks'}"

    return (
        f"{n} {'inconsistency' if n == 1 else 'inconsistencies'} ({checks(k)}) and "
        f"{d} {'difference' if d == 1 else 'differences'} of definition ({checks(m)})"
    )


def agreement_phrase(counts: dict[str, int]) -> str:
    """How many checks agree, and how, from :func:`herd.analyses.compute.budget.summary_counts`: '5 agree exactly
    and 7 within the precision of the printed numbers' (checks that agree only through the source's "approximately"
    are named when there are any)."""
    agree = "agrees" if counts["agree"] == 1 else "agree"
    text = f"{counts['agree']} {agree} exactly and {counts['rounding']} within the precision of the printed numbers"
    if counts["approximate"]:
        text = text.replace(" and ", ", ", 1) + (
            f', and {counts["approximate"]} only within the whole unit the source\'s own "approximately" allows'
        )
    return text


def peak_rounding_note(par: pd.DataFrame, peak_tflops: float) -> str:
    """A sentence on Table 4 rows whose implied peak misses a whole-number reading of the
    printed TFLOP/s but not the column's own precision (:func:`herd.analyses.compute.budget.peak_rounding`;
    empty when there is none)."""
    found = budget.peak_rounding(par, peak_tflops)
    if found is None:
        return ""
    which = ", ".join(str(r) for r in found["rows"])
    return (
        f"Table 4's row {which} implies a peak {found['miss_pct']:.2f} % outside what reading its TFLOP/s as an exact "
        f"whole number allows, and inside what the column's precision (multiples of {found['step']:g}) allows: "
        "rounding, not an error."
    )
