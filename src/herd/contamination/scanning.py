"""Scanning: the benchmark n-grams found in the corpus, by one of two exact plans.

* **full**: tokenize every document whole and split it into words (what the paper's method
  does by definition).
* **anchored**: find the benchmark's anchors in the corpus bytes (``anchors``) and tokenize only
  the text around each hit, cut where the Llama 3 pre-tokenizer always starts a new piece
  (``tokenizer.PIECE_BREAK``), so those tokens are the tokens of the whole document there;
  likewise, split into words only the words around each word-rule hit.

Both give the same n-grams (the tests prove it against a brute-force reference). Which is
cheaper depends on how often the anchors occur, so ``plan`` measures both on a sample of the
corpus and picks one; the choice is reported. Documents are handled in batches of about a
megabyte (many small files, one search and one hashing call).
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import tokenizer
from . import anchors as anchor_search
from .anchors import COLLAPSED, PAD, RAW, TOKEN, WORD, Anchors, Units, WindowCounts, collapse
from .hashing import (
    EMPTY,
    FOLD,
    FOLD_EXCEPTION_BYTES,
    WORD_N,
    distinct,
    document_words,
    members,
    segment_hashes,
    word_ids,
)
from .index import BenchmarkIndex
from .readers import ContaminationInputError, kind, shard_documents

BATCH_BYTES = 1 << 20
WHOLE_SHARE = 0.5  # a document whose spans cover more than this is tokenized whole (same tokens, one call)
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
    """The benchmark's token n-grams as byte spans of its examples laid end to end (one byte
    between examples), a quarter of a megabyte of examples at a time."""
    lengths = tokenizer.token_byte_lengths()
    n = index.n
    for chunk in _chunks([len(b) for b in index.example_bytes]):
        first, last = chunk[0], chunk[-1] + 1
        ids = index.token_ids[index.token_starts[first] : index.token_starts[last]]
        counts = np.diff(index.token_starts[first : last + 1])
        sizes = np.fromiter((len(index.example_bytes[i]) for i in chunk), dtype=np.int64, count=len(chunk))
        example_start = np.concatenate([[0], np.cumsum(sizes + 1)[:-1]])  # byte where each example begins
        if not np.array_equal(
            np.bincount(np.repeat(np.arange(len(chunk)), counts), weights=lengths[ids], minlength=len(chunk)), sizes
        ):
            raise tokenizer.TokenizerSourceError("the benchmark's tokens do not spell out its bytes")
        example = np.repeat(np.arange(len(chunk)), counts)
        token_start = (
            np.cumsum(lengths[ids])
            - lengths[ids]
            + np.repeat(example_start - np.concatenate([[0], np.cumsum(sizes)[:-1]]), counts)
        )
        token_end = token_start + lengths[ids]
        ok = np.zeros(len(ids), dtype=bool)  # token t starts an n-gram if t + n - 1 is in the same example
        if len(ids) >= n:
            ok[: len(ids) - n + 1] = example[n - 1 :] == example[: len(ids) - n + 1]
        at = np.flatnonzero(ok)
        data = b"\n".join(index.example_bytes[first:last]) + b"\n" + PAD
        yield Units(TOKEN, RAW, data, token_start[at], token_end[at + n - 1], example[at] + first)


def word_units(index: BenchmarkIndex) -> Iterator[Units]:
    """The benchmark's word 13-grams as byte spans of its normalised words (" w1 w2 ... ", the
    form a document takes in the collapsed stream), examples laid end to end."""
    for chunk in _chunks([len(t) for t in index.normalized]):
        first, last = chunk[0], chunk[-1] + 1
        data = b"".join(index.normalized[first:last])
        sizes = np.fromiter((len(index.normalized[i]) for i in chunk), dtype=np.int64, count=len(chunk))
        spaces = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x20)  # one before each word, one after the last
        example = np.searchsorted(np.cumsum(sizes), spaces, side="right")
        j = np.arange(max(len(spaces) - WORD_N, 0))
        j = j[example[j + WORD_N] == example[j]]
        yield Units(WORD, COLLAPSED, data + PAD, spaces[j], spaces[j + WORD_N] + 1, example[j] + first)


def _cat(xs: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(xs).astype(np.int64) if xs else np.empty(0, np.int64)


def build_anchors(index: BenchmarkIndex, counts: WindowCounts) -> Anchors:
    """The anchors of every token n-gram and word 13-gram of the benchmark."""
    return anchor_search.choose(itertools.chain(token_units(index), word_units(index)), counts)


# ------------------------------------------------------------------ scanning a batch


@dataclass
class Batch:
    """Documents laid end to end, each preceded and followed by a newline (so no n-gram or
    word runs from one into the next), with their offsets."""

    data: bytes
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, docs: list[bytes]) -> Batch:
        """Documents joined into one buffer, each between newlines, ending with the padding."""
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        starts = np.concatenate([[1], np.cumsum(lengths + 1)[:-1] + 1])
        return cls(b"\n" + b"\n".join(docs) + b"\n" + PAD, starts, starts + lengths)

    def doc_of(self, pos: np.ndarray) -> np.ndarray:
        """The document each byte position of the buffer falls in."""
        return np.clip(np.searchsorted(self.starts, pos, side="right") - 1, 0, len(self.starts) - 1)


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
        paths = list(paths)
        tokens, found_words = [EMPTY], [EMPTY]
        n_docs = n_bytes = n_tokenized = 0
        for docs in _batches(paths, self.text_field, self.skip_bad, problems, on_shard):
            t, w, tokenized = self.batch(docs, enc)
            tokens.append(t)
            found_words.append(w)
            n_docs += len(docs)
            n_bytes += sum(map(len, docs))
            n_tokenized += tokenized
        return Found(
            distinct(np.concatenate(tokens)),
            distinct(np.concatenate(found_words)),
            len(paths),
            n_docs,
            problems,
            n_bytes,
            n_tokenized,
        )

    def batch(self, docs: list[bytes], enc=None) -> tuple[np.ndarray, np.ndarray, int]:
        """The benchmark token n-gram hashes and word 13-gram hashes in a batch of documents,
        and the bytes tokenized."""
        enc = enc or tokenizer.load()
        if not docs:
            return EMPTY, EMPTY, 0
        self.ready()
        assert self.plan is not None  # ready() chose it
        if self.plan.name == "full" or self.anchors is None:
            return self._full(docs, enc)
        return self._anchored(Batch.of(docs), docs, enc)

    def _full(self, docs: list[bytes], enc) -> tuple[np.ndarray, np.ndarray, int]:
        ids = [_tokenize(d, 0, len(d), enc) for d in docs]
        tokens = _token_hashes(ids, self.index)
        ws = [document_words(d) for d in docs]
        return tokens, _word_hashes(ws, self.index), sum(map(len, docs))

    def _anchored(self, batch: Batch, docs: list[bytes], enc) -> tuple[np.ndarray, np.ndarray, int]:
        data = batch.data
        anchors = self.anchors
        assert anchors is not None  # the anchored plan has anchors
        collapsed = _Collapsed.of(batch) if COLLAPSED in anchors.streams else None
        token_pos: list[np.ndarray] = []
        token_lo: list[np.ndarray] = []
        token_hi: list[np.ndarray] = []
        word_pos: list[np.ndarray] = []
        word_k: list[np.ndarray] = []
        word_lo: list[np.ndarray] = []
        word_hi: list[np.ndarray] = []
        for p in anchors.passes:
            if p.stream == RAW:
                pos, entry = p.hits(data)
            else:
                assert collapsed is not None  # made whenever a pass reads the collapsed stream
                pos, entry = p.hits(collapsed.data)
            if pos.size == 0:
                continue
            lo, hi = pos - p.before[entry].astype(np.int64), pos + p.k + p.after[entry].astype(np.int64)
            if p.stream == RAW:
                token_pos.append(pos)
                token_lo.append(lo)
                token_hi.append(hi)
            else:
                word_pos.append(pos)
                word_k.append(np.full(len(pos), p.k, dtype=np.int64))
                word_lo.append(lo)
                word_hi.append(hi)
        # tokens: spans around the hits, per document, cut at piece breaks
        spans, tokenized = [], 0
        for d, pieces in _token_spans(batch, token_pos, token_lo, token_hi).items():
            if sum(b - a for a, b in pieces) > WHOLE_SHARE * int(batch.ends[d] - batch.starts[d]):
                pieces = [(int(batch.starts[d]), int(batch.ends[d]))]
            spans += pieces
            tokenized += sum(b - a for a, b in pieces)
        tokens = _token_hashes([_tokenize(data, a, b, enc) for a, b in spans], self.index)
        # words: the words around each hit; a document whose folded bytes are not its words
        # (it holds one of FOLD_EXCEPTIONS) is split exactly, whole
        exceptional = _exceptional_docs(batch, docs)
        ws = (
            collapsed.words(word_pos, word_k, word_lo, word_hi, exceptional)
            if collapsed is not None and word_lo
            else []
        )
        ws += [document_words(docs[d]) for d in exceptional]
        return tokens, _word_hashes(ws, self.index), tokenized


@dataclass
class _Collapsed:
    """A batch's collapsed stream (folded, runs of spaces made one), with each document's
    start and end in it."""

    data: bytes
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, batch: Batch) -> _Collapsed:
        text, kept = collapse(batch.data.translate(FOLD))
        bounds = np.concatenate([batch.starts, batch.ends])
        order = np.argsort(bounds, kind="stable")
        before = np.zeros(len(bounds), dtype=np.int64)  # kept bytes before each bound
        counts = (
            np.add.reduceat(kept.view(np.uint8).astype(np.int64), np.concatenate([[0], bounds[order]]))[:-1]
            if len(bounds)
            else np.zeros(0, dtype=np.int64)
        )
        before[order] = np.cumsum(counts)
        n = len(batch.starts)
        return cls(text + PAD, before[:n], before[n:])

    def documents_of(self, pos: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For hits of ``k``-byte anchors at ``pos``: (hit, document) for every document the hit can
        belong to. An n-gram's bytes lie in its document but for the space at each end, which can
        be the separator after the document before it (or before the one after it), so these are
        the documents whose text meets the anchor's bytes widened by one byte each way: one,
        or two where the anchor touches a boundary (the hit is then looked at in both)."""
        first = np.searchsorted(self.ends, pos - 1, side="right")  # the first document ending after pos - 1
        last = np.searchsorted(self.starts, pos + k + 1, side="left") - 1  # the last starting before pos + k + 1
        count = np.maximum(last - first + 1, 0)
        hit = np.repeat(np.arange(len(pos)), count)
        offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        return hit, np.repeat(first, count) + offset

    def words(
        self, pos_parts: list, k_parts: list, lo_parts: list, hi_parts: list, exceptional: list[int]
    ) -> list[list[bytes]]:
        """The whole words around the hits' spans, per document, merged where they meet (never
        across documents); a hit is given to its document by the anchor's own bytes
        (``documents_of``), not by its widened span, which can reach into a neighbour."""
        hit, doc = self.documents_of(np.concatenate(pos_parts), np.concatenate(k_parts))
        lo, hi = np.concatenate(lo_parts)[hit], np.concatenate(hi_parts)[hit]
        keep = ~np.isin(doc, exceptional) if exceptional else np.ones(len(doc), dtype=bool)
        lo, hi, doc = np.maximum(lo, self.starts[doc])[keep], np.minimum(hi, self.ends[doc])[keep], doc[keep]
        order = np.lexsort((lo, doc))
        data, out, last = self.data, [], (-1, -1, -1)
        for d, a, b in zip(doc[order].tolist(), lo[order].tolist(), hi[order].tolist()):
            if b <= a:
                continue
            start, end = int(self.starts[d]), int(self.ends[d])
            a = max(data.rfind(b" ", start, a + 1), start)  # whole words: out to the spaces around
            b = data.find(b" ", b - 1, end)
            b = end if b < 0 else b
            if last[0] == d and a <= last[2]:
                last = (d, last[1], max(b, last[2]))
            else:
                if last[0] >= 0:
                    out.append(data[last[1] : last[2]].split())
                last = (d, a, b)
        if last[0] >= 0:
            out.append(data[last[1] : last[2]].split())
        return out


def _batches(paths, text_field: str, skip_bad: bool, problems: list, on_shard=None) -> Iterator[list[bytes]]:
    """Documents in batches of about BATCH_BYTES, across shards."""
    docs, size, done = [], 0, 0
    for path in paths:
        for doc in shard_documents(path, text_field, skip_bad, problems):
            docs.append(doc)
            size += len(doc)
            if size >= BATCH_BYTES:
                yield docs
                docs, size = [], 0
                if on_shard is not None and done:
                    on_shard(done)
                    done = 0
        done += 1
    if docs:
        yield docs
    if on_shard is not None and done:
        on_shard(done)


TOKENIZE_PIECE = 1 << 18


def _tokenize(data: bytes, a: int, b: int, enc) -> np.ndarray:
    """The tokens of ``data[a:b]`` (cut at piece breaks), as an array: a long span is tokenized
    a quarter of a megabyte at a time, cut at piece breaks, so the token lists stay small."""
    if b - a <= TOKENIZE_PIECE:
        return np.array(enc.encode_ordinary(data[a:b].decode("utf-8")), dtype=np.int64)
    parts = []
    while a < b:
        cut = tokenizer.break_after(data, min(a + TOKENIZE_PIECE, b), b) if a + TOKENIZE_PIECE < b else b
        parts.append(np.array(enc.encode_ordinary(data[a:cut].decode("utf-8")), dtype=np.int64))
        a = cut
    return np.concatenate(parts)


def _token_hashes(ids: list[np.ndarray], index: BenchmarkIndex) -> np.ndarray:
    if not ids:
        return EMPTY
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    return members(segment_hashes(np.concatenate(ids), lengths, index.n), index.all_tokens)


def _word_hashes(ws: list[list[bytes]], index: BenchmarkIndex) -> np.ndarray:
    if not ws or index.all_words.size == 0:
        return EMPTY
    lengths = np.fromiter(map(len, ws), dtype=np.int64, count=len(ws))
    flat = word_ids([w for x in ws for w in x], index.vocab)
    return members(segment_hashes(flat, lengths, WORD_N), index.all_words)


def _merge(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted spans merged where they overlap or touch."""
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], hi[order]
    reach = np.maximum.accumulate(hi)
    new = np.ones(len(lo), dtype=bool)
    new[1:] = lo[1:] > reach[:-1]
    first = np.flatnonzero(new)
    return lo[first], np.maximum.reduceat(hi, first)


def _token_spans(batch: Batch, pos_parts: list, lo_parts: list, hi_parts: list) -> dict[int, list[tuple[int, int]]]:
    """Per document, the byte spans to tokenize: around each hit, cut at piece breaks."""
    if not pos_parts:
        return {}
    pos, lo, hi = np.concatenate(pos_parts), np.concatenate(lo_parts), np.concatenate(hi_parts)
    if pos.size == 0:
        return {}
    doc = batch.doc_of(pos)
    lo = np.maximum(lo, batch.starts[doc])
    hi = np.minimum(hi, batch.ends[doc])
    keep = hi > lo
    lo, hi, doc = lo[keep], hi[keep], doc[keep]
    if lo.size == 0:
        return {}
    lo, hi = _merge(lo, hi)
    doc = batch.doc_of(lo)
    out: dict[int, list[tuple[int, int]]] = {}
    data = batch.data
    for d, a, b in zip(doc.tolist(), lo.tolist(), hi.tolist()):
        start, end = int(batch.starts[d]), int(batch.ends[d])
        pieces = out.setdefault(d, [])
        floor = pieces[-1][1] if pieces else start
        if pieces and b <= floor:
            continue
        if pieces and a <= floor:  # snapping never searches text already covered
            pieces[-1] = (pieces[-1][0], tokenizer.break_after(data, b, end))
            continue
        a = tokenizer.break_before(data, a, floor, end)
        b = tokenizer.break_after(data, b, end)
        if pieces and a <= pieces[-1][1]:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    return out


def _exceptional_docs(batch: Batch, docs: list[bytes]) -> list[int]:
    """The documents holding a character whose lower case folding does not see (FOLD_EXCEPTIONS)."""
    data = batch.data
    if not any(b in data for b in FOLD_EXCEPTION_BYTES):
        return []
    return [i for i, d in enumerate(docs) if any(b in d for b in FOLD_EXCEPTION_BYTES)]


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


def _pieces(chunk: bytes) -> bytes:
    """A sampled chunk as a whole UTF-8 document: the partial characters at its cut ends dropped."""
    return chunk.decode("utf-8", "ignore").encode("utf-8")


def _halves(sample: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """The sample split in two: the half anchors are chosen on, and the half (cut to whole
    UTF-8 characters) the plans are timed on; a sample too small to split serves as both."""
    learn, test = sample[0::2], [_pieces(c) for c in sample[1::2]]
    if not any(test):
        learn, test = sample, [_pieces(c) for c in sample]
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
