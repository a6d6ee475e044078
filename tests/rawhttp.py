"""A raw-socket HTTP server for answers no well-behaved library would send: malformed on purpose.

Each path maps to a behaviour; anything else gets a plain OpenMetadata-like answer (a version on
/api/v1/system/version, a JSON 404 elsewhere), so a scan gets far enough to meet the behaviour.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import struct
import threading
import time
from collections.abc import Callable

Behaviour = Callable[[socket.socket, str, dict[str, str]], None]

VERSION = b'{"version": "1.12.6", "revision": "abc", "timestamp": 1}'


def answer(sock: socket.socket, status: int, body: bytes, headers: dict[str, str] | None = None,
           content_type: str = "application/json") -> None:
    head = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
            "Connection: close", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


def json_answer(status: int, data: object) -> Behaviour:
    return lambda sock, path, headers: answer(sock, status, json.dumps(data).encode())


def raw_body(status: int, body: bytes, **headers: str) -> Behaviour:
    return lambda sock, path, hdrs: answer(sock, status, body, headers)


def reset_mid_body(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"data\": [")
    time.sleep(0.1)
    # SO_LINGER 0: close sends a TCP RST, a connection reset mid-body.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def stall_body(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"da")
    time.sleep(40)


def bad_gzip(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
    body = gzip.compress(b'{"provider": "basic"}')[:12] + b"\x00garbage-not-deflate" * 20
    answer(sock, 200, body, {"Content-Encoding": "gzip"})


def header_drip(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
    """The status line at once, then one header byte a second: no recv ever waits 10 s."""
    sock.sendall(b"HTTP/1.1 200 OK\r\n")
    for byte in b"X-Slow: " + b"a" * 200:
        sock.sendall(bytes([byte]))
        time.sleep(1)


def location(value: str) -> Behaviour:
    return lambda sock, path, headers: answer(sock, 302, b"", {"Location": value})


def echo_token(offset: int, status: int = 401) -> Behaviour:
    """An error message that repeats the caller's bearer token after `offset` characters of filler."""
    def behave(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        answer(sock, status, json.dumps({"code": status, "message": "x" * offset + token + " tail"}).encode())
    return behave


class RawServer:
    def __init__(self, routes: dict[str, Behaviour], default: Behaviour | None = None) -> None:
        self.routes = routes
        self.default = default
        self.paths: list[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._stop = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> RawServer:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        with contextlib.suppress(OSError):
            self._sock.close()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(60)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target = lines[0].split(" ")[:2]
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            length = int(headers.get("content-length") or 0)
            while len(rest) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                rest += chunk
            path = target.split("?")[0]
            self.paths.append(f"{method} {target}")
            headers["_body"] = rest.decode("latin-1")  # behaviours that answer by the request body read it here
            behaviour = self.routes.get(path) or self.routes.get(target) or self.default
            if behaviour is not None:
                behaviour(conn, target, headers)
            elif path in ("/api/v1/system/version", "/api/v1/version"):
                answer(conn, 200, VERSION)
            else:
                answer(conn, 404, b'{"code": 404, "message": "Not found"}')
