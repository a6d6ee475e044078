"""Inline suppressions (issue 24, point 6): `# omaudit:ignore OMA203 reason="..." expires=YYYY-MM-DD` on
the line a finding points at, or alone on the line above; a reason and an expiry are required; each one
used, expired or malformed is named in every report; --no-suppressions turns them off."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import DATA, run_cli_in_process

SLIPS = DATA / "files" / "cloudformation" / "template-slips.yaml"


def _scan(tmp_path: Path, template: str, *extra: str) -> tuple[int, dict[str, Any]]:
    (tmp_path / "t.yaml").write_text(template)
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--cloudformation", "t.yaml", "-f", "json", "-o", str(out), *extra,
                                cwd=tmp_path)
    return result.code, json.loads((out / "report.json").read_text())


def _status(report: dict[str, Any], rule: str) -> tuple[str, Any]:
    [finding] = [f for f in report["findings"] if f["rule_id"] == rule]
    return finding["status"], finding.get("suppression")


def test_a_trailing_comment_mutes_its_rule_with_its_reason(tmp_path: Path) -> None:
    text = SLIPS.read_text().replace(
        "      MfaConfiguration: OFF",
        '      MfaConfiguration: OFF  # omaudit:ignore OMA203,OMA212 reason="dev pool, no users" expires=2099-01-31')
    _, report = _scan(tmp_path, text)
    assert _status(report, "OMA203") == ("MUTED", {"reason": "dev pool, no users", "until": "2099-01-31",
                                                   "expired": False})
    assert "inline suppression at t.yaml:12 mutes OMA203 until 2099-01-31: dev pool, no users" in report["notes"]
    assert _status(report, "OMA205")[0] == "FAIL"  # only the rules it names


def test_a_comment_alone_on_the_line_above_counts_and_an_expired_one_mutes_nothing(tmp_path: Path) -> None:
    text = SLIPS.read_text().replace(
        "      CallbackURLs:",
        '      # omaudit:ignore OMA301 reason="local dev only" expires=2020-01-31\n      CallbackURLs:')
    code, report = _scan(tmp_path, text)
    assert code == 1
    assert _status(report, "OMA301") == ("FAIL", {"reason": "local dev only", "until": "2020-01-31", "expired": True})
    assert "inline suppression at t.yaml:24 for OMA301 expired on 2020-01-31: it mutes nothing" in report["notes"]


def test_without_a_reason_or_an_expiry_it_mutes_nothing_and_says_so(tmp_path: Path) -> None:
    text = SLIPS.read_text().replace("      MfaConfiguration: OFF",
                                     "      MfaConfiguration: OFF  # omaudit:ignore OMA203")
    _, report = _scan(tmp_path, text)
    assert _status(report, "OMA203")[0] == "FAIL"
    assert ('inline suppression at t.yaml:12 mutes nothing: it needs a rule ID, reason="..." and '
            "expires=YYYY-MM-DD") in report["notes"]


def test_no_suppressions_turns_inline_ones_off(tmp_path: Path) -> None:
    text = SLIPS.read_text().replace(
        "      MfaConfiguration: OFF",
        '      MfaConfiguration: OFF  # omaudit:ignore OMA203 reason="dev pool" expires=2099-01-31')
    _, report = _scan(tmp_path, text, "--no-suppressions")
    assert _status(report, "OMA203")[0] == "FAIL"
    assert not any("inline suppression" in n for n in report.get("notes", []))


def test_an_hcl_comment_mutes_a_terraform_finding(tmp_path: Path) -> None:
    tree = tmp_path / "tf"
    shutil.copytree(DATA / "real" / "terraform" / "openmetadata-sso-aws", tree)
    text = (tree / "user_pool.tf").read_text().replace(
        "  callback_urls = var.client_callback_urls",
        '  // omaudit:ignore OMA301 reason="the dev stack" expires=2099-12-31\n'
        "  callback_urls = var.client_callback_urls")
    (tree / "user_pool.tf").write_text(text)
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "json", "-o", str(out), cwd=tmp_path)
    report = json.loads((out / "report.json").read_text())
    assert result.code == 1  # the pool's own FAILs stay
    assert _status(report, "OMA301")[0] == "MUTED"


def test_findings_sharing_a_line_each_get_that_lines_mark(tmp_path: Path) -> None:
    """A template written as one line of JSON puts every finding on line 1; the line is now searched once
    for all of them (3,010 searches of 1 MB before), and each finding is still judged by its own rule."""
    import datetime as dt

    from auditor.report.inline import apply_inline
    from auditor.report.model import Finding, Location, Severity, Status

    (tmp_path / "t.json").write_text('{"Resources": {}} // omaudit:ignore OMA203 reason="dev" expires=2099-01-01\n')
    findings = [Finding(rule, rule, Status.FAIL, Severity.HIGH, "files", f"cognito:user-pool/p{i}", "m", {}, "fix",
                        location=Location("t.json", 1)) for i, rule in enumerate(["OMA203", "OMA205", "OMA203"])]
    out, notes = apply_inline(findings, tmp_path, dt.date(2026, 12, 4))
    assert [(f.rule_id, f.status) for f in out] == [("OMA203", Status.MUTED), ("OMA205", Status.FAIL),
                                                    ("OMA203", Status.MUTED)]
    assert notes == ["inline suppression at t.json:1 mutes OMA203 until 2099-01-01: dev"]
