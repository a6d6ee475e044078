"""Report history: which default-login probes ran recently, so repeated scans never lock an account out.

OpenMetadata locks a user after 3 failed logins for `accessBlockTime` (600 s on older servers,
30 s in recent seeds). omaudit makes at most one attempt per scan; this keeps a second and third
scan inside the window from adding attempts. It reads the reports/ folders' report.json files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

DEFAULT_WINDOW = 600.0
MAX_REPORTS = 200
PROBE_RULE = "OMA101"


def recent_login_probes(reports_dir: Path, window: float, now: dt.datetime | None = None
                        ) -> frozenset[tuple[str, str]]:
    """(login URL, account) of every probe sent in the last `window` seconds. Unreadable files are ignored:
    history can only make omaudit more careful, never fail a scan."""
    now = now or dt.datetime.now(dt.UTC)
    found: set[tuple[str, str]] = set()
    if not reports_dir.is_dir():
        return frozenset()
    folders = sorted((p for p in reports_dir.iterdir() if p.is_dir() and not p.is_symlink()), reverse=True)
    for folder in folders[:MAX_REPORTS]:
        try:
            report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
            finished = dt.datetime.strptime(report["finished_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            findings = report["findings"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if (now - finished).total_seconds() > window:
            continue
        for finding in findings if isinstance(findings, list) else []:
            evidence = finding.get("evidence") if isinstance(finding, dict) else None
            if (finding.get("rule_id") == PROBE_RULE and isinstance(evidence, dict)
                    and isinstance(evidence.get("account"), str) and evidence.get("outcome") != "recently-probed"):
                found.add((str(finding.get("resource")), evidence["account"]))
    return frozenset(found)
