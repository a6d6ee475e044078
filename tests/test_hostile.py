"""The auditor under hostile input: the hostile lab, canary secrets everywhere, safe active probes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import boto3

from auditor.lab.hostile import HostileServer
from auditor.lab.server import LabServer
from tests.conftest import run_cli, run_cli_measured, scan_args

Lab = Callable[[str], LabServer]
ALL_FORMATS = ["table", "json", "sarif", "junit", "markdown", "html", "csv"]
FORMAT_ARGS = [arg for fmt in ALL_FORMATS for arg in ("--format", fmt)]


def _everything(*results: object, folders: tuple[Path, ...] = ()) -> str:
    text = "".join(getattr(r, "stdout", "") + getattr(r, "stderr", "") for r in results)
    for folder in folders:
        text += "".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())
    return text


def test_hostile_lab_gives_errors_exit_3_no_traceback_no_secret(tmp_path: Path) -> None:
    with HostileServer() as lab:
        result, peak_kib = run_cli_measured("scan", "--om-url", lab.url, "--active", *FORMAT_ARGS, "--output-dir",
                                            str(tmp_path), env={"OMAUDIT_OM_TOKEN": lab.admin_token})
        catcher = lab.token_reached_other_host
    assert result.code == 3, result.stderr
    assert "Traceback" not in result.stderr
    report = (tmp_path / "report.json").read_text()
    assert lab.admin_token not in _everything(result, folders=(tmp_path,))
    assert "[REDACTED]" in report  # the server echoed the token; the redaction layer caught it
    assert catcher == []  # the redirect to another host was not followed at all
    import json

    findings = json.loads(report)["findings"]
    assert {f["status"] for f in findings} == {"ERROR", "SKIPPED"}
    messages = " ".join(f["message"] for f in findings)
    for phrase in ("more than 4 MiB", "too slowly", "redirected to another host",
                   "body that is an HTML page", "body that is not JSON", "not a comparable release number",
                   "could not be parsed", "HTTP 429"):
        assert phrase in messages, phrase
    assert 0 < peak_kib < 200 * 1024, f"the scan's peak RSS was {peak_kib} KiB: a 50 MB body must not be read whole"


def test_client_stops_redirect_loops_and_retries_429_boundedly() -> None:
    import pytest

    from auditor.common.errors import CollectionError
    from auditor.sources.openmetadata.http import ReadOnlyClient

    with HostileServer() as lab:
        client = ReadOnlyClient(lab.url, token=lab.admin_token)
        with pytest.raises(CollectionError, match="redirected more than 5 times"):
            client.get("/api/v1/users?isAdmin=true", auth=True)
        before = len(lab.requests)
        answer = client.post_login_probe("/api/v1/users/login", {"email": "a@b.c", "password": "eA=="})
        assert answer.status == 429 and len(lab.requests) == before + 1  # the login probe is never retried
        client.close()


def test_lab_serve_hostile_prints_its_line(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "auditor", "lab", "serve", "--scenario", "hostile"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = json.loads(proc.stdout.readline())
        assert line["scenario"] == "hostile" and line["aws_endpoint_url"] is None
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_canaries_in_every_input_never_reach_any_output(lab_factory: Lab, moto_endpoint: str,
                                                         tmp_path: Path) -> None:
    """Token env var, token file, moto client secret, AWS keys: all seven formats, snapshot, error paths."""
    token_canary = "canary-token-" + uuid.uuid4().hex
    file_canary = "canary-file-" + uuid.uuid4().hex
    aws_key, aws_secret = "AKIACANARY" + uuid.uuid4().hex[:10].upper(), "canary-aws-secret-" + uuid.uuid4().hex
    lab = lab_factory("seed-walkthrough")
    assert lab.pool is not None
    idp = boto3.session.Session(region_name="us-east-1", aws_access_key_id="testing",
                                aws_secret_access_key="testing").client("cognito-idp", endpoint_url=moto_endpoint)
    secret = idp.create_user_pool_client(UserPoolId=lab.pool.pool_id, ClientName="confidential",
                                         GenerateSecret=True)["UserPoolClient"]["ClientSecret"]
    token_file = tmp_path / "token"
    token_file.write_text(file_canary)
    env = {"OMAUDIT_OM_TOKEN": token_canary, "AWS_ACCESS_KEY_ID": aws_key, "AWS_SECRET_ACCESS_KEY": aws_secret}
    out, snap = tmp_path / "out", tmp_path / "snap.json"
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text(f'[[suppression]]\nrule = "{token_canary}"\n')
    runs = [
        run_cli("scan", *scan_args(lab), *FORMAT_ARGS, "--output-dir", str(out), env=env),
        run_cli("scan", *scan_args(lab), "--om-token-file", str(token_file), "--cognito-pool-id", lab.pool.pool_id,
                "--format", "json", "--output-dir", str(tmp_path / "out2"), env=env),
        run_cli("collect", *scan_args(lab), "--snapshot", str(snap), env=env),
        run_cli("audit", str(snap), *FORMAT_ARGS, "--output-dir", str(tmp_path / "out3"), env=env),
        run_cli("scan", "--om-url", "http://127.0.0.1:9", env=env, cwd=tmp_path),
        run_cli("scan", "--om-url", lab.url + "/nope", env=env, cwd=tmp_path),
        run_cli("scan", "--om-url", lab.url, "--suppressions", str(bad_toml), env=env, cwd=tmp_path),
        run_cli("scan", "--om-url", lab.url, "--fail-on", token_canary, env=env, cwd=tmp_path),
        run_cli("scan", "--cognito-pool-id", "us-east-1_missing", "--aws-endpoint-url", moto_endpoint, env=env,
                cwd=tmp_path),
    ]
    assert [r.code for r in runs][:4] == [1, 1, 0, 1]
    assert all(r.code == 2 for r in runs[4:9])  # the last: a Cognito-only scan of a missing pool (issue 13)
    written = _everything(*runs, folders=(out, tmp_path / "out2", tmp_path / "out3")) + snap.read_text()
    for canary in (token_canary, file_canary, aws_key, aws_secret, secret):
        assert canary not in written, canary
    assert "Traceback" not in written


def test_repeated_active_scans_never_lock_the_admin(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")  # the admin password was changed: every probe is a failed login
    email = "admin@open-metadata.org"
    state = {"OMAUDIT_STATE_DIR": str(tmp_path / "state")}
    results = [run_cli("scan", "--om-url", lab.url, "--active", "--format", "json", cwd=tmp_path, env=state)
               for _ in range(3)]
    assert lab.login_attempts(email) == 1 and lab.failed_logins(email) == 1 and not lab.is_locked(email)
    oma101 = [next(f for f in r.json()["findings"] if f["rule_id"] == "OMA101") for r in results]
    assert [f["status"] for f in oma101] == ["PASS", "SKIPPED", "SKIPPED"]
    assert "lockout window" in oma101[1]["message"]
    again = run_cli("scan", "--om-url", lab.url, "--active", "--lockout-window", "0", "--format", "json",
                    cwd=tmp_path, env=state)
    assert again.code == 1 and lab.login_attempts(email) == 2


def test_insecure_defaults_active_scan_consumes_one_attempt(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    email = "admin@open-metadata.org"
    for _ in range(3):
        run_cli("scan", "--om-url", lab.url, "--active", "--format", "json", cwd=tmp_path,
                env={"OMAUDIT_STATE_DIR": str(tmp_path / "state")})
    assert lab.login_attempts(email) == 1 and not lab.is_locked(email)


def test_without_active_the_lab_sees_only_gets_from_a_cognito_scan_too(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("seed-walkthrough")
    result = run_cli("scan", *scan_args(lab), "--format", "json", "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 1
    assert {r.method for r in lab.requests} == {"GET"}


def test_unwritable_output_folder_is_exit_2_and_keeps_earlier_reports(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    earlier = tmp_path / "reports" / "20260101T000000Z"
    earlier.mkdir(parents=True)
    (earlier / "report.json").write_text("earlier")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("scan", "--om-url", lab.url, "--no-cognito", "--format", "json", "--output-dir",
                     str(blocker / "sub"), cwd=tmp_path)
    assert result.code == 2 and "cannot write reports" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (earlier / "report.json").read_text() == "earlier"


def test_insecure_is_reported_as_a_finding(tmp_path: Path) -> None:
    import http.server
    import ssl
    import subprocess
    import threading

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)

    class Version(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"version": "2.0.7"}' if self.path == "/api/v1/system/version" else b'{"code":404}'
            self.send_response(200 if self.path == "/api/v1/system/version" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Version)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{httpd.server_address[1]}"
    try:
        refused = run_cli("scan", "--om-url", url, cwd=tmp_path)
        insecure = run_cli("scan", "--om-url", url, "--insecure", "--rules", "OMA115", "--format", "json",
                           cwd=tmp_path)
        pinned = run_cli("scan", "--om-url", url, "--ca-bundle", str(cert), "--rules", "OMA115", "--format", "json",
                         cwd=tmp_path)
    finally:
        httpd.shutdown()
    assert refused.code == 2 and "certificate verify failed" in refused.stderr
    assert insecure.code == 0, insecure.stderr
    assert insecure.json()["findings"][0]["status"] == "FAIL"
    assert pinned.code == 0, pinned.stderr
    assert pinned.json()["findings"][0]["status"] == "PASS"
