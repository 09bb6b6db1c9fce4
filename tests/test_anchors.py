"""Anchors: every occurrence of every n-gram's bytes is hit by an anchor of an entry that holds
it, at every alignment and window length; a hit is extended exactly as far as the bytes agree;
anchors avoid windows the sample has often; the scan's spans are cut only where tokenization
allows, and a word hit is given to the document it lies in."""

import random

import numpy as np
import pytest

from herd.analyses.contamination.scanner import anchors as a
from herd.analyses.contamination.scanner import hashing, scanning


def _units(rng: random.Random, n_examples: int, alphabet: bytes, n: int, stream: int = a.RAW, rule: int = a.TOKEN):
    """Random examples cut into random 'tokens' (1 to 6 bytes); n-gram i spans n tokens."""
    parts, starts, ends, example, at = [], [], [], [], 0
    for e in range(n_examples):
        sizes = [rng.randint(1, 6) for _ in range(rng.randint(0, 30))]
        data = bytes(rng.choice(alphabet) for _ in range(sum(sizes)))
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64) + at
        if len(sizes) >= n:
            starts.append(offsets[:-n])
            ends.append(offsets[n:])
            example.append(np.full(len(sizes) - n + 1, e))
        parts.append(data)
        at += len(data) + 1
    cat = lambda xs: np.concatenate(xs).astype(np.int64) if xs else np.empty(0, np.int64)  # noqa: E731
    return a.Units(rule, stream, b"\n".join(parts) + b"\n" + a.PAD, cat(starts), cat(ends), cat(example))


def _matches(found: a.Anchors, u: a.Units, text: bytes) -> set[tuple[int, int]]:
    """(n-gram, start in text) for every n-gram of an entry hit in ``text`` whose bytes are all
    there at the hit's alignment, checked byte by byte (no extension)."""
    data, out = text + a.PAD, set()
    for p in found.passes:
        pos, entry = p.hits(data)
        group, anchor = p.group(entry)
        for at, g, e in zip(pos.tolist(), group.tolist(), anchor.tolist()):
            for j in range(int(p.lo[g]), int(p.hi[g]) + 1):
                start = at - (e - int(u.start[j]))
                size = int(u.end[j] - u.start[j])
                if 0 <= start and text[start : start + size] == u.data[u.start[j] : u.end[j]]:
                    out.add((j, start))
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13])
def test_every_occurrence_of_every_ngram_is_hit(n):
    rng = random.Random(n)
    alphabet = b"abcab \n"  # a small alphabet: many repeats, many false candidates
    u = _units(rng, 25, alphabet, n)
    ngrams = [u.data[s:e] for s, e in zip(u.start.tolist(), u.end.tolist())]
    found = a.choose([u], a.WindowCounts.of([bytes(rng.choice(alphabet) for _ in range(5000))]))
    assert found.ngrams == len(u.start) and found.n_anchors > 0
    for trial in range(40):
        text = bytes(rng.choice(alphabet + b"xyz") for _ in range(rng.randint(0, 300)))
        for _ in range(3):  # plant some n-grams at every alignment
            g = rng.choice(ngrams)
            at = rng.randint(0, len(text))
            text = text[:at] + g + text[at:]
        got = _matches(found, u, text)
        for j, g in enumerate(ngrams):
            start = text.find(g)
            while start >= 0:
                assert (j, start) in got, (n, g, start)
                start = text.find(g, start + 1)


def test_short_ngrams_get_shorter_anchors_tested_at_every_byte_and_long_ones_the_strided_pass():
    u = a.Units(
        a.TOKEN,
        a.RAW,
        b"abcdefghijklmnop\nxyz\nqrstuvwx\nABCDEFGHIJKLMNOPQRSTU\n" + a.PAD,
        np.array([0, 17, 21, 30]),
        np.array([16, 20, 29, 51]),
        np.array([0, 1, 2, 3]),
    )
    found = a.choose([u], a.WindowCounts.of([]))
    kinds = {(p.k, p.stride) for p in found.passes}
    assert kinds == {(a.LONG, a.STRIDE), (7, 2), (3, 1)}
    for j, text in enumerate([b"..abcdefghijklmnop..", b"-xyz-", b"qrstuvwx", b"ABCDEFGHIJKLMNOPQRSTU"]):
        g = u.data[u.start[j] : u.end[j]]
        assert (j, text.find(g)) in _matches(found, u, text)


def test_anchors_avoid_windows_the_sample_has_often():
    """Every n-gram holds 'common text'; the anchors are placed on its rare bytes instead."""
    rng = random.Random(3)
    rare = [bytes(rng.choice(b"qwrtzpsdfgh") for _ in range(12)) for _ in range(50)]
    data = b"\n".join(b"common text " + r for r in rare) + b"\n" + a.PAD
    starts = np.array([i * 25 for i in range(50)])
    u = a.Units(a.TOKEN, a.RAW, data, starts, starts + 24, np.arange(50))
    counts = a.WindowCounts.of([b"common text and more common text " * 200])
    found = a.choose([u], counts)
    values = {int(v) for p in found.passes for v in a.keys(p.data, p.k, at=p.group(np.arange(p.entries))[1])}
    common = {int(w) for k in (5, 8, 16) for w in a.keys(b"common text " * 3 + a.PAD, k)[:12]}
    assert not values & common
    # text made only of the common words is never hit
    assert all(p.hits(b"common text " * 1000 + a.PAD)[0].size == 0 for p in found.passes)


def _pass(windows: np.ndarray) -> tuple[a.Pass, bytes]:
    """A pass whose anchors are the given 8-byte windows, laid end to end as its stream."""
    data = windows.tobytes() + a.PAD
    z = np.zeros(len(windows), dtype=np.int32)
    return a.Pass(a.RAW, 8, 4, data, np.arange(len(windows), dtype=np.int32) * 8, z, z), data


def test_the_table_does_not_grow_with_the_number_of_anchors():
    """The cost of testing one byte is one bit test in a table of 16 to 32 bits per entry (so
    that few tested windows that are no anchor pass it), however many there are."""
    rng = np.random.default_rng(0)
    for n_values in (10, 10_000, 300_000):
        p, _ = _pass(rng.integers(0, 2**64 - 1, n_values, dtype=np.uint64))
        slots = p.table.size * (64 if p.table.dtype == np.uint64 else 1)
        assert slots == 1 << p.table_bits <= 1 << a.TABLE_BITS
        assert slots >= 16 * p.entries or slots == 1 << 12
        random_bytes = rng.integers(0, 2**63, 200_000, dtype=np.uint64).tobytes() + a.PAD
        assert p.hits(random_bytes)[0].size == 0  # a random window is (almost) never an anchor


def test_lookup_finds_every_anchor_and_nothing_else():
    rng = np.random.default_rng(5)
    windows = rng.integers(0, 2**64 - 1, 50_000, dtype=np.uint64)
    windows = np.concatenate([windows, windows[:100]])  # some windows anchor two groups
    p, data = _pass(windows)
    mine = a.keys(data, 8, at=np.arange(len(windows)) * 8)  # each group's key at shift 0
    which, entry = p.lookup(mine)
    group, at = p.group(entry)
    assert set(zip(which.tolist(), group.tolist())) >= {(i, i) for i in range(len(windows))}
    assert np.array_equal(a.keys(data, 8, at=at), mine[which])  # every entry found has the key asked
    assert len(which) == len(windows) + 200
    others = rng.integers(0, 2**64 - 1, 50_000, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    assert p.lookup(others)[0].size == 0
    # and the scan finds each anchor wherever it is, at a tested byte, by the shift that lies on one
    pos, entry = p.hits(data)
    assert set(np.arange(len(windows)) * 8) <= set(pos.tolist())
    assert np.array_equal(a.keys(data, 8, at=pos), a.keys(data, 8, at=p.group(entry)[1]))


def test_extension_counts_exactly_the_bytes_in_common():
    """Forward and backward, at every offset and limit, against a byte-by-byte count."""
    rng = random.Random(11)
    for _ in range(300):
        common = bytes(rng.choice(b"ab") for _ in range(rng.randint(0, 40)))
        left = bytes(rng.choice(b"ab") for _ in range(rng.randint(0, 20)))
        mine = a.PAD + left + common + b"x" + bytes(rng.choice(b"ab") for _ in range(5)) + a.PAD
        theirs = a.PAD + b"y" + common + b"z" + a.PAD
        at, anchor = np.array([len(a.PAD) + len(left)]), np.array([len(a.PAD) + 1])
        limit = np.array([rng.randint(0, 50)])
        assert a.extend(mine, theirs, at, anchor, limit, True)[0] == min(len(common), limit[0])
        # backward from the end of the common bytes: the byte before them differs ("y" is not in left)
        got = a.extend(mine, theirs, at + len(common), anchor + len(common), limit, False)[0]
        assert got == min(len(common), limit[0])


def test_collapse_makes_runs_of_spaces_one():
    text, kept = a.collapse(b"  ab   c d  ")
    assert text == b" ab c d " and kept.sum() == len(text)


# ------------------------------------------------------------------ spans the scan tokenizes


def test_token_spans_are_cut_at_piece_breaks_and_hold_the_text():
    docs = [b"line one\nline two\n  line three\nlast", b"x\ny\nz", b"alphabet soup, cooked slowly"]
    batch = scanning.Batch.of(docs)
    doc = np.array([0, 1, 2])
    start = batch.starts[doc] + np.array([11, 2, 3])
    end = start + np.array([3, 1, 9])
    spans = scanning._token_spans(batch, [(doc, start, end)])
    data = batch.array
    for s, e in spans:
        d = int(batch.doc_of(np.array([s]))[0])
        assert s == batch.starts[d] or hashing.breaks_at(data, np.array([s]))[0]
        assert e == batch.ends[d] or hashing.breaks_at(data, np.array([e]))[0]
    for s0, e0 in zip(start.tolist(), end.tolist()):
        assert any(s <= s0 and e0 <= e for s, e in spans)
    # around "habet so" in the third document: from the start of the word to the end of the next
    assert (int(batch.starts[2]), int(batch.starts[2]) + len(b"alphabet soup")) in spans


def test_many_hits_on_one_long_line_tokenize_only_around_them():
    """A long line with no newline and many separate hits: a small span around each, not the
    line (the piece breaks between words cut it)."""
    line = (b"alpha beta gamma " + b"word " * 60) * 500
    batch = scanning.Batch.of([line])
    start = batch.starts[0] + np.arange(0, len(line) - 20, 317)
    spans = scanning._token_spans(batch, [(np.zeros(len(start), dtype=np.int64), start, start + 10)])
    assert len(spans) == len(start) and sum(e - s for s, e in spans) < 0.1 * len(line)


def test_a_word_hit_belongs_to_the_documents_its_anchor_touches():
    docs = [b"Alpha beta, GAMMA!", b"delta epsilon", b"", b"zeta"]
    collapsed = scanning._Collapsed.of(scanning.Batch.of(docs))
    starts, ends = collapsed.starts.tolist(), collapsed.ends.tolist()
    assert collapsed.data[starts[0] : ends[0]] == b"alpha beta gamma "
    assert collapsed.data[starts[1] : ends[1]] == b"delta epsilon"
    pos = np.array([starts[0] + 6, starts[1] - 3, starts[1] + 4, starts[3] - 1])
    hit, doc = collapsed.documents_of(pos, np.full(4, 3))
    assert sorted(zip(hit.tolist(), doc.tolist())) == [(0, 0), (1, 0), (1, 1), (2, 1), (3, 1), (3, 2), (3, 3)]
