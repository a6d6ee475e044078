"""OMA118: OpenMetadata trusts signing keys from a foreign issuer, or fetches keys over plain HTTP.

## Why this matters
OpenMetadata verifies a bearer token with the key its `kid` names, looked up across every URL of
`authenticationConfiguration.publicKeyUrls` (MultiUrlJwkProvider), and then checks the signature and
the expiry only: no release checks the token's `iss`, `aud`, `client_id` or `token_use` (JwtFilter;
docs/research/issue-23-attack-paths.md). So every JWKS in the list is a door:
- **a public identity provider's keys**: the chart's own commented example lists Google's
  (`https://www.googleapis.com/oauth2/v3/certs`). With it, a token of any Google account verifies,
  and the part of its e-mail before `@` becomes the OpenMetadata user name (`admin@any-domain`
  acts as `admin` while `enforcePrincipalDomain` is off, as it ships);
- **another user pool's JWKS**: every user of that pool, and anyone who can sign up to it;
- **an `http://` URL to a host that is not OpenMetadata itself**: anyone on the network path can
  answer with keys of their own and sign tokens for any user.

The list is not checked on the way in from `openmetadata.yaml`, the environment or the chart
(CognitoAuthValidator runs when SSO settings are saved through the API or UI). High; medium when the
only weakness is OpenMetadata's own JWKS fetched over plain HTTP from a host name outside the cluster.

## What is trusted
- the audited user pool's JWKS, `https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json`
  (in a file scan, where the pool's id is known only after deploy: the pool OpenMetadata's `authority`
  names, or any Cognito JWKS when neither is known);
- OpenMetadata's own `/api/v1/system/config/jwks`: over HTTPS on its own host (the one the scan
  reached, or its callback URL's), or over HTTP to a loopback address or a Kubernetes service name
  (`openmetadata`, `*.svc`, `*.svc.cluster.local`), as the chart ships it. The same path on another
  host is another OpenMetadata's keys (a staging server on the shipped key, say): high. A service name
  of the cluster is taken as OpenMetadata's own (the scan does not know its namespace), and loopback is
  judged by its spelling, never by a public name that resolves there (localtest.me).
  OpenMetadata reads its own key locally first in any case (LocalJwkProvider);
- with another provider than Cognito, the keys of the provider configured: on its `authority`'s host,
  or Google's and Microsoft's key hosts for `google` and `azure`.

An entry whose host is a variable (`$(ISSUER_URL)/protocol/openid-connect/certs`) is decided where the
server is deployed: SKIPPED, unless another entry already fails. So is OpenMetadata's JWKS path on a
named host when the files give OpenMetadata no host of its own to compare (a loopback or empty callback).

A running server shows the list to an admin token (`/api/v1/system/security/config`); most releases
serve an empty schema default to anonymous callers, which is not the list: then the rule is SKIPPED.

## Fix
List only the pool's JWKS and OpenMetadata's own: `AUTHENTICATION_PUBLIC_KEYS=[https://cognito-idp.
<region>.amazonaws.com/<pool id>/.well-known/jwks.json,http://localhost:8585/api/v1/system/config/jwks]`
(docker/bare metal), `openmetadata.config.authentication.publicKeys` (Helm), or Settings > SSO (1.12+,
where the list is kept in the database), and restart.

## References
- open-metadata/OpenMetadata: openmetadata-service/.../security/MultiUrlJwkProvider.java,
  JwtFilter.java, LocalJwkProvider.java; conf/openmetadata.yaml (`AUTHENTICATION_PUBLIC_KEYS`)
- open-metadata/openmetadata-helm-charts: charts/openmetadata/values.yaml (`publicKeys`, and the
  commented Google example), every tag in tests/data/real/helm
- OpenMetadata docs, "AWS Cognito SSO" (publicKeyUrls: the pool's JWKS and OpenMetadata's own)
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-23-attack-paths.md
"""

import re
from urllib.parse import urlsplit

from auditor.engine.rulekit import (
    PUBLIC_KEY_HOSTS,
    AuthConfig,
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    admin_view_failed,
    configured_key_urls,
    is_loopback_host,
    loopback_alias,
    need,
    om_resource,
    url_host,
    url_scheme,
)

META = RuleMeta(id="OMA118", name="untrusted-key-sources", severity=Severity.MEDIUM,
                needs=("om.auth_config",))

COGNITO_HOST = re.compile(r"(?:issuer-)?cognito-idp\.[a-z0-9-]+\.amazonaws\.com", re.IGNORECASE)
POOL_ID = re.compile(r"[\w-]+_[0-9A-Za-z]+")
OWN_JWKS = ("/api/v1/system/config/jwks", "/api/v1/config/jwks")  # the 1.x path, and <= 0.13's
PROVIDER_KEY_HOST = {"google": "www.googleapis.com", "azure": "login.microsoftonline.com"}


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    auth = need(snap.om.auth_config)
    resource = om_resource(snap, auth.path)
    urls, source = configured_key_urls(snap, auth)
    if urls is None and (failed := admin_view_failed(snap)):
        yield META.errored(resource, f"could not read publicKeyUrls: {failed}")
        return
    if urls is None:
        yield META.skipped(resource, source)
        return
    if not urls:
        yield META.passed(resource, "publicKeyUrls is empty: only OpenMetadata's own key verifies tokens",
                          public_key_urls=[], source=source)
        return
    pools = _trusted_pools(snap, auth)
    issuers = _issuer_hosts(auth)
    own = _own_hosts(snap, auth)
    unknown = {url: "its host is set by reference, known only where the server is deployed" for url in urls
               if _by_reference(url)}
    if not own:  # OpenMetadata's own host is not known (no URL reached, a loopback or empty callback)
        unknown |= {url: "OpenMetadata's keys on a host the files do not name as OpenMetadata's own (no callback "
                         "host to compare)" for url in urls if url not in unknown and _elsewhere(url)}
    verdicts = {url: _verdict(url, pools, issuers, own) for url in urls if url not in unknown}
    evidence = {"public_key_urls": list(urls), "source": source, "trusted_pools": sorted(pools) or None,
                "own_hosts": sorted(own)}
    graver = [f"{url}: {why}" for url, (why, high) in verdicts.items() if why and high]
    weaker = [f"{url}: {why}" for url, (why, high) in verdicts.items() if why and not high]
    if graver or weaker:
        found = META.failed(resource, "OpenMetadata verifies tokens with keys it should not trust: "
                            + "; ".join(graver + weaker), **evidence)
        yield found.graver(Severity.HIGH) if graver else found
    elif unknown:
        yield META.skipped(resource, "publicKeyUrls " + "; ".join(f"{url}: {why}" for url, why in unknown.items()),
                           **evidence)
    else:
        trusted = "its identity provider's keys" if issuers else "the user pool's JWKS"
        yield META.passed(resource, f"every publicKeyUrls entry is {trusted} or OpenMetadata's own",
                          **evidence)


def _trusted_pools(snap: Snapshot, auth: AuthConfig) -> set[str]:
    """The pools whose JWKS may be listed: the audited one when its id is real, and the one
    OpenMetadata's authority names. Empty: no pool is known, so any Cognito JWKS is accepted."""
    pools: set[str] = set()
    pool = snap.cognito.user_pool
    if pool is not None and POOL_ID.fullmatch(pool.id):
        pools.add(pool.id)
    authority = (auth.authority or "").strip().rstrip("/")
    named = re.fullmatch(r"https://(?:issuer-)?cognito-idp\.[a-z0-9-]+\.amazonaws\.com/([\w-]+_[0-9A-Za-z]+)",
                         authority, re.IGNORECASE)
    if named:
        pools.add(named.group(1))
    return pools


def _issuer_hosts(auth: AuthConfig) -> set[str]:
    """Hosts of the identity provider OpenMetadata is configured for, when it is not Cognito (whose
    JWKS is judged by pool): its authority's, and Google's or Microsoft's key host for those."""
    if not auth.provider or auth.provider.lower() in ("aws-cognito", "basic", "ldap"):
        return set()
    hosts = {(url_host(auth.authority or "") or "").lower()} - {""}
    return hosts | ({PROVIDER_KEY_HOST[auth.provider.lower()]} if auth.provider.lower() in PROVIDER_KEY_HOST else set())


def _by_reference(url: str) -> bool:
    """`$(ISSUER_URL)/protocol/openid-connect/certs`: a variable (kubelet, Compose, Helm) in the scheme
    or the host (not in a user name before `@`), so which keys are trusted is decided at deploy."""
    head = url.strip().split("//", 1)[-1].split("/", 1)[0] if "//" in url else url.strip().split("/", 1)[0]
    prefix = url.strip().split("//", 1)[0] if "//" in url else ""
    return any(mark in head.rsplit("@", 1)[-1] + prefix for mark in ("$(", "${", "{{"))


def _own_hosts(snap: Snapshot, auth: AuthConfig) -> set[str]:
    """OpenMetadata's own public hosts: the one this scan reached, and the callback it redirects to (as
    the Cognito guide lists `https://<your domain>/api/v1/system/config/jwks`): a confidential client's
    OIDC callback, a public client's callbackUrl, never the unused one (a review found that one a way
    to make any host "own")."""
    urls = [snap.target.om_url or ""]
    security = snap.om.security_config
    if (auth.client_type or "").lower() == "confidential":
        urls.append(security.oidc_callback_url or "" if security is not None else "")
    else:
        urls.append(auth.callback_url or "")
    hosts = {(url_host(u) or "").lower().rstrip(".") for u in urls} - {""}
    return {h for h in hosts if not is_loopback_host(h)}


def _elsewhere(url: str) -> bool:
    """OpenMetadata's JWKS path on a host that is neither loopback nor a service of the cluster."""
    host = (url_host(url.strip()) or "").lower().rstrip(".")
    path = url.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return path.endswith(OWN_JWKS) and bool(host) and not _local(host) and not _in_cluster(host)


def _local(host: str) -> bool:
    """Loopback by its own spelling: not a public name that resolves there today (localtest.me), whose
    owner may point it elsewhere tomorrow."""
    return is_loopback_host(host) and loopback_alias(host) is None


def _cognito_pool(text: str) -> str | None:
    """The pool id of a Cognito JWKS URL (https, the regional host in any case, with or without the
    trailing dot or :443), or None."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() != "https" or "@" in parts.netloc or port not in (None, 443) or \
            not COGNITO_HOST.fullmatch(host):
        return None
    found = re.fullmatch(r"/([\w-]+_[0-9A-Za-z]+)/\.well-known/jwks\.json", parts.path)
    return found.group(1) if found else None


def _verdict(url: str, pools: set[str], issuers: set[str], own: set[str]) -> tuple[str | None, bool]:
    """(why the URL is not to be trusted, or None; whether that is high)."""
    text = url.strip()
    scheme, host = url_scheme(text), (url_host(text) or "").lower().rstrip(".")
    if scheme not in ("http", "https") or not host:
        return "not an http(s) URL", True
    pool = _cognito_pool(text)
    if pool:
        if pools and pool not in pools:
            return f"the JWKS of another user pool ({pool}): its users' tokens verify", True
        return None, False
    path = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if path.endswith(OWN_JWKS) and (host in own or _local(host) or _in_cluster(host)):
        if scheme == "https" or _local(host) or _in_cluster(host):
            return None, False
        return f"OpenMetadata's keys fetched over plain http from {host}: anyone on the path can add keys", False
    if path.endswith(OWN_JWKS):
        return (f"the keys of another host's OpenMetadata ({host}), not this one's: tokens minted there verify here"
                + (", and they are fetched over plain http" if scheme == "http" else "")), True
    if host in issuers and (scheme == "https" or _local(host)):
        return None, False
    provider = PUBLIC_KEY_HOSTS.get(host)
    why = (f"{provider}'s keys: a token of any {provider} account verifies" if provider
           else f"keys of a foreign issuer ({host}): its tokens verify")
    if scheme == "http" and not _local(host):
        why += ", and they are fetched over plain http"
    return why, True


def _in_cluster(host: str) -> bool:
    """A Kubernetes service name: one label (`openmetadata`), or under `.svc` / `.svc.cluster.local`."""
    return "." not in host or host.endswith((".svc", ".svc.cluster.local"))
