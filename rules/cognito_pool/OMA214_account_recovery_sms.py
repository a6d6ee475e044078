"""OMA214: password recovery prefers SMS (or the setting is absent).

## Why this matters
ForgotPassword sends the reset code by the pool's first recovery mechanism. "In the absence of this
setting, Amazon Cognito uses the legacy behavior to determine the recovery method where SMS is
preferred" (botocore 1.44.8 UserPoolType.AccountRecoverySetting). A code by SMS resets the password
for whoever holds the phone number: a SIM swap becomes the account, and with it OpenMetadata. Low.
`verified_email` first, or `admin_only`, passes; a federated-only pool is SKIPPED (its users reset
passwords at their identity provider).

## Fix
Console: Authentication > Sign-in > User account recovery: "Email only" (or "Email if available,
otherwise SMS"). CLI: `aws cognito-idp update-user-pool --user-pool-id <id> --account-recovery-setting
'RecoveryMechanisms=[{Priority=1,Name=verified_email}]'` (with the other current settings).

## References
- AWS Cognito API reference, AccountRecoverySettingType; AWS Cognito docs, "Recovering user accounts"
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

META = RuleMeta(id="OMA214", name="account-recovery-sms", severity=Severity.LOW,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.user_pool.account_recovery",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    reason = federated_only(snap)
    order = [o.name for o in pool.account_recovery or ()]
    if reason:
        yield META.skipped(pool_resource(snap), reason)
    elif pool.account_recovery is None:
        yield META.failed(pool_resource(snap), "no AccountRecoverySetting: the legacy behaviour prefers SMS",
                          recovery=None)
    elif not order or order[0] == "verified_phone_number":
        shown = " then ".join(order) or "none"
        yield META.failed(pool_resource(snap), f"password recovery goes by {shown}", recovery=order)
    else:
        yield META.passed(pool_resource(snap), f"password recovery goes by {' then '.join(order)}", recovery=order)
