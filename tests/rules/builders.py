"""Snapshot builders for the Cognito rule tests: a good pool and client, changed one fact at a time."""

from __future__ import annotations

import dataclasses
from typing import Any

from auditor.facts.snapshot import (
    AppClient,
    AuthConfig,
    CognitoFacts,
    IdentityPool,
    IdentityProvider,
    MfaConfig,
    PasswordPolicy,
    PoolRef,
    RecoveryOption,
    RiskConfig,
    SchemaAttribute,
    TokenValidity,
    UserPool,
    WebAcl,
)
from tests.helpers import snap

POOL_ID = "us-east-1_abc123"
CLIENT_ID = "client0000000001"
REF = PoolRef(pool_id=POOL_ID, region="us-east-1", client_id=CLIENT_ID, source="discovered")
STRONG = PasswordPolicy(16, True, True, True, True, 3)
GOOD_POOL = UserPool(
    id=POOL_ID, name="p", arn=None, schema=(SchemaAttribute("email", True, True),),
    auto_verified_attributes=("email",), username_attributes=("email",), alias_attributes=None,
    verify_before_update=("email",), password_policy=STRONG, mfa_configuration="ON", deletion_protection="ACTIVE",
    advanced_security_mode="ENFORCED", allow_admin_create_user_only=True, domain=None, custom_domain=None,
    estimated_users=3, tier="PLUS", case_sensitive=False,
    account_recovery=(RecoveryOption(1, "verified_email"),))
GOOD_CLIENT = AppClient(
    client_id=CLIENT_ID, name="om", has_secret=False, read_attributes=("email", "name"), write_attributes=("name",),
    explicit_auth_flows=("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), supported_identity_providers=("COGNITO",),
    callback_urls=("https://om.example.com/callback",), logout_urls=("https://om.example.com/",),
    default_redirect_uri=None, allowed_oauth_flows=("code",), allowed_oauth_scopes=("openid", "email", "profile"),
    allowed_oauth_flows_user_pool_client=True, prevent_user_existence_errors="ENABLED", enable_token_revocation=True,
    validity=TokenValidity(12, None, None, "hours", None, None), refresh_rotation="ENABLED")
OKTA = (IdentityProvider("Okta", "OIDC"),)
GOOD_MFA = MfaConfig("ON", True, False, False)
BLOCKING = RiskConfig(None, False, "BLOCK", ("MFA_IF_CONFIGURED", "MFA_REQUIRED", "BLOCK"))


def pool(**changes: Any) -> UserPool:
    return dataclasses.replace(GOOD_POOL, **changes)


def client(**changes: Any) -> AppClient:
    return dataclasses.replace(GOOD_CLIENT, **changes)


def om_auth(**changes: Any) -> AuthConfig:
    base = AuthConfig(path="/api/v1/system/config/auth", provider="aws-cognito", client_type="public",
                      enable_self_signup=False, authority=f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}",
                      client_id=CLIENT_ID, callback_url="https://om.example.com/callback", jwt_principal_claims=(),
                      public_key_urls=None, fields=())
    return dataclasses.replace(base, **changes)


GOOD_ACL = WebAcl(arn="arn:aws:wafv2:us-east-1:123456789012:regional/webacl/om/1", name="om")


def cognito(user_pool: UserPool = GOOD_POOL, clients: tuple[AppClient, ...] = (GOOD_CLIENT,),
            idps: tuple[IdentityProvider, ...] = (), mfa: MfaConfig = GOOD_MFA, auth: AuthConfig | None = None,
            ref: PoolRef = REF, risks: tuple[RiskConfig, ...] | None = (BLOCKING,), web_acl: WebAcl = GOOD_ACL,
            identity_pools: tuple[IdentityPool, ...] = ()) -> Any:
    s = snap(auth_config=auth or om_auth())
    return dataclasses.replace(s, cognito=CognitoFacts(ref=ref, user_pool=user_pool, mfa=mfa, clients=clients,
                                                       identity_providers=idps, risk_configurations=risks,
                                                       web_acl=web_acl, identity_pools=identity_pools))


def identity_pool(**changes: Any) -> IdentityPool:
    base = IdentityPool(id="us-east-1:11111111-2222-3333-4444-555555555555", name="analytics",
                        allow_unauthenticated=False, allow_classic_flow=False, clients=(CLIENT_ID,), role_mappings=())
    return dataclasses.replace(base, **changes)


FEDERATED_CLIENT = client(supported_identity_providers=("Okta",), explicit_auth_flows=("ALLOW_REFRESH_TOKEN_AUTH",))
