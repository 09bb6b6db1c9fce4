"""Anchors: every occurrence of every n-gram's bytes lies inside a hit widened by its reach,
at every alignment and window length; anchors avoid windows the sample has often; the scan's
spans are cut only where tokenization (or the word rule) allows."""

import random

import numpy as np
import pytest

from herd.contamination import anchors as a
from herd.contamination import scanning


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
    cat = lambda xs: np.concatenate(xs).astype(np.int64) if xs else np.empty(0, np.int64)
    return a.Units(rule, stream, b"\n".join(parts) + b"\n" + a.PAD, cat(starts), cat(ends), cat(example))


def _covered(found: a.Anchors, text: bytes) -> list[tuple[int, int]]:
    data = text + a.PAD
    spans = []
    for p in found.passes:
        pos, entry = p.hits(data)
        spans += list(zip((pos - p.before[entry]).tolist(), (pos + p.k + p.after[entry]).tolist()))
    return spans


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13])
def test_every_occurrence_of_every_ngram_lies_inside_a_hit(n):
    rng = random.Random(n)
    alphabet = b"abcab \n"  # a small alphabet: many repeats, many false candidates
    u = _units(rng, 25, alphabet, n)
    ngrams = sorted({u.data[s:e] for s, e in zip(u.start.tolist(), u.end.tolist())})
    found = a.choose([u], a.WindowCounts.of([bytes(rng.choice(alphabet) for _ in range(5000))]))
    assert found.ngrams == len(u.start) and found.n_anchors > 0
    for trial in range(60):
        text = bytes(rng.choice(alphabet + b"xyz") for _ in range(rng.randint(0, 300)))
        for _ in range(3):  # plant some n-grams at every alignment
            g = rng.choice(ngrams)
            at = rng.randint(0, len(text))
            text = text[:at] + g + text[at:]
        spans = _covered(found, text)
        for g in ngrams:
            start = text.find(g)
            while start >= 0:
                assert any(lo <= start and start + len(g) <= hi for lo, hi in spans), (n, g, start)
                start = text.find(g, start + 1)


def test_short_ngrams_get_shorter_windows_and_long_ones_the_strided_pass():
    u = a.Units(
        a.TOKEN,
        a.RAW,
        b"abcdefghijklmnop\nxyz\nqrstuvwx\n" + a.PAD,
        np.array([0, 17, 21]),
        np.array([16, 20, 29]),
        np.array([0, 1, 2]),
    )
    found = a.choose([u], a.WindowCounts.of([]))
    kinds = {(p.k, p.stride) for p in found.passes}
    assert (a.WINDOW, a.STRIDE) in kinds and (3, 1) in kinds and (5, a.STRIDE) in kinds
    for text, g in [(b"..abcdefghijklmnop..", b"abcdefghijklmnop"), (b"-xyz-", b"xyz"), (b"qrstuvwx", b"qrstuvwx")]:
        i = text.find(g)
        assert any(lo <= i and i + len(g) <= hi for lo, hi in _covered(found, text))


def test_anchors_avoid_windows_the_sample_has_often():
    """Every n-gram holds 'common text'; the anchors are placed on its rare bytes instead."""
    rng = random.Random(3)
    rare = [bytes(rng.choice(b"qwrtzpsdfgh") for _ in range(12)) for _ in range(50)]
    data = b"\n".join(b"common text " + r for r in rare) + b"\n" + a.PAD
    starts = np.array([i * 25 for i in range(50)])
    u = a.Units(a.TOKEN, a.RAW, data, starts, starts + 24, np.arange(50))
    counts = a.WindowCounts.of([b"common text and more common text " * 200])
    found = a.choose([u], counts)
    values = {int(v) for p in found.passes for v in p.values}
    common = {int(w) for w in a.windows(b"common text " + a.PAD)[:5]}
    assert not values & common
    # the hits on text made only of the common words are none
    assert _covered(found, b"common text " * 1000) == []


def test_the_table_does_not_grow_with_the_number_of_anchors():
    """The cost of testing one byte is one lookup in a table of at most 4 MiB, however many
    anchors there are; below that size the table is at most a sixteenth full."""
    rng = np.random.default_rng(0)
    for n_values in (10, 10_000, 1_000_000):
        values = np.unique(rng.integers(0, 2**63, n_values, dtype=np.uint64))
        z32 = np.zeros(len(values), dtype=np.int32)
        p = a.Pass(
            a.RAW,
            8,
            4,
            values,
            np.arange(len(values) + 1),
            np.zeros(len(values), np.int8),
            z32,
            np.zeros(len(values), np.uint64),
            np.zeros(len(values), np.uint8),
            z32,
            z32,
            z32,
            np.zeros(len(values), np.uint64),
            np.zeros(len(values), np.uint8),
        )
        assert p.table.nbytes <= 1 << a.TABLE_BITS
        assert p.table.mean() <= (1 / 16 if p.table.nbytes < 1 << a.TABLE_BITS else 1 / 4)


def test_collapse_makes_runs_of_spaces_one():
    text, kept = a.collapse(b"  ab   c d  ")
    assert text == b" ab c d " and kept.sum() == len(text)


# ------------------------------------------------------------------ spans the scan tokenizes


def test_token_spans_are_cut_at_piece_breaks_and_hold_the_hits():
    from herd import tokenizer

    docs = [b"line one\nline two\n  line three\nlast", b"x\ny\nz"]
    batch = scanning.Batch.of(docs)
    lo = np.array([batch.starts[0] + 11, batch.starts[1] + 2])
    hi = lo + 3
    spans = scanning._token_spans(batch, [lo], [lo], [hi])
    for d, pieces in spans.items():
        for s, e in pieces:
            assert s == batch.starts[d] or batch.data[s - 1 : s] == b"\n"
            assert e == batch.ends[d] or tokenizer.PIECE_BREAK.match(batch.data, e - 1)
    assert any(s <= lo[0] and hi[0] <= e for s, e in spans[0])
    assert spans[1] == [(int(batch.starts[1]) + 2, int(batch.ends[1]))]  # from the break after "x\n" to the end


def test_many_hits_on_one_long_line_are_snapped_without_rescanning(monkeypatch):
    """A long line with no piece break and many separate hits: one span, and the snapping
    searches the text once, not once per hit."""
    from herd import tokenizer

    line = (b"alpha beta gamma " + b" " * 300) * 5000
    batch = scanning.Batch.of([line])
    calls = {"before": 0, "after": 0}
    real_before, real_after = tokenizer.break_before, tokenizer.break_after

    def before(*args):
        calls["before"] += 1
        return real_before(*args)

    def after(*args):
        calls["after"] += 1
        return real_after(*args)

    monkeypatch.setattr(tokenizer, "break_before", before)
    monkeypatch.setattr(tokenizer, "break_after", after)
    lo = batch.starts[0] + np.arange(0, len(line) - 20, 317)
    assert scanning._token_spans(batch, [lo], [lo], [lo + 10]) == {0: [(int(batch.starts[0]), int(batch.ends[0]))]}
    assert calls == {"before": 1, "after": 1}
    assert tokenizer.break_before(b"ab\ncd\nef", 7, 4) == 6 and tokenizer.break_before(b"ab\ncd", 5, 4) == 4


def test_word_spans_hold_whole_words_of_one_document():
    docs = [b"Alpha beta, GAMMA!", b"delta epsilon"]
    collapsed = scanning._Collapsed.of(scanning.Batch.of(docs))
    start0, start1 = int(collapsed.starts[0]), int(collapsed.starts[1])
    # a span from the middle of 'beta' to the middle of 'gamma', and one across both documents
    pos, k = np.array([start0 + 8, start1 - 3]), np.array([2, 5])
    words = collapsed.words([pos], [k], [np.array([start0 + 8, start1 - 3])], [np.array([start0 + 13, start1 + 3])], [])
    assert words == [[b"beta", b"gamma"], [b"delta"]]
    assert collapsed.data[start0 : int(collapsed.ends[0])].split() == [b"alpha", b"beta", b"gamma"]


def test_value_lookup_finds_every_anchor_and_nothing_else():
    rng = np.random.default_rng(5)
    values = np.unique(rng.integers(0, 2**64 - 1, 50_000, dtype=np.uint64))
    z = np.zeros(len(values), np.int32)
    p = a.Pass(
        a.RAW,
        8,
        4,
        values,
        np.arange(len(values) + 1),
        np.zeros(len(values), np.int8),
        z,
        np.zeros(len(values), np.uint64),
        np.zeros(len(values), np.uint8),
        z,
        z,
    )
    assert np.array_equal(p.lookup(values), np.arange(len(values)))
    others = rng.integers(0, 2**64 - 1, 50_000, dtype=np.uint64)
    others = others[~np.isin(others, values)]
    assert (p.lookup(others) == -1).all()
    assert (p.lookup(values[::-1]) == np.arange(len(values))[::-1]).all()
