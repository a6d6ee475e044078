"""A kustomize overlay rendered to the manifests it would apply, for the common parts
(kubectl.docs.kubernetes.io/references/kustomize/kustomization/): `resources` (files, and folders
with their own kustomization; `bases` as resources), `namespace`, `configMapGenerator` and
`secretGenerator` with `literals`, `envs` and `env` (behavior create, merge, replace),
`patchesStrategicMerge` and `patches` (a strategic merge patch: containers, env and volumes merged by
name, `$patch: delete`, a null deletes a key; or JSON 6902 add, replace and remove), and `images`
(newName, newTag, digest). What is not rendered (a remote resource, `files` of a generator, a JSON
6902 operation on a path that does not exist) is named in a note; what could change a container's
environment unseen (`replacements`, `components`, `helmCharts`, `vars`, transformers) is refused; a
cycle of kustomizations, a file outside the scanned folder, or more than MAX_DEPTH levels is one
InputError.

Each part keeps where it was written (a patch's env entry points into the patch file), so a finding
points at the line to change. Generator names get no hash suffix: references are rewritten by
kustomize alike, so looking a ConfigMap up by its written name finds the same object.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.common.redact import register
from auditor.report.model import Location
from auditor.sources.files.kinds import POD_SPEC
from auditor.sources.files.manifest import Manifest, secret_forms, server_containers
from auditor.sources.files.result import MAX_YAML_BYTES, relative
from auditor.sources.files.yaml_doc import Doc, YamlError, load

NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
MAX_DEPTH = 16
MAX_OBJECTS = 2_000
_MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
               "volumeMounts": "mountPath", "imagePullSecrets": "name"}


@dataclass
class Rendered:
    manifests: list[Manifest] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def kustomization_in(folder: Path) -> Path | None:
    return next((folder / n for n in NAMES if (folder / n).is_file()), None)


def render(path: Path, root: Path) -> Rendered:
    out = Rendered()
    out.manifests = _render(path, root.resolve(), (), out.notes)
    return out


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any, where: str = "kustomization") -> list[Any]:
    """A list field; a scalar where kustomize wants a list is refused as kustomize refuses it."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where}: a list was expected (kustomize refuses this kustomization)")
    return value


def _load(path: Path, root: Path, what: str) -> list[Doc]:
    rel = relative(path, root)
    try:
        return load(read_input(path, what, MAX_YAML_BYTES))
    except YamlError as exc:
        raise InputError(f"{what} {rel}: {exc}") from None


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return False


def _render(path: Path, root: Path, chain: tuple[str, ...], notes: list[str]) -> list[Manifest]:
    rel = relative(path, root)
    if str(path.resolve()) in chain:
        raise InputError(f"kustomization {rel}: a cycle of kustomizations ({' -> '.join(chain)})")
    if len(chain) >= MAX_DEPTH:
        raise InputError(f"kustomization {rel}: kustomizations nest more than {MAX_DEPTH} deep")
    chain = (*chain, str(path.resolve()))
    docs = _load(path, root, "kustomization")
    spec = docs[0].value if docs and isinstance(docs[0].value, dict) else {}
    lines = docs[0] if docs else Doc(value={})
    folder = path.parent
    manifests: list[Manifest] = []
    # not applied here: judging the overlay without them could pass what they change
    for key in ("patchesJson6902", "transformers", "generators"):
        if spec.get(key):
            raise InputError(f"kustomization {rel}: {key} is not rendered by omaudit: judge the rendered manifests "
                             "(kubectl kustomize DIR > rendered.yaml, then --k8s rendered.yaml)")
    seen_resources: set[str] = set()
    for key in ("resources", "bases"):
        for i, entry in enumerate(_items(spec.get(key), f"kustomization {rel}: {key}")):
            text = str(entry)
            target = folder / text
            if text in seen_resources:  # kustomize refuses a resource listed twice
                raise InputError(f"kustomization {rel}: {key} lists {text} twice")
            seen_resources.add(text)
            if "://" in text or text.startswith(("github.com/", "git@")):
                notes.append(f"{rel}:{lines.line((key, i))}: {key} {text} is remote: not rendered")
                continue
            if not _inside(target, root):
                notes.append(f"{rel}:{lines.line((key, i))}: {key} {text} is outside the scanned folder: not read")
                continue
            if target.is_dir():
                nested = kustomization_in(target)
                if nested is None:
                    notes.append(f"{rel}:{lines.line((key, i))}: {text} has no kustomization: not rendered")
                    continue
                manifests += _render(nested, root, chain, notes)
            elif target.is_file():
                if not target.resolve().is_relative_to(folder.resolve()):
                    # kustomize's load restrictor (LoadRestrictionsRootOnly, the default) refuses a file
                    # outside the kustomization's own folder: such an overlay does not build, so it must not
                    # stand for the manifest it names (an attack hid a plain manifest behind one).
                    raise InputError(f"kustomization {rel}:{lines.line((key, i))}: {key} {text} is a file outside "
                                     "its folder: kustomize refuses to build it")
                manifests += _objects(target, root)
            else:
                notes.append(f"{rel}:{lines.line((key, i))}: {key} {text} does not exist: not rendered")
    for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for i, generator in enumerate(_items(spec.get(key), f"kustomization {rel}: {key}")):
            if isinstance(generator, dict):
                manifests = _generate(kind, generator, (key, i), lines, path, root, manifests, notes)
    for i, entry in enumerate(_items(spec.get("patchesStrategicMerge"), f"kustomization {rel}: patches")):
        for patch, where in _patch_docs(entry, ("patchesStrategicMerge", i), lines, path, root, notes):
            _apply_merge(manifests, patch, where, None)
    for i, entry in enumerate(_items(spec.get("patches"), f"kustomization {rel}: patches")):
        if not isinstance(entry, dict):
            continue
        selector = _dict(entry.get("target")) or None
        if selector is not None and (set(selector) - {"kind", "name", "group", "version", "namespace"} or any(
                ch in str(selector.get("name", "")) for ch in "*?[]()|^$+\\")):
            raise InputError(f"kustomization {rel}: the patch at line {lines.line(('patches', i))} selects by "
                             "label, annotation or pattern, which omaudit does not apply: judge the rendered "
                             "manifests (kubectl kustomize)")
        source = entry.get("path") or entry.get("patch")
        for patch, where in _patch_docs(source, ("patches", i), lines, path, root, notes):
            if isinstance(patch.value, list):
                _apply_json6902(manifests, patch.value, selector, where, notes)
            else:
                _apply_merge(manifests, patch, where, selector)
    for i, image in enumerate(_items(spec.get("images"), f"kustomization {rel}: images")):
        if isinstance(image, dict) and image.get("name"):
            _retag(manifests, image, Location(rel, lines.line(("images", i))))
    for key in ("replacements", "components", "helmCharts", "vars"):
        if spec.get(key):  # each can change a container's environment (or install the chart): never judged without
            raise InputError(f"kustomization {rel}:{lines.line((key,))}: {key} is not rendered by omaudit: judge the "
                             "rendered manifests (kubectl kustomize DIR > rendered.yaml, then --k8s rendered.yaml)")
    namespace = spec.get("namespace")
    if isinstance(namespace, str) and namespace:
        manifests = [Manifest(m.kind, m.name, namespace, m.body, m.doc, m.rel, m.origins) for m in manifests]
    renames = [key for key in ("namePrefix", "nameSuffix") if spec.get(key)]
    # they rename objects and only some of the references to them (found by an attack): refused where they
    # rename what OpenMetadata's server reads, never for another application's overlay (an airflow overlay
    # beside it in stackabletech/openmetadata-dbt-demo)
    if renames and server_containers(manifests):
        raise InputError(f"kustomization {rel}: {renames[0]} is not rendered by omaudit: judge the rendered "
                         "manifests (kubectl kustomize DIR > rendered.yaml, then --k8s rendered.yaml)")
    if len(manifests) > MAX_OBJECTS:
        raise InputError(f"kustomization {rel} renders more than {MAX_OBJECTS} objects")
    return manifests


def _objects(path: Path, root: Path) -> list[Manifest]:
    rel = relative(path, root)
    out = []
    for doc in _load(path, root, "Kubernetes manifest"):
        body = doc.value
        if isinstance(body, dict) and isinstance(body.get("kind"), str):
            meta = _dict(body.get("metadata"))
            namespace = meta.get("namespace")
            out.append(Manifest(body["kind"], str(meta.get("name", "")), None if namespace is None else str(namespace),
                                copy.deepcopy(body), doc, rel))
    return out


def _generate(kind: str, generator: dict[str, Any], key: tuple[str | int, ...], lines: Doc, path: Path, root: Path,
              manifests: list[Manifest], notes: list[str]) -> list[Manifest]:
    rel = relative(path, root)
    name = str(generator.get("name", ""))
    data: dict[str, str] = {}
    origins: dict[tuple[str | int, ...], Location] = {}
    field_name = "data" if kind == "ConfigMap" else "stringData"
    for j, literal in enumerate(_items(generator.get("literals"), f"kustomization {rel}: literals")):
        variable, _, value = str(literal).partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":  # kustomize drops the quotes
            value = value[1:-1]
        data[variable] = value
        origins[(field_name, variable)] = Location(rel, lines.line((*key, "literals", j)))
    env_files = _items(generator.get("envs"), f"kustomization {rel}: envs") + (
        [generator["env"]] if generator.get("env") else [])
    for env_file in env_files:
        target = path.parent / str(env_file)
        if not _inside(target, root) or not target.is_file():
            notes.append(f"{rel}: {kind} {name}'s env file {env_file} is not a file in the scanned folder: not read")
            continue
        env_rel = relative(target, root)
        for n, line in enumerate(read_input(target, "env file", MAX_YAML_BYTES).splitlines(), start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#") and "=" in stripped:
                variable, _, value = stripped.partition("=")
                data[variable.strip()] = value
                origins[(field_name, variable.strip())] = Location(env_rel, n)
    if generator.get("files"):
        notes.append(f"{rel}: {kind} {name}'s files are not read (only literals and env files)")
    if kind == "Secret":
        register(*(form for value in data.values() for form in secret_forms(value)))
    behavior = generator.get("behavior", "create")
    existing = next((m for m in manifests if m.kind == kind and m.name == name), None)
    if existing is not None and behavior in ("merge", "replace"):
        body = existing.body
        merged = dict(body.get(field_name) or {}) if behavior == "merge" else {}
        merged.update(data)
        body[field_name] = merged
        if behavior == "replace" and kind == "Secret":  # replace drops the base's data and stringData alike
            body.pop("stringData" if field_name == "data" else "data", None)
        existing.origins.update(origins)
        return manifests
    body = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name}, field_name: data}
    origins[()] = Location(rel, lines.line(key))
    return [*manifests, Manifest(kind, name, None, body, Doc(value=body), rel, origins)]


def _patch_docs(source: Any, key: tuple[str | int, ...], lines: Doc, path: Path, root: Path, notes: list[str]
                ) -> list[tuple[Doc, Location]]:
    """A patch's documents, with where its text starts (an inline patch: the kustomization's line)."""
    rel = relative(path, root)
    if not isinstance(source, str) or not source.strip():
        return []
    if "\n" in source or source.lstrip().startswith(("[", "{", "-", "apiVersion")):
        try:
            docs = load(source)
        except YamlError as exc:
            raise InputError(f"kustomization {rel}: the patch at line {lines.line(key)}: {exc}") from None
        start = lines.line(key) or 1
        for doc in docs:
            doc.lines = {p: start + n for p, n in doc.lines.items()}
        return [(doc, Location(rel, start)) for doc in docs]
    target = path.parent / source
    if not _inside(target, root) or not target.is_file():
        notes.append(f"{rel}:{lines.line(key)}: patch {source} is not a file in the scanned folder: not applied")
        return []
    target_rel = relative(target, root)
    return [(doc, Location(target_rel, doc.line(()))) for doc in _load(target, root, "kustomize patch")]


def _matches(manifest: Manifest, patch: dict[str, Any], target: dict[str, Any] | None) -> bool:
    """A patch's object, by kind and name, and by namespace where the patch or its target names one (a
    patch for `staging` does not change `prod`'s object of the same name)."""
    if target is not None:
        group, _, version = str(manifest.body.get("apiVersion", "")).rpartition("/")
        # a target's group and version select too (kustomize's resid.Gvk): `group: batch` on a Deployment of
        # apps/v1 patches nothing (applied anyway, it passed what kustomize never renders: found by an attack)
        return all(str(target.get(k)) == v for k, v in (("kind", manifest.kind), ("name", manifest.name),
                                                          ("namespace", manifest.namespace), ("group", group),
                                                          ("version", version))
                   if target.get(k) is not None)
    meta = _dict(patch.get("metadata"))
    namespace = meta.get("namespace")
    return patch.get("kind") == manifest.kind and str(meta.get("name", "")) == manifest.name and (
        namespace is None or str(namespace) == manifest.namespace)


def _apply_merge(manifests: list[Manifest], patch: Doc, where: Location, target: dict[str, Any] | None) -> None:
    if not isinstance(patch.value, dict):
        return
    file = where.file
    for manifest in manifests:
        if _matches(manifest, patch.value, target):
            _merge(manifest.body, patch.value, (), (), manifest, patch, file)


def _merge(base: dict[str, Any], over: dict[str, Any], path: tuple[str | int, ...], patch_path: tuple[str | int, ...],
           manifest: Manifest, patch: Doc, file: str) -> None:
    """Strategic merge (kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch)."""
    if over.get("$patch") in ("replace", "delete") and path:
        raise InputError(f"kustomize patch {file}: `$patch: {over['$patch']}` on a map is not applied by omaudit: "
                         "judge the rendered manifests (kubectl kustomize)")
    for key, value in over.items():
        if key in ("apiVersion", "kind") and not path:
            continue
        here, there = (*path, key), (*patch_path, key)
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, here, there, manifest, patch, file)
        elif isinstance(value, list) and key in _MERGE_KEYS and isinstance(base.get(key), list):
            _merge_list(base[key], value, _MERGE_KEYS[key], here, there, manifest, patch, file)
        else:
            base[key] = copy.deepcopy(value)
            _note_origin(manifest, here, value, patch, there, file)


def _merge_list(base: list[Any], over: list[Any], merge_key: str, path: tuple[str | int, ...],
                patch_path: tuple[str | int, ...], manifest: Manifest, patch: Doc, file: str) -> None:
    for j, item in enumerate(over):
        if isinstance(item, dict) and merge_key not in item and set(item) & {"$patch", "$retainKeys"}:
            # `- $patch: replace` replaces the whole list; directives are not applied here.
            raise InputError(f"kustomize patch {file}:{patch.line((*patch_path, j)) or '?'}: a `$patch` directive "
                             "in a list is not applied by omaudit: judge the rendered manifests (kubectl kustomize)")
        if not isinstance(item, dict) or merge_key not in item:
            continue
        index = next((i for i, b in enumerate(base) if isinstance(b, dict) and b.get(merge_key) == item[merge_key]),
                     None)
        if item.get("$patch") == "delete":
            if index is not None:
                del base[index]
            continue
        if index is None:
            base.append(copy.deepcopy(item))
            _note_origin(manifest, (*path, len(base) - 1), item, patch, (*patch_path, j), file)
        else:
            _merge(base[index], item, (*path, index), (*patch_path, j), manifest, patch, file)
            manifest.origins[(*path, index)] = Location(file, patch.line((*patch_path, j)))


def _note_origin(manifest: Manifest, path: tuple[str | int, ...], value: Any, patch: Doc,
                 patch_path: tuple[str | int, ...], file: str) -> None:
    """The patched value and everything in it were written in the patch."""
    manifest.origins[path] = Location(file, patch.line(patch_path))
    if isinstance(value, dict):
        for key, inner in value.items():
            _note_origin(manifest, (*path, key), inner, patch, (*patch_path, key), file)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _note_origin(manifest, (*path, i), inner, patch, (*patch_path, i), file)


def _apply_json6902(manifests: list[Manifest], operations: list[Any], target: dict[str, Any] | None,
                    where: Location, notes: list[str]) -> None:
    for manifest in manifests:
        if target is None or not _matches(manifest, {}, target):
            continue
        for operation in operations:
            if not isinstance(operation, dict):
                continue
            op, pointer = operation.get("op"), str(operation.get("path", ""))
            steps: list[str | int] = [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]]
            parent: Any = manifest.body
            for step in steps[:-1]:
                if isinstance(parent, list):
                    position = _index(step)
                    parent = parent[position] if position is not None and position < len(parent) else None
                else:
                    parent = parent.get(step) if isinstance(parent, dict) else None
            last = steps[-1] if steps else None
            if op not in ("add", "replace", "remove", "test"):  # move and copy: refused, never a note
                raise InputError(f"{where}: JSON patch {op} {pointer} on {manifest.kind} {manifest.name} is not "
                                 "rendered by omaudit: judge the rendered manifests (kubectl kustomize DIR > "
                                 "rendered.yaml, then --k8s rendered.yaml)")
            if op == "test":
                continue
            if parent is None or last is None:
                notes.append(f"{where}: JSON patch {op} {pointer} on {manifest.kind} {manifest.name} is not applied")
                continue
            if isinstance(parent, list):
                index = len(parent) if last == "-" else _index(last)
                if index is None or index > len(parent):
                    notes.append(f"{where}: JSON patch {op} {pointer} is not applied")
                    continue
                if op == "remove":
                    if index < len(parent):
                        del parent[index]
                elif op == "add":
                    parent.insert(index, copy.deepcopy(operation.get("value")))
                elif index < len(parent):
                    parent[index] = copy.deepcopy(operation.get("value"))
                manifest.origins[_pointer((*steps[:-1], index))] = where
            elif isinstance(parent, dict):
                if op == "remove":
                    parent.pop(str(last), None)
                else:
                    parent[str(last)] = copy.deepcopy(operation.get("value"))
                    manifest.origins[_pointer(tuple(steps))] = where


def _index(step: Any) -> int | None:
    """A JSON pointer's array index: ASCII digits, at most 6 of them (no `²`, no 5,000-digit number)."""
    text = str(step)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


def _pointer(steps: tuple[Any, ...]) -> tuple[str | int, ...]:
    keys: list[str | int] = []
    for step in steps:
        index = _index(step)
        keys.append(str(step) if index is None else index)
    return tuple(keys)


def _retag(manifests: list[Manifest], image: dict[str, Any], where: Location) -> None:
    name = str(image["name"])
    for manifest in manifests:
        spec_path = POD_SPEC.get(manifest.kind, ("spec", "template", "spec"))  # kustomize's images fields
        pod: Any = manifest.body
        for step in spec_path:
            pod = _dict(pod).get(step)
        pod = _dict(pod)
        for key in ("containers", "initContainers"):
            for i, container in enumerate(pod.get(key) or []):
                current = str(container.get("image", "")) if isinstance(container, dict) else ""
                repository = current.split("@", 1)[0].rsplit(":", 1)[0] if ":" in current.rsplit("/", 1)[-1] \
                    else current.split("@", 1)[0]
                if repository != name:
                    continue
                new = str(image.get("newName") or repository)
                if image.get("digest"):
                    new += f"@{image['digest']}"
                elif image.get("newTag"):
                    new += f":{image['newTag']}"
                container["image"] = new
                manifest.origins[(*spec_path, key, i, "image")] = where


def overlay_roots(kustomizations: list[Path], root: Path) -> list[Path]:
    """The kustomizations that are deployments (`kubectl apply -k` of each): those no other one
    includes, and those that include another one themselves (an overlay a decoy overlay includes is
    still an overlay: found by an attack); a base of plain resources is rendered inside each overlay
    that includes it."""
    included: set[Path] = set()
    including: set[Path] = set()
    for path in kustomizations:
        try:
            docs = _load(path, root.resolve(), "kustomization")
        except InputError:
            continue
        spec = docs[0].value if docs and isinstance(docs[0].value, dict) else {}
        for key in ("resources", "bases"):
            entries = spec.get(key)
            for entry in entries if isinstance(entries, list) else []:
                nested = kustomization_in(path.parent / str(entry)) if (path.parent / str(entry)).is_dir() else None
                if nested is not None:
                    included.add(nested.resolve())
                    including.add(path.resolve())
    return [p for p in kustomizations if p.resolve() not in included or p.resolve() in including]
