"""The HTTP layer under both clients (auditor.sources.wire), against servers that do what urllib3 used to
absorb: kept-alive connections closed while idle, proxies from the environment, a TLS handshake
dripped byte by byte, a gzip body that inflates a thousandfold."""

from __future__ import annotations

import base64
import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from auditor.common.errors import CollectionError, TargetError
from auditor.sources.openmetadata.http import ReadOnlyClient

OK = b'{"version": "1.12.6"}'


class Server:
    """One handler per accepted connection; it records what it read."""

    def __init__(self, handle: Callable[[socket.socket, Server], None]) -> None:
        self.handle = handle
        self.connections = 0
        self.requests: list[str] = []
        self.heads: list[dict[str, str]] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(30)
            self.handle(conn, self)

    def read_head(self, conn: socket.socket) -> str | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(1)
            if not chunk:
                return None
            data += chunk
        lines = data.decode("latin-1").split("\r\n")
        self.requests.append(lines[0])
        self.heads.append({k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)})
        length = int(self.heads[-1].get("content-length") or 0)
        while length > 0:
            length -= len(conn.recv(length))
        return lines[0]

    def close(self) -> None:
        self._sock.close()


@contextlib.contextmanager
def serving(handle: Callable[[socket.socket, Server], None]) -> Iterator[Server]:
    server = Server(handle)
    try:
        yield server
    finally:
        server.close()


def _answer(conn: socket.socket, body: bytes, *headers: str) -> None:
    head = ["HTTP/1.1 200 OK", "Content-Type: application/json", f"Content-Length: {len(body)}", *headers]
    conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)


def _encoded(bodies: dict[str, tuple[bytes, str]]) -> Callable[[socket.socket, Server], None]:
    """Answers each path with its body and Content-Encoding, on one kept-alive connection."""
    def by_path(conn: socket.socket, server: Server) -> None:
        while (line := server.read_head(conn)) is not None:
            body, encoding = bodies[line.split(" ")[1]]
            _answer(conn, body, f"Content-Encoding: {encoding}")
    return by_path


def _one_answer_then_hang_up(conn: socket.socket, server: Server) -> None:
    """Answers as if the connection stayed open (HTTP/1.1, no Connection: close), then closes it."""
    if server.read_head(conn):
        _answer(conn, OK)
        time.sleep(0.2)


def test_a_kept_alive_connection_the_server_closed_is_replaced_once_for_a_get() -> None:
    with serving(_one_answer_then_hang_up) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        first = client.get("/api/v1/system/version")
        time.sleep(0.5)  # the server has closed the kept-alive connection by now
        second = client.get("/api/v1/system/version")
        client.close()
    assert (first.status, second.status) == (200, 200)
    assert server.requests == ["GET /api/v1/system/version HTTP/1.1"] * 2
    assert server.connections == 2


def test_the_login_probe_never_rides_a_kept_alive_connection_and_is_never_sent_twice() -> None:
    def hang_up_on_posts(conn: socket.socket, server: Server) -> None:
        while (line := server.read_head(conn)) is not None:
            if line.startswith("POST"):
                return  # read, never answered: the probe fails, and must not be sent again
            _answer(conn, OK)

    with serving(hang_up_on_posts) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        assert client.get("/api/v1/system/version").status == 200
        with pytest.raises(CollectionError, match="POST /api/v1/users/login failed"):
            client.post_login_probe("/api/v1/users/login", {"email": "admin", "password": "x"})
        client.close()
    assert server.requests == ["GET /api/v1/system/version HTTP/1.1", "POST /api/v1/users/login HTTP/1.1"]
    assert server.connections == 2


def _proxy(conn: socket.socket, server: Server) -> None:
    line = server.read_head(conn)
    if line and line.startswith("CONNECT"):
        conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
    elif line:
        _answer(conn, OK, "Connection: close")


def test_a_forwarding_proxy_from_the_environment_gets_its_credentials_and_the_whole_url(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(_proxy) as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://scan%40corp:p%3Ass@127.0.0.1:{proxy.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = ReadOnlyClient("http://om.invalid:8585", token="the-bearer-token")
        answer = client.get("/api/v1/bots", auth=True)
        client.close()
    assert answer.status == 200
    assert proxy.requests == ["GET http://om.invalid:8585/api/v1/bots HTTP/1.1"]
    head = proxy.heads[0]
    assert head["host"] == "om.invalid:8585"
    assert head["proxy-authorization"] == "Basic " + base64.b64encode(b"scan@corp:p:ss").decode()
    assert head["authorization"] == "Bearer the-bearer-token"


def test_an_https_target_is_tunnelled_and_the_proxy_never_sees_its_token(monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(_proxy) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://scan:pw@127.0.0.1:{proxy.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = ReadOnlyClient("https://om.invalid", token="the-bearer-token")
        with pytest.raises(CollectionError, match="GET /api/v1/bots failed"):
            client._send("GET", "/api/v1/bots", {"Authorization": "Bearer the-bearer-token"})
        client.close()
    assert proxy.requests == ["CONNECT om.invalid:443 HTTP/1.0"]  # http.client tunnels in HTTP/1.0
    assert proxy.heads[0]["proxy-authorization"] == "Basic " + base64.b64encode(b"scan:pw").decode()
    assert "authorization" not in proxy.heads[0]


def test_no_proxy_sends_the_request_straight_to_the_target(monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(_proxy) as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("NO_PROXY", "om.invalid")
        client = ReadOnlyClient("http://om.invalid:8585")
        with pytest.raises(TargetError, match=r"cannot connect to http://om\.invalid:8585"):
            client._send("GET", "/api/v1/bots", {})
        client.close()
    assert proxy.requests == []


def test_the_route_follows_the_proxy_environment_within_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # Routes are worked out once per origin and proxy settings: a changed setting is a new route.
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with serving(_proxy) as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        for _ in range(2):
            client = ReadOnlyClient("http://om.invalid:8586")
            assert client.get("/api/v1/bots").status == 200
            client.close()
        monkeypatch.delenv("HTTP_PROXY")
        client = ReadOnlyClient("http://om.invalid:8586")
        with pytest.raises(TargetError, match=r"cannot connect to http://om\.invalid:8586"):
            client._send("GET", "/api/v1/bots", {})
        client.close()
    assert proxy.requests == ["GET http://om.invalid:8586/api/v1/bots HTTP/1.1"] * 2


def test_an_https_proxy_url_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.invalid:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = ReadOnlyClient("https://om.invalid")
    with pytest.raises(CollectionError, match="is not an http:// URL"):
        client._send("GET", "/api/v1/bots", {})


def _drip_a_handshake(conn: socket.socket, server: Server) -> None:
    conn.recv(4096)  # the ClientHello
    for byte in b"\x16\x03\x03\x40\x00" + b"\x02" * 200:  # a 16 KB handshake record, one byte at a time
        conn.sendall(bytes([byte]))
        time.sleep(0.2)


def _drip_a_body_after_connection_close(conn: socket.socket, server: Server) -> None:
    """http.client hands a `Connection: close` answer's socket to the response: it must stay reachable."""
    if server.read_head(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5000\r\n\r\n{")
        for _ in range(150):
            conn.sendall(b" ")
            time.sleep(0.2)


@pytest.mark.parametrize(("scheme", "drip"),
                         [("https", _drip_a_handshake), ("http", _drip_a_body_after_connection_close)],
                         ids=["tls-handshake", "body-after-connection-close"])
def test_a_drip_is_cut_at_the_budget(scheme: str, drip: Callable[[socket.socket, Server], None]) -> None:
    with serving(drip) as server:
        client = ReadOnlyClient(f"{scheme}://127.0.0.1:{server.port}", budget=1.5)
        with pytest.raises(CollectionError) as caught:
            client._send("GET", "/api/v1/system/version", {})
        client.close()
    assert "answered too slowly; stopped when the target's time budget ran out" in str(caught.value)


def test_a_gzip_body_that_inflates_past_the_cap_is_refused() -> None:
    bomb = gzip.compress(b"\x00" * (40 * 1024 * 1024))  # 40 KB on the wire, 40 MiB inflated

    def send_bomb(conn: socket.socket, server: Server) -> None:
        if server.read_head(conn):
            _answer(conn, bomb, "Content-Encoding: gzip")

    with serving(send_bomb) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        with pytest.raises(CollectionError, match="answered more than 4 MiB; not read"):
            client.get("/api/v1/bots")
        client.close()
    assert len(bomb) < 100_000


def test_gzip_in_several_members_and_raw_deflate_are_read_whole() -> None:
    import zlib

    payload = b'{"data": [' + b'{"name": "bot"},' * 1000 + b'{"name": "last"}]}'
    half = len(payload) // 2
    members = gzip.compress(payload[:half]) + gzip.compress(payload[half:])
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(payload) + raw.flush()

    with serving(_encoded({"/gzip": (members, "gzip"), "/deflate": (raw_deflate, "deflate")})) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        assert client.get("/gzip").body == payload
        assert client.get("/deflate").body == payload
        client.close()
    assert server.connections == 1


def _raw(*pieces: bytes, pause: float = 0.05) -> Callable[[socket.socket, Server], None]:
    """Answers every request with `pieces`, sent one by one with a pause between them."""
    def handle(conn: socket.socket, server: Server) -> None:
        while server.read_head(conn) is not None:
            for piece in pieces:
                conn.sendall(piece)
                time.sleep(pause)
    return handle


def test_a_body_cut_short_of_its_content_length_is_an_error_not_a_fragment() -> None:
    def cut(conn: socket.socket, server: Server) -> None:
        if server.read_head(conn):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ver")  # then the connection closes

    with serving(cut) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        with pytest.raises(CollectionError, match="GET /api/v1/system/version failed: IncompleteRead"):
            client._send("GET", "/api/v1/system/version", {})
        client.close()


def test_gzip_whose_first_chunk_is_its_header_alone_is_read_whole() -> None:
    body = gzip.compress(OK)
    chunked = [b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
               b"a\r\n" + body[:10] + b"\r\n", f"{len(body) - 10:x}\r\n".encode() + body[10:] + b"\r\n", b"0\r\n\r\n"]
    with serving(_raw(*chunked)) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        assert client.get("/api/v1/system/version").body == OK
        assert client.get("/api/v1/system/version").body == OK
        client.close()
    assert server.connections == 1


def test_stacked_gzip_is_undone_and_a_truncated_stream_is_refused() -> None:
    twice = gzip.compress(gzip.compress(OK))
    cut = gzip.compress(b'{"data": [' + b'{"name": "bot"},' * 500 + b'{}]}')[:-30]

    with serving(_encoded({"/twice": (twice, "gzip, gzip"), "/cut": (cut, "gzip")})) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        assert client.get("/twice").body == OK
        with pytest.raises(CollectionError, match="GET /cut failed: DecodeError"):
            client._send("GET", "/cut", {})
        client.close()


def test_differing_content_lengths_are_refused() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 21\r\n\r\n"
    with serving(_raw(head + OK)) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        with pytest.raises(CollectionError, match="GET /api/v1/bots failed: HTTPException"):
            client._send("GET", "/api/v1/bots", {})
        client.close()


def test_early_hints_are_skipped_and_never_answer_the_next_request() -> None:
    def hints_then_answer(conn: socket.socket, server: Server) -> None:
        while (line := server.read_head(conn)) is not None:
            body = line.split(" ")[1].encode()
            conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    with serving(hints_then_answer) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        first = client.get("/api/v1/users?limit=1")
        second = client.get("/api/v1/bots", auth=True)
        client.close()
    assert (first.status, first.body) == (200, b"/api/v1/users?limit=1")
    assert (second.status, second.body) == (200, b"/api/v1/bots")
    assert server.connections == 1


def test_bytes_a_server_sends_after_its_answer_never_answer_the_next_request() -> None:
    def answer_and_a_forged_one(conn: socket.socket, server: Server) -> None:
        first = True
        while (line := server.read_head(conn)) is not None:
            body = line.split(" ")[1].encode()
            _answer(conn, body)
            if first:  # an answer nobody asked for, sent late, waiting for the next request on this connection
                time.sleep(0.1)  # (sent with the answer, it is read into that answer's buffer and dropped)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged")
                first = False

    with serving(answer_and_a_forged_one) as server:
        client = ReadOnlyClient(f"http://127.0.0.1:{server.port}")
        first = client.get("/api/v1/users?limit=1")
        time.sleep(0.4)
        second = client.get("/api/v1/bots", auth=True)
        client.close()
    assert (first.body, second.body) == (b"/api/v1/users?limit=1", b"/api/v1/bots")
    assert server.connections == 2


def test_the_watchdog_expires_a_running_request_and_drops_finished_ones_without_waking_for_them() -> None:
    from auditor.sources.deadline import Deadline, _Watchdog

    watchdog = _Watchdog()
    watchdog._thread = threading.current_thread()  # no thread of its own: due() is called here
    finished = [Deadline(100.0 + i) for i in range(50)]
    running = Deadline(105.5)
    for d in [*finished, running]:
        watchdog.add(d)
    for d in finished:
        d.release()
    assert watchdog.due(now=0.0) == []  # nothing has passed; the finished ones on top are dropped
    assert watchdog._heap[0][2] is running and len(watchdog._heap) == 45  # it sleeps until the running one
    assert watchdog.due(now=105.6) == [running]
    assert watchdog._heap == []
