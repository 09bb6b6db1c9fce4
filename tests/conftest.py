import os
import resource
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

# What a test needs beyond the package and its Python dependencies, as markers registered in pyproject.toml.
# A test carrying none of them is a unit test: `make unit` runs exactly those, and each must stay fast (below).
NEEDS = ("book", "browser", "slow", "lint", "npm", "texts")
# A unit test may spend this much processor time (its own process and the processes it starts, in its own run)
# and this much wall time; more fails it with a note to mark it, so a slow test cannot join `make unit` unnoticed.
UNIT_CPU_SECONDS = float(os.environ.get("HERD_UNIT_CPU_SECONDS", "3"))
UNIT_WALL_SECONDS = float(os.environ.get("HERD_UNIT_WALL_SECONDS", "30"))

# Slow results kept on disk (herd.base.memo) are shared with `make book` (_build/cache, keyed by code, inputs and
# library versions), by the suite's workers and by the chapters' kernels. A unit test gets a new, empty folder of
# its own (the fixture below), so its time, which the guard below measures, never depends on an earlier run.


@pytest.fixture(autouse=True)
def _unit_tests_compute_from_scratch(request, tmp_path_factory, monkeypatch):
    if not any(request.node.get_closest_marker(m) for m in NEEDS):
        monkeypatch.setenv("HERD_CACHE", str(tmp_path_factory.mktemp("herd-cache")))
    yield


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the data package, for tests that break it on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def shows(text: str, value) -> bool:
    """Whether the printed ``text`` can stand for the raw ``value``: the value lies in one of the ranges
    :func:`herd.base.formats.read` reads the text as (a missing value only in a dash)."""
    from herd.base import formats

    ranges = formats.read(text)
    if ranges is None:
        return False
    if formats.missing(value):
        return ranges == []
    v = float(value)
    return any(low - 1e-9 * max(1.0, abs(v)) <= v <= high + 1e-9 * max(1.0, abs(v)) for low, high in ranges)


def edit_csv(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (line numbers as in the file, header = line 1)."""
    import csv

    rows = list(csv.reader(path.open(newline="")))
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    with path.open("w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


# Files whose tests share nothing costly (no module fixture that takes long), each test long: `make test` hands each
# of their tests to a worker of its own (below), instead of the whole file to one worker.
SPREAD = ("tests/test_add_model.py",)


def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadfile` (`make test`): each file's tests in one worker, as pytest-xdist does (a chapter's nbval
    cells share its kernel, a module's fixtures are set up once), except the tests of :data:`SPREAD`, each a unit of
    its own, so that several workers share them. Only a test's node id is known here (the workers collect)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::", 1)[0]
            return nodeid if file in SPREAD else file

        def _reschedule(self, node) -> None:
            # pytest-xdist gives a worker another unit while it has up to two tests waiting, which would queue a
            # second long test (a chapter run) behind a first one, while another worker goes idle: here only when
            # it has at most one (a worker runs its last test once it knows the next, so none waits idle)
            if not node.shutting_down and self.workqueue and self._pending_of(self.assigned_work[node]) > 1:
                return
            super()._reschedule(node)

    return FileScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).suffix == ".ipynb":  # nbval: a cell of an executed chapter, run in its kernel
            item.add_marker(pytest.mark.book)
    # The order pytest-xdist hands out files in (`make test` passes --no-loadscope-reorder, whose default would
    # put the files with the most tests first): the files marked slow as a whole first (a few long tests each: a
    # chapter run per model, a book built from hostile data), then the chapters, then the rest, so that no worker
    # is left running a long file alone at the end. Stable: within each group the collection's order stays.
    slow_files: dict[str, bool] = {}
    for item in items:
        file = str(item.fspath)
        slow_files[file] = slow_files.get(file, True) and item.get_closest_marker("slow") is not None

    def group(item) -> int:
        return 0 if slow_files[str(item.fspath)] else 1 if Path(str(item.fspath)).suffix == ".ipynb" else 2

    items.sort(key=group)


def _is_unit(item) -> bool:
    return not any(item.get_closest_marker(name) for name in NEEDS)


def _spent() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, time.perf_counter()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    # the test's own run: a module fixture's set-up falls on whichever test a worker runs first, so counting it
    # would make the guard depend on the order of the tests
    item._herd_start = _spent()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or not report.passed or not _is_unit(item) or not hasattr(item, "_herd_start"):
        return
    cpu0, wall0 = item._herd_start
    cpu1, wall1 = _spent()
    cpu, wall = cpu1 - cpu0, wall1 - wall0
    if cpu > UNIT_CPU_SECONDS or wall > UNIT_WALL_SECONDS:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} carries no marker of {', '.join(NEEDS)} (so `make unit` runs it) but took {cpu:.1f} s "
            f"of processor time and {wall:.1f} s in all (a unit test: at most {UNIT_CPU_SECONDS:g} s and "
            f"{UNIT_WALL_SECONDS:g} s): make it faster or mark it, e.g. `@pytest.mark.slow`"
        )
