"""OMA205: anyone can register in the user pool.

## Why this matters
With `AllowAdminCreateUserOnly` false (the AWS default), anyone who knows the public app client ID,
which OpenMetadata publishes at `/api/v1/system/config/auth`, can create a Cognito user; with
OpenMetadata's self-signup (OMA108) that user gets an OpenMetadata account on first login. High:
it turns "our staff" into "the internet". A federated-only pool is SKIPPED.

## Fix
Console: Sign-up > Self-service sign-up > disable. CLI: `aws cognito-idp update-user-pool
--user-pool-id <id> --admin-create-user-config AllowAdminCreateUserOnly=true` (pass the other current
settings too: update-user-pool resets omitted ones).

## References
- AWS Cognito docs, AdminCreateUserConfig (user-pool-settings-admin-create-user-policy)
- Prowler cognito_user_pool_self_registration_disabled
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    known,
    local_users_pool,
)

META = RuleMeta(id="OMA205", name="self-registration-allowed", severity=Severity.HIGH,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.user_pool.allow_admin_create_user_only",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool, resource, federated = local_users_pool(snap, META)
    if federated is not None:
        yield federated
    elif known(pool.allow_admin_create_user_only) is True:
        yield META.passed(resource, "only administrators can create users")
    else:
        yield META.failed(resource, "anyone can sign up to the pool (AllowAdminCreateUserOnly is not true)",
                          field_absent=pool.allow_admin_create_user_only is None)
