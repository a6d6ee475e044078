"""Terraform HCL read without a plan (issue 22): each evaluation rule on a module written to show it,
the exact verdicts and lines a gate sees, and bad input as one line and exit 2.

Terraform's semantics asserted here: developer.hashicorp.com/terraform/language/values/variables
("Variable Definition Precedence": defaults, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars in
name order, then -var-file in order), .../meta-arguments/count and for_each, .../expressions/
dynamic-blocks, .../modules/sources ("Local Paths").
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli_in_process

POOL = '''
resource "aws_cognito_user_pool" "pool" {
  name              = "openmetadata"
  mfa_configuration = var.mfa
  admin_create_user_config {
    allow_admin_create_user_only = var.admin_only
  }
}
'''
VARIABLES = '''
variable "mfa" {
  type    = string
  default = "OFF"
}

variable "admin_only" {
  type    = bool
  default = false
}
'''
CLIENT = '''
resource "aws_cognito_user_pool_client" "om" {
  name          = "openmetadata"
  user_pool_id  = aws_cognito_user_pool.pool.id
  callback_urls = [format("https://%s/callback", var.host)]
  prevent_user_existence_errors = "ENABLED"
}

variable "host" {
  default = "localhost:8585"
}
'''


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _scan(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = tmp_path.parent / f"{tmp_path.name}-out"
    result = run_cli_in_process("scan", *args, "-f", "json", "-o", str(out), cwd=tmp_path)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return result.code, report, result.stderr


def _verdict(report: dict[str, Any], rule: str) -> tuple[str, str]:
    found = [f for f in report["findings"] if f["rule_id"] == rule]
    assert len(found) == 1, found
    return found[0]["status"], found[0]["message"]


def _line(report: dict[str, Any], rule: str) -> tuple[str, int]:
    [finding] = [f for f in report["findings"] if f["rule_id"] == rule]
    return finding["location"]["file"], finding["location"]["line"]


def test_variable_defaults_decide_the_verdicts_at_the_attributes_line(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES})
    code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert code == 1
    assert _verdict(report, "OMA203")[0] == "FAIL"  # mfa default OFF
    assert _verdict(report, "OMA205")[0] == "FAIL"  # admin_only default false
    assert _line(report, "OMA205") == ("tf/main.tf", 6)  # allow_admin_create_user_only
    assert _line(report, "OMA207") == ("tf/main.tf", 2)  # deletion_protection left out: the resource


def test_tfvars_layer_as_terraform_does(tmp_path: Path) -> None:
    """terraform.tfvars over the default, *.auto.tfvars over it (in name order), --var-file last."""
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES,
                                   "terraform.tfvars": 'mfa = "OPTIONAL"\nadmin_only = "true"\n',
                                   "b.auto.tfvars": 'mfa = "ON"\n', "a.auto.tfvars": 'mfa = "OFF"\n'})
    _, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert _verdict(report, "OMA203")[0] == "PASS"  # b.auto.tfvars (ON) is read after a.auto.tfvars
    assert _verdict(report, "OMA205")[0] == "PASS"  # "true" converted to the declared bool
    extra = tmp_path / "prod.tfvars"
    extra.write_text('mfa = "OPTIONAL"\n')
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree), "--var-file", str(extra))
    status, message = _verdict(report, "OMA203")
    assert (status, "OPTIONAL" in message) == ("FAIL", True)


def test_a_variable_without_value_is_unknown_and_named(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": 'variable "mfa" {}\nvariable "admin_only" {}\n'})
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA203")
    assert status == "SKIPPED"
    assert "var.mfa has no default and no value in a tfvars file" in message
    # admin_create_user_config is unknown too, but only the rules reading it are SKIPPED
    assert _verdict(report, "OMA205")[0] == "SKIPPED"
    assert _verdict(report, "OMA207")[0] == "FAIL"  # deletion protection: not set, AWS's INACTIVE


def test_a_data_source_makes_only_its_attribute_unknown(tmp_path: Path) -> None:
    main = POOL.replace("var.mfa", "data.aws_ssm_parameter.mfa.value")
    tree = _tree(tmp_path / "tf", {"main.tf": main, "variables.tf": VARIABLES})
    code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA203")
    assert status == "SKIPPED" and "data.aws_ssm_parameter.mfa.value: a data source" in message
    assert _verdict(report, "OMA205")[0] == "FAIL"
    assert code == 1


def test_a_client_is_linked_by_reference_and_its_expressions_evaluated(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": CLIENT})
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA301")
    assert status == "FAIL" and "https://localhost:8585/callback" in message
    assert _line(report, "OMA301") == ("tf/client.tf", 5)  # callback_urls
    assert _verdict(report, "OMA306")[0] == "PASS"


def test_a_local_module_is_read_with_the_callers_inputs(tmp_path: Path) -> None:
    root = '''
module "cognito" {
  source     = "./modules/pool"
  admin_only = local.locked
}
locals {
  locked = true
}
resource "aws_cognito_user_pool_client" "om" {
  name          = "om"
  user_pool_id  = module.cognito.pool_id
  callback_urls = ["https://om.example.com/callback"]
}
'''
    module = POOL + VARIABLES + 'output "pool_id" {\n  value = aws_cognito_user_pool.pool.id\n}\n'
    tree = _tree(tmp_path / "tf", {"main.tf": root, "modules/pool/main.tf": module})
    _code, report, _stderr = _scan(tmp_path, "--dir", str(tree))
    assert _verdict(report, "OMA205")[0] == "PASS"  # the caller's local, through the module input
    assert _line(report, "OMA205") == ("modules/pool/main.tf", 6)
    assert _verdict(report, "OMA301")[0] == "PASS"  # the client is linked through the output
    resources = {f["resource"] for f in report["findings"] if f["rule_id"] == "OMA301"}
    assert resources == {"cognito:user-pool/module.cognito.aws_cognito_user_pool.pool/client/"
                         "aws_cognito_user_pool_client.om"}
    # --dir judged the root, not the module folder on its own
    assert [t["name"] for t in report["targets"]] == ["files"]


def test_count_and_for_each_make_one_instance_each(tmp_path: Path) -> None:
    main = POOL.replace('resource "aws_cognito_user_pool" "pool" {',
                        'resource "aws_cognito_user_pool" "pool" {\n  count = var.enabled ? 1 : 0')
    clients = '''
resource "aws_cognito_user_pool_client" "c" {
  for_each      = { web = "https://web.example.com/cb", dev = "http://localhost:3000/cb" }
  name          = each.key
  user_pool_id  = aws_cognito_user_pool.pool[0].id
  callback_urls = [each.value]
}
variable "enabled" {
  default = true
}
'''
    tree = _tree(tmp_path / "tf", {"main.tf": main, "variables.tf": VARIABLES, "clients.tf": clients})
    code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert code == 1
    verdicts = {(f["resource"].rsplit("/", 1)[-1], f["status"]) for f in report["findings"]
                if f["rule_id"] == "OMA301"}
    assert verdicts == {('aws_cognito_user_pool_client.c["dev"]', "FAIL"),
                        ('aws_cognito_user_pool_client.c["web"]', "PASS")}
    # count = 0: no pool, so the clients belong to no pool of this module
    (tree / "off.auto.tfvars").write_text("enabled = false\n")
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert _verdict(report, "OMA205")[0] == "SKIPPED"


def test_dynamic_blocks_expand_over_known_values(tmp_path: Path) -> None:
    main = '''
resource "aws_cognito_user_pool" "pool" {
  name = "p"
  dynamic "schema" {
    for_each = var.schemas
    content {
      name                = schema.value.name
      attribute_data_type = "String"
      required            = lookup(schema.value, "required", false)
      mutable             = false
    }
  }
  auto_verified_attributes = ["email"]
}
variable "schemas" {
  default = [{ name = "email", required = true }, { name = "nickname" }]
}
'''
    tree = _tree(tmp_path / "tf", {"main.tf": main})
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert _verdict(report, "OMA201")[0] == "PASS"  # email required, from the dynamic block
    assert _verdict(report, "OMA202")[0] == "PASS"


def test_a_remote_module_is_named_not_read(tmp_path: Path) -> None:
    main = POOL + VARIABLES + 'module "labels" {\n  source = "cloudposse/label/null"\n}\n'
    tree = _tree(tmp_path / "tf", {"main.tf": main})
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert any('module.labels comes from "cloudposse/label/null": not read' in n for n in report["notes"])


@pytest.mark.parametrize(("files", "expected"), [
    ({"main.tf": 'resource "aws_cognito_user_pool" "p" {\n  name = \n}\n'},
     "Terraform file tf/main.tf: line 2, column 10: not valid HCL"),
    ({"main.tf": 'module "me" {\n  source = "./"\n}\n' + POOL + VARIABLES},
     "Terraform file tf/main.tf:1: module.me calls a module that calls it"),
])
def test_bad_terraform_is_one_line_and_exit_2(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    tree = _tree(tmp_path / "tf", files)
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 2 and report == {}
    assert expected in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_two_mebibyte_tf_file_is_refused_quickly(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": POOL + "\n" + ("# padding\n" * 220_000)})
    started = time.monotonic()
    code, _, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 2 and "is larger than 1 MiB" in stderr
    assert time.monotonic() - started < 30  # bounded, not a benchmark: the file is never parsed


def test_dir_prefers_a_plan_beside_the_tf_files(tmp_path: Path) -> None:
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_cognito_user_pool.pool", "mode": "managed", "type": "aws_cognito_user_pool",
         "values": {"mfa_configuration": "ON",
                    "admin_create_user_config": [{"allow_admin_create_user_only": True}]}}]}}}
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "plan.json": json.dumps(plan)})
    _code, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert _verdict(report, "OMA203")[0] == "PASS"  # the plan's ON, not the default OFF
    assert any("the plan beside it (plan.json) is judged instead of its .tf files" in n for n in report["notes"])


def test_terraform_plan_given_a_tf_file_says_where_it_goes(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": POOL})
    result = run_cli_in_process("scan", "--terraform-plan", str(tree / "main.tf"), cwd=tmp_path)
    assert result.code == 2
    assert "--terraform" in result.stderr and len(result.stderr.strip().splitlines()) == 1
