"""OMA308: refresh tokens stay valid longer than the configured maximum.

## Why this matters
A refresh token keeps a session, and so OpenMetadata access, alive without a password. The default
limit is the AWS default, 30 days (rule parameter `max_days`). Absent validity means 30 days; the unit
comes from `TokenValidityUnits.RefreshToken` (default days). Low.

## Fix
CLI: `aws cognito-idp update-user-pool-client ... --refresh-token-validity 12
--token-validity-units RefreshToken=hours` (with the other current settings).

## References
- AWS Cognito API reference: UserPoolClientType.RefreshTokenValidity
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    client_resource,
    client_tags,
    need,
)

META = RuleMeta(id="OMA308", name="refresh-token-too-long", severity=Severity.LOW, needs=("cognito.clients",),
                params={"max_days": 30},
                about=("cognito.clients.validity",))
SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    limit_days = float(params["max_days"])
    for client in need(snap.cognito.clients):
        # 0 "is overridden with the default value of 30 days" (botocore 1.44.8 RefreshTokenValidity).
        value = client.validity.refresh or 30
        unit = (client.validity.refresh_unit or "days") if client.validity.refresh else "days"
        if unit not in SECONDS:
            yield META.errored(client_resource(snap, client), f"unknown refresh token unit {unit!r}")
            continue
        days = value * SECONDS[unit] / 86400
        evidence = {"validity": value, "unit": unit, "max_days": limit_days,
                    "rotation": client.refresh_rotation or "DISABLED (absent)", **client_tags(snap, client)}
        if days > limit_days:
            message = f"refresh tokens last {value} {unit} (> {limit_days:g} days)"
            yield META.failed(client_resource(snap, client), message, **evidence)
        else:
            yield META.passed(client_resource(snap, client), f"refresh tokens last {value} {unit}", **evidence)
