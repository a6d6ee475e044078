"""OMA306: the app client reveals whether a user exists (PreventUserExistenceErrors not ENABLED).

## Why this matters
With `LEGACY` (the API default when the field is absent), sign-in and password-reset answers differ
for unknown users, so anyone with the public client ID can enumerate your staff's e-mail addresses
and aim password spraying at them. Medium.

## Fix
CLI: `aws cognito-idp update-user-pool-client ... --prevent-user-existence-errors ENABLED`
(with the other current settings).

## References
- Prowler cognito_user_pool_client_prevent_user_existence_errors
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

META = RuleMeta(id="OMA306", name="user-existence-errors", severity=Severity.MEDIUM, needs=("cognito.clients",),
                about=("cognito.clients.prevent_user_existence_errors",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client in need(snap.cognito.clients):
        value = client.prevent_user_existence_errors
        if value == "ENABLED":
            yield META.passed(client_resource(snap, client), "user existence errors are suppressed",
                              **client_tags(snap, client))
        else:
            shown = value or "LEGACY (absent)"
            yield META.failed(client_resource(snap, client), f"PreventUserExistenceErrors is {shown}", value=value,
                              **client_tags(snap, client))
