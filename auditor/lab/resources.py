"""The OpenMetadata resources the lab serves, each a function of the lab's state that returns the
answer (status and JSON body): version, configuration, users, bots, login, sign-up, the admin-only
security configuration, and the lab's own introspection.

Sources: SECURITY-SURFACE.md sections 2-9; UserResource, BotResource, ConfigResource, SystemResource
and BasicAuthenticator in open-metadata/OpenMetadata (docs/research/issue-11-openmetadata-source.md
quotes each, by point).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from auditor.facts import om_defaults
from auditor.lab.releases import REVOKED_AUTH_MECHANISM
from auditor.lab.scenarios import YAML_OIDC, yaml_authorizer
from auditor.lab.state import LabState, configured_public_keys, mint, user_entity

INVALID_CREDENTIALS = "You have entered an invalid username or password."
LOCKED = "Failed Login Attempts Exceeded. Use Forgot Password or retry after some time."
NOT_PERMITTED = "Operation is not permitted with the Selected Authenticator."

Principal = dict[str, Any] | None


@dataclass(frozen=True)
class Response:
    status: int
    body: Any  # JSON data


def ok(body: Any, status: int = 200) -> Response:
    return Response(status, body)


def error(status: int, message: str) -> Response:
    """Dropwizard ErrorMessage, as CatalogGenericExceptionMapper renders it."""
    return Response(status, {"code": status, "message": message})


def every_failure_as(status: int, response: Response) -> Response:
    """A resource that maps every failure to one status, as /api/v1/auth/login does (research point 3)."""
    if response.status < 400:
        return response
    return error(status, str(response.body.get("message", "")))


def version(state: LabState) -> Response:
    return ok({"version": state.scenario.version,
               "revision": "3f1c2b7a9d8e6f5a4b3c2d1e0f9a8b7c6d5e4f3a", "timestamp": 1760000000000})


def login_config(state: LabState) -> Response:
    s = state.scenario
    return ok({"maxLoginFailAttempts": s.max_login_fail_attempts, "accessBlockTime": s.access_block_time,
               "jwtTokenExpiryTime": 3600})


def security_config(state: LabState, principal: Principal) -> Response:
    """SystemResource.getSecurityConfig: admin only; the OIDC secret masked for non-bot callers
    (DefaultAuthorizer.shouldMaskPasswords). Source: docs/research/issue-11-openmetadata-source.md, point 4."""
    if principal is None or not principal.get("isAdmin"):
        name = principal["name"] if principal else "anonymous"
        return error(403, f"Principal: CatalogPrincipal{{name='{name}'}} is not admin")
    scenario = state.scenario
    oidc = scenario.oidc if scenario.oidc is not None else YAML_OIDC
    keys = configured_public_keys(scenario, state.auth.get("authority"))
    return ok({"authenticationConfiguration": {**state.auth, "publicKeyUrls": keys, "oidcConfiguration": oidc},
               "authorizerConfiguration": yaml_authorizer(scenario)})


def logged_in(state: LabState, principal: Principal) -> Response:
    """UserResource.getCurrentLoggedInUser -> UserRepository.getLoggedInUserByNameAndEmail (recent),
    or by name (<=1.2). Source: docs/research/issue-11-openmetadata-source.md, point 2."""
    assert principal is not None
    name, email = principal["name"], principal.get("_token_email")
    users = state.users
    if not state.scenario.release.logged_in_by_name_and_email or email is None:
        if principal.get("missing"):
            return error(404, f"user instance for {name} not found")
        return ok({k: v for k, v in principal.items() if not k.startswith("_")})
    match = users.get(name)
    if match is not None and match["email"].lower() == email.lower():
        return ok(match)
    by_email = any(u["email"].lower() == email.lower() for u in users.values())
    if (match is not None) != by_email:
        return error(400, "Account already exists. Please contact administrator.")
    return error(404, "Cannot find user with provided name and email")


def users(state: LabState, query: dict[str, str]) -> list[dict[str, Any]]:
    found = [u for u in state.users.values() if not u["deleted"] or query.get("include") == "all"]
    for flag, key in (("isAdmin", "isAdmin"), ("isBot", "isBot")):
        if flag in query:
            wanted = query[flag].lower() == "true"
            found = [u for u in found if u[key] is wanted]
    return found


def listed(items: list[dict[str, Any]], query: dict[str, str]) -> Response:
    """ResultList with cursor paging: {"data": [...], "paging": {"after": ..., "total": N}}."""
    try:
        limit = int(query.get("limit", "10"))
        start = int(base64.b64decode(query["after"]).decode()) if "after" in query else 0
    except (ValueError, binascii.Error):
        return error(400, "Invalid paging parameters")
    if not 0 <= limit <= 1000000:
        return error(400, "query param limit must be between 0 and 1000000")
    page = items[start:start + limit]
    paging: dict[str, Any] = {"total": len(items)}
    if start + limit < len(items):
        paging["after"] = base64.b64encode(str(start + limit).encode()).decode()
    if start > 0:
        paging["before"] = base64.b64encode(str(max(0, start - limit)).encode()).decode()
    return ok({"data": page, "paging": paging})


def user_by_name(state: LabState, name: str, query: dict[str, str]) -> Response:
    """EntityResource.getByNameInternal: `include` defaults to non-deleted."""
    user = state.users.get(name)
    if user is not None and user["deleted"] and query.get("include") not in ("all", "deleted"):
        user = None
    return error(404, f"user instance for {name} not found") if user is None else ok(user)


def bot_by_name(state: LabState, name: str) -> Response:
    bot = next((b for b in state.bots if b["name"] == name), None)
    return error(404, f"bot instance for {name} not found") if bot is None else ok(bot)


def auth_mechanism(state: LabState, user_id: str, principal: Principal) -> Response:
    user = next((u for u in state.users.values() if u["id"] == user_id), None)
    if user is None:
        return error(404, f"user instance for {user_id} not found")
    if not user["isBot"]:
        return error(400, "JWT token is only supported for bot users")
    if principal is not None and not principal.get("isAdmin"):
        return error(403, f"Principal: CatalogPrincipal{{name='{principal['name']}'}} is not admin")
    if user["name"] in state.revoked:
        return ok(REVOKED_AUTH_MECHANISM)
    expiry = state.bot_expiry[user_id]
    config: dict[str, Any] = {"JWTToken": state.bot_tokens[user["name"]], "JWTTokenExpiry": expiry}
    if expiry != "Unlimited":
        days = 1 / 24 if expiry == "OneHour" else int(expiry)
        config["JWTTokenExpiresAt"] = int((time.time() + days * 86400) * 1000)
    return ok({"authType": "JWT", "config": config})


def login(state: LabState, body: bytes) -> Response:
    """UserResource.loginUserWithPwd -> BasicAuthenticator.loginUser (or NoopAuthenticator: 403)."""
    if state.scenario.provider not in om_defaults.PASSWORD_PROVIDERS:
        return error(403, NOT_PERMITTED)
    try:
        request = json.loads(body)
        email, encoded = str(request["email"]), str(request["password"])
    except (ValueError, KeyError, TypeError):
        return error(400, "Unable to process JSON")
    try:
        password = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return error(400, "Password needs to be encoded in Base-64.")
    with state.lock:
        state.login_posts[email] = state.login_posts.get(email, 0) + 1
    if state.is_blocked(email):
        return error(401, LOCKED)
    user = _login_user(state, email)
    if user is None or user["isBot"]:
        return error(400, INVALID_CREDENTIALS)
    stored = state.passwords.get(user["name"])
    if stored is None:
        return error(401, INVALID_CREDENTIALS)
    if password != stored:
        state.record_failure(user["email"])
        return error(401, INVALID_CREDENTIALS)
    token = mint(state, user["name"], user["email"])
    return ok({"tokenType": "Bearer", "accessToken": token, "refreshToken": str(uuid.uuid4()),
               "expiryDuration": int((time.time() + 3600) * 1000)})


def _login_user(state: LabState, email: str) -> dict[str, Any] | None:
    """Recent servers look an '@' login up by e-mail; <=1.2 took the part before '@' as the name."""
    if state.scenario.release.legacy_paths:
        return state.users.get(email.split("@", 1)[0])
    if "@" not in email:
        return None
    return next((u for u in state.users.values() if u["email"].lower() == email.lower() and not u["deleted"]), None)


def signup(state: LabState, body: bytes) -> Response:
    """BasicAuthenticator.registerUser: 501 unless basic with enableSelfSignup."""
    if state.scenario.provider != "basic" or not state.auth.get("enableSelfSignup"):
        return error(501, "Signup is not supported.")
    try:
        request = json.loads(body)
        email = str(request["email"]).lower()
        password = str(request["password"])
    except (ValueError, KeyError, TypeError):
        return error(400, "Unable to process JSON")
    name = email.split("@", 1)[0]
    with state.lock:
        if name in state.users:
            return error(400, "User with Email Already Exists")
        user = user_entity(name, email, is_admin=False, is_bot=False)
        state.users[name] = user
        state.passwords[name] = password
    return ok(user, 201)


def lab_api(state: LabState, path: str) -> Response:
    """The lab's own introspection (never part of the emulated surface): the request log, the lockout."""
    if path == "/_lab/requests":
        with state.lock:
            log = [{"method": r.method, "path": r.path, "authorized": r.authorized} for r in state.log]
        return ok(log)
    if path == "/_lab/lockout":
        with state.lock:
            counts = {"failures": {k: v.count for k, v in state.attempts.items()}, "attempts": dict(state.login_posts)}
        return ok(counts)
    return error(404, "HTTP 404 Not Found")
