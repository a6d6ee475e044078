"""The frozen snapshot of what was collected from one target, and its JSON form.

Rules read only this. Each input has a key (`om.jwks`, ...): a rule names the keys it needs, and
the snapshot says per key whether it was collected, failed (ERROR) or was not applicable (SKIPPED).
No field holds a secret: collectors drop tokens, passwords and client secrets before they get here.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.common.encode import indented_json
from auditor.common.inputs import MAX_INPUT_BYTES
from auditor.common.redact import SECRETS, redact_values
from auditor.common.untrusted import MalformedInput, load_json
from auditor.report.model import Location, TargetInfo

# Input keys. A rule's META.needs lists some of these.
OM_VERSION = "om.version"
OM_AUTH_CONFIG = "om.auth_config"
OM_AUTHORIZER = "om.authorizer"
OM_JWKS = "om.jwks"
OM_ENDPOINT = "om.endpoint"
OM_ANONYMOUS = "om.anonymous_access"
OM_ADMIN_USER = "om.admin_user"
OM_ADMIN_USERS = "om.admin_users"
OM_BOTS = "om.bots"
OM_LOGIN_PROBE = "om.login_probe"
OM_TOKEN_PROBE = "om.token_probe"
OM_SECURITY_CONFIG = "om.security_config"
COGNITO_POOL = "cognito.user_pool"
COGNITO_MFA = "cognito.mfa"
COGNITO_DOMAIN = "cognito.domain"
COGNITO_CLIENTS = "cognito.clients"
COGNITO_IDPS = "cognito.identity_providers"
COGNITO_REF = "cognito.ref"
COGNITO_RISK = "cognito.risk_configurations"
COGNITO_WAF = "cognito.web_acl"
COGNITO_IDENTITY_POOLS = "cognito.identity_pools"
CONF_JWT = "conf.jwt"
CONF_FERNET = "conf.fernet"
CONF_INITIAL_ADMINS = "conf.initial_admins"
CONF_SECRETS = "conf.secrets"
CONF_LDAP = "conf.ldap"


def _keys(section: str, facts: type) -> tuple[str, ...]:
    return tuple(f"{section}.{f.name}" for f in dataclasses.fields(facts))


class SnapshotFormatError(ValueError):
    """A snapshot file that is not one omaudit wrote."""


class UnknownValue(LookupError):
    """A rule used a value that is known only at deploy time (auditor.facts.snapshot.Unknown): the engine
    reports that rule SKIPPED, naming the attribute, and every other rule of the same input is judged."""


class Unknown:
    """A fact's attribute that a configuration file leaves to deploy time (a CloudFormation intrinsic,
    a Terraform value known after apply). Any use of it (comparison, truth, iteration, text, hashing,
    an attribute) raises UnknownValue, so exactly the rules that read it are SKIPPED: the "one
    unknown hides everything" of a whole input is gone, and no rule can judge a default in its place."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return f"Unknown({self.what!r})"

    def __reduce__(self) -> tuple[type[Unknown], tuple[str]]:
        """Pickled by its reason: a fleet's forked workers send snapshots back by pickle, and the default
        way (slots set after an empty object is made) read `what` before it existed, through `_use`."""
        return (Unknown, (self.what,))

    def _use(self, *_: object) -> Any:
        raise UnknownValue(self.what)

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _use
    __bool__ = __len__ = __iter__ = __contains__ = __hash__ = __str__ = __format__ = _use
    __getitem__ = __getattr__ = __add__ = __radd__ = __int__ = __float__ = _use


@dataclass(frozen=True)
class Problem:
    """Why an input is missing: `error` (could not verify), `skipped` (not applicable/configured) or
    `unknown` (decided only at deploy, or set by a reference the files do not resolve: SKIPPED, and what
    --fail-on-unknown holds a gate on)."""

    kind: str
    reason: str
    cause: str | None = None  # for errors: an auditor.common.errors.Cause value


@dataclass(frozen=True)
class Endpoint:
    url: str
    scheme: str
    host: str
    tls_verify: str = "on"  # "on", "custom-ca" (--ca-bundle) or "off" (--insecure)


@dataclass(frozen=True)
class VersionInfo:
    version: str
    revision: str | None
    path: str


@dataclass(frozen=True)
class AuthConfig:
    path: str
    provider: str | None
    client_type: str | None
    enable_self_signup: bool | None
    authority: str | None
    client_id: str | None
    callback_url: str | None
    jwt_principal_claims: tuple[str, ...]
    public_key_urls: tuple[str, ...] | None
    fields: tuple[str, ...]
    # "username:preferred_username", "email:email": with it, the name comes from the mapped claim
    jwt_principal_claims_mapping: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuthorizerConfig:
    """What /config/authorizer serves. Recent servers always serialize empty principal lists (the
    generated classes initialise collections): an empty list discloses nothing."""

    path: str
    principal_domain: str | None
    admin_principals: tuple[str, ...] | None
    fields: tuple[str, ...]
    bot_principals: tuple[str, ...] | None = None
    test_principals: tuple[str, ...] | None = None
    internals: tuple[str, ...] = ()  # implementation fields served with a real value (className, ...)
    enforce_principal_domain: bool | None = None  # served by old servers only (the whole block)


@dataclass(frozen=True)
class SecurityConfig:
    """The non-secret part of GET /api/v1/system/security/config (SystemResource.getSecurityConfig, admin
    only): what a confidential client really redirects to and whether it uses PKCE. The rest of that
    answer (the OIDC client secret, the SAML keystore password and private key, unmasked for some
    callers) is never read into the snapshot."""

    path: str
    served: bool  # False: this release has no such endpoint (404/405)
    client_type: str | None = None
    oidc_callback_url: str | None = None
    disable_pkce: bool | None = None  # None: absent, which means the default, true
    oidc_scope: str | None = None  # oidcConfiguration.scope: what a confidential client requests
    public_key_urls: tuple[str, ...] | None = None  # authenticationConfiguration.publicKeyUrls, as configured
    enforce_principal_domain: bool | None = None  # authorizerConfiguration.enforcePrincipalDomain (admin view)
    admin_principals: tuple[str, ...] | None = None  # authorizerConfiguration.adminPrincipals (admin view)


@dataclass(frozen=True)
class JwkKey:
    kid: str | None
    kty: str | None
    alg: str | None
    n_hex: str | None
    e: int | None

    @property
    def modulus(self) -> int | None:
        return int(self.n_hex, 16) if self.n_hex else None


@dataclass(frozen=True)
class Jwks:
    path: str
    keys: tuple[JwkKey, ...]
    malformed: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserInfo:
    name: str
    email: str | None
    is_admin: bool
    is_bot: bool
    deleted: bool
    last_login_time: int | None


@dataclass(frozen=True)
class AdminAccount:
    """The shipped default `admin` account, as `GET /users/name/admin` answered."""

    exists: bool
    user: UserInfo | None


@dataclass(frozen=True)
class BotInfo:
    name: str
    bot_user: str | None
    auth_type: str | None
    token_expiry: str | None
    expires_at: int | None
    error: str | None = None
    revoked: bool = False  # the token was revoked: JWTToken "" and no expiry


@dataclass(frozen=True)
class ProbeResult:
    """One request an auditor made on purpose, and how the server took it."""

    endpoint: str
    account: str | None
    http_status: int | None
    outcome: str
    message: str
    attempts: tuple[str, ...] = ()  # login probe: the accounts an attempt was sent for, in order


@dataclass(frozen=True)
class OMFacts:
    endpoint: Endpoint | None = None
    version: VersionInfo | None = None
    auth_config: AuthConfig | None = None
    authorizer: AuthorizerConfig | None = None
    jwks: Jwks | None = None
    anonymous_access: ProbeResult | None = None
    admin_user: AdminAccount | None = None
    admin_users: tuple[UserInfo, ...] | None = None
    bots: tuple[BotInfo, ...] | None = None
    login_probe: ProbeResult | None = None
    token_probe: ProbeResult | None = None
    security_config: SecurityConfig | None = None


@dataclass(frozen=True)
class PoolRef:
    """Which pool and client were audited, and where that came from (option or discovery)."""

    pool_id: str
    region: str
    client_id: str | None
    source: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SchemaAttribute:
    name: str
    required: bool
    mutable: bool


@dataclass(frozen=True)
class PasswordPolicy:
    minimum_length: int | None
    require_uppercase: bool | None
    require_lowercase: bool | None
    require_numbers: bool | None
    require_symbols: bool | None
    temporary_password_validity_days: int | None


@dataclass(frozen=True)
class RecoveryOption:
    priority: int
    name: str


@dataclass(frozen=True)
class DcrConfig:
    """UserPool.DcrConfiguration (botocore DcrConfigurationType): None members were omitted."""

    enable_status: str | None
    open_enabled: bool | None
    open_grant_types: tuple[str, ...] | None
    allowed_scopes: tuple[str, ...] | None


@dataclass(frozen=True)
class UserPool:
    """DescribeUserPool, as returned: None means the API omitted the field (rules apply AWS defaults)."""

    id: str
    name: str | None
    arn: str | None
    schema: tuple[SchemaAttribute, ...]
    auto_verified_attributes: tuple[str, ...] | None
    username_attributes: tuple[str, ...] | None
    alias_attributes: tuple[str, ...] | None
    verify_before_update: tuple[str, ...] | None
    password_policy: PasswordPolicy | None
    mfa_configuration: str | None
    deletion_protection: str | None
    advanced_security_mode: str | None
    allow_admin_create_user_only: bool | None
    domain: str | None
    custom_domain: str | None
    estimated_users: int | None
    tier: str | None
    # Newer members of UserPoolType (botocore 1.44.8); None: omitted (rules apply AWS's documented default).
    issuer_type: str | None = None  # IssuerConfiguration.Type: ORIGINAL | UPDATED
    first_auth_factors: tuple[str, ...] | None = None  # Policies.SignInPolicy.AllowedFirstAuthFactors
    custom_auth_mode: str | None = None  # UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode
    triggers: tuple[str, ...] | None = None  # LambdaConfig members that name a function
    account_recovery: tuple[RecoveryOption, ...] | None = None  # AccountRecoverySetting.RecoveryMechanisms
    case_sensitive: bool | None = None  # UsernameConfiguration.CaseSensitive
    dcr: DcrConfig | None = None

    def attribute(self, name: str) -> SchemaAttribute | None:
        return next((a for a in self.schema if a.name == name), None)


@dataclass(frozen=True)
class MfaConfig:
    mfa_configuration: str | None
    software_token: bool
    sms: bool
    email: bool
    # GetUserPoolMfaConfig.WebAuthnConfiguration: None when omitted (no passkey settings returned).
    webauthn_user_verification: str | None = None
    webauthn_factor: str | None = None  # SINGLE_FACTOR | MULTI_FACTOR_WITH_USER_VERIFICATION


@dataclass(frozen=True)
class DomainInfo:
    domain: str | None
    status: str | None
    custom: bool
    security_policy: str | None = None  # CustomDomainConfig.SecurityPolicy (custom domains)
    managed_login_version: int | None = None


@dataclass(frozen=True)
class TokenValidity:
    refresh: int | None
    access: int | None
    id: int | None
    refresh_unit: str | None
    access_unit: str | None
    id_unit: str | None


@dataclass(frozen=True)
class AppClient:
    """DescribeUserPoolClient without its secret: only whether it has one."""

    client_id: str
    name: str | None
    has_secret: bool
    read_attributes: tuple[str, ...] | None
    write_attributes: tuple[str, ...] | None
    explicit_auth_flows: tuple[str, ...] | None
    supported_identity_providers: tuple[str, ...] | None
    callback_urls: tuple[str, ...] | None
    logout_urls: tuple[str, ...] | None
    default_redirect_uri: str | None
    allowed_oauth_flows: tuple[str, ...] | None
    allowed_oauth_scopes: tuple[str, ...] | None
    allowed_oauth_flows_user_pool_client: bool | None
    prevent_user_existence_errors: str | None
    enable_token_revocation: bool | None
    validity: TokenValidity
    client_type: str | None = None  # REGULAR | DCR (absent: REGULAR)
    refresh_rotation: str | None = None  # RefreshTokenRotation.Feature: ENABLED | DISABLED (absent: DISABLED)


@dataclass(frozen=True)
class IdentityProvider:
    name: str
    type: str | None


@dataclass(frozen=True)
class RiskConfig:
    """DescribeRiskConfiguration for the pool (asked_client None) or one client. `client_level`: the answer
    carried a ClientId, so the client overrides the pool's configuration (AWS: "App client
    threat-protection configurations override the user pool configuration")."""

    asked_client: str | None
    client_level: bool
    compromised_action: str | None  # CompromisedCredentialsRiskConfiguration.Actions.EventAction
    takeover_actions: tuple[str, ...]  # AccountTakeoverRiskConfiguration.Actions.{Low,Medium,High}Action.EventAction


@dataclass(frozen=True)
class WebAcl:
    """wafv2 GetWebACLForResource on the user pool's ARN: the web ACL in front of the pool's hosted
    sign-in, token endpoint and public API operations, or none (`arn` None)."""

    arn: str | None
    name: str | None


@dataclass(frozen=True)
class RoleMapping:
    """One entry of an identity pool's RoleMappings (GetIdentityPoolRoles; RoleMappingType)."""

    provider: str
    type: str | None  # Token | Rules
    ambiguous_role_resolution: str | None  # AuthenticatedRole | Deny


@dataclass(frozen=True)
class IdentityPool:
    """An identity pool whose CognitoIdentityProviders name the audited user pool (DescribeIdentityPool):
    its users, and with guest access anyone, get AWS credentials through it."""

    id: str
    name: str | None
    allow_unauthenticated: bool | None  # AllowUnauthenticatedIdentities
    allow_classic_flow: bool | None  # AllowClassicFlow (absent: false)
    clients: tuple[str, ...]  # the user pool's app clients it trusts (ClientId)
    role_mappings: tuple[RoleMapping, ...] | None  # None: GetIdentityPoolRoles not read
    roles_error: str | None = None  # why they were not read (a refused GetIdentityPoolRoles)


@dataclass(frozen=True)
class CognitoFacts:
    ref: PoolRef | None = None
    user_pool: UserPool | None = None
    mfa: MfaConfig | None = None
    domain: DomainInfo | None = None
    clients: tuple[AppClient, ...] | None = None
    identity_providers: tuple[IdentityProvider, ...] | None = None
    risk_configurations: tuple[RiskConfig, ...] | None = None
    web_acl: WebAcl | None = None
    identity_pools: tuple[IdentityPool, ...] | None = None


@dataclass(frozen=True)
class JwtSettings:
    """jwtTokenConfiguration as a configuration file sets it (paths and key id are not secrets)."""

    public_key_path: str | None
    private_key_path: str | None
    issuer: str | None
    key_id: str | None


@dataclass(frozen=True)
class SecretSetting:
    """How one secret is given in a configuration file, never its value. `state`: shipped (OpenMetadata's
    public default value), inline (a value written in the file), reference (a secret reference, or a
    variable the file does not set), or empty."""

    name: str  # the key, as the file spells it (fernetConfiguration.fernetKey, DB_USER_PASSWORD, ...)
    kind: str  # fernet, oidc-client-secret, database-password, pipeline-password, ldap-admin-password, ...
    state: str
    origin: str  # where the value came from, for people ("env file .env:4", "written in values.yaml")


@dataclass(frozen=True)
class LdapSettings:
    truststore_type: str | None  # ldapConfiguration.truststoreConfigType: TrustAll, JVMDefault, HostName, ...
    in_use: bool  # the provider is ldap


@dataclass(frozen=True)
class ConfFacts:
    """What only configuration files say (openmetadata.yaml, Helm values): no live collector fills it."""

    jwt: JwtSettings | None = None
    fernet: SecretSetting | None = None
    initial_admins: tuple[str, ...] | None = None  # authorizer adminPrincipals / Helm initialAdmins
    secrets: tuple[SecretSetting, ...] | None = None
    ldap: LdapSettings | None = None
    # authorizerConfiguration.enforcePrincipalDomain (AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN, Helm
    # authorizer.enforcePrincipalDomain): the live counterparts are om.security_config's (admin) and
    # om.authorizer's (old servers' whole block)
    enforce_principal_domain: bool | None = None


# Every input a rule may need: derived from the facts' fields, so a key and its fact cannot drift apart.
OM_KEYS = _keys("om", OMFacts)
COGNITO_KEYS = _keys("cognito", CognitoFacts)
CONF_KEYS = _keys("conf", ConfFacts)
INPUT_KEYS = frozenset((*OM_KEYS, *COGNITO_KEYS, *CONF_KEYS))
_NAMED = {OM_VERSION, OM_AUTH_CONFIG, OM_AUTHORIZER, OM_JWKS, OM_ENDPOINT, OM_ANONYMOUS, OM_ADMIN_USER, OM_ADMIN_USERS,
          OM_BOTS, OM_LOGIN_PROBE, OM_TOKEN_PROBE, OM_SECURITY_CONFIG, COGNITO_POOL, COGNITO_MFA, COGNITO_DOMAIN,
          COGNITO_CLIENTS, COGNITO_IDPS, COGNITO_REF, COGNITO_RISK, COGNITO_WAF, COGNITO_IDENTITY_POOLS, CONF_JWT,
          CONF_FERNET, CONF_INITIAL_ADMINS, CONF_SECRETS, CONF_LDAP}
assert _NAMED <= INPUT_KEYS, _NAMED - INPUT_KEYS  # import-time: a misspelled constant cannot ship


@dataclass(frozen=True)
class Branch:
    """One way the undecided conditions can go ("IsProd true, UseMfa false"), and the facts then."""

    label: str
    snapshot: Snapshot


REVIEWED = "reviewed."  # the prefix of a reviewed file's field in a finding's `fields`
# In a fleet, the problem recorded when a live target's deployment files could not be read: OMA406 is
# ERROR, and the live audit stands (a single scan stops instead: bad input, exit 2).
REVIEWED_FILES = "reviewed.files"


@dataclass(frozen=True)
class Snapshot:
    target: TargetInfo
    collected_at: str
    om: OMFacts = field(default_factory=OMFacts)
    cognito: CognitoFacts = field(default_factory=CognitoFacts)
    problems: Mapping[str, Problem] = field(default_factory=dict)
    conf: ConfFacts = field(default_factory=ConfFacts)
    # File scans: where facts were read. Keys: an input key ("om.auth_config"), a field of one
    # ("om.auth_config.callback_url"), or an input key and a resource ("cognito.clients#web").
    locations: Mapping[str, Location] = field(default_factory=dict)
    # A live scan given the deployment's files as well: what those files say, read as a file scan reads
    # them (OMA406 compares the two). Its fields are named `reviewed.<input>.<field>` in `locate`.
    reviewed: Snapshot | None = None
    # A file scan whose facts depend on conditions the files leave undecided (a CloudFormation Fn::If
    # on a parameter without a default): the snapshot under each way they can go. A rule that reads an
    # undecided value is judged on every branch (auditor.engine.evaluate).
    branches: tuple[Branch, ...] = ()
    # File scans: the fields a default filled, not the files (the chart's values, the image's
    # openmetadata.yaml, the server's own): every rule judges them as deployed; OMA406 does not take
    # them for what the files say.
    defaulted: tuple[str, ...] = ()

    def locate(self, fields: tuple[str, ...], needs: tuple[str, ...], resource: str,
               evidence: Mapping[str, object]) -> Location | None:
        """The most precise location known for a finding: a field the rule named (on this resource, else
        anywhere), else the resource, else a field its evidence shows, else the input it read. A field
        named `reviewed.…` is looked up in the reviewed files: the line a drift finding is about."""
        for name in fields:
            if name.startswith(REVIEWED) and self.reviewed is not None:
                found = self.reviewed.where(name.removeprefix(REVIEWED))
                if found is not None:
                    return found
        keys = [*(k for f in fields for k in (f"{f}#{resource}", f)),
                *(f"{n}#{resource}" for n in needs), *(f"{n}.{e}" for n in needs for e in evidence), *needs]
        return next((self.locations[k] for k in keys if k in self.locations), None)

    def where(self, name: str) -> Location | None:
        """Where a field (`om.auth_config.enable_self_signup`) was read: its own line, on any resource,
        else its input's."""
        if name in self.locations:
            return self.locations[name]
        on_resource = next((at for key, at in self.locations.items() if key.startswith(f"{name}#")), None)
        if on_resource is not None:
            return on_resource
        section, _, rest = name.partition(".")
        return self.locations.get(f"{section}.{rest.partition('.')[0]}")

    def problem(self, key: str) -> Problem | None:
        """The recorded problem for an input, or a generic error if it is simply absent."""
        if key in self.problems:
            return self.problems[key]
        if self.value(key) is None:
            return Problem("error", f"{key} was not collected")
        return None

    def value(self, key: str) -> object:
        section, _, name = key.partition(".")
        facts = getattr(self, section, None)
        return getattr(facts, name, None) if facts is not None else None


# ---- JSON codec: generic over the dataclasses above, so a new fact needs no codec code ----

def to_json(obj: object) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_json(x) for x in obj]
    if isinstance(obj, Mapping):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


def from_json(tp: Any, data: Any) -> Any:
    """Decode `data` as type `tp`; raises SnapshotFormatError on any mismatch."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return from_json(inner[0], data)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(data, dict):
            raise SnapshotFormatError(f"expected an object for {tp.__name__}")
        hints = typing.get_type_hints(tp)
        kwargs = {f.name: from_json(hints[f.name], data[f.name])
                  for f in dataclasses.fields(tp) if f.name in data}
        try:
            return tp(**kwargs)
        except TypeError as exc:
            raise SnapshotFormatError(f"{tp.__name__}: {exc}") from exc
    if origin is tuple:
        if not isinstance(data, list):
            raise SnapshotFormatError("expected a list")
        return tuple(from_json(typing.get_args(tp)[0], x) for x in data)
    if origin in (Mapping, dict, typing.get_origin(Mapping[str, int])):
        if not isinstance(data, dict):
            raise SnapshotFormatError("expected an object")
        return {str(k): from_json(typing.get_args(tp)[1], v) for k, v in data.items()}
    if tp in (str, int, bool, float):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise SnapshotFormatError(f"expected {tp.__name__}, got {type(data).__name__}")
        return data
    if tp is object or tp is Any:
        return data
    raise SnapshotFormatError(f"cannot decode type {tp!r}")


SNAPSHOT_SCHEMA = 1


def dump_snapshots(snaps: typing.Sequence[Snapshot]) -> str:
    """The snapshots as JSON, every string redacted before it is encoded (the text stays JSON)."""
    tree = redact_values({"omaudit_snapshot": SNAPSHOT_SCHEMA, "snapshots": to_json(list(snaps))})
    return SECRETS.whole(indented_json(tree))


def load_snapshots(text: str) -> tuple[Snapshot, ...]:
    try:
        data = load_json(text, "the file", max_bytes=MAX_INPUT_BYTES)
    except MalformedInput as exc:
        raise SnapshotFormatError(str(exc)) from None
    if not isinstance(data, dict) or data.get("omaudit_snapshot") != SNAPSHOT_SCHEMA:
        raise SnapshotFormatError("not an omaudit snapshot (missing omaudit_snapshot: 1)")
    snaps = data.get("snapshots")
    if not isinstance(snaps, list):
        raise SnapshotFormatError("'snapshots' must be a list")
    try:
        return tuple(_with_conf_skipped(from_json(Snapshot, s)) for s in snaps)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise SnapshotFormatError(f"malformed snapshot: {type(exc).__name__}") from None


LIVE_CONF = "needs openmetadata.yaml (--om-config) or Helm values (--helm-values)"


def _with_conf_skipped(snap: Snapshot) -> Snapshot:
    """A snapshot written before configuration files were read (no conf input at all) is a live
    scan's: its conf inputs are SKIPPED, as a live scan records them now, not ERROR."""
    if snap.locations or any(k in snap.problems or snap.value(k) is not None for k in CONF_KEYS):
        return snap
    skipped = {k: Problem("skipped", LIVE_CONF) for k in CONF_KEYS}
    return dataclasses.replace(snap, problems={**snap.problems, **skipped})
