"""OMA215: usernames are case-sensitive.

## Why this matters
With `UsernameConfiguration.CaseSensitive` true, which "is the default value" (botocore 1.44.8
UsernameConfigurationType; absent means true), `Admin@example.com` and `admin@example.com` are two
users of the pool. OpenMetadata stores names and e-mails lower-cased (util/UserUtil.java getUser:
`create.getEmail().toLowerCase()`), so a second registration that differs only in case maps to the
first user's OpenMetadata account, or locks them out with "Account already exists". AWS: "For most
use cases, set case sensitivity to False". Low. It cannot be changed on an existing pool; a
federated-only pool is SKIPPED.

## Fix
Create a new pool with case-insensitive usernames and migrate users (console: Create user pool >
"Make user name case sensitive" unchecked; CLI: `aws cognito-idp create-user-pool --pool-name <name>
--username-configuration CaseSensitive=false ...`), or keep self-registration off (OMA205).

## References
- AWS Cognito API reference, UsernameConfigurationType
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

META = RuleMeta(id="OMA215", name="case-sensitive-usernames", severity=Severity.LOW,
                needs=("cognito.user_pool", "cognito.clients", "cognito.identity_providers"),
                about=("cognito.user_pool.case_sensitive",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool, resource, federated = local_users_pool(snap, META)
    if federated is not None:
        yield federated
    elif known(pool.case_sensitive) is False:
        yield META.passed(resource, "usernames are case-insensitive")
    else:
        shown = "true" if pool.case_sensitive else "absent (AWS's default, true)"
        yield META.failed(resource, f"usernames are case-sensitive (CaseSensitive {shown})",
                          case_sensitive=pool.case_sensitive)
