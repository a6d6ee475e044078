"""Suppressions with a reason and an expiry, from a TOML file.

    [[suppression]]
    rule = "OMA110"                 # a rule ID, or a glob of them such as "OMA30*" (required)
    target = "staging-*"            # glob on the target name (default "*")
    resource = "*"                  # glob on the resource (default "*")
    reason = "TLS ends at the ALB"  # required
    expires = 2027-01-31            # required, a date (TOML's, or quoted); the day itself still mutes

A match turns FAIL into MUTED and keeps the finding, with its reason, in every report. An expired
entry mutes nothing: its findings stay FAIL, marked with the expired suppression, and the entry is
listed in the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import MAX_CONFIG_BYTES, read_input, toml_tables
from auditor.report.model import Finding, JsonValue, Status, SuppressionMark

DEFAULT_FILE = "omaudit-suppressions.toml"
RULE_ID = re.compile(r"^OMA\d{3}$")
# A glob of rule IDs (`OMA30*`, `OMA10[67]`) names a family; at least one digit after OMA, so that no
# single entry (`*`, `OMA*`) can mute every rule.
RULE_GLOB = re.compile(r"^OMA\d{1,2}[*?\[][\d*?\[\]-]{0,6}$")
KEYS = {"rule", "target", "resource", "reason", "expires"}


@dataclass(frozen=True)
class Suppression:
    rule: str
    target: str
    resource: str
    reason: str
    expires: dt.date
    line: int

    def matches(self, finding: Finding) -> bool:
        return (fnmatch.fnmatchcase(finding.rule_id, self.rule) and fnmatch.fnmatchcase(finding.target, self.target)
                and fnmatch.fnmatchcase(finding.resource, self.resource))

    def to_json(self) -> dict[str, JsonValue]:
        return {"rule": self.rule, "target": self.target, "resource": self.resource, "reason": self.reason,
                "expires": self.expires.isoformat(), "line": self.line}


def _entry_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), start=1) if re.match(r"^\s*\[\[\s*suppression\s*\]\]", line)]


def parse_suppressions(text: str, source: str) -> list[Suppression]:
    """Parse and validate; every problem is an InputError that names the file and line."""
    data = toml_tables(text, source, {"suppression"}, "[[suppression]] entries")
    entries = data.get("suppression", [])
    if not isinstance(entries, list):
        raise InputError(f"{source}: 'suppression' must be an array of tables ([[suppression]])")
    lines = _entry_lines(text)
    out = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else 0
        out.append(_entry(entry, f"{source}, line {line}", line))
    return out


def _entry(entry: Any, where: str, line: int) -> Suppression:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: a suppression must be a table")
    extra = set(entry) - KEYS
    if extra:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    for key in ("rule", "reason", "expires"):
        if key not in entry:
            raise InputError(f"{where}: '{key}' is required")
    rule = entry["rule"]
    if not isinstance(rule, str) or not (RULE_ID.match(rule) or RULE_GLOB.match(rule)):
        raise InputError(f"{where}: 'rule' must be a rule ID such as OMA104, or a glob of them such as OMA30*")
    reason = entry["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise InputError(f"{where}: 'reason' must be a non-empty string")
    expires = entry["expires"]
    if isinstance(expires, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", expires.strip()):
        with contextlib.suppress(ValueError):  # a quoted date, as YAML and JSON users write it
            expires = dt.date.fromisoformat(expires.strip())
    if isinstance(expires, dt.datetime) or not isinstance(expires, dt.date):
        raise InputError(f"{where}: 'expires' must be a date such as 2027-01-31")
    globs = {}
    for key in ("target", "resource"):
        value = entry.get(key, "*")
        if not isinstance(value, str) or not value:
            raise InputError(f"{where}: '{key}' must be a non-empty glob")
        globs[key] = value
    return Suppression(rule=rule, target=globs["target"], resource=globs["resource"], reason=reason.strip(),
                       expires=expires, line=line)


def load_suppressions(path: Path) -> list[Suppression]:
    return parse_suppressions(read_input(path, "suppressions", MAX_CONFIG_BYTES), str(path))


def apply_suppressions(findings: Sequence[Finding], suppressions: Sequence[Suppression], today: dt.date
                       ) -> tuple[list[Finding], list[Suppression]]:
    """(findings with FAIL muted where a live suppression matches, the expired suppressions)."""
    live = [s for s in suppressions if s.expires >= today]
    expired = [s for s in suppressions if s.expires < today]
    out = []
    for finding in findings:
        if finding.status is not Status.FAIL:
            out.append(finding)
            continue
        match = next((s for s in live if s.matches(finding)), None)
        if match is not None:
            out.append(replace(finding, status=Status.MUTED,
                               suppression=SuppressionMark(match.reason, match.expires.isoformat())))
            continue
        stale = next((s for s in expired if s.matches(finding)), None)
        if stale is not None:
            finding = replace(finding, suppression=SuppressionMark(stale.reason, stale.expires.isoformat(),
                                                                   expired=True))
        out.append(finding)
    return out, expired
