"""Evaluates rules over snapshots: the only place that turns inputs and outcomes into findings.

A rule whose input failed to collect is not called: it becomes ERROR with the collection error.
A rule whose input was not applicable becomes SKIPPED with the reason. A rule that raises becomes
ERROR naming the exception; the other rules still run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from auditor.engine.catalogue import Params, Rule
from auditor.facts.snapshot import Snapshot, Unknown, UnknownValue
from auditor.report.model import Finding, Outcome, Report, Status, TargetInfo


def default_resource(snap: Snapshot, rule: Rule) -> str:
    """Where a rule's ERROR/SKIPPED finding points when it never reached a resource."""
    section = rule.meta.needs[0].split(".", 1)[0] if rule.meta.needs else "om"
    if section == "om" and snap.target.om_url:
        return snap.target.om_url
    if snap.target.cognito_pool_id:
        return snap.target.cognito_pool_id
    return snap.target.om_url or snap.target.name


def _blocked(snap: Snapshot, rule: Rule) -> Outcome | None:
    """ERROR if any input failed, else SKIPPED if any input is not applicable, else None."""
    problems = [(need, snap.problem(need)) for need in rule.meta.needs]
    resource = default_resource(snap, rule)
    failed = [(need, p.reason) for need, p in problems if p is not None and p.kind == "error"]
    if failed:
        # One cause said once, naming the inputs it hit ("no AWS credentials found" was repeated once per
        # input, four times in a row, and cut off).
        by_reason: dict[str, list[str]] = {}
        for need, reason in failed:
            by_reason.setdefault(reason, []).append(need)
        return Outcome(Status.ERROR, resource, "could not verify: " + "; ".join(
            f"{', '.join(needs)}: {reason}" for reason, needs in by_reason.items()))
    skipped = [p.reason for _, p in problems if p is not None]
    if skipped:
        return Outcome(Status.SKIPPED, resource, "; ".join(dict.fromkeys(skipped)),
                       # not applicable beats undecided: a rule that also needs a side not given is not waited on
                       undecided=all(p.kind == "unknown" for _, p in problems if p is not None))
    return None


def evaluate_rule(snap: Snapshot, rule: Rule, params: Params) -> list[Outcome]:
    return _evaluated(snap, rule, params)[0]


def _evaluated(snap: Snapshot, rule: Rule, params: Params) -> tuple[list[Outcome], bool]:
    """The outcomes, and whether the rule ran (a rule blocked by its inputs points at no file line)."""
    blocked = _blocked(snap, rule)
    if blocked is not None and blocked.status is Status.SKIPPED and snap.branches:
        # a whole input the files leave to undecided conditions (a client's `Properties: !If [...]`)
        return _across_branches(snap, rule, params, None, blocked.message, blocked.undecided)
    if blocked is not None:
        return [blocked], False
    merged = {**rule.meta.params, **params}
    try:
        outcomes = list(rule.check(snap, merged))
        for outcome in outcomes:  # a value known only at deploy, put into evidence unread
            _no_unknown(outcome.evidence)
    except UnknownValue as exc:  # the rule read what only the deployment knows: that rule alone is SKIPPED
        if snap.branches:  # ... unless every way the undecided conditions can go gives one verdict
            return _across_branches(snap, rule, params, None, str(exc), True)
        return [Outcome(Status.SKIPPED, default_resource(snap, rule), str(exc), undecided=True)], False
    except Exception as exc:  # noqa: BLE001 - a rule bug must not hide the other rules' results
        return [Outcome(Status.ERROR, default_resource(snap, rule),
                        f"rule {rule.meta.id} raised {type(exc).__name__}: {exc}")], False
    if not outcomes:
        return [Outcome(Status.SKIPPED, default_resource(snap, rule), "nothing to evaluate")], False
    if snap.branches:  # a resource that exists only when an undecided condition holds (a WAF association)
        return _across_branches(snap, rule, params, outcomes, "")
    return outcomes, True


def _across_branches(snap: Snapshot, rule: Rule, params: Params, base: list[Outcome] | None, unknown: str,
                     undecided: bool = False) -> tuple[list[Outcome], bool]:
    """A rule judged on each way the template's undecided conditions can go (issue 21), per resource:
    one verdict when every branch gives it (the base's own outcome when it agrees; FAIL if every
    branch fails, PASS if every branch passes), else SKIPPED naming how each branch goes. `base` is
    what the rule said on the facts with those conditions unknown (None: it read an undecided value,
    `unknown` says which); a branch that still cannot tell keeps that rule SKIPPED."""
    judged: list[tuple[str, dict[str, Outcome]]] = []
    for branch in snap.branches:
        outcomes, ran = _evaluated(branch.snapshot, rule, params)
        if not ran and base is None:
            return [Outcome(Status.SKIPPED, default_resource(snap, rule), unknown, undecided=undecided)], False
        judged.append((branch.label, {o.resource: o for o in outcomes} if ran else {}))  # nothing to judge there
    if base is not None and not any(by_resource for _, by_resource in judged):
        return base, True
    by_base = {o.resource: o for o in base or []}
    combined = []
    for resource in dict.fromkeys([*by_base, *(r for _, by_resource in judged for r in by_resource)]):
        found = [(label, by_resource.get(resource)) for label, by_resource in judged]
        present = [o for _, o in found if o is not None]  # a resource the template creates on some ways only
        statuses = {o.status for o in present}
        mine = by_base.get(resource)
        if len(statuses) == 1 and len(present) == len(found) and mine is not None and mine.status in statuses:
            combined.append(mine)  # every way agrees with what the rule said anyway
        elif len(statuses) == 1 and statuses <= {Status.PASS, Status.FAIL}:
            worst = max(present, key=lambda o: o.severity or rule.meta.severity)
            which = (f"whichever way the template's undecided settings go: {len(found)} ways judged"
                     if len(present) == len(found) else
                     f"on every way the template creates it: {len(present)} of {len(found)}")
            combined.append(dataclasses.replace(worst, message=f"{worst.message} ({which})"))
        else:
            ways = "; ".join(f"{o.status.value if o is not None else 'no such resource'} when {label}"
                             for label, o in found)
            combined.append(Outcome(Status.SKIPPED, resource, f"decided at deploy by what the template leaves open: "
                                    f"{ways}", undecided=True))
    return combined, True


def _no_unknown(value: object) -> None:
    """Raise UnknownValue if `value` holds an Unknown anywhere (evidence is small: a walk is cheap)."""
    if isinstance(value, Unknown):
        raise UnknownValue(value.what)
    if isinstance(value, Mapping):
        for item in value.values():
            _no_unknown(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_unknown(item)


def evaluate(snapshots: Iterable[Snapshot], rules: Sequence[Rule],
             params: Mapping[str, Params] | None = None) -> tuple[Finding, ...]:
    """Every (rule, resource) finding, PASS included, sorted deterministically."""
    findings = [f for snap in snapshots for f in evaluate_snapshot(snap, rules, params)]
    return tuple(sorted(findings, key=Finding.sort_key))


def evaluate_snapshot(snap: Snapshot, rules: Sequence[Rule],
                      params: Mapping[str, Params] | None = None) -> list[Finding]:
    """One snapshot's findings, unsorted: rules see one snapshot at a time, so a fleet can evaluate each
    target as it arrives (auditor.cli.run) and sort them all once."""
    params = params or {}
    findings: list[Finding] = []
    for rule in rules:
        outcomes, ran = _evaluated(snap, rule, params.get(rule.meta.id, {}))
        for outcome in outcomes:
            where = snap.locate(outcome.fields or rule.meta.about, rule.meta.needs, outcome.resource,
                                outcome.evidence) if ran and (snap.locations or snap.reviewed) else None
            resource = snap.locate((), rule.meta.needs, outcome.resource, {}) if where is not None else None
            placeholder = where.via if where is not None else None
            if where is not None and where.via is not None:
                where = dataclasses.replace(where, via=None)
            if resource is not None and resource.via is not None:
                resource = dataclasses.replace(resource, via=None)
            findings.append(Finding(
                rule_id=rule.meta.id, name=rule.meta.name, status=outcome.status,
                severity=outcome.severity or rule.meta.severity, target=snap.target.name, resource=outcome.resource,
                message=outcome.message, evidence=dict(outcome.evidence), remediation=rule.remediation,
                location=where, related=resource if resource is not None and resource != where else None,
                placeholder=placeholder if placeholder != where else None, undecided=outcome.undecided))
    return findings


def build_report(version: str, started_at: str, finished_at: str, targets: Sequence[TargetInfo],
                 findings: Sequence[Finding]) -> Report:
    return Report(tool_version=version, started_at=started_at, finished_at=finished_at,
                  targets=tuple(targets), findings=tuple(findings))
