"""Reading report.json back (baselines, merges): the contract, validated, as a Report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.common.errors import InputError
from auditor.common.inputs import MAX_INPUT_BYTES, read_input
from auditor.common.untrusted import MalformedInput, load_json
from auditor.engine.catalogue import RULE_ID, RULE_NAME
from auditor.report.model import Finding, Report, TargetInfo


def load_report(path: Path, role: str = "report") -> Report:
    try:
        data = load_json(read_input(path, role), f"{role} {path}", max_bytes=MAX_INPUT_BYTES)
    except MalformedInput as exc:
        raise InputError(str(exc)) from None
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("findings"), list):
        raise InputError(f"{role} {path} is not an omaudit report.json (schema_version 1)")
    try:
        findings = tuple(Finding.from_json(f) for f in data["findings"])
        for finding in findings:  # these reach every format unescaped as identifiers: only the real shapes pass
            if not RULE_ID.match(finding.rule_id) or not RULE_NAME.match(finding.name):
                raise ValueError("a finding's rule_id or name is not of omaudit's form")
        targets = tuple(_target(t) for t in data.get("targets") or [])
        return Report(tool_version=str(data["tool"]["version"]), started_at=str(data["started_at"]),
                      finished_at=str(data["finished_at"]), targets=targets, findings=findings,
                      shard=_shard(data.get("shard")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{role} {path} has a malformed entry ({type(exc).__name__})") from None


def _shard(raw: Any) -> tuple[int, int] | None:
    if raw is None:
        return None
    index, count = raw["index"], raw["count"]
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (index, count))
    if not whole or not 0 <= index < count <= 100_000:
        raise ValueError("shard")
    return index, count


def _target(raw: Any) -> TargetInfo:
    flags = {k: raw[k] for k in ("active", "token_given") if isinstance(raw.get(k), bool)}
    return TargetInfo(name=str(raw["name"]), om_url=raw.get("om_url"), cognito_pool_id=raw.get("cognito_pool_id"),
                      region=raw.get("region"), **flags)


def missing_shards(reports: Sequence[Report]) -> list[int]:
    """The shards of an inventory scan that are not among `reports` (InputError for a mixed or
    duplicated set). Reports without a shard mark are taken as they are."""
    marks = [r.shard for r in reports]
    if all(m is None for m in marks):
        return []
    if any(m is None for m in marks):
        raise InputError("some reports are shards of an inventory scan and some are not; merge one kind")
    counts = {m[1] for m in marks if m is not None}
    if len(counts) > 1:
        raise InputError(f"the reports are shards of different splits (of {', '.join(map(str, sorted(counts)))})")
    indexes = [m[0] for m in marks if m is not None]
    twice = sorted({i for i in indexes if indexes.count(i) > 1})
    if twice:
        raise InputError(f"shard {twice[0]} appears in two reports")
    return sorted(set(range(counts.pop())) - set(indexes))


def merge_reports(reports: Sequence[Report]) -> Report:
    """One report from shard reports: the same targets and findings, in the same order, as one unsharded scan."""
    if not reports:
        raise InputError("merge needs at least one report.json")
    targets: dict[str, TargetInfo] = {}
    for report in reports:
        for target in report.targets:
            if target.name in targets and targets[target.name] != target:
                raise InputError(f"target {target.name} appears in two reports with different settings")
            targets[target.name] = target
    seen: set[tuple[str, str, str]] = set()
    findings = []
    for report in reports:
        for f in report.findings:
            key = (f.target, f.rule_id, f.resource)
            if key in seen:
                raise InputError(f"finding {f.rule_id} on {f.resource} of {f.target} appears in two reports: "
                                 "were shards overlapping?")
            seen.add(key)
            findings.append(f)
    return Report(tool_version=__version__, started_at=min(r.started_at for r in reports),
                  finished_at=max(r.finished_at for r in reports),
                  targets=tuple(sorted(targets.values(), key=lambda t: t.name)),
                  findings=tuple(sorted(findings, key=Finding.sort_key)))
