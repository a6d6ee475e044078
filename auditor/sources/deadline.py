"""Wall-clock deadlines for HTTP requests: connect, TLS handshake, headers and body together.

urllib3's timeouts apply to each socket operation, so a server that sends its status line and then
one header byte a second never trips a 10 s read timeout, and hangs the scan for ever. Here every
request runs under a Deadline: the connections it uses register a duplicate of their socket, and one
watchdog thread shuts those sockets down when the deadline passes. The blocked read then fails at
once, and the caller, seeing `expired`, reports a timeout. A duplicate descriptor is shut down rather
than the original so that the watchdog never touches a descriptor number the process has reused.

Both sides use it: OpenMetadata's client (auditor.sources.openmetadata.http) and Cognito's transport
(auditor.sources.cognito.transport).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

import requests.utils
import urllib3
import urllib3.connection
import urllib3.connectionpool
import urllib3.util

from auditor.common.errors import CollectionError

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
            # Family, type and protocol given: otherwise the socket module asks the kernel for them
            # (three system calls per request, each tens of microseconds on a virtual machine).
            dup = socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno()))
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


class GuardedPools:
    """urllib3's pool managers whose connections honour `deadline()`, one per proxy, shared by threads.

    urllib3 directly rather than requests' adapter: the adapter's request preparation and response
    wrapping cost about half a millisecond of CPU per request (benchmarks/README.md, issue 19), more
    than everything else a request costs us. What requests gave is kept: the proxy the environment
    names for a URL (HTTP(S)_PROXY, NO_PROXY, read with requests' own rules, once per origin), proxy
    credentials from the proxy URL, and TLS verified against certifi's bundle unless `verify` names
    another bundle or folder, or is False. Nothing else of the environment (no ~/.netrc, no cookies)
    is read.
    """

    def __init__(self, verify: bool | str = True, maxsize: int = 10, pools: int = 1) -> None:
        if verify is False:
            self._tls: dict[str, Any] = {"cert_reqs": "CERT_NONE"}
        elif verify is True:
            self._tls = {"cert_reqs": "CERT_REQUIRED", "ca_certs": requests.utils.DEFAULT_CA_BUNDLE_PATH}
        else:
            where = "ca_cert_dir" if os.path.isdir(verify) else "ca_certs"
            self._tls = {"cert_reqs": "CERT_REQUIRED", where: verify}
        self._maxsize, self._pools = maxsize, pools
        self._managers: dict[str | None, urllib3.PoolManager] = {}
        self._proxy_of: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def urlopen(self, method: str, url: str, headers: Mapping[str, str | bytes], body: bytes | str | None,
                timeout: tuple[float, float]) -> urllib3.BaseHTTPResponse:
        """One exchange, never retried or redirected here; the body is left to read (read_capped)."""
        return self._manager(url).urlopen(
            method, url, headers=dict(headers), body=body, retries=False, redirect=False,
            preload_content=False, decode_content=True, timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]))

    def _manager(self, url: str) -> urllib3.PoolManager:
        origin = url.split("/", 3)[2] if url.count("/") >= 2 else url
        with self._lock:
            if origin not in self._proxy_of:
                self._proxy_of[origin] = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
            proxy = self._proxy_of[origin]
            manager = self._managers.get(proxy)
            if manager is None:
                manager = self._managers[proxy] = self._new_manager(proxy)
            return manager

    def _new_manager(self, proxy: str | None) -> urllib3.PoolManager:
        manager: urllib3.PoolManager
        if proxy is None:
            manager = urllib3.PoolManager(num_pools=self._pools, maxsize=self._maxsize, **self._tls)
        else:
            parsed = urllib3.util.parse_url(proxy if "://" in proxy else f"http://{proxy}")
            headers = urllib3.make_headers(proxy_basic_auth=unquote(parsed.auth)) if parsed.auth else None
            manager = urllib3.ProxyManager(parsed._replace(auth=None).url, num_pools=self._pools,
                                           maxsize=self._maxsize, proxy_headers=headers, **self._tls)
        manager.pool_classes_by_scheme = _POOLS
        return manager

    def clear(self) -> None:
        with self._lock:
            for manager in self._managers.values():
                manager.clear()
            self._managers.clear()


def read_capped(resp: urllib3.BaseHTTPResponse, max_bytes: int, too_large: str) -> bytes:
    """The decoded body, at most `max_bytes` (CollectionError `too_large` beyond); the request's deadline
    stops a slow drip. The connection goes back to its pool only when the body was read to its end."""
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = resp.read1(65536, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise CollectionError(too_large)
            chunks.append(chunk)
    except BaseException:
        discard(resp)
        raise
    resp.release_conn()
    return b"".join(chunks)


def discard(resp: urllib3.BaseHTTPResponse) -> None:
    """Close an answer not read to its end: its connection is dropped, never reused mid-body."""
    with contextlib.suppress(Exception):
        resp.close()
    with contextlib.suppress(Exception):
        resp.release_conn()
