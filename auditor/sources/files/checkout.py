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


def repo_key(url: str) -> str:
    """A git URL as host/path, without scheme, user, `.git` or case: `git@github.com:org/repo.git` and
    `https://github.com/Org/repo` are one repository. "" when it names none."""
    text = url.strip()
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!//)(.*)", text)
    if scp:
        host, path = scp.groups()
    else:
        parts = urlsplit(text)
        host, path = parts.hostname or "", parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    return f"{host.lower()}/{path.lower()}" if host and path else ""
