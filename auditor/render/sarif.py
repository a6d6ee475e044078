"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, Defect Dojo).

Results are the FAIL findings (and MUTED ones, with an external suppression); PASS and SKIPPED are
not results. ERRORs are tool execution notifications: they are about omaudit's view, not the target.
Every result has a stable `partialFingerprints` entry and a location: for a file scan the file,
relative to the scanned root (`%SRCROOT%`), and its line, so that GitHub code scanning annotates the
line in the pull request; else the OpenMetadata URL, or the Cognito pool and client as a logical
location.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from auditor import __version__
from auditor.common.encode import indented_json
from auditor.common.redact import cut
from auditor.render.base import Renderer
from auditor.report.model import Finding, Location, Report, Severity, Status
from auditor.report.paths import BY_ID, AttackPath, PathStep, attack_paths

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note",
         Severity.INFO: "note"}
# GitHub maps security-severity to its own critical/high/medium/low bands (>=9, >=7, >=4, >0).
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0",
                     Severity.INFO: "0.0"}
INFORMATION_URI = "https://github.com/omaudit/omaudit"


def _physical(where: Location) -> dict[str, Any]:
    """A file and line of the scanned tree, relative to the checkout's root (%SRCROOT%)."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(where.file), "uriBaseId": "%SRCROOT%"}}
    if where.line:
        physical["region"] = {"startLine": where.line}
    return physical


def _location(finding: Finding) -> dict[str, Any]:
    logical = {"fullyQualifiedName": finding.resource, "kind": "resource",
               "name": finding.resource.rsplit("/", 1)[-1]}
    if finding.location is not None:
        return {"physicalLocation": _physical(finding.location), "logicalLocations": [logical],
                "message": {"text": f"{finding.target}: {finding.resource}"}}
    uri = finding.resource if finding.resource.startswith(("http://", "https://")) else (
        "omaudit:" + finding.resource)
    return {"physicalLocation": {"artifactLocation": {"uri": uri}}, "logicalLocations": [logical],
            "message": {"text": f"{finding.target}: {finding.resource}"}}


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "kind": "fail",
        "level": LEVEL[finding.severity],
        "message": {"text": f"{finding.message} [{finding.target}]"},
        "locations": [_location(finding)],
        "partialFingerprints": {"omauditFinding/v1": finding.fingerprint},
        "properties": {"target": finding.target, "severity": finding.severity.label, "evidence": finding.evidence,
                       "security-severity": SECURITY_SEVERITY[finding.severity]},
    }
    related = [(where, text) for where, text in (
        (finding.related, f"{finding.resource.rsplit('/', 1)[-1]} (the resource)"),  # the location is a property's
        (finding.placeholder, "the placeholder that reads this value")) if where is not None]
    if related:
        result["relatedLocations"] = [{"id": n, "physicalLocation": _physical(where), "message": {"text": text}}
                                      for n, (where, text) in enumerate(related, 1)]
    if finding.baseline is not None:
        result["baselineState"] = "unchanged" if finding.baseline == "existing" else "new"
    if finding.status is Status.MUTED and finding.suppression is not None:
        why = f"{finding.suppression.reason} (until {finding.suppression.until})"
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": why}]
    return result


def _step_location(step: PathStep, number: int, target: str) -> dict[str, Any]:
    where: dict[str, Any]
    if step.location is not None:
        where = _physical(step.location)
    else:
        where = {"artifactLocation": {"uri": step.resource if step.resource.startswith(("http://", "https://"))
                                      else "omaudit:" + step.resource}}
    return {"id": number, "physicalLocation": where,
            "logicalLocations": [{"fullyQualifiedName": step.resource, "kind": "resource"}],
            "message": {"text": f"step {number}: {step.rule_id} ({target}): {step.says}"}}


def _path_result(path: AttackPath, rule_index: dict[str, int]) -> dict[str, Any]:
    """An attack path as one result: located at its impact's finding, every step a related location."""
    impact = path.steps[-1]
    related = [_step_location(step, n, path.target) for n, step in enumerate(path.steps, 1)]
    located = dict(related[-1])
    located.pop("id")
    steps = "; ".join(f"{n}. {s.rule_id} {s.says}" for n, s in enumerate(path.steps, 1))
    return {"ruleId": path.id, "ruleIndex": rule_index[path.id], "kind": "fail", "level": LEVEL[path.severity],
            "message": {"text": f"{cut(path.story, 2_000)} Steps: {steps} [{path.target}]"},
            "locations": [{**located, "message": {"text": f"{impact.rule_id}: {impact.resource}"}}],
            "relatedLocations": related,
            "partialFingerprints": {"omauditPath/v1": path.fingerprint},
            "properties": {"target": path.target, "severity": path.severity.label,
                           "security-severity": SECURITY_SEVERITY[path.severity],
                           "steps": [s.rule_id for s in path.steps]}}


def to_sarif(report: Report) -> dict[str, Any]:
    used = sorted({f.rule_id for f in report.findings})
    docs = report.rules
    rule_index = {rid: i for i, rid in enumerate(used)}
    rules = []
    for rid in used:
        doc = docs.get(rid)
        sample = next(f for f in report.findings if f.rule_id == rid)
        rules.append({
            "id": rid, "name": sample.name,
            "shortDescription": {"text": doc.title if doc else sample.name},
            # docs/rules.md has a `### OMAnnn` heading per rule: GitHub's anchor is the lower-cased ID.
            "helpUri": f"{INFORMATION_URI}/blob/main/docs/rules.md#{rid.lower()}",
            "fullDescription": {"text": doc.why if doc else sample.name},
            "help": {"text": sample.remediation or "-", "markdown": doc.markdown if doc else sample.remediation},
            "defaultConfiguration": {"level": LEVEL[sample.severity]},
            "properties": {"security-severity": SECURITY_SEVERITY[sample.severity], "severity": sample.severity.label,
                           "tags": ["security", "openmetadata" if rid.startswith("OMA1") else "cognito"]},
        })
    results = [_result(f, rule_index) for f in report.findings if f.status in (Status.FAIL, Status.MUTED)]
    paths = attack_paths(report.findings)
    for kind_id in sorted({p.id for p in paths}):
        kind = BY_ID[kind_id]
        rule_index[kind_id] = len(rules)
        rules.append({
            "id": kind_id, "name": kind.name, "shortDescription": {"text": kind.title},
            "fullDescription": {"text": kind.title + ": an attack path, several findings that combine into one way "
                                "in. Fixing any required step breaks it."},
            "helpUri": f"{INFORMATION_URI}/blob/main/docs/rules.md#attack-paths",
            "help": {"text": "Fix the findings named in its steps; the first and the last break the path."},
            "defaultConfiguration": {"level": LEVEL[kind.severity]},
            "properties": {"security-severity": SECURITY_SEVERITY[kind.severity], "severity": kind.severity.label,
                           "tags": ["security", "attack-path"]},
        })
    results += [_path_result(p, rule_index) for p in paths]
    notifications = [{"level": "error", "message": {"text": f"{f.rule_id} on {f.resource}: {f.message}"},
                      "descriptor": {"id": f.rule_id}} for f in report.findings if f.status is Status.ERROR]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "omaudit", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "automationDetails": {"id": "omaudit/" + ",".join(t.name for t in report.targets)},
            "invocations": [{"executionSuccessful": not notifications, "startTimeUtc": report.started_at,
                             "endTimeUtc": report.finished_at, "toolExecutionNotifications": notifications}],
            "results": results,
            **({"properties": {k: v for k, v in (("suppressionsFile", report.suppressions_file),
                                                 ("notes", list(report.notes))) if v}}
               if report.suppressions_file or report.notes else {}),
        }],
    }


def render(report: Report) -> str:
    return indented_json(to_sarif(report)) + "\n"


RENDERER = Renderer(name="sarif", filename="report.sarif", render=render)
