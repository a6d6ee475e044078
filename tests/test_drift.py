"""OMA406 end to end: a live scan of the lab given a deployment's files as well, over real sockets.

The walkthrough lab runs the Cognito guide's leftovers (self sign-up on, the domain not enforced, a
localhost callback, OpenMetadata's JWKS on localhost, a pool anyone may join); the reviewed files
say the opposite. Each weaker setting is one FAIL at the file's line, decided from the files below
before running. The hardened lab given files that match it has no FAIL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.lab.releases import RELEASES
from auditor.lab.server import LabServer
from tests.conftest import run_cli, scan_args

Lab = Callable[[str], LabServer]

SECURE_CALLBACK = "https://openmetadata.example.com/callback"
AUTHENTICATION = "openmetadata:\n  config:\n    authentication:\n"


def values(lab: LabServer, *, admins: str, enforce: str, self_signup: str, callback: str, keys: list[str]) -> str:
    """Helm values for the chart; the line numbers the test expects are in the comments."""
    assert lab.pool is not None
    listed = "\n".join(f'        - "{k}"' for k in keys)
    return f"""openmetadata:
  config:
    authorizer:
      initialAdmins: [{admins}]  # line 4
      principalDomain: example.com
      enforcePrincipalDomain: {enforce}  # line 6
    authentication:
      provider: aws-cognito
      enableSelfSignup: {self_signup}  # line 9
      publicKeys:  # line 10
{listed}
      authority: "{lab.pool.authority}"
      clientId: "{lab.pool.client_id}"
      callbackUrl: "{callback}"
"""


TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OpenMetadataPool:
    Type: AWS::Cognito::UserPool
    Properties:
      AdminCreateUserConfig:
        AllowAdminCreateUserOnly: true
      UsernameAttributes: [email]
"""


def reviewed_tree(lab: LabServer, folder: Path) -> Path:
    """The reviewed deployment: hardened values (sign-up off, the domain enforced, an https callback, the
    pool's and OpenMetadata's own JWKS on its public host) and a pool template with sign-up closed."""
    assert lab.pool is not None
    folder.mkdir()
    (folder / "values.yaml").write_text(values(
        lab, admins="alice", enforce="true", self_signup="false", callback=SECURE_CALLBACK,
        keys=[f"{lab.pool.authority}/.well-known/jwks.json",
              "https://openmetadata.example.com/api/v1/system/config/jwks"]))
    (folder / "pool.yaml").write_text(TEMPLATE)
    return folder


def drift(report: dict[str, object]) -> dict[str, tuple[str, str | None]]:
    """OMA406's findings: the setting (after '#') -> (status, file:line)."""
    out = {}
    for f in report["findings"]:  # type: ignore[attr-defined]
        if f["rule_id"] == "OMA406":
            where = f.get("location")
            out[f["resource"].rsplit("#", 1)[1]] = (f["status"], f"{where['file']}:{where['line']}" if where else None)
    return out


def test_what_runs_weaker_than_the_reviewed_files_fails_at_their_lines(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("seed-walkthrough")
    assert lab.pool is not None
    deploy = reviewed_tree(lab, tmp_path / "deploy")
    result = run_cli("scan", *scan_args(lab), "--dir", str(deploy), "--rules", "OMA406", "-f", "json",
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 1, result.stderr
    assert drift(result.json()) == {
        "enableSelfSignup": ("FAIL", "values.yaml:9"),
        "enforcePrincipalDomain": ("FAIL", "values.yaml:6"),
        # The lab lists OpenMetadata's JWKS at http://localhost:8585, the guide's example.
        "publicKeyUrls": ("FAIL", "values.yaml:10"),
        "callbackUrl": ("FAIL", "values.yaml:15"),
        "AllowAdminCreateUserOnly": ("FAIL", "pool.yaml:7"),
        "clientId": ("PASS", "values.yaml:14"),
        "authority": ("PASS", "values.yaml:13"),
        "adminPrincipals": ("PASS", "values.yaml:4"),
        "disablePkce": ("SKIPPED", None),  # the chart's default, not written in the values
    }
    messages = {f["resource"].rsplit("#", 1)[1]: f["message"] for f in result.json()["findings"]}
    assert messages["callbackUrl"] == (
        f"callbackUrl is http://localhost:8585/callback in the running server but {SECURE_CALLBACK} in the files: "
        "another host than the files' openmetadata.example.com, plain http, a loopback address")


def test_the_hardened_server_given_its_own_files_has_no_drift(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    assert lab.pool is not None
    (tmp_path / "values.yaml").write_text(values(
        lab, admins="secops", enforce="false", self_signup="false", callback="https://openmetadata.example.com/callback",
        keys=[f"{lab.pool.authority}/.well-known/jwks.json", "http://localhost:8585/api/v1/system/config/jwks"]))
    result = run_cli("scan", *scan_args(lab), "--helm-values", str(tmp_path / "values.yaml"), "--rules", "OMA406",
                     "-f", "json", env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 0, result.stderr
    assert {status for status, _ in drift(result.json()).values()} == {"PASS", "SKIPPED"}
    assert drift(result.json())["AllowAdminCreateUserOnly"] == ("SKIPPED", None)  # no pool in the files


def test_without_a_token_the_admin_only_settings_are_skipped(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("seed-walkthrough")
    assert lab.pool is not None
    (tmp_path / "values.yaml").write_text(values(
        lab, admins="alice", enforce="true", self_signup="false", callback=SECURE_CALLBACK, keys=[]))
    result = run_cli("scan", *scan_args(lab), "--helm-values", str(tmp_path / "values.yaml"), "--rules", "OMA406",
                     "-f", "json")
    found = drift(result.json())
    assert found["enableSelfSignup"][0] == "FAIL"
    assert {found[s][0] for s in ("enforcePrincipalDomain", "adminPrincipals", "publicKeyUrls")} == {"SKIPPED"}


def test_a_malformed_reviewed_file_stops_the_scan_before_any_request(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    bad = tmp_path / "values.yaml"
    bad.write_text("openmetadata:\n  config: [unclosed\n")
    result = run_cli("scan", *scan_args(lab), "--helm-values", str(bad), "-f", "json")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert "values.yaml" in result.stderr and result.stdout == ""
    assert lab.requests == []


def test_files_of_several_deployments_are_refused(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    for name in ("dev", "prod"):
        (tmp_path / f"{name}.yaml").write_text(TEMPLATE)
    result = run_cli("scan", *scan_args(lab), "--dir", str(tmp_path))
    assert result.code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "omaudit: error: the files hold 2 deployments (dev.yaml, prod.yaml): give only the files of the deployment "
        "that runs at the URL")
    assert lab.requests == []


def test_an_inventory_target_compares_its_files_and_an_unreadable_one_errs_alone(lab_factory: Lab,
                                                                                 tmp_path: Path) -> None:
    """A scheduled fleet scan: each target's server with its deployment's files. A target whose files
    cannot be read keeps its live audit; only the comparison is ERROR."""
    lab = lab_factory("seed-walkthrough")
    assert lab.pool is not None
    (tmp_path / "values.yaml").write_text(values(
        lab, admins="alice", enforce="true", self_signup="false", callback=SECURE_CALLBACK, keys=[]))
    endpoint = f'aws_endpoint_url = "{lab.aws_endpoint_url}"\n'
    (tmp_path / "fleet.toml").write_text(
        f'[[target]]\nname = "prod"\nom_url = "{lab.url}"\ntoken_env = "LAB_TOKEN"\n{endpoint}'
        'helm_values = ["values.yaml"]\n\n'
        f'[[target]]\nname = "staging"\nom_url = "{lab.url}"\n{endpoint}helm_values = ["missing.yaml"]\n')
    result = run_cli("scan", "--inventory", str(tmp_path / "fleet.toml"), "-f", "json",
                     env={"LAB_TOKEN": lab.admin_token})
    assert result.code == 1, result.stderr
    findings = result.json()["findings"]
    prod = {f["resource"].rsplit("#", 1)[1]: f["status"] for f in findings
            if f["target"] == "prod" and f["rule_id"] == "OMA406"}
    assert prod["enableSelfSignup"] == "FAIL" and prod["enforcePrincipalDomain"] == "FAIL"
    [staging] = [f for f in findings if f["target"] == "staging" and f["rule_id"] == "OMA406"]
    assert staging["status"] == "ERROR"
    assert staging["message"].startswith("the deployment's files could not be read: cannot read Helm values ")
    assert any(f["target"] == "staging" and f["rule_id"] == "OMA205" and f["status"] == "FAIL" for f in findings)


# Per release generation (auditor/lab/releases.py), decided from each release's switches before running:
# 1.6 serves no admin view and a fresh authorizer, so enforcePrincipalDomain, adminPrincipals and
# publicKeyUrls (the schema's empty default in /config/auth) are unknown there; 0.13 and 1.2 serve the
# whole authorizer block and the YAML's publicKeyUrls to anyone, so they are judged without the admin view.
UNKNOWN_ON_1_6 = {"enforcePrincipalDomain", "adminPrincipals", "publicKeyUrls"}


@pytest.mark.parametrize("release", sorted(RELEASES))
def test_drift_per_release(release: str, lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory(f"seed-walkthrough@{release}")
    result = run_cli("scan", *scan_args(lab), "--dir", str(reviewed_tree(lab, tmp_path / "deploy")), "--rules",
                     "OMA406", "-f", "json", env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    found = {setting: status for setting, (status, _) in drift(result.json()).items()}
    weaker = {"enableSelfSignup", "enforcePrincipalDomain", "publicKeyUrls", "callbackUrl", "AllowAdminCreateUserOnly"}
    expected = {s: "FAIL" for s in weaker} | {s: "PASS" for s in ("clientId", "authority", "adminPrincipals")}
    expected["disablePkce"] = "SKIPPED"  # the chart's default, not written in the values
    if release == "1.6":
        expected |= {s: "SKIPPED" for s in UNKNOWN_ON_1_6}
    assert found == expected


# Found by a review (docs/research, stop 30): what a default fills is not what the files say.
def test_settings_a_default_fills_are_not_compared(lab_factory: Lab, tmp_path: Path) -> None:
    """Values that set only enableSelfSignup: the chart's defaults fill the rest (authority Google's,
    initialAdmins [admin], publicKeys the in-cluster JWKS). Compared, they were false HIGH FAILs."""
    lab = lab_factory("hardened")
    (tmp_path / "values.yaml").write_text(AUTHENTICATION + "      enableSelfSignup: false\n")
    result = run_cli("scan", *scan_args(lab), "--helm-values", "values.yaml", "--rules", "OMA406",
                     "-f", "json", env={"OMAUDIT_OM_TOKEN": lab.admin_token}, cwd=tmp_path)
    assert result.code == 0, result.stderr
    found = drift(result.json())
    assert found.pop("enableSelfSignup") == ("PASS", "values.yaml:4")
    assert found.pop("disablePkce") == ("SKIPPED", None)  # the chart's default too
    assert {status for status, _ in found.values()} == {"SKIPPED"}
    messages = {f["message"] for f in result.json()["findings"] if f["resource"].endswith("#authority")}
    assert messages == {"the files do not set authority: a default fills it (the chart's values or the image's "
                        "openmetadata.yaml), which is not a reviewed value"}


def test_an_env_file_alone_is_compared_on_what_it_sets(lab_factory: Lab, tmp_path: Path) -> None:
    """The guide's Docker path: the server reads the image's openmetadata.yaml, the env file sets one
    variable. Only that one is the files' word (#26159: the variable ignored, sign-up on live)."""
    lab = lab_factory("seed-walkthrough")
    (tmp_path / ".env").write_text("AUTHENTICATION_ENABLE_SELF_SIGNUP=false\n")
    result = run_cli("scan", *scan_args(lab), "--env-file", ".env", "--rules", "OMA406", "-f", "json",
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token}, cwd=tmp_path)
    found = drift(result.json())
    assert found.pop("enableSelfSignup") == ("FAIL", ".env:1")
    assert {status for status, _ in found.values()} == {"SKIPPED"}


def test_a_cognito_only_scan_compares_the_pool(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("seed-walkthrough")
    assert lab.pool is not None and lab.aws_endpoint_url is not None
    (tmp_path / "pool.yaml").write_text(TEMPLATE)
    result = run_cli("scan", "--cognito-pool-id", lab.pool.pool_id, "--aws-endpoint-url", lab.aws_endpoint_url,
                     "--dir", str(tmp_path), "--rules", "OMA406", "-f", "json")
    assert result.code == 1, result.stderr
    assert drift(result.json()) == {"AllowAdminCreateUserOnly": ("FAIL", "pool.yaml:7")}


def test_sibling_helm_overlays_are_two_deployments_not_one(lab_factory: Lab, tmp_path: Path) -> None:
    """values-staging.yaml sorted after values-prod.yaml and won over it: a decoy overlay could hide drift."""
    lab = lab_factory("hardened")
    (tmp_path / "values.yaml").write_text(AUTHENTICATION + "      provider: aws-cognito\n")
    for name, signup in (("prod", "false"), ("staging", "true")):
        (tmp_path / f"values-{name}.yaml").write_text(
            f"{AUTHENTICATION}      enableSelfSignup: {signup}\n")
    result = run_cli("scan", *scan_args(lab), "--dir", str(tmp_path))
    assert result.code == 2 and result.stderr.strip().splitlines()[-1] == (
        "omaudit: error: the files hold 2 deployments (values-prod.yaml, values-staging.yaml): give only the files of "
        "the deployment that runs at the URL")
    assert lab.requests == []


def test_a_variable_left_to_deploy_hides_only_its_own_setting(lab_factory: Lab, tmp_path: Path) -> None:
    """#26159's case with a clientId the deployment supplies: the unset ${AUTHENTICATION_CLIENT_ID} hid
    every auth setting ("the files given do not set enableSelfSignup"); now only clientId is unknown."""
    lab = lab_factory("seed-walkthrough")
    (tmp_path / "openmetadata.yaml").write_text(
        "authenticationConfiguration:\n  provider: aws-cognito\n  enableSelfSignup: false\n"
        "  clientId: ${AUTHENTICATION_CLIENT_ID}\n")
    result = run_cli("scan", *scan_args(lab), "--om-config", "openmetadata.yaml", "--rules", "OMA406", "-f", "json",
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token}, cwd=tmp_path)
    found = drift(result.json())
    assert found["enableSelfSignup"] == ("FAIL", "openmetadata.yaml:3")
    messages = {f["resource"].rsplit("#", 1)[1]: f["message"] for f in result.json()["findings"]}
    assert found["clientId"] == ("SKIPPED", None) and messages["clientId"] == (
        "the files leave it to deploy time: openmetadata.yaml: authenticationConfiguration.clientId is "
        "${AUTHENTICATION_CLIENT_ID}: no value in the files given and no default (set where the server is deployed)")
