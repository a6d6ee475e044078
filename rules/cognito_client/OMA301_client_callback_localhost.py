"""OMA301: an app client's callback, logout or default redirect URL points at localhost.

## Why this matters
The OpenMetadata Cognito guide registers `http://localhost:8585/callback`. Cognito then hands
authorization codes and ID tokens to whatever listens on that port of the user's machine: any local
process, or a page an attacker gets the user to run. Cognito allows plain http only for localhost, so
these entries are also how http stays in a production client. Loopback is matched in any spelling,
and so are public names that resolve to it (`localtest.me`, `lvh.me`, `127.0.0.1.nip.io`,
`127-0-0-1.sslip.io`, ...: auditor/common/urls.py): those are a third party's domains, which their owners
can repoint at a host of their own, and then they receive the codes. Names are matched statically;
the audit never resolves DNS to decide.

## Fix
Console: App clients > <client> > Login pages > Edit: keep only `https://<your OpenMetadata host>/callback`.
CLI: `aws cognito-idp update-user-pool-client --user-pool-id <id> --client-id <client>
--callback-urls https://om.example.com/callback --logout-urls https://om.example.com/` (AWS resets
omitted settings: pass the current ones too).

## References
- OpenMetadata docs, Amazon Cognito SSO ("Allowed callback URLs ... http://localhost:8585")
- AWS Cognito docs, app client settings: callback URLs must be https except for localhost
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    each_client,
    is_loopback_host,
    loopback_alias,
    url_host,
)

META = RuleMeta(id="OMA301", name="client-callback-localhost", severity=Severity.HIGH, needs=("cognito.clients",),
                about=("cognito.clients.callback_urls",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for client, resource, tags in each_client(snap):
        urls = [("CallbackURLs", u) for u in client.callback_urls or ()]
        urls += [("LogoutURLs", u) for u in client.logout_urls or ()]
        if client.default_redirect_uri:
            urls.append(("DefaultRedirectURI", client.default_redirect_uri))
        loopback = [f"{field}: {url}" + (f" ({alias})" if (alias := loopback_alias(url_host(url) or "")) else "")
                    for field, url in urls if is_loopback_host(url_host(url) or "")]
        if loopback:
            yield META.failed(resource, "points at this machine: " + "; ".join(loopback), urls=loopback, **tags)
        else:
            yield META.passed(resource, f"no loopback URL among {len(urls)} registered", **tags)
