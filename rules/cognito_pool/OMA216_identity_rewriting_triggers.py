"""OMA216: Lambda triggers can rewrite who a user is (for review).

## Why this matters
Some triggers decide the identity OpenMetadata sees. `PreTokenGeneration` can add, change or suppress
claims, the `email` claim included, in every ID token; `PreSignUp` can auto-confirm and auto-verify
users (`autoVerifyEmail`), skipping the proof that the address is theirs; `UserMigration` creates
users from another directory on first sign-in; `InboundFederation` transforms federated users'
attributes (botocore 1.44.8 LambdaConfigType). None of this is wrong by itself, but whoever can change
those functions can sign in as anyone, so their code and IAM policies belong in the review. Info: it
is listed, never gating.

## Fix
Review each function: that it never copies a user-controlled value into `email`, never auto-verifies
e-mail, and that only the deployment role may update it (`aws lambda get-policy`,
`aws lambda get-function-configuration`). Console: Extensions > Lambda triggers.

## References
- AWS Cognito docs, "Customizing user pool workflows with Lambda triggers" (pre token generation,
  pre sign-up, migrate user, inbound federation)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, pool_resource

META = RuleMeta(id="OMA216", name="identity-rewriting-triggers", severity=Severity.INFO, needs=("cognito.user_pool",),
                about=("cognito.user_pool.triggers",))
IDENTITY_TRIGGERS = {"PreTokenGeneration": "can change the email claim of every ID token",
                     "PreSignUp": "can auto-confirm users and verify their e-mail",
                     "UserMigration": "creates users from another directory at sign-in",
                     "InboundFederation": "can transform federated users' attributes"}


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    found = [t for t in IDENTITY_TRIGGERS if t in (pool.triggers or ())]
    if found:
        yield META.failed(pool_resource(snap), "; ".join(f"{t} {IDENTITY_TRIGGERS[t]}" for t in found),
                          triggers=found)
    else:
        yield META.passed(pool_resource(snap), "no trigger that rewrites identity", triggers=list(pool.triggers or ()))
