"""The command line: parses options, asks auditor.plan for a ScanPlan, runs it, writes and prints output.

Every error omaudit raises on purpose reaches the user as one line on stderr and an exit code
(see EXIT CODES in the README); nothing here knows a rule or a format's internals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor import __version__, plan
from auditor.errors import InputError, OmauditError, TargetError
from auditor.inputs import read_input
from auditor.lockout import DEFAULT_WINDOW
from auditor.model import Report
from auditor.plan import DEFAULT_REPORTS, TOKEN_ENV, Gate, build_target
from auditor.redact import SECRETS, register, register_environment

if TYPE_CHECKING:
    from auditor.snapshot import Snapshot

EXIT_OK, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 2, 4, 130  # 1 and 3 come from Report.exit_code
MAX_LINE = 2000  # characters of one diagnostic line
MAX_CONCURRENCY = 256

# -h as --help; every option also from the environment as OMAUDIT_<COMMAND>_<OPTION> (click's
# auto_envvar_prefix: OMAUDIT_SCAN_FAIL_ON=medium, OMAUDIT_MERGE_FORMAT="json html"); precedence:
# the command line, then the environment, then the settings file (default_map), then the default.
HELP: dict[str, Any] = {"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "OMAUDIT"}
# add_completion: `omaudit --install-completion` / `--show-completion` (typer's own, for the shell in $SHELL).
app = typer.Typer(add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False, context_settings=HELP,
                  rich_markup_mode="rich", help="Security hardening auditor for OpenMetadata with Amazon Cognito SSO.")
rules_app = typer.Typer(no_args_is_help=True, context_settings=HELP,
                        help="List the rules or show one rule's documentation.")
lab_app = typer.Typer(no_args_is_help=True, context_settings=HELP,
                      help="The OpenMetadata emulator used by tests and the demo.")
app.add_typer(rules_app, name="rules")
app.add_typer(lab_app, name="lab")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"omaudit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(ctx: typer.Context,
          version: Annotated[bool, typer.Option("--version", metavar="", callback=_version_callback, is_eager=True,
                                                help="Print the version and exit.")] = False,
          debug: Annotated[bool, typer.Option("--debug", metavar="", help="On an internal error, print the (redacted) "
                                              "traceback; also OMAUDIT_DEBUG=1. Accepted after any command too.")]
          = False,
          quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="",
                                              help="No progress bar, no 'wrote' lines or notes "
                                              "(warnings and errors stay). Accepted after any command too.")]
          = False,
          show_all: Annotated[bool, typer.Option("--show-all", metavar="",
                                                 help="The table lists PASS and SKIPPED rows too, "
                                                 "not only their counts. Accepted after any command too.")] = False,
          no_color: Annotated[bool, typer.Option("--no-color", metavar="",
                                                 help="No colour in the table (also NO_COLOR=1); "
                                                 "colour is used only on a terminal.")] = False) -> None:
    """omaudit audits a running OpenMetadata and its Cognito setup, and writes a report."""
    from auditor.settings import default_map, find_settings

    found = find_settings(Path.cwd())
    # typer vendors its own click: the group is known by its `commands`, not by a class.
    subcommands: dict[str, Any] = getattr(ctx.command, "commands", {})
    if found is not None:
        commands = {name: {p.name for p in cmd.params if p.name} for name, cmd in subcommands.items()
                    if not hasattr(cmd, "commands")}
        ctx.default_map = default_map(*found, commands)


# ---- shared option types ----------------------------------------------------------------------

OmUrl = Annotated[str | None, typer.Option("--om-url", help="OpenMetadata base URL, e.g. https://om.example.com")]
TokenFile = Annotated[Path | None, typer.Option("--om-token-file", help=f"File holding the admin token "
                                                f"(else ${TOKEN_ENV}); never pass a token on the command line.")]
Active = Annotated[bool, typer.Option("--active", help="Run active probes (one default-login attempt, one "
                                      "default-key token request). Without it omaudit sends only GETs.")]
Formats = Annotated[list[str] | None, typer.Option("--format", "-f", metavar="FORMAT", help="table (stdout), json, "
                                                  "sarif, junit, markdown, html, csv; repeatable.")]
Suppressions = Annotated[Path | None, typer.Option("--suppressions", help="TOML suppressions file (default: "
                                                   "omaudit-suppressions.toml if present).")]
NoSuppressions = Annotated[bool, typer.Option("--no-suppressions", help="Audit without any suppression.")]
Baseline = Annotated[str | None, typer.Option("--baseline", help="An earlier report.json, or 'latest' for "
                                              "reports/latest: marks findings new or existing.")]
FailOnNew = Annotated[bool, typer.Option("--fail-on-new", help="Exit 1 only for new failing findings.")]
Inventory = Annotated[Path | None, typer.Option("--inventory", help="TOML inventory of targets (fleet scan).")]
TargetGlobs = Annotated[list[str] | None, typer.Option("--targets", help="Only inventory targets whose name "
                                                       "matches this glob; repeatable.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="Only inventory targets with this tag; repeatable.")]
Shard = Annotated[str | None, typer.Option("--shard", help="K/N: scan shard K (0-based) of N, by target name hash.")]
Concurrency = Annotated[int | None, typer.Option(
    "--concurrency", help="Targets scanned at once (default: 12 per usable CPU, at most 64).", show_default=False)]
NoCognito = Annotated[bool, typer.Option("--no-cognito", help="Audit OpenMetadata only: no Cognito call, every "
                                         "Cognito rule SKIPPED.")]
LockoutWindow = Annotated[float, typer.Option("--lockout-window", help="Seconds after a login probe during which "
                                              "the account is not probed again (recorded in --state-dir).")]
StateDir = Annotated[str | None, typer.Option("--state-dir", help="Where login probes are recorded (default: "
                                               "$OMAUDIT_STATE_DIR, else $XDG_STATE_HOME/omaudit or "
                                               "~/.local/state/omaudit). Share it between machines that scan "
                                               "the same servers.")]
OutputDir = Annotated[Path | None, typer.Option("--output-dir", "-o", help="Where files go (default: "
                                                "reports/<UTC timestamp>/, with reports/latest).")]
FailOn = Annotated[str, typer.Option("--fail-on", metavar="SEVERITY", help="Lowest severity of an un-muted FAIL "
                                      "that exits 1: info, low, medium, high, critical, or none (never; a soft gate).")]
RuleIds = Annotated[str | None, typer.Option("--rules", help="Only these rules, comma-separated: IDs, globs (OMA2*) "
                                             "or categories (openmetadata, cognito, cognito_pool, cognito_client, "
                                             "cross).")]
SkipIds = Annotated[str | None, typer.Option("--skip-rules", help="Skip these rules: IDs, globs or categories, "
                                             "comma-separated.")]
RulesDirs = Annotated[list[Path] | None, typer.Option("--rules-dir", help="Extra folder of rule files.")]
CaBundle = Annotated[Path | None, typer.Option("--ca-bundle", help="CA bundle to verify the server with.")]
Insecure = Annotated[bool, typer.Option("--insecure", help="Do not verify TLS certificates.")]
PoolId = Annotated[str | None, typer.Option("--cognito-pool-id", help="User pool to audit (default: discovered "
                                            "from OpenMetadata's authority).")]
ClientId = Annotated[str | None, typer.Option("--cognito-client-id", help="App client OpenMetadata uses (default: "
                                              "discovered clientId; else every client).")]
AwsRegion = Annotated[str | None, typer.Option("--aws-region", help="AWS region (default: from the pool ID).")]
AwsProfile = Annotated[str | None, typer.Option("--aws-profile", help="Named AWS profile (else boto3's chain).")]
AwsEndpoint = Annotated[str | None, typer.Option("--aws-endpoint-url", help="cognito-idp endpoint, e.g. moto "
                                                 "(else AWS_ENDPOINT_URL).")]

# --help groups the shared options into panels (typer's rich help); an option not named here stays
# under "Options".
PANELS = {
    "Target": ("--om-url", "--om-token-file", "--active", "--cognito-pool-id", "--cognito-client-id", "--no-cognito"),
    "AWS": ("--aws-region", "--aws-profile", "--aws-endpoint-url"),
    "Fleet": ("--inventory", "--targets", "--tag", "--shard", "--concurrency"),
    "Rules and gate": ("--rules", "--skip-rules", "--rules-dir", "--fail-on", "--fail-on-new", "--suppressions",
                       "--no-suppressions", "--baseline"),
    "Output": ("--format", "--output-dir"),
    "TLS and probe safety": ("--ca-bundle", "--insecure", "--lockout-window", "--state-dir"),
}


def _assign_panels(aliases: dict[str, Any]) -> None:
    """Set each shared option's panel from PANELS, so the option definitions above stay one line each.
    A flag shows no value placeholder (typer would print `<bool>`, as if it took one)."""
    panel_of = {name: panel for panel, names in PANELS.items() for name in names}
    for alias in aliases.values():
        for info in getattr(alias, "__metadata__", ()):
            if getattr(alias, "__origin__", None) is bool and hasattr(info, "metavar"):
                info.metavar = ""
            # Inside Annotated, typer takes the first positional argument (`default`) as the first name.
            names = (getattr(info, "default", None), *(getattr(info, "param_decls", None) or ()))
            panel = next((panel_of[n] for n in names if isinstance(n, str) and n in panel_of), None)
            if panel is not None:
                info.rich_help_panel = panel


_assign_panels(dict(globals()))


def _emit(report: Report, formats: Sequence[str], output_dir: Path | None, secrets: Sequence[str | None],
          gate: Gate | None = None) -> int:
    """Render, write and print the report; returns its exit code under `gate`."""
    from auditor.model import ReportView
    from auditor.output import write_reports
    from auditor.render import renderers

    gate = gate or Gate()
    code = report.exit_code(gate.fail_on, only_new=gate.fail_on_new)
    report = dataclasses.replace(report, view=ReportView(
        show_all=FLAGS["show_all"].is_set(), width=min(max(shutil.get_terminal_size((100, 24)).columns, 60), 200),
        color=sys.stdout.isatty() and not FLAGS["no_color"].is_set() and not os.environ.get("NO_COLOR"),
        exit_code=code, fail_on=gate.fail_on.label if gate.fail_on is not None else None))

    known = renderers()
    chosen = [known[f] for f in formats]
    register(*secrets)
    redact = SECRETS
    # Each format is rendered and redacted once, then written and, for one of them, printed.
    texts = {r.name: redact(r.render(report)) for r in chosen}
    paths, warnings = write_reports([(r.filename, texts[r.name]) for r in chosen if r.filename], output_dir,
                                    DEFAULT_REPORTS)
    if "table" in texts:
        sys.stdout.write(texts["table"])
    elif chosen and not sys.stdout.isatty():
        # Without a table, a pipe or a file gets the first requested format: `--format json | jq` works.
        sys.stdout.write(texts[chosen[0].name])
    elif chosen:
        # A file format never goes to a terminal: the counts, and the files below on stderr.
        counts = ", ".join(f"{n} {status}" for status, n in report.summary().items())
        sys.stdout.write(f"Summary: {counts}\n")
    for entry in report.expired_suppressions:
        _say(f"omaudit: warning: suppression for {entry['rule']} (line {entry['line']}) expired on "
             f"{entry['expires']}; it mutes nothing")
    for path in paths:
        _info(f"wrote {path}")
    for warning in warnings:
        _say(f"omaudit: warning: {warning}")
    return code


# ---- commands ---------------------------------------------------------------------------------

# Shown under each command's --help; "\b" keeps click from re-wrapping the example lines.
SCAN_EXAMPLES = """Examples:

\b
  omaudit scan --om-url https://om.example.com
  OMAUDIT_OM_TOKEN=... omaudit scan --om-url https://om.example.com --active -f table -f html
  omaudit scan --om-url https://om.staging.example.com --baseline base.json --fail-on-new -f sarif
  omaudit scan --inventory fleet.toml --tag prod --shard 0/4 -f json
  omaudit scan --cognito-pool-id us-east-1_AbC123xyz --rules cognito

Exit codes: 0 clean, 1 a FAIL at or above --fail-on, 2 bad input or nothing to scan, 3 some rules
could not verify, 4 internal error."""
COLLECT_EXAMPLES = """Example:

\b
  omaudit collect --om-url https://om.example.com --snapshot snap.json && omaudit audit snap.json"""
AUDIT_EXAMPLES = """Examples:

\b
  omaudit audit snap.json --format json --fail-on medium
  omaudit audit snap.json --rules 'OMA1*' --baseline reports/latest/report.json"""
MERGE_EXAMPLES = """Examples:

\b
  omaudit merge shard-*/report.json --format html --format sarif
  omaudit merge shard-*/report.json --baseline merged-latest/report.json --fail-on-new"""
DEMO_EXAMPLES = """Examples:

\b
  omaudit demo
  omaudit demo --scenario hardened --scenario sso-leftovers"""


def execute_scan(scan_plan: plan.ScanPlan, output_dir: Path | None) -> int:
    """The main job, shared by `scan` (one target or an inventory) and `demo`: collect, audit, emit."""
    from auditor.scan import audit, collect_many, collect_target, utc_now
    from auditor.workers import default_concurrency

    started = utc_now()
    targets = list(scan_plan.targets)
    if not scan_plan.fleet:
        [target] = targets
        snapshot, notes = collect_target(target)
        snapshots = [snapshot]
    else:
        with _progress(len(targets), QUIET.is_set()) as on_done:
            snapshots, notes = collect_many(targets, scan_plan.concurrency or default_concurrency(), on_done)
    for note in notes:
        _note(note)
    report = dataclasses.replace(audit(snapshots, scan_plan.rules, started, options=scan_plan.gate.options),
                                 shard=scan_plan.shard)
    return _emit(report, scan_plan.formats, output_dir, [t.om_token for t in targets], scan_plan.gate)


@contextlib.contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Callable[[Snapshot], None] | None]:
    """A progress bar on stderr for fleet scans: off when stderr is not a terminal, or with --quiet."""
    if quiet or total < 2 or not sys.stderr.isatty():
        yield None
        return
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


@app.command(epilog=SCAN_EXAMPLES)
def scan(om_url: OmUrl = None, om_token_file: TokenFile = None, active: Active = False,
         format: Formats = None, output_dir: OutputDir = None,
         fail_on: FailOn = "high", rules: RuleIds = None, skip_rules: SkipIds = None,
         rules_dir: RulesDirs = None, ca_bundle: CaBundle = None, insecure: Insecure = False,
         cognito_pool_id: PoolId = None, cognito_client_id: ClientId = None, aws_region: AwsRegion = None,
         aws_profile: AwsProfile = None, aws_endpoint_url: AwsEndpoint = None, suppressions: Suppressions = None,
         no_suppressions: NoSuppressions = False, baseline: Baseline = None, fail_on_new: FailOnNew = False,
         lockout_window: LockoutWindow = DEFAULT_WINDOW, state_dir: StateDir = None, inventory: Inventory = None,
         targets: TargetGlobs = None,
         tag: Tags = None, shard: Shard = None, concurrency: Concurrency = None,
         no_cognito: NoCognito = False) -> int:
    """Collect from a running OpenMetadata and/or its Cognito pool (or an inventory of them), evaluate, report."""
    gate = plan.build_gate(fail_on, suppressions, no_suppressions, baseline, fail_on_new, _note)
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise InputError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    verify = plan.verify_option(ca_bundle, insecure)
    if inventory is not None:
        if om_url or cognito_pool_id or cognito_client_id or om_token_file:
            raise InputError("--inventory replaces --om-url, --om-token-file and --cognito-*; give one or the other")
        from auditor.inventory import parse_shard

        targets_ = plan.build_fleet(inventory, targets or [], tag or [], shard, active=active, verify=verify,
                                    lockout_window=lockout_window, state_dir=state_dir, region=aws_region,
                                    profile=aws_profile, endpoint=aws_endpoint_url, no_cognito=no_cognito, note=_note)
        split = parse_shard(shard) if shard else None
    else:
        if targets or tag or shard:
            raise InputError("--targets, --tag and --shard select from an --inventory")
        targets_ = [build_target(om_url, token=plan.read_token(om_token_file), active=active, verify=verify,
                                 pool_id=cognito_pool_id, client_id=cognito_client_id, region=aws_region,
                                 profile=aws_profile, endpoint=aws_endpoint_url, lockout_window=lockout_window,
                                 state_dir=state_dir, no_cognito=no_cognito)]
        split = None
    scan_plan = plan.ScanPlan(targets=targets_, rules=plan.load_selected(rules, skip_rules, rules_dir, gate, _note),
                              gate=gate, formats=plan.check_formats(format or ["table"]), shard=split,
                              fleet=inventory is not None, concurrency=concurrency)
    return execute_scan(scan_plan, output_dir)


@app.command(epilog=COLLECT_EXAMPLES)
def collect(snapshot: Annotated[Path, typer.Option("--snapshot", help="Where to save the snapshot.")],
            om_url: OmUrl = None, om_token_file: TokenFile = None, active: Active = False,
            ca_bundle: CaBundle = None, insecure: Insecure = False, cognito_pool_id: PoolId = None,
            cognito_client_id: ClientId = None, aws_region: AwsRegion = None, aws_profile: AwsProfile = None,
            aws_endpoint_url: AwsEndpoint = None, lockout_window: LockoutWindow = DEFAULT_WINDOW,
            state_dir: StateDir = None) -> int:
    """Collect only, and save the snapshot for `omaudit audit` (it holds no secret)."""
    from auditor.output import write_atomic
    from auditor.scan import collect_target
    from auditor.snapshot import dump_snapshots

    target = build_target(om_url, token=plan.read_token(om_token_file), active=active,
                          verify=plan.verify_option(ca_bundle, insecure), pool_id=cognito_pool_id,
                          client_id=cognito_client_id, region=aws_region, profile=aws_profile,
                          endpoint=aws_endpoint_url, lockout_window=lockout_window, state_dir=state_dir)
    snap, notes = collect_target(target)
    for note in notes:
        _note(note)
    try:
        write_atomic(snapshot, SECRETS(dump_snapshots([snap])))
    except OSError as exc:
        raise InputError(f"cannot write {snapshot}: {exc.strerror or exc}") from None
    _info(f"wrote {snapshot}")
    return EXIT_OK


@app.command("audit", epilog=AUDIT_EXAMPLES)
def audit_cmd(snapshot: Annotated[Path, typer.Argument(help="A snapshot saved by `omaudit collect`.")],
              format: Formats = None, output_dir: OutputDir = None,
              fail_on: FailOn = "high", rules: RuleIds = None, skip_rules: SkipIds = None,
              rules_dir: RulesDirs = None, suppressions: Suppressions = None, no_suppressions: NoSuppressions = False,
              baseline: Baseline = None, fail_on_new: FailOnNew = False) -> int:
    """Evaluate a saved snapshot offline: no network."""
    from auditor.scan import audit, utc_now
    from auditor.snapshot import SnapshotFormatError, load_snapshots

    formats = plan.check_formats(format or ["table"])
    gate = plan.build_gate(fail_on, suppressions, no_suppressions, baseline, fail_on_new, _note)
    try:
        snaps = load_snapshots(read_input(snapshot, "snapshot"))
    except SnapshotFormatError as exc:
        raise InputError(f"snapshot {snapshot}: {exc}") from None
    selected = plan.load_selected(rules, skip_rules, rules_dir, gate, _note)
    report = audit(snaps, selected, utc_now(), options=gate.options)
    return _emit(report, formats, output_dir, [], gate)


@app.command(epilog=MERGE_EXAMPLES)
def merge(reports: Annotated[list[Path], typer.Argument(help="report.json files of the shards.")],
          format: Formats = None, output_dir: OutputDir = None, fail_on: FailOn = "high",
          baseline: Baseline = None, fail_on_new: FailOnNew = False,
          allow_partial: Annotated[bool, typer.Option("--allow-partial", metavar="",
                                                      help="Merge even when shards of the "
                                                      "split are missing (they are named on stderr).")] = False,
          ) -> int:
    """Combine shard reports into one report, as an unsharded scan of the same inventory gives."""
    from auditor.baseline import compare
    from auditor.catalogue import load_rules
    from auditor.model import RuleInfo
    from auditor.report_io import load_report, merge_reports, missing_shards

    formats = plan.check_formats(format or ["table"])
    gate = plan.build_gate(fail_on, None, True, baseline, fail_on_new, _note)
    loaded = [load_report(p) for p in reports]
    missing = missing_shards(loaded)
    if missing:
        count = next(r.shard[1] for r in loaded if r.shard is not None)
        names = ", ".join(f"{i}/{count}" for i in missing)
        if not allow_partial:
            raise InputError(f"shard(s) {names} are missing: merge all {count}, or pass --allow-partial")
        _say(f"omaudit: warning: shard(s) {names} are missing: their targets are not in this report")
    merged = merge_reports(loaded)
    if gate.options is not None and gate.options.baseline is not None:
        marked, resolved = compare(merged.findings, gate.options.baseline)
        merged = dataclasses.replace(merged, findings=tuple(marked), resolved=tuple(resolved))
    docs = {r.meta.id: RuleInfo(r.meta.id, r.meta.name, r.title, r.section("Why this matters"), r.remediation)
            for r in load_rules()}
    # A shard report is a file like any other: the fix text shown is this catalogue's, never the file's.
    findings = tuple(dataclasses.replace(f, remediation=docs[f.rule_id].fix if f.rule_id in docs else
                                         "See the documentation of the rule set that reported this finding.")
                     for f in merged.findings)
    merged = dataclasses.replace(merged, rules=docs, findings=findings)
    return _emit(merged, formats, output_dir, [], gate)


@rules_app.command("list")
def rules_list(rules_dir: RulesDirs = None) -> int:
    """One line per rule: ID, severity, name, and whether it is an active probe."""
    from tabulate import tabulate

    from auditor.catalogue import load_rules

    rows = [(r.meta.id, r.meta.severity.label, r.meta.name, "active" if r.meta.active else "", r.title)
            for r in load_rules(rules_dir or ())]
    typer.echo(tabulate(rows, headers=("ID", "Severity", "Name", "Probe", "Summary"), tablefmt="simple"))
    return EXIT_OK


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="A rule ID such as OMA104.")],
               rules_dir: RulesDirs = None) -> int:
    """Print a rule's documentation: why it matters and how to fix it."""
    from auditor.catalogue import load_rules

    wanted = rule_id.strip().upper()
    for rule in load_rules(rules_dir or ()):
        if rule.meta.id == wanted:
            typer.echo(f"{rule.meta.id} {rule.meta.name} (severity {rule.meta.severity.label}"
                       f"{', active probe' if rule.meta.active else ''}; needs {', '.join(rule.meta.needs)})\n")
            typer.echo(rule.doc.strip())
            return EXIT_OK
    raise InputError(f"unknown rule id {rule_id!r} (see 'omaudit rules list')")


@rules_app.command("docs")
def rules_docs() -> int:
    """Print docs/rules.md: every built-in rule's documentation, generated from the catalogue."""
    from auditor.catalogue import load_rules
    from auditor.docs import rules_markdown

    sys.stdout.write(rules_markdown(load_rules()))
    return EXIT_OK


def _stop_on_signal() -> threading.Event:
    """Install the stop handlers before the ready line is printed, so a prompt SIGTERM is a clean stop."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


@lab_app.command("serve")
def lab_serve(scenario: Annotated[str, typer.Option("--scenario", help="Scenario name.")] = "insecure-defaults",
              port: Annotated[int, typer.Option("--port", help="Port for OpenMetadata (0: any free port).")] = 0,
              latency_ms: Annotated[int, typer.Option("--latency-ms", help="Delay every answer, OpenMetadata's "
                                                      "and moto's, by this many ms (benchmarks).")] = 0,
              release: Annotated[str | None, typer.Option("--release", help="Serve the scenario as this release "
                                                          "profile does (see docs/fidelity.md).")] = None,
              ) -> int:
    """Serve one scenario on 127.0.0.1; print one JSON line when ready; stop on SIGINT/SIGTERM."""
    import json

    from auditor.lab.hostile import HostileServer
    from auditor.lab.releases import RELEASES, on_release
    from auditor.lab.scenarios import SCENARIOS
    from auditor.lab.server import LabServer

    names = [*SCENARIOS, "hostile"]
    if scenario not in names:
        raise InputError(f"unknown scenario {scenario!r} (choose from {', '.join(names)})")
    if release is not None and release not in RELEASES:
        raise InputError(f"unknown release {release!r} (choose from {', '.join(RELEASES)})")
    if not 0 <= latency_ms <= 10_000:
        raise InputError("--latency-ms must be between 0 and 10000")
    stop = _stop_on_signal()
    try:
        server: LabServer | HostileServer = (
            HostileServer(port=port) if scenario == "hostile"
            else LabServer(on_release(SCENARIOS[scenario], RELEASES[release]) if release else SCENARIOS[scenario],
                           port=port, latency=latency_ms / 1000)).start()
    except OSError as exc:
        raise InputError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    print(json.dumps({"scenario": scenario, "om_url": server.url, "aws_endpoint_url": server.aws_endpoint_url,
                      "admin_token": server.admin_token}), flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    return EXIT_OK


@lab_app.command("fidelity")
def lab_fidelity() -> int:
    """Print docs/fidelity.md: the lab's behaviour by OpenMetadata release, with sources."""
    from auditor.lab.releases import fidelity_markdown

    sys.stdout.write(fidelity_markdown())
    return EXIT_OK


DEMO_SCENARIOS = ("insecure-defaults", "seed-walkthrough")


@app.command(epilog=DEMO_EXAMPLES)
def demo(scenario: Annotated[list[str] | None, typer.Option("--scenario", help="Lab scenario(s) to scan "
                                                            "(default: insecure-defaults and seed-walkthrough).")]
         = None) -> int:
    """Start the lab in-process, scan it as a user would (--active, admin token), write reports/."""
    from auditor.lab.scenarios import SCENARIOS
    from auditor.lab.server import LabServer
    from auditor.render import renderers

    names = scenario or list(DEMO_SCENARIOS)
    for name in names:
        if name not in SCENARIOS:
            raise InputError(f"unknown scenario {name!r} (choose from {', '.join(SCENARIOS)})")
    aws_env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true"}
    os.environ.update({k: v for k, v in aws_env.items() if k not in os.environ})
    # The lab's servers live only for this command: their probe records go to a folder of its own.
    state = Path(tempfile.mkdtemp(prefix="omaudit-demo-state-"))
    for name in names:
        with LabServer(SCENARIOS[name]) as server:
            typer.echo(f"demo: lab scenario {name!r}: OpenMetadata at {server.url}"
                       + (f", Cognito (moto) at {server.aws_endpoint_url}" if server.aws_endpoint_url else ""),
                       err=True)
            target = build_target(server.url, token=server.admin_token, active=True,
                                  endpoint=server.aws_endpoint_url, state_dir=state)
            code = execute_scan(plan.ScanPlan(targets=[target], rules=plan.load_selected(None, None, None),
                                              gate=Gate(), formats=plan.check_formats(list(renderers()))),
                                output_dir=None)
        typer.echo(f"demo: the scan of {name!r} exited {code} (1 = failing findings, as this scenario should have)",
                   err=True)
    return EXIT_OK


def _is(exc: BaseException, name: str) -> bool:
    """Match click's exception classes by name: typer may vendor its own copy of click."""
    return any(cls.__name__ == name for cls in type(exc).__mro__)


# Global flags, taken from the arguments before any command runs (main), so every command has them.
FLAGS = {"quiet": threading.Event(), "show_all": threading.Event(), "no_color": threading.Event()}
QUIET = FLAGS["quiet"]


def _note(note: str) -> None:
    from auditor.scan import WARNING

    if note.startswith(WARNING):
        _say(f"omaudit: {note}")
    else:
        _info(f"omaudit: note: {note}")


def _info(line: str) -> None:
    """A line that only informs: left out under -q/--quiet."""
    if not QUIET.is_set():
        _say(line)


def _say(line: str) -> None:
    """Every diagnostic line is redacted, and shows control characters as escapes: it may quote a server."""
    from auditor.render.escape import terminal

    typer.echo(terminal(SECRETS.cut(line, MAX_LINE)), err=True)


def _internal_error(exc: BaseException, debug: bool) -> int:
    """An exception omaudit did not expect: one redacted line (the traceback only with --debug), exit 4."""
    if debug:
        import traceback

        from auditor.render.escape import terminal_block

        sys.stderr.write(terminal_block(SECRETS("".join(traceback.format_exception(exc)))))
    _say(f"omaudit: error: internal error ({type(exc).__name__}): {exc}"
         + ("" if debug else " (run with --debug for the traceback)"))
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: every error becomes one line and an exit code, never a traceback (unless --debug)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    debug = _take_debug(args)
    for key, names in (("quiet", ("-q", "--quiet")), ("show_all", ("--show-all",)), ("no_color", ("--no-color",))):
        FLAGS[key].clear()  # a second run in one process (the tests') starts clean
        if _take_flag(args, names):
            FLAGS[key].set()
    try:
        register_environment()
        code = app(args=args, prog_name="omaudit", standalone_mode=False)
        if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into a returned 130
            _say("omaudit: interrupted")
    except TargetError as exc:
        _say(f"omaudit: error: {exc} (nothing was scanned)")
        code = EXIT_INPUT
    except OmauditError as exc:
        _say(f"omaudit: error: {exc}")
        code = EXIT_INPUT
    except KeyboardInterrupt:
        _say("omaudit: interrupted")
        code = EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the one place every unexpected error is turned into a line
        code = _click_exit(exc)
        if code is None:
            code = _internal_error(exc, debug)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _take_flag(args: list[str], names: tuple[str, ...]) -> bool:
    """A global flag anywhere before `--`: removed from args, so that every command takes it."""
    end = args.index("--") if "--" in args else len(args)
    found = any(a in names for a in args[:end])
    if found:
        args[:end] = [a for a in args[:end] if a not in names]
    return found


def _take_debug(args: list[str]) -> bool:
    """`--debug` anywhere before `--` (or OMAUDIT_DEBUG=1)."""
    return _take_flag(args, ("--debug",)) or os.environ.get("OMAUDIT_DEBUG", "") not in ("", "0")


def _click_exit(exc: Exception) -> int | None:
    """click's own exceptions (help, usage errors, aborts) as exit codes; None for anything else."""
    if _is(exc, "Exit"):
        return int(getattr(exc, "exit_code", 0))
    if _is(exc, "NoArgsIsHelpError"):
        ctx = getattr(exc, "ctx", None)
        typer.echo(ctx.get_help() if ctx is not None else "omaudit: see --help")
        return EXIT_INPUT
    if _is(exc, "UsageError"):
        _say(f"omaudit: error: {exc.format_message()}")  # type: ignore[attr-defined]
        return EXIT_INPUT
    if _is(exc, "Abort"):
        _say("omaudit: interrupted")
        return EXIT_INTERRUPTED
    return None
