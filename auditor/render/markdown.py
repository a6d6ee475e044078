"""Markdown for a PR comment or a ticket: a summary, then each failing finding with its fix."""

from __future__ import annotations

from auditor.model import Report, Severity, Status
from auditor.render import Renderer
from auditor.render.escape import md_code, md_text


def render(report: Report) -> str:
    summary = report.summary()
    lines = ["# omaudit report", "",
             f"Targets: {', '.join(md_code(t.name) for t in report.targets)} · "
             f"scanned {md_text(report.started_at)}", "",
             "| " + " | ".join(summary) + " |", "|" + "---|" * len(summary),
             "| " + " | ".join(str(v) for v in summary.values()) + " |", ""]
    failing = [f for f in report.findings if f.status is Status.FAIL]
    by_severity = {s: sum(f.severity is s for f in failing) for s in sorted(Severity, reverse=True)}
    lines += ["Failing by severity: " + ", ".join(f"{n} {s.label}" for s, n in by_severity.items() if n) if failing
              else "No failing findings.", ""]
    if failing:
        lines += ["## Failing findings", ""]
        for f in sorted(failing, key=lambda f: (-f.severity, f.rule_id, f.target, f.resource)):
            new = " · **new**" if f.baseline == "new" else ""
            lines += [f"### {md_text(f.rule_id)} {md_text(f.name)} ({f.severity.label}){new}", "",
                      f"- Target: {md_code(f.target)}", f"- Resource: {md_code(f.resource)}",
                      f"- {md_text(f.message)}", "", "<details><summary>Fix</summary>", "", f.remediation, "",
                      "</details>", ""]
    muted = [f for f in report.findings if f.status is Status.MUTED]
    if muted:
        lines += ["## Muted", "", "| Rule | Resource | Reason | Until |", "|---|---|---|---|"]
        lines += [f"| {f.rule_id} | {md_code(f.resource, in_table=True)} | {md_text(f.suppression.reason)} | "
                  f"{md_text(f.suppression.until)} |"
                  for f in muted if f.suppression]
        lines.append("")
    errors = [f for f in report.findings if f.status is Status.ERROR]
    if errors:
        lines += ["## Could not verify", ""]
        lines += [f"- {f.rule_id} {md_code(f.resource)}: {md_text(f.message)}" for f in errors]
        lines.append("")
    if report.resolved is not None:
        fresh = sum(f.baseline == "new" for f in failing)
        lines += ["## Since the baseline", "", f"{fresh} new failing, {len(report.resolved)} resolved.", ""]
        lines += [f"- resolved: {md_text(str(r['rule_id']))} {md_code(str(r['resource']))}" for r in report.resolved]
        lines.append("")
    return "\n".join(lines)


RENDERER = Renderer(name="markdown", filename="report.md", render=render)
