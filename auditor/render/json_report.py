"""The JSON report: the contract that scripts, baselines and merges read (schema_version 1)."""

from __future__ import annotations

import json

from auditor.render.base import Renderer
from auditor.report.model import Report


def render(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=False) + "\n"


RENDERER = Renderer(name="json", filename="report.json", render=render)
