"""OpenMetadata's chart installed by Terraform: a `helm_release` whose chart is `openmetadata`, its
`values` (literal YAML, `yamlencode(...)`, `file(...)` or `templatefile(...)`) layered in order, then
its `set` and `set_sensitive` entries over them, as the Helm provider passes them to Helm
(registry.terraform.io/providers/hashicorp/helm: `values` are `-f` files in order; `set` is `--set`,
parsed by Helm's strvals: `a.b` nests, `\\.` is a literal dot, `{x,y}` is a list, `true`/`false` and
whole numbers are typed unless `type = "string"`). The result goes through the Helm values reader
(auditor.sources.files.helm_values), so every OMA5xx and OpenMetadata-side rule runs unchanged.

A value rendered from a template is located at its template line; anything else at the helm_release
attribute that sets it. `set_sensitive` values are secrets: registered for redaction, never shown.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.redact import register
from auditor.facts.snapshot import CONF_KEYS, OM_AUTH_CONFIG, OM_SECURITY_CONFIG
from auditor.sources.files.helm_set import assignments, set_document, typed
from auditor.sources.files.helm_values import judge_values, unofficial_chart
from auditor.sources.files.manifest import secret_forms
from auditor.sources.files.result import FileFacts, in_checkout, read_yaml
from auditor.sources.files.terraform.module import Resource
from auditor.sources.files.terraform.templates import MARK_CLOSE, MARK_OPEN, Rendered
from auditor.sources.files.yaml_doc import Doc, YamlError, load

UNKNOWN_WHEN = "known only when Terraform runs"


_CHART_NAME = re.compile(r"openmetadata(?:-\d{1,9}\.\d{1,9}\.\d{1,9}[0-9A-Za-z.+-]*)?(?:\.tgz)?")


def is_openmetadata_release(resource: Resource, root: Path | None = None) -> bool:
    """A helm_release of the openmetadata chart: by name (`openmetadata`, `repo/openmetadata`, an OCI
    reference), or a path or URL to its folder or archive (`.../openmetadata-1.13.1.tgz`: found by an
    attack, which was SKIPPED before), or a chart folder of the tree that is or depends on it."""
    chart = resource.values.get("chart")
    return resource.type == "helm_release" and isinstance(chart, str) and is_openmetadata_chart(
        chart, _module_folder(resource, root), root)


def _module_folder(resource: Resource, root: Path | None) -> Path | None:
    return root / Path(resource.location.file).parent if root is not None else None


def is_openmetadata_chart(chart: str, folder: Path | None = None, root: Path | None = None) -> bool:
    """A helm_release `chart` that names the openmetadata chart (see is_openmetadata_release). A chart
    folder of the tree (found as Helm's LocateChart finds it: a path that exists comes before any
    repository, with or without `./`) is the chart its Chart.yaml names, or an umbrella whose
    dependencies name it: `charts/catalog` holding the openmetadata chart was taken for another chart
    (found by attacks)."""
    if _CHART_NAME.fullmatch(chart.rstrip("/").rsplit("/", 1)[-1].split(":", 1)[0].split("?", 1)[0]):
        return True
    manifest = _chart_yaml(chart, folder, root)
    return manifest is not None and (manifest.get("name") == "openmetadata" or _umbrella(manifest))


def _chart_yaml(chart: str, folder: Path | None, root: Path | None) -> dict[str, Any] | None:
    """The Chart.yaml of the tree's chart folder a `chart` names (beside the module, or from the scanned
    folder, as a `${path.module}/...` reads), if there is one."""
    if folder is None or root is None or "://" in chart or not chart.strip():
        return None
    for base in (folder, root):
        manifest = Path(os.path.normpath(base / chart)) / "Chart.yaml"
        if manifest.is_file() and in_checkout(manifest, root):
            try:
                docs = read_yaml(manifest, root, "Chart.yaml")
            except InputError:
                return {}
            return docs[0].value if docs and isinstance(docs[0].value, dict) else {}
    return None


def _umbrella(manifest: dict[str, Any]) -> bool:
    dependencies = manifest.get("dependencies")
    return manifest.get("name") != "openmetadata" and isinstance(dependencies, list) and any(
        isinstance(d, dict) and d.get("name") == "openmetadata" for d in dependencies)


def _is_path_or_url(chart: object) -> bool:
    """The helm provider ignores `version` for a chart given as a path or URL (useChartVersion): it
    installs what the path or URL holds."""
    return isinstance(chart, str) and ("://" in chart or chart.startswith(("./", "../", "/", "~"))
                                       or chart.endswith(".tgz"))


def release_facts(resource: Resource, root: Path | None = None) -> FileFacts:
    """One OpenMetadata helm_release as facts, through the chart's values reader. Values left to
    Terraform (a module's input with no value) make every OpenMetadata input unknown: the chart's
    defaults are judged only when the values are known to leave them. A chart folder of the tree is
    judged at the version its Chart.yaml gives; an umbrella chart's values (under its dependency) are
    not rendered through Terraform: unknown."""
    chart = resource.values.get("chart")
    local = _chart_yaml(chart, _module_folder(resource, root), root) if isinstance(chart, str) else None
    whole = {k: v for k, v in resource.unknown.items() if k in ("values", "set", "set_list", "set_sensitive")}
    if local is not None and _umbrella(local):
        whole["chart"] = f"{chart}, an umbrella chart whose dependency is openmetadata: its values are not rendered"
    if whole:
        reason = "; ".join(f"{resource.address}.{k} ({v})" for k, v in sorted(whole.items()))
        return FileFacts(file=resource.location.file,
                         unknown=dict.fromkeys((OM_AUTH_CONFIG, OM_SECURITY_CONFIG, *CONF_KEYS),
                                               f"{reason}: {UNKNOWN_WHEN}"))
    marks: dict[str, str] = {}
    documents: list[tuple[Doc, str]] = []
    notes: list[str] = []
    values = resource.values.get("values")
    for text in values if isinstance(values, list) else []:
        if isinstance(text, str) and text.strip():
            documents.append(_document(text, resource, notes))
            if isinstance(text, Rendered):
                marks.update(text.marks)
    for name in ("set", "set_list", "set_sensitive"):  # the provider passes them in this order
        entries = resource.values.get(name)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                documents += _set_documents(documents, entry, resource, name, sensitive=name == "set_sensitive")
    if not documents:
        documents.append((Doc(value={}, lines={(): resource.location.line or 1}), resource.location.file))

    def unknown_in(value: object) -> str | None:
        text = str(value)
        if MARK_OPEN not in text:
            return None
        number = text.split(MARK_OPEN, 1)[1].split(MARK_CLOSE, 1)[0]
        return marks.get(number, "a value known only when Terraform runs")

    pinned = resource.values.get("version")
    if local is not None:
        pinned = local.get("version") if isinstance(local.get("version"), str) else None
        notes.append(f"{resource.location}: {resource.address} installs the tree's chart folder {chart}"
                     + (f" (version {pinned}, its Chart.yaml)" if pinned else ""))
    elif _is_path_or_url(resource.values.get("chart")):
        pinned = None
        notes.append(f"{resource.location}: {resource.address} installs a chart by path or URL, whose version "
                     "omaudit does not read (the provider ignores `version` there): the newest chart's defaults")
    result = judge_values(documents, unknown_in, UNKNOWN_WHEN, chart=pinned,
                          where=f"{resource.location}: {resource.address}")
    if local is None:
        notes += unofficial_chart(resource.values.get("repository") or chart, f"{resource.location}: "
                                  f"{resource.address}")
    result.notes[:0] = notes
    return result


def _document(text: str, resource: Resource, notes: list[str]) -> tuple[Doc, str]:
    where = resource.lines.get("values", resource.location)
    try:
        docs = load(str(text))  # the C parser takes exactly a str
    except YamlError as exc:
        source = text.source if isinstance(text, Rendered) else str(where)
        if not isinstance(text, Rendered) or text.standalone is None:
            raise InputError(f"Helm values of {resource.address} ({source}): {exc}") from None
        try:  # Terraform's strict rendering breaks the YAML; the template's evident layout does not
            docs = load(str(text.standalone))
        except YamlError:
            raise InputError(f"Helm values of {resource.address} ({source}): {exc}") from None
        notes.append(f"{source}: rendered as HCL's strip rules say, it is not valid YAML ({exc}); read with "
                     "each directive that stands alone on its line removed with that line, as it is laid out")
        text = text.standalone
    doc = docs[0] if docs else Doc(value={})
    if not isinstance(doc.value, dict):
        raise InputError(f"Helm values of {resource.address} ({where}) are not a YAML mapping")
    if isinstance(text, Rendered):  # lines of the template, not of the rendered text
        last = len(text.line_of)
        doc.lines = {path: text.line_of[min(line, last) - 1] for path, line in doc.lines.items()}
        return doc, text.source
    doc.lines = dict.fromkeys(doc.lines, where.line or 1)
    return doc, where.file


def _set_documents(earlier: list[tuple[Doc, str]], entry: dict[str, Any], resource: Resource, attribute: str,
                   sensitive: bool) -> list[tuple[Doc, str]]:
    raw = entry.get("value")
    if sensitive:  # whatever its type: a number, a {a,b} list, a string
        parts = raw if isinstance(raw, list) else [raw, *str(raw).strip("{}").split(",")]
        register(*secret_forms(str(raw)), *(str(v) for v in parts))
    where = resource.lines.get(attribute, resource.location)
    text = "{" + ",".join(str(v) for v in raw) + "}" if isinstance(raw, list) else _text(raw)
    force = str(entry.get("type") or "") == "string"
    documents: list[tuple[Doc, str]] = []
    for name, value in assignments(f"{entry['name']}={text}"):  # as the provider hands it to strvals
        documents.append(set_document([*earlier, *documents], name, typed(value, force), where.line or 1,
                                      where.file))
    return documents


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else "" if value is None else str(value)
