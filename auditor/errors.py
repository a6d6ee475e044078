"""One exception family per layer; the CLI turns them into one line and an exit code."""

from __future__ import annotations

from pathlib import Path


class OmauditError(Exception):
    """Base of every error omaudit raises on purpose."""


class InputError(OmauditError):
    """Bad options, files or rule folders: exit 2, nothing scanned."""


class TargetError(OmauditError):
    """A target that cannot be audited at all (unreachable, or not OpenMetadata)."""


class CollectionError(OmauditError):
    """One input could not be collected; the rules that need it become ERROR."""


def read_input(path: Path, what: str) -> str:
    """A user's input file as text; every failure is one InputError naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} {path} is not UTF-8 text") from None
