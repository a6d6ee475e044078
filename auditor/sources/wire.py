"""HTTP/1.1 for omaudit's two clients, on the standard library's http.client.

urllib3 cost about twice http.client's CPU per request (benchmarks/README.md, issue 19), and a fleet
target sends about 30 requests. What this module keeps of what urllib3 gave us:
- kept-alive connections per origin, shared by threads; a kept-alive connection the server closed
  is replaced once, and only for a request that may be sent twice (GET, or a read the caller names);
- the proxy the environment names for a URL (HTTP(S)_PROXY, NO_PROXY, read with requests' own rules,
  once per origin), with the proxy URL's credentials; an https target is tunnelled (CONNECT);
- TLS verified against certifi's bundle, or the bundle or folder `verify` names, or not at all;
  TLS 1.2 at least, ALPN http/1.1;
- gzip and deflate answers decoded, never beyond what the caller will read (a 64 KB gzip chunk can
  inflate to 64 MB; urllib3 inflated it whole);
- separate connect and read timeouts, and every socket under the request's wall-clock deadline
  (auditor.sources.deadline): a connection registers itself, and the watchdog shuts its socket down.
Nothing else of the environment (no ~/.netrc, no cookies) is read.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import http.client
import os
import select
import socket
import ssl
import threading
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import requests.utils

from auditor.common.errors import CollectionError
from auditor.sources import deadline as deadlines
from auditor.sources.headers import header_lines, parse_headers


class ConnectFailed(OSError):
    """No connection was made (refused, no route, DNS, connect timeout): the target is unreachable."""


class DecodeError(ValueError):
    """A body that says it is gzip or deflate but is not."""


MAX_ENCODINGS = 3  # stacked Content-Encodings undone at most (urllib3 allowed 5)
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)
_contexts: dict[bool | str, ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def _context(verify: bool | str) -> ssl.SSLContext:
    """One TLS context per way of verifying, for the process: loading certifi's bundle costs ~10 ms."""
    with _contexts_lock:
        context = _contexts.get(verify)
        if context is None:
            if verify is False:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            elif verify is True:
                context = ssl.create_default_context(cafile=requests.utils.DEFAULT_CA_BUNDLE_PATH)
            elif os.path.isdir(verify):
                context = ssl.create_default_context(capath=verify)
            else:
                context = ssl.create_default_context(cafile=verify)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.set_alpn_protocols(["http/1.1"])
            _contexts[verify] = context
        return context


class _Interruptible:
    """Mixed into http.client's connections: the deadline's watchdog can shut the socket down.

    The watchdog shuts down a duplicate of the socket's descriptor, made once per connection: it
    reaches the socket after TLS has wrapped it, and after http.client has handed a `Connection: close`
    answer's socket to the response. The duplicate is shut down and closed only under the
    connection's lock, so the watchdog never touches a descriptor number the process has reused.
    """

    sock: Any
    _guard: threading.Lock
    read_timeout: float | None = -1.0  # the socket's timeout once set for reading; -1: not yet
    _handle: socket.socket | None = None

    def _open(self, address: tuple[str, int], timeout: float, source: Any = None) -> socket.socket:
        try:
            sock = socket.create_connection(address, timeout, source)
        except OSError as exc:  # refused, unreachable, DNS, connect timeout
            raise ConnectFailed(str(exc) or type(exc).__name__) from exc
        try:
            # Family, type and protocol given: otherwise the socket module asks the kernel for them.
            self._handle = socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno()))
        except OSError:
            sock.close()
            raise
        deadlines.watch(self)  # from here on (the TLS handshake too) the deadline holds
        return sock

    def interrupt(self) -> None:
        with self._guard:
            if self._handle is not None:
                with contextlib.suppress(OSError):
                    self._handle.shutdown(socket.SHUT_RDWR)

    def retire(self) -> None:
        """Close the connection for good (http.client's own close may still leave its answer reading)."""
        self.close()  # type: ignore[attr-defined]
        with self._guard:
            if self._handle is not None:
                with contextlib.suppress(OSError):
                    self._handle.close()
                self._handle = None



class _Response(http.client.HTTPResponse):
    """http.client's answer with two changes to `begin` (CPython 3.11, Lib/http/client.py), which is
    otherwise followed line for line:
    - http.client skips an interim `100 Continue` only. Any other 1xx (`103 Early Hints`, which CDNs
      send) was taken for the answer, and the real one was left on the kept-alive connection for the
      next request to read. Interim answers are skipped (RFC 9110, 15.2); 101 stays final.
    - The header block is parsed by auditor.sources.headers: the same message, a third of the CPU."""

    def begin(self) -> None:
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            if status == 101 or not 100 <= status < 200:
                break
            header_lines(self.fp)  # an interim answer's headers, bounded as the final answer's are
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = parse_headers(self.fp)
        transfer_encoding = self.headers.get("transfer-encoding")
        if transfer_encoding and transfer_encoding.lower() == "chunked":
            self.chunked, self.chunk_left = True, None
        else:
            self.chunked = False
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in (204, 304) or 100 <= status < 200 or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True


class _HTTPConnection(_Interruptible, http.client.HTTPConnection):
    def __init__(self, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.response_class = _Response
        self._guard = threading.Lock()
        self._create_connection = self._open


class _HTTPSConnection(_Interruptible, http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.response_class = _Response
        self._guard = threading.Lock()
        self._create_connection = self._open


Connection = _HTTPConnection | _HTTPSConnection


class _Route:
    """Where a request's connection goes: the origin itself, or a proxy (forwarding or tunnelling)."""

    __slots__ = ("host", "key", "port", "proxy", "proxy_auth", "scheme")

    def __init__(self, scheme: str, host: str, port: int, proxy: tuple[str, int] | None,
                 proxy_auth: str | None) -> None:
        self.scheme, self.host, self.port, self.proxy, self.proxy_auth = scheme, host, port, proxy, proxy_auth
        self.key = (scheme, host, port, proxy, proxy_auth)


class Answer:
    """One answer: status and headers read, the body left to read (read_capped) or drop (discard)."""

    def __init__(self, conn: Connection, resp: http.client.HTTPResponse, pool: _Pool) -> None:
        self.status = resp.status
        self.headers = resp.headers
        self._conn, self._resp, self._pool = conn, resp, pool
        self._inflate = _Layers.of(resp.headers.get("Content-Encoding") or "")

    def read1(self, size: int, room: int) -> bytes:
        """Up to `size` bytes off the wire, decoded; decoding stops past `room` bytes of output.

        b"" only at the body's true end: a connection closed before its Content-Length is an
        IncompleteRead (http.client's read1 returns b"" there), and a read that inflates to nothing
        (a gzip header alone) is followed by the next.
        """
        while True:
            raw = self._resp.read1(size)
            if not raw:
                if self._resp.length:
                    raise http.client.IncompleteRead(b"", self._resp.length)
                return self._inflate.end(room) if self._inflate is not None else b""
            if self._inflate is None:
                return raw
            out = self._inflate.decode(raw, room)
            if out:
                return out

    def release(self) -> None:
        """The body was read to its end: the connection is kept for the next request, if it can be."""
        # http.client's read1 leaves a Content-Length answer open at length 0; a chunked one it closes.
        whole = self._resp.isclosed() or self._resp.length == 0
        self._resp.close()
        if whole and not self._resp.will_close and deadlines.unwatch(self._conn):
            self._pool.put(self._conn)
        else:
            self._conn.retire()

    def close(self) -> None:
        self._resp.close()
        self._conn.retire()


class _Layers:
    """The Content-Encodings an answer names (`gzip`, `deflate`, stacked as `gzip, gzip`), undone last
    first, as urllib3 did. An encoding it does not know leaves the body as it came (JSON parsing then
    refuses it)."""

    def __init__(self, layers: list[_Inflate]) -> None:
        self._layers = layers

    @classmethod
    def of(cls, header: str) -> _Layers | None:
        names = [n.strip().lower() for n in header.split(",") if n.strip() and n.strip().lower() != "identity"]
        if not names or len(names) > MAX_ENCODINGS or any(n not in ("gzip", "x-gzip", "deflate") for n in names):
            return None
        return cls([_Inflate(n == "deflate") for n in reversed(names)])

    def decode(self, data: bytes, room: int) -> bytes:
        for i, layer in enumerate(self._layers):
            data = layer.decode(data, room)
            if i < len(self._layers) - 1 and len(data) >= room:
                raise DecodeError("the body inflates past what is read")
        return data

    def end(self, room: int) -> bytes:
        out = b""
        for layer in self._layers:
            out = layer.end() if not out else layer.decode(out, room) + layer.end()
        return out


class _Inflate:
    """gzip (every member, as urllib3) or deflate (zlib-wrapped or raw, decided by the first bytes)."""

    def __init__(self, deflate: bool) -> None:
        self._deflate = deflate
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if deflate else 16 + zlib.MAX_WBITS)
        self._started = False  # some input was decoded
        self._whole = False  # a first gzip member ended: more members may follow
        self._ignore = False  # garbage after a whole member: the rest is ignored, as urllib3 does

    def decode(self, data: bytes, room: int) -> bytes:
        if self._ignore:
            return b""
        try:
            out = self._obj.decompress(data, room)
        except zlib.error:
            if self._deflate and not self._started:  # a raw deflate stream, which servers send as "deflate"
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return self.decode(data, room)
            if self._whole:
                self._ignore = True
                return b""
            raise DecodeError("the body is not the gzip or deflate stream its Content-Encoding names") from None
        self._started = True
        while not self._deflate and self._obj.eof and self._obj.unused_data and len(out) < room:
            rest = self._obj.unused_data
            self._whole = True
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out += self._obj.decompress(rest, room - len(out))
            except zlib.error:
                self._ignore = True
                return out
        if self._obj.eof and not self._deflate:
            self._whole = True
        return out

    def end(self) -> bytes:
        """What is left; DecodeError when the stream stops short of its end (a truncated body)."""
        if self._ignore:
            return b""
        try:
            out = self._obj.flush()
        except zlib.error:
            raise DecodeError("the body is not the gzip or deflate stream its Content-Encoding names") from None
        if self._started and not self._obj.eof and not self._whole:
            raise DecodeError("the body's gzip or deflate stream stops short of its end")
        return out


class _Pool:
    """Idle kept-alive connections to one route, newest first."""

    def __init__(self, maxsize: int) -> None:
        self._idle: collections.deque[Connection] = collections.deque()
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def take(self) -> Connection | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def put(self, conn: Connection) -> None:
        with self._lock:
            if len(self._idle) < self._maxsize:
                self._idle.append(conn)
                return
        conn.retire()

    def clear(self) -> None:
        with self._lock:
            idle, self._idle = list(self._idle), collections.deque()
        for conn in idle:
            conn.retire()


class GuardedPools:
    """Connections whose every request honours `deadline()`, shared by threads, one pool per route."""

    def __init__(self, verify: bool | str = True, maxsize: int = 10, pools: int = 1) -> None:
        self._verify = verify
        self._maxsize, self._max_routes = maxsize, max(pools, 1)
        self._routes: dict[str, _Route] = {}
        self._pools: dict[tuple[Any, ...], _Pool] = {}
        self._lock = threading.Lock()

    def urlopen(self, method: str, url: str, headers: Mapping[str, str], body: bytes | str | None,
                timeout: tuple[float, float], *, replayable: bool | None = None) -> Answer:
        """One exchange, never retried or redirected here, except once on a kept-alive connection the
        server had closed, when the request may be sent twice (`replayable`; GET by default).
        A request that may not be sent twice always gets a new connection."""
        route, target = self._route(url)
        pool = self._pool(route)
        if replayable is None:
            replayable = method == "GET"
        if route.proxy is not None and route.scheme == "http" and route.proxy_auth:
            headers = {**headers, "Proxy-Authorization": route.proxy_auth}
        while True:
            conn = pool.take() if replayable else None
            if conn is not None and not _idle_and_clean(conn):
                conn.retire()
                continue
            reused = conn is not None
            if conn is None:
                conn = self._connect(route, timeout[0])
            else:
                deadlines.watch(conn)
            # Under a deadline the watchdog bounds every read, so the socket blocks: a socket with a
            # timeout polls before each recv and send, one more system call each.
            wanted = None if deadlines.active() else timeout[1]
            if conn.read_timeout != wanted:
                conn.sock.settimeout(wanted)
                conn.read_timeout = wanted
            try:
                conn.request(method, target, body, dict(headers))
                resp = conn.getresponse()
            except _STALE:
                conn.retire()
                if reused and not deadlines.expired():
                    continue  # the server closed it while idle; the request never reached it
                raise
            except BaseException:
                conn.retire()
                raise
            if len({v.strip() for v in resp.headers.get_all("Content-Length") or ()}) > 1:
                conn.retire()  # which length frames the body is anyone's guess: refused, as urllib3 did
                raise http.client.HTTPException("the answer names differing Content-Lengths")
            return Answer(conn, resp, pool)

    def _connect(self, route: _Route, connect_timeout: float) -> Connection:
        host, port = route.proxy or (route.host, route.port)
        conn: Connection
        if route.scheme == "https":
            conn = _HTTPSConnection(host, port, connect_timeout, _context(self._verify))
            if route.proxy is not None:
                tunnel_headers = {"Proxy-Authorization": route.proxy_auth} if route.proxy_auth else None
                conn.set_tunnel(route.host, route.port, tunnel_headers)
        else:
            conn = _HTTPConnection(host, port, connect_timeout)
        try:
            conn.connect()
        except BaseException:
            conn.retire()
            raise
        return conn

    def _route(self, url: str) -> tuple[_Route, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {parts.scheme}://")
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            route = self._routes.get(origin)
            if route is None:
                route = self._routes[origin] = _route_of(url, parts.scheme, parts.hostname,
                                                         parts.port or (443 if parts.scheme == "https" else 80))
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        # Through a forwarding proxy the request line names the whole URL (RFC 9112, 3.2.2).
        target = f"{origin}{path}" if route.proxy is not None and route.scheme == "http" else path
        return route, target

    def _pool(self, route: _Route) -> _Pool:
        with self._lock:
            pool = self._pools.get(route.key)
            if pool is None:
                while len(self._pools) >= self._max_routes:  # the oldest route's idle connections go
                    oldest = next(iter(self._pools))
                    self._pools.pop(oldest).clear()
                pool = self._pools[route.key] = _Pool(self._maxsize)
            return pool

    def clear(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.clear()


def _idle_and_clean(conn: Connection) -> bool:
    """A kept-alive connection may carry the next request only when nothing waits on it: bytes a server
    sent after its answer would be read as the next request's answer (an anonymous probe answered
    with an authenticated page), and an end of stream means the server closed it. One peek, without
    blocking, at the socket itself (under TLS too: any record there, a close_notify included, drops it)."""
    sock = conn.sock
    if sock is None or (isinstance(sock, ssl.SSLSocket) and sock.pending()):
        return False
    if sock.gettimeout() is not None:  # a socket with a timeout would first wait that long for data
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return not poller.poll(0)
    try:
        socket.socket.recv(sock, 1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


# What decides a route besides the URL's origin: the variables urllib and requests read for proxies.
PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "no_proxy", "NO_PROXY", "REQUEST_METHOD")
MAX_ROUTES = 4096
_ROUTES: dict[tuple[Any, ...], _Route] = {}
_ROUTES_LOCK = threading.Lock()


def _route_of(url: str, scheme: str, host: str, port: int) -> _Route:
    """The environment's proxy for `url`, by requests' rules (NO_PROXY included), with its credentials.

    Worked out once per origin and proxy settings in a process: requests reads the whole environment
    three times for it (160 us, once for every target of a fleet). A variable spelt in mixed case
    (`Https_Proxy`, which urllib honours) is read the first time only."""
    key = (scheme, host, port, *(os.environ.get(name) for name in PROXY_VARIABLES))
    with _ROUTES_LOCK:
        route = _ROUTES.get(key)
    if route is None:
        route = _environ_route(url, scheme, host, port)
        with _ROUTES_LOCK:
            if len(_ROUTES) >= MAX_ROUTES:
                _ROUTES.clear()
            _ROUTES[key] = route
    return route


def _environ_route(url: str, scheme: str, host: str, port: int) -> _Route:
    proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    if not proxy:
        return _Route(scheme, host, port, None, None)
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if parts.scheme != "http" or not parts.hostname:
        raise CollectionError(f"the proxy the environment names for {scheme}://{host} is not an http:// URL; "
                              "omaudit speaks to proxies in plain HTTP (CONNECT for https targets)")
    auth = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        auth = "Basic " + base64.b64encode(pair).decode("ascii")
    return _Route(scheme, host, port, (parts.hostname, parts.port or 80), auth)


def read_capped(resp: Answer, max_bytes: int, too_large: str) -> bytes:
    """The decoded body, at most `max_bytes` (CollectionError `too_large` beyond); the request's deadline
    stops a slow drip. The connection goes back to its pool only when the body was read to its end."""
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = resp.read1(65536, max_bytes - size + 1)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise CollectionError(too_large)
            chunks.append(chunk)
    except BaseException:
        discard(resp)
        raise
    resp.release()
    return b"".join(chunks)


def discard(resp: Answer) -> None:
    """Close an answer not read to its end: its connection is dropped, never reused mid-body."""
    with contextlib.suppress(Exception):  # closing a broken connection may fail; it is dropped either way
        resp.close()
