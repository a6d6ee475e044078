"""Builders for snapshots, so a rule test states only the facts it is about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.engine.catalogue import Rule, load_rules
from auditor.engine.evaluate import evaluate_rule
from auditor.facts.snapshot import OMFacts, Problem, Snapshot
from auditor.report.model import Outcome, Status, TargetInfo

URL = "https://om.example.com"
_RULES = {r.meta.id: r for r in load_rules()}


def rule(rule_id: str) -> Rule:
    return _RULES[rule_id]


def snap(problems: dict[str, Problem] | None = None, **facts: Any) -> Snapshot:
    return Snapshot(target=TargetInfo(name="t", om_url=URL), collected_at="2026-11-26T00:00:00Z",
                    om=OMFacts(**facts), problems=problems or {})


def run(rule_id: str, snapshot: Snapshot) -> list[Outcome]:
    r = rule(rule_id)
    return evaluate_rule(snapshot, r, {})


def only_status(rule_id: str, snapshot: Snapshot) -> Status:
    outcomes = run(rule_id, snapshot)
    assert len(outcomes) == 1, outcomes
    return outcomes[0].status


def write_rule(folder: Path, rule_id: str, name: str, needs: str) -> Path:
    """A minimal user rule file in `folder`, as a security team would add one with --rules-dir."""
    path = folder / f"{rule_id}_{name.replace('-', '_')}.py"
    path.write_text(f'"""{rule_id}: a team rule.\n\n## Why this matters\nx\n## Fix\ny\n"""\n'
                    "from auditor.engine.rulekit import RuleMeta, Severity\n"
                    f'META = RuleMeta(id="{rule_id}", name="{name}", severity=Severity.LOW, needs=("{needs}",))\n'
                    "def check(snap, params):\n    return []\n")
    return path


def on_a_terminal(args: list[str], env: dict[str, str] | None = None, columns: int = 80) -> tuple[int, str]:
    """The CLI with stdout on a pseudo-terminal of `columns` columns (stderr apart, as a CI log keeps it)."""
    import os
    import subprocess
    import sys

    from tests.conftest import SCRATCH

    primary, secondary = os.openpty()
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OMAUDIT_", "NO_COLOR"))}
    full.update({"COLUMNS": str(columns), **(env or {})})
    proc = subprocess.Popen([sys.executable, "-m", "auditor", *args], stdout=secondary, stderr=subprocess.DEVNULL,
                            cwd=SCRATCH, env=full)
    os.close(secondary)
    out = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(primary)
    return proc.wait(timeout=60), out.decode(errors="replace").replace("\r\n", "\n")
