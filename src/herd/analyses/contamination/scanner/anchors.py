"""Where in the corpus a benchmark n-gram can occur: anchors, found with hashed byte windows,
and each hit checked against the benchmark's bytes.

Every benchmark n-gram spells out a byte string, and wherever a document holds the n-gram it
holds those bytes: a token n-gram its tokens' bytes in the raw text; a word 13-gram its words,
one space between each and one at each end, in the document's *collapsed* text (``hashing.FOLD``
applied, then every run of spaces made one). Each n-gram gets an *anchor*: ``k`` of its bytes
(16, as two 8-byte windows; 7 for n-grams too short for 16 at every shift, or whose 16-byte
windows are all common; the longest they hold for shorter ones), read as a 64-bit *key*,
chosen where a sample of the corpus has the fewest such windows (windows of neighbouring
n-grams tie the same way, so they share anchors: one *group* of n-grams per anchor).

The scan reads each stream once per pass: the key at every ``stride``-th byte is looked up in a
table of 16 to 32 slots per entry (one bit or byte a slot), the few that pass are looked up
exactly (their bucket of entries, by the key's top bits), and an anchor found is *extended*:
the bytes on either side of it, and its own, are compared with the benchmark's around the same
anchor, eight at a time, as far as the group's n-grams reach. The n-grams whose bytes all match
are the hit's; a hit with none is dropped. The cost per byte does not grow with the number of
anchors, but for the table's growing out of the processor's caches. A group is entered at all
``stride`` shifts of its anchor, so one of them lies on a tested byte.

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
COUNT_BITS = 22  # window counts of the corpus sample: at most 2^22 counters (fewer for a small sample)
STRIDE = 4  # anchors are tested at every 4th byte (each entered at 4 shifts)
LONG = 2 * WINDOW  # the longest anchor: two windows, for n-grams that hold 16 bytes at every shift
RAW, COLLAPSED = 0, 1  # the streams: the document's bytes; its folded bytes with runs of spaces made one
# Anchor lengths and strides tried in turn, per stream: word 13-grams are at least 27 bytes,
# so their 16-byte anchors can be tested at every 8th byte
LEVELS = {RAW: ((LONG, STRIDE), (7, 2), (None, 1)), COLLAPSED: ((LONG, 2 * STRIDE), (7, 2), (None, 1))}
COMMON = 32  # a first-level anchor seen this often in the sample (per tested window) may move to the second
BYTE_TABLE_BITS = 22  # a table of at most 2^22 slots (4 MiB) holds a byte a slot: one test fewer
TOKEN, WORD = 0, 1

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_CHUNK = 1 << 16  # tested bytes at a time
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


def keys(data: bytes | memoryview, k: int, stride: int = 1, at: np.ndarray | None = None) -> np.ndarray:
    """The anchor key of the ``k`` bytes at every ``stride``-th byte of ``data`` (ending with
    PAD), or at the bytes ``at``: up to 8 bytes, their value times an odd constant (one to one,
    its top bits mixing them all); 16 bytes, the two windows' values combined (two strings can
    share a key, which the check against the benchmark's bytes sorts out)."""
    w = windows(data)
    if at is None:
        count = max((len(data) - LONG) // stride + 1, 0)
        first, second = w[: count * stride : stride], w[WINDOW : WINDOW + count * stride : stride]
    else:
        first, second = w[at], w[at + WINDOW]
    # (unsigned arithmetic on arrays wraps around silently, as wanted)
    if k > WINDOW:
        out = first * _M1
        out += second * _M2
        return out
    return (first & _mask(k) if k < WINDOW else first) * _M1


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
        """How often each of ``values`` (``keys`` of ``k`` bytes) occurs in the sample's ``stream``
        (raw or collapsed), the counts of a stream and length made once and kept."""
        key = (stream, k)
        if key not in self._counts:
            if stream == RAW:
                data = self.raw
            else:  # the collapsed sample, made once for every window length
                if self._collapsed is None:
                    self._collapsed = collapse(self.raw.translate(FOLD))[0] + PAD
                data = self._collapsed
            slots = keys(data, k)
            slots >>= np.uint64(64 - self.count_bits)
            counts = np.bincount(slots.view(np.int64), minlength=1 << self.count_bits)  # int64 for a moment
            del slots
            np.minimum(counts, 255, out=counts)
            self._counts[key] = counts.astype(np.uint8)
        return self._counts[key][(values >> np.uint64(64 - self.count_bits)).view(np.int64)].astype(np.int64)

    @property
    def count_bits(self) -> int:
        """Counters, as a power of two: about two for each byte of the sample, at most 2^22."""
        return int(min(COUNT_BITS, max(10, (2 * len(self.raw)).bit_length())))


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
    """One reading of a stream, testing the keys of ``k`` bytes at every ``stride``-th byte for
    the anchors entered in it. Group g stands for the n-grams ``lo[g]`` to ``hi[g]`` (numbered as
    in the index), which share the anchor at byte ``anchor[g]`` of the benchmark's stream
    ``data``; it is entered once per shift j < stride, with the key of the bytes at
    ``anchor[g] + j``. ``code[e]`` is entry e's group and shift (g * stride + j); entries are
    ordered by the top bits of their keys (``bucket_bits`` of them: about one entry a bucket),
    so that a look-up reads its bucket's few, and a key is read from ``data`` when it is needed:
    four bytes an entry."""

    stream: int
    k: int
    stride: int
    data: bytes = field(repr=False)
    anchor: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    code: np.ndarray = field(init=False, repr=False)
    table: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        groups = len(self.anchor)
        if groups * self.stride >= 1 << 32:
            raise ValueError("benchmark too large: over 2^32 anchors in one pass")
        # sorted: each entry's key's top 32 bits, then its code (built in place, to keep memory low)
        packed = np.empty(groups * self.stride, dtype=np.uint64)
        for j in range(self.stride):
            part = packed[j * groups : (j + 1) * groups]
            part[:] = keys(self.data, self.k, at=self.anchor.astype(np.int64) + j)
            part >>= np.uint64(32)
            part <<= np.uint64(32)
            part |= np.arange(groups, dtype=np.uint64) * np.uint64(self.stride) + np.uint64(j)
        packed.sort()
        self.code = (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        top = (packed >> np.uint64(32)).astype(np.uint32)  # the keys' top 32 bits, in order
        del packed
        self.bucket_bits = max(1, min(32, len(top).bit_length() - 1))
        self.table_bits = int(min(TABLE_BITS, max(12, self.bucket_bits + 5)))  # 16 to 32 bits an entry
        self.buckets = np.zeros((1 << self.bucket_bits) + 1, dtype=np.int32)
        bucket = top >> np.uint32(32 - self.bucket_bits)
        np.cumsum(np.bincount(bucket, minlength=1 << self.bucket_bits), out=self.buckets[1:])
        del bucket
        if self.table_bits <= BYTE_TABLE_BITS:  # a slot for each value of a key's top table_bits bits, a byte a slot
            self.table = np.zeros(1 << self.table_bits, dtype=np.uint8)
            self.table[top >> np.uint32(32 - self.table_bits)] = 1
        else:  # a bit a slot; entries in order are in order of table word too (a part at a time)
            self.table = np.zeros(1 << (self.table_bits - 6), dtype=np.uint64)
            for a in range(0, len(top), 1 << 20):
                slot = top[a : a + (1 << 20)] >> np.uint32(32 - self.table_bits)
                word, bit = slot >> np.uint32(6), np.left_shift(np.uint64(1), (slot & np.uint32(63)).astype(np.uint64))
                starts = np.flatnonzero(np.concatenate([[True], word[1:] != word[:-1]]))
                self.table[word[starts]] |= np.bitwise_or.reduceat(bit, starts)

    @property
    def entries(self) -> int:
        """The anchors this pass looks for."""
        return len(self.code)

    def group(self, entry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each entry's group and where its key starts in ``data``."""
        code = self.code[entry].astype(np.int64)
        group = code // self.stride
        return group, self.anchor[group].astype(np.int64) + code % self.stride

    def lookup(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The entries whose key is one of ``v``: (i, entry) for each v[i] and entry."""
        if len(self.code) == 0 or len(v) == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        bucket = (v >> np.uint64(64 - self.bucket_bits)).view(np.int64)
        first = self.buckets[bucket].astype(np.int64)
        count = self.buckets[bucket + 1] - first
        which = np.repeat(np.arange(len(v)), count)
        entry = np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        same = keys(self.data, self.k, at=self.group(entry)[1]) == v[which]
        return which[same], entry[same]

    def _passing(self, v: np.ndarray) -> np.ndarray:
        """Which of the keys ``v`` have their slot set in the table (all anchors, and a few others)."""
        table = self.table
        assert table is not None  # made by __post_init__
        slot = v >> np.uint64(64 - self.table_bits)
        if table.dtype == np.uint8:
            return np.flatnonzero(table.take(slot.view(np.int64)))
        bits = table.take((slot >> np.uint64(6)).view(np.int64))
        bits >>= slot & np.uint64(63)
        return np.flatnonzero(bits & np.uint64(1))

    def hits(self, data: bytes, skip: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Where in ``data`` (ending with PAD) an anchor of this pass occurs, and which entry:
        two int64 arrays (a position once per entry of its key), leaving out the entries of the
        groups ``skip`` marks."""
        found_pos, found_key = [], []
        count, view = max((len(data) - LONG) // self.stride + 1, 0), memoryview(data)
        for a in range(0, count, _CHUNK):
            # the keys of this chunk's tested bytes: data[a * stride : ...] read at every stride-th byte
            v = keys(view[a * self.stride : (a + _CHUNK) * self.stride + LONG], self.k, self.stride)
            passed = self._passing(v)
            if passed.size:
                found_pos.append((passed + a) * self.stride)
                found_key.append(v[passed])
        if not found_pos:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        which, entry = self.lookup(np.concatenate(found_key))  # one look-up for all that passed
        if skip is not None:
            keep = ~skip[self.code[entry] // np.uint32(self.stride)]
            which, entry = which[keep], entry[keep]
        return np.concatenate(found_pos)[which], entry


def same_bytes(data: bytes, stream: bytes, at: np.ndarray, anchor: np.ndarray, k: int) -> np.ndarray:
    """Whether the ``k`` bytes (at most 16) at each ``at`` of ``data`` equal those at ``anchor`` of ``stream``."""
    mine, theirs = windows(data), windows(stream)
    first = _mask(min(k, WINDOW))
    same = (mine[at] & first) == (theirs[anchor] & first)
    if k > WINDOW:
        second = _mask(k - WINDOW)
        same &= (mine[at + WINDOW] & second) == (theirs[anchor + WINDOW] & second)
    return same


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


def choose(units: Iterable[Units], counts: WindowCounts, streams: dict[int, bytes] | None = None) -> Anchors:
    """Anchors for every n-gram of ``units``, each where the sample has the fewest of its
    windows: 16 bytes where the n-gram holds them at every shift (tested at every 4th byte);
    an n-gram too short for that takes 8 bytes, tested at every byte; one shorter still, the
    longest window it holds. ``streams``: the whole stream of each (the units are runs of them;
    without it, each stream's units must be one, starting at its byte 0)."""
    entries: dict[tuple[int, int, int], list[dict]] = {}
    passes: list[Pass] = []
    ngrams, stream = 0, None
    streams = dict(streams or {})

    def finish(done: int) -> None:  # a stream's units are all in: free its counts, make its passes
        counts.drop(done)
        for key in sorted(k for k in entries if k[0] == done):
            passes.append(_make_pass(*key, entries.pop(key), streams[done]))

    for u in units:
        if stream is not None and u.stream != stream:
            finish(stream)
        stream = u.stream
        if u.stream not in streams:
            if u.offset:
                raise ValueError("choose: a unit of a stream not given starts past its byte 0")
            streams[u.stream] = u.data
        ngrams += len(u.start)
        _anchor_units(u, counts, entries)
    if stream is not None:
        finish(stream)
    return Anchors(passes, counts.sample_bytes, sum(p.entries for p in passes), ngrams)


def _anchor_units(u: Units, counts: WindowCounts, entries: dict) -> None:
    """Anchor every n-gram of ``u`` at the first level of LEVELS it fits, or at the second where
    the first's anchor is common in the sample (COMMON) and the second's four times rarer (a run of
    spaces or of one character fills every 16-byte window of some n-grams); add their groups to
    ``entries``."""
    left = np.ones(len(u.start), dtype=bool)
    room = u.end - u.start
    (k1, s1), (k2, s2), (_, s3) = LEVELS[u.stream]
    first = _select(u, counts, k1, s1, left)
    where, cost = _unpack(first, s1)
    fits = first >= 0
    common = fits & (cost >= COMMON)
    second = _select(u, counts, k2, s2, (~fits | common) & left)
    at2, cost2 = _unpack(second, s2)
    use2 = (second >= 0) & (~fits | (common & (cost2 * 4 < cost)))
    use1 = fits & ~use2
    for k, stride, use, at in ((k1, s1, use1, where), (k2, s2, use2, at2)):
        if use.any():
            entries.setdefault((u.stream, k, stride), []).append(_entries(u, np.flatnonzero(use), at[use]))
    left &= ~(use1 | use2)
    if left.any():  # shorter than the second level: the longest window each holds, at every byte
        k = int(min(WINDOW, room[left].min()))
        third = _select(u, counts, k, s3, left)
        got = third >= 0
        if (got != left).any():  # cannot happen: the last level fits the shortest n-gram
            raise AssertionError(f"{int((left & ~got).sum())} n-grams got no anchor")
        entries.setdefault((u.stream, k, s3), []).append(_entries(u, np.flatnonzero(got), _unpack(third[got], s3)[0]))


def _select(u: Units, counts: WindowCounts, k: int, stride: int, wanted: np.ndarray) -> np.ndarray:
    """For each wanted n-gram, the start of the ``k + stride - 1`` bytes whose ``stride``
    windows are rarest in the sample (ties go to the same window value, so neighbouring n-grams
    share anchors), packed with their count as ``_keys`` packs them (``_unpack`` reads them);
    -1 where the n-gram is shorter, or not wanted."""
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
        chosen[q] = np.minimum.reduceat(key, np.concatenate([[0], np.cumsum(span)[:-1]]))
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
    chosen[q] = best
    return chosen


def _unpack(chosen: np.ndarray, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """From ``_select``'s result: each anchor's start, and how often the sample holds a tested
    window equal to one of its entries (the sum of its windows' counts over the stride)."""
    return chosen & ((1 << _POS_BITS) - 1), (chosen >> 48) / stride


def _keys(u: Units, counts: WindowCounts, k: int, stride: int, positions: np.ndarray | None) -> np.ndarray:
    """For each start position (all of them, or ``positions``): the sample count of its
    ``stride`` windows together, then a hash of its first window (so equal windows tie the same
    way), then the position, packed in one int64 whose least value wins."""
    w = keys(u.data, k)
    if positions is None:
        cost = counts.get(u.stream, k, w)
        if stride > 1:  # cost[p]: the windows at p .. p + stride - 1 together (a running sum)
            running = np.zeros(len(cost) + stride + 1, dtype=np.int64)
            np.cumsum(cost, out=running[1 : len(cost) + 1])
            running[len(cost) + 1 :] = running[len(cost)]
            cost = running[stride : stride + len(cost)] - running[: len(cost)]
        positions = np.arange(len(w), dtype=np.int64)
        first = w
    else:
        first = w[positions]
        cost = np.sum([counts.get(u.stream, k, w[positions + j]) for j in range(stride)], axis=0)
    tie = (first >> np.uint64(64 - 48 + _POS_BITS)).astype(np.int64)
    return (np.minimum(cost, _COST_CAP) << 48) | (tie << _POS_BITS) | positions


def _entries(u: Units, which: np.ndarray, at: np.ndarray) -> dict:
    """The groups of the n-grams ``which`` anchored at bytes ``at``: consecutive n-grams of one
    example with the same anchor form one group (its anchor placed in the whole stream)."""
    new_group = np.ones(len(which), dtype=bool)
    new_group[1:] = (
        (at[1:] != at[:-1]) | (u.example[which[1:]] != u.example[which[:-1]]) | (which[1:] != which[:-1] + 1)
    )
    g_first = np.flatnonzero(new_group)
    g_last = np.concatenate([g_first[1:], [len(which)]]) - 1
    ngram = u.ngram if u.ngram is not None else np.arange(len(u.start))
    return {
        "anchor": (at[g_first] + u.offset).astype(np.int32),
        "lo": ngram[which[g_first]].astype(np.int32),
        "hi": ngram[which[g_last]].astype(np.int32),
    }


def _make_pass(stream: int, k: int, stride: int, parts: list[dict], data: bytes) -> Pass:
    """The pass of all groups of one stream, key length and stride."""
    cols = {c: np.concatenate([p.pop(c) for p in parts]) for c in ("anchor", "lo", "hi")}
    return Pass(stream, k, stride, data, cols["anchor"], cols["lo"], cols["hi"])
