"""The lab: an HTTP emulator of OpenMetadata's security surface, for tests and `omaudit demo`.

It reproduces what an auditor sees (paths of both generations, JSON shapes, error bodies, the
JwtFilter exclusion list, real RS256 verification, the login lockout) and keeps a log of every
request so tests can prove the auditor is read-only. Sources: SECURITY-SURFACE.md sections 2-9;
login lookup and lockout keys from open-metadata/OpenMetadata
openmetadata-service/.../security/auth/BasicAuthenticator.java and LoginAttemptCache.java (2.x).

Known deviation: the shipped default private key is not in this project, so where a scenario keeps
the default key, tokens the lab issues itself (login, bots, admin_token) are signed with a lab key
that the lab also trusts, as a second `publicKeyUrls` entry would be. The default key's public half
is trusted too, so the public default-key admin token verifies as on a real server.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from auditor.facts import om_defaults
from auditor.lab.cognito import MotoServer, SeededPool, moto_pool_keys, seed
from auditor.lab.delay import DelayProxy
from auditor.lab.jwt import LabKey, TokenRejected, UnknownKeyId, verify
from auditor.lab.scenarios import REVOKED_AUTH_MECHANISM, YAML_OIDC, Scenario, started_users, yaml_authorizer

# JwtFilter.EXCLUDED_ENDPOINTS, 2.x era (exact, case-insensitive) and <=1.2 (substring).
RECENT_EXCLUDED = frozenset(p.lower() for p in (
    "v1/system/config/jwks", "v1/system/config/authorizer", "v1/system/config/customUiThemePreference",
    "v1/system/config/auth", "v1/system/config/rdf", "v1/system/health", "v1/users/signup",
    "v1/system/version", "v1/users/registrationConfirmation", "v1/users/resendRegistrationToken",
    "v1/users/generatePasswordResetLink", "v1/users/password/reset", "v1/users/login", "v1/users/refresh",
    "v1/collate/apps/support/redeem-code"))
# GUESS: "v1/system/config" and "v1/system/version": the 1.0-1.2 list is not in the index, but the UI reads
# both before login, and "v1/system/config/auth" does not contain "v1/config" (research point 10).
LEGACY_EXCLUDED = ("v1/config", "v1/system/config", "v1/system/version", "v1/users/signup", "v1/version",
                   "v1/users/registrationConfirmation",
                   "v1/users/resendRegistrationToken", "v1/users/generatePasswordResetLink",
                   "v1/users/password/reset", "v1/users/checkEmailInUse", "v1/users/login", "v1/users/refresh")

INVALID_CREDENTIALS = "You have entered an invalid username or password."
LOCKED = "Failed Login Attempts Exceeded. Use Forgot Password or retry after some time."
NOT_PERMITTED = "Operation is not permitted with the Selected Authenticator."
SPA_PAGE = (b"<!DOCTYPE html><html><head><title>OpenMetadata</title></head>"
            b"<body><div id=\"root\"></div><script src=\"/openmetadata.bundle.js\"></script></body></html>")


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    authorized: bool


@dataclass
class _Attempts:
    count: int
    written: float


@dataclass
class LabState:
    scenario: Scenario
    om_key: LabKey
    mint_key: LabKey
    users: dict[str, dict[str, Any]]
    passwords: dict[str, str | None]
    bots: list[dict[str, Any]]
    bot_tokens: dict[str, str]
    bot_expiry: dict[str, str]
    auth: dict[str, Any]
    # The pool's JWKS, which a Cognito deployment lists in publicKeyUrls (the security config's list):
    # moto signs every pool's tokens with its one key (docs/moto-gaps.md).
    pool_keys: tuple[LabKey, ...] = ()
    log: list[LoggedRequest] = field(default_factory=list)
    attempts: dict[str, _Attempts] = field(default_factory=dict)
    login_posts: dict[str, int] = field(default_factory=dict)  # every login request, by e-mail as sent
    verified: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> claims, signature checked
    revoked: frozenset[str] = frozenset()  # bots whose token was revoked (JWTToken "")
    lock: threading.Lock = field(default_factory=threading.Lock)

    def trusted_keys(self) -> list[LabKey]:
        own = [self.om_key, self.mint_key] if self.mint_key is not self.om_key else [self.om_key]
        return own + list(self.pool_keys)

    # LoginAttemptCache: a Guava cache with expireAfterWrite(accessBlockTime); blocked at >= max.
    def _count(self, key: str, now: float) -> int:
        entry = self.attempts.get(key)
        if entry and now - entry.written >= self.scenario.access_block_time:
            del self.attempts[key]
            return 0
        return entry.count if entry else 0

    def is_blocked(self, key: str) -> bool:
        with self.lock:
            return self._count(key, time.monotonic()) >= self.scenario.max_login_fail_attempts

    def record_failure(self, key: str) -> None:
        with self.lock:
            now = time.monotonic()
            self.attempts[key] = _Attempts(self._count(key, now) + 1, now)

    def failures(self, key: str) -> int:
        with self.lock:
            return self._count(key, time.monotonic())


def _build_state(scenario: Scenario, authority: str | None, client_id: str | None) -> LabState:
    if scenario.default_key:
        om_key = LabKey.public_only(om_defaults.DEFAULT_KEY_ID, om_defaults.DEFAULT_KEY_MODULUS,
                                    om_defaults.DEFAULT_KEY_EXPONENT)
        mint_key = LabKey.generate("lab-" + uuid.uuid4().hex[:12])
    else:
        om_key = LabKey.generate(scenario.key_id)
        mint_key = om_key
    users: dict[str, dict[str, Any]] = {}
    passwords: dict[str, str | None] = {}
    bots: list[dict[str, Any]] = []
    bot_expiry: dict[str, str] = {}
    domain = str(scenario.authorizer.get("principalDomain") or om_defaults.DEFAULT_PRINCIPAL_DOMAIN)
    for u in started_users(scenario):
        users[u.name] = {**_user_entity(u.name, u.email, is_admin=u.is_admin, is_bot=False), "deleted": u.deleted}
        passwords[u.name] = u.password
    for b in scenario.bots:
        user = _user_entity(b.name, f"{b.name}@{domain}", is_admin=False, is_bot=True)
        users[b.name] = user
        passwords[b.name] = None
        bot_expiry[user["id"]] = b.token_expiry
        bots.append({"id": str(uuid.uuid5(uuid.NAMESPACE_DNS, "bot." + b.name)), "name": b.name,
                     "fullyQualifiedName": b.name, "displayName": b.name,
                     "description": f"Bot {b.name}.", "provider": "system", "version": 0.1,
                     "updatedAt": 1732600000000, "updatedBy": "admin", "deleted": False,
                     "botUser": {"id": user["id"], "type": "user", "name": b.name,
                                 "fullyQualifiedName": b.name, "deleted": False}})
    auth = dict(scenario.auth)
    if authority is not None:
        auth["authority"] = authority
    if auth.get("publicKeyUrls"):  # the whole YAML block (old releases) or the persisted list (newest main)
        auth["publicKeyUrls"] = configured_public_keys(scenario, authority)
    if client_id is not None:
        auth["clientId"] = client_id
    state = LabState(scenario=scenario, om_key=om_key, mint_key=mint_key, users=users, passwords=passwords,
                     bots=bots, bot_tokens={}, bot_expiry=bot_expiry, auth=auth,
                     pool_keys=moto_pool_keys() if authority is not None else (),
                     revoked=frozenset(b.name for b in scenario.bots if b.revoked))
    for b in scenario.bots:
        state.bot_tokens[b.name] = _mint(state, b.name, users[b.name]["email"], bot=True,
                                         expiry=bot_expiry[users[b.name]["id"]])
    return state


def configured_public_keys(scenario: Scenario, authority: object) -> list[str]:
    """authenticationConfiguration.publicKeyUrls as the deployment configured it: the pool's JWKS (a
    Cognito scenario) and OpenMetadata's own, as the Cognito guide lists them, then the scenario's extras."""
    keys = [f"{authority}/.well-known/jwks.json"] if scenario.cognito is not None and authority else []
    return [*keys, "http://localhost:8585/api/v1/system/config/jwks", *scenario.extra_public_keys]


def _user_entity(name: str, email: str, *, is_admin: bool, is_bot: bool) -> dict[str, Any]:
    uid = str(uuid.uuid5(uuid.NAMESPACE_DNS, "user." + name))
    return {"id": uid, "name": name, "fullyQualifiedName": name, "displayName": name, "email": email,
            "isAdmin": is_admin, "isBot": is_bot, "isEmailVerified": True, "deleted": False,
            "version": 0.1, "updatedAt": 1732600000000, "updatedBy": "admin",
            "href": f"http://localhost:8585/api/v1/users/{uid}"}


def _mint(state: LabState, name: str, email: str, *, bot: bool = False, expiry: str | None = None,
          lifetime: int | None = 3600) -> str:
    """JWTTokenGenerator's claims: sub, email, isBot, tokenType, iss, iat, exp (absent if Unlimited)."""
    now = int(time.time())
    claims: dict[str, Any] = {"iss": "open-metadata.org", "sub": name, "email": email, "isBot": bot,
                              "tokenType": "BOT" if bot else "OM_USER", "iat": now}
    if bot and expiry and expiry != "Unlimited":
        claims["exp"] = now + (3600 if expiry == "OneHour" else int(expiry) * 86400)
    elif not bot and lifetime is not None:
        claims["exp"] = now + lifetime
    return state.mint_key.sign(claims)


class LabHandler(BaseHTTPRequestHandler):
    server_version = "Jetty(9.4.z)"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    @property
    def state(self) -> LabState:
        return self.server.state  # type: ignore[attr-defined, no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        return

    # ---- responses --------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        headers = {"WWW-Authenticate": "om-auth"} if status in (401, 403, 404, 409, 412) else None
        self._send(status, json.dumps(data).encode(), headers=headers)

    def _error(self, status: int, message: str) -> None:
        """Dropwizard ErrorMessage, as CatalogGenericExceptionMapper renders it (a resource that maps every
        failure to one status, as /api/v1/auth/login does, sets `_failure_status`)."""
        status = self._failure_status or status
        self._json(status, {"code": status, "message": message})

    # ---- dispatch ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        self._failure_status: int | None = None
        raw = urlsplit(self.path)
        if raw.path.startswith("/_lab/"):
            self._lab_api(raw.path)
            return
        if self.server.latency:  # type: ignore[attr-defined]
            time.sleep(self.server.latency)  # type: ignore[attr-defined]  # a network hop away, for benchmarks
        # Jersey drops matrix parameters when routing; JwtFilter sees the decoded path with them.
        route = re.sub(r";[^/]*", "", raw.path)
        query = {k: v[0] for k, v in parse_qs(raw.query).items()}
        with self.state.lock:
            self.state.log.append(LoggedRequest(method, self.path, "Authorization" in self.headers))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)) if length else b""
        if not route.startswith("/api/"):
            if method == "GET":
                self._send(200, SPA_PAGE, "text/html")
            else:
                self._error(405, "HTTP 405 Method Not Allowed")
            return
        # JwtFilter is a post-matching filter: an unmatched path is a 404 before any token check.
        handler = self._route(method, route[len("/api"):], query, body)
        if handler is None:
            known = self._route("GET", route[len("/api"):], query, body) or self._route(
                "POST", route[len("/api"):], query, body)
            if known is not None:
                self._error(405, "HTTP 405 Method Not Allowed")
            else:
                self._error(404, "HTTP 404 Not Found")
            return
        principal: dict[str, Any] | None = None
        if not self._excluded(unquote(raw.path[len("/api/"):])):
            principal = self._authenticate()
            if principal is None:
                return
        handler(principal)

    def _excluded(self, path: str) -> bool:
        if self.state.scenario.anonymous_access:
            return True
        if self.state.scenario.substring_exclusions:
            return any(e in path for e in LEGACY_EXCLUDED)
        return path.lower() in RECENT_EXCLUDED

    def _authenticate(self) -> dict[str, Any] | None:
        """JwtFilter: bearer token, signature by kid over trusted keys, exp; bots must match the store."""
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not header[7:].strip():
            self._error(401, "Not Authorized! Token not present")
            return None
        token = header[7:].strip()
        try:
            claims = self.state.verified.get(token) or verify(token, self.state.trusted_keys())
            expiry = claims.get("exp")
            if isinstance(expiry, int | float) and expiry < time.time():
                raise TokenRejected("expired")
        except UnknownKeyId as exc:
            status = self.state.scenario.unknown_kid_status
            self._error(status, f"Not Authorized! {exc}" if status == 401 else
                        "An exception with message [JWT Token keyID doesn't match the configured keyID. This usually "
                        "happens if you didn't configure proper publicKeyUrls under authentication configuration.] "
                        "was thrown while processing request.")
            return None
        except TokenRejected:
            self._error(401, "Not Authorized! Invalid Token")
            return None
        # A token's signature is checked once; expiry on every request. (A fleet benchmark would otherwise
        # spend the lab's CPU, on the scanner's cores, re-verifying one token thousands of times.)
        self.state.verified[token] = claims
        name = self._principal_name(claims)
        email_claim = claims.get("email")
        if self.state.scenario.email_first and claims.get("isBot") is not True and isinstance(email_claim, str):
            # The newest JwtFilter: the user is the one with this e-mail; a name taken by another e-mail is refused.
            owner = next((u for u in self.state.users.values() if u["email"].lower() == email_claim.lower()), None)
            if owner is None and email_claim.split("@", 1)[0] in self.state.users:
                self._error(401, f"Not Authorized! User with email {email_claim} is not registered. "
                            "Contact your administrator.")
                return None
            name = owner["name"] if owner else email_claim.split("@", 1)[0]
        if claims.get("isBot") is True and self.state.bot_tokens.get(name) != token:
            self._error(401, "Not Authorized! Invalid Token")
            return None
        # JwtFilter looks no user up (legacy identity flow): resources do, by name. A principal whose
        # user does not exist is still authenticated; the resource decides (loggedInUser: 404/400).
        user = self.state.users.get(name)
        email = claims.get("email") if isinstance(claims.get("email"), str) else None
        return {**(user or {"name": name, "isAdmin": False, "isBot": False, "missing": True}),
                "_token_email": email}

    def _principal_name(self, claims: dict[str, Any]) -> str:
        for claim in self.state.auth.get("jwtPrincipalClaims") or ["sub"]:
            value = claims.get(claim)
            if isinstance(value, str) and value:
                return value.split("@", 1)[0]
        return str(claims.get("sub", ""))

    # ---- the OpenMetadata surface -----------------------------------------------------------

    def _route(self, method: str, path: str, query: dict[str, str], body: bytes
               ) -> Callable[[dict[str, Any] | None], None] | None:
        """The resource method for (method, path), as Jersey would match it, or None."""
        self._query = query
        legacy = self.state.scenario.legacy_paths
        system = "/v1" if legacy else "/v1/system"
        config = "/v1/config" if legacy else "/v1/system/config"
        gets: dict[str, Callable[[dict[str, Any] | None], None]] = {
            f"{system}/version": lambda p: self._version(),
            f"{config}/auth": lambda p: self._json(200, self.state.auth),
            f"{config}/authorizer": lambda p: self._json(200, self.state.scenario.authorizer),
            f"{config}/jwks": lambda p: self._json(200, {"keys": [self.state.om_key.om_jwk()]}),
            f"{config}/loginConfig": lambda p: self._login_config(),
            "/v1/users": lambda p: self._list(self._users(query), query),
            "/v1/users/loggedInUser": lambda p: self._logged_in(p),
            "/v1/bots": lambda p: self._list(self.state.bots, query),
        }
        if not legacy and self.state.scenario.security_config:
            gets["/v1/system/security/config"] = self._security_config
        posts: dict[str, Callable[[dict[str, Any] | None], None]] = {
            "/v1/users/login": lambda p: self._login(body), "/v1/users/signup": lambda p: self._signup(body)}
        if self.state.scenario.auth_login:
            posts["/v1/auth/login"] = lambda p: self._login(body, failure_status=500)
        table = gets if method == "GET" else posts if method == "POST" else {}
        if path in table:
            return table[path]
        if method == "GET":
            for pattern, handler in ((r"/v1/users/name/([^/]+)", self._user_by_name),
                                     (r"/v1/users/auth-mechanism/([^/]+)", self._auth_mechanism),
                                     (r"/v1/bots/name/([^/]+)", self._bot_by_name)):
                match = re.fullmatch(pattern, path)
                if match:
                    arg = unquote(match.group(1))
                    return lambda p, h=handler, a=arg: h(a, p)  # type: ignore[misc]
        return None

    def _security_config(self, principal: dict[str, Any] | None) -> None:
        """SystemResource.getSecurityConfig: admin only; the OIDC secret masked for non-bot callers
        (DefaultAuthorizer.shouldMaskPasswords). Source: docs/research/issue-11-openmetadata-source.md, point 4."""
        if principal is None or not principal.get("isAdmin"):
            name = principal["name"] if principal else "anonymous"
            self._error(403, f"Principal: CatalogPrincipal{{name='{name}'}} is not admin")
            return
        scenario = self.state.scenario
        oidc = scenario.oidc if scenario.oidc is not None else YAML_OIDC
        keys = configured_public_keys(scenario, self.state.auth.get("authority"))
        self._json(200, {"authenticationConfiguration": {**self.state.auth, "publicKeyUrls": keys,
                                                         "oidcConfiguration": oidc},
                         "authorizerConfiguration": yaml_authorizer(scenario)})

    def _logged_in(self, principal: dict[str, Any] | None) -> None:
        """UserResource.getCurrentLoggedInUser -> UserRepository.getLoggedInUserByNameAndEmail (recent),
        or by name (<=1.2). Source: docs/research/issue-11-openmetadata-source.md, point 2."""
        assert principal is not None
        name, email = principal["name"], principal.get("_token_email")
        users = self.state.users
        if not self.state.scenario.logged_in_by_name_and_email or email is None:
            if principal.get("missing"):
                self._error(404, f"user instance for {name} not found")
            else:
                self._json(200, {k: v for k, v in principal.items() if not k.startswith("_")})
            return
        match = users.get(name)
        if match is not None and match["email"].lower() == email.lower():
            self._json(200, match)
            return
        by_email = any(u["email"].lower() == email.lower() for u in users.values())
        if (match is not None) != by_email:
            self._error(400, "Account already exists. Please contact administrator.")
        else:
            self._error(404, "Cannot find user with provided name and email")

    def _version(self) -> None:
        self._json(200, {"version": self.state.scenario.version,
                         "revision": "3f1c2b7a9d8e6f5a4b3c2d1e0f9a8b7c6d5e4f3a", "timestamp": 1760000000000})

    def _login_config(self) -> None:
        s = self.state.scenario
        self._json(200, {"maxLoginFailAttempts": s.max_login_fail_attempts, "accessBlockTime": s.access_block_time,
                         "jwtTokenExpiryTime": 3600})

    def _users(self, query: dict[str, str]) -> list[dict[str, Any]]:
        users = [u for u in self.state.users.values() if not u["deleted"] or query.get("include") == "all"]
        for flag, key in (("isAdmin", "isAdmin"), ("isBot", "isBot")):
            if flag in query:
                wanted = query[flag].lower() == "true"
                users = [u for u in users if u[key] is wanted]
        return users

    def _list(self, items: list[dict[str, Any]], query: dict[str, str]) -> None:
        """ResultList with cursor paging: {"data": [...], "paging": {"after": ..., "total": N}}."""
        try:
            limit = int(query.get("limit", "10"))
            start = int(base64.b64decode(query["after"]).decode()) if "after" in query else 0
        except (ValueError, binascii.Error):
            self._error(400, "Invalid paging parameters")
            return
        if not 0 <= limit <= 1000000:
            self._error(400, "query param limit must be between 0 and 1000000")
            return
        page = items[start:start + limit]
        paging: dict[str, Any] = {"total": len(items)}
        if start + limit < len(items):
            paging["after"] = base64.b64encode(str(start + limit).encode()).decode()
        if start > 0:
            paging["before"] = base64.b64encode(str(max(0, start - limit)).encode()).decode()
        self._json(200, {"data": page, "paging": paging})

    def _user_by_name(self, name: str, principal: dict[str, Any] | None) -> None:
        """EntityResource.getByNameInternal: `include` defaults to non-deleted."""
        user = self.state.users.get(name)
        if user is not None and user["deleted"] and self._query.get("include") not in ("all", "deleted"):
            user = None
        if user is None:
            self._error(404, f"user instance for {name} not found")
        else:
            self._json(200, user)

    def _bot_by_name(self, name: str, principal: dict[str, Any] | None) -> None:
        bot = next((b for b in self.state.bots if b["name"] == name), None)
        if bot is None:
            self._error(404, f"bot instance for {name} not found")
        else:
            self._json(200, bot)

    def _auth_mechanism(self, user_id: str, principal: dict[str, Any] | None) -> None:
        user = next((u for u in self.state.users.values() if u["id"] == user_id), None)
        if user is None:
            self._error(404, f"user instance for {user_id} not found")
            return
        if not user["isBot"]:
            self._error(400, "JWT token is only supported for bot users")
            return
        if principal is not None and not principal.get("isAdmin"):
            self._error(403, f"Principal: CatalogPrincipal{{name='{principal['name']}'}} is not admin")
            return
        if user["name"] in self.state.revoked:
            self._json(200, REVOKED_AUTH_MECHANISM)
            return
        expiry = self.state.bot_expiry[user_id]
        config: dict[str, Any] = {"JWTToken": self.state.bot_tokens[user["name"]], "JWTTokenExpiry": expiry}
        if expiry != "Unlimited":
            days = 1 / 24 if expiry == "OneHour" else int(expiry)
            config["JWTTokenExpiresAt"] = int((time.time() + days * 86400) * 1000)
        self._json(200, {"authType": "JWT", "config": config})

    def _login(self, body: bytes, failure_status: int | None = None) -> None:
        """UserResource.loginUserWithPwd -> BasicAuthenticator.loginUser (or NoopAuthenticator: 403).
        `failure_status`: /api/v1/auth/login answers every failure with 500 (research point 3)."""
        self._failure_status = failure_status
        state = self.state
        if state.scenario.provider not in om_defaults.PASSWORD_PROVIDERS:
            self._error(403, NOT_PERMITTED)
            return
        try:
            request = json.loads(body)
            email, encoded = str(request["email"]), str(request["password"])
        except (ValueError, KeyError, TypeError):
            self._error(400, "Unable to process JSON")
            return
        try:
            password = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            self._error(400, "Password needs to be encoded in Base-64.")
            return
        with state.lock:
            state.login_posts[email] = state.login_posts.get(email, 0) + 1
        if state.is_blocked(email):
            self._error(401, LOCKED)
            return
        user = self._lookup_login_user(email)
        if user is None or user["isBot"]:
            self._error(400, INVALID_CREDENTIALS)
            return
        stored = state.passwords.get(user["name"])
        if stored is None:
            self._error(401, INVALID_CREDENTIALS)
            return
        if password != stored:
            state.record_failure(user["email"])
            self._error(401, INVALID_CREDENTIALS)
            return
        token = _mint(state, user["name"], user["email"])
        self._json(200, {"tokenType": "Bearer", "accessToken": token, "refreshToken": str(uuid.uuid4()),
                         "expiryDuration": int((time.time() + 3600) * 1000)})

    def _lookup_login_user(self, email: str) -> dict[str, Any] | None:
        """Recent servers look an '@' login up by e-mail; <=1.2 took the part before '@' as the name."""
        if self.state.scenario.legacy_paths:
            return self.state.users.get(email.split("@", 1)[0])
        if "@" not in email:
            return None
        return next((u for u in self.state.users.values()
                     if u["email"].lower() == email.lower() and not u["deleted"]), None)

    def _signup(self, body: bytes) -> None:
        """BasicAuthenticator.registerUser: 501 unless basic with enableSelfSignup."""
        if self.state.scenario.provider != "basic" or not self.state.auth.get("enableSelfSignup"):
            self._error(501, "Signup is not supported.")
            return
        try:
            request = json.loads(body)
            email = str(request["email"]).lower()
            password = str(request["password"])
        except (ValueError, KeyError, TypeError):
            self._error(400, "Unable to process JSON")
            return
        name = email.split("@", 1)[0]
        with self.state.lock:
            if name in self.state.users:
                self._error(400, "User with Email Already Exists")
                return
            user = _user_entity(name, email, is_admin=False, is_bot=False)
            self.state.users[name] = user
            self.state.passwords[name] = password
        self._json(201, user)

    # ---- lab-only introspection (never part of the emulated surface) ------------------------

    def _lab_api(self, path: str) -> None:
        if path == "/_lab/requests":
            with self.state.lock:
                log = [{"method": r.method, "path": r.path, "authorized": r.authorized} for r in self.state.log]
            self._json(200, log)
        elif path == "/_lab/lockout":
            with self.state.lock:
                counts = {"failures": {k: v.count for k, v in self.state.attempts.items()},
                          "attempts": dict(self.state.login_posts)}
            self._json(200, counts)
        else:
            self._error(404, "HTTP 404 Not Found")


class LabHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # a fleet benchmark opens hundreds of connections at once


class LabServer:
    """One scenario served on 127.0.0.1 in a background thread."""

    def __init__(self, scenario: Scenario, port: int = 0, host: str = "127.0.0.1",
                 aws_endpoint_url: str | None = None, latency: float = 0.0) -> None:
        """With a Cognito scenario, seeds the pool into the moto server at aws_endpoint_url, or starts one.

        `latency` (seconds) delays every OpenMetadata answer, as a network hop would (benchmarks), and
        puts a replaying DelayProxy with the same latency in front of moto: `aws_endpoint_url` is then
        the proxy's.
        """
        self.scenario = scenario
        self._moto: MotoServer | None = None
        self.pool: SeededPool | None = None
        if scenario.cognito is not None:
            if aws_endpoint_url is None:
                self._moto = MotoServer()
                aws_endpoint_url = self._moto.endpoint_url
            self.pool = seed(aws_endpoint_url, scenario.cognito)
        self.aws_proxy = (DelayProxy(aws_endpoint_url, latency, replay=True)
                       if self.pool and aws_endpoint_url and latency else None)
        self.aws_endpoint_url = (self.aws_proxy.url if self.aws_proxy else aws_endpoint_url) if self.pool else None
        self.state = _build_state(scenario, self.pool.authority if self.pool else None,
                                  self.pool.client_id if self.pool else None)
        self._httpd = LabHTTPServer((host, port), LabHandler)
        self._httpd.state = self.state  # type: ignore[attr-defined]
        self._httpd.latency = latency  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def admin_token(self) -> str:
        user = self.state.users[self.scenario.admin_token_user]
        return _mint(self.state, user["name"], user["email"], lifetime=86400)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self.state.lock:
            return list(self.state.log)

    def failed_logins(self, email: str) -> int:
        return self.state.failures(email)

    def login_attempts(self, email: str) -> int:
        with self.state.lock:
            return self.state.login_posts.get(email, 0)

    def is_locked(self, email: str) -> bool:
        return self.state.is_blocked(email)

    def start(self) -> LabServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="omaudit-lab", daemon=True)
        self._thread.start()
        if self.aws_proxy is not None:
            self.aws_proxy.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self.aws_proxy is not None:
            self.aws_proxy.stop()
            self.aws_proxy = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
