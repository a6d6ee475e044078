"""Release profiles: how OpenMetadata's security surface differs from one release line to the next.

A lab scenario describes a deployment (its users, keys, provider); a release profile says how the
server of that release answers. `on_release(scenario, release)` gives the scenario as served by that
release. Every switch names the source it comes from (docs/research/issue-11-openmetadata-source.md
quotes the code); a value whose release boundary the source does not date is marked GUESS in
SWITCHES and in docs/fidelity.md, which `omaudit lab fidelity` generates from this module.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from auditor.facts import om_defaults
from auditor.lab.scenarios import REVOKED_AUTH_MECHANISM, LabUser, Scenario, recent_authorizer, yaml_authorizer


@dataclass(frozen=True)
class Switch:
    name: str
    behaviour: str
    source: str


SWITCHES: tuple[Switch, ...] = (
    Switch("legacy_paths", "version and config under /api/v1/version and /api/v1/config/* (else /api/v1/system/...)",
           "VersionResource @Path, ConfigResource @Path; conf/openmetadata.yaml ~1.0 already names "
           "/api/v1/system/config/jwks, so the old generation is <= 0.13 (research point 10)"),
    Switch("substring_exclusions", "JwtFilter skips authentication when the path *contains* an excluded entry "
           "(the CVE-2024-28255 root cause); else exact, case-insensitive matches",
           "security/JwtFilter.java, javax (<= 1.2) `uriInfo.getPath().contains(endpoint)`; recent "
           "`equalsIgnoreCase` (research point 10); fixed in 1.2.4 per GHSA-6wx7-qw5p-wh84"),
    Switch("authorizer_whole", "/config/authorizer returns the whole YAML block (admin principals, class names); "
           "else a fresh object with principalDomain and empty collections",
           "resources/system/ConfigResource.java getAuthorizerConfig, old vs recent (research point 1); "
           "first release of the fresh object: GUESS 1.3"),
    Switch("auth_whitelisted", "/config/auth is a fresh, whitelisted AuthenticationConfiguration with its schema "
           "defaults (publicKeyUrls [], responseType, tokenValidationAlgorithm); else the YAML block",
           "ConfigResource.getAuthConfig (research point 1, 'Related: /config/auth'); boundary GUESS 1.3"),
    Switch("persisted_public_keys", "/config/auth serves the persisted publicKeyUrls again, not the empty default",
           "ConfigResourceTest (#29597): 'Persisted publicKeyUrls must be served'; newest main only"),
    Switch("auth_login", "POST /api/v1/auth/login (and refresh, logout) exists next to /api/v1/users/login",
           "security/auth endpoints of recent releases (research point 3); boundary GUESS 1.12"),
    Switch("logged_in_by_name_and_email", "GET /users/loggedInUser matches name AND e-mail: 400 'Account already "
           "exists...' / 404 'Cannot find user with provided name and email'; else by name",
           "jdbi3/UserRepository.java getLoggedInUserByNameAndEmail (jakarta; research point 2); boundary GUESS 1.6"),
    Switch("email_first", "JwtFilter resolves the user from the e-mail claim: 401 'User with email ... is not "
           "registered' for a name that exists with another e-mail",
           "security/JwtFilter.java newest (emailClaim, JwtIdentityResolver; research point 2): after 2.0.7"),
    Switch("unknown_kid_status", "answer to a token whose kid no trusted key has",
           "security/MultiUrlJwkProvider.java: older UnhandledServerException (500), newest "
           "SigningKeyNotFoundException -> 401 (research point 2)"),
    Switch("security_config", "GET /api/v1/system/security/config (admin only) exists",
           "resources/system/SystemResource.java getSecurityConfig (research point 4); boundary GUESS 1.9 "
           "(SSO settings stored in the database)"),
    Switch("admin_email_rewrite", "at every start UserUtil gives a listed admin principal the e-mail "
           "`name@principalDomain`: `admins` rewrites existing admins, `promotions` only non-admins it promotes",
           "util/UserUtil.java createOrUpdateUser: jakarta `Boolean.TRUE.equals(originalUser.getIsAdmin())`; "
           "org.openmetadata.service era `Boolean.FALSE.equals(...)` (research point 7); boundary GUESS 1.3"),
    Switch("shipped_principal_domain", "principalDomain in the shipped conf/openmetadata.yaml, so the address "
           "the admin got at first start",
           "conf/openmetadata.yaml ~1.0/1.1 `\"openmetadata.org\"`, ~1.5 and later `\"open-metadata.org\"`; the Helm "
           "chart always open-metadata.org (research point 7); boundary GUESS 1.3"),
    Switch("revoked_token_shape", "GET /users/auth-mechanism/{bot} after POST /users/revokeToken",
           "resources/teams/UserResource.java revokeToken: `new JWTAuthMechanism().withJWTToken(StringUtils.EMPTY)` "
           "in both the dao (~0.13/1.0) and the repository (recent) generations; jwtAuth.json gives "
           "JWTTokenExpiry no default, so it is absent (research point 5)"),
    Switch("access_block_time", "seconds an account stays locked after 3 failed logins (seeded default)",
           "conf/openmetadata.yaml and the older SettingsCache seed: 600; newer seed: 30 (SECURITY-SURFACE 4.5); "
           "boundary GUESS 1.9"),
)


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    legacy_paths: bool
    substring_exclusions: bool
    authorizer_whole: bool
    auth_whitelisted: bool
    persisted_public_keys: bool
    auth_login: bool
    logged_in_by_name_and_email: bool
    email_first: bool
    unknown_kid_status: int
    security_config: bool
    admin_email_rewrite: str
    shipped_principal_domain: str
    revoked_token_shape: str
    access_block_time: int


REVOKED_SHAPE = json.dumps(REVOKED_AUTH_MECHANISM, separators=(",", ":"))


def _release(name: str, version: str, **switches: Any) -> Release:
    recent: dict[str, Any] = {
        "legacy_paths": False, "substring_exclusions": False, "authorizer_whole": False, "auth_whitelisted": True,
        "persisted_public_keys": False, "auth_login": True, "logged_in_by_name_and_email": True,
        "email_first": False, "unknown_kid_status": 500, "security_config": True, "admin_email_rewrite": "admins",
        "shipped_principal_domain": "open-metadata.org", "revoked_token_shape": REVOKED_SHAPE, "access_block_time": 30}
    return Release(name=name, version=version, **{**recent, **switches})


OLD = {"substring_exclusions": True, "authorizer_whole": True, "auth_whitelisted": False, "auth_login": False,
       "logged_in_by_name_and_email": False, "security_config": False, "admin_email_rewrite": "promotions",
       "shipped_principal_domain": "openmetadata.org", "access_block_time": 600}
RELEASES: dict[str, Release] = {r.name: r for r in (
    _release("0.13", "0.13.3", legacy_paths=True, **OLD),
    _release("1.2", "1.2.3", **OLD),
    _release("1.6", "1.6.4", auth_login=False, security_config=False, access_block_time=600),
    _release("1.9", "1.9.12", auth_login=False),
    _release("1.12", "1.12.6"),
    _release("2.0", "2.0.7"),
    _release("main", "2.1.0-SNAPSHOT", persisted_public_keys=True, email_first=True, unknown_kid_status=401),
)}


def on_release(scenario: Scenario, release: Release) -> Scenario:
    """The scenario as a server of `release` serves it."""
    authorizer = scenario.authorizer
    if release.authorizer_whole and "className" not in authorizer:
        # useRolesFromProvider arrived about 1.3 (research point 1): the old block has no such key.
        authorizer = {k: v for k, v in yaml_authorizer(scenario).items() if k != "useRolesFromProvider"}
    elif not release.authorizer_whole and "className" in authorizer:
        authorizer = recent_authorizer(str(authorizer.get("principalDomain", "open-metadata.org")))
    users = scenario.users
    if release.shipped_principal_domain != om_defaults.DEFAULT_PRINCIPAL_DOMAIN:
        users, authorizer = _first_started_on(release.shipped_principal_domain, users, authorizer)
    auth = dict(scenario.auth)
    if not release.auth_whitelisted:
        for key in ("jwtPrincipalClaimsMapping", "enableAutoRedirect"):
            auth.pop(key, None)
        # the YAML block whole: the configured list (the lab's state fills it in), never the schema's []
        auth["publicKeyUrls"] = auth.get("publicKeyUrls") or ["http://localhost:8585/api/v1/system/config/jwks"]
    elif release.persisted_public_keys:
        auth["publicKeyUrls"] = ["http://localhost:8585/api/v1/system/config/jwks"]
    elif "publicKeyUrls" in auth:
        auth["publicKeyUrls"] = []  # a fresh AuthenticationConfiguration: the schema's default (#29597)
    return dataclasses.replace(
        scenario, name=f"{scenario.name}@{release.name}", version=release.version, legacy_paths=release.legacy_paths,
        substring_exclusions=release.substring_exclusions, authorizer=authorizer, auth=auth,
        logged_in_by_name_and_email=release.logged_in_by_name_and_email, unknown_kid_status=release.unknown_kid_status,
        access_block_time=release.access_block_time, auth_login=release.auth_login,
        security_config=release.security_config, email_first=release.email_first, users=users,
        admin_email_rewrite=release.admin_email_rewrite)


def _first_started_on(domain: str, users: tuple[LabUser, ...], authorizer: dict[str, Any],
                      ) -> tuple[tuple[LabUser, ...], dict[str, Any]]:
    """A deployment first started on a release whose YAML shipped `domain`: the addresses and the
    principalDomain that kept the shipped default carry that release's spelling instead."""
    shipped = "@" + om_defaults.DEFAULT_PRINCIPAL_DOMAIN
    moved = tuple(dataclasses.replace(u, email=u.email[: -len(shipped)] + "@" + domain)
                  if u.email.endswith(shipped) else u for u in users)
    if authorizer.get("principalDomain") == om_defaults.DEFAULT_PRINCIPAL_DOMAIN:
        authorizer = {**authorizer, "principalDomain": domain}
    return moved, authorizer


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
