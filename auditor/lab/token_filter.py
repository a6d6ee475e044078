"""JwtFilter as the lab emulates it: which paths need no token, and who a bearer token is.

Sources: open-metadata/OpenMetadata openmetadata-service/.../security/JwtFilter.java (EXCLUDED_ENDPOINTS:
exact, case-insensitive matches in the 2.x era; `contains()` in javax releases up to 1.2, the root cause of
CVE-2024-28255), MultiUrlJwkProvider.java (an unknown kid), and research point 2 for the e-mail-first
identity of the newest code (docs/research/issue-11-openmetadata-source.md).
"""

from __future__ import annotations

import time
from typing import Any

from auditor.lab.jwt import TokenRejected, UnknownKeyId, verify
from auditor.lab.state import LabState

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

Principal = dict[str, Any]
Refusal = tuple[int, str]  # (status, message) JwtFilter answers with


def excluded(state: LabState, path: str) -> bool:
    """Whether JwtFilter lets `path` (decoded, after /api/) through without a token."""
    if state.scenario.anonymous_access:
        return True
    if state.scenario.release.substring_exclusions:
        return any(e in path for e in LEGACY_EXCLUDED)
    return path.lower() in RECENT_EXCLUDED


def authenticate(state: LabState, header: str) -> Principal | Refusal:
    """JwtFilter: bearer token, signature by kid over trusted keys, exp; bots must match the store."""
    if not header.startswith("Bearer ") or not header[7:].strip():
        return 401, "Not Authorized! Token not present"
    token = header[7:].strip()
    try:
        claims = state.verified.get(token) or verify(token, state.trusted_keys())
        expiry = claims.get("exp")
        if isinstance(expiry, int | float) and expiry < time.time():
            raise TokenRejected("expired")
    except UnknownKeyId as exc:
        status = state.scenario.release.unknown_kid_status
        return status, (f"Not Authorized! {exc}" if status == 401 else
                        "An exception with message [JWT Token keyID doesn't match the configured keyID. This usually "
                        "happens if you didn't configure proper publicKeyUrls under authentication configuration.] "
                        "was thrown while processing request.")
    except TokenRejected:
        return 401, "Not Authorized! Invalid Token"
    # A token's signature is checked once; expiry on every request. (A fleet benchmark would otherwise
    # spend the lab's CPU, on the scanner's cores, re-verifying one token thousands of times.)
    state.verified[token] = claims
    name = principal_name(state, claims)
    email_claim = claims.get("email")
    if state.scenario.release.email_first and claims.get("isBot") is not True and isinstance(email_claim, str):
        # The newest JwtFilter: the user is the one with this e-mail; a name taken by another e-mail is refused.
        owner = next((u for u in state.users.values() if u["email"].lower() == email_claim.lower()), None)
        if owner is None and email_claim.split("@", 1)[0] in state.users:
            return 401, f"Not Authorized! User with email {email_claim} is not registered. Contact your administrator."
        name = owner["name"] if owner else email_claim.split("@", 1)[0]
    if claims.get("isBot") is True and state.bot_tokens.get(name) != token:
        return 401, "Not Authorized! Invalid Token"
    # JwtFilter looks no user up (legacy identity flow): resources do, by name. A principal whose
    # user does not exist is still authenticated; the resource decides (loggedInUser: 404/400).
    user = state.users.get(name)
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    return {**(user or {"name": name, "isAdmin": False, "isBot": False, "missing": True}), "_token_email": email}


def principal_name(state: LabState, claims: dict[str, Any]) -> str:
    for claim in state.auth.get("jwtPrincipalClaims") or ["sub"]:
        value = claims.get(claim)
        if isinstance(value, str) and value:
            return value.split("@", 1)[0]
    return str(claims.get("sub", ""))
