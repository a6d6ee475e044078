"""Compare a run with an earlier report.json: each finding is `new` or `existing`; fixed ones are `resolved`.

A finding is `existing` when the baseline holds the same fingerprint (target, rule, resource) with
the same status. `resolved` lists the baseline's FAIL and MUTED findings that no longer fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from auditor.report.merge import load_report
from auditor.report.model import Finding, JsonValue, Status


def load_baseline(path: Path) -> list[Finding]:
    return list(load_report(path, "baseline").findings)


def compare(findings: Sequence[Finding], baseline: Sequence[Finding]
            ) -> tuple[list[Finding], list[dict[str, JsonValue]]]:
    before = {f.fingerprint: f for f in baseline}
    marked = [replace(f, baseline="existing" if f.fingerprint in before and before[f.fingerprint].status is f.status
                      else "new") for f in findings]
    failing_now = {f.fingerprint for f in findings if f.status in (Status.FAIL, Status.MUTED)}
    resolved = [{"rule_id": f.rule_id, "name": f.name, "target": f.target, "resource": f.resource,
                 "fingerprint": f.fingerprint, "was": f.status.value}
                for f in baseline if f.status in (Status.FAIL, Status.MUTED) and f.fingerprint not in failing_now]
    return marked, resolved
