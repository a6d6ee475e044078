"""The official Helm chart's values (open-metadata/openmetadata-helm-charts, charts/openmetadata), read
into the facts a live scan collects.

`helm install -f values.yaml` merges the given file over the chart's own values, so a key the file
leaves out keeps the chart's default: defaults/chart-defaults.json holds those defaults at every chart
release (chart_for picks the one a Chart.yaml, a helm_release or an Argo CD Application pins, else the
newest, and a note says which) and a finding about one names the values file and the release.
How the chart passes values on (templates/secrets.yaml,
templates/_helpers.tpl): plain settings through chart-made Secrets loaded with envFrom; secrets as a
`{secretRef, secretKey}` pair read with secretKeyRef, and only when secretRef is not empty (else the
variable is absent and the server's own default applies: `openmetadata_password`, `admin`); the
Fernet key as `fernetkey.value` unless `fernetkey.secretRef` is set. `extraEnvs` come after the chart's
own `env` and so override them; `envFrom` sources cannot be read here (a note says so). Charts 1.0.x
kept everything under `global.` instead of `openmetadata.config.`.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.facts.om_defaults import DEFAULT_KEY_ID
from auditor.facts.snapshot import Unknown
from auditor.report.model import Location
from auditor.sources.files.om_settings import (
    SECRETS,
    SETTINGS,
    SecretFound,
    Setting,
    build,
    defaulted_fields,
    secret_state,
)
from auditor.sources.files.result import FileFacts, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc, YamlError, load

WHAT = "Helm values"
# The chart's own values at every release tag (defaults/chart-defaults.json, made by
# tests/data/make_chart_defaults.py from open-metadata/openmetadata-helm-charts, each release with its
# commit): only the subtrees omaudit reads, identical ones stored once.
CHART_DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults" / "chart-defaults.json"


@dataclass(frozen=True)
class Chart:
    """The chart release whose defaults fill what the values files leave out, and why that one."""

    release: str
    defaults: dict[str, Any]
    why: str


@functools.lru_cache(maxsize=1)
def _embedded() -> tuple[dict[str, dict[str, Any]], tuple[dict[str, Any], ...]]:
    document = json.loads(CHART_DEFAULTS_FILE.read_text(encoding="utf-8"))
    return document["releases"], tuple(document["variants"])


_READABLE = re.compile(r"[\w.*^~<>=!|, -]{0,60}")
_PART = r"(?:\d{1,9}|[xX*])"
_COMPARATOR = re.compile(rf"(?P<op>\^|~>?|>=|<=|!=|>|<|=)?\s*v?(?P<major>{_PART})(?:\.(?P<minor>{_PART}))?"
                         rf"(?:\.(?P<patch>{_PART}))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
_HYPHEN = re.compile(rf"(v?{_PART}(?:\.{_PART}){{0,2}})\s+-\s+(v?{_PART}(?:\.{_PART}){{0,2}})")
Version = tuple[int, int, int]


def _comparator(match: re.Match[str]) -> Callable[[Version], bool]:
    """One comparator of a Masterminds semver constraint (github.com/Masterminds/semver, which Helm uses
    for `dependencies[].version`): `=`, `!=`, `>`, `<`, `>=`, `<=`; `~1.2.3` (>=1.2.3 <1.3.0), `~1`
    (>=1 <2); `^1.2.3` (>=1.2.3 <2), `^0.2.3` (>=0.2.3 <0.3.0), `^0.0.3` (>=0.0.3 <0.0.4); `1.2.x`, `1.2`
    and `*` wildcards."""
    op = match["op"] or "="
    parts = [match["major"], match["minor"], match["patch"]]
    given = list(itertools.takewhile(lambda p: p is not None and p.isdigit(), parts))  # Masterminds ignores
    # what follows a wildcard: `1.x.99` is `1.x` (found by an attack: 99 was read as the minor version)
    wild = len(given) < 3
    lowest = tuple(int(p) for p in given) + (0,) * (3 - len(given))
    low: Version = (lowest[0], lowest[1], lowest[2])
    if not given:
        return lambda v: op not in ("!=", "<", ">")  # `*`, `x`: any release
    if wild and op in ("=", "!="):  # 1.2.x: >=1.2.0 <1.3.0
        top = (low[0] + 1, 0, 0) if len(given) == 1 else (low[0], low[1] + 1, 0)
        return (lambda v: low <= v < top) if op == "=" else (lambda v: not low <= v < top)
    if op.startswith("~"):
        top = (low[0] + 1, 0, 0) if len(given) == 1 else (low[0], low[1] + 1, 0)
        return lambda v: low <= v < top
    if op == "^":
        top = ((low[0] + 1, 0, 0) if low[0] > 0 or len(given) == 1 else
               (0, low[1] + 1, 0) if low[1] > 0 or len(given) == 2 else (0, 0, low[2] + 1))
        return lambda v: low <= v < top
    if op == "<=" and wild:  # <=1.2 allows every 1.2.x
        top = (low[0] + 1, 0, 0) if len(given) == 1 else (low[0], low[1] + 1, 0)
        return lambda v: v < top
    if op == ">" and wild:  # >1.2 is past every 1.2.x
        top = (low[0] + 1, 0, 0) if len(given) == 1 else (low[0], low[1] + 1, 0)
        return lambda v: v >= top
    return {"=": lambda v: v == low, "!=": lambda v: v != low, ">": lambda v: v > low, "<": lambda v: v < low,
            ">=": lambda v: v >= low, "<=": lambda v: v <= low}[op]


def _constraint(text: str) -> Callable[[Version], bool] | None:
    """A whole constraint: `||` between alternatives, comparators in one joined by spaces or commas, a
    hyphen range `1.2 - 1.4.5` (>=1.2 <=1.4.5). None when any of it is not read."""
    alternatives: list[list[Callable[[Version], bool]]] = []
    for alternative in text.split("||"):
        alternative = _HYPHEN.sub(r">=\1 <=\2", alternative.strip())
        checks, at = [], 0
        while at < len(alternative):
            if alternative[at] in " ,":
                at += 1
                continue
            match = _COMPARATOR.match(alternative, at)
            if match is None or match.end() == at:
                return None
            checks.append(_comparator(match))
            at = match.end()
        if not checks:
            return None
        alternatives.append(checks)
    return lambda v: any(all(check(v) for check in checks) for checks in alternatives)


def chart_for(pinned: object) -> Chart:
    """The embedded release a pin selects, as Helm resolves it: the newest release the constraint allows
    (Helm's "Chart dependencies": a version or a Masterminds semver range). An exact version that is not
    embedded takes the nearest release before it, and none, or one not read, the newest embedded; the
    reason says which."""
    releases, variants = _embedded()
    ordered = sorted(releases, key=_version)
    newest = ordered[-1]

    def chosen(release: str, why: str) -> Chart:
        return Chart(release, variants[releases[release]["variant"]], why)

    text = "" if pinned is None else str(pinned).strip()
    shown = _shown(text)
    if not text:
        return chosen(newest, f"no chart version pinned: the defaults of chart openmetadata-{newest}, the newest "
                              "omaudit embeds")
    exact = re.fullmatch(r"=?\s*v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})", text)
    if exact is not None:
        version = ".".join(str(int(p)) for p in exact.groups())
        if version in releases:
            return chosen(version, f"chart openmetadata-{version} pinned")
        below = [r for r in ordered if _version(r) <= _version(version)]
        release = below[-1] if below else ordered[0]
        return chosen(release, f"chart openmetadata {shown} pinned, which omaudit does not embed: the defaults of "
                               f"openmetadata-{release}, the nearest release {'before' if below else 'after'} it")
    allows = _constraint(text) if len(text) <= 200 else None
    if allows is None:
        return chosen(newest, f"chart version {shown} is not one omaudit reads: the defaults of chart "
                              f"openmetadata-{newest}, the newest omaudit embeds")
    allowed = [r for r in ordered if allows(_version(r))]
    if not allowed:
        return chosen(newest, f"chart openmetadata {shown} pinned, which no embedded release satisfies: the "
                              f"defaults of openmetadata-{newest}, the newest omaudit embeds")
    return chosen(allowed[-1], f"chart openmetadata {shown} pinned: the defaults of openmetadata-{allowed[-1]}, the "
                               "newest release it allows that omaudit embeds")


def _shown(text: str) -> str:
    """The repository's text as a report may show it: plain and short, else quoted and cut."""
    return text if _READABLE.fullmatch(text) else repr(text[:40])


def _version(text: str) -> Version:
    """An embedded release's "X.Y.Z" (or an exact version checked by the caller) as numbers to compare."""
    major, minor, patch = (int(p) for p in text.split("."))
    return major, minor, patch


# The variable is absent when secretRef is empty, and the server then uses its own default value
# (conf/openmetadata.yaml): for these two, the shipped password.
_SERVER_DEFAULT_SHIPPED = ("database-password", "pipeline-password")


# The server's own defaults (conf/openmetadata.yaml), which apply where the chart passes no variable:
# a section whose `enabled` is false renders no Secret (templates/secrets.yaml), and the OIDC variables
# are rendered only `if and (eq .clientType "confidential") (.oidcConfiguration.enabled)`.
SERVER_DEFAULTS: dict[str, object] = {
    "provider": "basic", "client_type": "public", "enable_self_signup": True,
    "authority": "https://accounts.google.com", "client_id": "", "callback_url": "",
    "jwt_principal_claims": ["email", "preferred_username", "sub"], "jwt_principal_claims_mapping": [],
    "public_key_urls": ["http://localhost:8585/api/v1/system/config/jwks"],
    "oidc_callback_url": "http://localhost:8585/callback", "disable_pkce": True, "oidc_scope": "openid email profile",
    "principal_domain": "open-metadata.org", "admin_principals": ["admin"], "enforce_principal_domain": False,
    "jwt_public_key": "./conf/public_key.der", "jwt_private_key": "./conf/private_key.der",
    "jwt_issuer": "open-metadata.org", "jwt_key_id": DEFAULT_KEY_ID,
    "ldap_truststore": "TrustAll",
}
_GATES = {"authentication": ("provider", "client_type", "enable_self_signup", "authority", "client_id",
                             "callback_url", "jwt_principal_claims", "public_key_urls", "ldap_truststore",
                             "jwt_principal_claims_mapping"),
          "authorizer": ("principal_domain", "admin_principals", "enforce_principal_domain"),
          "jwtTokenConfiguration": ("jwt_public_key", "jwt_private_key", "jwt_issuer", "jwt_key_id")}
_OIDC = ("oidc_callback_url", "disable_pkce", "oidc_scope")


def _dig(value: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    for step in path:
        if not isinstance(value, dict) or step not in value:
            return False, None
        value = value[step]
    return True, value


def _merged(base: Any, over: Any) -> Any:
    """Helm's coalescing of values: maps merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _merged(base.get(k), v) for k, v in over.items()}}
    return over


class _Layer:
    """One values file: its `openmetadata.config` (or 1.0.x `global`)."""

    def __init__(self, doc: Doc, rel: str) -> None:
        self.doc, self.rel = doc, rel
        found, config = _dig(doc.value, ("openmetadata", "config"))
        self.prefix: tuple[str, ...] = ("openmetadata", "config")
        if not found and isinstance(doc.value.get("global"), dict):
            self.prefix, config = ("global",), doc.value["global"]
        self.config: dict[str, Any] = config if isinstance(config, dict) else {}


class _Values:
    """The values files in order (`helm install -f a -f b`: the last file wins) over the chart's defaults."""

    def __init__(self, layers: list[_Layer], chart: Chart) -> None:
        self.layers, self.chart = layers, chart

    def get(self, path: tuple[str, ...]) -> tuple[Any, Location, str] | None:
        """(value, where, origin): the merged value at `path`, from the last file that sets it, else the
        chart's default (pointed at in the last file), else None. The chart before 0.0.16 named one
        admin, `global.authorizer.initialAdmin` (charts/openmetadata/values.yaml at openmetadata-0.0.12):
        read as the list, never "no admin principal is set" (a false PASS found by a sweep of every tag)."""
        got = self._get(path)
        if got is None and path == ("authorizer", "initialAdmins"):
            single = self._get(("authorizer", "initialAdmin"))
            if single is not None and isinstance(single[0], str):
                return [single[0]], single[1], single[2]
        return got

    def _get(self, path: tuple[str, ...]) -> tuple[Any, Location, str] | None:
        found, value = _dig(self.chart.defaults, path)
        setter: _Layer | None = None
        for layer in self.layers:
            here, given = _dig(layer.config, path)
            if here:
                value, found, setter = (_merged(value, given) if found else given), True, layer
        if not found:
            return None
        if setter is not None:
            return value, Location(setter.rel, setter.doc.line((*setter.prefix, *path))), f"written in {setter.rel}"
        last = self.layers[-1]
        return (value, Location(last.rel, last.doc.line((*last.prefix, *path))),
                f"{CHART_DEFAULT} (openmetadata-{self.chart.release}), not set in {last.rel}")

    def top(self, key: str) -> tuple[Any, Location] | None:
        """A top-level value (extraEnvs, envFrom): lists are replaced, so the last file's."""
        for layer in reversed(self.layers):
            if key in layer.doc.value:
                return layer.doc.value[key], Location(layer.rel, layer.doc.line((key,)))
        return None


CHART_DEFAULT = "the chart's default"


def read_helm_values(paths: list[Path], root: Path) -> FileFacts:
    chart, under, notes = _chart_beside(paths[0], root)
    layers = []
    for path in paths:
        rel = relative(path, root)
        docs = read_yaml(path, root, WHAT)
        doc = docs[0] if docs else None
        if doc is None or not isinstance(doc.value, dict):
            raise InputError(f"{WHAT} {rel} is not a YAML mapping")
        if under is not None:  # an umbrella chart: the subchart's values sit under its name (or alias)
            doc = Doc(value=doc.value.get(under) if isinstance(doc.value.get(under), dict) else {},
                      lines={key[1:]: line for key, line in doc.lines.items() if key[:1] == (under,)})
        elif not any(k in doc.value for k in ("openmetadata", "global", "extraEnvs", "envFrom")):
            raise InputError(f"{WHAT} {rel} has no openmetadata.config: not values for the openmetadata chart")
        layers.append((doc, rel))
    result = judge_values(layers, chart=chart)
    result.notes[:0] = notes
    return result


def _chart_beside(values: Path, root: Path) -> tuple[object, str | None, list[str]]:
    """The chart version a Chart.yaml beside the values pins, and the key the openmetadata chart's values
    sit under: the chart itself (`name: openmetadata`, its `version`), or an umbrella chart whose
    `dependencies` name it (Helm docs, "Charts" / "Chart dependencies": a subchart's values go under its
    name or alias; Helm reads `Chart.yaml` only). (None, None, []) when there is none."""
    path = values.parent / "Chart.yaml"
    if not path.is_file():
        return None, None, []
    rel = relative(path, root)
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        raise InputError(f"Helm chart metadata {rel} links outside the scanned folder: not read")
    docs = read_yaml(path, root, "Helm chart metadata")
    chart = docs[0].value if docs else None
    if not isinstance(chart, dict):
        raise InputError(f"Helm chart metadata {rel} is not a YAML mapping")
    if chart.get("name") == "openmetadata":
        return chart.get("version"), None, []
    vendored = _vendored(values.parent, root)
    dependencies = chart.get("dependencies") or []
    if not isinstance(dependencies, list):
        raise InputError(f"Helm chart metadata {rel}: dependencies is not a list (Helm refuses it)")
    ours = [entry for entry in dependencies if isinstance(entry, dict) and entry.get("name") == "openmetadata"]
    if len(ours) > 1:  # which one is deployed (`condition:`, `tags:`) is decided at install: never judge one
        raise InputError(f"Helm chart metadata {rel} depends on the openmetadata chart {len(ours)} times: judge each "
                         "release's values on its own (--helm-values), as omaudit cannot tell which is installed")
    if ours:
        alias = ours[0].get("alias")
        key = alias if isinstance(alias, str) and alias else "openmetadata"
        wanted = str(ours[0].get("version") or "*")
        allows = _constraint(wanted) if len(wanted) <= 200 else None
        locked = _locked(values.parent, root)
        if vendored is not None:  # what `helm install` takes: the chart in charts/, matched by name only
            if locked is not None and locked != vendored[0]:
                raise InputError(f"{rel}: charts/ holds openmetadata {_shown(vendored[0])} and Chart.lock pins "
                                 f"{_shown(locked)}: which is installed depends on the pipeline; make them agree")
            exact = re.fullmatch(r"\d{1,9}\.\d{1,9}\.\d{1,9}", vendored[0])
            if allows is not None and exact is not None and not allows(_version(vendored[0])):
                # Helm applies the alias only to a chart whose version the range allows (getAliasDependency):
                # the vendored one keeps its own name, and so do its values.
                return vendored[0], "openmetadata", [f"{rel}: the vendored openmetadata chart ({vendored[1]}) is "
                                                     "outside the dependency's range: installed under its own name"]
            return vendored[0], key, [f"{rel}: the openmetadata chart is vendored ({vendored[1]}): its version is "
                                      "the one installed"]
        if locked is not None:
            exact = re.fullmatch(r"\d{1,9}\.\d{1,9}\.\d{1,9}", locked)
            if allows is not None and (exact is None or not allows(_version(locked))):
                raise InputError(f"{rel}: Chart.lock pins openmetadata {_shown(locked)}, outside the range "
                                 f"{_shown(wanted)}: Helm refuses a lock out of sync with Chart.yaml")
            return locked, key, [f"{rel}: Chart.lock pins openmetadata {_shown(locked)}: `helm dependency build` "
                                 "installs it"]
        return ours[0].get("version"), key, []
    if vendored is not None:  # a chart in charts/ is a subchart whether or not `dependencies` lists it
        return vendored[0], "openmetadata", [f"{rel}: the openmetadata chart is vendored ({vendored[1]})"]
    return None, None, [f"{rel}: not the openmetadata chart and no dependency on it; the values beside it are "
                        "judged as the openmetadata chart's own"]


MAX_CHART_ENTRIES = 1000  # entries of an umbrella's charts/
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024  # a vendored chart archive (the openmetadata chart's is about 50 KiB)
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # what is read through to find its Chart.yaml


def _vendored(folder: Path, root: Path) -> tuple[str, str] | None:
    """The openmetadata chart in the umbrella's charts/, by the name and version its own Chart.yaml gives
    (Helm's loader reads them from the chart, never from a file name; it skips entries whose name starts
    with `.` or `_`): (version, where). Two of them, a link, or more entries than omaudit reads are
    refused: Helm would install what omaudit cannot see (found by an attack)."""
    charts = folder / "charts"
    if not charts.is_dir():
        return None
    entries = sorted(itertools.islice(charts.iterdir(), MAX_CHART_ENTRIES + 1))
    if len(entries) > MAX_CHART_ENTRIES:
        raise InputError(f"{relative(charts, root)} has more than {MAX_CHART_ENTRIES} entries: not read")
    found: list[tuple[str, str]] = []
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        rel = relative(entry, root)
        if entry.is_symlink() or (entry / "Chart.yaml").is_symlink():
            raise InputError(f"{rel}: a link in an umbrella chart's charts/: not read")
        if entry.is_dir() and (entry / "Chart.yaml").is_file():
            docs = read_yaml(entry / "Chart.yaml", root, "Helm chart metadata")
            meta = docs[0].value if docs else None
        elif entry.is_file() and entry.name.endswith(".tgz"):
            meta = _archive_metadata(entry, rel)
        else:
            continue
        if isinstance(meta, dict) and meta.get("name") == "openmetadata":
            found.append((str(meta.get("version")), rel))
    if len(found) > 1:
        raise InputError(f"{relative(charts, root)} holds the openmetadata chart {len(found)} times: Helm refuses it")
    return found[0] if found else None


def _archive_metadata(path: Path, rel: str) -> object:
    """The Chart.yaml inside a chart archive (`<chart>/Chart.yaml`), read with bounds."""
    if path.stat().st_size > MAX_ARCHIVE_BYTES:
        raise InputError(f"{rel}: a chart archive larger than {MAX_ARCHIVE_BYTES // (1024 * 1024)} MiB")
    try:
        with tarfile.open(path, "r:gz") as archive:
            unpacked = 0
            for member in archive:
                unpacked += member.size
                if unpacked > MAX_UNPACKED_BYTES:
                    break
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == "Chart.yaml" and member.isfile() and member.size < 1 << 20:
                    handle = archive.extractfile(member)
                    text = handle.read(1 << 20).decode("utf-8", "replace") if handle is not None else ""
                    docs = load(text)
                    return docs[0].value if docs else None
    except (tarfile.TarError, OSError, EOFError, YamlError, ValueError):
        raise InputError(f"{rel}: not a chart archive omaudit can read") from None
    raise InputError(f"{rel}: a chart archive without a Chart.yaml omaudit can find")


def _locked(folder: Path, root: Path) -> str | None:
    """Chart.lock's openmetadata version (what `helm dependency build` fetches)."""
    path = folder / "Chart.lock"
    if not path.is_file() or path.is_symlink():
        return None
    docs = read_yaml(path, root, "Helm chart lock")
    lock = docs[0].value if docs else None
    entries = lock.get("dependencies") if isinstance(lock, dict) else None
    versions = [str(e.get("version")) for e in entries if isinstance(e, dict) and e.get("name") == "openmetadata"
                ] if isinstance(entries, list) else []
    return versions[0] if len(versions) == 1 else None


# Where OpenMetadata publishes its chart (openmetadata-helm-charts README: `helm repo add open-metadata
# https://helm.open-metadata.org`, served from the repository's GitHub Pages), and the repository itself.
OFFICIAL_CHART_SOURCES = ("helm.open-metadata.org", "open-metadata.github.io/openmetadata-helm-charts",
                          "github.com/open-metadata/openmetadata-helm-charts")


def without_credentials(url: str) -> str:
    """A repository URL as a report may show it: never its user or token (`https://user:token@host/...`:
    cut to a few characters, a fragment of the token would have escaped the redaction of userinfo)."""
    return re.sub(r"(?<=://)[^/@\s]*@", "", url)


def unofficial_chart(repository: object, where: str) -> list[str]:
    """A note when the chart comes from elsewhere (a fork, a mirror): judged with the official chart's
    templates and defaults, which a fork may not keep."""
    text = str(repository or "").lower()
    if "://" not in text or any(source in text for source in OFFICIAL_CHART_SOURCES):
        return []  # none named (a repository added by name, a local chart), or OpenMetadata's own
    return [f"{where}: the openmetadata chart from {_shown(without_credentials(str(repository)))} is judged as "
            "OpenMetadata's own "
            "(helm.open-metadata.org): a fork or mirror whose templates differ is not what was judged"]


def judge_values(documents: list[tuple[Doc, str]], unknown_in: Callable[[object], str | None] = lambda v: None,
                 when: str = "", chart: object = None, where: str = "") -> FileFacts:
    """Values documents in `helm -f` order (each with the file its lines are in) over the defaults of
    the chart release `chart` pins (chart_for; `where` names the pin in the note), as facts.
    `unknown_in` tells whether a value holds something only the deployment
    knows (a Terraform template's unknown interpolation): the settings that read one are unknown,
    `when` saying why."""
    layers = [_Layer(doc, rel) for doc, rel in documents]
    release = chart_for(chart)
    values = _Values(layers, release)
    rel = layers[-1].rel
    overrides = _extra_envs(values)
    settings: dict[str, Setting] = {}
    for name, spec in SETTINGS.items():
        if spec.env in overrides:
            text, location = overrides[spec.env]
            # `valueFrom`: a Secret or ConfigMap holds it, which the values do not (it was read as unset:
            # "no admin principal is set", a PASS found by an attack)
            value = text if text is not None else Unknown(
                f"extraEnvs {spec.env} at {location} takes its value from a Secret or ConfigMap (valueFrom)")
            settings[name] = Setting(value, location, f"extraEnvs {spec.env} in {location.file}")
            continue
        off = _gate_off(values, name)
        if off is not None:
            location, why = off
            settings[name] = Setting(SERVER_DEFAULTS[name], location, f"the server's default: {why}", defaulted=True)
        elif spec.helm is not None and (got := values.get(spec.helm)) is not None:
            settings[name] = Setting(*got, defaulted=got[2].startswith(CHART_DEFAULT))
    for name, setting in settings.items():  # per attribute: only the rules that read it are SKIPPED
        because = unknown_in(setting.value)
        if because is not None:
            settings[name] = dataclasses.replace(setting, value=Unknown(f"{because}: {when}"))
    env_from = values.top("envFrom")
    if env_from is not None and isinstance(env_from[0], list) and env_from[0]:
        # The chart passes its settings through its own Secrets in the container's envFrom, and appends
        # the values' envFrom after them (templates/deployment.yaml at openmetadata-1.13.1); Kubernetes:
        # "When a key exists in multiple sources, the value associated with the last source will take
        # precedence", and `env` (extraEnvs) beats them all. So each setting not from extraEnvs is
        # whatever that Secret holds, if it sets it: unknown (found by an attack, which stayed PASS).
        why = (f"envFrom at {env_from[1]} loads a Secret or ConfigMap the values do not hold, after the "
               "chart's own settings: it may set this at deploy")
        settings = {name: setting if setting.origin.startswith("extraEnvs") else dataclasses.replace(
            setting, value=Unknown(why)) for name, setting in settings.items()}
    secrets = [_secret(kind, values, overrides, unknown_in) for kind in SECRETS]
    facts, locations = build(rel, settings, [s for s in secrets if s is not None])
    defaulted = defaulted_fields(settings)
    notes = [f"{where or rel}: {release.why}"]
    return FileFacts(facts, locations, notes, rel, defaulted=defaulted)


def _gate_off(values: _Values, name: str) -> tuple[Location, str] | None:
    """Where and why the chart passes no variable for this setting (so the server's default applies)."""
    for section, names in _GATES.items():
        if name in names:
            got = values.get((section, "enabled"))
            # false, or null: Helm deletes a key set to null, so the chart's `if .enabled` is false too
            # (an attack turned sections off with null while their hardened values were still judged).
            if got is not None and (got[0] is False or got[0] is None):
                return got[1], f"{section}.enabled is false in {got[1].file}"
    if name in _OIDC:
        client = values.get(("authentication", "clientType"))
        enabled = values.get(("authentication", "oidcConfiguration", "enabled"))
        if not (client and str(client[0]).lower() == "confidential" and enabled and enabled[0] is True):
            where = (enabled or client)
            location = where[1] if where else Location(values.layers[-1].rel, 1)
            return location, ("the chart passes oidcConfiguration only when it is enabled and clientType is "
                              "confidential")
    return None


def _secret(kind: str, values: _Values, overrides: dict[str, tuple[str | None, Location]],
            unknown_in: Callable[[object], str | None] = lambda v: None) -> SecretFound | None:
    found = _secret_found(kind, values, overrides)
    if found is None or found.state == "reference":
        return found
    value = values.get(SECRETS[kind].helm or ())
    if value is not None and unknown_in(value[0]) is not None:  # known only when Terraform runs: a reference
        return SecretFound(found.kind, found.name, "reference", found.location, found.origin)
    return found


def _secret_found(kind: str, values: _Values, overrides: dict[str, tuple[str | None, Location]]
                  ) -> SecretFound | None:
    spec = SECRETS[kind]
    if spec.env in overrides:
        text, location = overrides[spec.env]
        state = "reference" if text is None else secret_state(kind, text)
        return SecretFound(kind, f"extraEnvs {spec.env}", state, location, f"extraEnvs in {location.file}")
    helm = spec.helm or ()
    if kind == "pipeline-password" and _uses_airflow_block(values):
        helm = ("pipelineServiceClientConfig", "airflow", "auth", "password")
    got = values.get(helm)
    if got is None:
        return None
    value, location, origin = got
    name = ".".join(helm)
    if kind == "fernet":
        ref = value.get("secretRef") if isinstance(value, dict) else None
        if ref:
            return SecretFound(kind, f"{name}.secretRef", "reference", location, origin)
        inner = values.get((*helm, "value"))
        text, where, said = inner if inner is not None else (None, location, origin)
        return SecretFound(kind, f"{name}.value", secret_state(kind, text), where, said)
    if isinstance(value, dict):
        if isinstance(value.get("value"), str) and value["value"]:  # not in the schema: an inline secret
            return SecretFound(kind, f"{name}.value", secret_state(kind, value["value"]), location, origin)
        if value.get("secretRef"):
            return SecretFound(kind, name, "reference", location, origin)
        if kind in _SERVER_DEFAULT_SHIPPED:  # no variable: the server's own default is the shipped password
            return SecretFound(kind, name, "shipped", location, f"{origin}; secretRef is empty, so the server's "
                               "default applies")
        return SecretFound(kind, name, "reference", location, origin)
    return SecretFound(kind, name, secret_state(kind, value), location, origin)


def _uses_airflow_block(values: _Values) -> bool:
    """Charts from 1.11.12 read pipelineServiceClientConfig.airflow.auth (type airflow); older ones the
    flat pipelineServiceClientConfig.auth. The block a values file sets is judged (the airflow one when
    both are), else the one the chart release has."""
    sets = [layer for layer in values.layers if isinstance(layer.config.get("pipelineServiceClientConfig"), dict)]
    if any("airflow" in layer.config["pipelineServiceClientConfig"] for layer in sets):
        return True
    if any("auth" in layer.config["pipelineServiceClientConfig"] for layer in sets):
        return False
    return _dig(values.chart.defaults, ("pipelineServiceClientConfig", "airflow"))[0]


def _extra_envs(values: _Values) -> dict[str, tuple[str | None, Location]]:
    """`extraEnvs` entries (top level of the values, where deployment.yaml reads them; the last file's
    list): name -> (value, where); value None when it comes from `valueFrom` (a reference)."""
    got = values.top("extraEnvs")
    out: dict[str, tuple[str | None, Location]] = {}
    if got is None or not isinstance(got[0], list):
        return out
    layer = next(layer for layer in reversed(values.layers) if "extraEnvs" in layer.doc.value)
    for i, entry in enumerate(got[0]):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            value = entry.get("value")
            line = layer.doc.line(("extraEnvs", i, "value") if "value" in entry else ("extraEnvs", i))
            out[entry["name"]] = (None if value is None else str(value), Location(layer.rel, line))
    return out
