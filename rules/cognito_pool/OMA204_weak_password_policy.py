"""OMA204: the password policy is weaker than the configured minimum.

## Why this matters
Local users' passwords guard OpenMetadata directly. The defaults here follow Prowler and CIS
(minimum length 14, all four character classes); set your own with rule parameters
(`min_length`, `require_classes`). A federated-only pool is SKIPPED.

## Fix
Console: Authentication methods > Password policy. CLI: `aws cognito-idp update-user-pool
--user-pool-id <id> --policies 'PasswordPolicy={MinimumLength=14,RequireUppercase=true,
RequireLowercase=true,RequireNumbers=true,RequireSymbols=true,TemporaryPasswordValidityDays=7}'`
(update-user-pool resets omitted settings: pass the current ones too).

## References
- Prowler cognito_user_pool_password_policy_*; AWS FSBP Cognito.3
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

META = RuleMeta(id="OMA204", name="weak-password-policy", severity=Severity.MEDIUM,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"),
                params={"min_length": 14, "require_classes": True},
                about=("cognito.user_pool.password_policy",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    reason = federated_only(snap)
    if reason:
        yield META.skipped(pool_resource(snap), reason)
        return
    policy = pool.password_policy
    if policy is None:
        yield META.errored(pool_resource(snap), "DescribeUserPool returned no password policy")
        return
    min_length = int(params["min_length"])
    gaps = []
    if policy.minimum_length is None or policy.minimum_length < min_length:
        gaps.append(f"minimum length {policy.minimum_length} < {min_length}")
    if params["require_classes"]:
        for label, value in (("uppercase", policy.require_uppercase), ("lowercase", policy.require_lowercase),
                             ("numbers", policy.require_numbers), ("symbols", policy.require_symbols)):
            if value is not True:
                gaps.append(f"{label} not required")
    evidence = {"minimum_length": policy.minimum_length, "min_length_required": min_length}
    if gaps:
        yield META.failed(pool_resource(snap), "weak password policy: " + "; ".join(gaps), **evidence)
    else:
        yield META.passed(pool_resource(snap), f"length >= {min_length} and all character classes", **evidence)
