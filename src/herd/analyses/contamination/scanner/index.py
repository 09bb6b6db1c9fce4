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
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from herd.record import tokenizer

from .anchors import collapse
from .hashing import (
    _MULT,
    EMPTY,
    FOLD,
    FOLD_EXCEPTION_BYTES,
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
    example i begins); ``raw`` holds the examples' bytes (after ``PAD``, one newline after each;
    example i at ``raw_starts[i]:raw_ends[i]``), token t spanning
    ``raw[token_begin[t]:token_end[t]]``; ``token_ngram(t)`` is the hash of the n-gram that
    starts at token t (where ``token_valid[t]``: the n-gram lies in one example), which then
    ends at ``token_ngram_end[t]``. Words: ``norm`` holds each example's normalised words
    (``hashing.normalized_words``: " w1 w2 … ", example i from ``norm_starts[i]``, its words from
    ``word_starts[i]``); the 13-gram of words starting at word w spans
    ``norm[word_gram_begin[w]:word_ngram_end[w]]`` (its words and a space either side) and has
    the hash ``word_ngram[w]`` (where ``word_valid[w]``). ``token_first`` and ``word_first``
    mark the first occurrence of each distinct n-gram; ``all_tokens`` and ``all_words`` are the
    distinct hashes, and ``token_set`` and ``word_set`` the same as sets a scan asks. Offsets
    are int32 and hashes uint64: the index takes about 30 bytes per benchmark token.
    """

    examples: list[Example]
    n: int = TOKEN_N

    def __post_init__(self):
        if not isinstance(self.n, (int, np.integer)) or isinstance(self.n, bool) or self.n < 1:
            raise ValueError(f"n must be a whole number of tokens, at least 1 (got {self.n!r})")
        tokenizer.check_piece_breaks()
        self._tokens()
        self._words()
        self.all_tokens, self.token_first = _first_of_each(_flat_ngrams(self.token_ids, self.n), self.token_valid)
        self.all_words, self.word_first = _first_of_each(self.word_ngram, self.word_valid)
        self.token_set, self.word_set = HashSet(self.all_tokens), HashSet(self.all_words)
        digest = hashlib.sha256(np.int64(self.n).tobytes() + self.all_tokens.tobytes() + self.all_words.tobytes())
        self.fingerprint = digest.hexdigest()

    def _tokens(self) -> None:
        enc = tokenizer.load()
        got = [enc.encode_to_numpy(ex.text, disallowed_special=()) for ex in self.examples]
        lengths = np.fromiter(map(len, got), dtype=np.int64, count=len(got))
        self.token_ids = np.concatenate([np.empty(0, np.uint32), *got]).view(np.int32)
        del got
        self.token_starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        # where each token lies in `raw`: the examples after PAD, one newline after each
        data = [utf8(ex.text) for ex in self.examples]
        sizes = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
        self.raw = PAD + b"\n".join(data) + b"\n" + PAD
        del data
        self.raw_starts = len(PAD) + np.concatenate([[0], np.cumsum(sizes + 1)[:-1]]).astype(np.int64)
        self.raw_ends = self.raw_starts + sizes
        if len(self.raw) >= 1 << 31:
            raise ValueError("benchmark too large: over 2 GB of text")
        widths = tokenizer.token_byte_lengths()[self.token_ids].astype(np.int32)
        example = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        if not np.array_equal(np.bincount(example, weights=widths, minlength=len(lengths)), sizes):
            raise tokenizer.TokenizerSourceError("the benchmark's tokens do not spell out its bytes")
        self.token_end = np.cumsum(widths, dtype=np.int32)
        self.token_end += np.repeat((self.raw_starts - np.cumsum(sizes) + sizes).astype(np.int32), lengths)
        self.token_begin = self.token_end - widths
        self.token_valid = _inside(lengths, self.n, len(self.token_ids))
        self.token_ngram_end = self.token_end[self.n - 1 :]  # of the n-gram starting at each token (a view)

    def _words(self) -> None:
        """The word rule: the examples' words, lower-cased, one space between each and one between
        examples (``norm``: the examples' bytes folded, runs of spaces made one; where an example
        holds one of FOLD_EXCEPTIONS, its words are ``hashing.normalized_words`` of its text), and
        their keys."""
        if any(b in self.raw for b in FOLD_EXCEPTION_BYTES):  # some example needs the exact rule
            normalized = [normalized_bytes(utf8(ex.text), ex.text) for ex in self.examples]
            text = b"".join(n[:-1] for n in normalized) + b" "
            sizes = np.fromiter((len(n) - 1 for n in normalized), dtype=np.int64, count=len(normalized))
            del normalized
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)  # each example's first space
        else:  # folding is exact: the examples' bytes folded and collapsed, all at once
            text, kept = collapse(self.raw[len(PAD) - 1 : -len(PAD)].translate(FOLD))
            edges = [0, *(self.raw_starts - len(PAD) + 1).tolist()]  # kept bytes before each example
            starts = np.cumsum([np.count_nonzero(kept[a:b]) for a, b in zip(edges[:-1], edges[1:])]) - 1
            del kept
        self.norm = PAD + text + PAD
        self.norm_starts = np.asarray(starts, dtype=np.int64) + len(PAD)  # the space before each example
        begin, end = word_spans(self.norm[: -len(PAD)])
        keys = word_keys(self.norm, begin, end)
        example = np.searchsorted(self.norm_starts, begin, side="right") - 1
        counts = np.bincount(example, minlength=len(self.examples)).astype(np.int64)
        self.word_starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.word_ngram, self.word_valid = _flat_ngrams(keys, WORD_N), _inside(counts, WORD_N, len(keys))
        self.word_gram_begin = (begin - 1).astype(np.int32)
        self.word_ngram_end = (end + 1).astype(np.int32)[WORD_N - 1 :]  # the space after each 13-gram's last word

    @cached_property
    def normalized(self) -> list[bytes]:
        """Each example's normalised words (``hashing.normalized_words``: " w1 w2 ... ")."""
        edges = [*self.norm_starts.tolist(), len(self.norm) - len(PAD) - 1]
        return [self.norm[a : b + 1] for a, b in zip(edges[:-1], edges[1:])]

    @cached_property
    def tokens(self) -> list[np.ndarray]:
        """Each example's tokens."""
        return np.split(self.token_ids.astype(np.int64), self.token_starts[1:-1]) if len(self.examples) else []

    def token_ngram(self, at: np.ndarray | None = None) -> np.ndarray:
        """The hash of the n-gram starting at each token (or at the tokens ``at``, which must start
        n-grams inside one example), computed from the tokens (it is not kept)."""
        if at is None:
            return _flat_ngrams(self.token_ids, self.n)
        h = np.zeros(len(at), dtype=np.uint64)
        for k in range(self.n):  # as hashing.ngram_hashes computes it
            h *= _MULT
            h += self.token_ids[at + k].astype(np.uint64) + np.uint64(1)
        h *= _MULT
        return h

    def token_example(self, at: np.ndarray) -> np.ndarray:
        """The example each of the tokens ``at`` belongs to."""
        return np.searchsorted(self.token_starts, at, side="right") - 1

    @cached_property
    def vocab(self) -> dict[bytes, int]:
        """The benchmark's distinct words, numbered in order of first appearance."""
        return {w: i for i, w in enumerate(dict.fromkeys(self.norm.split()))}


def _first_of_each(hashes: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct hashes (sorted), and where each first occurs: finding an n-gram once in the
    corpus is enough, so only its first occurrence in the benchmark gets an anchor. One sort of
    the hashes' top bits with the position below them (positions in order within equal tops);
    a hash is marked where it differs from the one before in that order, which marks each
    hash's first occurrence (and, rarely, a later one too: never too few)."""
    at = np.flatnonzero(valid)
    h = hashes[at]
    values = np.sort(h)
    if values.size:
        values = values[np.concatenate([[True], values[1:] != values[:-1]])]
    bits = max(1, int(len(at)).bit_length())
    packed = h >> np.uint64(bits)
    packed <<= np.uint64(bits)
    packed |= np.arange(len(at), dtype=np.uint64)
    packed.sort()
    order = (packed & np.uint64((1 << bits) - 1)).view(np.int64)
    del packed
    h = h[order]
    new = np.ones(len(h), dtype=bool)
    np.not_equal(h[1:], h[:-1], out=new[1:])
    mark = np.zeros(len(hashes), dtype=bool)
    mark[at[order[new]]] = True
    return values, mark


def _flat_ngrams(ids: np.ndarray, n: int) -> np.ndarray:
    """The hash of the n-gram starting at each position of ``ids`` (zero where fewer than n
    are left; where an n-gram crosses from one sequence into the next, meaningless)."""
    hashes = np.zeros(len(ids), dtype=np.uint64)
    got = ngram_hashes(ids, n)
    hashes[: got.size] = got
    return hashes


def _inside(lengths: np.ndarray, n: int, total: int) -> np.ndarray:
    """For sequences of ``lengths`` laid end to end: whether the n-gram starting at each of the
    ``total`` positions lies inside one sequence."""
    valid = np.zeros(total, dtype=bool)
    count = max(total - n + 1, 0)
    if count and len(lengths):
        valid[:count] = ngram_starts(lengths, n, count)
    return valid


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
    first = np.flatnonzero(index.token_valid & np.isin(index.token_ngram(), found_tokens))
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
