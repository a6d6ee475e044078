"""The hostile lab: an "OpenMetadata" that misbehaves on purpose, to prove omaudit survives it.

It identifies as OpenMetadata (a version answer, though not semver), then every other endpoint
breaks in its own way: truncated JSON, HTML with 200, malformed JWKS keys, a 50 MB body, a slow drip
of one byte per second, a redirect loop, a redirect to another host (a catcher that records whether
the token followed), 429s and 500s, and an error message that echoes the caller's token back.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from auditor.lab.server import LoggedRequest

BIG_BODY_BYTES = 50 * 1024 * 1024
DRIP_SECONDS = 60


class _CatcherHTTPServer(ThreadingHTTPServer):
    saw_authorization: list[bool]


class _HostileHTTPServer(ThreadingHTTPServer):
    owner: HostileServer


class _Catcher(BaseHTTPRequestHandler):
    server: _CatcherHTTPServer
    """The "other host" a redirect points to: it records whether an Authorization header arrived."""

    def do_GET(self) -> None:
        self.server.saw_authorization.append("Authorization" in self.headers)
        body = b'{"data": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Hostile(BaseHTTPRequestHandler):
    server: _HostileHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _raw(self, status: int, body: bytes, content_type: str = "application/json",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        server = self.server.owner
        with server.lock:
            server.log.append(LoggedRequest(method, self.path, "Authorization" in self.headers))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 16))
        path = urlsplit(self.path).path
        query = urlsplit(self.path).query
        try:
            self._route(method, path, query, server)
        except (BrokenPipeError, ConnectionResetError):
            return  # the auditor hung up, as it should on a 50 MB body or a drip

    def _route(self, method: str, path: str, query: str, server: HostileServer) -> None:
        if path == "/api/v1/system/version":
            self._raw(200, b'{"version": "v2-latest-SNAPSHOT", "revision": "\\u0000"}')
        elif path == "/api/v1/system/config/auth":
            self._raw(200, b'{"provider": "aws-cognito", "clientId": "abc", "authority": "https://cognito-')
        elif path == "/api/v1/system/config/authorizer":
            self._raw(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
        elif path == "/api/v1/system/config/jwks":
            keys = [{"kty": "RSA", "kid": "x", "n": "!!!not-base64!!!", "e": "AQAB"}, "garbage", {"n": 12},
                    {"kty": "RSA", "kid": "y", "n": "", "e": None}]
            self._raw(200, json.dumps({"keys": keys}).encode())
        elif path == "/api/v1/users/name/admin":
            echoed = self.headers.get("Authorization", "")
            self._raw(401, json.dumps({"code": 401, "message": f"Invalid token: {echoed}"}).encode())
        elif path in ("/api/v1/users", "/api/v1/users-loop") and "isAdmin" in query:
            target = "/api/v1/users-loop" if path == "/api/v1/users" else "/api/v1/users"
            self._raw(302, b"", headers={"Location": f"{target}?{query}"})
        elif path == "/api/v1/users":
            self._big_body()
        elif path == "/api/v1/bots":
            self._raw(302, b"", headers={"Location": f"{server.catcher_url}/stolen"})
        elif path == "/api/v1/users/loggedInUser":
            self._drip()
        elif method == "POST" and path == "/api/v1/users/login":
            self._raw(429, b'{"code": 429, "message": "Too Many Requests"}', headers={"Retry-After": "1"})
        else:
            self._raw(500, b"<html><body>Internal Server Error</body></html>", "text/html")

    def _big_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(BIG_BODY_BYTES))
        self.end_headers()
        chunk = b'{"data": [' + b" " * 65526
        for _ in range(BIG_BODY_BYTES // len(chunk)):
            self.wfile.write(chunk)

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(DRIP_SECONDS))
        self.end_headers()
        for _ in range(DRIP_SECONDS):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(1)


class HostileServer:
    """Same interface as LabServer for `lab serve` and tests."""

    aws_endpoint_url: str | None = None

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self.lock = threading.Lock()
        self.log: list[LoggedRequest] = []
        self.admin_token = "hostile-admin-" + secrets.token_hex(12)
        self._httpd = _HostileHTTPServer((host, port), _Hostile)
        self._httpd.daemon_threads = True
        self._httpd.owner = self
        self._catcher = _CatcherHTTPServer(("127.0.0.1", 0), _Catcher)
        self._catcher.daemon_threads = True
        self._catcher.saw_authorization = []
        # Another host name for the same machine: requests compares host names, not addresses.
        self.catcher_url = f"http://localhost:{self._catcher.server_address[1]}"

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[LoggedRequest]:
        with self.lock:
            return list(self.log)

    @property
    def token_reached_other_host(self) -> list[bool]:
        return list(self._catcher.saw_authorization)

    def start(self) -> HostileServer:
        for server in (self._httpd, self._catcher):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in (self._httpd, self._catcher):
            server.shutdown()
            server.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
