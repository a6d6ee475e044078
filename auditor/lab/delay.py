"""A delaying HTTP proxy: puts a network hop's latency in front of a local server (moto), for benchmarks.

Every request waits `latency` seconds, then goes to the upstream unchanged over a kept-alive
connection; the answer comes back unchanged but for hop-by-hop headers.

With `replay`, an identical request (method, path, X-Amz-Target and body; signatures aside) is
answered from memory after the first. A real AWS endpoint costs the scanning machine no CPU; moto
costs it about 2.5 ms per call, on the same cores as the scanner under test, so a fleet benchmark
would otherwise measure moto. Only for a pool that does not change while it is read.
"""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                        "proxy-authorization", "proxy-authenticate", "content-length"})


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    upstream: tuple[str, int]
    latency: float
    replay: dict[tuple[str, str, str, bytes], tuple[int, list[tuple[str, str]], bytes]] | None
    forwarded: int
    lock: threading.Lock


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    _upstream: http.client.HTTPConnection | None = None
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _relay(self) -> None:
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        time.sleep(server.latency)
        key = (self.command, self.path, self.headers.get("X-Amz-Target", ""), body or b"")
        answer = server.replay.get(key) if server.replay is not None else None
        if answer is None:
            answer = self._forward(server, body)
            if answer is None:
                self.send_error(502)
                return
            if server.replay is not None and answer[0] == 200:
                server.replay[key] = answer
        status, headers, data = answer
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _forward(self, server: _ProxyServer, body: bytes | None) -> tuple[int, list[tuple[str, str]], bytes] | None:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        with server.lock:
            server.forwarded += 1
        if self._upstream is None:
            self._upstream = http.client.HTTPConnection(*server.upstream, timeout=60)
        try:
            self._upstream.request(self.command, self.path, body=body, headers=headers)
            answer = self._upstream.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException):
            self._upstream.close()
            self._upstream = None
            return None
        kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
        return answer.status, kept, data

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()


class DelayProxy:
    """Serve on a free loopback port; forward to `upstream_url` after `latency` seconds."""

    def __init__(self, upstream_url: str, latency: float, *, replay: bool = False) -> None:
        parts = urlsplit(upstream_url)
        self._httpd = _ProxyServer(("127.0.0.1", 0), _Forward)
        self._httpd.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._httpd.latency = latency
        self._httpd.replay = {} if replay else None
        self._httpd.forwarded = 0
        self._httpd.lock = threading.Lock()
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="omaudit-delay", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def forwarded(self) -> int:
        """Requests that went on to the upstream (the others were replayed)."""
        return self._httpd.forwarded

    def start(self) -> DelayProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
