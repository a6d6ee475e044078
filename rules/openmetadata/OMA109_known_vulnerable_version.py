"""OMA109: the server runs a version with published security advisories.

## Why this matters
OpenMetadata publishes its version to anyone at `GET /api/v1/system/version`, and attackers bucket
exposed hosts by it. Versions before 1.2.4 allow an unauthenticated remote-code-execution chain
(CVE-2024-28255 with the SpEL injections), exploited in the wild in 2024. The finding is critical
when such an advisory applies and high otherwise; the message lists every advisory that matches.

## Fix
Upgrade to the newest release of a maintained line (2.0.x, 1.13.x or 1.12.x at the time of writing),
following OpenMetadata's upgrade guide; then run omaudit again.

## References
- GHSA-6wx7-qw5p-wh84 (CVE-2024-28255), GHSA-7vf4-x5m2-r6gr (CVE-2024-28253), GHSA-5xv3-fm7g-865r,
  GHSA-8p5r-6mvv-2435, GHSA-x8pm-wrg2-mqmx, GHSA-5f29-2333-h9c7, GHSA-pqqf-7hxm-rj5r, GHSA-9vmh-whc4-7phg
"""

import re

from auditor.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA109", name="known-vulnerable-version", severity=Severity.HIGH, needs=("om.version",))

Version = tuple[int, ...]

# (advisory, first affected version or None, first fixed version, severity, summary)
ADVISORIES: tuple[tuple[str, Version | None, Version, Severity, str], ...] = (
    ("CVE-2024-28255", None, (1, 2, 4), Severity.CRITICAL, "authentication bypass via path parameters"),
    ("CVE-2024-28254", None, (1, 2, 4), Severity.CRITICAL, "SpEL injection, RCE (unauthenticated with 28255)"),
    ("CVE-2024-28848", None, (1, 2, 4), Severity.HIGH, "SpEL injection in policy validation"),
    ("CVE-2024-28847", None, (1, 2, 4), Severity.HIGH, "SpEL injection in event subscriptions"),
    ("CVE-2024-28253", None, (1, 3, 1), Severity.CRITICAL, "SpEL injection in PUT /api/v1/policies"),
    ("CVE-2024-55238", None, (1, 4, 2), Severity.HIGH, "SQL injection in WorkflowDAO.listCount"),
    ("CVE-2026-22244", (1, 5, 0), (1, 11, 4), Severity.HIGH, "FreeMarker SSTI in email templates, RCE"),
    ("CVE-2026-26010", None, (1, 11, 8), Severity.HIGH, "ingestion-bot JWT leaked to read-only users"),
    ("CVE-2026-46481", None, (1, 12, 4), Severity.HIGH, "test-connection leaks DB password and bot JWT"),
)


def parse_version(text: str) -> Version | None:
    match = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
    if not match:
        return None
    return tuple(int(p) for p in match.groups() if p is not None)


def _pad(v: Version) -> Version:
    return v + (0,) * (4 - len(v))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    info = need(snap.om.version)
    resource = f"{snap.target.om_url}{info.path}"
    version = parse_version(info.version)
    if version is None:
        yield META.errored(resource, f"version {info.version!r} is not a comparable release number",
                           version=info.version)
        return
    hits = [a for a in ADVISORIES
            if (a[1] is None or _pad(version) >= _pad(a[1])) and _pad(version) < _pad(a[2])]
    if not hits:
        yield META.passed(resource, f"version {info.version} has none of the {len(ADVISORIES)} known advisories",
                          version=info.version)
        return
    worst = max(a[3] for a in hits)
    outcome = META.failed(resource, f"version {info.version} is affected by " + ", ".join(a[0] for a in hits),
                          version=info.version,
                          advisories=[{"id": a[0], "fixed_in": ".".join(map(str, a[2])), "severity": a[3].label,
                                       "summary": a[4]} for a in hits])
    yield outcome.graver(worst) if worst > META.severity else outcome
