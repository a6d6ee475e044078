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

ENFORCED only blocks what the risk configuration tells it to. Where the pool is ENFORCED, the pool's
and every client's configuration is read (DescribeRiskConfiguration; "App client threat-protection
configurations override the user pool configuration", AWS Cognito docs, threat protection). A
configuration whose compromised-credentials action and every account-takeover action are
`NO_ACTION` enforces nothing: the pool fails for it, or for each client whose own configuration does
so. A configuration without actions is not judged (AWS documents no default to judge against).

## Fix
Console: Settings > Feature plan > Plus; then Threat protection > Activate > Full function (standard and
custom authentication). CLI: `aws cognito-idp update-user-pool --user-pool-id <id> --user-pool-tier PLUS
--user-pool-add-ons 'AdvancedSecurityMode=ENFORCED,AdvancedSecurityAdditionalFlows={CustomAuthMode=ENFORCED}'`
(with the other current settings). For a configuration that takes no action: `aws cognito-idp
set-risk-configuration --user-pool-id <id> [--client-id <client>]
--compromised-credentials-risk-configuration 'Actions={EventAction=BLOCK}'
--account-takeover-risk-configuration 'Actions={HighAction={EventAction=BLOCK,Notify=true},...}'`
(console: Threat protection > Adaptive authentication / Compromised credentials).

## References
- AWS FSBP Cognito.1; Prowler cognito_user_pool_advanced_security_enabled
- AWS Cognito docs, "Advanced security with threat protection" ("available in the Plus feature plan")
- AWS Config managed rule cognito-userpool-cust-auth-threat-full-check
"""

from auditor.engine.rulekit import (
    COGNITO_RISK,
    Iterable,
    Outcome,
    Params,
    RiskConfig,
    RuleMeta,
    Severity,
    Snapshot,
    effective_auth_flows,
    federated_only,
    need,
    pool_resource,
)

META = RuleMeta(id="OMA206", name="threat-protection-not-enforced", severity=Severity.MEDIUM,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.user_pool.advanced_security_mode",))
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
    risks = snap.cognito.risk_configurations
    if risks is None:
        problem = snap.problem(COGNITO_RISK)
        yield META.errored(pool_resource(snap), "threat protection is ENFORCED, but its risk configuration could not "
                           f"be read: {problem.reason if problem else 'not collected'}")
        return
    inert = [r for r in risks if _takes_no_action(r) and (r.asked_client is None or r.client_level)]
    if inert:
        where = ", ".join("the pool" if r.asked_client is None else f"client {r.asked_client}" for r in inert)
        yield META.failed(pool_resource(snap), f"threat protection is ENFORCED, but every risk action is NO_ACTION "
                          f"for {where}", inert=[r.asked_client or "(pool)" for r in inert], **evidence)
        return
    yield META.passed(pool_resource(snap), "threat protection is ENFORCED", **evidence)


def _takes_no_action(risk: RiskConfig) -> bool:
    actions = [a for a in (risk.compromised_action, *risk.takeover_actions) if a is not None]
    return bool(actions) and all(a == "NO_ACTION" for a in actions)
