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

from tests.conftest import DATA, run_cli_in_process

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
    code, report, _ = _scan(tmp_path, "--dir", str(tree))
    by_target = {(f["target"], f["resource"]): (f["status"], f["location"]) for f in report["findings"]
                 if f["rule_id"] == "OMA205"}
    # the root: the caller's local reaches the module's input, at the module's attribute line
    assert by_target[(".", "cognito:user-pool/module.cognito.aws_cognito_user_pool.pool")] == (
        "PASS", {"file": "modules/pool/main.tf", "line": 6})
    judged = {(f["resource"], f["status"]) for f in report["findings"]
              if f["rule_id"] == "OMA301" and f["status"] != "SKIPPED"}
    assert judged == {("cognito:user-pool/module.cognito.aws_cognito_user_pool.pool/client/"
                       "aws_cognito_user_pool_client.om", "PASS")}
    # the module folder is judged on its own too, with its defaults (admin_only false): which folder is
    # applied is the deployment's choice, and a caller that hardens it must not hide it (an attack)
    assert by_target[("modules/pool", "cognito:user-pool/aws_cognito_user_pool.pool")][0] == "FAIL"
    assert sorted(t["name"] for t in report["targets"]) == [".", "modules/pool"]
    assert code == 1


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


# ---- the OpenMetadata chart installed by a helm_release (issue 22) ---------------------------------

SHIPPED_FERNET = "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA="  # the chart's and the server's default key
RELEASE = '''
resource "helm_release" "om" {
  name       = "openmetadata"
  repository = "https://helm.open-metadata.org"
  chart      = "openmetadata"
  version    = "1.12.3"
  values     = [templatefile("${path.module}/values.tftpl", { admins = var.admins, domain = var.domain,
                                                               secure = var.secure })]
  set_sensitive {
    name  = "openmetadata.config.fernetkey.value"
    value = var.fernet
  }
}
variable "admins" {
  default = ["alice", "admin"]
}
variable "domain" {
  default = "example.com"
}
variable "secure" {
  default = false
}
variable "fernet" {
  default = "Zm9vYmFyYmF6cXV4Y2FuYXJ5LXNlY3JldC12YWx1ZTE="
}
'''
TEMPLATE = '''openmetadata:
  config:
    authorizer:
%{ if secure ~}
      enforcePrincipalDomain: true
%{ endif ~}
      initialAdmins:
%{ for name in admins ~}
        - ${name}
%{ endfor ~}
      principalDomain: ${domain}
    authentication:
      provider: aws-cognito
'''


def test_a_helm_release_renders_its_template_and_is_judged_at_the_template_lines(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": RELEASE, "values.tftpl": TEMPLATE})
    code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert code == 1
    status, message = _verdict(report, "OMA503")
    assert status == "FAIL" and "admin" in message
    assert _line(report, "OMA503") == ("tf/values.tftpl", 7)  # initialAdmins, in the template
    assert _verdict(report, "OMA103")[0] == "PASS"  # provider aws-cognito, from the template
    # set_sensitive: a key of its own, not the shipped one, written inline (OMA504), never shown
    assert _verdict(report, "OMA501")[0] == "PASS"


def test_set_sensitive_values_appear_in_no_output(tmp_path: Path) -> None:
    canary = "Zm9vYmFyYmF6cXV4Y2FuYXJ5LXNlY3JldC12YWx1ZTE="
    tree = _tree(tmp_path / "tf", {"main.tf": RELEASE, "values.tftpl": TEMPLATE})
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--terraform", str(tree), "-f", "table,json,sarif,junit,markdown,html,csv",
                                "-o", str(out), cwd=tmp_path)
    assert result.code == 1
    written = [p.read_text() for p in out.iterdir()]
    assert len(written) == 7
    assert all(canary not in text and canary[:16] not in text for text in [*written, result.stdout, result.stderr])


def test_the_chart_default_fernet_key_fails_when_the_release_sets_none(tmp_path: Path) -> None:
    release = RELEASE.replace('''  set_sensitive {
    name  = "openmetadata.config.fernetkey.value"
    value = var.fernet
  }
''', '')
    tree = _tree(tmp_path / "tf", {"main.tf": release, "values.tftpl": TEMPLATE})
    _, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA501")
    assert status == "FAIL" and "chart's default" in message


def test_an_interpolation_known_only_when_terraform_runs_is_unknown_not_a_value(tmp_path: Path) -> None:
    release = RELEASE.replace("secure = var.secure", "secure = var.secure, provider = data.aws_ssm_parameter.p.value")
    template = TEMPLATE.replace("provider: aws-cognito", "provider: ${provider}")
    tree = _tree(tmp_path / "tf", {"main.tf": release, "values.tftpl": template})
    _, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA103")  # reads the provider: unknown, named
    assert status == "SKIPPED" and "data.aws_ssm_parameter.p.value: a data source" in message
    assert _verdict(report, "OMA503")[0] == "FAIL"  # the rest of the template is judged


def test_a_template_that_renders_no_yaml_is_one_line_naming_it(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": RELEASE, "values.tftpl": "openmetadata:\n  config: [\n"})
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 2 and report == {}
    assert "Helm values of helm_release.om (tf/values.tftpl): line" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_the_official_terraform_module_ships_the_charts_defaults(tmp_path: Path) -> None:
    """open-metadata/terraform-aws-openmetadata at tag 1.12.3 (tests/data/real/SOURCES.md): its
    initial_admins defaults to "[admin]" (variables.tf) and it sets no Fernet or JWT keys, so the
    chart's defaults ship (issue 22). Rendered from modules/openmetadata-deployment/helm_values.tftpl
    through the root's locals, merge() and the module call."""
    real = Path(__file__).parent / "data" / "real" / "terraform" / "terraform-aws-openmetadata"
    result = run_cli_in_process("scan", "--dir", str(real), "-f", "json", "-o", str(tmp_path / "out"),
                                cwd=tmp_path)
    assert result.code == 1, result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    template = "modules/openmetadata-deployment/helm_values.tftpl"
    failing = {(f["rule_id"], f["location"]["file"], f["location"]["line"]) for f in report["findings"]
               if f["status"] == "FAIL"}
    assert failing == {("OMA501", template, 4), ("OMA502", template, 4), ("OMA503", template, 34),
                       ("OMA103", template, 4), ("OMA108", template, 4)}
    # modules/openmetadata-dependencies installs chart openmetadata-dependencies (MySQL, OpenSearch): not a
    # deployment of OpenMetadata. Judged as one, its every rule was ERROR, and the gate could never pass.
    judged = {(f["target"], f["status"]) for f in report["findings"]}
    assert {t for t, _ in judged} == {".", "modules/openmetadata-deployment"}
    assert "ERROR" not in {s for _, s in judged}


# ---- found by an attack on this reader (a pull request's author controls every file) --------------

STRONG = '''
resource "aws_cognito_user_pool" "pool" {
  name                     = "strong"
  mfa_configuration        = "ON"
  admin_create_user_config {
    allow_admin_create_user_only = ADMIN_ONLY
  }
}
'''


@pytest.mark.parametrize(("expression", "why"), [
    ('title("a_b") == "A_B"', None),  # Go's strings.Title: "A_b", so false: FAIL
    ('"e\\u0301" != "\\u00e9"', None),  # HCL normalizes literals to NFC: equal, so false: FAIL
    ('length("💃🏾") == 2', "length() of non-ASCII text is not evaluated"),
    ('upper("ß") == "SS"', "upper() of non-ASCII text is not evaluated"),
    ("-5 % 3 == 1", "a remainder of negative or fractional numbers is not evaluated"),
    ('[false, true][element(tolist(toset([1, 0])), 0)]', "toset() of values that are not strings"),
    ('!can(format("%-5t", false))', "format() with %-"),
])
def test_an_expression_is_judged_as_terraform_would_or_left_unknown(tmp_path: Path, expression: str,
                                                                     why: str | None) -> None:
    """Each expression is false in Terraform (a weak pool); a lax evaluation made it true (PASS)."""
    tree = _tree(tmp_path / "tf", {"main.tf": STRONG.replace("ADMIN_ONLY", expression)})
    _, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA205")
    assert status == ("FAIL" if why is None else "SKIPPED"), message
    assert why is None or why in message


def test_a_variable_is_converted_to_its_object_type(tmp_path: Path) -> None:
    """`object({...})` keeps only its declared attributes and fills optional() defaults (Terraform's type
    conversion): a default's extra `admin_only = true` is dropped, so lookup() falls back to false."""
    main = STRONG.replace("ADMIN_ONLY", 'lookup(var.cfg, "admin_only", false) || var.opt.strict') + '''
variable "cfg" {
  type    = object({ name = optional(string) })
  default = { admin_only = true }
}
variable "opt" {
  type    = object({ strict = optional(bool, false) })
  default = {}
}
'''
    tree = _tree(tmp_path / "tf", {"main.tf": main})
    _, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert _verdict(report, "OMA205")[0] == "FAIL"


@pytest.mark.parametrize("files", [
    # Terraform ignores hidden files: the weak pool is the one it deploys
    {"main.tf": STRONG.replace("ADMIN_ONLY", "false"), ".override-me.tf": 'locals { x = 1 }\n'},
    # Terraform's JSON syntax takes arrays of objects where one object may stand
    {"weak.tf.json": '{"resource": [{"aws_cognito_user_pool": {"weak": {"name": "weak"}}}]}'},
    {"weak.tf.json": '{"resource": {"aws_cognito_user_pool": [{"weak": {"name": "weak"}}]}}'},
])
def test_a_weak_pool_cannot_be_hidden_by_the_files_layout(tmp_path: Path, files: dict[str, str]) -> None:
    tree = _tree(tmp_path / "tf", files)
    code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert code == 1 and "FAIL" in {f["status"] for f in report["findings"] if f["rule_id"] == "OMA205"}


def test_a_resource_declared_twice_is_refused_as_terraform_refuses_it(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tf", {"a.tf": STRONG.replace("ADMIN_ONLY", "true"),
                                   "b.tf": STRONG.replace("ADMIN_ONLY", "false")})
    code, _, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 2 and "tf/b.tf:2: resource.aws_cognito_user_pool.pool is declared twice" in stderr


def test_an_example_calling_the_real_root_cannot_hide_it(tmp_path: Path) -> None:
    """examples/demo calls ../../infra with count = 0; infra/ itself is what gets applied."""
    tree = _tree(tmp_path / "repo", {
        "infra/main.tf": STRONG.replace("ADMIN_ONLY", "false"),
        "examples/demo/main.tf": 'module "infra" {\n  source = "../../infra"\n  count  = 0\n}\n'})
    code, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert code == 1
    assert ("infra", "FAIL") in {(f["target"], f["status"]) for f in report["findings"] if f["rule_id"] == "OMA205"}


@pytest.mark.parametrize(("files", "expected"), [
    ({"main.tf": 'locals {\n  x = [for a in range(1000) : [for b in range(1000) : b]]\n}\n'
                 + STRONG.replace("ADMIN_ONLY", "length(local.x) > 0")},
     "tf/main.tf:2: evaluating this module takes more than 1000000 steps"),
    ({"main.tf": STRONG.replace("ADMIN_ONLY", "length(local.l39) > 0") + "locals {\n" + "".join(
        f"  l{i} = [local.l{i - 1}, local.l{i - 1}]\n" for i in range(1, 40)) + "  l0 = [1]\n}\n"},
     "a Terraform value of more than 100000 elements in all"),
    ({"main.tf": STRONG.replace("ADMIN_ONLY", "true") + "locals {\n  x = [" + "1," * 70_000 + "1]\n}\n"},
     "tf/main.tf: more than 60000 tokens: not read"),
    ({"main.tf": STRONG.replace("ADMIN_ONLY", "var.secret + 1") + 'variable "secret" {}\n',
      "terraform.tfvars": 'secret = "tfvars-canary-3f9a1c7e"\n'},
     "tf/main.tf:6: an expression Terraform rejects (a value of the wrong type or out of range)"),
])
def test_hostile_expressions_are_one_line_bounded_and_quote_no_value(tmp_path: Path, files: dict[str, str],
                                                                     expected: str) -> None:
    tree = _tree(tmp_path / "tf", files)
    started = time.monotonic()
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 2 and report == {} and expected in stderr
    assert "canary" not in stderr and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 60  # bounded (the unbounded runs took minutes or ran out of memory)


def test_a_module_source_outside_the_scanned_folder_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(STRONG.replace("ADMIN_ONLY", "false"))
    tree = _tree(tmp_path / "repo", {"infra/main.tf": STRONG.replace("ADMIN_ONLY", "true"),
                                     "docs/main.tf": 'module "o" {\n  source = "../../outside"\n}\n'})
    code, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert code == 1  # infra's own pool (no email attribute, no password policy)
    assert {f["target"] for f in report["findings"]} == {"files"}  # docs/ holds nothing the scan may read
    assert all("outside" not in (f.get("location") or {}).get("file", "") for f in report["findings"])
    assert {f["status"] for f in report["findings"] if f["rule_id"] == "OMA205"} == {"PASS"}


def test_file_reads_no_credentials_the_ci_job_left_in_the_checkout(tmp_path: Path) -> None:
    """`.git/config` holds the job's token after a checkout that keeps credentials: file() routed it into a
    callback URL, and so into every report. Only templates and YAML/JSON outside hidden folders are read."""
    token = "ghs_canaryTokenFromTheCheckout0123456789"
    client = CLIENT.replace('[format("https://%s/callback", var.host)]', '[file(".git/config"), file("ci.env")]')
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client,
                                   ".git/config": f"[http]\n  extraheader = AUTHORIZATION: basic {token}\n",
                                   "ci.env": f"TOKEN={token}\n"})
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "table,json,sarif,junit,markdown,html,csv",
                                "-o", str(out), cwd=tmp_path)
    texts = [p.read_text() for p in out.iterdir()]
    assert len(texts) == 7
    assert all(token[:12] not in t for t in [*texts, result.stdout, result.stderr])
    report = json.loads((out / "report.json").read_text())
    status, message = _verdict(report, "OMA301")
    assert status == "SKIPPED" and "only templates and YAML or JSON files outside hidden folders are" in message


def test_a_var_file_value_routed_into_a_reported_field_is_redacted(tmp_path: Path) -> None:
    """The operator's own tfvars (a CI secret) must not surface through a field a rule quotes."""
    secret = "prod-db-password-0b7e61c4a2"
    client = CLIENT.replace('[format("https://%s/callback", var.host)]', '["http://localhost/${var.db_password}"]')
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES + 'variable "db_password" {}\n',
                                   "client.tf": client})
    extra = tmp_path / "prod.tfvars"
    extra.write_text(f'db_password = "{secret}"\n')
    _, report, stderr = _scan(tmp_path, "--terraform", str(tree), "--var-file", str(extra))
    status, message = _verdict(report, "OMA301")
    assert status == "FAIL" and secret not in message and secret[:12] not in json.dumps(report) + stderr


@pytest.mark.parametrize(("files", "expected"), [
    ({"main.tf": STRONG.replace("ADMIN_ONLY", "true"),
      "weak.tf.json": '{"resource": {"aws_cognito_user_pool": {"a": {"name": "a"}}},'
                      ' "resource": {"aws_cognito_user_pool": {"b": {"name": "b"}}}}'},
     "tf/weak.tf.json: a key repeated in one object"),
    ({"main.tf": STRONG.replace("ADMIN_ONLY", "true"),
      "pool_override.tf": 'resource "aws_cognito_user_pool" "pool" {\n  mfa_configuration = "OFF"\n}\n'},
     "tf/pool_override.tf is an override file, which omaudit does not merge"),
])
def test_what_omaudit_cannot_read_as_terraform_does_stops_the_gate(tmp_path: Path, files: dict[str, str],
                                                                   expected: str) -> None:
    tree = _tree(tmp_path / "tf", files)
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 2 and report == {} and expected in stderr


def test_a_pool_that_may_not_be_created_is_a_target_of_its_own(tmp_path: Path) -> None:
    """Beside a hardened decoy, a weak pool under `count = var.enabled ? 1 : 0` (no value) was only a
    note: now its own target, every rule SKIPPED naming why."""
    main = STRONG.replace("ADMIN_ONLY", "true") + '''
variable "enabled" {
  type = bool
}
resource "aws_cognito_user_pool" "weak" {
  count = var.enabled ? 1 : 0
  name  = "weak"
}
'''
    tree = _tree(tmp_path / "tf", {"main.tf": main})
    _, report, _ = _scan(tmp_path, "--terraform", str(tree))
    weak = [f for f in report["findings"] if f["target"].endswith("#aws_cognito_user_pool.weak")]
    assert weak and {f["status"] for f in weak} == {"SKIPPED"}
    assert all("var.enabled has no default" in f["message"] for f in weak if f["rule_id"] == "OMA205")


@pytest.mark.parametrize(("expression", "status"), [
    ("length(range(3, 0)) == 3", "PASS"),  # Terraform counts down: [3, 2, 1]
    ("try(tonumber(\"1_0\") == 10, false)", "FAIL"),  # not a number in Terraform: the fallback
    ("try(format(\"%d\", 1.5) == \"1\", false)", "FAIL"),  # Terraform refuses %d of a fraction
    ("try(length(slice([1], 0, 5)) == 1, false)", "FAIL"),  # out of range in Terraform
    ("length(range(0, 1, 0.5)) == 2", "PASS"),  # fractional steps are valid
])
def test_functions_behave_as_terraforms(tmp_path: Path, expression: str, status: str) -> None:
    tree = _tree(tmp_path / "tf", {"main.tf": STRONG.replace("ADMIN_ONLY", expression)})
    _, report, _ = _scan(tmp_path, "--terraform", str(tree))
    assert _verdict(report, "OMA205")[0] == status


@pytest.mark.parametrize(("block", "status"), [
    # strvals: index 1 of [alice, admin] becomes bob -> [alice, bob]
    ('set {\n    name  = "openmetadata.config.authorizer.initialAdmins[1]"\n    value = "bob"\n  }', "PASS"),
    # index 0 over [alice, admin] -> [admin, admin]
    ('set {\n    name  = "openmetadata.config.authorizer.initialAdmins[0]"\n    value = "admin"\n  }', "FAIL"),
    # set_list replaces the list (Helm provider >= 2.10)
    ('set_list {\n    name  = "openmetadata.config.authorizer.initialAdmins"\n    value = ["carol"]\n  }', "PASS"),
])
def test_set_and_set_list_follow_helms_set_syntax(tmp_path: Path, block: str, status: str) -> None:
    """The template gives initialAdmins [alice, admin] (OMA503 FAIL); a `set` with an index or a
    `set_list` changes that list as `helm --set` does."""
    release = RELEASE.replace("  set_sensitive {", "  " + block + "\n  set_sensitive {")
    tree = _tree(tmp_path / "tf", {"main.tf": release, "values.tftpl": TEMPLATE})
    _, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert _verdict(report, "OMA503")[0] == status, stderr
    assert _line(report, "OMA503") == ("tf/main.tf", 9)  # the set block


# ---- unknowns that no rule reads hide nothing (found on public modules) ---------------------------

WILD_POOL = '''
variable "region" {}
variable "idp_enabled" {}
variable "clients" {
  type = list(string)
}
resource "aws_cognito_user_pool" "pool" {
  name = "p"
  admin_create_user_config {
    allow_admin_create_user_only = false
  }
  email_configuration {
    source_arn            = aws_ses_domain_identity.main.arn
    email_sending_account = "DEVELOPER"
  }
  verification_message_template {
    email_message = "Your code for ${var.region} is {####}"
  }
  mfa_configuration = "ON"
  software_token_mfa_configuration {
    enabled = true
  }
  sms_configuration {
    external_id    = "x"
    sns_caller_arn = aws_iam_role.sms.arn
    sns_region     = var.region
  }
}
resource "aws_cognito_identity_provider" "google" {
  user_pool_id  = aws_cognito_user_pool.pool.id
  provider_name = "Google"
  provider_type = "Google"
}
resource "aws_cognito_user_pool_client" "web" {
  name                         = "web"
  user_pool_id                 = aws_cognito_user_pool.pool.id
  explicit_auth_flows          = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  supported_identity_providers = var.idp_enabled ? [aws_cognito_identity_provider.google.provider_name] : []
}
resource "aws_cognito_user_pool_client" "more" {
  count         = length(var.clients)
  name          = "more-${count.index}"
  user_pool_id  = aws_cognito_user_pool.pool.id
  callback_urls = ["http://localhost:8585/callback"]
}
'''


def test_unknowns_no_rule_reads_leave_the_pool_judged(tmp_path: Path) -> None:
    """Decided from the file before running: an SES sender, a verification text and an SNS region
    known only at apply are read by no rule; so OMA205 FAILs (allow_admin_create_user_only = false, l.10),
    OMA203 PASSes (ON with TOTP), and the unknown identity providers of `web` do not hide that it offers
    SRP (the pool is not federated-only). The counted client may exist or not: its callback (OMA301)
    is SKIPPED naming var.clients, never dropped; OMA212 reads the SMS factor, unknown: SKIPPED."""
    tree = _tree(tmp_path / "tf", {"main.tf": WILD_POOL})
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 1, stderr
    assert _verdict(report, "OMA205")[0] == "FAIL" and _line(report, "OMA205") == ("tf/main.tf", 10)
    assert _verdict(report, "OMA203")[0] == "PASS"
    status, message = _verdict(report, "OMA301")
    assert status == "SKIPPED" and "var.clients" in message
    status, message = _verdict(report, "OMA212")
    assert status == "SKIPPED" and "sms_configuration" in message and "var.region has no default" in message


def test_a_module_of_only_a_client_that_may_not_exist_is_judged_not_refused(tmp_path: Path) -> None:
    """lgallard's client.tf alone: the client's for_each is unknown, its pool is elsewhere. Not "no
    Cognito resource" (exit 2): the client is judged with what it writes unknown (OMA301 SKIPPED)."""
    module = '''
variable "enabled" {}
resource "aws_cognito_user_pool_client" "client" {
  count         = var.enabled ? 1 : 0
  name          = "c"
  user_pool_id  = var.pool_id
  callback_urls = ["http://localhost:8585/callback"]
}
'''
    tree = _tree(tmp_path / "tf", {"client.tf": module})
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code in (0, 1), stderr
    status, message = _verdict(report, "OMA301")
    assert status == "SKIPPED" and "may be created or not" in message and "var.enabled" in message


def test_a_template_leaving_the_email_sender_to_a_parameter_is_still_judged(tmp_path: Path) -> None:
    """The same table serves CloudFormation: a `!Ref` inside EmailConfiguration, a `!Sub` in the
    verification text, and OMA205 FAILs at AllowAdminCreateUserOnly (l.10), not SKIPPED."""
    template = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Sender:
    Type: String
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      AdminCreateUserConfig:
        AllowAdminCreateUserOnly: false
      EmailConfiguration:
        EmailSendingAccount: DEVELOPER
        SourceArn: !Ref Sender
      VerificationMessageTemplate:
        EmailMessage: !Sub "code for ${Sender} {####}"
'''
    tree = _tree(tmp_path / "cfn", {"t.yaml": template})
    code, report, stderr = _scan(tmp_path, "--cloudformation", str(tree / "t.yaml"))
    assert code == 1, stderr
    assert _verdict(report, "OMA205")[0] == "FAIL" and _line(report, "OMA205") == ("cfn/t.yaml", 10)


# ---- issue 25: the web ACL and the identity pools, from files ----------------------------------------

PERIMETER_TF = '''resource "aws_cognito_user_pool" "pool" {
  name = "om"
}
resource "aws_cognito_user_pool_client" "om" {
  name         = "om"
  user_pool_id = aws_cognito_user_pool.pool.id
}
resource "aws_wafv2_web_acl_association" "pool" {
  resource_arn = aws_cognito_user_pool.pool.arn
  web_acl_arn  = aws_wafv2_web_acl.main.arn
}
resource "aws_cognito_identity_pool" "guests" {
  identity_pool_name               = "guests"
  allow_unauthenticated_identities = true
  cognito_identity_providers {
    client_id     = aws_cognito_user_pool_client.om.id
    provider_name = aws_cognito_user_pool.pool.endpoint
  }
}
resource "aws_cognito_identity_pool" "tidy" {
  identity_pool_name               = "tidy"
  allow_unauthenticated_identities = false
  dynamic "cognito_identity_providers" {
    for_each = [1]
    content {
      client_id     = aws_cognito_user_pool_client.om.id
      provider_name = aws_cognito_user_pool.pool.endpoint
    }
  }
}
resource "aws_cognito_identity_pool_roles_attachment" "tidy" {
  identity_pool_id = aws_cognito_identity_pool.tidy.id
  role_mapping {
    identity_provider         = "om"
    ambiguous_role_resolution = "AuthenticatedRole"
    type                      = "Token"
  }
}
resource "aws_cognito_identity_pool" "elsewhere" {
  identity_pool_name               = "elsewhere"
  allow_unauthenticated_identities = true
  cognito_identity_providers {
    client_id     = "abc"
    provider_name = "cognito-idp.us-east-1.amazonaws.com/us-east-1_other"
  }
}
'''


def _perimeter(report: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return sorted((f["rule_id"], f["status"], f["severity"], f["location"]["line"]) for f in report["findings"]
                  if f["rule_id"] in ("OMA217", "OMA218"))


def test_web_acl_and_identity_pools_are_linked_to_the_pool_in_hcl(tmp_path: Path) -> None:
    """Decided from the file: the association names the pool's ARN (OMA217 PASS, l.8); `guests`
    trusts the pool's endpoint with guest access (OMA218 FAIL high, l.12); `tidy` (a dynamic provider
    block, a loose Token mapping) PASSes at l.20; `elsewhere` trusts another pool: not listed."""
    tree = _tree(tmp_path / "tf", {"main.tf": PERIMETER_TF})
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert _perimeter(report) == [("OMA217", "PASS", "medium", 8), ("OMA218", "FAIL", "high", 12),
                                  ("OMA218", "PASS", "medium", 20)], stderr
    tidy = next(f for f in report["findings"] if f["rule_id"] == "OMA218" and f["status"] == "PASS")
    assert tidy["evidence"]["ambiguous_tokens_get_authenticated_role"] == ["om"]
    assert code == 1


def test_no_association_in_the_files_fails_oma217_at_the_pool(tmp_path: Path) -> None:
    """As Checkov judges a resource the scanned files leave unprotected: no association names the
    pool, so OMA217 FAILs at the pool (l.1); no identity pool trusts it: OMA218 PASSes."""
    tree = _tree(tmp_path / "tf", {"main.tf": PERIMETER_TF.split('resource "aws_wafv2_web_acl_association"')[0]})
    _, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert _perimeter(report) == [("OMA217", "FAIL", "medium", 1), ("OMA218", "PASS", "medium", 1)], stderr


PERIMETER_CFN = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Guests:
    Type: String
    Default: "true"
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      AdminCreateUserConfig:
        AllowAdminCreateUserOnly: true
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
  Identities:
    Type: AWS::Cognito::IdentityPool
    Properties:
      IdentityPoolName: identities
      AllowUnauthenticatedIdentities: !Ref Guests
      CognitoIdentityProviders:
        - ClientId: !Ref Client
          ProviderName: !GetAtt Pool.ProviderName
  Classic:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: false
      AllowClassicFlow: true
      CognitoIdentityProviders:
        - ClientId: !Ref Client
          ProviderName: !Sub "cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"
'''


def test_web_acl_and_identity_pools_in_a_template(tmp_path: Path) -> None:
    """Decided from the template: no AWS::WAFv2::WebACLAssociation (OMA217 FAIL at the pool, l.7);
    `Identities` takes guest access from a parameter whose default is "true" (FAIL high, l.16);
    `Classic` allows the basic flow and names the pool through a !Sub (FAIL medium, l.24)."""
    tree = _tree(tmp_path / "cfn", {"t.yaml": PERIMETER_CFN})
    _, report, stderr = _scan(tmp_path, "--cloudformation", str(tree / "t.yaml"))
    assert _perimeter(report) == [("OMA217", "FAIL", "medium", 7), ("OMA218", "FAIL", "high", 16),
                                  ("OMA218", "FAIL", "medium", 24)], stderr
    with_acl = PERIMETER_CFN + ('''  AclOnPool:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !GetAtt Pool.Arn
      WebACLArn: arn:aws:wafv2:us-east-1:123456789012:regional/webacl/om/1
''')
    tree = _tree(tmp_path / "cfn2", {"t.yaml": with_acl})
    _, report, stderr = _scan(tmp_path, "--cloudformation", str(tree / "t.yaml"))
    assert _perimeter(report)[0] == ("OMA217", "PASS", "medium", 32), stderr


def test_web_acl_and_identity_pools_in_a_plan(tmp_path: Path) -> None:
    """The hardened plan (tests/data/files/terraform/plan-hardened.json) with an association and a
    guest identity pool added as `terraform show -json` writes them: configuration references link
    them (the nested cognito_identity_providers' provider_name)."""
    plan = json.loads((DATA / "files" / "terraform" / "plan-hardened.json").read_text())
    pool = "aws_cognito_user_pool.openmetadata"
    plan["resource_changes"] += [
        {"address": "aws_wafv2_web_acl_association.om", "mode": "managed", "type": "aws_wafv2_web_acl_association",
         "name": "om", "change": {"actions": ["create"], "before": None, "after": {}, "after_unknown": {
             "resource_arn": True, "web_acl_arn": True}}},
        {"address": "aws_cognito_identity_pool.guests", "mode": "managed", "type": "aws_cognito_identity_pool",
         "name": "guests", "change": {"actions": ["create"], "before": None, "after": {
             "identity_pool_name": "guests", "allow_unauthenticated_identities": True, "allow_classic_flow": False},
             "after_unknown": {"cognito_identity_providers": True}}}]
    plan["configuration"]["root_module"]["resources"] += [
        {"address": "aws_wafv2_web_acl_association.om", "mode": "managed", "type": "aws_wafv2_web_acl_association",
         "name": "om", "expressions": {"resource_arn": {"references": [f"{pool}.arn", pool]},
                                       "web_acl_arn": {"references": ["aws_wafv2_web_acl.main.arn",
                                                                      "aws_wafv2_web_acl.main"]}}},
        {"address": "aws_cognito_identity_pool.guests", "mode": "managed", "type": "aws_cognito_identity_pool",
         "name": "guests", "expressions": {"identity_pool_name": {"constant_value": "guests"},
                                           "cognito_identity_providers": [{
                                               "provider_name": {"references": [f"{pool}.endpoint", pool]},
                                               "client_id": {"references": [
                                                   "aws_cognito_user_pool_client.openmetadata.id"]}}]}}]
    tree = _tree(tmp_path / "plan", {"plan.json": json.dumps(plan, indent=1)})
    _, report, stderr = _scan(tmp_path, "--terraform-plan", str(tree / "plan.json"))
    got = sorted((f["rule_id"], f["status"], f["severity"]) for f in report["findings"]
                 if f["rule_id"] in ("OMA217", "OMA218"))
    assert got == [("OMA217", "PASS", "medium"), ("OMA218", "FAIL", "high")], stderr


SSM = '''
resource "aws_ssm_parameter" "callback" {
  name  = "/openmetadata/callback"
  type  = "String"
  value = "http://localhost:8585/callback"
}

resource "aws_ssm_parameter" "hosts" {
  count = 2
  name  = "/openmetadata/host-${count.index}"
  type  = "String"
  value = "https://om-${count.index}.example.com/callback"
}

resource "aws_lb" "om" {
  name = "openmetadata"
}
'''


@pytest.mark.parametrize(("callback", "status", "says"), [
    # An argument another resource writes is known at plan time: the localhost URL is judged.
    ("[aws_ssm_parameter.callback.value]", "FAIL", "http://localhost:8585/callback"),
    # Under count, by index and by splat.
    ("[aws_ssm_parameter.hosts[1].value]", "PASS", ""),
    ("aws_ssm_parameter.hosts[*].value", "PASS", ""),
    # What the provider computes is known after apply, and named.
    ('["https://${aws_lb.om.dns_name}/callback"]', "SKIPPED", "aws_lb.om.dns_name: another resource's attribute"),
    # A resource type this module does not declare: as before.
    ("[aws_route53_record.om.fqdn]", "SKIPPED", "aws_route53_record.om.fqdn: another resource's attribute"),
])
def test_an_argument_another_resource_writes_is_read_as_terraform_knows_it(callback: str, status: str, says: str,
                                                                          tmp_path: Path) -> None:
    client = CLIENT.replace('[format("https://%s/callback", var.host)]', callback)
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client, "ssm.tf": SSM})
    _code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    verdict, message = _verdict(report, "OMA301")
    assert verdict == status, (message, stderr)
    assert says in message


def test_resources_that_refer_to_each_other_are_unknown_not_endless(tmp_path: Path) -> None:
    loop = '''
resource "aws_ssm_parameter" "a" {
  name  = aws_ssm_parameter.b.name
  type  = "String"
  value = "x"
}

resource "aws_ssm_parameter" "b" {
  name  = aws_ssm_parameter.a.name
  type  = "String"
  value = "y"
}
'''
    client = CLIENT.replace('[format("https://%s/callback", var.host)]', "[aws_ssm_parameter.a.name]")
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client, "loop.tf": loop})
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 1, stderr
    verdict, message = _verdict(report, "OMA301")
    assert verdict == "SKIPPED" and "refers to itself" in message


SECRET = "CISECRET-hunter2-XYZ"  # the operator's, in a --var-file outside the checkout: a CI secret
LEAK = '''
variable "db_password" {
  type = string
}

variable "pin" {
  type = number
}

variable "env" {
  type = string
}

resource "aws_ssm_parameter" "p" {
  name  = "x"
  type  = "SecureString"
  value = var.db_password
}

resource "null_resource" "n" {
  for_each = toset([var.db_password])
}
'''
TEMPLATE_PIECE = "${substr(s, 0, 3)}"


@pytest.mark.parametrize("callback", [
    # The first attack: the secret in 3-character pieces, shorter than any masking catches.
    "[for i in range(7) : \"http://localhost:8585/p${i}-${substr(aws_ssm_parameter.p.value, i * 3, 3)}\"]",
    '["http://localhost:8585/${substr(var.db_password, 0, 3)}",'
    ' "http://localhost:8585/${substr(var.db_password, 3, 3)}"]',
    '["http://localhost:8585/${replace(var.db_password, "-", "_")}"]',
    # One bit at a time: a comparison, a lookup keyed by it, a condition.
    '[var.db_password == "CISECRET-hunter2-XYZ" ? "http://localhost:8585/yes" : "https://no.example.com/cb"]',
    '[{ "CISECRET-hunter2-XYZ" = "http://localhost:8585/yes" }[var.db_password]]',
    # The second attack, on a taint kept with the value: an object key, a template file, a for_each key,
    # a number.
    '["http://localhost:8585/${substr(keys({ (var.db_password) = 1 })[0], 0, 3)}"]',
    '["http://localhost:8585/${substr(templatefile("${path.module}/t.tpl", { s = var.db_password }), 0, 3)}"]',
    '["http://localhost:8585/${substr(keys(null_resource.n)[0], 0, 3)}"]',
    '["http://localhost:8585/${floor(var.pin / 1000)}"]',
])
def test_no_part_of_an_operator_s_var_file_value_is_computed(callback: str, tmp_path: Path) -> None:
    client = CLIENT.replace('[format("https://%s/callback", var.host)]', callback)
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client, "leak.tf": LEAK,
                                   "t.tpl": "${s}"})
    secrets = tmp_path.parent / f"{tmp_path.name}-secret.tfvars"  # outside the scanned folder
    secrets.write_text(f'db_password = "{SECRET}"\npin = 123456789\nenv = "prod"\n')
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--terraform", str(tree), "--var-file", str(secrets), "-f",
                                "json,sarif,markdown,html,csv,junit,table", "-o", str(out), cwd=tmp_path)
    report = json.loads((out / "report.json").read_text())
    status, message = _verdict(report, "OMA301")
    # Unknown, for the withheld value's reason or for one it causes further on (a template left unrendered,
    # a for_each over an unknown set, an unknown number): never judged from the value.
    assert status == "SKIPPED", message
    written = result.stdout + result.stderr + "".join(p.read_text() for p in out.iterdir())
    # The pieces where the attack puts them (bare 3-letter pieces such as "CIS" occur in rule documentation).
    for piece in ("p0-CIS", "8585/CIS", "8585/ECR", "_hunter", "hunter2", "_XYZ", "8585/yes", "8585/123"):
        assert piece not in written, piece


def test_a_var_file_in_the_repository_is_read_as_repository_content(tmp_path: Path) -> None:
    """A --var-file inside the scanned folder is the repository's: evaluated, conditions decided."""
    client = CLIENT.replace('[format("https://%s/callback", var.host)]',
                            '[var.env == "prod" ? "http://localhost:8585/callback" : "https://ok.example.com/cb"]')
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client, "leak.tf": LEAK})
    values = tmp_path / "prod.tfvars"
    values.write_text(f'db_password = "{SECRET}"\npin = 1\nenv = "prod"\n')
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree), "--var-file", str(values))
    assert _verdict(report, "OMA301")[0] == "FAIL"


def test_an_argument_under_ignore_changes_is_what_the_state_holds_not_what_is_written(tmp_path: Path) -> None:
    ssm = SSM.replace('  value = "http://localhost:8585/callback"\n',
                      '  value = "http://localhost:8585/callback"\n  lifecycle {\n    ignore_changes = [value]\n  }\n')
    client = CLIENT.replace('[format("https://%s/callback", var.host)]', "[aws_ssm_parameter.callback.value]")
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client, "ssm.tf": ssm})
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA301")
    assert status == "SKIPPED" and "aws_ssm_parameter.callback.value: another resource's attribute" in message


def test_a_judged_argument_under_ignore_changes_is_unknown_not_judged_as_written(tmp_path: Path) -> None:
    """An attack: a hardened callback written under `ignore_changes = all` passed, though Terraform never
    applies it to the existing client."""
    errors = '  prevent_user_existence_errors = "ENABLED"\n'
    client = CLIENT.replace(errors, errors + '  lifecycle {\n    ignore_changes = all\n  }\n')
    client = client.replace('[format("https://%s/callback", var.host)]', '["https://om.example.com/callback"]')
    tree = _tree(tmp_path / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client})
    _code, report, _ = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA301")
    assert status == "SKIPPED" and "is under lifecycle ignore_changes" in message


@pytest.mark.parametrize("chart", [
    # Attacks: a chart by URL was not recognised (OMA501 SKIPPED, exit 0); a local path with
    # `version = "0.0.52"` chose 0.0.52's defaults though the provider installs what the path holds.
    'chart = "https://helm.open-metadata.org/charts/openmetadata-1.13.1.tgz"',
    'chart = "./charts/openmetadata"\n  version = "0.0.52"',
    'chart = "oci://registry.example.com/charts/openmetadata"',
])
def test_a_release_by_url_or_path_is_the_openmetadata_chart_at_the_newest_defaults(chart: str,
                                                                                   tmp_path: Path) -> None:
    release = RELEASE.replace('''  set_sensitive {
    name  = "openmetadata.config.fernetkey.value"
    value = var.fernet
  }
''', '').replace('  repository = "https://helm.open-metadata.org"\n  chart      = "openmetadata"\n'
                 '  version    = "1.12.3"\n', f"  {chart}\n")
    tree = _tree(tmp_path / "tf", {"main.tf": release, "values.tftpl": TEMPLATE})
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    status, message = _verdict(report, "OMA501")
    assert (code, status) == (1, "FAIL"), stderr
    assert "openmetadata-1.13.1" in message or "chart's default" in message


def test_a_scanned_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    """An attack: the pull request made `infra` a link to `..`, where the CI job keeps its var-file, so
    the file counted as inside the scanned folder and was printed in pieces."""
    checkout = tmp_path / "checkout"
    _tree(checkout / "real", {"main.tf": POOL, "variables.tf": VARIABLES})
    (checkout / "infra").symlink_to("..")
    code, report, stderr = _scan(checkout, "--dir", "infra")
    assert code == 2 and report == {} and "is a link" in stderr and "Traceback" not in stderr


def test_a_var_file_reached_through_a_link_is_the_operator_s(tmp_path: Path) -> None:
    outside = tmp_path / "ci"
    outside.mkdir()
    (outside / "secret.tfvars").write_text(f'db_password = "{SECRET}"\npin = 1\nenv = "prod"\n')
    checkout = tmp_path / "checkout"
    client = CLIENT.replace('[format("https://%s/callback", var.host)]',
                            '["http://localhost:8585/${substr(var.db_password, 0, 3)}"]')
    tree = _tree(checkout / "tf", {"main.tf": POOL, "variables.tf": VARIABLES, "client.tf": client, "leak.tf": LEAK})
    (checkout / "tf" / "ci").symlink_to(outside)
    _code, report, stderr = _scan(checkout, "--terraform", str(tree), "--var-file", "tf/ci/secret.tfvars")
    status, message = _verdict(report, "OMA301")
    assert status == "SKIPPED" and "outside the scanned folder" in message, stderr
    assert "8585/CIS" not in json.dumps(report)


# ---- a sixth attack (/work/review-stop32.md): a helm_release is its own deployment -----------------------------

_HARDENED_VALUES = (
    "openmetadata:\n  config:\n    fernetkey: {secretRef: openmetadata-fernet, secretKey: fernet-key}\n"
    "    jwtTokenConfiguration:\n      rsapublicKeyFilePath: /etc/om-jwt/public_key.der\n"
    "      rsaprivateKeyFilePath: /etc/om-jwt/private_key.der\n      keyId: 6f1c2b7e-0d7a-4c55-9a55-1d2f3e4a5b6c\n"
    "    authorizer: {initialAdmins: [platform-admin]}\n")


def _by_target(report: dict[str, Any], rule: str) -> dict[str, str]:
    return {f["target"]: f["status"] for f in report["findings"] if f["rule_id"] == rule}


def test_a_values_file_the_helm_release_never_reads_is_another_deployment(tmp_path: Path) -> None:
    """A hardened values.yaml anywhere in the tree gave every setting, and the helm_release beside it
    (the chart's defaults: the shipped Fernet key) was never judged: the gate was green."""
    tree = tmp_path / "repo"
    (tree / "infra").mkdir(parents=True)
    (tree / "hardening").mkdir()
    (tree / "infra" / "main.tf").write_text(
        'resource "helm_release" "openmetadata" {\n  name = "openmetadata"\n'
        '  repository = "https://helm.open-metadata.org"\n  chart = "openmetadata"\n  version = "1.12.1"\n}\n')
    (tree / "hardening" / "values.yaml").write_text(_HARDENED_VALUES)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert _by_target(report, "OMA501") == {"files": "PASS", "infra": "FAIL"}, stderr
    assert code == 1
    assert "OpenMetadata deployed both by a Terraform helm_release (infra) and by --helm-values: each is its own " \
           "target, judged alone" in stderr


def test_a_chart_folder_of_the_tree_is_the_chart_its_chart_yaml_names(tmp_path: Path) -> None:
    """`chart = "../charts/om"`: a copy of the openmetadata chart under another folder name. Its
    Chart.yaml says openmetadata, so the release is judged (its `set` blocks ship the Fernet key);
    a folder whose Chart.yaml names another chart is not OpenMetadata."""
    tree = tmp_path / "repo"
    (tree / "infra").mkdir(parents=True)
    (tree / "charts" / "om").mkdir(parents=True)
    (tree / "charts" / "om" / "Chart.yaml").write_text("apiVersion: v2\nname: openmetadata\nversion: 1.13.1\n")
    (tree / "infra" / "main.tf").write_text(
        'resource "helm_release" "om" {\n  name = "om"\n  chart = "../charts/om"\n'
        '  set {\n    name = "openmetadata.config.fernetkey.value"\n'
        '    value = "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA="\n  }\n}\n')
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree / "infra"))
    finding = next(f for f in report["findings"] if f["rule_id"] == "OMA501")
    assert (code, finding["status"], finding["location"]) == (1, "FAIL", {"file": "repo/infra/main.tf", "line": 4}), \
        stderr
    (tree / "charts" / "om" / "Chart.yaml").write_text("apiVersion: v2\nname: mysql\nversion: 9.0.0\n")
    code, _, stderr = _scan(tmp_path, "--terraform", str(tree / "infra"))
    assert code == 2 and "has no aws_cognito_user_pool" in stderr


@pytest.mark.parametrize(("chart", "where"), [("charts/catalog", "infra"), ("${path.module}/charts/catalog", "infra")])
def test_a_chart_folder_found_as_helm_finds_it(tmp_path: Path, chart: str, where: str) -> None:
    """Helm's LocateChart takes a path that exists before any repository, `./` or not: `charts/catalog`
    holding the openmetadata chart is that chart, at its Chart.yaml's version (a seventh attack passed
    the shipped Fernet key through `set` on it, unjudged)."""
    tree = tmp_path / "repo"
    (tree / where / "charts" / "catalog").mkdir(parents=True)
    (tree / where / "charts" / "catalog" / "Chart.yaml").write_text("apiVersion: v2\nname: openmetadata\n"
                                                                     "version: 1.12.1\n")
    (tree / where / "main.tf").write_text(
        f'resource "helm_release" "catalog" {{\n  name = "catalog"\n  chart = "{chart}"\n'
        '  set {\n    name = "openmetadata.config.fernetkey.value"\n'
        '    value = "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA="\n  }\n}\n')
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert (code, _verdict(report, "OMA501")[0]) == (1, "FAIL"), stderr
    assert "installs the tree's chart folder" in stderr and "(version 1.12.1, its Chart.yaml)" in stderr


def test_an_umbrella_chart_of_openmetadata_is_a_deployment_left_unknown(tmp_path: Path) -> None:
    """A local umbrella chart whose dependencies name openmetadata installs it; its values (under the
    dependency) are not rendered through Terraform: every OpenMetadata setting is unknown, and a gate
    that judged nothing else is not green."""
    tree = tmp_path / "repo"
    (tree / "charts" / "platform").mkdir(parents=True)
    (tree / "charts" / "platform" / "Chart.yaml").write_text(
        "apiVersion: v2\nname: platform\nversion: 0.1.0\ndependencies:\n  - name: openmetadata\n"
        "    version: 1.13.1\n    repository: https://helm.open-metadata.org\n")
    (tree / "main.tf").write_text('resource "helm_release" "platform" {\n  name = "platform"\n'
                                  '  chart = "./charts/platform"\n}\n')
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    status, message = _verdict(report, "OMA501")
    assert (code, status) == (3, "SKIPPED"), stderr
    assert "an umbrella chart whose dependency is openmetadata" in message


def test_an_interpolation_written_over_several_lines_is_valid_hcl(tmp_path: Path) -> None:
    """Newlines inside `${ }` are valid HCL (squidfunk/terraform-aws-cognito-auth writes them), which the
    grammar refused (exit 2); every later line keeps its number."""
    tree = tmp_path / "tf"
    tree.mkdir()
    (tree / "main.tf").write_text(
        'variable "region" {\n  default = "eu-west-1"\n}\n'
        'locals {\n  issuer = "cognito-idp.${\n    var.region\n    }.amazonaws.com/${\n    var.region\n  }"\n}\n'
        'resource "aws_cognito_user_pool" "pool" {\n  name = local.issuer\n}\n')
    code, report, stderr = _scan(tmp_path, "--terraform", str(tree))
    assert code == 1, stderr
    signup = next(f for f in report["findings"] if f["rule_id"] == "OMA205")
    assert (signup["status"], signup["location"]["line"]) == ("FAIL", 11)
