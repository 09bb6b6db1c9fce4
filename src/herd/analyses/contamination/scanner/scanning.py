"""Scanning: the benchmark n-grams found in the corpus, by one of two exact plans.

* **full**: tokenize every document whole and split it into words (what the paper's method
  does by definition).
* **anchored**: find the benchmark's anchors in the corpus bytes (``anchors``) and check each
  hit against the benchmark's bytes around it. The n-grams whose bytes all match are found
  outright where the matched text starts and ends at piece breaks (``hashing.BREAK``) in the
  document as in the example, so the tokens there are the example's; otherwise only the text
  around them is tokenized, cut at the piece breaks nearest to it, so those tokens are the
  tokens of the whole document there. A word 13-gram whose bytes match is found outright.

Both give the same n-grams (the tests prove it against a brute-force reference). Which is
cheaper depends on how often the anchors occur, so ``plan`` measures both on a sample of the
corpus and picks one; the choice is reported. Documents are handled in batches of about a
megabyte (many small files, one search and one hashing call); a long one in pieces.
"""

from __future__ import annotations

import itertools
import os
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from herd.record import tokenizer

from . import anchors as anchor_search
from .anchors import COLLAPSED, RAW, TOKEN, WORD, Anchors, Pass, Units, WindowCounts, collapse, extend, same_bytes
from .hashing import (
    EMPTY,
    FOLD,
    FOLD_EXCEPTION_BYTES,
    PAD,
    WORD_N,
    breaks_at,
    distinct,
    document_words,
    keys_of_words,
    ngram_hashes,
    segment_hashes,
    word_keys,
    word_spans,
)
from .index import BenchmarkIndex
from .readers import ContaminationInputError, document_batches, kind, shard_documents

SAMPLE_BYTES = 4 << 20
SAMPLE_CHUNK = 16 << 10


@dataclass
class Found:
    """The benchmark n-grams a corpus contains; unions of Found are exact (scans compose)."""

    tokens: np.ndarray
    words: np.ndarray
    shards: int
    documents: int
    problems: list[str]
    bytes: int = 0
    tokenized_bytes: int = 0
    ignored: list[str] = field(default_factory=list)
    plan: Plan | None = None

    def __or__(self, other: Found) -> Found:
        return union([self, other])


def union(parts: list[Found]) -> Found:
    """What several scans found together: their hashes merged, their counts added."""
    tokens = distinct(np.concatenate([EMPTY, *(p.tokens for p in parts)]))
    found_words = distinct(np.concatenate([EMPTY, *(p.words for p in parts)]))
    plan = next((p.plan for p in parts if p.plan is not None), None)
    return Found(
        tokens,
        found_words,
        sum(p.shards for p in parts),
        sum(p.documents for p in parts),
        [m for p in parts for m in p.problems],
        sum(p.bytes for p in parts),
        sum(p.tokenized_bytes for p in parts),
        [m for p in parts for m in p.ignored],
        plan,
    )


@dataclass
class Plan:
    """The plan a scan runs (``anchored`` or ``full``), and what it was chosen from: the
    sample's size, the share of it the anchored plan would tokenize, and both plans' measured
    speed on it (MB per second of the choosing thread's processor time, so that neither other
    work on the machine nor the engine's own threads and workers sway the choice)."""

    name: str
    reason: str
    sample_bytes: int = 0
    share_tokenized: float = float("nan")
    anchored_mb_s: float = float("nan")
    full_mb_s: float = float("nan")
    anchors: int = 0
    passes: int = 0

    def describe(self) -> str:
        """The plan in one line, with what the sample measured."""
        if self.sample_bytes == 0:
            return f"plan: {self.name} ({self.reason})"
        return (
            f"plan: {self.name} ({self.reason}; on a {self.sample_bytes / 1e6:.2g} MB sample the anchored plan would "
            f"tokenize {self.share_tokenized:.1%} at {self.anchored_mb_s:.3g} MB/s, "
            f"the full plan runs at {self.full_mb_s:.3g} MB/s)"
        )


# ------------------------------------------------------------------ the benchmark's anchors

UNITS_BYTES = 1 << 18  # examples are laid out for choosing anchors a quarter of a megabyte at a time


def _chunks(sizes: list[int]) -> list[range]:
    """Consecutive examples in groups of about UNITS_BYTES."""
    out, first, size = [], 0, 0
    for i, n in enumerate(sizes):
        size += n + 1
        if size >= UNITS_BYTES:
            out.append(range(first, i + 1))
            first, size = i + 1, 0
    if first < len(sizes):
        out.append(range(first, len(sizes)))
    return out


def token_units(index: BenchmarkIndex) -> Iterator[Units]:
    """The benchmark's token n-grams as byte spans of its examples' bytes (``index.raw``), a
    quarter of a megabyte of examples at a time."""
    ends = index.token_ngram_end
    for chunk in _chunks((index.raw_ends - index.raw_starts).tolist()):
        first, last = chunk[0], chunk[-1] + 1
        a, b = int(index.raw_starts[first]), int(index.raw_ends[last - 1]) + 1
        t0, t1 = index.token_starts[first], index.token_starts[last]
        at = np.flatnonzero(index.token_valid[t0:t1] & index.token_first[t0:t1]) + t0
        yield Units(
            TOKEN, RAW, index.raw[a:b] + PAD, index.token_begin[at] - a, ends[at] - a, index.token_example(at), at, a
        )


def word_units(index: BenchmarkIndex) -> Iterator[Units]:
    """The benchmark's word 13-grams as byte spans of its normalised words (``index.norm``: " w1
    w2 ... ", the form a document takes in the collapsed stream), a quarter of a megabyte at a time."""
    ends, examples = index.word_ngram_end, len(index.examples)
    sizes = np.diff(np.append(index.norm_starts, len(index.norm) - len(PAD) - 1))
    for chunk in _chunks(sizes.tolist()):
        first, last = chunk[0], chunk[-1] + 1  # from the space before the first to the one after the last
        a = int(index.norm_starts[first])
        b = (int(index.norm_starts[last]) if last < examples else len(index.norm) - len(PAD) - 1) + 1
        w0, w1 = index.word_starts[first], index.word_starts[last]
        at = np.flatnonzero(index.word_valid[w0:w1] & index.word_first[w0:w1]) + w0
        example = np.searchsorted(index.word_starts, at, side="right") - 1
        yield Units(WORD, COLLAPSED, index.norm[a:b] + PAD, index.word_gram_begin[at] - a, ends[at] - a, example, at, a)


def build_anchors(index: BenchmarkIndex, counts: WindowCounts) -> Anchors:
    """The anchors of every token n-gram and word 13-gram of the benchmark."""
    streams = {RAW: index.raw, COLLAPSED: index.norm}
    return anchor_search.choose(itertools.chain(token_units(index), word_units(index)), counts, streams)


# ------------------------------------------------------------------ scanning a batch


@dataclass
class Batch:
    """Documents laid end to end, each preceded and followed by a newline (so no n-gram or
    word runs from one into the next), after PAD and before it, with their offsets."""

    data: bytes
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, docs: list[bytes]) -> Batch:
        """Documents joined into one buffer, each between newlines, with PAD on either side."""
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        starts = len(PAD) + 1 + np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
        return cls(PAD + b"\n" + b"\n".join(docs) + b"\n" + PAD, starts, starts + lengths)

    def doc_of(self, pos: np.ndarray) -> np.ndarray:
        """The document each byte position of the buffer falls in."""
        return np.clip(np.searchsorted(self.starts, pos, side="right") - 1, 0, len(self.starts) - 1)

    @property
    def array(self) -> np.ndarray:
        """The buffer as bytes of a numpy array (a view)."""
        return np.frombuffer(self.data, dtype=np.uint8)


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Every integer from lo[i] to hi[i] (both included), for every i, in one array."""
    count = np.maximum(hi - lo + 1, 0)
    return np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))


def _bisect(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, x: np.ndarray, right: bool) -> np.ndarray:
    """For each i, the first j of lo[i]..hi[i] with values[j] >= x[i] (> x[i] if ``right``), or
    hi[i] + 1 if there is none: a binary search within each (short) range, all at once."""
    a, b = lo.copy(), hi + 1
    active = np.flatnonzero(a < b)
    while active.size:
        mid = (a[active] + b[active]) // 2
        v = values[mid]
        up = (v <= x[active]) if right else (v < x[active])
        a[active[up]] = mid[up] + 1
        b[active[~up]] = mid[~up]
        active = active[a[active] < b[active]]
    return a


def _matched(data, stream, pos, ds, de, p: Pass, entry, begin, ends) -> tuple[np.ndarray, ...]:
    """For hits at ``pos`` (in documents ``ds``..``de`` of ``data``) of entries ``entry``: the
    first and last of the entry's n-grams whose bytes (``begin``..``ends`` in ``stream``) all
    match the document's at the hit's alignment (first > last where none does), the anchor, the
    entry's group and whether all of the group's n-grams match."""
    group, anchor = p.group(entry)
    lo, hi = p.lo[group].astype(np.int64), p.hi[group].astype(np.int64)
    back = extend(data, stream, pos, anchor, np.minimum(anchor - begin[lo], pos - ds), forward=False)
    # the anchor's own bytes first (its key may be shared by other bytes), then on from its end
    on = np.where(same_bytes(data, stream, pos, anchor, p.k), p.k, -len(data))
    on += extend(data, stream, pos + p.k, anchor + p.k, np.minimum(ends[hi] - anchor, de - pos) - p.k, forward=True)
    j0 = _bisect(begin, lo, hi, anchor - back, right=False)
    j1 = _bisect(ends, lo, hi, anchor + on, right=True) - 1
    return j0, j1, anchor, group, (j0 == lo) & (j1 == hi)


def _token_hits(index: BenchmarkIndex, batch: Batch, p: Pass, pos: np.ndarray, entry: np.ndarray):
    """The token n-grams a raw pass's hits hold. Each hit is extended against the benchmark's
    bytes; the n-grams whose bytes all match are found outright where the matched text starts
    and ends at piece breaks both in the document and in the example (the tokens there are then
    the example's), and otherwise the text around them is to be tokenized: (hashes found,
    (document, start, end) of each span to tokenize, the groups all of whose n-grams were found)."""
    doc = batch.doc_of(pos)
    ds, de = batch.starts[doc], batch.ends[doc]
    inside = (pos >= ds) & (pos + p.k <= de)
    pos, entry, doc, ds, de = pos[inside], entry[inside], doc[inside], ds[inside], de[inside]
    begin, ends = index.token_begin, index.token_ngram_end
    j0, j1, anchor, group, whole = _matched(batch.data, index.raw, pos, ds, de, p, entry, begin, ends)
    keep = j0 <= j1
    pos, anchor, doc, ds, de, j0, j1 = pos[keep], anchor[keep], doc[keep], ds[keep], de[keep], j0[keep], j1[keep]
    group, whole = group[keep], whole[keep]
    start, end = pos + begin[j0] - anchor, pos + ends[j1] - anchor  # the matched n-grams in the document
    example = index.token_example(j0)
    mine, theirs = batch.array, np.frombuffer(index.raw, dtype=np.uint8)
    outright = (
        ((start == ds) | breaks_at(mine, start))
        & ((end == de) | breaks_at(mine, end))
        & ((begin[j0] == index.raw_starts[example]) | breaks_at(theirs, begin[j0]))
        & ((ends[j1] == index.raw_ends[example]) | breaks_at(theirs, ends[j1]))
    )
    found = index.token_ngram(_ranges(j0[outright], j1[outright]))
    return found, (doc[~outright], start[~outright], end[~outright]), group[outright & whole]


def _word_hits(
    index: BenchmarkIndex, collapsed: _Collapsed, p: Pass, pos: np.ndarray, entry: np.ndarray, skip: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """The word 13-grams a collapsed pass's hits hold: each hit is extended against the
    benchmark's normalised words, within the document it lies in (``documents_of``: its words,
    and the space on either side), and the 13-grams whose bytes all match are the document's.
    Documents in ``skip`` (split exactly elsewhere) are left out. Also the groups all of whose
    13-grams were found."""
    hit, doc = collapsed.documents_of(pos, np.full(len(pos), p.k))
    pos, entry = pos[hit], entry[hit]
    ds, de = collapsed.starts[doc] - 1, collapsed.ends[doc] + 1
    inside = (pos >= ds) & (pos + p.k <= de)
    if skip:
        inside &= ~np.isin(doc, skip)
    pos, entry, ds, de = pos[inside], entry[inside], ds[inside], de[inside]
    begin, ends = index.word_gram_begin, index.word_ngram_end
    j0, j1, _, group, whole = _matched(collapsed.data, index.norm, pos, ds, de, p, entry, begin, ends)
    return index.word_ngram[_ranges(j0, j1)], group[whole]


@dataclass
class Scanner:
    """Everything a worker needs to scan shards: the index, the plan, the anchors (for the
    anchored plan) and how to read the shards. A scanner made with ``deferred`` holds the
    corpus sample instead, and chooses its plan from it when first needed (``ready``), so that
    worker processes can start scanning while the plan is measured."""

    index: BenchmarkIndex
    plan: Plan | None
    anchors: Anchors | None = None
    text_field: str = "text"
    skip_bad: bool = False
    sample: list[bytes] | None = field(default=None, repr=False)
    choice: str = "auto"

    @classmethod
    def deferred(
        cls,
        index: BenchmarkIndex,
        sample: list[bytes],
        choice: str = "auto",
        text_field: str = "text",
        skip_bad: bool = False,
    ) -> Scanner:
        """A scanner whose plan is chosen from ``sample`` when first needed (the full plan, if
        forced, needs neither sample nor anchors)."""
        if choice == "full":
            return cls(index, Plan("full", "forced"), None, text_field, skip_bad)
        return cls(index, None, None, text_field, skip_bad, sample, choice)

    def ready(self) -> Scanner:
        """The scanner itself, its plan chosen (``plan``: anchors on half the sample, both plans timed
        on the other half) if it was not yet."""
        if self.plan is None:
            self.plan, self.anchors = plan(self.index, self.sample or [], self.choice, self.anchors)
            self.sample = None
        return self

    def chosen(self, chosen: Plan) -> Scanner:
        """The scanner itself, told the plan another process chose from the same sample and anchors."""
        if self.plan is None:
            self.plan, self.sample = chosen, None
            if chosen.name == "full":
                self.anchors = None
        return self

    def provisional(self) -> Scanner:
        """For a worker process that starts while the plan is still being measured elsewhere:
        the anchored plan with the anchors the choice uses (made now, unless made before; a
        worker forked after they are made inherits them). Every plan is exact, so what it finds
        stands whichever plan is chosen; the worker moves to the chosen plan once it is known."""
        if self.plan is not None:
            return self
        if self.anchors is None:
            self.anchors = sample_anchors(self.index, self.sample or [])
        return Scanner(self.index, Plan("anchored", "provisional"), self.anchors, self.text_field, self.skip_bad)

    def following(self, name: str | None) -> Scanner:
        """In a worker process started before the plan was chosen: the scanner of the plan
        chosen elsewhere (``name``), or ``provisional`` while none is (None)."""
        if self.plan is not None:
            return self
        if name == "full":
            return Scanner(self.index, Plan("full", "chosen"), None, self.text_field, self.skip_bad)
        return self.provisional()

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if state["plan"] is not None:
            state["sample"] = None  # the plan is chosen: the sample is not shipped to workers
        return state

    def shards(self, paths: Iterable[str | Path], on_shard=None) -> Found:
        """Scan shards in turn, their documents in batches (across shards), and return one
        Found; ``on_shard(count)`` is told as shards are finished."""
        self.ready()
        enc = tokenizer.load()
        problems: list[str] = []
        paths = [os.fspath(p) for p in paths]  # strings: a path is looked at several times
        tokens, found_words = [EMPTY], [EMPTY]
        n_tokenized = 0
        counts = [0, 0]  # documents and bytes, as read
        done = self.found_nothing_yet()
        for docs in document_batches(
            paths, self.text_field, self.skip_bad, problems, counts, self._overlap(), on_shard
        ):
            t, w, tokenized = self.batch(docs, enc, done)
            tokens.append(t)
            found_words.append(w)
            n_tokenized += tokenized
        return Found(
            distinct(np.concatenate(tokens)),
            distinct(np.concatenate(found_words)),
            len(paths),
            counts[0],
            problems,
            counts[1],
            n_tokenized,
        )

    def found_nothing_yet(self) -> list | None:
        """For a scan's first batch: per pass of the anchored plan, no group of n-grams found yet."""
        if self.anchors is None:
            return None
        return [np.zeros(len(p.anchor), dtype=bool) for p in self.anchors.passes]

    def _overlap(self) -> int:
        """Bytes a piece of a long document must share with the next so that every n-gram
        starting in it ends in it (see ``readers.pieces``)."""
        index = self.index
        longest = np.diff(index.raw_starts).max(initial=0) if len(index.raw_starts) else 0
        return int(longest) + 64

    def batch(self, docs: list[bytes], enc=None, done: list | None = None) -> tuple[np.ndarray, np.ndarray, int]:
        """The benchmark token n-gram hashes and word 13-gram hashes in a batch of documents,
        and the bytes tokenized. ``done`` (from ``found_nothing_yet``, kept across the batches of
        one scan): per pass, the groups of n-grams all found already, which are not looked for."""
        enc = enc or tokenizer.load()
        if not docs:
            return EMPTY, EMPTY, 0
        self.ready()
        assert self.plan is not None  # ready() chose it
        if self.plan.name == "full" or self.anchors is None:
            return self._full(docs, enc)
        return self._anchored(Batch.of(docs), docs, enc, done)

    def _full(self, docs: list[bytes], enc) -> tuple[np.ndarray, np.ndarray, int]:
        ids = [_encode(d, enc) for d in docs]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        tokens = self.index.token_set.members(segment_hashes(np.concatenate(ids), lengths, self.index.n))
        batch = Batch.of(docs)
        return tokens, self._words(batch, docs, range(len(docs))), int(lengths.size and sum(map(len, docs)))

    def _words(self, batch: Batch, docs: list[bytes], which) -> np.ndarray:
        """The benchmark's word 13-grams in the documents ``which`` of the batch, every word split."""
        if len(self.index.word_set) == 0:
            return EMPTY
        exceptional = set(_exceptional_docs(batch, docs))
        folded = batch.data.translate(FOLD)
        starts, ends = word_spans(folded[: -len(PAD)])
        doc = batch.doc_of(starts)
        wanted = np.zeros(len(docs), dtype=bool)
        wanted[list(which)] = True
        wanted[list(exceptional)] = False
        keep = wanted[doc]
        keys = word_keys(folded, starts[keep], ends[keep])
        counts = np.bincount(doc[keep], minlength=len(docs))
        hashes = [segment_hashes(keys, counts, WORD_N)]
        for d in sorted(exceptional & set(which)):
            hashes.append(ngram_hashes(keys_of_words(document_words(docs[d])), WORD_N))
        return self.index.word_set.members(np.concatenate(hashes))

    def _anchored(self, batch: Batch, docs: list[bytes], enc, done: list | None) -> tuple[np.ndarray, np.ndarray, int]:
        anchors = self.anchors
        assert anchors is not None  # the anchored plan has anchors
        exceptional = _exceptional_docs(batch, docs)
        collapsed = _Collapsed.of(batch) if COLLAPSED in anchors.streams else None
        token_found, word_found, spans = [EMPTY], [EMPTY], []
        for i, p in enumerate(anchors.passes):
            skip = done[i] if done is not None else None
            if p.stream == RAW:
                found, span, whole = _token_hits(self.index, batch, p, *p.hits(batch.data, skip))
                token_found.append(found)
                spans.append(span)
            else:
                assert collapsed is not None  # made whenever a pass reads the collapsed stream
                found, whole = _word_hits(self.index, collapsed, p, *p.hits(collapsed.data, skip), exceptional)
                word_found.append(found)
            if skip is not None:  # a group all of whose n-grams are found is not looked for again
                skip[whole] = True
        pieces = _token_spans(batch, spans)
        tokenized = int(sum(b - a for a, b in pieces))
        if pieces:
            ids = [_encode(batch.data[a:b], enc) for a, b in pieces]
            lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
            token_found.append(self.index.token_set.members(segment_hashes(np.concatenate(ids), lengths, self.index.n)))
        if exceptional:  # their folded bytes are not their words: split exactly, whole
            word_found.append(self._words(batch, docs, exceptional))
        return distinct(np.concatenate(token_found)), distinct(np.concatenate(word_found)), tokenized


@dataclass
class _Collapsed:
    """A batch's collapsed stream (folded, runs of spaces made one), after PAD, with each
    document's start and end in it."""

    data: bytes
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, batch: Batch) -> _Collapsed:
        text, kept = collapse(batch.data.translate(FOLD))
        bounds = np.empty(2 * len(batch.starts), dtype=np.int64)  # s0, e0, s1, e1, ...: in order
        bounds[0::2], bounds[1::2] = batch.starts, batch.ends
        edges = [0, *bounds.tolist()]
        counts = [np.count_nonzero(kept[a:b]) for a, b in zip(edges[:-1], edges[1:])]
        before = np.cumsum(counts, dtype=np.int64) + len(PAD)  # kept bytes before each bound
        return cls(PAD + text + PAD, before[0::2], before[1::2])

    def documents_of(self, pos: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For hits of ``k``-byte anchors at ``pos``: (hit, document) for every document the hit can
        belong to. An n-gram's bytes lie in its document but for the space at each end, which can
        be the separator after the document before it (or before the one after it), so these are
        the documents whose text meets the anchor's bytes widened by one byte each way: one,
        or two where the anchor touches a boundary (the hit is then looked at in both)."""
        first = np.searchsorted(self.ends, pos - 1, side="right")  # the first document ending after pos - 1
        last = np.searchsorted(self.starts, pos + k + 1, side="left") - 1  # the last starting before pos + k + 1
        count = np.maximum(last - first + 1, 0)
        return np.repeat(np.arange(len(pos)), count), _ranges(first, last)


def _exceptional_docs(batch: Batch, docs: list[bytes]) -> list[int]:
    """The documents holding a character whose lower case folding does not see (FOLD_EXCEPTIONS)."""
    data = batch.data
    if data.isascii() or not any(b in data for b in FOLD_EXCEPTION_BYTES):  # (isascii: the fast common case)
        return []
    return [i for i, d in enumerate(docs) if any(b in d for b in FOLD_EXCEPTION_BYTES)]


def _encode(data: bytes, enc) -> np.ndarray:
    """The tokens of UTF-8 text given as bytes (special-token strings in it are ordinary text, as
    ``encode_ordinary`` has it), as a numpy array."""
    return enc.encode_to_numpy(data.decode("utf-8"), disallowed_special=())


def _snap(data: np.ndarray, pos: np.ndarray, lo: np.ndarray, hi: np.ndarray, forward: bool) -> np.ndarray:
    """The nearest piece break at or after each position (``forward``), or at or before it, within
    its document ``lo``..``hi`` (whose ends are breaks): a few bytes at a time, for all at once."""
    out, base, todo, width = pos.copy(), pos.copy(), np.arange(len(pos)), 16
    while todo.size:
        step = np.arange(width) if forward else -np.arange(width)
        at = base[todo, None] + step
        edge = (at >= hi[todo, None]) if forward else (at <= lo[todo, None])
        at = np.clip(at, lo[todo, None], hi[todo, None])
        ok = edge | breaks_at(data, at)
        found = ok.any(axis=1)
        out[todo[found]] = at[found, ok[found].argmax(axis=1)]
        todo = todo[~found]
        base[todo] += width if forward else -width
        width *= 4
    return out


def _token_spans(batch: Batch, spans: list[tuple]) -> list[tuple[int, int]]:
    """The byte spans to tokenize, from (document, start, end) of text around matched n-grams:
    each widened to the piece breaks around it, and merged where they meet."""
    if not spans:
        return []
    doc, start, end = (np.concatenate([s[i] for s in spans]) for i in range(3))
    if doc.size == 0:
        return []
    start, end = _merge(start, end)  # spans never cross documents: merged, they stay in one
    doc = batch.doc_of(start)
    ds, de = batch.starts[doc], batch.ends[doc]
    data = batch.array
    lo, hi = _merge(_snap(data, start, ds, de, forward=False), _snap(data, end, ds, de, forward=True))
    return list(zip(lo.tolist(), hi.tolist()))


def _merge(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spans sorted and merged where they overlap or touch."""
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], hi[order]
    reach = np.maximum.accumulate(hi)
    new = np.ones(len(lo), dtype=bool)
    new[1:] = lo[1:] > reach[:-1]
    first = np.flatnonzero(new)
    return lo[first], np.maximum.reduceat(hi, first)


# ------------------------------------------------------------------ choosing the plan


def corpus_sample(
    shards: list[Path],
    text_field: str = "text",
    budget: int = SAMPLE_BYTES,
    chunk: int = SAMPLE_CHUNK,
    seed: int = 0,
    sizes: list[int] | None = None,
) -> list[bytes]:
    """Pieces of the corpus's documents from places spread uniformly over its bytes: about
    ``budget`` bytes in pieces of ``chunk``. Text shards are read at the sampled offset;
    JSONL and Parquet shards from their first documents. Unreadable input is left to the scan
    to report. ``sizes``: the shards' sizes, if known (else each is asked for)."""
    size = np.maximum(np.array(sizes if sizes is not None else [p.stat().st_size for p in shards], dtype=np.int64), 1)
    total = int(size.sum())
    rng = random.Random(seed)
    if total <= budget:
        picks = [(i, 0) for i in range(len(shards))]
        chunk = max(chunk, int(size.max()))
    else:
        cum = np.cumsum(size)
        at = sorted(rng.randrange(total) for _ in range(max(1, budget // chunk)))
        which = np.searchsorted(cum, at, side="right")
        picks = [(int(w), int(a - (cum[w] - size[w]))) for w, a in zip(which, at)]
    out: list[bytes] = []
    for i, offset in picks:
        path = shards[i]
        try:
            if kind(path) == "text":
                with open(path, "rb") as f:
                    f.seek(max(0, offset - chunk // 2))
                    out.append(f.read(chunk))
            else:
                got: list[bytes] = []
                taken = 0
                for doc in shard_documents(path, text_field, skip_bad=True, problems=[]):
                    got.append(doc[: chunk - taken])
                    taken += len(got[-1])
                    if taken >= chunk:
                        break
                out.append(b"\n".join(got))
        except (OSError, ContaminationInputError):
            continue
    return [c for c in out if c]


def _whole_characters(chunk: bytes) -> bytes:
    """A sampled chunk as a whole UTF-8 document: the partial characters at its cut ends dropped."""
    return chunk.decode("utf-8", "ignore").encode("utf-8")


def _halves(sample: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """The sample split in two: the half anchors are chosen on, and the half (cut to whole
    UTF-8 characters) the plans are timed on; a sample too small to split serves as both."""
    learn, test = sample[0::2], [_whole_characters(c) for c in sample[1::2]]
    if not any(test):
        learn, test = sample, [_whole_characters(c) for c in sample]
    return learn, [t for t in test if t]


def sample_anchors(index: BenchmarkIndex, sample: list[bytes]) -> Anchors:
    """The anchors ``plan`` chooses: by their rarity in half of the sample. The same wherever
    they are made, so a worker process can make them itself instead of receiving them."""
    return build_anchors(index, WindowCounts.of(_halves(sample)[0]))


def plan(
    index: BenchmarkIndex, sample: list[bytes], choice: str = "auto", found_anchors: Anchors | None = None
) -> tuple[Plan, Anchors | None]:
    """Choose the plan. Anchors are chosen by their rarity in half of the sample (unless given:
    ``sample_anchors`` made them already); on the other half the anchored plan is run and
    timed, and the full plan on a part of it. ``choice`` forces a plan: anchored (still
    measured on the sample, for the report) or full (which needs no anchors and no sample)."""
    if choice not in ("auto", "anchored", "full"):
        raise ValueError(f"plan must be auto, anchored or full, not {choice!r}")
    if choice == "full":
        return Plan("full", "forced"), None
    learn, test = _halves(sample)
    if found_anchors is None:
        found_anchors = build_anchors(index, WindowCounts.of(learn))
    test_bytes = sum(map(len, test))
    counts = dict(anchors=found_anchors.n_anchors, passes=len(found_anchors.passes))
    if test_bytes == 0:
        return Plan("anchored", "forced" if choice == "anchored" else "no sample to measure", **counts), found_anchors
    enc = tokenizer.load()
    start = time.thread_time()
    _, _, tokenized = Scanner(index, Plan("anchored", ""), found_anchors).batch(test, enc)
    anchored_rate = test_bytes / max(time.thread_time() - start, 1e-9) / 1e6
    part = test[: max(1, len(test) // 4)]
    start = time.thread_time()
    Scanner(index, Plan("full", "")).batch(part, enc)
    full_rate = sum(map(len, part)) / max(time.thread_time() - start, 1e-9) / 1e6
    if choice == "anchored":
        name, reason = "anchored", "forced"
    elif anchored_rate > full_rate:
        name, reason = "anchored", "faster on the sample"
    else:
        name, reason = "full", "the anchors are too frequent in this corpus"
    chosen = Plan(name, reason, test_bytes, tokenized / test_bytes, anchored_rate, full_rate, **counts)
    return chosen, (found_anchors if name == "anchored" else None)
