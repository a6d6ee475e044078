"""OMA211: passkeys do not require user verification.

## Why this matters
With `WebAuthnConfiguration.UserVerification: preferred` the pool "doesn't require the use of
authenticators with user verification" (botocore 1.44.8 WebAuthnConfigurationType): a security key
that only proves presence (a touch, no PIN or biometric) signs the user in, so whoever holds the key
is the user. `required` admits only authenticators that verify the user. Medium. Judged when passkeys
are a first factor (`WEB_AUTHN` in `Policies.SignInPolicy.AllowedFirstAuthFactors`) or count as MFA
(`FactorConfiguration: MULTI_FACTOR_WITH_USER_VERIFICATION`). The model documents no default for
`UserVerification`, so a pool that uses passkeys while GetUserPoolMfaConfig returns no setting is
ERROR, not a guess.

## Fix
Console: Authentication > Sign-in > Passkey: User verification: Required. CLI: `aws cognito-idp
set-user-pool-mfa-config --user-pool-id <id> --web-authn-configuration
RelyingPartyId=<domain>,UserVerification=required` (with the current MFA settings).

## References
- AWS Cognito API reference, WebAuthnConfigurationType; W3C WebAuthn Level 2, user verification
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    first_factors,
    need,
    pool_resource,
)

META = RuleMeta(id="OMA211", name="passkey-user-verification", severity=Severity.MEDIUM,
                needs=("cognito.user_pool", "cognito.mfa"),
                about=("cognito.mfa.webauthn_user_verification",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    mfa = need(snap.cognito.mfa)
    used = "WEB_AUTHN" in first_factors(pool) or mfa.webauthn_factor == "MULTI_FACTOR_WITH_USER_VERIFICATION"
    setting = mfa.webauthn_user_verification
    evidence = {"first_factors": list(first_factors(pool)), "user_verification": setting,
                "factor_configuration": mfa.webauthn_factor}
    if not used:
        yield META.passed(pool_resource(snap), "passkeys are not a sign-in factor", **evidence)
    elif setting is None:
        yield META.errored(pool_resource(snap), "passkeys sign users in, but GetUserPoolMfaConfig returned no "
                           "WebAuthnConfiguration.UserVerification")
    elif setting == "required":
        yield META.passed(pool_resource(snap), "passkeys must verify the user", **evidence)
    else:
        yield META.failed(pool_resource(snap), f"passkey user verification is {setting}, not required", **evidence)
