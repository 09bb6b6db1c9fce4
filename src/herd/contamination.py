"""Benchmark contamination, scored as the Llama 3 paper describes it (arXiv 2407.21783
§5.1.4), with two published alternatives beside it.

* TOKEN-MATCH (the paper's method): an example's score is the share of its tokens that
  lie inside any token n-gram (n = 8, Llama 3 tokenizer) occurring at least once in the
  corpus. The paper then calls an example contaminated when that share exceeds a
  per-benchmark threshold.
* LONGEST-MATCH (Singh et al. 2024): the longest run of consecutive contaminated tokens.
* The GPT-3 / lm-evaluation-harness rule: lower-cased words with punctuation removed; an
  example is contaminated when any of its word 13-grams occurs in the corpus.

Which fields are scored: the text fields named by ``fields`` (for HumanEval, the
``prompt``: the signature and docstring a model sees), joined by a newline.

The corpus is streamed shard by shard; memory is bounded by the benchmark's n-grams
(held as sorted arrays of 64-bit hashes), not by the corpus. Engines: ``serial``,
``workers`` (local processes) and ``dask`` (a Dask bag over shards; pass a Dask
``Client`` or a scheduler address to run on a cluster).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from . import tokenizer

TOKEN_N = 8
WORD_N = 13
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio) for polynomial hashing
WORD = re.compile(r"[a-z0-9]+")


class ContaminationInputError(ValueError):
    """Bad benchmark or corpus input, located by file and line."""


# ------------------------------------------------------------------ hashing

def ngram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """64-bit polynomial hashes of every n-gram of ``ids`` (wrap-around arithmetic).
    Collisions are possible in principle; at 2^64 they are negligible for benchmark sizes."""
    ids = np.asarray(ids, dtype=np.uint64) + np.uint64(1)  # keep id 0 distinct from padding
    if len(ids) < n:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(len(ids) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _MULT + ids[k:len(ids) - n + 1 + k]
    return h


def word_ids(text: str, vocab: dict[str, int]) -> np.ndarray:
    """Lower-cased alphanumeric words mapped to benchmark-vocabulary ids (unknown → max id)."""
    words = WORD.findall(text.lower())
    return np.fromiter(map(vocab.get, words, repeat(len(vocab))), dtype=np.int64, count=len(words))


# ------------------------------------------------------------------ inputs

@dataclass(frozen=True)
class Example:
    id: str
    text: str


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) for the non-blank lines of a JSONL file, gzipped or not."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if line.strip():
                yield line_no, line


def read_benchmark(path: str | Path, fields: list[str], id_field: str | None = None) -> list[Example]:
    """Examples from a JSONL (optionally gzipped) file; ``fields`` are joined and scored."""
    path = Path(path)
    if not path.exists():
        raise ContaminationInputError(f"{path}: benchmark file not found")
    out = []
    for line_no, line in _jsonl_lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ContaminationInputError(f"{path}, line {line_no}: not valid JSON ({exc.msg})") from None
        missing = [k for k in fields if k not in record]
        if missing:
            raise ContaminationInputError(f"{path}, line {line_no}: no field {missing[0]!r} (fields present: {', '.join(sorted(record))})")
        ident = str(record[id_field]) if id_field and id_field in record else str(line_no)
        out.append(Example(ident, "\n".join(str(record[k]) for k in fields)))
    if not out:
        raise ContaminationInputError(f"{path}: no examples")
    return out


def corpus_shards(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the list of shard files (.txt, .py, .md, .jsonl, .jsonl.gz, .parquet)."""
    shards = []
    for p in map(Path, paths):
        if p.is_dir():
            shards += sorted(q for q in p.rglob("*") if q.is_file() and _kind(q) is not None)
        elif p.exists():
            if _kind(p) is None:
                raise ContaminationInputError(f"{p}: unsupported corpus file type (use text, JSONL or Parquet)")
            shards.append(p)
        else:
            raise ContaminationInputError(f"{p}: corpus path not found")
    if not shards:
        raise ContaminationInputError("the corpus is empty: no text, JSONL or Parquet files found")
    return shards


def _kind(p: Path) -> str | None:
    name = p.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".txt", ".py", ".md", ".rst", ".text")):
        return "text"
    return None


def read_shard(path: Path, text_field: str = "text", skip_bad: bool = False, problems: list | None = None) -> Iterator[str]:
    """Documents of one shard. Errors name the file (and line); with ``skip_bad`` they are
    recorded in ``problems`` instead."""
    kind = _kind(path)
    try:
        if kind == "text":
            yield path.read_text(encoding="utf-8")
            return
        if kind == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            if text_field not in table.column_names:
                raise ContaminationInputError(f"{path}: no column {text_field!r}")
            yield from (t for t in table.column(text_field).to_pylist() if t)
            return
        for line_no, line in _jsonl_lines(path):
            try:
                record = json.loads(line)
                text = record[text_field]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                message = f"{path}, line {line_no}: " + (f"no field {text_field!r}" if isinstance(exc, (KeyError, TypeError)) else "not valid JSON")
                if skip_bad and problems is not None:
                    problems.append(message)
                    continue
                raise ContaminationInputError(message) from None
            yield str(text)
    except (UnicodeDecodeError, OSError) as exc:
        message = f"{path}: unreadable ({exc.__class__.__name__}: {exc})"
        if skip_bad and problems is not None:
            problems.append(message)
            return
        raise ContaminationInputError(message) from None


# ------------------------------------------------------------------ index and scan

@dataclass
class BenchmarkIndex:
    """The benchmark's token n-grams and word 13-grams, as sorted hash arrays."""

    examples: list[Example]
    n: int = TOKEN_N
    tokens: list[np.ndarray] = field(default_factory=list)
    token_hashes: list[np.ndarray] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)
    word_hashes: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self):
        enc = tokenizer.load()
        for ex in self.examples:
            ids = np.asarray(enc.encode_ordinary(ex.text), dtype=np.int64)
            self.tokens.append(ids)
            self.token_hashes.append(ngram_hashes(ids, self.n))
            for w in WORD.findall(ex.text.lower()):
                self.vocab.setdefault(w, len(self.vocab))
        for ex in self.examples:
            self.word_hashes.append(ngram_hashes(word_ids(ex.text, self.vocab), WORD_N))
        self.all_tokens = np.unique(np.concatenate(self.token_hashes)) if self.token_hashes else np.empty(0, np.uint64)
        self.all_words = np.unique(np.concatenate(self.word_hashes)) if self.word_hashes else np.empty(0, np.uint64)
        self._bitmaps = None

    @property
    def bitmaps(self) -> tuple[np.ndarray, np.ndarray]:
        """Membership prefilters, built lazily in each process (never pickled to workers)."""
        if self._bitmaps is None:
            self._bitmaps = (_bitmap(self.all_tokens), _bitmap(self.all_words))
        return self._bitmaps

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_bitmaps"] = None
        return state


_FILTER_BITS = 24


def _bitmap(sorted_set: np.ndarray) -> np.ndarray:
    """A 2^24-slot table marking the low bits of every benchmark hash: a cheap first test."""
    table = np.zeros(1 << _FILTER_BITS, dtype=bool)
    table[(sorted_set & np.uint64((1 << _FILTER_BITS) - 1)).astype(np.int64)] = True
    return table


def _members(candidates: np.ndarray, sorted_set: np.ndarray, bitmap: np.ndarray | None = None) -> np.ndarray:
    """The candidates that are in ``sorted_set`` (exact; the bitmap only skips sure misses)."""
    if sorted_set.size == 0 or candidates.size == 0:
        return np.empty(0, dtype=np.uint64)
    if bitmap is not None:
        candidates = candidates[bitmap[(candidates & np.uint64((1 << _FILTER_BITS) - 1)).astype(np.int64)]]
        if candidates.size == 0:
            return np.empty(0, dtype=np.uint64)
    pos = np.searchsorted(sorted_set, candidates)
    pos[pos == sorted_set.size] = 0
    return np.unique(candidates[sorted_set[pos] == candidates])


def scan_document(text: str, index: BenchmarkIndex, enc=None) -> tuple[np.ndarray, np.ndarray]:
    """Benchmark token n-gram hashes and word 13-gram hashes found in one document."""
    enc = enc or tokenizer.load()
    ids = np.asarray(enc.encode_ordinary(text), dtype=np.int64)
    token_bitmap, word_bitmap = index.bitmaps
    found_tokens = _members(ngram_hashes(ids, index.n), index.all_tokens, token_bitmap)
    found_words = _members(ngram_hashes(word_ids(text, index.vocab), WORD_N), index.all_words, word_bitmap)
    return found_tokens, found_words


def scan_shard(path: Path, index: BenchmarkIndex, text_field: str = "text", skip_bad: bool = False) -> tuple[np.ndarray, np.ndarray, int, list[str]]:
    enc = tokenizer.load()
    problems: list[str] = []
    tokens, words, n_docs = [np.empty(0, np.uint64)], [np.empty(0, np.uint64)], 0
    for text in read_shard(Path(path), text_field, skip_bad, problems):
        t, w = scan_document(text, index, enc)
        tokens.append(t)
        words.append(w)
        n_docs += 1
    return np.unique(np.concatenate(tokens)), np.unique(np.concatenate(words)), n_docs, problems


def score(index: BenchmarkIndex, found_tokens: np.ndarray, found_words: np.ndarray) -> pd.DataFrame:
    """Per-example TOKEN-MATCH share, LONGEST-MATCH span and the 13-gram word rule."""
    rows = []
    for ex, ids, hashes, whashes in zip(index.examples, index.tokens, index.token_hashes, index.word_hashes):
        covered = np.zeros(len(ids), dtype=bool)
        hit = np.isin(hashes, found_tokens)
        for start in np.flatnonzero(hit):
            covered[start:start + index.n] = True
        longest = 0
        if covered.any():
            edges = np.diff(np.concatenate([[0], covered.astype(np.int8), [0]]))
            longest = int((np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max())
        rows.append({"id": ex.id, "tokens": len(ids), "token_match": float(covered.mean()) if len(ids) else 0.0,
                     "longest_match": longest, "word13_match": bool(np.isin(whashes, found_words).any())})
    return pd.DataFrame(rows)


@dataclass
class ScanResult:
    scores: pd.DataFrame
    shards: int
    documents: int
    problems: list[str]


def _union(parts) -> tuple[np.ndarray, np.ndarray, int, list[str]]:
    tokens = np.unique(np.concatenate([p[0] for p in parts])) if parts else np.empty(0, np.uint64)
    words = np.unique(np.concatenate([p[1] for p in parts])) if parts else np.empty(0, np.uint64)
    return tokens, words, sum(p[2] for p in parts), [m for p in parts for m in p[3]]


_WORKER_INDEX: BenchmarkIndex | None = None


def _init_worker(index: BenchmarkIndex) -> None:
    global _WORKER_INDEX
    _WORKER_INDEX = index


def _scan_in_worker(args):
    path, text_field, skip_bad = args
    return scan_shard(path, _WORKER_INDEX, text_field, skip_bad)


def scan(examples: list[Example], corpus: Iterable[str | Path], n: int = TOKEN_N, engine: str = "serial", workers: int = 2,
         client=None, text_field: str = "text", skip_bad: bool = False, progress: bool = False) -> ScanResult:
    """Score every example against the corpus. ``engine``: serial, workers or dask."""
    index = BenchmarkIndex(examples, n=n)
    found = scan_hashes(index, corpus, engine, workers, client, text_field, skip_bad, progress)
    return ScanResult(score(index, found.tokens, found.words), found.shards, found.documents, found.problems)


@dataclass
class Found:
    """The benchmark n-grams a corpus contains; unions of Found are exact (scans compose)."""

    tokens: np.ndarray
    words: np.ndarray
    shards: int
    documents: int
    problems: list[str]

    def __or__(self, other: "Found") -> "Found":
        return Found(np.union1d(self.tokens, other.tokens), np.union1d(self.words, other.words),
                     self.shards + other.shards, self.documents + other.documents, self.problems + other.problems)


def scan_hashes(index: BenchmarkIndex, corpus: Iterable[str | Path], engine: str = "serial", workers: int = 2, client=None,
                text_field: str = "text", skip_bad: bool = False, progress: bool = False) -> Found:
    """The benchmark n-grams found in the corpus, by the chosen engine."""
    shards = corpus_shards(corpus)
    if engine == "serial":
        iterator = shards
        if progress:
            from tqdm import tqdm
            iterator = tqdm(shards, unit="shard", desc="scanning")
        parts = [scan_shard(p, index, text_field, skip_bad) for p in iterator]
    elif engine == "workers":
        from concurrent.futures import ProcessPoolExecutor

        # largest shards first, one at a time, so the workers finish together
        by_size = sorted(shards, key=lambda p: p.stat().st_size, reverse=True)
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(index,)) as pool:
            parts = list(pool.map(_scan_in_worker, [(p, text_field, skip_bad) for p in by_size], chunksize=1))
    elif engine == "dask":
        import dask.bag as db

        bag = db.from_sequence([str(p) for p in shards], npartitions=max(1, min(len(shards), 4 * workers)))
        mapped = bag.map(lambda p: scan_shard(Path(p), index, text_field, skip_bad))
        if client is not None:
            if isinstance(client, str):
                from distributed import Client

                client = Client(client)
            parts = client.compute(mapped).result()
        else:
            parts = mapped.compute(scheduler="processes", num_workers=workers)
    else:
        raise ValueError(f"unknown engine {engine!r}; use serial, workers or dask")
    tokens, words, docs, problems = _union(parts)
    return Found(tokens, words, len(shards), docs, problems)


# ------------------------------------------------------------------ command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m herd.contamination", description="Score a benchmark's examples for n-gram contamination against a corpus.")
    parser.add_argument("--benchmark", required=True, help="JSONL (or .jsonl.gz) file of examples")
    parser.add_argument("--fields", nargs="+", default=["prompt"], help="fields of each example to score (joined)")
    parser.add_argument("--id-field", default="task_id")
    parser.add_argument("--corpus", nargs="+", required=True, help="files or folders: text, JSONL (with --text-field) or Parquet")
    parser.add_argument("--text-field", default="text")
    parser.add_argument("--out", required=True, help="per-example scores, .csv or .parquet")
    parser.add_argument("--n", type=int, default=TOKEN_N)
    parser.add_argument("--engine", choices=["serial", "workers", "dask"], default="serial")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", help="Dask scheduler address (with --engine dask)")
    parser.add_argument("--threshold", type=float, default=0.5, help="TOKEN-MATCH share above which an example counts as contaminated, for the summary")
    parser.add_argument("--skip-bad", action="store_true", help="skip unreadable shards and malformed lines, and report them")
    args = parser.parse_args(argv)
    try:
        examples = read_benchmark(args.benchmark, args.fields, args.id_field)
        result = scan(examples, args.corpus, n=args.n, engine=args.engine, workers=args.workers, client=args.scheduler,
                      text_field=args.text_field, skip_bad=args.skip_bad, progress=args.engine == "serial")
    except ContaminationInputError as exc:
        print(f"contamination: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.suffix == ".parquet":
        result.scores.to_parquet(out, index=False)
    else:
        result.scores.to_csv(out, index=False)
    s = result.scores
    print(f"scanned {result.documents:,} documents in {result.shards:,} shards; {len(s)} examples")
    print(f"TOKEN-MATCH > {args.threshold:g}: {(s['token_match'] > args.threshold).sum()} examples; "
          f"mean share {s['token_match'].mean():.3f}; longest span median {s['longest_match'].median():.0f} tokens")
    print(f"13-gram word rule: {int(s['word13_match'].sum())} examples")
    if result.problems:
        print(f"skipped {len(result.problems)} bad input(s):")
        for p in result.problems:
            print(f"  {p}")
    print(f"scores written to {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
