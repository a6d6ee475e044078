"""OMA112: a protected endpoint answers without a token.

## Why this matters
`GET /api/v1/users` must answer 401 without a bearer token. A 200 means authentication is off
(`NoopFilter`, often left from a test setup) and the whole catalogue, with its users, is open to
anyone who reaches the server. Critical: no credential is needed for anything.

## Fix
Set `AUTHORIZER_REQUEST_FILTER=org.openmetadata.service.security.JwtFilter` and
`AUTHORIZER_CLASS_NAME=org.openmetadata.service.security.DefaultAuthorizer`, then restart.

## References
- open-metadata/OpenMetadata: openmetadata-service/.../security/JwtFilter.java, NoopFilter.java
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource

META = RuleMeta(id="OMA112", name="anonymous-api-access", severity=Severity.CRITICAL,
                needs=("om.anonymous_access",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    probe = need(snap.om.anonymous_access)
    resource = om_resource(snap, probe.endpoint)
    if probe.outcome == "accepted":
        yield META.failed(resource, "the user list is served without a token", http_status=probe.http_status)
    else:
        yield META.passed(resource, f"refused without a token (HTTP {probe.http_status})",
                          http_status=probe.http_status)
