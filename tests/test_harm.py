"""First, do no harm: no traceback, no hang, no leak, whatever the network, the server or the user's files do.

Each test here failed on the main branch before the fix it names (issue "The auditor never harms
what it audits, never leaks, never crashes"), over real sockets: tests/rawhttp.py sends what no
well-behaved library would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_cli_in_process
from tests.helpers import write_rule
from tests.rawhttp import (
    RawServer,
    bad_gzip,
    header_drip,
    json_answer,
    location,
    raw_body,
    reset_mid_body,
    stall_body,
)

AUTH = "/api/v1/system/config/auth"


def _one_clean_line(stderr: str) -> None:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("omaudit: error:")]
    assert len(errors) == 1, stderr


@pytest.mark.parametrize(("behaviour", "phrase"), [
    (reset_mid_body, "failed"),
    (bad_gzip, "failed"),
    (location("http://127.0.0.1:99999/x"), "Location that cannot be parsed"),
    (location("http://[::1/x"), "Location that cannot be parsed"),
    (raw_body(200, b"[" * 200_000), "nested too deeply"),
    (raw_body(200, b'{"provider": 1' + b"1" * 5000 + b"}"), "a number of 5001 characters"),
    (stall_body, "answered too slowly"),
], ids=["reset-mid-body", "invalid-gzip", "location-bad-port", "location-brackets", "deep-json", "5000-digits",
        "stalled-body"])
def test_a_broken_answer_is_that_input_s_error(behaviour: object, phrase: str, tmp_path: Path) -> None:
    with RawServer({AUTH: behaviour}) as server:  # type: ignore[dict-item]
        result = run_cli("scan", "--om-url", server.url, "--format", "json", "--output-dir", str(tmp_path))
    assert result.code == 3, result.stderr
    assert "Traceback" not in result.stderr
    errors = {f["message"] for f in result.json()["findings"] if f["rule_id"] == "OMA103"}
    assert any(phrase in m for m in errors), errors


def test_a_lone_surrogate_is_replaced_where_it_enters(tmp_path: Path) -> None:
    version = json_answer(200, {"version": "1.12.6\ud800", "revision": "\udfff"})
    with RawServer({"/api/v1/system/version": version}) as server:
        result = run_cli("scan", "--om-url", server.url, "--format", "json", "--format", "junit", "--format", "csv",
                         "--output-dir", str(tmp_path))
    assert result.code == 3 and "Traceback" not in result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert any("1.12.6\ufffd" in f["message"] for f in report["findings"] if f["rule_id"] == "OMA109")


def test_a_header_drip_ends_within_the_request_deadline(tmp_path: Path) -> None:
    with RawServer({}, default=header_drip) as server:
        result = run_cli("scan", "--om-url", server.url, cwd=tmp_path, timeout=60)
    assert result.code == 2
    _one_clean_line(result.stderr)
    assert "too slowly" in result.stderr and not (tmp_path / "reports").exists()
    assert "request deadline" in result.stderr


def test_a_request_cut_by_the_budget_says_so_not_stopped_after_0_s() -> None:
    from auditor.sources.deadline import too_slow

    assert too_slow(0.3) == "answered too slowly; stopped when the target's time budget ran out (0.3 s were left)"
    assert too_slow(10.0) == "answered too slowly; stopped at the 10 s request deadline"


def test_a_fleet_with_a_dripping_target_still_reports(tmp_path: Path, lab_factory: object) -> None:
    lab = lab_factory("insecure-defaults")  # type: ignore[operator]
    with RawServer({}, default=header_drip) as server:
        inventory = tmp_path / "fleet.toml"
        inventory.write_text(f'[[target]]\nname = "drip"\nom_url = "{server.url}"\n\n'
                             f'[[target]]\nname = "lab"\nom_url = "{lab.url}"\n')
        result = run_cli("scan", "--inventory", str(inventory), "--format", "json", "--output-dir",
                         str(tmp_path / "out"), timeout=90)
    assert result.code == 1, result.stderr
    findings = json.loads((tmp_path / "out" / "report.json").read_text())["findings"]
    assert {f["status"] for f in findings if f["target"] == "drip"} <= {"ERROR", "SKIPPED"}
    assert any(f["status"] == "FAIL" for f in findings if f["target"] == "lab")


def _stream_forever(sock: object, path: str, headers: dict[str, str]) -> None:
    import socket as _socket

    assert isinstance(sock, _socket.socket)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 314572800\r\n\r\n{")
    chunk = b" " * 65536
    for _ in range(300 * 16):
        sock.sendall(chunk)


def _drip_body(sock: object, path: str, headers: dict[str, str]) -> None:
    import socket as _socket
    import time

    assert isinstance(sock, _socket.socket)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n")
    for _ in range(100):
        sock.sendall(b" ")
        time.sleep(2)


@pytest.mark.parametrize(("behaviour", "phrase"), [
    (raw_body(400, b"[1,2]", **{"x-amzn-RequestId": "r"}), "JSON but not an object"),
    (raw_body(400, b"<Error><Code></Code><Message>m</Message></Error>", **{"Content-Type": "text/xml"}),
     "not available from this endpoint (HTTP 400)"),
    (raw_body(200, b"[" * 100_000), "nested too deeply"),
    (raw_body(200, b'{"UserPool": {"Id": 1' + b"9" * 5000 + b"}}"), "a number of"),
    (_stream_forever, "more than 4 MiB"),
    (_drip_body, "answered too slowly"),
], ids=["json-list-error", "empty-xml-code", "deep-json", "5000-digits", "300-mb-body", "dripped-body"])
def test_a_hostile_cognito_endpoint_is_an_error_not_a_crash(behaviour: object, phrase: str, tmp_path: Path) -> None:
    with RawServer({"/": behaviour}) as endpoint:  # type: ignore[dict-item]
        result = run_cli("scan", "--cognito-pool-id", "us-east-1_Abc123", "--aws-endpoint-url", endpoint.url,
                         "--format", "json", "--output-dir", str(tmp_path), timeout=120)
    assert result.code == 3, result.stderr
    assert "Traceback" not in result.stderr
    messages = " ".join(f["message"] for f in result.json()["findings"] if f["status"] == "ERROR")
    assert phrase in messages, messages[:500]


def test_token_files_are_regular_capped_and_strict(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge"
    with huge.open("wb") as handle:
        handle.truncate(1024 ** 3)  # 1 GB, sparse
    latin = tmp_path / "latin"
    latin.write_bytes(b"tok\xe9n")
    bearer = tmp_path / "bearer"
    bearer.write_text("Bearer abc.def.ghi\n")
    cases = {fifo: "not a regular file", Path("/dev/zero"): "not a regular file", huge: "larger than 64 KiB",
             latin: "not UTF-8", bearer: "starts with 'Bearer '"}
    for path, phrase in cases.items():
        result = run_cli("scan", "--om-url", "http://127.0.0.1:9", "--om-token-file", str(path), timeout=30)
        assert result.code == 2, (path, result.stderr)
        _one_clean_line(result.stderr)
        assert phrase in result.stderr, result.stderr


@pytest.mark.parametrize("body", [b"[" * 200_000, b'{"schema_version": 1' + b"1" * 5000 + b"}", b"\xff\xfe{}",
                                  b'{"omaudit_snapshot": 1, "snapshots": [[[[]]]]}', b"{" * 70 + b"}" * 70],
                         ids=["deep", "digits", "not-utf8", "wrong-shape", "70-deep"])
def test_hostile_files_to_audit_merge_and_baseline(body: bytes, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(body)
    for args in (["audit", str(path)], ["merge", str(path)],
                 ["scan", "--om-url", "http://127.0.0.1:9", "--baseline", str(path)]):
        result = run_cli_in_process(*args, cwd=tmp_path)  # refused before anything is sent
        assert result.code == 2, (args, result.stderr)
        _one_clean_line(result.stderr)


def test_a_fifo_to_audit_merge_and_baseline_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for args in (["audit", str(fifo)], ["merge", str(fifo)],
                 ["scan", "--om-url", "http://127.0.0.1:9", "--baseline", str(fifo)]):
        result = run_cli(*args, cwd=tmp_path, timeout=30)  # a child process: a regression would hang, not the suite
        assert result.code == 2 and "not a regular file" in result.stderr, (args, result.stderr)
        _one_clean_line(result.stderr)


def test_an_internal_error_is_one_redacted_line_exit_4(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from auditor import cli
    from auditor.cli import scan_commands
    from auditor.common.redact import register

    canary = "opaque-internal-canary-7f3e9a1c"
    register(canary)

    def boom(*_: object, **__: object) -> int:
        raise RuntimeError(f"unexpected state near {canary}")

    monkeypatch.setattr(scan_commands, "execute_scan", boom)
    for argv, traceback in ((["scan", "--om-url", "http://127.0.0.1:9"], False),
                            (["scan", "--om-url", "http://127.0.0.1:9", "--debug"], True)):
        with pytest.raises(SystemExit) as exited:
            cli.main(argv)
        assert exited.value.code == 4
        captured = capsys.readouterr()
        assert canary not in captured.out + captured.err
        if traceback:  # the message, redacted, only with --debug
            assert "omaudit: error: internal error (RuntimeError): unexpected state near [REDACTED]" in captured.err
        else:  # never the message: it may quote a value no redaction knows
            assert "omaudit: error: internal error (RuntimeError) (run with --debug for the details)" in captured.err
            assert "unexpected state" not in captured.err
        assert ("Traceback" in captured.err) is traceback


def test_credentials_in_a_url_are_refused_and_never_echoed(tmp_path: Path) -> None:
    secret = "pa55-canary-url-8d2f"
    inventory = tmp_path / "fleet.toml"
    inventory.write_text(f'[[target]]\nname = "a"\nom_url = "http://svc:{secret}@127.0.0.1:9"\n')
    for args in (["scan", "--om-url", f"http://svc:{secret}@127.0.0.1:9"],
                 ["scan", "--om-url", f"http://svc:{secret}@127.0.0.1:99999"],
                 ["scan", "--cognito-pool-id", "us-east-1_Abc123", "--aws-endpoint-url",
                  f"http://k:{secret}@127.0.0.1:9"],
                 ["scan", "--inventory", str(inventory)]):
        result = run_cli(*args, cwd=tmp_path)
        assert result.code == 2, result.stderr
        _one_clean_line(result.stderr)
        assert secret not in result.stdout + result.stderr
        assert "must not carry a user name or password" in result.stderr
    assert "line 1" in result.stderr


# Every thread start is checked: the requests package must be whole by then (its packages.py walks a copy
# of sys.modules, which a thread importing botocore changes under it).
_THREADS_AFTER_IMPORTS = """
import runpy, sys, threading
start = threading.Thread.start
def checked(self):
    if "requests.packages" not in sys.modules:
        sys.stderr.write("a thread started before requests was imported\\n")
    start(self)
threading.Thread.start = checked
sys.argv = ["omaudit", *sys.argv[1:]]
runpy.run_module("auditor", run_name="__main__")
"""


def test_no_thread_starts_while_the_http_stack_is_imported(tmp_path: Path) -> None:
    """A race the CI met once in 90 parallel scans (KeyError from requests/packages.py, exit 4): now
    each thread starts only after requests is imported, which this checks on every start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMAUDIT_", "AWS_"))}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    proc = subprocess.run([sys.executable, "-c", _THREADS_AFTER_IMPORTS, "scan", "--om-url", "http://127.0.0.1:9",
                           "--aws-endpoint-url", "http://127.0.0.1:9", "--cognito-pool-id", "us-east-1_Abc123"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr  # unreachable: nothing was scanned
    assert "cannot connect to http://127.0.0.1:9" in proc.stderr
    assert "a thread started before requests was imported" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_parallel_scans_each_keep_their_report(lab_factory: object, tmp_path: Path) -> None:
    lab = lab_factory("hardened")  # type: ignore[operator]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMAUDIT_", "AWS_"))}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "OMAUDIT_STATE_DIR": str(tmp_path / "state")})
    args = [sys.executable, "-m", "auditor", "scan", "--om-url", lab.url, "--aws-endpoint-url",
            lab.aws_endpoint_url, "--format", "json"]
    procs = [subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(6)]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0] * 6, [p.stderr.read() for p in procs if p.stderr]
    folders = [p for p in (tmp_path / "reports").iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(folders) == 6 and all((f / "report.json").is_file() for f in folders)


def test_a_latest_that_is_a_directory_never_loses_the_report(tmp_path: Path) -> None:
    (tmp_path / "reports" / "latest").mkdir(parents=True)
    with RawServer({}) as server:
        result = run_cli("scan", "--om-url", server.url, "--format", "json", cwd=tmp_path)
    assert result.code == 3, result.stderr
    assert "could not be updated" in result.stderr and "Traceback" not in result.stderr
    written = [p for p in (tmp_path / "reports").iterdir() if p.name != "latest"]
    assert len(written) == 1 and (written[0] / "report.json").is_file()


def test_an_unknown_profile_in_a_fleet_stops_before_anything_is_sent(tmp_path: Path) -> None:
    with RawServer({}) as first:
        inventory = tmp_path / "fleet.toml"
        inventory.write_text(f'[[target]]\nname = "a"\nom_url = "{first.url}"\n\n'
                             '[[target]]\nname = "b"\ncognito_pool_id = "us-east-1_Abc123"\naws_profile = "nope"\n')
        result = run_cli("scan", "--inventory", str(inventory), env={"AWS_CONFIG_FILE": str(tmp_path / "none")})
        sent = list(first.paths)
    assert result.code == 2
    _one_clean_line(result.stderr)
    assert "line 5" in result.stderr and "nope" in result.stderr
    assert sent == []


def test_a_misspelled_need_is_refused_when_the_rule_loads(tmp_path: Path) -> None:
    write_rule(tmp_path, "OMA901", "typo", "om.jwk")
    result = run_cli("rules", "list", "--rules-dir", str(tmp_path))
    assert result.code == 2
    assert "OMA901: META.needs names no input of the snapshot: om.jwk" in result.stderr


def test_a_server_that_ignores_the_page_limit_is_refused(tmp_path: Path) -> None:
    """An outside attack found 4.2 GB RSS: pages of 320,000 objects, always with a next page."""
    page = json_answer(200, {"data": [{"name": f"b{i}"} for i in range(5000)], "paging": {"after": "x"}})
    with RawServer({"/api/v1/bots": page}) as server:
        result = run_cli("scan", "--om-url", server.url, "--format", "json", "--output-dir", str(tmp_path),
                         env={"OMAUDIT_OM_TOKEN": "opaque-token-for-page-limit-test"})
    assert result.code == 3
    bots = [f for f in result.json()["findings"] if f["rule_id"] == "OMA113"]
    assert bots and "5000 entries for limit=100" in bots[0]["message"]


@pytest.mark.parametrize(("args", "env", "phrase"), [
    (["scan", "--cognito-pool-id", "us-east-1_Abc123"], {"AWS_ENDPOINT_URL": "http://a:pw-canary-7d1e@127.0.0.1:9"},
     "must not carry a user name or password"),
    (["scan", "--om-url", "http:pw-canary-7d1e@127.0.0.1"], {}, "must not carry a user name or password"),
    (["scan", "--om-url", "http://127.0.0.1:9", "--active", "--state-dir", ""], {}, "--state-dir must name a folder"),
    (["scan", "--om-url", "http://127.0.0.1:9", "--active", "--lockout-window", "nan"], {}, "--lockout-window"),
    (["scan", "--om-url", "http://127.0.0.1:9"], {"OMAUDIT_OM_TOKEN": "abcde"}, "too short"),
], ids=["aws-endpoint-env-userinfo", "url-typo-with-password", "empty-state-dir", "nan-window", "short-token"])
def test_more_misuse_is_one_line_exit_2(args: list[str], env: dict[str, str], phrase: str, tmp_path: Path) -> None:
    result = run_cli_in_process(*args, env=env, cwd=tmp_path)
    assert result.code == 2, result.stderr
    _one_clean_line(result.stderr)
    assert phrase in result.stderr and "pw-canary-7d1e" not in result.stderr + result.stdout


def test_deep_toml_and_forged_shard_reports_are_input_errors(tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    forged = tmp_path / "report.json"
    forged.write_text(json.dumps({"schema_version": 1, "tool": {"version": "0"}, "started_at": "a", "finished_at": "b",
                                  "targets": [], "findings": [{"rule_id": "OMA101\x1b[2J", "name": "![x](http://e/p)",
                                                               "status": "FAIL", "severity": "high", "target": "t",
                                                               "resource": "r", "message": "m"}]}))
    for args in (["scan", "--inventory", str(deep)], ["scan", "--om-url", "http://127.0.0.1:9", "--suppressions",
                                                        str(deep)], ["merge", str(forged), "--format", "markdown"]):
        result = run_cli_in_process(*args, cwd=tmp_path)
        assert result.code == 2, (args, result.stderr)
        _one_clean_line(result.stderr)


def test_the_ledger_knows_an_ipv4_mapped_address_and_a_token_echoed_in_another_case() -> None:
    from auditor.common.redact import Redactor
    from auditor.scan.lockout import Origin

    assert "127.0.0.1" in Origin.of("http://[::ffff:127.0.0.1]:8585").addresses
    assert Origin.of("http://[::ffff:127.0.0.1]:8585").same_server({"host": "127.0.0.1", "port": 8585})
    token = "OmTokCanary_ZQ8x7wv6LongEnough"
    assert token.lower() not in Redactor([token])(f"redirected to http://evil-{token.lower()}.example/")


def test_a_failing_cognito_call_is_tried_three_times_in_all(tmp_path: Path) -> None:
    """botocore's `max_attempts` counts retries (4 requests); `total_max_attempts` counts attempts."""
    with RawServer({"/": raw_body(500, b'{"__type": "InternalErrorException", "message": "x"}')}) as endpoint:
        result = run_cli("scan", "--cognito-pool-id", "us-east-1_Abc123", "--aws-endpoint-url", endpoint.url,
                         "--format", "json", "--output-dir", str(tmp_path))
        sent = list(endpoint.paths)
    assert result.code == 3
    # DescribeUserPool, GetUserPoolMfaConfig, ListUserPoolClients, ListIdentityProviders, ListIdentityPools
    # (GetWebACLForResource waits for the pool's ARN, which never came)
    assert len(sent) == 5 * 3
