"""OMA307: refresh tokens of this app client cannot be revoked.

## Why this matters
With `EnableTokenRevocation` false, signing a user out or disabling a stolen session does not stop
its refresh token, which mints new ID tokens for OpenMetadata until it expires (OMA308). Medium.
Absent means the AWS default, true.

## Fix
CLI: `aws cognito-idp update-user-pool-client ... --enable-token-revocation` (with the other current settings).

## References
- Prowler cognito_user_pool_client_token_revocation_enabled
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
    known,
    need,
)

META = RuleMeta(id="OMA307", name="token-revocation-off", severity=Severity.MEDIUM, needs=("cognito.clients",),
                about=("cognito.clients.enable_token_revocation",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client in need(snap.cognito.clients):
        if known(client.enable_token_revocation) is False:
            yield META.failed(client_resource(snap, client), "token revocation is disabled",
                              **client_tags(snap, client))
        else:
            yield META.passed(client_resource(snap, client), "token revocation is enabled",
                              aws_default_applied=client.enable_token_revocation is None, **client_tags(snap, client))
