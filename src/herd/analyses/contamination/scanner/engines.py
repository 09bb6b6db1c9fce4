"""Engines: how the shards of a scan are spread over processes. Each is one function taking
the scanner (its plan still to be chosen, see ``Scanner.deferred``), the corpus listing (its
shards and their sizes) and the scan's ``ScanOptions``, and returning the per-worker Founds:
``serial`` (this process), ``workers`` (local processes sharing a queue of shard batches) and
``dask`` (a Dask bag over shard batches: local processes, or a cluster given a ``Client`` or a
scheduler address)."""

from __future__ import annotations

import heapq
import os
import signal
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .readers import ContaminationInputError, Corpus
from .scanning import Found, Plan, Scanner, union

ENGINE_NAMES = ("serial", "workers", "dask")
PLANS = ("auto", "anchored", "full")


@dataclass(frozen=True)
class ScanOptions:
    """How to run a scan: the engine and its workers (or a Dask ``client``: a Client or a
    scheduler address), how to read shards (the JSONL and Parquet field of the text; whether to
    skip unreadable shards and malformed lines, and report them), whether to show progress, and
    the plan (auto chooses from a sample of the corpus). Checked when made: a wrong option is a
    ContaminationInputError naming it."""

    engine: str = "serial"
    workers: int = 2
    client: Any = None
    text_field: str = "text"
    skip_bad: bool = False
    progress: bool = False
    plan: str = "auto"

    def __post_init__(self) -> None:
        if self.engine not in ENGINE_NAMES:
            raise ContaminationInputError(f"engine: unknown engine {self.engine!r}; use {', '.join(ENGINE_NAMES)}")
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise ContaminationInputError(f"workers: must be a whole number, at least 1 (got {self.workers!r})")
        if self.plan not in PLANS:
            raise ContaminationInputError(f"plan: must be one of {', '.join(PLANS)} (got {self.plan!r})")


def queue(shards: list[Path], workers: int, per_worker: int = 16, sizes: list[int] | None = None) -> list[list[Path]]:
    """Batches for ``workers`` taking the next one as they finish: ``per_worker`` batches of
    balanced bytes each, the last two per worker cut in four, so that the workers end within a
    small batch of each other."""
    sizes = sizes if sizes is not None else [p.stat().st_size for p in shards]
    big = batches(shards, per_worker * workers, sizes)
    last = min(2 * workers, len(big))
    size_of = dict(zip(shards, sizes))
    return big[: len(big) - last] + [
        small for b in big[len(big) - last :] for small in batches(b, 4, [size_of[p] for p in b])
    ]


def batches(shards: list[Path], n: int, sizes: list[int] | None = None) -> list[list[Path]]:
    """Shards dealt into ``n`` batches of near-equal bytes (largest first, each to the lightest
    batch), so parallel workers finish together and each task carries many small shards.
    ``sizes``: the shards' sizes, if known (else each is asked for)."""
    sizes = sizes if sizes is not None else [p.stat().st_size for p in shards]
    loads: list[tuple[int, int, list[Path]]] = [(0, i, []) for i in range(n)]
    heapq.heapify(loads)
    for j in sorted(range(len(shards)), key=sizes.__getitem__, reverse=True):
        size, i, batch = loads[0]
        batch.append(shards[j])
        heapq.heapreplace(loads, (size + sizes[j], i, batch))
    return [batch for _, _, batch in sorted(loads, key=lambda t: t[1]) if batch]


def serial(scanner: Scanner, corpus: Corpus, options: ScanOptions, bar=None) -> list[Found]:
    """Every shard scanned in this process, in order."""
    return [scanner.ready().shards(corpus.shards, bar.update if bar is not None else None)]


# Local worker processes (the workers engine, and dask without a cluster) are forked from this
# process once the anchors are made and before the plan is measured: they inherit the
# tokenizer, the index and the anchors (nothing large is pickled) and start scanning by the
# anchored plan while this process times both plans on the sample; each batch is scanned by
# the plan as it is known when the batch is taken (Scanner.following). In a worker process,
# _SHARED holds the scanner, the batches of shards and the shared counter of the next one to
# take (workers engine), and the plan once chosen (0: not yet; see _PLAN_CODES).
_SHARED: tuple | None = None
_PLAN_CODES = {"anchored": 1, "full": 2}
_PLAN_NAMES = {code: name for name, code in _PLAN_CODES.items()}
BATCHES_PER_WORKER = 16  # workers engine: batches in the shared queue, per worker
PARTITIONS_PER_SLOT = 16  # dask: partitions per worker process (local) or thread (cluster)


def _init_worker(*shared) -> None:
    global _SHARED
    _SHARED = shared
    # Ctrl-C reaches every process of the terminal's group: a worker leaves at once and quietly
    # (its work is lost with the scan's), and the calling process reports the interruption
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(130))


def _stop_workers() -> None:
    """End this process's worker processes now (on Ctrl-C, which may have reached this one only)."""
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()


def _local_pool(scanner: Scanner, n: int, jobs: list | None = None) -> tuple:
    """``n`` worker processes, forked from this one where the platform can (else spawned and
    sent the scanner), and what they share: (scanner, jobs, next job, plan). The anchors are
    made first, here, for the workers to inherit."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    scanner.provisional()
    shared = (scanner, jobs, multiprocessing.Value("i", 0), multiprocessing.Value("i", 0))
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_init_worker, initargs=shared), shared


def _choose(shared: tuple) -> None:
    """Choose the plan here and tell the workers."""
    scanner, _, _, decided = shared
    decided.value = _PLAN_CODES[scanner.ready().plan.name]


def _following(shared: tuple) -> Scanner:
    scanner, _, _, decided = shared
    return scanner.following(_PLAN_NAMES.get(decided.value))


def _drain(shared: tuple | None = None, bar=None) -> Found:
    """Take batches from the shared queue until none is left (in each worker, and in the
    calling process, which is one of the workers and moves the progress bar, if any, to the
    number of shards handed out so far)."""
    shared = shared or _SHARED
    assert shared is not None  # set in each worker process when it starts
    _, jobs, next_job, _ = shared
    parts: list[Found] = []
    while True:
        with next_job.get_lock():
            i = next_job.value
            next_job.value += 1
        if bar is not None:
            bar.update(sum(len(b) for b in jobs[: min(i, len(jobs))]) - bar.n)
        if i >= len(jobs):
            return union(parts)
        parts.append(_following(shared).shards(jobs[i]))


def workers(scanner: Scanner, corpus: Corpus, options: ScanOptions, bar=None) -> list[Found]:
    """The shards scanned by ``options.workers`` local processes (this one included) taking
    batches from a shared queue."""
    # small batches of balanced bytes in a shared queue: whoever is free takes the next, the
    # caller included (once it has chosen the plan)
    jobs = queue(corpus.shards, options.workers, BATCHES_PER_WORKER, corpus.sizes)
    if options.workers == 1:
        scanner.ready()
        return [scanner.shards(corpus.shards, bar.update if bar is not None else None)]
    pool, shared = _local_pool(scanner, options.workers - 1, jobs)
    try:
        others = [pool.submit(_drain) for _ in range(options.workers - 1)]  # the workers are forked here
        _choose(shared)
        return [_drain(shared, bar)] + [f.result() for f in others]
    except KeyboardInterrupt:
        _stop_workers()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # the results are in; workers exit on their own


class _Local:
    """Stands for the scanner in a dask task run by a local worker process (which has it)."""

    def __reduce__(self):
        return _Local, ()


def _shared() -> tuple:
    """What this local worker process shares with the others (set when it started)."""
    assert _SHARED is not None, "not in a local worker process"
    return _SHARED


def _scan_group(paths: list[str], scanner: Scanner | _Local) -> Found:
    return (_following(_shared()) if isinstance(scanner, _Local) else scanner).shards(paths)


def _measure() -> Plan:
    """In a local worker process: choose the plan, tell the other workers, return it."""
    _choose(_shared())
    return _shared()[0].plan


class _InFlight:
    """A local pool as dask's process scheduler sees it: dask keeps ``_max_workers`` partitions
    submitted at a time, here two per worker process, so that a worker finds its next partition
    waiting instead of idling while its last result travels back and the next is sent."""

    def __init__(self, pool, in_flight: int):
        self.pool, self._max_workers = pool, in_flight

    def submit(self, fn, /, *args, **kwargs):
        return self.pool.submit(fn, *args, **kwargs)


def dask(scanner: Scanner, corpus: Corpus, options: ScanOptions, bar=None) -> list[Found]:
    """The shards scanned as a Dask bag: on the cluster of ``options.client``, or on local worker
    processes forked from this one."""
    import dask.bag as db

    client = options.client
    if isinstance(client, str):
        from distributed import Client

        client = Client(client)
    # balanced partitions, PARTITIONS_PER_SLOT per worker process (local) or thread (cluster):
    # small, as dask does not run them in the order given (so smaller last ones would not help)
    slots = max(1, sum(client.nthreads().values())) if client is not None else options.workers
    groups = [[str(p) for p in b] for b in batches(corpus.shards, PARTITIONS_PER_SLOT * slots, corpus.sizes)]
    if client is not None:  # a cluster is sent the scanner, its plan chosen here
        from distributed import as_completed

        mapped = db.from_sequence(groups, npartitions=len(groups)).map(_scan_group, scanner.ready())
        parts = []
        for future in as_completed(client.compute(mapped.to_delayed())):  # one future per partition
            done = future.result()
            parts += done
            if bar is not None:
                bar.update(sum(f.shards for f in done))
        return parts
    # Local processes, forked before the plan is measured and given to dask's process
    # scheduler as its pool. The first of them to start measures the plan (so that this
    # process, which dispatches the partitions one at a time, is not kept busy) while the
    # others scan; a task carries the paths of its shards only. (One partition per dispatch:
    # dask batches several by default, which can leave a worker idle.)
    mapped = db.from_sequence(groups, npartitions=len(groups)).map(_scan_group, _Local())
    pool, shared = _local_pool(scanner, options.workers)
    try:
        measured = pool.submit(_measure)  # the workers are forked here
        with _partition_ticks(bar):
            result = mapped.compute(scheduler="processes", pool=_InFlight(pool, 2 * options.workers), chunksize=1)
        scanner.chosen(measured.result())
        return result
    except KeyboardInterrupt:
        _stop_workers()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


ENGINES: dict[str, Callable[..., list[Found]]] = {"serial": serial, "workers": workers, "dask": dask}


def run(scanner: Scanner, corpus: Corpus, options: ScanOptions) -> list[Found]:
    """The scan of the corpus's shards by the engine ``options`` names, with a progress bar over
    shards when asked."""
    total = len(corpus.shards)
    bar = None
    if options.progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="shard", desc=f"scanning ({options.engine})")
    try:
        parts = ENGINES[options.engine](scanner, corpus, options, bar)
        if bar is not None:
            bar.update(total - bar.n)
    finally:
        if bar is not None:
            bar.close()
    return parts


def _partition_ticks(bar):
    """A dask callback that moves the progress bar as each partition of shards finishes."""
    if bar is None:
        return nullcontext()
    from dask.callbacks import Callback

    class Ticks(Callback):
        def __init__(self) -> None:
            super().__init__()
            self.seen: set[int] = set()

        def _posttask(self, key, result, dsk, state, worker_id):
            # a partition's result arrives under more than one key; count each partition once
            if (
                isinstance(key, tuple)
                and isinstance(result, list)
                and result
                and all(isinstance(r, Found) for r in result)
                and key[-1] not in self.seen
            ):
                self.seen.add(key[-1])
                bar.update(sum(r.shards for r in result))

    return Ticks()
