"""Fleet collection across worker processes, so a large scan is not held to one core by the GIL.

A target costs about 12-14 ms of CPU on the 2-core benchmark machine, most of it in its 27 requests, the
threads that send them and the system calls under them (benchmarks/README.md, issue 19); at 1,000
targets that is 12 seconds on one core while the network waits are 5 to 8 (at 40 to 24 in flight).
Each worker is forked with its share of the targets and collects them on its own thread pool; every
finished target comes back to the parent at once (for the progress bar), in any order, and is put back
in target order there.
Workers are forked before any collection thread exists in the parent, and never write to the
terminal. A worker that dies turns its unfinished targets into ERROR findings, not a hang.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import queue
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from auditor.common import redact
from auditor.scan.registry import failed_target

if TYPE_CHECKING:
    from auditor.facts.snapshot import Snapshot
    from auditor.scan.target import ScanTarget

MAX_PROCESSES = 4  # each worker holds its own interpreter (~60 MB); more rarely pays on a scan box
TARGETS_PER_PROCESS = 25  # below this a fork costs more than it saves
POLL = 0.5
PER_CPU = 20
MAX_DEFAULT_CONCURRENCY = 64

Collected = tuple["Snapshot", list[str]]
Collect = Callable[["ScanTarget"], Collected]


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_concurrency() -> int:
    """Targets in flight: enough to keep every CPU busy, and no more.

    A target spends about 12 ms on the CPU and ~200 ms waiting (four dependent round trips at 50 ms), so
    one core stays busy with about 1 + 200/12 = 18 targets in flight (Little's law). Beyond that, more
    concurrency costs CPU (a worker's threads wait on one GIL: 11.6 ms a target at 24 in flight on 2
    cores, 13.8 at 48, 18.7 at 96) and adds load on Cognito's per-account request quotas. On 2 cores,
    1,000 targets at 50 ms took 11.9-12.3 s at 24, 10.4 s at 32, 8.9-10.8 s at 40 and 10.6 s at 48
    (benchmarks/README.md, "Sixth pass", with the lab's answers replayed by benchmarks/front.py so that the
    lab's own CPU is not on the cores measured).
    """
    return min(PER_CPU * usable_cpus(), MAX_DEFAULT_CONCURRENCY)


def process_count(targets: int, concurrency: int) -> int:
    """How many worker processes a scan of `targets` at `concurrency` uses (1: none, threads only)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawn would re-import everything per worker: threads are cheaper there
    return max(1, min(usable_cpus(), MAX_PROCESSES, concurrency, targets // TARGETS_PER_PROCESS))


# Collection allocates millions of short-lived objects that form no cycles (parsed answers, botocore's
# dictionaries): at Python's default gen-0 threshold (700) the cyclic collector ran every 700 of them,
# 7 to 12% of a fleet scan's CPU (perf, issue 19). During a scan (collection, and the report, which a
# fleet's parent builds from every snapshot at once) it runs every 50,000 instead: cycles are still
# collected, later, and a worker's garbage stays under a few MB.
COLLECTING_GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def collecting_gc() -> Iterator[None]:
    """The collector's thresholds while targets are collected, restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(*COLLECTING_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def collect_in_processes(targets: Sequence[ScanTarget], processes: int, concurrency: int, collect: Collect,
                         on_done: Callable[[int, Collected], None]) -> None:
    """Collect every target; `on_done(index, result)` runs in this process as each one finishes."""
    context = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[tuple[int, Collected | None, BaseException | None, list[str]]] = context.Queue()
    shares = [list(range(k, len(targets), processes)) for k in range(processes)]
    threads = max(1, -(-concurrency // processes))
    workers = [context.Process(target=_work, args=(targets, share, threads, collect, results), daemon=True,
                               name=f"omaudit-worker-{k}") for k, share in enumerate(shares)]
    # What the parent has loaded (modules, botocore's model) is left out of the workers' collections:
    # they never free it, and walking it cost each worker's full collections about 85 ms.
    gc.freeze()
    try:
        for worker in workers:
            worker.start()
    finally:
        gc.unfreeze()
    pending = set(range(len(targets)))
    try:
        while pending:
            try:
                index, result, error, secrets = results.get(timeout=POLL)
            except queue.Empty:
                if any(w.is_alive() for w in workers):
                    continue
                try:  # one last look: a worker may have written its last result just before it exited
                    index, result, error, secrets = results.get(timeout=POLL)
                except queue.Empty:
                    _lost(workers, shares, pending, targets, on_done)
                    return
            redact.register(*secrets)
            if error is not None:
                raise error
            assert result is not None
            pending.discard(index)
            on_done(index, result)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _work(targets: Sequence[ScanTarget], share: list[int], threads: int, collect: Collect,
          results: multiprocessing.Queue[Any]) -> None:
    """In the worker: collect this share on a thread pool; send each result, and any crash, back."""
    # Ctrl-C is the parent's to handle (it stops the workers); a worker never prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def one(index: int) -> None:
        try:
            result = collect(targets[index])
        except BaseException as exc:  # noqa: BLE001 - re-raised in the parent, where it is reported
            results.put((index, None, _picklable(exc), redact.SECRETS.values()))
            return
        results.put((index, result, None, redact.SECRETS.values()))

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="omaudit-target") as pool:
        list(pool.map(one, share))
    results.close()
    results.join_thread()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - any exception must reach the parent in some form
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _lost(workers: Sequence[multiprocessing.process.BaseProcess], shares: list[list[int]], pending: set[int],
          targets: Sequence[ScanTarget], on_done: Callable[[int, Collected], None]) -> None:
    """Every worker has exited with targets unfinished: those become ERROR, named with the exit code."""
    codes = {i: w.exitcode for w, share in zip(workers, shares, strict=True) for i in share}
    for index in sorted(pending):
        reason = f"the collector process stopped (exit code {codes[index]}) before this target finished"
        on_done(index, (failed_target(targets[index], reason), []))
