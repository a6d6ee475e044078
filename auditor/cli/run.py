"""Running a plan and emitting its report: collect, audit, render, write, print; the progress bar."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import plan
from auditor.cli.console import FLAGS, QUIET, inform, say, tell
from auditor.common.redact import SECRETS, redact_values, register
from auditor.plan import DEFAULT_REPORTS, Gate
from auditor.report.model import Finding, Report

if TYPE_CHECKING:
    from auditor.facts.snapshot import Snapshot



def emit(report: Report, formats: Sequence[str], output_dir: Path | None, secrets: Sequence[str | None],
          gate: Gate | None = None) -> int:
    """Render, write and print the report; returns its exit code under `gate`."""
    # lazy: --version and --help start without the modules only this command needs
    from auditor.render import renderers
    from auditor.render.output import write_reports
    from auditor.report.model import ReportView

    gate = gate or Gate()
    code = report.exit_code(gate.fail_on, only_new=gate.fail_on_new, fail_on_unknown=gate.fail_on_unknown)
    report = dataclasses.replace(report, view=ReportView(
        show_all=FLAGS["show_all"].is_set(), width=min(max(shutil.get_terminal_size((100, 24)).columns, 60), 200),
        color=sys.stdout.isatty() and not FLAGS["no_color"].is_set() and not os.environ.get("NO_COLOR"),
        exit_code=code, fail_on=gate.fail_on.label if gate.fail_on is not None else None,
        only_new=gate.fail_on_new, fail_on_unknown=gate.fail_on_unknown))

    known = renderers()
    chosen = [known[f] for f in formats]
    register(*secrets)
    # Every string is redacted before any format encodes it (a mask never lands inside an escape);
    # the encoded text is then only checked for a whole secret, which no encoding can have made.
    report = redact_values(report)
    texts = {r.name: SECRETS.whole(r.render(report)) for r in chosen}
    to_stdout = output_dir is not None and str(output_dir) == "-"  # `-o -`: the report on stdout, no files
    paths, warnings = ([], []) if to_stdout else write_reports(
        [(r.filename, texts[r.name]) for r in chosen if r.filename], output_dir, DEFAULT_REPORTS)
    if "table" in texts:
        sys.stdout.write(texts["table"])
    elif chosen and (to_stdout or (output_dir is None and not sys.stdout.isatty())):
        # A pipe gets the first requested format only when no output folder is named (as Trivy does):
        # `--format json | jq` works, and a CI log does not carry a whole report it also wrote to a file.
        sys.stdout.write(texts[chosen[0].name])
    elif chosen and not QUIET.is_set():
        # A file format never goes to a terminal, nor to a pipe when a folder is named: the counts, and
        # the files below on stderr (`-q`: nothing).
        counts = ", ".join(f"{n} {status}" for status, n in report.summary().items())
        sys.stdout.write(f"Summary: {counts}\n")
    for entry in report.expired_suppressions:
        say(f"omaudit: warning: suppression for {entry['rule']} (line {entry['line']}) expired on "
             f"{entry['expires']}; it mutes nothing")
    for path in paths:
        inform(f"wrote {path}")
    for warning in warnings:
        say(f"omaudit: warning: {warning}")
    return code



def execute_scan(scan_plan: plan.ScanPlan, output_dir: Path | None) -> int:
    """The main job, shared by `scan` (one target or an inventory) and `demo`: collect, audit, emit."""
    # lazy: --version and --help start without the modules only this command needs
    from auditor.scan.workers import collecting_gc

    # The collector's thresholds for the whole scan, not only its collection: a fleet's report is
    # built from every snapshot and finding at once, and each default-threshold collection walked them
    # (a third of writing a 200-target report, issue 19).
    with collecting_gc():
        return _execute(scan_plan, output_dir)


def _execute(scan_plan: plan.ScanPlan, output_dir: Path | None) -> int:
    # lazy: --version and --help start without the modules only this command needs
    from auditor.engine.evaluate import evaluate_snapshot
    from auditor.scan.registry import utc_now
    from auditor.scan.service import audit, collect_many, collect_target
    from auditor.scan.workers import default_concurrency

    started = utc_now()
    targets = list(scan_plan.targets)
    # Rules see one snapshot at a time: a fleet's targets are evaluated as they arrive, while the others
    # are still being read and this process mostly waits, not all of them after the last (about 1 ms a
    # target, a second of the wall at 1,000 targets). What is left None, audit() evaluates.
    evaluated: list[Sequence[Finding] | None] = [None] * len(targets)
    if not scan_plan.fleet:
        [target] = targets
        snapshot, notes = collect_target(target)
        snapshots = [snapshot]
    else:
        with progress(len(targets), QUIET.is_set()) as bar:
            def arrived(index: int, snapshot: Snapshot) -> None:
                evaluated[index] = evaluate_snapshot(snapshot, scan_plan.rules)
                if bar is not None:
                    bar(snapshot)

            snapshots, notes = collect_many(targets, scan_plan.concurrency or default_concurrency(), arrived)
    for note in notes:
        tell(note)
    # What the files' readers noted (a module not read, a pool not audited) is part of the verdict: in
    # every report, not only on stderr, which -q silences (issue 21).
    read_notes = notes if all(t.files is not None for t in targets) else []
    options = scan_plan.gate.options
    files = targets[0].files if targets else None
    if files is not None and options is not None:  # inline suppressions are read from the scanned files
        options = dataclasses.replace(options, root=files.root)
    audited = audit(snapshots, scan_plan.rules, started, options=options, evaluated=evaluated)
    report = dataclasses.replace(audited, shard=scan_plan.shard,
                                 notes=tuple(dict.fromkeys([*(n for t in targets for n in t.report_notes),
                                                            *read_notes, *audited.notes])))
    return emit(report, scan_plan.formats, output_dir, [t.om.token for t in targets if t.om], scan_plan.gate)


@contextlib.contextmanager
def progress(total: int, quiet: bool) -> Iterator[Callable[[Snapshot], None] | None]:
    """A progress bar on stderr for fleet scans: off when stderr is not a terminal, or with --quiet."""
    if quiet or total < 2 or not sys.stderr.isatty():
        yield None
        return
    # lazy: rich only draws the progress bar on a terminal
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    failing = 0
    with Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[fails]}"),
                  TimeElapsedColumn(), TextColumn("{task.fields[current]}"), console=Console(stderr=True),
                  transient=True, auto_refresh=False) as bar:
        # Redrawn on each finished target, not by a refresh thread: fleet workers are forked, and a
        # fork should find no other thread (holding a lock) in this process.
        task = bar.add_task("targets", total=total, fails="0 failing inputs", current="")

        def done(snapshot: Snapshot) -> None:
            nonlocal failing
            failing += sum(p.kind == "error" for p in snapshot.problems.values())
            bar.update(task, advance=1, fails=f"{failing} inputs in error", current=snapshot.target.name)
            bar.refresh()

        yield done


