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

The pipeline, one module each: ``readers`` (benchmark and corpus shards, as bytes decoded
strictly), ``hashing`` (n-gram hashes, the word rule's words), ``index`` (the benchmark's
n-grams, and the scores), ``anchors`` (where in the corpus a benchmark n-gram can occur),
``scan`` (the two exact plans, anchored and full, and the choice between them from a sample
of the corpus), ``engines`` (serial, local workers, Dask) and the command line in
``__main__`` (``python -m herd.contamination``). The corpus is streamed; memory is set by
the benchmark, not the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import engines
from .engines import ENGINE_NAMES, PLANS, ScanOptions, batches

if TYPE_CHECKING:  # pandas is imported where scores are made, not when the package is
    import pandas as pd
from .hashing import TOKEN_N, WORD_N, members, ngram_hashes, normalized_words, segment_hashes, utf8, word_ids, words
from .index import BenchmarkIndex, score
from .readers import (
    ContaminationInputError,
    Corpus,
    Example,
    corpus_files,
    corpus_shards,
    read_benchmark,
    read_shard,
    shard_documents,
)
from .scanning import Found, Plan, Scanner, corpus_sample, plan, union

__all__ = [
    "TOKEN_N",
    "WORD_N",
    "ENGINE_NAMES",
    "PLANS",
    "ContaminationInputError",
    "Example",
    "Corpus",
    "ScanOptions",
    "Plan",
    "BenchmarkIndex",
    "Found",
    "ScanResult",
    "DocumentScan",
    "Scanner",
    "read_benchmark",
    "corpus_files",
    "corpus_shards",
    "read_shard",
    "shard_documents",
    "ngram_hashes",
    "segment_hashes",
    "members",
    "utf8",
    "normalized_words",
    "words",
    "word_ids",
    "score",
    "scan",
    "scan_hashes",
    "scan_shard",
    "scan_shards",
    "scan_document",
    "scanner_for",
    "batches",
    "main",
]

_members = members  # the name earlier versions used


@dataclass
class ScanResult:
    """Per-example scores, and what the scan found and read."""

    scores: pd.DataFrame
    found: Found


def scanner_for(
    index: BenchmarkIndex,
    shards: list[Path],
    text_field: str = "text",
    skip_bad: bool = False,
    choice: str = "auto",
    sizes: list[int] | None = None,
) -> Scanner:
    """A scanner for these shards: anchors chosen, and the plan measured, on a sample of them
    (``sizes``: the shards' sizes, if known)."""
    chosen, found_anchors = plan(
        index, corpus_sample(shards, text_field, sizes=sizes) if choice != "full" else [], choice
    )
    return Scanner(index, chosen, found_anchors, text_field, skip_bad)


def scan_hashes(
    index: BenchmarkIndex, corpus: Iterable[str | Path] | Corpus, options: ScanOptions = ScanOptions()
) -> Found:
    """The benchmark n-grams found in the corpus (files and folders, or a ``Corpus`` already
    listed), run as ``options`` say (the engine, how to read shards, the plan: auto, chosen from
    a sample of the corpus, anchored or full; the plan run is ``found.plan``)."""
    files = corpus if isinstance(corpus, Corpus) else corpus_files(corpus)
    # the plan is chosen by the engine, when it needs it: local workers start meanwhile
    sample = corpus_sample(files.shards, options.text_field, sizes=files.sizes) if options.plan != "full" else []
    scanner = Scanner.deferred(index, sample, options.plan, options.text_field, options.skip_bad)
    found = union(engines.run(scanner, files, options))
    found.ignored, found.plan = files.ignored, scanner.ready().plan
    return found


def scan(
    examples: list[Example], corpus: Iterable[str | Path], n: int = TOKEN_N, options: ScanOptions = ScanOptions()
) -> ScanResult:
    """Score every example against the corpus (token ``n``-grams), the scan run as ``options`` say."""
    index = BenchmarkIndex(examples, n=n)
    found = scan_hashes(index, corpus, options)
    return ScanResult(score(index, found.tokens, found.words), found)


def scan_shards(paths: list[Path], index: BenchmarkIndex, text_field: str = "text", skip_bad: bool = False) -> Found:
    """Several shards scanned in turn (one worker's share), returned as one Found."""
    paths = [Path(p) for p in paths]
    return scanner_for(index, paths, text_field, skip_bad).shards(paths)


def scan_shard(path: Path, index: BenchmarkIndex, text_field: str = "text", skip_bad: bool = False) -> Found:
    """One shard scanned."""
    return scan_shards([Path(path)], index, text_field, skip_bad)


@dataclass
class DocumentScan:
    """What one document contains of the benchmark, and how much of it was tokenized."""

    tokens: np.ndarray
    words: np.ndarray
    bytes: int
    tokenized_bytes: int


_DOCUMENT_SCANNERS: dict[str, Scanner] = {}


def scan_document(text: str, index: BenchmarkIndex, enc=None) -> DocumentScan:
    """Benchmark token n-gram hashes and word 13-gram hashes found in one document, by the
    anchored plan (anchors chosen without a corpus sample): the same as for the whole
    document, tokenizing only around the anchors."""
    scanner = _DOCUMENT_SCANNERS.get(index.fingerprint)
    if scanner is None:
        _DOCUMENT_SCANNERS.clear()
        scanner = _DOCUMENT_SCANNERS[index.fingerprint] = Scanner(index, *_forced_anchored(index))
    data = utf8(text)
    tokens, found_words, tokenized = scanner.batch([data], enc)
    return DocumentScan(tokens, found_words, len(data), tokenized)


def _forced_anchored(index: BenchmarkIndex):
    chosen, found_anchors = plan(index, [], "anchored")
    return chosen, found_anchors


def __getattr__(name: str):
    if name == "main":  # the command line, loaded only when asked for (python -m runs it directly)
        from .__main__ import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
