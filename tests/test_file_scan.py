"""File scans (issue 14): openmetadata.yaml with its environment, and the Helm chart's values, judged
before anything deploys. Each case asserts the exact failing findings and the file:line they point at.

The fixtures in tests/data/files are the real files' shapes: the security part of OpenMetadata's
conf/openmetadata.yaml verbatim, the chart's default values (tag openmetadata-1.13.1), and overrides
that follow OpenMetadata's Cognito guide, slips included, or are hardened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, ROOT, run_cli_in_process

FILES = DATA / "files"
OM = FILES / "om"
HELM = FILES / "helm"
INLINE_OIDC = "inline-oidc-canary-5b1e9c77d2a04f3e"  # written in om/slips.env
INLINE_AIRFLOW = "inline-airflow-canary-8c2d41f0a9e3"  # written in helm/values-cognito.yaml
ALL = [a for f in ("table", "json", "sarif", "junit", "markdown", "html", "csv") for a in ("--format", f)]


def _scan(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[Any, dict[str, Any]]:
    out = tmp_path / "out"
    result = run_cli_in_process("scan", *args, *ALL, "--output-dir", str(out), env=env, cwd=ROOT)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    return result, report


def _failing(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(rule, resource, file:line) of every FAIL."""
    return {(f["rule_id"], f["resource"], f"{f['location']['file'].rsplit('/', 1)[-1]}:{f['location']['line']}")
            for f in report["findings"] if f["status"] == "FAIL"}


def _outputs(out: Path, result: Any) -> str:
    return str(result.stdout) + str(result.stderr) + "".join(p.read_text() for p in out.iterdir())


def test_openmetadata_yaml_with_the_guide_slips(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--config", str(OM / "openmetadata.yaml"), "--env-file", str(OM / "slips.env"))
    assert result.code == 1, result.stderr
    yaml = "tests/data/files/om/openmetadata.yaml"
    assert _failing(report) == {
        ("OMA501", "fernetConfiguration.fernetKey", "openmetadata.yaml:127"),
        ("OMA502", "jwtTokenConfiguration", "openmetadata.yaml:100"),
        ("OMA503", "authorizer.adminPrincipals", "openmetadata.yaml:23"),
        ("OMA106", yaml, "slips.env:6"),  # the callback came from the env file: the line to fix is there
        ("OMA107", yaml, "slips.env:6"),
        ("OMA108", yaml, "openmetadata.yaml:42"),  # enableSelfSignup's own default, true
        ("OMA504", "authenticationConfiguration.oidcConfiguration.secret", "slips.env:7"),
        ("OMA505", "database.password", "openmetadata.yaml:17"),
        ("OMA505", "pipelineServiceClientConfiguration.parameters.password", "openmetadata.yaml:123"),
    }
    statuses = {f["rule_id"]: f["status"] for f in report["findings"]}
    assert statuses["OMA103"] == "PASS" and statuses["OMA116"] == "SKIPPED"  # aws-cognito, public client
    assert statuses["OMA506"] == "SKIPPED"  # TrustAll, but the provider is not ldap
    # What only a running server has is SKIPPED, saying so, never ERROR:
    oma104 = next(f for f in report["findings"] if f["rule_id"] == "OMA104")
    assert oma104["status"] == "SKIPPED" and "this is a file scan" in oma104["message"]
    assert INLINE_OIDC not in _outputs(tmp_path / "out", result)  # named where it is, never shown


def test_a_hardened_openmetadata_yaml_has_no_fail_and_keeps_its_secrets(tmp_path: Path) -> None:
    secrets = {"FERNET_KEY": "process-fernet-canary-0a1b2c3d4e5f", "DB_USER_PASSWORD": "process-db-canary-9f8e7d6c",
               "AIRFLOW_PASSWORD": "process-airflow-canary-1234abcd"}
    result, report = _scan(tmp_path, "--config", str(OM / "openmetadata.yaml"), "--env-file",
                           str(OM / "hardened.env"), env=secrets)
    assert result.code == 0, result.stderr
    assert _failing(report) == set()
    fernet = next(f for f in report["findings"] if f["rule_id"] == "OMA501")
    assert fernet["status"] == "PASS" and fernet["evidence"]["given_as"] == "reference"
    text = _outputs(tmp_path / "out", result)
    assert not [v for v in secrets.values() if v in text]


def test_the_charts_default_values(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--helm-values", str(HELM / "values-defaults.yaml"))
    assert result.code == 1
    values = "tests/data/files/helm/values-defaults.yaml"
    assert _failing(report) == {
        ("OMA501", "fernetkey.value", "values-defaults.yaml:67"),
        ("OMA502", "jwtTokenConfiguration", "values-defaults.yaml:63"),
        ("OMA503", "authorizer.adminPrincipals", "values-defaults.yaml:21"),
        ("OMA103", values, "values-defaults.yaml:32"),
        ("OMA108", values, "values-defaults.yaml:44"),
    }


def test_values_that_follow_the_cognito_guide(tmp_path: Path) -> None:
    """An override file: what it leaves out keeps the chart's default, and is reported on the file."""
    result, report = _scan(tmp_path, "--helm-values", str(HELM / "values-cognito.yaml"))
    assert result.code == 1
    values = "tests/data/files/helm/values-cognito.yaml"
    assert _failing(report) == {
        ("OMA501", "fernetkey.value", "values-cognito.yaml:4"),  # not set: the chart's default key
        ("OMA502", "jwtTokenConfiguration", "values-cognito.yaml:4"),
        ("OMA503", "authorizer.adminPrincipals", "values-cognito.yaml:6"),
        ("OMA106", values, "values-cognito.yaml:16"),
        ("OMA107", values, "values-cognito.yaml:16"),
        ("OMA108", values, "values-cognito.yaml:9"),
        ("OMA504", "extraEnvs AIRFLOW_PASSWORD", "values-cognito.yaml:24"),
        ("OMA505", "database.auth.password", "values-cognito.yaml:19"),  # empty secretRef: the server's default
    }
    fernet = next(f for f in report["findings"] if f["rule_id"] == "OMA501")
    assert "the chart's default (openmetadata-1.13.1)" in fernet["message"]
    assert INLINE_AIRFLOW not in _outputs(tmp_path / "out", result)


def test_hardened_values_have_no_fail(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--helm-values", str(HELM / "values-hardened.yaml"))
    assert result.code == 0, result.stderr
    assert _failing(report) == set()
    assert {f["rule_id"]: f["status"] for f in report["findings"]}["OMA116"] == "PASS"  # confidential, PKCE on


def test_sarif_points_github_at_the_line(tmp_path: Path) -> None:
    import jsonschema

    _scan(tmp_path, "--helm-values", str(HELM / "values-cognito.yaml"))
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text())
    jsonschema.validate(sarif, json.loads((DATA / "sarif-schema-2.1.0.json").read_text()))
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]}
    assert ("OMA106", "tests/data/files/helm/values-cognito.yaml", 16) in located
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId")
            for r in sarif["runs"][0]["results"]}
    assert uris == {"%SRCROOT%"}


def test_table_markdown_html_and_csv_show_path_and_line(tmp_path: Path) -> None:
    import csv

    result, _ = _scan(tmp_path, "--helm-values", str(HELM / "values-cognito.yaml"))
    where = "tests/data/files/helm/values-cognito.yaml:16"
    assert f"({where})" in result.stdout
    assert f"`{where}`" in (tmp_path / "out" / "report.md").read_text()
    assert f'<small class="location">{where}</small>' in (tmp_path / "out" / "report.html").read_text()
    rows = list(csv.DictReader((tmp_path / "out" / "report.csv").open()))
    assert {r["location"] for r in rows if r["rule_id"] == "OMA106"} == {where}


def test_dir_finds_the_known_files_and_names_each(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / "deploy" / "values.yaml").write_text((HELM / "values-cognito.yaml").read_text())
    (repo / "docs.yaml").write_text("title: not a configuration file\n")
    (repo / ".git").mkdir()
    (repo / ".git" / "values.yaml").write_text((HELM / "values-defaults.yaml").read_text())  # never entered
    result = run_cli_in_process("scan", "--dir", str(repo), "--format", "json", "--output-dir", str(tmp_path / "o"))
    assert result.code == 1, result.stderr
    assert "using deploy/values.yaml" in result.stderr
    assert "skipped docs.yaml: not a configuration file omaudit knows" in result.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert {f["location"]["file"] for f in report["findings"] if f["status"] == "FAIL"} == {"deploy/values.yaml"}
    assert report["targets"][0]["name"] == "files"  # never the checkout's folder (issue 24, point 4)
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_cli_in_process("scan", "--dir", str(empty))
    assert nothing.code == 2 and "no configuration file to scan" in nothing.stderr


@pytest.mark.parametrize(("text", "phrase"), [
    ("authenticationConfiguration:\n  provider: [basic\n  x: 1\n", "line 3"),
    ("authenticationConfiguration: &a [" + ",".join(["x"] * 50) + "]\n"
     + "".join(f"l{i}: &l{i} [" + ",".join([f"*{'a' if i == 0 else f'l{i - 1}'}"] * 50) + "]\n" for i in range(4)),
     "line 2: a YAML alias"),  # any alias in openmetadata.yaml is refused, before any is expanded
    ("authenticationConfiguration: " + "[" * 100 + "]" * 100 + "\n", "nested"),
    ("- just\n- a list\n", "not a YAML mapping"),
    ("title: some other YAML\n", "not an openmetadata.yaml"),
])
def test_bad_files_are_one_line_exit_2_naming_file_and_line(text: str, phrase: str, tmp_path: Path) -> None:
    path = tmp_path / "openmetadata.yaml"
    path.write_text(text)
    result = run_cli_in_process("scan", "--config", str(path), cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "openmetadata.yaml" in result.stderr
    assert phrase in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists()


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "values.yaml"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)
    result = run_cli_in_process("scan", "--helm-values", str(path))
    assert result.code == 2 and "larger than 2 MiB" in result.stderr


def test_a_file_scan_is_refused_with_live_options(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("x")
    for extra in (["--active"], ["--om-token-file", str(token)]):
        result = run_cli_in_process("scan", "--config", str(OM / "openmetadata.yaml"), *extra)
        assert result.code == 2 and "contacts no server" in result.stderr, extra
    # With --om-url the files are the reviewed side of a live scan (OMA406): the server is contacted.
    compared = run_cli_in_process("scan", "--config", str(OM / "openmetadata.yaml"), "--om-url", "http://127.0.0.1:9")
    assert compared.code == 2 and compared.stderr == (
        "omaudit: error: cannot connect to http://127.0.0.1:9: connection refused (nothing was scanned)\n")
    # An env file alone configures the image's own openmetadata.yaml (issue 21): a file scan too, so it can be
    # compared as well; with an inventory it cannot.
    lone = run_cli_in_process("scan", "--inventory", str(tmp_path / "fleet.toml"), "--env-file", str(OM / "slips.env"))
    assert lone.code == 2 and "leave out --inventory" in lone.stderr


def test_suppressions_and_baselines_work_on_file_scans(tmp_path: Path) -> None:
    sup = tmp_path / "sup.toml"
    sup.write_text("".join(f'[[suppression]]\nrule = "{rule}"\nreason = "fixed in the next release"\n'
                           "expires = 2099-01-01\n\n" for rule in ("OMA501", "OMA502", "OMA503", "OMA504",
                                                                    "OMA505", "OMA106", "OMA107", "OMA108")))
    args = ["--helm-values", str(HELM / "values-cognito.yaml"), "--format", "json"]
    first = run_cli_in_process("scan", *args, "--output-dir", str(tmp_path / "a"))
    muted = run_cli_in_process("scan", *args, "--suppressions", str(sup), "--output-dir", str(tmp_path / "b"))
    assert first.code == 1 and muted.code == 0, muted.stderr
    again = run_cli_in_process("scan", *args, "--baseline", str(tmp_path / "a" / "report.json"), "--fail-on-new",
                               "--output-dir", str(tmp_path / "c"))
    assert again.code == 0
    marks = {f["baseline"] for f in json.loads((tmp_path / "c" / "report.json").read_text())["findings"]}
    assert marks == {"existing"}


TF = FILES / "terraform"
CFN = FILES / "cloudformation"
POOL_SLIPS = {"OMA201", "OMA202", "OMA203", "OMA204", "OMA205", "OMA206", "OMA207", "OMA214", "OMA215",
              "OMA217"}  # the slips fixtures associate no WAF web ACL
CLIENT_SLIPS = {"OMA301", "OMA303", "OMA305", "OMA306", "OMA310"}


def _failing_rules(report: dict[str, Any]) -> set[str]:
    return {f["rule_id"] for f in report["findings"] if f["status"] == "FAIL"}


def test_a_terraform_plan_with_the_guide_slips(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--terraform-plan", str(TF / "plan-slips.json"))
    assert result.code == 1
    assert _failing_rules(report) == POOL_SLIPS | CLIENT_SLIPS | {"OMA304"}  # ALLOW_USER_PASSWORD_AUTH
    client = next(f for f in report["findings"] if f["rule_id"] == "OMA301")
    assert client["resource"] == ("cognito:user-pool/aws_cognito_user_pool.openmetadata/client/"
                                  "aws_cognito_user_pool_client.openmetadata")
    assert client["location"] == {"file": "tests/data/files/terraform/plan-slips.json", "line": 1}  # one line
    oma401 = next(f for f in report["findings"] if f["rule_id"] == "OMA401")
    assert oma401["status"] == "SKIPPED" and "known only once it is created" in oma401["message"]


def test_a_hardened_terraform_plan_has_no_fail(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--terraform-plan", str(TF / "plan-hardened.json"))
    assert result.code == 0 and _failing_rules(report) == set()
    statuses = {f["rule_id"]: f["status"] for f in report["findings"]}
    assert statuses["OMA206"] == "PASS"  # ENFORCED, with the risk configuration's actions
    client = next(f for f in report["findings"] if f["rule_id"] == "OMA310")
    assert client["location"]["line"] > 1  # a pretty-printed plan: the line of the client's address


def test_a_cloudformation_template_with_the_guide_slips(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--cloudformation", str(CFN / "template-slips.yaml"))
    assert result.code == 1
    assert _failing_rules(report) == POOL_SLIPS | CLIENT_SLIPS  # no ExplicitAuthFlows: AWS's defaults, no password
    lines = {(f["rule_id"], f["location"]["line"]) for f in report["findings"] if f["status"] == "FAIL"}
    # Each at the line that sets what it judges (issue 21): Schema, MfaConfiguration,
    # AllowAdminCreateUserOnly, CallbackURLs, AllowedOAuthFlows; a property left out, at its resource.
    assert {("OMA201", 13), ("OMA203", 12), ("OMA205", 18), ("OMA301", 24), ("OMA303", 26),
            ("OMA202", 8), ("OMA306", 19)} <= lines
    # the resource's own line is the related location (SARIF relatedLocations) when the finding points
    # at one of its properties; none when the finding already points at the resource
    related = {f["rule_id"]: (f.get("related_location") or {}).get("line") for f in report["findings"]
               if f["status"] == "FAIL"}
    assert (related["OMA203"], related["OMA301"], related["OMA202"]) == (8, 19, None)
    mfa = next(f for f in report["findings"] if f["rule_id"] == "OMA203")
    assert "MFA is OFF" in mfa["message"]  # an unquoted OFF is YAML's false: read as OFF


def test_a_hardened_cloudformation_template_has_no_fail(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--cloudformation", str(CFN / "template-hardened.json"))
    assert result.code == 0 and _failing_rules(report) == set()


def test_cross_file_the_values_callback_must_be_registered_on_the_planned_client(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--helm-values", str(HELM / "values-hardened.yaml"),
                           "--terraform-plan", str(TF / "plan-slips.json"))
    assert result.code == 1
    cross = {f["rule_id"]: f for f in report["findings"] if f["rule_id"].startswith("OMA40")}
    assert cross["OMA403"]["status"] == "FAIL" and "https://om.example.com/callback" in cross["OMA403"]["message"]
    # A confidential client: its redirect is oidcConfiguration.callbackUrl, the line to fix.
    assert cross["OMA403"]["location"] == {"file": "tests/data/files/helm/values-hardened.yaml", "line": 24}
    assert cross["OMA404"]["location"] == {"file": "tests/data/files/terraform/plan-slips.json", "line": 1}
    assert cross["OMA404"]["status"] == "FAIL"
    both = _scan(tmp_path / "b", "--helm-values", str(HELM / "values-hardened.yaml"),
                 "--terraform-plan", str(TF / "plan-hardened.json"))[1]
    assert {f["rule_id"]: f["status"] for f in both["findings"]}["OMA403"] == "PASS"
    assert _failing_rules(both) == set()


def test_dir_takes_plans_and_templates_by_what_they_hold(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    (repo / "infra" / "tfplan.json").write_text((TF / "plan-slips.json").read_text())
    (repo / "infra" / "cognito.template").write_text((CFN / "template-hardened.json").read_text())
    (repo / "package.json").write_text('{"name": "web"}')
    result = run_cli_in_process("scan", "--dir", str(repo), "--format", "json", "--output-dir", str(tmp_path / "o"))
    assert "using infra/tfplan.json" in result.stderr and "using infra/cognito.template" in result.stderr
    assert "skipped package.json" in result.stderr
    # A plan beside a template: two Cognito deployments, each its own target (issue 21: the template
    # was named "not used" and never judged); the template's pool is not mixed into the plan's.
    assert "several Cognito deployments under --dir (infra/tfplan.json, infra/cognito.template)" in result.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert [t["name"] for t in report["targets"]] == ["infra/tfplan.json", "infra/cognito.template"]
    assert {f["location"]["file"] for f in report["findings"] if f["status"] == "FAIL"} == {"infra/tfplan.json"}
    assert any(f["target"] == "infra/cognito.template" and f["status"] == "PASS" for f in report["findings"])


def test_an_inventory_target_may_be_files(tmp_path: Path) -> None:
    inventory = tmp_path / "fleet.toml"
    inventory.write_text(f'[[target]]\nname = "prod-config"\nhelm_values = ["{HELM / "values-cognito.yaml"}"]\n'
                         f'terraform_plan = "{TF / "plan-slips.json"}"\ntags = ["prod"]\n\n'
                         f'[[target]]\nname = "prod-hardened"\nhelm_values = ["{HELM / "values-hardened.yaml"}"]\n'
                         'tags = ["prod"]\n')
    result = run_cli_in_process("scan", "--inventory", str(inventory), "--tag", "prod", "--format", "json",
                                "--output-dir", str(tmp_path / "o"), cwd=ROOT)
    assert result.code == 1, result.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    failing = {(f["target"], f["rule_id"]) for f in report["findings"] if f["status"] == "FAIL"}
    assert {t for t, _ in failing} == {"prod-config"} and ("prod-config", "OMA403") not in failing
    assert ("prod-config", "OMA201") in failing and ("prod-config", "OMA501") in failing
    # A target with om_url and files is a live scan compared with them: tests/test_drift.py.


def test_a_terraform_state_knows_the_ids_so_the_authority_and_client_are_compared(tmp_path: Path) -> None:
    """`terraform show -json` of a state: ids are known, so OMA401/OMA402 are judged, not SKIPPED."""
    result, report = _scan(tmp_path, "--helm-values", str(HELM / "values-hardened.yaml"),
                           "--terraform-plan", str(TF / "state-hardened.json"))
    assert result.code == 0, result.stderr
    cross = {f["rule_id"]: f["status"] for f in report["findings"] if f["rule_id"].startswith("OMA40")}
    assert cross == {"OMA401": "PASS", "OMA402": "PASS", "OMA403": "PASS", "OMA404": "PASS", "OMA405": "PASS",
                     "OMA406": "SKIPPED"}
    other = tmp_path / "other-region.json"
    other.write_text((TF / "state-hardened.json").read_text().replace("us-east-1_AbC123xyz", "eu-west-1_AbC123xyz"))
    moved = _scan(tmp_path / "m", "--helm-values", str(HELM / "values-hardened.yaml"),
                  "--terraform-plan", str(other))[1]
    assert {f["rule_id"]: f["status"] for f in moved["findings"]}["OMA401"] == "FAIL"


REVIEW = FILES / "review"


def test_a_compose_file_is_interpolated_as_compose_does(tmp_path: Path) -> None:
    """OpenMetadata's compose files write `KEY: ${KEY:-default}`: the default is the value when the
    variable is not set, not the literal text (a review found OMA501/503/103/505 passing on it)."""
    result, report = _scan(tmp_path, "--config", str(OM / "openmetadata.yaml"),
                           "--compose-file", str(REVIEW / "compose-official-shape.yml"))
    failing = _failing_rules(report)
    assert {"OMA501", "OMA503", "OMA103", "OMA505"} <= failing, result.stderr
    fernet = next(f for f in report["findings"] if f["rule_id"] == "OMA501")
    assert fernet["location"]["file"].endswith("compose-official-shape.yml")
    deploy = tmp_path / "deploy.env"
    deploy.write_text("FERNET_KEY=deploy-fernet-canary-77aa\n")
    chosen = _scan(tmp_path / "s", "--config", str(OM / "openmetadata.yaml"), "--compose-file",
                   str(REVIEW / "compose-official-shape.yml"), "--env-file", str(deploy))[1]
    assert "OMA501" not in _failing_rules(chosen)  # the deployment's own key, through the interpolation
    # The process environment is the CI job's, never the deployment's: it is not read.
    ignored = _scan(tmp_path / "p", "--config", str(OM / "openmetadata.yaml"), "--compose-file",
                    str(REVIEW / "compose-official-shape.yml"), env={"FERNET_KEY": "deploy-fernet-canary-77aa"})[1]
    assert "OMA501" in _failing_rules(ignored)


def test_the_shipped_key_from_an_env_file_fails_and_admin_passwords_never_show(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped.env"
    shipped.write_text("FERNET_KEY=jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=\nDB_USER_PASSWORD=openmetadata_password\n"
                       "AUTHORIZER_ADMIN_PRINCIPALS=[admin:Sup3rSecretAdminPw, alice:AlicePw-canary-12345]\n")
    result, report = _scan(tmp_path, "--config", str(OM / "openmetadata.yaml"), "--env-file", str(shipped))
    assert {"OMA501", "OMA503", "OMA505"} <= _failing_rules(report)
    text = _outputs(tmp_path / "out", result)
    assert "Sup3rSecretAdminPw" not in text and "AlicePw-canary" not in text
    admins = next(f for f in report["findings"] if f["rule_id"] == "OMA503")
    assert admins["evidence"]["admin_principals"] == ["admin", "alice"]
    inline = {f["resource"] for f in report["findings"] if f["rule_id"] == "OMA504" and f["status"] == "FAIL"}
    assert "adminPrincipals (name:password)" in inline


def test_a_placeholder_without_value_or_default_is_skipped_not_judged(tmp_path: Path) -> None:
    config = tmp_path / "openmetadata.yaml"
    config.write_text((OM / "openmetadata.yaml").read_text()
                      .replace("${AUTHENTICATION_PROVIDER:-basic}", "${AUTHENTICATION_PROVIDER}")
                      .replace("${AUTHORIZER_ADMIN_PRINCIPALS:-[admin]}", "${AUTHORIZER_ADMIN_PRINCIPALS}"))
    _, report = _scan(tmp_path, "--config", str(config))
    statuses = {f["rule_id"]: f for f in report["findings"]}
    for rule in ("OMA103", "OMA106", "OMA503"):
        assert statuses[rule]["status"] == "SKIPPED", rule
    assert "set where the server is deployed" in statuses["OMA103"]["message"]


def test_a_password_in_an_env_file_masks_nothing_else(tmp_path: Path) -> None:
    """Fragment masking of a file's password blanked every `openmetadata` (SARIF paths included)."""
    env = tmp_path / "pw.env"
    env.write_text("DB_USER_PASSWORD=openmetadata_prod_Pw\n")
    _scan(tmp_path, "--config", str(OM / "openmetadata.yaml"), "--env-file", str(env))
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "tests/data/files/om/openmetadata.yaml" in uris and not [u for u in uris if "REDACTED" in u]
    assert "openmetadata_prod_Pw" not in (tmp_path / "out" / "report.json").read_text()


def _status(report: dict[str, Any]) -> dict[str, str]:
    """rule -> status, for rules with one finding (the worst when several)."""
    order = ["FAIL", "ERROR", "MUTED", "SKIPPED", "PASS"]
    out: dict[str, str] = {}
    for f in report["findings"]:
        if f["rule_id"] not in out or order.index(f["status"]) < order.index(out[f["rule_id"]]):
            out[f["rule_id"]] = f["status"]
    return out


@pytest.mark.parametrize(("values", "expected"), [
    # Confidential without oidcConfiguration.enabled: the chart passes no OIDC_* variable, so the server's
    # own defaults apply (PKCE off, the localhost callback).
    (["values-conf-noenabled.yaml"], {"OMA116": "FAIL", "OMA106": "FAIL", "OMA107": "FAIL", "OMA103": "PASS"}),
    # A section whose `enabled` is false renders no Secret: the server's defaults, whatever the values say.
    (["values-auth-disabled.yaml"], {"OMA103": "FAIL", "OMA108": "FAIL", "OMA503": "FAIL", "OMA502": "FAIL"}),
    # The last -f wins, as with helm: the override's Fernet secret and admins are used.
    (["../helm/values-cognito.yaml", "values-override.yaml"], {"OMA501": "PASS", "OMA503": "PASS", "OMA106": "FAIL"}),
    (["values-override.yaml", "../helm/values-cognito.yaml"], {"OMA501": "PASS", "OMA503": "FAIL"}),
    # Maps merge: setting secretKey alone keeps the chart's secretRef.
    (["values-db-key.yaml"], {"OMA505": "PASS"}),
])
def test_helm_values_as_the_chart_renders_them(values: list[str], expected: dict[str, str], tmp_path: Path) -> None:
    args = [a for v in values for a in ("--helm-values", str(REVIEW / v))]
    _, report = _scan(tmp_path, *args)
    got = _status(report)
    assert {rule: got[rule] for rule in expected} == expected


def test_cloudformation_strings_parameters_and_intrinsics(tmp_path: Path) -> None:
    """Booleans and numbers given as strings are what CloudFormation makes of them; a parameter's
    default is used; an Fn::If leaves what reads it SKIPPED (known only at deploy), never a default,
    and only what reads it (issue 21: OMA308 reads the refresh validity, set from a parameter, and is
    judged although the same client's ExplicitAuthFlows is an Fn::If)."""
    _, report = _scan(tmp_path, "--cloudformation", str(REVIEW / "template-strings-and-intrinsics.yaml"))
    got = _status(report)
    # The Fn::If's condition compares a parameter's default ("true") with "true": the template decides it
    # (the second attack on issue 18's change), so the password flow is on.
    assert got["OMA304"] == "FAIL" and got["OMA308"] == "FAIL"
    undecided = tmp_path / "undecided.yaml"
    undecided.write_text((REVIEW / "template-strings-and-intrinsics.yaml").read_text().replace(
        'AllowPasswordFlow: {Type: String, Default: "true"}', "AllowPasswordFlow: {Type: String}"))
    got_u = _status(_scan(tmp_path / "u", "--cloudformation", str(undecided))[1])
    assert got_u["OMA304"] == "SKIPPED" and got_u["OMA308"] == "FAIL"
    plain = tmp_path / "no-if.yaml"
    plain.write_text("".join(line for line in (REVIEW / "template-strings-and-intrinsics.yaml").read_text()
                             .splitlines(keepends=True) if "ExplicitAuthFlows" not in line))
    got = _status(_scan(tmp_path / "p", "--cloudformation", str(plain))[1])
    assert (got["OMA205"], got["OMA215"], got["OMA307"], got["OMA308"]) == ("PASS", "PASS", "FAIL", "FAIL")


@pytest.mark.parametrize(("plan", "expected"), [
    # Set from an expression known only after apply: SKIPPED, not judged as AWS's default.
    ("plan-unknown.json", {"OMA304": "SKIPPED", "OMA307": "SKIPPED", "OMA308": "SKIPPED", "OMA201": "PASS"}),
    # A custom domain without a TLS policy in the plan: AWS's choice is seen on a live scan.
    ("plan-domain.json", {"OMA213": "SKIPPED"}),
])
def test_terraform_unknowns_module_instances_and_domains(plan: str, expected: dict[str, str], tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--terraform-plan", str(REVIEW / plan))
    got = _status(report)
    assert {rule: got[rule] for rule in expected} == expected
    assert result.code == 0


def test_each_pool_of_a_plan_is_its_own_target_with_its_own_clients(tmp_path: Path) -> None:
    """Two module instances in one plan: the staging client (localhost, password flow) is not the prod
    pool's. Each pool is its own target, judged with its own client (issue 21: before, only the first
    pool was judged and staging was dropped with a note the report did not carry)."""
    result, report = _scan(tmp_path, "--terraform-plan", str(REVIEW / "plan-modules.json"))
    by_target = {(f["target"].rsplit("#", 1)[-1], f["rule_id"]): f["status"] for f in report["findings"]
                 if f["rule_id"] in ("OMA301", "OMA304")}
    prod, staging = ('module.cognito["prod"].aws_cognito_user_pool.openmetadata',
                     'module.cognito["staging"].aws_cognito_user_pool.openmetadata')
    assert by_target == {(prod, "OMA301"): "PASS", (prod, "OMA304"): "PASS",
                         (staging, "OMA301"): "FAIL", (staging, "OMA304"): "FAIL"}
    assert [t["name"].rsplit("#", 1)[-1] for t in report["targets"]] == [prod, staging]
    assert report["notes"][0].startswith("several user pools in ")
    assert result.code == 1


def test_the_same_repository_in_another_folder_has_the_same_fingerprints(tmp_path: Path) -> None:
    """Issue 24, point 4: the target of a --dir scan is not named after the checkout's folder, so a
    baseline made in copyA finds nothing new in copyB; --name sets the name."""
    for copy in ("copyA", "copyB"):
        (tmp_path / copy / "deploy").mkdir(parents=True)
        (tmp_path / copy / "deploy" / "values.yaml").write_text((HELM / "values-defaults.yaml").read_text())
    first = run_cli_in_process("scan", str(tmp_path / "copyA"), "-f", "json", "-o", str(tmp_path / "a"))
    second = run_cli_in_process("scan", str(tmp_path / "copyB"), "-f", "json", "-o", str(tmp_path / "b"),
                                "--baseline", str(tmp_path / "a" / "report.json"), "--fail-on-new")
    assert first.code == 1 and second.code == 0, second.stderr
    assert {f.get("baseline") for f in second.json()["findings"]} == {"existing"}
    table = run_cli_in_process("scan", str(tmp_path / "copyB"), "-o", str(tmp_path / "t"), "--baseline",
                               str(tmp_path / "a" / "report.json"), "--fail-on-new")
    # Issue 24, point 3: the hint says what gated; "no un-muted FAIL" would deny the FAILs listed above it.
    assert "FAIL" in table.stdout and "Exit code 0: no new un-muted FAIL at or above high" in table.stdout
    latest = run_cli_in_process("scan", str(tmp_path / "copyB"), "-q", "--baseline", "latest", cwd=tmp_path)
    assert "warning: no previous report in reports/latest" in latest.stderr  # -q does not hide it
    named = run_cli_in_process("scan", str(tmp_path / "copyB"), "--name", "platform/prod", "-f", "json", "-o",
                               str(tmp_path / "c"))
    assert {t["name"] for t in named.json()["targets"]} == {"platform/prod"}


def test_a_parser_message_never_quotes_a_resolved_secret(tmp_path: Path) -> None:
    """A secret that turns the resolved YAML invalid (`*x` is an alias) must not reach the error line."""
    env = tmp_path / "a.env"
    env.write_text("OIDC_CLIENT_SECRET=*Xq7CanaryAliasSecret99\n")
    result = run_cli_in_process("scan", "--config", str(OM / "openmetadata.yaml"), "--env-file", str(env))
    assert result.code == 2 and "openmetadata.yaml" in result.stderr and "line 46" in result.stderr
    assert "Xq7Canary" not in result.stderr + result.stdout


def test_a_plan_that_only_adds_a_client_to_a_pool_managed_elsewhere_judges_the_client(tmp_path: Path) -> None:
    result, report = _scan(tmp_path, "--terraform-plan", str(REVIEW / "plan-client-only.json"))
    assert result.code == 1
    assert _failing_rules(report) == {"OMA301", "OMA303", "OMA304", "OMA306", "OMA310"}
    pool = next(f for f in report["findings"] if f["rule_id"] == "OMA201")
    assert pool["status"] == "SKIPPED" and "managed elsewhere" in pool["message"]


def test_hostile_shapes_are_bounded_input_errors(tmp_path: Path) -> None:
    """Found by an attack: each was a hang, an internal error (exit 4) or a memory spike. Each runs in a
    child process under run_cli's deadline: a hang fails the test instead of stalling the suite."""
    from tests.conftest import run_cli

    placeholders = tmp_path / "openmetadata.yaml"
    placeholders.write_text((OM / "openmetadata.yaml").read_text() + "# " + "${" * 30_000 + "\\n")
    spaces = tmp_path / "spaces.env"
    spaces.write_text("AUTHENTICATION_PROVIDER=a" + " " * 100_000 + "b\\n")
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    bad_plan = tmp_path / "plan.json"
    bad_plan.write_text(json.dumps({"format_version": "1.2", "planned_values": {"root_module": {
        "resources": [{"mode": "managed", "type": "aws_cognito_user_pool", "address": "aws_cognito_user_pool.p",
                       "values": {"schema": 7, "password_policy": "x"}}]}}}))
    deep = tmp_path / "deep"
    folder = deep
    for _ in range(40):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "values.yaml").write_text((HELM / "values-defaults.yaml").read_text())
    (deep / "values.yaml").write_text((HELM / "values-hardened.yaml").read_text())
    cases = [(["--config", str(placeholders)], (0, 1)), (["--config", str(OM / "openmetadata.yaml"), "--env-file",
                                                          str(spaces)], (0, 1)),
             (["--helm-values", str(loop)], (2,)), (["--terraform-plan", str(bad_plan)], (2,)),
             (["--dir", str(deep)], (0,))]
    for args, codes in cases:
        result = run_cli("scan", *args, "--format", "json", "--output-dir", str(tmp_path / "o"), timeout=60)
        assert result.code in codes, (args, result.code, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("args", [
    ["--cloudformation", str(FILES / "cloudformation" / "template-slips.yaml")],
    ["--terraform-plan", str(FILES / "terraform" / "plan-slips.json")],
    ["--config", str(FILES / "om" / "openmetadata.yaml")],
    ["--helm-values", str(FILES / "helm" / "values-defaults.yaml")],
    ["--dir", str(FILES / "cloudformation")],
])
def test_a_file_scan_imports_no_network_client(args: list[str], tmp_path: Path) -> None:
    """A gate reads files only: boto3, botocore, requests and urllib3 are not even imported (they were
    350 ms of a template scan's start-up, through the Cognito parsers)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "auditor", "scan", *args, "-f", "json", "-q",
                           "-o", str(tmp_path)], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]  # each of these files has a finding at or above high
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time")}
    assert "auditor.sources.files.finder" in imported or "auditor.sources.files.result" in imported
    for network in ("boto3", "botocore", "requests", "urllib3",
                    "auditor.sources.cognito.collector", "auditor.sources.openmetadata.http"):
        assert network not in imported, network
    if args[0] == "--config":  # issue 20: only the readers of the kinds given (other readers were 130 ms)
        other = sorted(m for m in imported if m.startswith(("auditor.sources.files.terraform",
                                                            "auditor.sources.files.cloudformation.template",
                                                            "auditor.sources.files.cognito_pool",
                                                            "auditor.sources.files.kubernetes",
                                                            "auditor.sources.files.kustomize")))
        assert other == []


def test_sibling_helm_overlays_are_each_a_release_on_the_base(tmp_path: Path) -> None:
    """Issue 21 (found again by a review): values-prod.yaml and values-staging.yaml beside values.yaml were
    layered on each other, so staging's self sign-up (sorted last) was judged as prod's too, and a decoy
    overlay could hide prod's. Each overlay is now its own target, layered on the base only."""
    head = "openmetadata:\n  config:\n    authentication:\n"
    (tmp_path / "values.yaml").write_text(head + "      provider: aws-cognito\n")
    (tmp_path / "values-prod.yaml").write_text(head + "      enableSelfSignup: false\n")
    (tmp_path / "values-staging.yaml").write_text(head + "      enableSelfSignup: true\n")
    result = run_cli_in_process("scan", "--dir", str(tmp_path), "-f", "json", "-o", str(tmp_path / "o"))
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert [t["name"] for t in report["targets"]] == ["values-prod.yaml", "values-staging.yaml"]
    signup = {(f["target"], f["status"], f["location"]["file"], f["location"]["line"])
              for f in report["findings"] if f["rule_id"] == "OMA108"}
    # A PASS of OMA108 points at the auth settings' first line (the base's provider); a FAIL at the flag.
    assert signup == {("values-prod.yaml", "PASS", "values.yaml", 4),
                      ("values-staging.yaml", "FAIL", "values-staging.yaml", 4)}
    assert report["notes"][0] == ("Helm values with 2 overlays beside values.yaml: each overlay is a release of "
                                  "its own, layered on the base only, and judged alone")
    assert result.code == 1


def test_helm_overlays_beside_two_pools_drop_neither_pool(tmp_path: Path) -> None:
    """Found by a second attack: splitting the overlays returned before the pools were split, so only the
    first template (dev, MFA on) was judged and prod's MFA off was never seen."""
    head = "openmetadata:\n  config:\n    authentication:\n"
    (tmp_path / "values.yaml").write_text(head + "      provider: aws-cognito\n")
    (tmp_path / "values-prod.yaml").write_text(head + "      enableSelfSignup: false\n")
    (tmp_path / "values-staging.yaml").write_text(head + "      enableSelfSignup: true\n")
    pool = "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      MfaConfiguration: '{}'\n" \
           "      EnabledMfas: [SOFTWARE_TOKEN_MFA]\n"
    (tmp_path / "dev-pool.yaml").write_text(pool.format("ON"))
    (tmp_path / "prod-pool.yaml").write_text(pool.format("OFF"))
    run_cli_in_process("scan", "--dir", str(tmp_path), "-f", "json", "-o", str(tmp_path / "o"))
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert [t["name"] for t in report["targets"]] == ["values-prod.yaml", "values-staging.yaml", "dev-pool.yaml",
                                                      "prod-pool.yaml"]
    mfa = {f["target"]: f["status"] for f in report["findings"] if f["rule_id"] == "OMA203"}
    assert mfa["prod-pool.yaml"] == "FAIL" and mfa["dev-pool.yaml"] == "PASS"


def test_helm_overlays_beside_one_pool_are_each_judged_with_it(tmp_path: Path) -> None:
    """One pool and two overlays: each release keeps the pool, so the cross-file rules stay judged."""
    head = "openmetadata:\n  config:\n    authentication:\n"
    (tmp_path / "values.yaml").write_text(head + "      provider: aws-cognito\n      callbackUrl: https://om.example.com/callback\n")
    for name in ("prod", "staging"):
        (tmp_path / f"values-{name}.yaml").write_text(head + "      enableSelfSignup: false\n")
    (tmp_path / "pool.yaml").write_text(
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties: {}\n"
        "  Client:\n    Type: AWS::Cognito::UserPoolClient\n    Properties:\n      UserPoolId: !Ref Pool\n"
        "      CallbackURLs: [https://om.example.com/callback]\n      AllowedOAuthFlows: [code]\n"
        "      AllowedOAuthFlowsUserPoolClient: true\n")
    run_cli_in_process("scan", "--dir", str(tmp_path), "-f", "json", "-o", str(tmp_path / "o"))
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert [t["name"] for t in report["targets"]] == ["values-prod.yaml", "values-staging.yaml"]
    registered = {f["target"]: f["status"] for f in report["findings"] if f["rule_id"] == "OMA403"}
    assert registered == {"values-prod.yaml": "PASS", "values-staging.yaml": "PASS"}


def test_a_setting_written_without_a_value_is_the_first_files_unknown(tmp_path: Path) -> None:
    """Review of issue 20's typed facts: `enforcePrincipalDomain:` with no value in openmetadata.yaml was
    taken as "not given", so the Helm values' chart default (false) filled it in silently, located at the
    openmetadata.yaml line. The first file gives it, as unknown."""
    from auditor.facts.snapshot import Unknown
    from auditor.plan import FileOptions, build_file_targets
    from auditor.scan.service import collect_files

    config = tmp_path / "openmetadata.yaml"
    config.write_text((OM / "openmetadata.yaml").read_text().replace(
        "enforcePrincipalDomain: ${AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN:-false}", "enforcePrincipalDomain:"))
    [target] = build_file_targets(FileOptions({"config": (config,), "helm_values": (HELM / "values-cognito.yaml",)}))
    snap, notes = collect_files(target)
    assert isinstance(snap.conf.enforce_principal_domain, Unknown)
    assert snap.conf.enforce_principal_domain.what == (f"{config}: enforcePrincipalDomain is written without true "
                                                       "or false")
    assert snap.locations["conf.enforce_principal_domain"].file == str(config)
    assert snap.locations["conf.enforce_principal_domain"].line == 26
    assert any("conf.enforce_principal_domain" in note and "values-cognito.yaml: not used for" in note
               for note in notes)
