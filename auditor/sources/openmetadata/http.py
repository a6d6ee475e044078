"""A read-only HTTP client for one OpenMetadata target.

It can only GET, plus the one named login probe: no other method exists on it, so a rule or a
collector cannot write to a target by accident. Bodies are read in a stream and cut at a cap;
the bearer token lives only in the session and is never put in an error message.
"""

from __future__ import annotations

import http.client
import json
import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from auditor.common.errors import Cause, CollectionError, TargetError
from auditor.common.redact import cut
from auditor.common.untrusted import MalformedInput, clean_text, load_json
from auditor.sources.deadline import REQUEST_DEADLINE, Deadline, deadline, too_slow
from auditor.sources.wire import ConnectFailed, GuardedPools, discard, read_capped

MAX_BODY_BYTES = 4 * 1024 * 1024
MESSAGE_CHARS = 300  # of a server's error message kept in a finding
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TARGET_BUDGET = 120.0  # wall time for all requests to one target
MAX_REDIRECTS = 5
GET_RETRIES = 2
BACKOFF = 0.5
MAX_BACKOFF = 5.0
RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})  # with a Location: followed within the origin (as requests did)
POOL_SIZE = 10  # kept-alive connections to one target; at least the collector's parallel calls


@dataclass(frozen=True)
class HttpAnswer:
    method: str
    path: str
    status: int
    content_type: str
    body: bytes
    retry_after: float | None = None

    def json(self) -> Any:
        """The body as bounded, cleaned JSON (auditor.common.untrusted), or CollectionError naming the endpoint."""
        try:
            return load_json(self.body, "body", max_bytes=MAX_BODY_BYTES)
        except MalformedInput as exc:
            detail = "is an HTML page" if b"<html" in self.body[:512].lower() else str(exc).removeprefix("body ")
            raise CollectionError(f"{self.method} {self.path} answered {self.status} with a body that "
                                  f"{detail}") from None

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise CollectionError(f"{self.method} {self.path} answered JSON that is not an object")
        return data

    def message(self) -> str:
        """OpenMetadata's error `message` (ErrorMessage shape): redacted where it entered, then cut."""
        try:
            data = self.json()
        except CollectionError:
            return ""
        if isinstance(data, dict):
            for key in ("message", "responseMessage"):
                if isinstance(data.get(key), str):
                    return cut(str(data[key]), MESSAGE_CHARS)
        return ""


class ReadOnlyClient:
    """GETs against one base URL over one connection pool, within a time budget for the whole target."""

    def __init__(self, base_url: str, token: str | None = None, verify: bool | str = True,
                 budget: float = TARGET_BUDGET) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        # One connection pool per target (auditor.sources.wire.GuardedPools):
        # no cookie jar (a cookie set by one answer would ride along on the anonymous-access probe), no
        # ~/.netrc (its credentials could be sent as Basic auth). Proxies and a CA bundle from the
        # environment are still honoured, read once.
        if verify is True:
            verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self._verify = verify
        self._pools = GuardedPools(verify, maxsize=POOL_SIZE)  # verify=False is finding OMA115
        self._headers = {"User-Agent": "omaudit (read-only security audit)", "Accept": "application/json",
                         "Accept-Encoding": "gzip, deflate"}
        self._deadline = time.monotonic() + budget

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    def close(self) -> None:
        self._pools.clear()

    def get(self, path: str, *, auth: bool = False, bearer: str | None = None) -> HttpAnswer:
        """GET base_url+path, retried with backoff on 429/502/503/504 and dropped connections.

        `auth` sends the user's token; `bearer` sends a probe credential. Redirects are followed
        only within the target's origin (see `_send`), so a token never follows one elsewhere.
        """
        headers: dict[str, str] = {}
        token = bearer if bearer is not None else (self._token if auth else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        for attempt in range(GET_RETRIES + 1):
            try:
                answer = self._send("GET", path, headers=headers)
            except (TargetError, CollectionError) as exc:
                dropped = isinstance(exc, TargetError) or exc.cause is Cause.UNREACHABLE
                if not dropped or attempt == GET_RETRIES or not self._sleep(attempt, None):
                    raise
                continue
            if answer.status not in RETRY_STATUSES or attempt == GET_RETRIES:
                return answer
            if not self._sleep(attempt, answer.retry_after):
                return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def post_login_probe(self, path: str, body: dict[str, str]) -> HttpAnswer:
        """The only non-GET request omaudit ever sends: one default-credential login attempt, never retried."""
        return self._send("POST", path, headers={"Content-Type": "application/json"}, data=json.dumps(body))

    def _sleep(self, attempt: int, retry_after: float | None) -> bool:
        """Back off before a retry; False when the target's time budget would not allow it."""
        delay = min(retry_after if retry_after is not None else BACKOFF * 2 ** attempt, MAX_BACKOFF)
        if time.monotonic() + delay >= self._deadline:
            return False
        time.sleep(delay)
        return True

    def _send(self, method: str, path: str, headers: dict[str, str], data: str | None = None) -> HttpAnswer:
        """One request; GET follows redirects only within the target's own origin, so no header
        (the token included) is ever sent to another host."""
        url = self.base_url + path
        for _ in range(MAX_REDIRECTS + 1):
            answer, location = self._once(method, url, path, headers, data)
            if location is None or method != "GET":
                return answer
            try:
                url = urljoin(url, location)
                origin = _origin(url)
                credentials = "@" in urlsplit(url).netloc  # a password in a Location is never followed
            except ValueError:
                raise CollectionError(f"{method} {path} redirected to a Location that cannot be parsed") from None
            if credentials:
                raise CollectionError(f"{method} {path} redirected to a URL with credentials; not followed")
            if origin != _origin(self.base_url):
                raise CollectionError(f"{method} {path} redirected to another host ({clean_text(origin)}); "
                                      "not followed")
        raise CollectionError(f"{method} {path} redirected more than {MAX_REDIRECTS} times")

    def _once(self, method: str, url: str, path: str, headers: dict[str, str], data: str | None
              ) -> tuple[HttpAnswer, str | None]:
        """One exchange under one wall-clock deadline: connect, headers and body together."""
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise CollectionError(f"{method} {path} not sent: the time budget for this target is spent", Cause.TIMEOUT)
        timeout = (min(CONNECT_TIMEOUT, remaining), min(READ_TIMEOUT, remaining))
        limit_s = min(REQUEST_DEADLINE, remaining)
        with deadline(limit_s) as limit:
            try:
                resp = self._pools.urlopen(method, url, {**self._headers, **headers}, data, timeout)
                location = resp.headers.get("Location") if resp.status in REDIRECTS else None
                if location:
                    discard(resp)
                    body = b""
                else:
                    body = read_capped(resp, MAX_BODY_BYTES, f"{method} {path} answered more than "
                                                             f"{MAX_BODY_BYTES // (1024 * 1024)} MiB; not read")
                answer = HttpAnswer(method, path, resp.status, resp.headers.get("Content-Type", ""), body,
                                    _retry_after(resp.headers.get("Retry-After")))
                if limit.expired:  # cut off by the watchdog: what arrived is a fragment, not an answer
                    raise CollectionError(f"{method} {path} {too_slow(limit_s)}", Cause.TIMEOUT)
                return answer, location
            except CollectionError:
                raise
            except TRANSPORT_ERRORS as exc:
                raise self._failure(method, path, exc, limit, limit_s) from None

    def _failure(self, method: str, path: str, exc: Exception, limit: Deadline, limit_s: float) -> Exception:
        """Every way a request can fail, as the collector's own error: never a raw library exception."""
        if limit.expired:
            return CollectionError(f"{method} {path} {too_slow(limit_s)}", Cause.TIMEOUT)
        if _never_connected(exc):
            return TargetError(f"cannot connect to {self.base_url}: {_reason(exc)}")
        if isinstance(exc, TimeoutError):
            return CollectionError(f"{method} {path} timed out", Cause.TIMEOUT)
        return CollectionError(f"{method} {path} failed: {_reason(exc)}", Cause.UNREACHABLE)


# Everything http.client and auditor.sources.wire raise for a broken exchange: a reset mid-body, an
# invalid gzip stream, a header line that cannot be parsed, a socket error.
TRANSPORT_ERRORS = (http.client.HTTPException, OSError, ValueError)


def _never_connected(exc: BaseException) -> bool:
    """True when no connection was made at all (refused, no route, DNS, connect timeout): the target is
    unreachable. A connection that broke mid-answer is not."""
    return isinstance(exc, ConnectFailed | ConnectionRefusedError)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host",
                   "timed out", "Temporary failure in name resolution", "certificate verify failed"):
        if marker in text:
            return marker.lower()
    return type(exc).__name__
