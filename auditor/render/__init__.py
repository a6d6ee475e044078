"""Renderers: each turns a Report into one format's text, and sees nothing but the Report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.model import Report


@dataclass(frozen=True)
class Renderer:
    name: str
    filename: str | None  # None: stdout only
    render: Callable[[Report], str]


def renderers() -> dict[str, Renderer]:
    from auditor.render import csv_report, html, json_report, junit, markdown, sarif, table

    return {r.name: r for r in (table.RENDERER, json_report.RENDERER, sarif.RENDERER, junit.RENDERER,
                                markdown.RENDERER, html.RENDERER, csv_report.RENDERER)}
