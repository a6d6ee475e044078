"""URL facts shared by the plan, collectors and rules: a base URL the user gave, checked; what counts as
loopback, in any spelling."""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from auditor.facts.snapshot import Endpoint


def _as_ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        addr = ipaddress.ip_address(name)
    except ValueError:
        # Browsers and resolvers also take 127.1, 2130706433 and 0x7f.0.0.1: inet_aton does too.
        if not name or not all(c in "0123456789abcdefx." for c in name):
            return None
        try:
            return ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


# Names that are loopback by convention on this machine (/etc/hosts of common distributions).
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# Registered public domains whose names (and every subdomain) resolve to 127.0.0.1 for anyone: their
# owners can repoint them at any time. Matched statically; an audit never resolves DNS to decide.
# Sources: colasloth.com (https://colasloth.github.io/), localhost.localstack.cloud (LocalStack's docs);
# localtest.me, lvh.me and vcap.me are long-standing developer conventions whose records were not
# re-resolved here (docs/research/issue-12-cognito-api.md, section 3.8).
LOOPBACK_DOMAINS = ("localtest.me", "lvh.me", "vcap.me", "localhost.localstack.cloud", "colasloth.com")
# Wildcard DNS services that answer the address spelled in the name: 127.0.0.1.nip.io, app-127-0-0-1.sslip.io,
# 7f000001.nip.io, --1.sslip.io (::1), as documented at https://sslip.io/ (nip.io takes the same forms).
# xip.io is defunct but still found in old configurations.
ECHO_DOMAINS = ("nip.io", "sslip.io", "xip.io")


def _normal(host: str) -> str:
    name = host.strip().strip("[]").rstrip(".").lower()
    return name.split("%", 1)[0]  # IPv6 zone id, e.g. ::1%lo


def _local_address(addr: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    return addr is not None and (addr.is_loopback or addr.is_unspecified)


def _echoed_address(labels: list[str]) -> bool:
    """Does any spelling the echo services accept, in the labels before their domain, name loopback?"""
    candidates = [".".join(labels[i:i + 4]) for i in range(len(labels))]
    for label in labels:
        candidates.append(label)
        parts = label.split("-")
        candidates += ["-".join(parts[i:]).replace("-", ".") for i in range(len(parts))]
        candidates.append(label.replace("-", ":"))
        if len(label) == 8 and all(c in "0123456789abcdef" for c in label):
            candidates.append(str(ipaddress.IPv4Address(int(label, 16))))
    return any(_local_address(_strict_ip(c)) for c in candidates if c)


def _strict_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def loopback_alias(host: str) -> str | None:
    """Why a public name points at this machine (a third party's domain), or None."""
    name = _normal(host)
    for domain in LOOPBACK_DOMAINS:
        if name == domain or name.endswith("." + domain):
            return f"{domain} is a third party's domain that resolves to 127.0.0.1"
    for domain in ECHO_DOMAINS:
        if name.endswith("." + domain) and _echoed_address(name[: -len(domain) - 1].split(".")):
            return f"{domain} answers the loopback address spelled in the name"
    return None


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8, ::1 and 0.0.0.0, in any spelling (case, trailing dot, brackets), and the
    public names that resolve there (loopback_alias)."""
    name = _normal(host)
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    return _local_address(_as_ip(name)) or loopback_alias(name) is not None


def url_host(url: str) -> str | None:
    """The host of a URL, or None when it has none (or cannot be parsed)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        # A user name with brackets (a secret masked where the answer entered: `[REDACTED]@host`) reads
        # as a broken IPv6 literal; the host after the last `@` is still the host.
        netloc = url.strip().split("//", 1)[-1].split("/", 1)[0]
        if "@" not in netloc:
            return None
        try:
            return urlsplit("//" + netloc.rsplit("@", 1)[-1]).hostname
        except ValueError:
            return None
    if host is None and parts.netloc:
        host = parts.netloc.rsplit("@", 1)[-1].split(":", 1)[0] or None
    return host


def url_scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:  # a broken netloc (see url_host) leaves the scheme readable
        head, found, _ = url.strip().partition("://")
        return head.lower() if found and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", head) else ""


def where_loopback_points(host: str) -> str:
    """The words a finding uses for a loopback host: this machine, or a third party's name for it."""
    alias = loopback_alias(host)
    return f"this machine ({host}; {alias})" if alias else f"this machine ({host})"


def parse_om_url(url: str, what: str = "--om-url") -> Endpoint:
    """Validate a user-given base URL; raises ValueError with a one-line reason."""
    try:
        parts = urlsplit(url.strip())
        userinfo = "@" in url  # anywhere: a typo such as http:user:pw@host must not be echoed either
    except ValueError:
        raise ValueError(f"{what} cannot be parsed (check brackets and the port)") from None
    if userinfo:
        # Never echoed: the part before '@' is a user name and password.
        raise ValueError(f"{what} must not carry a user name or password (user:pass@host): give the host only, "
                         "and credentials through OMAUDIT_OM_TOKEN, a token file or the AWS credential chain")
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{what} must start with http:// or https:// (got {url!r})")
    if not parts.hostname:
        raise ValueError(f"{what} has no host: {url!r}")
    try:
        _ = parts.port
    except ValueError:
        raise ValueError(f"{what} has an invalid port: {url!r}") from None
    if parts.query or parts.fragment:
        raise ValueError(f"{what} must be a base URL without query or fragment: {url!r}")
    return Endpoint(url=url.strip().rstrip("/"), scheme=parts.scheme, host=parts.hostname)
