"""The scan plan: what the command line asked for, validated, before anything is sent.

The CLI parses options and prints; this module turns the options into targets (single or from an
inventory), the rules to run, the gate (threshold, suppressions, baseline) and the formats, checked
against the renderers. Every problem is an InputError with one line. Notes for the user go to the
`note` callback ("warning: ..." for a warning).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.common import inputs
from auditor.common.errors import InputError
from auditor.report.model import Report, Severity
from auditor.scan.lockout import DEFAULT_WINDOW, ProbeLedger, default_state_dir

if TYPE_CHECKING:
    from auditor.engine.catalogue import Rule
    from auditor.scan.target import AuditOptions, FileInputs, ScanTarget
    from auditor.sources.files.checkout import Checkout

Note = Callable[[str], None]
TOKEN_ENV = "OMAUDIT_OM_TOKEN"
DEFAULT_REPORTS = Path("reports")
MAX_CONCURRENCY = 256
FILE_TARGET = "files"  # a file scan's target name unless --name gives one
MAX_OVERLAYS = 200  # deployments of one file scan: a GitOps repository holds tens (environments x regions)


def _silent(line: str) -> None:
    """The default `note`: say nothing."""


@dataclass(frozen=True)
class ScanPlan:
    """One run: its targets, the rules, the gate and the formats (checked against the renderers)."""

    targets: Sequence[ScanTarget]
    rules: Sequence[Rule]
    gate: Gate
    formats: Sequence[str]
    shard: tuple[int, int] | None = None
    fleet: bool = False
    concurrency: int | None = None


def rule_list(text: str | None) -> list[str]:
    """Comma-separated rule IDs, globs (OMA2*) or categories (openmetadata, cognito, ...)."""
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def read_token(token_file: Path | None) -> str | None:
    """--om-token-file, else $OMAUDIT_OM_TOKEN (auditor.common.inputs.read_token, as for inventories)."""
    return inputs.read_token(file=token_file, env=TOKEN_ENV, what="--om-token-file")


def check_concurrency(concurrency: int | None) -> None:
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise InputError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")


def verify_option(ca_bundle: Path | None, insecure: bool) -> bool | str:
    if insecure:
        return False
    if ca_bundle is not None:
        if not ca_bundle.is_file():
            raise InputError(f"--ca-bundle {ca_bundle} is not a file")
        return str(ca_bundle)
    return True


def parse_fail_on(text: str) -> Severity | None:
    if text.strip().lower() == "none":
        return None
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise InputError(f"--fail-on: {exc}") from None


def target_name(url: str) -> str:
    from urllib.parse import urlsplit  # lazy: only for a URL given

    parts = urlsplit(url)
    return parts.netloc or url


# ---- output -----------------------------------------------------------------------------------

def check_formats(formats: Sequence[str]) -> list[str]:
    """Format names, case-insensitive, each once, checked against the renderers; a comma list is several."""
    from auditor.render import renderers  # lazy: --version and --help need no renderer

    known = renderers()
    given_names = [part for value in formats for part in value.split(",") if part.strip()]  # `-f json,sarif`
    names = [name.strip().lower() for name in given_names]
    for name, given in zip(names, given_names, strict=True):
        if name not in known:
            raise InputError(f"unknown --format {given!r} (choose from {', '.join(known)})")
    return list(dict.fromkeys(names))


def load_selected(rules: str | None, skip_rules: str | None, rules_dir: list[Path] | None,
                  gate: Gate | None = None, note: Note = _silent) -> tuple[Rule, ...]:
    """The rules to run; warns of suppressions that name a rule the catalogue does not have (a typo
    would otherwise mute nothing, silently)."""
    from auditor.engine.catalogue import load_rules, select  # lazy: 2 ms that --version does not need

    catalogue = load_rules(rules_dir or ())
    known = {r.meta.id for r in catalogue}
    for entry in gate.options.suppressions if gate and gate.options else ():
        named = sorted(rule for rule in known if fnmatch.fnmatchcase(rule, entry.rule))
        if not named:
            note(f"warning: a suppression names rule {entry.rule}, which no loaded rule has; it mutes nothing")
        elif named != [entry.rule]:  # a glob: say what it may mute, so a reviewer sees its reach
            note(f"a suppression's rule {entry.rule} names {len(named)} rules: {', '.join(named[:12])}"
                 + (", ..." if len(named) > 12 else ""))
    return select(catalogue, rule_list(rules), rule_list(skip_rules))


def build_target(om_url: str | None, *, token: str | None, active: bool = False, verify: bool | str = True,
                 pool_id: str | None = None, client_id: str | None = None, region: str | None = None,
                 profile: str | None = None, endpoint: str | None = None,
                 lockout_window: float = DEFAULT_WINDOW, state_dir: Path | str | None = None,
                 no_cognito: bool = False) -> ScanTarget:
    """Validate the target options (InputError on any problem) before anything is sent."""
    from auditor.common.urls import parse_om_url  # lazy: only for a live scan
    from auditor.scan.discovery import CognitoRequest, validate_request  # lazy: the snapshot types, 30 ms
    from auditor.scan.target import OMRequest, ScanTarget  # lazy: the target types, 60 ms --version does not need

    if not om_url and not pool_id:
        raise InputError("give --om-url, --cognito-pool-id, or both")
    if no_cognito and (pool_id or client_id or not om_url):
        raise InputError("--no-cognito audits OpenMetadata only: give --om-url, and no --cognito-* option")
    request = CognitoRequest(pool_id=pool_id, client_id=client_id, region=region, profile=profile,
                             endpoint_url=endpoint)
    try:
        url = parse_om_url(om_url).url if om_url else None
        validate_request(request)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if endpoint is None and os.environ.get("AWS_ENDPOINT_URL"):
        try:
            parse_om_url(os.environ["AWS_ENDPOINT_URL"], "$AWS_ENDPOINT_URL")
        except ValueError as exc:
            raise InputError(str(exc)) from None
    if endpoint is not None:
        try:
            parse_om_url(endpoint, "--aws-endpoint-url")
        except ValueError as exc:
            raise InputError(str(exc)) from None
    if profile is not None:
        from auditor.sources.cognito.collector import check_profile  # lazy: botocore, only with --aws-profile

        check_profile(profile)
    name = target_name(url) if url else str(pool_id)
    if not math.isfinite(lockout_window) or lockout_window < 0:
        raise InputError("--lockout-window must be zero or more seconds")
    if isinstance(state_dir, str):  # from the command line: "" would otherwise become the working folder
        if not state_dir.strip():
            raise InputError("--state-dir must name a folder")
        state_dir = Path(state_dir)
    ledger = ProbeLedger(state_dir or default_state_dir(), lockout_window) if active and url else None
    om = OMRequest(url=url, token=token, active=active, verify=verify, ledger=ledger) if url else None
    return ScanTarget(name=name, om=om, cognito=request, no_cognito=no_cognito)


@dataclass(frozen=True)
class Gate:
    """How a run is judged and compared: threshold, suppressions, baseline."""

    fail_on: Severity | None = Severity.HIGH  # None: --fail-on none, FAILs never exit 1
    fail_on_new: bool = False
    options: AuditOptions | None = None
    fail_on_unknown: bool = False  # --fail-on-unknown: a rule at the threshold left to deploy exits 3


def build_gate(fail_on: str, suppressions: Path | None, no_suppressions: bool, baseline: str | None,
               fail_on_new: bool, note: Note = _silent, fail_on_unknown: bool = False) -> Gate:
    """Parse the gate options; every problem is an InputError before anything is sent."""
    from auditor.report.baseline import load_baseline  # lazy: only with --baseline
    from auditor.report.suppress import (  # lazy: the snapshot types, 30 ms --version does not need
        DEFAULT_FILE,
        load_suppressions,
    )
    from auditor.scan.target import AuditOptions  # lazy: the target types, 60 ms --version does not need

    threshold = parse_fail_on(fail_on)
    entries = []
    used: str | None = None
    if suppressions is not None and no_suppressions:
        raise InputError("--suppressions and --no-suppressions exclude each other")
    if not no_suppressions:
        if suppressions is None and Path(DEFAULT_FILE).is_symlink():
            raise InputError(f"{DEFAULT_FILE} is a symbolic link: a suppressions file found in the working folder "
                             "must be a regular file (name it with --suppressions to use it)")
        path = suppressions or (Path(DEFAULT_FILE) if Path(DEFAULT_FILE).is_file() else None)
        if path is not None:
            entries, used = load_suppressions(path), str(path)
    previous = None
    if baseline is not None:
        path = DEFAULT_REPORTS / "latest" / "report.json" if baseline == "latest" else Path(baseline)
        if baseline == "latest" and not path.is_file():
            note("warning: no previous report in reports/latest: every finding is new (the first run of a "
                 "schedule; any other time, check where reports/ is kept)")
            previous = []
        else:
            previous = load_baseline(path)
    if fail_on_new and previous is None:
        raise InputError("--fail-on-new needs --baseline")
    if fail_on_unknown and threshold is None:
        raise InputError("--fail-on-unknown holds the gate at the --fail-on threshold: --fail-on none has none")
    return Gate(threshold, fail_on_new, AuditOptions(suppressions=entries, suppressions_file=used, baseline=previous,
                                                     inline=not no_suppressions), fail_on_unknown)


def build_fleet(inventory: Path, names: list[str], tags: list[str], shard: str | None, *, active: bool,
                verify: bool | str, lockout_window: float, state_dir: str | None, region: str | None,
                profile: str | None, endpoint: str | None, no_cognito: bool = False,
                note: Note = _silent) -> list[ScanTarget]:
    """The selected inventory targets as ScanTargets; every problem is an InputError before any scan."""

    from auditor.plan.inventory import load_inventory, parse_shard, select  # lazy: 5 ms, only for inventories

    every = load_inventory(inventory)
    if (names or tags) and not select(every, names, tags):
        wanted = " ".join([*(f"--targets {n}" for n in names), *(f"--tag {t}" for t in tags)])
        raise InputError(f"no target of {inventory} matches {wanted}")
    entries = select(every, names, tags, parse_shard(shard) if shard else None)
    built = []
    for entry in entries:
        live = bool(entry.om_url or entry.cognito_pool_id)
        if entry.files and not live:
            try:
                target = build_file_target(_file_options(entry.files, inventory.parent))
            except InputError as exc:
                raise InputError(f"{inventory}, line {entry.line} (target {entry.name}): {exc}") from None
            built.append(dataclasses.replace(target, name=entry.name))
            continue
        token = entry.read_token()
        try:
            target = build_target(entry.om_url, token=token, active=active, verify=verify,
                                  pool_id=None if no_cognito else entry.cognito_pool_id,
                                  client_id=None if no_cognito else entry.cognito_client_id,
                                  region=entry.aws_region or region, profile=entry.aws_profile or profile,
                                  endpoint=entry.aws_endpoint_url or endpoint, lockout_window=lockout_window,
                                  state_dir=state_dir, no_cognito=no_cognito)
            if entry.files:  # the deployment's files, compared with what runs (OMA406)
                target = with_reviewed_files(target, _file_options(entry.files, inventory.parent))
        except InputError as exc:
            raise InputError(f"{inventory}, line {entry.line} (target {entry.name}): {exc}") from None
        built.append(dataclasses.replace(target, name=entry.name))
    if not built:
        note("this shard holds no target of the selection")
    return built


def merge_shards(paths: Sequence[Path], gate: Gate, *, allow_partial: bool, note: Note = _silent) -> Report:
    """The shard reports at `paths` as one report: refused when shards are missing (unless
    `allow_partial`), compared with the gate's baseline, and documented by this catalogue."""
    # lazy: `merge` alone needs these (6 ms together)
    from auditor.engine.catalogue import load_rules  # lazy: rule loading, only when rules are run
    from auditor.report.baseline import compare  # lazy: only for merge and baselines
    from auditor.report.merge import load_report, merge_reports, missing_shards  # lazy: only for merge and baselines

    loaded = [load_report(p) for p in paths]
    missing = missing_shards(loaded)
    if missing:
        count = next(r.shard[1] for r in loaded if r.shard is not None)
        names = ", ".join(f"{i}/{count}" for i in missing)
        if not allow_partial:
            raise InputError(f"shard(s) {names} are missing: merge all {count}, or pass --allow-partial")
        note(f"warning: shard(s) {names} are missing: their targets are not in this report")
    merged = merge_reports(loaded)
    if gate.options is not None and gate.options.baseline is not None:
        marked, resolved = compare(merged.findings, gate.options.baseline)
        merged = dataclasses.replace(merged, findings=tuple(marked), resolved=tuple(resolved))
    docs = {r.meta.id: r.info for r in load_rules()}
    # A shard report is a file like any other: the fix text shown is this catalogue's, never the file's.
    findings = tuple(dataclasses.replace(f, remediation=docs[f.rule_id].fix if f.rule_id in docs else
                                         "See the documentation of the rule set that reported this finding.")
                     for f in merged.findings)
    return dataclasses.replace(merged, rules=docs, findings=findings)


@dataclass(frozen=True)
class FileOptions:
    """The file-scan options as given: paths by kind (auditor.sources.files.kinds), and --dir."""

    paths: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    dir: Path | None = None
    var_files: tuple[Path, ...] = ()  # --var-file, for the --terraform root module
    checkout: Checkout | None = None  # --repo-url and --repo-revision: what Argo CD sources read from the tree

    @property
    def given(self) -> bool:
        """A file scan: --dir, or a file that is audited (a compose or env file alone configures the
        openmetadata.yaml of OpenMetadata's image)."""
        return self.dir is not None or any(v for v in self.paths.values())


def file_options(given: dict[str, Path | Sequence[Path] | None], directory: Path | None,
                 var_files: Sequence[Path] = (), checkout: Checkout | None = None) -> FileOptions:
    """FileOptions from option values by kind key (one path, several, or None), checked for count."""
    from auditor.sources.files.kinds import BY_KEY  # lazy: 4 ms --version does not need

    paths: dict[str, tuple[Path, ...]] = {}
    for key, value in given.items():
        many = tuple(value) if isinstance(value, Sequence) else (value,) if value is not None else ()
        if len(many) > 1 and not BY_KEY[key].many:
            raise InputError(f"{BY_KEY[key].option} takes one file")
        if many:
            paths[key] = many
    if var_files and len(paths.get("terraform", ())) != 1 and directory is None:
        raise InputError("--var-file gives values to one root module: give it with one --terraform folder "
                         "(or --dir)")
    return FileOptions(paths, directory, tuple(var_files), checkout)


def checkout_option(url: str | None, revision: str | None) -> Checkout | None:
    """--repo-url and --repo-revision as a Checkout (None without --repo-url)."""
    from auditor.sources.files.checkout import Checkout, repo_key  # lazy: 4 ms --version does not need

    if url is None:
        if revision is not None:
            raise InputError("--repo-revision needs --repo-url: the repository the revision is of")
        return None
    if not repo_key(url):
        raise InputError(f"--repo-url {url!r} is not a git repository URL (https://host/org/repo or "
                         "git@host:org/repo)")
    if revision is not None and not revision.strip():
        raise InputError("--repo-revision is empty")
    return Checkout(url, revision.strip() if revision else "HEAD")


def _file_options(files: tuple[tuple[str, tuple[str, ...]], ...], base: Path) -> FileOptions:
    """An inventory target's files (paths relative to the inventory's folder) as options."""

    given = {key: tuple(base / p for p in paths) for key, paths in files}
    directory = given.pop("dir", ())
    return FileOptions(given, directory[0] if directory else None)


def _base_values(helm: tuple[Path, ...] | list[Path]) -> str:
    """The base values file's name: `values.yaml`, the only one a chart's loader reads (Helm's
    chartutil.ValuesfileName); `values.yml` only where there is no `values.yaml`, and then as an overlay
    would be (a decoy `values.yml` beside the real base won as the base: found by an attack)."""
    names = {p.name for p in helm}
    return "values.yaml" if "values.yaml" in names else "values.yml"


def _not_a_link(folder: Path) -> None:
    """--dir must be the checkout's folder itself: under the current folder, no part of its path may be a
    link (a pull request could link the scanned folder to `..`, where the CI job keeps its files, and
    every "inside the scanned folder" check would then take them in: found by an attack)."""
    here, written = Path.cwd(), folder.absolute()
    step = here if written.is_relative_to(here) else written.parent
    for part in written.relative_to(step).parts:
        step = step / part
        if step.is_symlink():
            raise InputError(f"--dir {folder}: {step} is a link; give the folder it points to, if that is the "
                             "checkout")


def build_file_target(options: FileOptions, note: Note = _silent) -> ScanTarget:
    """One target made of configuration files: given one by one, or found under --dir (each named).
    A kind given on the command line is not also searched for under --dir."""
    from auditor.scan.target import FileInputs, ScanTarget  # lazy: the target types, 60 ms --version does not need
    from auditor.sources.files.cloudformation.nested import forget  # lazy: the YAML stack, only for files
    from auditor.sources.files.finder import find  # lazy: the YAML stack, 49 ms, only with --dir
    from auditor.sources.files.kinds import BY_KEY  # lazy: 4 ms --version does not need
    from auditor.sources.files.result import relative  # lazy: the YAML stack, 22 ms, only for files

    forget()  # what an earlier scan in this process read of the tree
    root = options.dir or Path.cwd()
    paths = dict(options.paths)
    notes: list[str] = []
    if options.dir is not None:
        _not_a_link(options.dir)
        found = find(options.dir)
        if found.refused:
            raise InputError("; ".join(f"{relative(p, root)} looks like a configuration file but {why}"
                                       for p, why in found.refused[:5])
                             + ": the gate cannot judge the tree without it (fix it, or move it out of --dir)")
        for path in found.skipped:
            note(f"skipped {relative(path, root)}: not a configuration file omaudit knows")
        for path in found.not_entered:
            notes.append(f"not entered: {relative(path, root)}/ (a folder tools generate); a configuration file "
                         "there is not judged")
        loaded = None
        if found.kinds.get("kubernetes") and "kubernetes" not in options.paths:
            from auditor.sources.files.argocd import value_files_read  # lazy
            from auditor.sources.files.manifest import load_manifests  # lazy: the YAML stack, only for file scans

            loaded = load_manifests(found.kinds["kubernetes"], root)
            read = value_files_read(loaded, root)
            # An Application's `$values/...` file is that deployment's, judged with it; alone, it would be
            # another deployment with the chart's defaults, judged twice (found by CI on an app-of-apps).
            for path in [p for p in found.kinds.get("helm_values", []) if p.resolve() in read]:
                found.kinds["helm_values"].remove(path)
                notes.append(f"{relative(path, root)}: values an Argo CD Application reads, judged with it")
            if not found.kinds.get("helm_values"):
                found.kinds.pop("helm_values", None)
        helm = found.kinds.get("helm_values", [])
        if "helm_values" not in paths and len({p.parent for p in helm}) > 1:
            # Helm layers an overlay on its base, never on a sibling release's values (a decoy values.yaml
            # elsewhere in the tree must not be layered over the real one: found by an attack).
            raise InputError("--dir found Helm values in several folders (" + ", ".join(
                sorted({relative(p.parent, root) or "." for p in helm})) + "): give each release's files with "
                "--helm-values, base first")
        if helm:  # the base values.yaml first, then the overlays beside it (helm -f base -f overlay)
            found.kinds["helm_values"] = sorted(helm, key=lambda p: (p.name != _base_values(helm),
                                                                      p.name))
        if found.kinds.get("terraform") and "terraform" not in options.paths:
            from auditor.sources.files.terraform.reader import terraform_roots  # lazy: the HCL parser

            roots, left = terraform_roots(found.kinds.pop("terraform"), found.kinds.get("terraform_plan", []), root)
            notes += left
            if roots:
                found.kinds["terraform"] = roots
        for key, hits in found.kinds.items():
            if key in paths:
                continue
            if len(hits) > 1 and not BY_KEY[key].many and key not in ("config", "compose_file"):
                option = BY_KEY[key].option
                raise InputError(f"--dir found more than one file for {option} ("
                                 + ", ".join(relative(p, root) for p in hits) + f"): name one with {option}")
            paths[key] = tuple(hits)
        if loaded is not None:
            from auditor.sources.files.argocd import applications, chart_sources  # lazy
            from auditor.sources.files.manifest import server_containers  # lazy: the YAML stack, only for file scans

            manifests = found.kinds["kubernetes"]
            if not server_containers(loaded) and not any(chart_sources(m) for m in applications(loaded)):
                for path in manifests:
                    note(f"skipped {relative(path, root)}: Kubernetes objects, and no manifest under --dir runs "
                         "OpenMetadata's server")
                paths.pop("kubernetes", None)
        found_env = [p for p in found.kinds.get("env_files", []) if "env_files" not in options.paths]
        if found_env:
            # An env file is the deployment's only beside its openmetadata.yaml or compose file (Compose
            # reads .env from the compose file's folder): a decoy under docs/ must not resolve anything.
            homes = {p.parent for k in ("config", "compose_file") for p in paths.get(k, ())}
            composed = {p.parent for p in paths.get("compose_file", ())}
            # Beside a compose file, Compose itself reads only `.env` (for its `${}`); another env file is
            # read only if the service names it in `env_file:` (read with the compose file) or the pipeline
            # passes `--env-file`, which omaudit cannot see: a decoy beside an unchanged compose file set
            # hardened values (found by an attack).
            used = tuple(p for p in found_env if p.parent in homes and (p.parent not in composed or p.name == ".env"))
            notes += [f"not used: {relative(p, root)} (an env file not beside the openmetadata.yaml or compose file)"
                      if p.parent not in homes else
                      f"not used: {relative(p, root)} (Compose reads only .env beside the compose file, and the "
                      "service names no other in env_file:; give it with --env-file if the pipeline passes it)"
                      for p in found_env if p not in used]
            if used:
                paths["env_files"] = used
            else:
                paths.pop("env_files", None)
    if options.var_files and len(paths.get("terraform", ())) > 1:
        raise InputError("--var-file gives values to one root module, and --dir found several ("
                         + ", ".join(relative(p, root) or "." for p in paths["terraform"])
                         + "): give one with --terraform")
    files = FileInputs(root=root, paths=paths, var_files=options.var_files, checkout=options.checkout)
    if not FileOptions(paths).given:
        raise InputError(f"no configuration file to scan under {root}" if options.dir else "no configuration file")
    for path in files.named() if options.dir is not None else ():
        note(f"using {relative(path, root)}")
    for line in notes:
        note(line)
    # Never the checkout's folder name: it goes into every fingerprint, and the same repository checked
    # out as another folder would make every finding new against a baseline (issue 24). --name sets it.
    return ScanTarget(name=FILE_TARGET, files=files, report_notes=tuple(notes))


def _config_deployments(target: ScanTarget, note: Note, given: set[str]) -> tuple[ScanTarget, list[ScanTarget]]:
    """The OpenMetadata deployments that compose files, openmetadata.yaml files and Helm values found by
    --dir make, each judged alone when there are several: each service of a compose file that runs the
    server, with the `.env` beside it and the openmetadata.yaml of the tree it mounts over the image's
    (else the image's own); each openmetadata.yaml no compose file mounts, with the env files beside it;
    and the Helm values. Merged into one target, the file read first gave every setting: a hardened
    openmetadata.yaml nobody mounts, or a values file anywhere, hid an unchanged compose file, and a
    MySQL and a PostgreSQL compose file side by side (OpenMetadata's own docker folders) were refused
    (found by attacks). Files named on the command line are taken as given: one deployment."""
    from auditor.scan.target import ScanTarget  # lazy: the target types, 60 ms --version does not need
    from auditor.sources.files.compose import servers  # lazy: the YAML stack, only for file scans
    from auditor.sources.files.result import relative  # lazy: the YAML stack, only for file scans

    files = target.files
    assert files is not None
    composes, configs, envs = files.of("compose_file"), files.of("config"), files.of("env_files")
    if {"config", "compose_file"} & given or not (composes or configs):
        return target, []
    deployments: list[tuple[str, dict[str, tuple[Path, ...]], str | None]] = []
    mounted: set[Path] = set()
    for compose in composes:
        found = servers(compose, files.root)
        if not found:
            note(f"{relative(compose, files.root)}: no service runs OpenMetadata's server: not a deployment")
        # `--env-file` given on the command line is the pipeline's: every deployment reads it
        dotenv = envs if "env_files" in given else tuple(e for e in envs if e.parent == compose.parent
                                                           and e.name == ".env")
        for server in found:
            config = (server.config,) if server.config is not None else ()
            mounted.update(config)
            name = relative(compose, files.root) + (f" {server.service}" if len(found) > 1 else "")
            deployments.append((name, {"compose_file": (compose,), "config": config, "env_files": dotenv},
                                server.service))
    for alone in (c for c in configs if c.resolve() not in {m.resolve() for m in mounted}):
        env = envs if "env_files" in given else tuple(e for e in envs if e.parent == alone.parent)
        deployments.append((relative(alone, files.root), {"config": (alone,), "env_files": env}, None))
    rest = {k: v for k, v in files.paths.items() if k not in ("config", "compose_file", "env_files")}
    kept = dataclasses.replace(target, files=dataclasses.replace(files, paths=rest))
    if not deployments:
        if not FileOptions(rest).given:
            raise InputError("no compose file under --dir runs OpenMetadata's server (image openmetadata/server): "
                             "give --om-config, or the compose file of the deployment")
        return kept, []
    helm = bool(files.of("helm_values"))
    if len(deployments) == 1 and not helm:  # one deployment: its files only, with the Cognito side beside them
        _, paths, service = deployments[0]
        return dataclasses.replace(target, files=dataclasses.replace(
            files, paths={**rest, **{k: v for k, v in paths.items() if v}}, workload=service)), []
    why = ("several OpenMetadata deployments in compose, openmetadata.yaml" + (" and Helm values" if helm else "")
           + " files (" + ", ".join([*(name for name, _, _ in deployments), *(["the Helm values"] if helm else [])])
           + "): each is its own target, judged alone")
    note(why)
    return kept, [ScanTarget(name=name, report_notes=(*target.report_notes, why),
                             files=dataclasses.replace(files, paths={k: v for k, v in paths.items() if v},
                                                       pool=None, workload=service))
                  for name, paths, service in deployments]


def _terraform_releases(target: ScanTarget, note: Note) -> tuple[ScanTarget, list[ScanTarget]]:
    """A Terraform root module whose helm_release may install OpenMetadata, beside an openmetadata.yaml,
    compose file or Helm values it never reads, is a deployment of its own: merged, the file read first
    gave every setting and the helm_release was never judged (a hardened values.yaml anywhere in the tree
    left the gate green: found by an attack). Each such root is its own target."""
    from auditor.scan.target import ScanTarget  # lazy: the target types, 60 ms --version does not need
    from auditor.sources.files.result import relative  # lazy: the YAML stack, only for file scans

    files = target.files
    assert files is not None
    if not files.of("terraform"):
        return target, []
    from auditor.sources.files.terraform.reader import installs_openmetadata  # lazy: only with a Terraform folder

    beside = [k for k in ("config", "compose_file", "env_files", "helm_values") if files.of(k)]
    releasing = [p for p in files.of("terraform") if installs_openmetadata(p, files.root)] if beside else []
    if not releasing:
        return target, []
    why = ("OpenMetadata deployed both by a Terraform helm_release (" + ", ".join(
        relative(p, files.root) or "." for p in releasing) + ") and by " + ", ".join(
        f"--{k.replace('_', '-')}" for k in beside) + ": each is its own target, judged alone")
    note(why)
    rest = tuple(p for p in files.of("terraform") if p not in releasing)
    paths = {k: v for k, v in files.paths.items() if k != "terraform"} | ({"terraform": rest} if rest else {})
    kept = dataclasses.replace(target, files=dataclasses.replace(files, paths=paths),
                               report_notes=(*target.report_notes, why))
    return kept, [ScanTarget(name=relative(p, files.root) or ".", report_notes=(*target.report_notes, why),
                             files=dataclasses.replace(files, paths={"terraform": (p,)}, pool=None, workload=None))
                  for p in releasing]


def _kubernetes_units(files: FileInputs) -> tuple[list[tuple[str, tuple[Path, ...], str | None]], bool]:
    """Each OpenMetadata deployment the manifests hold, as (target name, files, deployment): each
    kustomize overlay's, and each of the manifests no overlay renders as a resource (a decoy Deployment
    or overlay beside the real one must not be the only one judged, and a file some kustomization
    reads as a patch is still what `kubectl apply -f` deploys: found by attacks). Also whether
    kustomizations are among the files."""
    paths = files.of("kubernetes")
    if not paths:
        return [], False
    from auditor.sources.files.kubernetes import deployments  # lazy: only with manifests (57 ms of imports)
    from auditor.sources.files.kustomize import NAMES, overlay_roots, render  # lazy: only with manifests
    from auditor.sources.files.manifest import load_manifests  # lazy: only with manifests
    from auditor.sources.files.result import relative  # lazy: the YAML stack, only for file scans

    kustomizations = [p for p in paths if p.name in NAMES]
    units: list[tuple[str, tuple[Path, ...], str | None]] = []
    rendered: set[str] = {relative(k, files.root) for k in kustomizations}
    roots = overlay_roots(kustomizations, files.root) if kustomizations else []
    if len(roots) > MAX_OVERLAYS:  # 6,000 overlays of one base ran past 300 s (found by an attack)
        raise InputError(f"{len(roots)} kustomize overlays: more than {MAX_OVERLAYS} deployments in one scan; "
                         "scan each environment's folder with --k8s")
    for overlay in roots:
        manifests = render(overlay, files.root).manifests
        rendered |= {m.rel for m in manifests}
        names = deployments(manifests)
        folder = relative(overlay.parent, files.root) or "."
        units += [(folder if len(names) == 1 else f"{folder}: {name}", (overlay,), name if len(names) > 1 else None)
                  for name in names]
    loose = tuple(p for p in paths if p.name not in NAMES and relative(p, files.root) not in rendered)
    if loose:
        names = deployments(load_manifests(loose, files.root))
        units += [(name, loose, name) for name in names]
    if len(units) > MAX_OVERLAYS:
        raise InputError(f"{len(units)} OpenMetadata deployments in the Kubernetes manifests: more than "
                         f"{MAX_OVERLAYS} in one scan; scan each environment's folder with --k8s")
    return units, bool(kustomizations)


def _kubernetes_deployments(target: ScanTarget, note: Note) -> tuple[ScanTarget, list[ScanTarget]]:
    """The target with its manifests narrowed to their one deployment, and one target per deployment
    when they hold several (then the target keeps its other files only)."""
    from auditor.scan.target import FileInputs, ScanTarget  # lazy: the target types, 60 ms --version does not need

    files = target.files
    assert files is not None
    units, kustomized = _kubernetes_units(files)
    beside = [k for k in ("config", "helm_values", "compose_file") if files.of(k)]
    if len(units) == 1 and kustomized and not beside:  # judged is that overlay (or those manifests), never "the first"
        _, unit_paths, only = units[0]
        narrowed = dataclasses.replace(files, paths={**files.paths, "kubernetes": unit_paths}, workload=only)
        return dataclasses.replace(target, files=narrowed), []
    if len(units) < 2 and not (units and beside):
        return target, []
    # A chart's values or an openmetadata.yaml beside the manifests is another deployment: merged, the
    # first file would give every setting and the manifests' server would go unjudged (an attack).
    why = ("several OpenMetadata deployments in the Kubernetes manifests (" + ", ".join(u[0] for u in units)
           + ")" if len(units) > 1 else f"OpenMetadata deployed both by Kubernetes manifests ({units[0][0]}) and by "
           + ", ".join(f"--{k.replace('_', '-')}" for k in beside)) + ": each is its own target, judged alone"
    note(why)
    rest = {k: v for k, v in files.paths.items() if k != "kubernetes"}
    target = dataclasses.replace(target, files=dataclasses.replace(files, paths=rest, pool=None, workload=None))
    return target, [ScanTarget(name=name, report_notes=(why,),
                               files=FileInputs(root=files.root, paths={"kubernetes": unit_paths}, workload=only,
                                                checkout=files.checkout))
                    for name, unit_paths, only in units]


def with_reviewed_files(live: ScanTarget, options: FileOptions, note: Note = _silent) -> ScanTarget:
    """A live target that also reads one deployment's files, to compare them with what runs (OMA406).
    Files that hold several deployments (several pools, several Kubernetes deployments) are refused:
    which of them runs at the URL is the user's to say, by giving only its files."""
    targets = build_file_targets(options, note)
    if len(targets) != 1:
        raise InputError(f"the files hold {len(targets)} deployments ({', '.join(t.name for t in targets)}): give "
                         "only the files of the deployment that runs at the URL")
    reviewed = targets[0]
    return dataclasses.replace(live, reviewed=reviewed.files, report_notes=(*live.report_notes,
                                                                           *reviewed.report_notes))


def _helm_releases(target: ScanTarget, note: Note) -> list[ScanTarget]:
    """Under --dir, a target with several Helm environment overlays beside the base (`values.yaml`,
    `values-prod.yaml`, `values-staging.yaml`; --dir takes Helm values from one folder only): each overlay
    is a release of its own, layered on the base only (helm -f values.yaml -f values-prod.yaml: Helm docs,
    "helm install": with several -f, the rightmost file takes precedence), never on
    its sibling, whose values would win by name order (issue 21; found again by a review). Each keeps
    the target's other files (a single pool's template: the cross-file rules stay judged). [] when the
    target has at most one overlay."""
    from auditor.sources.files.result import relative  # lazy: the YAML stack, 22 ms, only for files

    files = target.files
    assert files is not None
    helm = files.of("helm_values")
    base = tuple(p for p in helm if p.name == _base_values(helm))
    overlays = [p for p in helm if p not in base]
    if len(overlays) < 2:
        return []
    why = (f"Helm values with {len(overlays)} overlays beside {relative(base[0], files.root)}: each overlay is a "
           "release of its own, layered on the base only, and judged alone" if base else
           f"{len(overlays)} Helm values files and no base values.yaml beside them: each is a release of its own, "
           "judged alone")
    note(why)
    prefix = "" if target.name == FILE_TARGET else f"{target.name}:"
    return [dataclasses.replace(target, name=prefix + relative(overlay, files.root),
                                report_notes=(*target.report_notes, why), files=dataclasses.replace(
                                    files, paths={**files.paths, "helm_values": (*base, overlay)}))
            for overlay in overlays]


def build_file_targets(options: FileOptions, note: Note = _silent) -> list[ScanTarget]:
    """The file scan's targets: one, or under --dir with several Cognito deployments (templates or a
    plan beside templates), one per deployment and one for OpenMetadata's side, each judged alone (a
    first template judged while a second, prod, one was dropped let a gate pass: issue 21); then, under
    --dir, a target with several Helm overlays is one target per overlay (`_helm_releases`)."""
    targets = _deployments(options, note)
    if "helm_values" in options.paths:
        return targets
    return [release for target in targets for release in _helm_releases(target, note) or [target]]


def _deployments(options: FileOptions, note: Note) -> list[ScanTarget]:
    from auditor.scan.target import FileInputs, ScanTarget  # lazy: the snapshot types, 30 ms --version does not need
    from auditor.sources.files.result import relative  # lazy: the YAML stack, 22 ms, only for files

    target = build_file_target(options, note)
    target, composed = _config_deployments(target, note, set(options.paths))
    files = target.files
    assert files is not None
    if composed and not FileOptions(dict(files.paths)).given:
        return composed
    target, overlays = _kubernetes_deployments(target, note)
    overlays[:0] = composed
    target, released = _terraform_releases(target, note)
    overlays += released
    files = target.files
    assert files is not None
    if overlays and not FileOptions(dict(files.paths)).given:  # several deployments: each a target of its own
        return overlays
    cognito = [(kind, path) for kind in ("terraform_plan", "terraform", "cloudformation") for path in files.of(kind)]
    pools: dict[tuple[str, Path], list[str]] = {}
    if cognito:
        from auditor.sources.files.pools import pools_in  # lazy: the Cognito file readers, only with such files

        pools = {(kind, path): pools_in(kind, path, files.root, files.var_files) for kind, path in cognito}
    several_pools = [f"{relative(path, files.root)} ({', '.join(keys)})" for (_, path), keys in pools.items()
                     if len(keys) > 1]
    if not several_pools and (options.dir is None or len(cognito) < 2):
        return [target, *overlays]
    what = ("several Cognito deployments under --dir (" + ", ".join(relative(p, files.root) for _, p in cognito) + ")"
            if len(cognito) > 1 else "several user pools in " + "; ".join(several_pools))
    why = (f"{what}: each is its own target (one per user pool), judged alone with its own clients; the "
           "cross-file rules are SKIPPED, as the files do not say which user pool OpenMetadata uses")
    note(why)
    om = {k: files.of(k) for k in ("config", "env_files", "compose_file", "helm_values") if files.of(k)}
    targets = [dataclasses.replace(target, files=FileInputs(root=files.root, paths=om),
                                   report_notes=(*target.report_notes, why))] if om else []
    for (kind, path), keys in pools.items():
        for key in keys if len(keys) > 1 else [None]:
            name = relative(path, files.root) + (f"#{key}" if key else "")
            targets.append(ScanTarget(name=name, report_notes=(*target.report_notes, why),
                                      files=FileInputs(root=files.root, paths={kind: (path,)}, pool=key,
                                                       var_files=files.var_files)))
    return [*targets, *overlays]
