"""The lab: an HTTP emulator of OpenMetadata's security surface, for tests and `omaudit demo`.

This module serves it: the handler reads a request, logs it, finds its resource (auditor.lab.routes),
lets JwtFilter decide (auditor.lab.token_filter) and writes the resource's answer
(auditor.lab.resources) over the state (auditor.lab.state).

It reproduces what an auditor sees (paths of both generations, JSON shapes, error bodies, the
JwtFilter exclusion list, real RS256 verification, the login lockout) and keeps a log of every
request so tests can prove the auditor is read-only. Sources: SECURITY-SURFACE.md sections 2-9;
login lookup and lockout keys from open-metadata/OpenMetadata
openmetadata-service/.../security/auth/BasicAuthenticator.java and LoginAttemptCache.java (2.x).

Known deviation: the shipped default private key is not in this project, so where a scenario keeps
the default key, tokens the lab issues itself (login, bots, admin_token) are signed with a lab key
that the lab also trusts, as a second `publicKeyUrls` entry would be. The default key's public half
is trusted too, so the public default-key admin token verifies as on a real server.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from auditor.lab.cognito import MotoServer, SeededPool, seed
from auditor.lab.delay import DelayProxy
from auditor.lab.resources import Response, error, lab_api
from auditor.lab.routes import route
from auditor.lab.scenarios import Scenario
from auditor.lab.state import LabState, LoggedRequest, build_state, mint
from auditor.lab.token_filter import authenticate, excluded

__all__ = ["LabServer", "LoggedRequest"]
SPA_PAGE = (b"<!DOCTYPE html><html><head><title>OpenMetadata</title></head>"
            b"<body><div id=\"root\"></div><script src=\"/openmetadata.bundle.js\"></script></body></html>")


class LabHandler(BaseHTTPRequestHandler):
    server_version = "Jetty(9.4.z)"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: LabHTTPServer

    @property
    def state(self) -> LabState:
        return self.server.state

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self, response: Response) -> None:
        status = response.status
        headers = {"WWW-Authenticate": "om-auth"} if status in (401, 403, 404, 409, 412) else None
        self._send(status, json.dumps(response.body).encode(), headers=headers)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        raw = urlsplit(self.path)
        if raw.path.startswith("/_lab/"):
            self._answer(lab_api(self.state, raw.path))
            return
        if self.server.latency:
            time.sleep(self.server.latency)  # a network hop away, for benchmarks
        # Jersey drops matrix parameters when routing; JwtFilter sees the decoded path with them.
        path = re.sub(r";[^/]*", "", raw.path)
        query = {k: v[0] for k, v in parse_qs(raw.query).items()}
        with self.state.lock:
            self.state.log.append(LoggedRequest(method, self.path, "Authorization" in self.headers))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)) if length else b""
        if not path.startswith("/api/"):
            if method == "GET":
                self._send(200, SPA_PAGE, "text/html")
            else:
                self._answer(error(405, "HTTP 405 Method Not Allowed"))
            return
        # JwtFilter is a post-matching filter: an unmatched path is a 404 before any token check.
        handler = route(self.state, method, path[len("/api"):], query, body)
        if handler is None:
            known = route(self.state, "GET", path[len("/api"):], query, body) or route(
                self.state, "POST", path[len("/api"):], query, body)
            self._answer(error(405, "HTTP 405 Method Not Allowed") if known is not None else
                         error(404, "HTTP 404 Not Found"))
            return
        principal: dict[str, Any] | None = None
        if not excluded(self.state, unquote(raw.path[len("/api/"):])):
            found = authenticate(self.state, self.headers.get("Authorization", ""))
            if isinstance(found, tuple):
                self._answer(error(*found))
                return
            principal = found
        self._answer(handler(principal))


class LabHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # a fleet benchmark opens hundreds of connections at once
    state: LabState
    latency: float


class LabServer:
    """One scenario served on 127.0.0.1 in a background thread."""

    def __init__(self, scenario: Scenario, port: int = 0, host: str = "127.0.0.1",
                 aws_endpoint_url: str | None = None, latency: float = 0.0) -> None:
        """With a Cognito scenario, seeds the pool into the moto server at aws_endpoint_url, or starts one.

        `latency` (seconds) delays every OpenMetadata answer, as a network hop would (benchmarks), and
        puts a replaying DelayProxy with the same latency in front of moto: `aws_endpoint_url` is then
        the proxy's.
        """
        self.scenario = scenario
        self._moto: MotoServer | None = None
        self.pool: SeededPool | None = None
        if scenario.cognito is not None:
            if aws_endpoint_url is None:
                self._moto = MotoServer()
                aws_endpoint_url = self._moto.endpoint_url
            self.pool = seed(aws_endpoint_url, scenario.cognito)
        self.aws_proxy = (DelayProxy(aws_endpoint_url, latency, replay=True)
                       if self.pool and aws_endpoint_url and latency else None)
        self.aws_endpoint_url = (self.aws_proxy.url if self.aws_proxy else aws_endpoint_url) if self.pool else None
        self.state = build_state(scenario, self.pool.authority if self.pool else None,
                                  self.pool.client_id if self.pool else None)
        self._httpd = LabHTTPServer((host, port), LabHandler)
        self._httpd.state = self.state
        self._httpd.latency = latency
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def admin_token(self) -> str:
        user = self.state.users[self.scenario.admin_token_user]
        return mint(self.state, user["name"], user["email"], lifetime=86400)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self.state.lock:
            return list(self.state.log)

    def failed_logins(self, email: str) -> int:
        return self.state.failures(email)

    def login_attempts(self, email: str) -> int:
        with self.state.lock:
            return self.state.login_posts.get(email, 0)

    def is_locked(self, email: str) -> bool:
        return self.state.is_blocked(email)

    def start(self) -> LabServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="omaudit-lab", daemon=True)
        self._thread.start()
        if self.aws_proxy is not None:
            self.aws_proxy.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self.aws_proxy is not None:
            self.aws_proxy.stop()
            self.aws_proxy = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
