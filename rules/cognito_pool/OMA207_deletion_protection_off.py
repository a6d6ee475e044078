"""OMA207: deletion protection is off.

## Why this matters
Deleting the pool deletes every user and locks everyone out of OpenMetadata at once, with no undo.
Absent `DeletionProtection` means `INACTIVE`. Low: it takes a privileged mistake or attacker, but the
outage is total.

## Fix
Console: User pool properties > Deletion protection > Activate. CLI: `aws cognito-idp update-user-pool
--user-pool-id <id> --deletion-protection ACTIVE` (with the other current settings).

## References
- Prowler cognito_user_pool_deletion_protection_enabled
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, pool_resource

META = RuleMeta(id="OMA207", name="deletion-protection-off", severity=Severity.LOW, needs=("cognito.user_pool",),
                about=("cognito.user_pool.deletion_protection",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    if pool.deletion_protection == "ACTIVE":
        yield META.passed(pool_resource(snap), "deletion protection is ACTIVE")
    else:
        shown = pool.deletion_protection or "INACTIVE (absent)"
        yield META.failed(pool_resource(snap), f"deletion protection is {shown}", value=pool.deletion_protection)
