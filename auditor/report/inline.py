"""Inline suppressions in the scanned files, as Checkov's `checkov:skip=` and Trivy's `trivy:ignore:`
comments do it, with omaudit's own rules: a reason and an expiry are required.

    mfa_configuration = "OFF"  # omaudit:ignore OMA203 reason="dev pool, no users" expires=2027-01-31

The comment stands on the line a finding points at, or alone on the line above it (`#` in YAML, HCL,
env and compose files; `//` in HCL too). It names one rule ID or several (`OMA203,OMA212`); globs are
not taken inline. A match turns FAIL into MUTED, with the reason, and each one used is named in every
report; an expired one mutes nothing and is named too; one without a reason or an expiry, or with a
bad date, is named and mutes nothing. `--no-suppressions` turns them off with the TOML file's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.report.model import Finding, Status, SuppressionMark

MAX_FILE_BYTES = 4 * 1024 * 1024
MARK = re.compile(r"(?:#|//)\s*omaudit:ignore\b(?P<rest>.*)$")
FULL = re.compile(r'^\s+(?P<rules>OMA\d{3}(?:\s*,\s*OMA\d{3})*)\s+reason="(?P<reason>[^"\n]{1,300})"\s+'
                  r"expires=(?P<expires>\d{4}-\d{2}-\d{2})\s*$")


def apply_inline(findings: Sequence[Finding], root: Path, today: dt.date) -> tuple[list[Finding], list[str]]:
    """(findings with FAIL muted by a live inline suppression, notes naming every inline suppression
    used, expired or malformed)."""
    lines_of: dict[str, list[str] | None] = {}
    # Each line is searched once, whatever the number of findings on it: a template written as one line
    # of JSON puts every finding on line 1 (1,000 clients: 3,010 searches of 1 MB, 10 s, before).
    marks_of: dict[str, dict[int, re.Match[str] | None]] = {}
    notes: dict[str, None] = {}
    out: list[Finding] = []
    for finding in findings:
        where = finding.location
        if finding.status is not Status.FAIL or where is None or not where.line:
            out.append(finding)
            continue
        if where.file not in lines_of:
            lines_of[where.file] = _lines(root, where.file)
        lines = lines_of[where.file]
        mark = _mark_for(lines, where.line, finding.rule_id, marks_of.setdefault(where.file, {})) if lines else None
        if mark is None:
            out.append(finding)
            continue
        line, parsed = mark
        place = f"{where.file}:{line}"
        if isinstance(parsed, str):
            notes[f"inline suppression at {place} mutes nothing: {parsed}"] = None
            out.append(finding)
            continue
        reason, expires = parsed
        if expires < today:
            notes[f"inline suppression at {place} for {finding.rule_id} expired on {expires.isoformat()}: "
                  "it mutes nothing"] = None
            out.append(replace(finding, suppression=SuppressionMark(reason, expires.isoformat(), expired=True)))
            continue
        notes[f"inline suppression at {place} mutes {finding.rule_id} until {expires.isoformat()}: {reason}"] = None
        out.append(replace(finding, status=Status.MUTED, suppression=SuppressionMark(reason, expires.isoformat())))
    return out, list(notes)


def _lines(root: Path, file: str) -> list[str] | None:
    """The file's lines, when it is a regular file inside the scanned folder (never one outside it)."""
    path = root / file
    try:
        if not path.resolve().is_relative_to(root.resolve()) or path.is_symlink():
            return None
        return read_input(path, "file", MAX_FILE_BYTES).splitlines()
    except (InputError, OSError, RuntimeError):
        return None


def _mark_for(lines: list[str], line: int, rule: str, searched: dict[int, re.Match[str] | None]
              ) -> tuple[int, tuple[str, dt.date] | str] | None:
    """The inline comment on `line`, or alone on the line above, that names `rule`: (its line, (reason,
    expiry) or why it is not taken). `searched` keeps each line's search for the file's other findings."""
    for number in (line, line - 1):
        if not 0 < number <= len(lines):
            continue
        text = lines[number - 1]
        if number not in searched:
            searched[number] = MARK.search(text)
        found = searched[number]
        if found is None or (number == line - 1 and not text.strip().startswith(("#", "//"))):
            continue
        full = FULL.match(found.group("rest"))
        if full is None:
            if rule in found.group("rest"):
                return number, 'it needs a rule ID, reason="..." and expires=YYYY-MM-DD'
            continue
        rules = {r.strip() for r in full.group("rules").split(",")}
        if rule not in rules:
            continue
        try:
            expires = dt.date.fromisoformat(full.group("expires"))
        except ValueError:
            return number, f"expires={full.group('expires')} is not a date"
        return number, (full.group("reason"), expires)
    return None
