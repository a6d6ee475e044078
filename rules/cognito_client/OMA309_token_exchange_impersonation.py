"""OMA309: the app client may exchange a user's token for one that impersonates them.

## Why this matters
`ALLOW_TOKEN_EXCHANGE_IMPERSONATION` in `ExplicitAuthFlows` lets the client "request GetDerivedToken
token exchanges without an ActorToken. The issued token represents the subject user directly"
(botocore 1.44.8 ExplicitAuthFlowsType). Whoever holds the client's credentials and any token of a
user (or a third-party SAML/OIDC token the pool trusts) mints new tokens as that user, for other
audiences, with no trace of who acted. `ALLOW_TOKEN_EXCHANGE_DELEGATION` records the actor (`act`
claim) and is not flagged. Medium.

## Fix
Console: App clients > <client> > App client information > Edit: Authentication flows: clear "token
exchange (impersonation)"; use delegation where an exchange is needed. CLI: `aws cognito-idp
update-user-pool-client --user-pool-id <id> --client-id <client> --explicit-auth-flows
ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH` (with the other current settings).

## References
- AWS Cognito API reference, GetDerivedToken; ExplicitAuthFlowsType; RFC 8693 (OAuth 2.0 Token Exchange)
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

META = RuleMeta(id="OMA309", name="token-exchange-impersonation", severity=Severity.MEDIUM, needs=("cognito.clients",))
FLOW = "ALLOW_TOKEN_EXCHANGE_IMPERSONATION"


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client in need(snap.cognito.clients):
        if FLOW in (client.explicit_auth_flows or ()):
            yield META.failed(client_resource(snap, client), f"{FLOW} is enabled: tokens can be minted as any user "
                              "whose token the client holds", **client_tags(snap, client))
        else:
            yield META.passed(client_resource(snap, client), "no impersonating token exchange",
                              **client_tags(snap, client))
