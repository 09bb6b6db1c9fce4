"""Where in the corpus a benchmark n-gram can occur: anchors, found with hashed byte windows.

Every benchmark n-gram spells out a byte string, and wherever a document holds the n-gram it
holds those bytes: a token n-gram its tokens' bytes in the raw text; a word 13-gram its words,
one space between each and one at each end, in the document's *collapsed* text (``hashing.FOLD``
applied, then every run of spaces made one). Each n-gram gets an *anchor*: ``k`` ≤ 8 of its
bytes, read as one 64-bit integer, chosen where a sample of the corpus has the fewest such
windows (windows of neighbouring n-grams tie the same way, so they share anchors), and a
*check*: the first and the last 8 bytes of what the n-grams sharing the anchor have in
common.

The scan reads each stream once per pass: the window at every ``stride``-th byte is hashed
into a byte table (at most 4 MiB), the few that hit are looked up exactly (an open-addressing
hash table), and an anchor found must also show its check bytes at their offsets. The cost per byte does not
grow with the number of anchors. An anchor is entered at all ``stride`` shifts of its
position, so one of them lies on a tested byte.

Nothing here decides a match. A confirmed hit is widened by the most bytes an n-gram holding
it can reach before and after, and the scan tokenizes (or splits into words) only there.
Exactness: every occurrence of a benchmark n-gram in a document holds its anchor and check
bytes at fixed offsets, so it lies inside a widened hit; tests/test_contamination_exact.py
proves the scan equals tokenizing every document whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .hashing import FOLD

WINDOW = 8  # bytes in one window (one uint64)
TABLE_BITS = 22  # the first table, at most: one byte per slot, 4 MiB (smaller ones a sixteenth full or less)
COUNT_BITS = 22  # window counts of the corpus sample
STRIDE = 4  # anchors are tested at every 4th byte (each entered at 4 shifts)
RAW, COLLAPSED = 0, 1  # the streams: the document's bytes; its folded bytes with runs of spaces made one
TOKEN, WORD = 0, 1
PAD = b" " * WINDOW  # after a buffer, so a window can be read at each of its bytes

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M3 = np.uint64(0x165667B19E3779F9)
_CHUNK = 1 << 16
_COST_CAP = (1 << 15) - 1
_POS_BITS = 26
_NONE = np.iinfo(np.int64).max
_CHECK_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(WINDOW + 1)], dtype=np.uint64)


def windows(data: bytes, stride: int = 1) -> np.ndarray:
    """The 8-byte windows of ``data`` (which ends with ``PAD``) at every ``stride``-th byte,
    as little-endian uint64 (byte i of a window is bits 8i..8i+7): a view, not a copy."""
    count = (len(data) - WINDOW) // stride + 1
    return np.ndarray((max(count, 0),), dtype="<u8", buffer=data, offset=0, strides=(stride,))


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


# ------------------------------------------------------------------ choosing anchors


@dataclass
class Units:
    """The n-grams of one rule, laid out for choosing anchors: ``data`` holds the examples end
    to end in the rule's stream (ending with PAD), and n-gram i is bytes ``start[i]:end[i]``,
    of example ``example[i]``."""

    rule: int
    stream: int
    data: bytes
    start: np.ndarray
    end: np.ndarray
    example: np.ndarray


@dataclass
class Pass:
    """One reading of a stream, testing windows of ``k`` bytes at every ``stride``-th byte
    for the anchors entered in it (sorted by value; value i's entries are
    ``first[i]:first[i + 1]``)."""

    stream: int
    k: int
    stride: int
    values: np.ndarray
    first: np.ndarray
    rule: np.ndarray  # per entry: TOKEN or WORD
    delta: np.ndarray  # the check: the check_len bytes at hit + delta equal check
    check: np.ndarray
    check_len: np.ndarray
    before: np.ndarray  # bytes an n-gram holding the anchor can start before the hit
    after: np.ndarray  # ... and end after the anchor's end
    delta2: np.ndarray | None = None  # a second check, like the first (none: no second check)
    check2: np.ndarray | None = None
    check2_len: np.ndarray | None = None
    table: np.ndarray | None = field(repr=False, default=None)

    def __post_init__(self):
        if self.table is None:
            size = max(int(len(self.values)), 1).bit_length()
            self.table_bits = min(TABLE_BITS, max(16, size + 4))
            self.table = np.zeros(1 << self.table_bits, dtype=np.uint8)
            self.table[_hash(self.values, _M1, self.table_bits)] = 1
        self._index()

    def _index(self) -> None:
        """An open-addressing hash table from value to its position in ``values`` (a few
        gathers per lookup, where a binary search takes twenty)."""
        bits = max(4, (2 * max(len(self.values), 1) - 1).bit_length())
        self.slot_bits = bits
        self.slot_index = np.full(1 << bits, -1, dtype=np.int32)
        mask = (1 << bits) - 1
        todo = np.arange(len(self.values), dtype=np.int64)
        slot = _hash(self.values, _M3, bits).astype(np.int64)
        while todo.size:
            free = self.slot_index[slot] < 0
            # of the keys aiming at one free slot, the first takes it; the rest probe on
            take, first = np.unique(slot[free], return_index=True)
            placed = np.flatnonzero(free)[first]
            self.slot_index[take] = todo[placed]
            keep = np.ones(todo.size, dtype=bool)
            keep[placed] = False
            todo, slot = todo[keep], (slot[keep] + 1) & mask

    def lookup(self, v: np.ndarray) -> np.ndarray:
        """The position of each value in ``values``, or -1."""
        out = np.full(len(v), -1, dtype=np.int64)
        mask = (1 << self.slot_bits) - 1
        active = np.arange(len(v))
        slot = _hash(v, _M3, self.slot_bits).astype(np.int64)
        while active.size:
            index = self.slot_index[slot]
            hit = (index >= 0) & (self.values[np.maximum(index, 0)] == v[active])
            out[active[hit]] = index[hit]
            go_on = (index >= 0) & ~hit  # an occupied slot holding another value: probe the next
            active, slot = active[go_on], (slot[go_on] + 1) & mask
        return out

    @property
    def entries(self) -> int:
        """The anchors this pass looks for."""
        return len(self.rule)

    def hits(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Where in ``data`` (ending with PAD) an anchor of this pass occurs with its check,
        and which entry: two int64 arrays."""
        tested = windows(data, self.stride)
        table = self.table
        assert table is not None  # made by __post_init__
        mask = _mask(self.k)
        found_pos, found_value = [], []
        for a in range(0, len(tested), _CHUNK):
            v = tested[a : a + _CHUNK]
            if self.k < WINDOW:
                v = v & mask
            candidates = np.flatnonzero(table.take(_hash(v, _M1, self.table_bits)))
            if candidates.size == 0:
                continue
            v = v[candidates]
            at = self.lookup(v)
            equal = at >= 0
            found_pos.append((candidates[equal] + a) * self.stride)
            found_value.append(at[equal])
        if not found_pos:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        pos, value = np.concatenate(found_pos).astype(np.int64), np.concatenate(found_value)
        counts = self.first[value + 1] - self.first[value]
        hit = np.repeat(np.arange(len(pos)), counts)
        entry = np.repeat(self.first[value] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(
            int(counts.sum())
        )
        full = windows(data)
        good = self._checked(full, pos[hit], entry, self.delta, self.check, self.check_len)
        if self.delta2 is not None:
            good[good] = self._checked(full, pos[hit[good]], entry[good], self.delta2, self.check2, self.check2_len)
        return pos[hit[good]], entry[good]

    @staticmethod
    def _checked(full: np.ndarray, pos: np.ndarray, entry: np.ndarray, delta, check, length) -> np.ndarray:
        at = pos + delta[entry].astype(np.int64)
        inside = (at >= 0) & (at < len(full))
        good = np.zeros(len(at), dtype=bool)
        good[inside] = (full[at[inside]] & _CHECK_MASKS[length[entry[inside]]]) == check[entry[inside]]
        return good


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
    one example with the same anchor form one group, entered once per stride shift, with a
    check at the far end of the bytes the whole group shares."""
    new_group = np.ones(len(which), dtype=bool)
    new_group[1:] = (
        (at[1:] != at[:-1]) | (u.example[which[1:]] != u.example[which[:-1]]) | (which[1:] != which[:-1] + 1)
    )
    g_first = np.flatnonzero(new_group)
    g_last = np.concatenate([g_first[1:], [len(which)]]) - 1
    first, last, p = which[g_first], which[g_last], at[g_first]
    full = windows(u.data)
    shared_lo, shared_hi = u.start[last], u.end[first]  # every n-gram of the group holds these bytes
    # two checks: the first and the last 8 of those bytes (fewer if there are fewer)
    left = shared_lo
    right = np.maximum(shared_hi - WINDOW, shared_lo)
    left_len = np.minimum(WINDOW, shared_hi - left).astype(np.uint8)
    right_len = np.minimum(WINDOW, shared_hi - right).astype(np.uint8)
    check = full[left] & _CHECK_MASKS[left_len]
    check2 = full[right] & _CHECK_MASKS[right_len]
    out: dict[str, list] = {name: [] for name in ("value", "delta", "delta2", "before", "after")}
    for j in range(stride):
        out["value"].append(full[p + j] & _mask(k))
        out["delta"].append(left - (p + j))
        out["delta2"].append(right - (p + j))
        out["before"].append(p + j - u.start[first])
        out["after"].append(u.end[last] - (p + j + k))
    cols = {name: np.concatenate(v) for name, v in out.items()}
    small = max((int(np.abs(c).max()) for name, c in cols.items() if name != "value" and c.size), default=0) < 1 << 15
    cols = {
        name: c.astype(np.uint64 if name == "value" else np.int16 if small else np.int32) for name, c in cols.items()
    }
    cols["check"] = np.tile(check, stride)
    cols["check_len"] = np.tile(left_len, stride)
    cols["check2"] = np.tile(check2, stride)
    cols["check2_len"] = np.tile(right_len, stride)
    cols["rule"] = np.full(len(cols["value"]), u.rule, dtype=np.int8)
    return cols


def _make_pass(stream: int, k: int, stride: int, parts: list[dict]) -> Pass:
    """The pass of all entries of one stream, window length and stride: sorted by value, an
    entry equal to another in every column but the reach merged into it with the wider reach.
    Columns are gathered and reordered one at a time, to keep memory low."""
    names = list(parts[0])
    cols = {}
    for c in names:  # one width for the reach and offsets: the widest any chunk needed
        cols[c] = (
            np.concatenate([p[c] for p in parts])
            if c in ("value", "check", "check2", "check_len", "check2_len", "rule")
            else np.concatenate([p[c].astype(np.int32) for p in parts])
            if len({p[c].dtype for p in parts}) > 1
            else np.concatenate([p[c] for p in parts])
        )
        for p in parts:
            del p[c]
    order = np.argsort(cols["value"])
    for c in names:
        cols[c] = cols[c][order]
    del order
    value = cols["value"]
    run = np.concatenate([[False], value[1:] == value[:-1]])
    shared = run | np.concatenate([run[1:], [False]])  # rows whose value is not alone: order them by the rest too
    if shared.any():
        rows = np.flatnonzero(shared)
        with np.errstate(over="ignore"):
            rest = (
                (cols["check"][rows] * _M1)
                ^ (cols["delta"][rows].astype(np.uint64) * _M2)
                ^ (cols["check2"][rows] * _M3)
                ^ (cols["delta2"][rows].astype(np.uint64) << np.uint64(40))
                ^ (cols["check_len"][rows].astype(np.uint64) << np.uint64(56))
                ^ cols["rule"][rows].astype(np.uint64)
            )
        sub = rows[np.lexsort((rest, value[rows]))]
        for c in names:
            cols[c][rows] = cols[c][sub]
    key_cols = ("value", "rule", "delta", "check", "check_len", "delta2", "check2", "check2_len")
    same = np.ones(max(len(value) - 1, 0), dtype=bool)
    for c in key_cols:
        same &= cols[c][1:] == cols[c][:-1]
    starts = np.flatnonzero(np.concatenate([[True], ~same])) if len(value) else np.empty(0, np.int64)
    del same, run, shared
    merged = {}
    for c in names:
        if c in ("before", "after"):
            merged[c] = np.maximum.reduceat(cols[c], starts) if len(starts) else cols[c]
        else:
            merged[c] = cols[c][starts]
        del cols[c]
    value = merged["value"]
    first = np.flatnonzero(np.concatenate([[True], value[1:] != value[:-1]])) if len(value) else np.empty(0, np.int64)
    values = value[first]
    first = np.concatenate([first, [len(value)]]).astype(np.int64)
    return Pass(
        stream,
        k,
        stride,
        values,
        first,
        merged["rule"],
        merged["delta"],
        merged["check"],
        merged["check_len"],
        merged["before"],
        merged["after"],
        merged["delta2"],
        merged["check2"],
        merged["check2_len"],
    )
