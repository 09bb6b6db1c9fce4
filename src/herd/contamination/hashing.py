"""Hashing n-grams and normalising words: the two ways a benchmark example and a corpus
document are compared.

Token n-grams are hashed as 64-bit polynomials of Llama 3 token ids; the word rule's units
are the runs of a-z and 0-9 in the lower-cased text (GPT-3's 13-gram rule), mapped to ids of
the benchmark's vocabulary. Both are compared as sorted arrays of hashes.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np

TOKEN_N = 8
WORD_N = 13
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio) for polynomial hashing
EMPTY = np.empty(0, np.uint64)

# Bytes of a document folded for the word rule: A-Z lower-cased, a-z and 0-9 kept, every other
# byte (punctuation, white space, and each byte of a non-ASCII character) a space. The words of
# ``fold(utf8(text))`` are the words of ``utf8(text.lower())`` unless the text holds one of
# FOLD_EXCEPTIONS: the only characters outside ASCII whose lower case contains an ASCII letter
# or digit (tests/test_contamination_exact.py enumerates them).
FOLD = bytes(
    (b | 0x20) if 0x41 <= b <= 0x5A else b if (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A) else 0x20 for b in range(256)
)
FOLD_EXCEPTIONS = ("\u0130", "\u212a")  # LATIN CAPITAL LETTER I WITH DOT ABOVE, KELVIN SIGN
FOLD_EXCEPTION_BYTES = tuple(c.encode() for c in FOLD_EXCEPTIONS)
_WORD_BYTES = bytes(b if (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A) else 0x20 for b in range(256))


def ngram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """64-bit polynomial hashes of every n-gram of ``ids`` (wrap-around arithmetic).
    Collisions are possible in principle; at 2^64 they are negligible for benchmark sizes."""
    ids = np.asarray(ids, dtype=np.uint64) + np.uint64(1)  # keep id 0 distinct from padding
    if len(ids) < n:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(len(ids) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _MULT + ids[k : len(ids) - n + 1 + k]
    return h


def segment_hashes(ids: np.ndarray, lengths: np.ndarray, n: int) -> np.ndarray:
    """The n-gram hashes of several id sequences laid end to end (``lengths`` long each),
    without the n-grams that cross from one sequence into the next: one hashing call for many
    short sequences."""
    hashes = ngram_hashes(ids, n)
    if hashes.size == 0 or len(lengths) < 2:
        return hashes
    segment = np.repeat(np.arange(len(lengths)), lengths)
    return hashes[segment[: hashes.size] == segment[n - 1 :]]


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an array (by sorting: numpy's hash-based ``unique`` is
    several times slower on large uint64 arrays)."""
    values = np.sort(values)
    if values.size < 2:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def members(candidates: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """The distinct candidates that are in ``sorted_set``."""
    if sorted_set.size == 0 or candidates.size == 0:
        return EMPTY
    pos = np.searchsorted(sorted_set, candidates)
    pos[pos == sorted_set.size] = 0
    return distinct(candidates[sorted_set[pos] == candidates])


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


def normalized_bytes(data: bytes, text: str | None = None) -> bytes:
    """``normalized_words`` of a text given as its UTF-8 bytes (``text``: the same as a string,
    if at hand): folded bytes where that is exact, the lower-cased text otherwise."""
    if any(b in data for b in FOLD_EXCEPTION_BYTES):
        return normalized_words(text if text is not None else data.decode("utf-8"))
    ws = data.translate(FOLD).split()
    return b" " + b" ".join(ws) + b" " if ws else b" "


def document_words(data: bytes) -> list[bytes]:
    """The words of a document given as UTF-8 bytes: folded bytes where that is exact, the
    lower-cased text otherwise."""
    if any(b in data for b in FOLD_EXCEPTION_BYTES):
        return words(data.decode("utf-8"))
    return data.translate(FOLD).split()


def word_ids(ws: list[bytes], vocab: dict[bytes, int]) -> np.ndarray:
    """Words mapped to benchmark-vocabulary ids (a word outside the vocabulary → ``len(vocab)``)."""
    return np.fromiter(map(vocab.get, ws, repeat(len(vocab))), dtype=np.int64, count=len(ws))
