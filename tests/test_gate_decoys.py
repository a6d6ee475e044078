"""A pull request's author adds or renames files beside an unchanged, insecure deployment so that the gate
goes green (a fourth attack, /work/review4-stop31.md). Each case starts from a file nobody here wrote
(tests/data/real) that the gate fails, adds what the attack added, and asserts the gate still fails,
as the real tool would deploy the same insecure settings:
- Compose reads `.env` for its `${}` and a service's `env_file:`; an env file nobody names sets nothing
  (docs.docker.com, "Environment variables precedence" / "Set environment variables");
- in a service's `environment:` list, a later entry wins (compose-go);
- a chart's loader reads `values.yaml` only (Helm's chartutil.ValuesfileName);
- kustomize refuses a resource file outside the kustomization's folder (LoadRestrictionsRootOnly);
- a plan that does not hold the .tf files' own resources is not their plan.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, run_cli_in_process

REAL = DATA / "real"
COMPOSE = REAL / "compose" / "openmetadata-1.13.1-quickstart-docker-compose.yml"


def _gate(tree: Path, tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", ".", "--fail-on", "high", "-f", "json", "-o", str(out), cwd=tree)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return result.code, report, result.stderr


def _gate_on(tmp_path: Path, name: str, text: str) -> tuple[int, dict[str, Any], str]:
    """The gate on a tree of one file."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / name).write_text(text)
    return _gate(tree, tmp_path)


def _status(report: dict[str, Any], rule: str) -> str:
    return str(next(f for f in report["findings"] if f["rule_id"] == rule)["status"])


def _fails(report: dict[str, Any]) -> set[str]:
    return {f["rule_id"] for f in report["findings"] if f["status"] == "FAIL"}


def test_an_env_file_nobody_names_beside_a_compose_file_sets_nothing(tmp_path: Path) -> None:
    tree = tmp_path / "deploy"
    tree.mkdir()
    shutil.copy(COMPOSE, tree / "docker-compose.yml")
    (tree / "hardening.env").write_text("FERNET_KEY=$${OM_FERNET_KEY}\nAUTHORIZER_ADMIN_PRINCIPALS=[platform-admin]\n"
                                        "RSA_PRIVATE_KEY_FILE_PATH=/secrets/private_key.der\n")
    code, report, stderr = _gate(tree, tmp_path)
    assert code == 1, stderr
    assert {"OMA501", "OMA502", "OMA503"} <= _fails(report)
    assert any("not used: hardening.env" in note for note in report["notes"])


def test_an_env_file_the_service_names_is_its_environment(tmp_path: Path) -> None:
    tree = tmp_path / "deploy"
    tree.mkdir()
    text = COMPOSE.read_text()
    # The server service names it; a later env_file entry and `environment:` still win over it.
    (tree / "docker-compose.yml").write_text(text.replace(
        "  openmetadata-server:\n", "  openmetadata-server:\n    env_file: server.env\n", 1))
    (tree / "server.env").write_text("AUTHENTICATION_PROVIDER=aws-cognito\n")
    code, report, stderr = _gate(tree, tmp_path)
    assert code == 1, stderr
    provider = next(f for f in report["findings"] if f["rule_id"] == "OMA103")
    # environment: sets AUTHENTICATION_PROVIDER: ${AUTHENTICATION_PROVIDER:-basic}, over env_file.
    assert provider["status"] == "FAIL"


def test_a_later_entry_of_an_environment_list_wins_as_in_compose(tmp_path: Path) -> None:
    code, report, stderr = _gate_on(tmp_path, "docker-compose.yml", (
        "services:\n  openmetadata-server:\n    image: docker.getcollate.io/openmetadata/server:1.13.1\n"
        "    environment:\n      - FERNET_KEY=a-decoy-that-is-not-deployed-000000000000=\n"
        "      - FERNET_KEY=jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=\n"))
    assert code == 1, stderr
    fernet = next(f for f in report["findings"] if f["rule_id"] == "OMA501")
    assert (fernet["status"], fernet["location"]["line"]) == ("FAIL", 6)


def test_a_values_yml_beside_values_yaml_is_not_the_base(tmp_path: Path) -> None:
    tree = tmp_path / "chart"
    tree.mkdir()
    shutil.copy(REAL / "helm" / "values-openmetadata-1.13.1.yaml", tree / "values.yaml")
    (tree / "values.yml").write_text("openmetadata:\n  config:\n    fernetkey:\n      value: ''\n"
                                     "      secretRef: om-fernet\n      secretKey: key\n")
    code, report, stderr = _gate(tree, tmp_path)
    # values.yml is an overlay of its own release (helm -f values.yml), and values.yaml alone, what the
    # chart's loader reads, is its base: its shipped defaults still FAIL beside the overlay's key.
    assert code == 1, stderr
    assert {"OMA502", "OMA503"} <= _fails(report)


def test_a_kustomize_overlay_that_names_a_file_outside_its_folder_is_refused(tmp_path: Path) -> None:
    tree = tmp_path / "k8s"
    (tree / "overlays" / "hardened").mkdir(parents=True)
    shutil.copy(DATA / "files" / "k8s" / "deployment.yaml", tree / "deployment.yaml")
    (tree / "overlays" / "hardened" / "kustomization.yaml").write_text("resources:\n  - ../../deployment.yaml\n")
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and "kustomize refuses to build it" in stderr and "Traceback" not in stderr


def test_a_plan_that_does_not_hold_the_tf_files_resources_does_not_hide_them(tmp_path: Path) -> None:
    tree = tmp_path / "tf"
    shutil.copytree(REAL / "terraform" / "openmetadata-sso-aws", tree)
    (tree / "plan.json").write_text(json.dumps({
        "format_version": "1.2", "planned_values": {"root_module": {"resources": [{
            "address": "aws_cognito_user_pool.decoy", "mode": "managed", "type": "aws_cognito_user_pool",
            "name": "decoy", "values": {"name": "decoy", "mfa_configuration": "ON",
                                        "deletion_protection": "ACTIVE"}}]}}}))
    code, report, stderr = _gate(tree, tmp_path)
    assert code == 1, stderr
    assert any("does not hold" in note for note in report["notes"])


def test_a_glob_suppression_names_what_it_may_mute_instead_of_a_false_warning(tmp_path: Path) -> None:
    """A glob muted five findings while the warning said it muted nothing (the fourth attack's F9)."""
    tree = tmp_path / "deploy"
    tree.mkdir()
    shutil.copy(COMPOSE, tree / "docker-compose.yml")
    (tree / "omaudit-suppressions.toml").write_text(
        '[[suppression]]\nrule = "OMA5[0-9]*"\nreason = "reviewed"\nexpires = "2099-01-01"\n')
    _code, report, stderr = _gate(tree, tmp_path)
    assert "mutes nothing" not in stderr
    assert "a suppression's rule OMA5[0-9]* names" in stderr and "OMA501" in stderr
    assert any(f["status"] == "MUTED" for f in report["findings"])


VALUES = REAL / "helm" / "values-openmetadata-1.13.1.yaml"


def test_a_merge_key_after_the_keys_it_overrides_is_refused(tmp_path: Path) -> None:
    """A fifth attack: go-yaml v2 (Helm, kubectl, Terraform's Helm provider) applies `<<` in order, so a merge
    after hardened keys overwrites them, while the YAML spec (omaudit's reader) kept the hardened ones."""
    tree = tmp_path / "chart"
    tree.mkdir()
    text = VALUES.read_text()
    admins = '      initialAdmins:\n      - "admin"\n'
    assert text.count(admins) == 1
    (tree / "values.yaml").write_text(text.replace(
        admins, '      initialAdmins:\n      - "platform-admin"\n      <<: {initialAdmins: ["admin"]}\n'))
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and "YAML readers disagree on which wins" in stderr and "Traceback" not in stderr


def test_a_merge_key_before_the_keys_that_override_it_is_read_as_every_reader_reads_it(tmp_path: Path) -> None:
    code, report, stderr = _gate_on(tmp_path, "values.yaml", "openmetadata:\n  config:\n    authorizer:\n"
                                    "      <<: {initialAdmins: [admin]}\n      initialAdmins: [platform-admin]\n")
    assert code == 1, stderr  # the chart's other defaults still FAIL
    assert _status(report, "OMA503") == "PASS"


def test_a_section_enabled_null_is_off_as_helm_deletes_a_null_key(tmp_path: Path) -> None:
    """A fifth attack: `enabled: null` turns the section off in the chart (Helm removes a key set to null),
    so the server's shipped key files apply, while omaudit judged the hardened paths beside it."""
    code, report, stderr = _gate_on(tmp_path, "values.yaml", (
        "openmetadata:\n  config:\n    jwtTokenConfiguration:\n      enabled: null\n"
        "      rsapublicKeyFilePath: /secrets/public_key.der\n      rsaprivateKeyFilePath: /secrets/private_key.der\n"
        "      keyId: 7d1e0c55-prod\n"))
    assert code == 1, stderr
    assert _status(report, "OMA502") == "FAIL"


KONG = REAL / "cloudformation" / "aws-modernization-with-kong-cognito.yaml"
_KONG_POOL = slice(20, 38)  # the pool's Properties: lines 21 to 38 of the file (0-based 20..37)


def _kong_with_include(tree: Path, location: str) -> None:
    lines = KONG.read_text().splitlines(keepends=True)
    snippet = "".join(line[12:] for line in lines[_KONG_POOL])  # the properties, unindented
    (tree / "pool-properties.yaml").write_text(snippet)
    include = ("            Fn::Transform:\n                Name: AWS::Include\n                Parameters:\n"
               f"                    Location: {location}\n")
    (tree / "template.yaml").write_text("".join(lines[:_KONG_POOL.start]) + include + "".join(lines[_KONG_POOL.stop:]))


def test_a_pool_whose_properties_are_a_local_include_is_judged_as_one_template(tmp_path: Path) -> None:
    """The fifth attack moved the pool's Properties into a snippet pulled in with AWS::Include: every
    pool rule was SKIPPED and the gate green. `aws cloudformation package` uploads a local Location, so
    the snippet is what deploys: the verdicts are the unchanged template's (OMA205 at the pool, as
    self sign-up is not switched off; OMA305 at the client), with a note naming the snippet."""
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(KONG, tree / "template.yaml")
    code, plain, _ = _gate(tree, tmp_path)
    assert code == 1 and {"OMA205", "OMA305"} <= _fails(plain)
    _kong_with_include(tree, "./pool-properties.yaml")
    shutil.rmtree(tmp_path / "out")
    code, report, stderr = _gate(tree, tmp_path)
    assert code == 1, stderr
    assert _fails(report) == _fails(plain)
    assert "template.yaml:21: AWS::Include of pool-properties.yaml put in place (aws cloudformation package " \
           "uploads it)" in report["notes"]


def test_an_include_from_outside_the_tree_is_not_read(tmp_path: Path) -> None:
    """A Location outside the checkout (or in S3) is not read: the pool stays known only at deploy."""
    (tmp_path / "outside").mkdir()
    tree = tmp_path / "tree"
    tree.mkdir()
    _kong_with_include(tree, "../outside/pool-properties.yaml")
    shutil.move(tree / "pool-properties.yaml", tmp_path / "outside" / "pool-properties.yaml")
    _, report, stderr = _gate(tree, tmp_path)
    assert (_status(report, "OMA205"), _status(report, "OMA305")) == ("SKIPPED", "SKIPPED"), stderr
    pool = next(f for f in report["findings"] if f["rule_id"] == "OMA205")
    assert "CognitoUserPool (Fn::Transform): known only at deploy" in pool["message"]
    assert not any("AWS::Include" in note for note in report.get("notes", []))


def _kong_as_nested_child(tree: Path) -> None:
    """The real template with its two failing settings made parameters whose Defaults are hardened."""
    text = KONG.read_text().replace(
        "Resources:\n",
        '    AdminOnly:\n        Type: String\n        Default: "true"\n        AllowedValues: ["true", "false"]\n'
        '    WriteAttrs:\n        Type: CommaDelimitedList\n'
        '        Default: "family_name,given_name"\n\nResources:\n', 1)
    text = text.replace("            UserPoolName: !Ref PoolName\n",
                        "            UserPoolName: !Ref PoolName\n            AdminCreateUserConfig:\n"
                        "                AllowAdminCreateUserOnly: !Ref AdminOnly\n", 1)
    text = text.replace("            WriteAttributes: \n                - email\n                - family_name\n"
                        "                - given_name\n", "            WriteAttributes: !Ref WriteAttrs\n", 1)
    assert text.count("!Ref AdminOnly") == text.count("!Ref WriteAttrs") == 1
    (tree / "auth.yaml").write_text(text)


# The resource that deploys auth.yaml as a nested stack, its Parameters to follow.
_AUTH_STACK = """Resources:
    Auth:
        Type: AWS::CloudFormation::Stack
        Properties:
            TemplateURL: ./auth.yaml
            Parameters:
"""
_PARENT = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
    ParentAdminOnly: {{Type: String{default}}}
""" + _AUTH_STACK + """                AdminOnly: {admin_only}
                WriteAttrs: "email,family_name,given_name"
"""


@pytest.mark.parametrize(("admin_only", "default", "oma205"), [
    ('"false"', "", "FAIL"),  # the parent's literal wins over the child's Default
    ("!Ref ParentAdminOnly", ', Default: "false"', "FAIL"),  # the parent's own Default
    ("!Ref ParentAdminOnly", "", "SKIPPED"),  # known only when the parent is deployed
])
def test_a_nested_stack_is_judged_with_what_its_parent_passes(tmp_path: Path, admin_only: str, default: str,
                                                              oma205: str) -> None:
    """The fifth attack hardened a child template's Defaults and passed the insecure values from the
    parent's AWS::CloudFormation::Stack: the child was judged with its Defaults, and the gate went green."""
    tree = tmp_path / "tree"
    tree.mkdir()
    _kong_as_nested_child(tree)
    code, alone, stderr = _gate(tree, tmp_path)
    assert (code, _status(alone, "OMA205"), _status(alone, "OMA305")) == (0, "PASS", "PASS"), stderr
    (tree / "main.yaml").write_text(_PARENT.format(admin_only=admin_only, default=default))
    shutil.rmtree(tmp_path / "out")
    code, report, stderr = _gate(tree, tmp_path)
    assert (code, _status(report, "OMA205"), _status(report, "OMA305")) == (1, oma205, "FAIL"), stderr
    assert "auth.yaml: deployed as a nested stack by main.yaml:5: the Parameters it passes are applied over " \
           "the Defaults" in report["notes"]


# ---- a seventh attack (/work/review2-stop32.md): includes and nested stacks as CloudFormation deploys them ------

def _kong_split(tree: Path, include: str, snippet: str) -> None:
    """The real template with its client moved into `snippet` (a map of resources) and `include` put in
    its place (an Fn::Transform beside the other resources)."""
    lines = KONG.read_text().splitlines(keepends=True)
    client = slice(38, 69)  # CognitoAppClient: lines 39 to 69
    (tree / "client.yaml").write_text("".join(line[4:] for line in lines[client]))
    (tree / "template.yaml").write_text("".join(lines[:client.start]) + include + "".join(lines[client.stop:]))
    (tree / "client.yaml").rename(tree / snippet)


_BESIDE = ("    Fn::Transform:\n        Name: AWS::Include\n        Parameters:\n"
           "            Location: {location}\n")


def test_an_include_beside_the_resources_adds_its_resources(tmp_path: Path) -> None:
    """The User Guide's own AWS::Include example: a snippet of resources beside the template's. The
    client it adds (it writes `email`: OMA305) was dropped, and the gate was green."""
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(KONG, tree / "template.yaml")
    _, plain, _ = _gate(tree, tmp_path)
    shutil.rmtree(tmp_path / "out")
    _kong_split(tree, _BESIDE.format(location="./client.yaml"), "client.yaml")
    code, report, stderr = _gate(tree, tmp_path)
    assert (code, _fails(report)) == (1, _fails(plain)), stderr
    assert "OMA305" in _fails(report)
    shutil.rmtree(tmp_path / "out")
    _kong_split(tree, _BESIDE.format(location="s3://bucket/client.yaml"), "client.yaml")
    code, _, stderr = _gate(tree, tmp_path)  # resources omaudit cannot see: refused, never judged without them
    assert code == 2 and "an Fn::Transform omaudit cannot put in place (an S3 Location, or another transform) " \
                         "may add or change resources" in stderr


def test_a_top_level_include_is_refused(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "template.yaml").write_text(KONG.read_text().replace(
        "Resources:\n", "Transform:\n    Name: AWS::Include\n    Parameters:\n        Location: s3://b/x.yaml\n"
                        "Resources:\n", 1))
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and "a top-level AWS::Include transform adds to the template what omaudit cannot see" in stderr


def test_an_include_beside_a_clients_properties_joins_them(tmp_path: Path) -> None:
    """The snippet's keys join the properties written beside the transform: its loopback callback
    (OMA301) is judged; the same snippet from S3 leaves the whole client unknown."""
    tree = tmp_path / "tree"
    tree.mkdir()
    text = KONG.read_text()
    (tree / "template.yaml").write_text(text.replace(
        "            CallbackURLs: \n                - !Ref CallBackUrl\n",
        "            Fn::Transform:\n                Name: AWS::Include\n                Parameters:\n"
        "                    Location: ./oauth.yaml\n", 1))
    (tree / "oauth.yaml").write_text("CallbackURLs:\n    - http://localhost:3000/callback\n")
    code, report, stderr = _gate(tree, tmp_path)
    assert (code, _status(report, "OMA301")) == (1, "FAIL"), stderr
    shutil.rmtree(tmp_path / "out")
    (tree / "template.yaml").write_text((tree / "template.yaml").read_text().replace("./oauth.yaml", "s3://b/o.yaml"))
    _, report, stderr = _gate(tree, tmp_path)
    assert _status(report, "OMA301") == "SKIPPED", stderr


_GRANDPARENT = """Resources:
    Platform:
        Type: AWS::CloudFormation::Stack
        Properties:
            TemplateURL: ./platform.yaml
            Parameters: {AdminOnlyIn: "false"}
"""
_MIDDLE = """Parameters:
    AdminOnlyIn: {Type: String, Default: "true"}
Conditions:
    Always: !Equals [a, a]
""" + _AUTH_STACK + """                AdminOnly: !Ref AdminOnlyIn
"""


@pytest.mark.parametrize(("files", "oma205"), [
    # two deep: the grandparent passes "false" to the middle stack, which passes it on
    ({"main.yaml": _GRANDPARENT, "platform.yaml": _MIDDLE}, "FAIL"),
    # the stack's Parameters from an AWS::Include snippet
    ({"main.yaml": "Resources:\n    Auth:\n        Type: AWS::CloudFormation::Stack\n        Properties:\n"
                   "            TemplateURL: ./auth.yaml\n            Parameters:\n                Fn::Transform:\n"
                   "                    Name: AWS::Include\n                    Parameters: {Location: ./p.yaml}\n",
      "p.yaml": 'AdminOnly: "false"\n'}, "FAIL"),
    # Parameters written as an Fn::If the parent decides
    ({"main.yaml": "Conditions:\n    Always: !Equals [a, a]\nResources:\n    Auth:\n"
                   "        Type: AWS::CloudFormation::Stack\n        Properties:\n"
                   "            TemplateURL: ./auth.yaml\n"
                   '            Parameters: !If [Always, {AdminOnly: "false"}, {AdminOnly: "true"}]\n'}, "FAIL"),
    # ... or one only the deployment decides: unknown
    ({"main.yaml": "Parameters:\n    Env: {Type: String}\nConditions:\n    Prod: !Equals [!Ref Env, prod]\n"
                   "Resources:\n    Auth:\n        Type: AWS::CloudFormation::Stack\n        Properties:\n"
                   '            TemplateURL: ./auth.yaml\n            Parameters: !If [Prod, {AdminOnly: "false"}, '
                   '{AdminOnly: "true"}]\n'}, "SKIPPED"),
    # SAM's nested application, and a parent whose name has no template suffix (a deploy script packages it)
    ({"template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n    Auth:\n"
                       "        Type: AWS::Serverless::Application\n        Properties:\n"
                       '            Location: ./auth.yaml\n            Parameters: {AdminOnly: "false"}\n'}, "FAIL"),
    ({"main.cfn": "Resources:\n    Auth:\n        Type: AWS::CloudFormation::Stack\n        Properties:\n"
                  '            TemplateURL: ./auth.yaml\n            Parameters: {AdminOnly: "false"}\n'}, "FAIL"),
])
def test_what_the_stacks_above_a_template_pass_it(tmp_path: Path, files: dict[str, str], oma205: str) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    _kong_as_nested_child(tree)
    for name, text in files.items():
        (tree / name).write_text(text)
    _, report, stderr = _gate(tree, tmp_path)
    assert _status(report, "OMA205") == oma205, stderr


def test_a_client_whose_pool_an_intrinsic_names(tmp_path: Path) -> None:
    """Two pools: the client's `UserPoolId: !If [Always, !Ref CognitoUserPool, ...]` is solved (it was
    dropped, and neither pool judged a client); one only the deployment decides leaves both unknown."""
    tree = tmp_path / "tree"
    tree.mkdir()
    text = KONG.read_text().replace("Resources:\n", "Conditions:\n    Always: !Equals [a, a]\n\nResources:\n"
                                    "    AuditPool:\n        Type: AWS::Cognito::UserPool\n"
                                    "        Properties:\n            UserPoolName: audit\n", 1)
    (tree / "template.yaml").write_text(text.replace(
        "            UserPoolId: !Ref CognitoUserPool\n            AllowedOAuthFlowsUserPoolClient",
        "            UserPoolId: !If [Always, !Ref CognitoUserPool, !Ref AuditPool]\n"
        "            AllowedOAuthFlowsUserPoolClient", 1))
    _, report, stderr = _gate(tree, tmp_path)
    by_target = {f["target"]: f["status"] for f in report["findings"] if f["rule_id"] == "OMA305"}
    assert by_target == {"template.yaml#CognitoUserPool": "FAIL", "template.yaml#AuditPool": "SKIPPED"}, stderr
    shutil.rmtree(tmp_path / "out")
    (tree / "template.yaml").write_text((tree / "template.yaml").read_text().replace(
        "!If [Always, !Ref CognitoUserPool, !Ref AuditPool]", "!ImportValue shared-pool-id"))
    _, report, stderr = _gate(tree, tmp_path)
    statuses = {f["target"]: (f["status"], f.get("undecided")) for f in report["findings"] if f["rule_id"] == "OMA305"}
    assert statuses == {"template.yaml#CognitoUserPool": ("SKIPPED", True),
                        "template.yaml#AuditPool": ("SKIPPED", True)}, stderr


# ---- an eighth attack (/work/review3-stop32.md): which files make one deployment -------------------------------

_HARDENED_CONFIG = """authenticationConfiguration:
  provider: aws-cognito
  enableSelfSignup: false
authorizerConfiguration:
  adminPrincipals: [platform-admin]
jwtTokenConfiguration:
  rsapublicKeyFilePath: /secrets/public_key.der
  rsaprivateKeyFilePath: /secrets/private_key.der
  keyId: prod-key-2024
fernetConfiguration:
  fernetKey: ${FERNET_KEY}
"""


def _compose_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "deploy"
    tree.mkdir()
    shutil.copy(COMPOSE, tree / "docker-compose.yml")
    return tree


def _targets(report: dict[str, Any], rule: str) -> dict[str, str]:
    return {f["target"]: f["status"] for f in report["findings"] if f["rule_id"] == rule}


@pytest.mark.parametrize("where", ["openmetadata.yaml", "docs/examples/openmetadata.yaml"])
def test_an_openmetadata_yaml_no_compose_file_mounts_is_another_deployment(tmp_path: Path, where: str) -> None:
    """The unchanged compose file runs the image's own openmetadata.yaml (it mounts none): a hardened one
    beside it, or anywhere, gave every setting and the gate was green."""
    tree = _compose_tree(tmp_path)
    (tree / where).parent.mkdir(parents=True, exist_ok=True)
    (tree / where).write_text(_HARDENED_CONFIG)
    code, report, stderr = _gate(tree, tmp_path)
    assert _targets(report, "OMA501") == {"docker-compose.yml": "FAIL", where: "PASS"}, stderr
    assert code == 1


def test_an_openmetadata_yaml_the_compose_file_mounts_is_its_configuration(tmp_path: Path) -> None:
    """A bind mount over the image's file (any name on the host) is what the server runs: judged with the
    compose environment; a named volume there is known only on the deploy host: refused."""
    tree = _compose_tree(tmp_path)
    (tree / "conf").mkdir()
    (tree / "conf" / "openmetadata.yaml.prod").write_text(_HARDENED_CONFIG.replace("platform-admin", "admin"))
    text = COMPOSE.read_text()
    image = "    image: docker.getcollate.io/openmetadata/server:1.13.1\n"
    server = text.index(image, text.index("  openmetadata-server:\n")) + len(image)
    mount = "    volumes:\n      - ./conf/openmetadata.yaml.prod:/opt/openmetadata/conf/openmetadata.yaml:ro\n"
    (tree / "docker-compose.yml").write_text(text[:server] + mount + text[server:])
    code, report, stderr = _gate(tree, tmp_path)
    admins = next(f for f in report["findings"] if f["rule_id"] == "OMA503")
    assert (code, admins["status"], admins["location"]["file"]) == (1, "FAIL", "conf/openmetadata.yaml.prod"), stderr
    assert list(_targets(report, "OMA503")) == ["files"]
    shutil.rmtree(tmp_path / "out")
    (tree / "docker-compose.yml").write_text(text[:server] + "    volumes:\n      - om-conf:/opt/openmetadata/conf\n"
                                             + text[server:])
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and "mounts om-conf over the image's openmetadata.yaml" in stderr


def test_helm_values_beside_a_compose_file_are_another_deployment(tmp_path: Path) -> None:
    tree = _compose_tree(tmp_path)
    (tree / "values.yaml").write_text(
        "openmetadata:\n  config:\n    fernetkey: {secretRef: om-fernet, secretKey: key}\n"
        "    authorizer: {initialAdmins: [platform-admin]}\n")
    code, report, stderr = _gate(tree, tmp_path)
    assert _targets(report, "OMA501") == {"docker-compose.yml": "FAIL", "files": "PASS"}, stderr
    assert code == 1


@pytest.mark.parametrize(("extra", "says"), [
    ({"docker-compose.override.yml": "services:\n  openmetadata-server:\n    environment:\n      X: y\n"},
     "docker-compose.override.yml beside it is merged over it by docker compose"),
    ({".env": "COMPOSE_FILE=docker-compose.yml:deploy/extra.txt\n"}, ".env sets COMPOSE_FILE"),
])
def test_what_compose_merges_on_its_own_is_refused(tmp_path: Path, extra: dict[str, str], says: str) -> None:
    tree = _compose_tree(tmp_path)
    for name, text in extra.items():
        (tree / name).write_text(text)
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and says in stderr


def test_every_service_that_runs_the_server_is_judged(tmp_path: Path) -> None:
    """A second server service (a canary on the shipped defaults) beside a hardened one was never judged."""
    tree = _compose_tree(tmp_path)
    (tree / "docker-compose.yml").write_text(COMPOSE.read_text().replace(
        "networks:\n  app_net:", "  openmetadata-server-canary:\n"
        "    image: docker.getcollate.io/openmetadata/server:1.13.1\n"
        "    environment:\n      DB_HOST: mysql\n\nnetworks:\n  app_net:", 1))
    code, report, stderr = _gate(tree, tmp_path)
    assert set(_targets(report, "OMA501")) == {"docker-compose.yml openmetadata-server",
                                               "docker-compose.yml openmetadata-server-canary"}, stderr
    assert _targets(report, "OMA503")["docker-compose.yml openmetadata-server-canary"] == "FAIL"
    assert code == 1


def test_an_optional_env_file_outside_the_tree_is_the_hosts(tmp_path: Path) -> None:
    """`env_file: [{path: /etc/..., required: false}]`: only whether it exists is optional; what it sets
    is the deploy host's, so the admin list that may read it is undecided, never PASS."""
    tree = _compose_tree(tmp_path)
    text = COMPOSE.read_text()
    server = text.index("  openmetadata-server:\n")
    at = text.index("    environment:\n", server)
    text = text[:at] + "    env_file:\n      - path: /etc/openmetadata/site.env\n        required: false\n" + text[at:]
    (tree / "docker-compose.yml").write_text(text.replace(
        "AUTHORIZER_ADMIN_PRINCIPALS: ${AUTHORIZER_ADMIN_PRINCIPALS:-[admin]}",
        "AUTHORIZER_ADMIN_PRINCIPALS: $${SITE_ADMINS:-[alice]}"))  # resolved in the container, by the server
    _, report, stderr = _gate(tree, tmp_path)
    admins = next(f for f in report["findings"] if f["rule_id"] == "OMA503")
    assert (admins["status"], admins.get("undecided")) == ("SKIPPED", True), stderr


def test_helm_env_from_a_secret_the_values_do_not_hold_is_undecided(tmp_path: Path) -> None:
    """The chart appends the values' envFrom after its own Secrets: the last source wins, so each setting
    not from extraEnvs is whatever that Secret holds (it stayed PASS)."""
    tree = tmp_path / "chart"
    tree.mkdir()
    (tree / "values.yaml").write_text(
        "openmetadata:\n  config:\n    authorizer: {initialAdmins: [platform-admin]}\n"
        "envFrom:\n  - secretRef: {name: openmetadata-prod-overrides}\n")
    _, report, stderr = _gate(tree, tmp_path)
    admins = next(f for f in report["findings"] if f["rule_id"] == "OMA503")
    assert (admins["status"], admins.get("undecided")) == ("SKIPPED", True), stderr
    assert "envFrom at values.yaml:4 loads a Secret or ConfigMap the values do not hold" in admins["message"]


# ---- a ninth attack (/work/review4-stop32.md): what else Compose does with a server service -------------------

def _server_with(extra: str, top: str = "") -> str:
    """The real 1.13.1 compose file with `extra` lines added to the server service (after its image)."""
    text = COMPOSE.read_text()
    image = "    image: docker.getcollate.io/openmetadata/server:1.13.1\n"
    at = text.index(image, text.index("  openmetadata-server:\n")) + len(image)
    return top + text[:at] + extra + text[at:]


@pytest.mark.parametrize(("text", "says"), [
    (_server_with("    entrypoint: [sh, -c, 'export FERNET_KEY=x && exec ./openmetadata-start.sh']\n"),
     "service openmetadata-server sets its entrypoint, which omaudit does not render"),
    (_server_with("    command: [./bin/openmetadata-server-start.sh, conf/other.yaml]\n"),
     "service openmetadata-server sets its command, which omaudit does not render"),
    (_server_with("    volumes_from: [ingestion]\n"), "service openmetadata-server sets volumes_from"),
    (_server_with("    extends: {file: base.yml, service: om}\n"), "service openmetadata-server sets extends"),
    (_server_with("    configs:\n      - source: om\n        target: /opt/openmetadata/conf/openmetadata.yaml\n"),
     "places a config at /opt/openmetadata/conf/openmetadata.yaml"),
    (_server_with("    secrets:\n      - source: om\n        target: /opt/openmetadata/conf\n"),
     "places a secret at /opt/openmetadata/conf"),
    (_server_with("", top="include:\n  - other.yml\n"), "its top-level include: merges other compose files"),
])
def test_what_compose_does_with_the_server_that_omaudit_does_not_render_is_refused(tmp_path: Path, text: str,
                                                                                   says: str) -> None:
    tree = _compose_tree(tmp_path)
    (tree / "docker-compose.yml").write_text(text)
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and says in stderr, stderr
    assert stderr.count("omaudit: error:") == 1 and "Traceback" not in stderr


def test_an_image_chosen_in_dot_env_is_read_as_compose_reads_it(tmp_path: Path) -> None:
    """`image: ${OM_SERVER_IMAGE}` with `.env` naming the server image, under another service name: the
    server (it was "not a deployment", and only a decoy was judged); with nothing setting it, refused."""
    tree = _compose_tree(tmp_path)
    text = COMPOSE.read_text().replace("image: docker.getcollate.io/openmetadata/server:1.13.1",
                                       "image: ${OM_SERVER_IMAGE}").replace("  openmetadata-server:\n", "  catalog:\n")
    (tree / "docker-compose.yml").write_text(text)
    (tree / ".env").write_text("OM_SERVER_IMAGE=docker.getcollate.io/openmetadata/server:1.13.1\n")
    code, report, stderr = _gate(tree, tmp_path)
    assert (code, _status(report, "OMA501")) == (1, "FAIL"), stderr
    shutil.rmtree(tmp_path / "out")
    (tree / ".env").unlink()
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and "image is not known before deploy" in stderr


def test_a_byte_order_mark_does_not_hide_compose_file_in_dot_env(tmp_path: Path) -> None:
    tree = _compose_tree(tmp_path)
    (tree / ".env").write_bytes("\ufeffCOMPOSE_FILE=docker-compose.yml:extra.txt\n".encode())
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and ".env sets COMPOSE_FILE" in stderr


def test_helm_extra_envs_from_a_secret_are_undecided(tmp_path: Path) -> None:
    tree = tmp_path / "chart"
    tree.mkdir()
    (tree / "values.yaml").write_text(
        "openmetadata:\n  config:\n    authorizer: {initialAdmins: [platform-admin]}\n"
        "extraEnvs:\n  - name: AUTHORIZER_ADMIN_PRINCIPALS\n    valueFrom:\n"
        "      secretKeyRef: {name: om-admins, key: admins}\n")
    _, report, stderr = _gate(tree, tmp_path)
    admins = next(f for f in report["findings"] if f["rule_id"] == "OMA503")
    assert (admins["status"], admins.get("undecided")) == ("SKIPPED", True), stderr


def test_a_malformed_volumes_entry_is_no_internal_error(tmp_path: Path) -> None:
    tree = _compose_tree(tmp_path)
    (tree / "docker-compose.yml").write_text(_server_with("    volumes: 5\n"))
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 1 and "Traceback" not in stderr and "internal error" not in stderr


@pytest.mark.parametrize(("dockerfile", "code", "says"), [
    # built FROM the server image, under another name: the server, judged (the shipped defaults fail)
    ("FROM docker.getcollate.io/openmetadata/server:1.13.1\n", 1, ""),
    # a database built here (OpenMetadata's own dev compose files do this): not the server
    ("FROM postgres:15\n", 2, "no compose file under --dir runs OpenMetadata's server"),
    # nothing to read: the service may run anything
    (None, 2, "image is not known before deploy"),
])
def test_a_built_service_is_what_its_dockerfile_builds(tmp_path: Path, dockerfile: str | None, code: int,
                                                       says: str) -> None:
    tree = _compose_tree(tmp_path)
    text = COMPOSE.read_text().replace("image: docker.getcollate.io/openmetadata/server:1.13.1", "build: ./server")
    (tree / "docker-compose.yml").write_text(text.replace("  openmetadata-server:\n", "  catalog:\n"))
    if dockerfile is not None:
        (tree / "server").mkdir()
        (tree / "server" / "Dockerfile").write_text(dockerfile)
    got, _, stderr = _gate(tree, tmp_path)
    assert got == code and says in stderr, stderr


# ---- a tenth review (/work/review5-stop32.md): placeholders as the server reads them, and charts in a tree ---------

OM_CONFIG = REAL / "om" / "openmetadata-1.1.1.yaml"  # fails as shipped: OMA501 at line 273, OMA503 at 137


def test_a_placeholder_that_spans_lines_is_refused(tmp_path: Path) -> None:
    """OpenMetadata's substitutor resolves the whole text before YAML parses it, and matches a `}` on a
    later line: `# ${X` ... `z: :-}` swallowed hardened decoy lines for the server, while omaudit read
    them and passed the gate. Refused, naming the line."""
    tree = tmp_path / "conf"
    tree.mkdir()
    text = OM_CONFIG.read_text().replace(
        "  adminPrincipals: ${AUTHORIZER_ADMIN_PRINCIPALS:-[admin]}\n",
        "  # ${X\n  adminPrincipals: [alice]\nzz:\n  z: :-}\n"
        "  adminPrincipals: ${AUTHORIZER_ADMIN_PRINCIPALS:-[admin]}\n")
    (tree / "openmetadata.yaml").write_text(text)
    code, _, stderr = _gate(tree, tmp_path)
    assert code == 2 and "openmetadata.yaml: line 137: a placeholder opens here and closes on a later line" in stderr


def test_a_placeholder_in_a_comment_does_not_make_a_literal_key_a_reference(tmp_path: Path) -> None:
    tree = tmp_path / "conf"
    tree.mkdir()
    (tree / "openmetadata.yaml").write_text(OM_CONFIG.read_text().replace(
        "  fernetKey: ${FERNET_KEY:-jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=}\n",
        "  fernetKey: jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA= # rotated via ${FERNET_KEY}\n"))
    code, report, stderr = _gate(tree, tmp_path)
    assert (code, _status(report, "OMA501")) == (1, "FAIL"), stderr


_CHART_TEMPLATE = "apiVersion: apps/v1\nkind: Deployment\n{{- if .Values.openmetadata.config.fernetkey.value }}\n" \
                  "metadata: {name: {{ include \"OpenMetadata.fullname\" . }}}\n{{- end }}\n"


@pytest.mark.parametrize("layout", ["chart", "umbrella", "alias"])
def test_a_chart_in_the_tree_is_judged_by_its_values(tmp_path: Path, layout: str) -> None:
    """The official chart unpacked (its templates are Go templates, not YAML: the tree was refused), an
    umbrella with the chart under charts/ (`helm pull --untar`), and an umbrella whose dependency has an
    alias (its values.yaml was skipped, and a decoy beside it was all the gate judged)."""
    tree = tmp_path / "repo"
    chart = tree / "charts" / "openmetadata"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: openmetadata\nversion: 1.13.1\n")
    shutil.copy(REAL / "helm" / "values-openmetadata-1.13.1.yaml", chart / "values.yaml")
    (chart / "templates" / "deployment.yaml").write_text(_CHART_TEMPLATE)
    if layout in ("umbrella", "alias"):
        alias = "    alias: om\n" if layout == "alias" else ""
        (tree / "Chart.yaml").write_text("apiVersion: v2\nname: platform\nversion: 0.1.0\ndependencies:\n"
                                         "  - name: openmetadata\n    version: 1.13.1\n"
                                         f"    repository: https://helm.open-metadata.org\n{alias}")
        key = "om" if layout == "alias" else "openmetadata"
        (tree / "values.yaml").write_text(f"{key}:\n  openmetadata:\n    config:\n      authorizer:\n"
                                          "        initialAdmins: [admin]\n")
        (tree / "openmetadata.yaml").write_text(_HARDENED_CONFIG)  # a decoy nothing mounts
    code, report, stderr = _gate(tree, tmp_path)
    assert code == 1, stderr
    assert "FAIL" in _targets(report, "OMA503").values()
