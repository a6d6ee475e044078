"""Wall-clock deadlines for HTTP requests: connect, TLS handshake, headers and body together.

Socket timeouts apply to each socket operation, so a server that sends its status line and then
one header byte a second never trips a 10 s read timeout, and hangs the scan for ever. Here every
request runs under a Deadline: the connections it uses register themselves (auditor.sources.wire),
and one watchdog thread interrupts them when the deadline passes. The blocked read then fails at
once, and the caller, seeing `expired`, reports a timeout. A connection shuts its socket down under
its own lock, the one its close takes, so the watchdog never touches a descriptor number the process
has closed and reused.

Both sides use it: OpenMetadata's client (auditor.sources.openmetadata.http) and Cognito's transport
(auditor.sources.cognito.transport).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import threading
import time
from collections.abc import Iterator
from typing import Protocol

_local = threading.local()

REQUEST_DEADLINE = 10.0  # wall time for one request, however slowly the bytes arrive


def too_slow(limit_s: float) -> str:
    """Why a request was cut off: the request's own deadline, or what was left of the target's budget
    (which can be well under a second: "stopped after 0 s" said nothing)."""
    if limit_s >= REQUEST_DEADLINE:
        return f"answered too slowly; stopped at the {REQUEST_DEADLINE:g} s request deadline"
    return f"answered too slowly; stopped when the target's time budget ran out ({limit_s:.1f} s were left)"


class Interruptible(Protocol):
    def interrupt(self) -> None: ...


class Deadline:
    """One request's wall-clock limit and the connections it has used."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self.released = False  # its request is over: nothing left to interrupt
        self._watched: list[Interruptible] = []
        self._lock = threading.Lock()

    def watch(self, conn: Interruptible) -> None:
        with self._lock:
            if self.expired:
                conn.interrupt()
            self._watched.append(conn)

    def unwatch(self, conn: Interruptible) -> bool:
        """Stop watching `conn`; False when the deadline has passed (it may have been shut down)."""
        with self._lock:
            if conn in self._watched:
                self._watched.remove(conn)
            return not self.expired

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for conn in self._watched:
                conn.interrupt()

    def release(self) -> None:
        with self._lock:
            self._watched.clear()
            self.released = True

    @property
    def remaining(self) -> float:
        return self.at - time.monotonic()


class _Watchdog:
    """One thread per process that expires deadlines in time order."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._cond:
            earliest = not self._heap or deadline.at < self._heap[0][0]
            heapq.heappush(self._heap, (deadline.at, next(self._count), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="omaudit-deadlines", daemon=True)
                self._thread.start()
            elif earliest:
                # The thread sleeps until the earliest deadline; a later one needs no wake-up (each
                # wake-up cost about a dozen futex calls per request, measured with strace -c).
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for due in self.due(now):
                    due.expire()
                if not self._heap:
                    if not self._cond.wait(timeout=30):
                        self._thread = None
                        return  # idle: the next request starts a new thread
                    continue
                self._cond.wait(timeout=max(0.0, self._heap[0][0] - now))


    def due(self, now: float) -> list[Deadline]:
        """The deadlines that have passed, taken off the heap with every released one on top of it.

        A request's deadline is 10 s, and its request is usually over in milliseconds: without this,
        a scan longer than 10 s woke the watchdog once for every request it had finished 10 s before
        (thousands of wake-ups a minute). With it the watchdog sleeps until a request still running."""
        passed = []
        while self._heap and (self._heap[0][2].released or self._heap[0][0] <= now):
            _, _, deadline = heapq.heappop(self._heap)
            if not deadline.released:
                passed.append(deadline)
        return passed


_watchdog = _Watchdog()


def _reset_after_fork() -> None:
    """A forked worker has no watchdog thread: it starts its own on its first request."""
    global _watchdog
    _watchdog = _Watchdog()
    _local.__dict__.clear()


os.register_at_fork(after_in_child=_reset_after_fork)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Everything this thread sends and reads inside the block ends within `seconds` of wall time."""
    limit = Deadline(time.monotonic() + max(0.0, seconds))
    previous = getattr(_local, "current", None)
    _local.current = limit
    _watchdog.add(limit)
    try:
        yield limit
    finally:
        _local.current = previous
        limit.release()


def watch(conn: Interruptible) -> None:
    """`conn` is interrupted when this thread's current deadline passes (at once if it has)."""
    current: Deadline | None = getattr(_local, "current", None)
    if current is not None:
        current.watch(conn)


def active() -> bool:
    """True when this thread is inside a `deadline()` block: its watchdog bounds every read."""
    return getattr(_local, "current", None) is not None


def expired() -> bool:
    """True when this thread's current deadline has passed."""
    current: Deadline | None = getattr(_local, "current", None)
    return current is not None and current.expired


def unwatch(conn: Interruptible) -> bool:
    """Before a connection goes back to its pool: False when this thread's deadline cut it off."""
    current: Deadline | None = getattr(_local, "current", None)
    return current is None or current.unwatch(conn)
