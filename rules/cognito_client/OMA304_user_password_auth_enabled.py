"""OMA304: the app client accepts the plain password over the API (USER_PASSWORD_AUTH or USER_AUTH).

## Why this matters
`USER_PASSWORD_AUTH` sends the password itself to Cognito's API and bypasses the hosted UI, so it
is the flow credential-stuffing tools use against a public client ID (which OpenMetadata publishes).
SRP or the hosted UI keep the password off the wire. Medium. Absent ExplicitAuthFlows means the AWS
default (SRP, custom, refresh), which passes.

Choice-based sign-in does the same: `ALLOW_USER_AUTH` "can do username-password and SRP
authentication without other ExplicitAuthFlows permitting them" (botocore 1.44.8, ExplicitAuthFlowsType),
and when the pool's `Policies.SignInPolicy.AllowedFirstAuthFactors` includes `PASSWORD` (absent means
PASSWORD only) the client may answer the `PASSWORD` challenge with the plain password
(RespondToAuthChallenge, `ANSWER: PASSWORD`). Such a client fails too, with `via: USER_AUTH`.

## Fix
CLI: `aws cognito-idp update-user-pool-client ... --explicit-auth-flows ALLOW_USER_SRP_AUTH
ALLOW_REFRESH_TOKEN_AUTH` (with the other current settings). To keep choice-based sign-in for
passkeys or one-time codes, drop `PASSWORD` from the first factors instead: `aws cognito-idp
update-user-pool --user-pool-id <id> --policies 'SignInPolicy={AllowedFirstAuthFactors=[WEB_AUTHN]}'`
(console: Authentication > Sign-in > Options for choice-based sign-in).

## References
- AWS Cognito docs, "Authentication flows" (USER_PASSWORD_AUTH, USER_AUTH choice-based sign-in)
- AWS Cognito API reference, SignInPolicyType, RespondToAuthChallenge
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    each_client,
    first_factors,
)

META = RuleMeta(id="OMA304", name="user-password-auth-enabled", severity=Severity.MEDIUM,
                needs=("cognito.clients",),
                about=("cognito.clients.explicit_auth_flows",))
PASSWORD_FLOWS = ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = snap.cognito.user_pool
    for client, resource, tags in each_client(snap):
        flows = list(client.explicit_auth_flows or ())
        evidence = {**tags, "flows": flows or ["(AWS default)"]}
        found = [f for f in flows if f in PASSWORD_FLOWS]
        if found:
            yield META.failed(resource, f"{found[0]} is enabled", via=found[0], **evidence)
        elif "ALLOW_USER_AUTH" in flows and pool is None:
            yield META.errored(resource, "ALLOW_USER_AUTH is enabled, and whether it takes a password depends on "
                               "the pool's sign-in policy, which could not be read (DescribeUserPool)")
        elif "ALLOW_USER_AUTH" in flows and pool is not None and "PASSWORD" in first_factors(pool):
            yield META.failed(resource, "ALLOW_USER_AUTH is enabled and the pool allows PASSWORD as a first factor: "
                              "the plain password is accepted", via="USER_AUTH",
                              first_factors=list(first_factors(pool)), **evidence)
        else:
            yield META.passed(resource, "no plain password flow", **evidence)
