"""Renderers: each turns a Report into one format's text, and sees nothing but the Report."""

from __future__ import annotations

from auditor.render.base import Renderer


def renderers() -> dict[str, Renderer]:
    # Imported when a report is rendered, not when the CLI starts: the HTML and SARIF modules are large.
    from auditor.render import csv_report, html, json_report, junit, markdown, sarif, table

    return {r.name: r for r in (table.RENDERER, json_report.RENDERER, sarif.RENDERER, junit.RENDERER,
                                markdown.RENDERER, html.RENDERER, csv_report.RENDERER)}


__all__ = ["Renderer", "renderers"]
