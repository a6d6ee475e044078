"""OMA201: `email` is not a required attribute of the user pool.

## Why this matters
OpenMetadata maps a Cognito user to an OpenMetadata user by the `email` claim (the first of
`jwtPrincipalClaims`, default `email, preferred_username, sub`). Users without an e-mail fall through
to `preferred_username` or the opaque `sub`, and get duplicate or unreadable accounts, or none at all.
The OpenMetadata Cognito guide makes `email` required. Cognito cannot change required attributes after
the pool is created, so this is cheapest to get right first.
omaudit reads `SchemaAttributes`: "required" means an attribute named `email` with `Required: true`.

## Fix
Required attributes are fixed at pool creation: create a new pool with `email` required
(console: Sign-up experience > Required attributes > email; CLI:
`aws cognito-idp create-user-pool --pool-name <name> --schema Name=email,Required=true,Mutable=true
--auto-verified-attributes email`), migrate users, and point OpenMetadata's authority at it.

## References
- OpenMetadata docs, Amazon Cognito SSO, "Create Server Credentials", Step 2 (email as a required attribute)
- AWS Cognito API reference: SchemaAttributeType
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, pool_resource

META = RuleMeta(id="OMA201", name="user-pool-email-required", severity=Severity.HIGH, needs=("cognito.user_pool",),
                about=("cognito.user_pool.schema",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    email = pool.attribute("email")
    if email is not None and email.required:
        yield META.passed(pool_resource(snap), "email is a required attribute")
    elif tuple(pool.username_attributes or ()) == ("email",):
        # UsernameAttributes [email] alone: users sign up with their e-mail address as the username, which
        # Cognito keeps in the `email` attribute, so no user of the directory lacks one (AWS Cognito docs,
        # "Working with user attributes", Customizing sign-in attributes; botocore 1.44.8 UserPoolType
        # UsernameAttributes). With phone_number allowed too, a user may sign up without an e-mail.
        yield META.passed(pool_resource(snap), "email is the username: every user has one, although the schema "
                          "does not mark it required", username_attributes=list(pool.username_attributes or ()))
    else:
        yield META.failed(pool_resource(snap), "email is not a required attribute of the user pool",
                          email_in_schema=email is not None)
