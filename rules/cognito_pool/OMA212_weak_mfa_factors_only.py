"""OMA212: the only MFA factors are SMS or e-mail codes.

## Why this matters
OMA203 asks whether MFA is enforced; this rule asks what it is made of. SMS codes fall to SIM swaps
and SS7 interception, and an e-mail code is only as strong as the mailbox, which is often reset by the
same e-mail or phone. An authenticator app (`SoftwareTokenMfaConfiguration.Enabled`) or passkeys that
count as MFA (`WebAuthnConfiguration.FactorConfiguration: MULTI_FACTOR_WITH_USER_VERIFICATION`) resist
both. Medium. SKIPPED when MFA is OFF (OMA203 reports that) and for a federated-only pool. Email MFA
is read as on when `EmailMfaConfiguration` is returned at all: its members are only message templates
(botocore 1.44.8 EmailMfaConfigType).

## Fix
Console: Authentication > Sign-in > Multi-factor authentication: add "Authenticator apps" (and
passkeys as MFA on Essentials or Plus). CLI: `aws cognito-idp set-user-pool-mfa-config --user-pool-id
<id> --software-token-mfa-configuration Enabled=true --mfa-configuration ON` (with the current SMS and
email settings).

## References
- AWS Cognito docs, "Adding MFA to a user pool"; NIST SP 800-63B 5.1.3.3 (restricted authenticators: SMS)
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

META = RuleMeta(id="OMA212", name="weak-mfa-factors-only", severity=Severity.MEDIUM,
                needs=("cognito.mfa", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.mfa.software_token",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    mfa = need(snap.cognito.mfa)
    mode = mfa.mfa_configuration or "OFF"
    strong = [name for name, on in (("authenticator app (TOTP)", mfa.software_token),
                                    ("passkey", mfa.webauthn_factor == "MULTI_FACTOR_WITH_USER_VERIFICATION")) if on]
    weak = [name for name, on in (("SMS", mfa.sms), ("email", mfa.email)) if on]
    evidence = {"mfa_configuration": mode, "strong_factors": strong, "weak_factors": weak}
    reason = federated_only(snap)
    if reason:
        yield META.skipped(pool_resource(snap), reason)
    elif mode == "OFF":
        yield META.skipped(pool_resource(snap), "MFA is OFF: there are no factors to weigh (see OMA203)")
    elif strong:
        yield META.passed(pool_resource(snap), f"MFA offers {', '.join(strong)}", **evidence)
    else:
        shown = " and ".join(weak) or "no factor the API reports"
        yield META.failed(pool_resource(snap), f"MFA is {mode} with {shown} only", **evidence)
