"""OMA102: the default `admin` user still exists although users sign in through SSO.

## Why this matters
Under an SSO provider OpenMetadata blanks the admin's password, but the account stays an admin. If
the provider is ever switched back to `basic` (a rollback, a config reload from the YAML defaults),
or `admin` stays in `adminPrincipals`, the server re-creates or re-enables `admin` with the password
`admin`. The OpenMetadata Cognito guide says to delete it. The account is read with
`include=all`: `GET /users/name/{name}` answers 404 for a soft-deleted user by default
(UserResource.getByName, `include` defaults to non-deleted), yet a soft-deleted account can be
restored, so it FAILs with its own message. Providers under which passwords work (`basic`,
`openmetadata`, `ldap`) are SKIPPED here: OMA101 and OMA103 judge them.

## Fix
Remove `admin` from `AUTHORIZER_ADMIN_PRINCIPALS` (Helm: `openmetadata.config.authorizer.initialAdmins`)
and list your own SSO admins there, restart, then delete the account:
`DELETE /api/v1/users/name/admin?hardDelete=true` (Settings > Users > admin > Delete, hard delete).

## References
- OpenMetadata docs, Amazon Cognito SSO: "DELETE the admin default account shipped by OM in case you had
  Basic Authentication enabled before configuring Amazon Cognito SSO"
- open-metadata/OpenMetadata: openmetadata-service/.../util/UserUtil.java (addUsers),
  resources/teams/UserResource.java (getByName, `include`); https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md,
  point 6
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource
from auditor.facts.om_defaults import PASSWORD_PROVIDERS

META = RuleMeta(id="OMA102", name="default-admin-account-present", severity=Severity.HIGH,
                needs=("om.admin_user", "om.auth_config"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    account = need(snap.om.admin_user)
    provider = need(snap.om.auth_config).provider
    resource = om_resource(snap, "/api/v1/users/name/admin")
    if provider is None:
        yield META.errored(resource, "the auth config names no provider")
    elif provider in PASSWORD_PROVIDERS:
        yield META.skipped(resource, f"provider is {provider}: password login is in use (see OMA101, OMA103)",
                           provider=provider)
    elif not account.exists or account.user is None:
        yield META.passed(resource, "the default admin account has been deleted", provider=provider)
    elif account.user.deleted:
        yield META.failed(resource, "the default admin account is only soft-deleted: it can be restored "
                          "(delete it with hardDelete=true)", provider=provider, deleted=True,
                          email=account.user.email)
    else:
        user = account.user
        yield META.failed(resource,
                          f"the default admin account still exists (isAdmin={str(user.is_admin).lower()}) "
                          f"although the provider is {provider}",
                          provider=provider, is_admin=user.is_admin, email=user.email,
                          last_login_time=user.last_login_time)
