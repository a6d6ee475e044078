"""auditor.sources.threads.Pool keeps a ThreadPoolExecutor's contract on threads that outlive it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from auditor.sources import threads
from auditor.sources.threads import Pool, side_by_side


def test_at_most_max_workers_tasks_run_at_once_and_the_rest_wait_in_order() -> None:
    running, peak, order = 0, 0, []
    lock = threading.Lock()

    def task(i: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            order.append(i)
        time.sleep(0.02)
        with lock:
            running -= 1
        return i * 2

    with Pool(max_workers=3) as pool:
        futures = [pool.submit(task, i) for i in range(12)]
    assert [f.result() for f in futures] == [i * 2 for i in range(12)]
    assert peak == 3
    assert order[3:] == list(range(3, 12))  # the waiting ones start in the order they came


def test_a_task_may_wait_on_tasks_queued_behind_others_that_finish() -> None:
    """The OpenMetadata collector's shape: its bot reader maps over the pool it runs on."""
    with Pool(max_workers=2) as pool:
        def outer() -> list[int]:
            return list(pool.map(lambda x: x + 1, range(5)))
        leaf = pool.submit(time.sleep, 0.05)
        nested = pool.submit(outer)
        assert nested.result(timeout=10) == [1, 2, 3, 4, 5]
        assert leaf.result(timeout=10) is None


def test_an_exception_is_the_futures_and_shutdown_waits_for_every_task() -> None:
    done: list[int] = []

    def slow(i: int) -> None:
        time.sleep(0.05)
        done.append(i)

    def fail() -> None:
        raise KeyError("boom")

    pool = Pool(max_workers=1)
    failing = pool.submit(fail)
    for i in range(3):
        pool.submit(slow, i)
    pool.shutdown(wait=True)
    assert done == [0, 1, 2]
    with pytest.raises(KeyError, match="boom"):
        failing.result()
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(slow, 9)


def test_cancel_futures_drops_what_has_not_started() -> None:
    gate = threading.Event()
    pool = Pool(max_workers=1)
    started = pool.submit(gate.wait, 10)
    queued = [pool.submit(time.sleep, 0) for _ in range(3)]
    pool.shutdown(wait=False, cancel_futures=True)
    gate.set()
    assert started.result(timeout=10) is True
    assert all(f.cancelled() for f in queued)


def test_threads_are_reused_across_pools_and_end_when_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "IDLE_SECONDS", 0.2)
    monkeypatch.setattr(threads, "_cache", threads._Cache())
    names: set[int] = set()
    for _ in range(20):
        with Pool(max_workers=2) as pool:
            for f in [pool.submit(threading.get_ident) for _ in range(2)]:
                names.add(f.result())
    assert len(names) <= 4  # twenty pools, not forty threads
    time.sleep(0.6)
    assert not [t for t in threading.enumerate() if t.name == "omaudit-reads" and t.ident in names and t.is_alive()]


def test_side_by_side_reads_one_item_on_this_thread_and_more_on_the_pool_in_order() -> None:
    here = threading.get_ident()

    def where(item: int) -> tuple[int, bool]:
        time.sleep(0.01 * max(0, 3 - item))  # the first finishes last: the result keeps the items' order
        return item, threading.get_ident() == here

    assert side_by_side(where, [7], 4) == [(7, True)]
    assert side_by_side(where, [], 4) == []
    assert side_by_side(where, [0, 1, 2], 4) == [(0, False), (1, False), (2, False)]


def test_side_by_side_raises_what_a_read_raises() -> None:
    def read(item: int) -> int:
        if item == 2:
            raise ValueError("the second read failed")
        return item

    for items in ([2], [1, 2, 3]):
        with pytest.raises(ValueError, match="the second read failed"):
            side_by_side(read, items, 4)


def test_a_tree_is_walked_once_for_templates_read_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """A fleet's threads read CloudFormation templates of one tree at once: one walk of it, not one a thread
    (a file fleet at 40 in flight walked the working folder 35 times)."""
    from auditor.sources.files.cloudformation import nested

    walks: list[Path] = []
    real_walk = nested._walk

    def slow_walk(root: Path) -> nested.Stacks:
        walks.append(root)
        time.sleep(0.05)  # the other threads arrive while the walk runs
        return real_walk(root)

    (tmp_path / "main.yaml").write_text("Resources: {}\n")
    monkeypatch.setattr(nested, "_walk", slow_walk)
    nested.forget()
    found: list[nested.Stacks] = []
    readers = [threading.Thread(target=lambda: found.append(nested.stack_map(tmp_path))) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    nested.forget()
    assert len(walks) == 1
    assert len(found) == 8
    assert all(f is found[0] for f in found)
