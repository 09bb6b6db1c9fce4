"""Benchmark of the contamination scanner (make bench). Writes bench/results/contamination.json.

**The baseline** is bare tokenization: read every byte of the corpus and encode it with the
Llama 3 tokenizer (the call the scanner itself uses, ``encode_to_numpy``), nothing else. The
scanner is timed whole (``scan_hashes``: sampling the corpus, choosing its anchors, choosing
the plan, scanning), the index (the benchmark's n-grams) and the anchors also on their own.

**The corpus overlaps its benchmark the way real data does**, and is built only from what
installs offline (the Python standard library, the packages of the locked environment, the
Debian packages of the Makefile's BENCH_TEXTS and DEBIAN_TEXTS):

* code: the standard library's Python source, and every other Python file (in sorted order)
  of the installed packages;
* licences and boilerplate: Debian's common licences, the licence, notice and metadata files
  of the installed packages, the copyright files of the Debian manuals' packages;
* prose: the prose texts of herd.record.texts (the long-context chapter's books);
* shared prose: one page in three of Debian's English manuals (herd.record.texts.DEBIAN_MANUALS), as
  the text of their paragraphs, so some benchmark examples appear in it verbatim.

**The benchmarks** are nested: the one of N examples is the first 30 % of N paragraphs of
Debian's manuals (seeded order; a third of them are in the corpus, and they quote licences the
corpus holds) and the first 70 % of N docstring paragraphs of the installed packages' Python
files that are not in the corpus (seeded order: documentation phrasing, examples and
boilerplate shared with the code that is). 50,000 examples use all of the manuals' paragraphs.

**Measurements**, for 164, 1,000, 5,000, 15,000 and 50,000 examples: in interleaved rounds
(bare tokenization, the full plan, the scanner with its plan chosen from a sample; the load
average recorded at each), the best time of each, as processor time of this process (serial
work on one core: on a machine shared with other work the wall clock also counts the time
spent waiting for a core, which says nothing about the code; wall times are recorded too); the
index and anchors built on their own (processor time);
the command line in a fresh process for its peak memory; whether the scanner found exactly
the full plan's n-grams. Then the engines on HumanEval (the chapter's benchmark) as before.
The targets are checked here, not in timed tests.
"""

from __future__ import annotations

import ast
import glob
import importlib.util
import json
import os
import platform
import random
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import numpy as np

from herd.analyses.contamination import scanner
from herd.analyses.contamination.scanner import scanning
from herd.record import texts, tokenizer

OUT = Path(__file__).parent / "results" / "contamination.json"
SIZES = (164, 1000, 5000, 15000, 50000)
MANUAL_SHARE = 0.3  # of a benchmark's examples: paragraphs of Debian's manuals (the rest: docstrings)
ROUNDS = 2  # interleaved rounds of the sweep (best of each)
ENGINE_ROUNDS = 5  # interleaved rounds of the three engines (best of each)
TARGETS = {  # at least, except where "at most"
    "ratio_vs_tokenize_only": {"164": 3.0, "15000": 1.5, "every size": 1.0},
    "full_plan_vs_tokenize_only": 0.7,
    "index_seconds_at_50000": 3.0,  # at most
    "peak_mib_at_50000": 600.0,  # at most
    "same_ngrams_as_the_full_plan": True,
    "two_workers_vs_one": 1.7,
    "vs_janitor": 5.0,
}


def timed(fn) -> tuple[float, object]:
    """Wall-clock seconds of ``fn()``, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def processor_timed(fn) -> tuple[float, float, object]:
    """Processor seconds of ``fn()`` in this process (user and system: one core, for serial work,
    however busy the machine is), wall-clock seconds, and its result."""
    start, wall = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - start, time.perf_counter() - wall, result


# ------------------------------------------------------------------ the corpus and the benchmarks


def installed_sources() -> tuple[list[Path], list[Path]]:
    """The installed packages' Python files, sorted: every other one for the corpus, the rest held out."""
    files = texts.python_sources(Path(sysconfig.get_paths()["purelib"]))
    return files[0::2], files[1::2]


def build_corpus(work: Path) -> tuple[list[Path], dict]:
    """The bench corpus (see the module's docstring): its files, and its parts in MB."""
    parts: dict[str, list[Path]] = {}
    in_corpus, _ = installed_sources()
    parts["code"] = texts.stdlib_sources() + in_corpus
    folder = work / "licences"
    folder.mkdir()
    sources = sorted(p for p in Path("/usr/share/common-licenses").iterdir() if p.is_file())
    sources += sorted(
        p
        for p in Path(sysconfig.get_paths()["purelib"]).glob("*.dist-info/*")
        if p.is_file() and p.name.upper().startswith(("LICEN", "COPYING", "NOTICE", "METADATA"))
    )
    sources += [p for pkg in texts.DEBIAN_MANUALS if (p := Path("/usr/share/doc") / pkg / "copyright").is_file()]
    for i, p in enumerate(sources):
        (folder / f"{i:05d}-{p.parent.name}-{p.name}.txt").write_bytes(p.read_bytes())
    parts["licences and boilerplate"] = sorted(folder.iterdir())
    loaded = texts.write_texts([k for k, t in texts.TEXTS.items() if t.kind == "prose"], work / "prose")
    parts["prose"] = [work / "prose" / f"{k}.txt" for k in loaded]
    folder = work / "manuals"
    folder.mkdir()
    pages = [p for patterns in texts.DEBIAN_MANUALS.values() for pat in patterns for p in sorted(glob.glob(pat))]
    for i, page in enumerate(pages[0::3]):
        paragraphs = texts.html_paragraphs(Path(page).read_text(encoding="utf-8", errors="replace"))
        (folder / f"{i:05d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    parts["shared prose (a third of the manuals' pages)"] = sorted(folder.iterdir())
    shards = [p for files in parts.values() for p in files]
    return shards, {name: sum(p.stat().st_size for p in files) / 1e6 for name, files in parts.items()}


def docstring_paragraphs(files: list[Path], wanted: int, seed: int = 1, min_words: int = 8) -> list[str]:
    """Distinct docstring paragraphs of at least ``min_words`` words, from ``files`` read in a
    seeded order until ``wanted`` are found, in that order."""
    order = list(files)
    random.Random(seed).shuffle(order)
    seen: dict[str, None] = {}
    for f in order:
        try:
            tree = ast.parse(f.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                for para in (ast.get_docstring(node) or "").split("\n\n"):
                    para = para.strip()
                    if len(para.split()) >= min_words:
                        seen.setdefault(para)
        if len(seen) >= wanted:
            break
    return list(seen)


def benchmarks(sizes=SIZES) -> dict[int, list[scanner.Example]]:
    """The nested benchmarks, by size."""
    manuals = [text for _, text in texts.debian_manual_paragraphs()]
    random.Random(0).shuffle(manuals)
    largest = max(sizes)
    docs = docstring_paragraphs(installed_sources()[1], largest - round(MANUAL_SHARE * largest))
    out = {}
    for n in sizes:
        m = round(MANUAL_SHARE * n)
        if m > len(manuals) or n - m > len(docs):
            print(f"not enough paragraphs for {n} examples: skipped", file=sys.stderr)
            continue
        out[n] = [scanner.Example(f"manual{i}", t) for i, t in enumerate(manuals[:m])] + [
            scanner.Example(f"docstring{i}", t) for i, t in enumerate(docs[: n - m])
        ]
    return out


# ------------------------------------------------------------------ measuring


def tokenize_only(shards: list[Path]) -> int:
    """The baseline: read every shard and tokenize all of it, nothing else; the tokens."""
    enc, tokens = tokenizer.load(), 0
    for p in shards:
        with open(p, "rb") as f:
            tokens += len(enc.encode_to_numpy(f.read().decode("utf-8"), disallowed_special=()))
    return tokens


def command_line(benchmark: Path, folder: Path, out: Path) -> dict:
    """The command line in a fresh process: wall time from start-up to written scores, and its
    peak resident memory (VmHWM: unlike ru_maxrss it starts afresh at exec)."""
    code = (
        "import re, sys; from pathlib import Path; from herd.contamination import main; rc = main(sys.argv[1:]); "
        "print('peak_rss_kb', re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1), "
        "file=sys.stderr); sys.exit(rc)"
    )
    args = [sys.executable, "-c", code, "--benchmark", str(benchmark), "--fields", "text", "--corpus", str(folder)]
    seconds, done = timed(
        lambda: subprocess.run([*args, "--out", str(out)], check=True, capture_output=True, text=True)
    )
    peak_kb = int(done.stderr.strip().splitlines()[-1].split()[-1])
    return {"seconds": seconds, "peak_mib": peak_kb / 1024, "summary": done.stdout.strip().splitlines()}


def links(shards: list[Path], folder: Path) -> Path:
    """One folder of links to the corpus, for the command line."""
    folder.mkdir()
    for i, p in enumerate(shards):
        (folder / f"{i:06d}_{p.name}").symlink_to(p)
    return folder


def sweep_size(examples, shards: list[Path], folder: Path, work: Path, megabytes: float) -> dict:
    """One benchmark size: the index and anchors on their own; bare tokenization, the full plan
    and the scanner in interleaved rounds; the command line's peak memory."""
    index_seconds, _, index = processor_timed(lambda: scanner.BenchmarkIndex(examples))
    sample = scanning.corpus_sample(shards)
    anchors_seconds, _, found_anchors = processor_timed(lambda: scanning.sample_anchors(index, sample))
    runs = {
        "tokenize_only": lambda: tokenize_only(shards),
        "full_plan": lambda: scanner.scan_hashes(index, shards, scanner.ScanOptions(plan="full")),
        "scanner": lambda: scanner.scan_hashes(index, shards, scanner.ScanOptions(plan="auto")),
    }
    rounds, found = [], {}
    for _ in range(ROUNDS):
        row: dict = {"load_average_1min": os.getloadavg()[0], "wall_seconds": {}}
        for name, run in runs.items():
            row[name], row["wall_seconds"][name], found[name] = processor_timed(run)
        rounds.append(row)
    best = {k: min(r[k] for r in rounds) for k in runs}
    scan, full = found["scanner"], found["full_plan"]
    same = bool(np.array_equal(scan.tokens, full.tokens) and np.array_equal(scan.words, full.words))
    bench_file = work / f"bench{len(examples)}.jsonl"
    bench_file.write_text("".join(json.dumps({"task_id": ex.id, "text": ex.text}) + "\n" for ex in examples))
    cli = command_line(bench_file, folder, work / f"scores{len(examples)}.csv")
    scores = scanner.score(index, scan.tokens, scan.words)
    return {
        "examples": len(examples),
        "benchmark_megabytes": int((index.raw_ends - index.raw_starts).sum()) / 1e6,
        "ngrams": int(index.all_tokens.size + index.all_words.size),
        "anchors": found_anchors.n_anchors,
        "plan": scan.plan.__dict__,
        "share_tokenized": scan.tokenized_bytes / scan.bytes,
        "seconds": best,
        "rounds": rounds,
        "mb_per_s_per_core": {k: megabytes / v for k, v in best.items()},
        "ratio_vs_tokenize_only": best["tokenize_only"] / best["scanner"],
        "full_plan_vs_tokenize_only": best["tokenize_only"] / best["full_plan"],
        "index_seconds": index_seconds + anchors_seconds,
        "index_build": {"benchmark_ngrams": index_seconds, "anchors": anchors_seconds},
        "command_line": cli,
        "same_ngrams_as_the_full_plan": same,
        "examples_found": {
            "token_match_over_half": int((scores["token_match"] > 0.5).sum()),
            "word13": int(scores["word13_match"].sum()),
        },
    }


def load_janitor():
    root = Path(importlib.util.find_spec("lm_eval").submodule_search_locations[0])
    spec = importlib.util.spec_from_file_location("janitor", root / "decontamination" / "janitor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def engines(shards: list[Path]) -> dict:
    """HumanEval: one process, two local workers, Dask with two local workers (interleaved
    rounds, each engine timed whole), bare tokenization, and lm-evaluation-harness's janitor.py."""
    examples = scanner.read_benchmark(texts.humaneval_path(), ["prompt"], "task_id")
    index = scanner.BenchmarkIndex(examples)
    janitor = load_janitor().Janitor(ngram_n=13)
    for ex in examples:
        janitor.register_contaminant_python(ex.text)
    runs = {
        "serial": lambda: scanner.scan_hashes(index, shards),
        "two_workers": lambda: scanner.scan_hashes(index, shards, scanner.ScanOptions(engine="workers", workers=2)),
        "dask_two_workers": lambda: scanner.scan_hashes(index, shards, scanner.ScanOptions(engine="dask", workers=2)),
    }
    rounds: list[dict] = []
    for _ in range(ENGINE_ROUNDS):
        rounds.append({"load_average_1min": os.getloadavg()[0]} | {name: timed(run)[0] for name, run in runs.items()})
    seconds = {name: min(r[name] for r in rounds) for name in runs}
    seconds["tokenize_only"] = timed(lambda: tokenize_only(shards))[0]
    docs = [d for p in shards for d in scanner.read_shard(p)]
    seconds["janitor"] = timed(lambda: [janitor.clean_python(d) for d in docs])[0]
    found = scanner.scan_hashes(index, shards)
    return {
        "benchmark": "HumanEval prompts",
        "examples": len(examples),
        "megabytes": found.bytes / 1e6,
        "share_tokenized": found.tokenized_bytes / found.bytes,
        "plan": found.plan.__dict__,
        "seconds": seconds,
        "rounds": rounds,
        "ratios": {
            "two_workers_vs_one": seconds["serial"] / seconds["two_workers"],
            "dask_two_workers_vs_one": seconds["serial"] / seconds["dask_two_workers"],
            "vs_janitor": seconds["janitor"] / seconds["serial"],
            "vs_tokenize_only": seconds["tokenize_only"] / seconds["serial"],
        },
    }


def verdicts(measured: dict) -> dict:
    """Whether each measured value meets its target."""
    t = TARGETS
    ratios = measured["ratio_vs_tokenize_only"]
    return {
        "ratio_vs_tokenize_only": {
            "164": ratios.get("164", 0) >= t["ratio_vs_tokenize_only"]["164"],
            "15000": ratios.get("15000", 0) >= t["ratio_vs_tokenize_only"]["15000"],
            "every size": bool(ratios) and min(ratios.values()) >= t["ratio_vs_tokenize_only"]["every size"],
        },
        "full_plan_vs_tokenize_only": measured["full_plan_vs_tokenize_only"] >= t["full_plan_vs_tokenize_only"],
        "index_seconds_at_50000": (measured["index_seconds_at_50000"] or np.inf) <= t["index_seconds_at_50000"],
        "peak_mib_at_50000": (measured["peak_mib_at_50000"] or np.inf) <= t["peak_mib_at_50000"],
        "same_ngrams_as_the_full_plan": measured["same_ngrams_as_the_full_plan"],
        "two_workers_vs_one": measured["two_workers_vs_one"] >= t["two_workers_vs_one"],
        "vs_janitor": measured["vs_janitor"] >= t["vs_janitor"],
    }


def main() -> int:
    tokenizer.load()
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="herd-bench-"))
    shards, parts = build_corpus(work)
    megabytes = sum(p.stat().st_size for p in shards) / 1e6
    folder = links(shards, work / "corpus-links")
    sweep = []
    for examples in benchmarks().values():
        sweep.append(sweep_size(examples, shards, folder, work, megabytes))
        s = sweep[-1]
        print(
            json.dumps(
                {
                    k: s[k]
                    for k in ("examples", "share_tokenized", "ratio_vs_tokenize_only", "full_plan_vs_tokenize_only")
                }
                | {"index_seconds": s["index_seconds"], "peak_mib": s["command_line"]["peak_mib"]}
                | {"load": [r["load_average_1min"] for r in s["rounds"]]}
            ),
            flush=True,
        )
    engine_run = engines(shards)
    by_size = {s["examples"]: s for s in sweep}
    largest = by_size.get(max(SIZES))
    measured = {
        "ratio_vs_tokenize_only": {str(s["examples"]): s["ratio_vs_tokenize_only"] for s in sweep},
        "full_plan_vs_tokenize_only": min(s["full_plan_vs_tokenize_only"] for s in sweep),
        "peak_mib_at_50000": largest["command_line"]["peak_mib"] if largest else None,
        "index_seconds_at_50000": largest["index_seconds"] if largest else None,
        "same_ngrams_as_the_full_plan": all(s["same_ngrams_as_the_full_plan"] for s in sweep),
        "two_workers_vs_one": engine_run["ratios"]["two_workers_vs_one"],
        "vs_janitor": engine_run["ratios"]["vs_janitor"],
    }
    loads = [r["load_average_1min"] for s in sweep for r in s["rounds"]]
    results = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_1min": {"start": load_start[0], "end": os.getloadavg()[0], "max": max(loads, default=None)},
        },
        "corpus": {"shards": len(shards), "megabytes": megabytes, "parts_megabytes": parts},
        "benchmark_source": (
            f"{MANUAL_SHARE:.0%} paragraphs of Debian's English manuals (seed 0), the rest docstring paragraphs of "
            "the installed packages' Python files that are not in the corpus (seed 1); nested"
        ),
        "baseline": "bare tokenization: read every byte and encode it with the Llama 3 tokenizer, nothing else",
        "sweep": sweep,
        "engines": engine_run,
        "targets": TARGETS,
        "measured": measured,
        "meets_targets": verdicts(measured),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(
        json.dumps(
            {"measured": measured, "meets_targets": results["meets_targets"], "load": results["machine"]}, indent=1
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
