"""The one redaction layer every output path goes through: reports, snapshots, errors, logs.

It removes the exact secret values this process holds (the user's token, AWS keys) and anything
shaped like a JWT, whatever its origin (a server that echoes a token, for instance).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
AWS_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
MASK = "[REDACTED]"
MIN_SECRET_LENGTH = 6
MIN_FRAGMENT = 8  # a cut that leaves this many leading characters of a secret masks them too
ELLIPSIS = "…"


SECRET_ENV = ("OMAUDIT_OM_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_ACCESS_KEY_ID")


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= MIN_SECRET_LENGTH and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)

    def values(self) -> list[str]:
        """The registered secrets, for a worker process to hand to its parent (never to output)."""
        return list(self._secrets)

    def __call__(self, text: str) -> str:
        lowered = text.lower()
        for secret in self._secrets:
            text = text.replace(secret, MASK)
            if secret.lower() in lowered:  # echoed in another case (a host name is lower-cased, say)
                text = re.sub(re.escape(secret), MASK, text, flags=re.IGNORECASE)
        text = JWT_SHAPE.sub(MASK, text)
        return AWS_ACCESS_KEY.sub(MASK, text)

    def cut(self, text: str, width: int) -> str:
        """Redact, then shorten to `width`; a secret's leading fragment left at the cut is masked too."""
        text = self(text)
        if len(text) <= width:
            return text
        head = text[: max(0, width - 1)]
        for secret in self._secrets:
            start = head.find(secret[:MIN_FRAGMENT], max(0, len(head) - len(secret)))
            while start != -1:
                if secret.startswith(head[start:]):
                    head = head[:start] + MASK
                    break
                start = head.find(secret[:MIN_FRAGMENT], start + 1)
        return head + ELLIPSIS


SECRETS = Redactor()
"""The process-wide layer: every secret omaudit reads is registered here, every output passes through it."""


def cut(text: str, width: int) -> str:
    """The process-wide layer's redact-then-cut: every place that shortens a string uses this."""
    return SECRETS.cut(text, width)


def register(*secrets: str | None) -> None:
    for secret in secrets:
        SECRETS.add(secret)


def register_environment(environ: dict[str, str] | None = None) -> None:
    """The token and AWS keys from the environment: never printed, whatever echoes them back."""
    import os

    env = os.environ if environ is None else environ
    register(*(env.get(name) for name in SECRET_ENV))
