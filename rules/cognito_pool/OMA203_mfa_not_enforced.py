"""OMA203: MFA is not required for a pool with local users.

## Why this matters
With `MfaConfiguration` `OFF` or `OPTIONAL`, a stolen or guessed password alone opens OpenMetadata.
Medium, as Prowler and AWS FSBP rate it. A federated-only pool is SKIPPED: its users authenticate
(and do MFA) at their identity provider.

## Fix
Console: Sign-in experience > Multi-factor authentication > Require MFA. CLI:
`aws cognito-idp set-user-pool-mfa-config --user-pool-id <id> --mfa-configuration ON
--software-token-mfa-configuration Enabled=true`.

## References
- Prowler cognito_user_pool_mfa_enabled; AWS FSBP Cognito.5
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

META = RuleMeta(id="OMA203", name="mfa-not-enforced", severity=Severity.MEDIUM,
                needs=("cognito.mfa", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.mfa.mfa_configuration",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    mfa = need(snap.cognito.mfa)
    reason = federated_only(snap)
    mode = mfa.mfa_configuration or "OFF"
    if reason:
        yield META.skipped(pool_resource(snap), reason, mfa_configuration=mode)
    elif mode == "ON":
        yield META.passed(pool_resource(snap), "MFA is required", software_token=mfa.software_token)
    else:
        yield META.failed(pool_resource(snap), f"MFA is {mode}, not ON", mfa_configuration=mode,
                          field_absent=mfa.mfa_configuration is None)
