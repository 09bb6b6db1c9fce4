"""Slow, deterministic results kept on disk, keyed by everything they depend on.

A result is stored under a key made of its inputs and the code that computes it: the code digest
(:func:`herd.base.codehash.code_digest`) of the module that computes it and of every ``herd`` module that module
imports, transitively, with Python's version and those of the numerical libraries (:data:`LIBRARIES`). An
edit to that code, a new library or a change of input is a new key, so a stored result is only ever one the
current code computed from the same inputs. Only results that do not depend on the machine's state (no
clock, no randomness without its seed) are kept this way, and each fits in a small JSON file.

Where: ``_build/cache/`` of the repository (ignored by git), shared by ``make book`` and ``make test``, so a
chapter re-executed after an unrelated edit, or by nbval in the suite, does not redo the 4,500-start fit of
the scaling chapter; ``HERD_CACHE=<folder>`` puts it elsewhere and ``HERD_CACHE=off`` turns it off (the test
suite gives each unit test a new, empty folder, so a unit test's time never depends on an earlier run).
Without the repository's sources (an installed copy of the package) it is off.
Two processes asking for the same result at once compute it once: the second waits on a lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import codehash

ROOT = Path(__file__).resolve().parents[3]
ENV = "HERD_CACHE"
FORMAT = 1  # the layout of a stored file; a change of it is a new key


def folder() -> Path | None:
    """Where results are kept, or None when the memo is off."""
    value = os.environ.get(ENV, "")
    if value.lower() == "off":
        return None
    if value:
        return Path(value)
    if (ROOT / "pyproject.toml").is_file() and codehash.module_path(ROOT, __name__) is not None:
        return ROOT / "_build" / "cache"
    return None


def _encode(value: Any) -> Any:
    """A JSON-able, exact form of an input: arrays keep their dtype, shape and bytes; floats their repr."""
    if isinstance(value, np.ndarray | np.generic):
        array = np.ascontiguousarray(value)
        return {
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "sha256": hashlib.sha256(array.tobytes()).hexdigest(),
        }
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"memo: cannot key an input of type {type(value).__name__}")


def key(module: str, name: str, inputs: dict, root: Path = ROOT) -> str:
    """The key of result ``name`` computed by ``module`` (a ``herd`` module name, its code read from
    ``root``/src) from ``inputs``."""
    digest = hashlib.sha256(f"{FORMAT}\0{name}\0".encode())
    digest.update(_environment().encode())
    digest.update(_code_of(module, root).encode())
    digest.update(json.dumps(_encode(inputs), sort_keys=True).encode())
    return digest.hexdigest()


# The libraries whose code computes the kept results, beside the package's own: a new version of one is a new key.
LIBRARIES = ("numpy", "scipy", "pandas", "statsmodels", "threadpoolctl")


@lru_cache(maxsize=1)
def _environment() -> str:
    """Python's version, the versions of :data:`LIBRARIES` and the vector instructions numpy uses."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    return "\0".join([sys.version, *(f"{name}={installed(name)}" for name in LIBRARIES), _vector_instructions()]) + "\0"


def _vector_instructions() -> str:
    """The vector instructions numpy uses here (its dispatch, after ``NPY_DISABLE_CPU_FEATURES``): the same code and
    inputs can round otherwise with others, so a result kept with one set is not read back with another."""
    from numpy._core import _multiarray_umath as umath  # type: ignore[attr-defined]

    return "simd=" + ",".join(sorted(name for name in umath.__cpu_dispatch__ if umath.__cpu_features__.get(name)))


def _code_of(module: str, root: Path) -> str:
    """The code digests of ``module`` and of the ``herd`` modules it imports, read again only when a source
    file of the package changed (its size or time), so a result asked for many times costs a few stats."""
    sources = sorted((root / "src").rglob("*.py"))
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sources)
    return _code_of_sources(module, str(root), signature)


@lru_cache(maxsize=64)
def _code_of_sources(module: str, root: str, signature: tuple) -> str:
    parts = []
    for dependency in codehash.closure(Path(root), [module]):
        path = codehash.module_path(Path(root), dependency)
        assert path is not None  # closure() names only modules it found
        parts.append(f"{dependency}\0{codehash.code_digest(path)}\0")
    return "".join(parts)


def remember(
    module: str,
    name: str,
    inputs: dict,
    compute: Callable[[], Any],
    dump: Callable[[Any], Any],
    load: Callable[[Any], Any],
) -> Any:
    """``compute()``, or the result stored for the same code and ``inputs``.

    ``dump`` turns a result into JSON-able data (exactly: floats survive JSON's round trip) and ``load``
    turns that data back into the result. A stored file that cannot be read is computed again."""
    where = folder()
    if where is None:
        return compute()
    path = where / name / f"{key(module, name, inputs)}.json"
    stored = _read(path, load)
    if stored is not None:
        return stored[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_suffix(".lock")):
        stored = _read(path, load)  # computed by another process while this one waited
        if stored is not None:
            return stored[0]
        result = compute()
        data = json.dumps({"name": name, "module": module, "result": dump(result)})
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".part", delete=False) as f:
            f.write(data)
        os.replace(f.name, path)
        return result


def _read(path: Path, load: Callable[[Any], Any]) -> tuple[Any] | None:
    try:
        return (load(json.loads(path.read_text())["result"]),)
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def frame_dump(frame: pd.DataFrame) -> dict:
    """A data frame as JSON-able data for :func:`remember`: its columns, dtypes, index and values (floats
    exact; a list in a cell stays a list)."""
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "index": [_cell(v) for v in frame.index],
        "index_dtype": str(frame.index.dtype),
        "index_name": frame.index.name,
        "data": [[_cell(v) for v in row] for row in frame.astype(object).itertuples(index=False)],
    }


def _cell(value: Any) -> Any:
    """A cell as JSON holds it: a missing value as null, a NumPy scalar as its Python value."""
    if isinstance(value, list | tuple | dict | np.ndarray):
        return value.tolist() if isinstance(value, np.ndarray) else value
    if pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def frame_load(data: dict) -> pd.DataFrame:
    """The data frame :func:`frame_dump` wrote, with its dtypes and index."""
    frame = pd.DataFrame(data["data"], columns=data["columns"])
    index = pd.Index(data["index"], dtype=data["index_dtype"], name=data["index_name"])
    if not (data["index_dtype"] == "int64" and index.equals(pd.RangeIndex(len(index)))):
        frame.index = index
    for column, dtype in zip(data["columns"], data["dtypes"]):
        frame[column] = frame[column].astype(dtype) if dtype != "object" else frame[column]
    return frame


def frames_dump(frames) -> list[dict]:
    """Several data frames (a tuple a function returns) as :func:`frame_dump` writes each."""
    return [frame_dump(frame) for frame in frames]


def frames_load(data: list[dict]) -> tuple[pd.DataFrame, ...]:
    """The data frames :func:`frames_dump` wrote, as a tuple."""
    return tuple(frame_load(frame) for frame in data)


def frame_key(frame: pd.DataFrame) -> str:
    """An input form of a data frame for a key: the SHA-256 of its CSV (columns, index, every value)."""
    return hashlib.sha256(frame.to_csv().encode("utf-8")).hexdigest()
