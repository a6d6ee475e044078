"""Everything a rule module imports, in one place, so a rule file reads top to bottom."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from auditor.catalogue import Params
from auditor.model import Outcome, RuleMeta, Severity, Status
from auditor.snapshot import Snapshot
from auditor.urls import is_loopback_host, url_host, url_scheme

T = TypeVar("T")


class MissingInput(LookupError):
    """A rule read an input the engine should have checked for; the engine reports it as ERROR."""


def need(value: T | None, what: str = "input") -> T:
    """Narrow an Optional input the rule declared in META.needs."""
    if value is None:
        raise MissingInput(f"{what} is missing")
    return value


__all__ = ["Iterable", "Outcome", "Params", "RuleMeta", "Severity", "Snapshot", "Status",
           "is_loopback_host", "need", "url_host", "url_scheme"]
