"""The report's vocabulary: severities, statuses, rule metadata, findings, the report itself.

Nothing here knows a specific rule or a specific output format.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
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
    # The facts a verdict is about (`cognito.mfa.mfa_configuration`): a file scan points at the line that
    # sets them, else at the resource (an outcome's own `fields` take precedence).
    about: tuple[str, ...] = ()

    def passed(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.PASS, resource, message, evidence)

    def failed(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.FAIL, resource, message, evidence)

    def skipped(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.SKIPPED, resource, message, evidence)

    def errored(self, resource: str, message: str, **evidence: JsonValue) -> Outcome:
        return Outcome(Status.ERROR, resource, message, evidence)


@dataclass(frozen=True)
class Location:
    """Where a fact was read in a file: the path relative to the scanned root, and the 1-based line."""

    file: str
    line: int | None = None
    # The placeholder that read the value at this line, in another place (a `.env` line read by a compose
    # `${VAR}`): not part of the location's identity; the engine makes it the finding's `placeholder`.
    via: Location | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_json(self) -> dict[str, JsonValue]:
        return {"file": self.file, "line": self.line}


@dataclass(frozen=True)
class Outcome:
    """What a rule says about one resource; the engine adds the rule and target context."""

    status: Status
    resource: str
    message: str
    evidence: Mapping[str, JsonValue] = field(default_factory=dict)
    severity: Severity | None = None
    """Set only when one finding is graver than the rule's default (e.g. an RCE-class CVE)."""
    fields: tuple[str, ...] = ()
    """The facts the finding is about (`om.auth_config.callback_url`): a file scan points at their line."""
    undecided: bool = False
    """SKIPPED because what the rule reads is decided only at deploy (or set by a reference the files do
    not resolve): never a verdict, but what --fail-on-unknown holds a gate on."""

    def graver(self, severity: Severity) -> Outcome:
        return dataclasses.replace(self, severity=severity)

    def about(self, *fields: str) -> Outcome:
        return dataclasses.replace(self, fields=fields)


@dataclass(frozen=True)
class SuppressionMark:
    """Why a finding is muted, or that the suppression which would mute it has expired."""

    reason: str
    until: str
    expired: bool = False

    def to_json(self) -> dict[str, JsonValue]:
        return {"reason": self.reason, "until": self.until, "expired": self.expired}


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
    suppression: SuppressionMark | None = None
    baseline: str | None = None  # "new" or "existing" when a baseline was given
    location: Location | None = None  # file scans: the file and line the finding is about
    related: Location | None = None  # file scans: the resource, when `location` is one of its properties
    placeholder: Location | None = None  # file scans: the placeholder that read the value `location` sets
    undecided: bool = False  # SKIPPED on a value decided only at deploy (Outcome.undecided)

    @property
    def fingerprint(self) -> str:
        """Stable identity of (target, rule, resource) across runs: baselines and SARIF key on it."""
        return hashlib.sha256(f"{self.target}|{self.rule_id}|{self.resource}".encode()).hexdigest()[:32]

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
            "fingerprint": self.fingerprint,
        }
        if self.suppression is not None:
            out["suppression"] = self.suppression.to_json()
        if self.baseline is not None:
            out["baseline"] = self.baseline
        if self.location is not None:
            out["location"] = self.location.to_json()
        if self.related is not None:
            out["related_location"] = self.related.to_json()
        if self.placeholder is not None:
            out["placeholder_location"] = self.placeholder.to_json()
        if self.undecided:
            out["undecided"] = True
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, JsonValue]) -> Finding:
        mark = data.get("suppression")
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
            suppression=SuppressionMark(str(mark["reason"]), str(mark["until"]), bool(mark.get("expired")))
            if isinstance(mark, dict) else None,
            baseline=str(data["baseline"]) if data.get("baseline") else None,
            location=_location(data.get("location")),
            related=_location(data.get("related_location")),
            placeholder=_location(data.get("placeholder_location")),
            undecided=data.get("undecided") is True,
        )


def _location(raw: JsonValue) -> Location | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("file"), str):
        return None
    line = raw.get("line")
    return Location(raw["file"], line if isinstance(line, int) and not isinstance(line, bool) and line > 0 else None)


@dataclass(frozen=True)
class TargetInfo:
    """How a target is named in reports; never carries a credential."""

    name: str
    om_url: str | None = None
    cognito_pool_id: str | None = None
    region: str | None = None
    active: bool | None = None  # were active probes allowed (--active); None: not recorded (a snapshot file)
    token_given: bool | None = None  # was an admin token given (never the token itself)

    def to_json(self) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {"name": self.name, "om_url": self.om_url,
                                     "cognito_pool_id": self.cognito_pool_id, "region": self.region}
        for key in ("active", "token_given"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class RuleInfo:
    """A rule's documentation as reports show it (SARIF rule help, HTML)."""

    id: str
    name: str
    title: str
    why: str
    fix: str

    @property
    def markdown(self) -> str:
        return f"**{self.title}**\n\n{self.why}\n\n**Fix**\n\n{self.fix}"


@dataclass(frozen=True)
class ReportView:
    """How a person is shown the report (the terminal table): in memory only, never in report.json."""

    show_all: bool = False  # PASS and SKIPPED rows too, not only their counts
    color: bool = False
    width: int = 100
    exit_code: int | None = None  # for the closing hint
    fail_on: str | None = None  # the threshold's label, for the hint; None: --fail-on none
    only_new: bool = False  # --fail-on-new: only FAILs the baseline did not have gate
    fail_on_unknown: bool = False  # --fail-on-unknown: what only the deployment decides holds the gate


@dataclass(frozen=True)
class Report:
    tool_version: str
    started_at: str
    finished_at: str
    targets: tuple[TargetInfo, ...]
    findings: tuple[Finding, ...]
    resolved: tuple[Mapping[str, JsonValue], ...] | None = None  # set when a baseline was given
    expired_suppressions: tuple[Mapping[str, JsonValue], ...] = ()
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)  # in memory only, not in report.json
    shard: tuple[int, int] | None = None  # (K, N): this report is shard K (0-based) of N of an inventory
    suppressions_file: str | None = None  # the suppressions file this run used, named in every report
    notes: tuple[str, ...] = ()  # what this run did not judge and why (a folder not entered), in every report
    view: ReportView = field(default_factory=ReportView)  # in memory only

    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in (Status.PASS, Status.FAIL, Status.ERROR, Status.SKIPPED, Status.MUTED)}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    def exit_code(self, fail_on: Severity | None, only_new: bool = False, fail_on_unknown: bool = False) -> int:
        """The documented contract: 1 beats 3 beats 0 (2 is raised before a report exists). `fail_on`
        None (`--fail-on none`, a soft gate) never exits 1. A run that judged nothing (every finding
        SKIPPED or ERROR, or none at all) is incomplete, 3: a gate that judged nothing is never green, nor
        one that judged nothing of one of its targets (a deployment whose values the tree does not hold,
        beside one it judged).
        (A shard that hashing left without targets scanned nothing to judge: its merge is the gate.)
        `fail_on_unknown` (--fail-on-unknown): a rule at or above the threshold that only the deployment
        can decide is incomplete too, 3 (a pull request can always move a failing setting behind a
        parameter or an include it does not resolve: found by an attack)."""
        if fail_on is not None and any(f.status is Status.FAIL and f.severity >= fail_on
                                       and (not only_new or f.baseline != "existing") for f in self.findings):
            return 1
        if fail_on_unknown and self.undecided(fail_on):
            return 3
        judged = {f.target for f in self.findings if f.status in (Status.PASS, Status.FAIL, Status.MUTED)}
        if any(f.status is Status.ERROR for f in self.findings) or any(t.name not in judged for t in self.targets):
            return 3
        return 0

    def undecided(self, fail_on: Severity | None) -> list[Finding]:
        """The SKIPPED findings only the deployment can decide, at or above `fail_on` (None: any)."""
        return [f for f in self.findings if f.status is Status.SKIPPED and f.undecided
                and (fail_on is None or f.severity >= fail_on)]

    def judged(self) -> bool:
        """Whether any rule reached a verdict (PASS, FAIL or MUTED)."""
        return any(f.status in (Status.PASS, Status.FAIL, Status.MUTED) for f in self.findings)

    def to_json(self) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {
            "schema_version": 1,
            "tool": {"name": "omaudit", "version": self.tool_version},
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "targets": [t.to_json() for t in self.targets],
            "findings": [f.to_json() for f in self.findings],
            "summary": self.summary(),
        }
        if self.resolved is not None:
            out["resolved"] = [dict(r) for r in self.resolved]
        if self.expired_suppressions:
            out["expired_suppressions"] = [dict(e) for e in self.expired_suppressions]
        if self.shard is not None:
            out["shard"] = {"index": self.shard[0], "count": self.shard[1]}
        if self.suppressions_file is not None:
            out["suppressions_file"] = self.suppressions_file
        if self.notes:
            out["notes"] = list(self.notes)
        return out
