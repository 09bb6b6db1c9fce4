"""The command line: ``python -m herd.contamination --benchmark … --corpus … --out …``.

Bad input (a file, a line, an option) stops with exit code 2 and one line naming it; Ctrl-C
stops it with one line and exit code 130. The output path is checked before the scan (its name,
that it is none of the inputs, and that a file can be made in its folder: the file it is written
to, then renamed into place, so a failed or interrupted run never leaves a partial file and
never overwrites an input); it gets the permissions the umask leaves, like any new file.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import signal
import sys
from pathlib import Path

import numpy as np

from . import (
    ENGINE_NAMES,
    PLANS,
    TOKEN_N,
    BenchmarkIndex,
    ContaminationInputError,
    Corpus,
    ScanOptions,
    corpus_files,
    read_benchmark,
    scan_hashes,
)
from .index import score_columns

OUTPUT_SUFFIXES = (".csv", ".parquet")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit code 2 (argparse's own code)
        print(f"contamination: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def _whole_number(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum} (got {value})")
        return value

    return parse


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1 (got {text!r})") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (got {value:g})")
    return value


def parser() -> argparse.ArgumentParser:
    """The command line's arguments, with the help ``--help`` prints."""
    p = _Parser(
        prog="python -m herd.contamination",
        description="Score a benchmark's examples for n-gram contamination against a corpus.",
    )
    p.add_argument("--benchmark", required=True, help="JSONL (or .jsonl.gz) file of examples")
    p.add_argument("--fields", nargs="+", default=["prompt"], help="fields of each example to score (joined)")
    p.add_argument("--id-field", default="task_id")
    p.add_argument(
        "--corpus", nargs="+", required=True, help="files or folders: text, JSONL (with --text-field) or Parquet"
    )
    p.add_argument("--text-field", default="text")
    p.add_argument("--out", required=True, help="per-example scores, .csv or .parquet")
    p.add_argument("--n", type=_whole_number(1), default=TOKEN_N, help=f"tokens per n-gram (default {TOKEN_N})")
    p.add_argument("--engine", choices=list(ENGINE_NAMES), default="serial")
    p.add_argument("--workers", type=_whole_number(1), default=2)
    p.add_argument("--scheduler", help="Dask scheduler address (with --engine dask)")
    p.add_argument(
        "--plan",
        choices=list(PLANS),
        default="auto",
        help="anchored (tokenize around possible matches), full (tokenize everything) "
        "or auto (chosen from a sample; default)",
    )
    p.add_argument(
        "--threshold",
        type=_share,
        default=0.5,
        help="TOKEN-MATCH share above which an example counts as contaminated, for the summary",
    )
    p.add_argument(
        "--skip-bad", action="store_true", help="skip unreadable shards and malformed lines, and report them"
    )
    return p


def check_output(out: Path) -> None:
    """Refuse an output path whose name is wrong or whose folder is missing, before any work is done."""
    if out.suffix not in OUTPUT_SUFFIXES:
        raise ContaminationInputError(f"--out {out}: use a .csv or .parquet file name")
    if out.is_dir():
        raise ContaminationInputError(f"--out {out}: is a folder, not a file")
    folder = out.parent
    if not folder.is_dir():
        raise ContaminationInputError(f"--out {out}: the folder {folder} does not exist")


class Output:
    """The scores' file: ``reserve`` (before the scan) refuses a path that is one of the inputs and
    makes the file the scores are written to, beside it (so a folder that cannot be written in is
    found out at once); ``write`` fills it and renames it into place; ``discard`` removes it."""

    def __init__(self, out: Path):
        self.out = out
        self.part: Path | None = None

    def reserve(self, benchmark: Path, corpus: Corpus) -> None:
        """Check ``out`` against the inputs, then make the file the scores will be written to."""
        out = self.out
        check_output(out)
        if out.exists():
            if os.path.samefile(out, benchmark):
                raise ContaminationInputError(f"--out {out}: is also an input (the benchmark {benchmark})")
            shard = corpus.shard_at(out)
            if shard is not None:
                raise ContaminationInputError(f"--out {out}: is also an input (the corpus file {shard})")
        part = out.parent / f".{out.name}.{secrets.token_hex(4)}.part"
        try:  # made as any new file is: read-write, less what the umask takes away
            os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except OSError as exc:
            raise ContaminationInputError(f"--out {out}: cannot write in {out.parent} ({exc.strerror})") from None
        self.part = part

    def write(self, columns: dict) -> None:
        """The score columns as CSV, or Parquet through pyarrow, into the reserved file, renamed into place."""
        part, out = self.part, self.out
        assert part is not None  # reserved before the scan
        try:
            if out.suffix == ".parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(pa.table({k: list(v) if isinstance(v, list) else v for k, v in columns.items()}), part)
            else:
                with open(part, "w", newline="", encoding="utf-8") as f:
                    writer = csv.writer(f, lineterminator="\n")
                    writer.writerow(list(columns))
                    writer.writerows(zip(*(c.tolist() if hasattr(c, "tolist") else c for c in columns.values())))
            os.replace(part, out)
            self.part = None
        except OSError as exc:
            raise ContaminationInputError(f"--out {out}: could not be written ({exc.strerror or exc})") from None

    def discard(self) -> None:
        """Remove the reserved file, if it is still there."""
        if self.part is not None:
            Path(self.part).unlink(missing_ok=True)
            self.part = None


def _return_freed_memory() -> None:
    """Large arrays are given back to the system when freed (glibc otherwise keeps raising the
    size above which it does so), so the scan's memory stays what the benchmark needs."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 22)  # M_MMAP_THRESHOLD: 4 MiB
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def main(argv: list[str] | None = None) -> int:
    """Run the command line: score the benchmark against the corpus, write the scores and print a
    summary; the exit status is 0, 2 with one line naming the file at fault, or 130 on Ctrl-C."""
    args = parser().parse_args(argv)
    output = Output(Path(args.out))
    _return_freed_memory()
    interrupted: list[int] = []

    def on_interrupt(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        columns, found = _run(args, output)
    except ContaminationInputError as exc:
        print(f"contamination: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file that cannot be read, or a Dask scheduler that cannot be reached
        if interrupted:
            return _interrupted()
        print(
            f"contamination: error: {str(exc.filename) + ': ' if exc.filename else ''}{exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return _interrupted()
    except Exception:
        if interrupted:  # a worker stopped by the same Ctrl-C: the pool reports it broken
            return _interrupted()
        raise
    finally:
        output.discard()
        signal.signal(signal.SIGINT, previous)
    _summary(args, output.out, columns, found)
    return 0


def _interrupted() -> int:
    print("contamination: interrupted", file=sys.stderr)
    return 130


def _run(args, output: Output):
    """Check the output, read the benchmark, scan the corpus and write the scores: (columns, found)."""
    check_output(output.out)
    # a progress bar on a terminal only: logs and pipes get the summary alone
    options = ScanOptions(
        engine=args.engine,
        workers=args.workers,
        client=args.scheduler,
        text_field=args.text_field,
        skip_bad=args.skip_bad,
        progress=sys.stderr.isatty(),
        plan=args.plan,
    )
    examples = read_benchmark(args.benchmark, args.fields, args.id_field)
    corpus = corpus_files(args.corpus)
    output.reserve(Path(args.benchmark), corpus)
    index = BenchmarkIndex(examples, n=args.n)
    found = scan_hashes(index, corpus, options)
    columns = score_columns(index, found.tokens, found.words)
    output.write(columns)
    return columns, found


def _summary(args, out: Path, columns: dict, found) -> None:
    """Print what the scan found and read."""
    share, longest, word = columns["token_match"], columns["longest_match"], columns["word13_match"]
    print(found.plan.describe() if found.plan else "plan: not chosen")
    print(
        f"scanned {found.documents:,} documents in {found.shards:,} shards ({found.bytes / 1e6:,.1f} MB, "
        f"{found.tokenized_bytes / max(found.bytes, 1):.1%} of it tokenized); {len(share)} examples"
    )
    print(
        f"TOKEN-MATCH > {args.threshold:g}: {int((share > args.threshold).sum())} examples; "
        f"mean share {share.mean():.3f}; longest span median {float(np.median(longest)):.0f} tokens"
    )
    print(f"13-gram word rule: {int(word.sum())} examples")
    if found.ignored:
        print(f"ignored {len(found.ignored)} file(s) in the corpus folders:")
        for m in found.ignored:
            print(f"  {m}")
    if found.problems:
        print(f"skipped {len(found.problems)} bad input(s):")
        for p in found.problems:
            print(f"  {p}")
    print(f"scores written to {out}")


if __name__ == "__main__":
    raise SystemExit(main())
