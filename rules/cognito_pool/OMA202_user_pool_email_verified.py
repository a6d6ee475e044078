"""OMA202: the pool does not auto-verify e-mail addresses.

## Why this matters
OpenMetadata trusts the `email` claim as the user's identity. Without `email` in
`AutoVerifiedAttributes`, Cognito issues tokens for addresses nobody proved to own. Together with a
client that lets users write their own `email` (OMA305), anyone with an account can become
`admin@yourcompany.com` in OpenMetadata.

## Fix
Console: Sign-up experience > Attribute verification and user account confirmation > "Send email
message, verify email address". CLI: `aws cognito-idp update-user-pool --user-pool-id <id>
--auto-verified-attributes email` (update-user-pool resets omitted settings: pass the current ones too).

## References
- AWS Cognito docs, "Verifying contact information at sign-up"
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

META = RuleMeta(id="OMA202", name="user-pool-email-verified", severity=Severity.HIGH,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.user_pool.auto_verified_attributes",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    verified = pool.auto_verified_attributes or ()
    reason = federated_only(snap)
    if reason:
        # email and email_verified come from the identity provider's attribute mapping, not from Cognito.
        yield META.skipped(pool_resource(snap), reason, auto_verified=list(verified))
    elif "email" in verified:
        yield META.passed(pool_resource(snap), "email addresses are verified", auto_verified=list(verified))
    else:
        yield META.failed(pool_resource(snap), "email is not auto-verified: unproven addresses become identities",
                          auto_verified=list(verified), field_absent=pool.auto_verified_attributes is None)
