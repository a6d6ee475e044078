"""OMA210: a one-time code alone signs users in (EMAIL_OTP or SMS_OTP as a first factor, MFA not required).

## Why this matters
Choice-based sign-in (`ALLOW_USER_AUTH` on a client) offers the first factors the pool lists in
`Policies.SignInPolicy.AllowedFirstAuthFactors` (botocore 1.44.8 SignInPolicyType). With `EMAIL_OTP` or
`SMS_OTP` there and MFA not `ON`, a code sent to the mailbox or phone is the whole account: whoever
reads the mailbox, or takes over the SIM, signs in to OpenMetadata as that user, administrators
included. Medium. A pool where no client has `ALLOW_USER_AUTH` cannot use those factors and passes;
a federated-only pool is SKIPPED.

## Fix
Console: Authentication > Sign-in > Options for choice-based sign-in: remove "Email message one-time
password" and "SMS message one-time password" (keep passkeys, or password with MFA). CLI: `aws
cognito-idp update-user-pool --user-pool-id <id> --policies
'SignInPolicy={AllowedFirstAuthFactors=[PASSWORD,WEB_AUTHN]}' --mfa-configuration ON` (with the other
current settings).

## References
- AWS Cognito docs, "Authentication with choice-based sign-in" (passwordless sign-in)
- AWS Cognito API reference, SignInPolicyType
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    federated_only,
    first_factors,
    need,
    pool_resource,
)

META = RuleMeta(id="OMA210", name="one-time-code-first-factor", severity=Severity.MEDIUM,
                needs=("cognito.user_pool", "cognito.mfa", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.user_pool.first_auth_factors",))
CODES = ("EMAIL_OTP", "SMS_OTP")


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    mode = need(snap.cognito.mfa).mfa_configuration or "OFF"
    reason = federated_only(snap)
    codes = [f for f in first_factors(pool) if f in CODES]
    choosers = sorted(c.client_id for c in need(snap.cognito.clients) if "ALLOW_USER_AUTH" in
                      (c.explicit_auth_flows or ()))
    evidence = {"first_factors": list(first_factors(pool)), "mfa_configuration": mode, "user_auth_clients": choosers}
    if reason:
        yield META.skipped(pool_resource(snap), reason)
    elif not codes:
        yield META.passed(pool_resource(snap), "no one-time code is a first factor", **evidence)
    elif not choosers:
        yield META.passed(pool_resource(snap), f"{', '.join(codes)} is allowed, but no client offers choice-based "
                          "sign-in (ALLOW_USER_AUTH)", **evidence)
    elif mode == "ON":
        yield META.passed(pool_resource(snap), f"{', '.join(codes)} is a first factor, and MFA is required",
                          **evidence)
    else:
        yield META.failed(pool_resource(snap), f"{', '.join(codes)} alone signs users in through "
                          f"{len(choosers)} client(s), and MFA is {mode}", **evidence)
