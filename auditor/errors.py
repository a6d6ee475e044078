"""One exception family per layer; the CLI turns them into one line and an exit code."""

from __future__ import annotations


class OmauditError(Exception):
    """Base of every error omaudit raises on purpose."""


class InputError(OmauditError):
    """Bad options, files or rule folders: exit 2, nothing scanned."""


class TargetError(OmauditError):
    """A target that cannot be audited at all (unreachable, or not OpenMetadata)."""


class CollectionError(OmauditError):
    """One input could not be collected; the rules that need it become ERROR."""
