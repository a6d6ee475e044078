"""The terminal table: grouped by target, what needs attention first, then a summary line."""

from __future__ import annotations

from itertools import groupby

from tabulate import tabulate

from auditor.model import Report
from auditor.redact import cut
from auditor.render import Renderer
from auditor.render.escape import terminal

MESSAGE_WIDTH = 90


def _short(text: str, width: int) -> str:
    """A cell for the terminal: controls shown as escapes, then redacted and cut (see redact.cut)."""
    return cut(terminal(text), width)


def render(report: Report) -> str:
    blocks: list[str] = []
    for target, findings in groupby(sorted(report.findings, key=lambda f: f.sort_key()), key=lambda f: f.target):
        rows = [(f.status.value, f.severity.label, terminal(f.rule_id), terminal(f.name), _short(f.resource, 76),
                 _short(f.message, MESSAGE_WIDTH)) for f in findings]
        table = tabulate(rows, headers=("Status", "Severity", "Rule", "Name", "Resource", "Message"),
                         tablefmt="simple")
        blocks.append(f"Target: {terminal(target)}\n{table}")
    summary = report.summary()
    line = "Summary: " + ", ".join(f"{count} {status}" for status, count in summary.items())
    blocks.append(line)
    return "\n\n".join(blocks) + "\n"


RENDERER = Renderer(name="table", filename=None, render=render)
