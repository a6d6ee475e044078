"""No secret leaves the process: canary tokens never appear in any byte omaudit writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from auditor.common.redact import Redactor
from auditor.lab.server import LabServer
from tests.conftest import run_cli

Lab = Callable[[str], LabServer]
CANARY = "canary-token-7f3a9c1e5b2d"


def _all_bytes(root: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_token_from_env_and_bot_tokens_never_reach_output(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    admin = lab.admin_token
    bot_tokens = list(lab.state.bot_tokens.values())
    out = tmp_path / "out"
    result = run_cli("scan", "--om-url", lab.url, "--active", "--format", "table", "--format", "json",
                     "--output-dir", str(out), env={"OMAUDIT_OM_TOKEN": admin})
    assert result.code == 1
    written = result.stdout + result.stderr + _all_bytes(out)
    for secret in [admin, *bot_tokens, "YWRtaW4="]:
        assert secret not in written
    assert "eyJ" not in written


def test_rejected_canary_token_from_file_is_not_echoed(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    token_file = tmp_path / "token"
    token_file.write_text(CANARY + "\n")
    snap = tmp_path / "snap.json"
    scan = run_cli("scan", "--om-url", lab.url, "--om-token-file", str(token_file), "--format", "json",
                   "--output-dir", str(tmp_path / "out"))
    collect = run_cli("collect", "--om-url", lab.url, "--om-token-file", str(token_file), "--snapshot", str(snap))
    assert scan.code == 3  # the canary is not a valid token: admin reads are ERROR, not PASS
    assert collect.code == 0
    everything = scan.stdout + scan.stderr + collect.stdout + collect.stderr + _all_bytes(tmp_path / "out")
    everything += snap.read_text()
    assert CANARY not in everything


def test_error_paths_do_not_echo_the_token(tmp_path: Path) -> None:
    for args in (["scan", "--om-url", "http://127.0.0.1:9"], ["scan", "--om-url", "ftp://" + CANARY]):
        result = run_cli(*args, env={"OMAUDIT_OM_TOKEN": CANARY}, cwd=tmp_path)
        assert result.code == 2
        if "ftp" not in args[-1]:
            assert CANARY not in result.stdout + result.stderr


def test_redactor_masks_known_secrets_jwts_and_aws_keys() -> None:
    redact = Redactor([CANARY])
    text = f"a {CANARY} b eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl c AKIAABCDEFGHIJKLMNOP"
    assert redact(text) == "a [REDACTED] b [REDACTED] c [REDACTED]"


def test_netrc_credentials_and_cookies_are_never_sent(lab_factory: Lab, tmp_path: Path) -> None:
    """A ~/.netrc entry for the target must not turn the anonymous-access probe into a Basic-auth request."""
    lab = lab_factory("insecure-defaults")
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login admin password {CANARY}\n")
    netrc.chmod(0o600)
    out = tmp_path / "out"
    result = run_cli("scan", "--om-url", lab.url, "--format", "json", "--output-dir", str(out),
                     env={"HOME": str(home)})
    assert result.code == 1
    assert lab.requests and not any(r.authorized for r in lab.requests)
    assert CANARY not in result.stdout + result.stderr + _all_bytes(out)
