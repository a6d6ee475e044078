"""The official Helm chart's values (open-metadata/openmetadata-helm-charts, charts/openmetadata), read
into the facts a live scan collects.

`helm install -f values.yaml` merges the given file over the chart's own values, so a key the file
leaves out keeps the chart's default: CHART_DEFAULTS holds those defaults (values.yaml at tag
openmetadata-1.13.1, unchanged for these keys since 1.1.0) and a finding about one names the values
file and says the chart default applies. How the chart passes values on (templates/secrets.yaml,
templates/_helpers.tpl): plain settings through chart-made Secrets loaded with envFrom; secrets as a
`{secretRef, secretKey}` pair read with secretKeyRef, and only when secretRef is not empty (else the
variable is absent and the server's own default applies: `openmetadata_password`, `admin`); the
Fernet key as `fernetkey.value` unless `fernetkey.secretRef` is set. `extraEnvs` come after the chart's
own `env` and so override them; `envFrom` sources cannot be read here (a note says so). Charts 1.0.x
kept everything under `global.` instead of `openmetadata.config.`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.facts.om_defaults import DEFAULT_KEY_ID
from auditor.facts.snapshot import Unknown
from auditor.report.model import Location
from auditor.sources.files.om_settings import (
    SECRETS,
    SETTINGS,
    SHIPPED_SECRETS,
    SecretFound,
    Setting,
    build,
    defaulted_fields,
    secret_state,
)
from auditor.sources.files.result import FileFacts, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc

WHAT = "Helm values"
CHART = "openmetadata-1.13.1"
_REF = {"secretRef": "", "secretKey": ""}
_AIRFLOW = {"secretRef": "airflow-secrets", "secretKey": "openmetadata-airflow-password"}
CHART_DEFAULTS: dict[str, Any] = {
    "authentication": {
        "clientType": "public", "provider": "basic", "publicKeys": ["http://openmetadata:8585/api/v1/system/config/jwks"],
        "authority": "https://accounts.google.com", "clientId": "", "callbackUrl": "",
        "jwtPrincipalClaims": ["email", "preferred_username", "sub"], "enableSelfSignup": True,
        "jwtPrincipalClaimsMapping": [],  # values.yaml line 199 at openmetadata-1.13.1 (since 1.4.x)
        "oidcConfiguration": {"clientSecret": {"secretRef": "oidc-secrets",
                                               "secretKey": "openmetadata-oidc-client-secret"},
                              "scope": "openid email profile", "disablePkce": True,
                              "callbackUrl": "http://openmetadata:8585/callback"},
        "ldapConfiguration": {"dnAdminPassword": {"secretRef": "ldap-admin-secret",
                                                  "secretKey": "openmetadata-ldap-secret"},
                              "truststoreConfigType": "TrustAll"},
        "saml": {"sp": {"spPrivateKey": _REF}, "security": {"keyStorePassword": _REF}},
    },
    # enforcePrincipalDomain: values.yaml line 182 at openmetadata-1.13.1, false at every tag in
    # tests/data/real/helm (1.0.6 under `global`)
    "authorizer": {"initialAdmins": ["admin"], "principalDomain": "open-metadata.org", "enforcePrincipalDomain": False},
    "jwtTokenConfiguration": {"rsapublicKeyFilePath": "./conf/public_key.der",
                              "rsaprivateKeyFilePath": "./conf/private_key.der", "jwtissuer": "open-metadata.org",
                              "keyId": DEFAULT_KEY_ID},
    "fernetkey": {"value": SHIPPED_SECRETS["fernet"], "secretRef": "", "secretKey": ""},
    "database": {"auth": {"password": {"secretRef": "mysql-secrets", "secretKey": "openmetadata-mysql-password"}}},
    "pipelineServiceClientConfig": {"auth": {"password": _AIRFLOW}, "airflow": {"auth": {"password": _AIRFLOW}}},
    "elasticsearch": {"auth": {"password": {"secretRef": "elasticsearch-secrets",
                                            "secretKey": "openmetadata-elasticsearch-password"}}},
}
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

    def __init__(self, layers: list[_Layer]) -> None:
        self.layers = layers

    def get(self, path: tuple[str, ...]) -> tuple[Any, Location, str] | None:
        """(value, where, origin): the merged value at `path`, from the last file that sets it, else the
        chart's default (pointed at in the last file), else None."""
        found, value = _dig(CHART_DEFAULTS, path)
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
                f"{CHART_DEFAULT} ({CHART}), not set in {last.rel}")

    def top(self, key: str) -> tuple[Any, Location] | None:
        """A top-level value (extraEnvs, envFrom): lists are replaced, so the last file's."""
        for layer in reversed(self.layers):
            if key in layer.doc.value:
                return layer.doc.value[key], Location(layer.rel, layer.doc.line((key,)))
        return None


CHART_DEFAULT = "the chart's default"


def read_helm_values(paths: list[Path], root: Path) -> FileFacts:
    layers = []
    for path in paths:
        rel = relative(path, root)
        docs = read_yaml(path, root, WHAT)
        doc = docs[0] if docs else None
        if doc is None or not isinstance(doc.value, dict):
            raise InputError(f"{WHAT} {rel} is not a YAML mapping")
        if not any(k in doc.value for k in ("openmetadata", "global", "extraEnvs", "envFrom")):
            raise InputError(f"{WHAT} {rel} has no openmetadata.config: not values for the openmetadata chart")
        layers.append((doc, rel))
    return judge_values(layers)


def pinned_note(where: str, version: object) -> str:
    """What a pinned chart version means for the defaults judged (chart releases other than the one
    embedded are not embedded: the keys omaudit reads kept their defaults from openmetadata-1.1.0 to
    1.13.1, tests/data/real/helm at six tags; 1.0.x kept them under `global`, which is read too)."""
    return (f"{where}: chart openmetadata {version} pinned; keys it leaves out are judged with the chart's "
            f"defaults of {CHART} (the same for every key omaudit reads since openmetadata-1.1.0)")


def judge_values(documents: list[tuple[Doc, str]], unknown_in: Callable[[object], str | None] = lambda v: None,
                 when: str = "") -> FileFacts:
    """Values documents in `helm -f` order (each with the file its lines are in) over the chart's
    defaults, as facts. `unknown_in` tells whether a value holds something only the deployment
    knows (a Terraform template's unknown interpolation): the settings that read one are unknown,
    `when` saying why."""
    layers = [_Layer(doc, rel) for doc, rel in documents]
    values = _Values(layers)
    rel = layers[-1].rel
    overrides = _extra_envs(values)
    settings: dict[str, Setting] = {}
    for name, spec in SETTINGS.items():
        if spec.env in overrides:
            text, location = overrides[spec.env]
            settings[name] = Setting(text, location, f"extraEnvs {spec.env} in {location.file}")
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
    secrets = [_secret(kind, values, overrides, unknown_in) for kind in SECRETS]
    facts, locations = build(rel, settings, [s for s in secrets if s is not None])
    defaulted = defaulted_fields(settings)
    notes = []
    env_from = values.top("envFrom")
    if env_from is not None and isinstance(env_from[0], list) and env_from[0]:
        notes.append(f"{env_from[1].file}: envFrom sources are not read; a variable they set overrides the "
                     "chart's own settings")
    return FileFacts(facts, locations, notes, rel, defaulted=defaulted)


def _gate_off(values: _Values, name: str) -> tuple[Location, str] | None:
    """Where and why the chart passes no variable for this setting (so the server's default applies)."""
    for section, names in _GATES.items():
        if name in names:
            got = values.get((section, "enabled"))
            if got is not None and got[0] is False:
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
    flat pipelineServiceClientConfig.auth. The flat block is judged when a values file sets it and no
    file sets the airflow block."""
    sets = [layer for layer in values.layers if isinstance(layer.config.get("pipelineServiceClientConfig"), dict)]
    airflow = any("airflow" in layer.config["pipelineServiceClientConfig"] for layer in sets)
    flat = any("auth" in layer.config["pipelineServiceClientConfig"] for layer in sets)
    return airflow or not flat


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
