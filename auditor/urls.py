"""URL facts shared by collectors and rules: what counts as loopback, in any spelling."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


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


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8, ::1 and 0.0.0.0, in any spelling (case, trailing dot, brackets)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if "%" in name:  # IPv6 zone id, e.g. ::1%lo
        name = name.split("%", 1)[0]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    addr = _as_ip(name)
    return addr is not None and (addr.is_loopback or addr.is_unspecified)


def url_host(url: str) -> str | None:
    """The host of a URL, or None when it has none (or cannot be parsed)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if host is None and parts.netloc:
        host = parts.netloc.rsplit("@", 1)[-1].split(":", 1)[0] or None
    return host


def url_scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
