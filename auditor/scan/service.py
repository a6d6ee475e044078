"""The scan service: targets in, snapshots out, report out. No printing, no exit codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.common.errors import WARNING, Cause, OmauditError, TargetError
from auditor.engine.catalogue import Params, Rule
from auditor.engine.evaluate import build_report, evaluate_snapshot
from auditor.facts.snapshot import (
    COGNITO_KEYS,
    COGNITO_POOL,
    OM_KEYS,
    REVIEWED_FILES,
    AuthConfig,
    Branch,
    CognitoFacts,
    OMFacts,
    PoolRef,
    Problem,
    Snapshot,
)
from auditor.report.baseline import compare
from auditor.report.inline import apply_inline
from auditor.report.model import Finding, Report, TargetInfo
from auditor.report.suppress import apply_suppressions
from auditor.scan.discovery import DiscoveryError, resolve
from auditor.scan.registry import (
    SOURCES,
    every_input,
    failed_target,
    merge,
    problems_for,
    target_info,
    unfilled,
    utc_now,
)
from auditor.scan.target import AuditOptions, ScanTarget
from auditor.scan.workers import collect_in_processes, collecting_gc, process_count
from auditor.sources.threads import Pool

if TYPE_CHECKING:  # the YAML stack: a live scan does not import it
    from auditor.sources.files.result import FileFacts

COGNITO_THREADS = 6  # warm-up, collector, and the collector's 4 parallel reads (cognito.PARALLEL_CALLS)


FATAL_COGNITO = (Cause.NOT_FOUND, Cause.CREDENTIALS, Cause.UNREACHABLE)


def collect_many(targets: Sequence[ScanTarget], concurrency: int,
                 on_done: Callable[[int, Snapshot], None] | None = None) -> tuple[list[Snapshot], list[str]]:
    """Collect every target, `concurrency` at a time; one target's failure never stops the others.
    `on_done(index, snapshot)` runs on this thread as each target arrives, in any order.

    Large fleets are spread over worker processes (see auditor.scan.workers), small ones over threads.
    The result is in target order whatever the concurrency, so reports do not depend on it.
    """
    results: dict[int, tuple[Snapshot, list[str]]] = {}

    def done(index: int, result: tuple[Snapshot, list[str]]) -> None:
        snapshot, notes = result
        results[index] = (snapshot, [n if n.startswith(WARNING) else f"{snapshot.target.name}: {n}" for n in notes])
        if on_done is not None:
            on_done(index, snapshot)

    processes = process_count(len(targets), concurrency)
    with collecting_gc():
        if processes > 1:
            # Loaded once here, not once per worker (the forked workers inherit them), botocore's Cognito
            # model included; lazy: a file scan imports neither boto3 nor urllib3.
            import auditor.sources.cognito.collector
            import auditor.sources.openmetadata.collector  # noqa: F401

            for profile in dict.fromkeys(t.cognito.profile for t in targets if not t.no_cognito and t.files is None):
                _warm_up_cognito(profile)
            collect_in_processes(targets, processes, concurrency, _collect_lenient, done)
        else:
            pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="omaudit-target")
            try:
                futures = {pool.submit(_collect_lenient, t): i for i, t in enumerate(targets)}
                for future in as_completed(futures):
                    done(futures[future], future.result())
            finally:  # on Ctrl-C, targets not yet started are dropped rather than scanned first
                pool.shutdown(wait=False, cancel_futures=True)
    ordered = [results[i] for i in range(len(targets))]
    return [s for s, _ in ordered], [n for _, notes in ordered for n in notes]


def _collect_lenient(target: ScanTarget) -> tuple[Snapshot, list[str]]:
    """A fleet's collection of one target: whatever goes wrong stays that target's ERROR."""
    try:
        return collect_target(target, strict=False)
    except OmauditError as exc:
        return failed_target(target, str(exc)), []
    except Exception as exc:  # noqa: BLE001 - one target's bug must not stop the fleet; it is reported
        return failed_target(target, f"internal error ({type(exc).__name__}): {exc}"), []


def collect_target(target: ScanTarget, *, strict: bool = True) -> tuple[Snapshot, list[str]]:
    """Collect one target; returns the snapshot and notes for the user (discovery disagreements).

    An unreachable URL, or one that is not OpenMetadata, raises TargetError when `strict` (a single
    scan: nothing to report); in a fleet (`strict=False`) it makes that target's inputs ERROR instead.
    """
    if target.files is not None:
        return collect_files(target)
    _import_http_stack()
    reviewed, unread, reviewed_notes = None, None, list[str]()
    if target.reviewed is not None:  # read first: a malformed file stops a single scan before any request
        try:
            reviewed, reviewed_notes = collect_files(dataclasses.replace(target, files=target.reviewed,
                                                                         reviewed=None))
        except OmauditError as exc:
            if strict:
                raise
            unread = Problem("error", f"the deployment's files could not be read: {exc}")
    collected_at = utc_now()
    problems: dict[str, Problem] = unfilled(target)
    if unread is not None:
        problems[REVIEWED_FILES] = unread
    om = OMFacts()
    # Cognito discovery needs only OpenMetadata's auth config: the Cognito reads start the moment it
    # is known and run alongside OpenMetadata's other reads, on one pool for the target's Cognito side
    # (the model warm-up, the collector, and its four reads).
    with Pool(max_workers=COGNITO_THREADS) as side:
        started: list[Future[tuple[CognitoFacts, dict[str, Problem], list[str]]]] = []
        if not target.no_cognito and target.cognito.profile not in _WARM:
            side.submit(_warm_up_cognito, target.cognito.profile)

        def start_cognito(auth: AuthConfig | None) -> None:
            if not target.no_cognito:
                started.append(side.submit(_collect_cognito, target, auth, side))

        if target.om is not None:
            from auditor.sources.openmetadata.collector import OpenMetadataCollector  # lazy: urllib3

            collector = OpenMetadataCollector(target.om)
            try:
                om, om_problems = collector.collect(on_auth_config=start_cognito)
            except TargetError as exc:
                if strict:
                    raise
                om_problems = every_input(OM_KEYS, "error", str(exc))
            problems.update(om_problems)
        notes: list[str] = []
        if target.no_cognito:
            cognito, cognito_problems = CognitoFacts(), dict[str, Problem]()
        else:
            if not started:  # no OpenMetadata, or it never answered its auth config
                start_cognito(None)
            cognito, cognito_problems, notes = started[0].result()
    problems.update(cognito_problems)
    notes = [*notes, *(f"the deployment's files: {n}" for n in reviewed_notes),
             *_whole_side_failures(target, problems, strict)]
    ref = cognito.ref
    info = target_info(target, ref.pool_id if ref else None, ref.region if ref else None)
    return Snapshot(target=info, collected_at=collected_at, om=om, cognito=cognito, problems=problems,
                    reviewed=reviewed), notes


def collect_files(target: ScanTarget) -> tuple[Snapshot, list[str]]:
    """A file scan: every file source that applies reads its files into the snapshot's facts; an
    input no given file sets is SKIPPED, saying which source would give it. A file whose facts depend
    on conditions it leaves undecided adds a branch snapshot per way they can go (the first such file:
    the branches of several would multiply)."""
    files = target.files
    assert files is not None
    results = [r for s in SOURCES if s.read is not None and s.applies(target) for r in s.read(files)]
    snapshot, notes = _files_snapshot(target, results)
    forked = next((i for i, r in enumerate(results) if r.branches), None)
    if forked is not None:
        branches = tuple(Branch(label, _files_snapshot(target, [*results[:forked], alternative,
                                                                 *results[forked + 1:]])[0])
                         for label, alternative in results[forked].branches)
        # Where a branch's resources are written (a client that exists only on the branches): its lines
        located = {key: where for branch in branches for key, where in branch.snapshot.locations.items()}
        snapshot = dataclasses.replace(snapshot, branches=branches, locations={**located, **snapshot.locations})
    return snapshot, notes


def _files_snapshot(target: ScanTarget, results: Sequence[FileFacts]) -> tuple[Snapshot, list[str]]:
    facts, locations, notes, unknown, defaulted = merge(results)
    if facts.om.auth_config is not None:
        notes.append("the SSO settings found in the files apply when a server first starts: recent OpenMetadata "
                     "releases keep them in their database afterwards (Settings > SSO), so a live scan shows what "
                     "a running server uses")
    snapshot = Snapshot(target=TargetInfo(name=target.name), collected_at=utc_now(),
                        om=facts.om, cognito=facts.cognito, conf=facts.conf,
                        problems=problems_for(facts, target, unknown), locations=locations, defaulted=defaulted)
    return snapshot, notes


def _whole_side_failures(target: ScanTarget, problems: dict[str, Problem], strict: bool) -> list[str]:
    """One line for each side of the target that could not be read at all, naming the way out.

    In a single scan (`strict`) a Cognito-only scan whose pool cannot be read (no such pool, no or
    rejected credentials, endpoint unreachable) is TargetError, as an unreachable OpenMetadata is: one
    line, exit 2, no report. Otherwise the rows stay ERROR (so the exit is never 0) and the line is a
    warning on stderr: a rejected admin token (HTTP 401 from JwtFilter) is such a line, and the
    passive findings of that target are still reported."""
    lines = []
    token = next((p for k, p in problems.items() if k in OM_KEYS and p.cause == Cause.CREDENTIALS), None)
    if token is not None:
        lines.append(f"OpenMetadata rejected the admin token ({token.reason}); the rules that need it are ERROR: "
                     "check OMAUDIT_OM_TOKEN or --om-token-file, or scan without a token")
    pool = problems.get(COGNITO_POOL)
    if pool is not None and pool.kind == "error" and pool.cause in FATAL_COGNITO:
        line = f"the Cognito pool could not be read: {pool.reason}"
        if target.om is None and strict:
            raise TargetError(line)
        if target.om is not None:
            line += "; fix that, or pass --no-cognito to audit OpenMetadata only"
        lines.append(line)
    return [f"{WARNING}{target.name}: {line}" for line in lines]


def _import_http_stack() -> None:
    """Import requests and urllib3 whole before this target starts a thread. requests/packages.py copies
    `sys.modules` entries by a list taken first, so while the warm-up thread imports botocore (whose
    try-import of urllib3.contrib.pyopenssl adds and removes a module) it raised KeyError: 1 in 90
    parallel scans ended in an internal error (CI on 9e44c09; reproduced with sys.setswitchinterval(1e-6)).
    Imports run under per-module locks, so once this returns no thread of any target reruns it."""
    import auditor.sources.wire  # noqa: F401  # lazy for file scans: requests and urllib3


# Profiles whose models this process has loaded (a fleet's workers inherit them from the parent): their
# targets hand no warm-up task to another thread. collector.warm_up itself keeps two targets starting at
# once from loading the models twice.
_WARM: set[str | None] = set()


def _warm_up_cognito(profile: str | None) -> None:
    from auditor.sources.cognito.collector import warm_up  # lazy: boto3

    warm_up(profile)
    _WARM.add(profile)


def _collect_cognito(target: ScanTarget, auth: AuthConfig | None, calls: Executor | None = None
                     ) -> tuple[CognitoFacts, dict[str, Problem], list[str]]:
    try:
        ref: PoolRef | None = resolve(target.cognito, auth)
    except DiscoveryError as exc:
        return CognitoFacts(), every_input(COGNITO_KEYS, "error", str(exc)), []
    if ref is None:
        if target.om is not None and auth is None:
            reason = "cannot discover the Cognito pool: OpenMetadata's auth config was not collected"
            return CognitoFacts(), every_input(COGNITO_KEYS, "error", reason), []
        provider = auth.provider if auth else None
        reason = (f"no Cognito user pool: OpenMetadata's provider is {provider} and no --cognito-pool-id was given"
                  if provider else "no Cognito user pool was given")
        return CognitoFacts(), every_input(COGNITO_KEYS, "skipped", reason), []
    from auditor.sources.cognito.collector import AwsOptions, CognitoCollector  # lazy: boto3

    aws = AwsOptions(region=ref.region, profile=target.cognito.profile, endpoint_url=target.cognito.endpoint_url)
    facts, problems = CognitoCollector(ref, aws).collect(calls)
    return facts, problems, list(ref.notes)


def audit(snapshots: Sequence[Snapshot], rules: Sequence[Rule], started_at: str,
          params: dict[str, Params] | None = None, options: AuditOptions | None = None,
          evaluated: Sequence[Sequence[Finding] | None] | None = None) -> Report:
    """Evaluate, then mute by suppressions, then compare with the baseline.

    `evaluated[i]`, where given, is snapshot i's findings already evaluated with the same rules and
    params (evaluate_snapshot); the others are evaluated here."""
    options = options or AuditOptions()
    given = evaluated if evaluated is not None else [None] * len(snapshots)
    done = [evaluate_snapshot(snap, rules, params) if found is None else found
            for snap, found in zip(snapshots, given, strict=True)]
    findings = sorted((f for found in done for f in found), key=Finding.sort_key)
    today = options.today or dt.datetime.now(dt.UTC).date()
    findings, expired = apply_suppressions(findings, options.suppressions, today)
    inline_notes: list[str] = []
    if options.inline and options.root is not None:
        findings, inline_notes = apply_inline(findings, options.root, today)
    resolved = None
    if options.baseline is not None:
        findings, resolved = compare(findings, options.baseline)
    report = build_report(__version__, started_at, utc_now(), [s.target for s in snapshots],
                          sorted(findings, key=Finding.sort_key))
    infos = {r.meta.id: r.info for r in rules}
    return dataclasses.replace(report, resolved=tuple(resolved) if resolved is not None else None,
                               expired_suppressions=tuple(e.to_json() for e in expired), rules=infos,
                               suppressions_file=options.suppressions_file, notes=tuple(inline_notes))
