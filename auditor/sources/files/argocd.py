"""Argo CD Applications (and the Applications an ApplicationSet generates) that install the openmetadata
chart, judged by the chart's values reader at the Application's lines.

Argo CD's Helm sources (argo-cd.readthedocs.io, user-guide/helm and user-guide/multiple_sources):
`valueFiles` in order, then `values` (a string), then `valuesObject` over it, then `parameters` as
`--set`. A plain `valueFiles` entry is a path in the chart's own source (its Helm package, or its git
path); `$name/path` is a path in the repository of the source whose `ref` is `name`, at that source's
`targetRevision`. A file omaudit cannot tie to the scanned checkout is unknown, never read from the
tree in its place: a pull request can add a file at the path a ref to another repository names.
The operator ties a repository to the checkout with `--repo-url` and `--repo-revision`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.facts.snapshot import CONF_KEYS, OM_AUTH_CONFIG, OM_SECURITY_CONFIG
from auditor.sources.files.checkout import Checkout
from auditor.sources.files.helm_set import assignments, set_document, typed
from auditor.sources.files.helm_values import judge_values, unofficial_chart, without_credentials
from auditor.sources.files.manifest import WHAT, Manifest, as_dict, as_list
from auditor.sources.files.result import FileFacts, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc, YamlError, load

Path_ = tuple[str | int, ...]


def applications(manifests: Sequence[Manifest]) -> list[Manifest]:
    """The Applications the manifests hold: each Application, and those each ApplicationSet generates."""
    out: list[Manifest] = []
    for manifest in manifests:
        if not str(manifest.body.get("apiVersion", "")).startswith("argoproj.io"):
            continue
        if manifest.kind == "Application":
            out.append(manifest)
        elif manifest.kind == "ApplicationSet":
            out += _generated(manifest)
    return out


def _generated(appset: Manifest) -> list[Manifest]:
    """The ApplicationSet's template as Applications: one per element of its `list` generators (`elements`,
    or `elementsYaml`), their parameters put in (`{{name}}`, or `{{.name}}` with goTemplate); any other
    generator gives the template as written, and what a placeholder decides stays unknown. What omaudit
    does not render (a `templatePatch`, a generator's own `template`, which Argo CD merges over
    spec.template: applicationset/generators mergeGeneratorTemplate) makes them unknown, never judged
    as the template reads (found by an attack)."""
    spec = as_dict(appset.body.get("spec"))
    template = as_dict(spec.get("template"))
    lines = {k[2:]: v for k, v in appset.doc.lines.items() if k[:2] == ("spec", "template")}
    lines[()] = appset.doc.line(()) or 1
    generators = [as_dict(g) for g in as_list(spec.get("generators"))]
    unrendered = ("its templatePatch" if "templatePatch" in spec else
                  "a generator's own template" if any("template" in as_dict(inner) for g in generators
                                                      for inner in g.values()) else None)
    elements: list[Any] = []
    listed = bool(generators) and all(set(g) == {"list"} for g in generators)
    for generator in generators if listed else []:
        listing = as_dict(generator["list"])
        elements += as_list(listing.get("elements"))
        if isinstance(listing.get("elementsYaml"), str):
            more = _elements_yaml(listing["elementsYaml"])
            if more is None:
                unrendered = unrendered or "its elementsYaml"
                elements.append({})
            else:
                elements += more
    if not all(isinstance(e, dict) for e in elements):
        unrendered, elements = unrendered or "a list element that is not a map", [{}]
    go = spec.get("goTemplate") is True
    made: list[Manifest] = []
    for i, params in enumerate(elements if listed else [None]):
        body = {"apiVersion": appset.body["apiVersion"], "kind": "Application",
                **(_filled(template, params, go) if params is not None else template)}
        name = str(as_dict(body.get("metadata")).get("name") or "")
        if not name or "{{" in name:
            name = f"{appset.name}[{i}]" if params is not None else f"{appset.name} (template)"
        made.append(Manifest("Application", name, appset.namespace, body, Doc(value=body, lines=lines),
                             appset.rel, appset.origins, generated_by=f"ApplicationSet {appset.name}",
                             unrendered=unrendered))
    return made


def _elements_yaml(text: str) -> list[Any] | None:
    """A list generator's `elementsYaml` (a YAML list of maps), or None where it is itself a template."""
    if "{{" in text:
        return None
    try:
        docs = load(text)
    except YamlError:
        return None
    value = docs[0].value if docs else []
    return value if isinstance(value, list) else None


def _filled(value: Any, params: dict[str, Any], go: bool) -> Any:
    """The template with an element's parameters in its strings (Argo CD's fasttemplate `{{key}}`, keys
    of nested maps joined with dots; or Go's `{{.key}}`); a placeholder it does not name is left."""
    flat = _flat(params)
    pattern = r"\{\{\s*\.([\w.]+)\s*\}\}" if go else r"\{\{\s*([\w.-]+)\s*\}\}"
    if isinstance(value, str):
        return re.sub(pattern, lambda m: flat.get(m.group(1), m.group(0)), value)
    if isinstance(value, dict):
        return {k: _filled(v, params, go) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, params, go) for v in value]
    return value


def _flat(params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif value is not None and not isinstance(value, list):
            out[f"{prefix}{key}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def chart_sources(manifest: Manifest) -> list[tuple[Path_, dict[str, Any]]]:
    """An Argo CD Application's sources that install the openmetadata chart: (path, source)."""
    if manifest.kind != "Application" or not str(manifest.body.get("apiVersion", "")).startswith("argoproj.io"):
        return []
    spec = as_dict(manifest.body.get("spec"))
    found: list[tuple[Path_, dict[str, Any]]] = []
    if as_list(spec.get("sources")):  # "When you specify the sources field, Argo CD will ignore the source field"
        found += [(("spec", "sources", i), s) for i, s in enumerate(spec["sources"]) if isinstance(s, dict)]
    elif isinstance(spec.get("source"), dict):
        found.append((("spec", "source"), spec["source"]))
    return [(path, source) for path, source in found if _is_chart(source)]


def _is_chart(source: dict[str, Any]) -> bool:
    """The openmetadata chart from a Helm repository (`chart: openmetadata`), or from a git repository
    (`path: charts/openmetadata`, as open-metadata/openmetadata-helm-charts lays it out)."""
    if source.get("chart") is not None:
        return str(source["chart"]).rstrip("/").rsplit("/", 1)[-1] == "openmetadata"
    steps = posixpath.normpath("/" + str(source.get("path", ""))).strip("/").split("/")  # Argo CD cleans it
    return steps[-1] == "openmetadata" and (steps[-2:-1] == ["charts"]
                                            or "openmetadata-helm-charts" in str(source.get("repoURL", "")))


_BUILD_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_LEFT_TO_ARGO = re.compile(r"^(ARGOCD_|KUBE_)")


def envsubst(text: str, app: Manifest) -> str | None:
    """A parameter value or value file path as Argo CD's repo server substitutes it (reposerver helmTemplate
    and getResolvedValueFiles: `env.Envsubst`, os.Expand over the build environment, "" for a name it
    does not set; argo-cd.readthedocs.io user-guide/build-environment). None (unknown) where it names a
    build variable other than the application's name and namespace, or uses `$` in a form omaudit does
    not parse: `./conf/private_key.der${X}` is the shipped key file to Argo CD (found by an attack)."""
    if "$" not in text:
        return text
    known = {"ARGOCD_APP_NAME": app.name}
    namespace = as_dict(as_dict(app.body.get("spec")).get("destination")).get("namespace")
    if isinstance(namespace, str):
        known["ARGOCD_APP_NAMESPACE"] = namespace
    unknown = False

    def value(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(2)
        if name in known:
            return known[name]
        unknown = unknown or bool(_LEFT_TO_ARGO.match(name))
        return ""

    out = _BUILD_VARIABLE.sub(value, text)
    return None if unknown or "$" in _BUILD_VARIABLE.sub("", text) else out


def _in_tree(relative_path: str, root: Path) -> Path | None:
    """The tree's file at a repository path, if it is a plain file inside the tree."""
    target = root / posixpath.normpath(relative_path.lstrip("/"))
    if not target.is_file() or target.is_symlink() or not target.resolve().is_relative_to(root.resolve()):
        return None
    return target


def _ref_source(app: Manifest, name: str) -> dict[str, Any] | None:
    sources = as_list(as_dict(app.body.get("spec")).get("sources"))
    return next((s for s in sources if isinstance(s, dict) and s.get("ref") == name), None)


@dataclass(frozen=True)
class _ValueFile:
    """Where a `valueFiles` entry is: the tree's file, the chart's own defaults, or unknown (why)."""

    path: Path | None = None
    chart_default: bool = False
    unknown: str | None = None


def _locate(written: str, app: Manifest, source: dict[str, Any], root: Path, checkout: Checkout | None
            ) -> _ValueFile:
    """Where Argo CD finds a `valueFiles` entry (reposerver getResolvedValueFiles): `$ref/path` in the
    ref source's repository, anything else in the chart's own source; the path after the ref (or the
    whole entry) completed from the build environment first."""
    name, _, inner = written[1:].partition("/") if written.startswith("$") else ("", "", "")
    ref = _ref_source(app, name) if name else None
    text = envsubst(inner if ref is not None else written, app)
    if text is None:
        return _ValueFile(unknown="a path Argo CD completes from its build environment")
    if "://" in text:
        return _ValueFile(unknown="a remote file")
    if ref is not None:
        repo_path = text
    else:
        if posixpath.normpath(text) == "values.yaml":  # the chart's own values.yaml: its defaults, layered anyway
            return _ValueFile(chart_default=True)
        if source.get("chart") is not None:
            return _ValueFile(unknown="a file of the chart's package")
        ref, repo_path = source, posixpath.join(str(source.get("path", "")), text)
    where = f"{without_credentials(str(ref.get('repoURL', '?')))} at {ref.get('targetRevision') or 'HEAD'}"
    if checkout is None or not checkout.holds(ref):
        return _ValueFile(unknown=f"a file of {where}, which --repo-url and --repo-revision do not name as "
                                  "the scanned checkout")
    found = _in_tree(repo_path, root)
    if found is None:
        return _ValueFile(unknown=f"not in the scanned checkout ({where})")
    return _ValueFile(path=found)


def value_files_read(manifests: Sequence[Manifest], root: Path) -> set[Path]:
    """The tree's files the Applications name as chart values (`$ref/path`): part of the Application's
    deployment (read, or unknown), never a deployment of their own (they would be judged twice, as
    defaults-filled charts)."""
    return {target.resolve() for app in applications(manifests) for _, source in chart_sources(app)
            for entry in as_list(as_dict(source.get("helm")).get("valueFiles"))
            if str(entry).startswith("$") and "/" in str(entry)
            and (target := _in_tree(str(entry).split("/", 1)[1], root)) is not None}


def _value_files(app: Manifest, source: dict[str, Any], root: Path, checkout: Checkout | None,
                 notes: list[str], unread: list[str]) -> list[tuple[Doc, str]]:
    """The `valueFiles` read from the tree, in order; each one omaudit cannot read is named in `unread`
    (`ignoreMissingValueFiles` skips only a file of the checkout that is missing)."""
    helm = as_dict(source.get("helm"))
    documents: list[tuple[Doc, str]] = []
    for entry in as_list(helm.get("valueFiles")):
        text = str(entry)
        found = _locate(text, app, source, root, checkout)
        if found.chart_default:
            notes.append(f"{app.rel}: Application {app.name} valueFiles {text} is the chart's own values.yaml")
            continue
        if found.path is None:
            if helm.get("ignoreMissingValueFiles") is True and found.unknown and \
                    found.unknown.startswith("not in the scanned checkout"):
                notes.append(f"{app.rel}: Application {app.name} valueFiles {text} is missing and skipped "
                             "(ignoreMissingValueFiles)")
                continue
            notes.append(f"{app.rel}: Application {app.name} valueFiles {text}: {found.unknown}: not read")
            unread.append(f"{text} ({found.unknown})")
            continue
        docs = read_yaml(found.path, root, "Helm values")
        if docs and isinstance(docs[0].value, dict):
            documents.append((docs[0], relative(found.path, root)))
    return documents


def _source_overrides(app: Manifest, source: dict[str, Any], root: Path) -> str | None:
    """`.argocd-source.yaml` or `.argocd-source-<app>.yaml` at a git source's path in the tree: Argo CD
    merges them over the source's helm settings (reposerver mergeSourceParameters), which omaudit does
    not render (found by an attack)."""
    if source.get("chart") is not None or not isinstance(source.get("path"), str):
        return None
    folder = posixpath.normpath(str(source["path"]).lstrip("/"))
    for name in (".argocd-source.yaml", f".argocd-source-{app.name}.yaml"):
        if _in_tree(posixpath.join(folder, name), root) is not None:
            return posixpath.join(folder, name)
    return None


def judge_application(app: Manifest, path: Path_, source: dict[str, Any], root: Path,
                      checkout: Checkout | None = None) -> FileFacts:
    """An Argo CD Application of the openmetadata chart, judged as Helm would render it."""
    helm = as_dict(source.get("helm"))
    base = (*path, "helm")
    notes: list[str] = []
    unread: list[str] = []
    documents = _value_files(app, source, root, checkout, notes, unread)
    placeholder = app.generated_by is not None and "{{" in str({k: source.get(k) for k in (
        "helm", "chart", "path", "targetRevision", "repoURL")})
    if app.unrendered is not None:
        unread.append(f"{app.generated_by}: {app.unrendered}, which omaudit does not render")
    elif placeholder:
        unread.append(f"{app.generated_by}'s template placeholders")
    if as_list(helm.get("fileParameters")):  # `helm --set-file` with files of the chart's source
        unread.append("fileParameters (helm --set-file)")
    overrides = _source_overrides(app, source, root)
    if overrides:
        unread.append(f"{overrides} (Argo CD merges it over the source's parameters)")
    parameters = []
    for i, parameter in enumerate(as_list(helm.get("parameters"))):
        if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
            value = envsubst(str(parameter.get("value") or ""), app)
            if value is None:
                unread.append(f"parameter {parameter['name']} (completed from Argo CD's build environment)")
            parameters.append((i, parameter, value or ""))
    if unread:  # what it sets is unknown: every OpenMetadata setting, never the chart's defaults in its place
        reason = f"Application {app.name} takes values omaudit cannot read: {'; '.join(unread)}"
        return FileFacts(notes=notes, file=app.rel,
                         unknown=dict.fromkeys((OM_AUTH_CONFIG, OM_SECURITY_CONFIG, *CONF_KEYS), reason))
    # Argo CD reads `values` only without `valuesObject` (ApplicationSourceHelm.ValuesYAML: "if
    # h.ValuesObject == nil || h.ValuesObject.Raw == nil { return []byte(h.Values) }").
    if isinstance(helm.get("values"), str) and not isinstance(helm.get("valuesObject"), dict):
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
    for i, parameter, substituted in parameters:  # `--set`, or `--set-string` if forceString
        # Argo CD passes `--set NAME=VALUE` with the value's commas escaped, the name's not.
        escaped = substituted.replace(",", "\\,")
        line = app.doc.line((*base, "parameters", i)) or 1
        for name, value in assignments(f"{parameter['name']}={escaped}"):
            documents.append(set_document(documents, name, typed(value, parameter.get("forceString") is True),
                                          line, app.rel))
    if not documents:
        documents.append((Doc(value={}, lines={(): app.doc.line(path) or 1}), app.rel))
    where = f"{app.rel}: Application {app.name}"
    result = judge_values(documents, chart=source.get("targetRevision"), where=where)
    result.notes[:0] = [*notes, *unofficial_chart(source.get("repoURL"), where)]
    return result

