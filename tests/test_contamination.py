"""The contamination scanner: scores, engines, planted recall, and every bad input."""

import gzip
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from herd.analyses.contamination import scanner as c

PROMPT_A = (
    "def add_numbers(a: int, b: int) -> int:\n"
    '    """Return the sum of the two integers a and b, without using the plus operator."""\n'
)
PROMPT_B = (
    "def reverse_words(sentence: str) -> str:\n"
    '    """Reverse the order of the words in a sentence while keeping the letters of each word in place."""\n'
)
PROMPT_C = (
    "def count_vowels(text: str) -> int:\n"
    '    """Count how many vowels appear in the given text, treating upper and lower case the same way."""\n'
)


@pytest.fixture
def bench(tmp_path):
    p = tmp_path / "bench.jsonl"
    p.write_text(
        "\n".join(json.dumps({"task_id": f"T/{i}", "prompt": t}) for i, t in enumerate([PROMPT_A, PROMPT_B, PROMPT_C]))
        + "\n"
    )
    return p


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text(
        "Some unrelated prose about gardens and weather.\n" + PROMPT_A + "\nmore text follows here.\n"
    )  # planted whole
    half = PROMPT_B[: len(PROMPT_B) // 2]
    (d / "b.jsonl").write_text(
        json.dumps({"text": "intro " + half}) + "\n" + json.dumps({"text": "nothing to see"}) + "\n"
    )  # planted in part
    (d / "c.py").write_text("import os\nprint(os.getcwd())\n")
    return d


def test_ngram_hashes_are_positional_and_deterministic():
    h = c.ngram_hashes(np.arange(10), 8)
    assert len(h) == 3 and len(set(h.tolist())) == 3
    assert (c.ngram_hashes(np.arange(10), 8) == h).all()
    assert c.ngram_hashes(np.arange(5), 8).size == 0


def test_scores_whole_partial_and_clean(bench, corpus):
    result = c.scan(c.read_benchmark(bench, ["prompt"], "task_id"), [corpus])
    s = result.scores.set_index("id")
    # planted whole: all but the boundary token(s), whose tokenization depends on what follows in the corpus
    assert s.loc["T/0", "token_match"] > 0.95 and s.loc["T/0", "longest_match"] >= s.loc["T/0", "tokens"] - 2
    assert 0.3 < s.loc["T/1", "token_match"] < 0.7
    assert s.loc["T/2", "token_match"] == 0.0 and s.loc["T/2", "longest_match"] == 0
    assert s.loc["T/0", "word13_match"] and not s.loc["T/2", "word13_match"]
    assert result.found.shards == 3 and result.found.documents == 4


def test_serial_workers_and_dask_agree(bench, corpus):
    examples = c.read_benchmark(bench, ["prompt"], "task_id")
    serial = c.scan(examples, [corpus]).scores
    workers = c.scan(examples, [corpus], options=c.ScanOptions(engine="workers", workers=2)).scores
    dask = c.scan(examples, [corpus], options=c.ScanOptions(engine="dask", workers=2)).scores
    pd.testing.assert_frame_equal(serial, workers)
    pd.testing.assert_frame_equal(serial, dask)


def test_parquet_and_gzip_shards(tmp_path, bench):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": [PROMPT_C, "x"]}), tmp_path / "p.parquet")
    with gzip.open(tmp_path / "g.jsonl.gz", "wt") as f:
        f.write(json.dumps({"text": PROMPT_B}) + "\n")
    s = c.scan(
        c.read_benchmark(bench, ["prompt"], "task_id"), [tmp_path / "p.parquet", tmp_path / "g.jsonl.gz"]
    ).scores.set_index("id")
    assert (
        s.loc["T/2", "token_match"] > 0.95 and s.loc["T/1", "token_match"] > 0.95 and s.loc["T/0", "token_match"] == 0.0
    )


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: d, "corpus is empty"),
        (lambda d: d / "missing", "corpus path not found"),
    ],
)
def test_missing_or_empty_corpus(tmp_path, bench, setup, message):
    (tmp_path / "empty").mkdir()
    with pytest.raises(c.ContaminationInputError, match=message):
        c.scan(c.read_benchmark(bench, ["prompt"]), [setup(tmp_path / "empty")])


def test_malformed_jsonl_line_names_file_and_line(tmp_path, bench):
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\n{"text": broken\n')
    with pytest.raises(
        c.ContaminationInputError, match=r"bad\.jsonl, line 2, column 10: not valid JSON \(Expecting value\)"
    ):
        c.scan(c.read_benchmark(bench, ["prompt"]), [tmp_path / "bad.jsonl"])
    result = c.scan(c.read_benchmark(bench, ["prompt"]), [tmp_path / "bad.jsonl"], options=c.ScanOptions(skip_bad=True))
    assert result.found.problems == [f"{tmp_path / 'bad.jsonl'}, line 2, column 10: not valid JSON (Expecting value)"]
    assert result.found.documents == 1


def test_unreadable_shard(tmp_path, bench):
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00\x81 not utf-8")
    with pytest.raises(c.ContaminationInputError, match=r"bin\.txt, line 1, column 1: not valid UTF-8 \(byte 0xff\)"):
        c.scan(c.read_benchmark(bench, ["prompt"]), [tmp_path / "bin.txt"])


def test_benchmark_without_the_field(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_text(json.dumps({"task_id": 1, "question": "x"}) + "\n")
    with pytest.raises(c.ContaminationInputError, match=r"b\.jsonl, line 1: no field 'prompt'"):
        c.read_benchmark(p, ["prompt"])


def test_command_line(tmp_path, bench, corpus):
    out = tmp_path / "scores.csv"
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "herd.contamination",
            "--benchmark",
            str(bench),
            "--corpus",
            str(corpus),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "13-gram word rule: 1 examples" in ok.stdout and len(pd.read_csv(out)) == 3
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "herd.contamination",
            "--benchmark",
            str(bench),
            "--corpus",
            str(tmp_path / "nope"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "corpus path not found" in bad.stderr


def test_found_sets_compose(bench, corpus, tmp_path):
    examples = c.read_benchmark(bench, ["prompt"], "task_id")
    index = c.BenchmarkIndex(examples)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "x.txt").write_text(PROMPT_C)
    together = c.scan_hashes(index, [corpus, extra])
    apart = c.scan_hashes(index, [corpus]) | c.scan_hashes(index, [extra])
    assert (together.tokens == apart.tokens).all() and (together.words == apart.words).all()
    assert c.score(index, apart.tokens, apart.words).equals(c.score(index, together.tokens, together.words))


def test_planting_and_auc(tmp_path, bench):
    from herd.analyses.contamination import planting

    examples = c.read_benchmark(bench, ["prompt"], "task_id")
    truth = planting.plant(examples, ["filler text " * 300], tmp_path / "planted", n_whole=1, n_part=1, seed=3)
    assert sorted(truth["planted"]) == ["none", "part", "whole"]
    assert len(list((tmp_path / "planted").iterdir())) == 2
    assert planting.auc([3, 4], [1, 2]) == 1.0 and planting.auc([1], [1]) == 0.5


def test_threshold_selection_finds_gains_in_pure_noise():
    from herd.analyses.contamination import selection

    null = selection.simulate(n=300, accuracies=[0.6, 0.7, 0.8], thresholds=np.linspace(0.1, 0.9, 9), reps=200, seed=1)
    picked = null[null["picked"]]
    assert 0 < len(picked) < len(null)  # sometimes a "significant" gain appears by chance
    assert (picked[["gain_0", "gain_1", "gain_2"]].max(axis=1) > 0).all()
    again = selection.simulate(n=300, accuracies=[0.6, 0.7, 0.8], thresholds=np.linspace(0.1, 0.9, 9), reps=200, seed=1)
    pd.testing.assert_frame_equal(null, again)


def test_dask_client_runs_the_same_scan(bench, corpus):
    from distributed import Client

    examples = c.read_benchmark(bench, ["prompt"], "task_id")
    with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        on_client = c.scan(examples, [corpus], options=c.ScanOptions(engine="dask", client=client)).scores
    pd.testing.assert_frame_equal(on_client, c.scan(examples, [corpus]).scores)


def test_normalized_words_match_the_regular_expression_rule():
    import re

    for text in ["Hello, World!  x=1;y_2", "İstanbul KELVIN \u212a straße", "", "  \n\t ", "a\ud800b"]:
        expected = re.findall(r"[a-z0-9]+", text.lower().encode("utf-16", "surrogatepass").decode("utf-16", "replace"))
        assert c.words(text) == [w.encode() for w in expected]
        n = c.normalized_words(text)
        assert n.startswith(b" ") and n.endswith(b" ") and b"  " not in n


def test_scanner_pickles_and_rebuilds_its_tables(bench, corpus):
    """A scanner travels to worker processes by pickle and finds the same there."""
    import pickle

    index = c.BenchmarkIndex(c.read_benchmark(bench, ["prompt"], "task_id"))
    scanner = c.scanner_for(index, c.corpus_shards([corpus]), choice="anchored")
    again = pickle.loads(pickle.dumps(scanner))
    here, there = scanner.shards(c.corpus_shards([corpus])), again.shards(c.corpus_shards([corpus]))
    assert np.array_equal(here.tokens, there.tokens) and here.tokens.size > 0
    assert np.array_equal(here.words, there.words) and here.words.size > 0


def test_scan_document_equals_tokenizing_the_document_whole(bench):
    from herd.record import tokenizer

    index = c.BenchmarkIndex(c.read_benchmark(bench, ["prompt"], "task_id"))
    enc = tokenizer.load()
    for doc in ["prose first.\n" + PROMPT_A + "\r\nand after", PROMPT_B.upper(), "", "nothing here"]:
        got = c.scan_document(doc, index)
        full_tokens = c.members(c.ngram_hashes(enc.encode_ordinary(doc), index.n), index.all_tokens)
        full_words = c.members(c.ngram_hashes(c.hashing.keys_of_words(c.words(doc)), c.WORD_N), index.all_words)
        assert np.array_equal(got.tokens, full_tokens) and np.array_equal(got.words, full_words)
        assert got.bytes == len(c.utf8(doc))


def test_plan_is_chosen_from_a_sample_and_reported(bench, corpus):
    examples = c.read_benchmark(bench, ["prompt"], "task_id")
    auto = c.scan(examples, [corpus]).found.plan
    assert auto.name in ("anchored", "full") and auto.sample_bytes > 0 and auto.anchors > 0
    assert auto.anchored_mb_s > 0 and auto.full_mb_s > 0 and 0 <= auto.share_tokenized <= 1
    assert "on a" in auto.describe() and auto.name in auto.describe()
    forced = c.scan(examples, [corpus], options=c.ScanOptions(plan="full"))
    assert forced.found.plan.name == "full" and forced.found.plan.reason == "forced"
    assert forced.found.tokenized_bytes == forced.found.bytes
    pd.testing.assert_frame_equal(
        forced.scores, c.scan(examples, [corpus], options=c.ScanOptions(plan="anchored")).scores
    )


def test_parquet_shards_stream_and_fail_clearly(tmp_path, bench):
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [f"document {i}" for i in range(3000)]
    pq.write_table(pa.table({"text": texts, "other": list(range(3000))}), tmp_path / "many.parquet", row_group_size=500)
    assert list(c.read_shard(tmp_path / "many.parquet")) == texts
    with pytest.raises(c.ContaminationInputError, match=r"many\.parquet: no column 'body' \(columns: text, other\)"):
        list(c.read_shard(tmp_path / "many.parquet", text_field="body"))
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(c.ContaminationInputError, match=r"broken\.parquet: unreadable .*not a readable Parquet file"):
        c.scan(c.read_benchmark(bench, ["prompt"]), [tmp_path / "broken.parquet"])
    problems = []
    assert (
        list(c.read_shard(tmp_path / "broken.parquet", skip_bad=True, problems=problems)) == [] and len(problems) == 1
    )


@pytest.mark.parametrize("engine", ["serial", "workers", "dask"])
def test_progress_bar_counts_every_shard(bench, corpus, engine, capsys):
    found = c.scan_hashes(
        c.BenchmarkIndex(c.read_benchmark(bench, ["prompt"], "task_id")),
        [corpus],
        options=c.ScanOptions(engine=engine, progress=True),
    )
    err = capsys.readouterr().err
    assert found.shards == 3 and f"scanning ({engine})" in err and "3/3" in err
