"""Issue 21: a CloudFormation value left to a condition the template does not decide (a parameter
without a default) is judged on both branches: FAIL if both fail, PASS if both pass, else SKIPPED
naming how each branch goes. Expected verdicts decided from the template and the rules' docs before
running: OMA205 (sign-up) differs by branch, OMA203 (MFA) fails on both (OFF and OPTIONAL), OMA204
(14-character policy with every class) passes on both (16 and 14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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
        "decided at deploy by what the template leaves open: FAIL when Env dev; PASS when Env prod")
    assert found["OMA203"]["status"] == "FAIL" and found["OMA203"]["line"] == 15
    assert found["OMA203"]["message"].endswith("(whichever way the template's undecided settings go: 2 ways "
                                               "judged)")
    assert found["OMA204"]["status"] == "PASS"


def test_a_decided_condition_needs_no_branches(tmp_path: Path) -> None:
    decided = TEMPLATE.replace("    AllowedValues: [dev, prod]\n", "    Default: dev\n")
    found = _scan(tmp_path, decided)
    assert found["OMA205"]["status"] == "FAIL" and "whichever way" not in found["OMA205"]["message"]
    assert found["OMA203"]["status"] == "FAIL" and "whichever way" not in found["OMA203"]["message"]


def test_more_undecided_conditions_than_the_cap_stay_unknown(tmp_path: Path) -> None:
    """Five conditions on a parameter that takes any value would need 32 readings: beyond MAX_BRANCHING (3)
    the values stay unknown (SKIPPED, naming the property)."""
    many = TEMPLATE.replace("    AllowedValues: [dev, prod]\n", "").replace(
        "  IsProd: !Equals [!Ref Env, prod]\n", "".join(
            f"  C{n}: !Equals [!Ref Env, v{n}]\n" for n in range(4)) + "  IsProd: !Equals [!Ref Env, prod]\n")
    many = many.replace("MinimumLength: !If [IsProd, 16, 14]", "MinimumLength: !If [C0, !If [C1, 16, 14], "
                        "!If [C2, !If [C3, 14, 15], 16]]")
    found = _scan(tmp_path, many)
    assert found["OMA205"]["status"] == "SKIPPED" and "decided at deploy by" not in found["OMA205"]["message"]


def test_conditions_on_one_parameter_move_together(tmp_path: Path) -> None:
    """IsProd and IsDev both read Env (dev or prod): enumerated as two free conditions, the impossible
    "neither" made a certain PASS a SKIPPED (found by the second attack). Each value of Env is a branch."""
    both = TEMPLATE.replace("  IsProd: !Equals [!Ref Env, prod]\n",
                            "  IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Equals [!Ref Env, dev]\n")
    both = both.replace('MfaConfiguration: !If [IsProd, "OPTIONAL", "OFF"]',
                        'MfaConfiguration: !If [IsProd, "ON", !If [IsDev, "ON", "OFF"]]')
    found = _scan(tmp_path, both)
    assert found["OMA203"]["status"] == "PASS"


# Found by a second attack (stop 30).
def test_a_resource_under_an_undecided_condition_is_judged_both_ways(tmp_path: Path) -> None:
    """A WAF association that exists only when UseWaf holds: OMA217 passed as if it always existed."""
    template = tmp_path / "waf.yaml"
    template.write_text(
        'Parameters:\n  UseWafP: {Type: String, AllowedValues: ["yes", "no"]}\n'
        'Conditions:\n  UseWaf: !Equals [!Ref UseWafP, "yes"]\n'
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties: {}\n"
        "  Assoc:\n    Type: AWS::WAFv2::WebACLAssociation\n    Condition: UseWaf\n    Properties:\n"
        "      ResourceArn: !GetAtt Pool.Arn\n      WebACLArn: arn:aws:wafv2:us-east-1:1:regional/webacl/x/y\n")
    result = run_cli_in_process("scan", "--cloudformation", str(template), "--rules", "OMA217,OMA201", "-f", "json",
                                "-o", str(tmp_path / "out"))
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    found = {f["rule_id"]: (f["status"], f["message"]) for f in report["findings"]}
    assert found["OMA217"] == ("SKIPPED", "decided at deploy by what the template leaves open: PASS when UseWafP "
                                          "yes; FAIL when UseWafP no")
    assert found["OMA201"][0] == "FAIL" and "whichever way" not in found["OMA201"][1]  # the same either way
    assert result.code == 1


def test_conditions_built_on_conditions_are_worked_out_once(tmp_path: Path) -> None:
    """Each condition an Fn::Or of the previous one twice, 40 deep: 2**40 evaluations without a memory of
    each condition's truth (a 1 KB template ran for hours). It must finish (the subprocess's timeout is
    only a hang guard, not a measure)."""
    from tests.conftest import run_cli

    chain = "".join(f"  C{n}: !Or [Condition: C{n - 1}, Condition: C{n - 1}]\n" for n in range(1, 41))
    template = tmp_path / "deep.yaml"
    template.write_text(
        "Parameters:\n  P: {Type: String, AllowedValues: [a, b]}\n"
        f"Conditions:\n  C0: !Equals [!Ref P, a]\n{chain}"
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n"
        "      MfaConfiguration: !If [C40, 'ON', 'OFF']\n      EnabledMfas: [SOFTWARE_TOKEN_MFA]\n")
    result = run_cli("scan", "--cloudformation", str(template), "--rules", "OMA203", "-f", "json", timeout=120)
    assert result.code == 3 and '"status": "SKIPPED"' in result.stdout  # ON or OFF: decided at deploy


@pytest.mark.parametrize(("resource", "what"), [
    ("      MfaConfiguration: !If [C, 'ON']\n", "an Fn::If that is not a condition's name and two values"),
    ("      MfaConfiguration: 'OFF'\n    Condition: {'Fn::Not': [{Condition: C}]}\n",
     "a resource's Condition that does not name a condition"),
])
def test_what_cloudformation_refuses_is_bad_input(tmp_path: Path, resource: str, what: str) -> None:
    template = tmp_path / "bad.yaml"
    template.write_text("Parameters:\n  P: {Type: String}\nConditions:\n  C: !Equals [!Ref P, a]\n"
                        f"Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n{resource}")
    result = run_cli_in_process("scan", "--cloudformation", str(template))
    assert result.code == 2
    assert result.stderr == f"omaudit: error: CloudFormation template {template} has an entry of an unexpected " \
                            f"shape ({what})\n"


def test_a_client_whose_whole_properties_are_an_fn_if_is_judged_both_ways(tmp_path: Path) -> None:
    """`Properties: !If [IsProd, {...}, {...}]` left every pool's clients unknown (all client rules
    SKIPPED); each branch's client is now judged, at the client's line. Decided from the template: both
    branches allow the implicit grant (OMA303 FAIL), only the dev branch USER_PASSWORD_AUTH (OMA304)."""
    template = tmp_path / "client.yaml"
    client = ("        - UserPoolId: !Ref Pool\n          AllowedOAuthFlows: [implicit]\n"
              "          AllowedOAuthFlowsUserPoolClient: true\n")
    template.write_text(
        "Parameters:\n  Env: {Type: String, AllowedValues: [dev, prod]}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n"
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties: {}\n"
        "  Client:\n    Type: AWS::Cognito::UserPoolClient\n    Properties:\n      Fn::If:\n        - IsProd\n"
        + client + client + "          ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]\n")
    run_cli_in_process("scan", "--cloudformation", str(template), "--rules", "OMA303,OMA304", "-f", "json",
                       "-o", str(tmp_path / "out"))
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    found = {f["rule_id"]: (f["status"], f["message"], f["location"]["line"]) for f in report["findings"]}
    assert found["OMA303"][0] == "FAIL" and found["OMA303"][2] == 9
    assert found["OMA304"] == ("SKIPPED", "decided at deploy by what the template leaves open: FAIL when Env dev; "
                                          "PASS when Env prod", 9)


def test_a_client_the_template_creates_on_one_branch_is_judged_where_it_exists(tmp_path: Path) -> None:
    """A client under `Condition: IsProd` that allows the implicit grant fails wherever it exists: FAIL,
    saying on how many ways it exists (it was SKIPPED: "no such resource when Env dev")."""
    template = tmp_path / "client.yaml"
    template.write_text(
        "Parameters:\n  Env: {Type: String, AllowedValues: [dev, prod]}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n"
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties: {}\n"
        "  Client:\n    Type: AWS::Cognito::UserPoolClient\n    Condition: IsProd\n    Properties:\n"
        "      UserPoolId: !Ref Pool\n      AllowedOAuthFlows: [implicit]\n"
        "      AllowedOAuthFlowsUserPoolClient: true\n")
    run_cli_in_process("scan", "--cloudformation", str(template), "--rules", "OMA303", "-f", "json",
                       "-o", str(tmp_path / "out"))
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    [finding] = report["findings"]
    assert finding["status"] == "FAIL"
    assert finding["message"].endswith("(on every way the template creates it: 1 of 2)")

