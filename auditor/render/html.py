"""One self-contained HTML page (no external assets) for a security engineer to read and send on.

A summary by status, the scan's context (probes, token, gate, duration), an inline SVG chart of
failing findings by severity, a per-target matrix for fleets, the findings grouped by rule (each
rule's why and fix once, rendered), and the findings table filterable by status, severity and
target, each with its evidence. Every value from the report is escaped: a message can quote what a
hostile server sent.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter

from auditor.render.base import Renderer
from auditor.render.escape import terminal_block
from auditor.report.model import STATUS_ORDER, Finding, Report, Severity, Status
from auditor.report.paths import attack_paths


def escape(text: str) -> str:
    """HTML-escaped, with control and bidi characters shown as escapes (a page can also be read with `cat`)."""
    return html.escape(terminal_block(text))


COLORS = {Severity.CRITICAL: "#7f1d1d", Severity.HIGH: "#dc2626", Severity.MEDIUM: "#f59e0b",
          Severity.LOW: "#3b82f6", Severity.INFO: "#6b7280"}
STATUS_COLORS = {Status.FAIL: "#dc2626", Status.ERROR: "#9333ea", Status.MUTED: "#6b7280",
                 Status.SKIPPED: "#9ca3af", Status.PASS: "#16a34a"}

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111}
h1{font-size:20px;margin:0 0 4px} .meta{color:#555;margin-bottom:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{padding:8px 14px;border-radius:6px;color:#fff;min-width:70px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;margin-top:12px} th,td{border-bottom:1px solid #e5e7eb;padding:6px;
text-align:left;vertical-align:top} th{background:#f3f4f6}
.badge{padding:1px 6px;border-radius:4px;color:#fff;font-size:12px} pre{white-space:pre-wrap;margin:4px 0;
background:#f9fafb;padding:6px} details summary{cursor:pointer;color:#2563eb} .filters label{margin-right:16px}
tr[hidden]{display:none} td{overflow-wrap:anywhere} pre{overflow-x:auto;max-width:60vw}
code{background:#f3f4f6;padding:0 3px;border-radius:3px} .fix p{margin:4px 0}
#context{color:#333} tr.rule:target{background:#fef9c3} #by-rule td:first-child{white-space:nowrap}
#matrix td,#matrix th{text-align:right} #matrix td:first-child,#matrix th:first-child{text-align:left}
.scroll{overflow-x:auto} svg{max-width:100%;height:auto} #attack-paths{overflow-wrap:anywhere;padding-left:18px}
@media (max-width:600px){body{margin:8px;font-size:13px} .card{min-width:56px;padding:6px 10px} th,td{padding:4px}
pre{max-width:85vw}}
"""

SCRIPT = """
(function(){
  var status=document.getElementById('filter-status'), severity=document.getElementById('filter-severity'),
      target=document.getElementById('filter-target');
  function apply(){
    var rows=document.querySelectorAll('#findings tbody tr'), shown=0;
    rows.forEach(function(row){
      var ok=(!status.value||row.dataset.status===status.value)&&
             (!severity.value||row.dataset.severity===severity.value)&&
             (!target.value||row.dataset.target===target.value);
      row.hidden=!ok; if(ok){shown++;}
    });
    document.getElementById('shown').textContent=String(shown);
  }
  [status,severity,target].forEach(function(s){s.addEventListener('change',apply);}); apply();
})();
"""


def _chart(report: Report) -> str:
    """Failing rules (not findings) by severity: ten bot tokens of one rule must not outweigh two
    critical rules (issue 24)."""
    failing = {(f.rule_id, f.severity) for f in report.findings if f.status is Status.FAIL}
    counts = [(s, sum(severity is s for _, severity in failing)) for s in sorted(Severity, reverse=True)]
    top = max([n for _, n in counts] + [1])
    bars = []
    for i, (sev, n) in enumerate(counts):
        width = int(300 * n / top)
        y = 8 + i * 26
        bars.append(f'<text x="0" y="{y + 14}" font-size="12">{sev.label}</text>'
                    f'<rect x="70" y="{y}" width="{width}" height="18" fill="{COLORS[sev]}"></rect>'
                    f'<text x="{76 + width}" y="{y + 14}" font-size="12">{n}</text>')
    height = 16 + 26 * len(counts)
    return (f'<h2 id="chart-title">Failing rules by severity</h2><svg id="severity-chart" role="img" '
            f'aria-label="failing rules by severity" width="420" height="{height}" viewBox="0 0 420 {height}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def _row(f: Finding) -> str:
    evidence = escape(json.dumps(dict(f.evidence), indent=2, sort_keys=True))
    extra = ""
    if f.suppression is not None:
        state = "expired" if f.suppression.expired else "muted"
        extra = f"<p>Suppression ({state} {escape(f.suppression.until)}): {escape(f.suppression.reason)}</p>"
    baseline = f' <span class="badge" style="background:#0ea5e9">{escape(f.baseline)}</span>' if f.baseline else ""
    badge = f'<span class="badge" style="background:{STATUS_COLORS[f.status]}">{f.status.value}</span>'
    return (f'<tr data-status="{f.status.value}" data-severity="{f.severity.label}" data-target="{escape(f.target)}">'
            f'<td>{badge}{baseline}</td>'
            f'<td>{f.severity.label}</td><td><a href="#rule-{escape(f.rule_id)}">{escape(f.rule_id)}</a>'
            f'<br><small>{escape(f.name)}</small></td>'
            f'<td>{escape(f.target)}</td><td>{escape(f.resource)}{_at(f)}</td>'
            f'<td>{escape(f.message)}<details><summary>evidence and fix</summary><pre>{evidence}</pre>{extra}'
            f'<div class="fix">{_prose(f.remediation)}</div></details></td></tr>')


def _at(f: Finding) -> str:
    """A file scan's file and line, under the resource."""
    return f'<br><small class="location">{escape(str(f.location))}</small>' if f.location is not None else ""


def _prose(text: str) -> str:
    """A rule's fix as HTML: paragraphs, and `code` spans. It is the catalogue's own text, escaped all
    the same (a merged shard report never supplies it)."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(p)) + "</p>" for p in paragraphs)


def _matrix(report: Report) -> str:
    """Per target, the count of each status: for fleets, where one flat table does not say who is worst."""
    if len(report.targets) < 2:
        return ""
    statuses = list(report.summary())
    head = "".join(f"<th>{s}</th>" for s in statuses)
    rows = []
    for t in report.targets:
        counts = {s: sum(f.target == t.name and f.status.value == s for f in report.findings) for s in statuses}
        # The target's own verdict, in words: which failed and which could not be verified, apart.
        verdict = ("failed and errored" if counts.get("FAIL") and counts.get("ERROR") else "failed"
                   if counts.get("FAIL") else "errored" if counts.get("ERROR") else "passed")
        rows.append(f'<tr data-verdict="{verdict}"><td>{escape(t.name)}</td><td>{verdict}</td>'
                    + "".join(f"<td>{counts[s]}</td>" for s in statuses) + "</tr>")
    return (f'<h2>By target</h2><div class="scroll"><table id="matrix"><thead><tr><th>Target</th><th>Verdict</th>'
            f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _context(report: Report) -> str:
    """How the scan was run, so a reader knows what a PASS is worth: probes, token, gate, duration."""
    parts = [_mode(report, "active", "active probes", "passive (GETs only)"),
             _mode(report, "token_given", "admin token given", "no admin token")]
    view = report.view
    if view.exit_code is not None:  # rendered by a scan or a merge, not re-rendered from a file
        parts.append(f'<span id="gate">fail on {escape(view.fail_on or "none (soft gate)")} · '
                     f"exit code {view.exit_code}</span>")
    if report.suppressions_file:
        parts.append(f'<span id="suppressions">suppressions from {escape(report.suppressions_file)}</span>')
    parts += [f'<span class="note">note: {escape(n)}</span>' for n in report.notes]
    duration = _seconds(report.started_at, report.finished_at)
    if duration is not None:
        parts.append(f"took {duration} s")
    return '<div id="context">' + " · ".join(p for p in parts if p) + "</div>"


def _mode(report: Report, key: str, yes: str, no: str) -> str:
    """One phrase for every target, or the count of each (a fleet can mix them)."""
    values = [getattr(t, key) for t in report.targets]
    if not values or any(v is None for v in values):
        return ""
    if all(values) or not any(values):
        return yes if values[0] else no
    return f"{yes} on {sum(values)} of {len(values)} targets"


def _seconds(start: str, end: str) -> int | None:
    try:
        delta = dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)
    except ValueError:
        return None
    return max(int(delta.total_seconds()), 0)


def _paths(report: Report) -> str:
    """Each attack path once: the story, then its steps in order, each linked to its rule's entry."""
    paths = attack_paths(report.findings)
    if not paths:
        return ""
    items = []
    for path in paths:
        steps = "".join(
            f'<li><a href="#rule-{escape(s.rule_id)}">{escape(s.rule_id)}</a>'
            f'{" (muted)" if s.status is Status.MUTED else ""} <code>{escape(s.resource)}</code>'
            f'{f" <small>{escape(str(s.location))}</small>" if s.location else ""}: {escape(s.says)}</li>'
            for s in path.steps)
        items.append(f'<li class="path" data-path="{escape(path.id)}"><span class="badge" style="background:'
                     f'{COLORS[path.severity]}">{path.severity.label}</span> <b>{escape(path.id)} {escape(path.name)}'
                     f'</b> on {escape(path.target)}<p>{escape(path.story)}</p><ol>{steps}</ol></li>')
    return (f'<h2>Attack paths ({len(paths)})</h2><p>Findings that combine into one way in; each step names its '
            f'finding.</p><ul id="attack-paths">{"".join(items)}</ul>')


def _by_rule(report: Report) -> str:
    """Every rule that did not pass everywhere, once: its counts, the targets it concerns, why it
    matters and the fix (the catalogue's prose, rendered), so ten bots of one rule are one entry."""
    groups: dict[str, list[Finding]] = {}
    for f in sorted(report.findings, key=Finding.sort_key):
        if f.status is not Status.PASS:
            groups.setdefault(f.rule_id, []).append(f)
    # "Not passing" is FAIL or ERROR: a rule only SKIPPED or MUTED everywhere is not listed here (it was
    # counted, with a critical badge, among the rules to fix: issue 24).
    groups = {rule: found for rule, found in groups.items()
              if any(f.status in (Status.FAIL, Status.ERROR) for f in found)}
    if not groups:
        return ""
    rows = []
    for rule_id, found in groups.items():
        first, worst = found[0], max(f.severity for f in found)
        counts = Counter(f.status.value for f in found)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda kv: _rank(kv[0])))
        targets = sorted({f.target for f in found})
        info = report.rules.get(rule_id)
        title = info.title if info is not None and info.title else first.name
        why = f'<div class="why">{_prose(info.why)}</div>' if info is not None and info.why else ""
        fix = _prose(info.fix if info is not None and info.fix else first.remediation)
        named = escape(", ".join(targets)) if len(targets) <= 3 else f"{len(targets)} targets"
        title_html = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(title))
        rows.append(
            f'<tr class="rule" id="rule-{escape(rule_id)}" data-rule="{escape(rule_id)}"><td>{escape(rule_id)}</td>'
            f'<td><span class="badge" style="background:{COLORS[worst]}">{worst.label}</span></td>'
            f'<td>{escape(summary)}</td><td>{named}</td><td>{title_html}<details><summary>why and fix'
            f'</summary>{why}<div class="fix">{fix}</div></details></td></tr>')
    return (f'<h2>By rule ({len(groups)} failing or in error)</h2><div class="scroll"><table id="by-rule"><thead>'
            f"<tr><th>Rule</th><th>Severity</th><th>Findings</th><th>Targets</th><th>What</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _rank(status: str) -> int:
    return [s.value for s in STATUS_ORDER].index(status)


def _since_baseline(report: Report) -> str:
    """New failing findings and resolved ones, when a baseline was given."""
    if report.resolved is None:
        return ""
    new = sum(f.baseline == "new" and f.status is Status.FAIL for f in report.findings)
    rows = "".join(f"<tr><td>{escape(str(r['rule_id']))}</td><td>{escape(str(r['target']))}</td>"
                   f"<td>{escape(str(r['resource']))}</td><td>{escape(str(r['was']))}</td></tr>"
                   for r in report.resolved)
    table = (f'<table id="resolved"><thead><tr><th>Rule</th><th>Target</th><th>Resource</th><th>Was</th></tr>'
             f"</thead><tbody>{rows}</tbody></table>") if rows else ""
    return (f'<h2>Since the baseline</h2><p id="baseline"><b>{new}</b> new failing · '
            f"<b>{len(report.resolved)}</b> resolved</p>{table}")


def render(report: Report) -> str:
    summary = report.summary()
    cards = "".join(f'<div class="card" style="background:{STATUS_COLORS[Status(k)]}"><b>{v}</b>{k}</div>'
                    for k, v in summary.items())
    options_status = "".join(f'<option value="{s}">{s}</option>' for s in summary)
    options_sev = "".join(f'<option value="{s.label}">{s.label}</option>' for s in sorted(Severity, reverse=True))
    options_target = "".join(f'<option value="{escape(t.name)}">{escape(t.name)}</option>' for t in report.targets)
    rows = "".join(_row(f) for f in sorted(report.findings, key=Finding.sort_key))
    targets = escape(", ".join(t.name for t in report.targets))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>omaudit report: {targets}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body>
<h1>omaudit report</h1>
<div class="meta">Targets: {targets} · started {escape(report.started_at)} · finished {escape(report.finished_at)}
 · omaudit {escape(report.tool_version)}</div>
{_context(report)}
<div class="cards" id="summary">{cards}</div>
{_since_baseline(report)}
{_paths(report)}
{_matrix(report)}
{_chart(report)}
{_by_rule(report)}
<h2>Findings (<span id="shown">{len(report.findings)}</span> shown)</h2>
<div class="filters"><label>Status <select id="filter-status"><option value="">all</option>{options_status}</select>
</label><label>Severity <select id="filter-severity"><option value="">all</option>{options_sev}</select></label>
<label>Target <select id="filter-target"><option value="">all</option>{options_target}</select></label></div>
<div class="scroll"><table id="findings"><thead><tr><th>Status</th><th>Severity</th><th>Rule</th><th>Target</th>
<th>Resource</th><th>Finding</th></tr></thead><tbody>{rows}</tbody></table></div>
<script>{SCRIPT}</script>
</body></html>
"""


RENDERER = Renderer(name="html", filename="report.html", render=render)
