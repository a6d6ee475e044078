"""The repository and revision the scanned tree is, as the operator names them (`--repo-url`,
`--repo-revision`). Nothing in the tree can say so: its `.git/config` and every manifest are the pull
request author's. An Argo CD source that names this repository and revision is read from the tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Checkout:
    url: str
    revision: str = "HEAD"

    def holds(self, source: dict[str, Any]) -> bool:
        """Whether an Argo CD source (`repoURL`, `targetRevision`; none is HEAD) is this checkout."""
        revision = str(source.get("targetRevision") or "HEAD")
        key = repo_key(str(source.get("repoURL", "")))
        return bool(key) and key == repo_key(self.url) and revision == self.revision


_DEFAULT_PORTS = {"https": 443, "http": 80, "ssh": 22, "git": 9418}


def repo_key(url: str) -> str:
    """A git URL as host:port/path, without user, `.git` or a trailing slash: `git@github.com:org/repo.git`
    and `https://github.com/org/repo` are one repository. A port is part of the server (one not the
    scheme's default is kept), the path keeps its case (only the host is case-free), and anything that
    is not a git URL (`oci://`, `file://`, a query or a fragment) names none: "" (found by an attack,
    which had `https://host:8443/o/r` and `oci://host/o/r` taken for the checkout)."""
    text = url.strip()
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!//)([^?#]*)", text)
    if scp:
        host, port, path = scp.group(1), _DEFAULT_PORTS["ssh"], scp.group(2)
        scheme = "ssh"
    else:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or parts.query or parts.fragment:
            return ""
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            return ""
        host, path = parts.hostname or "", parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    if not host or not path or ".." in path.split("/"):
        return ""
    # https and ssh reach one repository on their default ports (GitHub, GitLab, Bitbucket); any other
    # port is another server
    shown = "" if port == _DEFAULT_PORTS[scheme] else f":{port}"
    return f"{host.lower()}{shown}/{path}"
