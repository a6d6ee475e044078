"""OMA118 (untrusted key sources): a snapshot in, exact status, severity and message out. The cases
are the rule's docs: the audited pool's JWKS and OpenMetadata's own are trusted; a public provider's
keys, another pool's JWKS and plain http to a host off the cluster are not."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from auditor.facts.snapshot import Problem, SecurityConfig
from auditor.report.model import Severity, Status, TargetInfo
from tests.helpers import run
from tests.rules.builders import POOL_ID, cognito, om_auth, pool

POOL_JWKS = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}/.well-known/jwks.json"
OWN = "http://localhost:8585/api/v1/system/config/jwks"
GOOGLE = "https://www.googleapis.com/oauth2/v3/certs"


def admin_view(*urls: str) -> SecurityConfig:
    return SecurityConfig("/api/v1/system/security/config", True, "public", public_key_urls=urls)


def live(*urls: str, anonymous: tuple[str, ...] = ()) -> object:
    s = cognito(auth=om_auth(public_key_urls=anonymous))
    return dataclasses.replace(s, om=dataclasses.replace(s.om, security_config=admin_view(*urls)))


def files(urls: tuple[str, ...] | None, pool_id: str = "aws_cognito_user_pool.main",
          authority: str | None = None) -> object:
    s = cognito(auth=om_auth(public_key_urls=urls, authority=authority, path="deploy/openmetadata.yaml"),
                user_pool=pool(id=pool_id))
    return dataclasses.replace(s, target=TargetInfo(name="files", om_url=None))


@pytest.mark.parametrize(("urls", "status", "severity", "words"), [
    ((POOL_JWKS, OWN), Status.PASS, None, "every publicKeyUrls entry is the user pool's JWKS or OpenMetadata's own"),
    ((POOL_JWKS, "http://openmetadata:8585/api/v1/system/config/jwks"), Status.PASS, None, "every publicKeyUrls entry"),
    ((POOL_JWKS, "http://om.ns.svc.cluster.local:8585/api/v1/system/config/jwks"), Status.PASS, None,
     "every publicKeyUrls entry"),
    ((POOL_JWKS, "https://om.example.com/api/v1/system/config/jwks"), Status.PASS, None, "every publicKeyUrls entry"),
    ((POOL_JWKS, OWN, GOOGLE), Status.FAIL, Severity.HIGH,
     f"{GOOGLE}: Google's keys: a token of any Google account verifies"),
    (("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1/.well-known/jwks.json", OWN), Status.FAIL,
     Severity.HIGH, "the JWKS of another user pool (eu-west-1_Other1): its users' tokens verify"),
    ((POOL_JWKS, "http://om.example.com/api/v1/system/config/jwks"), Status.FAIL, Severity.MEDIUM,
     "OpenMetadata's keys fetched over plain http from om.example.com: anyone on the path can add keys"),
    ((POOL_JWKS, "http://keys.example.net/jwks.json"), Status.FAIL, Severity.HIGH,
     "keys of a foreign issuer (keys.example.net): its tokens verify, and they are fetched over plain http"),
    ((POOL_JWKS, "file:///etc/keys.json"), Status.FAIL, Severity.HIGH, "file:///etc/keys.json: not an http(s) URL"),
    # OpenMetadata's JWKS path on a host that is not this OpenMetadata's (found by reviewing the rule).
    ((POOL_JWKS, "https://evil.example/api/v1/system/config/jwks"), Status.FAIL, Severity.HIGH,
     "the keys of another host's OpenMetadata (evil.example), not this one's: tokens minted there verify here"),
])
def test_each_key_source_as_the_admin_sees_it(urls: tuple[str, ...], status: Status, severity: Severity | None,
                                              words: str) -> None:
    [outcome] = run("OMA118", live(*urls))  # type: ignore[arg-type]
    assert outcome.status == status and words in outcome.message, outcome.message
    # The rule's severity is medium; a graver finding carries its own.
    assert outcome.severity == (severity if severity is not Severity.MEDIUM else None)
    assert outcome.evidence["public_key_urls"] == list(urls)
    assert outcome.evidence["source"] == "/api/v1/system/security/config"


def test_anonymous_callers_see_the_schema_default_not_the_list() -> None:
    """Most releases serve `publicKeyUrls: []` to anonymous callers: not the configuration."""
    s = cognito(auth=om_auth(public_key_urls=()))
    s = dataclasses.replace(s, problems={"om.security_config": Problem("skipped", "needs an OpenMetadata admin token")})
    [outcome] = run("OMA118", s)
    assert outcome.status == Status.SKIPPED and "an admin token (--om-token) reads them" in outcome.message
    # A release that serves the configured list (the newest main) is judged from it.
    [outcome] = run("OMA118", cognito(auth=om_auth(public_key_urls=(POOL_JWKS, GOOGLE))))
    assert (outcome.status, outcome.severity) == (Status.FAIL, Severity.HIGH)
    assert outcome.evidence["source"] == "/api/v1/system/config/auth"


def test_files_judge_by_the_authority_when_the_pool_id_comes_at_deploy() -> None:
    other = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Prod99/.well-known/jwks.json"
    [outcome] = run("OMA118", files((other, OWN)))  # type: ignore[arg-type]
    assert outcome.status == Status.PASS  # no pool id known: any Cognito JWKS
    [outcome] = run("OMA118", files((other, OWN), authority=f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"))  # type: ignore[arg-type]
    assert (outcome.status, outcome.severity) == (Status.FAIL, Severity.HIGH)
    assert outcome.evidence["trusted_pools"] == [POOL_ID]
    [outcome] = run("OMA118", files(None))  # type: ignore[arg-type]
    assert outcome.status == Status.SKIPPED and outcome.message == "publicKeyUrls is not set in the files given"
    [outcome] = run("OMA118", files(()))  # type: ignore[arg-type]
    assert outcome.status == Status.PASS and "only OpenMetadata's own key" in outcome.message
    # A file scan knows OpenMetadata's own host from its callback (om_auth's: om.example.com).
    own = "https://om.example.com/api/v1/system/config/jwks"
    assert [o.status for o in run("OMA118", files((own,)))] == [Status.PASS]  # type: ignore[arg-type]
    other = "https://staging.example.com/api/v1/system/config/jwks"
    assert [o.severity for o in run("OMA118", files((other,)))] == [Severity.HIGH]  # type: ignore[arg-type]


def test_another_provider_trusts_its_own_issuer_and_a_variable_host_is_unknown() -> None:
    """stackabletech's demo (tests/data/real/k8s): custom-oidc with `$(ISSUER_URL)/protocol/...`."""
    keycloak = om_auth(provider="custom-oidc", authority="https://sso.example.com/realms/om")
    s = cognito(auth=keycloak)
    s = dataclasses.replace(s, om=dataclasses.replace(s.om, security_config=admin_view(
        "https://sso.example.com/realms/om/protocol/openid-connect/certs", OWN)))
    assert [o.status for o in run("OMA118", s)] == [Status.PASS]
    google = cognito(auth=om_auth(provider="google", authority="https://accounts.google.com"))
    google = dataclasses.replace(google, om=dataclasses.replace(google.om, security_config=admin_view(GOOGLE, OWN)))
    assert [o.status for o in run("OMA118", google)] == [Status.PASS]
    variable = "$(ISSUER_URL)/protocol/openid-connect/certs"
    [outcome] = run("OMA118", live(variable, OWN))  # type: ignore[arg-type]
    assert outcome.status == Status.SKIPPED and outcome.message.startswith(f"publicKeyUrls {variable}: its host")
    [outcome] = run("OMA118", live(variable, GOOGLE))  # type: ignore[arg-type]
    assert (outcome.status, outcome.severity) == (Status.FAIL, Severity.HIGH)


@pytest.mark.parametrize(("url", "status"), [
    # Found by a review of the rule.
    (f"https://cognito-idp.us-east-1.amazonaws.com:443/{POOL_ID}/.well-known/jwks.json", Status.PASS),
    (f"https://COGNITO-IDP.us-east-1.amazonaws.com./{POOL_ID}/.well-known/jwks.json", Status.PASS),
    (f"https://cognito-idp.us-east-1.amazonaws.com@evil.example/{POOL_ID}/.well-known/jwks.json", Status.FAIL),
    ("http://localtest.me:8585/api/v1/system/config/jwks", Status.FAIL),  # a public name for 127.0.0.1
    ("https://$(X)@www.googleapis.com/oauth2/v3/certs", Status.FAIL),  # the variable is a user name
])
def test_spellings_of_trusted_and_foreign_hosts(url: str, status: Status) -> None:
    [outcome] = run("OMA118", live(url))  # type: ignore[arg-type]
    assert outcome.status == status, outcome.message


def test_an_unused_oidc_callback_does_not_make_its_host_openmetadatas() -> None:
    s: Any = files(("https://evil.example/api/v1/system/config/jwks",))
    s = dataclasses.replace(s, om=dataclasses.replace(s.om, security_config=SecurityConfig(
        "deploy/openmetadata.yaml", True, "public", oidc_callback_url="https://evil.example/callback")))
    [outcome] = run("OMA118", s)
    assert (outcome.status, outcome.severity) == (Status.FAIL, Severity.HIGH)


def test_openmetadatas_keys_on_a_named_host_are_unknown_when_the_files_name_no_own_host() -> None:
    """The guide's slips (tests/data/files/om/slips.env): the callback is left on localhost, so the
    files do not say which host is OpenMetadata's; its JWKS on om.example.com is neither trusted nor
    failed (CI caught the false FAIL)."""
    s: Any = files(("https://om.example.com/api/v1/system/config/jwks", POOL_JWKS))
    s = dataclasses.replace(s, om=dataclasses.replace(s.om, auth_config=dataclasses.replace(
        s.om.auth_config, callback_url="http://localhost:8585/callback")))
    [outcome] = run("OMA118", s)
    assert outcome.status == Status.SKIPPED
    assert "on a host the files do not name as OpenMetadata's own" in outcome.message


def test_a_failed_admin_view_is_an_error_not_a_skip() -> None:
    s = cognito(auth=om_auth(public_key_urls=()))
    s = dataclasses.replace(s, problems={"om.security_config": Problem(
        "error", "GET /api/v1/system/security/config answered HTTP 500")})
    [outcome] = run("OMA118", s)
    assert (outcome.status, outcome.message) == (
        Status.ERROR, "could not read publicKeyUrls: GET /api/v1/system/security/config answered HTTP 500")
