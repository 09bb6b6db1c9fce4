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
(held as sorted arrays of 64-bit hashes), not by the corpus. Only the parts of the corpus
that can match are tokenized: a corpus token n-gram equal to a benchmark n-gram spells out
the same bytes, so it contains the bytes of one of the benchmark's anchors (a few tokens
that every n-gram holds one of). An Aho-Corasick search (ahocorasick-rs) finds every anchor
in the corpus bytes; the text around each hit, cut at piece breaks of the Llama 3
pre-tokenizer (``tokenizer.PIECE_BREAK``), tokenizes exactly as it does inside the whole
document. The scores are those of tokenizing everything. Engines: ``serial``,
``workers`` (local processes) and ``dask`` (a Dask bag over shards; pass a Dask
``Client`` or a scheduler address to run on a cluster).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from . import anchors, tokenizer

TOKEN_N = 8
WORD_N = 13
ANCHOR_UNITS = 5  # tokens or words per anchor in the corpus search (see herd.anchors)
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio) for polynomial hashing
# Words: runs of a-z and 0-9 in the lower-cased text; every other byte separates words.
_WORD_BYTES = bytes(b if (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A) else 0x20 for b in range(256))


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


def utf8(text: str) -> bytes:
    """The UTF-8 bytes tiktoken tokenizes: lone surrogates are replaced, as tiktoken does."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def normalized_words(text: str) -> bytes:
    """The text's words, lower-cased with punctuation removed (the runs of a-z and 0-9 after
    ``str.lower``), each followed and the first also preceded by one space: b" the words "."""
    spaced = np.frombuffer(b" " + utf8(text.lower()).translate(_WORD_BYTES) + b" ", dtype=np.uint8)
    blank = spaced == 0x20
    keep = np.ones(spaced.size, dtype=bool)
    keep[1:] = ~(blank[1:] & blank[:-1])  # one space for every run of separators
    return spaced[keep].tobytes()


def words(text: str) -> list[bytes]:
    """Lower-cased words with punctuation removed."""
    return normalized_words(text).split()


def word_ids(ws: list[bytes], vocab: dict[bytes, int]) -> np.ndarray:
    """Words mapped to benchmark-vocabulary ids (a word outside the vocabulary → ``len(vocab)``)."""
    return np.fromiter(map(vocab.get, ws, repeat(len(vocab))), dtype=np.int64, count=len(ws))


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
    """Documents of one shard: a text file is one document (read whole); JSONL lines and
    Parquet rows are read one batch at a time. Errors name the file (and line); with
    ``skip_bad`` they are recorded in ``problems`` instead."""
    kind = _kind(path)
    try:
        if kind == "text":
            yield path.read_text(encoding="utf-8")
            return
        if kind == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            try:
                parquet = pq.ParquetFile(path)
                if text_field not in parquet.schema_arrow.names:
                    raise ContaminationInputError(f"{path}: no column {text_field!r} (columns: {', '.join(parquet.schema_arrow.names)})")
                # row batch by row batch: a large Parquet shard is never held whole
                for batch in parquet.iter_batches(columns=[text_field], batch_size=1024):
                    yield from (t for t in batch.column(0).to_pylist() if t)
            except pa.ArrowException as exc:
                raise OSError(f"not a readable Parquet file ({exc})") from None
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
    vocab: dict[bytes, int] = field(default_factory=dict)
    word_hashes: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self):
        enc = tokenizer.load()
        tokenizer.check_piece_breaks()
        example_words = [words(ex.text) for ex in self.examples]
        for ex in self.examples:
            ids = np.asarray(enc.encode_ordinary(ex.text), dtype=np.int64)
            self.tokens.append(ids)
            self.token_hashes.append(ngram_hashes(ids, self.n))
        for ws in example_words:
            for w in ws:
                self.vocab.setdefault(w, len(self.vocab))
        self.word_hashes = [ngram_hashes(word_ids(ws, self.vocab), WORD_N) for ws in example_words]
        self.all_tokens = np.unique(np.concatenate([_EMPTY, *self.token_hashes]))
        self.all_words = np.unique(np.concatenate([_EMPTY, *self.word_hashes]))
        digest = hashlib.sha256(np.int64(self.n).tobytes() + self.all_tokens.tobytes() + self.all_words.tobytes())
        self.fingerprint = digest.hexdigest()

    def searches(self) -> tuple[anchors.AnchorSearch | None, anchors.AnchorSearch | None]:
        """The corpus searches for this benchmark's token n-grams and word 13-grams, built once
        per process (a worker that scans many shards of one benchmark builds them once)."""
        found = _SEARCHES.get(self.fingerprint)
        if found is None:
            token_bytes = tokenizer.load().decode_single_token_bytes
            token_search = anchors.AnchorSearch.build(([token_bytes(int(i)) for i in ids] for ids in self.tokens), self.n, ANCHOR_UNITS)
            word_search = anchors.AnchorSearch.build((words(ex.text) for ex in self.examples), WORD_N, ANCHOR_UNITS, sep=b" ", edge=b" ")
            found = (token_search, word_search)
            while len(_SEARCHES) >= 4:  # keep a few benchmarks' searches, not every one ever seen
                _SEARCHES.pop(next(iter(_SEARCHES)))
            _SEARCHES[self.fingerprint] = found
        return found


_SEARCHES: dict[str, tuple] = {}
_EMPTY = np.empty(0, np.uint64)


def _members(candidates: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """The candidates that are in ``sorted_set``."""
    if sorted_set.size == 0 or candidates.size == 0:
        return _EMPTY
    pos = np.searchsorted(sorted_set, candidates)
    pos[pos == sorted_set.size] = 0
    return np.unique(candidates[sorted_set[pos] == candidates])


@dataclass
class DocumentScan:
    """What one document contains of the benchmark, and how much of it was tokenized."""

    tokens: np.ndarray
    words: np.ndarray
    bytes: int
    tokenized_bytes: int


def scan_document(text: str, index: BenchmarkIndex, enc=None) -> DocumentScan:
    """Benchmark token n-gram hashes and word 13-gram hashes found in one document. Only the
    spans where an anchor occurs are tokenized (or split into words); the result is the same
    as for the whole document."""
    enc = enc or tokenizer.load()
    token_search, word_search = index.searches()
    data = utf8(text)
    found_tokens, found_words, spans = _EMPTY, _EMPTY, []
    if token_search is not None:
        spans = token_search.spans(data, tokenizer.break_before, tokenizer.break_after)
        if spans:
            hashes = [ngram_hashes(np.asarray(enc.encode_ordinary(data[a:b].decode("utf-8")), dtype=np.int64), index.n) for a, b in spans]
            found_tokens = _members(np.concatenate(hashes), index.all_tokens)
    if word_search is not None:
        normalized = normalized_words(text)
        word_spans = word_search.spans(normalized, anchors.space_before, anchors.space_after)
        if word_spans:
            hashes = [ngram_hashes(word_ids(normalized[a:b].split(), index.vocab), WORD_N) for a, b in word_spans]
            found_words = _members(np.concatenate(hashes), index.all_words)
    return DocumentScan(found_tokens, found_words, len(data), sum(b - a for a, b in spans))


@dataclass
class Found:
    """The benchmark n-grams a corpus contains; unions of Found are exact (scans compose)."""

    tokens: np.ndarray
    words: np.ndarray
    shards: int
    documents: int
    problems: list[str]
    bytes: int = 0
    tokenized_bytes: int = 0

    def __or__(self, other: "Found") -> "Found":
        return _union([self, other])


def scan_shard(path: Path, index: BenchmarkIndex, text_field: str = "text", skip_bad: bool = False) -> Found:
    enc = tokenizer.load()
    problems: list[str] = []
    tokens, found_words, n_docs, n_bytes, n_tokenized = [_EMPTY], [_EMPTY], 0, 0, 0
    for text in read_shard(Path(path), text_field, skip_bad, problems):
        doc = scan_document(text, index, enc)
        tokens.append(doc.tokens)
        found_words.append(doc.words)
        n_docs += 1
        n_bytes += doc.bytes
        n_tokenized += doc.tokenized_bytes
    return Found(np.unique(np.concatenate(tokens)), np.unique(np.concatenate(found_words)), 1, n_docs, problems, n_bytes, n_tokenized)


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
    """Per-example scores, and what the scan found and read."""

    scores: pd.DataFrame
    found: Found


def _union(parts: list[Found]) -> Found:
    tokens = np.unique(np.concatenate([_EMPTY, *(p.tokens for p in parts)]))
    found_words = np.unique(np.concatenate([_EMPTY, *(p.words for p in parts)]))
    return Found(tokens, found_words, sum(p.shards for p in parts), sum(p.documents for p in parts),
                 [m for p in parts for m in p.problems], sum(p.bytes for p in parts), sum(p.tokenized_bytes for p in parts))


def scan_shards(paths: list[Path], index: BenchmarkIndex, text_field: str = "text", skip_bad: bool = False) -> Found:
    """One worker's share: several shards scanned in turn, returned as one Found."""
    return _union([scan_shard(Path(p), index, text_field, skip_bad) for p in paths])


def batches(shards: list[Path], n: int) -> list[list[Path]]:
    """Shards dealt into ``n`` batches of near-equal bytes (largest first, each to the lightest
    batch), so parallel workers finish together and each task carries many small shards."""
    sizes = {p: p.stat().st_size for p in shards}
    loads = [(0, i, []) for i in range(n)]
    for p in sorted(shards, key=sizes.__getitem__, reverse=True):
        size, i, batch = min(loads)
        batch.append(p)
        loads[i] = (size + sizes[p], i, batch)
    return [batch for _, _, batch in sorted(loads, key=lambda t: t[1]) if batch]


# In a worker process: the index, the batches of shards, the shared counter of the next batch
# to take, and the reading options.
_SHARED: tuple | None = None


def _init_worker(*shared) -> None:
    global _SHARED
    _SHARED = shared


def _drain(shared: tuple | None = None, bar=None) -> Found:
    """Take batches from the shared queue until none is left (in each worker, and in the
    calling process, which is one of the workers and moves the progress bar, if any, to the
    number of shards handed out so far)."""
    index, jobs, next_job, text_field, skip_bad = shared or _SHARED
    parts = []
    while True:
        with next_job.get_lock():
            i = next_job.value
            next_job.value += 1
        if bar is not None:
            bar.update(sum(len(b) for b in jobs[:min(i, len(jobs))]) - bar.n)
        if i >= len(jobs):
            return _union(parts)
        parts.append(scan_shards(jobs[i], index, text_field, skip_bad))


def scan(examples: list[Example], corpus: Iterable[str | Path], n: int = TOKEN_N, engine: str = "serial", workers: int = 2,
         client=None, text_field: str = "text", skip_bad: bool = False, progress: bool = False) -> ScanResult:
    """Score every example against the corpus. ``engine``: serial, workers or dask."""
    index = BenchmarkIndex(examples, n=n)
    found = scan_hashes(index, corpus, engine, workers, client, text_field, skip_bad, progress)
    return ScanResult(score(index, found.tokens, found.words), found)


def scan_hashes(index: BenchmarkIndex, corpus: Iterable[str | Path], engine: str = "serial", workers: int = 2, client=None,
                text_field: str = "text", skip_bad: bool = False, progress: bool = False) -> Found:
    """The benchmark n-grams found in the corpus, by the chosen engine."""
    shards = corpus_shards(corpus)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(shards), unit="shard", desc=f"scanning ({engine})")
    try:
        parts = _run_engine(index, shards, engine, workers, client, text_field, skip_bad, bar)
    finally:
        if bar is not None:
            bar.close()
    return _union(parts)


def _run_engine(index: BenchmarkIndex, shards: list[Path], engine: str, workers: int, client, text_field: str, skip_bad: bool, bar) -> list[Found]:
    if engine == "serial":
        parts = []
        for p in shards:
            parts.append(scan_shard(p, index, text_field, skip_bad))
            if bar is not None:
                bar.update(1)
    elif engine == "workers":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        index.searches()  # built before the workers start, which inherit them where processes fork
        # small batches in a shared queue: whoever is free takes the next, the caller included
        shared = (index, batches(shards, 16 * workers), multiprocessing.Value("i", 0), text_field, skip_bad)
        if workers == 1:
            parts = [_drain(shared, bar)]
        else:
            pool = ProcessPoolExecutor(max_workers=workers - 1, initializer=_init_worker, initargs=shared)
            try:
                others = [pool.submit(_drain) for _ in range(workers - 1)]
                parts = [_drain(shared, bar)] + [f.result() for f in others]
            finally:
                pool.shutdown(wait=False, cancel_futures=True)  # the results are in; workers exit on their own
    elif engine == "dask":
        import dask.bag as db

        if isinstance(client, str):
            from distributed import Client

            client = Client(client)
        # two balanced partitions per worker thread: of the local pool, or of the whole cluster
        slots = max(1, sum(client.nthreads().values())) if client is not None else workers
        groups = [[str(p) for p in b] for b in batches(shards, 2 * slots)]
        mapped = db.from_sequence(groups, npartitions=len(groups)).map(scan_shards, index, text_field, skip_bad)
        if client is not None:
            from distributed import as_completed

            parts = []
            for future in as_completed(client.compute(mapped.to_delayed())):  # one future per partition
                done = future.result()
                parts += done
                if bar is not None:
                    bar.update(sum(f.shards for f in done))
        else:
            import multiprocessing

            import dask

            # Forked, as the workers engine is: the pool inherits the loaded tokenizer and the
            # search tables instead of starting fresh interpreters (dask's default is spawn).
            context = "fork" if "fork" in multiprocessing.get_all_start_methods() else dask.config.get("multiprocessing.context", "spawn")
            index.searches()
            with dask.config.set({"multiprocessing.context": context}), _partition_ticks(bar):
                # one partition per dispatch (dask batches several by default, which can leave a worker idle)
                parts = mapped.compute(scheduler="processes", num_workers=workers, chunksize=1)
    else:
        raise ValueError(f"unknown engine {engine!r}; use serial, workers or dask")
    if bar is not None:
        bar.update(len(shards) - bar.n)
    return parts


def _partition_ticks(bar):
    """A dask callback that moves the progress bar as each partition of shards finishes."""
    from contextlib import nullcontext

    from dask.callbacks import Callback

    if bar is None:
        return nullcontext()

    class Ticks(Callback):
        def __init__(self):
            super().__init__()
            self.seen: set[int] = set()

        def _posttask(self, key, result, dsk, state, worker_id):
            # a partition's result arrives under more than one key; count each partition once
            if isinstance(key, tuple) and isinstance(result, list) and result and all(isinstance(r, Found) for r in result) \
                    and key[-1] not in self.seen:
                self.seen.add(key[-1])
                bar.update(sum(r.shards for r in result))

    return Ticks()


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
                      text_field=args.text_field, skip_bad=args.skip_bad, progress=True)
    except ContaminationInputError as exc:
        print(f"contamination: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.suffix == ".parquet":
        result.scores.to_parquet(out, index=False)
    else:
        result.scores.to_csv(out, index=False)
    s, found = result.scores, result.found
    print(f"scanned {found.documents:,} documents in {found.shards:,} shards ({found.bytes / 1e6:,.1f} MB, "
          f"{found.tokenized_bytes / max(found.bytes, 1):.1%} of it tokenized around candidate matches); {len(s)} examples")
    print(f"TOKEN-MATCH > {args.threshold:g}: {(s['token_match'] > args.threshold).sum()} examples; "
          f"mean share {s['token_match'].mean():.3f}; longest span median {s['longest_match'].median():.0f} tokens")
    print(f"13-gram word rule: {int(s['word13_match'].sum())} examples")
    if found.problems:
        print(f"skipped {len(found.problems)} bad input(s):")
        for p in found.problems:
            print(f"  {p}")
    print(f"scores written to {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
