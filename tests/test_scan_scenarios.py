"""End to end over real sockets: the CLI against each lab scenario, exact findings and exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.lab.server import LabServer
from tests.conftest import failing, run_cli, run_cli_in_process, scan_args, statuses

Lab = Callable[[str], LabServer]

SKIP, PASS, FAIL = "SKIPPED", "PASS", "FAIL"
OM_RULES = [f"OMA1{n:02d}" for n in range(1, 19)]
COGNITO_RULES = [f"OMA2{n:02d}" for n in range(1, 19)] + [f"OMA3{n:02d}" for n in range(1, 11)] + [
    f"OMA4{n:02d}" for n in range(1, 7)]
NO_POOL = {rule: SKIP for rule in COGNITO_RULES}  # provider basic: no Cognito pool to audit


# What only configuration files say: SKIPPED on every live scan.
FILE_RULES = [f"OMA50{n}" for n in range(1, 7)]


def expected(fails: set[str], skips: set[str], extra: dict[str, str] | None = None,
             bots: int = 10) -> dict[str, list[str]]:
    """Every rule once (OMA113 once per bot): FAIL, SKIPPED, or else PASS."""
    out: dict[str, list[str]] = {}
    skips = skips | ({"OMA116"} - fails)  # a public client: the browser runs the flow, PKCE is not OpenMetadata's
    skips = skips | {"OMA406"}  # no files given to compare with (tests/test_drift.py gives them)
    for rule in OM_RULES + COGNITO_RULES + FILE_RULES:
        status = (extra or {}).get(rule) or (FAIL if rule in fails else SKIP if rule in skips | set(FILE_RULES)
                                             else PASS)
        out[rule] = [status] * (bots if rule == "OMA113" else 1)
    return out


# The complete expected outcome per scenario for `scan --active` with the lab's admin token.
EXPECTED_ACTIVE_WITH_TOKEN: dict[str, dict[str, list[str]]] = {
    "insecure-defaults": expected({"OMA101", "OMA103", "OMA104", "OMA105", "OMA108", "OMA113"},
                                  {"OMA102", "OMA106", "OMA107", "OMA110", "OMA114", "OMA115", "OMA117"}, NO_POOL),
    # Google's keys left in publicKeyUrls (OMA118): any Google account named <admin>@... is that admin (OMA117).
    "sso-leftovers": expected({"OMA102", "OMA104", "OMA105", "OMA106", "OMA107", "OMA108", "OMA113", "OMA117",
                               "OMA118", "OMA403", "OMA404"}, {"OMA110", "OMA114", "OMA115", "OMA213"}),
    # Open sign-up and a client that reads preferred_username: a stranger names themselves alice (OMA117).
    "seed-walkthrough": expected({"OMA102", "OMA104", "OMA105", "OMA106", "OMA107", "OMA108", "OMA113", "OMA117",
                                  "OMA201", "OMA202", "OMA203", "OMA204", "OMA205", "OMA206", "OMA207",
                                  "OMA215", "OMA217", "OMA301", "OMA302", "OMA303", "OMA305", "OMA306", "OMA310"},
                                 {"OMA110", "OMA114", "OMA115", "OMA212", "OMA213"}),
    "legacy-1.2": expected({"OMA103", "OMA109", "OMA111", "OMA113", "OMA114"},
                           {"OMA102", "OMA106", "OMA107", "OMA110", "OMA115", "OMA117"}, NO_POOL, bots=1),
    "hardened": expected(set(), {"OMA110", "OMA115", "OMA213"}),
    "confidential-helm": expected({"OMA107", "OMA116", "OMA403", "OMA404"}, {"OMA110", "OMA115", "OMA213"}),
    # The admin kept its first-start address and the shipped password (research point 7).
    "renamed-domain": expected({"OMA101", "OMA103"}, {"OMA102", "OMA106", "OMA107", "OMA110", "OMA115", "OMA117"},
                               NO_POOL),
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED_ACTIVE_WITH_TOKEN))
def test_scenario_findings_are_exact(scenario: str, lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory(scenario)
    result = run_cli("scan", *scan_args(lab), "--active", "--format", "json", "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    report = result.json()
    assert statuses(report) == EXPECTED_ACTIVE_WITH_TOKEN[scenario]
    # confidential-helm fails only medium rules: below the default --fail-on high
    assert result.code == (0 if scenario in ("hardened", "confidential-helm") else 1)
    assert result.stdout.startswith("Summary: ") and result.stdout.count("\n") == 1  # the report is in the
    # folder named; a pipe gets only the counts (issue 24)
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
    result = run_cli("scan", *scan_args(lab), "--format", "json", "--output-dir", str(tmp_path),
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
    result = run_cli("scan", *scan_args(lab), "--format", "table", "--format", "json", cwd=tmp_path)
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
    (["scan"], "give --om-url, --cognito-pool-id, or both"),
    (["scan", "--cognito-pool-id", "nounderscore"], "is not a user pool ID"),
    (["scan", "--om-url", "http://x", "--aws-endpoint-url", "not a url"], "--aws-endpoint-url"),
    (["scan", "--om-url", "http://x", "--fail-on", "severe"], "unknown severity"),
    (["scan", "--om-url", "http://x", "--format", "pdf"], "unknown --format"),
    (["scan", "--om-url", "http://x", "--rules", "OMA999"], "no rule matches 'OMA999'"),
    (["scan", "--bogus"], "No such option"),
    (["rules", "show", "OMA000"], "unknown rule id"),
    (["audit", "/nonexistent/snap.json"], "cannot read snapshot"),
])
def test_bad_input_is_one_line_exit_2(args: list[str], phrase: str, tmp_path: Path) -> None:
    result = run_cli_in_process(*args, cwd=tmp_path)  # validated before anything is sent: no process needed
    assert result.code == 2, result.stderr
    assert phrase in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_collect_then_audit_offline_gives_the_same_findings(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("sso-leftovers")
    token = lab.admin_token
    snap_file = tmp_path / "snap.json"
    collected = run_cli("collect", *scan_args(lab), "--snapshot", str(snap_file),
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
