"""OMA110: the OpenMetadata endpoint is served over plain HTTP.

## Why this matters
Every request carries a bearer token (a user's ID token, a bot's never-expiring JWT, or an admin
session). Over plain HTTP they can be read and replayed by anyone on the network path. Medium: it
needs a network position. A loopback URL (the auditor runs on the server itself) does not cross a
network and is SKIPPED; scan the URL your users use to judge it.

## Fix
Terminate TLS in front of OpenMetadata (ingress or load balancer) or configure an `https` application
connector in openmetadata.yaml, redirect port 80 to 443, and scan the https URL.

## References
- OpenMetadata docs, "Enable Security" / "Enable SSL" pages
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, is_loopback_host, need

META = RuleMeta(id="OMA110", name="plain-http-endpoint", severity=Severity.MEDIUM, needs=("om.endpoint",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    endpoint = need(snap.om.endpoint)
    if endpoint.scheme == "https":
        yield META.passed(endpoint.url, "the endpoint uses https")
    elif is_loopback_host(endpoint.host):
        yield META.skipped(endpoint.url, f"{endpoint.host} is loopback: plain HTTP does not cross a network here")
    else:
        yield META.failed(endpoint.url, f"the endpoint is plain http on {endpoint.host}", scheme=endpoint.scheme)
