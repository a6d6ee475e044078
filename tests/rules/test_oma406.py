"""OMA406 (files drift from live): a live snapshot with the reviewed files' snapshot in, one exact
verdict per setting out. The cases are the rule's table: each setting weaker live FAILs, naming both
values and pointing at the file's line; the same or stronger PASSes; a setting the files leave
unset or to deploy time is SKIPPED alone; the admin-only views are SKIPPED without a token and ERROR
when their read failed."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from auditor.engine.evaluate import evaluate
from auditor.facts.snapshot import AuthorizerConfig, ConfFacts, Problem, SecurityConfig, Snapshot, Unknown
from auditor.report.model import Location, Severity, Status, TargetInfo
from tests.helpers import URL, rule, run
from tests.rules.builders import POOL_ID, cognito, om_auth, pool

POOL_JWKS = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}/.well-known/jwks.json"
OWN = "https://om.example.com/api/v1/system/config/jwks"
GOOGLE = "https://www.googleapis.com/oauth2/v3/certs"
AUTH = f"{URL}/api/v1/system/config/auth"
SECURITY = f"{URL}/api/v1/system/security/config"
POOL = f"cognito:user-pool/{POOL_ID}#AllowAdminCreateUserOnly"
VALUES = "deploy/values.yaml"
LINES = {"om.auth_config.enable_self_signup": 9, "om.auth_config.client_id": 14, "om.auth_config.authority": 13,
         "om.auth_config.callback_url": 15, "om.auth_config.public_key_urls": 10,
         "conf.enforce_principal_domain": 6, "conf.initial_admins": 4, "om.security_config": 20,
         "om.auth_config.disable_pkce": 21, "om.auth_config": 8, "conf.initial_admins.x": 4,
         f"cognito.user_pool.allow_admin_create_user_only#cognito:user-pool/{POOL_ID}": 30}


def security(**changes: Any) -> SecurityConfig:
    base = SecurityConfig("/api/v1/system/security/config", True, "public", public_key_urls=(POOL_JWKS, OWN),
                          enforce_principal_domain=True, admin_principals=("alice",))
    return dataclasses.replace(base, **changes)


FILES_PKCE = SecurityConfig(VALUES, True, "public", disable_pkce=False)


def reviewed(auth: Any = None, enforce: Any = True, admins: Any = ("alice",), user_pool: Any = None,
             security_config: SecurityConfig | None = FILES_PKCE) -> Snapshot:
    s: Snapshot = cognito(auth=auth or om_auth(path=VALUES, public_key_urls=(POOL_JWKS, OWN)),
                          user_pool=user_pool or pool(id="aws_cognito_user_pool.main"))
    return dataclasses.replace(
        s, target=TargetInfo(name="files"), om=dataclasses.replace(s.om, security_config=security_config),
        conf=ConfFacts(enforce_principal_domain=enforce, initial_admins=admins),
        locations={k: Location(VALUES, line) for k, line in LINES.items()})


def live(files: Snapshot | None, auth: Any = None, security_config: SecurityConfig | None = None,
         user_pool: Any = None, problems: dict[str, Problem] | None = None) -> Snapshot:
    s: Snapshot = cognito(auth=auth or om_auth(), user_pool=user_pool or pool())
    return dataclasses.replace(s, om=dataclasses.replace(s.om, security_config=security_config or security()),
                               reviewed=files, problems=problems or {})


def by_resource(snapshot: Snapshot) -> dict[str, tuple[Status, str]]:
    return {o.resource: (o.status, o.message) for o in run("OMA406", snapshot)}


def test_the_same_configuration_passes_every_setting() -> None:
    verdicts = by_resource(live(reviewed()))
    assert {r: s for r, (s, _) in verdicts.items()} == {
        f"{AUTH}#enableSelfSignup": Status.PASS, f"{AUTH}#clientId": Status.PASS, f"{AUTH}#authority": Status.PASS,
        f"{AUTH}#callbackUrl": Status.PASS, f"{SECURITY}#publicKeyUrls": Status.PASS,
        f"{SECURITY}#enforcePrincipalDomain": Status.PASS, f"{SECURITY}#adminPrincipals": Status.PASS,
        f"{SECURITY}#disablePkce": Status.PASS, POOL: Status.PASS}


@pytest.mark.parametrize(("change", "resource", "severity", "message"), [
    ({"auth": om_auth(enable_self_signup=True)}, f"{AUTH}#enableSelfSignup", Severity.HIGH,
     "self sign-up is on in the running server (enableSelfSignup true) but off in the files (false)"),
    ({"auth": om_auth(client_id="other000000000000000000001")}, f"{AUTH}#clientId", Severity.MEDIUM,
     "clientId is other000000000000000000001 in the running server but client0000000001 in the files: it was not "
     "reviewed"),
    ({"auth": om_auth(authority="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")},
     f"{AUTH}#authority", Severity.MEDIUM, "authority is https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other "
     "in the running server but https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc123 in the files"),
    ({"auth": om_auth(callback_url="http://localhost:8585/callback")}, f"{AUTH}#callbackUrl", Severity.MEDIUM,
     "callbackUrl is http://localhost:8585/callback in the running server but https://om.example.com/callback in "
     "the files: another host than the files' om.example.com, plain http, a loopback address"),
    ({"security_config": security(public_key_urls=(POOL_JWKS, OWN, GOOGLE))}, f"{SECURITY}#publicKeyUrls",
     Severity.HIGH, f"the running server trusts keys the files do not list: {GOOGLE}"),
    ({"security_config": security(enforce_principal_domain=False)}, f"{SECURITY}#enforcePrincipalDomain",
     Severity.HIGH, "enforcePrincipalDomain is off in the running server but on in the files"),
    ({"security_config": security(admin_principals=("alice", "mallory"))}, f"{SECURITY}#adminPrincipals",
     Severity.HIGH, "the running server makes administrators the files do not name: mallory"),
    ({"user_pool": pool(allow_admin_create_user_only=False)}, POOL, Severity.HIGH,
     "the running pool lets anyone sign up (AllowAdminCreateUserOnly false) but the files close sign-up (true)"),
])
def test_each_setting_weaker_live_fails_alone(change: dict[str, Any], resource: str, severity: Severity,
                                              message: str) -> None:
    snapshot = live(reviewed(), **change)
    outcomes = run("OMA406", snapshot)
    failed = [o for o in outcomes if o.status == Status.FAIL]
    assert [o.resource for o in failed] == [resource]
    assert message in failed[0].message and (failed[0].severity or Severity.MEDIUM) == severity
    [finding] = [f for f in evaluate([snapshot], [rule("OMA406")]) if f.status == Status.FAIL]
    field = failed[0].fields[0].removeprefix("reviewed.")
    assert finding.location == Location(VALUES, snapshot.reviewed.where(field).line)  # type: ignore[union-attr]


def test_a_confidential_client_without_pkce_live_fails_where_the_files_had_it() -> None:
    files = reviewed(auth=om_auth(path=VALUES, client_type="confidential", public_key_urls=(POOL_JWKS, OWN)),
                     security_config=SecurityConfig(VALUES, True, "confidential",
                                                    oidc_callback_url="https://om.example.com/callback",
                                                    disable_pkce=False))
    running = live(files, auth=om_auth(client_type="confidential"),
                   security_config=security(client_type="confidential",
                                            oidc_callback_url="https://om.example.com/callback"))
    verdicts = by_resource(running)
    assert verdicts[f"{SECURITY}#disablePkce"] == (
        Status.FAIL, "the confidential client runs without PKCE in the running server (disablePkce absent, so true) "
        "but with it in the files (false)")
    assert verdicts[f"{AUTH}#callbackUrl"][0] == Status.PASS


def test_a_stronger_or_merely_different_callback_passes() -> None:
    files = reviewed(auth=om_auth(path=VALUES, callback_url="http://localhost:8585/callback",
                                  public_key_urls=(POOL_JWKS, OWN)))
    status, message = by_resource(live(files))[f"{AUTH}#callbackUrl"]
    assert status == Status.PASS and "not weaker" in message
    files = reviewed(auth=om_auth(path=VALUES, callback_url="https://om.example.com/other/callback",
                                  public_key_urls=(POOL_JWKS, OWN)))
    assert by_resource(live(files))[f"{AUTH}#callbackUrl"][0] == Status.PASS


def test_a_value_left_to_deploy_time_skips_that_setting_only() -> None:
    files = reviewed(auth=om_auth(path=VALUES, client_id=Unknown("clientId: ${OM_CLIENT_ID} has no value"),
                                  public_key_urls=(POOL_JWKS, OWN)),
                     user_pool=pool(id="aws_cognito_user_pool.main",
                                    allow_admin_create_user_only=Unknown("AllowAdminCreateUserOnly: !Ref Open")))
    verdicts = by_resource(live(files, user_pool=pool(allow_admin_create_user_only=False)))
    assert verdicts[f"{AUTH}#clientId"] == (
        Status.SKIPPED, "the files leave it to deploy time: clientId: ${OM_CLIENT_ID} has no value")
    assert verdicts[POOL] == (Status.SKIPPED, "the files leave it to deploy time: AllowAdminCreateUserOnly: !Ref Open")
    assert sum(s == Status.PASS for s, _ in verdicts.values()) == 7


def test_what_the_files_do_not_set_is_skipped() -> None:
    files = dataclasses.replace(reviewed(enforce=None, admins=None), cognito=dataclasses.replace(
        reviewed().cognito, user_pool=None))
    verdicts = by_resource(live(files))
    assert verdicts[f"{SECURITY}#enforcePrincipalDomain"] == (
        Status.SKIPPED, "the files given do not set enforcePrincipalDomain")
    assert verdicts[f"{SECURITY}#adminPrincipals"] == (Status.SKIPPED, "the files given do not set adminPrincipals")
    assert verdicts[POOL] == (Status.SKIPPED, "the files given define no user pool")


def test_admin_only_settings_without_a_token_are_skipped_and_a_failed_read_is_error() -> None:
    base = cognito(auth=om_auth())
    no_token = dataclasses.replace(base, reviewed=reviewed(), problems={
        "om.security_config": Problem("skipped", "needs an admin token")})
    verdicts = by_resource(no_token)
    assert verdicts[f"{SECURITY}#enforcePrincipalDomain"][0] == Status.SKIPPED
    assert verdicts[f"{SECURITY}#adminPrincipals"][0] == Status.SKIPPED
    assert verdicts[f"{SECURITY}#publicKeyUrls"][0] == Status.SKIPPED
    failed = dataclasses.replace(no_token, problems={"om.security_config": Problem("error", "HTTP 500")})
    verdicts = by_resource(failed)
    for setting in ("enforcePrincipalDomain", "adminPrincipals", "publicKeyUrls"):
        assert verdicts[f"{SECURITY}#{setting}"] == (
            Status.ERROR, f"could not read the running server's {setting}: HTTP 500"), setting


def test_an_old_servers_whole_authorizer_block_decides_without_a_token() -> None:
    whole = AuthorizerConfig("/api/v1/system/config/authorizer", "example.com", ("alice", "bob"),
                             ("principalDomain",), internals=("className",), enforce_principal_domain=False)
    base = cognito(auth=om_auth())
    old = dataclasses.replace(base, om=dataclasses.replace(base.om, authorizer=whole), reviewed=reviewed(),
                              problems={"om.security_config": Problem("skipped", "not served by this release")})
    verdicts = by_resource(old)
    assert verdicts[f"{SECURITY}#enforcePrincipalDomain"][0] == Status.FAIL
    assert verdicts[f"{SECURITY}#adminPrincipals"] == (
        Status.FAIL, "the running server makes administrators the files do not name: bob")


def test_without_files_or_without_a_server_it_says_what_would_decide_it() -> None:
    [outcome] = run("OMA406", live(None))
    assert outcome.status == Status.SKIPPED and outcome.message.startswith("give the deployment's files")
    file_scan = dataclasses.replace(reviewed(), target=TargetInfo(name="files"))
    [outcome] = run("OMA406", file_scan)
    assert outcome.status == Status.SKIPPED and outcome.message.startswith("needs a live scan")


# Found by a review (stop 30).
def test_urls_compare_by_scheme_and_host_in_any_case_and_without_a_trailing_slash() -> None:
    running = live(reviewed(), auth=om_auth(authority=f"HTTPS://Cognito-IDP.us-east-1.amazonaws.com/{POOL_ID}/"),
                   security_config=security(public_key_urls=(POOL_JWKS.replace("https://cognito-idp", "https://COGNITO-idp"),
                                                             OWN + "/")))
    verdicts = by_resource(running)
    assert verdicts[f"{AUTH}#authority"][0] == Status.PASS
    assert verdicts[f"{SECURITY}#publicKeyUrls"][0] == Status.PASS


def test_self_signup_the_server_does_not_show_is_skipped_not_passed() -> None:
    verdicts = by_resource(live(reviewed(), auth=om_auth(enable_self_signup=None)))
    assert verdicts[f"{AUTH}#enableSelfSignup"] == (
        Status.SKIPPED, "the running server does not show enableSelfSignup to this scan")


def test_a_callback_leaving_a_loopback_file_value_says_why_it_is_not_weaker() -> None:
    files = reviewed(auth=om_auth(path=VALUES, callback_url="http://localhost:8585/callback",
                                  public_key_urls=(POOL_JWKS, OWN)))
    assert by_resource(live(files))[f"{AUTH}#callbackUrl"] == (
        Status.PASS, "callbackUrl differs (https://om.example.com/callback live, http://localhost:8585/callback in the "
        "files) but is not weaker: the files named a loopback address, and no plain http or loopback live")


def test_a_setting_a_default_filled_is_not_the_files_word() -> None:
    files = dataclasses.replace(reviewed(), defaulted=("om.auth_config.authority", "conf.initial_admins"))
    verdicts = by_resource(live(files, auth=om_auth(authority="https://accounts.google.com"),
                                security_config=security(admin_principals=("mallory",))))
    assert verdicts[f"{AUTH}#authority"][0] == verdicts[f"{SECURITY}#adminPrincipals"][0] == Status.SKIPPED
    assert verdicts[f"{AUTH}#authority"][1].startswith("the files do not set authority: a default fills it")


def test_a_fleet_target_whose_files_could_not_be_read_is_error() -> None:
    from auditor.facts.snapshot import REVIEWED_FILES

    broken = live(None, problems={REVIEWED_FILES: Problem("error", "the deployment's files could not be read: x")})
    [outcome] = run("OMA406", broken)
    assert (outcome.status, outcome.message) == (Status.ERROR, "the deployment's files could not be read: x")
