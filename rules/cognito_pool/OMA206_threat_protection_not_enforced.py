"""OMA206: threat protection (advanced security) is not enforced.

## Why this matters
`AdvancedSecurityMode: ENFORCED` blocks sign-ins with compromised credentials and risky sign-ins.
`AUDIT` only logs; absent means `OFF`. Any other value is not `ENFORCED` and fails too. Medium: it
needs the Plus tier, and it protects local users only, so a federated-only pool is SKIPPED.

## Fix
Console: Threat protection > Activate > Full function. CLI: `aws cognito-idp update-user-pool
--user-pool-id <id> --user-pool-add-ons AdvancedSecurityMode=ENFORCED` (with the other current settings).

## References
- AWS FSBP Cognito.1; Prowler cognito_user_pool_advanced_security_enabled
"""

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, federated_only, need, pool_resource

META = RuleMeta(id="OMA206", name="threat-protection-not-enforced", severity=Severity.MEDIUM,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    reason = federated_only(snap)
    mode = pool.advanced_security_mode
    if reason:
        yield META.skipped(pool_resource(snap), reason)
    elif mode == "ENFORCED":
        yield META.passed(pool_resource(snap), "threat protection is ENFORCED")
    else:
        shown = mode if mode is not None else "OFF (absent)"
        yield META.failed(pool_resource(snap), f"threat protection is {shown}, not ENFORCED", mode=mode)
