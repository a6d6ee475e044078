"""Cognito pools shaped like today's API (botocore 1.44.8), through a real moto server over HTTP, and
real-shaped answers for the members moto drops (docs/moto-gaps.md). Issue 12."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from auditor.lab.cognito import HARDENED, CognitoSeed
from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer
from auditor.sources.cognito.parsers import parse_app_client, parse_domain, parse_mfa, parse_user_pool
from tests.conftest import run_cli, scan_args, statuses

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
IDP_SECRET = "omaudit-canary-idp-secret-7Qx2"
TODAY = CognitoSeed(
    pool={**HARDENED.pool, "PoolName": "openmetadata-today", "MfaConfiguration": "OFF",
          "IssuerConfiguration": {"Type": "UPDATED"},
          "Policies": {**HARDENED.pool["Policies"], "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD",
                                                                                                "EMAIL_OTP"]}},
          "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": []},
          "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED",
                             "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "AUDIT"}},
          "LambdaConfig": {"PreSignUp": ARN + "presignup", "DefineAuthChallenge": ARN + "define",
                           "CreateAuthChallenge": ARN + "create", "VerifyAuthChallengeResponse": ARN + "verify",
                           "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": ARN + "pretoken"}},
          "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_phone_number"},
                                                            {"Priority": 2, "Name": "verified_email"}]},
          "UsernameConfiguration": {"CaseSensitive": True},
          "DcrConfiguration": {"EnableStatus": "Enabled", "OpenDcrEnabled": True,
                               "OpenDcrGrantTypes": ["code", "client_credentials"]}},
    # OpenMetadata signs in through Okta only; its IdP maps email, so email stays writable (UserPoolClientType).
    client={**HARDENED.client, "SupportedIdentityProviders": ["Okta"],
            "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"], "WriteAttributes": ["email", "name"]},
    software_token_mfa=False,
    identity_providers=({"ProviderName": "Okta", "ProviderType": "OIDC",
                         "ProviderDetails": {"client_id": "okta-client", "client_secret": IDP_SECRET,
                                             "attributes_request_method": "GET", "authorize_scopes": "openid email",
                                             "oidc_issuer": "https://example.okta.com"},
                         "AttributeMapping": {"email": "email"}},),
    other_clients=(
        {"ClientName": "ops-cli", "PreventUserExistenceErrors": "ENABLED",
         "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
                               "ALLOW_REFRESH_TOKEN_AUTH"]},
        {"ClientName": "reports-bot", "GenerateSecret": True, "PreventUserExistenceErrors": "ENABLED",
         "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["reports/read"],
         "AllowedOAuthFlowsUserPoolClient": True, "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"]},
    ),
)
P, F, S = "PASS", "FAIL", "SKIPPED"
# OpenMetadata's client, ops-cli, reports-bot: per-client statuses are sorted.
EXPECTED = {
    "OMA201": [P], "OMA202": [P], "OMA203": [F], "OMA204": [P], "OMA205": [P],
    "OMA206": [F],  # ENFORCED for passwords, AUDIT for custom auth, which ops-cli allows with the triggers
    "OMA207": [P], "OMA208": [P], "OMA209": [F], "OMA210": [F], "OMA211": [P],
    "OMA212": [S],  # MFA is OFF: OMA203 says so
    "OMA213": [S],  # a prefix domain
    "OMA214": [F], "OMA215": [F], "OMA216": [F],
    "OMA301": [P, P, P], "OMA302": [P, S, S], "OMA303": [P, P, P], "OMA304": [F, P, P], "OMA305": [F, P, P],
    "OMA306": [P, P, P], "OMA307": [P, P, P], "OMA308": [P, P, P], "OMA309": [F, P, P], "OMA310": [F, P, S],
    "OMA401": [P], "OMA402": [P], "OMA403": [P], "OMA404": [P],
}


def test_a_pool_shaped_like_todays_api_through_moto(moto_endpoint: str, tmp_path: Path) -> None:
    """Every client is read (not only OpenMetadata's), the UPDATED issuer is discovered and matched, and
    the new members (sign-in policy, custom-auth mode, triggers, recovery, case sensitivity, DCR, token
    exchange, rotation) are judged as moto echoes them."""
    scenario = dataclasses.replace(SCENARIOS["hardened"], name="today", cognito=TODAY)
    lab = LabServer(scenario, aws_endpoint_url=moto_endpoint).start()
    try:
        assert lab.pool is not None and "issuer-cognito-idp" in lab.pool.authority
        result = run_cli("scan", *scan_args(lab), "--format", "json", "--output-dir", str(tmp_path),
                         env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    finally:
        lab.stop()
    report = result.json()
    found = statuses(report)
    assert {rule: found[rule] for rule in EXPECTED} == EXPECTED
    ours = [f for f in report["findings"] if f["rule_id"] == "OMA305" and f["evidence"]["openmetadata_client"]]
    assert [f["status"] for f in ours] == [P]  # federated: keep the mapped email writable
    assert result.code == 1
    for path in tmp_path.iterdir():
        assert IDP_SECRET not in path.read_text()
    assert IDP_SECRET not in result.stdout + result.stderr


def test_members_moto_drops_are_parsed_as_aws_sends_them() -> None:
    """Shapes from botocore 1.44.8 for what moto 5.2.5 does not return (docs/moto-gaps.md)."""
    mfa = parse_mfa({"MfaConfiguration": "ON", "EmailMfaConfiguration": {},
                     "WebAuthnConfiguration": {"RelyingPartyId": "auth.example.com", "UserVerification": "preferred",
                                               "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}})
    assert (mfa.email, mfa.sms, mfa.software_token) == (True, False, False)
    assert (mfa.webauthn_user_verification, mfa.webauthn_factor) == ("preferred", "MULTI_FACTOR_WITH_USER_VERIFICATION")
    assert parse_mfa({"MfaConfiguration": "OFF"}).email is False
    domain = parse_domain({"Domain": "auth.example.com", "Status": "ACTIVE", "ManagedLoginVersion": 2,
                           "CustomDomainConfig": {"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/x",
                                                  "SecurityPolicy": "TLS_V1"}}, "auth.example.com", custom=True)
    assert (domain.security_policy, domain.managed_login_version, domain.custom) == ("TLS_V1", 2, True)
    client = parse_app_client({"ClientId": "c1", "ClientType": "DCR",
                               "ClientSecretArn": "arn:aws:secretsmanager:us-east-1:1:secret:cognito-c1",
                               "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}})
    assert (client.has_secret, client.client_type, client.refresh_rotation) == (True, "DCR", "ENABLED")


def test_the_user_pool_parser_reads_todays_members() -> None:
    raw: dict[str, Any] = {"Id": "us-east-1_x", **TODAY.pool,
                           "Policies": {**TODAY.pool["Policies"], "PasswordPolicy": {"MinimumLength": 8}}}
    pool = parse_user_pool(raw)
    assert pool.issuer_type == "UPDATED" and pool.first_auth_factors == ("PASSWORD", "EMAIL_OTP")
    assert pool.custom_auth_mode == "AUDIT" and pool.case_sensitive is True
    assert pool.triggers == ("CreateAuthChallenge", "DefineAuthChallenge", "PreSignUp", "PreTokenGeneration",
                             "VerifyAuthChallengeResponse")
    assert [o.name for o in pool.account_recovery or ()] == ["verified_phone_number", "verified_email"]
    assert pool.dcr is not None and pool.dcr.open_enabled is True and pool.dcr.open_grant_types == (
        "code", "client_credentials")


def test_a_client_risk_configuration_that_takes_no_action_fails_oma206(moto_endpoint: str, tmp_path: Path) -> None:
    """ENFORCED in name only: OpenMetadata's client overrides the pool with NO_ACTION everywhere (AWS: client
    configurations override the pool's). Read through DescribeRiskConfiguration, which the lab adds to moto."""
    no_action = {"CompromisedCredentialsRiskConfiguration": {"Actions": {"EventAction": "NO_ACTION"}},
                 "AccountTakeoverRiskConfiguration": {"Actions": {
                     level: {"Notify": False, "EventAction": "NO_ACTION"} for level in
                     ("LowAction", "MediumAction", "HighAction")}}}
    seed = dataclasses.replace(HARDENED, client_risk=no_action)
    lab = LabServer(dataclasses.replace(SCENARIOS["hardened"], name="inert", cognito=seed),
                    aws_endpoint_url=moto_endpoint).start()
    try:
        assert lab.pool is not None
        result = run_cli("scan", *scan_args(lab), "--rules", "OMA206", "--format", "json", "--output-dir",
                         str(tmp_path), env={"OMAUDIT_OM_TOKEN": lab.admin_token})
        [finding] = result.json()["findings"]
        assert finding["status"] == "FAIL" and finding["evidence"]["inert"] == [lab.pool.client_id]
    finally:
        lab.stop()
