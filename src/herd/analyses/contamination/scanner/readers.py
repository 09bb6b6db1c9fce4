r"""Reading the inputs: a benchmark's examples, and the corpus's documents as UTF-8 bytes.

Files are read as bytes and decoded strictly: no newline translation (a CRLF or a lone CR
stays what it is), and a byte that is not UTF-8 is an error located by file, line and
column. JSONL is split at ``\n`` only, line by line, so ``skip_bad`` skips exactly the line
that is bad and the rest of the file is read.
"""

from __future__ import annotations

import errno
import gzip
import itertools
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .hashing import WORD_N, utf8

TEXT_SUFFIXES = (".txt", ".py", ".md", ".rst", ".text")


def as_path(p: str | Path) -> Path:
    """``p`` as a Path (a Path is kept as it is: building one from another parses it again)."""
    return p if isinstance(p, Path) else Path(p)


class ContaminationInputError(ValueError):
    """Bad benchmark or corpus input, located by file and line."""


@dataclass(frozen=True)
class Example:
    """One benchmark example: its id and the text that is scored."""

    id: str
    text: str


def _where(path: str | Path, line: int | None = None, column: int | None = None) -> str:
    return f"{path}" + (f", line {line}" if line else "") + (f", column {column}" if column else "")


def _decode(raw: bytes, path: str | Path, line: int | None = None) -> str:
    """``raw`` decoded as UTF-8, or an error naming the line and column of the first bad byte
    (``line`` given: ``raw`` is that line; otherwise ``raw`` is the whole file)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        at_line = line if line is not None else raw.count(b"\n", 0, exc.start) + 1
        raise ContaminationInputError(
            f"{_where(path, at_line, exc.start - start + 1)}: not valid UTF-8 (byte 0x{raw[exc.start]:02x})"
        ) from None


def _lines(path: str | Path) -> Iterator[tuple[int, bytes]]:
    r"""(line number, bytes) of every line of a file, gzipped or not, split at ``\n`` only.
    A damaged gzip stream is an error naming the line where it broke."""
    opener = gzip.open if os.fspath(path).lower().endswith(".gz") else open
    line_no = 0
    try:
        with opener(path, "rb") as f:
            for line_no, line in enumerate(f, 1):
                yield line_no, line
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise ContaminationInputError(f"{_where(path, line_no + 1)}: not a readable gzip file ({exc})") from None
    except OSError as exc:
        raise ContaminationInputError(f"{path}: unreadable ({exc.strerror or exc})") from None


def _record(line: bytes, path: str | Path, line_no: int) -> dict:
    """One JSONL line as a JSON object, or an error naming the file, line and column."""
    text = _decode(line[:-1] if line.endswith(b"\n") else line, path, line_no)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContaminationInputError(f"{_where(path, line_no, exc.colno)}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ContaminationInputError(
            f"{_where(path, line_no)}: not a JSON object (found {type(record).__name__}: {text.strip()[:40]})"
        )
    return record


def read_benchmark(path: str | Path, fields: list[str], id_field: str | None = None) -> list[Example]:
    """Examples from a JSONL (optionally gzipped) file; ``fields`` are joined and scored."""
    path = Path(path)
    if not path.is_file():
        raise ContaminationInputError(f"{path}: benchmark file not found")
    out = []
    for line_no, line in _lines(path):
        if not line.strip():
            continue
        record = _record(line, path, line_no)
        missing = [k for k in fields if k not in record]
        if missing:
            raise ContaminationInputError(
                f"{_where(path, line_no)}: no field {missing[0]!r} (fields present: {', '.join(sorted(record))})"
            )
        ident = str(record[id_field]) if id_field and id_field in record else str(line_no)
        out.append(Example(ident, "\n".join(str(record[k]) for k in fields)))
    if not out:
        raise ContaminationInputError(f"{path}: no examples")
    return out


def kind(p: str | Path) -> str | None:
    """The shard format of a file (text, jsonl or parquet), from its name; None if unsupported."""
    name = os.path.basename(p).lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    return None


@dataclass
class Corpus:
    """The shard files of a corpus, the files found in its folders that are not shards, and
    each shard's size in bytes when it was listed (so sampling and batching need not ask again)."""

    shards: list[Path]
    ignored: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    files: dict[tuple[int, int], Path] = field(default_factory=dict)  # each shard by (device, inode)

    def shard_at(self, path: str | Path) -> Path | None:
        """The shard that ``path`` is (by device and inode: through a link or another path too), or None."""
        st = _stat(as_path(path))
        return None if st is None else self.files.get((st.st_dev, st.st_ino))


_MISSING = (
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EBADF,
    errno.ELOOP,
)  # what pathlib's exists() and is_file() take for "no"


def _stat(p: Path) -> os.stat_result | None:
    """The status of ``p`` (symbolic links followed), or None where it does not exist."""
    try:
        return os.stat(p)
    except OSError as exc:
        if exc.errno in _MISSING:
            return None
        raise


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_a_shard(p: Path, st: os.stat_result | None) -> str | None:
    """Why ``p`` (its status ``st``, links followed) cannot be read as a corpus file, or None:
    a link that leads nowhere, or something other than a regular file (reading a FIFO waits
    for a writer that may never come)."""
    if st is None:
        try:
            os.stat(p)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symbolic link that leads nowhere (a loop)"
        return "a symbolic link that leads nowhere (its target does not exist)" if os.path.islink(p) else "not found"
    if not stat.S_ISREG(st.st_mode):
        what = next((name for test, name in _NOT_REGULAR if test(st.st_mode)), "not a file")
        return f"not a regular file ({what})"
    return None


def corpus_files(paths: Iterable[str | Path]) -> Corpus:
    """Expand files and folders into shard files (.txt, .py, .md, .rst, .text, .jsonl,
    .jsonl.gz, .parquet). A file named on its own must be a shard; an entry of a folder that is
    of another type, not a regular file (a FIFO, a socket, a device) or a symbolic link that
    leads nowhere (a loop, a missing target) is listed in ``ignored`` with the reason, never
    dropped silently; folders reached through links are not entered. Each path is looked at
    once (one ``stat``), and its size kept."""
    shards, sizes, ignored, files = [], [], [], {}
    for p in map(as_path, paths):
        st = _stat(p)
        if st is not None and stat.S_ISDIR(st.st_mode):
            found, odd = [], []
            for q in p.rglob("*"):
                qs = _stat(q)
                if qs is not None and stat.S_ISDIR(qs.st_mode):
                    continue
                why = _not_a_shard(q, qs)
                if why is None and qs is not None:
                    found.append((q, qs.st_size))
                    if kind(q) is not None:
                        files[(qs.st_dev, qs.st_ino)] = q
                elif why is not None:
                    odd.append((q, why))
            for q, why in sorted(odd):
                ignored.append(f"{q}: {why}")
            for q, size in sorted(found):
                if kind(q) is None:
                    ignored.append(f"{q}: not a corpus file type (text, JSONL or Parquet)")
                else:
                    shards.append(q)
                    sizes.append(size)
        elif st is not None:
            why = _not_a_shard(p, st)
            if why is not None:
                raise ContaminationInputError(f"{p}: {why}")
            if kind(p) is None:
                raise ContaminationInputError(f"{p}: unsupported corpus file type (use text, JSONL or Parquet)")
            shards.append(p)
            sizes.append(st.st_size)
            files[(st.st_dev, st.st_ino)] = p
        elif os.path.islink(p):
            raise ContaminationInputError(f"{p}: {_not_a_shard(p, None)}")
        else:
            raise ContaminationInputError(f"{p}: corpus path not found")
    if not shards:
        raise ContaminationInputError(
            "the corpus is empty: no text, JSONL or Parquet files found"
            + (f" ({len(ignored)} other files ignored)" if ignored else "")
        )
    return Corpus(shards, ignored, sizes, files)


def corpus_shards(paths: Iterable[str | Path]) -> list[Path]:
    """The shard files of ``paths`` (files and folders); see ``corpus_files``."""
    return corpus_files(paths).shards


def shard_documents(
    path: str | Path, text_field: str = "text", skip_bad: bool = False, problems: list | None = None
) -> Iterator[bytes]:
    """The documents of one shard as UTF-8 bytes: a text file is one document (read whole);
    JSONL lines and Parquet rows are read one at a time or one batch at a time. Errors name the
    file (and line and column); with ``skip_bad`` they are appended to ``problems`` instead and
    reading goes on with the next line (a text file, one document, is skipped whole)."""

    def bad(message: str) -> bool:
        if skip_bad and problems is not None:
            problems.append(message)
            return True
        raise ContaminationInputError(message)

    shard_kind = kind(path)
    try:
        if shard_kind == "text":
            try:
                with open(path, "rb") as f:  # a path as given (str or Path): nothing to parse
                    data = f.read()
            except OSError as exc:
                raise ContaminationInputError(f"{path}: unreadable ({exc.strerror or exc})") from None
            if not data.isascii():
                _decode(data, path)
            yield data
        elif shard_kind == "parquet":
            yield from _parquet_documents(path, text_field)
        else:
            for line_no, line in _lines(path):
                if not line.strip():
                    continue
                try:
                    record = _record(line, path, line_no)
                except ContaminationInputError as exc:
                    bad(str(exc))
                    continue
                if text_field not in record:
                    bad(f"{_where(path, line_no)}: no field {text_field!r}")
                    continue
                text = record[text_field]
                if not isinstance(text, str):  # never scanned as its Python form
                    bad(f"{_where(path, line_no)}: field {text_field!r} is {_json_kind(text)}, not text")
                    continue
                yield utf8(text)
    except ContaminationInputError as exc:
        bad(str(exc))


def _json_kind(value) -> str:
    """What a JSON value is, in words (for a value that is not a string)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def text_blocks(path: str | Path, block: int = 1 << 22) -> Iterator[bytes]:
    """A text file's bytes in blocks of about ``block`` bytes, each ending with a whole UTF-8
    character, checked as ``shard_documents`` checks a text file (a byte that is not UTF-8 is an
    error naming its line and column): for a file too large to hold whole."""
    line, column, carry = 1, 0, b""  # the line of the next byte, and the bytes of it before the block
    try:
        with open(path, "rb") as f:
            while True:
                got = f.read(block)
                data = carry + got
                cut = _whole_characters(data) if got else len(data)
                data, carry = data[:cut], data[cut:]
                if not data:
                    break
                if not data.isascii():
                    try:
                        data.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        start = data.rfind(b"\n", 0, exc.start) + 1
                        at_line = line + data.count(b"\n", 0, exc.start)
                        at_column = exc.start - start + 1 + (column if start == 0 else 0)
                        raise ContaminationInputError(
                            f"{_where(path, at_line, at_column)}: not valid UTF-8 (byte 0x{data[exc.start]:02x})"
                        ) from None
                newlines = data.count(b"\n")
                line += newlines
                column = len(data) - data.rfind(b"\n") - 1 if newlines else column + len(data)
                yield data
    except OSError as exc:
        raise ContaminationInputError(f"{path}: unreadable ({exc.strerror or exc})") from None


def _whole_characters(data: bytes) -> int:
    """Where the last whole UTF-8 character of ``data`` ends (an incomplete one at its end is left out)."""
    i = len(data) - 1
    while i >= 0 and len(data) - i <= 4 and (data[i] & 0xC0) == 0x80:  # continuation bytes
        i -= 1
    if i < 0 or data[i] < 0xC0:
        return len(data)
    need = 2 if data[i] < 0xE0 else 3 if data[i] < 0xF0 else 4
    return i if len(data) - i < need else len(data)


def _parquet_documents(path: str | Path, text_field: str) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        if text_field not in names:
            raise ContaminationInputError(f"{path}: no column {text_field!r} (columns: {', '.join(names)})")
        column_type = parquet.schema_arrow.field(text_field).type
        if not (pa.types.is_string(column_type) or pa.types.is_large_string(column_type)):
            raise ContaminationInputError(f"{path}: column {text_field!r} holds {column_type}, not text")
        # row batch by row batch: a large Parquet shard is never held whole (a null row is no document)
        for batch in parquet.iter_batches(columns=[text_field], batch_size=1024):
            for t in batch.column(0).to_pylist():
                if t:
                    yield utf8(t)
    except (pa.ArrowException, OSError) as exc:
        raise ContaminationInputError(f"{path}: unreadable (not a readable Parquet file: {exc})") from None


def read_shard(
    path: Path, text_field: str = "text", skip_bad: bool = False, problems: list | None = None
) -> Iterator[str]:
    """The documents of one shard as text (see ``shard_documents``)."""
    for data in shard_documents(path, text_field, skip_bad, problems):
        yield data.decode("utf-8")


# ------------------------------------------------------------------ documents in batches, a long one in pieces

PIECE_BYTES = 1 << 22  # a document longer than this is scanned in pieces of about this size
BATCH_BYTES = 1 << 20  # documents are scanned in batches of about this size
_WORD = re.compile(rb"[A-Za-z0-9]+")
_CUT = re.compile(rb"[A-Za-z0-9](?=[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f])")


def pieces(blocks: bytes | Iterable[bytes], overlap: int, size: int = PIECE_BYTES) -> Iterator[bytes]:
    """A long document (given whole, or as blocks read in turn) as overlapping pieces of about
    ``size`` bytes. Each piece starts at a *cut* (the end of a run of ASCII letters and digits,
    before ASCII that is neither: a piece break and a word boundary both) and runs on past the
    next piece's start by at least ``overlap`` bytes and 13 words, to a cut; so every token
    n-gram of at most ``overlap`` bytes and every word 13-gram lies whole in the piece where it
    starts, and the pieces' tokens and words are the document's. No more than a piece, a block
    and the overlap are held at once; where no cut is found, the text is held until one is."""
    if isinstance(blocks, bytes):
        blocks = [blocks]
    doc, more = b"", iter(blocks)
    for block in more:
        doc += block
        while len(doc) > size:
            cut = None
            for m in _CUT.finditer(doc, size // 2, size):  # the last cut before the piece's end
                cut = m.end()
            if cut is None:
                break
            words = list(itertools.islice(_WORD.finditer(doc, cut), WORD_N))
            reach = max([cut + overlap] + [w.end() for w in words])
            end = _CUT.search(doc, max(reach - 1, cut))
            if end is None or len(words) < WORD_N or end.end() >= len(doc):  # wait for more text
                break
            yield doc[: end.end()]
            doc = doc[cut:]
    yield doc


def _documentpieces(path: str, text_field: str, skip_bad: bool, problems: list, counts: list, overlap: int):
    """The documents of one shard, a long one in pieces (``pieces``); a text file larger than
    PIECE_BYTES is read a block at a time (checked whole first, so that a bad byte skips all of
    it, as it does a small one). ``counts`` is kept at the documents and bytes read."""
    if kind(path) == "text" and os.path.getsize(path) > PIECE_BYTES:
        try:
            size = sum(len(b) for b in text_blocks(path))
        except ContaminationInputError as exc:
            if not skip_bad:
                raise
            problems.append(str(exc))
            return
        counts[0] += 1
        counts[1] += size
        yield from pieces(text_blocks(path), overlap)
        return
    for doc in shard_documents(path, text_field, skip_bad, problems):
        counts[0] += 1
        counts[1] += len(doc)
        yield from (pieces(doc, overlap) if len(doc) > PIECE_BYTES else (doc,))


def document_batches(
    paths, text_field: str, skip_bad: bool, problems: list, counts: list, overlap: int, on_shard=None
) -> Iterator[list[bytes]]:
    """Documents in batches of about BATCH_BYTES, across shards; a long document in pieces
    (``document_pieces``). ``counts`` is kept at the documents and bytes read."""
    docs, size, done = [], 0, 0
    for path in paths:
        for piece in _documentpieces(path, text_field, skip_bad, problems, counts, overlap):
            docs.append(piece)
            size += len(piece)
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
