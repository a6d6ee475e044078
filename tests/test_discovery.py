"""Discovery of the pool and client from OpenMetadata's public auth config."""

from __future__ import annotations

import pytest

from auditor.engine.rulekit import pool_issuer
from auditor.facts.snapshot import AuthConfig
from auditor.scan.discovery import CognitoRequest, DiscoveryError, resolve, validate_request

POOL = "us-west-1_DL8xfTzj8"
AUTHORITY = f"https://cognito-idp.us-west-1.amazonaws.com/{POOL}"
CLIENT = "4d1ab2c3e4f5g6h7i8j9k0lmno"


def auth(provider: str = "aws-cognito", authority: str = AUTHORITY, client: str = CLIENT) -> AuthConfig:
    return AuthConfig(path="/p", provider=provider, client_type="public", enable_self_signup=False,
                      authority=authority, client_id=client, callback_url=None, jwt_principal_claims=(),
                      public_key_urls=None, fields=())


def test_discovers_region_pool_and_client() -> None:
    ref = resolve(CognitoRequest(), auth())
    assert ref is not None
    assert (ref.region, ref.pool_id, ref.client_id, ref.source) == ("us-west-1", POOL, CLIENT, "discovered")
    assert pool_issuer(ref.pool_id, None) == AUTHORITY and ref.notes == ()


def test_trailing_slash_authority_is_accepted() -> None:
    ref = resolve(CognitoRequest(), auth(authority=AUTHORITY + "/"))
    assert ref is not None and ref.pool_id == POOL


def test_not_cognito_provider_and_no_option_means_no_pool() -> None:
    assert resolve(CognitoRequest(), auth(provider="basic")) is None


@pytest.mark.parametrize("authority", ["https://accounts.google.com", "http://cognito-idp.us-west-1.amazonaws.com/"
                                       + POOL, "https://cognito-idp.us-west-1.amazonaws.com/", ""])
def test_broken_authority_is_a_discovery_error(authority: str) -> None:
    with pytest.raises(DiscoveryError):
        resolve(CognitoRequest(), auth(authority=authority))


def test_explicit_pool_that_disagrees_is_audited_with_a_note() -> None:
    ref = resolve(CognitoRequest(pool_id="eu-west-1_Other1234"), auth())
    assert ref is not None
    assert (ref.pool_id, ref.region, ref.source, ref.client_id) == ("eu-west-1_Other1234", "eu-west-1", "option", None)
    assert any("differs from the pool OpenMetadata uses" in n for n in ref.notes)


def test_explicit_client_that_disagrees_is_audited_with_a_note() -> None:
    ref = resolve(CognitoRequest(client_id="zzzzzzzzzzzzzzzzzzzzzzzzzz"), auth())
    assert ref is not None and ref.client_id == "zzzzzzzzzzzzzzzzzzzzzzzzzz"
    assert any("differs from OpenMetadata's clientId" in n for n in ref.notes)


def test_invalid_discovered_client_id_is_noted() -> None:
    ref = resolve(CognitoRequest(), auth(client="{Client ID}"))
    assert ref is not None and ref.client_id is None
    assert any("not a valid Cognito app client ID" in n for n in ref.notes)


def test_cognito_only_needs_a_region_it_can_find() -> None:
    ref = resolve(CognitoRequest(pool_id="us-east-1_abc123"), None)
    assert ref is not None and ref.region == "us-east-1"
    with pytest.raises(DiscoveryError, match="--aws-region"):
        resolve(CognitoRequest(pool_id="local_abc123"), None)


@pytest.mark.parametrize("req", [CognitoRequest(pool_id="no-underscore"), CognitoRequest(region="mars"),
                                 CognitoRequest(client_id="bad id!")])
def test_invalid_options_are_refused(req: CognitoRequest) -> None:
    with pytest.raises(ValueError):
        validate_request(req)


def test_a_custom_oidc_provider_pointed_at_cognito_is_discovered() -> None:
    """SSO configured in the UI can name custom-oidc with a Cognito issuer (CustomOidcValidator accepts
    any discovery URL): the pool is audited, not silently left out."""
    ref = resolve(CognitoRequest(), auth(provider="custom-oidc"))
    assert ref is not None and ref.source == "discovered"
    assert resolve(CognitoRequest(), auth(provider="basic")) is None


def test_the_updated_issuer_authority_names_the_pool() -> None:
    """IssuerConfiguration UPDATED: tokens come from issuer-cognito-idp.<primary region> (botocore 1.44.8)."""
    ref = resolve(CognitoRequest(), auth(authority=AUTHORITY.replace("https://cognito-idp.", "https://issuer-cognito-idp.")))
    assert ref is not None and (ref.region, ref.pool_id) == ("us-west-1", POOL)
