"""OMA107: OpenMetadata's SSO `callbackUrl` is not HTTPS.

## Why this matters
With the default public client, the identity provider returns the user's ID token to this URL. Over
plain HTTP anyone on the path reads it and replays it as the user until it expires. Medium: it needs
a network position, but yields a full session.

## Fix
Serve OpenMetadata behind TLS and set `AUTHENTICATION_CALLBACK_URL=https://<host>/callback`; register
the same https URL in the Cognito app client (`aws cognito-idp update-user-pool-client ... --callback-urls`).

## References
- OpenMetadata docs, Amazon Cognito SSO; AWS Cognito docs: callback URLs must use HTTPS except for localhost
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    om_callback_judged,
    url_scheme,
)

META = RuleMeta(id="OMA107", name="callback-url-not-https", severity=Severity.MEDIUM, needs=("om.auth_config",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, field, url, stop = om_callback_judged(snap, META)
    if stop is not None:
        yield stop
    elif url_scheme(url) == "https":
        yield META.passed(resource, f"{field} uses https", callback_url=url)
    else:
        yield META.failed(resource, f"{field} {url} is not https", callback_url=url)
