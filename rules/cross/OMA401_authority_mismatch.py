"""OMA401: OpenMetadata's `authority` is not the audited user pool's issuer.

## Why this matters
OpenMetadata sends users to `authority` to sign in and trusts that issuer's tokens. If it names
another pool (a test pool, a deleted one, another region) than the one you hardened, every other
Cognito finding describes the wrong pool, and login may be going somewhere you do not control.
High. Compared after removing a trailing slash.

The pool's issuer depends on `IssuerConfiguration.Type` (DescribeUserPool): `ORIGINAL` (or absent)
issues tokens from `https://cognito-idp.<region>.amazonaws.com/<pool id>`, `UPDATED` from
`https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>`, where the region is the pool's primary
region, the prefix of its id (botocore 1.44.8 IssuerConfigurationType; AWS API reference,
IssuerConfigurationType). An authority in the other form names the right pool but not the issuer its
tokens carry, so OpenMetadata's discovery and `iss` check go astray.

## Fix
Set `AUTHENTICATION_AUTHORITY` to the intended pool's issuer, and its `.well-known/jwks.json` in
`AUTHENTICATION_PUBLIC_KEYS`: `https://cognito-idp.<region>.amazonaws.com/<pool id>`, or, for a pool
with the updated issuer, `https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>` (console: User
pool > Overview, "Token signing key URL"; CLI: `aws cognito-idp describe-user-pool --user-pool-id <id>
--query UserPool.IssuerConfiguration`). Or audit the pool OpenMetadata really uses by leaving out
`--cognito-pool-id`.

## References
- OpenMetadata docs, Amazon Cognito SSO (authority = Cognito Domain + User Pool ID)
- AWS Cognito API reference, IssuerConfigurationType
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    need,
    om_cognito,
    pool_issuer,
)

META = RuleMeta(id="OMA401", name="authority-mismatch", severity=Severity.HIGH,
                needs=("om.auth_config", "cognito.ref", "cognito.user_pool"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, auth, skip = om_cognito(snap)
    ref = need(snap.cognito.ref)
    if skip:
        yield META.skipped(resource, skip)
        return
    authority = (auth.authority or "").strip().rstrip("/")
    pool = need(snap.cognito.user_pool)
    issuer = pool_issuer(pool.id, pool.issuer_type)
    other = pool_issuer(pool.id, "ORIGINAL" if pool.issuer_type == "UPDATED" else "UPDATED")
    evidence = {"authority": authority, "audited_issuer": issuer, "issuer_type": pool.issuer_type or "(ORIGINAL)",
                "notes": list(ref.notes)}
    if authority == issuer:
        yield META.passed(resource, "OpenMetadata's authority is the audited pool's issuer", **evidence)
    elif authority == other:
        yield META.failed(resource, f"OpenMetadata's authority names the audited pool, but its tokens are issued by "
                          f"{issuer} (IssuerConfiguration {pool.issuer_type or 'ORIGINAL'})", **evidence)
    else:
        yield META.failed(resource, f"OpenMetadata's authority {authority or '(empty)'} is not {issuer}", **evidence)
