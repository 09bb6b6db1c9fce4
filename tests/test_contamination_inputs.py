"""Bad input to the scanner: each gets exit code 2 and one line naming the file and line (or
the option), never a traceback; --skip-bad skips exactly what is bad and says where; the
output is checked before the scan and written atomically. And the package keeps the public
API and command line it had as one module."""

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from herd.analyses.contamination import scanner as c

PROMPT = (
    "def add(a: int, b: int) -> int:\n"
    '    """Return the sum of a and b, two integers given by the caller of this function."""\n'
)


@pytest.fixture
def bench(tmp_path):
    p = tmp_path / "bench.jsonl"
    p.write_text(json.dumps({"task_id": "T/0", "prompt": PROMPT}) + "\n")
    return p


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text("Some prose.\n" + PROMPT)
    return d


def cli(*args, cwd=None):
    done = subprocess.run(
        [sys.executable, "-m", "herd.contamination", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )
    return done.returncode, done.stdout, done.stderr


def assert_one_line_error(code, err, *needles):
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("contamination: error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, err)


# ------------------------------------------------------------------ --skip-bad


@pytest.mark.slow
def test_skip_bad_skips_exactly_the_bad_line_and_names_it(tmp_path, bench):
    """3,000 JSONL lines with a byte that is not UTF-8 on line 2,500: 2,999 documents are
    scanned, and the report names that file and line (it used to drop the rest of the shard)."""
    lines = [json.dumps({"text": f"document number {i} " + ("x" * 50)}).encode() for i in range(3000)]
    lines[2499] = b'{"text": "bad \xff byte"}'
    shard = tmp_path / "big.jsonl"
    shard.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "s.csv"
    code, stdout, err = cli("--benchmark", bench, "--corpus", shard, "--out", out, "--skip-bad")
    assert code == 0, err
    assert "scanned 2,999 documents" in stdout
    assert f"skipped 1 bad input(s):\n  {shard}, line 2500, column 15: not valid UTF-8 (byte 0xff)" in stdout
    code, _, err = cli("--benchmark", bench, "--corpus", shard, "--out", out)
    assert_one_line_error(code, err, f"{shard}, line 2500, column 15: not valid UTF-8")


def test_skip_bad_reports_each_bad_line_and_reads_the_rest(tmp_path, bench):
    shard = tmp_path / "mixed.jsonl"
    shard.write_bytes(b'{"text": "one"}\n[1, 2]\n{"text": "three"}\n{"other": 4}\n{"text": broken\n{"text": "six"}\n')
    problems = []
    docs = list(c.read_shard(shard, skip_bad=True, problems=problems))
    assert docs == ["one", "three", "six"]
    assert problems == [
        f"{shard}, line 2: not a JSON object (found list: [1, 2])",
        f"{shard}, line 4: no field 'text'",
        f"{shard}, line 5, column 10: not valid JSON (Expecting value)",
    ]


def test_text_shard_that_is_not_utf8_names_its_line_and_column(tmp_path):
    shard = tmp_path / "t.txt"
    shard.write_bytes(b"fine\nstill fine\nbad \xc3( here\n")
    with pytest.raises(c.ContaminationInputError, match=r"t\.txt, line 3, column 5: not valid UTF-8 \(byte 0xc3\)"):
        list(c.read_shard(shard))
    problems = []
    assert list(c.read_shard(shard, skip_bad=True, problems=problems)) == [] and len(problems) == 1


def test_damaged_gzip_shard_names_the_line_where_it_broke(tmp_path):
    data = gzip.compress(b"".join(json.dumps({"text": f"doc {i}"}).encode() + b"\n" for i in range(2000)))
    shard = tmp_path / "cut.jsonl.gz"
    shard.write_bytes(data[: len(data) // 2])
    with pytest.raises(c.ContaminationInputError, match=r"cut\.jsonl\.gz, line \d+: not a readable gzip file"):
        list(c.read_shard(shard))
    problems = []
    docs = list(c.read_shard(shard, skip_bad=True, problems=problems))
    assert 0 < len(docs) < 2000 and len(problems) == 1


# ------------------------------------------------------------------ the output


def test_output_into_a_missing_folder_fails_before_the_scan(tmp_path, bench, corpus):
    out = tmp_path / "no" / "such" / "s.csv"
    code, stdout, err = cli("--benchmark", bench, "--corpus", corpus, "--out", out)
    assert_one_line_error(code, err, f"--out {out}: the folder {out.parent} does not exist")
    assert "scanned" not in stdout and not out.parent.exists()


@pytest.mark.parametrize(
    "name, message", [("s.txt", "use a .csv or .parquet file name"), ("folder.csv", "is a folder")]
)
def test_output_name_is_checked(tmp_path, bench, corpus, name, message):
    (tmp_path / "folder.csv").mkdir()
    code, _, err = cli("--benchmark", bench, "--corpus", corpus, "--out", tmp_path / name)
    assert_one_line_error(code, err, message)


def test_output_is_written_atomically(tmp_path, bench, corpus, monkeypatch):
    """A failure while writing leaves neither a partial file nor the temporary one."""
    from herd.analyses.contamination.scanner import __main__ as cli_module

    out = tmp_path / "s.csv"
    out.write_text("the previous scores\n")

    def broken_writerows(self, rows):
        raise OSError(28, "No space left on device")

    import csv

    monkeypatch.setattr(
        csv,
        "writer",
        lambda f, **kw: type("W", (), {"writerow": lambda self, r: None, "writerows": broken_writerows})(),
    )
    assert cli_module.main(["--benchmark", str(bench), "--corpus", str(corpus), "--out", str(out)]) == 2
    assert out.read_text() == "the previous scores\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench.jsonl", "corpus", "s.csv"]
    monkeypatch.undo()
    assert cli_module.main(["--benchmark", str(bench), "--corpus", str(corpus), "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 1


def test_parquet_output(tmp_path, bench, corpus):
    out = tmp_path / "s.parquet"
    code, _, err = cli("--benchmark", bench, "--corpus", corpus, "--out", out)
    assert code == 0, err
    got = pd.read_parquet(out)
    assert (
        list(got.columns) == ["id", "tokens", "token_match", "longest_match", "word13_match"]
        and got["token_match"][0] > 0.9
    )


# ------------------------------------------------------------------ options and benchmark files


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--n", "0"], "argument --n: must be at least 1 (got 0)"),
        (["--n", "-1"], "argument --n: must be at least 1 (got -1)"),
        (["--n", "eight"], "argument --n: must be a whole number (got 'eight')"),
        (["--workers", "0", "--engine", "workers"], "argument --workers: must be at least 1 (got 0)"),
        (["--workers", "0", "--engine", "dask"], "argument --workers: must be at least 1 (got 0)"),
        (["--threshold", "2"], "argument --threshold: must be between 0 and 1"),
        (["--engine", "spark"], "argument --engine: invalid choice"),
        (["--plan", "fast"], "argument --plan: invalid choice"),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path, bench, corpus, args, needle):
    code, _, err = cli("--benchmark", bench, "--corpus", corpus, "--out", tmp_path / "s.csv", *args)
    assert_one_line_error(code, err, needle)


@pytest.mark.parametrize(
    "content, needle",
    [
        (b'{"task_id": 1, "prompt": "x"}\n[1, 2, 3]\n', "line 2: not a JSON object (found list: [1, 2, 3])"),
        (b'"just a string"\n', "line 1: not a JSON object (found str"),
        (b'{"task_id": 1, "prompt": "x"}\n{"task_id": 2\n', "line 2, column 14: not valid JSON"),
        (b'{"task_id": 1, "prompt": "caf\xe9"}\n', "line 1, column 30: not valid UTF-8 (byte 0xe9)"),
        (b'{"task_id": 1, "question": "x"}\n', "line 1: no field 'prompt'"),
        (b"\n\n", "no examples"),
    ],
)
def test_bad_benchmark_lines_are_one_line_errors(tmp_path, corpus, content, needle):
    b = tmp_path / "b.jsonl"
    b.write_bytes(content)
    code, _, err = cli("--benchmark", b, "--corpus", corpus, "--out", tmp_path / "s.csv")
    assert_one_line_error(code, err, str(b), needle)


def test_corrupt_gzipped_benchmark_is_a_one_line_error(tmp_path, corpus):
    b = tmp_path / "b.jsonl.gz"
    b.write_bytes(b"\x1f\x8b\x08\x00 this is not a gzip stream")
    code, _, err = cli("--benchmark", b, "--corpus", corpus, "--out", tmp_path / "s.csv")
    assert_one_line_error(code, err, f"{b}, line 1: not a readable gzip file")
    b.write_bytes(gzip.compress(b'{"task_id": 1, "prompt": "x"}\n' * 500)[:60])
    code, _, err = cli("--benchmark", b, "--corpus", corpus, "--out", tmp_path / "s.csv")
    assert_one_line_error(code, err, f"{b}, line", "not a readable gzip file")


def test_missing_benchmark_file(tmp_path, corpus):
    code, _, err = cli("--benchmark", tmp_path / "none.jsonl", "--corpus", corpus, "--out", tmp_path / "s.csv")
    assert_one_line_error(code, err, "none.jsonl: benchmark file not found")


def test_files_of_other_types_in_the_corpus_are_reported(tmp_path, bench, corpus):
    (corpus / "weights.bin").write_bytes(b"\x00\x01\x02")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "notes.pdf").write_bytes(b"%PDF")
    code, stdout, err = cli("--benchmark", bench, "--corpus", corpus, "--out", tmp_path / "s.csv")
    assert code == 0, err
    assert "ignored 2 file(s) in the corpus folders:" in stdout
    assert f"  {corpus / 'sub' / 'notes.pdf'}: not a corpus file type (text, JSONL or Parquet)" in stdout
    assert f"  {corpus / 'weights.bin'}: not a corpus file type" in stdout
    found = c.corpus_files([corpus])
    assert [p.name for p in found.shards] == ["a.txt"] and len(found.ignored) == 2
    code, _, err = cli("--benchmark", bench, "--corpus", corpus / "weights.bin", "--out", tmp_path / "s.csv")
    assert_one_line_error(code, err, "weights.bin: unsupported corpus file type")


def test_engine_options_are_checked_in_the_api(bench, corpus):
    examples = c.read_benchmark(bench, ["prompt"], "task_id")
    for kwargs, needle in [
        ({"engine": "workers", "workers": 0}, "workers: must be a whole number, at least 1 (got 0)"),
        ({"engine": "dask", "workers": 0}, "workers: must be"),
        ({"workers": True}, "workers: must be a whole number, at least 1 (got True)"),
        ({"workers": 2.0}, "workers: must be a whole number, at least 1 (got 2.0)"),
        ({"engine": "spark"}, "engine: unknown engine 'spark'; use serial, workers, dask"),
        ({"plan": "quick"}, "plan: must be one of auto, anchored, full (got 'quick')"),
    ]:
        with pytest.raises(c.ContaminationInputError, match=re.escape(needle)):
            c.ScanOptions(**kwargs)  # checked once, when made
    options = c.ScanOptions(engine="workers", workers=1, plan="full")
    with pytest.raises(AttributeError):
        options.workers = 0  # type: ignore[misc]  # frozen: a checked record stays checked
    assert c.scan(examples, [corpus], options=options).scores.equals(c.scan(examples, [corpus]).scores)
    with pytest.raises(ValueError, match="n must be a whole number of tokens, at least 1"):
        c.BenchmarkIndex(examples, n=0)


# ------------------------------------------------------------------ the package keeps its interface


def test_public_api_is_unchanged():
    """Every name the single-module scanner offered is still offered, with the same call, except that
    ``scan`` and ``scan_hashes`` take how the scan runs as one ``ScanOptions``."""
    import inspect

    for name in [
        "TOKEN_N",
        "WORD_N",
        "ContaminationInputError",
        "Example",
        "BenchmarkIndex",
        "DocumentScan",
        "Found",
        "ScanResult",
        "ngram_hashes",
        "utf8",
        "normalized_words",
        "words",
        "word_ids",
        "read_benchmark",
        "corpus_shards",
        "read_shard",
        "scan_document",
        "scan_shard",
        "scan_shards",
        "score",
        "scan",
        "scan_hashes",
        "ScanOptions",
        "batches",
        "main",
    ]:
        assert hasattr(c, name), name
    assert c.TOKEN_N == 8 and c.WORD_N == 13
    params = lambda f: list(inspect.signature(f).parameters)  # noqa: E731
    # how a scan runs is one checked record, ScanOptions, that both take
    assert params(c.scan) == ["examples", "corpus", "n", "options"]
    assert params(c.scan_hashes) == ["index", "corpus", "options"]
    assert [f.name for f in __import__("dataclasses").fields(c.ScanOptions)] == [
        "engine",
        "workers",
        "client",
        "text_field",
        "skip_bad",
        "progress",
        "plan",
    ]
    assert params(c.read_benchmark) == ["path", "fields", "id_field"]
    assert params(c.read_shard) == ["path", "text_field", "skip_bad", "problems"]
    assert params(c.score) == ["index", "found_tokens", "found_words"]
    assert params(c.scan_shard) == ["path", "index", "text_field", "skip_bad"]
    assert params(c.scan_document) == ["text", "index", "enc"]
    assert [f.name for f in __import__("dataclasses").fields(c.Found)][:7] == [
        "tokens",
        "words",
        "shards",
        "documents",
        "problems",
        "bytes",
        "tokenized_bytes",
    ]


def test_command_line_options_are_unchanged():
    from herd.analyses.contamination.scanner.__main__ import parser

    options = {a.dest for a in parser()._actions}
    assert {
        "benchmark",
        "fields",
        "id_field",
        "corpus",
        "text_field",
        "out",
        "n",
        "engine",
        "workers",
        "scheduler",
        "threshold",
        "skip_bad",
    } <= options


def test_package_files_show_the_pipeline():
    from pathlib import Path

    folder = Path(c.__file__).parent
    assert {p.name for p in folder.glob("*.py")} == {
        "__init__.py",
        "__main__.py",
        "readers.py",
        "hashing.py",
        "index.py",
        "anchors.py",
        "scanning.py",
        "engines.py",
    }
    from herd.analyses.contamination.scanner import engines

    assert set(engines.ENGINES) == {"serial", "workers", "dask"}
    import inspect

    for f in engines.ENGINES.values():
        assert list(inspect.signature(f).parameters) == ["scanner", "corpus", "options", "bar"]


def test_unreachable_dask_scheduler_is_a_one_line_error(tmp_path, bench, corpus, monkeypatch, capsys):
    """An OSError from the engine (here: no scheduler at the address) is reported as itself,
    not as a problem with the output file."""
    from herd.analyses.contamination.scanner import __main__ as cli_module
    from herd.analyses.contamination.scanner import engines

    def unreachable(*args, **kwargs):
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:1 after 1 s")

    monkeypatch.setitem(engines.ENGINES, "dask", unreachable)
    out = tmp_path / "s.csv"
    code = cli_module.main(
        [
            "--benchmark",
            str(bench),
            "--corpus",
            str(corpus),
            "--out",
            str(out),
            "--engine",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:1",
        ]
    )
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert err == "contamination: error: Timed out trying to connect to tcp://127.0.0.1:1 after 1 s"


# ------------------------------------------------------------------ nothing lost, nothing hangs (issue 26)


def _parquet_shard(path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["Some prose.\n" + PROMPT]}), path)
    return path


@pytest.mark.parametrize("which", ["benchmark", "shard", "shard in a folder", "another path to a shard"])
def test_output_that_is_an_input_is_refused_before_the_scan(tmp_path, bench, corpus, which):
    """--out naming the benchmark or a corpus shard (given on its own, found in a folder, or
    reached by another path) would overwrite it: refused before the scan, the file left as it was."""
    shard = _parquet_shard(corpus / "part.parquet")
    if which == "benchmark":
        target = bench.rename(tmp_path / "bench.csv")  # JSONL under a name --out accepts
        args, out = ["--benchmark", target, "--corpus", corpus], target
    elif which == "shard":
        target = shard
        args, out = ["--benchmark", bench, "--corpus", shard], shard
    elif which == "shard in a folder":
        target = shard
        args, out = ["--benchmark", bench, "--corpus", corpus], shard
    else:
        target = shard
        (tmp_path / "same").symlink_to(corpus)
        args, out = ["--benchmark", bench, "--corpus", corpus], tmp_path / "same" / ".." / "corpus" / "part.parquet"
    before = target.read_bytes()
    code, stdout, err = cli(*args, "--out", out)
    assert_one_line_error(code, err, f"--out {out}", "is also an input", str(target.name))
    assert target.read_bytes() == before and "scanned" not in stdout


def test_unwritable_output_fails_before_the_scan_and_names_it(tmp_path, bench, corpus):
    """A folder that cannot be written in (here /proc, which no one can add a file to) is found
    out before the scan, and the message names --out, not a temporary file."""
    (corpus / "bad.txt").write_bytes(b"not \xff UTF-8")  # the scan would stop here
    out = Path("/proc/herd-scores.csv")
    code, stdout, err = cli("--benchmark", bench, "--corpus", corpus, "--out", out)
    assert_one_line_error(code, err, f"--out {out}: cannot write in /proc")
    assert ".herd-scores" not in err and "bad.txt" not in err


def test_output_has_the_usual_permissions(tmp_path, bench, corpus):
    """Scores are written with the permissions the umask leaves (0644 under umask 022), not
    owner-only as a temporary file is."""
    out = tmp_path / "s.csv"
    done = subprocess.run(
        ["sh", "-c", 'umask 022 && exec "$0" "$@"', sys.executable, "-m", "herd.contamination"]
        + ["--benchmark", str(bench), "--corpus", str(corpus), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)


def test_odd_corpus_entries_are_listed_as_ignored_and_never_hang(tmp_path, bench, corpus):
    """A FIFO named like a text file (reading it would wait forever), a symbolic link loop and a
    broken link: each is listed as ignored with its reason, and the scan goes on; a FIFO named on
    its own is an error."""
    import os

    os.mkfifo(corpus / "pipe.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    code, stdout, err = cli("--benchmark", bench, "--corpus", corpus, "--out", tmp_path / "s.csv")
    assert code == 0, err
    assert f"  {corpus / 'pipe.txt'}: not a regular file (a FIFO)" in stdout
    assert f"  {corpus / 'loop.txt'}: a symbolic link that leads nowhere (a loop)" in stdout
    assert f"  {corpus / 'broken.txt'}: a symbolic link that leads nowhere (its target does not exist)" in stdout
    assert "ignored 3 file(s)" in stdout
    code, _, err = cli("--benchmark", bench, "--corpus", corpus / "pipe.txt", "--out", tmp_path / "s.csv")
    assert_one_line_error(code, err, "pipe.txt: not a regular file (a FIFO)")


@pytest.mark.parametrize(
    "value, found", [("null", "null"), ("42", "a number"), ('{"a": 1}', "an object"), ("[1]", "a list")]
)
def test_jsonl_text_that_is_not_a_string_is_skipped_or_an_error(tmp_path, bench, value, found):
    """A JSONL line whose text is null, a number, an object or a list is never scanned as its
    Python form: skipped and listed with --skip-bad, an error naming file and line otherwise."""
    shard = tmp_path / "c.jsonl"
    shard.write_text('{"text": "fine"}\n{"text": ' + value + '}\n{"text": "None 42"}\n')
    problems = []
    assert list(c.read_shard(shard, skip_bad=True, problems=problems)) == ["fine", "None 42"]
    assert problems == [f"{shard}, line 2: field 'text' is {found}, not text"]
    code, stdout, err = cli("--benchmark", bench, "--corpus", shard, "--out", tmp_path / "s.csv", "--skip-bad")
    assert code == 0 and f"  {shard}, line 2: field 'text' is {found}, not text" in stdout, err
    code, _, err = cli("--benchmark", bench, "--corpus", shard, "--out", tmp_path / "s.csv")
    assert_one_line_error(code, err, f"{shard}, line 2: field 'text' is {found}, not text")


def test_parquet_text_column_of_another_type_is_an_error(tmp_path, bench):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": [1, 2, 3]}), tmp_path / "n.parquet")
    with pytest.raises(c.ContaminationInputError, match=r"n\.parquet: column 'text' holds int64, not text"):
        list(c.read_shard(tmp_path / "n.parquet"))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["serial", "workers"])
def test_ctrl_c_stops_the_scan_with_one_line_and_code_130(tmp_path, bench, engine):
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) during a scan: one line,
    exit code 130, no KeyboardInterrupt traceback from the command line or its workers."""
    import os
    import signal
    import time

    corpus = tmp_path / "big"
    corpus.mkdir()
    for i in range(8):
        (corpus / f"{i}.txt").write_text(("lorem ipsum dolor sit amet, " * 40 + "\n") * 4000)
    out = tmp_path / "s.csv"
    args = ["--benchmark", bench, "--corpus", corpus, "--out", out, "--plan", "full", "--engine", engine]
    proc = subprocess.Popen(
        [sys.executable, "-m", "herd.contamination", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    ticks = os.sysconf("SC_CLK_TCK")

    def seconds_spent() -> float:
        """Processor time of the command and its workers: every process of its session (it leads one)."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # a process that ended meanwhile
                continue
            if int(fields[3]) == proc.pid:
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until it has spent 1.5 s of processor time: past start-up, scanning
        if seconds_spent() > 1.5 or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the scan ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    stdout, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert [line for line in err.splitlines() if line.strip()] == ["contamination: interrupted"]
    assert not out.exists() and not list(tmp_path.glob(".s.csv*"))


def _peak_mib(bench, corpus, out) -> tuple[float, str]:
    """The command line's peak resident memory (MiB) scanning ``corpus``, and what it printed."""
    code = (
        "import re, sys; from pathlib import Path; from herd.contamination import main; rc = main(sys.argv[1:]); "
        "print(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1), file=sys.stderr); "
        "sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--benchmark", str(bench), "--corpus", str(corpus), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stderr.strip().splitlines()[-1]) / 1024, done.stdout


@pytest.mark.slow
def test_a_huge_single_line_document_is_scanned_in_bounded_memory(tmp_path, bench):
    """One-line text files of 16 MB and 48 MB, each holding one copy of the benchmark's example: the command
    line's peak memory is the same for both, within a quarter of their difference (reading the line whole
    would add the difference at least; the buffers of a block-wise scan do not grow with the file), and only
    the text around the match is tokenized."""
    filler = b"the quick brown fox jumps over the lazy dog, " * 100
    peaks = []
    for mib in (16, 48):
        line = tmp_path / f"line{mib}.txt"
        with open(line, "wb") as f:
            for i in range(mib * 2**20 // len(filler)):
                f.write(filler)
                if i == 2000:
                    f.write(PROMPT.replace("\n", " ").encode())
        peak, printed = _peak_mib(bench, line, tmp_path / f"s{mib}.csv")
        peaks.append(peak)
        assert "0.0% of it tokenized" in printed and "scanned 1 documents" in printed
        assert pd.read_csv(tmp_path / f"s{mib}.csv")["word13_match"].iloc[0]
        line.unlink()
    assert peaks[1] - peaks[0] < (48 - 16) / 4, peaks


def test_a_large_text_file_read_in_blocks_reports_a_bad_byte_where_a_whole_read_does(tmp_path):
    """Blocks that cut a line, and a multi-byte character, still name the bad byte's line and
    column as reading the file whole does; the blocks make up the file."""
    from herd.analyses.contamination.scanner import readers

    text = "".join(f"line {i}: café naïve 漢字\n" for i in range(3000)).encode()
    bad = text.replace(b"line 2500: caf\xc3\xa9", b"line 2500: caf\xe9\xff", 1)
    (tmp_path / "good.txt").write_bytes(text)
    (tmp_path / "bad.txt").write_bytes(bad)
    assert b"".join(readers.text_blocks(tmp_path / "good.txt", block=1000)) == text
    with pytest.raises(c.ContaminationInputError) as whole:
        list(c.read_shard(tmp_path / "bad.txt"))
    for block in (7, 1000, 4096):
        with pytest.raises(c.ContaminationInputError) as blocks:
            list(readers.text_blocks(tmp_path / "bad.txt", block=block))
        assert str(blocks.value) == str(whole.value)
    assert "line 2501, column 15: not valid UTF-8 (byte 0xe9)" in str(whole.value)


def test_long_documents_in_pieces_from_blocks_hold_what_the_whole_holds(tmp_path):
    """Pieces made from blocks of the file (as a large text file is read) find exactly the n-grams
    of the document scanned whole."""
    from herd.analyses.contamination.scanner import readers, scanning

    examples = [c.Example(f"e{i}", f"{PROMPT} variant {i} " * 3) for i in range(4)]
    doc = ("filler text here, and more; " * 300).join(ex.text for ex in examples).encode()
    index = c.BenchmarkIndex(examples)
    scanner = c.Scanner(index, c.Plan("anchored", "test"), scanning.sample_anchors(index, [doc[:5000]]))
    whole = scanner.batch([doc])
    blocks = [doc[i : i + 777] for i in range(0, len(doc), 777)]
    pieces = list(readers.pieces(blocks, scanner._overlap(), size=3000))
    assert len(pieces) > 3
    got = scanner.batch(pieces)
    assert np.array_equal(got[0], whole[0]) and np.array_equal(got[1], whole[1]) and whole[0].size > 0
