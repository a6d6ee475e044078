"""A read-only HTTP client for one OpenMetadata target.

It can only GET, plus the one named login probe: no other method exists on it, so a rule or a
collector cannot write to a target by accident. Bodies are read in a stream and cut at a cap;
the bearer token lives only in the session and is never put in an error message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

from auditor.errors import CollectionError, TargetError

MAX_BODY_BYTES = 4 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class HttpAnswer:
    method: str
    path: str
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or CollectionError naming the endpoint."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            snippet = "HTML page" if b"<html" in self.body[:512].lower() else "not JSON"
            raise CollectionError(
                f"{self.method} {self.path} answered {self.status} with a body that is {snippet}") from None

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise CollectionError(f"{self.method} {self.path} answered JSON that is not an object")
        return data

    def message(self) -> str:
        """OpenMetadata's error `message` (ErrorMessage shape), or a short description."""
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return ""
        if isinstance(data, dict):
            for key in ("message", "responseMessage"):
                if isinstance(data.get(key), str):
                    return str(data[key])[:300]
        return ""


class ReadOnlyClient:
    """GETs against one base URL with one pooled session."""

    def __init__(self, base_url: str, token: str | None = None, verify: bool | str = True) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._session = requests.Session()
        self._session.max_redirects = MAX_REDIRECTS
        self._session.verify = verify
        self._session.headers["User-Agent"] = "omaudit (read-only security audit)"
        self._session.headers["Accept"] = "application/json"

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    def close(self) -> None:
        self._session.close()

    def get(self, path: str, *, auth: bool = False, bearer: str | None = None) -> HttpAnswer:
        """GET base_url+path. `auth` sends the user's token; `bearer` sends a probe credential."""
        headers: dict[str, str] = {}
        token = bearer if bearer is not None else (self._token if auth else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self._send("GET", path, headers=headers)

    def post_login_probe(self, path: str, body: dict[str, str]) -> HttpAnswer:
        """The only non-GET request omaudit ever sends: one default-credential login attempt."""
        return self._send("POST", path, headers={"Content-Type": "application/json"}, data=json.dumps(body))

    def _send(self, method: str, path: str, headers: dict[str, str], data: str | None = None) -> HttpAnswer:
        url = self.base_url + path
        try:
            with self._session.request(method, url, headers=headers, data=data, stream=True,
                                       timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                                       allow_redirects=method == "GET") as resp:
                body = _read_capped(resp, path)
                return HttpAnswer(method, path, resp.status_code, resp.headers.get("Content-Type", ""), body)
        except requests.exceptions.ConnectionError as exc:
            raise TargetError(f"cannot connect to {self.base_url}: {_reason(exc)}") from None
        except requests.exceptions.Timeout:
            raise CollectionError(f"{method} {path} timed out") from None
        except requests.exceptions.TooManyRedirects:
            raise CollectionError(f"{method} {path} redirected more than {MAX_REDIRECTS} times") from None
        except requests.exceptions.RequestException as exc:
            raise CollectionError(f"{method} {path} failed: {type(exc).__name__}") from None


def _read_capped(resp: requests.Response, path: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise CollectionError(f"GET {path} answered more than {MAX_BODY_BYTES // (1024 * 1024)} MiB; not read")
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host",
                   "timed out", "Temporary failure in name resolution", "certificate verify failed"):
        if marker in text:
            return marker.lower()
    return type(exc).__name__
