"""scan, collect, audit and merge: each parses its options, asks auditor.plan for what to do, and runs it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from auditor import plan
from auditor.cli.app import EXIT_OK, app
from auditor.cli.console import inform, tell
from auditor.cli.options import (
    Active,
    AwsEndpoint,
    AwsProfile,
    AwsRegion,
    Baseline,
    CaBundle,
    ClientId,
    CloudFormation,
    ComposeFile,
    Concurrency,
    ConfigFile,
    EnvFiles,
    FailOn,
    FailOnNew,
    FailOnUnknown,
    Formats,
    HelmValues,
    Insecure,
    Inventory,
    LockoutWindow,
    Manifests,
    NoCognito,
    NoSuppressions,
    OmUrl,
    OutputDir,
    PoolId,
    RepoRevision,
    RepoUrl,
    RuleIds,
    RulesDirs,
    ScanDir,
    ScanPath,
    Shard,
    SkipIds,
    StateDir,
    Suppressions,
    Tags,
    TargetGlobs,
    TargetName,
    Terraform,
    TerraformPlan,
    TokenFile,
    VarFiles,
)
from auditor.cli.run import emit, execute_scan
from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.plan import build_target
from auditor.scan.lockout import DEFAULT_WINDOW

# ---- commands ---------------------------------------------------------------------------------

# Shown under each command's --help; "\b" keeps click from re-wrapping the example lines.
SCAN_EXAMPLES = """Examples:

\b
  omaudit scan --om-url https://om.example.com
  OMAUDIT_OM_TOKEN=... omaudit scan --om-url https://om.example.com --active -f table -f html
  omaudit scan --om-url https://om.staging.example.com --baseline base.json --fail-on-new -f sarif
  omaudit scan --inventory fleet.toml --tag prod --shard 0/4 -f json
  omaudit scan --cognito-pool-id us-east-1_AbC123xyz --rules cognito
  omaudit scan --om-config conf/openmetadata.yaml --env-file .env -f sarif
  omaudit scan --dir . --fail-on medium -f sarif
  omaudit scan --om-url https://om.example.com --dir deploy/prod -f sarif

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

@app.command(epilog=SCAN_EXAMPLES)
def scan(path: ScanPath = None, om_url: OmUrl = None, om_token_file: TokenFile = None, active: Active = False,
         format: Formats = None, output_dir: OutputDir = None,
         fail_on: FailOn = "high", rules: RuleIds = None, skip_rules: SkipIds = None,
         rules_dir: RulesDirs = None, ca_bundle: CaBundle = None, insecure: Insecure = False,
         cognito_pool_id: PoolId = None, cognito_client_id: ClientId = None, aws_region: AwsRegion = None,
         aws_profile: AwsProfile = None, aws_endpoint_url: AwsEndpoint = None, suppressions: Suppressions = None,
         no_suppressions: NoSuppressions = False, baseline: Baseline = None, fail_on_new: FailOnNew = False,
         fail_on_unknown: FailOnUnknown = False,
         lockout_window: LockoutWindow = DEFAULT_WINDOW, state_dir: StateDir = None, inventory: Inventory = None,
         targets: TargetGlobs = None,
         tag: Tags = None, shard: Shard = None, concurrency: Concurrency = None,
         no_cognito: NoCognito = False, config: ConfigFile = None, env_file: EnvFiles = None,
         compose_file: ComposeFile = None, helm_values: HelmValues = None, terraform_plan: TerraformPlan = None,
         k8s: Manifests = None, terraform: Terraform = None, var_file: VarFiles = None,
         cloudformation: CloudFormation = None, repo_url: RepoUrl = None, repo_revision: RepoRevision = None,
         dir: ScanDir = None, name: TargetName = None) -> int:
    """Audit a running OpenMetadata and/or its Cognito pool (or an inventory of them), or configuration files."""
    if path is not None:
        if dir is not None:
            raise InputError(f"give the folder once: {path} or --dir {dir}")
        if not path.is_dir():
            raise InputError(f"{path} is not a folder: give a file with its option (--om-config, --env-file, "
                             "--compose-file, --helm-values, --k8s, --terraform-plan, --terraform, --cloudformation)")
        dir = path
    if config is not None and config.name.endswith(".toml"):
        raise InputError(f"--om-config (--config) takes OpenMetadata's openmetadata.yaml; {config} looks like "
                         "omaudit's own settings: give it with --settings")
    gate = plan.build_gate(fail_on, suppressions, no_suppressions, baseline, fail_on_new, tell, fail_on_unknown)
    plan.check_concurrency(concurrency)
    verify = plan.verify_option(ca_bundle, insecure)
    files = plan.file_options({"config": config, "env_files": env_file, "compose_file": compose_file,
                               "helm_values": helm_values, "terraform_plan": terraform_plan,
                               "kubernetes": k8s, "terraform": terraform, "cloudformation": cloudformation}, dir,
                              var_file or (), plan.checkout_option(repo_url, repo_revision))
    if files.given and (om_url or cognito_pool_id):
        # A live scan given the deployment's files too: what runs is audited, and compared with them (OMA406).
        if inventory or targets or tag or shard:
            raise InputError("the files compared with a running server belong to one target: leave out "
                             "--inventory, --targets, --tag and --shard")
        live = build_target(om_url, token=plan.read_token(om_token_file), active=active, verify=verify,
                            pool_id=cognito_pool_id, client_id=cognito_client_id, region=aws_region,
                            profile=aws_profile, endpoint=aws_endpoint_url, lockout_window=lockout_window,
                            state_dir=state_dir, no_cognito=no_cognito)
        targets_ = [plan.with_reviewed_files(live, files, tell)]
        split = None
    elif files.given:
        if inventory or active or om_token_file:
            raise InputError("a file scan (--om-config, --env-file, --compose-file, --helm-values, --k8s, "
                             "--terraform-plan, --terraform, --cloudformation, --dir) "
                             "contacts no server: leave out --inventory, --active and --om-token-file, or give "
                             "--om-url to compare the files with the running server")
        targets_ = plan.build_file_targets(files, tell)
        split = None
    elif inventory is not None:
        if om_url or cognito_pool_id or cognito_client_id or om_token_file:
            raise InputError("--inventory replaces --om-url, --om-token-file and --cognito-*; give one or the other")
        # lazy: --version and --help start without the modules only this command needs
        from auditor.plan.inventory import parse_shard

        targets_ = plan.build_fleet(inventory, targets or [], tag or [], shard, active=active, verify=verify,
                                    lockout_window=lockout_window, state_dir=state_dir, region=aws_region,
                                    profile=aws_profile, endpoint=aws_endpoint_url, no_cognito=no_cognito, note=tell)
        split = parse_shard(shard) if shard else None
    else:
        if env_file or compose_file:
            raise InputError("--env-file and --compose-file resolve the placeholders of --om-config: give --om-config")
        if targets or tag or shard:
            raise InputError("--targets, --tag and --shard select from an --inventory")
        targets_ = [build_target(om_url, token=plan.read_token(om_token_file), active=active, verify=verify,
                                 pool_id=cognito_pool_id, client_id=cognito_client_id, region=aws_region,
                                 profile=aws_profile, endpoint=aws_endpoint_url, lockout_window=lockout_window,
                                 state_dir=state_dir, no_cognito=no_cognito)]
        split = None
    if name is not None:
        if inventory is not None:
            raise InputError("--name names one target: an inventory names each of its own")
        if not name.strip() or len(name) > 200:
            raise InputError("--name must be a non-empty name of at most 200 characters")
        # One target takes the name; several (a deployment or pool each) keep theirs after it.
        prefix = name.strip()
        targets_ = [dataclasses.replace(t, name=prefix if len(targets_) == 1 else f"{prefix}:{t.name}")
                    for t in targets_]
    scan_plan = plan.ScanPlan(targets=targets_, rules=plan.load_selected(rules, skip_rules, rules_dir, gate, tell),
                              gate=gate, formats=plan.check_formats(format or ["table"]), shard=split,
                              fleet=inventory is not None or len(targets_) > 1, concurrency=concurrency)
    return execute_scan(scan_plan, output_dir)


@app.command(epilog=COLLECT_EXAMPLES)
def collect(snapshot: Annotated[Path, typer.Option("--snapshot", help="Where to save the snapshot.")],
            om_url: OmUrl = None, om_token_file: TokenFile = None, active: Active = False,
            ca_bundle: CaBundle = None, insecure: Insecure = False, cognito_pool_id: PoolId = None,
            cognito_client_id: ClientId = None, aws_region: AwsRegion = None, aws_profile: AwsProfile = None,
            aws_endpoint_url: AwsEndpoint = None, lockout_window: LockoutWindow = DEFAULT_WINDOW,
            state_dir: StateDir = None) -> int:
    """Collect only, and save the snapshot for `omaudit audit` (it holds no secret)."""
    # lazy: --version and --help start without the modules only this command needs
    from auditor.facts.snapshot import dump_snapshots
    from auditor.render.output import write_atomic
    from auditor.scan.service import collect_target

    target = build_target(om_url, token=plan.read_token(om_token_file), active=active,
                          verify=plan.verify_option(ca_bundle, insecure), pool_id=cognito_pool_id,
                          client_id=cognito_client_id, region=aws_region, profile=aws_profile,
                          endpoint=aws_endpoint_url, lockout_window=lockout_window, state_dir=state_dir)
    snap, notes = collect_target(target)
    for note in notes:
        tell(note)
    try:
        write_atomic(snapshot, dump_snapshots([snap]))
    except OSError as exc:
        raise InputError(f"cannot write {snapshot}: {exc.strerror or exc}") from None
    inform(f"wrote {snapshot}")
    return EXIT_OK


@app.command("audit", epilog=AUDIT_EXAMPLES)
def audit_cmd(snapshot: Annotated[Path, typer.Argument(help="A snapshot saved by `omaudit collect`.")],
              format: Formats = None, output_dir: OutputDir = None,
              fail_on: FailOn = "high", rules: RuleIds = None, skip_rules: SkipIds = None,
              rules_dir: RulesDirs = None, suppressions: Suppressions = None, no_suppressions: NoSuppressions = False,
              baseline: Baseline = None, fail_on_new: FailOnNew = False,
              fail_on_unknown: FailOnUnknown = False) -> int:
    """Evaluate a saved snapshot offline: no network."""
    # lazy: --version and --help start without the modules only this command needs
    from auditor.facts.snapshot import SnapshotFormatError, load_snapshots
    from auditor.scan.registry import utc_now
    from auditor.scan.service import audit

    formats = plan.check_formats(format or ["table"])
    gate = plan.build_gate(fail_on, suppressions, no_suppressions, baseline, fail_on_new, tell, fail_on_unknown)
    try:
        snaps = load_snapshots(read_input(snapshot, "snapshot"))
    except SnapshotFormatError as exc:
        raise InputError(f"snapshot {snapshot}: {exc}") from None
    selected = plan.load_selected(rules, skip_rules, rules_dir, gate, tell)
    report = audit(snaps, selected, utc_now(), options=gate.options)
    return emit(report, formats, output_dir, [], gate)


@app.command(epilog=MERGE_EXAMPLES)
def merge(reports: Annotated[list[Path], typer.Argument(help="report.json files of the shards.")],
          format: Formats = None, output_dir: OutputDir = None, fail_on: FailOn = "high",
          baseline: Baseline = None, fail_on_new: FailOnNew = False,
          fail_on_unknown: FailOnUnknown = False,
          allow_partial: Annotated[bool, typer.Option("--allow-partial", metavar="",
                                                      help="Merge even when shards of the "
                                                      "split are missing (they are named on stderr).")] = False,
          ) -> int:
    """Combine shard reports into one report, as an unsharded scan of the same inventory gives."""
    formats = plan.check_formats(format or ["table"])
    gate = plan.build_gate(fail_on, None, True, baseline, fail_on_new, tell, fail_on_unknown)
    return emit(plan.merge_shards(reports, gate, allow_partial=allow_partial, note=tell), formats, output_dir, [],
                 gate)


