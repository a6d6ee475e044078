"""The lab answers as OpenMetadata does (SECURITY-SURFACE.md): shapes, errors, lockout, tokens."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
import requests

from auditor.facts.om_defaults import DEFAULT_ADMIN_TOKEN
from auditor.lab.releases import RELEASES
from auditor.lab.scenarios import SCENARIOS, on_release
from auditor.lab.server import LabServer
from tests.conftest import DATA

Lab = Callable[[str], LabServer]


def _login(url: str, email: str, password: str) -> requests.Response:
    return requests.post(f"{url}/api/v1/users/login", timeout=5,
                         json={"email": email, "password": base64.b64encode(password.encode()).decode()})


def test_default_key_jwks_is_byte_for_byte_what_openmetadata_serves(lab_factory: Lab) -> None:
    lab = lab_factory("insecure-defaults")
    served = requests.get(f"{lab.url}/api/v1/system/config/jwks", timeout=5).json()
    assert served == json.loads((DATA / "default-jwks.json").read_text())


def test_rotated_key_keeps_the_java_quirks(lab_factory: Lab) -> None:
    lab = lab_factory("hardened")
    [key] = requests.get(f"{lab.url}/api/v1/system/config/jwks", timeout=5).json()["keys"]
    assert key["n"].startswith("A") and key["n"].endswith("=")  # leading 0x00, padding kept
    assert key["e"] == "AQAB" and key["alg"] == "RS256" and key["use"] == "sig"


def test_version_paths_by_generation(lab_factory: Lab) -> None:
    recent, legacy = lab_factory("insecure-defaults"), lab_factory("legacy-1.2@0.13")
    assert requests.get(f"{recent.url}/api/v1/system/version", timeout=5).json()["version"] == "2.0.7"
    assert requests.get(f"{legacy.url}/api/v1/version", timeout=5).json()["version"] == "0.13.3"
    missing = requests.get(f"{legacy.url}/api/v1/system/version", timeout=5)
    assert (missing.status_code, missing.json()) == (404, {"code": 404, "message": "HTTP 404 Not Found"})


def test_protected_path_without_token_is_openmetadatas_401(lab_factory: Lab) -> None:
    lab = lab_factory("hardened")
    resp = requests.get(f"{lab.url}/api/v1/users?limit=1", timeout=5)
    assert resp.status_code == 401
    assert resp.json() == {"code": 401, "message": "Not Authorized! Token not present"}
    assert resp.headers["WWW-Authenticate"] == "om-auth"
    bad = requests.get(f"{lab.url}/api/v1/users", headers={"Authorization": "Bearer x.y.z"}, timeout=5)
    assert bad.json() == {"code": 401, "message": "Not Authorized! Invalid Token"}


def test_public_default_key_token_verifies_only_where_the_key_is_kept(lab_factory: Lab) -> None:
    """As recent servers answer (docs/research/issue-11-openmetadata-source.md, point 2)."""
    headers = {"Authorization": f"Bearer {DEFAULT_ADMIN_TOKEN}"}
    kept = lab_factory("sso-leftovers")  # admin kept as admin@open-metadata.org; the token says @openmetadata.org
    rotated = lab_factory("hardened")  # a new kid: older MultiUrlJwkProvider answers 500
    legacy = lab_factory("legacy-1.2")  # kid kept, key rotated: the signature fails
    me = requests.get(f"{kept.url}/api/v1/users/loggedInUser", headers=headers, timeout=5)
    assert me.status_code == 400 and me.json()["message"] == "Account already exists. Please contact administrator."
    config = requests.get(f"{kept.url}/api/v1/system/config/loginConfig", headers=headers, timeout=5)
    assert config.status_code == 200 and "maxLoginFailAttempts" in config.json()
    assert requests.get(f"{kept.url}/api/v1/system/config/loginConfig", timeout=5).status_code == 401
    unknown = requests.get(f"{rotated.url}/api/v1/users/loggedInUser", headers=headers, timeout=5)
    assert unknown.status_code == 500 and "keyID doesn't match" in unknown.json()["message"]
    assert requests.get(f"{legacy.url}/api/v1/users/loggedInUser", headers=headers, timeout=5).status_code == 401


def test_lab_admin_token_is_an_admin(lab_factory: Lab) -> None:
    lab = lab_factory("hardened")
    me = requests.get(f"{lab.url}/api/v1/users/loggedInUser",
                      headers={"Authorization": f"Bearer {lab.admin_token}"}, timeout=5).json()
    assert me["name"] == "secops" and me["isAdmin"] is True


def test_login_lockout_after_three_failures_even_with_the_right_password(lab_factory: Lab) -> None:
    lab = lab_factory("insecure-defaults")
    email = "admin@open-metadata.org"
    answers = [_login(lab.url, email, "wrong") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert answers[0].json()["message"] == "You have entered an invalid username or password."
    locked = _login(lab.url, email, "admin")
    assert locked.status_code == 401
    assert locked.json()["message"].startswith("Failed Login Attempts Exceeded")
    assert lab.failed_logins(email) == 3


def test_login_success_body_matches_nuclei_template(lab_factory: Lab) -> None:
    lab = lab_factory("insecure-defaults")
    ok = _login(lab.url, "admin@open-metadata.org", "admin")
    assert ok.status_code == 200 and ok.headers["Content-Type"] == "application/json"
    for key in ('"accessToken":', '"refreshToken":', '"expiryDuration":'):
        assert key in ok.text


def test_login_error_table(lab_factory: Lab) -> None:
    basic, sso = lab_factory("insecure-defaults"), lab_factory("sso-leftovers")
    unknown = _login(basic.url, "nobody@open-metadata.org", "x")
    assert (unknown.status_code, unknown.json()["message"]) == (400, "You have entered an invalid username or "
                                                                     "password.")
    raw = requests.post(f"{basic.url}/api/v1/users/login", json={"email": "a@b.c", "password": "%%%"}, timeout=5)
    assert (raw.status_code, raw.json()["message"]) == (400, "Password needs to be encoded in Base-64.")
    forbidden = _login(sso.url, "admin@example.com", "admin")
    assert (forbidden.status_code, forbidden.json()["message"]) == (
        403, "Operation is not permitted with the Selected Authenticator.")


def test_legacy_filter_substring_bypass(lab_factory: Lab) -> None:
    """CVE-2024-28255: a matrix parameter containing an excluded path skips JwtFilter on <=1.2."""
    legacy, recent = lab_factory("legacy-1.2"), lab_factory("hardened")
    trick = "/api/v1;v1%2fusers%2flogin/users?limit=1"
    assert requests.get(f"{legacy.url}{trick}", timeout=5).status_code == 200
    assert requests.get(f"{recent.url}{trick}", timeout=5).status_code == 401


def test_bot_auth_mechanism_and_paging(lab_factory: Lab) -> None:
    lab = lab_factory("insecure-defaults")
    headers = {"Authorization": f"Bearer {lab.admin_token}"}
    first = requests.get(f"{lab.url}/api/v1/bots?limit=4", headers=headers, timeout=5).json()
    assert len(first["data"]) == 4 and first["paging"]["total"] == 10 and "after" in first["paging"]
    rest = requests.get(f"{lab.url}/api/v1/bots?limit=100&after={first['paging']['after']}", headers=headers,
                        timeout=5).json()
    assert len(rest["data"]) == 6 and "after" not in rest["paging"]
    bot_user = first["data"][0]["botUser"]["id"]
    mech: dict[str, Any] = requests.get(f"{lab.url}/api/v1/users/auth-mechanism/{bot_user}", headers=headers,
                                        timeout=5).json()
    assert mech["authType"] == "JWT" and mech["config"]["JWTTokenExpiry"] == "Unlimited"
    assert "JWTTokenExpiresAt" not in mech["config"]


def test_ui_path_serves_the_spa(lab_factory: Lab) -> None:
    lab = lab_factory("hardened")
    page = requests.get(f"{lab.url}/", timeout=5)
    assert page.status_code == 200 and "<title>OpenMetadata" in page.text


def test_lab_serve_prints_one_json_line() -> None:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "auditor", "lab", "serve", "--scenario", "hardened"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = json.loads(proc.stdout.readline())
        assert set(line) == {"scenario", "om_url", "aws_endpoint_url", "admin_token", "aws_env"}
        assert line["scenario"] == "hardened" and line["om_url"].startswith("http://127.0.0.1:")
        assert requests.get(line["om_url"] + "/api/v1/system/version", timeout=5).status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_latency_lab_puts_a_replaying_delay_proxy_in_front_of_moto(moto_endpoint: str) -> None:
    import boto3

    with LabServer(SCENARIOS["seed-walkthrough"], aws_endpoint_url=moto_endpoint, latency=0.01) as lab:
        assert lab.aws_proxy is not None and lab.aws_endpoint_url != moto_endpoint and lab.pool is not None
        assert requests.get(f"{lab.url}/api/v1/system/version", timeout=5).json()["version"]
        via_proxy, direct = (boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                                          aws_access_key_id="testing", aws_secret_access_key="testing")
                             for url in (lab.aws_endpoint_url, moto_endpoint))
        answers = [via_proxy.describe_user_pool(UserPoolId=lab.pool.pool_id)["UserPool"] for _ in range(3)]
        assert answers[0] == answers[1] == answers[2] == direct.describe_user_pool(UserPoolId=lab.pool.pool_id)[
            "UserPool"]
        assert lab.aws_proxy.forwarded == 1  # the two repeats were replayed, not sent to moto
        with pytest.raises(via_proxy.exceptions.ResourceNotFoundException):
            via_proxy.describe_user_pool(UserPoolId="us-east-1_nosuchpool")  # errors pass through, unreplayed
        assert lab.aws_proxy.forwarded == 2


def _admin_email(lab: LabServer) -> str:
    answer = requests.get(f"{lab.url}/api/v1/users/name/admin",
                          headers={"Authorization": f"Bearer {lab.admin_token}"}, timeout=5)
    return str(answer.json()["email"])


def test_userutil_rewrites_the_admins_email_only_while_it_is_listed(lab_factory: Lab) -> None:
    """Research point 7: UserUtil.createOrUpdateUser gives a listed, existing admin <name>@<principalDomain>
    on recent releases; older code only rewrites a non-admin it promotes; an unlisted admin keeps its
    first-start address, spelled with the shipped domain of the release it first started on."""
    listed = dataclasses.replace(SCENARIOS["renamed-domain"], name="listed", admin_principals=("admin", "secops"))
    recent = LabServer(listed).start()
    old = LabServer(on_release(listed, RELEASES["1.2"])).start()
    try:
        assert _admin_email(recent) == "admin@example.com"
        assert _admin_email(old) == "admin@openmetadata.org"  # an existing admin is not rewritten there
    finally:
        recent.stop()
        old.stop()
    assert _admin_email(lab_factory("renamed-domain")) == "admin@open-metadata.org"
    assert _admin_email(lab_factory("renamed-domain@0.13")) == "admin@openmetadata.org"
