"""Cognito's answer shapes (DescribeUserPool, DescribeUserPoolClient, ...) to typed facts.

Shared by the live collector (auditor.sources.cognito.collector) and the Terraform and CloudFormation readers
(auditor.sources.files.cognito_pool), which build the same dicts from a plan or a template. Field names are
botocore's cognito-idp model's.
"""

from __future__ import annotations

from typing import Any

from auditor.common.errors import CollectionError
from auditor.facts.snapshot import (
    AppClient,
    DcrConfig,
    DomainInfo,
    IdentityPool,
    MfaConfig,
    PasswordPolicy,
    RecoveryOption,
    RiskConfig,
    RoleMapping,
    SchemaAttribute,
    TokenValidity,
    UserPool,
    WebAcl,
)


def parse_user_pool(raw: dict[str, Any]) -> UserPool:
    pool_id = raw.get("Id")
    if not isinstance(pool_id, str):
        raise CollectionError("DescribeUserPool answered a pool without an Id")
    policy = dict_of(dict_of(raw.get("Policies")).get("PasswordPolicy"))
    schema = tuple(SchemaAttribute(name=str(a["Name"]), required=a.get("Required") is True,
                                   mutable=a.get("Mutable") is not False)
                   for a in raw.get("SchemaAttributes") or [] if isinstance(a, dict) and isinstance(a.get("Name"), str))
    return UserPool(
        id=pool_id, name=str_of(raw.get("Name")), arn=str_of(raw.get("Arn")), schema=schema,
        auto_verified_attributes=strs_of(raw.get("AutoVerifiedAttributes")),
        username_attributes=strs_of(raw.get("UsernameAttributes")),
        alias_attributes=strs_of(raw.get("AliasAttributes")),
        verify_before_update=strs_of(dict_of(raw.get("UserAttributeUpdateSettings")).get(
            "AttributesRequireVerificationBeforeUpdate")),
        password_policy=PasswordPolicy(
            minimum_length=int_of(policy.get("MinimumLength")),
            require_uppercase=bool_of(policy.get("RequireUppercase")),
            require_lowercase=bool_of(policy.get("RequireLowercase")),
            require_numbers=bool_of(policy.get("RequireNumbers")),
            require_symbols=bool_of(policy.get("RequireSymbols")),
            temporary_password_validity_days=int_of(policy.get("TemporaryPasswordValidityDays"))) if policy else None,
        mfa_configuration=str_of(raw.get("MfaConfiguration")),
        deletion_protection=str_of(raw.get("DeletionProtection")),
        advanced_security_mode=str_of(dict_of(raw.get("UserPoolAddOns")).get("AdvancedSecurityMode")),
        allow_admin_create_user_only=bool_of(dict_of(raw.get("AdminCreateUserConfig")).get("AllowAdminCreateUserOnly")),
        domain=str_of(raw.get("Domain")), custom_domain=str_of(raw.get("CustomDomain")),
        estimated_users=int_of(raw.get("EstimatedNumberOfUsers")), tier=str_of(raw.get("UserPoolTier")),
        issuer_type=str_of(dict_of(raw.get("IssuerConfiguration")).get("Type")),
        first_auth_factors=strs_of(dict_of(dict_of(raw.get("Policies")).get("SignInPolicy")).get("AllowedFirstAuthFactors")),
        custom_auth_mode=str_of(dict_of(dict_of(dict_of(raw.get("UserPoolAddOns")).get("AdvancedSecurityAdditionalFlows"))).get(
            "CustomAuthMode")),
        triggers=_triggers(raw.get("LambdaConfig")),
        account_recovery=_recovery(raw.get("AccountRecoverySetting")),
        case_sensitive=bool_of(dict_of(raw.get("UsernameConfiguration")).get("CaseSensitive")),
        dcr=_dcr(raw.get("DcrConfiguration")),
    )


def _triggers(value: object) -> tuple[str, ...] | None:
    """LambdaConfig members that name a function: plain ARNs, or {LambdaArn, LambdaVersion} structs
    (PreTokenGenerationConfig, CustomSMSSender, CustomEmailSender, InboundFederation). KMSKeyID is no
    trigger. PreTokenGenerationConfig is reported as PreTokenGeneration (AWS: both must be identical)."""
    if not isinstance(value, dict):
        return None
    names = set()
    for key, item in value.items():
        arn = item.get("LambdaArn") if isinstance(item, dict) else item
        if key != "KMSKeyID" and isinstance(arn, str) and arn:
            names.add("PreTokenGeneration" if key == "PreTokenGenerationConfig" else str(key))
    return tuple(sorted(names))


def _recovery(value: object) -> tuple[RecoveryOption, ...] | None:
    mechanisms = dict_of(value).get("RecoveryMechanisms")
    if not isinstance(mechanisms, list):
        return None
    found = [RecoveryOption(priority=m["Priority"], name=m["Name"]) for m in mechanisms
             if isinstance(m, dict) and int_of(m.get("Priority")) is not None and isinstance(m.get("Name"), str)]
    return tuple(sorted(found, key=lambda o: o.priority))


def _dcr(value: object) -> DcrConfig | None:
    if not isinstance(value, dict):
        return None
    return DcrConfig(enable_status=str_of(value.get("EnableStatus")), open_enabled=bool_of(value.get("OpenDcrEnabled")),
                     open_grant_types=strs_of(value.get("OpenDcrGrantTypes")),
                     allowed_scopes=strs_of(value.get("AllowedScopes")))


def parse_domain(raw: dict[str, Any], name: str, *, custom: bool) -> DomainInfo:
    """DescribeUserPoolDomain's DomainDescription (CustomDomainConfig.SecurityPolicy: TLS_V1 |
    TLS_V1_2_2021 | TLS_V1_3_2025, botocore 1.44.8)."""
    return DomainInfo(domain=name, status=str_of(raw.get("Status")), custom=custom,
                      security_policy=str_of(dict_of(raw.get("CustomDomainConfig")).get("SecurityPolicy")),
                      managed_login_version=int_of(raw.get("ManagedLoginVersion")))


def parse_risk(raw: dict[str, Any], asked: str | None) -> RiskConfig:
    """RiskConfigurationType (botocore 1.44.8): ClientId is present for a client-level configuration."""
    takeover = dict_of(dict_of(raw.get("AccountTakeoverRiskConfiguration")).get("Actions"))
    actions = tuple(str(dict_of(takeover.get(level)).get("EventAction")) for level in ("LowAction", "MediumAction",
                                                                                   "HighAction")
                    if isinstance(dict_of(takeover.get(level)).get("EventAction"), str))
    on_compromise = dict_of(dict_of(raw.get("CompromisedCredentialsRiskConfiguration")).get("Actions"))
    compromised = str_of(on_compromise.get("EventAction"))
    return RiskConfig(asked_client=asked, client_level=isinstance(raw.get("ClientId"), str),
                      compromised_action=compromised, takeover_actions=actions)


def provider_name(region: str, pool_id: str) -> str:
    """How an identity pool names a user pool in CognitoIdentityProviders (CognitoIdentityProvider
    .ProviderName: "cognito-idp.us-east-1.amazonaws.com/us-east-1_123456789")."""
    return f"cognito-idp.{region}.amazonaws.com/{pool_id}"


def parse_identity_pool(raw: dict[str, Any], trusted: str, roles: dict[str, Any] | None) -> IdentityPool | None:
    """DescribeIdentityPool (IdentityPool, botocore cognito-identity 2014-06-30), when a provider of it is
    `trusted` (provider_name()); `roles` is GetIdentityPoolRoles' answer, None when not read."""
    providers = [dict_of(p) for p in raw.get("CognitoIdentityProviders") or [] if isinstance(p, dict)]
    clients = tuple(str(p.get("ClientId")) for p in providers if p.get("ProviderName") == trusted)
    if not clients:
        return None
    mappings = None
    if roles is not None:
        mappings = tuple(RoleMapping(provider=str(name), type=str_of(dict_of(m).get("Type")),
                                     ambiguous_role_resolution=str_of(dict_of(m).get("AmbiguousRoleResolution")))
                         for name, m in dict_of(roles.get("RoleMappings")).items())
    return IdentityPool(id=str(raw.get("IdentityPoolId")), name=str_of(raw.get("IdentityPoolName")),
                        allow_unauthenticated=bool_of(raw.get("AllowUnauthenticatedIdentities")),
                        allow_classic_flow=bool_of(raw.get("AllowClassicFlow")), clients=clients,
                        role_mappings=mappings)


def parse_web_acl(raw: dict[str, Any]) -> WebAcl:
    """GetWebACLForResource: WebACL is absent when no web ACL is associated (botocore wafv2 2019-07-29)."""
    acl = dict_of(raw.get("WebACL"))
    return WebAcl(arn=str_of(acl.get("ARN")), name=str_of(acl.get("Name")))


def parse_mfa(raw: dict[str, Any]) -> MfaConfig:
    """GetUserPoolMfaConfig. EmailMfaConfigType holds only message templates, so email MFA is on when
    the member is present at all, `{}` included (botocore 1.44.8 model)."""
    webauthn = raw.get("WebAuthnConfiguration")
    webauthn = webauthn if isinstance(webauthn, dict) else None
    return MfaConfig(mfa_configuration=str_of(raw.get("MfaConfiguration")),
                     software_token=dict_of(raw.get("SoftwareTokenMfaConfiguration")).get("Enabled") is True,
                     sms=bool(dict_of(raw.get("SmsMfaConfiguration")).get("SmsConfiguration")),
                     email=isinstance(raw.get("EmailMfaConfiguration"), dict),
                     webauthn_user_verification=str_of(webauthn.get("UserVerification")) if webauthn else None,
                     webauthn_factor=str_of(webauthn.get("FactorConfiguration")) if webauthn else None)


def parse_app_client(raw: dict[str, Any]) -> AppClient:
    """Everything but the secret: `ClientSecret` is read only as 'present or not', then dropped."""
    client_id = raw.get("ClientId")
    if not isinstance(client_id, str):
        raise CollectionError("DescribeUserPoolClient answered a client without a ClientId")
    units = dict_of(raw.get("TokenValidityUnits"))
    return AppClient(
        client_id=client_id, name=str_of(raw.get("ClientName")),
        # Secrets Manager-published secrets come back as ClientSecretArn instead (botocore 1.44.8).
        has_secret=bool(raw.get("ClientSecret") or raw.get("ClientSecretArn")),
        read_attributes=strs_of(raw.get("ReadAttributes")), write_attributes=strs_of(raw.get("WriteAttributes")),
        explicit_auth_flows=strs_of(raw.get("ExplicitAuthFlows")),
        supported_identity_providers=strs_of(raw.get("SupportedIdentityProviders")),
        callback_urls=strs_of(raw.get("CallbackURLs")), logout_urls=strs_of(raw.get("LogoutURLs")),
        default_redirect_uri=str_of(raw.get("DefaultRedirectURI")),
        allowed_oauth_flows=strs_of(raw.get("AllowedOAuthFlows")),
        allowed_oauth_scopes=strs_of(raw.get("AllowedOAuthScopes")),
        allowed_oauth_flows_user_pool_client=bool_of(raw.get("AllowedOAuthFlowsUserPoolClient")),
        prevent_user_existence_errors=str_of(raw.get("PreventUserExistenceErrors")),
        enable_token_revocation=bool_of(raw.get("EnableTokenRevocation")),
        validity=TokenValidity(refresh=int_of(raw.get("RefreshTokenValidity")),
                               access=int_of(raw.get("AccessTokenValidity")),
                               id=int_of(raw.get("IdTokenValidity")), refresh_unit=str_of(units.get("RefreshToken")),
                               access_unit=str_of(units.get("AccessToken")), id_unit=str_of(units.get("IdToken"))),
        client_type=str_of(raw.get("ClientType")),
        refresh_rotation=str_of(dict_of(raw.get("RefreshTokenRotation")).get("Feature")),
    )


def dict_of(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def str_of(value: object) -> str | None:
    return value if isinstance(value, str) else None


def bool_of(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def int_of(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def strs_of(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(v for v in value if isinstance(v, str))
