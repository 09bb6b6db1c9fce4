"""The benchmark's side: every example's tokens and words, its n-grams as sorted hash arrays,
and the per-example scores computed from the n-grams a scan found.

TOKEN-MATCH (the Llama 3 paper's method, arXiv 2407.21783 §5.1.4): the share of an
example's tokens that lie inside any token n-gram found in the corpus. LONGEST-MATCH
(Singh et al. 2024): the longest run of such tokens. The word rule (GPT-3): whether any word
13-gram of the example is in the corpus.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import tokenizer
from .hashing import EMPTY, TOKEN_N, WORD_N, distinct, normalized_bytes, segment_hashes, utf8
from .readers import Example


@dataclass
class BenchmarkIndex:
    """The benchmark's token n-grams and word 13-grams, as sorted hash arrays.

    ``token_ids`` holds every example's tokens end to end (``token_starts[i]`` is where
    example i begins); ``tokens``, ``token_hashes`` and ``word_hashes`` are per-example views.
    """

    examples: list[Example]
    n: int = TOKEN_N
    tokens: list[np.ndarray] = field(default_factory=list)
    token_hashes: list[np.ndarray] = field(default_factory=list)
    vocab: dict[bytes, int] = field(default_factory=dict)
    word_hashes: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self):
        if not isinstance(self.n, (int, np.integer)) or isinstance(self.n, bool) or self.n < 1:
            raise ValueError(f"n must be a whole number of tokens, at least 1 (got {self.n!r})")
        enc = tokenizer.load()
        tokenizer.check_piece_breaks()
        self.example_bytes = [utf8(ex.text) for ex in self.examples]
        ids, lengths = array("q"), array("q")
        for ex in self.examples:
            got = enc.encode_ordinary(ex.text)
            ids.extend(got)
            lengths.append(len(got))
        self.token_ids = np.frombuffer(ids, dtype=np.int64).copy() if ids else np.empty(0, np.int64)
        lengths = np.frombuffer(lengths, dtype=np.int64).copy() if lengths else np.empty(0, np.int64)
        self.token_starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.tokens = np.split(self.token_ids, self.token_starts[1:-1]) if len(lengths) else []
        self.token_hashes = _per_example(self.token_ids, lengths, self.n)
        # the word rule: each example's words as " w1 w2 ... " (normalised) and as vocabulary ids
        self.normalized = [normalized_bytes(data, ex.text) for data, ex in zip(self.example_bytes, self.examples)]
        split = [text.split() for text in self.normalized]
        all_words = [w for ws in split for w in ws]
        self.vocab.update((w, i) for i, w in enumerate(dict.fromkeys(all_words)))  # ids in order of first appearance
        self.word_ids = np.fromiter(map(self.vocab.__getitem__, all_words), dtype=np.int64, count=len(all_words))
        word_lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        del split, all_words
        self.word_hashes = _per_example(self.word_ids, word_lengths, WORD_N)
        self.all_tokens = distinct(np.concatenate([EMPTY, *self.token_hashes]))
        self.all_words = distinct(np.concatenate([EMPTY, *self.word_hashes]))
        digest = hashlib.sha256(np.int64(self.n).tobytes() + self.all_tokens.tobytes() + self.all_words.tobytes())
        self.fingerprint = digest.hexdigest()


def _per_example(ids: np.ndarray, lengths: np.ndarray, n: int) -> list[np.ndarray]:
    """Each sequence's n-gram hashes (a sequence shorter than n has none), computed in one call."""
    hashes = segment_hashes(ids, lengths, n)
    counts = np.maximum(lengths - n + 1, 0)
    return np.split(hashes, np.cumsum(counts)[:-1]) if len(lengths) else []


def score(index: BenchmarkIndex, found_tokens: np.ndarray, found_words: np.ndarray):
    """Per-example TOKEN-MATCH share, LONGEST-MATCH span and the 13-gram word rule, as a
    pandas DataFrame (columns id, tokens, token_match, longest_match, word13_match)."""
    import pandas as pd  # here, not at import: the command line writes its scores without pandas

    return pd.DataFrame(score_columns(index, found_tokens, found_words))


def score_columns(index: BenchmarkIndex, found_tokens: np.ndarray, found_words: np.ndarray) -> dict[str, Any]:
    """The columns of ``score``: the example ids (a list) and numpy arrays."""
    n, starts = index.n, index.token_starts
    lengths = np.diff(starts)
    n_examples = len(index.examples)
    example_of_token = np.repeat(np.arange(n_examples), lengths)
    hashes = np.concatenate([EMPTY, *index.token_hashes])
    # the n-gram starting at token t of an example is hashes[t - (n - 1) * example]
    first = np.flatnonzero(np.isin(hashes, found_tokens))
    ngrams_before = np.concatenate([[0], np.cumsum(np.maximum(lengths - n + 1, 0))])
    example = np.searchsorted(ngrams_before, first, side="right") - 1
    token = first - ngrams_before[example] + starts[example]
    depth = np.zeros(len(index.token_ids) + 1, dtype=np.int64)
    np.add.at(depth, token, 1)
    np.add.at(depth, token + n, -1)
    covered = np.cumsum(depth[:-1]) > 0
    share = np.bincount(example_of_token, weights=covered, minlength=n_examples) / np.maximum(lengths, 1)
    # longest run of covered tokens within each example
    run_start = covered & ~np.concatenate([[False], covered[:-1]])
    run_start[starts[:-1][lengths > 0]] = covered[starts[:-1][lengths > 0]]
    run_id = np.cumsum(run_start) * covered
    longest = np.zeros(n_examples, dtype=np.int64)
    if covered.any():
        run_length = np.bincount(run_id[covered])
        runs = np.flatnonzero(run_start)
        np.maximum.at(longest, example_of_token[runs], run_length[1 : len(runs) + 1])
    word_lengths = np.fromiter(map(len, index.word_hashes), dtype=np.int64, count=n_examples)
    word_hit = np.isin(np.concatenate([EMPTY, *index.word_hashes]), found_words)
    word_match = np.bincount(np.repeat(np.arange(n_examples), word_lengths), weights=word_hit, minlength=n_examples) > 0
    return {
        "id": [ex.id for ex in index.examples],
        "tokens": lengths.astype(np.int64),
        "token_match": np.where(lengths > 0, share, 0.0),
        "longest_match": longest,
        "word13_match": word_match,
    }
