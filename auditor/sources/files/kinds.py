"""The kinds of configuration file omaudit reads: each one's key (in FileInputs and in inventories),
its command-line option, whether several may be given, and how `--dir` recognises it by content.

A file is taken by what it holds once parsed, never by how its text looks (quoted keys, escapes,
flow mappings, comments or line endings cannot hide a kind): openmetadata.yaml has
authenticationConfiguration (or authorizerConfiguration, jwtTokenConfiguration,
fernetConfiguration) at its top; the chart's values have `openmetadata` with `config` (before chart
1.1, `global` with `authorizer`, `authentication`, `jwtTokenConfiguration` or `fernetkey`); a compose
file has `services`; a Terraform plan (JSON) has `format_version` and `planned_values`,
`resource_changes` or `values`; a CloudFormation template has a `Resources` entry of an
`AWS::Cognito::` type; an env file is named `.env` or `*.env`. The first kind whose test matches
wins, in the order below. `detect` (the text) only tells whether a file that cannot be parsed or is
too large looks like one of these: then the scan stops rather than judge the tree without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

YAML = (".yaml", ".yml")
STRUCTURED = (*YAML, ".json", ".template")
TERRAFORM = (".tf", ".tf.json")


@dataclass(frozen=True)
class FileKind:
    key: str  # FileInputs key and inventory key
    option: str
    many: bool
    detect: Callable[[str, str], bool]  # (the file name in lower case, its text): does it look like one?
    holds: Callable[[str, Any], bool]  # (the file name in lower case, a parsed document): is it one?
    # The plain shape (a top-level key at a line's start): taken without parsing twice; the reader
    # parses it anyway, and refuses it (exit 2) if it is not what it looked like.
    plain: Callable[[str, str], bool] = lambda name, head: False


def _env(name: str, head: str) -> bool:
    return name == ".env" or name.endswith(".env")


def _plan(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and ("plan" in name or "tfstate" in name or '"format_version"' in head)


def _template(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and ("AWS::Cognito::" in head or "cognito" in name or "template" in name)


def _config(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and ("openmetadata" in name or any(k in head for k in CONFIG_KEYS))


def _values(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and ("values" in name or "openmetadata" in head)


def _compose(name: str, head: str) -> bool:
    return name.endswith(YAML) and ("compose" in name or bool(re.search(r"(?m)^services[ \t]*:", head)))


def _plain_plan(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and '"format_version"' in head and bool(
        re.search(r'"(planned_values|resource_changes|values)"', head))


def _plain_template(name: str, head: str) -> bool:
    # with its Resources: an AWS::Include snippet of resources (which has none) is part of a template
    return name.endswith(STRUCTURED) and bool(
        re.search(r"(?m)^[ \t]*\"?Type\"?[ \t]*:[ \t]*\"?AWS::Cognito::UserPool", head)) and bool(
        re.search(r"(?m)^[ \t]*[\"']?Resources[\"']?[ \t]*:", head))


def _plain_config(name: str, head: str) -> bool:
    return name.endswith(YAML) and bool(
        re.search(r"(?m)^(authenticationConfiguration|authorizerConfiguration|jwtTokenConfiguration)[ \t]*:", head))


def _plain_values(name: str, head: str) -> bool:
    # [ \t], never \s: a newline-matching class makes these searches quadratic on blank lines.
    return name.endswith(YAML) and bool(re.search(r"(?m)^openmetadata[ \t]*:", head)) and bool(
        re.search(r"(?m)^[ \t]+config[ \t]*:", head))


def _plain_compose(name: str, head: str) -> bool:
    return name.endswith(YAML) and bool(re.search(r"(?m)^services[ \t]*:", head)) and "openmetadata" in head


def _holds_plan(name: str, doc: Any) -> bool:
    return isinstance(doc, dict) and "format_version" in doc and any(
        k in doc for k in ("planned_values", "resource_changes", "values"))


def _holds_template(name: str, doc: Any) -> bool:
    resources = doc.get("Resources") if isinstance(doc, dict) else None
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and r.get("Type") in ("AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient")
        for r in resources.values())


def _holds_config(name: str, doc: Any) -> bool:
    return isinstance(doc, dict) and any(k in doc for k in CONFIG_KEYS)


# The chart before 1.1 kept OpenMetadata's settings under `global` (charts/openmetadata/values.yaml at
# openmetadata-0.0.x and 1.0.x in open-metadata/openmetadata-helm-charts): such a file was skipped as "not a
# configuration file", and the deployment it configures went unjudged beside any other file.
_GLOBAL_KEYS = ("authorizer", "authentication", "jwtTokenConfiguration", "fernetkey")


def _holds_values(name: str, doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    if isinstance(doc.get("openmetadata"), dict) and "config" in doc["openmetadata"]:
        return True
    return isinstance(doc.get("global"), dict) and any(k in doc["global"] for k in _GLOBAL_KEYS)


def _holds_compose(name: str, doc: Any) -> bool:
    return name.endswith(YAML) and isinstance(doc, dict) and isinstance(doc.get("services"), dict)


def _manifest(name: str, head: str) -> bool:
    """Looks like the OpenMetadata server's manifest (a broken one stops the scan); other Kubernetes
    files (and Helm chart templates, which are not YAML until rendered) are skipped when they fail."""
    return name.endswith(YAML) and "apiVersion" in head and (
        "openmetadata/server" in head or bool(_OM_CHART.search(head)))


_OM_CHART = re.compile(r"(?m)^[ \t-]*chart[ \t]*:[ \t]*[\"']?openmetadata[\"']?[ \t]*(#.*)?$")


# Where each workload kind keeps its pod's spec (kubernetes.io/docs/concepts/workloads; Argo Rollouts'
# Rollout has a Deployment's template: argoproj.github.io/argo-rollouts/features/specification).
POD_SPEC: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template", "spec"), "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"), "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"), "Job": ("spec", "template", "spec"),
    "Rollout": ("spec", "template", "spec"), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Pod": ("spec",),
}
_WORKLOAD = re.compile(r"(?m)^kind[ \t]*:[ \t]*[\"']?(" + "|".join(POD_SPEC) + r")\b")


def _plain_manifest(name: str, head: str) -> bool:
    return name.endswith(YAML) and bool(re.search(r"(?m)^apiVersion[ \t]*:", head)) and bool(
        _WORKLOAD.search(head)) and "openmetadata/server" in head


def _holds_manifest(name: str, doc: Any) -> bool:
    """A workload (Deployment, StatefulSet, DaemonSet, Rollout, ...) or a List of them, a ConfigMap or
    Secret (what a workload's env may reference), an Argo CD Application of the chart, or a
    kustomization (kustomize reads kustomization.yaml, kustomization.yml or Kustomization)."""
    if name in ("kustomization.yaml", "kustomization.yml", "kustomization") and isinstance(doc, dict) and any(
            k in doc for k in ("resources", "bases", "patches", "patchesStrategicMerge", "configMapGenerator",
                               "secretGenerator", "helmCharts", "components", "patchesJson6902", "generators")):
        return True
    if not (name.endswith((*YAML, ".json")) and isinstance(doc, dict) and "apiVersion" in doc):
        return False  # kubectl applies .json manifests too
    kind = doc.get("kind")
    if kind == "List" or (isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list)):
        return any(_holds_manifest(name, item) for item in doc.get("items") or [])
    return kind in POD_SPEC or kind in ("ConfigMap", "Secret") or (
        kind in ("Application", "ApplicationSet", "HelmRelease") and "openmetadata" in str(doc.get("spec")))


CONFIG_KEYS = ("authenticationConfiguration", "authorizerConfiguration", "jwtTokenConfiguration",
               "fernetConfiguration")
KINDS: tuple[FileKind, ...] = (
    FileKind("env_files", "--env-file", True, _env, lambda name, doc: False),
    FileKind("terraform_plan", "--terraform-plan", False, _plan, _holds_plan, _plain_plan),
    FileKind("cloudformation", "--cloudformation", True, _template, _holds_template, _plain_template),
    FileKind("kubernetes", "--k8s", True, _manifest, _holds_manifest, _plain_manifest),
    # A folder of .tf files (a root module): --dir takes the folder of every .tf file it finds.
    FileKind("terraform", "--terraform", True, lambda name, head: name.endswith(TERRAFORM), lambda name, doc: False),
    FileKind("config", "--om-config", False, _config, _holds_config, _plain_config),
    FileKind("helm_values", "--helm-values", True, _values, _holds_values, _plain_values),
    FileKind("compose_file", "--compose-file", False, _compose, _holds_compose, _plain_compose),
)
BY_KEY = {kind.key: kind for kind in KINDS}
# The order files are read in, and so which file comes first when two give the same input.
READ_ORDER = ("config", "env_files", "compose_file", "helm_values", "kubernetes", "terraform_plan", "terraform",
              "cloudformation")
