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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.redact import register
from auditor.report.model import Location
from auditor.sources.files.environment import Origin, Variable
from auditor.sources.files.om_config import IMAGE_DEFAULT, ImageDefault, read_om_config
from auditor.sources.files.result import FileFacts, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc

WHAT = "Kubernetes manifest"
WORKLOADS = ("Deployment", "StatefulSet")
MAX_SECRET_VALUE = 64 * 1024


@dataclass(frozen=True)
class Manifest:
    """One object of a manifest file, with the document its lines are in."""

    kind: str
    name: str
    namespace: str | None
    body: dict[str, Any]
    doc: Doc
    rel: str
    # Where each part was written when it came from several files (a kustomize overlay's patches and
    # generators): path -> location. Empty: the document's own lines.
    origins: dict[tuple[str | int, ...], Location] = field(default_factory=dict)

    def at(self, path: tuple[str | int, ...]) -> Location:
        """Where a part was written: the nearest written ancestor, in the patch or generator that set it
        or in the object's own document, whichever is nearer."""
        for n in range(len(path), -1, -1):
            if path[:n] in self.origins:
                return self.origins[path[:n]]
            if path[:n] in self.doc.lines:
                return Location(self.rel, self.doc.lines[path[:n]])
        return Location(self.rel, None)


def load_manifests(paths: Sequence[Path], root: Path) -> list[Manifest]:
    out: list[Manifest] = []
    for path in paths:
        rel = relative(path, root)
        for doc in read_yaml(path, root, WHAT):
            body = doc.value
            if isinstance(body, dict) and isinstance(body.get("kind"), str) and "apiVersion" in body:
                meta = _dict(body.get("metadata"))
                namespace = meta.get("namespace")
                out.append(Manifest(body["kind"], str(meta.get("name", "")),
                                    str(namespace) if namespace is not None else None, body, doc, rel))
    return out


def chart_sources(manifest: Manifest) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """An Argo CD Application's sources that install the openmetadata chart: (path, source)."""
    if manifest.kind != "Application" or not str(manifest.body.get("apiVersion", "")).startswith("argoproj.io"):
        return []
    spec = _dict(manifest.body.get("spec"))
    found: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
    if isinstance(spec.get("source"), dict):
        found.append((("spec", "source"), spec["source"]))
    found += [(("spec", "sources", i), s) for i, s in enumerate(_list(spec.get("sources"))) if isinstance(s, dict)]
    return [(path, source) for path, source in found if str(source.get("chart", "")).rsplit("/", 1)[-1]
            == "openmetadata"]


def _containers(workload: Manifest) -> list[tuple[int, dict[str, Any]]]:
    pod = _dict(_dict(_dict(workload.body.get("spec")).get("template")).get("spec"))
    return [(i, c) for i, c in enumerate(_list(pod.get("containers"))) if isinstance(c, dict)]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def server_containers(manifests: Sequence[Manifest]) -> list[tuple[Manifest, int, dict[str, Any]]]:
    """Every container that runs OpenMetadata's server: the official image (openmetadata/server), else
    an image of that name built in-house (`hospital-openmetadata:2.0`) that is not the ingestion
    image nor a migration; init containers (the migration, in the official chart) are not servers."""
    official = [(m, i, c) for m in manifests if m.kind in WORKLOADS for i, c in _containers(m)
                if "openmetadata/server" in str(c.get("image", ""))]
    return official or [(m, i, c) for m in manifests if m.kind in WORKLOADS for i, c in _containers(m)
                        if _own_build(c)]


def _own_build(container: dict[str, Any]) -> bool:
    image = str(container.get("image", "")).lower().rsplit("/", 1)[-1]
    command = " ".join(str(part) for part in _list(container.get("command")) + _list(container.get("args")))
    return "openmetadata" in image and "ingestion" not in image and "migrate" not in command


def read_manifests(paths: Sequence[Path], root: Path) -> list[FileFacts]:
    from auditor.sources.files.kustomize import NAMES, overlay_roots, render  # lazy: kustomize only when given

    kustomizations = [p for p in paths if p.name in NAMES]
    rendered_notes: list[str] = []
    if kustomizations:  # the overlay renders its own manifests; others given beside it are named, not mixed in
        overlays = overlay_roots(kustomizations, root)
        first = (overlays or kustomizations)[0]
        rendered = render(first, root)
        manifests, rendered_notes = rendered.manifests, rendered.notes
        rendered_notes[:0] = [f"{relative(first, root)}: rendered as a kustomize overlay"] + [
            f"{relative(o, root)}: another kustomize overlay, judged on its own" for o in overlays[1:]]
    else:
        manifests = load_manifests(paths, root)
    result = _judge(manifests, paths, root)
    result[0].notes[:0] = rendered_notes
    return result


def _judge(manifests: Sequence[Manifest], paths: Sequence[Path], root: Path) -> list[FileFacts]:
    servers = server_containers(manifests)
    releases = [(m, path, source) for m in manifests for path, source in chart_sources(m)]
    if not servers and releases:
        return [_application(*releases[0], root)]
    if not servers:
        return [FileFacts(notes=[f"{', '.join(relative(p, root) for p in paths)}: no Deployment or StatefulSet "
                                 "runs OpenMetadata's server (image openmetadata/server): nothing to judge"],
                          file=relative(paths[0], root) if paths else "")]
    workload, index, container = servers[0]
    notes = [f"{m.rel}: {m.kind} {m.name} also runs OpenMetadata's server: judged is {workload.kind} "
             f"{workload.name} ({workload.rel})" for m, _, _ in servers[1:]]
    base = ("spec", "template", "spec", "containers", index)
    env = _environment(container, workload, base, manifests, notes)
    where = workload.at(base)
    result = read_om_config(IMAGE_DEFAULT, root, env, ImageDefault(workload.rel, where))
    result.notes[:0] = notes
    return [result]


class _OpenEnvironment(dict[str, Variable]):
    """A container environment with an envFrom source that is not among the manifests given: any
    variable not set after that source may be set by it, so it is unknown (never the image's default)."""

    def __init__(self, unknown: Variable) -> None:
        super().__init__()
        self.unknown = unknown

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, self.unknown)


def _value_files(app: Manifest, helm: dict[str, Any], root: Path, notes: list[str]) -> list[tuple[Doc, str]]:
    """`valueFiles` found in the scanned tree: a `$ref/path` of a multi-source Application names a file in
    the ref source's repository, read here when the tree holds that path (an app-of-apps repository
    keeps its values beside the Application); any other is named as not read."""
    documents: list[tuple[Doc, str]] = []
    for entry in _list(helm.get("valueFiles")):
        text = str(entry)
        relative_path = text.split("/", 1)[1] if text.startswith("$") and "/" in text else text
        target = root / relative_path
        if "://" in text or not target.is_file() or target.is_symlink() or not target.resolve().is_relative_to(
                root.resolve()):
            notes.append(f"{app.rel}: Application {app.name} valueFiles {text} is not in the scanned tree: not read")
            continue
        docs = read_yaml(target, root, "Helm values")
        if docs and isinstance(docs[0].value, dict):
            documents.append((docs[0], relative(target, root)))
    return documents


def _application(app: Manifest, path: tuple[str | int, ...], source: dict[str, Any], root: Path) -> FileFacts:
    """An Argo CD Application of the openmetadata chart (argo-cd.readthedocs.io, "Helm": `valueFiles`,
    then `values` (a string), then `valuesObject` over it, then `parameters`, as `--set`): judged by
    the chart's values reader at the Application's lines."""
    from auditor.sources.files.helm_values import judge_values, pinned_note

    helm = _dict(source.get("helm"))
    base = (*path, "helm")
    documents: list[tuple[Doc, str]] = []
    notes: list[str] = []
    documents += _value_files(app, helm, root, notes)
    if isinstance(helm.get("values"), str):
        from auditor.sources.files.yaml_doc import YamlError, load

        try:
            inner = load(helm["values"])
        except YamlError as exc:
            raise InputError(f"{WHAT} {app.rel}: Application {app.name} helm.values: {exc}") from None
        start = app.doc.line((*base, "values")) or 1
        if inner and isinstance(inner[0].value, dict):
            inner[0].lines = {k: start + v for k, v in inner[0].lines.items()}
            documents.append((inner[0], app.rel))
    if isinstance(helm.get("valuesObject"), dict):
        prefix = (*base, "valuesObject")
        lines = {k[len(prefix):]: v for k, v in app.doc.lines.items() if k[:len(prefix)] == prefix}
        documents.append((Doc(value=helm["valuesObject"], lines=lines), app.rel))
    for i, parameter in enumerate(_list(helm.get("parameters"))):
        if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
            steps = parameter["name"].split(".")
            nested: Any = parameter.get("value")
            for step in reversed(steps):
                nested = {step: nested}
            line = app.doc.line((*base, "parameters", i)) or 1
            documents.append((Doc(value=nested, lines={tuple(steps[:n]): line for n in range(len(steps) + 1)}),
                              app.rel))
    if not documents:
        documents.append((Doc(value={}, lines={(): app.doc.line(path) or 1}), app.rel))
    result = judge_values(documents)
    revision = source.get("targetRevision")
    notes.append(pinned_note(f"{app.rel}: Application {app.name}", revision if revision else
                             "(no targetRevision: the repository's newest)"))
    result.notes[:0] = notes
    return result


def _environment(container: dict[str, Any], workload: Manifest, base: tuple[str | int, ...],
                 manifests: Sequence[Manifest], notes: list[str]) -> dict[str, Variable]:
    env: dict[str, Variable] = {}
    for i, source in enumerate(_list(container.get("envFrom"))):
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
                env = _OpenEnvironment(Variable("", Origin("unset", at.file, at.line)))
                continue
            for name, variable in _data(found).items():
                env[prefix + name] = variable
    for i, entry in enumerate(_list(container.get("env"))):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        at = workload.at((*base, "env", i))
        if "value" in entry:
            value = entry["value"]
            text = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            env[entry["name"]] = Variable(text, Origin("manifest", at.file, at.line))
            continue
        env[entry["name"]] = _value_from(entry.get("valueFrom"), workload, manifests, at)
    return env


def _value_from(source: Any, workload: Manifest, manifests: Sequence[Manifest], at: Location) -> Variable:
    unknown = Variable("", Origin("unset", at.file, at.line))
    if not isinstance(source, dict):
        return unknown
    for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
        ref = source.get(key)
        if isinstance(ref, dict):
            found = _find(manifests, kind, str(ref.get("name", "")), workload.namespace)
            data = _data(found) if found is not None else {}
            return data.get(str(ref.get("key", "")), unknown)
    return unknown  # fieldRef, resourceFieldRef: the pod's own, known when it runs


def _find(manifests: Sequence[Manifest], kind: str, name: str, namespace: str | None) -> Manifest | None:
    """The ConfigMap or Secret of that name in the workload's namespace (an object without a namespace
    is in whichever namespace it is applied to, as the workload without one is)."""
    matches = [m for m in manifests if m.kind == kind and m.name == name
               and (m.namespace is None or namespace is None or m.namespace == namespace)]
    return matches[-1] if matches else None


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
            if manifest.kind == "Secret":
                register(*secret_forms(text))
            where = manifest.at((part, str(key)))
            out[str(key)] = Variable(text, Origin("manifest", where.file, where.line))
    return out


def secret_forms(text: str) -> list[str]:
    """A secret value as it may be printed: as written, without the trailing newline of `echo | base64`,
    without quotes, and each name of a list (an admin list written `[alice:pw, bob:pw]`)."""
    forms = [text, text.strip(), text.strip().strip("\"'")]
    inner = text.strip().strip("[]")
    if "," in inner:
        forms += [part.strip().strip("\"'") for part in inner.split(",")]
    return forms


def _decoded(text: str, manifest: Manifest, key: str) -> str:
    if len(text) > MAX_SECRET_VALUE:
        raise InputError(f"{WHAT} {manifest.rel}: Secret {manifest.name} data {key} is larger than 64 KiB")
    try:
        return base64.b64decode("".join(text.split()), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InputError(f"{WHAT} {manifest.rel}: Secret {manifest.name} data {key} is not base64 of UTF-8 "
                         f"text (line {manifest.at(('data', key)).line})") from None
