"""What a format is: its name, the file it writes, and the function from a Report to its text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.report.model import Report


@dataclass(frozen=True)
class Renderer:
    name: str
    filename: str | None  # None: stdout only
    render: Callable[[Report], str]
