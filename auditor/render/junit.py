"""JUnit XML for CI test dashboards: one testsuite per target, one testcase per rule and resource.

FAIL is a failure, ERROR an error, SKIPPED and MUTED are skipped (with the reason). Every suite and
the root carry tests=, failures=, errors= and skipped= counts that match the JSON summary.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from auditor.model import Report, Status
from auditor.render import Renderer


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="omaudit")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    findings = sorted(report.findings, key=lambda f: (f.target, f.rule_id, f.resource))
    for target, group in groupby(findings, key=lambda f: f.target):
        items = list(group)
        counts = {"tests": len(items), "failures": sum(f.status is Status.FAIL for f in items),
                  "errors": sum(f.status is Status.ERROR for f in items),
                  "skipped": sum(f.status in (Status.SKIPPED, Status.MUTED) for f in items)}
        suite = ET.SubElement(root, "testsuite", {"name": target, "timestamp": report.started_at,
                                                  **{k: str(v) for k, v in counts.items()}})
        for key, value in counts.items():
            totals[key] += value
        for f in items:
            case = ET.SubElement(suite, "testcase", classname=f"{target}.{f.rule_id}",
                                 name=f"{f.rule_id} {f.name} [{f.resource}]")
            if f.status is Status.FAIL:
                failure = ET.SubElement(case, "failure", message=f.message, type=f.severity.label)
                failure.text = f"{f.message}\n\nFix:\n{f.remediation}"
            elif f.status is Status.ERROR:
                ET.SubElement(case, "error", message=f.message, type="could-not-verify").text = f.message
            elif f.status is Status.SKIPPED:
                ET.SubElement(case, "skipped", message=f.message)
            elif f.status is Status.MUTED and f.suppression is not None:
                ET.SubElement(case, "skipped", message=f"muted until {f.suppression.until}: {f.suppression.reason}")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


RENDERER = Renderer(name="junit", filename="report.junit.xml", render=render)
