"""The report's vocabulary: severities, statuses, rule metadata, findings, the report itself.

Nothing here knows a specific rule or a specific output format.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonValue = Any
"""Evidence values are plain JSON (str, int, float, bool, None, lists and dicts of those)."""


class Severity(enum.IntEnum):
    """Ordered so that a threshold is a plain comparison."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


class Status(enum.StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    SKIPPED = "SKIPPED"
    MUTED = "MUTED"


STATUS_ORDER: tuple[Status, ...] = (Status.FAIL, Status.ERROR, Status.MUTED, Status.SKIPPED, Status.PASS)
"""Display order: what needs attention first."""


@dataclass(frozen=True)
class RuleMeta:
    """What a rule declares about itself; the rule's module docstring is its documentation."""

    id: str
    name: str
    severity: Severity
    needs: tuple[str, ...]
    active: bool = False
    params: Mapping[str, int | float | str | bool] = field(default_factory=dict)

    def passed(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.PASS, resource, message, evidence)

    def failed(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.FAIL, resource, message, evidence)

    def skipped(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.SKIPPED, resource, message, evidence)

    def errored(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.ERROR, resource, message, evidence)


@dataclass(frozen=True)
class Outcome:
    """What a rule says about one resource; the engine adds the rule and target context."""

    status: Status
    resource: str
    message: str
    evidence: Mapping[str, JsonValue] = field(default_factory=dict)
    severity: Severity | None = None
    """Set only when one finding is graver than the rule's default (e.g. an RCE-class CVE)."""

    def graver(self, severity: Severity) -> Outcome:
        return Outcome(self.status, self.resource, self.message, self.evidence, severity)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    name: str
    status: Status
    severity: Severity
    target: str
    resource: str
    message: str
    evidence: Mapping[str, JsonValue]
    remediation: str
    muted_reason: str | None = None
    muted_until: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.target, STATUS_ORDER.index(self.status), -self.severity, self.rule_id, self.resource)

    def to_json(self) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {
            "rule_id": self.rule_id,
            "name": self.name,
            "status": self.status.value,
            "severity": self.severity.label,
            "target": self.target,
            "resource": self.resource,
            "message": self.message,
            "evidence": dict(self.evidence),
            "remediation": self.remediation,
        }
        if self.muted_reason is not None:
            out["muted"] = {"reason": self.muted_reason, "until": self.muted_until}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, JsonValue]) -> Finding:
        muted = data.get("muted") or {}
        return cls(
            rule_id=str(data["rule_id"]),
            name=str(data["name"]),
            status=Status(data["status"]),
            severity=Severity.parse(str(data["severity"])),
            target=str(data["target"]),
            resource=str(data["resource"]),
            message=str(data["message"]),
            evidence=dict(data.get("evidence") or {}),
            remediation=str(data.get("remediation") or ""),
            muted_reason=muted.get("reason"),
            muted_until=muted.get("until"),
        )


@dataclass(frozen=True)
class TargetInfo:
    """How a target is named in reports; never carries a credential."""

    name: str
    om_url: str | None = None
    cognito_pool_id: str | None = None
    region: str | None = None

    def to_json(self) -> dict[str, JsonValue]:
        return {"name": self.name, "om_url": self.om_url, "cognito_pool_id": self.cognito_pool_id,
                "region": self.region}


@dataclass(frozen=True)
class Report:
    tool_version: str
    started_at: str
    finished_at: str
    targets: tuple[TargetInfo, ...]
    findings: tuple[Finding, ...]

    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in (Status.PASS, Status.FAIL, Status.ERROR, Status.SKIPPED, Status.MUTED)}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    def exit_code(self, fail_on: Severity) -> int:
        """The documented contract: 1 beats 3 beats 0 (2 is raised before a report exists)."""
        if any(f.status is Status.FAIL and f.severity >= fail_on for f in self.findings):
            return 1
        if any(f.status is Status.ERROR for f in self.findings):
            return 3
        return 0

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "schema_version": 1,
            "tool": {"name": "omaudit", "version": self.tool_version},
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "targets": [t.to_json() for t in self.targets],
            "findings": [f.to_json() for f in self.findings],
            "summary": self.summary(),
        }
