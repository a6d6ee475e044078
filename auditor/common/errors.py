"""One exception family per layer; the CLI turns them into one line and an exit code."""

from __future__ import annotations

import enum

# A note that starts so is printed as a warning (a whole side of the target failed), not as a note.
WARNING = "warning: "


class OmauditError(Exception):
    """Base of every error omaudit raises on purpose."""


class InputError(OmauditError):
    """Bad options, files or rule folders: exit 2, nothing scanned."""


class TargetError(OmauditError):
    """A target that cannot be audited at all (unreachable, or not OpenMetadata)."""


class Cause(enum.StrEnum):
    """Why an input could not be collected: decisions are made on this, never on message text."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    CREDENTIALS = "credentials"  # the credentials themselves were rejected, or there are none
    DENIED = "denied"  # authenticated, but not permitted (a missing IAM action, HTTP 403)
    NOT_FOUND = "not-found"
    THROTTLED = "throttled"
    BAD_ANSWER = "bad-answer"


class CollectionError(OmauditError):
    """One input could not be collected; the rules that need it become ERROR."""

    def __init__(self, message: str, cause: Cause = Cause.BAD_ANSWER) -> None:
        super().__init__(message)
        self.cause = cause
