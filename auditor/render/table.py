"""The terminal table: per target, what needs attention first, one row per rule with its resources
grouped, PASS and SKIPPED as counts (unless --show-all), wrapped to the terminal's width (IDs are
never cut), coloured on a terminal, then a summary and a hint on what to do next."""

from __future__ import annotations

import textwrap
from itertools import groupby

from auditor.common.redact import cut
from auditor.render.base import Renderer
from auditor.render.escape import terminal
from auditor.report.model import Finding, Report, ReportView, Severity, Status
from auditor.report.paths import attack_paths

MESSAGE_CHARS = 300  # of one finding's message (a redaction-aware cut), then wrapped
RESOURCE_CHARS = 200
INDENT = " " * 18
ATTENTION = (Status.FAIL, Status.ERROR, Status.MUTED)
STATUS_COLOUR = {Status.FAIL: "31", Status.ERROR: "35", Status.MUTED: "34", Status.PASS: "32", Status.SKIPPED: "2"}
SEVERITY_COLOUR = {Severity.CRITICAL: "1;31", Severity.HIGH: "31", Severity.MEDIUM: "33", Severity.LOW: "36",
                   Severity.INFO: "2"}


def _paint(text: str, code: str, view: ReportView) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if view.color else text


def _wrap(text: str, view: ReportView) -> list[str]:
    """Lines of at most the view's width, indented; words (IDs) are never broken."""
    return textwrap.wrap(text, width=max(view.width, 40), initial_indent=INDENT, subsequent_indent=INDENT,
                         break_long_words=False, break_on_hyphens=False) or [INDENT]


def _rule_rows(findings: list[Finding], view: ReportView, base: str | None) -> list[str]:
    """One row per (rule, status): the status, severity, rule and name, the message, the resources."""
    first = findings[0]
    head = (_paint(f"{first.status.value:<8}", STATUS_COLOUR[first.status], view)
            + _paint(f"{first.severity.label:<10}", SEVERITY_COLOUR[first.severity], view)
            + f"{terminal(first.rule_id)} {terminal(first.name)}")
    messages = list(dict.fromkeys(cut(terminal(f.message), MESSAGE_CHARS) for f in findings))
    message = messages[0] + (f" (and {len(messages) - 1} other messages)" if len(messages) > 1 else "")
    marks_muted = list(dict.fromkeys(f"muted until {f.suppression.until}: {cut(terminal(f.suppression.reason), 200)}"
                                     for f in findings if f.suppression is not None and f.status is Status.MUTED))
    message += "".join(f" · {m}" for m in marks_muted)
    new = sum(f.baseline == "new" for f in findings)
    marks = f" [{new} new]" if new else ""
    resources = [cut(terminal(_relative(f.resource, base)), RESOURCE_CHARS)
                 + (f" ({terminal(str(f.location))})" if f.location is not None else "") for f in findings]
    label = "on" if len(resources) == 1 else f"on {len(resources)}:"
    return [head + marks, *_wrap(f"{message} · {label} {', '.join(resources)}", view)]


def _relative(resource: str, base: str | None) -> str:
    """An OpenMetadata endpoint under the target's own URL, shown by its path (the target line has the URL)."""
    return resource[len(base):] if base and resource.startswith(base + "/") else resource


def _target_block(target: str, base: str | None, findings: list[Finding], view: ReportView) -> str:
    lines = [f"Target: {terminal(target)}" + (f" ({terminal(base)})" if base and base != target else "")]
    shown = [f for f in findings if view.show_all or f.status in ATTENTION]
    for _, group in groupby(shown, key=lambda f: (f.status, f.rule_id)):
        lines += _rule_rows(list(group), view, base)
    hidden = {s: sum(f.status is s for f in findings) for s in (Status.PASS, Status.SKIPPED)}
    if not view.show_all and any(hidden.values()):
        lines.append(", ".join(f"{n} {s.value}" for s, n in hidden.items() if n) + " (--show-all lists them)")
    if not shown and not any(hidden.values()):
        lines.append("no findings")
    return "\n".join(lines)


def _paths_block(report: Report) -> str | None:
    """Each attack path once: its severity, kind and target, the story, and each step's finding."""
    paths = attack_paths(report.findings)
    if not paths:
        return None
    view = report.view
    urls = {t.name: (t.om_url or "").rstrip("/") or None for t in report.targets}
    lines = [f"Attack paths ({len(paths)}): findings that combine into one way in"]
    for path in paths:
        lines.append(_paint(f"{path.severity.label:<18}", SEVERITY_COLOUR[path.severity], view)
                     + f"{path.id} {path.name} [{terminal(path.target)}]")
        lines += _wrap(cut(terminal(path.story), MESSAGE_CHARS * 2), view)
        for number, step in enumerate(path.steps, 1):
            at = f" ({terminal(str(step.location))})" if step.location is not None else ""
            muted = " (muted)" if step.status is Status.MUTED else ""
            resource = _relative(step.resource, urls.get(path.target))
            lines += _wrap(f"{number}. {step.rule_id}{muted} {cut(terminal(resource), RESOURCE_CHARS)}{at}: "
                           f"{terminal(step.says)}", view)
    return "\n".join(lines)


def _hint(report: Report) -> list[str]:
    view = report.view
    failing = [f for f in report.findings if f.status is Status.FAIL]
    lines = []
    if failing:
        worst = min(failing, key=lambda f: (-f.severity, f.rule_id))
        lines.append(f"How to fix: omaudit rules show {terminal(worst.rule_id)} (or any rule ID above).")
    if report.resolved:
        lines.append(f"Resolved since the baseline: {len(report.resolved)}.")
    lines += [f"Note: {terminal(n)}" for n in report.notes]
    if report.suppressions_file:
        muted = sum(f.status is Status.MUTED for f in report.findings)
        lines.append(f"Suppressions from {terminal(report.suppressions_file)}: {muted} finding(s) muted.")
    if view.exit_code is not None:
        threshold = f"at or above {view.fail_on}" if view.fail_on else "(none gates: --fail-on none)"
        new = "new " if view.only_new else ""  # --fail-on-new: "no FAIL" would deny the old ones listed above
        article = "a new" if view.only_new else "an"
        severity = Severity.parse(view.fail_on) if view.fail_on else None
        undecided = len(report.undecided(severity))
        waits = f"{undecided} rule(s) {threshold} are decided only at deploy (SKIPPED), and --fail-on-unknown " \
                "holds the gate on them"
        incomplete = ("some rules could not verify (ERROR), and no FAIL reached the threshold"
                      if any(f.status is Status.ERROR for f in report.findings) or not undecided
                      or not view.fail_on_unknown else waits)
        meaning = {0: f"no {new}un-muted FAIL {threshold} and no ERROR", 1: f"{article} un-muted FAIL {threshold}",
                   3: incomplete if report.judged()
                   else "nothing was judged (every rule SKIPPED or ERROR): a gate that judged nothing is not green"}
        lines.append(f"Exit code {view.exit_code}: {meaning.get(view.exit_code, 'see the README')}.")
        if view.exit_code == 0 and undecided and view.fail_on:
            lines.append(f"{undecided} rule(s) {threshold} are decided only at deploy (SKIPPED): --fail-on-unknown "
                         "makes the gate exit 3 on them.")
    return lines


def render(report: Report) -> str:
    urls = {t.name: (t.om_url or "").rstrip("/") or None for t in report.targets}
    blocks = [_target_block(target, urls.get(target), list(findings), report.view)
              for target, findings in groupby(sorted(report.findings, key=lambda f: f.sort_key()),
                                              key=lambda f: f.target)]
    paths = _paths_block(report)
    if paths is not None:
        blocks.append(paths)
    summary = "Summary: " + ", ".join(f"{count} {status}" for status, count in report.summary().items())
    new = sum(f.baseline == "new" and f.status is Status.FAIL for f in report.findings)
    if report.resolved is not None:
        summary += f"; {new} new failing, {len(report.resolved)} resolved since the baseline"
    blocks.append("\n".join([summary, *_hint(report)]))
    return "\n\n".join(blocks) + "\n"


RENDERER = Renderer(name="table", filename=None, render=render)
