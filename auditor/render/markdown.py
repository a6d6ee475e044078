"""Markdown for a PR comment or a ticket: a summary, a compact table of failing findings, each rule's
fix once (collapsed), then what is muted, what could not be verified, and what changed since the
baseline."""

from __future__ import annotations

from auditor.common.redact import cut
from auditor.render.base import Renderer
from auditor.render.escape import md_code, md_text
from auditor.report.model import Finding, Report, Severity, Status
from auditor.report.paths import attack_paths

# A GitHub comment holds at most 65,536 characters: the findings table stops well before, leaving room
# for the summary, the fixes (once per rule) and the other sections.
ROW_BUDGET = 40_000
PATH_BUDGET = 8_000  # the attack paths come first: a fleet's many must not crowd out the findings
STORY_CHARS = 600


def render(report: Report) -> str:
    summary = report.summary()
    lines = ["# omaudit report", "",
             f"Targets: {', '.join(md_code(t.name) for t in report.targets)} · "
             f"scanned {md_text(report.started_at)}"
             + (f" · suppressions from {md_code(report.suppressions_file)}" if report.suppressions_file else ""), "",
             *(f"Note: {md_text(n)}" for n in report.notes), *([""] if report.notes else []),
             "| " + " | ".join(summary) + " |", "|" + "---|" * len(summary),
             "| " + " | ".join(str(v) for v in summary.values()) + " |", ""]
    failing = [f for f in report.findings if f.status is Status.FAIL]
    by_severity = {s: sum(f.severity is s for f in failing) for s in sorted(Severity, reverse=True)}
    lines += ["Failing by severity: " + ", ".join(f"{n} {s.label}" for s, n in by_severity.items() if n) if failing
              else "No failing findings.", ""]
    paths = attack_paths(report.findings)
    if paths:
        lines += ["## Attack paths", ""]
        budget = PATH_BUDGET
        for shown, path in enumerate(paths):
            block = [f"**{path.severity.label} {md_text(path.id)} {md_text(path.name)}** on "
                     f"{md_code(cut(path.target, 200))}: {md_text(cut(path.story, STORY_CHARS))}", ""]
            block += [f"{n}. {md_text(s.rule_id)}{' (muted)' if s.status is Status.MUTED else ''} "
                      f"{md_code(cut(s.resource, 200))}{f' at {md_code(str(s.location))}' if s.location else ''}: "
                      f"{md_text(s.says)}" for n, s in enumerate(path.steps, 1)]
            budget -= sum(len(line) + 1 for line in block)
            if budget < 0:
                lines += [f"{len(paths) - shown} more attack paths: see report.json (`attack_paths`)", ""]
                break
            lines += [*block, ""]
    if failing:
        ordered = sorted(failing, key=lambda f: (-f.severity, f.rule_id, f.target, f.resource))
        lines += ["## Failing findings", "", "| Severity | Rule | Target | Resource | Finding |",
                  "|---|---|---|---|---|"]
        budget = ROW_BUDGET
        for shown, f in enumerate(ordered):
            new = " **new**" if f.baseline == "new" else ""
            row = (f"| {f.severity.label}{new} | {md_text(f.rule_id)} | {md_code(f.target, in_table=True)} | "
                   f"{md_code(f.resource, in_table=True)}{_at(f)} | {md_text(f.message)} |")
            budget -= len(row) + 1
            if budget < 0:
                lines.append(f"| | | | | {len(ordered) - shown} more failing findings: see report.json |")
                break
            lines.append(row)
        lines += ["", "## How to fix", ""]
        for rule_id in dict.fromkeys(f.rule_id for f in ordered):  # each fix once, most severe first
            first = next(f for f in ordered if f.rule_id == rule_id)
            count = sum(f.rule_id == rule_id for f in ordered)
            lines += [f"<details><summary>{md_text(rule_id)} {md_text(first.name)} ({count})</summary>", "",
                      first.remediation, "", "</details>", ""]
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


def _at(finding: Finding) -> str:
    """A file scan's `path:line`, after the resource."""
    return f" at {md_code(str(finding.location), in_table=True)}" if finding.location is not None else ""
