"""OMA111: anonymous callers can read the admin principals.

## Why this matters
Older servers return the whole `authorizerConfiguration` at `/api/v1/system/config/authorizer`
(or `/api/v1/config/authorizer`) without a token: the admin account names, the authorizer class,
whether the principal domain is enforced. Knowing the admin names lets an attacker target them for
password guessing or lock them out on purpose (the lockout is per username and needs no password).
Medium: a disclosure that sharpens other attacks, and a sign of an old version (see OMA109).

## Fix
Upgrade: recent servers answer with `principalDomain` only. Until then, block the path for
anonymous callers at the reverse proxy.

## References
- open-metadata/OpenMetadata: openmetadata-service/.../resources/system/ConfigResource.java (old and recent)
"""

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA111", name="authorizer-config-disclosed", severity=Severity.MEDIUM,
                needs=("om.authorizer",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    authorizer = need(snap.om.authorizer)
    resource = f"{snap.target.om_url}{authorizer.path}"
    if authorizer.admin_principals is not None:
        yield META.failed(resource, "admin principals are served to anonymous callers: "
                          + ", ".join(authorizer.admin_principals),
                          admin_principals=list(authorizer.admin_principals), fields=list(authorizer.fields))
    else:
        yield META.passed(resource, "only non-sensitive authorizer fields are served", fields=list(authorizer.fields))
