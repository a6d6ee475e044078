"""OMA206: threat protection (advanced security) is not enforced.

## Why this matters
`AdvancedSecurityMode: ENFORCED` blocks sign-ins with compromised credentials and risky sign-ins.
`AUDIT` only logs; absent means `OFF`. Any other value is not `ENFORCED` and fails too. Medium. It
protects local users only, so a federated-only pool is SKIPPED.

Threat protection exists only on the Plus feature plan ("your user pool must be on the Plus tier",
botocore 1.44.8 UserPoolAddOnsType; `UserPoolTier` absent means ESSENTIALS): on LITE or ESSENTIALS the
finding names the plan, because the fix starts with changing it.

`AdvancedSecurityMode` covers the standard flows (password and SRP). Custom authentication has its own
mode, `AdvancedSecurityAdditionalFlows.CustomAuthMode` (`AUDIT` or `ENFORCED`; absent: not protected).
When the pool has custom-auth challenge triggers (DefineAuthChallenge, CreateAuthChallenge,
VerifyAuthChallengeResponse) and a client allows `ALLOW_CUSTOM_AUTH` (also part of AWS's default flows),
the pool fails unless that mode is `ENFORCED` too (AWS Config rule
cognito-userpool-cust-auth-threat-full-check).

Not read: per-client risk configurations (DescribeRiskConfiguration), which can set every action to
NO_ACTION under an ENFORCED pool.

## Fix
Console: Settings > Feature plan > Plus; then Threat protection > Activate > Full function (standard and
custom authentication). CLI: `aws cognito-idp update-user-pool --user-pool-id <id> --user-pool-tier PLUS
--user-pool-add-ons 'AdvancedSecurityMode=ENFORCED,AdvancedSecurityAdditionalFlows={CustomAuthMode=ENFORCED}'`
(with the other current settings).

## References
- AWS FSBP Cognito.1; Prowler cognito_user_pool_advanced_security_enabled
- AWS Cognito docs, "Advanced security with threat protection" ("available in the Plus feature plan")
- AWS Config managed rule cognito-userpool-cust-auth-threat-full-check
"""

from auditor.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    effective_auth_flows,
    federated_only,
    need,
    pool_resource,
)

META = RuleMeta(id="OMA206", name="threat-protection-not-enforced", severity=Severity.MEDIUM,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"))
CUSTOM_AUTH_TRIGGERS = frozenset({"DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"})
CUSTOM_AUTH_FLOWS = frozenset({"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"})


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    reason = federated_only(snap)
    mode = pool.advanced_security_mode
    tier = pool.tier or "ESSENTIALS"
    evidence = {"mode": mode, "tier": tier, "tier_absent": pool.tier is None,
                "custom_auth_mode": pool.custom_auth_mode}
    if reason:
        yield META.skipped(pool_resource(snap), reason)
        return
    if mode != "ENFORCED":
        shown = mode if mode is not None else "OFF (absent)"
        plan = f"; the pool is on the {tier} plan, which has no threat protection: it needs PLUS" if tier != "PLUS" \
            else ""
        yield META.failed(pool_resource(snap), f"threat protection is {shown}, not ENFORCED{plan}", **evidence)
        return
    custom_clients = sorted(c.client_id for c in need(snap.cognito.clients)
                            if CUSTOM_AUTH_FLOWS & set(effective_auth_flows(c)))
    triggers = sorted(CUSTOM_AUTH_TRIGGERS & set(pool.triggers or ()))
    if triggers and custom_clients and pool.custom_auth_mode != "ENFORCED":
        shown = pool.custom_auth_mode or "not set"
        yield META.failed(pool_resource(snap), f"threat protection is ENFORCED for passwords but {shown} for custom "
                          f"authentication, which {len(custom_clients)} client(s) allow with the "
                          f"{', '.join(triggers)} trigger(s)", custom_auth_clients=custom_clients,
                          custom_auth_triggers=triggers, **evidence)
        return
    yield META.passed(pool_resource(snap), "threat protection is ENFORCED", **evidence)
