"""The one redaction layer every output path goes through: reports, snapshots, errors, logs.

It removes the exact secret values this process holds (the user's token, AWS keys), any run of 8 or
more of their characters in any case (a server that echoes a prefix), the same secret echoed in
pieces of 4 or more characters that continue one another, the user information of any URL
(`http://user:password@host`), and anything shaped like a JWT or an AWS access key ID, whatever its
origin.

Cost is linear in the text: every position of a text is looked up once in a hashed set of each
secret's 8-grams (and 4-grams for pieces), and only inside runs of characters the secrets are made
of. Reports are redacted value by value before they are encoded (auditor.common.redact.redact_values), so
masking can never break a format's syntax.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from auditor.common.errors import InputError

JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
AWS_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
# The user information of a URL (`scheme://user:password@host`): found from `://`, so a long run of
# letters costs nothing, and bounded, so an `@` far away is not reached.
URL_USERINFO = re.compile(r"://[^/?#@\s]{1,1024}@")
MASK = "[REDACTED]"
MIN_SECRET_LENGTH = 6
MIN_EXACT_LENGTH = 12  # shorter values read from files could be ordinary words
MIN_FRAGMENT = 8  # this many characters of a secret, anywhere in a text, are masked
FRAGMENT_SECRET = 16  # secrets at least this long are also masked by fragment (tokens, AWS keys)
LONG_FRAGMENT = 10  # a run this long is masked even when it is letters only
MIN_PIECE = 4  # pieces of a secret this long that continue one another are masked once they cover 8
MAX_PIECE_GAP = 16  # characters between two pieces that continue one another
ELLIPSIS = "…"
MAX_MEMO = 65_536  # texts whose redaction is remembered (cleared whenever a secret is added) ...
MEMO_TEXT = 4096  # ... when they are at most this long
# Secrets indexed for fragments cost about 340 bytes of memory per character, and recompiling the pattern
# of whole secrets about 7 us per character registered: four 2 MB Secret values of a hostile tree took
# 2.5 GB and 87 s (found by an attack). Real ones are keys and tokens of a few KB.
MAX_FRAGMENT_CHARS = 256 * 1024


SECRET_ENV = ("OMAUDIT_OM_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_ACCESS_KEY_ID")


@dataclasses.dataclass(frozen=True)
class _Piece:
    """A run of the text equal to `secret[at:at + end - start]` (lower-cased)."""

    start: int
    end: int
    secret: int
    at: int


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._reset()
        for secret in secrets:
            self.add(secret)

    def _reset(self) -> None:
        self._secrets: list[str] = []
        self._exact: re.Pattern[str] | None = None
        self._fragment_secrets: list[str] = []  # lower-cased, FRAGMENT_SECRET characters or more
        self._grams: set[str] = set()  # every MIN_FRAGMENT-gram of those
        self._pieces: dict[str, list[tuple[int, int]]] = {}  # MIN_PIECE-gram -> (secret, offset)
        self._runs: re.Pattern[str] | None = None  # runs of the characters those secrets are made of
        self._memo: dict[str, str] = {}  # a report repeats its texts (fix texts, messages) many times
        self._added: list[tuple[str, bool]] = []  # (secret, whether its fragments are masked), in order
        self._fragment_chars = 0

    def add(self, secret: str | None) -> None:
        self.add_many([secret])

    def add_many(self, secrets: Iterable[str | None]) -> None:
        """Register several at once: the patterns are compiled once, not once per secret (a manifest with
        thousands of Secret values made registration quadratic: found by an attack)."""
        known = set(self._secrets)
        added = False
        for secret in secrets:
            if not secret or len(secret) < MIN_SECRET_LENGTH or secret in known:
                continue
            known.add(secret)
            self._secrets.append(secret)
            self._added.append((secret, True))
            added = True
            if len(secret) >= FRAGMENT_SECRET:
                self._fragment_chars += len(secret)
                if self._fragment_chars > MAX_FRAGMENT_CHARS:
                    raise InputError("the secrets read exceed 256 KiB in all (a Secret's value, a key file): "
                                     "not scanned, as masking them would exhaust memory")
                low = _lower(secret)
                index = len(self._fragment_secrets)
                self._fragment_secrets.append(low)
                self._grams.update(low[i:i + MIN_FRAGMENT] for i in range(len(low) - MIN_FRAGMENT + 1))
                for i in range(len(low) - MIN_PIECE + 1):
                    self._pieces.setdefault(low[i:i + MIN_PIECE], []).append((index, i))
        if added:
            self._compile()
            if self._fragment_secrets:
                chars = "".join(sorted(set("".join(self._fragment_secrets))))
                self._runs = re.compile(f"[{re.escape(chars)}]{{{MIN_PIECE},}}")

    def add_exact(self, secret: str | None) -> None:
        """Mask `secret` where it appears whole, never its fragments: for a value read from a file, which
        no server echoes in pieces, and whose fragments (a password such as `openmetadata_prod_Pw`)
        would blank ordinary words and file paths."""
        if secret and len(secret) >= MIN_EXACT_LENGTH and secret not in self._secrets:
            self._remember(secret)
            self._added.append((secret, False))

    def _remember(self, secret: str) -> None:
        self._secrets.append(secret)
        self._compile()

    def _compile(self) -> None:
        self._memo.clear()
        self._secrets.sort(key=len, reverse=True)
        # One pass for every secret, longest first, in any case (a host name is lower-cased, say).
        self._exact = re.compile("|".join(re.escape(s) for s in self._secrets), re.IGNORECASE)

    def state(self) -> tuple[tuple[str, bool], ...]:
        """What is registered, to restore later (tests run many scans in one process)."""
        return tuple(self._added)

    def restore(self, state: tuple[tuple[str, bool], ...]) -> None:
        """Exactly the secrets of `state` registered, as they were."""
        self._reset()
        for secret, fragments in state:
            (self.add if fragments else self.add_exact)(secret)

    def values(self) -> list[str]:
        """The registered secrets, for a worker process to hand to its parent (never to output)."""
        return list(self._secrets)

    def __call__(self, text: str) -> str:
        known = self._memo.get(text)
        if known is not None:
            return known
        redacted = self._redact(text)
        if len(text) <= MEMO_TEXT:
            if len(self._memo) >= MAX_MEMO:
                self._memo.clear()
            self._memo[text] = redacted
        return redacted

    def _redact(self, text: str) -> str:
        if self._exact is not None:
            text = self._exact.sub(MASK, text)
        if self._runs is not None and len(text) >= MIN_PIECE:
            text = self._fragments(text)
        if "eyJ" in text:
            text = JWT_SHAPE.sub(MASK, text)
        if "://" in text:
            text = URL_USERINFO.sub(f"://{MASK}@", text)
        if "AKIA" in text or "ASIA" in text:
            text = AWS_ACCESS_KEY.sub(MASK, text)
        return text

    def _fragments(self, text: str) -> str:
        """Mask every run of MIN_FRAGMENT or more characters of a secret, in any case (a server that
        echoes a prefix of the token), and pieces of MIN_PIECE or more that continue one another (the
        token split by spaces or hyphens)."""
        grams, chains = self.spans(text)
        if not grams and not chains:
            return text
        out, last = [], 0
        for begin, end in _merge(grams + chains):
            out += [text[last:begin], MASK]
            last = end
        return "".join([*out, text[last:]])

    def spans(self, text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """What _fragments masks: merged runs of secret 8-grams that look like a secret, and chains of
        pieces."""
        grams, pieces = self._scan(text)
        return [s for s in grams if _secret_like(text[s[0]:s[1]])], _chains(pieces)

    def gram_spans(self, text: str) -> list[tuple[int, int]]:
        """Every run of the text made of secret 8-grams, merged (before _secret_like decides)."""
        return self._scan(text)[0]

    def _scan(self, text: str) -> tuple[list[tuple[int, int]], list[_Piece]]:
        """Linear: each position inside a run of the secrets' characters is looked up once in a hashed set."""
        if self._runs is None:
            return [], []
        lowered = _lower(text)
        keys = self._pieces.keys()
        # Most texts hold no piece of a secret: one pass of C-level joins tells (an 8-gram holds a 4-gram).
        if keys.isdisjoint(map("".join, zip(lowered, lowered[1:], lowered[2:], lowered[3:], strict=False))):
            return [], []
        grams, width = self._grams, MIN_FRAGMENT
        found: list[tuple[int, int]] = []
        pieces: list[_Piece] = []
        for run in self._runs.finditer(lowered):
            start, end = run.span()
            text_run = run.group()
            if keys.isdisjoint(map("".join, zip(text_run, text_run[1:], text_run[2:], text_run[3:], strict=False))):
                continue
            if end - start >= width:
                found.extend((i, i + width) for i in range(start, end - width + 1) if lowered[i:i + width] in grams)
            pieces.extend(self._pieces_in(lowered, start, end))
        return _merge(found), pieces

    def _pieces_in(self, lowered: str, start: int, end: int) -> Iterable[_Piece]:
        """The longest matches of MIN_PIECE or more characters of a secret in lowered[start:end], left to right."""
        i = start
        while i <= end - MIN_PIECE:
            best: _Piece | None = None
            for secret, at in self._pieces.get(lowered[i:i + MIN_PIECE], ()):
                body = self._fragment_secrets[secret]
                length = MIN_PIECE
                while i + length < end and at + length < len(body) and lowered[i + length] == body[at + length]:
                    length += 1
                if best is None or length > best.end - best.start:
                    best = _Piece(i, i + length, secret, at)
            if best is None:
                i += 1
            else:
                yield best
                i = best.end

    def whole(self, text: str) -> str:
        """Only whole secrets masked: for encoded text whose values were redacted one by one, where a
        fragment mask could break the encoding but a whole secret can only be a leak.

        A report's text is megabytes and almost never holds a secret: one lower-casing and a `find` per
        secret tell (a tenth of the case-blind pattern's cost); the pattern runs only when one may."""
        if self._exact is None:
            return text
        if text.isascii() and all(s.isascii() for s in self._secrets):  # then case-blind is lower() alike
            lowered = text.lower()
            if not any(secret.lower() in lowered for secret in self._secrets):
                return text
        return self._exact.sub(MASK, text)

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


def _lower(text: str) -> str:
    """Lower case with positions kept: a character whose lower case is longer stays as it is."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lowered


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _chains(pieces: list[_Piece]) -> list[tuple[int, int]]:
    """Spans of two or more pieces, each continuing the secret exactly where the one before stopped
    (separators inserted between them) or exactly as many characters later as lie between them
    (separators written over the secret), that cover MIN_FRAGMENT characters or more. Anything looser
    masks prose: "rejected the admin token" against a token ending "rejected-canary-token"."""
    out: list[tuple[int, int]] = []
    chain: list[_Piece] = []

    def close() -> None:
        if len(chain) > 1 and sum(p.end - p.start for p in chain) >= MIN_FRAGMENT:
            out.append((chain[0].start, chain[-1].end))

    for piece in pieces:
        if chain:
            last = chain[-1]
            gap = piece.start - last.end
            follows = last.at + (last.end - last.start)
            if piece.secret == last.secret and 0 <= gap <= MAX_PIECE_GAP and piece.at in (follows, follows + gap):
                chain.append(piece)
                continue
            close()
        chain = [piece]
    close()
    return out


def _secret_like(run: str) -> bool:
    """A matched run to mask: 10 characters or more, or 8-9 that mix letters and digits or change case
    inside a word (`NOmjzGf-`). A lone word shared with a token ("rejected", "Internal", "-canary-",
    "HTTPS-ON") stays, so ordinary text is not masked."""
    if len(run) >= LONG_FRAGMENT or (any(c.isdigit() for c in run) and any(c.isalpha() for c in run)):
        return True
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(run))


SECRETS = Redactor()
"""The process-wide layer: every secret omaudit reads is registered here, every output passes through it."""


def cut(text: str, width: int) -> str:
    """The process-wide layer's redact-then-cut: every place that shortens a string uses this."""
    return SECRETS.cut(text, width)


def register(*secrets: str | None) -> None:
    SECRETS.add_many(secrets)


def register_exact(*secrets: str | None) -> None:
    for secret in secrets:
        SECRETS.add_exact(secret)


def register_environment(environ: dict[str, str] | None = None) -> None:
    """The token and AWS keys from the environment: never printed, whatever echoes them back."""
    env = os.environ if environ is None else environ
    register(*(env.get(name) for name in SECRET_ENV))


def redact_values(value: Any, redact: Redactor = SECRETS) -> Any:
    """The same value with every string in it redacted: dataclasses (frozen ones rebuilt), mappings,
    tuples and lists, keys included. Reports are redacted this way before any format encodes them,
    so a mask never lands inside an escape sequence (`\\u00e[REDACTED]` is not JSON).

    A container in which nothing changed is returned as it is, not rebuilt: a report of 10,000
    findings holds a secret almost nowhere, and rebuilding every finding was most of the cost. What a
    value is, is decided once per type, and a string or a number inside a container is handled there,
    without a call: a report holds a million values, most of them None, flags and short texts."""
    kind = _KINDS.get(type(value)) or _kind_of(type(value))
    if kind is _Kind.STR:
        text = redact(value)
        return value if text == value else text  # the same object: its container is not rebuilt
    if kind is _Kind.KEPT:
        return value
    kinds, kept, text_kind = _KINDS, _Kind.KEPT, _Kind.STR
    if kind is _Kind.DATACLASS:
        changes: dict[str, Any] = {}
        for name in _init_fields(type(value)):
            field = getattr(value, name)
            member = kinds.get(type(field))
            if member is kept:
                continue
            new = redact(field) if member is text_kind else redact_values(field, redact)
            if (new != field) if member is text_kind else (new is not field):
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if kind is _Kind.MAPPING:
        changed = False
        items = []
        for key, item in value.items():
            member = kinds.get(type(item))
            new = item if member is kept else redact(item) if member is text_kind else redact_values(item, redact)
            new_key = redact(key) if type(key) is str else redact_values(key, redact)
            if new_key != key or ((new != item) if member is text_kind else (new is not item)):
                changed = True
            items.append((new_key, new))
        if not changed and isinstance(value, dict):
            return value
        return dict(items)
    redacted = []  # a tuple or a list
    changed = False
    for item in value:
        member = kinds.get(type(item))
        new = item if member is kept else redact(item) if member is text_kind else redact_values(item, redact)
        if (new != item) if member is text_kind else (new is not item):
            changed = True
            redacted.append(new)
        else:
            redacted.append(item)
    if not changed:
        return value
    return tuple(redacted) if isinstance(value, tuple) else redacted


class _Kind(enum.Enum):
    STR = "str"
    KEPT = "kept"  # None, numbers, enums, and anything not a container of strings
    DATACLASS = "dataclass"
    MAPPING = "mapping"
    SEQUENCE = "sequence"


_KINDS: dict[type, _Kind] = {str: _Kind.STR, type(None): _Kind.KEPT, bool: _Kind.KEPT, int: _Kind.KEPT,
                              float: _Kind.KEPT}


def _kind_of(cls: type) -> _Kind:
    """How redact_values treats values of `cls`, in the order it checks them (an enum before str: a str
    enum stays itself; a dataclass before a mapping)."""
    if issubclass(cls, enum.Enum):
        kind = _Kind.KEPT
    elif issubclass(cls, str):
        kind = _Kind.STR
    elif dataclasses.is_dataclass(cls):
        kind = _Kind.DATACLASS
    elif issubclass(cls, Mapping):
        kind = _Kind.MAPPING
    elif issubclass(cls, tuple | list):
        kind = _Kind.SEQUENCE
    else:
        kind = _Kind.KEPT
    _KINDS[cls] = kind
    return kind


_FIELDS: dict[type, tuple[str, ...]] = {}


def _init_fields(cls: type) -> tuple[str, ...]:
    """A dataclass's fields given to its constructor (dataclasses.fields per instance was slow)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return names
