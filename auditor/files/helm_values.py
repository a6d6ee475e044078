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

from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.files.om_settings import SECRETS, SETTINGS, SHIPPED_SECRETS, SecretFound, Setting, build, secret_state
from auditor.files.result import FileFacts, read_yaml, relative
from auditor.files.yaml_doc import Doc
from auditor.model import Location

WHAT = "Helm values"
CHART = "openmetadata-1.13.1"
_REF = {"secretRef": "", "secretKey": ""}
CHART_DEFAULTS: dict[str, Any] = {
    "authentication": {
        "clientType": "public", "provider": "basic", "publicKeys": ["http://openmetadata:8585/api/v1/system/config/jwks"],
        "authority": "https://accounts.google.com", "clientId": "", "callbackUrl": "",
        "jwtPrincipalClaims": ["email", "preferred_username", "sub"], "enableSelfSignup": True,
        "oidcConfiguration": {"clientSecret": {"secretRef": "oidc-secrets",
                                               "secretKey": "openmetadata-oidc-client-secret"},
                              "scope": "openid email profile", "disablePkce": True,
                              "callbackUrl": "http://openmetadata:8585/callback"},
        "ldapConfiguration": {"dnAdminPassword": {"secretRef": "ldap-admin-secret",
                                                  "secretKey": "openmetadata-ldap-secret"},
                              "truststoreConfigType": "TrustAll"},
        "saml": {"sp": {"spPrivateKey": _REF}, "security": {"keyStorePassword": _REF}},
    },
    "authorizer": {"initialAdmins": ["admin"], "principalDomain": "open-metadata.org"},
    "jwtTokenConfiguration": {"rsapublicKeyFilePath": "./conf/public_key.der",
                              "rsaprivateKeyFilePath": "./conf/private_key.der", "jwtissuer": "open-metadata.org",
                              "keyId": "Gb389a-9f76-gdjs-a92j-0242bk94356"},
    "fernetkey": {"value": SHIPPED_SECRETS["fernet"], "secretRef": "", "secretKey": ""},
    "database": {"auth": {"password": {"secretRef": "mysql-secrets", "secretKey": "openmetadata-mysql-password"}}},
    "pipelineServiceClientConfig": {"auth": {"password": {"secretRef": "airflow-secrets",
                                                          "secretKey": "openmetadata-airflow-password"}}},
    "elasticsearch": {"auth": {"password": {"secretRef": "elasticsearch-secrets",
                                            "secretKey": "openmetadata-elasticsearch-password"}}},
}
# The variable is absent when secretRef is empty, and the server then uses its own default value
# (conf/openmetadata.yaml): for these two, the shipped password.
_SERVER_DEFAULT_SHIPPED = ("database-password", "pipeline-password")


def _dig(value: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    for step in path:
        if not isinstance(value, dict) or step not in value:
            return False, None
        value = value[step]
    return True, value


class _Values:
    """The file's `openmetadata.config` (or 1.0.x `global`) over the chart's defaults."""

    def __init__(self, doc: Doc, rel: str) -> None:
        self.doc, self.rel = doc, rel
        found, config = _dig(doc.value, ("openmetadata", "config"))
        self.prefix: tuple[str, ...] = ("openmetadata", "config")
        if not found and isinstance(doc.value, dict) and isinstance(doc.value.get("global"), dict):
            self.prefix, config = ("global",), doc.value["global"]
        self.config = config if isinstance(config, dict) else {}

    def get(self, path: tuple[str, ...]) -> tuple[Any, Location, str] | None:
        """(value, where, origin): the file's value at `path`, else the chart's default, else None."""
        found, value = _dig(self.config, path)
        if found:
            return value, Location(self.rel, self.doc.line((*self.prefix, *path))), f"written in {self.rel}"
        found, value = _dig(CHART_DEFAULTS, path)
        if found:
            line = self.doc.line((*self.prefix, *path))
            return value, Location(self.rel, line), f"the chart's default ({CHART}), not set in {self.rel}"
        return None


def read_helm_values(path: Path, root: Path) -> FileFacts:
    rel = relative(path, root)
    docs = read_yaml(path, root, WHAT)
    doc = docs[0] if docs else None
    if doc is None or not isinstance(doc.value, dict):
        raise InputError(f"{WHAT} {rel} is not a YAML mapping")
    values = _Values(doc, rel)
    if not values.config and not any(k in doc.value for k in ("openmetadata", "global")):
        raise InputError(f"{WHAT} {rel} has no openmetadata.config: not values for the openmetadata chart")
    overrides = _extra_envs(doc, rel)
    settings: dict[str, Setting] = {}
    for name, spec in SETTINGS.items():
        if spec.env in overrides:
            text, location = overrides[spec.env]
            settings[name] = Setting(text, location, f"extraEnvs {spec.env} in {rel}")
        elif spec.helm is not None and (got := values.get(spec.helm)) is not None:
            settings[name] = Setting(*got)
    secrets = [_secret(kind, values, overrides, rel) for kind in SECRETS]
    facts, locations = build(rel, settings, [s for s in secrets if s is not None])
    notes = []
    if isinstance(doc.value.get("envFrom"), list) and doc.value["envFrom"]:
        notes.append(f"{rel}: envFrom sources are not read; a variable they set overrides the chart's own settings")
    return FileFacts(facts, locations, notes, rel)


def _secret(kind: str, values: _Values, overrides: dict[str, tuple[str | None, Location]], rel: str
            ) -> SecretFound | None:
    spec = SECRETS[kind]
    if spec.env in overrides:
        text, location = overrides[spec.env]
        state = "reference" if text is None else secret_state(kind, text)
        return SecretFound(kind, f"extraEnvs {spec.env}", state, location, f"extraEnvs in {rel}")
    helm = spec.helm or ()
    if kind == "pipeline-password" and values.get(("pipelineServiceClientConfig", "airflow", "auth", "password")):
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
        if value.get("secretRef"):
            return SecretFound(kind, name, "reference", location, origin)
        if kind in _SERVER_DEFAULT_SHIPPED:  # no variable: the server's own default is the shipped password
            return SecretFound(kind, name, "shipped", location, f"{origin}; secretRef is empty, so the server's "
                               "default applies")
        return SecretFound(kind, name, "reference", location, origin)
    return SecretFound(kind, name, secret_state(kind, value), location, origin)


def _extra_envs(doc: Doc, rel: str) -> dict[str, tuple[str | None, Location]]:
    """`extraEnvs` entries (top level of the values, where deployment.yaml reads them): name -> (value,
    where); value None when it comes from `valueFrom` (a reference)."""
    entries = doc.value.get("extraEnvs") if isinstance(doc.value, dict) else None
    out: dict[str, tuple[str | None, Location]] = {}
    if not isinstance(entries, list):
        return out
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            value = entry.get("value")
            line = doc.line(("extraEnvs", i, "value") if "value" in entry else ("extraEnvs", i))
            out[entry["name"]] = (None if value is None else str(value), Location(rel, line))
    return out
