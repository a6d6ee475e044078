"""Where a snapshot's facts come from: one declaration per source of facts.

A source says which inputs it fills (`keys`, taken from the snapshot's types), which inputs it waits
for, whether it applies to a target, and for file sources how to read its files. The scan asks this
module which inputs no applicable source fills (SKIPPED, with what would have filled them) and which
keys a lost target leaves in ERROR; nothing spells the sides out by hand.

Adding a source (Kubernetes manifests, say) is one module that reads the file into facts, its kind
in auditor/sources/files/kinds.py (key, option, how --dir recognises it), its entry in SOURCES below, and
its option in auditor/cli/options.py; inventories, --dir and the reasons follow from these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.facts.given import Given
from auditor.facts.snapshot import (
    COGNITO_KEYS,
    CONF_KEYS,
    INPUT_KEYS,
    OM_AUTH_CONFIG,
    OM_KEYS,
    OM_SECURITY_CONFIG,
    Problem,
    Snapshot,
)
from auditor.report.model import Location, TargetInfo
from auditor.scan.target import FileInputs, ScanTarget

if TYPE_CHECKING:
    from auditor.sources.files.result import FileFacts


Reader = Callable[[FileInputs], "list[FileFacts]"]


@dataclass(frozen=True)
class Source:
    name: str  # as reasons name it: "a running OpenMetadata (--om-url)"
    keys: tuple[str, ...]
    off: Callable[[ScanTarget], str | None]  # why it does not apply to a target; None: it applies
    # Inputs it needs first. The live Cognito source waits for OpenMetadata's auth config (its pool is
    # discovered from it): scan.collect_target starts its reads the moment that arrives.
    waits_for: tuple[str, ...] = ()
    read: Reader | None = None  # file sources only

    def applies(self, target: ScanTarget) -> bool:
        return self.off(target) is None


OM_CONFIG_KEYS = (OM_AUTH_CONFIG, OM_SECURITY_CONFIG, *CONF_KEYS)


def _read_config(files: FileInputs) -> list[FileFacts]:
    # lazy: a live scan loads no YAML, HCL or template reader (about 150 ms of imports)
    from auditor.sources.files.om_config import read_config_files

    return read_config_files(files)


def _read_helm(files: FileInputs) -> list[FileFacts]:
    # lazy: a live scan loads no YAML, HCL or template reader (about 150 ms of imports)
    from auditor.sources.files.helm_values import read_helm_values

    paths = list(files.of("helm_values"))
    return [read_helm_values(paths, files.root)] if paths else []


FILE_SCAN = "this is a file scan"


def _live_om(target: ScanTarget) -> str | None:
    if target.files is not None:
        return FILE_SCAN
    return None if target.om is not None else "no OpenMetadata URL was given (Cognito-only scan)"


def _live_cognito(target: ScanTarget) -> str | None:
    if target.files is not None:
        return FILE_SCAN
    return "--no-cognito was given" if target.no_cognito else None


def _file_option(kind: str, option: str) -> Callable[[ScanTarget], str | None]:
    def off(target: ScanTarget) -> str | None:
        return None if target.files is not None and target.files.of(kind) else f"no {option} was given"
    return off


def _config_off(target: ScanTarget) -> str | None:
    """openmetadata.yaml applies when given, or (the image's own) when a compose or env file configures
    it and no Helm values do (the chart's values are then the server's configuration)."""
    files = target.files
    if files is not None and (files.of("config") or (not files.of("helm_values") and (
            files.of("compose_file") or files.of("env_files")))):
        return None
    return "no --om-config was given"


def _read_plan(files: FileInputs) -> list[FileFacts]:
    # lazy: a live scan loads no YAML, HCL or template reader (about 150 ms of imports)
    from auditor.sources.files.terraform.plan import read_terraform_plan

    return [read_terraform_plan(path, files.root, files.pool) for path in files.of("terraform_plan")]


def _read_templates(files: FileInputs) -> list[FileFacts]:
    # lazy: a live scan loads no YAML, HCL or template reader (about 150 ms of imports)
    from auditor.sources.files.cloudformation.template import read_cloudformation

    return [read_cloudformation(path, files.root, files.pool) for path in files.of("cloudformation")]


def _read_terraform(files: FileInputs) -> list[FileFacts]:
    # lazy: a live scan loads no YAML, HCL or template reader (about 150 ms of imports)
    from auditor.sources.files.terraform.reader import read_module

    return [r for path in files.of("terraform") for r in read_module(path, files.root, files.pool, files.var_files)]


def _read_manifests(files: FileInputs) -> list[FileFacts]:
    # lazy: a live scan loads no YAML, HCL or template reader (about 150 ms of imports)
    from auditor.sources.files.kubernetes import read_manifests

    paths = list(files.of("kubernetes"))
    return read_manifests(paths, files.root, files.workload, files.checkout) if paths else []


SOURCES: tuple[Source, ...] = (
    Source("a running OpenMetadata (--om-url)", OM_KEYS, _live_om),
    Source("a Cognito user pool (--cognito-pool-id, or discovered)", COGNITO_KEYS, _live_cognito,
           waits_for=(OM_AUTH_CONFIG,)),
    Source("openmetadata.yaml (--om-config), or the image's own with a compose or env file", OM_CONFIG_KEYS,
           _config_off, read=_read_config),
    Source("Helm values (--helm-values)", OM_CONFIG_KEYS, _file_option("helm_values", "--helm-values"),
           read=_read_helm),
    Source("Kubernetes manifests (--k8s)", OM_CONFIG_KEYS, _file_option("kubernetes", "--k8s"), read=_read_manifests),
    Source("a Terraform plan (--terraform-plan)", COGNITO_KEYS, _file_option("terraform_plan", "--terraform-plan"),
           read=_read_plan),
    # Its Cognito resources, and the OpenMetadata chart a helm_release in it installs.
    Source("a Terraform module (--terraform)", (*COGNITO_KEYS, *OM_CONFIG_KEYS),
           _file_option("terraform", "--terraform"), read=_read_terraform),
    Source("a CloudFormation template (--cloudformation)", COGNITO_KEYS,
           _file_option("cloudformation", "--cloudformation"), read=_read_templates),
)


def unfilled(target: ScanTarget) -> dict[str, Problem]:
    """SKIPPED for every input that no source applying to `target` fills, saying why: the reason the
    one source that could fill it does not apply, else which sources would."""
    covered = {k for s in SOURCES if s.applies(target) for k in s.keys}
    out: dict[str, Problem] = {}
    for key in sorted(INPUT_KEYS - covered):
        could = [s for s in SOURCES if key in s.keys]
        if len(could) == 1 and could[0].off(target) != FILE_SCAN:
            reason = str(could[0].off(target))
        else:  # one reason for every input of the same sources, so a rule's reasons collapse into one
            reason = "needs " + " or ".join(s.name for s in could) + (f": {FILE_SCAN}" if target.files else "")
        out[key] = Problem("skipped", reason)
    return out


def keys_of(target: ScanTarget) -> tuple[str, ...]:
    """Every input some applying source fills: what a lost target leaves in ERROR."""
    return tuple(dict.fromkeys(k for s in SOURCES if s.applies(target) for k in s.keys))


def merge(results: Sequence[FileFacts]) -> tuple[Given, dict[str, Location], list[str], dict[str, str],
                                                  tuple[str, ...]]:
    """Facts and locations of several files; the first file that gives an input keeps it (a note says
    which one was not used); and the fields of the facts kept that a default filled."""
    facts = Given()
    given_by: dict[str, str] = {}
    unknown: dict[str, str] = {}
    locations: dict[str, Location] = {}
    notes: list[str] = []
    for result in results:
        dropped: dict[str, list[str]] = {}
        for key in result.facts.given_keys():
            if key in given_by:
                if given_by[key] != result.file:
                    dropped.setdefault(given_by[key], []).append(key)
                continue
            facts, given_by[key] = facts.with_fact(key, result.facts.get(key)), result.file
        notes += [f"{result.file}: not used for {', '.join(keys)}: {first} comes first and gives them"
                  for first, keys in dropped.items()]
        for key, reason in result.unknown.items():
            unknown.setdefault(key, f"{result.file}: {reason}")
        for key, where in result.locations.items():
            locations.setdefault(key, where)
        notes.extend(result.notes)
    defaulted = tuple(f for r in results for f in r.defaulted
                      if given_by.get(".".join(f.split(".")[:2])) == r.file)
    return facts, locations, notes, {k: v for k, v in unknown.items() if k not in given_by}, defaulted


NOT_IN_FILES = {
    "cognito.ref": "the user pool's id is known only once it is created: compared on a live scan",
    "cognito.risk_configurations": "threat protection is not ENFORCED",
}


def problems_for(facts: Given, target: ScanTarget, unknown: Mapping[str, str] = {}
                 ) -> dict[str, Problem]:
    """SKIPPED for the inputs an applying file source could fill but its files did not set, or set
    from what only the deployment knows (`unknown`: input key -> reason)."""
    out = {**unfilled(target), **{k: Problem("unknown", reason) for k, reason in unknown.items()}}
    for source in SOURCES:
        if source.read is None or not source.applies(target):
            continue
        for key in source.keys:
            if facts.get(key) is None and key not in out:
                out[key] = Problem("skipped", NOT_IN_FILES.get(key, f"the files given do not set {key}"))
    return out


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def target_info(target: ScanTarget, pool_id: str | None, region: str | None) -> TargetInfo:
    """How a report names a live target (never its token: only whether one was given)."""
    om = target.om
    return TargetInfo(name=target.name, om_url=om.url if om else None, cognito_pool_id=pool_id, region=region,
                      active=om.active if om else False, token_given=om is not None and om.token is not None)


def failed_target(target: ScanTarget, reason: str) -> Snapshot:
    """A target whose every input is in ERROR for one reason (its collector was lost)."""
    problems = {**unfilled(target), **every_input(keys_of(target), "error", reason)}
    info = target_info(target, target.cognito.pool_id, target.cognito.region)
    return Snapshot(target=info, collected_at=utc_now(), problems=problems)


def every_input(keys: Sequence[str], kind: str, reason: str) -> dict[str, Problem]:
    """The same problem for every input in `keys`: a whole side of the target is in error or skipped."""
    return {k: Problem(kind, reason) for k in keys}
