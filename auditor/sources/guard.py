"""One read of a collector, kept to its own input: a failure becomes that input's problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from auditor.common.errors import CollectionError, OmauditError
from auditor.facts.snapshot import Problem

T = TypeVar("T")


def guarded(problems: dict[str, Problem], key: str, read: Callable[[], T], *, any_error: bool = False) -> T | None:
    """`read()`, or None with its CollectionError recorded as input `key`'s ERROR (with its cause).

    `any_error` records every other OmauditError too; without it they go on up (Cognito's WriteRefused
    must stop the scan, not become one input's ERROR)."""
    try:
        return read()
    except CollectionError as exc:
        problems[key] = Problem("error", str(exc), exc.cause)
        return None
    except OmauditError as exc:
        if not any_error:
            raise
        problems[key] = Problem("error", str(exc))
        return None
