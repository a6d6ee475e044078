"""OMA302: the app client cannot deliver the `email` claim to OpenMetadata.

## Why this matters
OpenMetadata identifies users by the `email` claim of the ID token. The claim is there only when the
client may read `email` (`ReadAttributes`; absent means all standard attributes) and the scopes
requested carry it. AWS: with `openid` alone the ID token and userInfo hold "all user attributes
that the app client can read"; with `openid` and other scopes they are "limited to the constraints
of the additional scopes", so `openid profile` gives no `email` (AWS Cognito docs, "The user
attributes endpoint" and "Scopes, M2M, and resource servers"). OpenMetadata requests
`openid email profile`: the default of `oidcConfiguration.scope` (conf/openmetadata.yaml OIDC_SCOPE;
OidcClientConfig `scope` in the generated client), which a confidential client's configured scope
replaces. For the public client the browser's scope was not found in the UI source and is taken to be
the same default. OpenMetadata's client must then allow `openid` and `email`. Any other user-facing
client of the pool needs `email` readable and `openid` allowed. Without them logins map to
`preferred_username` or `sub`, or fail. High.

Machine-to-machine clients (`client_credentials` only) and clients with OAuth off
(`AllowedOAuthFlowsUserPoolClient` false) issue no ID token through the hosted UI and are SKIPPED,
unless they are OpenMetadata's own client, which fails when it cannot sign users in at all.

## Fix
Console: App clients > <client> > Attribute read and write permissions: check `email`; Login pages >
OpenID Connect scopes: `openid`, `email`, `profile`. CLI: `aws cognito-idp update-user-pool-client
--user-pool-id <id> --client-id <client> --read-attributes email email_verified name
--allowed-o-auth-scopes openid email profile --allowed-o-auth-flows code
--allowed-o-auth-flows-user-pool-client` (with the other current settings).

## References
- OpenMetadata docs, Amazon Cognito SSO; AWS Cognito API reference: UserPoolClientType.ReadAttributes
- AWS Cognito docs, "The user attributes endpoint" (scope combinations)
"""

from auditor.engine.rulekit import (
    AppClient,
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    each_client,
    known,
)

META = RuleMeta(id="OMA302", name="client-email-not-readable", severity=Severity.HIGH, needs=("cognito.clients",),
                about=("cognito.clients.read_attributes",))
OM_DEFAULT_SCOPE = "openid email profile"  # conf/openmetadata.yaml OIDC_SCOPE; OidcClientConfig.scope default


def om_scopes(snap: Snapshot) -> tuple[list[str], str]:
    """The scopes OpenMetadata requests, and where that comes from."""
    security = snap.om.security_config
    auth = snap.om.auth_config
    confidential = auth is not None and (auth.client_type or "").lower() == "confidential"
    if confidential and security is not None and security.oidc_scope:
        return security.oidc_scope.split(), "oidcConfiguration.scope"
    return OM_DEFAULT_SCOPE.split(), "OpenMetadata's default"


def user_facing(client: AppClient) -> bool:
    flows = set(client.allowed_oauth_flows or ())
    return known(client.allowed_oauth_flows_user_pool_client) is True and bool(flows - {"client_credentials"})


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    requested, origin = om_scopes(snap)
    for client, resource, tags in each_client(snap):
        ours = tags["openmetadata_client"] is True
        scopes = list(client.allowed_oauth_scopes or ())
        evidence = {**tags, "read_attributes": list(client.read_attributes or ["(all standard)"]), "scopes": scopes}
        if not user_facing(client) and not ours:
            yield META.skipped(resource, "no hosted-UI sign-in (OAuth off or client_credentials only): it issues "
                               "no ID token to judge")
            continue
        gaps = []
        if not user_facing(client):
            gaps.append("OAuth sign-in with the code or implicit grant is not enabled")
        if client.read_attributes is not None and "email" not in client.read_attributes:
            gaps.append("email is not in ReadAttributes")
        needed = [s for s in requested if s in ("openid", "email")] if ours else ["openid"]
        if ours and requested != ["openid"] and "email" not in requested:
            gaps.append(f"OpenMetadata requests {' '.join(requested)} ({origin}) without email: the ID token "
                        "carries no email")
        gaps += [f"scope {s} is not allowed" for s in needed if s not in scopes]
        if ours:
            evidence.update(requested_scopes=requested, requested_from=origin)
        if gaps:
            yield META.failed(resource, "; ".join(gaps), **evidence)
        else:
            yield META.passed(resource, "email is readable and the scopes requested deliver it", **evidence)
