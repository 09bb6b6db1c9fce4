"""Where in the corpus a benchmark n-gram can occur: anchors, found with hashed byte windows,
and each hit checked against the benchmark's bytes.

Every benchmark n-gram spells out a byte string, and wherever a document holds the n-gram it
holds those bytes: a token n-gram its tokens' bytes in the raw text; a word 13-gram its words,
one space between each and one at each end, in the document's *collapsed* text (``hashing.FOLD``
applied, then every run of spaces made one). Each n-gram gets an *anchor*: ``k`` ≤ 8 of its
bytes, read as one 64-bit integer, chosen where a sample of the corpus has the fewest such
windows (windows of neighbouring n-grams tie the same way, so they share anchors).

The scan reads each stream once per pass: the window at every ``stride``-th byte is hashed
into a bit table (about 32 bits per anchor), the few that pass are looked up exactly, and an
anchor found is *extended*: the bytes on either side of it are compared with the benchmark's
around the same anchor, eight at a time, as far as the n-grams sharing the anchor reach. The
n-grams whose bytes all match are the hit's; a hit with none is dropped. The cost per byte does
not grow with the number of anchors. An anchor is entered at all ``stride`` shifts of its
position, so one of them lies on a tested byte.

Exactness: every occurrence of a benchmark n-gram in a document holds its anchor at a fixed
offset and matches the benchmark's bytes over its whole length, so the extension finds it;
tests/test_contamination_exact.py proves the scan equals tokenizing every document whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .hashing import FOLD, PAD, WINDOW, windows

TABLE_BITS = 30  # the bit table, at most (128 MiB); about 32 bits per anchor value below that
COUNT_BITS = 22  # window counts of the corpus sample
STRIDE = 4  # anchors are tested at every 4th byte (each entered at 4 shifts)
RAW, COLLAPSED = 0, 1  # the streams: the document's bytes; its folded bytes with runs of spaces made one
TOKEN, WORD = 0, 1

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M3 = np.uint64(0x165667B19E3779F9)
_CHUNK = 1 << 16
_COST_CAP = (1 << 15) - 1
_POS_BITS = 26
_CHECK_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(WINDOW + 1)], dtype=np.uint64)


def collapse(folded: bytes) -> tuple[bytes, np.ndarray]:
    """Folded bytes with every run of spaces made one space, and ``kept``: for each input
    byte, whether it is in the output (so output offsets are counts of kept bytes)."""
    a = np.frombuffer(folded, dtype=np.uint8)
    blank = a == 0x20
    kept = np.empty(len(a), dtype=bool)
    if len(a):
        kept[0] = True
        np.logical_not(blank[1:] & blank[:-1], out=kept[1:])
    return a[kept].tobytes(), kept


def _mask(k: int) -> np.uint64:
    return _CHECK_MASKS[k]


def _hash(values: np.ndarray, multiplier: np.uint64, bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (values * multiplier) >> np.uint64(64 - bits)


# ------------------------------------------------------------------ the corpus sample


@dataclass
class WindowCounts:
    """How often each window occurs in a sample of the corpus (hashed into 2^22 counters, so a
    count is an upper bound), per stream and window length."""

    raw: bytes = b""
    _counts: dict = field(default_factory=dict)
    _collapsed: bytes | None = None

    @classmethod
    def of(cls, chunks: list[bytes]) -> WindowCounts:
        """The counts of a corpus sample given as pieces (joined by newlines)."""
        return cls(b"\n".join(chunks) + PAD)

    @property
    def sample_bytes(self) -> int:
        """Bytes of corpus text the counts are taken from."""
        return max(len(self.raw) - len(PAD), 0)

    def drop(self, stream: int) -> None:
        """Forget the counts of one stream (its anchors are chosen)."""
        for key in [key for key in self._counts if key[0] == stream]:
            del self._counts[key]
        if stream == COLLAPSED:
            self._collapsed = None

    def get(self, stream: int, k: int, values: np.ndarray) -> np.ndarray:
        """How often each of ``values`` (windows of ``k`` bytes) occurs in the sample's ``stream``
        (raw or collapsed), the counts of a stream and length made once and kept."""
        key = (stream, k)
        if key not in self._counts:
            if stream == RAW:
                data = self.raw
            else:  # the collapsed sample, made once for every window length
                if self._collapsed is None:
                    self._collapsed = collapse(self.raw.translate(FOLD))[0] + PAD
                data = self._collapsed
            w = windows(data)
            hashes = np.empty(len(w), dtype=np.uint64)  # _hash(w & mask), computed in place
            np.bitwise_and(w, _mask(k), out=hashes)
            with np.errstate(over="ignore"):
                np.multiply(hashes, _M3, out=hashes)
            np.right_shift(hashes, np.uint64(64 - COUNT_BITS), out=hashes)
            counts = np.bincount(
                hashes.view(np.int64), minlength=1 << COUNT_BITS
            )  # one pass; int64 for a moment (32 MiB)
            del hashes
            np.minimum(counts, _COST_CAP, out=counts)
            self._counts[key] = counts.astype(np.uint16)
        return self._counts[key][_hash(values & _mask(k), _M3, COUNT_BITS)].astype(np.int64)


@dataclass
class Units:
    """The n-grams of one rule, laid out for choosing anchors: ``data`` holds a run of the
    rule's stream (ending with PAD) that begins at byte ``offset`` of the whole stream, and
    n-gram i is bytes ``start[i]:end[i]`` of ``data``, of example ``example[i]``; ``ngram[i]`` is
    its number in the index (the token or word where it starts; by default i)."""

    rule: int
    stream: int
    data: bytes
    start: np.ndarray
    end: np.ndarray
    example: np.ndarray
    ngram: np.ndarray | None = None
    offset: int = 0


@dataclass
class Pass:
    """One reading of a stream, testing windows of ``k`` bytes at every ``stride``-th byte
    for the anchors entered in it: ``values`` sorted and distinct, value i's entries
    ``first[i]:first[i + 1]``. Entry e stands for the n-grams ``lo[e]`` to ``hi[e]`` (numbered
    as in the index), which share the anchor at byte ``anchor[e]`` of the benchmark's stream."""

    stream: int
    k: int
    stride: int
    values: np.ndarray
    first: np.ndarray
    anchor: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    table: np.ndarray | None = field(repr=False, default=None)

    def __post_init__(self):
        if self.table is None:
            self.table_bits = int(min(TABLE_BITS, max(12, int(max(len(self.values), 1) * 32 - 1).bit_length())))
            self.table = np.zeros(1 << (self.table_bits - 6), dtype=np.uint64)
            if len(self.values):
                slot = _hash(self.values, _M1, self.table_bits)
                word = slot >> np.uint64(6)
                order = np.argsort(word, kind="stable")
                word, bit = word[order], np.left_shift(np.uint64(1), slot[order] & np.uint64(63))
                starts = np.flatnonzero(np.concatenate([[True], word[1:] != word[:-1]]))
                self.table[word[starts]] = np.bitwise_or.reduceat(bit, starts)
        else:
            self.table_bits = (len(self.table) * 64).bit_length() - 1

    @property
    def entries(self) -> int:
        """The anchors this pass looks for."""
        return len(self.anchor)

    def lookup(self, v: np.ndarray) -> np.ndarray:
        """The position of each value in ``values``, or -1."""
        if len(self.values) == 0:
            return np.full(len(v), -1, dtype=np.int64)
        at = np.searchsorted(self.values, v)
        at[at == len(self.values)] = 0
        return np.where(self.values[at] == v, at, -1)

    def candidates(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Where in ``data`` (ending with PAD) an anchor value of this pass occurs, and which
        value: two int64 arrays."""
        tested = windows(data, self.stride)
        table = self.table
        assert table is not None  # made by __post_init__
        mask, shift = _mask(self.k), np.uint64(64 - self.table_bits)
        found_pos, found_value = [], []
        for a in range(0, len(tested), _CHUNK):
            v = tested[a : a + _CHUNK]
            if self.k < WINDOW:
                v = v & mask
            with np.errstate(over="ignore"):
                slot = (v * _M1) >> shift
            bits = table.take((slot >> np.uint64(6)).astype(np.int64))
            bits >>= slot & np.uint64(63)
            candidates = np.flatnonzero(bits & np.uint64(1))
            if candidates.size == 0:
                continue
            at = self.lookup(v[candidates])
            equal = at >= 0
            found_pos.append((candidates[equal] + a) * self.stride)
            found_value.append(at[equal])
        if not found_pos:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(found_pos).astype(np.int64), np.concatenate(found_value)

    def hits(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Where in ``data`` (ending with PAD) an anchor of this pass occurs, and which entry:
        two int64 arrays (a position once per entry of its value)."""
        pos, value = self.candidates(data)
        counts = self.first[value + 1] - self.first[value]
        hit = np.repeat(np.arange(len(pos)), counts)
        entry = np.repeat(self.first[value] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        return pos[hit], entry


def extend(data: bytes, stream: bytes, at: np.ndarray, anchor: np.ndarray, limit: np.ndarray, forward: bool):
    """How many bytes ``data`` and ``stream`` (each with at least PAD before and after what is
    compared) have in common going forward from ``at`` and ``anchor`` (or backward, ending just
    before them), at most ``limit``: eight bytes at a time, for every pair at once."""
    mine, theirs = windows(data), windows(stream)
    matched = np.zeros(len(at), dtype=np.int64)
    active = np.flatnonzero(limit > 0)
    step = 0
    while active.size:
        if forward:
            x = mine[at[active] + step] ^ theirs[anchor[active] + step]
        else:  # the window ending just before the last one compared, its bytes reversed
            x = (mine[at[active] - step - WINDOW] ^ theirs[anchor[active] - step - WINDOW]).byteswap()
        lowest = x & (~x + np.uint64(1))  # the lowest differing bit (0 where all eight bytes agree)
        same = np.where(x == 0, WINDOW, (np.frexp(lowest.astype(np.float64))[1] - 1) // 8)
        matched[active] += same
        active = active[(same == WINDOW) & (matched[active] < limit[active])]
        step += WINDOW
    return np.minimum(matched, limit)


# ------------------------------------------------------------------ choosing anchors


@dataclass
class Anchors:
    """The passes a scan makes for one benchmark."""

    passes: list[Pass]
    sample_bytes: int
    n_anchors: int
    ngrams: int

    @property
    def streams(self) -> set[int]:
        """The streams (raw, collapsed) any pass reads."""
        return {p.stream for p in self.passes}


def choose(units: Iterable[Units], counts: WindowCounts) -> Anchors:
    """Anchors for every n-gram of ``units``, each where the sample has the fewest of its
    windows. An n-gram too short for 8-byte windows at every shift takes 5-byte ones; one
    shorter still, the longest window it holds, tested at every byte."""
    entries: dict[tuple[int, int, int], list[dict]] = {}
    passes: list[Pass] = []
    ngrams, stream = 0, None

    def finish(done: int) -> None:  # a stream's units are all in: free its counts, make its passes
        counts.drop(done)
        for key in sorted(k for k in entries if k[0] == done):
            passes.append(_make_pass(*key, entries.pop(key)))

    for u in units:
        if stream is not None and u.stream != stream:
            finish(stream)
        stream = u.stream
        ngrams += len(u.start)
        left = np.ones(len(u.start), dtype=bool)
        room = u.end - u.start
        for k, stride in ((WINDOW, STRIDE), (5, STRIDE), (None, 1)):
            if not left.any():
                break
            k = k or int(min(WINDOW, room[left].min()))
            chosen = _select(u, counts, k, stride, left)
            got = chosen >= 0
            if got.any():
                entries.setdefault((u.stream, k, stride), []).append(
                    _entries(u, np.flatnonzero(got), chosen[got], k, stride)
                )
            left &= ~got
        if left.any():  # cannot happen: the last level fits the shortest n-gram
            raise AssertionError(f"{int(left.sum())} n-grams got no anchor")
    if stream is not None:
        finish(stream)
    return Anchors(passes, counts.sample_bytes, sum(p.entries for p in passes), ngrams)


def _select(u: Units, counts: WindowCounts, k: int, stride: int, wanted: np.ndarray) -> np.ndarray:
    """For each wanted n-gram, the start of the ``k + stride - 1`` bytes whose ``stride``
    windows are rarest in the sample (ties go to the same window value, so neighbouring n-grams
    share anchors); -1 where the n-gram is shorter, or not wanted."""
    reach = k + stride - 1
    lo, hi = u.start, u.end - reach
    ok = wanted & (hi >= lo)
    chosen = np.full(len(lo), -1, dtype=np.int64)
    if not ok.any():
        return chosen
    q = np.flatnonzero(ok)
    if len(u.data) >= 1 << _POS_BITS:
        raise ValueError("benchmark too large for one anchor table (over 64 MB of text)")
    span = hi[q] - lo[q] + 1
    if span.sum() <= len(u.data):  # few n-grams: look at their own positions only
        positions = np.repeat(lo[q] - np.concatenate([[0], np.cumsum(span)[:-1]]), span) + np.arange(int(span.sum()))
        key = _keys(u, counts, k, stride, positions)
        chosen[q] = np.minimum.reduceat(key, np.concatenate([[0], np.cumsum(span)[:-1]])) & ((1 << _POS_BITS) - 1)
        return chosen
    key = _keys(u, counts, k, stride, None)
    best = np.empty(len(q), dtype=np.int64)
    level = np.floor(np.log2(span)).astype(np.int64)
    running = key  # running[p]: the least key of p .. p + 2^j - 1, level by level (a sparse table)
    for j in range(int(level.max()) + 1):
        if j:
            step = 1 << (j - 1)
            running = np.minimum(running[:-step], running[step:])
        at = np.flatnonzero(level == j)
        if at.size:
            best[at] = np.minimum(running[lo[q[at]]], running[hi[q[at]] - (1 << j) + 1])
    chosen[q] = best & ((1 << _POS_BITS) - 1)
    return chosen


def _keys(u: Units, counts: WindowCounts, k: int, stride: int, positions: np.ndarray | None) -> np.ndarray:
    """For each start position (all of them, or ``positions``): the sample count of its
    ``stride`` windows together, then a hash of its first window (so equal windows tie the same
    way), then the position, packed in one int64 whose least value wins."""
    w = windows(u.data) & _mask(k)
    if positions is None:
        cost = counts.get(u.stream, k, w)
        if stride > 1:  # cost[p]: the windows at p .. p + stride - 1 together
            cost = np.convolve(cost, np.ones(stride, dtype=np.int64))[stride - 1 : stride - 1 + len(w)]
        positions = np.arange(len(w), dtype=np.int64)
        first = w
    else:
        first = w[positions]
        cost = np.sum([counts.get(u.stream, k, w[positions + j]) for j in range(stride)], axis=0)
    tie = _hash(first, _M1, 48 - _POS_BITS).astype(np.int64)
    return (np.minimum(cost, _COST_CAP) << 48) | (tie << _POS_BITS) | positions


def _entries(u: Units, which: np.ndarray, at: np.ndarray, k: int, stride: int) -> dict:
    """Table entries for the n-grams ``which`` anchored at bytes ``at``: consecutive n-grams of
    one example with the same anchor form one group, entered once per stride shift."""
    new_group = np.ones(len(which), dtype=bool)
    new_group[1:] = (
        (at[1:] != at[:-1]) | (u.example[which[1:]] != u.example[which[:-1]]) | (which[1:] != which[:-1] + 1)
    )
    g_first = np.flatnonzero(new_group)
    g_last = np.concatenate([g_first[1:], [len(which)]]) - 1
    ngram = u.ngram if u.ngram is not None else np.arange(len(u.start))
    lo, hi, p = ngram[which[g_first]], ngram[which[g_last]], at[g_first]
    full = windows(u.data)
    return {
        "value": np.concatenate([full[p + j] & _mask(k) for j in range(stride)]),
        "anchor": np.concatenate([p + j + u.offset for j in range(stride)]).astype(np.int64),
        "lo": np.tile(lo, stride).astype(np.int64),
        "hi": np.tile(hi, stride).astype(np.int64),
    }


def _make_pass(stream: int, k: int, stride: int, parts: list[dict]) -> Pass:
    """The pass of all entries of one stream, window length and stride, sorted by value.
    Columns are gathered and reordered one at a time, to keep memory low."""
    value = np.concatenate([p.pop("value") for p in parts])
    order = np.argsort(value, kind="stable")
    value = value[order]
    cols = {}
    for c in ("anchor", "lo", "hi"):
        col = np.concatenate([p.pop(c) for p in parts])
        cols[c] = col[order].astype(np.int32 if col.size == 0 or int(col.max()) < 1 << 31 else np.int64)
    del order
    first = np.flatnonzero(np.concatenate([[True], value[1:] != value[:-1]])) if len(value) else np.empty(0, np.int64)
    values = value[first]
    first = np.concatenate([first, [len(value)]]).astype(np.int64)
    return Pass(stream, k, stride, values, first, cols["anchor"], cols["lo"], cols["hi"])
