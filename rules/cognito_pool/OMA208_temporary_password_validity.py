"""OMA208: temporary passwords stay valid for more than the configured number of days.

## Why this matters
An administrator-created user gets a temporary password by e-mail; until used it is a standing
credential in a mailbox. AWS's default is 7 days (used when the field is absent); the limit is the
rule parameter `max_days` (default 7). A federated-only pool is SKIPPED.

## Fix
CLI: `aws cognito-idp update-user-pool --user-pool-id <id> --policies
'PasswordPolicy={...,TemporaryPasswordValidityDays=7}'` (with the other current settings).

## References
- Prowler cognito_user_pool_temporary_password_expiration
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    federated_only,
    need,
    pool_resource,
)

META = RuleMeta(id="OMA208", name="temporary-password-validity", severity=Severity.LOW,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"), params={"max_days": 7},
                about=("cognito.user_pool.password_policy",))
AWS_DEFAULT_DAYS = 7


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    reason = federated_only(snap)
    if reason:
        yield META.skipped(pool_resource(snap), reason)
        return
    policy = pool.password_policy
    days = policy.temporary_password_validity_days if policy else None
    # "If you submit a value of 0, Amazon Cognito treats it as a null value" (botocore 1.44.8 PasswordPolicyType).
    effective = days if days else AWS_DEFAULT_DAYS
    limit = int(params["max_days"])
    evidence = {"days": effective, "aws_default_applied": not days, "max_days": limit}
    if effective > limit:
        yield META.failed(pool_resource(snap), f"temporary passwords are valid for {effective} days (> {limit})",
                          **evidence)
    else:
        yield META.passed(pool_resource(snap), f"temporary passwords are valid for {effective} days", **evidence)
