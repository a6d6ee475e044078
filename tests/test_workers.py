"""Fleet worker processes: order, lost workers, exceptions and secrets all come back to the parent."""

from __future__ import annotations

import os

import pytest

from auditor.common import redact
from auditor.facts.snapshot import Snapshot
from auditor.report.model import TargetInfo
from auditor.scan.target import OMRequest, ScanTarget
from auditor.scan.workers import Collect, collect_in_processes, default_concurrency, process_count
from auditor.sources.cognito.reads import WriteRefused

TARGETS = [ScanTarget(name=f"t{i}", om=OMRequest(f"http://127.0.0.1:9/{i}")) for i in range(8)]


def _fake(target: ScanTarget) -> tuple[Snapshot, list[str]]:
    """A collection that needs no network: the worker's pid is the evidence of where it ran."""
    return Snapshot(target=TargetInfo(name=target.name), collected_at=str(os.getpid())), [f"note {target.name}"]


def _run(collect: Collect, processes: int = 2, concurrency: int = 2) -> dict[int, tuple[Snapshot, list[str]]]:
    done: dict[int, tuple[Snapshot, list[str]]] = {}
    collect_in_processes(TARGETS, processes, concurrency, collect, done.__setitem__)
    return done


def test_every_target_comes_back_once_from_several_processes() -> None:
    done = _run(_fake)
    assert sorted(done) == list(range(8))
    assert [done[i][0].target.name for i in range(8)] == [t.name for t in TARGETS]
    assert [done[i][1] for i in range(8)] == [[f"note t{i}"] for i in range(8)]
    pids = {done[i][0].collected_at for i in range(8)}
    assert len(pids) == 2 and str(os.getpid()) not in pids


def test_a_worker_that_dies_turns_its_unfinished_targets_into_errors() -> None:
    def dies_on_t3(target: ScanTarget) -> tuple[Snapshot, list[str]]:
        if target.name == "t3":
            os._exit(7)
        return _fake(target)

    done = _run(dies_on_t3)
    assert sorted(done) == list(range(8))
    lost = {i for i, (snap, _) in done.items() if snap.problems}
    assert 3 in lost
    assert lost <= {1, 3, 5, 7}  # only the dead worker's share (targets 1, 3, 5, 7 with two workers)
    from auditor.facts.snapshot import COGNITO_KEYS, CONF_KEYS, OM_KEYS

    for i in lost:
        problems = done[i][0].problems
        errors = {k: p.reason for k, p in problems.items() if p.kind == "error"}
        assert set(errors.values()) == {"the collector process stopped (exit code 7) before this target finished"}
        assert set(errors) == {*OM_KEYS, *COGNITO_KEYS}  # what the target's sources would have filled
        assert {problems[k].kind for k in CONF_KEYS} == {"skipped"}  # no configuration file source applies
    assert all(not done[i][0].problems for i in (0, 2, 4, 6))


def test_an_exception_in_a_worker_is_raised_in_the_parent() -> None:
    def refuses(target: ScanTarget) -> tuple[Snapshot, list[str]]:
        if target.name == "t5":
            raise WriteRefused("refused to send cognito-idp CreateUserPool: omaudit only reads")
        return _fake(target)

    with pytest.raises(WriteRefused, match="CreateUserPool"):
        _run(refuses)


def test_secrets_a_worker_learns_are_masked_by_the_parent() -> None:
    canary = "worker-canary-5d1e9f"

    def learns(target: ScanTarget) -> tuple[Snapshot, list[str]]:
        redact.register(canary)
        return _fake(target)

    assert redact.SECRETS(canary) == canary
    _run(learns)
    assert redact.SECRETS(f"x {canary} y") == "x [REDACTED] y"


@pytest.mark.parametrize(("targets", "concurrency", "most"), [(1, 16, 1), (24, 16, 1), (200, 1, 1), (200, 16, 4)])
def test_small_or_serial_scans_stay_in_one_process(targets: int, concurrency: int, most: int) -> None:
    assert 1 <= process_count(targets, concurrency) <= most


def test_default_concurrency_is_twenty_per_cpu() -> None:
    assert default_concurrency() == min(20 * len(os.sched_getaffinity(0)), 64)
