"""Wall-clock deadlines for HTTP requests: connect, TLS handshake, headers and body together.

urllib3's timeouts apply to each socket operation, so a server that sends its status line and then
one header byte a second never trips a 10 s read timeout, and hangs the scan for ever. Here every
request runs under a Deadline: the connections it uses register a duplicate of their socket, and one
watchdog thread shuts those sockets down when the deadline passes. The blocked read then fails at
once, and the caller, seeing `expired`, reports a timeout. A duplicate descriptor is shut down rather
than the original so that the watchdog never touches a descriptor number the process has reused.

Both sides use it: OpenMetadata's client (auditor.collectors.http) and Cognito's transport
(auditor.collectors.aws_transport).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests.adapters
import urllib3.connection
import urllib3.connectionpool

_local = threading.local()

REQUEST_DEADLINE = 10.0  # wall time for one request, however slowly the bytes arrive


def too_slow(limit_s: float) -> str:
    """Why a request was cut off: the request's own deadline, or what was left of the target's budget
    (which can be well under a second: "stopped after 0 s" said nothing)."""
    if limit_s >= REQUEST_DEADLINE:
        return f"answered too slowly; stopped at the {REQUEST_DEADLINE:g} s request deadline"
    return f"answered too slowly; stopped when the target's time budget ran out ({limit_s:.1f} s were left)"


class Deadline:
    """One request's wall-clock limit and the sockets it has used."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def watch(self, sock: Any) -> None:
        try:
            dup = socket.socket(fileno=os.dup(sock.fileno()))
        except (OSError, ValueError, AttributeError):
            return  # not a real socket (closed already): nothing to interrupt
        with self._lock:
            if self.expired:
                _shutdown(dup)
            self._sockets.append(dup)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def release(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
            self._sockets.clear()

    @property
    def remaining(self) -> float:
        return self.at - time.monotonic()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One thread per process that expires deadlines in time order."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._count), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="omaudit-deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _, _, due = heapq.heappop(self._heap)
                    due.expire()
                if not self._heap:
                    if not self._cond.wait(timeout=30):
                        self._thread = None
                        return  # idle: the next request starts a new thread
                    continue
                self._cond.wait(timeout=max(0.0, self._heap[0][0] - now))


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


def _watch(sock: Any) -> None:
    current: Deadline | None = getattr(_local, "current", None)
    if current is not None and sock is not None:
        current.watch(sock)


class _Guarded:
    """Mixed into urllib3's connections: a new socket, or a kept-alive one reused, joins the deadline."""

    sock: Any

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:
            _watch(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Guarded, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Guarded, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """requests' transport adapter whose connections honour `deadline()`, proxied or not."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager
