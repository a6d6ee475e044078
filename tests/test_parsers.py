"""Parsers of server data tolerate OpenMetadata's quirks and reject garbage with their own errors."""

from __future__ import annotations

import json

import pytest

from auditor.common.errors import CollectionError
from auditor.common.urls import parse_om_url
from auditor.facts.om_defaults import DEFAULT_KEY_MODULUS
from auditor.sources.openmetadata.collector import b64url_to_int, parse_jwk
from tests.conftest import DATA

OM_N = json.loads((DATA / "default-jwks.json").read_text())["keys"][0]["n"]


@pytest.mark.parametrize("variant", [OM_N, OM_N.rstrip("="), OM_N + "==",
                                     OM_N.replace("-", "+").replace("_", "/")])
def test_default_modulus_decodes_in_every_encoding(variant: str) -> None:
    assert b64url_to_int(variant) == DEFAULT_KEY_MODULUS


def test_normalized_rfc7518_n_is_the_same_integer() -> None:
    normalized = ("2XTHbrS8uYv-THweGDgqRciCTZJIU0NuaPUQT43V7oQgj3EFptWyRd0Q6xZjsf6O8z2zWZd0qNQbMm7qIcnSkBetkJKsoqg1qjT-"
                  "GEKP09GoRQLDpkl7ACgMr6Mxge7uGmE15TFTOBUGJboI3byx-LSzg6rZXr5jdq_8IqP7_OaiRAsLDjefC85Db-N7IE-Fsxe"
                  "DWX8jlyh1bfP-cIOrh9rNZxsXJuc6lloZE0z9CIB0knh1mLsFxQfU_KBgDdL_pLBwq9Kl5nS6veTiF7gplLsr61KOVRzyoyUb"
                  "V7-TPb-lX4cGEjxaMb0MuCqioZwB_qxZU6c2ZisBgMu2pazPZQ")
    assert b64url_to_int(normalized) == DEFAULT_KEY_MODULUS


def test_key_without_material_parses_as_empty() -> None:
    key = parse_jwk({"alg": "RS256", "use": "sig"})
    assert key.modulus is None and key.kid is None


@pytest.mark.parametrize("raw", [{"n": 5}, {"n": "@@@@"}, {"e": ["AQAB"]}, {"n": "A" * 4000}])
def test_malformed_key_raises_the_collectors_error(raw: dict[str, object]) -> None:
    with pytest.raises(CollectionError):
        parse_jwk(raw)


def test_empty_modulus_is_no_key_material() -> None:
    assert parse_jwk({"n": ""}).modulus is None


@pytest.mark.parametrize("url", ["ftp://x", "localhost:8585", "http://", "http://h:99999", "http://h/?q=1", ""])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        parse_om_url(url)
