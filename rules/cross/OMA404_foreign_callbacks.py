"""OMA404: OpenMetadata's app client also redirects to hosts other than OpenMetadata's own.

## Why this matters
Every registered callback host can receive authorization codes or tokens for OpenMetadata's client.
Extra hosts (an old staging site, a developer's laptop, a tunnel service) widen who can catch a
user's login. OpenMetadata's own host is that of its configured `callbackUrl`, never that of the URL
omaudit reached it by: through a port-forward or a loopback URL, that host would make the production
callback look foreign, and the fix would remove the right one. Without a configured callback there is
nothing to compare with: SKIPPED. Medium.

## Fix
Remove the other URLs: `aws cognito-idp update-user-pool-client --user-pool-id <id> --client-id <client>
--callback-urls https://om.example.com/callback` (with the other current settings). Give other
applications their own app clients.

## References
- AWS Cognito docs, app client settings (callback URLs)
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    client_resource,
    loopback_alias,
    om_client_callback,
    url_host,
)

META = RuleMeta(id="OMA404", name="foreign-callbacks", severity=Severity.MEDIUM,
                needs=("om.auth_config", "cognito.clients"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, client, field, callback, stop = om_client_callback(snap, META)
    if stop is not None or client is None:
        yield stop or META.skipped(resource, "no client")
        return
    host = url_host(callback or "")
    if not host:
        yield META.skipped(resource, f"OpenMetadata has no {field} configured: no host of its own to compare the "
                           "client's callback URLs with")
        return
    own = {host.lower().rstrip(".")}
    foreign = sorted({u for u in client.callback_urls or () if (url_host(u) or "").lower().rstrip(".") not in own})
    if foreign:
        named = [u + (f" ({alias})" if (alias := loopback_alias(url_host(u) or "")) else "") for u in foreign]
        where = f"cognito.clients#{client_resource(snap, client)}"  # a file scan: the client's registered URLs
        yield META.failed(resource, f"client {client.client_id} also redirects to: " + ", ".join(named),
                          own_hosts=sorted(own), foreign=foreign).about(where)
    else:
        yield META.passed(resource, f"client {client.client_id} redirects only to OpenMetadata's hosts",
                          own_hosts=sorted(own))
