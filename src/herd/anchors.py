"""Where in a text the n-grams of a benchmark can occur: anchors found by Aho-Corasick.

An n-gram of units (tokens, or words) spells out a byte string: the units' bytes joined by
a separator (nothing between tokens; one space between normalised words, with a space at
each end). Wherever a text holds the n-gram, it holds those bytes. Searching the text for
the bytes of every n-gram would find every candidate place, but the search is faster with
fewer, shorter patterns, so each n-gram is represented by one *anchor*: the ``m`` units
starting at a position of its example that is a multiple of ``n - m + 1``. Every n-gram
covers ``n - m + 1`` consecutive start positions, so it holds exactly one anchor.

A hit on an anchor is widened by the most bytes an n-gram holding it can have before and
after it (the anchor's *reach*), then snapped outward to positions where the text can be
cut without changing its units (piece breaks for tokens, spaces for words). The resulting
spans contain every occurrence of every benchmark n-gram, and units counted inside a span
are the units of the whole text there. The search is ahocorasick-rs (Rust, overlapping
matches).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

# A DFA searches fastest but takes a few hundred bytes of memory per pattern byte; above this
# many pattern bytes the library's default (a compact NFA) is used instead.
DFA_MAX_PATTERN_BYTES = 250_000

Snap = Callable[..., int]  # (data, pos) -> pos; the snap before also takes a floor it need not search below


@dataclass
class AnchorSearch:
    """Anchors of one benchmark's n-grams, with their reach, and the compiled search."""

    patterns: list[bytes]
    before: np.ndarray
    after: np.ndarray
    n: int
    m: int

    def __post_init__(self):
        import ahocorasick_rs

        small = sum(map(len, self.patterns)) <= DFA_MAX_PATTERN_BYTES
        implementation = ahocorasick_rs.Implementation.DFA if small else None
        self._search = ahocorasick_rs.BytesAhoCorasick(self.patterns, implementation=implementation)

    @classmethod
    def build(cls, examples: Iterable[list[bytes]], n: int, m: int, sep: bytes = b"", edge: bytes = b"") -> "AnchorSearch | None":
        """Anchors of every n-gram in ``examples`` (each a list of units' bytes). An n-gram's
        bytes are ``edge + sep.join(units) + edge``. None when no example has n units."""
        m = min(m, n)
        step, extra = n - m + 1, n - m
        reach: dict[bytes, list[int]] = {}
        for units in examples:
            if len(units) < n:
                continue
            ends = np.concatenate([[0], np.cumsum([len(u) + len(sep) for u in units])])
            for j in range(0, len(units) - m + 1, step):
                before = int(ends[j] - ends[max(0, j - extra)])
                after = int(ends[min(len(units), j + m + extra)] - ends[j + m])
                r = reach.setdefault(edge + sep.join(units[j:j + m]) + edge, [0, 0])
                r[0], r[1] = max(r[0], before), max(r[1], after)
        if not reach:
            return None
        patterns = sorted(reach)
        return cls(patterns, np.array([reach[p][0] for p in patterns], dtype=np.int64),
                   np.array([reach[p][1] for p in patterns], dtype=np.int64), n, m)

    def spans(self, data: bytes, snap_before: Snap, snap_after: Snap) -> list[tuple[int, int]]:
        """The merged byte spans of ``data`` that can hold an n-gram of the benchmark."""
        hits = self._search.find_matches_as_indexes(data, overlapping=True)
        if not hits:
            return []
        before, after = self.before, self.after
        reached = _merge(sorted((max(0, s - int(before[k])), min(len(data), e + int(after[k]))) for k, s, e in hits))
        out: list[list[int]] = []
        for a, b in reached:  # snapping never searches text already covered, so many hits on one long line stay cheap
            end = out[-1][1] if out else 0
            if out and b <= end:
                continue
            if out and a <= end:
                out[-1][1] = snap_after(data, b)
                continue
            start = snap_before(data, a, end)
            if out and start <= end:
                out[-1][1] = snap_after(data, b)
            else:
                out.append([start, snap_after(data, b)])
        return [(a, b) for a, b in out]

    def __getstate__(self):  # the compiled search is rebuilt where the object is unpickled
        return {k: v for k, v in self.__dict__.items() if k != "_search"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans merged where they overlap or touch."""
    out: list[list[int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def space_before(data: bytes, pos: int, floor: int = 0) -> int:
    """The last space at or before ``pos`` (normalised word text starts with one); ``floor``
    if there is none at or above it."""
    return max(data.rfind(b" ", floor, pos + 1), floor)


def space_after(data: bytes, pos: int) -> int:
    """Just past the first space at or after ``pos - 1`` (normalised word text ends with one)."""
    i = data.find(b" ", max(pos - 1, 0))
    return len(data) if i < 0 else i + 1
