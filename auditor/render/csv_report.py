"""CSV, one row per finding, for spreadsheets. Messages can quote what a hostile server sent: cells
that a spreadsheet would run as a formula are prefixed with a quote (CSV injection), and control
characters are shown as escapes (a CSV file is also read with `cat`, on a terminal)."""

from __future__ import annotations

import csv
import io

from auditor.render.base import Renderer
from auditor.render.escape import terminal_block
from auditor.report.model import Report

COLUMNS = ("target", "rule_id", "name", "status", "severity", "resource", "message", "baseline", "muted_reason",
           "muted_until", "fingerprint", "remediation", "location")


def _safe(value: str) -> str:
    value = terminal_block(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in report.findings:
        writer.writerow([_safe(v) for v in (
            f.target, f.rule_id, f.name, f.status.value, f.severity.label, f.resource, f.message, f.baseline or "",
            f.suppression.reason if f.suppression else "", f.suppression.until if f.suppression else "",
            f.fingerprint, f.remediation, str(f.location) if f.location is not None else "")])
    return out.getvalue()


RENDERER = Renderer(name="csv", filename="report.csv", render=render)
