"""OMA1xx unit tests: a snapshot in, exact statuses out. No server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.facts.om_defaults import DEFAULT_KEY_ID, DEFAULT_KEY_MODULUS
from auditor.facts.snapshot import (
    AdminAccount,
    AuthConfig,
    AuthorizerConfig,
    BotInfo,
    Endpoint,
    JwkKey,
    Jwks,
    ProbeResult,
    Problem,
    SecurityConfig,
    UserInfo,
    VersionInfo,
)
from auditor.report.model import Severity, Status
from tests.helpers import only_status, run, snap

ADMIN = UserInfo(name="admin", email="admin@open-metadata.org", is_admin=True, is_bot=False, deleted=False,
                 last_login_time=None)
OTHER_MODULUS = DEFAULT_KEY_MODULUS + 2


def auth(provider: str | None = "aws-cognito", callback: str | None = "https://om.example.com/callback",
         self_signup: bool | None = False) -> AuthConfig:
    return AuthConfig(path="/api/v1/system/config/auth", provider=provider, client_type="public",
                      enable_self_signup=self_signup, authority=None, client_id=None, callback_url=callback,
                      jwt_principal_claims=("email",), public_key_urls=None, fields=("provider",))


CONFIDENTIAL = AuthConfig(path="/api/v1/system/config/auth", provider="aws-cognito", client_type="confidential",
                          enable_self_signup=False, authority=None, client_id=None, callback_url="",
                          jwt_principal_claims=("email",), public_key_urls=None, fields=("provider",))


NO_TOKEN = {"om.security_config": Problem("skipped", "needs an OpenMetadata admin token")}
DENIED = {"om.security_config": Problem("error", "GET /api/v1/system/security/config answered HTTP 403")}


def security(disable_pkce: bool | None, callback: str = "https://om.example.com/callback") -> SecurityConfig:
    return SecurityConfig("/api/v1/system/security/config", True, "confidential", callback, disable_pkce)


def keys(*urls: str) -> SecurityConfig:
    return SecurityConfig("/api/v1/system/security/config", True, "public", public_key_urls=urls)


def jwks(*keys: tuple[str | None, int | None], malformed: tuple[str, ...] = ()) -> Jwks:
    return Jwks(path="/api/v1/system/config/jwks", malformed=malformed,
                keys=tuple(JwkKey(kid=k, kty="RSA", alg="RS256", n_hex=format(n, "x") if n else None, e=65537)
                           for k, n in keys))


def probe(outcome: str, status: int | None = 200) -> ProbeResult:
    return ProbeResult(endpoint="/x", account="admin@open-metadata.org", http_status=status, outcome=outcome,
                       message="")


def version(text: str) -> VersionInfo:
    return VersionInfo(version=text, revision=None, path="/api/v1/system/version")


def bot(expiry: str | None, expires_at: int | None = None, auth_type: str | None = "JWT",
        error: str | None = None) -> BotInfo:
    return BotInfo(name="ingestion-bot", bot_user="ingestion-bot", auth_type=auth_type, token_expiry=expiry,
                   expires_at=expires_at, error=error)


CASES: list[tuple[str, dict[str, Any], Status]] = [
    ("OMA101", {"login_probe": probe("accepted")}, Status.FAIL),
    ("OMA101", {"login_probe": probe("rejected", 401)}, Status.PASS),
    ("OMA101", {"login_probe": probe("not-permitted", 403)}, Status.PASS),
    ("OMA101", {"login_probe": probe("locked", 401)}, Status.ERROR),
    ("OMA102", {"admin_user": AdminAccount(True, ADMIN), "auth_config": auth()}, Status.FAIL),
    ("OMA102", {"admin_user": AdminAccount(False, None), "auth_config": auth()}, Status.PASS),
    ("OMA102", {"admin_user": AdminAccount(True, ADMIN), "auth_config": auth("basic")}, Status.SKIPPED),
    ("OMA102", {"admin_user": AdminAccount(True, ADMIN), "auth_config": auth(None)}, Status.ERROR),
    ("OMA103", {"auth_config": auth("basic")}, Status.FAIL),
    ("OMA103", {"auth_config": auth("aws-cognito")}, Status.PASS),
    ("OMA103", {"auth_config": auth(None)}, Status.ERROR),
    ("OMA104", {"jwks": jwks((DEFAULT_KEY_ID, DEFAULT_KEY_MODULUS))}, Status.FAIL),
    ("OMA104", {"jwks": jwks(("rotated", DEFAULT_KEY_MODULUS))}, Status.FAIL),
    ("OMA104", {"jwks": jwks((DEFAULT_KEY_ID, OTHER_MODULUS))}, Status.PASS),
    ("OMA104", {"jwks": jwks((None, None))}, Status.PASS),
    ("OMA104", {"jwks": jwks(("k", OTHER_MODULUS), malformed=("key 1: not base64url",))}, Status.ERROR),
    ("OMA105", {"token_probe": probe("accepted")}, Status.FAIL),
    ("OMA105", {"token_probe": probe("refused", 401)}, Status.PASS),
    ("OMA106", {"auth_config": auth(callback="http://localhost:8585/callback")}, Status.FAIL),
    ("OMA106", {"auth_config": auth(callback="http://[::1]:8585/callback")}, Status.FAIL),
    ("OMA106", {"auth_config": auth(callback="https://LOCALHOST./callback")}, Status.FAIL),
    ("OMA106", {"auth_config": auth(callback="http://127.1:8585/callback")}, Status.FAIL),
    ("OMA106", {"auth_config": auth(callback="https://om.example.com/callback")}, Status.PASS),
    ("OMA106", {"auth_config": auth("basic", callback="")}, Status.SKIPPED),
    ("OMA107", {"auth_config": auth(callback="http://om.example.com/callback")}, Status.FAIL),
    ("OMA107", {"auth_config": auth(callback="https://om.example.com/callback")}, Status.PASS),
    ("OMA107", {"auth_config": auth(callback=None)}, Status.SKIPPED),
    ("OMA108", {"auth_config": auth(self_signup=True)}, Status.FAIL),
    ("OMA108", {"auth_config": auth(self_signup=False)}, Status.PASS),
    ("OMA108", {"auth_config": auth(self_signup=None)}, Status.ERROR),
    ("OMA109", {"version": version("1.2.3")}, Status.FAIL),
    ("OMA109", {"version": version("1.12.3")}, Status.FAIL),
    ("OMA109", {"version": version("1.12.4")}, Status.PASS),
    ("OMA109", {"version": version("2.0.7")}, Status.PASS),
    ("OMA109", {"version": version("unknown")}, Status.ERROR),
    ("OMA110", {"endpoint": Endpoint("http://om.example.com", "http", "om.example.com")}, Status.FAIL),
    ("OMA110", {"endpoint": Endpoint("https://om.example.com", "https", "om.example.com")}, Status.PASS),
    ("OMA110", {"endpoint": Endpoint("http://127.0.0.1:8585", "http", "127.0.0.1")}, Status.SKIPPED),
    ("OMA111", {"authorizer": AuthorizerConfig("/x", "example.com", ("admin",), ())}, Status.FAIL),
    ("OMA111", {"authorizer": AuthorizerConfig("/x", "example.com", None, ("principalDomain",))}, Status.PASS),
    ("OMA112", {"anonymous_access": probe("accepted")}, Status.FAIL),
    ("OMA112", {"anonymous_access": probe("refused", 401)}, Status.PASS),
    ("OMA113", {"bots": (bot("Unlimited"),)}, Status.FAIL),
    ("OMA113", {"bots": (bot("30", 1800000000000),)}, Status.PASS),
    ("OMA113", {"bots": (bot(None, error="GET ... answered HTTP 403"),)}, Status.ERROR),
    ("OMA113", {"bots": ()}, Status.PASS),
    ("OMA114", {"jwks": jwks((DEFAULT_KEY_ID, OTHER_MODULUS))}, Status.FAIL),
    ("OMA114", {"jwks": jwks((DEFAULT_KEY_ID, DEFAULT_KEY_MODULUS))}, Status.SKIPPED),
    ("OMA114", {"jwks": jwks(("fresh-uuid", OTHER_MODULUS))}, Status.PASS),
    ("OMA115", {"endpoint": Endpoint("https://om.example.com", "https", "om.example.com", "off")}, Status.FAIL),
    ("OMA115", {"endpoint": Endpoint("https://om.example.com", "https", "om.example.com", "custom-ca")}, Status.PASS),
    ("OMA115", {"endpoint": Endpoint("http://om.example.com", "http", "om.example.com", "off")}, Status.SKIPPED),
    ("OMA116", {"auth_config": CONFIDENTIAL, "security_config": security(None)}, Status.FAIL),
    ("OMA116", {"auth_config": CONFIDENTIAL, "security_config": security(True)}, Status.FAIL),
    ("OMA116", {"auth_config": CONFIDENTIAL, "security_config": security(False)}, Status.PASS),
    ("OMA116", {"auth_config": CONFIDENTIAL, "problems": NO_TOKEN}, Status.SKIPPED),
    ("OMA116", {"auth_config": CONFIDENTIAL, "problems": DENIED}, Status.ERROR),
    ("OMA116", {"auth_config": auth()}, Status.SKIPPED),  # public client
    # A confidential client redirects to oidcConfiguration.callbackUrl, not the (empty) public callbackUrl.
    ("OMA106", {"auth_config": CONFIDENTIAL, "security_config": security(True, "http://localhost:8585/callback")},
     Status.FAIL),
    ("OMA106", {"auth_config": CONFIDENTIAL, "problems": NO_TOKEN}, Status.SKIPPED),
    ("OMA106", {"auth_config": CONFIDENTIAL, "problems": DENIED}, Status.ERROR),
    ("OMA107", {"auth_config": CONFIDENTIAL, "security_config": security(True, "http://openmetadata:8585/callback")},
     Status.FAIL),
    ("OMA118", {"auth_config": auth(), "security_config": keys("https://www.googleapis.com/oauth2/v3/certs")},
     Status.FAIL),
    ("OMA118", {"auth_config": auth(), "security_config": keys("http://localhost:8585/api/v1/system/config/jwks")},
     Status.PASS),
    ("OMA118", {"auth_config": auth(), "problems": NO_TOKEN}, Status.SKIPPED),  # served [] to anonymous callers
]


@pytest.mark.parametrize(("rule_id", "facts", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_outcome(rule_id: str, facts: dict[str, Any], expected: Status) -> None:
    assert only_status(rule_id, snap(**facts)) is expected


def test_every_rule_has_pass_and_fail_cases() -> None:
    from tests.helpers import _RULES

    # A rule that also needs the user pool has its own module, with both verdicts (and more).
    own_module = {"OMA117": "test_oma117.py"}
    assert all((Path(__file__).parent / name).is_file() for name in own_module.values())
    om_rules = {rid for rid in _RULES if rid.startswith("OMA1")} - set(own_module)
    for wanted in (Status.PASS, Status.FAIL):
        covered = {c[0] for c in CASES if c[2] is wanted}
        assert om_rules <= covered, f"rules without a {wanted} case: {sorted(om_rules - covered)}"


def test_critical_advisory_raises_the_finding_severity() -> None:
    [outcome] = run("OMA109", snap(version=version("1.2.3")))
    assert outcome.severity is Severity.CRITICAL
    assert "CVE-2024-28255" in outcome.message
    [outcome] = run("OMA109", snap(version=version("1.12.1")))
    assert outcome.severity is None  # high, the rule's own severity
    assert [a["id"] for a in outcome.evidence["advisories"]] == ["CVE-2026-46481"]


def test_callback_evidence_names_the_url() -> None:
    [outcome] = run("OMA106", snap(auth_config=auth(callback="http://0.0.0.0:8585/callback")))
    assert outcome.status is Status.FAIL
    assert outcome.evidence["callback_url"] == "http://0.0.0.0:8585/callback"


@pytest.mark.parametrize("kind", ["error", "skipped"])
def test_missing_input_never_passes_or_fails(kind: str) -> None:
    """For every rule: its first input missing gives ERROR (failed) or SKIPPED (not applicable)."""
    from tests.helpers import _RULES

    gating_itself = {rule_id for rule_id, r in _RULES.items() if not r.meta.needs}
    assert gating_itself == {"OMA406"}  # it judges per setting, each from the side the scan has: test_oma406.py
    for rule_id, r in _RULES.items():
        if rule_id in gating_itself:
            continue
        problems = {need: Problem(kind, "test: not there") for need in r.meta.needs}
        outcomes = run(rule_id, snap(problems=problems))
        expected = Status.ERROR if kind == "error" else Status.SKIPPED
        assert [o.status for o in outcomes] == [expected], rule_id
        assert "test: not there" in outcomes[0].message
