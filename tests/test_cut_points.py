"""Redact first, then cut: a secret echoed by a server at any offset leaves no fragment in any output.

Error messages are cut at 300 characters (OpenMetadata), 200 (AWS), table cells at 90. A server
that places the caller's token just before a cut point used to leak its first characters. The
canaries here are opaque (not JWT-shaped), so only the registered value can catch them.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.rawhttp import RawServer, echo_token, raw_body

ALL = [arg for fmt in ("table", "json", "sarif", "junit", "markdown", "html", "csv") for arg in ("--format", fmt)]
FRAGMENT = 8  # auditor.common.redact.FRAGMENT: the shortest fragment of a secret that counts as a leak
TOKEN = "s3cr3t-opaque-canary-0a1b2c3d4e5f6a7b8c9d"
SESSION = "FwoGZXIvYXdzEBYaDcanary-session-token-9f8e7d6c5b4a39281706"


def _fragments(secret: str) -> list[str]:
    return [secret[i:i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)]


def _everything(result: object, out: Path) -> str:
    text = getattr(result, "stdout", "") + getattr(result, "stderr", "")
    return text + "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())


def _leaks(secret: str, text: str) -> list[str]:
    return [f for f in _fragments(secret) if f in text]


# Offsets around each cut point: the table's message cell (90, after a prefix of about 80
# characters), the finding message (300), and zero.
OFFSETS = [0, 3, 5, 8, 11, 14, 260, 280, 285, 288, 291, 295]


@pytest.mark.parametrize("offsets", [OFFSETS[i:i + 3] for i in range(0, len(OFFSETS), 3)],
                         ids=lambda o: "-".join(map(str, o)))
def test_an_echoed_opaque_token_leaves_no_fragment_anywhere(offsets: list[int], tmp_path: Path) -> None:
    routes = {"/api/v1/users/name/admin": echo_token(offsets[0]), "/api/v1/users": echo_token(offsets[1]),
              "/api/v1/bots": echo_token(offsets[2], status=500)}
    with RawServer(routes) as server:
        out = tmp_path / "out"
        result = run_cli("scan", "--om-url", server.url, *ALL, "--output-dir", str(out),
                         env={"OMAUDIT_OM_TOKEN": TOKEN})
    assert result.code == 3, result.stderr
    text = _everything(result, out)
    assert "[REDACTED]" in text  # the echo arrived, and was masked
    assert _leaks(TOKEN, text) == []


def test_a_partial_session_token_in_an_aws_error_is_masked(tmp_path: Path) -> None:
    """A Cognito error that quotes the signed request's X-Amz-Security-Token near the 200-character cut."""
    def echo(sock: object, path: str, headers: dict[str, str]) -> None:
        token = headers.get("x-amz-security-token", "")
        body = ('{"__type": "InvalidParameterException", "message": "' + "y" * 185 + token + '"}').encode()
        raw_body(400, body)(sock, path, headers)  # type: ignore[arg-type]

    with RawServer({"/": echo}) as endpoint:
        out = tmp_path / "out"
        result = run_cli("scan", "--cognito-pool-id", "us-east-1_Abc123", "--aws-endpoint-url", endpoint.url, *ALL,
                         "--output-dir", str(out), env={"AWS_SESSION_TOKEN": SESSION})
    assert result.code == 3, result.stderr
    text = _everything(result, out)
    assert "InvalidParameterException" in text
    assert _leaks(SESSION, text) == []


def test_cut_masks_a_trailing_fragment_of_a_registered_secret() -> None:
    from auditor.common.redact import MIN_FRAGMENT, Redactor

    assert MIN_FRAGMENT == FRAGMENT
    redact = Redactor([TOKEN])
    for keep in range(FRAGMENT, len(TOKEN)):
        text = "x" * (89 - keep) + TOKEN[:keep]  # as if the server had already cut it
        assert _leaks(TOKEN, redact.cut(text + "tail", 90)) == [], keep
        assert _leaks(TOKEN, redact.cut("x" * 80 + TOKEN, 90 - keep % 7)) == [], keep


def test_an_echoed_fragment_of_the_token_is_masked_anywhere(tmp_path: Path) -> None:
    """A prefix of the token, or the token split by spaces or hyphens, in the middle of a message: no
    8-character piece of it reaches any output (found by an attack on this change)."""
    def split(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        pieces = " ".join(token[i:i + 10] for i in range(0, len(token), 10))
        body = json.dumps({"code": 401, "message": f"Invalid token {token[:24]}... or {pieces.lower()}"})
        raw_body(401, body.encode())(sock, path, headers)

    routes: dict[str, Callable[[socket.socket, str, dict[str, str]], None]] = {
        "/api/v1/users/name/admin": split, "/api/v1/users": split, "/api/v1/bots": split}
    with RawServer(routes) as server:
        out = tmp_path / "out"
        result = run_cli("scan", "--om-url", server.url, *ALL, "--output-dir", str(out),
                         env={"OMAUDIT_OM_TOKEN": TOKEN})
    text = _everything(result, out)
    assert "rejected the admin token" in result.stderr and "[REDACTED]" in text
    assert _leaks(TOKEN, text) == []
