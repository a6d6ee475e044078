"""OMA109: the server runs a version with published security advisories.

## Why this matters
OpenMetadata publishes its version to anyone at `GET /api/v1/system/version`, and attackers bucket
exposed hosts by it. Versions before 1.2.4 allow an unauthenticated remote-code-execution chain
(CVE-2024-28255 with the SpEL injections), exploited in the wild in 2024. The finding is critical
when such an advisory applies and high otherwise; the message lists every advisory that matches.

## Fix
Upgrade to the newest release of a maintained line (2.0.x, 1.13.x or 1.12.x at the time of writing),
following OpenMetadata's upgrade guide; then run omaudit again.

## Advisories checked
| advisory | affected | source of the range |
|---|---|---|
| CVE-2024-28255 (GHSA-6wx7-qw5p-wh84) | < 1.2.4 | the advisory: "addressed in version 1.2.4" (1) |
| CVE-2024-28254 (GHSL-2023-235) | < 1.2.4 | CVE record |
| CVE-2024-28848 (GHSA-5xv3-fm7g-865r) | < 1.2.4 | the advisory |
| CVE-2024-28847 (GHSA-8p5r-6mvv-2435) | < 1.2.4 | the advisory |
| CVE-2024-28253 (GHSA-7vf4-x5m2-r6gr) | < 1.3.1 | the advisory |
| CVE-2024-55238 (GHSA-x8pm-wrg2-mqmx) | <= 1.4.1 | the CVE text; the GHSA names no fixed version, so 1.4.2 is assumed |
| CVE-2026-22244 (GHSA-5f29-2333-h9c7) | 1.5.0 to < 1.11.4 | github/advisory-database#8130 (2) |
| CVE-2026-26010 (GHSA-pqqf-7hxm-rj5r) | < 1.11.8 | the advisory |
| CVE-2026-46481 (GHSA-9vmh-whc4-7phg) | < 1.12.4 | the advisory |

(1) Many trackers advise >= 1.3.1; CVE-2024-28253 covers < 1.3.1 anyway.
(2) Introduced by commit d17d13ce, fixed by 47af4657.

No advisory for 1.13.x or 2.0.x was known when this table was written; a PASS means none of the
advisories above applies.

## References
- The GHSA and CVE records above (github.com/advisories/<GHSA id>)
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md, point 9
"""

import re

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource

META = RuleMeta(id="OMA109", name="known-vulnerable-version", severity=Severity.HIGH, needs=("om.version",))

Version = tuple[int, ...]

# (advisory, first affected version or None, first fixed version, severity, summary, source of the range).
# Only these advisories are checked: a PASS says the version has none of them, not that it has none.
ADVISORIES: tuple[tuple[str, Version | None, Version, Severity, str, str], ...] = (
    ("CVE-2024-28255", None, (1, 2, 4), Severity.CRITICAL, "authentication bypass via path parameters",
     "GHSA-6wx7-qw5p-wh84: 'addressed in version 1.2.4'"),
    ("CVE-2024-28254", None, (1, 2, 4), Severity.CRITICAL, "SpEL injection, RCE (unauthenticated with 28255)",
     "GHSL-2023-235; CVE record: fixed in 1.2.4"),
    ("CVE-2024-28848", None, (1, 2, 4), Severity.HIGH, "SpEL injection in policy validation",
     "GHSA-5xv3-fm7g-865r (GHSL-2023-236): fixed in 1.2.4"),
    ("CVE-2024-28847", None, (1, 2, 4), Severity.HIGH, "SpEL injection in event subscriptions",
     "GHSA-8p5r-6mvv-2435 (GHSL-2023-251): fixed in 1.2.4"),
    ("CVE-2024-28253", None, (1, 3, 1), Severity.CRITICAL, "SpEL injection in PUT /api/v1/policies",
     "GHSA-7vf4-x5m2-r6gr (GHSL-2023-252): fixed in 1.3.1"),
    ("CVE-2024-55238", None, (1, 4, 2), Severity.HIGH, "SQL injection in WorkflowDAO.listCount",
     "GHSA-x8pm-wrg2-mqmx: 'OpenMetadata <=1.4.1', no fixed version named; 1.4.2 is assumed"),
    ("CVE-2026-22244", (1, 5, 0), (1, 11, 4), Severity.HIGH, "FreeMarker SSTI in email templates, RCE",
     "GHSA-5f29-2333-h9c7; github/advisory-database#8130: introduced 1.5.0 (d17d13ce), fixed 1.11.4"),
    ("CVE-2026-26010", None, (1, 11, 8), Severity.HIGH, "ingestion-bot JWT leaked to read-only users",
     "GHSA-pqqf-7hxm-rj5r: < 1.11.8"),
    ("CVE-2026-46481", None, (1, 12, 4), Severity.HIGH, "test-connection leaks DB password and bot JWT",
     "GHSA-9vmh-whc4-7phg: < 1.12.4"),
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
    resource = om_resource(snap, info.path)
    version = parse_version(info.version)
    if version is None:
        yield META.errored(resource, f"version {info.version!r} is not a comparable release number",
                           version=info.version)
        return
    hits = [a for a in ADVISORIES
            if (a[1] is None or _pad(version) >= _pad(a[1])) and _pad(version) < _pad(a[2])]
    if not hits:
        yield META.passed(resource, f"version {info.version} has none of the {len(ADVISORIES)} advisories "
                          "omaudit knows (listed in its documentation)", version=info.version,
                          checked=[a[0] for a in ADVISORIES])
        return
    worst = max(a[3] for a in hits)
    outcome = META.failed(resource, f"version {info.version} is affected by " + ", ".join(a[0] for a in hits),
                          version=info.version,
                          advisories=[{"id": a[0], "fixed_in": ".".join(map(str, a[2])), "severity": a[3].label,
                                       "summary": a[4], "source": a[5]} for a in hits])
    yield outcome.graver(worst) if worst > META.severity else outcome
