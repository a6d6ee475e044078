"""Release profiles: how OpenMetadata's security surface differs from one release line to the next.

A lab scenario describes a deployment (its users, keys, provider); a release profile says how the
server of that release answers. Each behaviour is declared once, as a field of `Release`: its value on
recent servers, what it changes and its source (docs/research/issue-11-openmetadata-source.md quotes
the code); a release lists only where it differs. A value whose release boundary the source does not
date is marked GUESS here and in docs/fidelity.md, which `omaudit lab fidelity` generates from this
module. The server reads `scenario.release`; auditor.lab.scenarios.on_release gives a scenario as a
server of another release serves it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

# UserResource.revokeToken: `new JWTAuthMechanism().withJWTToken(StringUtils.EMPTY)` (research point 5).
REVOKED_AUTH_MECHANISM: dict[str, Any] = {"authType": "JWT", "config": {"JWTToken": ""}}
REVOKED_SHAPE = json.dumps(REVOKED_AUTH_MECHANISM, separators=(",", ":"))


@dataclass(frozen=True)
class Switch:
    name: str
    behaviour: str
    source: str


def _switch(recent: Any, behaviour: str, source: str) -> Any:
    """A release behaviour: its value on recent servers, what it changes, and where that is in the code."""
    return dataclasses.field(default=recent, metadata={"behaviour": behaviour, "source": source})


@dataclass(frozen=True)
class Release:
    name: str = "recent"
    version: str = "2.0.7"
    legacy_paths: bool = _switch(
        False, "version and config under /api/v1/version and /api/v1/config/* (else /api/v1/system/...)",
        "VersionResource @Path, ConfigResource @Path; conf/openmetadata.yaml ~1.0 already names "
        "/api/v1/system/config/jwks, so the old generation is <= 0.13 (research point 10)")
    substring_exclusions: bool = _switch(
        False, "JwtFilter skips authentication when the path *contains* an excluded entry "
        "(the CVE-2024-28255 root cause); else exact, case-insensitive matches",
        "security/JwtFilter.java, javax (<= 1.2) `uriInfo.getPath().contains(endpoint)`; recent "
        "`equalsIgnoreCase` (research point 10); fixed in 1.2.4 per GHSA-6wx7-qw5p-wh84")
    authorizer_whole: bool = _switch(
        False, "/config/authorizer returns the whole YAML block (admin principals, class names); "
        "else a fresh object with principalDomain and empty collections",
        "resources/system/ConfigResource.java getAuthorizerConfig, old vs recent (research point 1); "
        "first release of the fresh object: GUESS 1.3")
    auth_whitelisted: bool = _switch(
        True, "/config/auth is a fresh, whitelisted AuthenticationConfiguration with its schema "
        "defaults (publicKeyUrls [], responseType, tokenValidationAlgorithm); else the YAML block",
        "ConfigResource.getAuthConfig (research point 1, 'Related: /config/auth'); boundary GUESS 1.3")
    persisted_public_keys: bool = _switch(
        False, "/config/auth serves the persisted publicKeyUrls again, not the empty default",
        "ConfigResourceTest (#29597): 'Persisted publicKeyUrls must be served'; newest main only")
    auth_login: bool = _switch(
        True, "POST /api/v1/auth/login (and refresh, logout) exists next to /api/v1/users/login",
        "security/auth endpoints of recent releases (research point 3); boundary GUESS 1.12")
    logged_in_by_name_and_email: bool = _switch(
        True, "GET /users/loggedInUser matches name AND e-mail: 400 'Account already "
        "exists...' / 404 'Cannot find user with provided name and email'; else by name",
        "jdbi3/UserRepository.java getLoggedInUserByNameAndEmail (jakarta; research point 2); boundary GUESS 1.6")
    email_first: bool = _switch(
        False, "JwtFilter resolves the user from the e-mail claim: 401 'User with email ... is not "
        "registered' for a name that exists with another e-mail",
        "security/JwtFilter.java newest (emailClaim, JwtIdentityResolver; research point 2): after 2.0.7")
    unknown_kid_status: int = _switch(
        500, "answer to a token whose kid no trusted key has",
        "security/MultiUrlJwkProvider.java: older UnhandledServerException (500), newest "
        "SigningKeyNotFoundException -> 401 (research point 2)")
    security_config: bool = _switch(
        True, "GET /api/v1/system/security/config (admin only) exists",
        "resources/system/SystemResource.java getSecurityConfig (research point 4); boundary GUESS 1.9 "
        "(SSO settings stored in the database)")
    admin_email_rewrite: str = _switch(
        "admins", "at every start UserUtil gives a listed admin principal the e-mail "
        "`name@principalDomain`: `admins` rewrites existing admins, `promotions` only non-admins it promotes",
        "util/UserUtil.java createOrUpdateUser: jakarta `Boolean.TRUE.equals(originalUser.getIsAdmin())`; "
        "org.openmetadata.service era `Boolean.FALSE.equals(...)` (research point 7); boundary GUESS 1.3")
    shipped_principal_domain: str = _switch(
        "open-metadata.org", "principalDomain in the shipped conf/openmetadata.yaml, so the address "
        "the admin got at first start",
        "conf/openmetadata.yaml ~1.0/1.1 `\"openmetadata.org\"`, ~1.5 and later `\"open-metadata.org\"`; the Helm "
        "chart always open-metadata.org (research point 7); boundary GUESS 1.3")
    revoked_token_shape: str = _switch(
        REVOKED_SHAPE, "GET /users/auth-mechanism/{bot} after POST /users/revokeToken",
        "resources/teams/UserResource.java revokeToken: `new JWTAuthMechanism().withJWTToken(StringUtils.EMPTY)` "
        "in both the dao (~0.13/1.0) and the repository (recent) generations; jwtAuth.json gives "
        "JWTTokenExpiry no default, so it is absent (research point 5)")
    access_block_time: int = _switch(
        30, "seconds an account stays locked after 3 failed logins (seeded default)",
        "conf/openmetadata.yaml and the older SettingsCache seed: 600; newer seed: 30 (SECURITY-SURFACE 4.5); "
        "boundary GUESS 1.9")


SWITCHES: tuple[Switch, ...] = tuple(Switch(f.name, f.metadata["behaviour"], f.metadata["source"])
                                     for f in dataclasses.fields(Release) if "behaviour" in f.metadata)
RECENT = Release()
OLD: dict[str, Any] = {
    "substring_exclusions": True, "authorizer_whole": True, "auth_whitelisted": False, "auth_login": False,
    "logged_in_by_name_and_email": False, "security_config": False, "admin_email_rewrite": "promotions",
    "shipped_principal_domain": "openmetadata.org", "access_block_time": 600}
RELEASES: dict[str, Release] = {r.name: r for r in (
    Release("0.13", "0.13.3", legacy_paths=True, **OLD),
    Release("1.2", "1.2.3", **OLD),
    Release("1.6", "1.6.4", auth_login=False, security_config=False, access_block_time=600),
    Release("1.9", "1.9.12", auth_login=False),
    Release("1.12", "1.12.6"),
    Release("2.0", "2.0.7"),
    Release("main", "2.1.0-SNAPSHOT", persisted_public_keys=True, email_first=True, unknown_kid_status=401),
)}


def fidelity_markdown() -> str:
    """docs/fidelity.md: behaviour x release, with the source of each behaviour."""
    names = list(RELEASES)
    lines = ["# Lab fidelity: behaviour by OpenMetadata release", "",
             "Generated from auditor/lab/releases.py (`omaudit lab fidelity > docs/fidelity.md`); a test fails when "
             "it is stale. Each row is a switch of the lab's release profiles; GUESS marks a release boundary the "
             "source does not date. The quotes of the code are in docs/research/issue-11-openmetadata-source.md.",
             "", "| behaviour | " + " | ".join(names) + " | source |", "|---|" + "---|" * len(names) + "---|"]
    lines.append("| version served | " + " | ".join(RELEASES[n].version for n in names) + " | VersionResource |")
    for switch in SWITCHES:
        values = [getattr(RELEASES[n], switch.name) for n in names]
        cells = ["yes" if v is True else "no" if v is False else f"`{v}`" if str(v).startswith("{") else str(v)
                 for v in values]
        lines.append(f"| `{switch.name}`: {switch.behaviour} | " + " | ".join(cells) + f" | {switch.source} |")
    return "\n".join(lines) + "\n"
