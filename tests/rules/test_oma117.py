"""OMA117 (identity collision): a snapshot in, exact status, severity and message out. Expectations
are the rule's docs: the name is the local part of a chosen claim, the domain is not enforced, and
someone can get a token with that claim chosen; strangers make it critical, members high."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from auditor.facts.snapshot import IdentityProvider, Problem, SchemaAttribute, SecurityConfig, UserInfo, VersionInfo
from auditor.report.model import Severity, Status
from tests.helpers import run
from tests.rules.builders import client, cognito, om_auth, pool

GOOGLE_IDP = (IdentityProvider("Google", "Google"),)
CORP_IDP = (IdentityProvider("Corp", "SAML"),)


def scan(enforce: bool | None = False, *, keys: tuple[str, ...] = (), version: str | None = "1.12.6",
         admins: tuple[str, ...] = ("admin", "alice"), **changes: Any) -> Any:
    s = cognito(**changes)
    om = dataclasses.replace(
        s.om, security_config=SecurityConfig("/api/v1/system/security/config", True, "public",
                                             public_key_urls=keys, enforce_principal_domain=enforce),
        version=VersionInfo(version, None, "/api/v1/system/version") if version else None,
        admin_users=tuple(UserInfo(n, f"{n}@example.com", True, False, False, None) for n in admins))
    return dataclasses.replace(s, om=om)


def only(s: Any) -> Any:
    [outcome] = run("OMA117", s)
    return outcome


def test_a_stranger_who_signs_up_acts_as_an_admin() -> None:
    found = only(scan(user_pool=pool(allow_admin_create_user_only=False)))
    assert (found.status, found.severity) == (Status.FAIL, Severity.CRITICAL)
    assert found.message == ("anyone can get a token whose email is <name>@their-domain and act as that OpenMetadata "
                             "user (admin, alice): the pool lets anyone sign up (AllowAdminCreateUserOnly is not true)")
    assert found.evidence["enforce_principal_domain"] is False and found.evidence["name_claim"] == "email"


@pytest.mark.parametrize(("changes", "status", "severity", "words"), [
    ({"clients": (client(supported_identity_providers=("COGNITO", "Google")),), "idps": GOOGLE_IDP},
     Status.FAIL, Severity.CRITICAL, "client om signs in any Google account (Google)"),
    ({"clients": (client(supported_identity_providers=("Corp",)),), "idps": CORP_IDP},
     Status.FAIL, None, "client om signs in users of Corp, who may set their own address there"),
    ({"clients": (client(write_attributes=None),)},
     Status.FAIL, None, "client om lets users change their email (SDK sign-in of local users)"),
    ({}, Status.PASS, None, "no one can choose the email of a token"),
])
def test_who_can_choose_the_claim(changes: dict[str, Any], status: Status, severity: Severity | None,
                                  words: str) -> None:
    found = only(scan(**changes))
    assert (found.status, found.severity) == (status, severity) and words in found.message, found.message


def test_public_keys_in_public_key_urls_are_a_way_in() -> None:
    found = only(scan(keys=("https://www.googleapis.com/oauth2/v3/certs",)))
    assert (found.status, found.severity) == (Status.FAIL, Severity.CRITICAL)
    assert "publicKeyUrls trusts Google's keys, so any Google account's token (OMA118)" in found.message


def test_what_makes_it_pass_or_unknown() -> None:
    open_pool: dict[str, Any] = {"user_pool": pool(allow_admin_create_user_only=False)}
    assert only(scan(True, **open_pool)).status == Status.PASS
    unknown = only(scan(None, **open_pool))
    assert unknown.status == Status.SKIPPED and unknown.message.startswith("enforcePrincipalDomain is unknown")
    by_sub = only(scan(auth=om_auth(jwt_principal_claims=("sub", "email")), **open_pool))
    assert (by_sub.status, by_sub.message) == (Status.PASS, "the user name comes from sub, which no user chooses")
    mapped = only(scan(auth=om_auth(jwt_principal_claims_mapping=("username:sub", "email:email")), **open_pool))
    assert mapped.status == Status.PASS
    by_username: dict[str, Any] = {"auth": om_auth(jwt_principal_claims_mapping=("username:cognito:username",))}
    # Users sign in by e-mail (UsernameAttributes): cognito:username is a generated id.
    assert only(scan(**by_username, **open_pool)).status == Status.PASS
    mapped = only(scan(**by_username, user_pool=pool(allow_admin_create_user_only=False, username_attributes=None)))
    assert mapped.status == Status.FAIL and "whose cognito:username is" in mapped.message
    # An ID token carries email only for a client that may read it: then preferred_username decides.
    unread = only(scan(clients=(client(read_attributes=("name", "preferred_username"), write_attributes=None),),
                       **open_pool))
    assert unread.status == Status.FAIL and unread.evidence["name_claim"] == "preferred_username"
    newest = only(scan(version="2.1.0-SNAPSHOT", **open_pool))
    assert newest.status == Status.SKIPPED and "e-mail first (emailClaim set)" in newest.message
    basic = only(scan(auth=om_auth(provider="basic", authority="https://accounts.google.com"), **open_pool))
    assert basic.status == Status.SKIPPED


def test_a_federated_only_pool_gives_a_signed_up_stranger_no_token() -> None:
    federated = client(supported_identity_providers=("Corp",), explicit_auth_flows=("ALLOW_REFRESH_TOKEN_AUTH",))
    found = only(scan(user_pool=pool(allow_admin_create_user_only=False), clients=(federated,), idps=CORP_IDP))
    assert (found.status, found.severity) == (Status.FAIL, None)  # Corp's users, not strangers
    assert "anyone can" not in found.message


def test_the_admin_view_missing_is_skipped_not_passed() -> None:
    s = cognito(user_pool=pool(allow_admin_create_user_only=False))
    s = dataclasses.replace(s, problems={"om.security_config": Problem("skipped", "needs an OpenMetadata admin token")})
    assert only(s).status == Status.SKIPPED


OPEN = pool(allow_admin_create_user_only=False)


@pytest.mark.parametrize(("changes", "claim"), [
    # Found by a review of the rule: each gave a false PASS.
    ({"auth": om_auth(jwt_principal_claims=("Email", "preferred_username", "sub")),
      "clients": (client(write_attributes=None),)}, "email"),  # OpenMetadata's claim map ignores case
    ({"auth": om_auth(jwt_principal_claims=("username", "sub")),
      "user_pool": pool(allow_admin_create_user_only=False, username_attributes=None)}, "username"),  # access tokens
    ({"auth": om_auth(jwt_principal_claims=("custom:handle", "sub")),
      "clients": (client(read_attributes=None, write_attributes=None),)}, "custom:handle"),
    # email readable, neither writable nor required: the stranger leaves it out; preferred_username names them.
    ({"user_pool": pool(allow_admin_create_user_only=False, username_attributes=None,
                        schema=(SchemaAttribute("email", False, True),)),
      "clients": (client(read_attributes=("email", "preferred_username"), write_attributes=("preferred_username",)),)},
     "preferred_username"),
])
def test_a_chosen_claim_however_it_is_spelled_or_reached(changes: dict[str, Any], claim: str) -> None:
    found = only(scan(**{"user_pool": OPEN, **changes}))
    assert (found.status, found.severity, found.evidence["name_claim"]) == (Status.FAIL, Severity.CRITICAL, claim)


def test_an_enforced_domain_still_fails_where_the_domain_can_be_chosen() -> None:
    by_name: dict[str, Any] = {"auth": om_auth(jwt_principal_claims=("cognito:username",)),
               "user_pool": pool(allow_admin_create_user_only=False, username_attributes=None)}
    found = only(scan(True, **by_name))
    assert (found.status, found.severity) == (Status.FAIL, Severity.CRITICAL)
    assert found.message.startswith("enforcePrincipalDomain is on, but anyone can sign up with the user name")
    unverified = only(scan(True, user_pool=pool(verify_before_update=()), clients=(client(write_attributes=None),)))
    assert (unverified.status, unverified.severity) == (Status.FAIL, None)
    assert "can set their email to <name>@<principalDomain> without verifying it" in unverified.message
    verified = only(scan(True, clients=(client(write_attributes=None),)))  # verify before update: the builders' pool
    assert verified.status == Status.PASS


def test_a_public_key_host_with_a_trailing_dot_is_the_same_host() -> None:
    found = only(scan(keys=("https://www.googleapis.com./oauth2/v3/certs",)))
    assert (found.status, found.severity) == (Status.FAIL, Severity.CRITICAL)


def test_a_failed_admin_view_is_an_error_not_a_skip() -> None:
    s = cognito(user_pool=pool(allow_admin_create_user_only=False))
    s = dataclasses.replace(s, problems={"om.security_config": Problem(
        "error", "GET /api/v1/system/security/config answered HTTP 500")})
    found = only(s)
    assert found.status == Status.ERROR and found.message.endswith("answered HTTP 500")
