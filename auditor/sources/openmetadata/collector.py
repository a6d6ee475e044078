"""Collects OpenMetadata's security surface into OMFacts, over its REST API.

Unauthenticated reads always run; admin reads run with a token; probes run only with --active.
Every input is collected on its own: one failing endpoint becomes a Problem for that input only.
Response shapes follow SECURITY-SURFACE.md (sections 3-9); parsing is tolerant, never trusting.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar
from urllib.parse import quote

from auditor.common.errors import Cause, CollectionError, OmauditError, TargetError
from auditor.common.urls import parse_om_url
from auditor.facts import om_defaults
from auditor.facts.snapshot import (
    OM_ADMIN_USER,
    OM_ADMIN_USERS,
    OM_ANONYMOUS,
    OM_AUTH_CONFIG,
    OM_AUTHORIZER,
    OM_BOTS,
    OM_JWKS,
    OM_LOGIN_PROBE,
    OM_SECURITY_CONFIG,
    OM_TOKEN_PROBE,
    AdminAccount,
    AuthConfig,
    AuthorizerConfig,
    BotInfo,
    JwkKey,
    Jwks,
    OMFacts,
    ProbeResult,
    Problem,
    SecurityConfig,
    UserInfo,
    VersionInfo,
)
from auditor.scan.target import OMRequest
from auditor.sources.guard import guarded
from auditor.sources.openmetadata.http import HttpAnswer, ReadOnlyClient
from auditor.sources.threads import Pool

T = TypeVar("T")

# The two path generations (SECURITY-SURFACE.md 3.1, 3.3, 3.6): ~1.0+ and <=0.13.
RECENT = "/api/v1/system"
LEGACY = "/api/v1"
PAGE_LIMIT = 100
MAX_PAGES = 50
MAX_BOTS = 200
MAX_ITEMS = 2000  # users kept from one paged endpoint (admins); bots stop at MAX_BOTS
PARALLEL_CALLS = 8  # requests in flight to one target at once

LOCKED_MARKER = "Failed Login Attempts Exceeded"


class OpenMetadataCollector:
    def __init__(self, options: OMRequest) -> None:
        self.options = options
        verify = "off" if options.verify is False else "on" if options.verify is True else "custom-ca"
        self.endpoint = dataclasses.replace(parse_om_url(options.url), tls_verify=verify)
        self.client = ReadOnlyClient(self.endpoint.url, options.token, options.verify)
        self.problems: dict[str, Problem] = {}
        self.prefix = RECENT
        self._pool: Executor | None = None  # collect()'s pool, while it runs

    def collect(self, on_auth_config: Callable[[AuthConfig | None], None] | None = None
                ) -> tuple[OMFacts, dict[str, Problem]]:
        """Raises TargetError when the target is unreachable or is not OpenMetadata.

        `on_auth_config` is called as soon as the auth config is read (None if it failed), before
        the other reads finish: Cognito discovery needs only that, so it need not wait for the rest.
        """
        try:
            version = self._identify()
            # After identification the reads are independent: they run side by side on one pooled
            # session, so a target costs the longest chain of dependent calls, not their sum. Only the
            # login probe waits, for the authorizer's principal domain.
            with Pool(max_workers=PARALLEL_CALLS) as pool:
                self._pool = pool
                auth = pool.submit(self._auth_config_then, on_auth_config)
                authorizer = pool.submit(self._guard, OM_AUTHORIZER, self._authorizer)
                jwks = pool.submit(self._guard, OM_JWKS, self._jwks)
                anonymous = pool.submit(self._guard, OM_ANONYMOUS, self._anonymous_access)
                admin_user = pool.submit(self._with_token, OM_ADMIN_USER, self._admin_user)
                admin_users = pool.submit(self._with_token, OM_ADMIN_USERS, self._admin_users)
                bots = pool.submit(self._with_token, OM_BOTS, self._bots)
                security = pool.submit(self._with_token, OM_SECURITY_CONFIG, self._security_config)
                # Without --active the probe is only SKIPPED: said here, not handed to another thread.
                token_probe = (pool.submit(self._active, OM_TOKEN_PROBE, self._token_probe) if self.options.active
                               else None)
                login_probe = self._active(OM_LOGIN_PROBE, lambda: self._login_probe(authorizer.result(),
                                                                                    admin_user.result()))
                facts = OMFacts(
                    endpoint=self.endpoint, version=version, auth_config=auth.result(),
                    authorizer=authorizer.result(), jwks=jwks.result(), anonymous_access=anonymous.result(),
                    admin_user=admin_user.result(), admin_users=admin_users.result(), bots=bots.result(),
                    login_probe=login_probe, security_config=security.result(),
                    token_probe=(token_probe.result() if token_probe is not None
                                 else self._active(OM_TOKEN_PROBE, self._token_probe)),
                )
        finally:
            self.client.close()
        return facts, dict(sorted(self.problems.items()))

    # ---- plumbing -------------------------------------------------------------------------

    def _guard(self, key: str, fn: Callable[[], T]) -> T | None:
        return guarded(self.problems, key, fn, any_error=True)

    def _with_token(self, key: str, fn: Callable[[], T]) -> T | None:
        if not self.client.has_token:
            self.problems[key] = Problem(
                "skipped", "needs an OpenMetadata admin token (OMAUDIT_OM_TOKEN or --om-token-file)")
            return None
        return self._guard(key, fn)

    def _active(self, key: str, fn: Callable[[], T]) -> T | None:
        if not self.options.active:
            self.problems[key] = Problem("skipped", "active probe: runs only with --active")
            return None
        return self._guard(key, fn)

    def _get_json(self, path: str, *, auth: bool = False) -> dict[str, Any]:
        answer = self.client.get(path, auth=auth)
        if answer.status != 200:
            raise CollectionError(_describe(answer), _token_cause(answer) if auth else Cause.BAD_ANSWER)
        return answer.json_object()

    # ---- unauthenticated surface ----------------------------------------------------------

    def _identify(self) -> VersionInfo:
        """Version, trying both path generations; also proves the target is OpenMetadata.

        Any failure here means the target cannot be audited at all: TargetError.
        """
        try:
            return self._version()
        except CollectionError as exc:
            raise TargetError(f"{self.endpoint.url} could not be identified as OpenMetadata: {exc}") from None

    def _version(self) -> VersionInfo:
        recent = self.client.get(f"{RECENT}/version")
        found = _version_body(recent)
        self.prefix = RECENT + "/config"
        if found is None:
            legacy = self.client.get(f"{LEGACY}/version")
            found = _version_body(legacy)
            self.prefix = LEGACY + "/config"
        if found is None:
            kind = "an HTML page" if b"<html" in recent.body[:2048].lower() else "no version"
            raise TargetError(f"{self.endpoint.url} does not look like OpenMetadata: GET {RECENT}/version "
                              f"answered HTTP {recent.status} with {kind}")
        return found

    def _auth_config_then(self, notify: Callable[[AuthConfig | None], None] | None) -> AuthConfig | None:
        auth = self._guard(OM_AUTH_CONFIG, self._auth_config)
        if notify is not None:
            notify(auth)
        return auth

    def _auth_config(self) -> AuthConfig:
        path = f"{self.prefix}/auth"
        return parse_auth_config(self._get_json(path), path)

    def _authorizer(self) -> AuthorizerConfig:
        path = f"{self.prefix}/authorizer"
        return parse_authorizer(self._get_json(path), path)

    def _jwks(self) -> Jwks:
        path = f"{self.prefix}/jwks"
        return parse_jwks(self._get_json(path), path)

    def _anonymous_access(self) -> ProbeResult:
        """A protected read without any token: 401 is right; 200 means authentication is off."""
        path = "/api/v1/users?limit=1"
        answer = self.client.get(path)
        accepted = answer.status == 200 and _has_data_list(answer)
        outcome = "accepted" if accepted else ("refused" if answer.status in (401, 403) else "unexpected")
        if outcome == "unexpected":
            raise CollectionError(f"GET {path} without a token: {_describe(answer)}")
        return ProbeResult(endpoint=path, account=None, http_status=answer.status, outcome=outcome,
                           message=answer.message())

    # ---- admin surface (token) ------------------------------------------------------------

    def _admin_user(self) -> AdminAccount:
        """The shipped admin, soft-deleted included: `include` defaults to non-deleted, and a
        soft-deleted account can be restored (UserResource.getByName)."""
        path = f"/api/v1/users/name/{om_defaults.DEFAULT_ADMIN_NAME}?include=all"
        answer = self.client.get(path, auth=True)
        if answer.status == 404:
            return AdminAccount(exists=False, user=None)
        if answer.status != 200:
            raise CollectionError(_describe(answer), _token_cause(answer))
        return AdminAccount(exists=True, user=parse_user(answer.json_object()))

    def _security_config(self) -> SecurityConfig:
        path = "/api/v1/system/security/config"
        answer = self.client.get(path, auth=True)
        if answer.status in (404, 405):
            return SecurityConfig(path=path, served=False)
        if answer.status != 200:
            raise CollectionError(_describe(answer), _token_cause(answer))
        return parse_security_config(answer.json_object(), path)

    def _admin_users(self) -> tuple[UserInfo, ...]:
        return tuple(parse_user(u) for u in self._pages("/api/v1/users?isAdmin=true"))

    def _bots(self) -> tuple[BotInfo, ...]:
        raws = self._pages("/api/v1/bots", MAX_BOTS)
        # The bots' reads share the target's pool: `_bots` is the only task there that waits on others,
        # so the other workers are always free to run them.
        return tuple(self._pool.map(self._bot, raws) if self._pool else map(self._bot, raws))

    def _bot(self, raw: dict[str, Any]) -> BotInfo:
        """One bot's token expiry; a failure is recorded on that bot only."""
        name = _str(raw.get("name")) or "?"
        ref = _obj(raw.get("botUser"))
        user_id = _str(ref.get("id"))
        user_name = _str(ref.get("name"))
        try:
            if not user_id and user_name:
                user_id = _str(self._get_json(f"/api/v1/users/name/{quote(user_name)}", auth=True).get("id"))
            if not user_id:
                raise CollectionError(f"bot {name} has no bot user")
            mech = self._get_json(f"/api/v1/users/auth-mechanism/{quote(user_id)}", auth=True)
        except OmauditError as exc:
            return BotInfo(name, user_name, None, None, None, error=str(exc))
        config = _obj(mech.get("config"))
        # JWTToken is a secret: only whether it is empty is read (UserResource.revokeToken stores
        # JWTAuthMechanism().withJWTToken(""), without an expiry).
        expires = config.get("JWTTokenExpiresAt")
        return BotInfo(name=name, bot_user=user_name, auth_type=_str(mech.get("authType")),
                       token_expiry=_str(config.get("JWTTokenExpiry")),
                       expires_at=expires if isinstance(expires, int) and not isinstance(expires, bool) else None,
                       revoked=config.get("JWTToken") == "")

    def _pages(self, path: str, max_items: int = MAX_ITEMS) -> list[dict[str, Any]]:
        """Follow `paging.after` cursors (SECURITY-SURFACE.md 9.1), bounded in pages and in items kept."""
        items: list[dict[str, Any]] = []
        sep = "&" if "?" in path else "?"
        after: str | None = None
        for _ in range(MAX_PAGES):
            page = path + f"{sep}limit={PAGE_LIMIT}" + (f"&after={quote(after)}" if after else "")
            chunk, after = parse_page(self._get_json(page, auth=True), page)
            items.extend(chunk)
            if not after or len(items) >= max_items:
                return items[:max_items]
        raise CollectionError(f"GET {path} had more than {MAX_PAGES} pages; stopped")

    # ---- active probes (--active) ---------------------------------------------------------

    def _login_probe(self, authorizer: AuthorizerConfig | None, admin: AdminAccount | None) -> ProbeResult:
        """The shipped credentials, tried on each account the admin may have: never an account twice,
        and never more accounts than needed.

        The login looks the user up by e-mail (BasicAuthenticator.lookUserInProvider ->
        getActiveUserByEmailForAuth): an unknown e-mail is 400, a wrong password 401. UserUtil rewrites
        the admin's e-mail to admin@<principalDomain> at start only while `admin` is an admin
        principal, and the shipped domain is open-metadata.org or (older conf/openmetadata.yaml)
        openmetadata.org. With an admin token the admin's real e-mail is known and is the only
        candidate (none if the account is gone). Otherwise each candidate is tried in turn until one
        is not "unknown user". Source: docs/research/issue-11-openmetadata-source.md, points 3 and 7.
        """
        candidates = _login_candidates(authorizer, admin)
        if not candidates:
            return ProbeResult(endpoint="/api/v1/users/login", account=None, http_status=None, outcome="no-account",
                               message="the default admin account does not exist: nothing to try")
        tried: list[str] = []
        result: ProbeResult | None = None
        for account in candidates:
            result = self._login_once(account)
            if result.outcome != "recently-probed":
                tried.append(account)
            if result.outcome != "no-such-user":
                break
        assert result is not None
        return dataclasses.replace(result, attempts=tuple(tried))

    def _login_once(self, account: str) -> ProbeResult:
        """One attempt on `account`, recorded in the ledger before it is sent. `/api/v1/users/login`
        first; where that endpoint does not exist (404/405), `/api/v1/auth/login` (recent releases),
        which is the same attempt: the first answer consumed none."""
        path = "/api/v1/users/login"
        ledger = self.options.ledger
        refusal = ledger.claim(f"{self.endpoint.url}{path}", account) if ledger else "no probe ledger was given"
        if refusal is not None:
            return ProbeResult(endpoint=path, account=account, http_status=None, outcome="recently-probed",
                               message=refusal)
        body = {"email": account, "password": base64.b64encode(om_defaults.DEFAULT_ADMIN_PASSWORD.encode()).decode()}
        answer = self.client.post_login_probe(path, body)
        if answer.status in (404, 405):
            path = "/api/v1/auth/login"
            answer = self.client.post_login_probe(path, body)
        outcome, message = _login_verdict(answer, path)
        return ProbeResult(endpoint=path, account=account, http_status=answer.status, outcome=outcome,
                           message=message)

    def _token_probe(self) -> ProbeResult:
        """Does the server accept the public default-key admin token? At most two GETs with it.

        First at `/config/loginConfig`, which needs a valid token but looks no user up (ConfigResource:
        SettingsCache only), once a request without a token has shown that it is protected (<=1.2's
        substring exclusions made it public). Then, where that is not conclusive, at
        `/users/loggedInUser`, whose recent answers are read for what they prove: 400 "Account already
        exists" and 404 "Cannot find user with provided name and email" (UserRepository
        .getLoggedInUserByNameAndEmail) and 401 "User with email ... is not registered" (the newest
        email-first JwtFilter) all come after the signature was verified. A 500 naming the key id
        (older MultiUrlJwkProvider on an unknown kid) is a refusal.
        Sources: docs/research/issue-11-openmetadata-source.md, point 2.
        """
        login_config = f"{self.prefix}/loginConfig"
        if self.client.get(login_config).status == 401:
            answer = self.client.get(login_config, bearer=om_defaults.DEFAULT_ADMIN_TOKEN)
            verdict = _token_verdict(answer)
            if verdict is not None:
                return ProbeResult(endpoint=login_config, account="admin (default-key token)",
                                   http_status=answer.status, outcome=verdict, message=answer.message())
        path = "/api/v1/users/loggedInUser"
        answer = self.client.get(path, bearer=om_defaults.DEFAULT_ADMIN_TOKEN)
        verdict = _token_verdict(answer)
        if verdict is None:
            raise CollectionError(f"GET {path} with the default-key token: {_describe(answer)}")
        return ProbeResult(endpoint=path, account="admin (default-key token)", http_status=answer.status,
                           outcome=verdict, message=answer.message())


def _token_cause(answer: HttpAnswer) -> Cause:
    """Why a read with the admin token failed: JwtFilter answers 401 for a token it rejects (bad
    signature, expired, unknown key), authorizeAdmin 403 for a valid token that is not an admin's."""
    if answer.status == 401:
        return Cause.CREDENTIALS
    return Cause.DENIED if answer.status == 403 else Cause.BAD_ANSWER


def _login_candidates(authorizer: AuthorizerConfig | None, admin: AdminAccount | None) -> list[str]:
    """The e-mails the shipped admin may sign in with, most likely first, each once."""
    name = om_defaults.DEFAULT_ADMIN_NAME
    if admin is not None:  # read with the admin token: no guessing
        if not admin.exists or admin.user is None or admin.user.deleted:
            return []
        if admin.user.email:
            return [admin.user.email]
    domain = authorizer.principal_domain if authorizer else None
    found = [f"{name}@{d}" for d in (domain, *om_defaults.SHIPPED_PRINCIPAL_DOMAINS) if d]
    return list({a.lower(): a for a in reversed(found)}.values())[::-1]


def _login_verdict(answer: HttpAnswer, path: str) -> tuple[str, str]:
    """(outcome, message) of one login answer; any answer but 404/405 was an attempt on the account."""
    message = answer.message()
    if answer.status == 200:
        try:
            body = answer.json_object()
        except CollectionError:
            body = {}
        # The returned tokens are never kept: only whether they were there.
        if "accessToken" in body:
            return "accepted", "the server issued an access token"
        return "unexpected", "200 without a token"
    if answer.status == 401 and LOCKED_MARKER.lower() in message.lower():
        return "locked", message
    if answer.status == 400 and path.endswith("/users/login"):
        return "no-such-user", message  # getActiveUserByEmailForAuth found no user with that e-mail
    if answer.status == 401 or (answer.status in (400, 500) and path.endswith("/auth/login")):
        return "rejected", message  # /auth/login answers every failure with 500
    if answer.status == 403:
        return "not-permitted", message
    if answer.status in (404, 405):
        return "no-endpoint", message
    return "unexpected", _describe(answer)  # still an attempt: the ledger already counts it


# Answers that come only after JwtFilter verified the token's signature (see _token_probe).
ACCEPTED_AFTER_SIGNATURE = ("account already exists", "cannot find user with provided name and email",
                            "is not registered")
KEY_ID_REFUSALS = ("keyid doesn't match", "signing key not found", "invalid key id", "public key mismatch")


def _token_verdict(answer: HttpAnswer) -> str | None:
    """"accepted", "refused", or None when the answer proves neither."""
    message = answer.message().lower()
    if answer.status == 200:
        return "accepted"
    if answer.status in (400, 401, 404) and any(m in message for m in ACCEPTED_AFTER_SIGNATURE):
        return "accepted"
    if answer.status in (401, 403):
        return "refused"
    if answer.status == 500 and any(m in message for m in KEY_ID_REFUSALS):
        return "refused"
    return None


# ---- parsers of server data: each returns a typed value or raises CollectionError, nothing else ----

def parse_auth_config(data: dict[str, Any], path: str) -> AuthConfig:
    """AuthenticationConfiguration in any of its generations (SECURITY-SURFACE.md 3.4)."""
    claims = data.get("jwtPrincipalClaims")
    mapping = data.get("jwtPrincipalClaimsMapping")
    keys = data.get("publicKeyUrls")
    signup = data.get("enableSelfSignup")
    return AuthConfig(
        path=path,
        provider=_str(data.get("provider")),
        client_type=_str(data.get("clientType")),
        enable_self_signup=signup if isinstance(signup, bool) else None,
        authority=_str(data.get("authority")),
        client_id=_str(data.get("clientId")),
        callback_url=_str(data.get("callbackUrl")),
        jwt_principal_claims=tuple(c for c in claims if isinstance(c, str)) if isinstance(claims, list) else (),
        public_key_urls=_whole_list(keys),
        fields=tuple(sorted(str(k) for k, v in data.items() if v is not None)),
        jwt_principal_claims_mapping=_whole_list(mapping) or (),
    )


MAX_LIST = 1000


def _whole_list(value: object) -> tuple[str, ...] | None:
    """A list of strings whole, or None (unknown) past 1,000 entries: never a list cut short, whose tail
    a rule would not see (a review put Google's keys after 100 trusted ones in publicKeyUrls)."""
    if not isinstance(value, list) or len(value) > MAX_LIST:
        return None
    return tuple(k for k in value if isinstance(k, str))


def parse_authorizer(data: dict[str, Any], path: str) -> AuthorizerConfig:
    """AuthorizerConfiguration: the whole block on old servers; on recent ones a fresh object with
    only `principalDomain` set, whose empty collections are serialized too (ConfigResource
    .getAuthorizerConfig; jsonschema2pojo initialises collections, JsonInclude NON_NULL keeps them).
    `enforcePrincipalDomain` is read from the whole block only: a fresh object carries its schema default."""
    internals = tuple(sorted(k for k in AUTHORIZER_INTERNALS if isinstance(data.get(k), str) and data[k].strip()))
    enforce = data.get("enforcePrincipalDomain")
    return AuthorizerConfig(
        path=path,
        principal_domain=_str(data.get("principalDomain")),
        admin_principals=_strings(data.get("adminPrincipals")),
        bot_principals=_strings(data.get("botPrincipals")),
        test_principals=_strings(data.get("testPrincipals")),
        internals=internals,
        fields=tuple(sorted(str(k) for k, v in data.items() if v is not None)),
        enforce_principal_domain=enforce if internals and isinstance(enforce, bool) else None,
    )


# Implementation details only the old, whole-block answer carries (conf/openmetadata.yaml authorizerConfiguration).
AUTHORIZER_INTERNALS = ("className", "containerRequestFilter")


def _strings(value: object) -> tuple[str, ...] | None:
    return tuple(str(v) for v in value) if isinstance(value, list) else None


def parse_security_config(data: dict[str, Any], path: str) -> SecurityConfig:
    """SecurityConfiguration {authenticationConfiguration {clientType, publicKeyUrls, oidcConfiguration
    {callbackUrl, disablePkce, scope}}, authorizerConfiguration {enforcePrincipalDomain, adminPrincipals}}: only these
    values are read; secrets in the answer are left behind."""
    auth = _obj(data.get("authenticationConfiguration"))
    oidc = _obj(auth.get("oidcConfiguration"))
    pkce = oidc.get("disablePkce")
    keys = auth.get("publicKeyUrls")
    authorizer = _obj(data.get("authorizerConfiguration"))
    enforce = authorizer.get("enforcePrincipalDomain")
    return SecurityConfig(path=path, served=True, client_type=_str(auth.get("clientType")),
                          oidc_callback_url=_str(oidc.get("callbackUrl")),
                          disable_pkce=pkce if isinstance(pkce, bool) else None, oidc_scope=_str(oidc.get("scope")),
                          public_key_urls=_whole_list(keys),
                          enforce_principal_domain=enforce if isinstance(enforce, bool) else None,
                          admin_principals=_whole_list(authorizer.get("adminPrincipals")))


def parse_jwks(data: dict[str, Any], path: str) -> Jwks:
    raw_keys = data.get("keys")
    if not isinstance(raw_keys, list):
        raise CollectionError(f"GET {path} answered JSON without a 'keys' list")
    keys: list[JwkKey] = []
    malformed: list[str] = []
    for i, raw in enumerate(raw_keys[:100]):
        if not isinstance(raw, dict):
            malformed.append(f"key {i} is not an object")
            continue
        try:
            keys.append(parse_jwk(raw))
        except CollectionError as exc:
            malformed.append(f"key {i}: {exc}")
    return Jwks(path=path, keys=tuple(keys), malformed=tuple(malformed))


def parse_page(data: dict[str, Any], page: str) -> tuple[list[dict[str, Any]], str | None]:
    """ResultList: (the objects in `data`, the `paging.after` cursor or None). A page longer than the
    `limit` asked for is refused: a server that ignores it could otherwise fill memory page by page."""
    chunk = data.get("data")
    if not isinstance(chunk, list):
        raise CollectionError(f"GET {page} answered JSON without a 'data' list")
    if len(chunk) > PAGE_LIMIT:
        raise CollectionError(f"GET {page} answered {len(chunk)} entries for limit={PAGE_LIMIT}; not read")
    return [x for x in chunk if isinstance(x, dict)], _str(_obj(data.get("paging")).get("after")) or None


def b64url_to_int(text: str) -> int:
    """Decode a JWK integer leniently: OpenMetadata pads and keeps Java's leading zero byte."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as exc:
        raise CollectionError(f"not base64url: {exc}") from None
    if not raw:
        raise CollectionError("empty value")
    if len(raw) > 2048:
        raise CollectionError("integer longer than 16384 bits")
    return int.from_bytes(raw, "big")


def parse_jwk(raw: dict[str, Any]) -> JwkKey:
    n = raw.get("n")
    e = raw.get("e")
    if n is not None and not isinstance(n, str):
        raise CollectionError("'n' is not a string")
    if e is not None and not isinstance(e, str):
        raise CollectionError("'e' is not a string")
    modulus = b64url_to_int(n) if n else None
    exponent = b64url_to_int(e) if e else None
    return JwkKey(kid=_str(raw.get("kid")), kty=_str(raw.get("kty")), alg=_str(raw.get("alg")),
                  n_hex=format(modulus, "x") if modulus is not None else None, e=exponent)


def parse_user(raw: dict[str, Any]) -> UserInfo:
    name = raw.get("name")
    if not isinstance(name, str):
        raise CollectionError("a user entry has no name")
    last = raw.get("lastLoginTime")
    return UserInfo(name=name, email=_str(raw.get("email")), is_admin=raw.get("isAdmin") is True,
                    is_bot=raw.get("isBot") is True, deleted=raw.get("deleted") is True,
                    last_login_time=last if isinstance(last, int) and not isinstance(last, bool) else None)


def _version_body(answer: HttpAnswer) -> VersionInfo | None:
    """OpenMetadataServerVersion {version, revision, timestamp}, or None if this is not one."""
    if answer.status != 200:
        return None
    try:
        data = answer.json_object()
    except CollectionError:
        return None
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        return None
    return VersionInfo(version=version.strip()[:64], revision=_str(data.get("revision")), path=answer.path)


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _has_data_list(answer: HttpAnswer) -> bool:
    try:
        return isinstance(answer.json_object().get("data"), list)
    except CollectionError:
        return False


def _describe(answer: HttpAnswer) -> str:
    message = answer.message()
    text = f"{answer.method} {answer.path} answered HTTP {answer.status}"
    return f"{text}: {message}" if message else text


