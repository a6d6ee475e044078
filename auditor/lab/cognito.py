"""The lab's Cognito side: a moto server on 127.0.0.1, seeded with a scenario's pool and app client.

moto is a real HTTP server for the AWS API (see MOTO.md in the project's shared notes); the lab
writes to it with boto3 like an administrator would, and the auditor then reads it like AWS.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from auditor.common.errors import InputError
from auditor.lab.jwt import LabKey

REGION = "us-east-1"
LAB_KEY = "testing"  # moto accepts any credentials


@dataclass(frozen=True)
class CognitoSeed:
    """What `create_user_pool` and `create_user_pool_client` are called with, plus optional MFA."""

    pool: dict[str, Any]
    client: dict[str, Any]
    software_token_mfa: bool = False
    domain: bool = True
    identity_providers: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    other_clients: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # besides OpenMetadata's
    risk: dict[str, Any] | None = None  # SetRiskConfiguration members for the pool
    client_risk: dict[str, Any] | None = None  # ... and for OpenMetadata's client
    web_acl: bool = False  # a regional WAF web ACL associated with the pool
    # CreateIdentityPool members, plus `_trusts` ("pool": the seeded pool and OpenMetadata's client,
    # or another provider name) and `_roles` (SetIdentityPoolRoles members)
    identity_pools: tuple[dict[str, Any], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SeededPool:
    endpoint_url: str
    pool_id: str
    client_id: str
    issuer_type: str = "ORIGINAL"

    @property
    def authority(self) -> str:
        """The pool's issuer (IssuerConfigurationType: UPDATED pools issue from issuer-cognito-idp)."""
        host = "issuer-cognito-idp" if self.issuer_type == "UPDATED" else "cognito-idp"
        return f"https://{host}.{REGION}.amazonaws.com/{self.pool_id}"


# Describe/SetRiskConfiguration, which moto 5.2.5 answers with HTTP 500 "not implemented": keyed by
# (pool id, client id or None), as the lab's administrator set them.
_RISK: dict[tuple[str, str | None], dict[str, Any]] = {}
RISK_MEMBERS = ("CompromisedCredentialsRiskConfiguration", "AccountTakeoverRiskConfiguration",
                "RiskExceptionConfiguration")


def _extend_moto() -> None:
    """Give the in-process moto the two risk-configuration calls it lacks, shaped as botocore 1.44.8's
    RiskConfigurationType: Set stores the members given; Describe with a ClientId answers the client's
    own configuration (ClientId present) or else the pool's (no ClientId), as AWS documents ("When this
    parameter isn't present, the risk configuration applies to all user pool app clients that don't
    have client-level settings"). An unknown pool is moto's own ResourceNotFoundException. Listed in
    docs/moto-gaps.md."""
    # lazy: moto takes about half a second to import; only a lab with a Cognito side loads it
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import ActionResult

    if hasattr(CognitoIdpResponse, "describe_risk_configuration"):
        return

    def set_risk_configuration(self: Any) -> Any:
        pool, client = self._get_param("UserPoolId"), self._get_param("ClientId")
        self.backend.describe_user_pool(pool)
        config = {k: self._get_param(k) for k in RISK_MEMBERS if self._get_param(k) is not None}
        _RISK[(pool, client)] = {"UserPoolId": pool, **({"ClientId": client} if client else {}), **config}
        return ActionResult({"RiskConfiguration": _RISK[(pool, client)]})

    def describe_risk_configuration(self: Any) -> Any:
        pool, client = self._get_param("UserPoolId"), self._get_param("ClientId")
        self.backend.describe_user_pool(pool)
        found = _RISK.get((pool, client)) or _RISK.get((pool, None)) or {"UserPoolId": pool}
        return ActionResult({"RiskConfiguration": found})

    CognitoIdpResponse.set_risk_configuration = set_risk_configuration  # type: ignore[attr-defined]
    CognitoIdpResponse.describe_risk_configuration = describe_risk_configuration  # type: ignore[attr-defined]
    _extend_identity_pools()
    _refuse_sign_up_when_admin_only()


def _refuse_sign_up_when_admin_only() -> None:
    """SignUp on a pool with AdminCreateUserConfig.AllowAdminCreateUserOnly: AWS answers
    NotAuthorizedException ("SignUp is not permitted for this user pool": AWS's answer as quoted in
    pmill/aws-cognito#37); moto 5.2.5 signs the user up. The lab refuses as AWS does, so that the
    attack-path test shows the hardened pool closed (docs/moto-gaps.md)."""
    # lazy: moto takes about half a second to import; only a lab with a Cognito side loads it
    from moto.cognitoidp.exceptions import NotAuthorizedError
    from moto.cognitoidp.models import CognitoIdpBackend

    sign_up = CognitoIdpBackend.sign_up

    def refusing_sign_up(self: Any, client_id: str, username: str, password: str,
                         attributes: list[dict[str, str]]) -> Any:
        for pool in self.user_pools.values():
            config = pool.extended_config.get("AdminCreateUserConfig") or {}
            if client_id in pool.clients and config.get("AllowAdminCreateUserOnly"):
                raise NotAuthorizedError("SignUp is not permitted for this user pool")
        return sign_up(self, client_id, username, password, attributes)

    CognitoIdpBackend.sign_up = refusing_sign_up  # type: ignore[method-assign]


# What moto 5.2.5's cognito-identity drops: AllowClassicFlow (not kept), and Get/SetIdentityPoolRoles
# ("not implemented"). Keyed by identity pool id, as the lab's administrator set them.
_CLASSIC: dict[str, bool] = {}
_ROLES: dict[str, dict[str, Any]] = {}


def _extend_identity_pools() -> None:
    """Answer in botocore cognito-identity 2014-06-30's shapes: IdentityPool carries AllowClassicFlow
    (false when it was not given); GetIdentityPoolRoles answers IdentityPoolId, Roles and RoleMappings
    as SetIdentityPoolRoles stored them, and an unknown pool is moto's own ResourceNotFoundException.
    Listed in docs/moto-gaps.md."""
    # lazy: moto takes about half a second to import; only a lab with a Cognito side loads it
    from moto.cognitoidentity.responses import CognitoIdentityResponse

    create, describe = CognitoIdentityResponse.create_identity_pool, CognitoIdentityResponse.describe_identity_pool

    def with_classic(answer: str) -> str:
        pool = json.loads(answer)
        return json.dumps({**pool, "AllowClassicFlow": _CLASSIC.get(pool.get("IdentityPoolId"), False)})

    def create_identity_pool(self: Any) -> str:
        answer = json.loads(create(self))
        _CLASSIC[answer["IdentityPoolId"]] = self._get_param("AllowClassicFlow") is True
        return with_classic(json.dumps(answer))

    def describe_identity_pool(self: Any) -> str:
        return with_classic(describe(self))

    def set_identity_pool_roles(self: Any) -> str:
        pool = self._get_param("IdentityPoolId")
        self.backend.describe_identity_pool(pool)
        mappings = self._get_param("RoleMappings")
        _ROLES[pool] = {"Roles": self._get_param("Roles") or {}, **({"RoleMappings": mappings} if mappings else {})}
        return ""

    def get_identity_pool_roles(self: Any) -> str:
        pool = self._get_param("IdentityPoolId")
        self.backend.describe_identity_pool(pool)
        return json.dumps({"IdentityPoolId": pool, **_ROLES.get(pool, {"Roles": {}})})

    # lazy: moto takes about half a second to import; only a lab with a Cognito side loads it
    from moto.wafv2.responses import WAFV2Response

    def list_resources_for_web_acl(self: Any) -> tuple[int, dict[str, str], str]:
        """wafv2 ListResourcesForWebACL (moto 5.2.5: "not implemented"), as Prowler reads a web ACL's
        user pools: the ARNs associated with the ACL, of the type asked (COGNITO_USER_POOL: ":userpool/")."""
        body = json.loads(self.body)
        acl = self.wafv2_backend.wacls.get(body.get("WebACLArn"))
        kinds = {"COGNITO_USER_POOL": ":userpool/", "APPLICATION_LOAD_BALANCER": ":loadbalancer/app/",
                 "API_GATEWAY": ":apigateway:"}
        marker = kinds.get(body.get("ResourceType") or "APPLICATION_LOAD_BALANCER", "\0")
        arns = [a for a in (acl.associated_resources if acl else []) if marker in a]
        return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})

    if not hasattr(WAFV2Response, "list_resources_for_web_acl"):
        WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl  # type: ignore[attr-defined]
    CognitoIdentityResponse.create_identity_pool = create_identity_pool  # type: ignore[method-assign]
    CognitoIdentityResponse.describe_identity_pool = describe_identity_pool  # type: ignore[method-assign]
    CognitoIdentityResponse.set_identity_pool_roles = set_identity_pool_roles  # type: ignore[attr-defined]
    CognitoIdentityResponse.get_identity_pool_roles = get_identity_pool_roles  # type: ignore[attr-defined]


class MotoServer:
    """moto's ThreadedMotoServer on a free loopback port."""

    def __init__(self) -> None:
        try:
            # lazy: moto takes about half a second to import; only a lab with a Cognito side loads it
            from moto.server import ThreadedMotoServer
        except ImportError:
            raise InputError("the Cognito lab needs moto: pip install 'omaudit[lab]'") from None
        _extend_moto()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on the lab's stderr
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()


def seed(endpoint_url: str, spec: CognitoSeed) -> SeededPool:
    """Create the scenario's pool and client in the moto server at endpoint_url."""
    session = boto3.session.Session(region_name=REGION, aws_access_key_id=LAB_KEY, aws_secret_access_key=LAB_KEY)
    idp = session.client("cognito-idp", endpoint_url=endpoint_url)
    pool_id = idp.create_user_pool(**spec.pool)["UserPool"]["Id"]
    if spec.software_token_mfa:
        idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    if spec.domain:
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=f"openmetadata-{uuid.uuid4().hex[:10]}")
    for provider in spec.identity_providers:
        idp.create_identity_provider(UserPoolId=pool_id, **provider)
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, **spec.client)["UserPoolClient"]["ClientId"]
    for other in spec.other_clients:
        idp.create_user_pool_client(UserPoolId=pool_id, **other)
    if spec.risk is not None:
        idp.set_risk_configuration(UserPoolId=pool_id, **spec.risk)
    if spec.client_risk is not None:
        idp.set_risk_configuration(UserPoolId=pool_id, ClientId=client_id, **spec.client_risk)
    if spec.web_acl:
        waf = session.client("wafv2", endpoint_url=endpoint_url)
        acl = waf.create_web_acl(Name=f"openmetadata-{uuid.uuid4().hex[:8]}", Scope="REGIONAL",
                                 DefaultAction={"Allow": {}}, Rules=[],
                                 VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
                                                   "MetricName": "openmetadata"})["Summary"]
        arn = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"]
        waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=arn)
    for identity in spec.identity_pools:
        _seed_identity_pool(session, endpoint_url, identity, pool_id, client_id)
    issuer = spec.pool.get("IssuerConfiguration", {}).get("Type", "ORIGINAL")
    return SeededPool(endpoint_url=endpoint_url, pool_id=pool_id, client_id=client_id, issuer_type=issuer)


def _seed_identity_pool(session: Any, endpoint_url: str, spec: dict[str, Any], pool_id: str, client_id: str) -> None:
    identity = session.client("cognito-identity", endpoint_url=endpoint_url)
    trusts = spec.get("_trusts", "pool")
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool_id}" if trusts == "pool" else str(trusts)
    members = {k: v for k, v in spec.items() if not k.startswith("_")}
    created = identity.create_identity_pool(
        **members, CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id,
                                              "ServerSideTokenCheck": False}])
    if spec.get("_roles"):
        identity.set_identity_pool_roles(IdentityPoolId=created["IdentityPoolId"], **spec["_roles"])


# OpenMetadata's Amazon Cognito SSO guide, followed literally, with its usual slips: no schema (so
# `email` is not required), a public client whose callback is http://localhost:8585/callback, and
# scopes and readable attributes that leave out `email`. Pool settings otherwise as OpenMetadata's
# own Terraform (open-metadata/openmetadata-deployment terraform/sso/aws/user_pool.tf): email alias,
# recovery by verified e-mail, no admin-only sign-up, no MFA.
WALKTHROUGH = CognitoSeed(
    pool={"PoolName": "openmetadata", "AliasAttributes": ["email"],
          "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]}},
    client={"ClientName": "app-OMD", "GenerateSecret": False,
            "CallbackURLs": ["http://localhost:8585/callback"], "SupportedIdentityProviders": ["COGNITO"],
            "AllowedOAuthFlows": ["code", "implicit"], "AllowedOAuthScopes": ["openid", "profile"],
            "AllowedOAuthFlowsUserPoolClient": True,
            "ReadAttributes": ["name", "preferred_username", "given_name", "family_name"],
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
)

HARDENED = CognitoSeed(
    pool={"PoolName": "openmetadata-prod",
          "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
                     {"Name": "name", "AttributeDataType": "String", "Required": False, "Mutable": True}],
          "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"],
          "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
          "Policies": {"PasswordPolicy": {"MinimumLength": 16, "RequireUppercase": True, "RequireLowercase": True,
                                          "RequireNumbers": True, "RequireSymbols": True,
                                          "TemporaryPasswordValidityDays": 3}},
          "MfaConfiguration": "ON", "DeletionProtection": "ACTIVE", "UserPoolTier": "PLUS",
          "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
          "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
          "UsernameConfiguration": {"CaseSensitive": False},
          "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]}},
    client={"ClientName": "openmetadata", "GenerateSecret": False,
            "CallbackURLs": ["https://openmetadata.example.com/callback"],
            "LogoutURLs": ["https://openmetadata.example.com/"], "SupportedIdentityProviders": ["COGNITO"],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": True, "ReadAttributes": ["email", "email_verified", "name"],
            "WriteAttributes": ["name"], "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "PreventUserExistenceErrors": "ENABLED", "EnableTokenRevocation": True,
            "RefreshTokenValidity": 12, "TokenValidityUnits": {"RefreshToken": "hours"},
            "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}},
    software_token_mfa=True,
    web_acl=True,
    risk={"CompromisedCredentialsRiskConfiguration": {"Actions": {"EventAction": "BLOCK"}},
          "AccountTakeoverRiskConfiguration": {"Actions": {
              "LowAction": {"Notify": False, "EventAction": "MFA_IF_CONFIGURED"},
              "MediumAction": {"Notify": False, "EventAction": "MFA_REQUIRED"},
              "HighAction": {"Notify": False, "EventAction": "BLOCK"}}}},
)


def moto_pool_keys() -> tuple[LabKey, ...]:
    """The public half of the key moto signs every pool's tokens with, as its JWKS serves it."""
    # lazy: moto takes about half a second to import; only a lab with a Cognito side loads it
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-public.json.gz"
    keys = json.loads(gzip.decompress(path.read_bytes()))["keys"]
    return tuple(LabKey.public_only(str(k["kid"]), _number(k["n"]), _number(k["e"]))
                 for k in keys if k.get("kty") == "RSA")


def _number(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")
