"""OMA310: refresh tokens are not rotated.

## Why this matters
Without `RefreshTokenRotation.Feature: ENABLED`, a refresh token is used again and again for its whole
validity (30 days by default, see OMA308): a copy stolen from a browser or log keeps minting tokens
long after the user signed out of the device. With rotation each refresh returns a new refresh token
and invalidates the old one after `RetryGracePeriodSeconds` (botocore 1.44.8 RefreshTokenRotationType;
absent means disabled). Low. Clients that issue no refresh tokens (`client_credentials` only) are
SKIPPED.

## Fix
Console: App clients > <client> > App client information > Edit: Refresh token rotation: Enable. CLI:
`aws cognito-idp update-user-pool-client --user-pool-id <id> --client-id <client>
--refresh-token-rotation Feature=ENABLED,RetryGracePeriodSeconds=10` (with the other current settings).

## References
- AWS Cognito API reference, RefreshTokenRotationType, GetTokensFromRefreshToken
- RFC 9700 (OAuth 2.0 Security Best Current Practice) 4.14.2, refresh token rotation
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    client_resource,
    client_tags,
    need,
)

META = RuleMeta(id="OMA310", name="refresh-token-rotation-off", severity=Severity.LOW, needs=("cognito.clients",),
                about=("cognito.clients.refresh_rotation",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client in need(snap.cognito.clients):
        resource = client_resource(snap, client)
        if set(client.allowed_oauth_flows or ()) == {"client_credentials"}:
            yield META.skipped(resource, "a client_credentials client gets no refresh tokens")
        elif client.refresh_rotation == "ENABLED":
            yield META.passed(resource, "refresh tokens are rotated", **client_tags(snap, client))
        else:
            shown = client.refresh_rotation or "DISABLED (absent)"
            yield META.failed(resource, f"refresh token rotation is {shown}", rotation=client.refresh_rotation,
                              **client_tags(snap, client))
