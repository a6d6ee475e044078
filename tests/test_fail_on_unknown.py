"""--fail-on-unknown: a gate that waits on what only the deployment decides.

A pull request's author can always move a failing setting behind something the files leave open (a
parameter without a Default, an include from S3, a Secret made elsewhere): that rule is SKIPPED, never
a verdict, and the default gate stays green (the fifth attack's root cause). With --fail-on-unknown,
a rule at or above the threshold that is SKIPPED for that reason (`undecided` in report.json) makes
the run exit 3; a rule that does not apply (the running server a file scan lacks) never does.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli_in_process
from tests.test_gate_decoys import _kong_with_include

# What the real template (tests/data/real/cloudformation/aws-modernization-with-kong-cognito.yaml) leaves
# open once its pool's Properties come from S3: every pool rule, and the client's callback (a parameter
# without a Default). Decided from the template and the rules' docs.
HIGH_UNDECIDED = {"OMA201", "OMA202", "OMA205", "OMA209", "OMA301", "OMA305"}


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    _kong_with_include(tree, "s3://deploy-bucket/pool-properties.yaml")
    (tree / "pool-properties.yaml").unlink()
    return tree


def _scan(tree: Path, tmp_path: Path, *args: str) -> tuple[int, dict[str, object], str]:
    out = tmp_path / f"out{len(list(tmp_path.glob('out*')))}"
    result = run_cli_in_process("scan", "--dir", ".", "-f", "json,table", "-o", str(out), *args, cwd=tree)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return result.code, report, result.stdout + result.stderr


def test_a_gate_waits_on_what_only_the_deployment_decides(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    code, report, printed = _scan(tree, tmp_path)
    findings = report["findings"]
    assert isinstance(findings, list)
    undecided = {f["rule_id"] for f in findings if f.get("undecided") and f["severity"] in ("high", "critical")}
    assert undecided == HIGH_UNDECIDED
    assert all(f["status"] == "SKIPPED" for f in findings if f.get("undecided"))
    # not applicable (no running server, no openmetadata.yaml) is never undecided
    assert not any(f.get("undecided") for f in findings if f["rule_id"] in ("OMA101", "OMA117", "OMA401", "OMA501"))
    assert code == 0
    assert "6 rule(s) at or above high are decided only at deploy (SKIPPED): --fail-on-unknown makes the gate " \
           "exit 3 on them." in printed
    code, _, printed = _scan(tree, tmp_path, "--fail-on-unknown")
    assert code == 3
    assert "Exit code 3: 6 rule(s) at or above high are decided only at deploy (SKIPPED), and --fail-on-unknown " \
           "holds the gate on them." in printed
    code, _, _ = _scan(tree, tmp_path, "--fail-on-unknown", "--fail-on", "critical")
    assert code == 0  # nothing critical is left open
    code, _, _ = _scan(tree, tmp_path, "--fail-on-unknown", "--fail-on", "medium")
    assert code == 1  # a medium FAIL (OMA304 on the client) beats waiting


def test_merged_shards_keep_what_was_left_open(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    _scan(tree, tmp_path)
    report = tmp_path / "out0" / "report.json"
    assert run_cli_in_process("merge", str(report), "-f", "json", "-o", str(tmp_path / "m1"), cwd=tmp_path).code == 0
    merged = run_cli_in_process("merge", str(report), "--fail-on-unknown", "-f", "json", "-o", str(tmp_path / "m2"),
                                cwd=tmp_path)
    assert merged.code == 3, merged.stderr


def test_the_option_from_settings_and_against_a_soft_gate(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    (tree / "omaudit.toml").write_text("fail_on_unknown = true\n")  # stricter: taken from the working folder
    code, _, printed = _scan(tree, tmp_path)
    assert code == 3, printed
    (tree / "omaudit.toml").write_text("fail_on_unknown = false\n")  # not stricter: refused from there
    code, _, printed = _scan(tree, tmp_path)
    assert code == 2 and "'fail_on_unknown' is not taken from a settings file found in the working folder" in printed
    (tree / "omaudit.toml").unlink()
    code, _, printed = _scan(tree, tmp_path, "--fail-on", "none", "--fail-on-unknown")
    assert code == 2 and "--fail-on none has none" in printed
