"""OMA503: `admin` is among the admin principals (initial admins).

## Why this matters
`authorizerConfiguration.adminPrincipals` (Helm `openmetadata.config.authorizer.initialAdmins`)
lists the names that OpenMetadata makes administrators at start-up, and with SSO a user is matched by
the name part of their e-mail (or the claims in `jwtPrincipalClaims`). The shipped `[admin]` keeps
the default basic-auth admin account alive (see OMA102), and with Cognito makes admin whoever signs
in as `admin@...`: with self-registration (OMA205) or an unenforced principal domain, that can be a
stranger. OpenMetadata's Cognito guide says to replace it with your own users.

## Fix
Set `AUTHORIZER_ADMIN_PRINCIPALS=[<your admin user names>]` (Helm
`openmetadata.config.authorizer.initialAdmins`), set `AUTHORIZER_PRINCIPAL_DOMAIN` to your domain, then
delete the default `admin` user.

## References
- OpenMetadata docs, Amazon Cognito SSO (docker, bare metal, kubernetes): `adminPrincipals`
- open-metadata/openmetadata-helm-charts (tag openmetadata-1.13.1): charts/openmetadata/values.yaml,
  authorizer.initialAdmins
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA503", name="admin-in-initial-admins", severity=Severity.HIGH, needs=("conf.initial_admins",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    admins = need(snap.conf.initial_admins)
    resource = "authorizer.adminPrincipals"
    names = [a.split(":", 1)[0].strip().lower() for a in admins]
    if "admin" in names:
        yield META.failed(resource, f"the admin principals include the shipped `admin` ({', '.join(admins)})",
                          admin_principals=list(admins))
    elif not admins:
        yield META.passed(resource, "no admin principal is set", admin_principals=[])
    else:
        yield META.passed(resource, f"admin principals: {', '.join(admins)}", admin_principals=list(admins))
