"""The JSON report: the contract that scripts, baselines and merges read (schema_version 1)."""

from __future__ import annotations

from auditor.common.encode import indented_json
from auditor.render.base import Renderer
from auditor.report.model import Report
from auditor.report.paths import attack_paths


def render(report: Report) -> str:
    """The report, and the attack paths its findings make (derived: a merge or baseline re-derives them)."""
    out = report.to_json()
    paths = attack_paths(report.findings)
    if paths:
        out["attack_paths"] = [p.to_json() for p in paths]
    return indented_json(out) + "\n"


RENDERER = Renderer(name="json", filename="report.json", render=render)
