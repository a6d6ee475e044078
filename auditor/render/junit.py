"""JUnit XML for CI test dashboards: one testsuite per target, one testcase per rule and resource.

FAIL is a failure, ERROR an error, SKIPPED and MUTED are skipped (with the reason). Every suite and
the root carry tests=, failures=, errors= and skipped= counts that match the JSON summary.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from auditor.render.base import Renderer
from auditor.render.escape import xml_text as x
from auditor.report.model import Finding, Report, Status


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="omaudit")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    findings = sorted(report.findings, key=lambda f: (f.target, f.rule_id, f.resource))
    for target, group in groupby(findings, key=lambda f: f.target):
        items = list(group)
        counts = {"tests": len(items), "failures": sum(f.status is Status.FAIL for f in items),
                  "errors": sum(f.status is Status.ERROR for f in items),
                  "skipped": sum(f.status in (Status.SKIPPED, Status.MUTED) for f in items)}
        suite = ET.SubElement(root, "testsuite", {"name": x(target), "timestamp": x(report.started_at),
                                                  **{k: str(v) for k, v in counts.items()}})
        for key, value in counts.items():
            totals[key] += value
        for f in items:
            _case(suite, target, f)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, target: str, f: Finding) -> None:
    """One testcase; every server-supplied string passes `xml_text`, so the document always parses."""
    case = ET.SubElement(suite, "testcase", classname=x(f"{target}.{f.rule_id}"),
                         name=x(f"{f.rule_id} {f.name} [{f.resource}]"))
    message = x(f.message)
    if f.status is Status.FAIL:
        failure = ET.SubElement(case, "failure", message=message, type=f.severity.label)
        failure.text = f"{message}\n\nFix:\n{x(f.remediation)}"
    elif f.status is Status.ERROR:
        ET.SubElement(case, "error", message=message, type="could-not-verify").text = message
    elif f.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=message)
    elif f.status is Status.MUTED and f.suppression is not None:
        ET.SubElement(case, "skipped", message=x(f"muted until {f.suppression.until}: {f.suppression.reason}"))


RENDERER = Renderer(name="junit", filename="report.junit.xml", render=render)
