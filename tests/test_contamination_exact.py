"""The scanner is exact: on adversarial text, in every shard format, for n from 1 to 13, with
every engine and plan, its scores equal a brute-force reference that tokenizes every
document whole and scores the paper's way (written here from scratch, with Python sets of
token and word tuples, sharing no code with the scanner but the tokenizer)."""

import gzip
import json
import random
import re
import sys

import numpy as np
import pytest

from herd.analyses.contamination import scanner as c
from herd.record import tokenizer

# ------------------------------------------------------------------ the reference


def _utf8(text: str) -> bytes:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def _words(text: str) -> list[bytes]:
    return re.findall(rb"[a-z0-9]+", _utf8(text.lower()))


def reference_documents(paths, text_field="text") -> list[str]:
    """The documents of each shard, read independently of the scanner: a text file is its
    bytes decoded as UTF-8 (no newline translation), a JSONL line's field, a Parquet row's."""
    docs = []
    for p in paths:
        name = p.name
        if name.endswith((".jsonl", ".jsonl.gz")):
            raw = gzip.decompress(p.read_bytes()) if name.endswith(".gz") else p.read_bytes()
            docs += [json.loads(line)[text_field] for line in raw.split(b"\n") if line.strip()]
        elif name.endswith(".parquet"):
            import pyarrow.parquet as pq

            docs += [t for t in pq.read_table(p).column(text_field).to_pylist() if t]
        else:
            docs.append(p.read_bytes().decode("utf-8"))
    return docs


def reference_scores(examples, docs, n):
    """TOKEN-MATCH, LONGEST-MATCH and the 13-gram word rule by brute force."""
    enc = tokenizer.load()
    corpus_tokens, corpus_words = set(), set()
    for d in docs:
        t = enc.encode_ordinary(d)
        corpus_tokens |= {tuple(t[i : i + n]) for i in range(len(t) - n + 1)}
        w = _words(d)
        corpus_words |= {tuple(w[i : i + 13]) for i in range(len(w) - 12)}
    rows = []
    for ex in examples:
        t = enc.encode_ordinary(ex.text)
        covered = [False] * len(t)
        for i in range(len(t) - n + 1):
            if tuple(t[i : i + n]) in corpus_tokens:
                covered[i : i + n] = [True] * n
        longest = run = 0
        for x in covered:
            run = run + 1 if x else 0
            longest = max(longest, run)
        w = _words(ex.text)
        rows.append(
            (
                ex.id,
                len(t),
                sum(covered) / len(t) if t else 0.0,
                longest,
                any(tuple(w[i : i + 13]) in corpus_words for i in range(len(w) - 12)),
            )
        )
    return rows


def assert_same(result, expected):
    got = list(result.scores.itertuples(index=False, name=None))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g[0] == e[0] and g[1] == e[1] and g[3] == e[3] and bool(g[4]) == e[4], (g, e)
        assert g[2] == pytest.approx(e[2], abs=1e-12), (g, e)


# ------------------------------------------------------------------ adversarial text

PIECES = [
    "The quick brown fox jumps over the lazy dog",
    "we've",
    "DON'T",
    "I'll",
    "it's",
    "o'clock",
    "  ",
    "\t",
    "\r\n",
    "\r",
    "\n",
    "\n\r",
    "\n\n\n",
    "\r\r",
    " \r\n ",
    "\u00a0",
    "\u2003",
    "\u3000",
    "1234567",
    "3.14159",
    "0007",
    "42",
    "😀",
    "👩‍💻",
    "漢字テキスト",
    "e\u0301",
    "Ünïcödé",
    "İstanbul",
    "\u212aelvin",
    "straße",
    "ΣΊΣΥΦΟΣ",
    "---",
    "...",
    "!!",
    "def f(x):\n    return x + 1\n",
    "    ",
    "\n    ",
    "#",
    "<|end_of_text|>",
    "café",
    "naïve",
    "über",
    "x",
    "Y",
]


def _text(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(["", " ", "  ", "\n", "\r\n", ", "]) for _ in range(k))


def adversarial(rng: random.Random, n_examples: int = 12):
    """Examples, and documents that hold them whole, in part, at their edges, with their case
    and spacing changed, between pieces that stress the tokenizer and the word rule."""
    examples = [c.Example(f"E{i}", _text(rng, rng.randint(2, 40))) for i in range(n_examples)]
    examples += [
        c.Example(
            f"unplanted{i}",
            " ".join("".join(rng.choice("qxzjkv0123") for _ in range(rng.randint(3, 9))) for _ in range(20)),
        )
        for i in range(2)
    ]
    examples.append(c.Example("short", "ab"))
    examples.append(c.Example("empty", ""))
    examples.append(c.Example("same-as-0", examples[0].text))
    docs = []
    for i, ex in enumerate(examples[:n_examples]):
        t = ex.text
        cut = rng.randint(0, len(t))
        docs += [
            t,  # a document that is exactly the example (edges on both sides)
            _text(rng, 5) + t,  # the example at the document's end
            t[:cut] + _text(rng, 3),  # a part at the start
            _text(rng, 4) + t[cut:] + _text(rng, 2),  # another part inside
            " ".join(t.upper().split()) + "!?",  # case and spacing changed (the word rule sees through)
            t.replace("\n", "\r\n"),
        ]  # the same with CRLF
    docs += [_text(rng, rng.randint(0, 4)) for _ in range(10)]  # short documents, some shorter than n
    docs.append("")
    docs.append(_text(rng, 3) + "word " * 40000 + examples[1].text)  # a long line, the example at its end
    return examples, docs


def write_shards(docs, folder, rng):
    """The documents spread over every shard format: text files, JSONL, gzipped JSONL, Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    order = list(range(len(docs)))
    rng.shuffle(order)
    groups = [order[i::4] for i in range(4)]
    for j, i in enumerate(groups[0]):
        (folder / f"doc{j}.txt").write_bytes(docs[i].encode("utf-8"))
    (folder / "part.jsonl").write_text("".join(json.dumps({"text": docs[i]}) + "\n" for i in groups[1]))
    with gzip.open(folder / "part.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("".join(json.dumps({"text": docs[i]}) + "\n" for i in groups[2]))
    pq.write_table(pa.table({"text": [docs[i] for i in groups[3]]}), folder / "part.parquet", row_group_size=3)
    return sorted(folder.iterdir())


def edge_cases(rng: random.Random, cases: int = 12) -> list[tuple[c.Example, list[str]]]:
    """Benchmarks of one example whose n-grams open or close a document beside a neighbour of
    long words, each with its two documents in order (two one-line text files, so that they
    share a batch): an example of long words then 13 short ones, whose last 13 words open the
    second document, the first holding some of its long words (the issue's reproduction); and
    the mirror image, the example's first 13 words closing the first document, long words
    opening the second."""
    out = []
    for i in range(cases):
        long = [
            "".join(rng.choice("abcdefghij") for _ in range(rng.randint(15, 40))) for _ in range(rng.randint(1, 12))
        ]
        short = ["".join(rng.choice("klmnopqrst") for _ in range(rng.randint(1, 4))) for _ in range(13)]
        some_long = " ".join(long[: rng.randint(1, len(long))])
        if i % 2 == 0:
            docs = [some_long, " ".join(short) + rng.choice(["", " tail", "\n"])]
            out.append((c.Example(f"edge-open{i}", " ".join(long + short)), docs))
        else:
            docs = [rng.choice(["", "head ", "x\n"]) + " ".join(short), some_long]
            out.append((c.Example(f"edge-close{i}", " ".join(short + long)), docs))
    return out


@pytest.fixture(scope="module")
def edge_corpora(tmp_path_factory):
    """The edge cases, each as (its one example, its two text files, the reference's scores at n = 8)."""
    folder = tmp_path_factory.mktemp("edges")
    out = []
    for j, (example, docs) in enumerate(edge_cases(random.Random(27))):
        paths = [folder / f"{j:02d}a.txt", folder / f"{j:02d}b.txt"]
        for path, doc in zip(paths, docs):
            path.write_bytes(doc.encode("utf-8"))
        out.append(([example], paths, reference_scores([example], docs, 8)))
    return out


@pytest.fixture(scope="module")
def fuzz_corpus(tmp_path_factory):
    rng = random.Random(20240723)
    examples, docs = adversarial(rng)
    folder = tmp_path_factory.mktemp("fuzz")
    paths = write_shards(docs, folder, rng)
    return examples, paths, reference_documents(paths)


@pytest.mark.parametrize("n", range(1, 14))
def test_scores_equal_the_brute_force_reference_for_every_n(fuzz_corpus, n):
    examples, paths, docs = fuzz_corpus
    expected = reference_scores(examples, docs, n)
    assert any(e[2] > 0 for e in expected) and any(e[2] < 1 for e in expected)  # not vacuous
    for plan in ("anchored", "full", "auto"):
        assert_same(c.scan(examples, paths, n=n, options=c.ScanOptions(plan=plan)), expected)


@pytest.mark.parametrize("engine", ["workers", "dask"])
def test_every_engine_equals_the_reference(fuzz_corpus, engine):
    examples, paths, docs = fuzz_corpus
    for n in (3, 8):
        assert_same(
            c.scan(examples, paths, n=n, options=c.ScanOptions(engine=engine, workers=2, plan="anchored")),
            reference_scores(examples, docs, n),
        )


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["workers", "dask"])
@pytest.mark.parametrize("plan", ["auto", "full"])
def test_every_engine_and_plan_equals_the_reference(fuzz_corpus, engine, plan):
    examples, paths, docs = fuzz_corpus
    assert_same(
        c.scan(examples, paths, n=8, options=c.ScanOptions(engine=engine, workers=2, plan=plan)),
        reference_scores(examples, docs, 8),
    )


@pytest.mark.parametrize(
    "engine", ["serial", pytest.param("workers", marks=pytest.mark.slow), pytest.param("dask", marks=pytest.mark.slow)]
)
def test_matches_at_document_edges_are_found_by_every_plan_and_engine(edge_corpora, engine):
    """The issue's reproduction and its mirror image: a 13-gram (and 8-gram) match that opens or
    closes a document beside one of long words is found by every plan and engine, as by the
    reference (the anchored plan once gave the hit to the neighbouring document)."""
    assert all(expected[0][4] for _, _, expected in edge_corpora)  # every case is a 13-gram match
    for examples, paths, expected in edge_corpora:
        for plan in ("anchored", "full") if engine == "serial" else ("anchored", "auto"):
            assert_same(c.scan(examples, paths, options=c.ScanOptions(engine=engine, workers=2, plan=plan)), expected)


def test_many_seeds_at_the_papers_n(tmp_path):
    """Fresh adversarial corpora, each in every format, at n = 8 and both exact plans."""
    for seed in range(6):
        rng = random.Random(seed)
        examples, docs = adversarial(rng, n_examples=6)
        paths = write_shards(docs, tmp_path / f"s{seed}", rng)
        expected = reference_scores(examples, reference_documents(paths), 8)
        assert any(e[4] for e in expected)  # the word rule fires somewhere
        for plan in ("anchored", "full"):
            assert_same(c.scan(examples, paths, options=c.ScanOptions(plan=plan)), expected)


def test_real_code_with_planted_copies_matches_the_reference(tmp_path):
    """Real text: standard-library modules with HumanEval prompts planted whole, in part, and
    with spacing and case changed; the anchored scan tokenizes only a small part of it."""
    import sysconfig
    from pathlib import Path

    from herd.analyses.contamination import planting
    from herd.record import texts

    examples = c.read_benchmark(texts.humaneval_path(), ["prompt"], "task_id")
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:80]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in stdlib:
        (corpus / f.name).write_bytes(f.read_bytes())
    planting.plant(
        examples, [f.read_text(encoding="utf-8") for f in stdlib], corpus / "planted", n_whole=8, n_part=8, seed=5
    )
    (corpus / "changed.txt").write_text(
        "".join(" ".join(ex.text.upper().split()) + "  ...  " for ex in examples[40:45])
    )
    paths = c.corpus_shards([corpus])
    result = c.scan(examples, paths, options=c.ScanOptions(plan="anchored"))
    expected = reference_scores(examples, reference_documents(paths), 8)
    assert_same(result, expected)
    assert sum(e[2] > 0.9 for e in expected) >= 8 and sum(e[4] for e in expected) >= 13  # planted copies are found
    assert result.found.tokenized_bytes < 0.2 * result.found.bytes  # and most of the text was never tokenized


# ------------------------------------------------------------------ newlines, every format


CRLF_DOC = "alpha beta gamma delta\r\nepsilon zeta eta theta\r\n"
LONE_CR_DOC = "alpha beta gamma delta\repsilon zeta eta theta\r"


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "jsonl.gz", "parquet"])
@pytest.mark.parametrize("doc", [CRLF_DOC, LONE_CR_DOC], ids=["crlf", "lone-cr"])
def test_carriage_returns_are_kept_in_every_shard_format(tmp_path, fmt, doc):
    """A CRLF or lone-CR document matches the example with the same bytes, not the one with
    plain newlines (reading with newline translation did the reverse)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / f"doc.{fmt}"
    if fmt == "txt":
        path.write_bytes(doc.encode())
    elif fmt == "parquet":
        pq.write_table(pa.table({"text": [doc]}), path)
    else:
        line = (json.dumps({"text": doc}) + "\n").encode()
        path.write_bytes(gzip.compress(line) if fmt.endswith(".gz") else line)
    assert list(c.read_shard(path)) == [doc]
    examples = [c.Example("same", doc), c.Example("lf", doc.replace("\r\n", "\n").replace("\r", "\n"))]
    s = c.scan(examples, [path]).scores.set_index("id")
    assert s.loc["same", "token_match"] == 1.0 and s.loc["lf", "token_match"] < 1.0


def test_the_issue_reproduction_scores_the_crlf_example_not_the_lf_one(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "doc.txt").write_bytes(b"alpha beta gamma delta\r\nepsilon zeta eta theta\r\n")
    bench = tmp_path / "b.jsonl"
    bench.write_text(
        json.dumps({"task_id": "crlf", "prompt": CRLF_DOC})
        + "\n"
        + json.dumps({"task_id": "lf", "prompt": CRLF_DOC.replace("\r\n", "\n")})
        + "\n"
    )
    s = c.scan(c.read_benchmark(bench, ["prompt"], "task_id"), [corpus]).scores.set_index("id")
    assert s.loc["crlf", "token_match"] == 1.0 and s.loc["lf", "token_match"] == 0.0


# ------------------------------------------------------------------ the word rule's folding


def test_fold_exceptions_are_every_character_whose_lower_case_is_ascii():
    """Folding bytes gives the word rule's words except for these characters; the list is
    complete (every code point checked)."""
    found = []
    for cp in range(0x80, sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if any(x < "\x80" and x.isalnum() for x in ch.lower()):
            found.append(ch)
    assert tuple(found) == c.hashing.FOLD_EXCEPTIONS


def test_folded_words_equal_the_lower_cased_words():
    rng = random.Random(7)
    for _ in range(300):
        text = _text(rng, rng.randint(0, 12))
        data = c.utf8(text)
        assert c.hashing.document_words(data) == _words(text)
        assert c.hashing.normalized_bytes(data, text) == c.normalized_words(text)


def test_segment_hashes_never_join_two_segments():
    ids = np.arange(20)
    lengths = np.array([5, 0, 7, 8])
    got = c.segment_hashes(ids, lengths, 3)
    parts = np.split(ids, np.cumsum(lengths)[:-1])
    assert np.array_equal(got, np.concatenate([c.ngram_hashes(p, 3) for p in parts]))


def _late_full_plan(monkeypatch, delay: float = 0.3):
    """The plan chosen late, and chosen full: local workers start meanwhile with the anchored plan."""
    import time

    from herd.analyses.contamination.scanner import scanning

    def late(index, sample, choice="auto", found_anchors=None):
        time.sleep(delay)
        return scanning.Plan("full", "chosen late, for the test"), None

    monkeypatch.setattr(scanning, "plan", late)


@pytest.mark.parametrize("engine", ["workers", "dask"])
def test_workers_started_before_the_plan_is_chosen_stay_exact(fuzz_corpus, engine, monkeypatch):
    """Local workers scan with the anchored plan until the plan is chosen; here it comes late
    and is the full plan, so the scan mixes both, and still equals the reference."""
    examples, paths, docs = fuzz_corpus
    _late_full_plan(monkeypatch)
    result = c.scan(examples, paths, n=8, options=c.ScanOptions(engine=engine, workers=2))
    assert result.found.plan.name == "full"
    assert_same(result, reference_scores(examples, docs, 8))


def test_a_provisional_scanner_finds_what_the_chosen_one_does(fuzz_corpus):
    from herd.analyses.contamination.scanner import scanning

    examples, paths, _ = fuzz_corpus
    index = c.BenchmarkIndex(examples)
    sample = c.corpus_sample(paths)
    chosen = scanning.Scanner.deferred(index, sample, "anchored").ready()
    early = scanning.Scanner.deferred(index, sample, "anchored")
    provisional = early.following(None)
    assert early.plan is None and provisional.plan.name == "anchored" and chosen.plan.name == "anchored"
    # the same anchors, made from the same sample in another place
    for a, b in zip(provisional.anchors.passes, chosen.anchors.passes, strict=True):
        assert (
            (a.k, a.stride) == (b.k, b.stride) and np.array_equal(a.code, b.code) and np.array_equal(a.table, b.table)
        )
    assert early.following("full").plan.name == "full" and early.following("full").anchors is None
    expected = chosen.shards(paths)
    for scanner in (provisional, early.following("full")):
        found = scanner.shards(paths)
        assert np.array_equal(found.tokens, expected.tokens) and np.array_equal(found.words, expected.words)


@pytest.mark.skipif(sys.platform == "win32", reason="local workers fork where the platform can")
@pytest.mark.parametrize("engine", ["workers", "dask"])
def test_local_workers_are_not_sent_the_scanner(fuzz_corpus, engine, monkeypatch):
    """Forked local workers inherit the scanner and its tables: pickling one fails the scan."""
    from herd.analyses.contamination.scanner import scanning

    def refuse(self):
        raise AssertionError("the scanner was pickled")

    monkeypatch.setattr(scanning.Scanner, "__getstate__", refuse)
    examples, paths, docs = fuzz_corpus
    assert_same(
        c.scan(examples, paths, n=8, options=c.ScanOptions(engine=engine, workers=2)),
        reference_scores(examples, docs, 8),
    )


# ------------------------------------------------------------------ where the scan may cut text


def test_piece_breaks_split_tokenization_exactly():
    """Wherever hashing.BREAK says the pre-tokenizer always ends a piece, the tokens of the text
    are the tokens of the two parts: checked at every such position of adversarial text and of
    real prose and code."""
    import sysconfig
    from pathlib import Path

    enc = tokenizer.load()
    rng = random.Random(3)
    texts = [_text(rng, rng.randint(1, 30)) for _ in range(400)]
    texts.append("a'b 'sx 's 'S 'll x'LL ab12 12ab 1234 a,b a, b a.\nb a. \nb a\n b ( a) )a a(  !a !!  a' 's' ")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    texts += [(stdlib / name).read_text(encoding="utf-8")[:1500] for name in ("textwrap.py", "this.py", "fractions.py")]
    checked = 0
    for text in texts:
        data = c.utf8(text)
        whole = enc.encode_ordinary(text)
        at = np.arange(1, len(data))
        for p in at[c.hashing.breaks_at(np.frombuffer(data, dtype=np.uint8), at)].tolist():
            assert enc.encode_ordinary(data[:p].decode()) + enc.encode_ordinary(data[p:].decode()) == whole, (text, p)
            checked += 1
    assert checked > 5000


def test_a_long_document_in_pieces_holds_every_ngram_the_whole_one_does():
    """A document cut into overlapping pieces (as the scan reads one longer than PIECE_BYTES):
    the n-grams of the pieces are those of the whole document, at every cut."""
    from herd.analyses.contamination.scanner import readers

    rng = random.Random(9)
    examples, docs = adversarial(rng, n_examples=6)
    long = "".join(docs[:40]).encode("utf-8")
    index = c.BenchmarkIndex(examples)
    scanner = c.Scanner(index, c.Plan("full", "test"))
    whole = scanner.batch([long])
    for size in (257, 1000, 4096):
        pieces = list(readers.pieces(long, scanner._overlap(), size))
        assert len(pieces) >= 2 and long.startswith(pieces[0]) and long.endswith(pieces[-1])
        got = scanner.batch(pieces)
        assert np.array_equal(got[0], whole[0]) and np.array_equal(got[1], whole[1]), size
