"""The scanner's measured speed in words: the numbers the contamination chapter writes about the sweep
(:func:`herd.analyses.contamination.throughput.sweep_summary`), as the book writes them.
"""

from __future__ import annotations

from herd.base import formats


def span_of_time(hours: float) -> str:
    """A length of time a reader takes in at a glance: minutes below an hour, else hours."""
    return f"{hours * 60:.0f} minutes" if hours < 1 else f"{hours:.1f} hours"


def sweep(summary: dict) -> dict[str, object]:
    """The sweep's numbers as the chapter writes them (``summary`` from
    :func:`herd.analyses.contamination.throughput.sweep_summary`): sizes and rates as counts, ratios and times as
    numbers, shares as percentages, a terabyte's time in minutes or hours (:func:`span_of_time`), the cores as a
    whole number."""
    s = summary
    large_low, large_high = s["sweep_large_rounds"]
    small_low, small_high = s["sweep_small_rounds"]
    return {
        "bench_mb": formats.count(s["bench_mb"]),
        "bench_shared_mb": formats.number(s["bench_shared_mb"]),
        "sweep_small": formats.count(s["sweep_small"]),
        "sweep_large": formats.count(s["sweep_large"]),
        "sweep_large_rate": formats.count(s["sweep_large_rate"]),
        "sweep_large_ratio": formats.number(s["sweep_large_ratio"]),
        "sweep_small_ratio": formats.number(s["sweep_small_ratio"]),
        "sweep_large_rounds": formats.span(large_low, large_high, formats.number),
        "sweep_small_rounds": formats.span(small_low, small_high, formats.number),
        "sweep_n_rounds": formats.count(s["sweep_n_rounds"]),
        "sweep_full_ratio": formats.number(s["sweep_full_ratio"]),
        "sweep_bare_rate": formats.count(s["sweep_bare_rate"]),
        "sweep_share": formats.share(s["sweep_share"], 1),
        "sweep_tb_time": span_of_time(s["sweep_tb_hours"]),
        "sweep_tb_bare_time": span_of_time(s["sweep_tb_bare_hours"]),
        "sweep_peak": formats.count(s["sweep_peak"]),
        "sweep_index": formats.number(s["sweep_index"]),
        "tb_cores": s["tb_cores"],
        "dask_efficiency": formats.share(s["dask_efficiency"]),
        "bench_load": formats.number(s["bench_load"]),
        "manual_share": formats.share(s["manual_share"]),
        "docstring_share": formats.share(1 - s["manual_share"]),
    }
