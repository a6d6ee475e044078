"""Issue 21: a CloudFormation value left to a condition the template does not decide (a parameter
without a default) is judged on both branches: FAIL if both fail, PASS if both pass, else SKIPPED
naming how each branch goes. Expected verdicts decided from the template and the rules' docs before
running: OMA205 (sign-up) differs by branch, OMA203 (MFA) fails on both (OFF and OPTIONAL), OMA204
(14-character policy with every class) passes on both (16 and 14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli_in_process

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UsernameAttributes: [email]
      AdminCreateUserConfig:
        AllowAdminCreateUserOnly: !If [IsProd, true, false]
      MfaConfiguration: !If [IsProd, "OPTIONAL", "OFF"]
      EnabledMfas: [SOFTWARE_TOKEN_MFA]
      Policies:
        PasswordPolicy:
          MinimumLength: !If [IsProd, 16, 14]
          RequireUppercase: true
          RequireLowercase: true
          RequireNumbers: true
          RequireSymbols: true
"""


def _scan(tmp_path: Path, text: str) -> dict[str, dict[str, Any]]:
    template = tmp_path / "pool.yaml"
    template.write_text(text)
    result = run_cli_in_process("scan", "--cloudformation", str(template), "--rules", "OMA203,OMA204,OMA205",
                                "-f", "json", "-o", str(tmp_path / "out"))
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    return {f["rule_id"]: {"status": f["status"], "message": f["message"],
                           "line": (f.get("location") or {}).get("line")} for f in report["findings"]}


def test_each_branch_of_an_undecided_condition_is_judged(tmp_path: Path) -> None:
    found = _scan(tmp_path, TEMPLATE)
    assert found["OMA205"]["status"] == "SKIPPED"
    assert found["OMA205"]["message"] == (
        "decided at deploy by the template's conditions: PASS when IsProd true; FAIL when IsProd false")
    assert found["OMA203"]["status"] == "FAIL" and found["OMA203"]["line"] == 15
    assert found["OMA203"]["message"].endswith("(whichever way the template's undecided conditions go: 2 ways "
                                               "judged)")
    assert found["OMA204"]["status"] == "PASS"


def test_a_decided_condition_needs_no_branches(tmp_path: Path) -> None:
    decided = TEMPLATE.replace("    AllowedValues: [dev, prod]\n", "    Default: dev\n")
    found = _scan(tmp_path, decided)
    assert found["OMA205"]["status"] == "FAIL" and "whichever way" not in found["OMA205"]["message"]
    assert found["OMA203"]["status"] == "FAIL" and "whichever way" not in found["OMA203"]["message"]


def test_more_undecided_conditions_than_the_cap_stay_unknown(tmp_path: Path) -> None:
    """Five conditions would need 32 readings: beyond MAX_BRANCHING (3) the values stay unknown (SKIPPED)."""
    many = TEMPLATE.replace("  IsProd: !Equals [!Ref Env, prod]\n", "".join(
        f"  C{n}: !Equals [!Ref Env, v{n}]\n" for n in range(4)) + "  IsProd: !Equals [!Ref Env, prod]\n")
    many = many.replace("MinimumLength: !If [IsProd, 16, 14]", "MinimumLength: !If [C0, !If [C1, 16, 14], "
                        "!If [C2, !If [C3, 14, 15], 16]]")
    found = _scan(tmp_path, many)
    assert found["OMA205"]["status"] == "SKIPPED" and "decided at deploy by" not in found["OMA205"]["message"]
