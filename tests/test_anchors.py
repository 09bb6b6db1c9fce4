"""Anchors: every n-gram holds one, and the spans found cover every occurrence."""
import random

import numpy as np

from herd import anchors


def test_every_ngram_holds_exactly_one_anchor():
    rng = random.Random(0)
    examples = [[bytes([rng.randrange(97, 100)]) * rng.randint(1, 3) for _ in range(rng.randint(0, 30))] for _ in range(40)]
    search = anchors.AnchorSearch.build(examples, n=8, m=5)
    patterns = set(search.patterns)
    for units in examples:
        for k in range(len(units) - 7):
            held = [j for j in range(k, k + 4) if j % 4 == 0]
            assert len(held) == 1 and b"".join(units[held[0]:held[0] + 5]) in patterns


def test_spans_cover_every_occurrence_of_every_ngram():
    rng = random.Random(1)
    alphabet = [b"a", b"b", b"ab", b"ba", b"c"]
    examples = [[rng.choice(alphabet) for _ in range(rng.randint(8, 20))] for _ in range(10)]
    search = anchors.AnchorSearch.build(examples, n=8, m=5)
    ngrams = {b"".join(u[k:k + 8]) for u in examples for k in range(len(u) - 7)}
    for _ in range(200):
        text = b"".join(rng.choice(alphabet + [b"x"]) for _ in range(rng.randint(20, 120)))
        text += rng.choice(sorted(ngrams))  # at least one occurrence
        spans = search.spans(text, lambda d, p, floor=0: p, lambda d, p: p)
        assert spans == sorted(spans) and all(b1 < a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
        for g in ngrams:
            start = text.find(g)
            while start >= 0:
                assert any(a <= start and start + len(g) <= b for a, b in spans), (text, g)
                start = text.find(g, start + 1)


def test_word_anchors_with_separators_and_reach():
    examples = [[b"the", b"quick", b"brown", b"fox", b"jumps", b"over", b"the", b"lazy", b"dog", b"again", b"and", b"again", b"today"]]
    search = anchors.AnchorSearch.build(examples, n=13, m=5, sep=b" ", edge=b" ")
    assert search.patterns == [b" the quick brown fox jumps "]
    assert int(search.before[0]) == 0 and int(search.after[0]) == len(b"over the lazy dog again and again today ")
    text = b" so " + b" ".join(examples[0]) + b" end "
    (a, b), = search.spans(text, anchors.space_before, anchors.space_after)
    assert text[a:b] == b" " + b" ".join(examples[0]) + b" "
    assert anchors.AnchorSearch.build([[b"short"]], n=13, m=5) is None
    assert np.array_equal(search.before, [0])


def test_many_hits_on_one_long_line_are_snapped_without_rescanning():
    """A long line with no piece break and many separate anchor hits: one span, and the
    snapping searches the text once, not once per hit."""
    from herd import contamination, tokenizer

    sentence = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi"
    index = contamination.BenchmarkIndex([contamination.Example("x", sentence)])
    line = ((sentence + " " * 300) * 5000).encode()  # hits far apart, all on one line
    calls = {"before": 0, "after": 0}

    def before(data, pos, floor=0):
        calls["before"] += 1
        return tokenizer.break_before(data, pos, floor)

    def after(data, pos):
        calls["after"] += 1
        return tokenizer.break_after(data, pos)

    token_search, _ = index.searches()
    assert token_search.spans(line, before, after) == [(0, len(line))]
    assert calls == {"before": 1, "after": 1}
    assert tokenizer.break_before(b"ab\ncd\nef", 7, floor=4) == 6 and tokenizer.break_before(b"ab\ncd", 5, floor=4) == 4
