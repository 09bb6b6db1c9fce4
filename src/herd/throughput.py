"""The contamination scanner's measured speed (``make bench`` writes
``bench/results/contamination.json``) as a reader wants it: megabytes per second on one
core, and the time a terabyte would take on a number of cores with Dask, extrapolated from
the measured rates and the measured gain of Dask's second local worker."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

# the files of the repository this module reads: a chapter importing it is re-executed when they change
READS_FILES = ("bench/results/contamination.json",)
RESULTS = Path(__file__).resolve().parents[2] / READS_FILES[0]
TERABYTE = 1e12
CORES = 64  # the cluster the chapter extrapolates to


class BenchResultsMissingError(FileNotFoundError):
    """The bench results are not there; the message says how to make them."""


def load(path: str | Path | None = None) -> dict:
    """The bench results (by default the committed ones in the repository)."""
    path = Path(path) if path is not None else RESULTS
    if not path.exists():
        raise BenchResultsMissingError(f"{path}: missing; run make bench to measure the scanner")
    return json.loads(path.read_text())


def dask_efficiency(results: dict) -> float:
    """Dask's speed-up from one local worker to two, per worker (1 = perfect scaling)."""
    return results["engines"]["ratios"]["dask_two_workers_vs_one"] / 2


def hours_per_terabyte(mb_per_s_per_core: float, cores: int, efficiency: float) -> float:
    """Hours to scan 10^12 bytes on ``cores`` cores, each at the measured rate times the
    parallel efficiency."""
    return TERABYTE / (mb_per_s_per_core * 1e6 * cores * efficiency) / 3600


def span_of_time(hours: float) -> str:
    """A length of time a reader takes in at a glance: minutes below an hour, else hours."""
    return f"{hours * 60:.0f} minutes" if hours < 1 else f"{hours:.1f} hours"


def sweep(results: dict, cores: int = CORES) -> pd.DataFrame:
    """One row per benchmark size: share of the corpus tokenized, MB/s on one core (scan and
    tokenize-all, same run), their ratio, the index build time, the command line's peak
    memory, and minutes for a terabyte on ``cores`` cores with Dask (scan and tokenize-all)."""
    efficiency = dask_efficiency(results)
    rows = []
    for s in results["sweep"]:
        rows.append(
            {
                "examples": s["examples"],
                "anchors": s["anchors"],
                "share tokenized": s["share_tokenized"],
                "scan MB/s per core": s["mb_per_s_per_core"]["scan"],
                "tokenize-all MB/s per core": s["mb_per_s_per_core"]["tokenize_all"],
                "scan ÷ tokenize-all": s["ratio_to_tokenize_all"],
                "index build (s)": s["index_build_seconds"],
                "peak memory (MiB)": s["command_line"]["peak_mib"],
                f"1 TB on {cores} cores, scan (min)": 60
                * hours_per_terabyte(s["mb_per_s_per_core"]["scan"], cores, efficiency),
                f"1 TB on {cores} cores, tokenize-all (min)": 60
                * hours_per_terabyte(s["mb_per_s_per_core"]["tokenize_all"], cores, efficiency),
            }
        )
    return pd.DataFrame(rows)


def sweep_long(results: dict) -> pd.DataFrame:
    """The sweep's two rates in long form for a chart: examples, what (the scanner or
    tokenize-all) and MB/s per core."""
    rows = []
    for s in results["sweep"]:
        rows.append(
            {
                "examples": s["examples"],
                "what": "scanner (plan chosen from a sample)",
                "mb_per_s": s["mb_per_s_per_core"]["scan"],
                "share_tokenized": s["share_tokenized"],
            }
        )
        rows.append(
            {
                "examples": s["examples"],
                "what": "tokenize everything",
                "mb_per_s": s["mb_per_s_per_core"]["tokenize_all"],
                "share_tokenized": 1.0,
            }
        )
    return pd.DataFrame(rows)


def engines(results: dict) -> pd.DataFrame:
    """The engines on the chapter's benchmark (HumanEval): MB/s in all, and against one process."""
    e = results["engines"]
    labels = {
        "serial": "scanner, one process",
        "two_workers": "scanner, 2 local worker processes",
        "dask_two_workers": "scanner, Dask with 2 local workers",
        "tokenize_all": "tokenize everything, one process",
        "janitor": "lm-evaluation-harness janitor.py (13-gram, pure Python), one process",
    }
    return pd.DataFrame(
        [
            {
                "what": label,
                "MB/s": e["megabytes"] / e["seconds"][key],
                "× one process": e["seconds"]["serial"] / e["seconds"][key],
            }
            for key, label in labels.items()
        ]
    )


def terabyte_columns(rates: pd.DataFrame) -> list[str]:
    """The columns of :func:`sweep` that give a terabyte's time (scan, then tokenize-all)."""
    return [c for c in rates.columns if c.startswith("1 TB on")]


def sweep_summary(results: dict, cores: int = CORES) -> dict[str, object]:
    """The numbers the chapter writes about the sweep, as the book writes them: the smallest and
    the largest benchmark, the largest one's rates, ratio, share tokenized, a terabyte's time (scan
    and tokenize-all), peak memory and index build time, and the bench corpus's size.

    Returns
    -------
    dict
        ``bench_mb``, ``sweep_small``, ``sweep_large``, ``sweep_large_rate``, ``sweep_large_ratio``,
        ``sweep_small_ratio``, ``sweep_full_rate``, ``sweep_share``, ``sweep_tb_time``,
        ``sweep_tb_full_time``, ``sweep_peak``, ``sweep_index``, ``tb_cores`` (int) and
        ``dask_efficiency``.
    """
    from . import formats

    rates = sweep(results, cores)
    minutes = terabyte_columns(rates)
    largest, smallest = rates.iloc[-1], rates.iloc[0]
    return {
        "bench_mb": formats.count(results["engines"]["megabytes"]),
        "sweep_small": formats.count(smallest["examples"]),
        "sweep_large": formats.count(largest["examples"]),
        "sweep_large_rate": formats.count(largest["scan MB/s per core"]),
        "sweep_large_ratio": formats.number(largest["scan ÷ tokenize-all"]),
        "sweep_small_ratio": formats.number(smallest["scan ÷ tokenize-all"]),
        "sweep_full_rate": formats.count(largest["tokenize-all MB/s per core"]),
        "sweep_share": formats.share(largest["share tokenized"], 1),
        "sweep_tb_time": span_of_time(largest[minutes[0]] / 60),
        "sweep_tb_full_time": span_of_time(largest[minutes[1]] / 60),
        "sweep_peak": formats.count(largest["peak memory (MiB)"]),
        "sweep_index": formats.number(largest["index build (s)"]),
        "tb_cores": cores,
        "dask_efficiency": formats.share(dask_efficiency(results)),
    }
