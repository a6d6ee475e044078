"""Issue 12 cases: Cognito pools and clients shaped like today's API (botocore 1.44.8), each a verdict
that was wrong, or a check that did not exist, on the main branch before it. Fields moto drops
(docs/moto-gaps.md) are set here directly, as the parsers would read them from AWS."""

from __future__ import annotations

import dataclasses
from typing import Any

from auditor.facts.snapshot import (
    COGNITO_RISK,
    DcrConfig,
    DomainInfo,
    MfaConfig,
    Problem,
    RecoveryOption,
    RiskConfig,
    SchemaAttribute,
    SecurityConfig,
)
from auditor.report.model import Status
from tests.rules.builders import BLOCKING, OKTA, POOL_ID, client, cognito, om_auth, pool

# OpenMetadata's client federated through Okta; a second client of the same pool signs users in with passwords.
OM_FEDERATED = client(supported_identity_providers=("Okta",), explicit_auth_flows=("ALLOW_REFRESH_TOKEN_AUTH",),
                      write_attributes=("email", "name"))
PASSWORDS = client(client_id="client0000000002", name="ops-cli", explicit_auth_flows=("ALLOW_USER_PASSWORD_AUTH",),
                   supported_identity_providers=("COGNITO",), write_attributes=None)
MIXED = (OM_FEDERATED, PASSWORDS)
NO_MFA = MfaConfig("OFF", False, False, False)
UPDATED = f"https://issuer-cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"
ORIGINAL = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"
USER_AUTH = client(explicit_auth_flows=("ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"))
CUSTOM_TRIGGERS = ("CreateAuthChallenge", "DefineAuthChallenge", "VerifyAuthChallengeResponse")
INERT = RiskConfig(None, False, "NO_ACTION", ("NO_ACTION", "NO_ACTION", "NO_ACTION"))
M2M = client(client_id="client0000000003", allowed_oauth_flows=("client_credentials",),
             allowed_oauth_scopes=("api/read",), read_attributes=())


def on_domain(domain: DomainInfo) -> Any:
    s = cognito()
    return dataclasses.replace(s, cognito=dataclasses.replace(s.cognito, domain=domain))


def confidential(scope: str) -> Any:
    s = cognito(auth=om_auth(client_type="confidential", callback_url=""))
    security = SecurityConfig(path="/api/v1/system/security/config", served=True, client_type="confidential",
                              oidc_callback_url="https://om.example.com/callback", disable_pkce=False, oidc_scope=scope)
    return dataclasses.replace(s, om=dataclasses.replace(s.om, security_config=security))


TODAY_CASES: list[tuple[str, Any, Status]] = [
    # 1. Every client weighed: a password client beside a federated OpenMetadata client keeps local controls.
    ("OMA203", cognito(mfa=NO_MFA, clients=MIXED, idps=OKTA), Status.FAIL),
    ("OMA205", cognito(pool(allow_admin_create_user_only=False), clients=MIXED, idps=OKTA), Status.FAIL),
    ("OMA203", cognito(mfa=NO_MFA, clients=(OM_FEDERATED,), idps=OKTA), Status.SKIPPED),
    # 2. Choice-based sign-in takes the plain password when PASSWORD is a first factor (absent: PASSWORD only).
    ("OMA304", cognito(clients=(USER_AUTH,)), Status.FAIL),
    ("OMA304", cognito(pool(first_auth_factors=("PASSWORD", "WEB_AUTHN")), clients=(USER_AUTH,)), Status.FAIL),
    ("OMA304", cognito(pool(first_auth_factors=("WEB_AUTHN",)), clients=(USER_AUTH,)), Status.PASS),
    # 3. The UPDATED issuer.
    ("OMA401", cognito(pool(issuer_type="UPDATED"), auth=om_auth(authority=UPDATED)), Status.PASS),
    ("OMA401", cognito(pool(issuer_type="UPDATED"), auth=om_auth(authority=ORIGINAL)), Status.FAIL),
    ("OMA401", cognito(pool(issuer_type="ORIGINAL"), auth=om_auth(authority=UPDATED)), Status.FAIL),
    # 4. OMA305 both ways: a federated client must keep its mapped email writable and has no admin scope;
    #    a second client that writes email exposes the pool.
    ("OMA305", cognito(pool(verify_before_update=None), clients=(OM_FEDERATED,), idps=OKTA), Status.PASS),
    ("OMA305", cognito(pool(verify_before_update=None), clients=(client(
        supported_identity_providers=("Okta",), explicit_auth_flows=("ALLOW_REFRESH_TOKEN_AUTH",),
        allowed_oauth_scopes=("openid", "email", "aws.cognito.signin.user.admin"), write_attributes=None),),
        idps=OKTA), Status.FAIL),
    # 5. Threat protection: custom authentication left in AUDIT while custom-auth triggers and clients exist.
    ("OMA206", cognito(pool(triggers=CUSTOM_TRIGGERS, custom_auth_mode="AUDIT"),
                       clients=(client(explicit_auth_flows=None),)), Status.FAIL),
    ("OMA206", cognito(pool(triggers=CUSTOM_TRIGGERS, custom_auth_mode="ENFORCED"),
                       clients=(client(explicit_auth_flows=None),)), Status.PASS),
    ("OMA206", cognito(pool(triggers=CUSTOM_TRIGGERS)), Status.PASS),  # no client allows custom auth
    ("OMA206", cognito(pool(advanced_security_mode=None, tier="ESSENTIALS")), Status.FAIL),
    # ... and ENFORCED in name only: every action NO_ACTION for the pool, or in a client's own configuration.
    ("OMA206", cognito(risks=(INERT,)), Status.FAIL),
    ("OMA206", cognito(risks=(BLOCKING, RiskConfig("client0000000001", True, "NO_ACTION", ("NO_ACTION",)))),
     Status.FAIL),
    ("OMA206", cognito(risks=(INERT, RiskConfig("client0000000001", True, "BLOCK", ()))), Status.FAIL),
    ("OMA206", cognito(risks=(RiskConfig(None, False, None, ()),)), Status.PASS),  # no actions: nothing to judge
    ("OMA206", dataclasses.replace(cognito(risks=None), problems={COGNITO_RISK: Problem(
        "error", "AccessDenied: missing IAM permission cognito-idp:DescribeRiskConfiguration")}), Status.ERROR),
    # 6. MFA quality, separate from enforcement.
    ("OMA203", cognito(mfa=MfaConfig("ON", False, True, False)), Status.PASS),
    ("OMA212", cognito(mfa=MfaConfig("ON", False, True, False)), Status.FAIL),
    ("OMA212", cognito(mfa=MfaConfig("OPTIONAL", False, True, True)), Status.FAIL),
    ("OMA212", cognito(), Status.PASS),
    ("OMA212", cognito(mfa=MfaConfig("ON", False, False, True, "required", "MULTI_FACTOR_WITH_USER_VERIFICATION")),
     Status.PASS),
    ("OMA212", cognito(mfa=NO_MFA), Status.SKIPPED),
    # 7. OMA302: openid alone carries every readable attribute; OpenMetadata's own scope decides; M2M skipped.
    ("OMA302", cognito(clients=(M2M,)), Status.SKIPPED),
    ("OMA302", confidential("openid"), Status.PASS),
    ("OMA302", confidential("openid profile"), Status.FAIL),
    ("OMA302", cognito(clients=(client(client_id="client0000000009", allowed_oauth_scopes=("openid",)),)),
     Status.PASS),
    # 8. Smaller cases.
    ("OMA303", cognito(clients=(client(allowed_oauth_flows=("implicit",), allowed_oauth_flows_user_pool_client=False),
                                )), Status.PASS),
    ("OMA202", cognito(pool(auto_verified_attributes=None), clients=(OM_FEDERATED,), idps=OKTA), Status.SKIPPED),
    ("OMA201", cognito(pool(schema=(SchemaAttribute("email", False, True),))), Status.PASS),  # email is the username
    ("OMA201", cognito(pool(schema=(SchemaAttribute("email", False, True),),
                            username_attributes=("email", "phone_number"))), Status.FAIL),  # a phone may sign up
    ("OMA208", cognito(pool(password_policy=None)), Status.PASS),
    # 9. Loopback names.
    ("OMA301", cognito(clients=(client(callback_urls=("https://app.lvh.me/callback",)),)), Status.FAIL),
    ("OMA301", cognito(clients=(client(callback_urls=("https://om.127.0.0.1.nip.io/callback",)),)), Status.FAIL),
    ("OMA301", cognito(clients=(client(logout_urls=("http://localhost.localdomain/",)),)), Status.FAIL),
    # New checks.
    ("OMA209", cognito(), Status.PASS),
    ("OMA209", cognito(pool(dcr=DcrConfig(None, True, None, None))), Status.FAIL),
    ("OMA209", cognito(pool(dcr=DcrConfig("Enabled", False, None, None))), Status.PASS),
    ("OMA209", cognito(pool(dcr=DcrConfig("Disabled", True, ("code",), None))), Status.PASS),
    ("OMA210", cognito(), Status.PASS),
    ("OMA210", cognito(pool(first_auth_factors=("EMAIL_OTP",)), mfa=NO_MFA, clients=(USER_AUTH,)), Status.FAIL),
    ("OMA210", cognito(pool(first_auth_factors=("SMS_OTP",)), mfa=NO_MFA), Status.PASS),  # no USER_AUTH client
    ("OMA211", cognito(), Status.PASS),
    ("OMA211", cognito(pool(first_auth_factors=("WEB_AUTHN",)), mfa=MfaConfig("ON", True, False, False, "preferred")),
     Status.FAIL),
    ("OMA211", cognito(pool(first_auth_factors=("WEB_AUTHN",)), mfa=MfaConfig("ON", True, False, False, "required")),
     Status.PASS),
    ("OMA211", cognito(pool(first_auth_factors=("WEB_AUTHN",))), Status.ERROR),  # no setting returned
    ("OMA213", on_domain(DomainInfo("auth.example.com", "ACTIVE", True, "TLS_V1")), Status.FAIL),
    ("OMA213", on_domain(DomainInfo("auth.example.com", "ACTIVE", True, "TLS_V1_2_2021")), Status.PASS),
    ("OMA213", on_domain(DomainInfo("auth.example.com", "ACTIVE", True, None)), Status.ERROR),
    ("OMA213", on_domain(DomainInfo("om-prefix", "ACTIVE", False)), Status.SKIPPED),
    ("OMA214", cognito(), Status.PASS),
    ("OMA214", cognito(pool(account_recovery=None)), Status.FAIL),
    ("OMA214", cognito(pool(account_recovery=(RecoveryOption(1, "verified_phone_number"),
                                              RecoveryOption(2, "verified_email")))), Status.FAIL),
    ("OMA215", cognito(), Status.PASS),
    ("OMA215", cognito(pool(case_sensitive=None)), Status.FAIL),
    ("OMA216", cognito(), Status.PASS),
    ("OMA216", cognito(pool(triggers=("PreTokenGeneration",))), Status.FAIL),
    ("OMA309", cognito(), Status.PASS),
    ("OMA309", cognito(clients=(client(explicit_auth_flows=("ALLOW_TOKEN_EXCHANGE_IMPERSONATION",)),)), Status.FAIL),
    ("OMA310", cognito(), Status.PASS),
    ("OMA310", cognito(clients=(client(refresh_rotation=None),)), Status.FAIL),
]
