"""OMA2xx, OMA3xx and OMA4xx unit tests: a snapshot in, exact statuses out. No server."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.facts.snapshot import MfaConfig, PasswordPolicy, RoleMapping, SchemaAttribute, TokenValidity, WebAcl
from auditor.report.model import Severity, Status
from tests.helpers import _RULES, only_status, run
from tests.rules.builders import (
    FEDERATED_CLIENT,
    GOOD_CLIENT,
    OKTA,
    POOL_ID,
    client,
    cognito,
    identity_pool,
    om_auth,
    pool,
)
from tests.rules.today import TODAY_CASES

CASES: list[tuple[str, Any, Status]] = [
    ("OMA201", cognito(), Status.PASS),
    ("OMA201", cognito(pool(schema=(SchemaAttribute("email", False, True),), username_attributes=None)), Status.FAIL),
    ("OMA201", cognito(pool(schema=(), username_attributes=("phone_number",))), Status.FAIL),
    ("OMA202", cognito(), Status.PASS),
    ("OMA202", cognito(pool(auto_verified_attributes=None)), Status.FAIL),
    ("OMA203", cognito(), Status.PASS),
    ("OMA203", cognito(mfa=MfaConfig("OPTIONAL", True, False, False)), Status.FAIL),
    ("OMA203", cognito(mfa=MfaConfig(None, False, False, False)), Status.FAIL),
    ("OMA203", cognito(mfa=MfaConfig("OFF", False, False, False), clients=(FEDERATED_CLIENT,), idps=OKTA),
     Status.SKIPPED),
    ("OMA204", cognito(), Status.PASS),
    ("OMA204", cognito(pool(password_policy=PasswordPolicy(5, True, True, True, True, 7))), Status.FAIL),
    ("OMA204", cognito(pool(password_policy=PasswordPolicy(20, True, True, True, None, 7))), Status.FAIL),
    ("OMA204", cognito(pool(password_policy=None)), Status.ERROR),
    ("OMA204", cognito(pool(password_policy=PasswordPolicy(5, None, None, None, None, 9)),
                       clients=(FEDERATED_CLIENT,), idps=OKTA), Status.SKIPPED),
    ("OMA205", cognito(), Status.PASS),
    ("OMA205", cognito(pool(allow_admin_create_user_only=None)), Status.FAIL),
    ("OMA205", cognito(pool(allow_admin_create_user_only=False), clients=(FEDERATED_CLIENT,), idps=OKTA),
     Status.SKIPPED),
    # A client with COGNITO as a provider keeps local controls applicable even with an external IdP.
    ("OMA205", cognito(pool(allow_admin_create_user_only=False), idps=OKTA), Status.FAIL),
    ("OMA206", cognito(), Status.PASS),
    ("OMA206", cognito(pool(advanced_security_mode="AUDIT")), Status.FAIL),
    ("OMA206", cognito(pool(advanced_security_mode="BOGUS")), Status.FAIL),
    ("OMA206", cognito(pool(advanced_security_mode=None)), Status.FAIL),
    ("OMA207", cognito(), Status.PASS),
    ("OMA207", cognito(pool(deletion_protection=None)), Status.FAIL),
    ("OMA208", cognito(), Status.PASS),
    ("OMA208", cognito(pool(password_policy=PasswordPolicy(16, True, True, True, True, None))), Status.PASS),
    ("OMA208", cognito(pool(password_policy=PasswordPolicy(16, True, True, True, True, 30))), Status.FAIL),
    ("OMA301", cognito(), Status.PASS),
    ("OMA301", cognito(clients=(client(callback_urls=("http://localhost:8585/callback",)),)), Status.FAIL),
    ("OMA301", cognito(clients=(client(logout_urls=("http://127.0.0.1/",)),)), Status.FAIL),
    ("OMA301", cognito(clients=(client(default_redirect_uri="https://[::1]/cb"),)), Status.FAIL),
    ("OMA302", cognito(), Status.PASS),
    ("OMA302", cognito(clients=(client(read_attributes=None),)), Status.PASS),
    ("OMA302", cognito(clients=(client(read_attributes=("name",)),)), Status.FAIL),
    ("OMA302", cognito(clients=(client(allowed_oauth_scopes=("openid", "profile")),)), Status.FAIL),
    ("OMA302", cognito(clients=(client(allowed_oauth_scopes=("email",)),)), Status.FAIL),
    ("OMA303", cognito(), Status.PASS),
    ("OMA303", cognito(clients=(client(allowed_oauth_flows=("code", "implicit")),)), Status.FAIL),
    ("OMA304", cognito(), Status.PASS),
    ("OMA304", cognito(clients=(client(explicit_auth_flows=None),)), Status.PASS),
    ("OMA304", cognito(clients=(client(explicit_auth_flows=("ALLOW_USER_PASSWORD_AUTH",)),)), Status.FAIL),
    ("OMA305", cognito(), Status.PASS),
    ("OMA305", cognito(pool(verify_before_update=None), clients=(client(write_attributes=None),)), Status.FAIL),
    ("OMA305", cognito(pool(verify_before_update=None), clients=(client(write_attributes=("email",)),)), Status.FAIL),
    ("OMA305", cognito(pool(verify_before_update=None, schema=(SchemaAttribute("email", True, False),)),
                       clients=(client(write_attributes=None),)), Status.PASS),
    ("OMA306", cognito(), Status.PASS),
    ("OMA306", cognito(clients=(client(prevent_user_existence_errors=None),)), Status.FAIL),
    ("OMA306", cognito(clients=(client(prevent_user_existence_errors="LEGACY"),)), Status.FAIL),
    ("OMA307", cognito(), Status.PASS),
    ("OMA307", cognito(clients=(client(enable_token_revocation=None),)), Status.PASS),
    ("OMA307", cognito(clients=(client(enable_token_revocation=False),)), Status.FAIL),
    ("OMA308", cognito(), Status.PASS),
    ("OMA308", cognito(clients=(client(validity=TokenValidity(None, None, None, None, None, None)),)), Status.PASS),
    ("OMA308", cognito(clients=(client(validity=TokenValidity(31, None, None, "days", None, None)),)), Status.FAIL),
    ("OMA308", cognito(clients=(client(validity=TokenValidity(3650, None, None, "hours", None, None)),)),
     Status.FAIL),
    ("OMA308", cognito(clients=(client(validity=TokenValidity(3, None, None, "fortnights", None, None)),)),
     Status.ERROR),
    ("OMA401", cognito(), Status.PASS),
    ("OMA401", cognito(auth=om_auth(authority=f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}/")),
     Status.PASS),
    ("OMA401", cognito(auth=om_auth(authority="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other")),
     Status.FAIL),
    ("OMA401", cognito(auth=om_auth(provider="basic")), Status.SKIPPED),
    # custom-oidc pointed at a Cognito pool (SSO configured in the UI) is a Cognito deployment too.
    ("OMA401", cognito(auth=om_auth(provider="custom-oidc")), Status.PASS),
    ("OMA401", cognito(auth=om_auth(provider="custom-oidc", authority="https://accounts.google.com")),
     Status.SKIPPED),
    ("OMA402", cognito(), Status.PASS),
    ("OMA402", cognito(auth=om_auth(client_id="someoneelse123")), Status.FAIL),
    ("OMA403", cognito(), Status.PASS),
    ("OMA403", cognito(auth=om_auth(callback_url="http://localhost:8585/callback")), Status.FAIL),
    ("OMA403", cognito(auth=om_auth(client_id="someoneelse123")), Status.SKIPPED),
    ("OMA404", cognito(), Status.PASS),
    ("OMA405", cognito(), Status.PASS),  # the exact messages: tests/rules/test_oma405.py
    ("OMA405", cognito(clients=(GOOD_CLIENT, client(client_id="client0000000002", name="mobile"))), Status.FAIL),
    ("OMA404", cognito(clients=(client(callback_urls=("https://om.example.com/callback",
                                                      "https://old-staging.example.net/callback")),)), Status.FAIL),
    ("OMA404", cognito(clients=(client(callback_urls=("https://OM.example.com./callback",)),)), Status.PASS),
    ("OMA217", cognito(), Status.PASS),
    ("OMA217", cognito(web_acl=WebAcl(arn=None, name=None)), Status.FAIL),
    ("OMA218", cognito(), Status.PASS),
    ("OMA218", cognito(identity_pools=(identity_pool(),)), Status.PASS),
    ("OMA218", cognito(identity_pools=(identity_pool(allow_unauthenticated=True),)), Status.FAIL),
    ("OMA218", cognito(identity_pools=(identity_pool(allow_classic_flow=True),)), Status.FAIL),
    ("OMA218", cognito(identity_pools=(identity_pool(role_mappings=None, roles_error="AccessDenied: missing IAM "
                                                     "permission cognito-identity:GetIdentityPoolRoles"),)),
     Status.ERROR),
    *TODAY_CASES,
]


def test_an_identity_pool_with_guest_access_is_high_and_names_loose_token_mappings() -> None:
    """Guest access is graver than the rule's medium; a Token mapping whose ambiguous tokens get the
    authenticated role is named, and on its own is no failure."""
    loose = (RoleMapping("cognito-idp.us-east-1.amazonaws.com/us-east-1_abc123:client0000000001", "Token",
                         "AuthenticatedRole"),)
    [guest] = run("OMA218", cognito(identity_pools=(identity_pool(allow_unauthenticated=True, role_mappings=loose),)))
    assert (guest.status, guest.severity) == (Status.FAIL, Severity.HIGH)
    assert "tokens it cannot map get the authenticated role" in guest.message
    [classic] = run("OMA218", cognito(identity_pools=(identity_pool(allow_classic_flow=True),)))
    assert (classic.status, classic.severity) == (Status.FAIL, None)
    [named] = run("OMA218", cognito(identity_pools=(identity_pool(role_mappings=loose),)))
    assert named.status is Status.PASS and named.evidence["ambiguous_tokens_get_authenticated_role"] == [
        loose[0].provider]


@pytest.mark.parametrize(("rule_id", "snapshot", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_outcome(rule_id: str, snapshot: Any, expected: Status) -> None:
    assert only_status(rule_id, snapshot) is expected


def test_every_cognito_rule_has_pass_and_fail_cases() -> None:
    ids = {rid for rid in _RULES if rid[3] in "234"} - {"OMA406"}  # two snapshots: tests/rules/test_oma406.py
    assert len(ids) == 33
    for wanted in (Status.PASS, Status.FAIL):
        covered = {c[0] for c in CASES if c[2] is wanted}
        assert ids <= covered, f"rules without a {wanted} case: {sorted(ids - covered)}"


def test_client_rules_give_one_finding_per_client() -> None:
    two = cognito(clients=(GOOD_CLIENT, client(client_id="client0000000002", allowed_oauth_flows=("implicit",))))
    outcomes = run("OMA303", two)
    assert [(o.resource.rsplit("/", 1)[-1], o.status) for o in outcomes] == [
        ("client0000000001", Status.PASS), ("client0000000002", Status.FAIL)]


def test_absent_fields_say_the_aws_default_was_applied() -> None:
    [outcome] = run("OMA208", cognito(pool(password_policy=PasswordPolicy(16, True, True, True, True, None))))
    assert outcome.evidence["aws_default_applied"] is True and outcome.evidence["days"] == 7


def test_zero_values_mean_aws_defaults() -> None:
    """botocore 1.44.8: RefreshTokenValidity 0 "is overridden with the default value of 30 days";
    TemporaryPasswordValidityDays 0 is treated "as a null value" (7)."""
    [refresh] = run("OMA308", cognito(clients=(client(validity=TokenValidity(0, None, None, "hours", None, None)),)))
    assert (refresh.evidence["validity"], refresh.evidence["unit"]) == (30, "days")
    [temporary] = run("OMA208", cognito(pool(password_policy=PasswordPolicy(16, True, True, True, True, 0))))
    assert temporary.evidence["days"] == 7 and temporary.evidence["aws_default_applied"] is True


def test_per_client_findings_mark_openmetadatas_client() -> None:
    other = client(client_id="client0000000002", name="ops")
    outcomes = run("OMA306", cognito(clients=(GOOD_CLIENT, other)))
    assert [o.evidence["openmetadata_client"] for o in outcomes] == [True, False]
