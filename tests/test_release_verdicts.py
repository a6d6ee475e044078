"""Verdicts true to real OpenMetadata servers: answers shaped as recent releases give them.

Each case comes from OpenMetadata's source (docs/research/issue-11-openmetadata-source.md, cited per
test); each failed on the main branch before the fix it names.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from auditor.facts.snapshot import AdminAccount, AuthConfig, BotInfo, UserInfo
from auditor.report.model import Status
from auditor.sources.openmetadata.collector import parse_authorizer
from tests.conftest import run_cli
from tests.helpers import only_status, snap
from tests.rawhttp import RawServer, answer

Answer = tuple[int, dict[str, Any]]
RECENT_AUTHORIZER = {"adminPrincipals": [], "testPrincipals": [], "allowedEmailRegistrationDomains": [],
                     "principalDomain": "open-metadata.org", "allowedDomains": [], "useRolesFromProvider": False}


def _auth(provider: str) -> AuthConfig:
    return AuthConfig("/api/v1/system/config/auth", provider, "public", False, "", "", "", (), (), ("provider",))


def test_oma111_empty_defaults_of_a_recent_server_disclose_nothing() -> None:
    """Point 1: ConfigResource.getAuthorizerConfig returns a fresh object; its empty sets are serialized."""
    recent = parse_authorizer(RECENT_AUTHORIZER, "/api/v1/system/config/authorizer")
    assert only_status("OMA111", snap(authorizer=recent)) is Status.PASS
    old = parse_authorizer({**RECENT_AUTHORIZER, "adminPrincipals": ["admin", "ops"]}, "/p")
    assert only_status("OMA111", snap(authorizer=old)) is Status.FAIL
    internals = parse_authorizer({"className": "org.openmetadata.service.security.DefaultAuthorizer"}, "/p")
    assert only_status("OMA111", snap(authorizer=internals)) is Status.FAIL


def test_openmetadata_provider_takes_passwords() -> None:
    """Point 3: AuthServeletHandlerFactory serves OPENMETADATA with the basic handler."""
    admin = AdminAccount(True, UserInfo("admin", "admin@open-metadata.org", True, False, False, None))
    for provider in ("basic", "openmetadata", "ldap"):
        assert only_status("OMA103", snap(auth_config=_auth(provider))) is Status.FAIL, provider
        assert only_status("OMA102", snap(auth_config=_auth(provider), admin_user=admin)) is Status.SKIPPED
    assert only_status("OMA103", snap(auth_config=_auth("aws-cognito"))) is Status.PASS


def test_a_soft_deleted_admin_is_reported_as_such() -> None:
    """Point 6: GET /users/name/admin defaults to include=non-deleted; a soft-deleted admin can be restored."""
    deleted = AdminAccount(True, UserInfo("admin", "admin@open-metadata.org", True, False, True, None))
    assert only_status("OMA102", snap(auth_config=_auth("aws-cognito"), admin_user=deleted)) is Status.FAIL


def test_a_revoked_bot_token_is_no_live_token() -> None:
    """Point 5: UserResource.revokeToken stores JWTToken "" with no expiry."""
    revoked = BotInfo("ingestion-bot", "ingestion-bot", "JWT", None, None, revoked=True)
    assert only_status("OMA113", snap(bots=(revoked,))) is Status.PASS


def _token_server(login_config: tuple[int, int, str], logged_in: tuple[int, str]) -> dict[str, Any]:
    """loginConfig: (status without a token, with the default token, message); loggedInUser: (status, message)."""
    def config(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
        status = login_config[1] if "authorization" in headers else login_config[0]
        body = {"maxLoginFailAttempts": 3} if status == 200 else {"code": status, "message": login_config[2]}
        answer(sock, status, json.dumps(body).encode())

    def whoami(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
        answer(sock, logged_in[0], json.dumps({"code": logged_in[0], "message": logged_in[1]}).encode())
    return {"/api/v1/system/config/loginConfig": config, "/api/v1/users/loggedInUser": whoami}


def _oma105(routes: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    with RawServer(routes) as server:
        result = run_cli("scan", "--om-url", server.url, "--active", "--rules", "OMA105", "--format", "json",
                         "--output-dir", str(tmp_path))
    return next(f for f in result.json()["findings"] if f["rule_id"] == "OMA105")


def test_oma105_reads_what_each_release_answers(tmp_path: Path) -> None:
    """Point 2: answers that come only after JwtFilter verified the signature are acceptance."""
    not_registered = ("Not Authorized! User with email admin@openmetadata.org is not registered. "
                      "Contact your administrator.")
    cases = [
        ((401, 200, ""), (200, ""), "FAIL"),  # signature-only endpoint accepts the token
        ((200, 200, ""), (400, "Account already exists. Please contact administrator."), "FAIL"),  # <=1.2-style public
        ((200, 200, ""), (404, "Cannot find user with provided name and email"), "FAIL"),
        ((401, 401, not_registered), (401, not_registered), "FAIL"),  # newest email-first flow
        ((404, 404, "Not found"), (500, "An exception with message [JWT Token keyID doesn't match the configured "
                                        "keyID. ...] was thrown while processing request."), "PASS"),
        ((401, 401, "Not Authorized! Invalid token. Public key mismatch."), (401, "Not Authorized!"), "PASS"),
    ]
    for number, (config, whoami, status) in enumerate(cases):
        finding = _oma105(_token_server(config, whoami), tmp_path / str(number))
        assert finding["status"] == status, (config, whoami, finding["message"])


def test_the_login_probe_tries_each_candidate_account_once(tmp_path: Path) -> None:
    """Point 7: lookup by e-mail (unknown: 400, wrong password: 401); candidates tried until one exists."""
    unknown: Answer = (400, {"code": 400, "message": "You have entered an invalid username or password."})
    wrong: Answer = (401, {"code": 401, "message": "You have entered an invalid username or password."})
    token: Answer = (200, {"accessToken": "x.y.z", "tokenType": "Bearer"})
    cases: list[tuple[dict[str, Answer], str, list[str]]] = [
            ({"admin@example.com": unknown, "admin@open-metadata.org": unknown, "admin@openmetadata.org": token},
             "FAIL", ["admin@example.com", "admin@open-metadata.org", "admin@openmetadata.org"]),
            ({"admin@example.com": wrong}, "PASS", ["admin@example.com"]),
            ({}, "PASS", ["admin@example.com", "admin@open-metadata.org", "admin@openmetadata.org"])]
    for answers, status, tried in cases:
        posts: list[str] = []
        with _LoginServer(answers, posts) as server:
            result = run_cli("scan", "--om-url", server.url, "--active", "--rules", "OMA101", "--format", "json",
                             "--output-dir", str(tmp_path / str(len(tried)) / status))
        finding = next(f for f in result.json()["findings"] if f["rule_id"] == "OMA101")
        assert finding["status"] == status, finding["message"]
        assert posts == tried and finding["evidence"]["attempts"] == tried


def test_the_login_probe_falls_back_to_auth_login(tmp_path: Path) -> None:
    """Point 3: recent releases also serve /api/v1/auth/login; a 404 on the old path consumed no attempt."""
    posts: list[str] = []
    with _LoginServer({"admin@example.com": (200, {"accessToken": "a.b.c"})}, posts, path="/api/v1/auth/login") as s:
        result = run_cli("scan", "--om-url", s.url, "--active", "--rules", "OMA101", "--format", "json",
                         "--output-dir", str(tmp_path))
    finding = next(f for f in result.json()["findings"] if f["rule_id"] == "OMA101")
    assert finding["status"] == "FAIL" and finding["resource"].endswith("/api/v1/auth/login")
    assert posts == ["admin@example.com"]


class _LoginServer(RawServer):
    """A server whose login endpoint answers per e-mail (unknown e-mails: 400), recording each e-mail sent;
    any other POST is a 404, as on a release without that endpoint."""

    def __init__(self, answers: dict[str, Answer], posts: list[str], path: str = "/api/v1/users/login") -> None:
        unknown: Answer = (400, {"code": 400, "message": "You have entered an invalid username or password."})
        authorizer = json.dumps({**RECENT_AUTHORIZER, "principalDomain": "example.com"}).encode()

        def login(sock: socket.socket, target: str, headers: dict[str, str]) -> None:
            email = json.loads(headers["_body"])["email"]
            posts.append(email)
            status, payload = answers.get(email, unknown)
            answer(sock, status, json.dumps(payload).encode())

        def missing(sock: socket.socket, target: str, headers: dict[str, str]) -> None:
            answer(sock, 404, b'{"code": 404, "message": "HTTP 404 Not Found"}')

        routes = {"/api/v1/users/login": missing, "/api/v1/auth/login": missing, path: login,
                  "/api/v1/system/config/authorizer": lambda s, p, h: answer(s, 200, authorizer)}
        super().__init__(routes)


def test_the_login_probe_finds_an_admin_left_on_its_first_start_address(lab_factory: Any, tmp_path: Path) -> None:
    """Research point 7: the domain changed and admin dropped from the principals, so UserUtil no longer
    rewrites its e-mail. Without a token the probe tries admin@<principalDomain> (400: unknown) and then
    the shipped address; with an admin token it reads the address and tries only that one."""
    lab = lab_factory("renamed-domain")
    blind = run_cli("scan", "--om-url", lab.url, "--active", "--rules", "OMA101", "--format", "json",
                    "--output-dir", str(tmp_path / "blind"))
    finding = blind.json()["findings"][0]
    assert (finding["status"], finding["evidence"]["attempts"]) == ("FAIL", ["admin@example.com",
                                                                          "admin@open-metadata.org"])
    assert blind.code == 1
    lab = lab_factory("renamed-domain")  # a fresh lab: the first one's ledger and lockout counters are spent
    informed = run_cli("scan", "--om-url", lab.url, "--active", "--rules", "OMA101", "--format", "json",
                       "--output-dir", str(tmp_path / "informed"), env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    finding = informed.json()["findings"][0]
    assert (finding["status"], finding["evidence"]["attempts"]) == ("FAIL", ["admin@open-metadata.org"])
