"""OMA304: the app client accepts plain username and password sign-in (ALLOW_USER_PASSWORD_AUTH).

## Why this matters
`USER_PASSWORD_AUTH` sends the password itself to Cognito's API and bypasses the hosted UI, so it
is the flow credential-stuffing tools use against a public client ID (which OpenMetadata publishes).
SRP or the hosted UI keep the password off the wire. Medium. Absent ExplicitAuthFlows means the AWS
default (SRP, custom, refresh), which passes.

## Fix
CLI: `aws cognito-idp update-user-pool-client ... --explicit-auth-flows ALLOW_USER_SRP_AUTH
ALLOW_REFRESH_TOKEN_AUTH` (with the other current settings).

## References
- AWS Cognito docs, "Authentication flows" (USER_PASSWORD_AUTH)
"""

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, client_resource, need

META = RuleMeta(id="OMA304", name="user-password-auth-enabled", severity=Severity.MEDIUM,
                needs=("cognito.clients",))
PASSWORD_FLOWS = ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client in need(snap.cognito.clients):
        flows = list(client.explicit_auth_flows or ())
        found = [f for f in flows if f in PASSWORD_FLOWS]
        if found:
            yield META.failed(client_resource(snap, client), f"{found[0]} is enabled", flows=flows)
        else:
            yield META.passed(client_resource(snap, client), "no plain password flow",
                              flows=flows or ["(AWS default)"])
