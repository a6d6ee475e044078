"""OMA106: OpenMetadata's SSO `callbackUrl` points at localhost.

## Why this matters
Every example in OpenMetadata's Cognito guide uses `http://localhost:8585/callback`, and it is often
left in place. In production the login then either breaks, or works only because the identity
provider also allows localhost, so that any process on a user's machine listening on that port
receives their ID token. Loopback is matched in any spelling: `LOCALHOST.`, `127.0.0.0/8`
(also `127.1`), `[::1]`, `::ffff:127.0.0.1`, `0.0.0.0`, `localhost.localdomain`, and public names that
resolve there (`localtest.me`, `lvh.me`, `*.127.0.0.1.nip.io`, `127-0-0-1.sslip.io`: a third party's
domains, see OMA301).

## Fix
Set `AUTHENTICATION_CALLBACK_URL=https://<your OpenMetadata host>/callback` (Helm:
`openmetadata.config.authentication.callbackUrl`; 1.12+: Settings > SSO), and register the same URL,
and only that, as the app client's callback URL in Cognito (see OMA301, OMA403).

## References
- OpenMetadata docs, Amazon Cognito SSO, docker/bare-metal/kubernetes pages
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    is_loopback_host,
    om_callback_judged,
    url_host,
    where_loopback_points,
)

META = RuleMeta(id="OMA106", name="callback-url-localhost", severity=Severity.HIGH, needs=("om.auth_config",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, field, url, stop = om_callback_judged(snap, META)
    if stop is not None:
        yield stop
        return
    host = url_host(url)
    if host is None:
        yield META.failed(resource, f"{field} {url!r} has no host a browser could return to", callback_url=url)
    elif is_loopback_host(host):
        yield META.failed(resource, f"{field} {url} points at {where_loopback_points(host)}", callback_url=url)
    else:
        yield META.passed(resource, f"{field} host is {host}", callback_url=url)
