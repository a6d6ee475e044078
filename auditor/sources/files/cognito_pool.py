"""The pool builder shared by Terraform and CloudFormation: a drafted user pool and its clients, put in
the shapes the API answers with and parsed by the live collector's own parsers
(auditor.sources.cognito.parsers), so a rule sees one kind of fact whatever the source. What the API fills
in for a property left out is filled in here too, as AWS documents it (botocore 1.44.8 cognito-idp model:
MfaConfiguration OFF, DeletionProtection INACTIVE, AllowAdminCreateUserOnly false, UserPoolTier ESSENTIALS,
PreventUserExistenceErrors LEGACY, EnableTokenRevocation true, refresh tokens 30 days, ExplicitAuthFlows as
rulekit.AWS_DEFAULT_AUTH_FLOWS); docs/research/issue-14-iac.md has the sources. Secrets (client secrets,
identity-provider details) are never read: a client's secret is only "generated or not".

One user pool per scan: a file that defines several is audited on its first (by address or logical id),
with a note naming the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.facts.given import Given
from auditor.facts.resources import client_name, identity_pool_name, pool_name
from auditor.facts.snapshot import CognitoFacts, DomainInfo, IdentityProvider, PoolRef, RiskConfig, Unknown, WebAcl
from auditor.report.model import Location
from auditor.sources.cognito.parsers import (
    parse_app_client,
    parse_domain,
    parse_identity_pool,
    parse_mfa,
    parse_risk,
    parse_user_pool,
)
from auditor.sources.files.result import FileFacts, relative

# Bounds, as a live pool is bounded at MAX_CLIENTS (auditor.sources.cognito.collector): a file with more
# Cognito resources, or a pool with more clients, is refused rather than judged at any cost.
MAX_COGNITO_RESOURCES = 2_000
MAX_CLIENTS = 1_000
# The default password policy of a pool created without one: 8 characters, upper and lower case,
# numbers and symbols; temporary passwords valid 7 days (AWS CDK aws_cognito.PasswordPolicy defaults,
# docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cognito.PasswordPolicy.html; AWS Config rule
# cognito-user-pool-password-policy-check defaults; botocore 1.44.8 PasswordPolicyType for the 7 days).
DEFAULT_PASSWORD_POLICY = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                           "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}
CLIENT_DEFAULTS = {"AllowedOAuthFlowsUserPoolClient": False, "PreventUserExistenceErrors": "LEGACY",
                   "EnableTokenRevocation": True, "RefreshTokenValidity": 30}


@dataclass
class PoolDraft:
    """One pool and what belongs to it, in the API's shapes, with where each was written."""

    key: str  # address or logical id
    pool: dict[str, Any]
    mfa: dict[str, Any]
    location: Location
    clients: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    domain: tuple[str, dict[str, Any], bool, Location] | None = None
    idps: list[tuple[str, str | None]] = field(default_factory=list)
    risks: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    id_known: bool = False
    # Where each fact field is set (`cognito.mfa.mfa_configuration` -> the MfaConfiguration line), for the
    # pool and by client id: a finding points at the line that sets what it judges (issue 21).
    fields: dict[str, Location] = field(default_factory=dict)
    client_fields: dict[str, dict[str, Location]] = field(default_factory=dict)
    # Issue 25: web ACL associations naming the pool (the ACL's name or address), and identity pools
    # trusting it: (DescribeIdentityPool's shape with ProviderName set to TRUSTED, its roles, where).
    web_acls: list[tuple[str, Location]] = field(default_factory=list)
    identity_pools: list[tuple[dict[str, Any], dict[str, Any] | None, Location]] = field(default_factory=list)


TRUSTED = "\0trusted"  # an identity pool provider that names the drafted pool


def facts_of(draft: PoolDraft, source: str, notes: list[str], rel: str) -> FileFacts:
    """The drafted pool as snapshot facts, through the live collector's parsers."""
    pool = parse_user_pool({**draft.pool, "Id": draft.key})
    clients = tuple(parse_app_client(raw) for raw, _ in draft.clients)
    if draft.domain is not None:
        name, raw, custom, _ = draft.domain
        domain = parse_domain(raw, name, custom=custom)
    else:
        domain = DomainInfo(domain=None, status=None, custom=False)
    risks: tuple[RiskConfig, ...] | None = None
    if pool.advanced_security_mode == "ENFORCED":
        # As DescribeRiskConfiguration answers the live collector: the pool's, and each client's (its own
        # configuration when it has one, else the pool's, without a ClientId).
        pool_level = next((raw for raw, asked in draft.risks if asked is None), {})
        own = {asked: raw for raw, asked in draft.risks if asked is not None}
        asked_for: list[str | None] = [None, *(c.client_id for c in clients)]
        risks = tuple(parse_risk(own.get(a, pool_level) if a is not None else pool_level, a) for a in asked_for)
    acl = draft.web_acls[0] if draft.web_acls else None
    ref = (PoolRef(pool_id=draft.key, region=draft.key.split("_", 1)[0], client_id=None, source=source)
           if draft.id_known else None)
    facts = CognitoFacts(
        ref=ref, user_pool=pool, mfa=parse_mfa(draft.mfa), domain=domain, clients=clients,
        identity_providers=tuple(IdentityProvider(name=n, type=t) for n, t in draft.idps), risk_configurations=risks,
        web_acl=WebAcl(arn=acl[0] if acl else None, name=acl[0] if acl else None),
        identity_pools=tuple(p for raw, roles, _ in draft.identity_pools
                             if (p := parse_identity_pool(raw, TRUSTED, roles)) is not None))
    pool_resource = pool_name(draft.key)
    locations = {"cognito.user_pool": draft.location, "cognito.mfa": draft.location,
                 f"cognito.user_pool#{pool_resource}": draft.location}
    for key, where in draft.fields.items():
        locations[f"{key}#{pool_resource}"] = where
    locations["cognito.web_acl"] = acl[1] if acl else draft.location
    for raw, _, where in draft.identity_pools:
        locations[f"cognito.identity_pools#{identity_pool_name(raw['IdentityPoolId'])}"] = where
    locations["cognito.identity_pools"] = draft.identity_pools[0][2] if draft.identity_pools else draft.location
    for (_, where), client in zip(draft.clients, clients, strict=True):
        client_resource = client_name(draft.key, client.client_id)
        locations[f"cognito.clients#{client_resource}"] = where
        for key, at in draft.client_fields.get(client.client_id, {}).items():
            locations[f"{key}#{client_resource}"] = at
    unknown: dict[str, str] = {}
    if draft.domain is not None:
        locations["cognito.domain"] = draft.domain[3]
        if draft.domain[2] and not (draft.domain[1].get("CustomDomainConfig") or {}).get("SecurityPolicy"):
            facts = dataclasses.replace(facts, domain=None)
            unknown["cognito.domain"] = (f"the custom domain {draft.domain[0]} sets no TLS security policy here: "
                                         "the one AWS applies is seen on a live scan")
    return FileFacts(Given(cognito=facts), locations, notes, rel, unknown)


def clients_only(clients: list[tuple[dict[str, Any], Location]], rel: str, what: str) -> FileFacts:
    """App clients added to a pool this file does not define (managed elsewhere): the client rules run;
    what needs the pool is SKIPPED, saying so."""
    parsed = tuple(parse_app_client(raw) for raw, _ in clients)
    locations = {f"cognito.clients#{client_name(None, c.client_id)}": where
                 for c, (_, where) in zip(parsed, clients, strict=True)}
    reason = f"the user pool is not in this {what}: it is managed elsewhere (a live scan reads it)"
    unknown = {k: reason for k in ("cognito.user_pool", "cognito.mfa", "cognito.domain", "cognito.identity_providers",
                                   "cognito.risk_configurations")}
    return FileFacts(Given(cognito=CognitoFacts(clients=parsed)), {"cognito.clients": clients[0][1], **locations},
                     [f"{rel}: app clients of a user pool this {what} does not define"], rel, unknown)


class PoolsListed(Exception):
    def __init__(self, keys: list[str]) -> None:
        super().__init__()
        self.keys = keys


LIST_POOLS = "\0list"  # pools_in()'s selector: the reader raises PoolsListed with every pool's key


def one_pool(drafts: dict[str, PoolDraft], rel: str, what: str, pool: str | None
              ) -> tuple[PoolDraft | None, list[str]]:
    """The pool audited: the one `pool` names (each pool of a file is its own target, see
    auditor.plan.build_file_targets), or the only one."""
    if pool == LIST_POOLS:
        raise PoolsListed(sorted(drafts))
    if pool is not None:
        if pool not in drafts:
            raise InputError(f"{rel} defines no user pool {pool}")
        return drafts[pool], []
    if not drafts:
        return None, [f"{rel}: no aws_cognito_user_pool / AWS::Cognito::UserPool in this {what}"]
    first = sorted(drafts)[0]
    notes = [f"{rel}: defines {len(drafts)} user pools; audited {first} (the others: "
             + ", ".join(sorted(drafts)[1:]) + ")"] if len(drafts) > 1 else []
    return drafts[first], notes


def check_bounds(what: str, kinds: list[str]) -> None:
    """Refuse a file whose Cognito resources exceed the bounds (InputError, one line)."""
    if len(kinds) > MAX_COGNITO_RESOURCES:
        raise InputError(f"{what} holds more than {MAX_COGNITO_RESOURCES} Cognito resources: not read")
    clients = sum(k in ("aws_cognito_user_pool_client", "AWS::Cognito::UserPoolClient") for k in kinds)
    if clients > MAX_CLIENTS:
        raise InputError(f"{what} holds more than {MAX_CLIENTS} app clients: not read")


def shapes_checked(what: str, reader: Callable[[Path, Path, str | None], FileFacts], path: Path, root: Path,
                    pool: str | None) -> FileFacts:
    """A file whose entries have shapes its tool never writes (a number where a block belongs) is one
    input error naming the file, not an internal error."""
    try:
        return reader(path, root, pool)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        # Only omaudit's own words are shown: another exception's text could quote the file's values.
        detail = str(exc) if isinstance(exc, ShapeError) else type(exc).__name__
        raise InputError(f"{what} {relative(path, root)} has an entry of an unexpected shape ({detail})") from None


class ShapeError(ValueError):
    """A template entry CloudFormation would refuse; its message is omaudit's own (no file content).
    Source: AWS CloudFormation User Guide, "Fn::If" (`Fn::If: [condition_name, value_if_true,
    value_if_false]`) and "Conditions syntax" (a resource's `Condition` attribute names a condition
    declared in the Conditions section)."""


# Where each property a template may leave to deploy time lands in the typed facts: (input, field).
# A property named here makes only the rules that read that field SKIPPED (auditor.facts.snapshot.Unknown);
# one not named here makes its whole input SKIPPED, as before.
POOL_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "MfaConfiguration": (("cognito.user_pool", "mfa_configuration"), ("cognito.mfa", "mfa_configuration")),
    "EnabledMfas": (("cognito.mfa", "software_token"), ("cognito.mfa", "sms"), ("cognito.mfa", "email")),
    "DeletionProtection": (("cognito.user_pool", "deletion_protection"),),
    "AdminCreateUserConfig": (("cognito.user_pool", "allow_admin_create_user_only"),),
    "Policies": (("cognito.user_pool", "password_policy"), ("cognito.user_pool", "first_auth_factors")),
    "Schema": (("cognito.user_pool", "schema"),),
    "AutoVerifiedAttributes": (("cognito.user_pool", "auto_verified_attributes"),),
    "UsernameAttributes": (("cognito.user_pool", "username_attributes"),),
    "AliasAttributes": (("cognito.user_pool", "alias_attributes"),),
    "UserAttributeUpdateSettings": (("cognito.user_pool", "verify_before_update"),),
    "UserPoolAddOns": (("cognito.user_pool", "advanced_security_mode"), ("cognito.user_pool", "custom_auth_mode")),
    "AccountRecoverySetting": (("cognito.user_pool", "account_recovery"),),
    "UsernameConfiguration": (("cognito.user_pool", "case_sensitive"),),
    "UserPoolTier": (("cognito.user_pool", "tier"),),
    "WebAuthnUserVerification": (("cognito.mfa", "webauthn_user_verification"),),
    "LambdaConfig": (("cognito.user_pool", "triggers"),),  # a whole LambdaConfig left to an Fn::If
    "InviteMessageTemplate": (), "AdminCreateUserConfig.InviteMessageTemplate": (),  # read by no rule
    "EmailVerificationMessage": (), "EmailVerificationSubject": (), "SmsVerificationMessage": (),
    "SmsAuthenticationMessage": (), "UserPoolTags": (), "DeviceConfiguration": (),
    # Read by no rule: an e-mail sender (an SES identity's ARN) or a verification text left to deploy
    # hides nothing (it made every pool rule SKIPPED on most public modules: found on real files).
    "EmailConfiguration": (), "VerificationMessageTemplate": (), "SmsConfiguration": (),
    # Terraform's factor blocks, each the one factor it enables (SetUserPoolMfaConfig's properties).
    "SmsMfaConfiguration": (("cognito.mfa", "sms"),),
    "SoftwareTokenMfaConfiguration": (("cognito.mfa", "software_token"),),
    "EmailMfaConfiguration": (("cognito.mfa", "email"),),
}
CLIENT_FIELDS: dict[str, tuple[str, ...]] = {
    "CallbackURLs": ("callback_urls",), "LogoutURLs": ("logout_urls",), "DefaultRedirectURI": ("default_redirect_uri",),
    "AllowedOAuthFlows": ("allowed_oauth_flows",), "AllowedOAuthScopes": ("allowed_oauth_scopes",),
    "AllowedOAuthFlowsUserPoolClient": ("allowed_oauth_flows_user_pool_client",),
    "ExplicitAuthFlows": ("explicit_auth_flows",), "SupportedIdentityProviders": ("supported_identity_providers",),
    "ReadAttributes": ("read_attributes",), "WriteAttributes": ("write_attributes",),
    "PreventUserExistenceErrors": ("prevent_user_existence_errors",),
    "EnableTokenRevocation": ("enable_token_revocation",), "GenerateSecret": ("has_secret",),
    "RefreshTokenValidity": ("validity",), "AccessTokenValidity": ("validity",), "IdTokenValidity": ("validity",),
    "TokenValidityUnits": ("validity",), "AuthSessionValidity": ("validity",),
    "RefreshTokenRotation": ("refresh_rotation",), "AnalyticsConfiguration": (),
    "EnablePropagateAdditionalUserContextData": (),
}


@dataclass(frozen=True)
class Attributes:
    """What a template leaves to deploy time, by where it lands: pool fields, client fields (by
    client id), and inputs that must be SKIPPED whole (a property no table above knows)."""

    pool: dict[tuple[str, str], str] = field(default_factory=dict)  # (input, field) -> what
    clients: dict[tuple[str, str], str] = field(default_factory=dict)  # (client id, field) -> what
    whole: dict[str, list[str]] = field(default_factory=dict)  # input key -> what


def attributes_of(unknown: dict[str, list[str]]) -> Attributes:
    """`unknown` by "pool:<id>", "client:<id>" or an input key, each entry "Logical.Property... (Fn::X)"."""
    out = Attributes()
    for key, entries in unknown.items():
        for entry in entries:
            path = entry.split(" (", 1)[0].split(".")
            place_attribute(out, key, path[1:], entry)
    return out


def place_attribute(out: Attributes, key: str, path: list[str], entry: str) -> None:
    """Put one unknown API property of "pool:<id>", "client:<id>" or an input key where it lands: the
    longest dotted prefix of its path that a table names (an invitation text left to deploy inside
    AdminCreateUserConfig is read by no rule; it does not hide AllowAdminCreateUserOnly beside it)."""
    prop = next((".".join(path[:n]) for n in range(len(path), 0, -1)
                 if ".".join(path[:n]) in (POOL_FIELDS if key.startswith("pool:") else CLIENT_FIELDS)),
                path[0] if path else "")
    if key.startswith("pool:") and prop in POOL_FIELDS:
        out.pool.update({target: entry for target in POOL_FIELDS[prop]})
    elif key.startswith("client:") and prop in CLIENT_FIELDS:
        out.clients.update({(key[len("client:"):], name): entry for name in CLIENT_FIELDS[prop]})
    else:
        whole = {"pool": ("cognito.user_pool", "cognito.mfa"), "client": ("cognito.clients",)}.get(
            key.split(":", 1)[0], (key,))
        for input_key in whole:
            out.whole.setdefault(input_key, []).append(entry)


# Nested properties that locate a field more precisely than their top-level property.
_NESTED_FIELDS = {
    ("AdminCreateUserConfig", "AllowAdminCreateUserOnly"): ("cognito.user_pool.allow_admin_create_user_only",),
    ("Policies", "PasswordPolicy"): ("cognito.user_pool.password_policy",),
    ("Policies", "SignInPolicy"): ("cognito.user_pool.first_auth_factors",)}


def property_fields(pool: bool, lines: dict[tuple[str, ...], Location]) -> dict[str, Location]:
    """Fact fields (`cognito.user_pool.deletion_protection`) by where their API property is written:
    `lines` holds API property paths (one or two steps); a nested one wins over its parent."""
    out: dict[str, Location] = {}
    for path, where in sorted(lines.items(), key=lambda item: (len(item[0]), item[0][0] not in _LOCATES_FIRST)):
        if len(path) > 1:  # more precise than its parent: it wins
            out.update(dict.fromkeys(_NESTED_FIELDS.get((path[0], path[1]), ()), where))
            continue
        if pool:
            targets = tuple(f"{key}.{name}" for key, name in POOL_FIELDS.get(path[0], ()))
        else:
            targets = tuple(f"cognito.clients.{name}" for name in CLIENT_FIELDS.get(path[0], ()))
        for target in targets:  # the first property that sets a field locates it
            out.setdefault(target, where)
    return out


# Of the properties that set one field, the one a rule judges (OMA308: the refresh token's validity).
_LOCATES_FIRST = ("RefreshTokenValidity",)


def with_unknown(result: FileFacts, unknown: dict[str, list[str]] | Attributes, when: str) -> FileFacts:
    """Attributes a file leaves to deploy (or apply) time: each one Unknown in its fact (only the rules
    that read it are SKIPPED); inputs it cannot place, SKIPPED whole, naming them."""
    if isinstance(unknown, Attributes):
        for (input_key, name), what in unknown.pool.items():
            result.facts = result.facts.with_attribute(input_key, name, Unknown(f"{result.file}: {what}: {when}"))
        clients = result.facts.cognito.clients
        if clients is not None and unknown.clients:
            by_client: dict[str, dict[str, Any]] = {}  # Unknown stands for any attribute; one pass
            for (cid, name), what in unknown.clients.items():
                by_client.setdefault(cid, {})[name] = Unknown(f"{result.file}: {what}: {when}")
            result.facts = dataclasses.replace(result.facts, cognito=dataclasses.replace(
                result.facts.cognito, clients=tuple(dataclasses.replace(c, **by_client[c.client_id])
                                                    if c.client_id in by_client else c for c in clients)))
        unknown = unknown.whole
    for key, names in unknown.items():
        result.facts = result.facts.with_fact(key, None)
        shown = ", ".join(sorted(set(names))[:6]) + (" and more" if len(set(names)) > 6 else "")
        result.unknown[key] = f"{shown}: {when}"
    return result
