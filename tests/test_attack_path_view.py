"""The attack-path view (issue 23): findings in, the exact paths out, and each format showing each
path once with its steps' findings. Paths are derived from findings, so a merged or reloaded report
shows the same ones, and they never change the exit code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditor.render.html import render as html
from auditor.render.json_report import render as as_json
from auditor.render.markdown import render as markdown
from auditor.render.sarif import to_sarif
from auditor.render.table import render as table
from auditor.report.model import Finding, Location, Report, Severity, Status, SuppressionMark, TargetInfo
from auditor.report.paths import attack_paths

POOL = "cognito:user-pool/us-east-1_Walk01"
OM = "https://om.example.com/api/v1/system/config/auth"
SIGN_UP = "the pool lets anyone sign up (AllowAdminCreateUserOnly is not true)"


def finding(rule_id: str, resource: str, status: Status = Status.FAIL, severity: Severity = Severity.HIGH,
            target: str = "prod", location: Location | None = None, **evidence: Any) -> Finding:
    return Finding(rule_id=rule_id, name=f"rule-{rule_id.lower()}", status=status, severity=severity, target=target,
                   resource=resource, message=f"{rule_id} failed", evidence=evidence, remediation="fix it",
                   location=location,
                   suppression=SuppressionMark("accepted", "2027-01-01") if status is Status.MUTED else None)


def collision(**evidence: Any) -> Finding:
    base = {"name_claim": "preferred_username", "admins": ["alice"], "strangers": [SIGN_UP], "members": [],
            "way": "any-domain"}
    return finding("OMA117", OM, severity=Severity.CRITICAL, **{**base, **evidence})


def report(*findings: Finding) -> Report:
    return Report(tool_version="0", started_at="2026-12-03T00:00:00Z", finished_at="2026-12-03T00:00:01Z",
                  targets=(TargetInfo(name="prod", om_url="https://om.example.com"),), findings=findings)


def test_a_stranger_signing_up_as_the_admin_is_one_path_naming_each_step() -> None:
    [path] = attack_paths([finding("OMA205", POOL), collision(), finding("OMA304", POOL + "/client/x")])
    assert (path.id, path.name, path.severity, path.target) == (
        "OMA-P1", "stranger-signs-up-as-admin", Severity.CRITICAL, "prod")
    assert path.story == ("A stranger signs up in user pool us-east-1_Walk01 with preferred_username `alice`, gets a "
                          "token from the pool, and acts as OpenMetadata's administrator `alice`.")
    assert [(s.rule_id, s.resource) for s in path.steps] == [("OMA205", POOL), ("OMA117", OM)]


def test_an_optional_step_joins_when_it_failed() -> None:
    [path] = attack_paths([finding("OMA205", POOL), finding("OMA405", OM), collision(name_claim="email")])
    assert [s.rule_id for s in path.steps] == ["OMA205", "OMA405", "OMA117"]
    assert "with email `alice@attacker.example`" in path.story


@pytest.mark.parametrize(("findings", "kinds"), [
    # Sign-up closed (no OMA205): the collision alone is not a path of several findings.
    ([collision()], []),
    # The collision's strangers come from Google's keys, not from sign-up.
    ([finding("OMA205", POOL), finding("OMA118", OM),
      collision(strangers=["publicKeyUrls trusts Google's keys, so any Google account's token (OMA118)"])],
     ["OMA-P2"]),
    ([finding("OMA305", POOL + "/client/web"),
      collision(name_claim="email", strangers=[], members=["client web lets users change their email"])],
     ["OMA-P3"]),
    ([finding("OMA104", "https://om.example.com/api/v1/system/config/jwks"),
      finding("OMA102", "https://om.example.com/api/v1/users/name/admin")], ["OMA-P4"]),
    ([finding("OMA104", "https://om.example.com/api/v1/system/config/jwks")], []),  # no admin, no accepted token
    ([finding("OMA502", "values.yaml", severity=Severity.CRITICAL), finding("OMA503", "values.yaml")], ["OMA-P5"]),
    ([finding("OMA502", "values.yaml", severity=Severity.HIGH), finding("OMA503", "values.yaml")], []),  # keyId only
    # Two targets never combine.
    ([finding("OMA205", POOL, target="dev"), collision()], []),
])
def test_which_findings_make_which_paths(findings: list[Finding], kinds: list[str]) -> None:
    assert [p.id for p in attack_paths(findings)] == kinds


def test_a_muted_impact_hides_the_path_and_a_muted_step_is_shown_muted() -> None:
    assert attack_paths([finding("OMA205", POOL), collision(status=Status.MUTED)]) == ()
    muted_impact = finding("OMA117", OM, Status.MUTED, name_claim="sub", strangers=[SIGN_UP], admins=["alice"])
    assert attack_paths([finding("OMA205", POOL), muted_impact]) == ()
    [path] = attack_paths([finding("OMA205", POOL, Status.MUTED), collision()])
    assert path.steps[0].status is Status.MUTED


def test_every_format_shows_the_path_once_with_its_steps() -> None:
    where = Location("deploy/pool.yaml", 7)
    shown = report(finding("OMA205", POOL, location=where), collision(), finding("OMA203", POOL))
    text = " ".join(table(shown).split())  # as read, unwrapped
    assert text.count("OMA-P1 stranger-signs-up-as-admin [prod]") == 1
    assert f"1. OMA205 {POOL} (deploy/pool.yaml:7): anyone signs up in the user pool" in text
    md = markdown(shown)
    assert md.count("## Attack paths") == 1 and "**critical OMA-P1 stranger-signs-up-as-admin**" in md
    page = html(shown)
    assert page.count('data-path="OMA-P1"') == 1 and 'href="#rule-OMA205"' in page
    data = json.loads(as_json(shown))
    assert [(p["id"], [s["rule_id"] for s in p["steps"]]) for p in data["attack_paths"]] == [
        ("OMA-P1", ["OMA205", "OMA117"])]
    sarif = to_sarif(shown)["runs"][0]
    [result] = [r for r in sarif["results"] if r["ruleId"] == "OMA-P1"]
    assert sarif["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "OMA-P1"
    assert result["level"] == "error" and result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == OM
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[0]["physicalLocation"] == {"artifactLocation": {"uri": "deploy/pool.yaml", "uriBaseId": "%SRCROOT%"},
                                              "region": {"startLine": 7}}
    assert related[1]["message"]["text"].startswith("step 2: OMA117 (prod)")


def test_a_path_adds_no_verdict() -> None:
    without = report(finding("OMA205", POOL), collision(strangers=[]))
    with_path = report(finding("OMA205", POOL), collision())
    assert attack_paths(with_path.findings) and not attack_paths(without.findings)
    assert with_path.summary() == without.summary()
    assert with_path.exit_code(Severity.HIGH) == without.exit_code(Severity.HIGH) == 1


def test_a_report_without_paths_has_no_section() -> None:
    plain = report(finding("OMA203", POOL))
    assert "Attack paths" not in table(plain) and "Attack paths" not in markdown(plain)
    assert "attack_paths" not in json.loads(as_json(plain)) and 'id="attack-paths"' not in html(plain)


# Found by a review (stop 30): an enforced principal domain changes which paths exist and their story.
def test_an_enforced_domain_tells_the_paths_that_still_work_and_no_other() -> None:
    google = "publicKeyUrls trusts Google's keys, so any Google account's token (OMA118)"
    unverified = collision(name_claim="email", way="unverified-email", strangers=[SIGN_UP, google],
                           members=["client web lets users change their email"])
    paths = attack_paths([finding("OMA205", POOL), finding("OMA118", OM), finding("OMA305", POOL + "/client/web"),
                          unverified])
    assert [p.id for p in paths] == ["OMA-P3"]  # the domain refuses Google's and the stranger's addresses
    assert paths[0].story == ("A member of the pool sets their email to `alice@<principalDomain>` without verifying "
                              "it, signs in again, and acts as OpenMetadata's administrator `alice`.")
    [sign_up] = attack_paths([finding("OMA205", POOL), collision(name_claim="cognito:username", way="sign-up-name")])
    assert sign_up.story == ("A stranger signs up in user pool us-east-1_Walk01 with the user name "
                             "`alice@<principalDomain>`, gets a token from the pool, and acts as OpenMetadata's "
                             "administrator `alice`.")


def test_no_administrator_is_made_up_when_the_scan_knows_none() -> None:
    [path] = attack_paths([finding("OMA205", POOL), collision(admins=[])])
    assert "`<an administrator's name>`" in path.story and "`admin`" not in path.story
