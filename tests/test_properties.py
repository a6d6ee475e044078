"""Property tests: every parser of server data returns a typed value or raises CollectionError.

Whatever a broken or hostile server sends (any JSON value, any shape), nothing else may escape:
no KeyError, TypeError, AttributeError or ValueError reaches the engine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.common.errors import CollectionError
from auditor.sources.cognito.parsers import parse_app_client, parse_user_pool
from auditor.sources.openmetadata.collector import (
    _version_body,
    b64url_to_int,
    parse_auth_config,
    parse_authorizer,
    parse_jwk,
    parse_jwks,
    parse_page,
    parse_user,
)
from auditor.sources.openmetadata.http import HttpAnswer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20)
KEYS = ["provider", "clientType", "enableSelfSignup", "authority", "clientId", "callbackUrl", "jwtPrincipalClaims",
        "publicKeyUrls", "principalDomain", "adminPrincipals", "keys", "data", "paging", "after", "name", "email",
        "isAdmin", "lastLoginTime", "kid", "n", "e", "Id", "Policies", "PasswordPolicy", "SchemaAttributes",
        "Name", "Required", "ClientId", "ReadAttributes", "TokenValidityUnits", "RefreshTokenValidity",
        "UserPoolAddOns", "AdminCreateUserConfig", "CallbackURLs", "ClientSecret", "version"]
objects = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), json_values, max_size=8)


def _typed_or_collection_error(parser: Callable[[Any], object], data: Any) -> None:
    """Any other exception propagates and fails the property."""
    with contextlib.suppress(CollectionError):
        parser(data)


@settings(max_examples=300, deadline=None)
@given(objects)
def test_auth_config_and_authorizer(data: dict[str, Any]) -> None:
    _typed_or_collection_error(lambda d: parse_auth_config(d, "/p"), data)
    _typed_or_collection_error(lambda d: parse_authorizer(d, "/p"), data)


@settings(max_examples=300, deadline=None)
@given(objects, st.lists(objects | json_values, max_size=5))
def test_jwks(data: dict[str, Any], keys: list[Any]) -> None:
    _typed_or_collection_error(lambda d: parse_jwks(d, "/p"), data)
    _typed_or_collection_error(lambda d: parse_jwks(d, "/p"), {"keys": keys})
    for key in keys:
        if isinstance(key, dict):
            _typed_or_collection_error(parse_jwk, key)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=50))
def test_jwk_integers(text: str) -> None:
    _typed_or_collection_error(b64url_to_int, text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.integers(min_value=100, max_value=599))
def test_version(body: bytes, status: int) -> None:
    result = _version_body(HttpAnswer("GET", "/v", status, "application/json", body))
    assert result is None or isinstance(result.version, str)


@settings(max_examples=300, deadline=None)
@given(objects)
def test_users_pages(data: dict[str, Any]) -> None:
    _typed_or_collection_error(lambda d: parse_page(d, "/p"), data)
    _typed_or_collection_error(parse_user, data)


@settings(max_examples=300, deadline=None)
@given(objects)
def test_cognito_describes(data: dict[str, Any]) -> None:
    _typed_or_collection_error(parse_user_pool, data)
    _typed_or_collection_error(parse_app_client, data)


@settings(max_examples=200, deadline=None)
@given(objects)
def test_client_secret_never_survives_parsing(data: dict[str, Any]) -> None:
    data = {**data, "ClientId": "abc123", "ClientSecret": "canary-client-secret-value"}
    client = parse_app_client(data)
    assert "canary-client-secret-value" not in repr(client)
