"""Kubernetes objects as read from manifest files: each object with the document its lines are in.
Shared by the workload reader (kubernetes), Argo CD Applications (argocd) and kustomize."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.common.errors import InputError
from auditor.report.model import Location
from auditor.sources.files.kinds import POD_SPEC
from auditor.sources.files.result import read_yaml, relative
from auditor.sources.files.yaml_doc import Doc, Tagged

WHAT = "Kubernetes manifest"


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
    generated_by: str | None = None  # the ApplicationSet an Application was generated from
    unrendered: str | None = None  # why omaudit cannot tell what the ApplicationSet generates here

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
            out += _objects(doc, rel)
    return out


def _objects(doc: Doc, rel: str) -> list[Manifest]:
    """The objects of one document: itself, or each item of a `kind: List` (kubectl applies a List's
    items one by one: kubernetes.io/docs/reference/using-api/api-concepts, "Collections")."""
    body = doc.value
    if not (isinstance(body, dict) and isinstance(body.get("kind"), str) and "apiVersion" in body):
        return []
    _refuse_tags(body, rel, doc, ())
    if body["kind"] == "List" or (body["kind"].endswith("List") and isinstance(body.get("items"), list)):
        out: list[Manifest] = []
        for i, item in enumerate(as_list(body.get("items"))):
            prefix = ("items", i)
            lines = {k[2:]: v for k, v in doc.lines.items() if k[:2] == prefix}
            out += _objects(Doc(value=item, lines=lines), rel)
        return out
    meta = as_dict(body.get("metadata"))
    namespace = meta.get("namespace")
    return [Manifest(body["kind"], str(meta.get("name", "")), str(namespace) if namespace is not None else None,
                     body, doc, rel)]


def _refuse_tags(value: Any, rel: str, doc: Doc, path: tuple[str | int, ...]) -> None:
    """A local YAML tag (`value: !x basic`) means nothing to Kubernetes' decoder, which refuses or
    reads it differently from here: never judged as the tag's text."""
    if isinstance(value, Tagged):
        raise InputError(f"{WHAT} {rel}:{doc.line(path) or '?'}: a YAML tag (!{value.tag}) in a Kubernetes "
                         "object: not judged (kubectl does not apply it as written)")
    if isinstance(value, dict):
        for key, inner in value.items():
            _refuse_tags(inner, rel, doc, (*path, str(key)))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _refuse_tags(inner, rel, doc, (*path, i))


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


MAX_SECRET_VALUE = 64 * 1024


def secret_forms(text: str) -> list[str]:
    """A secret value as it may be printed: as written, without the trailing newline of `echo | base64`,
    without quotes, and each name of a list (an admin list written `[alice:pw, bob:pw]`)."""
    forms = [text, text.strip(), text.strip().strip("\"'")]
    inner = text.strip().strip("[]")
    if "," in inner:
        forms += [part.strip().strip("\"'") for part in inner.split(",")]
    if any(mark in text for mark in ("\\", "[", "\"", "'")) and len(text) <= MAX_SECRET_VALUE:
        forms += _as_yaml(text)  # `"Kx\x39Cnry"` is printed as YAML decodes it
    return forms


def _as_yaml(text: str) -> list[str]:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if isinstance(item, str | int | float) and not isinstance(item, bool)]


WORKLOADS = tuple(POD_SPEC)


def _containers(workload: Manifest) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(path from the manifest's root, container) of every container that runs for the pod's life: its
    containers, and init containers with `restartPolicy: Always` (native sidecars, Kubernetes 1.29)."""
    pod: Any = workload.body
    for step in POD_SPEC.get(workload.kind, ("-",)):
        pod = as_dict(pod).get(step)
    spec = POD_SPEC.get(workload.kind, ())
    found: list[tuple[tuple[str | int, ...], dict[str, Any]]] = [
        ((*spec, "containers", i), c) for i, c in enumerate(as_list(as_dict(pod).get("containers")))
        if isinstance(c, dict)]
    found += [((*spec, "initContainers", i), c) for i, c in enumerate(as_list(as_dict(pod).get("initContainers")))
              if isinstance(c, dict) and c.get("restartPolicy") == "Always"]
    return found


def server_containers(manifests: Sequence[Manifest]) -> list[tuple[Manifest, tuple[str | int, ...], dict[str, Any]]]:
    """Every container that runs OpenMetadata's server, in every workload kind: the official image
    (openmetadata/server) or an image of that name built in-house (`hospital-openmetadata:2.0`), not
    the ingestion image nor a migration; init containers (the migration, in the official chart) are
    not servers. Every one is judged: a decoy beside the real server must not hide it."""
    return [(m, at, c) for m in manifests if m.kind in WORKLOADS for at, c in _containers(m) if _runs_server(c)]


def _runs_server(container: dict[str, Any]) -> bool:
    """A migration (`openmetadata-ops.sh migrate`) is not the server; a command that migrates and then
    starts the server is."""
    image = str(container.get("image", "")).lower()
    command = " ".join(str(part) for part in as_list(container.get("command")) + as_list(container.get("args")))
    name = image.rsplit("/", 1)[-1]
    return ("openmetadata/server" in image or ("openmetadata" in name and "ingestion" not in name)) and (
        "migrate" not in command or "start" in command)
