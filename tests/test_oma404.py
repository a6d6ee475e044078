"""OMA404 judges a client's other callback hosts against OpenMetadata's configured callback, never
against the URL omaudit reached it by (issue 24, point 11)."""

from __future__ import annotations

from auditor.facts.snapshot import AuthConfig, CognitoFacts, OMFacts, PoolRef, Snapshot
from auditor.report.model import Status, TargetInfo
from auditor.sources.cognito.parsers import parse_app_client
from tests.helpers import run

POOL = "us-east-1_example"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"


def _reached_through_a_port_forward(callback: str) -> Snapshot:
    client = parse_app_client({"ClientId": "omclient", "ClientName": "openmetadata",
                               "CallbackURLs": ["https://om.example.com/callback", "https://old-staging.example.com/cb"]})
    auth = AuthConfig("/api/v1/system/config/auth", "aws-cognito", "public", False, ISSUER, "omclient", callback,
                      (), (), ("provider", "authority", "clientId", "callbackUrl"))
    return Snapshot(target=TargetInfo(name="t", om_url="http://127.0.0.1:8585"), collected_at="2026-12-03T00:00:00Z",
                    om=OMFacts(auth_config=auth),
                    cognito=CognitoFacts(ref=PoolRef(POOL, "us-east-1", "omclient", "test"), clients=(client,)))


def test_the_production_callback_is_never_foreign_when_reached_through_loopback() -> None:
    [outcome] = run("OMA404", _reached_through_a_port_forward("https://om.example.com/callback"))
    assert outcome.status is Status.FAIL
    assert outcome.evidence["foreign"] == ["https://old-staging.example.com/cb"]
    assert outcome.evidence["own_hosts"] == ["om.example.com"]  # not 127.0.0.1, the port-forward


def test_without_a_configured_callback_there_is_nothing_to_compare_with() -> None:
    [outcome] = run("OMA404", _reached_through_a_port_forward(""))
    assert outcome.status is Status.SKIPPED and "no callbackUrl configured" in outcome.message
