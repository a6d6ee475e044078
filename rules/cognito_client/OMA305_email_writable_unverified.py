"""OMA305: users can change their own e-mail without verifying it.

## Why this matters
If a client may write `email` (`WriteAttributes`; absent means every standard attribute) and the
pool does not keep the old address until the new one is verified
(`UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate` without `email`), a user
can call UpdateUserAttributes with their own access token and set `email` to someone else's address.
OpenMetadata then logs them in as that person, an administrator included. High. An immutable `email`
attribute cannot be changed and passes.

Every client of the pool is judged, not only OpenMetadata's: the attacker picks the client. The call
needs an access token with the `aws.cognito.signin.user.admin` scope (botocore 1.44.8,
UpdateUserAttributes: "It must include the scope aws.cognito.signin.user.admin"). Local users get one
from any SDK sign-in flow of the client (SRP is in AWS's default flows); federated users only through
OAuth, when the client allows that scope. A client whose users all come from an external identity
provider (`SupportedIdentityProviders` without `COGNITO`) and which does not allow the scope passes:
its users cannot make the call. Such a client must keep its IdP-mapped attributes in `WriteAttributes`
("this array must include all attributes that you have mapped to IdP attributes", UserPoolClientType),
so removing `email` from it would break federated sign-in.

## Fix
Keep verification before update: `aws cognito-idp update-user-pool --user-pool-id <id>
--user-attribute-update-settings AttributesRequireVerificationBeforeUpdate=email
--auto-verified-attributes email` (with the other current settings; console: Sign-up > Attribute
verification and user account confirmation). Then, for a client of local users, remove `email` from
its write attributes (`aws cognito-idp update-user-pool-client ... --write-attributes name`); for a
federated client whose IdP maps `email`, keep it writable and remove `aws.cognito.signin.user.admin`
from its allowed OAuth scopes instead.

## References
- AWS Cognito docs, "Verifying when users change their email address or phone number"
- AWS Cognito API reference, UpdateUserAttributes; UserPoolClientType.WriteAttributes
"""

from auditor.engine.rulekit import (
    ADMIN_SCOPE,
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    attribute_update_paths,
    each_client,
    need,
)

META = RuleMeta(id="OMA305", name="email-writable-unverified", severity=Severity.HIGH,
                needs=("cognito.clients", "cognito.user_pool"),
                about=("cognito.clients.write_attributes",))
def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    email = pool.attribute("email")
    mutable = email.mutable if email is not None else True
    verified_update = "email" in (pool.verify_before_update or ())
    for client, resource, tags in each_client(snap):
        writable = client.write_attributes is None or "email" in client.write_attributes
        paths = attribute_update_paths(client)
        evidence = {**tags, "client_writes_email": writable, "email_mutable": mutable,
                    "verify_before_update": list(pool.verify_before_update or ()), "token_paths": paths}
        if not (writable and mutable and not verified_update):
            yield META.passed(resource, "users cannot take over another email", **evidence)
        elif not paths:
            yield META.passed(resource, "email is writable, but this client's users cannot get a token that may "
                              f"call UpdateUserAttributes (federated, no {ADMIN_SCOPE} scope)", **evidence)
        else:
            yield META.failed(resource, "users can set their own email without verifying it, through "
                              + " and ".join(paths), **evidence)
