"""The one redaction layer every output path goes through: reports, snapshots, errors, logs.

It removes the exact secret values this process holds (the user's token, AWS keys), any run of 8 or
more of their characters in any case (a server that echoes a prefix, or the token split into
pieces), and anything shaped like a JWT, whatever its origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
AWS_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
MASK = "[REDACTED]"
MIN_SECRET_LENGTH = 6
MIN_EXACT_LENGTH = 12  # shorter values read from files could be ordinary words
MIN_FRAGMENT = 8  # this many characters of a secret, anywhere in a text, are masked
FRAGMENT_SECRET = 16  # secrets at least this long are also masked by fragment (tokens, AWS keys)
LONG_FRAGMENT = 10  # a run this long is masked even when it is letters only
ELLIPSIS = "…"


SECRET_ENV = ("OMAUDIT_OM_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_ACCESS_KEY_ID")


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: list[str] = []
        self._windows: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= MIN_SECRET_LENGTH and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)
            if len(secret) >= FRAGMENT_SECRET:
                low = secret.lower()
                self._windows.update(low[i:i + MIN_FRAGMENT] for i in range(len(low) - MIN_FRAGMENT + 1))

    def add_exact(self, secret: str | None) -> None:
        """Mask `secret` where it appears whole, never its fragments: for a value read from a file, which
        no server echoes in pieces, and whose fragments (a password such as `openmetadata_prod_Pw`)
        would blank ordinary words and file paths."""
        if secret and len(secret) >= MIN_EXACT_LENGTH and secret not in self._secrets:
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
        text = self._fragments(text)
        text = JWT_SHAPE.sub(MASK, text)
        return AWS_ACCESS_KEY.sub(MASK, text)

    def _fragments(self, text: str) -> str:
        """Mask every run of MIN_FRAGMENT or more characters of a secret, in any case: a server that
        echoes a prefix of the token, or the token split by spaces or hyphens, leaks no piece of it.
        Each window of the secret is looked for with str.find (C speed); overlapping finds merge."""
        if len(text) < MIN_FRAGMENT or not self._windows:
            return text
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer: positions would drift
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        spans: list[tuple[int, int]] = []
        for window in self._windows:
            start = lowered.find(window)
            while start != -1:
                spans.append((start, start + MIN_FRAGMENT))
                start = lowered.find(window, start + 1)
        if not spans:
            return text
        spans.sort()
        merged = [spans[0]]
        for begin, end in spans[1:]:
            if begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((begin, end))
        pieces, last = [], 0
        for begin, end in (m for m in merged if _secret_like(text[m[0]:m[1]])):
            pieces += [text[last:begin], MASK]
            last = end
        return "".join([*pieces, text[last:]])

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


def _secret_like(run: str) -> bool:
    """A matched run to mask: 10 characters or more, or 8-9 that mix letters and digits. A lone word
    shared with a token ("rejected", "internal", "-canary-") stays, so ordinary text is not masked."""
    return len(run) >= LONG_FRAGMENT or (any(c.isdigit() for c in run) and any(c.isalpha() for c in run))


SECRETS = Redactor()
"""The process-wide layer: every secret omaudit reads is registered here, every output passes through it."""


def cut(text: str, width: int) -> str:
    """The process-wide layer's redact-then-cut: every place that shortens a string uses this."""
    return SECRETS.cut(text, width)


def register(*secrets: str | None) -> None:
    for secret in secrets:
        SECRETS.add(secret)


def register_exact(*secrets: str | None) -> None:
    for secret in secrets:
        SECRETS.add_exact(secret)


def register_environment(environ: dict[str, str] | None = None) -> None:
    """The token and AWS keys from the environment: never printed, whatever echoes them back."""
    import os

    env = os.environ if environ is None else environ
    register(*(env.get(name) for name in SECRET_ENV))
