"""The scan service: targets in, snapshots out, report out. No printing, no exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from auditor import __version__
from auditor.catalogue import Params, Rule
from auditor.engine import build_report, evaluate
from auditor.model import Report, TargetInfo
from auditor.snapshot import Snapshot


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ScanTarget:
    name: str
    om_url: str | None = None
    om_token: str | None = None
    active: bool = False
    verify: bool | str = True

    def info(self) -> TargetInfo:
        return TargetInfo(name=self.name, om_url=self.om_url.rstrip("/") if self.om_url else None)

    def __repr__(self) -> str:  # never show the token
        return f"ScanTarget(name={self.name!r}, om_url={self.om_url!r}, active={self.active})"


def collect_target(target: ScanTarget) -> Snapshot:
    """Collect one target; raises TargetError if it is unreachable or not OpenMetadata."""
    from auditor.collectors.openmetadata import OMOptions, OpenMetadataCollector

    collected_at = utc_now()
    if target.om_url is None:
        return Snapshot(target=target.info(), collected_at=collected_at)
    collector = OpenMetadataCollector(OMOptions(url=target.om_url, token=target.om_token, active=target.active,
                                                verify=target.verify))
    facts, problems = collector.collect()
    return Snapshot(target=target.info(), collected_at=collected_at, om=facts, problems=problems)


def audit(snapshots: Sequence[Snapshot], rules: Sequence[Rule], started_at: str,
          params: dict[str, Params] | None = None) -> Report:
    findings = evaluate(snapshots, rules, params)
    return build_report(__version__, started_at, utc_now(), [s.target for s in snapshots], findings)
