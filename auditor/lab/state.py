"""The lab's state: one scenario's users, bots, keys and tokens, the login lockout, and the request log.

Sources: SECURITY-SURFACE.md sections 4-8; the lockout is LoginAttemptCache (open-metadata/OpenMetadata
openmetadata-service/.../security/auth/LoginAttemptCache.java, 2.x): a Guava cache with
expireAfterWrite(accessBlockTime), blocked at maxLoginFailAttempts. Tokens carry JWTTokenGenerator's claims.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from auditor.facts import om_defaults
from auditor.lab.cognito import moto_pool_keys
from auditor.lab.jwt import LabKey
from auditor.lab.scenarios import Scenario, started_users


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


def build_state(scenario: Scenario, authority: str | None, client_id: str | None) -> LabState:
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
        users[u.name] = {**user_entity(u.name, u.email, is_admin=u.is_admin, is_bot=False), "deleted": u.deleted}
        passwords[u.name] = u.password
    for b in scenario.bots:
        user = user_entity(b.name, f"{b.name}@{domain}", is_admin=False, is_bot=True)
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
        state.bot_tokens[b.name] = mint(state, b.name, users[b.name]["email"], bot=True,
                                         expiry=bot_expiry[users[b.name]["id"]])
    return state


def configured_public_keys(scenario: Scenario, authority: object) -> list[str]:
    """authenticationConfiguration.publicKeyUrls as the deployment configured it: the pool's JWKS (a
    Cognito scenario) and OpenMetadata's own, as the Cognito guide lists them, then the scenario's extras."""
    keys = [f"{authority}/.well-known/jwks.json"] if scenario.cognito is not None and authority else []
    return [*keys, "http://localhost:8585/api/v1/system/config/jwks", *scenario.extra_public_keys]


def user_entity(name: str, email: str, *, is_admin: bool, is_bot: bool) -> dict[str, Any]:
    uid = str(uuid.uuid5(uuid.NAMESPACE_DNS, "user." + name))
    return {"id": uid, "name": name, "fullyQualifiedName": name, "displayName": name, "email": email,
            "isAdmin": is_admin, "isBot": is_bot, "isEmailVerified": True, "deleted": False,
            "version": 0.1, "updatedAt": 1732600000000, "updatedBy": "admin",
            "href": f"http://localhost:8585/api/v1/users/{uid}"}


def mint(state: LabState, name: str, email: str, *, bot: bool = False, expiry: str | None = None,
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
