"""OMA403: OpenMetadata's `callbackUrl` is not registered on its Cognito app client.

## Why this matters
Cognito only redirects to URLs listed in the client's `CallbackURLs`, compared exactly. If
OpenMetadata's `callbackUrl` is missing there, users cannot log in; teams then "fix" it by adding
broad or localhost URLs (OMA301, OMA404). Medium: an availability failure that invites unsafe fixes.

## Fix
Add exactly OpenMetadata's callback URL: `aws cognito-idp update-user-pool-client --user-pool-id <id>
--client-id <client> --callback-urls https://om.example.com/callback` (with the other current settings),
or set `AUTHENTICATION_CALLBACK_URL` to the registered one.

## References
- AWS Cognito docs, app client settings (callback URLs); OpenMetadata docs, Amazon Cognito SSO
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    om_client_callback,
)

META = RuleMeta(id="OMA403", name="callback-not-registered", severity=Severity.MEDIUM,
                needs=("om.auth_config", "cognito.clients"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, client, field, callback, stop = om_client_callback(snap, META)
    if stop is not None:
        yield stop
    elif client is None or not callback:
        yield META.skipped(resource, f"OpenMetadata has no {field} configured")
    elif callback in (client.callback_urls or ()):
        yield META.passed(resource, f"{callback} is registered on client {client.client_id}")
    else:
        yield META.failed(resource, f"{callback} ({field}) is not among client {client.client_id}'s callback URLs",
                          callback_url=callback, registered=list(client.callback_urls or ()))
