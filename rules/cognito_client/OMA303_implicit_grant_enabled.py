"""OMA303: the app client allows the OAuth implicit grant.

## Why this matters
With the implicit grant, tokens travel in the browser's URL fragment: they end up in history,
logs and referrers, and cannot be bound to the client. OAuth 2.0 Security BCP (RFC 9700) says not to
use it. OpenMetadata works with the authorization code grant (with PKCE for public clients, or its
confidential client mode). Medium.

## Fix
Console: App clients > <client> > Login pages > OAuth grant types: only "Authorization code grant".
CLI: `aws cognito-idp update-user-pool-client ... --allowed-o-auth-flows code` (with the other current
settings).

## References
- RFC 9700, OAuth 2.0 Security Best Current Practice, section 2.1.2
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

META = RuleMeta(id="OMA303", name="implicit-grant-enabled", severity=Severity.MEDIUM, needs=("cognito.clients",),
                about=("cognito.clients.allowed_oauth_flows",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client in need(snap.cognito.clients):
        flows = list(client.allowed_oauth_flows or ())
        if "implicit" in flows and known(client.allowed_oauth_flows_user_pool_client) is not True:
            # AllowedOAuthFlowsUserPoolClient false: the client cannot use the OAuth flows it lists.
            yield META.passed(client_resource(snap, client), "implicit is listed, but OAuth is off for this client",
                              flows=flows, oauth_enabled=False, **client_tags(snap, client))
        elif "implicit" in flows:
            yield META.failed(client_resource(snap, client), "the implicit grant is allowed", flows=flows,
                              **client_tags(snap, client))
        else:
            yield META.passed(client_resource(snap, client), "no implicit grant", flows=flows,
                              **client_tags(snap, client))
