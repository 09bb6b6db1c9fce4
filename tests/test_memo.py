"""The memo of slow results: a result comes back exactly as computed, once per key; a change of input or of
the code that computes it is a new key (a docstring or comment is not); off means always computed."""

import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from herd.analyses.compute import refit
from herd.base import memo

TINY_GRID = {k: np.array([v]) for k, v in {"a": 5.0, "b": 5.0, "e": 0.0, "alpha": 0.5, "beta": 0.5}.items()}


def _counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return calls, compute


def _keep(monkeypatch, tmp_path):
    monkeypatch.setenv(memo.ENV, str(tmp_path / "cache"))


def test_a_result_is_computed_once_per_key_and_comes_back_exactly(monkeypatch, tmp_path):
    _keep(monkeypatch, tmp_path)
    value = {"x": [0.1, 1 / 3, 2.0**-60, 1e300]}
    calls, compute = _counting(value)
    args = ("herd.base.memo", "demo", {"n": 3, "v": np.arange(4.0)}, compute, lambda r: r, lambda d: d)
    assert memo.remember(*args) == value
    assert memo.remember(*args) == value
    assert len(calls) == 1
    other = ("herd.base.memo", "demo", {"n": 3, "v": np.arange(4.0) + 1e-12}, compute, lambda r: r, lambda d: d)
    memo.remember(*other)
    assert len(calls) == 2


def test_off_computes_every_time(monkeypatch):
    monkeypatch.setenv(memo.ENV, "off")
    calls, compute = _counting(1)
    for _ in range(2):
        assert memo.remember("herd.base.memo", "demo", {}, compute, lambda r: r, lambda d: d) == 1
    assert len(calls) == 2 and memo.folder() is None


def test_an_unreadable_stored_result_is_computed_again(monkeypatch, tmp_path):
    _keep(monkeypatch, tmp_path)
    calls, compute = _counting([1.5])
    memo.remember("herd.base.memo", "demo", {}, compute, lambda r: r, lambda d: d)
    (stored,) = (tmp_path / "cache" / "demo").glob("*.json")
    stored.write_text('{"result": [1.5')  # cut short, as by a full disk
    assert memo.remember("herd.base.memo", "demo", {}, compute, lambda r: r, lambda d: d) == [1.5]
    assert len(calls) == 2


def test_two_processes_asking_at_once_compute_once(monkeypatch, tmp_path):
    _keep(monkeypatch, tmp_path)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return 7

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(memo.remember("herd.base.memo", "demo", {}, slow, int, int)))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [7, 7] and len(calls) == 1


def test_the_key_follows_the_code_not_its_docstrings_or_comments(tmp_path):
    for name in ("__init__.py", "base/__init__.py", "base/memo.py", "base/codehash.py"):
        (tmp_path / "src" / "herd" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "src" / "herd" / name, tmp_path / "src" / "herd" / name)
    module = tmp_path / "src" / "herd" / "base" / "codehash.py"  # imported by herd.base.memo: part of its key
    before = memo.key("herd.base.memo", "demo", {}, root=tmp_path)
    source = module.read_text()
    module.write_text(
        source.replace('"""The code a result depends on', '"""What a result depends on', 1) + "# a note\n"
    )
    assert memo.key("herd.base.memo", "demo", {}, root=tmp_path) == before
    module.write_text(source + "\nEXTRA = 1\n")
    assert memo.key("herd.base.memo", "demo", {}, root=tmp_path) != before
    assert memo.key("herd.base.memo", "other", {}, root=tmp_path) != memo.key(
        "herd.base.memo", "demo", {}, root=tmp_path
    )


def test_an_input_it_cannot_key_is_an_error():
    with pytest.raises(TypeError, match="cannot key an input of type object"):
        memo.key("herd.base.memo", "demo", {"x": object()})


def test_the_grids_fit_from_the_memo_is_the_fit_computed(monkeypatch, tmp_path):
    _keep(monkeypatch, tmp_path)
    rng = np.random.default_rng(1)
    n, d = np.exp(rng.uniform(18, 23, 40)), np.exp(rng.uniform(20, 26, 40))
    loss = 1.7 + 400 / n**0.33 + 1500 / d**0.35
    first = refit.fit_parametric(n, d, loss, grid=TINY_GRID)
    again = refit.fit_parametric(n, d, loss, grid=TINY_GRID)
    monkeypatch.setenv(memo.ENV, "off")
    fresh = refit.fit_parametric(n, d, loss, grid=TINY_GRID)
    for fit in (again, fresh):
        assert fit.law == first.law and fit.theta == first.theta and fit.objective == first.objective
        assert (fit.at_best, fit.reach_best, fit.starts, fit.points) == (
            first.at_best,
            first.reach_best,
            first.starts,
            first.points,
        )
        assert np.array_equal(fit.candidates, first.candidates)
        assert np.array_equal(fit.candidate_losses, first.candidate_losses)
    assert len(list((tmp_path / "cache" / "fit_parametric").glob("*.json"))) == 1


def test_a_library_version_is_part_of_the_key(monkeypatch):
    before = memo.key("herd.base.memo", "demo", {})
    monkeypatch.setattr(memo, "_environment", lambda: "numpy=0.0\0")
    assert memo.key("herd.base.memo", "demo", {}) != before


def test_a_data_frame_comes_back_with_its_values_dtypes_and_index():
    import json

    import pandas as pd

    frame = pd.DataFrame(
        {
            "name": pd.array(["a", None, "c"], dtype="string"),
            "n": [1, 2, 3],
            "share": [1 / 3, float("nan"), 2.0**-60],
            "ok": [True, False, True],
            "cells": [[1.5, 2.0], [], [0.1]],
        }
    )
    for shown in (frame, frame.set_index("name"), frame.iloc[0:0]):
        back = memo.frame_load(json.loads(json.dumps(memo.frame_dump(shown))))
        pd.testing.assert_frame_equal(back, shown)
    assert memo.frame_key(frame) != memo.frame_key(frame.assign(n=[1, 2, 4]))


@pytest.fixture(scope="module")
def package():
    from herd.record import data

    return data.load(ROOT / "data")


def test_a_judged_table_from_the_memo_is_the_one_computed(package, monkeypatch, tmp_path):
    import pandas as pd

    from herd.method import compare, sample_sizes

    source, table = "llama3-paper-v3", "Table 14"
    args = (
        package.scores[(package.scores["source"] == source) & (package.scores["table"] == table)],
        package.benchmarks,
        sample_sizes.package_sizes(package),
        package.tables.get("benchmark_subsets"),
    )
    _keep(monkeypatch, tmp_path)
    first, again = compare.judge(*args), compare.judge(*args)
    assert len(list((tmp_path / "cache" / "judge").glob("*.json"))) == 1
    monkeypatch.setenv(memo.ENV, "off")
    fresh = compare.judge(*args)
    assert first["testable"].any() and first["marker_a"].isna().any()
    for judged in (first, again):
        pd.testing.assert_frame_equal(judged, fresh, check_exact=True)
        # a missing marker or page is NaN, as computed (not None), and every value keeps its type
        for column in fresh.columns:
            assert [type(v) for v in judged[column]] == [type(v) for v in fresh[column]], column


def test_every_process_runs_numpy_with_the_same_vector_instructions():
    # the Makefile sets them once for every process it starts; the chapters' kernel spec (here and in Binder) carries
    # the same setting, and a kept result is keyed by the instructions numpy uses
    import json
    import re
    import subprocess
    import sys

    makefile = (ROOT / "Makefile").read_text()
    (features,) = re.findall(r"^export NPY_DISABLE_CPU_FEATURES := (.+)$", makefile, re.M)
    assert "X86_V4" in features.split()
    assert "s/^export NPY_DISABLE_CPU_FEATURES := //p" in (ROOT / "binder" / "postBuild").read_text()
    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    if spec.exists():  # installed by make
        assert json.loads(spec.read_text()).get("env", {}).get("NPY_DISABLE_CPU_FEATURES") == features
    code = "from herd.base import memo; print(memo._vector_instructions())"
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": features}
    used = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert used.startswith("simd=") and not {"X86_V4", "AVX512_ICL", "AVX512_SPR"} & set(used.strip()[5:].split(","))
