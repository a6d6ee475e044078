"""Collects a Cognito user pool and its app clients into CognitoFacts, read-only, through boto3.

Only the audit's own read calls leave this process: a botocore `before-call` hook refuses every
other operation (an allowlist, READ_OPERATIONS). Each call is collected on its own; AccessDenied on
one call makes only the rules that need that call ERROR, naming the missing IAM action. Client
secrets are dropped here, at collection.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
import botocore.config
import botocore.exceptions

from auditor.collectors import aws_transport
from auditor.errors import Cause, CollectionError, InputError, OmauditError
from auditor.redact import cut, register
from auditor.snapshot import (
    COGNITO_CLIENTS,
    COGNITO_DOMAIN,
    COGNITO_IDPS,
    COGNITO_MFA,
    COGNITO_POOL,
    COGNITO_RISK,
    AppClient,
    CognitoFacts,
    DcrConfig,
    DomainInfo,
    IdentityProvider,
    MfaConfig,
    PasswordPolicy,
    PoolRef,
    Problem,
    RecoveryOption,
    RiskConfig,
    SchemaAttribute,
    TokenValidity,
    UserPool,
)
from auditor.untrusted import MalformedInput, clean_text, clean_tree

T = TypeVar("T")

# The only operations this client may send: the audit's own reads. An allowlist, not a prefix rule:
# botocore 1.44.8 has Get*/List* calls that mint tokens (GetClientToken, GetDerivedToken,
# GetTokensFromRefreshToken), send a message (GetUserAttributeVerificationCode) or return secrets
# (ListUserPoolClientSecrets); docs/research/issue-12-cognito-api.md lists all 48 read-named ones.
READ_OPERATIONS = frozenset({"DescribeUserPool", "GetUserPoolMfaConfig", "DescribeUserPoolDomain",
                             "ListUserPoolClients", "DescribeUserPoolClient", "ListIdentityProviders",
                             "DescribeRiskConfiguration"})
TARGET_BUDGET = 120.0  # wall time for all Cognito calls of one target, as on the OpenMetadata side
MESSAGE_CHARS = 200  # of an AWS error message kept in a finding
MAX_ATTEMPTS = 3
PARALLEL_CALLS = 4  # calls in flight to one pool at once
MAX_CLIENTS = 1000  # app clients described per pool
# One client serves every target in the same account, region and endpoint: its connection pool must
# hold a fleet's calls in flight (--concurrency targets x PARALLEL_CALLS), or urllib3 discards and
# reopens connections.
MAX_POOL_CONNECTIONS = 256
CREDENTIAL_ERRORS = frozenset({"UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException",
                               "ExpiredTokenException", "SignatureDoesNotMatch", "AuthFailure"})
ACCESS_DENIED = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
THROTTLING = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling", "LimitExceededException"})


class WriteRefused(OmauditError):
    """A non-read AWS call was attempted; omaudit never writes to a target."""


@dataclass(frozen=True)
class AwsOptions:
    region: str
    profile: str | None = None
    endpoint_url: str | None = None


def refuse_writes(model: Any, **_: Any) -> None:
    """botocore before-call hook: only the operations in READ_OPERATIONS may be sent."""
    name = getattr(model, "name", "")
    if name not in READ_OPERATIONS:
        raise WriteRefused(f"refused to send cognito-idp {name}: omaudit sends only its own reads")


_clients: dict[tuple[str | None, str, str | None], Any] = {}
_sessions: dict[str | None, Any] = {}  # one boto3 Session per profile: its loader caches the service model
_warmed: set[str | None] = set()
_clients_lock = threading.Lock()
# A forked fleet worker must not share the parent's pooled connections: it builds its own clients.
os.register_at_fork(after_in_child=_clients.clear)


def _session(profile: str | None) -> Any:
    """The profile's Session (call with the lock held: Sessions are not thread-safe)."""
    if profile not in _sessions:
        try:
            _sessions[profile] = boto3.session.Session(profile_name=profile)
        except botocore.exceptions.ProfileNotFound:
            raise InputError(f"AWS profile {profile!r} is not configured") from None
    return _sessions[profile]


def check_profile(profile: str) -> None:
    """InputError now, before anything is sent, when the named AWS profile is not configured."""
    with _clients_lock:
        _session(profile)


def _config() -> botocore.config.Config:
    """`total_max_attempts` counts the first request; `max_attempts` would count retries only (botocore
    Config docs, "retries"; botocore/config.py), which sent 4 requests per failing call."""
    return botocore.config.Config(retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS}, connect_timeout=5,
                                  read_timeout=20, user_agent_extra="omaudit",
                                  max_pool_connections=MAX_POOL_CONNECTIONS)


def cognito_client(options: AwsOptions) -> Any:
    """One guarded client per (profile, region, endpoint), created under a lock (Sessions are not thread-safe)."""
    key = (options.profile, options.region, options.endpoint_url)
    with _clients_lock:
        if key in _clients:
            return _clients[key]
        session = _session(options.profile)
        try:
            client = session.client("cognito-idp", region_name=options.region, endpoint_url=options.endpoint_url,
                                    config=_config())
        except ValueError as exc:
            raise InputError(f"--aws-endpoint-url is not usable: {exc}") from None
        client.meta.events.register("before-call", refuse_writes)
        # boto3 keeps botocore's session private; its resolved `ca_bundle` is read from there.
        ca_bundle = session._session.get_config_variable("ca_bundle")
        client.meta.events.register("before-send.cognito-idp", aws_transport.handler(ca_bundle))
        _register_credentials(session)
        _clients[key] = client
        return client


def warm_up(profile: str | None) -> None:
    """Load botocore's cognito-idp model and endpoint rules before they are needed.

    Run in the background while OpenMetadata answers: the first client otherwise costs ~100 ms of
    model loading on the target's critical path. Sends nothing, and resolves no credentials (the
    throw-away client gets placeholder keys, so a target without Cognito never waits on the
    credential chain or instance metadata); any problem is left for the real call to report.
    """
    with _clients_lock:
        if profile in _warmed:
            return
        _warmed.add(profile)
        try:
            _session(profile).client("cognito-idp", region_name="us-east-1", config=_config(),
                                     aws_access_key_id="warm-up", aws_secret_access_key="warm-up")
        except (OmauditError, botocore.exceptions.BotoCoreError, ValueError):
            return


def _register_credentials(session: Any) -> None:
    """Whatever keys the standard chain resolved are secrets for the redaction layer."""
    try:
        creds = session.get_credentials()
    except botocore.exceptions.BotoCoreError:
        return
    if creds is not None:
        frozen = creds.get_frozen_credentials()
        register(frozen.access_key, frozen.secret_key, frozen.token)


def describe_error(operation: str, exc: Exception) -> tuple[str, Cause]:
    """One sentence for an AWS failure, naming the IAM action where permission is missing, and its cause."""
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {}) if isinstance(exc.response, dict) else {}
        error = error if isinstance(error, dict) else {}
        code = clean_text(str(error.get("Code") or "Unknown"))
        message = clean_text(str(error.get("Message") or ""))
        if code.isdigit() and "<Code>" in message:
            # An XML error body on this JSON API (moto's IAM layer answers so): read the code out of it.
            found_code = re.search(r"<Code>([^<]+)</Code>", message)
            found = re.search(r"<Message>([^<]*)</Message>", message)
            code = found_code.group(1) if found_code else code
            message = found.group(1) if found else ""
        message = cut(message, MESSAGE_CHARS)
        code = cut(code, 80)
        if code in ACCESS_DENIED:
            return f"AccessDenied: missing IAM permission cognito-idp:{operation}", Cause.DENIED
        if code in CREDENTIAL_ERRORS:
            return f"{operation}: the AWS credentials were rejected ({code})", Cause.CREDENTIALS
        if code == "ResourceNotFoundException":
            return f"{operation}: {message or 'not found'}", Cause.NOT_FOUND
        if code in THROTTLING:
            return f"{operation} was throttled ({code}) after {MAX_ATTEMPTS} attempts", Cause.THROTTLED
        if code.isdigit():
            return f"{operation} is not available from this endpoint (HTTP {code})", Cause.BAD_ANSWER
        return f"{operation} failed: {code}" + (f": {message}" if message else ""), Cause.BAD_ANSWER
    if isinstance(exc, botocore.exceptions.NoCredentialsError | botocore.exceptions.PartialCredentialsError):
        return ("no AWS credentials found (environment, --aws-profile, shared config or instance role)",
                Cause.CREDENTIALS)
    if isinstance(exc, botocore.exceptions.EndpointConnectionError | botocore.exceptions.ConnectionClosedError):
        return f"{operation}: cannot reach the AWS endpoint", Cause.UNREACHABLE
    if isinstance(exc, botocore.exceptions.ReadTimeoutError | botocore.exceptions.ConnectTimeoutError):
        return f"{operation} timed out", Cause.TIMEOUT
    return f"{operation} failed: {type(exc).__name__}", Cause.BAD_ANSWER


class CognitoCollector:
    def __init__(self, ref: PoolRef, aws: AwsOptions, budget: float = TARGET_BUDGET) -> None:
        self.ref = ref
        self.aws = aws
        self.problems: dict[str, Problem] = {}
        self.until = time.monotonic() + budget

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One read, within the target's budget; its answer cleaned and redacted where it enters.

        botocore parses what a hostile endpoint sends with parsers that can fail in any way (an
        AttributeError on a JSON list, a RecursionError on deep XML). Whatever escapes botocore here
        is this call's CollectionError; everything else (WriteRefused included) goes on up.
        """
        try:
            client = cognito_client(self.aws)
        except InputError as exc:
            raise CollectionError(str(exc), Cause.CREDENTIALS) from None
        method = getattr(client, _snake(operation))
        try:
            with aws_transport.budget(self.until):
                result = method(**params)
        except WriteRefused:
            raise
        except CollectionError as exc:
            raise CollectionError(f"{operation}: {exc}", exc.cause) from None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise CollectionError(*describe_error(operation, exc)) from None
        except Exception as exc:  # noqa: BLE001 - botocore's parsers of hostile bodies (see docstring)
            raise CollectionError(f"{operation}: the answer could not be parsed ({type(exc).__name__})") from None
        try:
            cleaned = clean_tree(result, f"the {operation} answer")
        except MalformedInput as exc:
            raise CollectionError(str(exc)) from None
        return cleaned if isinstance(cleaned, dict) else {}

    def _pages(self, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        token: str | None = None
        for _ in range(100):
            page = self._call(operation, **params, **({"NextToken": token} if token else {}))
            yield from (x for x in page.get(key) or [] if isinstance(x, dict))
            token = page.get("NextToken")
            if not token:
                return
        raise CollectionError(f"{operation}: more than 100 pages; stopped")

    def _guard(self, key: str, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except CollectionError as exc:
            self.problems[key] = Problem("error", str(exc), exc.cause)
            return None

    def collect(self, calls: Executor | None = None) -> tuple[CognitoFacts, dict[str, Problem]]:
        """The pool, MFA, clients and identity providers are read side by side; the domain waits for
        the pool's domain name, and the risk configurations (ENFORCED pools only) for the clients.

        `calls` runs the four reads (it needs PARALLEL_CALLS workers besides this one's own thread);
        without it the collector uses a pool of its own.
        """
        if calls is None:
            with ThreadPoolExecutor(max_workers=PARALLEL_CALLS, thread_name_prefix="omaudit-cognito") as own:
                return self._collect(own)
        return self._collect(calls)

    def _collect(self, calls: Executor) -> tuple[CognitoFacts, dict[str, Problem]]:
        pool_read = calls.submit(self._guard, COGNITO_POOL, self._user_pool)
        mfa = calls.submit(self._guard, COGNITO_MFA, self._mfa)
        clients = calls.submit(self._guard, COGNITO_CLIENTS, self._clients)
        idps = calls.submit(self._guard, COGNITO_IDPS, self._identity_providers)
        pool = pool_read.result()
        if pool is None and self._fatal(self.problems[COGNITO_POOL]):
            # The pool does not exist or the credentials are refused: that is the one reason to give.
            for other in (mfa, clients, idps):
                other.result()
            for key in (COGNITO_MFA, COGNITO_DOMAIN, COGNITO_CLIENTS, COGNITO_IDPS, COGNITO_RISK):
                self.problems[key] = self.problems[COGNITO_POOL]
            return CognitoFacts(ref=self.ref), dict(sorted(self.problems.items()))
        listed = clients.result()
        facts = CognitoFacts(ref=self.ref, user_pool=pool, mfa=mfa.result(), domain=self._domain(pool),
                             clients=listed, identity_providers=idps.result(),
                             risk_configurations=self._risks(pool, listed))
        return facts, dict(sorted(self.problems.items()))

    @staticmethod
    def _fatal(problem: Problem) -> bool:
        """The pool does not exist, or nothing can be read at all: one reason for every input."""
        return problem.cause in (Cause.NOT_FOUND, Cause.CREDENTIALS, Cause.UNREACHABLE)

    # ---- calls ----------------------------------------------------------------------------

    def _user_pool(self) -> UserPool:
        raw = self._call("DescribeUserPool", UserPoolId=self.ref.pool_id).get("UserPool")
        if not isinstance(raw, dict):
            raise CollectionError("DescribeUserPool answered without a UserPool")
        return parse_user_pool(raw)

    def _mfa(self) -> MfaConfig:
        raw = self._call("GetUserPoolMfaConfig", UserPoolId=self.ref.pool_id)
        return parse_mfa(raw)

    def _domain(self, pool: UserPool | None) -> DomainInfo | None:
        if pool is None:
            self.problems[COGNITO_DOMAIN] = Problem("error", "needs DescribeUserPool, which failed")
            return None
        name = pool.custom_domain or pool.domain
        if not name:
            return DomainInfo(domain=None, status=None, custom=False)

        def fetch() -> DomainInfo:
            raw = _d(self._call("DescribeUserPoolDomain", Domain=name).get("DomainDescription"))
            return parse_domain(raw, name, custom=pool.custom_domain is not None)
        return self._guard(COGNITO_DOMAIN, fetch)

    def _clients(self) -> tuple[AppClient, ...]:
        """Every app client of the pool, OpenMetadata's first: pool-level rules weigh them all (a
        password client beside a federated OpenMetadata client still exposes the pool). Bounded by
        MAX_CLIENTS: a pool with more (open dynamic registration can make thousands) is an ERROR, not
        a judgement on a sample."""
        ids = [str(c["ClientId"]) for c in self._pages("ListUserPoolClients", "UserPoolClients",
                                                          UserPoolId=self.ref.pool_id, MaxResults=60)
               if isinstance(c.get("ClientId"), str)]
        ids = list(dict.fromkeys(ids))
        if len(ids) > MAX_CLIENTS:
            raise CollectionError(f"ListUserPoolClients: the pool has more than {MAX_CLIENTS} app clients; "
                                  "not all were read", Cause.BAD_ANSWER)
        if self.ref.client_id in ids:
            ids.remove(self.ref.client_id)
            ids.insert(0, self.ref.client_id)
        with ThreadPoolExecutor(max_workers=PARALLEL_CALLS, thread_name_prefix="omaudit-clients") as calls:
            return tuple(calls.map(self._client, ids))

    def _risks(self, pool: UserPool | None, clients: tuple[AppClient, ...] | None) -> tuple[RiskConfig, ...] | None:
        """The pool's and each client's risk configuration, read only where threat protection is ENFORCED:
        that is where NO_ACTION everywhere would make it enforced in name only (OMA206)."""
        if pool is None or pool.advanced_security_mode != "ENFORCED":
            self.problems[COGNITO_RISK] = Problem("skipped", "threat protection is not ENFORCED")
            return None
        if clients is None:
            self.problems[COGNITO_RISK] = Problem("error", "needs the app clients, which could not be read")
            return None

        def read() -> tuple[RiskConfig, ...]:
            asked: list[str | None] = [None, *(c.client_id for c in clients)]
            with ThreadPoolExecutor(max_workers=PARALLEL_CALLS, thread_name_prefix="omaudit-risk") as calls:
                return tuple(calls.map(self._risk, asked))
        return self._guard(COGNITO_RISK, read)

    def _risk(self, client_id: str | None) -> RiskConfig:
        params = {"UserPoolId": self.ref.pool_id, **({"ClientId": client_id} if client_id else {})}
        return parse_risk(_d(self._call("DescribeRiskConfiguration", **params).get("RiskConfiguration")), client_id)

    def _client(self, client_id: str) -> AppClient:
        raw = self._call("DescribeUserPoolClient", UserPoolId=self.ref.pool_id, ClientId=client_id)
        return parse_app_client(_d(raw.get("UserPoolClient")))

    def _identity_providers(self) -> tuple[IdentityProvider, ...]:
        return tuple(IdentityProvider(name=str(p.get("ProviderName")), type=_s(p.get("ProviderType")))
                     for p in self._pages("ListIdentityProviders", "Providers", UserPoolId=self.ref.pool_id,
                                          MaxResults=60))


# ---- parsers: DescribeUserPool / DescribeUserPoolClient dicts to typed facts ----------------------

def parse_user_pool(raw: dict[str, Any]) -> UserPool:
    pool_id = raw.get("Id")
    if not isinstance(pool_id, str):
        raise CollectionError("DescribeUserPool answered a pool without an Id")
    policy = _d(_d(raw.get("Policies")).get("PasswordPolicy"))
    schema = tuple(SchemaAttribute(name=str(a["Name"]), required=a.get("Required") is True,
                                   mutable=a.get("Mutable") is not False)
                   for a in raw.get("SchemaAttributes") or [] if isinstance(a, dict) and isinstance(a.get("Name"), str))
    return UserPool(
        id=pool_id, name=_s(raw.get("Name")), arn=_s(raw.get("Arn")), schema=schema,
        auto_verified_attributes=_strs(raw.get("AutoVerifiedAttributes")),
        username_attributes=_strs(raw.get("UsernameAttributes")),
        alias_attributes=_strs(raw.get("AliasAttributes")),
        verify_before_update=_strs(_d(raw.get("UserAttributeUpdateSettings")).get(
            "AttributesRequireVerificationBeforeUpdate")),
        password_policy=PasswordPolicy(
            minimum_length=_i(policy.get("MinimumLength")), require_uppercase=_b(policy.get("RequireUppercase")),
            require_lowercase=_b(policy.get("RequireLowercase")), require_numbers=_b(policy.get("RequireNumbers")),
            require_symbols=_b(policy.get("RequireSymbols")),
            temporary_password_validity_days=_i(policy.get("TemporaryPasswordValidityDays"))) if policy else None,
        mfa_configuration=_s(raw.get("MfaConfiguration")),
        deletion_protection=_s(raw.get("DeletionProtection")),
        advanced_security_mode=_s(_d(raw.get("UserPoolAddOns")).get("AdvancedSecurityMode")),
        allow_admin_create_user_only=_b(_d(raw.get("AdminCreateUserConfig")).get("AllowAdminCreateUserOnly")),
        domain=_s(raw.get("Domain")), custom_domain=_s(raw.get("CustomDomain")),
        estimated_users=_i(raw.get("EstimatedNumberOfUsers")), tier=_s(raw.get("UserPoolTier")),
        issuer_type=_s(_d(raw.get("IssuerConfiguration")).get("Type")),
        first_auth_factors=_strs(_d(_d(raw.get("Policies")).get("SignInPolicy")).get("AllowedFirstAuthFactors")),
        custom_auth_mode=_s(_d(_d(_d(raw.get("UserPoolAddOns")).get("AdvancedSecurityAdditionalFlows"))).get(
            "CustomAuthMode")),
        triggers=_triggers(raw.get("LambdaConfig")),
        account_recovery=_recovery(raw.get("AccountRecoverySetting")),
        case_sensitive=_b(_d(raw.get("UsernameConfiguration")).get("CaseSensitive")),
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
    mechanisms = _d(value).get("RecoveryMechanisms")
    if not isinstance(mechanisms, list):
        return None
    found = [RecoveryOption(priority=m["Priority"], name=m["Name"]) for m in mechanisms
             if isinstance(m, dict) and _i(m.get("Priority")) is not None and isinstance(m.get("Name"), str)]
    return tuple(sorted(found, key=lambda o: o.priority))


def _dcr(value: object) -> DcrConfig | None:
    if not isinstance(value, dict):
        return None
    return DcrConfig(enable_status=_s(value.get("EnableStatus")), open_enabled=_b(value.get("OpenDcrEnabled")),
                     open_grant_types=_strs(value.get("OpenDcrGrantTypes")),
                     allowed_scopes=_strs(value.get("AllowedScopes")))


def parse_domain(raw: dict[str, Any], name: str, *, custom: bool) -> DomainInfo:
    """DescribeUserPoolDomain's DomainDescription (CustomDomainConfig.SecurityPolicy: TLS_V1 |
    TLS_V1_2_2021 | TLS_V1_3_2025, botocore 1.44.8)."""
    return DomainInfo(domain=name, status=_s(raw.get("Status")), custom=custom,
                      security_policy=_s(_d(raw.get("CustomDomainConfig")).get("SecurityPolicy")),
                      managed_login_version=_i(raw.get("ManagedLoginVersion")))


def parse_risk(raw: dict[str, Any], asked: str | None) -> RiskConfig:
    """RiskConfigurationType (botocore 1.44.8): ClientId is present for a client-level configuration."""
    takeover = _d(_d(raw.get("AccountTakeoverRiskConfiguration")).get("Actions"))
    actions = tuple(str(_d(takeover.get(level)).get("EventAction")) for level in ("LowAction", "MediumAction",
                                                                                   "HighAction")
                    if isinstance(_d(takeover.get(level)).get("EventAction"), str))
    compromised = _s(_d(_d(raw.get("CompromisedCredentialsRiskConfiguration")).get("Actions")).get("EventAction"))
    return RiskConfig(asked_client=asked, client_level=isinstance(raw.get("ClientId"), str),
                      compromised_action=compromised, takeover_actions=actions)


def parse_mfa(raw: dict[str, Any]) -> MfaConfig:
    """GetUserPoolMfaConfig. EmailMfaConfigType holds only message templates, so email MFA is on when
    the member is present at all, `{}` included (botocore 1.44.8 model)."""
    webauthn = raw.get("WebAuthnConfiguration")
    webauthn = webauthn if isinstance(webauthn, dict) else None
    return MfaConfig(mfa_configuration=_s(raw.get("MfaConfiguration")),
                     software_token=_d(raw.get("SoftwareTokenMfaConfiguration")).get("Enabled") is True,
                     sms=bool(_d(raw.get("SmsMfaConfiguration")).get("SmsConfiguration")),
                     email=isinstance(raw.get("EmailMfaConfiguration"), dict),
                     webauthn_user_verification=_s(webauthn.get("UserVerification")) if webauthn else None,
                     webauthn_factor=_s(webauthn.get("FactorConfiguration")) if webauthn else None)


def parse_app_client(raw: dict[str, Any]) -> AppClient:
    """Everything but the secret: `ClientSecret` is read only as 'present or not', then dropped."""
    client_id = raw.get("ClientId")
    if not isinstance(client_id, str):
        raise CollectionError("DescribeUserPoolClient answered a client without a ClientId")
    units = _d(raw.get("TokenValidityUnits"))
    return AppClient(
        client_id=client_id, name=_s(raw.get("ClientName")),
        # Secrets Manager-published secrets come back as ClientSecretArn instead (botocore 1.44.8).
        has_secret=bool(raw.get("ClientSecret") or raw.get("ClientSecretArn")),
        read_attributes=_strs(raw.get("ReadAttributes")), write_attributes=_strs(raw.get("WriteAttributes")),
        explicit_auth_flows=_strs(raw.get("ExplicitAuthFlows")),
        supported_identity_providers=_strs(raw.get("SupportedIdentityProviders")),
        callback_urls=_strs(raw.get("CallbackURLs")), logout_urls=_strs(raw.get("LogoutURLs")),
        default_redirect_uri=_s(raw.get("DefaultRedirectURI")),
        allowed_oauth_flows=_strs(raw.get("AllowedOAuthFlows")),
        allowed_oauth_scopes=_strs(raw.get("AllowedOAuthScopes")),
        allowed_oauth_flows_user_pool_client=_b(raw.get("AllowedOAuthFlowsUserPoolClient")),
        prevent_user_existence_errors=_s(raw.get("PreventUserExistenceErrors")),
        enable_token_revocation=_b(raw.get("EnableTokenRevocation")),
        validity=TokenValidity(refresh=_i(raw.get("RefreshTokenValidity")), access=_i(raw.get("AccessTokenValidity")),
                               id=_i(raw.get("IdTokenValidity")), refresh_unit=_s(units.get("RefreshToken")),
                               access_unit=_s(units.get("AccessToken")), id_unit=_s(units.get("IdToken"))),
        client_type=_s(raw.get("ClientType")),
        refresh_rotation=_s(_d(raw.get("RefreshTokenRotation")).get("Feature")),
    )


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


def _d(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _s(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _b(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _i(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _strs(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(v for v in value if isinstance(v, str))
