"""OMA305: users can change their own e-mail without verifying it.

## Why this matters
If the client may write `email` (`WriteAttributes`; absent means every mutable attribute) and the
pool does not keep the old address until the new one is verified
(`UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate` without `email`), a user
can call UpdateUserAttributes with their own access token and set `email` to someone else's address.
OpenMetadata then logs them in as that person, an administrator included. High. An immutable `email`
attribute cannot be changed and passes.

## Fix
Remove `email` from the client's write attributes (`aws cognito-idp update-user-pool-client ...
--write-attributes name`), and keep verification before update: `aws cognito-idp update-user-pool
--user-pool-id <id> --user-attribute-update-settings AttributesRequireVerificationBeforeUpdate=email
--auto-verified-attributes email` (with the other current settings).

## References
- AWS Cognito docs, "Verifying when users change their email address or phone number"
"""

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, client_resource, need

META = RuleMeta(id="OMA305", name="email-writable-unverified", severity=Severity.HIGH,
                needs=("cognito.clients", "cognito.user_pool"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    pool = need(snap.cognito.user_pool)
    email = pool.attribute("email")
    mutable = email.mutable if email is not None else True
    verified_update = "email" in (pool.verify_before_update or ())
    for client in need(snap.cognito.clients):
        writable = client.write_attributes is None or "email" in client.write_attributes
        evidence = {"client_writes_email": writable, "email_mutable": mutable,
                    "verify_before_update": list(pool.verify_before_update or ())}
        if writable and mutable and not verified_update:
            yield META.failed(client_resource(snap, client), "users can set their own email without verifying it",
                              **evidence)
        else:
            yield META.passed(client_resource(snap, client), "users cannot take over another email", **evidence)
