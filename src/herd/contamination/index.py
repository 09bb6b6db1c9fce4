"""The benchmark's side: every example's tokens and words, its n-grams as hashes (and where
each lies in the examples' bytes, for the anchored scan to check a hit against), and the
per-example scores computed from the n-grams a scan found.

TOKEN-MATCH (the Llama 3 paper's method, arXiv 2407.21783 §5.1.4): the share of an
example's tokens that lie inside any token n-gram found in the corpus. LONGEST-MATCH
(Singh et al. 2024): the longest run of such tokens. The word rule (GPT-3): whether any word
13-gram of the example is in the corpus.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .. import tokenizer
from .hashing import (
    EMPTY,
    PAD,
    TOKEN_N,
    WORD_N,
    HashSet,
    ngram_hashes,
    ngram_starts,
    normalized_bytes,
    utf8,
    word_keys,
    word_spans,
)
from .readers import Example


@dataclass
class BenchmarkIndex:
    """The benchmark's token n-grams and word 13-grams.

    Tokens: ``token_ids`` holds every example's tokens end to end (``token_starts[i]`` is where
    example i begins); ``raw`` holds the examples' bytes (after ``PAD``, one newline after each),
    token t spanning ``raw[token_begin[t]:token_end[t]]``; ``token_ngram[t]`` is the hash of the
    n-gram that starts at token t (where ``token_valid[t]``: the n-gram lies in one example).
    Words: ``norm`` holds each example's normalised words (``hashing.normalized_words``: " w1
    w2 … "), word w spanning ``norm[word_begin[w]:word_end[w]]``, ``word_ngram[w]`` the hash of
    the 13-gram starting at word w (where ``word_valid[w]``). ``tokens``, ``token_hashes`` and
    ``word_hashes`` are per-example views; ``all_tokens`` and ``all_words`` the distinct hashes,
    and ``token_set`` and ``word_set`` the same as sets a scan asks.
    """

    examples: list[Example]
    n: int = TOKEN_N
    tokens: list[np.ndarray] = field(default_factory=list)
    token_hashes: list[np.ndarray] = field(default_factory=list)
    word_hashes: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self):
        if not isinstance(self.n, (int, np.integer)) or isinstance(self.n, bool) or self.n < 1:
            raise ValueError(f"n must be a whole number of tokens, at least 1 (got {self.n!r})")
        tokenizer.check_piece_breaks()
        self.example_bytes = [utf8(ex.text) for ex in self.examples]
        self._tokens()
        self._words()
        self.all_tokens, self.token_first = _first_of_each(self.token_ngram, self.token_valid)
        self.all_words, self.word_first = _first_of_each(self.word_ngram, self.word_valid)
        self.token_set, self.word_set = HashSet(self.all_tokens), HashSet(self.all_words)
        self.token_ngram_end, self.word_ngram_end = self.ngram_end(True), self.ngram_end(False)
        digest = hashlib.sha256(np.int64(self.n).tobytes() + self.all_tokens.tobytes() + self.all_words.tobytes())
        self.fingerprint = digest.hexdigest()

    def _tokens(self) -> None:
        enc = tokenizer.load()
        got = [enc.encode_to_numpy(ex.text, disallowed_special=()) for ex in self.examples]
        lengths = np.fromiter(map(len, got), dtype=np.int64, count=len(got))
        self.token_ids = np.concatenate([np.empty(0, np.uint32), *got]).astype(np.int64)
        self.token_starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.tokens = np.split(self.token_ids, self.token_starts[1:-1]) if len(lengths) else []
        # where each token lies in `raw`: the examples after PAD, one newline after each
        sizes = np.fromiter(map(len, self.example_bytes), dtype=np.int64, count=len(self.example_bytes))
        self.raw = PAD + b"".join(b + b"\n" for b in self.example_bytes) + PAD
        self.raw_starts = len(PAD) + np.concatenate([[0], np.cumsum(sizes + 1)[:-1]]).astype(np.int64)
        self.raw_ends = self.raw_starts + sizes
        widths = tokenizer.token_byte_lengths()[self.token_ids]
        example = np.repeat(np.arange(len(lengths)), lengths)
        if not np.array_equal(np.bincount(example, weights=widths, minlength=len(lengths)), sizes):
            raise tokenizer.TokenizerSourceError("the benchmark's tokens do not spell out its bytes")
        self.token_end = np.cumsum(widths) + np.repeat(self.raw_starts - np.cumsum(sizes) + sizes, lengths)
        self.token_begin = self.token_end - widths
        self.token_example = example.astype(np.int32)
        self.token_ngram, self.token_valid = _flat_ngrams(self.token_ids, lengths, self.n)
        self.token_hashes = (
            np.split(self.token_ngram[self.token_valid], np.cumsum(np.maximum(lengths - self.n + 1, 0))[:-1])
            if len(lengths)
            else []
        )

    def _words(self) -> None:
        """The word rule: each example's words as " w1 w2 ... " (normalised), end to end in
        ``norm``, and their keys."""
        self.normalized = [normalized_bytes(data, ex.text) for data, ex in zip(self.example_bytes, self.examples)]
        self.norm = PAD + b"".join(self.normalized) + PAD
        sizes = np.fromiter(map(len, self.normalized), dtype=np.int64, count=len(self.normalized))
        self.norm_starts = len(PAD) + np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.word_begin, self.word_end = word_spans(self.norm[: -len(PAD)])
        keys = word_keys(self.norm, self.word_begin, self.word_end)
        example = np.searchsorted(self.norm_starts, self.word_begin, side="right") - 1
        counts = np.bincount(example, minlength=len(self.examples)).astype(np.int64)
        self.word_starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.word_ngram, self.word_valid = _flat_ngrams(keys, counts, WORD_N)
        self.word_hashes = (
            np.split(self.word_ngram[self.word_valid], np.cumsum(np.maximum(counts - WORD_N + 1, 0))[:-1])
            if len(counts)
            else []
        )

    @cached_property
    def vocab(self) -> dict[bytes, int]:
        """The benchmark's distinct words, numbered in order of first appearance."""
        return {w: i for i, w in enumerate(dict.fromkeys(self.norm.split()))}

    def ngram_end(self, rule_token: bool) -> np.ndarray:
        """Where each n-gram (token n-grams, or word 13-grams) ends in its stream, for n-grams
        starting at every position (those that run past an example end at its last token or word)."""
        ends = self.token_end if rule_token else self.word_end + 1
        n = self.n if rule_token else WORD_N
        return ends[np.minimum(np.arange(len(ends)) + n - 1, len(ends) - 1)] if len(ends) else ends


def _first_of_each(hashes: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct hashes (sorted), and where each first occurs: finding an n-gram once in the
    corpus is enough, so only its first occurrence in the benchmark gets an anchor."""
    at = np.flatnonzero(valid)
    values, first = np.unique(hashes[at], return_index=True)
    mark = np.zeros(len(hashes), dtype=bool)
    mark[at[first]] = True
    return values, mark


def _flat_ngrams(ids: np.ndarray, lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The hash of the n-gram starting at each position of sequences laid end to end, and
    whether it lies inside one sequence (a hash where it does not is meaningless)."""
    hashes = np.zeros(len(ids), dtype=np.uint64)
    valid = np.zeros(len(ids), dtype=bool)
    got = ngram_hashes(ids, n)
    if got.size and len(lengths):
        hashes[: got.size] = got
        valid[: got.size] = ngram_starts(lengths, n, got.size)
    return hashes, valid


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
    # the tokens covered by a found n-gram: from each n-gram's first token to its last
    first = np.flatnonzero(index.token_valid & np.isin(index.token_ngram, found_tokens))
    depth = np.zeros(len(index.token_ids) + 1, dtype=np.int64)
    np.add.at(depth, first, 1)
    np.add.at(depth, first + n, -1)
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
    word_counts = np.diff(index.word_starts)
    word_hit = index.word_valid & np.isin(index.word_ngram, found_words)
    word_example = np.repeat(np.arange(n_examples), word_counts)
    word_match = np.bincount(word_example, weights=word_hit, minlength=n_examples) > 0
    return {
        "id": [ex.id for ex in index.examples],
        "tokens": lengths.astype(np.int64),
        "token_match": np.where(lengths > 0, share, 0.0),
        "longest_match": longest,
        "word13_match": word_match,
    }


__all__ = ["BenchmarkIndex", "score", "score_columns", "EMPTY"]
