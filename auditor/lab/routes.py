"""Which resource answers (method, path), as Jersey matches it, for the scenario's release: the old
generation serves /api/v1/version and /api/v1/config/*, recent ones /api/v1/system/...; some resources
exist only from a release on (auditor.lab.releases)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

from auditor.lab import resources
from auditor.lab.resources import Principal, Response
from auditor.lab.state import LabState

Handler = Callable[[Principal], Response]
_BY_NAME = (
    (re.compile(r"/v1/users/name/([^/]+)"), "user"),
    (re.compile(r"/v1/users/auth-mechanism/([^/]+)"), "auth-mechanism"),
    (re.compile(r"/v1/bots/name/([^/]+)"), "bot"),
)


def route(state: LabState, method: str, path: str, query: dict[str, str], body: bytes) -> Handler | None:
    """The resource method for (method, path under /api), or None."""
    release = state.scenario.release
    system = "/v1" if release.legacy_paths else "/v1/system"
    config = "/v1/config" if release.legacy_paths else "/v1/system/config"
    gets: dict[str, Handler] = {
        f"{system}/version": lambda p: resources.version(state),
        f"{config}/auth": lambda p: resources.ok(state.auth),
        f"{config}/authorizer": lambda p: resources.ok(state.scenario.authorizer),
        f"{config}/jwks": lambda p: resources.ok({"keys": [state.om_key.om_jwk()]}),
        f"{config}/loginConfig": lambda p: resources.login_config(state),
        "/v1/users": lambda p: resources.listed(resources.users(state, query), query),
        "/v1/users/loggedInUser": lambda p: resources.logged_in(state, p),
        "/v1/bots": lambda p: resources.listed(state.bots, query),
    }
    if not release.legacy_paths and release.security_config:
        gets["/v1/system/security/config"] = lambda p: resources.security_config(state, p)
    posts: dict[str, Handler] = {"/v1/users/login": lambda p: resources.login(state, body),
                                 "/v1/users/signup": lambda p: resources.signup(state, body)}
    if release.auth_login:
        posts["/v1/auth/login"] = lambda p: resources.every_failure_as(500, resources.login(state, body))
    table = gets if method == "GET" else posts if method == "POST" else {}
    if path in table:
        return table[path]
    if method == "GET":
        for pattern, kind in _BY_NAME:
            match = pattern.fullmatch(path)
            if match:
                return _by_name(state, kind, unquote(match.group(1)), query)
    return None


def _by_name(state: LabState, kind: str, name: str, query: dict[str, str]) -> Handler:
    if kind == "user":
        return lambda p: resources.user_by_name(state, name, query)
    if kind == "auth-mechanism":
        return lambda p: resources.auth_mechanism(state, name, p)
    return lambda p: resources.bot_by_name(state, name)
