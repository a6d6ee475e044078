"""The engine's promises: ERROR on failed input or a raising rule, SKIPPED with reason, exit codes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pytest

from auditor.common.errors import InputError
from auditor.engine.catalogue import Params, Rule, load_rules
from auditor.engine.evaluate import evaluate
from auditor.facts.snapshot import Problem, Snapshot
from auditor.report.model import Finding, Outcome, Report, RuleMeta, Severity, Status
from tests.helpers import snap, write_rule

META = RuleMeta(id="OMA199", name="always-raises", severity=Severity.LOW, needs=("om.endpoint",))


def _raises(s: Snapshot, p: Params) -> Iterable[Outcome]:
    raise RuntimeError("boom")


def _finding(status: Status, severity: Severity) -> Finding:
    return Finding("OMA100", "x", status, severity, "t", "r", "m", {}, "fix")


def test_a_raising_rule_is_error_and_the_others_still_run() -> None:
    from auditor.facts.snapshot import Endpoint

    broken = Rule(meta=META, check=_raises, doc="OMA199: x\n## Why this matters\n## Fix\n", path=Path("x.py"))
    good = next(r for r in load_rules() if r.meta.id == "OMA110")
    findings = evaluate([snap(endpoint=Endpoint("https://a", "https", "a"))], [broken, good])
    by_rule = {f.rule_id: f for f in findings}
    assert by_rule["OMA199"].status is Status.ERROR
    assert "RuntimeError: boom" in by_rule["OMA199"].message
    assert by_rule["OMA110"].status is Status.PASS


def test_error_wins_over_skipped_when_inputs_disagree() -> None:
    rule = next(r for r in load_rules() if r.meta.id == "OMA102")
    problems = {"om.admin_user": Problem("skipped", "no token"), "om.auth_config": Problem("error", "HTTP 500")}
    [finding] = evaluate([snap(problems=problems)], [rule])
    assert finding.status is Status.ERROR
    assert "HTTP 500" in finding.message


def test_absent_input_without_a_recorded_problem_is_error() -> None:
    rule = next(r for r in load_rules() if r.meta.id == "OMA104")
    [finding] = evaluate([snap()], [rule])
    assert finding.status is Status.ERROR


@pytest.mark.parametrize(("findings", "fail_on", "code"), [
    ([_finding(Status.PASS, Severity.CRITICAL)], Severity.HIGH, 0),
    ([_finding(Status.FAIL, Severity.MEDIUM)], Severity.HIGH, 0),
    ([_finding(Status.FAIL, Severity.MEDIUM)], Severity.MEDIUM, 1),
    ([_finding(Status.FAIL, Severity.HIGH), _finding(Status.ERROR, Severity.LOW)], Severity.HIGH, 1),
    ([_finding(Status.ERROR, Severity.LOW)], Severity.HIGH, 3),
    ([_finding(Status.FAIL, Severity.LOW), _finding(Status.ERROR, Severity.LOW)], Severity.HIGH, 3),
    ([_finding(Status.MUTED, Severity.CRITICAL), _finding(Status.SKIPPED, Severity.HIGH)], Severity.INFO, 0),
])
def test_exit_code_contract(findings: list[Finding], fail_on: Severity, code: int) -> None:
    report = Report("0", "s", "f", (), tuple(findings))
    assert report.exit_code(fail_on) == code


def test_catalogue_is_valid_and_ids_are_unique() -> None:
    rules = load_rules()
    ids = [r.meta.id for r in rules]
    assert len(ids) == len(set(ids))
    assert {f"OMA1{n:02d}" for n in range(1, 16)} <= set(ids)
    for r in rules:
        assert r.path.name.startswith(r.meta.id + "_")
        assert r.remediation, r.meta.id
        assert r.section("Why this matters"), r.meta.id
        assert isinstance(r.meta.severity, Severity)


def test_user_rules_dir_loads_and_duplicates_are_refused(tmp_path: Path) -> None:
    write_rule(tmp_path, "OMA190", "custom-check", "om.endpoint")
    assert "OMA190" in {r.meta.id for r in load_rules([tmp_path])}
    (tmp_path / "OMA104_copy.py").write_text((tmp_path / "OMA190_custom_check.py").read_text()
                                             .replace("OMA190", "OMA104"))
    with pytest.raises(InputError, match="defined twice"):
        load_rules([tmp_path])


def test_a_rule_without_fix_docs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "OMA191_bad.py").write_text(
        '"""OMA191: no fix section.\n\n## Why this matters\nx\n"""\n'
        "from auditor.engine.rulekit import RuleMeta, Severity\n"
        'META = RuleMeta(id="OMA191", name="bad", severity=Severity.LOW, needs=("om.endpoint",))\n'
        "def check(snap, params):\n    return []\n")
    with pytest.raises(InputError, match="Fix"):
        load_rules([tmp_path])


def test_one_cause_of_error_is_said_once_naming_the_inputs_it_hit() -> None:
    """Issue 24, point 7: "no AWS credentials found" was repeated once per input a rule needs."""
    from auditor.engine.catalogue import load_rules
    from auditor.engine.evaluate import evaluate
    from auditor.facts.snapshot import Problem, Snapshot
    from auditor.report.model import TargetInfo

    reason = "no AWS credentials found (environment, --aws-profile, shared config or instance role)"
    snap = Snapshot(target=TargetInfo(name="t", cognito_pool_id="us-east-1_abc"), collected_at="now",
                    problems={k: Problem("error", reason) for k in ("cognito.mfa", "cognito.clients",
                                                                     "cognito.identity_providers")})
    [rule] = [r for r in load_rules() if r.meta.id == "OMA203"]
    [finding] = evaluate([snap], [rule])
    assert finding.message == ("could not verify: cognito.mfa, cognito.clients, cognito.identity_providers: "
                               + reason)


def test_resource_names_keep_an_empty_pool_id_apart_from_an_unknown_one() -> None:
    """Review of issue 20: names are built in one place; a pool whose id is empty (a hostile endpoint's
    answer, a template's empty logical id) must not take the name of a pool the scan has no id for, or a
    suppression of one would mute the other."""
    from auditor.facts.resources import client_name, pool_name

    assert pool_name(None) == "cognito:user-pool/?"
    assert pool_name("") == "cognito:user-pool/"
    assert pool_name("eu-west-1_abc") == "cognito:user-pool/eu-west-1_abc"
    assert client_name(None, "c1") == "cognito:user-pool/?/client/c1"


def test_findings_evaluated_as_targets_arrive_give_the_same_report() -> None:
    """A fleet evaluates each snapshot as it arrives (auditor.cli.run): the report must be the one
    evaluating them all at the end gives, whichever were evaluated early and in whatever order."""
    from auditor.engine.evaluate import evaluate_snapshot
    from auditor.facts.snapshot import load_snapshots
    from auditor.scan.service import audit

    data = Path(__file__).parent / "data" / "snapshots"
    snapshots = [s for name in ("insecure-defaults", "seed-walkthrough", "hardened", "legacy-1.2")
                 for s in load_snapshots((data / f"{name}.json").read_text())]
    rules = load_rules()
    whole = audit(snapshots, rules, "2026-01-01T00:00:00Z")
    early: list[list[Finding] | None] = [None] * len(snapshots)
    for i in (3, 0):  # the last target arrived first; the two between are left to audit
        early[i] = evaluate_snapshot(snapshots[i], rules)
    streamed = audit(snapshots, rules, "2026-01-01T00:00:00Z", evaluated=early)
    assert len(snapshots) == 4
    assert len(whole.findings) > 100
    assert streamed.findings == whole.findings

    # What was evaluated early is what the report holds: not evaluated again.
    given = early[0]
    assert given is not None
    marker = dataclasses.replace(given[0], message="evaluated as it arrived")
    early[0] = [marker]
    kept = audit(snapshots, rules, "2026-01-01T00:00:00Z", evaluated=early).findings
    first = snapshots[0].target.name
    assert [f.message for f in kept if f.target == first] == ["evaluated as it arrived"]
    assert [f for f in kept if f.target != first] == [f for f in whole.findings if f.target != first]
