"""The gate trusts nothing in the repository it scans (issue 18): each attack a pull request's author
can make with the files of the checkout, with the exact exit code and text, and canary secrets of
the CI job searched for in stdout, stderr and all 7 formats.

The checkout is OpenMetadata's own conf/openmetadata.yaml (security part, verbatim): scanned alone it
fails OMA103, OMA108, OMA501, OMA502, OMA503 and OMA505 (exit 1), so a green exit is a weakened gate.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, run_cli, run_cli_in_process
from tests.rawhttp import RawServer

OM_YAML = DATA / "files" / "om" / "openmetadata.yaml"
ALL = [a for f in ("table", "json", "sarif", "junit", "markdown", "html", "csv") for a in ("--format", f)]
CI_TOKEN = "ci-deploy-canary-7f3e9a1b5c2d4e6f8a0b"  # a secret the CI job holds in its environment
EXPECTED_FAILS = {"OMA103", "OMA108", "OMA501", "OMA502", "OMA503", "OMA505"}


def _checkout(tmp_path: Path, **files: str) -> Path:
    tree = tmp_path / "checkout"
    tree.mkdir()
    shutil.copy(OM_YAML, tree / "openmetadata.yaml")
    for name, text in files.items():
        path = tree / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tree


def _everything(out: Path, result: Any) -> str:
    files = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()) if out.is_dir() else ""
    return str(result.stdout) + str(result.stderr) + files


def _gate(tree: Path, tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[Any, Path]:
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", ".", *extra, *ALL, "--output-dir", str(out), cwd=tree,
                                env={"CI_DEPLOY_TOKEN": CI_TOKEN, **(env or {})})
    return result, out


def _failing(out: Path) -> set[str]:
    report = json.loads((out / "report.json").read_text())
    return {f["rule_id"] for f in report["findings"] if f["status"] == "FAIL"}


def test_the_checkout_alone_fails_the_gate(tmp_path: Path) -> None:
    result, out = _gate(_checkout(tmp_path), tmp_path)
    assert result.code == 1 and _failing(out) == EXPECTED_FAILS


def test_a_rules_dir_in_the_checkout_settings_runs_no_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = f"from pathlib import Path\nPath({str(marker)!r}).write_text('pwned')\n"
    tree = _checkout(tmp_path, **{"omaudit.toml": '[scan]\nrules_dir = ["ci_rules"]\n', "ci_rules__oma999.py": evil})
    result = run_cli("scan", "--dir", ".", cwd=tree)  # a child: an import would run there for real
    assert result.code == 2 and not marker.exists()
    assert result.stderr == (f"omaudit: error: {tree / 'omaudit.toml'}: 'rules_dir' cannot be set in a settings file "
                             "(it names code to run); give it on the command line\n")


def test_an_inventory_in_the_checkout_settings_sends_no_credential(tmp_path: Path) -> None:
    with RawServer({}) as attacker:
        fleet = f'[[target]]\nname = "x"\nom_url = "{attacker.url}"\ntoken_env = "CI_DEPLOY_TOKEN"\n'
        tree = _checkout(tmp_path, **{"omaudit.toml": 'inventory = "fleet.toml"\n', "fleet.toml": fleet})
        result = run_cli_in_process("scan", cwd=tree, env={"CI_DEPLOY_TOKEN": CI_TOKEN})
        assert attacker.paths == []
    assert result.code == 2 and "'inventory' cannot be set in a settings file (it names targets and their " \
        "credentials)" in result.stderr and CI_TOKEN not in result.stderr


@pytest.mark.parametrize(("name", "text", "key"), [
    ("omaudit.toml", 'skip_rules = "config_files,openmetadata"\n', "skip_rules"),
    ("omaudit.toml", '[scan]\nrules = "OMA216"\n', "rules"),
    ("pyproject.toml", '[tool.omaudit.scan]\nrules = "OMA216"\n', "rules"),
    ("omaudit.toml", 'fail_on = "none"\n', "fail_on"),
    ("omaudit.toml", 'fail_on = "critical"\n', "fail_on"),
    ("omaudit.toml", '[scan]\nconfig = "decoy.yaml"\n', "config"),
    ("omaudit.toml", '[scan]\nsuppressions = "mute-all.toml"\n', "suppressions"),
    ("omaudit.toml", '[scan]\nfail_on_new = true\nbaseline = "old.json"\n', "fail_on_new"),
    ("omaudit.toml", '[scan]\noutput_dir = "elsewhere"\n', "output_dir"),
    ("omaudit.toml", '[scan]\nno_cognito = true\n', "no_cognito"),
])
def test_the_checkout_settings_cannot_weaken_the_gate(name: str, text: str, key: str, tmp_path: Path) -> None:
    tree = _checkout(tmp_path, **{name: text, "decoy.yaml": "authenticationConfiguration: {provider: basic}\n"})
    result, out = _gate(tree, tmp_path)
    assert result.code == 2 and not out.exists()
    assert result.stderr == (f"omaudit: error: {tree / name}: {key!r} is not taken from a settings file found in "
                             "the working folder (it may come with the repository being scanned, whose author "
                             "could weaken the gate with it); give it on the command line, or name the file with "
                             "--settings or OMAUDIT_SETTINGS\n")


def test_the_checkout_settings_may_only_make_the_gate_stricter(tmp_path: Path) -> None:
    tree = _checkout(tmp_path, **{"omaudit.toml": 'fail_on = "medium"\nno_suppressions = true\n'})
    result, out = _gate(tree, tmp_path)
    assert result.code == 1 and _failing(out) == EXPECTED_FAILS


def test_a_named_settings_file_is_the_operator_s(tmp_path: Path) -> None:
    policy = tmp_path / "gate.toml"
    policy.write_text('[scan]\nskip_rules = "OMA108"\n')
    result, out = _gate(_checkout(tmp_path), tmp_path, "--settings", str(policy))
    assert result.code == 1 and _failing(out) == EXPECTED_FAILS - {"OMA108"}


# What the readers note goes into every report of a file scan (issue 21: not only stderr, which -q hides).
SSO_NOTE = ("the SSO settings found in the files apply when a server first starts: recent OpenMetadata releases "
            "keep them in their database afterwards (Settings > SSO), so a live scan shows what a running server uses")


def test_the_suppressions_file_used_is_named_in_every_report(tmp_path: Path) -> None:
    mute = '[[suppression]]\nrule = "OMA108"\nreason = "accepted by the review"\nexpires = 2099-01-31\n'
    result, out = _gate(_checkout(tmp_path, **{"omaudit-suppressions.toml": mute}), tmp_path)
    assert result.code == 1 and _failing(out) == EXPECTED_FAILS - {"OMA108"}
    report = json.loads((out / "report.json").read_text())
    assert report["suppressions_file"] == "omaudit-suppressions.toml"
    sarif = json.loads((out / "report.sarif").read_text())
    assert sarif["runs"][0]["properties"] == {"suppressionsFile": "omaudit-suppressions.toml", "notes": [SSO_NOTE]}
    assert "Suppressions from omaudit-suppressions.toml: 1 finding(s) muted." in result.stdout
    # the table says why, as the other formats do
    assert "muted until 2099-01-31: accepted by the review" in " ".join(result.stdout.split())
    assert "suppressions from `omaudit-suppressions.toml`" in (out / "report.md").read_text()
    assert 'id="suppressions">suppressions from omaudit-suppressions.toml<' in (out / "report.html").read_text()


def test_a_placeholder_naming_a_ci_secret_is_never_resolved(tmp_path: Path) -> None:
    text = OM_YAML.read_text().replace('${OIDC_CALLBACK:-"http://localhost:8585/callback"}',
                                       "http://${CI_DEPLOY_TOKEN}/callback")
    assert "CI_DEPLOY_TOKEN" in text
    tree = _checkout(tmp_path)
    (tree / "openmetadata.yaml").write_text(text)
    result, out = _gate(tree, tmp_path)
    assert result.code == 1 and CI_TOKEN not in _everything(out, result)
    assert "ci-deploy-canary" not in _everything(out, result)


def test_a_password_in_a_url_is_masked_everywhere(tmp_path: Path) -> None:
    password = "Pr0d-callback-pw-canary"
    env = tmp_path / "checkout.env"
    env.write_text(f"AUTHENTICATION_CALLBACK_URL=http://svc:{password}@localhost:8585/callback\n")
    tree = _checkout(tmp_path)
    result, out = _gate(tree, tmp_path, "--env-file", str(env))
    text = _everything(out, result)
    assert result.code == 1 and password not in text and "svc:" not in text
    assert "http://[REDACTED]@localhost:8585/callback" in (out / "report.json").read_text()


# ---- live scans: what a hostile server echoes can neither corrupt a report nor leak in pieces ----------

TOKEN = "e9f1c2d3a4b5c6d7e8f9a0b1c2d3e4f5"


def _parse_all(out: Path) -> None:
    """Each file parses with its format's standard parser."""
    json.loads((out / "report.json").read_text())
    json.loads((out / "report.sarif").read_text())
    ET.fromstring((out / "report.junit.xml").read_text())
    list(csv.reader(io.StringIO((out / "report.csv").read_text())))
    HTMLParser().feed((out / "report.html").read_text())


def _report_with(message: str) -> Any:
    from auditor.report.model import Finding, Report, Severity, Status, TargetInfo

    finding = Finding(rule_id="OMA104", name="default-jwt-signing-key", status=Status.FAIL, severity=Severity.CRITICAL,
                      target="lab", resource=message, message=message, evidence={"echo": message}, remediation="-")
    return Report(tool_version="0", started_at="2026-12-02T00:00:00Z", finished_at="2026-12-02T00:00:01Z",
                  targets=(TargetInfo(name="lab"),), findings=(finding,))


def _emit(report: Any, out: Path) -> None:
    from auditor.cli.run import emit
    from auditor.common.redact import SECRETS

    saved = SECRETS.state()
    try:
        emit(report, ["json", "sarif", "junit", "markdown", "html", "csv"], out, [TOKEN])
    finally:
        SECRETS.restore(saved)


def test_an_echo_next_to_an_escape_leaves_every_report_parseable(tmp_path: Path) -> None:
    """`é` is `\\u00e9` in JSON: masking the serialised text turned `e9f1c2d3` into `\\u00[REDACTED]`."""
    _emit(_report_with("é" + TOKEN[2:9] + " and \u00e9" + TOKEN[2:9]), tmp_path)
    _parse_all(tmp_path)
    assert json.loads((tmp_path / "report.json").read_text())["findings"][0]["message"] == (
        "é" + TOKEN[2:9] + " and é" + TOKEN[2:9])  # 7 characters of the token: not a secret's run


def test_a_token_echoed_in_pieces_of_seven_never_comes_out_whole(tmp_path: Path) -> None:
    pieces = [TOKEN[i:i + 7] for i in range(0, len(TOKEN), 7)]
    _emit(_report_with("echo: " + " ".join(pieces) + " / " + "-".join(pieces)), tmp_path)
    _parse_all(tmp_path)
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    assert [p for p in pieces if p in text] == []
    message = json.loads((tmp_path / "report.json").read_text())["findings"][0]["message"]
    assert message == "echo: [REDACTED] / [REDACTED]"


# ---- --dir: a file is taken by what it holds once parsed; what cannot be read stops the gate -------------

def _disguised(kind: str) -> str:
    text = OM_YAML.read_text()
    if kind == "quoted keys":
        return text.replace("authenticationConfiguration:", '"authenticationConfiguration":', 1).replace(
            "authorizerConfiguration:", "'authorizerConfiguration':", 1)
    if kind == "escaped keys":
        return text.replace("authenticationConfiguration:", '"\\x61uthenticationConfiguration":', 1).replace(
            "authorizerConfiguration:", '"\\u0061uthorizerConfiguration":', 1).replace(
            "jwtTokenConfiguration:", '"\\x6awtTokenConfiguration":', 1).replace(
            "fernetConfiguration:", '"\\x66ernetConfiguration":', 1)
    if kind == "270 KB of comments first":
        return "# padding\n" * 27_000 + text
    if kind == "carriage returns only":
        return text.replace("\n", "\r")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["quoted keys", "escaped keys", "270 KB of comments first", "carriage returns only"])
def test_a_disguised_openmetadata_yaml_is_still_found_and_judged(kind: str, tmp_path: Path) -> None:
    """The attack on this change: --dir recognised openmetadata.yaml by a text pattern in its first
    256 KiB, so each disguise skipped it, and a hardened template beside it made the gate green."""
    tree = _checkout(tmp_path, **{"infra__template.json": (DATA / "files" / "cloudformation" /
                                                          "template-hardened.json").read_text()})
    (tree / "openmetadata.yaml").write_text(_disguised(kind))
    result, out = _gate(tree, tmp_path)
    assert result.code == 1 and _failing(out) >= EXPECTED_FAILS


def test_an_escaped_cognito_type_is_still_a_template(tmp_path: Path) -> None:
    template = (DATA / "files" / "cloudformation" / "template-slips.yaml").read_text()
    assert '"AWS::Cognito::UserPool"' not in template and "Type: AWS::Cognito::UserPool\n" in template
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "stack.yaml").write_text(template.replace("Type: AWS::Cognito::UserPool\n",
                                                      'Type: "AWS\\x3a\\x3aCognito\\x3a\\x3aUserPool"\n'))
    result = run_cli_in_process("scan", "--dir", ".", "--format", "json", "--output-dir", str(tmp_path / "o"),
                                cwd=tree)
    assert result.code == 1 and "using stack.yaml" in result.stderr


def test_a_configuration_file_that_cannot_be_read_stops_the_gate(tmp_path: Path) -> None:
    tree = _checkout(tmp_path)
    (tree / "openmetadata.yaml").write_text("authenticationConfiguration:\n  provider: basic\n" + "# pad\n" * 400_000)
    result, out = _gate(tree, tmp_path)
    assert result.code == 2 and not out.exists()
    assert result.stderr == ("omaudit: error: openmetadata.yaml looks like a configuration file but is larger than "
                             "2 MiB: the gate cannot judge the tree without it (fix it, or move it out of --dir)\n")
    # One of a plain known shape is taken without a second parse: its reader refuses it, naming the line.
    (tree / "openmetadata.yaml").write_text("authenticationConfiguration:\n  provider: [basic\n")
    result, out = _gate(tree, tmp_path)
    assert result.code == 2 and not out.exists()
    assert result.stderr.endswith("omaudit: error: OpenMetadata configuration openmetadata.yaml: line 3: did not "
                                  "find expected '…' or '…'\n")


def test_hidden_folders_are_entered_and_generated_ones_are_named_in_every_report(tmp_path: Path) -> None:
    tree = tmp_path / "checkout"
    (tree / ".deploy").mkdir(parents=True)
    shutil.copy(OM_YAML, tree / ".deploy" / "openmetadata.yaml")
    (tree / "node_modules").mkdir()
    result, out = _gate(tree, tmp_path)
    assert result.code == 1 and _failing(out) == EXPECTED_FAILS
    note = "not entered: node_modules/ (a folder tools generate); a configuration file there is not judged"
    assert json.loads((out / "report.json").read_text())["notes"] == [note, SSO_NOTE]
    assert json.loads((out / "report.sarif").read_text())["runs"][0]["properties"] == {"notes": [note, SSO_NOTE]}
    assert f"Note: {note}" in result.stdout


def test_a_decoy_env_file_elsewhere_in_the_tree_resolves_nothing(tmp_path: Path) -> None:
    """The attack: docs/examples/example.env with hardened values turned the gate green."""
    hardened = (DATA / "files" / "om" / "hardened.env").read_text()
    result, out = _gate(_checkout(tmp_path, **{"docs__examples__example.env": hardened}), tmp_path)
    assert result.code == 1 and _failing(out) == EXPECTED_FAILS
    assert json.loads((out / "report.json").read_text())["notes"] == [
        "not used: docs/examples/example.env (an env file not beside the openmetadata.yaml or compose file)",
        SSO_NOTE]


def test_a_million_values_are_refused_while_parsing(tmp_path: Path) -> None:
    tree = _checkout(tmp_path)
    (tree / "openmetadata.yaml").write_text("authenticationConfiguration: [" + "1," * 1_000_000 + "1]\n")
    result, _ = _gate(tree, tmp_path)
    assert result.code == 2 and "openmetadata.yaml: line 1: more than 200000 values: refused" in result.stderr


def test_a_table_where_a_setting_takes_a_value_is_refused(tmp_path: Path) -> None:
    """The attack: `baseline = {a = 1}` passed the trust check (tables were skipped) and became the text
    "{'a': 1}"."""
    tree = _checkout(tmp_path, **{"omaudit.toml": "[scan]\nbaseline = {a = 1}\n"})
    result, _ = _gate(tree, tmp_path)
    assert result.code == 2 and result.stderr == (f"omaudit: error: {tree / 'omaudit.toml'}: [scan] baseline must "
                                                  "be a value, not a table\n")


# ---- the second attack on this change ----------------------------------------------------------------

def test_a_dev_template_beside_prod_never_hides_prod(tmp_path: Path) -> None:
    """Issue 21, class 1, and the attack: --dir judged the first template and named the others as not
    used, so a clean `a-cognito.yaml` (or dev) beside the real one made the gate green. Each Cognito
    deployment is now its own target, and every report says so."""
    tree = _checkout(tmp_path, **{"dev__template.json": (DATA / "files" / "cloudformation" /
                                                          "template-hardened.json").read_text(),
                                  "prod__template.yaml": (DATA / "real" / "cloudformation" /
                                                           "aws-serverless-shopping-cart-auth.yaml").read_text()})
    result, out = _gate(tree, tmp_path)
    report = json.loads((out / "report.json").read_text())
    assert result.code == 1 and [t["name"] for t in report["targets"]] == ["files", "dev/template.json",
                                                                           "prod/template.yaml"]
    prod = {f["rule_id"] for f in report["findings"] if f["target"] == "prod/template.yaml" and f["status"] == "FAIL"}
    assert {"OMA201", "OMA205"} <= prod
    assert report["notes"][0].startswith("several Cognito deployments under --dir (dev/template.json, "
                                         "prod/template.yaml): each is its own target")


def test_a_decoy_helm_values_file_elsewhere_stops_the_gate(tmp_path: Path) -> None:
    values = (DATA / "files" / "helm" / "values-cognito.yaml").read_text()
    tree = tmp_path / "checkout"
    (tree / "zz").mkdir(parents=True)
    (tree / "values.yaml").write_text(values)
    (tree / "zz" / "values.yaml").write_text(values)
    result, _out = _gate(tree, tmp_path)
    assert result.code == 2 and "--dir found Helm values in several folders (., zz)" in result.stderr


def test_a_service_named_like_the_server_is_not_the_server(tmp_path: Path) -> None:
    compose = ("services:\n  openmetadata-server:\n    image: busybox\n    profiles: [never]\n"
               "    environment:\n      FERNET_KEY: deploy-fernet-canary-0a1b2c3d\n"
               "  om:\n    image: docker.getcollate.io/openmetadata/server:1.13.1\n"
               "    environment:\n      FERNET_KEY: ${FERNET_KEY:-jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=}\n")
    result, out = _gate(_checkout(tmp_path, **{"docker-compose.yml": compose}), tmp_path)
    assert result.code == 1 and "OMA501" in _failing(out)


def test_a_dot_env_beside_compose_fills_in_the_compose_file_only(tmp_path: Path) -> None:
    compose = ("services:\n  om:\n    image: openmetadata/server:1.13.1\n    environment:\n"
               "      AUTHENTICATION_PROVIDER: ${AUTHENTICATION_PROVIDER:-basic}\n")
    dotenv = (DATA / "files" / "om" / "hardened.env").read_text()
    result, out = _gate(_checkout(tmp_path, **{"docker-compose.yml": compose, ".env": dotenv}), tmp_path)
    failing = _failing(out)
    assert result.code == 1 and "OMA503" in failing and "OMA103" not in failing  # interpolated, not the container's


def test_an_output_folder_through_a_link_in_the_checkout_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    tree = _checkout(tmp_path)
    (tree / "out").symlink_to(victim)
    result = run_cli_in_process("scan", "--dir", ".", "--format", "json", "--output-dir", "out", cwd=tree)
    assert result.code == 2 and list(victim.iterdir()) == []
    assert "goes through the symbolic link out in the working folder: refused" in result.stderr


def test_found_settings_and_suppressions_may_not_be_links(tmp_path: Path) -> None:
    tree = _checkout(tmp_path)
    (tree / "omaudit-suppressions.toml").symlink_to("/proc/self/environ")
    result, _ = _gate(tree, tmp_path)
    assert result.code == 2 and "omaudit-suppressions.toml is a symbolic link" in result.stderr
    (tree / "omaudit-suppressions.toml").unlink()
    (tree / "omaudit.toml").symlink_to("/proc/self/environ")
    result, _ = _gate(tree, tmp_path)
    assert result.code == 2 and "omaudit.toml is a symbolic link" in result.stderr


def test_a_client_decided_whole_at_deploy_is_skipped_not_dropped(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Parameters:\n  Stage: {Type: String}\nConditions:\n  C: !Equals [!Ref Stage, prod]\n"
                        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n"
                        "    Properties: {AdminCreateUserConfig: {AllowAdminCreateUserOnly: true}}\n"
                        "  Client:\n    Type: AWS::Cognito::UserPoolClient\n    Properties: !If\n      - C\n"
                        "      - {UserPoolId: !Ref Pool, CallbackURLs: ['http://localhost/cb']}\n"
                        "      - {UserPoolId: !Ref Pool}\n")
    result = run_cli_in_process("scan", "--cloudformation", str(template), "--format", "json", "--output-dir",
                                str(tmp_path / "o"), cwd=tmp_path)
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    oma301 = next(f for f in report["findings"] if f["rule_id"] == "OMA301")
    # Judged on each branch since issue 21's Fn::If work: a localhost callback on one way only.
    assert (oma301["status"], oma301["message"]) == (
        "SKIPPED", "decided at deploy by what the template leaves open: FAIL when C true; PASS when C false"), \
        result.stderr


def test_fn_foreach_is_refused_not_ignored(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Transform: AWS::LanguageExtensions\nResources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n"
                        "  Fn::ForEach::Clients:\n    - Name\n    - [a, b]\n    - Client${Name}:\n"
                        "        Type: AWS::Cognito::UserPoolClient\n        Properties: {UserPoolId: !Ref Pool}\n")
    result = run_cli_in_process("scan", "--cloudformation", str(template), cwd=tmp_path)
    assert result.code == 2 and "makes resources with Fn::ForEach::Clients" in result.stderr
