"""Collects a Cognito user pool and its app clients into CognitoFacts, read-only.

boto3 resolves the credentials and the endpoint; the reads themselves are sent by
auditor.sources.cognito.reads, which knows only the audit's own read operations (an allowlist,
READ_OPERATIONS; a botocore `before-call` hook refuses the rest on the clients too). Each call is
collected on its own; AccessDenied on one call makes only the rules that need that call ERROR,
naming the missing IAM action. Client secrets are dropped here, at collection.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

import botocore
import botocore.config
import botocore.exceptions
import botocore.session

from auditor.common.errors import Cause, CollectionError, InputError, OmauditError
from auditor.common.redact import cut, register
from auditor.common.untrusted import clean_text
from auditor.facts.snapshot import (
    COGNITO_CLIENTS,
    COGNITO_DOMAIN,
    COGNITO_IDENTITY_POOLS,
    COGNITO_IDPS,
    COGNITO_MFA,
    COGNITO_POOL,
    COGNITO_RISK,
    COGNITO_WAF,
    AppClient,
    CognitoFacts,
    DomainInfo,
    IdentityPool,
    IdentityProvider,
    MfaConfig,
    PoolRef,
    Problem,
    RiskConfig,
    UserPool,
    WebAcl,
)
from auditor.sources.cognito import transport as aws_transport
from auditor.sources.cognito.parsers import (
    dict_of,
    parse_app_client,
    parse_domain,
    parse_identity_pool,
    parse_mfa,
    parse_risk,
    parse_user_pool,
    parse_web_acl,
    provider_name,
    str_of,
)
from auditor.sources.cognito.reads import MAX_ATTEMPTS, SERVICE_READS, THROTTLING, ReadClient, WriteRefused, refuse
from auditor.sources.guard import guarded
from auditor.sources.threads import Pool, side_by_side

T = TypeVar("T")

MAX_IDENTITY_POOLS = 1000  # identity pools of the account and region read per target
TARGET_BUDGET = 120.0  # wall time for all Cognito calls of one target, as on the OpenMetadata side
MESSAGE_CHARS = 200  # of an AWS error message kept in a finding
PARALLEL_CALLS = 4  # calls in flight to one pool at once
MAX_CLIENTS = 1000  # app clients described per pool
# One client serves every target in the same account, region and endpoint: its connection pool must
# hold a fleet's calls in flight (--concurrency targets x PARALLEL_CALLS), or urllib3 discards and
# reopens connections.
MAX_POOL_CONNECTIONS = 256
CREDENTIAL_ERRORS = frozenset({"UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException",
                               "ExpiredTokenException", "SignatureDoesNotMatch", "AuthFailure"})
ACCESS_DENIED = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})


@dataclass(frozen=True)
class AwsOptions:
    region: str
    profile: str | None = None
    endpoint_url: str | None = None


def refuse_writes(model: Any, **_: Any) -> None:
    """botocore before-call hook: only the operations in SERVICE_READS may be sent, should anything call
    a botocore client directly (omaudit's own reads go through auditor.sources.cognito.reads)."""
    service = str(getattr(getattr(model, "service_model", None), "service_name", "cognito-idp"))
    refuse(service, str(getattr(model, "name", "")))


_clients: dict[tuple[str | None, str, str | None, str], Any] = {}
_reads: dict[tuple[str | None, str, str | None, str], ReadClient] = {}
# One botocore Session per profile: its loader caches the service model. botocore's own, not boto3's:
# boto3's imports s3transfer, about 90 ms of a scan's start-up for nothing omaudit uses.
_sessions: dict[str | None, botocore.session.Session] = {}
_warmed: set[str | None] = set()
_clients_lock = threading.Lock()
# A forked fleet worker must not share the parent's pooled connections: it builds its own clients.
os.register_at_fork(after_in_child=_clients.clear)
os.register_at_fork(after_in_child=_reads.clear)


def _session(profile: str | None) -> botocore.session.Session:
    """The profile's Session (call with the lock held: Sessions are not thread-safe)."""
    if profile not in _sessions:
        try:
            session = botocore.session.Session(profile=profile)
            session.get_scoped_config()  # a profile that is not configured is refused here, as boto3 did
            _sessions[profile] = session
        except botocore.exceptions.ProfileNotFound:
            raise InputError(f"AWS profile {profile!r} is not configured") from None
    return _sessions[profile]


def check_profile(profile: str) -> None:
    """InputError now, before anything is sent, when the named AWS profile is not configured."""
    with _clients_lock:
        _session(profile)


def _config() -> botocore.config.Config:
    """`total_max_attempts` counts the first request; `max_attempts` would count retries only (botocore
    Config docs, "retries"; botocore/config.py), which sent 4 requests per failing call. No parameter
    validation: omaudit builds every request's parameters itself (ids from the snapshot or the checked
    plan), and validating them again cost about 0.1 ms of CPU per call (issue 19's profile); a value
    Cognito refuses is still Cognito's error, reported as the read's ERROR."""
    return botocore.config.Config(retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS}, connect_timeout=5,
                                  read_timeout=20, user_agent_extra="omaudit",
                                  max_pool_connections=MAX_POOL_CONNECTIONS, parameter_validation=False)


def cognito_client(options: AwsOptions, service: str = "cognito-idp") -> Any:
    """One guarded client per (profile, region, endpoint, service), created under a lock (Sessions are
    not thread-safe)."""
    key = (options.profile, options.region, options.endpoint_url, service)
    with _clients_lock:
        if key in _clients:
            return _clients[key]
        session = _session(options.profile)
        try:
            client: Any = session.create_client(service, region_name=options.region,
                                                endpoint_url=options.endpoint_url, config=_config())
        except ValueError as exc:
            raise InputError(f"--aws-endpoint-url is not usable: {exc}") from None
        client.meta.events.register("before-call", refuse_writes)
        ca_bundle = session.get_config_variable("ca_bundle")
        client.meta.events.register(f"before-send.{client.meta.service_model.service_id.hyphenize()}",
                                    aws_transport.handler(ca_bundle))
        _register_credentials(session)
        _clients[key] = client
        return client


def read_client(options: AwsOptions, service: str = "cognito-idp") -> ReadClient:
    """The reads of `service` for these options: botocore's client gives the endpoint, the session the
    credentials (the client's creation resolved and registered them), omaudit sends."""
    key = (options.profile, options.region, options.endpoint_url, service)
    reads = _reads.get(key)
    if reads is None:
        client = cognito_client(options, service)
        with _clients_lock:
            session = _session(options.profile)
            verify = aws_transport.tls_verify(session.get_config_variable("ca_bundle"))
            reads = _reads.setdefault(key, ReadClient(client, session.get_credentials(), verify))
    return reads


def warm_up(profile: str | None) -> None:
    """Load botocore's models and endpoint rules of the three services read (cognito-idp, wafv2,
    cognito-identity) before they are needed.

    Run in the background while OpenMetadata answers: the first client otherwise costs ~100 ms of
    model loading on the target's critical path. A fleet runs it once, before its workers are forked:
    they share the loaded models (each loaded wafv2's and cognito-identity's for itself, about 40 ms).
    Sends nothing, and resolves no credentials (the throw-away clients get placeholder keys, so a
    target without Cognito never waits on the credential chain or instance metadata); any problem is
    left for the real call to report.
    """
    with _clients_lock:
        if profile in _warmed:
            return
        _warmed.add(profile)
        for service in SERVICE_READS:
            try:
                _session(profile).create_client(service, region_name="us-east-1", config=_config(),
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


def describe_error(operation: str, exc: Exception, service: str = "cognito-idp") -> tuple[str, Cause]:
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
            return f"AccessDenied: missing IAM permission {service}:{operation}", Cause.DENIED
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

    def _call(self, operation: str, service: str = "cognito-idp", **params: Any) -> dict[str, Any]:
        """One read, within the target's budget; its answer cleaned and redacted where it enters.

        Whatever a hostile endpoint's answer makes fail is this call's CollectionError; everything else
        (WriteRefused included) goes on up.
        """
        try:
            with aws_transport.budget(self.until):
                return read_client(self.aws, service).call(operation, params)
        except InputError as exc:
            raise CollectionError(str(exc), Cause.CREDENTIALS) from None
        except WriteRefused:
            raise
        except CollectionError as exc:
            raise CollectionError(f"{operation}: {exc}", exc.cause) from None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise CollectionError(*describe_error(operation, exc, service)) from None
        except Exception as exc:  # noqa: BLE001 - a hostile answer must stay this call's error (see docstring)
            raise CollectionError(f"{operation}: the answer could not be parsed ({type(exc).__name__})") from None

    def _pages(self, operation: str, key: str, service: str = "cognito-idp", **params: Any
               ) -> Iterator[dict[str, Any]]:
        token: str | None = None
        for _ in range(100):
            page = self._call(operation, service, **params, **({"NextToken": token} if token else {}))
            yield from (x for x in page.get(key) or [] if isinstance(x, dict))
            token = page.get("NextToken")
            if not token:
                return
        raise CollectionError(f"{operation}: more than 100 pages; stopped")

    def _guard(self, key: str, fn: Callable[[], T]) -> T | None:
        return guarded(self.problems, key, fn)

    def collect(self, calls: Executor | None = None) -> tuple[CognitoFacts, dict[str, Problem]]:
        """The pool, MFA, clients, identity providers and identity pools are read side by side; the
        domain and web ACL wait for the pool, and the risk configurations (ENFORCED pools only) for the
        clients too.

        `calls` runs the four reads (it needs PARALLEL_CALLS workers besides this one's own thread);
        without it the collector uses a pool of its own.
        """
        if calls is None:
            with Pool(max_workers=PARALLEL_CALLS) as own:
                return self._collect(own)
        return self._collect(calls)

    def _collect(self, calls: Executor) -> tuple[CognitoFacts, dict[str, Problem]]:
        pool_read = calls.submit(self._guard, COGNITO_POOL, self._user_pool)
        mfa = calls.submit(self._guard, COGNITO_MFA, self._mfa)
        clients = calls.submit(self._guard, COGNITO_CLIENTS, self._clients)
        idps = calls.submit(self._guard, COGNITO_IDPS, self._identity_providers)
        identity_pools = calls.submit(self._guard, COGNITO_IDENTITY_POOLS, self._identity_pools)
        pool = pool_read.result()
        if pool is None and self._fatal(self.problems[COGNITO_POOL]):
            # The pool does not exist or the credentials are refused: that is the one reason to give.
            for other in (mfa, clients, idps, identity_pools):
                other.result()
            for key in (COGNITO_MFA, COGNITO_DOMAIN, COGNITO_CLIENTS, COGNITO_IDPS, COGNITO_RISK, COGNITO_WAF,
                        COGNITO_IDENTITY_POOLS):
                self.problems[key] = self.problems[COGNITO_POOL]
            return CognitoFacts(ref=self.ref), dict(sorted(self.problems.items()))
        # What waits for the pool is read side by side too: the domain and the web ACL (each one call,
        # waiting on nothing else) on `calls`, the risk configurations (which also wait for the clients)
        # here. One after the other they made the longest chain of a scan 6 round trips, not 4.
        domain = calls.submit(self._domain, pool)
        web_acl = calls.submit(self._web_acl, pool)
        listed = clients.result()
        risks = self._risks(pool, listed)
        facts = CognitoFacts(ref=self.ref, user_pool=pool, mfa=mfa.result(), domain=domain.result(),
                             clients=listed, identity_providers=idps.result(), risk_configurations=risks,
                             web_acl=web_acl.result(), identity_pools=identity_pools.result())
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
            raw = dict_of(self._call("DescribeUserPoolDomain", Domain=name).get("DomainDescription"))
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
        return tuple(side_by_side(self._client, ids, PARALLEL_CALLS))

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
            return tuple(side_by_side(self._risk, asked, PARALLEL_CALLS))
        return self._guard(COGNITO_RISK, read)

    def _risk(self, client_id: str | None) -> RiskConfig:
        params = {"UserPoolId": self.ref.pool_id, **({"ClientId": client_id} if client_id else {})}
        answer = self._call("DescribeRiskConfiguration", **params)
        return parse_risk(dict_of(answer.get("RiskConfiguration")), client_id)

    def _client(self, client_id: str) -> AppClient:
        raw = self._call("DescribeUserPoolClient", UserPoolId=self.ref.pool_id, ClientId=client_id)
        return parse_app_client(dict_of(raw.get("UserPoolClient")))

    def _web_acl(self, pool: UserPool | None) -> WebAcl | None:
        """The WAF web ACL on the pool's ARN (DescribeUserPool's Arn)."""
        if pool is None or not pool.arn:
            self.problems[COGNITO_WAF] = Problem("error", "needs the user pool's ARN (DescribeUserPool), "
                                                          "which could not be read")
            return None
        arn = pool.arn
        return self._guard(COGNITO_WAF, lambda: parse_web_acl(self._call("GetWebACLForResource", "wafv2",
                                                                          ResourceArn=arn)))

    def _identity_pools(self) -> tuple[IdentityPool, ...]:
        """Every identity pool of the account and region whose providers name this user pool, with its
        role mappings. Bounded by MAX_IDENTITY_POOLS: more is an ERROR, not a judgement on a sample."""
        ids = [str(p["IdentityPoolId"]) for p in self._pages("ListIdentityPools", "IdentityPools", "cognito-identity",
                                                              MaxResults=60)
               if isinstance(p.get("IdentityPoolId"), str)]
        ids = list(dict.fromkeys(ids))
        if len(ids) > MAX_IDENTITY_POOLS:
            raise CollectionError(f"ListIdentityPools: more than {MAX_IDENTITY_POOLS} identity pools; not all "
                                  "were read", Cause.BAD_ANSWER)
        trusted = provider_name(self.aws.region, self.ref.pool_id)
        found = side_by_side(lambda i: self._identity_pool(i, trusted), ids, PARALLEL_CALLS)
        return tuple(p for p in found if p is not None)

    def _identity_pool(self, identity_pool_id: str, trusted: str) -> IdentityPool | None:
        raw = self._call("DescribeIdentityPool", "cognito-identity", IdentityPoolId=identity_pool_id)
        if parse_identity_pool(raw, trusted, None) is None:
            return None
        try:
            roles = self._call("GetIdentityPoolRoles", "cognito-identity", IdentityPoolId=identity_pool_id)
        except CollectionError as exc:  # what DescribeIdentityPool said is still judged
            found = parse_identity_pool(raw, trusted, None)
            return dataclasses.replace(found, roles_error=str(exc)) if found is not None else None
        return parse_identity_pool(raw, trusted, roles)

    def _identity_providers(self) -> tuple[IdentityProvider, ...]:
        return tuple(IdentityProvider(name=str(p.get("ProviderName")), type=str_of(p.get("ProviderType")))
                     for p in self._pages("ListIdentityProviders", "Providers", UserPoolId=self.ref.pool_id,
                                          MaxResults=60))
