"""OMA108: self-signup is enabled.

## Why this matters
With `basic`, anyone who reaches the server can create an account (`POST /api/v1/users/signup`,
open to every e-mail domain by default). With SSO, every identity the provider vouches for gets an
OpenMetadata account on first login; combined with a Cognito pool that lets anyone register
(OMA205) that is the whole internet. Medium: new users get the default role, not admin.
omaudit reads `enableSelfSignup` from `/api/v1/system/config/auth`; it never probes signup.

## Fix
Set `AUTHENTICATION_ENABLE_SELF_SIGNUP=false` (Helm `openmetadata.config.authentication.enableSelfSignup`);
on 1.5+ also turn it off in Settings, because the stored setting overrides the environment.

## References
- open-metadata/OpenMetadata: openmetadata-service/.../security/auth/BasicAuthenticator.java (501 when off)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource

META = RuleMeta(id="OMA108", name="self-signup-enabled", severity=Severity.MEDIUM, needs=("om.auth_config",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    auth = need(snap.om.auth_config)
    resource = om_resource(snap, auth.path)
    if auth.enable_self_signup is None:
        yield META.errored(resource, "the auth config does not say whether self-signup is enabled")
    elif auth.enable_self_signup:
        yield META.failed(resource, f"self-signup is enabled (provider {auth.provider})", provider=auth.provider,
                          enable_self_signup=True).about("om.auth_config.enable_self_signup")
    else:
        yield META.passed(resource, "self-signup is disabled", provider=auth.provider, enable_self_signup=False)
