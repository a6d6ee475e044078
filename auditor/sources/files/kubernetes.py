"""Kubernetes manifests: the OpenMetadata server container of a Deployment or StatefulSet (its image is
openmetadata/server), with the environment Kubernetes gives it, judged as the image's own
openmetadata.yaml resolved against that environment (as a compose file's is: om_config).

How Kubernetes builds a container's environment (kubernetes.io/docs/tasks/inject-data-application/
define-environment-variable-container and .../configure-pod-configmap): `envFrom` sources in order
(a later source wins; `prefix` is prepended), then `env`, which wins over `envFrom`; an `env` entry is
a `value` or a `valueFrom` (`configMapKeyRef`, `secretKeyRef`, `fieldRef`, `resourceFieldRef`).
A ConfigMap's `data` (and a Secret's `stringData`, over its base64 `data`) is looked up by name in the
same namespace among the manifests given. A reference that resolves is judged by its value, at the
line of the ConfigMap or Secret that sets it; one that does not (a Secret made elsewhere, a field
reference) is unknown, never "not set". Secret values are decoded in memory, registered for
redaction, and never shown.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.redact import register
from auditor.report.model import Location
from auditor.sources.files.argocd import applications, chart_sources, judge_application
from auditor.sources.files.checkout import Checkout
from auditor.sources.files.compose import IMAGE_BIN, IMAGE_CONFIG
from auditor.sources.files.environment import OpenEnvironment, Origin, Variable, refuse_property_overrides
from auditor.sources.files.kustomize import NAMES, overlay_roots, render
from auditor.sources.files.manifest import (
    MAX_SECRET_VALUE,
    WHAT,
    Manifest,
    as_dict,
    as_list,
    load_manifests,
    secret_forms,
    server_containers,
)
from auditor.sources.files.om_config import ImageDefault, image_file, read_om_config
from auditor.sources.files.result import FileFacts, relative


@dataclass(frozen=True)
class Unit:
    """One OpenMetadata deployment of the manifests: a server container, or an Application's chart."""

    name: str
    manifest: Manifest
    path: tuple[str | int, ...]  # the container's, or the Application source's
    body: dict[str, Any]  # the container, or the source


def units(manifests: Sequence[Manifest]) -> list[Unit]:
    """Each OpenMetadata deployment the manifests hold, by a name unique among them (the file is added
    where two objects share a name: a second Deployment `openmetadata` in another file is another
    deployment, never the first one judged twice). Other installers of the chart are refused."""
    for manifest in manifests:
        if manifest.kind == "HelmRelease" and "openmetadata" in str(manifest.body.get("spec")):
            raise InputError(f"{WHAT} {manifest.rel}: {manifest.kind} {manifest.name} installs OpenMetadata in a way "
                             "omaudit does not render: judge its values with --helm-values")
    servers = server_containers(manifests)
    found: list[Unit] = []
    for manifest, at, container in servers:
        name = _workload_name(manifest)
        if sum(1 for m, _, _ in servers if m is manifest) > 1:
            name += f" container {container.get('name', '?')}"
        found.append(Unit(name, manifest, at, container))
    for manifest in applications(manifests):
        sources = chart_sources(manifest)
        for path, source in sources:
            found.append(Unit(_workload_name(manifest) + (f" source {path[-1]}" if len(sources) > 1 else ""),
                              manifest, path, source))
    names = [u.name for u in found]
    unique = [u if names.count(u.name) == 1 else dataclasses.replace(u, name=f"{u.name} ({u.manifest.rel}"
                                                                          f":{u.manifest.doc.line(()) or '?'})")
              for u in found]
    seen: dict[str, int] = {}
    for i, unit in enumerate(unique):
        seen[unit.name] = seen.get(unit.name, 0) + 1
        if seen[unit.name] > 1:
            unique[i] = dataclasses.replace(unit, name=f"{unit.name} #{seen[unit.name]}")
    return unique


def deployments(manifests: Sequence[Manifest]) -> list[str]:
    return [unit.name for unit in units(manifests)]


def _workload_name(manifest: Manifest) -> str:
    return f"{manifest.kind} {manifest.namespace + '/' if manifest.namespace else ''}{manifest.name}"


def read_manifests(paths: Sequence[Path], root: Path, only: str | None = None,
                   checkout: Checkout | None = None) -> list[FileFacts]:
    """The deployment `only` names (deployments()), or the manifests' one deployment."""
    manifests, rendered_notes = rendered_manifests(paths, root)
    result = _judge(manifests, paths, root, only, checkout)
    result[0].notes[:0] = rendered_notes
    return result


def rendered_manifests(paths: Sequence[Path], root: Path) -> tuple[list[Manifest], list[str]]:
    """The objects the files give: a kustomization's rendering (one: the plan makes each overlay its own
    target), else the manifests as written."""

    kustomizations = [p for p in paths if p.name in NAMES]
    if not kustomizations:
        return load_manifests(paths, root), []
    overlays = overlay_roots(kustomizations, root)
    if len(overlays) != 1:  # the plan gives each deployment's overlay alone: here none renders a server
        return [], [f"{relative(o, root)}: a kustomize overlay with no OpenMetadata server" for o in overlays]
    rendered = render(overlays[0], root)
    return rendered.manifests, [f"{relative(overlays[0], root)}: rendered as a kustomize overlay", *rendered.notes]


def _judge(manifests: Sequence[Manifest], paths: Sequence[Path], root: Path, only: str | None,
           checkout: Checkout | None) -> list[FileFacts]:
    found = units(manifests)
    names = [unit.name for unit in found]
    if not names:
        return [FileFacts(notes=[f"{', '.join(relative(p, root) for p in paths)}: no workload runs OpenMetadata's "
                                 "server (image openmetadata/server) and no Argo CD Application installs its "
                                 "chart: nothing to judge"], file=relative(paths[0], root) if paths else "")]
    if only is None and len(names) > 1:  # the plan makes each its own target; never one judged for all
        raise InputError("the manifests hold several OpenMetadata deployments (" + ", ".join(names)
                         + "): each must be judged alone")
    chosen = only if only is not None else names[0]
    if chosen not in names:
        raise InputError(f"the manifests no longer hold {chosen}")
    unit = found[names.index(chosen)]
    if unit.manifest.kind == "Application":
        return [judge_application(unit.manifest, unit.path, unit.body, root, checkout)]
    workload, base, container = unit.manifest, unit.path, unit.body
    notes: list[str] = []
    _refuse_own_config(workload, container, base, chosen)
    env = _environment(container, workload, base, manifests, notes)
    refuse_property_overrides(env, chosen)
    where = workload.at(base)
    image = ImageDefault(workload.rel, where, image_file(container.get("image")))
    result = read_om_config(image.file.path, root, env, image)
    result.notes[:0] = notes
    return [result]


_SHELL = re.compile(r"(^|\s)(-c|export|exec|sh|bash)(\s|$)|[;&|`$]")


def _shell(arg: str) -> bool:
    """Whether an argument reads as a shell command line (the image's start script takes none)."""
    return bool(_SHELL.search(arg))


def _refuse_own_config(workload: Manifest, container: dict[str, Any], base: tuple[str | int, ...],
                       name: str) -> None:
    """A volume mounted over the image's openmetadata.yaml (or its folder) replaces the file judged
    here: refused, never the image's file judged in its place."""
    for i, mount in enumerate(as_list(container.get("volumeMounts"))):
        raw = str(as_dict(mount).get("mountPath", ""))
        path = posixpath.normpath(raw) if raw else ""  # `/opt/openmetadata/./conf/` is the same folder
        if path and (path == IMAGE_CONFIG or IMAGE_CONFIG.startswith(path.rstrip("/") + "/")):
            raise InputError(f"{WHAT} {workload.at((*base, 'volumeMounts', i))}: {name} mounts its own "
                             f"configuration at {raw}: give that openmetadata.yaml with --om-config (and its "
                             "environment with --env-file); the image's file is not what runs")
    for i, mount in enumerate(as_list(container.get("volumeMounts"))):
        raw = str(as_dict(mount).get("mountPath", ""))
        path = posixpath.normpath(raw) if raw else ""
        if path and (path == IMAGE_BIN or path.startswith(IMAGE_BIN + "/")):
            raise InputError(f"{WHAT} {workload.at((*base, 'volumeMounts', i))}: {name} mounts {raw} over the "
                             "image's start scripts, which decide what the server runs: not judged")
    if as_list(container.get("command")) or any(_shell(str(part)) for part in as_list(container.get("args"))):
        key = "command" if as_list(container.get("command")) else "args"
        raise InputError(f"{WHAT} {workload.at((*base, key))}: {name} starts the server with its own {key}, which "
                         "can set its environment and configuration as omaudit does not render (a shell that "
                         "exports the shipped key: found by an attack): not judged")
    for key in ("command", "args"):
        for i, part in enumerate(as_list(container.get(key))):
            for word in str(part).split():
                if word.endswith((".yaml", ".yml")) and posixpath.normpath(word) not in (
                        "conf/openmetadata.yaml", IMAGE_CONFIG):
                    raise InputError(f"{WHAT} {workload.at((*base, key, i))}: {name} starts the server with "
                                     f"another configuration file ({word}): give it with --om-config")


def _environment(container: dict[str, Any], workload: Manifest, base: tuple[str | int, ...],
                 manifests: Sequence[Manifest], notes: list[str]) -> dict[str, Variable]:
    env: dict[str, Variable] = {}
    for i, source in enumerate(as_list(container.get("envFrom"))):
        if not isinstance(source, dict):
            continue
        prefix = str(source.get("prefix") or "")
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            ref = source.get(key)
            if not isinstance(ref, dict):
                continue
            found = _find(manifests, kind, str(ref.get("name", "")), workload.namespace)
            if found is None:  # it may set anything: what no later source sets is unknown
                at = workload.at((*base, "envFrom", i))
                notes.append(f"{at}: envFrom {kind} {ref.get('name')} is not among the manifests "
                             "given: a variable it may set, and no later source or env entry sets, is unknown")
                # Kubernetes: the last envFrom source that has a key wins, so what earlier sources set
                # may be overridden too.
                env = OpenEnvironment(Variable("", Origin("unset", at.file, at.line)))
                continue
            for name, variable in _data(found).items():
                env[prefix + name] = variable
    for i, entry in enumerate(as_list(container.get("env"))):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        at = workload.at((*base, "env", i))
        value = entry.get("value")
        # The kubelet (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables) takes a non-empty `value`,
        # else `valueFrom`: `value: ""` beside a valueFrom is the valueFrom's.
        if value not in (None, "") or not isinstance(entry.get("valueFrom"), dict):
            text = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            env[entry["name"]] = _expanded(text, env, Origin("manifest", at.file, at.line))
            continue
        referenced = _value_from(entry["valueFrom"], workload, manifests, at)
        if referenced is not None:
            env[entry["name"]] = referenced
    return env


_REFERENCE = re.compile(r"\$\$|\$\(([^)]+)\)")  # any name: Kubernetes 1.32 allows every printable but `=`
MAX_EXPANDED = 2 * 1024 * 1024


def _expanded(text: str, env: dict[str, Variable], origin: Origin) -> Variable:
    """Kubernetes' dependent variables (third_party/forked/golang/expansion): `$(NAME)` is an earlier
    variable's value, `$$` a literal `$`, an undefined name is left as written. One that is known only
    at deploy makes the whole value unknown."""
    unknown = False

    def swap(match: re.Match[str]) -> str:
        nonlocal unknown
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        variable = env.get(name) if name in env or isinstance(env, OpenEnvironment) else None
        if variable is None:
            return match.group(0)
        if variable.origin.kind == "unset":
            unknown = True
        return variable.value

    size = 0

    def bounded(match: re.Match[str]) -> str:
        nonlocal size
        piece = swap(match)
        size += len(piece)
        if size > MAX_EXPANDED:
            raise InputError(f"{WHAT} {origin.file}:{origin.line}: a value grows past 2 MiB once its $(...) "
                             "references are expanded")
        return piece

    result = _REFERENCE.sub(bounded, text) if "$" in text else text
    return Variable("", Origin("unset", origin.file, origin.line)) if unknown else Variable(result, origin)


def _value_from(source: dict[str, Any], workload: Manifest, manifests: Sequence[Manifest],
                at: Location) -> Variable | None:
    """The value a reference gives; unknown when its ConfigMap or Secret is not among the manifests;
    None when it is and lacks the key (the variable is then not set: `optional: true`, or a pod that
    does not start)."""
    unknown = Variable("", Origin("unset", at.file, at.line))
    for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
        ref = source.get(key)
        if isinstance(ref, dict):
            found = _find(manifests, kind, str(ref.get("name", "")), workload.namespace)
            if found is None:
                return unknown
            return _data(found).get(str(ref.get("key", "")))
    return unknown  # fieldRef, resourceFieldRef: the pod's own, known when it runs


def _find(manifests: Sequence[Manifest], kind: str, name: str, namespace: str | None) -> Manifest | None:
    """The ConfigMap or Secret of that name in the workload's namespace: one written in that namespace,
    else one without a namespace (it lands in whichever namespace it is applied to). Two that differ
    at the same rank are refused: which one the cluster holds depends on the order they are applied."""
    exact = [m for m in manifests if m.kind == kind and m.name == name and m.namespace == namespace]
    # one without a namespace lands in the workload's; one in a namespace a namespace-less workload may not
    # be applied to is not known to be its (resolved, it passed the gate on what the cluster never gives it)
    loose = [m for m in manifests if m.kind == kind and m.name == name and m.namespace is None
             and namespace is not None]
    matches = exact or loose
    if len({repr(_payload(m)) for m in matches}) > 1:
        raise InputError(f"{WHAT}s: {kind} {name} is defined more than once with different data ("
                         + ", ".join(sorted({m.rel for m in matches})) + "): which one the workload reads "
                         "depends on the order they are applied")
    return matches[-1] if matches else None


def _payload(manifest: Manifest) -> tuple[Any, Any]:
    return manifest.body.get("data"), manifest.body.get("stringData")


def _data(manifest: Manifest) -> dict[str, Variable]:
    """A ConfigMap's data, or a Secret's data (base64) with stringData over it; each at its line."""
    out: dict[str, Variable] = {}
    fields = ("data",) if manifest.kind == "ConfigMap" else ("data", "stringData")
    for part in fields:
        values = manifest.body.get(part)
        if not isinstance(values, dict):
            continue
        for key, raw in values.items():
            text = "" if raw is None else str(raw)
            if manifest.kind == "Secret" and part == "data":
                text = _decoded(text, manifest, str(key))
            where = manifest.at((part, str(key)))
            if manifest.kind == "Secret":
                if len(text) > MAX_SECRET_VALUE:  # stringData as data (a 2 MB value cost 650 MB to mask)
                    raise InputError(f"{WHAT} {manifest.rel}: Secret {manifest.name} {part} {key} is larger than "
                                     f"64 KiB (line {where.line})")
                try:
                    register(*secret_forms(text))
                except InputError as exc:  # the budget of all secrets: name the one that went past it
                    raise InputError(f"{WHAT} {where.file}:{where.line}: Secret {manifest.name} {part} {key}: "
                                     f"{exc}") from None
            out[str(key)] = Variable(text, Origin("manifest", where.file, where.line))
    return out


def _decoded(text: str, manifest: Manifest, key: str) -> str:
    if len(text) > MAX_SECRET_VALUE:
        raise InputError(f"{WHAT} {manifest.rel}: Secret {manifest.name} data {key} is larger than 64 KiB")
    try:
        return base64.b64decode("".join(text.split()), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InputError(f"{WHAT} {manifest.rel}: Secret {manifest.name} data {key} is not base64 of UTF-8 "
                         f"text (line {manifest.at(('data', key)).line})") from None
