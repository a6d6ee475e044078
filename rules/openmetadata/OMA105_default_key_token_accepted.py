"""OMA105: the public admin token signed with the shipped key is accepted.

## Why this matters
This proves the takeover that OMA104 predicts. The token (`sub: admin`, no `exp`) ships in the
openmetadata-ingestion wheel and in 127 example workflow files; any server that still trusts the
default key treats its bearer as the admin, forever, whatever the authentication provider is.

## What omaudit sends (only with --active)
One `GET /api/v1/users/loggedInUser` (read-only "who am I") with that public token. The answer body
is not kept; only the status code is.

## Fix
Replace the signing key as described in OMA104 and restart; the token then fails signature checks.
Also remove the default key's JWKS URL from any other service's trust list.

## References
- openmetadata-ingestion 2.0.7.0: _openmetadata_testutils/ometa.py (OM_JWT)
- open-metadata/OpenMetadata: openmetadata-service/.../security/JwtFilter.java
"""

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA105", name="default-key-token-accepted", severity=Severity.CRITICAL,
                needs=("om.token_probe",), active=True)


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    probe = need(snap.om.token_probe)
    resource = f"{snap.target.om_url}{probe.endpoint}"
    evidence = {"http_status": probe.http_status}
    if probe.outcome == "accepted":
        yield META.failed(resource, "the public default-key admin token was accepted: full admin access",
                          **evidence)
    else:
        yield META.passed(resource, "the public default-key admin token was refused", **evidence)
