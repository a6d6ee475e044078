"""Markdown for the people who read it (issue 13, point 7): a compact table, each fix once, under
GitHub's 65,536-character comment limit. In process, on saved snapshots."""

from __future__ import annotations

import dataclasses

from auditor.engine.catalogue import load_rules
from auditor.facts.snapshot import load_snapshots
from auditor.render.markdown import render
from auditor.report.model import TargetInfo
from auditor.scan.service import audit
from tests.conftest import DATA


def _fleet(copies: int) -> str:
    [snap] = load_snapshots((DATA / "snapshots" / "seed-walkthrough.json").read_text())
    snaps = [dataclasses.replace(snap, target=TargetInfo(name=f"om-{i:03d}", om_url=f"https://om{i}.example.com"))
             for i in range(copies)]
    return render(audit(snaps, load_rules(), "2026-12-01T00:00:00Z"))


def test_five_targets_give_one_table_and_each_fix_once() -> None:
    text = _fleet(5)
    assert len(text) < 65_536
    assert text.count("<summary>OMA113 ") == 1 and text.count("<summary>OMA104 ") == 1
    rows = [line for line in text.splitlines() if line.startswith("| ") and " | OMA" in line]
    assert len(rows) == 5 * 32  # 32 failing findings a target (OMA217 since issue 25, OMA117 since 23), one row each


def test_a_large_fleet_stays_under_githubs_comment_limit() -> None:
    text = _fleet(200)
    assert len(text) < 65_536
    assert "more failing findings: see report.json" in text
