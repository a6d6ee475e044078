"""OMA103: users sign in with passwords (provider `basic`, `openmetadata` or `ldap`).

## Why this matters
With `basic` (and `openmetadata`, which AuthServeletHandlerFactory serves with the same basic
handler), OpenMetadata keeps its own passwords: no MFA, a lockout that is per replica and by
default 3 attempts per 30 s in recent releases, self-signup on by default, and the shipped `admin`
account. The deployments omaudit targets are meant to sign users in through Amazon Cognito.
With `ldap` the passwords live in the directory, but sign-in is still a password form without
MFA and with the same lockout. Medium rather than high: these are supported modes, and the concrete
risks they enable have their own rules (OMA101, OMA108).

## Fix
Configure SSO: `AUTHENTICATION_PROVIDER=aws-cognito`,
`AUTHENTICATION_AUTHORITY=https://cognito-idp.<region>.amazonaws.com/<pool id>`,
`AUTHENTICATION_CLIENT_ID=<app client id>`,
`AUTHENTICATION_PUBLIC_KEYS=[<pool jwks url>, https://<your host>/api/v1/system/config/jwks]`
(or Settings > SSO > AWS-Cognito in 1.12+), then delete the default admin (OMA102).

## References
- OpenMetadata docs, Amazon Cognito SSO (docker, bare metal, kubernetes)
- open-metadata/OpenMetadata: openmetadata-service/.../security/AuthServeletHandlerFactory.java
  (BASIC and OPENMETADATA -> BasicAuthServletHandler, LDAP -> LdapAuthServletHandler)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource
from auditor.facts.om_defaults import LOCAL_PASSWORD_PROVIDERS, PASSWORD_PROVIDERS

META = RuleMeta(id="OMA103", name="basic-auth-provider", severity=Severity.MEDIUM, needs=("om.auth_config",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    auth = need(snap.om.auth_config)
    provider = auth.provider
    resource = om_resource(snap, auth.path)
    if provider is None:
        yield META.errored(resource, "the auth config names no provider")
    elif provider in LOCAL_PASSWORD_PROVIDERS:
        yield META.failed(resource, f"users sign in with local OpenMetadata passwords (provider {provider})",
                          provider=provider)
    elif provider in PASSWORD_PROVIDERS:
        yield META.failed(resource, f"users sign in with directory passwords through OpenMetadata's form "
                          f"(provider {provider})", provider=provider)
    else:
        yield META.passed(resource, f"provider is {provider}", provider=provider)
