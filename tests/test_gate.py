"""The CI gate: suppressions with expiry, baselines, atomic output, generated rule docs."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.common.errors import InputError
from auditor.common.redact import Redactor
from auditor.engine.catalogue import load_rules
from auditor.engine.docs import rules_markdown
from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer
from auditor.render import renderers
from auditor.render.output import write_reports
from auditor.report.model import Report, Status
from auditor.report.suppress import apply_suppressions, parse_suppressions
from tests.conftest import DATA, ROOT, run_cli, run_cli_in_process
from tests.test_golden import recorded_report

Lab = Callable[[str], LabServer]
FUTURE, PAST = "2099-12-31", "2020-01-01"


def _suppression(path: Path, rule: str, expires: str, resource: str = "*") -> Path:
    path.write_text(f'[[suppression]]\nrule = "{rule}"\nresource = "{resource}"\n'
                    f'reason = "accepted risk, ticket SEC-42"\nexpires = {expires}\n')
    return path


def test_future_suppression_mutes_the_only_failure_and_changes_the_exit_code(lab_factory: Lab,
                                                                             tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")
    base = ["scan", "--om-url", lab.url, "--rules", "OMA109", "--format", "json"]
    failing = run_cli(*base, "--output-dir", str(tmp_path / "a"))
    assert failing.code == 1
    sup = _suppression(tmp_path / "s.toml", "OMA109", FUTURE)
    muted = run_cli(*base, "--suppressions", str(sup), "--output-dir", str(tmp_path / "b"))
    assert muted.code == 0
    [finding] = muted.json()["findings"]
    assert finding["status"] == "MUTED"
    assert finding["suppression"] == {"reason": "accepted risk, ticket SEC-42", "until": FUTURE, "expired": False}
    assert muted.json()["summary"]["MUTED"] == 1
    audited = run_cli(*base, "--suppressions", str(sup), "--no-suppressions", "--output-dir", str(tmp_path / "c"))
    assert audited.code == 2  # the two options exclude each other
    plain = run_cli(*base, "--no-suppressions", "--output-dir", str(tmp_path / "d"), cwd=tmp_path)
    assert plain.code == 1


def test_expired_suppression_does_not_mute_and_is_reported(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")
    sup = _suppression(tmp_path / "s.toml", "OMA109", PAST)
    result = run_cli("scan", "--om-url", lab.url, "--rules", "OMA109", "--format", "json", "--suppressions", str(sup),
                     "--output-dir", str(tmp_path / "out"))
    assert result.code == 1
    [finding] = result.json()["findings"]
    assert finding["status"] == "FAIL" and finding["suppression"]["expired"] is True
    assert result.json()["expired_suppressions"][0]["line"] == 1
    assert "expired on 2020-01-01" in result.stderr


def test_default_suppressions_file_is_picked_up(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")
    _suppression(tmp_path / "omaudit-suppressions.toml", "OMA109", FUTURE)
    result = run_cli("scan", "--om-url", lab.url, "--rules", "OMA109", "--format", "json", cwd=tmp_path)
    assert result.code == 0 and result.json()["summary"]["MUTED"] == 1


@pytest.mark.parametrize(("text", "phrase"), [
    ('[[suppression]]\nrule = "OMA109"\nexpires = 2099-01-01\n', "line 1: 'reason' is required"),
    ('[[suppression]]\nrule = "OMA109"\nreason = "x"\nexpires = 2099-01-01\n\n[[suppression]]\nrule = "OMA1"\n'
     'reason = "y"\nexpires = 2099-01-01\n', "line 6: 'rule' must be a rule ID"),
    ('[[suppression]]\nrule = "OMA109"\nreason = "x"\nexpires = "someday"\n', "'expires' must be a date"),
    ('[[suppression]]\nrule = "OMA109"\nreason = "x"\n', "'expires' is required"),
    ('[[suppression]]\nrule = "OMA109"\nreason = "x"\nexpires = 2099-01-01\nowner = "me"\n', "unknown key(s) owner"),
    ('[[suppression]\nrule = "OMA109"\n', "line 1"),
])
def test_malformed_suppressions_name_the_line(text: str, phrase: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        parse_suppressions(text, "s.toml")
    path = tmp_path / "s.toml"
    path.write_text(text)
    result = run_cli_in_process("scan", "--om-url", "http://127.0.0.1:9", "--suppressions", str(path), cwd=tmp_path)
    assert result.code == 2 and "s.toml" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_suppression_globs_match_target_and_resource() -> None:
    report = recorded_report("seed-walkthrough")
    entries = parse_suppressions('[[suppression]]\nrule = "OMA113"\ntarget = "lab-*"\nresource = "bot:ingestion-*"\n'
                                 'reason = "rotated by the platform team"\nexpires = 2099-01-01\n', "s.toml")
    findings, expired = apply_suppressions(report.findings, entries, dt.date(2026, 11, 26))
    muted = [f.resource for f in findings if f.status is Status.MUTED]
    assert muted == ["bot:ingestion-bot"] and expired == []


def test_a_suppression_may_name_a_family_of_rules_and_a_quoted_date() -> None:
    """Issue 24, point 5: `rule = "OMA11?"` mutes that family; `expires = "2099-01-01"` (quoted, as YAML and
    JSON users write it) is a date. No entry may mute every rule (`*`, `OMA*`)."""
    report = recorded_report("seed-walkthrough")
    entries = parse_suppressions('[[suppression]]\nrule = "OMA11?"\nreason = "bots rotate weekly"\n'
                                 'expires = "2099-01-01"\n', "s.toml")
    findings, _ = apply_suppressions(report.findings, entries, dt.date(2026, 11, 26))
    muted = {f.rule_id for f in findings if f.status is Status.MUTED}
    failing = {f.rule_id for f in report.findings if f.status is Status.FAIL}
    assert muted == {r for r in failing if r.startswith("OMA11")} and muted
    assert entries[0].expires == dt.date(2099, 1, 1)
    for everything in ("*", "OMA*", "OMA"):
        with pytest.raises(InputError, match="'rule' must be a rule ID"):
            parse_suppressions(f'[[suppression]]\nrule = "{everything}"\nreason = "x"\nexpires = 2099-01-01\n',
                               "s.toml")


def test_comma_lists_of_formats_and_kebab_case_settings(tmp_path: Path) -> None:
    """Issue 24, point 5: `-f json,sarif` is two formats; `fail-on` in a named settings file is `fail_on`."""
    config = DATA / "files" / "om" / "openmetadata.yaml"
    out = tmp_path / "out"
    both = run_cli_in_process("scan", "--config", str(config), "-f", "json,sarif", "-o", str(out), cwd=tmp_path)
    assert both.code == 1 and sorted(p.name for p in out.glob("report.*")) == ["report.json", "report.sarif"]
    settings = tmp_path / "team.toml"
    settings.write_text('[scan]\nfail-on = "none"\n')
    soft = run_cli_in_process("--settings", str(settings), "scan", "--config", str(config), "-f", "json", "-o",
                              str(tmp_path / "soft"), cwd=tmp_path)
    assert soft.code == 0, soft.stderr
    settings.write_text('[scan]\nfail-on = "none"\nfail_on = "high"\n')
    twice = run_cli_in_process("--settings", str(settings), "scan", "--config", str(config), cwd=tmp_path)
    assert twice.code == 2 and "set twice" in twice.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_baseline_marks_existing_then_new_after_the_lab_changes(moto_endpoint: str, tmp_path: Path) -> None:
    port = _free_port()
    first_out, second_out, third_out = tmp_path / "1", tmp_path / "2", tmp_path / "3"
    args = ["scan", "--om-url", f"http://127.0.0.1:{port}", "--format", "json"]
    with LabServer(SCENARIOS["hardened"], port=port, aws_endpoint_url=moto_endpoint) as lab:
        env = {"OMAUDIT_OM_TOKEN": lab.admin_token}
        aws = ["--aws-endpoint-url", moto_endpoint]
        first = run_cli(*args, *aws, "--output-dir", str(first_out), env=env)
        again = run_cli(*args, *aws, "--baseline", str(first_out / "report.json"), "--output-dir", str(second_out),
                        env=env)
    assert first.code == 0 and again.code == 0
    assert {f["baseline"] for f in again.json()["findings"]} == {"existing"}
    assert again.json()["resolved"] == []
    with LabServer(SCENARIOS["insecure-defaults"], port=port) as lab:
        changed = run_cli(*args, "--baseline", str(second_out / "report.json"), "--output-dir", str(third_out),
                          env={"OMAUDIT_OM_TOKEN": lab.admin_token})
        gate_new = run_cli(*args, "--baseline", str(second_out / "report.json"), "--fail-on-new",
                           "--output-dir", str(tmp_path / "4"), env={"OMAUDIT_OM_TOKEN": lab.admin_token})
        gate_same = run_cli(*args, "--baseline", str(third_out / "report.json"), "--fail-on-new",
                            "--output-dir", str(tmp_path / "5"), env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    report = changed.json()
    fails = [f for f in report["findings"] if f["status"] == "FAIL"]
    assert fails and {f["baseline"] for f in fails} == {"new"}
    assert changed.code == 1 and gate_new.code == 1
    assert gate_same.code == 0  # the same failures again: nothing new to gate on


def test_baseline_latest_compares_with_the_previous_run(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")
    first = run_cli("scan", "--om-url", lab.url, "--format", "json", "--baseline", "latest", cwd=tmp_path)
    assert "no previous report" in first.stderr
    assert {f["baseline"] for f in first.json()["findings"]} == {"new"}
    second = run_cli("scan", "--om-url", lab.url, "--format", "json", "--baseline", "latest", cwd=tmp_path)
    assert {f["baseline"] for f in second.json()["findings"]} == {"existing"}


@pytest.mark.parametrize("content", ["not json", '{"schema_version": 2, "findings": []}',
                                     '{"schema_version": 1, "findings": [{"rule_id": "OMA101"}]}'])
def test_malformed_baseline_is_exit_2(content: str, tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(content)
    result = run_cli_in_process("scan", "--om-url", "http://127.0.0.1:9", "--baseline", str(path), cwd=tmp_path)
    assert result.code == 2 and "baseline" in result.stderr and "Traceback" not in result.stderr


def test_every_format_in_one_scan(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("seed-walkthrough")
    formats = ["table", "json", "sarif", "junit", "markdown", "html", "csv"]
    args = [arg for fmt in formats for arg in ("--format", fmt)]
    result = run_cli("scan", "--om-url", lab.url, "--aws-endpoint-url", str(lab.aws_endpoint_url), *args,
                     "--output-dir", str(tmp_path), env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 1 and result.stdout.startswith("Target: ")
    written = ["report.json", "report.sarif", "report.junit.xml", "report.md", "report.html", "report.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*written, ".omaudit-files"])
    assert sorted((tmp_path / ".omaudit-files").read_text().split()) == sorted(written)


def test_crash_while_writing_leaves_no_partial_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = recorded_report("insecure-defaults")
    calls = {"n": 0}
    real_fsync = os.fsync

    def crash_on_third(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("injected crash")
        real_fsync(fd)

    monkeypatch.setattr("auditor.render.output.os.fsync", crash_on_third)
    base = tmp_path / "reports"
    with pytest.raises(KeyboardInterrupt):
        write_reports(_rendered(report), None, base)
    assert list(base.iterdir()) == []


def _rendered(report: Report) -> list[tuple[str, str]]:
    return [(r.filename, Redactor()(r.render(report))) for r in renderers().values() if r.filename]


def test_crash_in_an_existing_folder_leaves_only_whole_files(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    report = recorded_report("insecure-defaults")
    out = tmp_path / "ci-out"
    out.mkdir()
    (out / "report.json").write_text("previous run")

    def crash(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("auditor.render.output.os.fsync", crash)
    with pytest.raises(InputError, match="No space left"):
        write_reports(_rendered(report), out, tmp_path / "reports")
    assert [p.name for p in out.iterdir()] == ["report.json"]
    assert (out / "report.json").read_text() == "previous run"


def test_rules_doc_is_generated_and_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(load_rules()), (
        "docs/rules.md is stale: run `make docs`")


def test_rules_show_prints_the_docstring() -> None:
    shown = run_cli("rules", "show", "OMA301")
    assert shown.code == 0 and "## Why this matters" in shown.stdout and "aws cognito-idp" in shown.stdout


def test_a_positional_folder_is_the_same_as_dir(tmp_path: Path) -> None:
    """Issue 24, point 5: `omaudit scan .` as `trivy config .` and `checkov -d .` take it."""
    folder = DATA / "files" / "om"
    positional = run_cli_in_process("scan", str(folder), "-f", "json", "-o", str(tmp_path / "a"), cwd=tmp_path)
    named = run_cli_in_process("scan", "--dir", str(folder), "-f", "json", "-o", str(tmp_path / "b"), cwd=tmp_path)
    assert positional.code == named.code == 1
    assert positional.json()["findings"] == named.json()["findings"]
    a_file = run_cli_in_process("scan", str(folder / "openmetadata.yaml"), cwd=tmp_path)
    assert a_file.code == 2 and "is not a folder: give a file with its option" in a_file.stderr
    both = run_cli_in_process("scan", str(folder), "--dir", str(folder), cwd=tmp_path)
    assert both.code == 2 and "give the folder once" in both.stderr
