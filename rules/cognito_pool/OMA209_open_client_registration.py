"""OMA209: anyone can register an app client (open dynamic client registration).

## Why this matters
With `DcrConfiguration` enabled and `OpenDcrEnabled: true`, "applications can register app clients
without an initial access token" at the domain's `/oauth2/register` (botocore 1.44.8
DcrConfigurationType). A stranger registers a client with a redirect of their own and sends your users
to a real Cognito sign-in page that hands the code to them; with `client_credentials` among
`OpenDcrGrantTypes`, "anyone can register an app client that requests M2M access tokens, and you pay
for the M2M token requests"; `aws.cognito.signin.user.admin` among `AllowedScopes` lets the registered
client change user attributes. High. Inside the struct an absent `EnableStatus` means enabled, an
absent `OpenDcrEnabled` means false, and absent `OpenDcrGrantTypes` means `code` (the model's defaults);
no `DcrConfiguration` at all means registration is off.

## Fix
Console: App clients > Dynamic client registration: turn off open registration (keep registration with
an initial access token, or turn it off). CLI: `aws cognito-idp update-user-pool --user-pool-id <id>
--dcr-configuration EnableStatus=Disabled` (with the other current settings: UpdateUserPool resets
what it is not given).

## References
- AWS Cognito API reference, DcrConfigurationType; RFC 7591 (OAuth 2.0 Dynamic Client Registration)
"""

from auditor.engine.rulekit import (
    ADMIN_SCOPE,
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    known,
    need,
    pool_resource,
)

META = RuleMeta(id="OMA209", name="open-client-registration", severity=Severity.HIGH, needs=("cognito.user_pool",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    dcr = need(snap.cognito.user_pool).dcr
    if dcr is None or dcr.enable_status == "Disabled":
        yield META.passed(pool_resource(snap), "dynamic client registration is off")
        return
    grants = list(dcr.open_grant_types) if dcr.open_grant_types is not None else ["code"]
    scopes = list(dcr.allowed_scopes or ())
    evidence = {"enable_status": dcr.enable_status or "(absent: Enabled)", "open": known(dcr.open_enabled) is True,
                "open_grant_types": grants, "allowed_scopes": scopes}
    if known(dcr.open_enabled) is not True:
        yield META.passed(pool_resource(snap), "dynamic client registration needs an initial access token",
                          **evidence)
        return
    worse = [w for w, bad in (("client_credentials: anyone gets M2M tokens", "client_credentials" in grants),
                              (f"{ADMIN_SCOPE}: registered clients may change user attributes",
                               ADMIN_SCOPE in scopes)) if bad]
    if not grants:
        yield META.passed(pool_resource(snap), "open registration is on, but no grant type is open: every "
                          "registration is rejected", **evidence)
        return
    yield META.failed(pool_resource(snap), "anyone can register an app client with redirects of their own"
                      + ("; " + "; ".join(worse) if worse else ""), **evidence)
