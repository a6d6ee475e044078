"""End to end over real sockets: the CLI against each lab scenario, exact findings and exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.lab.server import LabServer
from tests.conftest import failing, run_cli, statuses

Lab = Callable[[str], LabServer]

SKIP, PASS, FAIL = "SKIPPED", "PASS", "FAIL"
BOTS_UNLIMITED = [FAIL] * 10

# The complete expected outcome per scenario for `scan --active` with the lab's admin token.
EXPECTED_ACTIVE_WITH_TOKEN: dict[str, dict[str, list[str]]] = {
    "insecure-defaults": {
        "OMA101": [FAIL], "OMA102": [SKIP], "OMA103": [FAIL], "OMA104": [FAIL], "OMA105": [FAIL],
        "OMA106": [SKIP], "OMA107": [SKIP], "OMA108": [FAIL], "OMA109": [PASS], "OMA110": [SKIP],
        "OMA111": [PASS], "OMA112": [PASS], "OMA113": BOTS_UNLIMITED, "OMA114": [SKIP]},
    "sso-leftovers": {
        "OMA101": [PASS], "OMA102": [FAIL], "OMA103": [PASS], "OMA104": [FAIL], "OMA105": [FAIL],
        "OMA106": [FAIL], "OMA107": [FAIL], "OMA108": [FAIL], "OMA109": [PASS], "OMA110": [SKIP],
        "OMA111": [PASS], "OMA112": [PASS], "OMA113": BOTS_UNLIMITED, "OMA114": [SKIP]},
    "legacy-1.2": {
        "OMA101": [PASS], "OMA102": [SKIP], "OMA103": [FAIL], "OMA104": [PASS], "OMA105": [PASS],
        "OMA106": [SKIP], "OMA107": [SKIP], "OMA108": [PASS], "OMA109": [FAIL], "OMA110": [SKIP],
        "OMA111": [FAIL], "OMA112": [PASS], "OMA113": [FAIL], "OMA114": [FAIL]},
    "hardened": {
        "OMA101": [PASS], "OMA102": [PASS], "OMA103": [PASS], "OMA104": [PASS], "OMA105": [PASS],
        "OMA106": [PASS], "OMA107": [PASS], "OMA108": [PASS], "OMA109": [PASS], "OMA110": [SKIP],
        "OMA111": [PASS], "OMA112": [PASS], "OMA113": [PASS] * 10, "OMA114": [PASS]},
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED_ACTIVE_WITH_TOKEN))
def test_scenario_findings_are_exact(scenario: str, lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory(scenario)
    result = run_cli("scan", "--om-url", lab.url, "--active", "--format", "json", "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    report = result.json()
    assert statuses(report) == EXPECTED_ACTIVE_WITH_TOKEN[scenario]
    assert result.code == (0 if scenario == "hardened" else 1)
    assert (tmp_path / "report.json").read_text() == result.stdout
    assert report["summary"]["FAIL"] == sum(v.count(FAIL) for v in EXPECTED_ACTIVE_WITH_TOKEN[scenario].values())


def test_issue_insecure_defaults_without_token(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    result = run_cli("scan", "--om-url", lab.url, "--active", "--format", "json", "--output-dir", str(tmp_path))
    assert result.code == 1
    assert failing(result.json()) == {"OMA101", "OMA103", "OMA104", "OMA105", "OMA108"}
    skipped = {f["rule_id"]: f["message"] for f in result.json()["findings"] if f["status"] == SKIP}
    assert "needs an OpenMetadata admin token" in skipped["OMA113"]


def test_issue_sso_leftovers_with_token_without_active(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("sso-leftovers")
    result = run_cli("scan", "--om-url", lab.url, "--format", "json", "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 1
    assert {"OMA102", "OMA104", "OMA106"} <= failing(result.json())
    assert statuses(result.json())["OMA101"] == [SKIP] and statuses(result.json())["OMA105"] == [SKIP]


def test_without_active_only_gets_are_sent(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    result = run_cli("scan", "--om-url", lab.url, "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 1
    methods = {r.method for r in lab.requests}
    assert methods == {"GET"}
    assert not any(r.path.startswith("/api/v1/users/login") for r in lab.requests)
    assert lab.failed_logins("admin@open-metadata.org") == 0


def test_active_makes_exactly_one_login_attempt(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")  # the admin password was changed: the probe fails and is counted
    for _ in range(2):
        result = run_cli("scan", "--om-url", lab.url, "--active", "--output-dir", str(tmp_path / "r"))
        assert result.code == 1
    logins = [r for r in lab.requests if r.method == "POST"]
    assert [r.path for r in logins] == ["/api/v1/users/login"] * 2  # one per scan
    assert lab.failed_logins("admin@open-metadata.org") == 2  # still below the lockout of 3


def test_default_output_folder_and_latest(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    result = run_cli("scan", "--om-url", lab.url, "--format", "table", "--format", "json", cwd=tmp_path)
    assert result.code == 0
    assert "Summary:" in result.stdout and "Target: " in result.stdout
    latest = tmp_path / "reports" / "latest"
    assert latest.is_symlink() and (latest / "report.json").is_file()


@pytest.mark.parametrize(("make_url", "phrase"), [
    (lambda _: "http://127.0.0.1:9", "cannot connect"),
    (lambda lab: lab.url + "/not-openmetadata", "does not look like OpenMetadata"),
])
def test_unreachable_or_not_openmetadata_is_one_line_exit_2(make_url: Callable[[LabServer], str], phrase: str,
                                                           lab_factory: Lab, tmp_path: Path) -> None:
    url = make_url(lab_factory("hardened"))
    result = run_cli("scan", "--om-url", url, "--format", "json", cwd=tmp_path)
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and phrase in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists()


def test_plain_html_server_is_not_openmetadata(tmp_path: Path) -> None:
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><head><title>Welcome</title></head><body>hi</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        result = run_cli("scan", "--om-url", f"http://127.0.0.1:{httpd.server_address[1]}", cwd=tmp_path)
    finally:
        httpd.shutdown()
    assert result.code == 2
    assert "HTML page" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("args", "phrase"), [
    (["scan", "--om-url", "ftp://x"], "must start with http"),
    (["scan"], "--om-url is required"),
    (["scan", "--om-url", "http://x", "--fail-on", "severe"], "unknown severity"),
    (["scan", "--om-url", "http://x", "--format", "pdf"], "unknown --format"),
    (["scan", "--om-url", "http://x", "--rules", "OMA999"], "unknown rule id"),
    (["scan", "--bogus"], "No such option"),
    (["rules", "show", "OMA000"], "unknown rule id"),
    (["audit", "/nonexistent/snap.json"], "cannot read snapshot"),
])
def test_bad_input_is_one_line_exit_2(args: list[str], phrase: str, tmp_path: Path) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert phrase in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_collect_then_audit_offline_gives_the_same_findings(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("sso-leftovers")
    token = lab.admin_token
    snap_file = tmp_path / "snap.json"
    collected = run_cli("collect", "--om-url", lab.url, "--snapshot", str(snap_file),
                        env={"OMAUDIT_OM_TOKEN": token})
    assert collected.code == 0
    assert token not in snap_file.read_text()
    lab.stop()  # offline: the server is gone
    audited = run_cli("audit", str(snap_file), "--format", "json", "--output-dir", str(tmp_path / "out"))
    assert audited.code == 1
    assert {"OMA102", "OMA104", "OMA106"} <= failing(audited.json())


def test_fail_on_threshold_and_rule_selection(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")
    only_low = run_cli("scan", "--om-url", lab.url, "--rules", "OMA114", "--format", "json",
                       "--output-dir", str(tmp_path / "a"))
    assert only_low.code == 0 and failing(only_low.json()) == {"OMA114"}
    strict = run_cli("scan", "--om-url", lab.url, "--rules", "OMA114", "--fail-on", "low", "--format", "json",
                     "--output-dir", str(tmp_path / "b"))
    assert strict.code == 1
    skipped = run_cli("scan", "--om-url", lab.url, "--skip-rules", "OMA109,OMA111,OMA103,OMA113,OMA114",
                      "--format", "json", "--output-dir", str(tmp_path / "c"))
    assert skipped.code == 0 and failing(skipped.json()) == set()


def test_rules_list_and_show() -> None:
    listed = run_cli("rules", "list")
    assert listed.code == 0 and "OMA104" in listed.stdout and "default-jwt-signing-key" in listed.stdout
    shown = run_cli("rules", "show", "oma104")
    assert shown.code == 0 and "## Fix" in shown.stdout and "openssl genrsa" in shown.stdout


def test_version_and_module_entry_point() -> None:
    result = run_cli("--version")
    assert result.code == 0 and result.stdout.startswith("omaudit ")
