"""Hashing n-grams and normalising words: the two ways a benchmark example and a corpus
document are compared, and where the Llama 3 pre-tokenizer always starts a new piece.

Token n-grams are hashed as 64-bit polynomials of Llama 3 token ids; the word rule's units
are the runs of a-z and 0-9 in the lower-cased text (GPT-3's 13-gram rule), each read as a
64-bit key of its bytes, and word 13-grams are hashed as polynomials of those keys. A scan
asks whether its n-gram hashes are the benchmark's through a ``HashSet``: a bit table
first (one bit test per n-gram, most of which are not the benchmark's), then an exact look-up
for the few that pass.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np

TOKEN_N = 8
WORD_N = 13
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio) for polynomial hashing
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)  # splitmix64's finaliser
_MIX2 = np.uint64(0x94D049BB133111EB)
EMPTY = np.empty(0, np.uint64)
WINDOW = 8
PAD = b" " * (2 * WINDOW)  # around a buffer, so that two 8-byte windows can be read at each of its bytes
_BYTE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(WINDOW + 1)], dtype=np.uint64)

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


def windows(data: bytes | memoryview, stride: int = 1) -> np.ndarray:
    """The 8-byte windows of ``data`` (which ends with ``PAD``) at every ``stride``-th byte,
    as little-endian uint64 (byte i of a window is bits 8i..8i+7): a view, not a copy."""
    count = (len(data) - WINDOW) // stride + 1
    return np.ndarray((max(count, 0),), dtype="<u8", buffer=data, offset=0, strides=(stride,))


def mix(values: np.ndarray) -> np.ndarray:
    """64-bit values scrambled (splitmix64's finaliser), so that similar inputs spread apart."""
    with np.errstate(over="ignore"):
        x = values ^ (values >> np.uint64(30))
        x *= _MIX1
        x ^= x >> np.uint64(27)
        x *= _MIX2
        x ^= x >> np.uint64(31)
    return x


def ngram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """64-bit polynomial hashes of every n-gram of ``ids`` (wrap-around arithmetic), times the
    multiplier once more, so that the top bits depend on every id (for n = 1 too): tables are
    indexed by them. Collisions are possible in principle; at 2^64 they are negligible for
    benchmark sizes."""
    ids = np.asarray(ids, dtype=np.uint64) + np.uint64(1)  # keep id 0 distinct from padding
    if len(ids) < n:
        return np.empty(0, dtype=np.uint64)
    h = ids[: len(ids) - n + 1].copy()
    for k in range(1, n):  # (unsigned arithmetic on arrays wraps around silently, as wanted)
        h *= _MULT
        h += ids[k : len(ids) - n + 1 + k]
    h *= _MULT
    return h


def segment_hashes(ids: np.ndarray, lengths: np.ndarray, n: int) -> np.ndarray:
    """The n-gram hashes of several id sequences laid end to end (``lengths`` long each),
    without the n-grams that cross from one sequence into the next: one hashing call for many
    short sequences."""
    hashes = ngram_hashes(ids, n)
    if hashes.size == 0 or len(lengths) < 2:
        return hashes
    return hashes[ngram_starts(np.asarray(lengths, dtype=np.int64), n, hashes.size)]


def ngram_starts(lengths: np.ndarray, n: int, total: int | None = None) -> np.ndarray:
    """For sequences of ``lengths`` laid end to end: whether the n-gram starting at each position
    (of the first ``total``) lies inside one sequence."""
    ends = np.cumsum(lengths)
    count = int(ends[-1]) - n + 1 if total is None else total
    inside = np.ones(max(count, 0), dtype=bool)
    if count <= 0:
        return inside
    # the n - 1 starts before each sequence's end (within it or not) cross into the next
    last = np.repeat(ends, n - 1) - np.tile(np.arange(n - 1, 0, -1), len(ends))
    inside[last[(last >= 0) & (last < count)]] = False
    return inside


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
    """The distinct candidates that are in ``sorted_set`` (by binary search; a ``HashSet``
    answers the same faster when it is asked many times)."""
    if sorted_set.size == 0 or candidates.size == 0:
        return EMPTY
    pos = np.searchsorted(sorted_set, candidates)
    pos[pos == sorted_set.size] = 0
    return distinct(candidates[sorted_set[pos] == candidates])


class HashSet:
    """A set of 64-bit hashes asked about many candidates at a time: a table of ``2^bits``
    bits, one for each value of a hash's top bits (about 32 per member, so that 97 % of the
    candidates that are not members stop at one bit test), then a binary search for the few
    that pass. The hashes are polynomials whose top bits depend on every id."""

    def __init__(self, sorted_values: np.ndarray):
        self.values = np.asarray(sorted_values, dtype=np.uint64)
        self.bits = int(min(30, max(12, int(max(self.values.size, 1) * 32 - 1).bit_length())))
        self.table = np.zeros(1 << (self.bits - 6), dtype=np.uint64)
        if self.values.size:  # the slot is a value's top bits, so sorted values fill the table in order
            slot = self._slots(self.values)
            word = slot >> np.uint64(6)
            bit = np.left_shift(np.uint64(1), slot & np.uint64(63))
            first = np.flatnonzero(np.concatenate([[True], word[1:] != word[:-1]]))
            self.table[word[first]] = np.bitwise_or.reduceat(bit, first)

    def _slots(self, values: np.ndarray) -> np.ndarray:
        return values >> np.uint64(64 - self.bits)

    def __len__(self) -> int:
        return int(self.values.size)

    def members(self, candidates: np.ndarray) -> np.ndarray:
        """The distinct candidates that are in the set."""
        if self.values.size == 0 or candidates.size == 0:
            return EMPTY
        slot = self._slots(candidates)
        word = self.table.take((slot >> np.uint64(6)).view(np.int64))
        word >>= slot & np.uint64(63)
        passed = candidates[(word & np.uint64(1)).astype(bool)]
        return members(passed, self.values)


# ------------------------------------------------------------------ words


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
    """Words mapped to the ids of a vocabulary (a word outside it → ``len(vocab)``)."""
    return np.fromiter(map(vocab.get, ws, repeat(len(vocab))), dtype=np.int64, count=len(ws))


def word_spans(folded: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Where the words of folded bytes (``FOLD`` applied: words are the runs of bytes other than
    spaces) start and end, as two int64 arrays."""
    a = np.frombuffer(folded, dtype=np.uint8)
    inside = np.empty(a.size + 2, dtype=bool)
    inside[0] = inside[-1] = False
    np.not_equal(a, 0x20, out=inside[1:-1])
    edge = np.flatnonzero(inside[1:] != inside[:-1])
    return edge[0::2], edge[1::2]


def word_keys(folded: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit key for each word ``folded[starts[i]:ends[i]]`` (``folded`` ends with PAD):
    its bytes eight at a time, scrambled together. Equal words get equal keys; different
    words, different keys but by a 2^-64 chance."""
    w = windows(folded)
    length = ends - starts
    key = mix(w[starts] & _BYTE_MASKS[np.minimum(length, WINDOW)])
    long = np.flatnonzero(length > WINDOW)
    at = 1
    while long.size:  # words of more than 8 bytes: the next 8, and so on (few words, fewer rounds)
        rest = length[long] - WINDOW * at
        with np.errstate(over="ignore"):
            key[long] = mix(key[long] * _MULT + (w[starts[long] + WINDOW * at] & _BYTE_MASKS[np.minimum(rest, WINDOW)]))
        long = long[rest > WINDOW]
        at += 1
    return key


def keys_of_words(ws: list[bytes]) -> np.ndarray:
    """``word_keys`` of words given as a list."""
    if not ws:
        return EMPTY
    data = b" " + b" ".join(ws) + b" " + PAD
    starts, ends = word_spans(data[: -len(PAD)])
    return word_keys(data, starts, ends)


# ------------------------------------------------------------------ where tokenization can be cut

_LETTER = np.zeros(256, dtype=bool)
_LETTER[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[list(b"0123456789")] = True
_ASCII = np.arange(256) < 0x80
_PUNCT = (np.arange(256) >= 0x21) & (np.arange(256) <= 0x7E) & ~_LETTER & ~_DIGIT


def _break_table() -> np.ndarray:
    """BREAK[a * 256 + b]: whether the Llama 3 pre-tokenizer always ends a piece between the
    bytes a and b, whatever comes before and after them (derived in ``BREAK``'s comment)."""
    a, b = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    table = (_LETTER[a] & _ASCII[b] & ~_LETTER[b]) | (_DIGIT[a] & _ASCII[b] & ~_DIGIT[b])
    table |= _PUNCT[a] & ((b == 0x20) | (b == 0x09))
    table |= (a == 0x0A) & (b >= 0x21) & (b <= 0x7E)
    return table.reshape(-1)


# A piece break inside a text: a position p where, for the pre-tokenizer pattern of Llama 3
# (tokenizer.PATTERN_WITH_PIECE_BREAKS), the tokens of the text are the tokens of text[:p]
# followed by those of text[p:]. It holds when the bytes at p - 1 and p are:
# * an ASCII letter, then an ASCII byte that is not a letter: the pre-tokens that hold a letter
#   (a contraction, or letters after at most one other character) end with a letter, and with
#   the last of a run of letters unless a contraction ends there, so one ends at p;
# * an ASCII digit, then an ASCII byte that is not a digit (digits are pre-tokens of their own,
#   one to three at a time);
# * ASCII punctuation, then a space or a tab (a run of punctuation is a pre-token ending before
#   white space, taking only the line breaks after it);
# * a newline, then printable ASCII other than a space (tokenizer.PIECE_BREAK).
# The pattern has no look-behind and its one look-ahead stays within a run of white space, and
# the pre-token that ends at p ends there whether or not the text goes on, so the pre-tokens of
# the whole are those of the two parts, and BPE works inside a pre-token.
# tests/test_contamination_exact.py checks the rule against tiktoken on adversarial and real text.
BREAK = _break_table()


def breaks_at(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Whether each position ``pos`` of the bytes ``data`` (a uint8 array) is a piece break
    (``BREAK``), looking only at the bytes on either side (the start and end of a text are
    breaks too, which the caller decides)."""
    pair = data[pos - 1].astype(np.int64) << 8
    pair |= data[pos]
    return BREAK[pair]
