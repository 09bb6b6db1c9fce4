"""The contamination scanner's measured speed (``make bench`` writes
``bench/results/contamination.json``) as a reader wants it: megabytes per second on one core
against bare tokenization (reading every byte and encoding it with the same tokenizer, nothing
else), measured in the same run, and the time a terabyte would take on a number of cores with
Dask, extrapolated from the measured rates and the measured gain of Dask's second local worker."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

# the files of the repository this module reads: a chapter importing it is re-executed when they change
READS_FILES = ("bench/results/contamination.json",)
RESULTS = Path(__file__).resolve().parents[4] / READS_FILES[0]
TERABYTE = 1e12
CORES = 64  # the cluster the chapter extrapolates to
SCANNER, TOKENIZE_ONLY = "scanner (plan chosen from a sample)", "tokenize every byte, nothing else"


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


def round_ratios(size: dict) -> list[float]:
    """The scanner's speed over bare tokenization's in each interleaved round of one benchmark size (processor
    seconds of the two, measured one after the other within the round): the spread behind the ratio."""
    return [r["tokenize_only"] / r["scanner"] for r in size["rounds"]]


def sweep(results: dict, cores: int = CORES) -> pd.DataFrame:
    """One row per benchmark size: the share of the corpus tokenized, MB/s on one core (the
    scanner, its full plan, bare tokenization; same run), the scanner's and the full plan's
    ratio to bare tokenization, the index build time, the command line's peak memory, and
    minutes for a terabyte on ``cores`` cores with Dask (scanner and bare tokenization)."""
    efficiency = dask_efficiency(results)
    rows = []
    for s in results["sweep"]:
        rate = s["mb_per_s_per_core"]
        rows.append(
            {
                "examples": s["examples"],
                "share tokenized": s["share_tokenized"],
                "scanner MB/s": rate["scanner"],
                "full plan MB/s": rate["full_plan"],
                "tokenize-only MB/s": rate["tokenize_only"],
                "scanner ÷ tokenize-only": s["ratio_vs_tokenize_only"],
                "lowest ratio in a round": min(round_ratios(s)),
                "highest ratio in a round": max(round_ratios(s)),
                "full plan ÷ tokenize-only": s["full_plan_vs_tokenize_only"],
                "index build (s)": s["index_seconds"],
                "peak memory (MiB)": s["command_line"]["peak_mib"],
                f"1 TB on {cores} cores, scanner (min)": 60 * hours_per_terabyte(rate["scanner"], cores, efficiency),
                f"1 TB on {cores} cores, tokenize-only (min)": 60
                * hours_per_terabyte(rate["tokenize_only"], cores, efficiency),
            }
        )
    return pd.DataFrame(rows)


def sweep_long(results: dict) -> pd.DataFrame:
    """The sweep's two rates in long form for a chart: examples, what (the scanner or bare
    tokenization), MB/s per core and the share of the corpus tokenized."""
    rows = []
    for s in results["sweep"]:
        rate = s["mb_per_s_per_core"]
        rows.append(
            {
                "examples": s["examples"],
                "what": SCANNER,
                "mb_per_s": rate["scanner"],
                "share_tokenized": s["share_tokenized"],
            }
        )
        rows.append(
            {
                "examples": s["examples"],
                "what": TOKENIZE_ONLY,
                "mb_per_s": rate["tokenize_only"],
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
        "tokenize_only": "tokenize every byte, nothing else, one process",
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
    """The columns of :func:`sweep` that give a terabyte's time (scanner, then bare tokenization)."""
    return [c for c in rates.columns if c.startswith("1 TB on")]


def sweep_summary(results: dict, cores: int = CORES) -> dict[str, float]:
    """The numbers the chapter writes about the sweep (:mod:`herd.presentation.throughput_text` writes them): the
    bench corpus's size and parts, the smallest and the largest benchmark, the largest one's rates, ratios, share
    tokenized, a terabyte's time (scanner and bare tokenization), peak memory and index build time, the smallest
    one's ratio, the lowest full-plan ratio, and the highest load average.

    Returns
    -------
    dict
        ``bench_mb``, ``bench_shared_mb``, ``sweep_small``, ``sweep_large``, ``sweep_large_rate``,
        ``sweep_large_ratio``, ``sweep_small_ratio``, ``sweep_full_ratio``, ``sweep_bare_rate``,
        ``sweep_share``, ``sweep_tb_hours``, ``sweep_tb_bare_hours``, ``sweep_peak``,
        ``sweep_index``, ``tb_cores``, ``dask_efficiency``, ``bench_load``, ``manual_share``
        (:func:`manual_share`), the spread of the ratio
        over the interleaved rounds of the largest and the smallest benchmark (``sweep_large_rounds`` and
        ``sweep_small_rounds``, each a pair low, high) and the rounds measured at least, ``sweep_n_rounds``.
    """
    rates = sweep(results, cores)
    minutes = terabyte_columns(rates)
    largest, smallest = rates.iloc[-1], rates.iloc[0]
    parts = results["corpus"]["parts_megabytes"]
    shared = sum(v for k, v in parts.items() if k.startswith("shared prose") or k.startswith("licences"))
    return {
        "bench_mb": results["corpus"]["megabytes"],
        "bench_shared_mb": shared,
        "sweep_small": smallest["examples"],
        "sweep_large": largest["examples"],
        "sweep_large_rate": largest["scanner MB/s"],
        "sweep_large_ratio": largest["scanner ÷ tokenize-only"],
        "sweep_small_ratio": smallest["scanner ÷ tokenize-only"],
        "sweep_large_rounds": (largest["lowest ratio in a round"], largest["highest ratio in a round"]),
        "sweep_small_rounds": (smallest["lowest ratio in a round"], smallest["highest ratio in a round"]),
        "sweep_n_rounds": min(len(s["rounds"]) for s in results["sweep"]),
        "sweep_full_ratio": rates["full plan ÷ tokenize-only"].min(),
        "sweep_bare_rate": largest["tokenize-only MB/s"],
        "sweep_share": largest["share tokenized"],
        "sweep_tb_hours": largest[minutes[0]] / 60,
        "sweep_tb_bare_hours": largest[minutes[1]] / 60,
        "sweep_peak": largest["peak memory (MiB)"],
        "sweep_index": largest["index build (s)"],
        "tb_cores": cores,
        "dask_efficiency": dask_efficiency(results),
        "bench_load": results["machine"]["load_average_1min"]["max"],
        "manual_share": manual_share(results),
    }


def manual_share(results: dict) -> float:
    """The share of each bench benchmark's examples that are paragraphs of Debian's manuals (the rest are docstring
    paragraphs), as the bench results' ``benchmark_source`` states it (``30% paragraphs of ...``)."""
    found = re.match(r"\s*(\d+(?:\.\d+)?)\s?%", str(results.get("benchmark_source", "")))
    if found is None:
        raise ValueError(
            "bench/results/contamination.json: benchmark_source does not begin with the manuals' share (e.g. '30%')"
        )
    return float(found.group(1)) / 100
