"""OMA302: the app client cannot deliver the `email` claim to OpenMetadata.

## Why this matters
OpenMetadata identifies users by the `email` claim of the ID token. The claim is there only when the
client may read `email` (`ReadAttributes`; absent means all readable attributes) and, for the hosted
UI flows, the client allows the `email` and `openid` scopes. Without them logins map to
`preferred_username` or `sub`, or fail. The OpenMetadata guide's screenshots leave `email` out.

## Fix
Console: App clients > <client> > Attribute read and write permissions: check `email`; Login pages >
OpenID Connect scopes: `openid`, `email`, `profile`. CLI: `aws cognito-idp update-user-pool-client
--user-pool-id <id> --client-id <client> --read-attributes email email_verified name
--allowed-o-auth-scopes openid email profile --allowed-o-auth-flows code
--allowed-o-auth-flows-user-pool-client` (with the other current settings).

## References
- OpenMetadata docs, Amazon Cognito SSO; AWS Cognito API reference: UserPoolClientType.ReadAttributes
"""

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, client_resource, need

META = RuleMeta(id="OMA302", name="client-email-not-readable", severity=Severity.HIGH, needs=("cognito.clients",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client in need(snap.cognito.clients):
        gaps = []
        if client.read_attributes is not None and "email" not in client.read_attributes:
            gaps.append("email is not in ReadAttributes")
        scopes = client.allowed_oauth_scopes or ()
        for scope in ("openid", "email"):
            if scope not in scopes:
                gaps.append(f"scope {scope} is not allowed")
        evidence = {"client_name": client.name, "read_attributes": list(client.read_attributes or ["(all)"]),
                    "scopes": list(scopes)}
        if gaps:
            yield META.failed(client_resource(snap, client), "; ".join(gaps), **evidence)
        else:
            yield META.passed(client_resource(snap, client), "email is readable and the openid and email scopes are "
                              "allowed", **evidence)
