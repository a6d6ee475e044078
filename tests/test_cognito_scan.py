"""The Cognito side against a real moto server over HTTP: discovery, Cognito-only scans, failures, secrets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from auditor.lab.server import LabServer
from auditor.sources.cognito.collector import AwsOptions, cognito_client
from auditor.sources.cognito.reads import WriteRefused
from tests.conftest import failing, run_cli, scan_args, statuses

Lab = Callable[[str], LabServer]
CANARY_SECRET_MARK = "omaudit-canary"


def admin(endpoint: str) -> Any:
    """The test's own (unguarded) boto3 client, to set up pools like an administrator would."""
    session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="testing",
                                    aws_secret_access_key="testing")
    return session.client("cognito-idp", endpoint_url=endpoint)


def test_walkthrough_scan_discovers_the_pool_and_fails_both_sides(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("seed-walkthrough")
    assert lab.pool is not None
    result = run_cli("scan", *scan_args(lab), "--format", "json", "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    report = result.json()
    assert result.code == 1
    assert {"OMA102", "OMA104", "OMA106", "OMA201", "OMA301", "OMA302"} <= failing(report)
    assert report["targets"][0]["cognito_pool_id"] == lab.pool.pool_id
    assert report["targets"][0]["region"] == "us-east-1"
    # How it was run, for the reader of the report (never the token itself):
    assert (report["targets"][0]["active"], report["targets"][0]["token_given"]) == (False, True)


def test_hardened_has_no_fail_on_either_side(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    result = run_cli("scan", *scan_args(lab), "--format", "json", "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 0
    assert failing(result.json()) == set()
    assert statuses(result.json())["OMA201"] == ["PASS"]


def test_cognito_only_scan_of_any_pool(moto_endpoint: str, tmp_path: Path) -> None:
    idp = admin(moto_endpoint)
    pool_id = idp.create_user_pool(PoolName=f"any-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    for name in ("web", "mobile"):
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName=name, CallbackURLs=["https://app.example.com/cb"],
                                    AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"],
                                    AllowedOAuthFlowsUserPoolClient=True)
    result = run_cli("scan", "--cognito-pool-id", pool_id, "--aws-region", "us-east-1", "--aws-endpoint-url",
                     moto_endpoint, "--format", "json", "--output-dir", str(tmp_path))
    report = result.json()
    assert result.code == 1
    found = statuses(report)
    assert all(found[f"OMA1{n:02d}"] == ["SKIPPED"] for n in range(1, 16))
    assert all(found[f"OMA40{n}"] == ["SKIPPED"] for n in range(1, 5))
    assert found["OMA201"] == ["FAIL"] and found["OMA207"] == ["FAIL"]
    assert found["OMA301"] == ["PASS", "PASS"] and found["OMA306"] == ["FAIL", "FAIL"]  # one per client
    assert report["targets"][0]["name"] == pool_id
    assert (report["targets"][0]["active"], report["targets"][0]["token_given"]) == (False, False)


def test_explicit_pool_that_disagrees_with_openmetadata_is_noted(lab_factory: Lab, moto_endpoint: str,
                                                                 tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    other = admin(moto_endpoint).create_user_pool(PoolName="other")["UserPool"]["Id"]
    result = run_cli("scan", *scan_args(lab), "--cognito-pool-id", other, "--format", "json", "--output-dir",
                     str(tmp_path))
    assert "differs from the pool OpenMetadata uses" in result.stderr
    assert "OMA401" in failing(result.json()) and "OMA402" in failing(result.json())


def _nothing_scanned(result: Any, out: Path, words: str) -> None:
    """A Cognito-only scan that cannot read its pool is as an unreachable OpenMetadata: one line, exit 2,
    no report (issue 13)."""
    assert result.code == 2, result.stderr
    assert result.stdout == "" and not out.exists()
    [line] = result.stderr.splitlines()
    assert line.startswith("omaudit: error: the Cognito pool could not be read: ") and words in line
    assert line.endswith("(nothing was scanned)")


def test_pool_that_does_not_exist_is_one_line_and_exit_2(moto_endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("scan", "--cognito-pool-id", "us-east-1_doesnotexist0", "--aws-endpoint-url", moto_endpoint,
                     "--format", "json", "--output-dir", str(out))
    _nothing_scanned(result, out, "does not exist")


NO_AWS = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
          "AWS_CONFIG_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"}


def test_missing_credentials_are_one_line_and_exit_2(moto_endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("scan", "--cognito-pool-id", "us-east-1_abc123", "--aws-endpoint-url", moto_endpoint,
                     "--format", "json", "--output-dir", str(out), env=NO_AWS)
    _nothing_scanned(result, out, "no AWS credentials found")


def test_an_unreachable_cognito_endpoint_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("scan", "--cognito-pool-id", "us-east-1_abc123", "--aws-endpoint-url", "http://127.0.0.1:1",
                     "--format", "json", "--output-dir", str(out), env={"AWS_ACCESS_KEY_ID": "testing",
                                                                       "AWS_SECRET_ACCESS_KEY": "testing"})
    _nothing_scanned(result, out, "cannot reach the AWS endpoint")


def test_a_cognito_deployment_without_credentials_says_so_once(lab_factory: Lab, tmp_path: Path) -> None:
    """OpenMetadata was audited, so the report stands; one stderr line names the cause and both ways out."""
    lab = lab_factory("sso-leftovers")
    result = run_cli("scan", *scan_args(lab), "--format", "json", "--output-dir", str(tmp_path / "a"), env=NO_AWS)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("omaudit: warning:")]
    assert len(warnings) == 1 and "no AWS credentials found" in warnings[0] and "--no-cognito" in warnings[0]
    # OMA406 compares files with the server: none were given (SKIPPED, tests/test_drift.py).
    assert {f["status"] for f in result.json()["findings"] if f["rule_id"][3] in "234"
            and f["rule_id"] != "OMA406"} == {"ERROR"}
    assert result.code == 1  # OpenMetadata's own FAILs (the shipped key) still gate
    only_om = run_cli("scan", *scan_args(lab), "--no-cognito", "--format", "json", "--output-dir",
                      str(tmp_path / "b"), env=NO_AWS)
    assert "warning" not in only_om.stderr
    assert {f["status"] for f in only_om.json()["findings"] if f["rule_id"][3] in "234"
            and f["rule_id"] != "OMA406"} == {"SKIPPED"}
    assert only_om.code == 1
    clash = run_cli("scan", *scan_args(lab), "--no-cognito", "--cognito-pool-id", "us-east-1_abc123")
    assert clash.code == 2 and "--no-cognito" in clash.stderr


def test_unknown_profile_is_one_line_exit_2(moto_endpoint: str, tmp_path: Path) -> None:
    result = run_cli("scan", "--cognito-pool-id", "us-east-1_abc123", "--aws-profile", "nope",
                     "--aws-endpoint-url", moto_endpoint, cwd=tmp_path, env={"AWS_CONFIG_FILE": "/nonexistent"})
    assert result.code == 2
    assert "AWS profile 'nope' is not configured" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_canary_client_secret_never_reaches_any_output(moto_endpoint: str, tmp_path: Path) -> None:
    idp = admin(moto_endpoint)
    pool_id = idp.create_user_pool(PoolName="secretive")["UserPool"]["Id"]
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="confidential", GenerateSecret=True)
    secret = created["UserPoolClient"]["ClientSecret"]
    assert secret
    snap = tmp_path / "snap.json"
    scan = run_cli("scan", "--cognito-pool-id", pool_id, "--aws-endpoint-url", moto_endpoint, "--format", "table",
                   "--format", "json", "--output-dir", str(tmp_path / "out"))
    collect = run_cli("collect", "--cognito-pool-id", pool_id, "--aws-endpoint-url", moto_endpoint, "--snapshot",
                      str(snap))
    assert scan.code == 1 and collect.code == 0
    written = scan.stdout + scan.stderr + collect.stdout + collect.stderr + snap.read_text()
    written += "".join(p.read_text() for p in (tmp_path / "out").iterdir())
    assert secret not in written
    assert '"has_secret": true' in snap.read_text()


def test_guard_refuses_mutating_calls_before_they_are_sent(moto_endpoint: str) -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    client = cognito_client(AwsOptions(region="us-east-1", endpoint_url=moto_endpoint))
    before = len(admin(moto_endpoint).list_user_pools(MaxResults=60)["UserPools"])
    with pytest.raises(WriteRefused, match="CreateUserPool"):
        client.create_user_pool(PoolName="must-not-exist")
    with pytest.raises(WriteRefused, match="GetUserAttributeVerificationCode"):
        client.get_user_attribute_verification_code(AccessToken="x", AttributeName="email")
    # Read-named calls that mint tokens or return secrets (botocore 1.44.8): refused as well.
    with pytest.raises(WriteRefused, match="GetClientToken"):
        client.get_client_token(ClientId="abc", Secret="s" * 24)
    with pytest.raises(WriteRefused, match="GetDerivedToken"):
        client.get_derived_token(ClientId="abc", SubjectToken="t", SubjectTokenType="urn:x")
    with pytest.raises(WriteRefused, match="ListUserPoolClientSecrets"):
        client.list_user_pool_client_secrets(UserPoolId="us-east-1_Abc123", ClientId="abc")
    assert len(admin(moto_endpoint).list_user_pools(MaxResults=60)["UserPools"]) == before
    pool = admin(moto_endpoint).create_user_pool(PoolName="guard-check")["UserPool"]["Id"]
    assert client.describe_user_pool(UserPoolId=pool)["ResponseMetadata"]["HTTPStatusCode"] == 200  # an own read


@pytest.fixture(scope="module")
def iam_enforcing_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A moto server in its own process with IAM enforced after set-up (INITIAL_NO_AUTH_ACTION_COUNT)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    moto_bin = Path(sys.executable).with_name("moto_server")
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "10"}
    proc = subprocess.Popen([str(moto_bin), "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(endpoint + "/moto-api/", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    try:
        session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="testing",
                                        aws_secret_access_key="testing")
        idp = session.client("cognito-idp", endpoint_url=endpoint)
        iam = session.client("iam", endpoint_url=endpoint)
        pool_id = idp.create_user_pool(PoolName="locked", UserPoolTier="PLUS",  # 1
                                       UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})["UserPool"]["Id"]
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="om")  # 2
        iam.create_user(UserName="auditor")  # 3
        policy = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cognito-idp:DescribeUserPool",'
                  '"cognito-idp:GetUserPoolMfaConfig","cognito-idp:ListUserPoolClients",'
                  '"cognito-idp:ListIdentityProviders","cognito-idp:DescribeUserPoolDomain"],"Resource":"*"}]}')
        iam.put_user_policy(UserName="auditor", PolicyName="read-most", PolicyDocument=policy)  # 4
        key = iam.create_access_key(UserName="auditor")["AccessKey"]  # 5
        iam.create_user(UserName="auditor-no-risk")  # 6
        all_but_risk = policy.replace('"cognito-idp:ListUserPoolClients"',
                                      '"cognito-idp:ListUserPoolClients","cognito-idp:DescribeUserPoolClient"')
        iam.put_user_policy(UserName="auditor-no-risk", PolicyName="read-all-but-risk", PolicyDocument=all_but_risk)
        second = iam.create_access_key(UserName="auditor-no-risk")["AccessKey"]  # 8
        yield {"endpoint": endpoint, "pool_id": pool_id, "key_id": key["AccessKeyId"],
               "secret": key["SecretAccessKey"], "no_risk_key_id": second["AccessKeyId"],
               "no_risk_secret": second["SecretAccessKey"]}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_missing_permission_is_error_naming_the_action(iam_enforcing_moto: dict[str, str], tmp_path: Path) -> None:
    m = iam_enforcing_moto
    env = {"AWS_ACCESS_KEY_ID": m["key_id"], "AWS_SECRET_ACCESS_KEY": m["secret"]}
    result = run_cli("scan", "--cognito-pool-id", m["pool_id"], "--aws-endpoint-url", m["endpoint"], "--format",
                     "json", "--output-dir", str(tmp_path), env=env)
    found = {f["rule_id"]: f for f in result.json()["findings"]}
    assert result.code in (1, 3)
    assert found["OMA301"]["status"] == "ERROR"
    assert "missing IAM permission cognito-idp:DescribeUserPoolClient" in found["OMA301"]["message"]
    assert found["OMA201"]["status"] in ("PASS", "FAIL")  # DescribeUserPool was allowed
    assert m["secret"] not in result.stdout + result.stderr


def test_missing_risk_permission_is_oma206_error_naming_it(iam_enforcing_moto: dict[str, str],
                                                            tmp_path: Path) -> None:
    """DescribeRiskConfiguration is read only where threat protection is ENFORCED (issue 12)."""
    m = iam_enforcing_moto
    env = {"AWS_ACCESS_KEY_ID": m["no_risk_key_id"], "AWS_SECRET_ACCESS_KEY": m["no_risk_secret"]}
    result = run_cli("scan", "--cognito-pool-id", m["pool_id"], "--aws-endpoint-url", m["endpoint"], "--format",
                     "json", "--output-dir", str(tmp_path), env=env)
    found = {f["rule_id"]: f for f in result.json()["findings"]}
    assert found["OMA206"]["status"] == "ERROR"
    assert "missing IAM permission cognito-idp:DescribeRiskConfiguration" in found["OMA206"]["message"]
    assert found["OMA301"]["status"] == "PASS"  # DescribeUserPoolClient was allowed
    # Nor the other services' reads (issue 25): only their rules ERROR, each naming its action.
    assert found["OMA217"]["status"] == "ERROR"
    assert "missing IAM permission wafv2:GetWebACLForResource" in found["OMA217"]["message"]
    assert found["OMA218"]["status"] == "ERROR"
    assert "missing IAM permission cognito-identity:ListIdentityPools" in found["OMA218"]["message"]
    assert m["no_risk_secret"] not in result.stdout + result.stderr


def test_rejected_credentials_are_one_line_and_exit_2(iam_enforcing_moto: dict[str, str], tmp_path: Path) -> None:
    m = iam_enforcing_moto
    env = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wrong-secret-canary"}
    out = tmp_path / "out"
    result = run_cli("scan", "--cognito-pool-id", m["pool_id"], "--aws-endpoint-url", m["endpoint"], "--format",
                     "json", "--output-dir", str(out), env=env)
    _nothing_scanned(result, out, "credentials were rejected")
    assert "wrong-secret-canary" not in result.stdout + result.stderr


# ---- issue 25: the web ACL on the pool, and the identity pools that trust it ------------------------

def _scan_pool(endpoint: str, pool_id: str, out: Path, *rules: str, env: dict[str, str] | None = None) -> Any:
    return run_cli("scan", "--cognito-pool-id", pool_id, "--aws-endpoint-url", endpoint, "--rules", ",".join(rules),
                   "--format", "json", "--output-dir", str(out), env=env)


def test_web_acl_and_identity_pools_exact_findings(moto_endpoint: str, tmp_path: Path) -> None:
    """Seeded in moto (GetIdentityPoolRoles and AllowClassicFlow through the lab's extension,
    docs/moto-gaps.md): the walkthrough pool without a web ACL, trusted by an identity pool with guest
    access (high), one with the basic flow and a loose token mapping (medium), one with neither (PASS),
    and one that trusts another pool (not this pool's: not listed). The hardened pool has a web ACL
    and no identity pool."""
    import dataclasses

    from auditor.lab.cognito import HARDENED, WALKTHROUGH, seed

    loose = {"Roles": {"authenticated": "arn:aws:iam::123456789012:role/auth"},
             "RoleMappings": {"openmetadata": {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}}}
    spec = dataclasses.replace(WALKTHROUGH, identity_pools=(
        {"IdentityPoolName": "guests", "AllowUnauthenticatedIdentities": True},
        {"IdentityPoolName": "classic", "AllowUnauthenticatedIdentities": False, "AllowClassicFlow": True,
         "_roles": loose},
        {"IdentityPoolName": "tidy", "AllowUnauthenticatedIdentities": False},
        {"IdentityPoolName": "elsewhere", "AllowUnauthenticatedIdentities": True,
         "_trusts": "cognito-idp.us-east-1.amazonaws.com/us-east-1_SomeoneElse"}))
    weak, strong = seed(moto_endpoint, spec), seed(moto_endpoint, HARDENED)
    result = _scan_pool(moto_endpoint, weak.pool_id, tmp_path / "weak", "OMA217", "OMA218")
    got = sorted((f["rule_id"], f["status"], f["severity"], f["evidence"].get("identity_pool"))
                 for f in result.json()["findings"])
    assert got == [("OMA217", "FAIL", "medium", None), ("OMA218", "FAIL", "high", "guests"),
                   ("OMA218", "FAIL", "medium", "classic"), ("OMA218", "PASS", "medium", "tidy")]
    classic = next(f for f in result.json()["findings"] if f["evidence"].get("identity_pool") == "classic")
    assert classic["evidence"]["ambiguous_tokens_get_authenticated_role"] == ["openmetadata"]
    assert result.code == 1
    result = _scan_pool(moto_endpoint, strong.pool_id, tmp_path / "strong", "OMA217", "OMA218")
    assert statuses(result.json()) == {"OMA217": ["PASS"], "OMA218": ["PASS"]}
    assert result.code == 0


def test_the_guard_refuses_credential_minting_calls_of_the_other_services(moto_endpoint: str) -> None:
    """cognito-identity's GetId, GetCredentialsForIdentity and GetOpenIdToken mint identities and
    credentials; wafv2's writes change the target: none is sent."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    identity = cognito_client(AwsOptions(region="us-east-1", endpoint_url=moto_endpoint), "cognito-identity")
    waf = cognito_client(AwsOptions(region="us-east-1", endpoint_url=moto_endpoint), "wafv2")
    with pytest.raises(WriteRefused, match="cognito-identity GetId"):
        identity.get_id(IdentityPoolId="us-east-1:11111111-2222-3333-4444-555555555555")
    with pytest.raises(WriteRefused, match="GetCredentialsForIdentity"):
        identity.get_credentials_for_identity(IdentityId="us-east-1:11111111-2222-3333-4444-555555555555")
    with pytest.raises(WriteRefused, match="wafv2 AssociateWebACL"):
        waf.associate_web_acl(WebACLArn="arn:aws:wafv2:us-east-1:1:regional/webacl/x/1",
                              ResourceArn="arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_x")
    assert identity.list_identity_pools(MaxResults=10)["ResponseMetadata"]["HTTPStatusCode"] == 200
