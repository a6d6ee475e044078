"""Thread pools whose threads outlive them: a fleet target's reads without starting threads.

Each target reads side by side on pools of its own (OpenMetadata's reads, Cognito's, the app
clients'): about a dozen threads started and joined per target, 1.4 ms of CPU for an eight-thread
pool alone (issue 19). `Pool` keeps a pool's contract (at most `max_workers` of its tasks run at
once; the rest wait in order; `shutdown` waits for them) but runs the tasks on threads of one
process-wide cache, which starts a thread only when none is idle. The cache never makes a task wait
for a thread, so whatever a pool of its own allowed (a task waiting on tasks queued behind others
that finish) still holds, and nothing more can deadlock. Idle threads end after IDLE_SECONDS.
"""

from __future__ import annotations

import collections
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")
IDLE_SECONDS = 5.0


class _Cache:
    """Idle threads, each waiting for its next job on its own slot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []

    def run(self, job: Callable[[], None]) -> None:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None:
            worker = _Worker(self)
            worker.job = job
            worker.thread.start()
        else:
            worker.give(job)

    def rest(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def retire(self, worker: _Worker) -> bool:
        """Remove an idle worker that timed out; False when a job was handed to it meanwhile."""
        with self._lock:
            if worker in self._idle:
                self._idle.remove(worker)
                return True
            return False


class _Worker:
    def __init__(self, cache: _Cache) -> None:
        self.cache = cache
        self.job: Callable[[], None] | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="omaudit-reads", daemon=True)

    def give(self, job: Callable[[], None]) -> None:
        self.job = job
        self.ready.set()

    def _loop(self) -> None:
        while True:
            job, self.job = self.job, None
            if job is not None:
                job()
            self.ready.clear()
            self.cache.rest(self)
            if not self.ready.wait(IDLE_SECONDS):
                if self.cache.retire(self):
                    return
                self.ready.wait()  # taken from the idle list just now: its job is on the way


_cache = _Cache()


def _reset_after_fork() -> None:
    """A forked worker process has none of its parent's threads."""
    global _cache
    _cache = _Cache()


os.register_at_fork(after_in_child=_reset_after_fork)


class Pool(Executor):
    """A ThreadPoolExecutor's contract on cached threads (see the module's docstring)."""

    def __init__(self, max_workers: int) -> None:
        self._max = max(1, max_workers)
        self._lock = threading.Lock()
        self._waiting: collections.deque[tuple[Future[Any], Callable[[], Any]]] = collections.deque()
        self._running = 0
        self._all_done = threading.Condition(self._lock)
        self._shut = False

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        task = (future, lambda: fn(*args, **kwargs))
        with self._lock:
            if self._shut:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if self._running >= self._max:
                self._waiting.append(task)
                return future
            self._running += 1
        _cache.run(lambda: self._work(task))
        return future

    def _work(self, task: tuple[Future[Any], Callable[[], Any]]) -> None:
        while True:
            future, call = task
            if future.set_running_or_notify_cancel():
                try:
                    result = call()
                except BaseException as exc:  # noqa: BLE001 - the future carries it, as ThreadPoolExecutor's does
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            with self._lock:
                if not self._waiting:
                    self._running -= 1
                    self._all_done.notify_all()
                    return
                task = self._waiting.popleft()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shut = True
            if cancel_futures:
                while self._waiting:
                    self._waiting.popleft()[0].cancel()
            if wait:
                while self._running or self._waiting:
                    self._all_done.wait()


def side_by_side(fn: Callable[[T], R], items: Sequence[T], max_workers: int) -> list[R]:
    """`fn` over `items`, in order, up to `max_workers` at once; a single item (or none) is read on this
    thread, without a hand-off to another (a pool with one app client, or no identity pool)."""
    if len(items) <= 1:
        return [fn(item) for item in items]
    with Pool(max_workers=max_workers) as pool:
        return list(pool.map(fn, items))
