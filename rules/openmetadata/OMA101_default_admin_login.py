"""OMA101: the shipped admin credentials (admin / admin) log in.

## Why this matters
Every OpenMetadata install creates `admin@<principalDomain>` with the password `admin` unless
`adminPrincipals` sets one. Anyone who can reach `POST /api/v1/users/login` and knows the public
default gets a full admin session: every connection secret, every bot token, every policy.
nuclei's `openmetadata-default-login` template scans the internet for exactly this.

## What omaudit sends (only with --active)
`POST /api/v1/users/login` with `{"email": "<account>", "password": "YWRtaW4="}` (base64 of `admin`);
where that endpoint is absent (404/405), the same body to `/api/v1/auth/login` (recent releases).
The server looks the user up by e-mail: an unknown e-mail answers 400, a wrong password 401. With an
admin token the admin's real e-mail is read first and is the only account tried (none when the
account is gone). Without one, `admin@<principalDomain>` is tried, then the shipped
`admin@open-metadata.org` and `admin@openmetadata.org`, each only while the previous one was an
unknown e-mail: UserUtil rewrites the admin's e-mail to the principal domain only while `admin` is
an admin principal, so an operator who changed the domain and then dropped `admin` from the
principals leaves the old address. Never two attempts on one account, never more accounts than
needed. The returned tokens are discarded unread. A locked account is reported as ERROR and is never
retried. Every attempt is first recorded in the probe ledger of the state folder (`--state-dir`,
`$OMAUDIT_STATE_DIR`, else `$XDG_STATE_HOME/omaudit`; see auditor/scan/lockout.py). When the ledger shows
an attempt on the same account and server within the lockout window (`--lockout-window`, default
600 s), or cannot be read, no request is sent and the finding is SKIPPED with the reason, so
repeated or parallel scans can never lock the real admin out.

## Fix
Change the password at once (Settings > Users > admin > Change password, or
`PUT /api/v1/users/changePassword`), then remove `admin` from `AUTHORIZER_ADMIN_PRINCIPALS` (or
give it as `admin:<strong password>`) and delete the account:
`DELETE /api/v1/users/name/admin?hardDelete=true`. With SSO, set `AUTHENTICATION_PROVIDER` to your
identity provider so password login is refused altogether.

## References
- OpenMetadata docs, Basic Authentication: "DELETE the admin default account shipped by OM"
- open-metadata/OpenMetadata: openmetadata-service/.../security/auth/BasicAuthenticator.java
  (lookUserInProvider), util/UserUtil.java (admin e-mail rewrite), resources/teams/UserResource.java
  (loginUserWithPwd);
  https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md, points 3 and 7
- projectdiscovery/nuclei-templates: http/default-logins/openmetadata/openmetadata-default-login.yaml
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource

META = RuleMeta(id="OMA101", name="default-admin-login", severity=Severity.CRITICAL,
                needs=("om.login_probe",), active=True)


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    probe = need(snap.om.login_probe)
    evidence = {"account": probe.account, "http_status": probe.http_status, "outcome": probe.outcome,
                "attempts": list(probe.attempts)}
    resource = om_resource(snap, probe.endpoint)
    if probe.outcome == "accepted":
        yield META.failed(resource, f"the shipped credentials for {probe.account} were accepted", **evidence)
    elif probe.outcome == "locked":
        yield META.errored(resource, f"{probe.account} is locked out; not retried, so the password is unknown",
                           **evidence)
    elif probe.outcome == "recently-probed":
        yield META.skipped(resource, probe.message or f"{probe.account} was probed within the lockout window",
                           **evidence)
    elif probe.outcome == "no-account":
        yield META.passed(resource, probe.message, **evidence)
    elif probe.outcome == "no-such-user":
        yield META.passed(resource, "no account has a shipped admin e-mail (tried "
                          f"{', '.join(probe.attempts)})", **evidence)
    elif probe.outcome in ("rejected", "not-permitted", "no-endpoint"):
        yield META.passed(resource, f"the shipped credentials were refused ({probe.outcome})", **evidence)
    else:
        yield META.errored(resource, f"unexpected login answer: {probe.message or probe.http_status}", **evidence)
