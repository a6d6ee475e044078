"""OMA401: OpenMetadata's `authority` is not the audited user pool's issuer.

## Why this matters
OpenMetadata sends users to `authority` to sign in and trusts that issuer's tokens. If it names
another pool (a test pool, a deleted one, another region) than the one you hardened, every other
Cognito finding describes the wrong pool, and login may be going somewhere you do not control.
High. Compared after removing a trailing slash.

## Fix
Set `AUTHENTICATION_AUTHORITY=https://cognito-idp.<region>.amazonaws.com/<pool id>` of the intended
pool (and its `.well-known/jwks.json` in `AUTHENTICATION_PUBLIC_KEYS`), or audit the pool OpenMetadata
really uses by leaving out `--cognito-pool-id`.

## References
- OpenMetadata docs, Amazon Cognito SSO (authority = Cognito Domain + User Pool ID)
"""

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_cognito

META = RuleMeta(id="OMA401", name="authority-mismatch", severity=Severity.HIGH,
                needs=("om.auth_config", "cognito.ref"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, auth, skip = om_cognito(snap)
    ref = need(snap.cognito.ref)
    if skip:
        yield META.skipped(resource, skip)
        return
    authority = (auth.authority or "").strip().rstrip("/")
    evidence = {"authority": authority, "audited_issuer": ref.issuer, "notes": list(ref.notes)}
    if authority == ref.issuer:
        yield META.passed(resource, "OpenMetadata's authority is the audited pool", **evidence)
    else:
        message = f"OpenMetadata's authority {authority or '(empty)'} is not {ref.issuer}"
        yield META.failed(resource, message, **evidence)
