"""Everything a rule module imports, in one place, so a rule file reads top to bottom."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, TypeVar

from auditor.common.urls import is_loopback_host, loopback_alias, url_host, url_scheme, where_loopback_points
from auditor.engine.catalogue import Params
from auditor.facts.resources import client_name, identity_pool_name, pool_name
from auditor.facts.snapshot import (
    COGNITO_RISK,
    OM_SECURITY_CONFIG,
    REVIEWED_FILES,
    AppClient,
    AuthConfig,
    RiskConfig,
    SecurityConfig,
    Snapshot,
    Unknown,
    UnknownValue,
    UserPool,
)
from auditor.report.model import Outcome, RuleMeta, Severity, Status
from auditor.scan.discovery import names_cognito

T = TypeVar("T")


class MissingInput(LookupError):
    """A rule read an input the engine should have checked for; the engine reports it as ERROR."""


def known(value: T) -> T:
    """The value, or UnknownValue when a file leaves it to deploy time: for identity tests (`is True`,
    `is False`), which an Unknown cannot intercept (every other use of one raises by itself)."""
    if isinstance(value, Unknown):
        raise UnknownValue(value.what)
    return value


def need(value: T | None, what: str = "input") -> T:
    """Narrow an Optional input the rule declared in META.needs."""
    if value is None:
        raise MissingInput(f"{what} is missing")
    return value


# ExplicitAuthFlows that let a user pool's own (local) users sign in; both naming generations.
LOCAL_SIGN_IN_FLOWS = frozenset({"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                 "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH", "USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH",
                                 "CUSTOM_AUTH_FLOW_ONLY"})
# What AWS applies when a client was created without ExplicitAuthFlows.
AWS_DEFAULT_AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")


def pool_issuer(pool_id: str, issuer_type: str | None) -> str:
    """The `iss` of the pool's tokens. IssuerConfiguration.Type UPDATED: issuer-cognito-idp in the
    primary region, which is the pool id's prefix; ORIGINAL or absent: cognito-idp in the same region
    (botocore 1.44.8 IssuerConfigurationType)."""
    region = pool_id.split("_", 1)[0]
    host = "issuer-cognito-idp" if issuer_type == "UPDATED" else "cognito-idp"
    return f"https://{host}.{region}.amazonaws.com/{pool_id}"


def om_resource(snap: Snapshot, path: str) -> str:
    """An OpenMetadata finding's resource: the URL it was read at, or the file (a file scan)."""
    return f"{snap.target.om_url}{path}" if snap.target.om_url else path


def pool_resource(snap: Snapshot) -> str:
    pool = snap.cognito.user_pool
    ref = snap.cognito.ref
    return pool_name(pool.id if pool else ref.pool_id if ref else None)


def client_resource(snap: Snapshot, client: AppClient) -> str:
    pool = snap.cognito.user_pool
    ref = snap.cognito.ref
    return client_name(pool.id if pool else ref.pool_id if ref else None, client.client_id)


def client_tags(snap: Snapshot, client: AppClient) -> dict[str, object]:
    """Evidence every per-client finding carries: which client, and whether OpenMetadata signs in with it."""
    ref = snap.cognito.ref
    return {"client_name": client.name, "openmetadata_client": ref is not None and ref.client_id == client.client_id}


def effective_auth_flows(client: AppClient) -> tuple[str, ...]:
    """ExplicitAuthFlows, or what AWS applies when the client was created without them."""
    return client.explicit_auth_flows if client.explicit_auth_flows is not None else AWS_DEFAULT_AUTH_FLOWS


ADMIN_SCOPE = "aws.cognito.signin.user.admin"


def attribute_update_paths(client: AppClient) -> list[str]:
    """How a user of this client gets an access token that may call UpdateUserAttributes: SDK sign-in
    of local users, or OAuth with the admin scope (OMA305, OMA117)."""
    idps = client.supported_identity_providers
    federated = bool(idps) and "COGNITO" not in (idps or ())
    paths = []
    if not federated and LOCAL_SIGN_IN_FLOWS & set(effective_auth_flows(client)):
        paths.append("SDK sign-in of local users")
    if ADMIN_SCOPE in (client.allowed_oauth_scopes or ()) and client.allowed_oauth_flows_user_pool_client:
        paths.append(f"OAuth scope {ADMIN_SCOPE}")
    return paths


def first_factors(pool: UserPool) -> tuple[str, ...]:
    """Policies.SignInPolicy.AllowedFirstAuthFactors; absent means PASSWORD only (AWS CDK SignInPolicy:
    "default: Password only"; the API model states none)."""
    return pool.first_auth_factors if pool.first_auth_factors is not None else ("PASSWORD",)


def federated_only(snap: Snapshot) -> str | None:
    """The reason local-user controls do not apply, or None when local users can sign in.

    A pool is federated-only when it has an external identity provider and no app client offers the
    Cognito directory (SupportedIdentityProviders) or a password-type API flow (ExplicitAuthFlows,
    read as the AWS default when absent).
    """
    clients = snap.cognito.clients or ()
    idps = snap.cognito.identity_providers or ()
    if not idps or not clients:
        return None
    left: UnknownValue | None = None  # one client known to sign local users in decides, whatever else is unknown
    for client in clients:
        for local in (_offers_directory, _offers_password_flow):
            try:
                if local(client):
                    return None
            except UnknownValue as unknown:
                left = left or unknown
    if left is not None:
        raise left
    names = ", ".join(sorted(i.name for i in idps))
    return f"federated-only pool: users sign in only through {names}; local-user controls do not apply"


def _offers_directory(client: AppClient) -> bool:
    return "COGNITO" in (client.supported_identity_providers or ())


def _offers_password_flow(client: AppClient) -> bool:
    return bool(LOCAL_SIGN_IN_FLOWS & set(effective_auth_flows(client)))


def om_callback(snap: Snapshot) -> tuple[str, str | None, Outcome | None]:
    """(the field OpenMetadata redirects to, its value, an outcome for when it cannot be judged).

    A public client's redirect is the public auth config's `callbackUrl`. A confidential client's code
    flow uses `oidcConfiguration.callbackUrl` instead (AuthenticationCodeFlowHandler); the public
    `callbackUrl` is then empty by default and unused. That value is readable only at
    GET /api/v1/system/security/config, with an admin token: without one the rule is SKIPPED, and
    when the read failed it is ERROR (the resource is filled in by `blocked_by`).
    """
    auth = need(snap.om.auth_config, "om.auth_config")
    if (auth.client_type or "").lower() != "confidential":
        return "callbackUrl", (auth.callback_url or "").strip() or None, None
    field = "oidcConfiguration.callbackUrl"
    security, unknown = om_security(snap, f"a confidential client's redirect ({field})")
    if security is None:
        return field, None, unknown
    return field, (security.oidc_callback_url or "").strip() or None, None


def om_security(snap: Snapshot, what: str) -> tuple[SecurityConfig | None, Outcome | None]:
    """GET /system/security/config, or the outcome for a rule that needs `what` from it: SKIPPED
    without an admin token or on a release without the endpoint, ERROR when the read failed."""
    security = snap.om.security_config
    if security is None:
        problem = snap.problem(OM_SECURITY_CONFIG)
        why = problem.reason if problem else "not collected"
        if problem is not None and problem.kind == "error":
            return None, Outcome(Status.ERROR, "", f"could not read {what}: {why}")
        return None, Outcome(Status.SKIPPED, "", f"{what} is readable only with an admin token ({why})")
    if not security.served:
        return None, Outcome(Status.SKIPPED, "", f"{what} is not served by this release")
    return security, None


# JWKS hosts of public identity providers: with one in publicKeyUrls, any account's token verifies (OMA118).
PUBLIC_KEY_HOSTS = {"www.googleapis.com": "Google", "login.microsoftonline.com": "Microsoft Entra ID",
                    "appleid.apple.com": "Apple", "token.actions.githubusercontent.com": "GitHub Actions"}


def admin_view_failed(snap: Snapshot) -> str | None:
    """Why GET /system/security/config failed, when it did (an ERROR, never a SKIPPED: the read was
    attempted with an admin token and went wrong)."""
    problem = snap.problems.get(OM_SECURITY_CONFIG)  # as recorded: a file scan never read it
    return problem.reason if problem is not None and problem.kind == "error" else None


def configured_key_urls(snap: Snapshot, auth: AuthConfig) -> tuple[tuple[str, ...] | None, str]:
    """publicKeyUrls and where they were read, or None and why they are unknown. An admin's security
    config has them whole; /system/config/auth serves them on some releases only, and an empty list
    there is the schema's default, not the configuration (docs/research/issue-23-attack-paths.md)."""
    security = snap.om.security_config
    if security is not None and security.served and security.public_key_urls is not None:
        return security.public_key_urls, security.path
    if snap.target.om_url is None:
        if auth.public_key_urls is None:
            return None, "publicKeyUrls is not set in the files given"
        return auth.public_key_urls, auth.path
    if auth.public_key_urls:
        return auth.public_key_urls, auth.path
    return None, ("this release does not show publicKeyUrls to anonymous callers; an admin token (--om-token) "
                  "reads them from /api/v1/system/security/config")


def blocked_by(outcome: Outcome, resource: str) -> Outcome:
    """`outcome` (from om_callback) for `resource`."""
    return Outcome(outcome.status, resource, outcome.message)


def om_cognito(snap: Snapshot) -> tuple[str, AuthConfig, str | None]:
    """For cross-checks: (resource, OpenMetadata's auth config, reason to skip or None)."""
    auth = need(snap.om.auth_config, "om.auth_config")
    resource = om_resource(snap, auth.path)
    if not names_cognito(auth):
        return resource, auth, f"OpenMetadata's provider is {auth.provider}, and its authority is no Cognito pool"
    return resource, auth, None


def om_app_client(snap: Snapshot, auth: AuthConfig) -> AppClient | None:
    """The app client named by OpenMetadata's clientId, if the audited pool has it. A file scan knows no
    client id before the client is created: there OpenMetadata's client is the pool's only client, or
    the only one with the OAuth code flow on (else none: the cross-checks are SKIPPED)."""
    wanted = (auth.client_id or "").strip()
    clients = snap.cognito.clients or ()
    named = next((c for c in clients if c.client_id == wanted), None)
    # Ids are unknown before the clients exist: a plan or template names them by address or logical id,
    # never in the 26 lowercase letters and digits of a real one (a state, or an update plan, has those).
    ids_unknown = bool(clients) and not any(re.fullmatch(r"[a-z0-9]{26}", c.client_id) for c in clients)
    if named is not None or snap.target.om_url is not None or not ids_unknown:
        return named
    oauth = [c for c in clients if c.allowed_oauth_flows_user_pool_client and "code" in (c.allowed_oauth_flows or ())]
    return clients[0] if len(clients) == 1 else oauth[0] if len(oauth) == 1 else None


def om_cognito_client(snap: Snapshot) -> tuple[str, AuthConfig, AppClient | None, str | None]:
    """For checks of OpenMetadata's own app client: (resource, auth config, client, reason to skip or None)."""
    resource, auth, skip = om_cognito(snap)
    need(snap.cognito.clients, "cognito.clients")
    client = None if skip else om_app_client(snap, auth)
    if skip is None and client is None:
        skip = "OpenMetadata's client is not in the pool (see OMA402)"
    return resource, auth, client, skip


def each_client(snap: Snapshot) -> Iterator[tuple[AppClient, str, dict[str, object]]]:
    """Every app client of the pool with its resource and the evidence every per-client finding carries."""
    for client in need(snap.cognito.clients):
        yield client, client_resource(snap, client), client_tags(snap, client)


def local_users_pool(snap: Snapshot, meta: RuleMeta) -> tuple[UserPool, str, Outcome | None]:
    """For checks of local users' sign-in: (the pool, its resource, SKIPPED when it is federated-only)."""
    pool = need(snap.cognito.user_pool)
    resource = pool_resource(snap)
    reason = federated_only(snap)
    return pool, resource, meta.skipped(resource, reason) if reason else None


def om_callback_judged(snap: Snapshot, meta: RuleMeta) -> tuple[str, str, str, Outcome | None]:
    """For checks of OpenMetadata's own callback URL: (resource, field, URL, the outcome that ends the
    check when the URL is decided only at deploy or not configured)."""
    auth = need(snap.om.auth_config)
    resource = om_resource(snap, auth.path)
    field, url, unknown = om_callback(snap)
    if unknown:
        return resource, field, "", blocked_by(unknown, resource)
    if not url:
        return resource, field, "", meta.skipped(resource, f"no {field} is configured (provider {auth.provider})")
    return resource, field, url, None


class ClientCallback(NamedTuple):
    """OpenMetadata's callback and its own app client, for the checks that compare them."""

    resource: str
    client: AppClient | None
    field: str
    url: str | None
    stop: Outcome | None  # ends the check: no client to judge, or a callback decided only at deploy


def om_client_callback(snap: Snapshot, meta: RuleMeta) -> ClientCallback:
    resource, _, client, skip = om_cognito_client(snap)
    field, callback, unknown = om_callback(snap)
    if skip or client is None:
        return ClientCallback(resource, None, field, callback, meta.skipped(resource, skip or "no client"))
    if unknown:
        return ClientCallback(resource, client, field, callback, blocked_by(unknown, resource))
    return ClientCallback(resource, client, field, callback, None)


__all__ = [
    "ADMIN_SCOPE",
    "COGNITO_RISK",
    "LOCAL_SIGN_IN_FLOWS",
    "PUBLIC_KEY_HOSTS",
    "REVIEWED_FILES",
    "AppClient",
    "AuthConfig",
    "Callable",
    "Iterable",
    "Outcome",
    "Params",
    "RiskConfig",
    "RuleMeta",
    "Severity",
    "Snapshot",
    "Status",
    "UnknownValue",
    "admin_view_failed",
    "attribute_update_paths",
    "blocked_by",
    "client_resource",
    "client_tags",
    "configured_key_urls",
    "each_client",
    "effective_auth_flows",
    "federated_only",
    "first_factors",
    "identity_pool_name",
    "is_loopback_host",
    "local_users_pool",
    "loopback_alias",
    "need",
    "om_callback",
    "om_callback_judged",
    "om_client_callback",
    "om_security",
    "pool_issuer",
    "pool_name",
    "pool_resource",
    "url_host",
    "url_scheme",
    "where_loopback_points",
]
