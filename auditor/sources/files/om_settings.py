"""OpenMetadata's security settings as configuration files give them, whatever the file: one table of
settings (each with its environment variable, its openmetadata.yaml key and its Helm values key), and
the snapshot facts built from them, so that openmetadata.yaml and the Helm chart's values fill the
same AuthConfig, AuthorizerConfig, SecurityConfig and ConfFacts as a live scan does.

Sources: open-metadata/OpenMetadata conf/openmetadata.yaml (the placeholders and their defaults,
copied in tests/data/files); open-metadata/openmetadata-helm-charts charts/openmetadata/values.yaml,
templates/secrets.yaml and templates/_helpers.tpl at tag openmetadata-1.13.1 (which value becomes
which variable; docs/research/issue-14-helm.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from auditor.common.redact import register_exact
from auditor.facts.given import Given
from auditor.facts.snapshot import (
    AuthConfig,
    ConfFacts,
    JwtSettings,
    LdapSettings,
    OMFacts,
    SecretSetting,
    SecurityConfig,
    Unknown,
)
from auditor.report.model import Location

_AUTH = ("authenticationConfiguration",)
_OIDC = ("authenticationConfiguration", "oidcConfiguration")


@dataclass(frozen=True)
class Spec:
    """One setting: its variable, its key in openmetadata.yaml and in the chart's `openmetadata.config`."""

    env: str
    yaml: tuple[str, ...]
    helm: tuple[str, ...] | None


SETTINGS: dict[str, Spec] = {
    "provider": Spec("AUTHENTICATION_PROVIDER", (*_AUTH, "provider"), ("authentication", "provider")),
    "client_type": Spec("AUTHENTICATION_CLIENT_TYPE", (*_AUTH, "clientType"), ("authentication", "clientType")),
    "enable_self_signup": Spec("AUTHENTICATION_ENABLE_SELF_SIGNUP", (*_AUTH, "enableSelfSignup"),
                               ("authentication", "enableSelfSignup")),
    "authority": Spec("AUTHENTICATION_AUTHORITY", (*_AUTH, "authority"), ("authentication", "authority")),
    "client_id": Spec("AUTHENTICATION_CLIENT_ID", (*_AUTH, "clientId"), ("authentication", "clientId")),
    "callback_url": Spec("AUTHENTICATION_CALLBACK_URL", (*_AUTH, "callbackUrl"), ("authentication", "callbackUrl")),
    "jwt_principal_claims": Spec("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS", (*_AUTH, "jwtPrincipalClaims"),
                                 ("authentication", "jwtPrincipalClaims")),
    "public_key_urls": Spec("AUTHENTICATION_PUBLIC_KEYS", (*_AUTH, "publicKeyUrls"), ("authentication", "publicKeys")),
    "jwt_principal_claims_mapping": Spec("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING",
                                         (*_AUTH, "jwtPrincipalClaimsMapping"),
                                         ("authentication", "jwtPrincipalClaimsMapping")),
    "enforce_principal_domain": Spec("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN",
                                     ("authorizerConfiguration", "enforcePrincipalDomain"),
                                     ("authorizer", "enforcePrincipalDomain")),
    "oidc_callback_url": Spec("OIDC_CALLBACK", (*_OIDC, "callbackUrl"),
                              ("authentication", "oidcConfiguration", "callbackUrl")),
    "disable_pkce": Spec("OIDC_DISABLE_PKCE", (*_OIDC, "disablePkce"),
                         ("authentication", "oidcConfiguration", "disablePkce")),
    "oidc_scope": Spec("OIDC_SCOPE", (*_OIDC, "scope"), ("authentication", "oidcConfiguration", "scope")),
    "principal_domain": Spec("AUTHORIZER_PRINCIPAL_DOMAIN", ("authorizerConfiguration", "principalDomain"),
                             ("authorizer", "principalDomain")),
    "admin_principals": Spec("AUTHORIZER_ADMIN_PRINCIPALS", ("authorizerConfiguration", "adminPrincipals"),
                             ("authorizer", "initialAdmins")),
    "jwt_public_key": Spec("RSA_PUBLIC_KEY_FILE_PATH", ("jwtTokenConfiguration", "rsapublicKeyFilePath"),
                           ("jwtTokenConfiguration", "rsapublicKeyFilePath")),
    "jwt_private_key": Spec("RSA_PRIVATE_KEY_FILE_PATH", ("jwtTokenConfiguration", "rsaprivateKeyFilePath"),
                            ("jwtTokenConfiguration", "rsaprivateKeyFilePath")),
    "jwt_issuer": Spec("JWT_ISSUER", ("jwtTokenConfiguration", "jwtissuer"), ("jwtTokenConfiguration", "jwtissuer")),
    "jwt_key_id": Spec("JWT_KEY_ID", ("jwtTokenConfiguration", "keyId"), ("jwtTokenConfiguration", "keyId")),
    "ldap_truststore": Spec("AUTHENTICATION_LDAP_TRUSTSTORE_TYPE",
                            (*_AUTH, "ldapConfiguration", "truststoreConfigType"),
                            ("authentication", "ldapConfiguration", "truststoreConfigType")),
}

# The secrets a configuration names: kind -> (variable, openmetadata.yaml key, Helm key). In the chart,
# every one but the Fernet key is an object of `secretRef`/`secretKey` (values.schema.json refuses a
# plain string), so a scalar there is a secret written inline.
SECRETS: dict[str, Spec] = {
    "fernet": Spec("FERNET_KEY", ("fernetConfiguration", "fernetKey"), ("fernetkey",)),
    "oidc-client-secret": Spec("OIDC_CLIENT_SECRET", (*_OIDC, "secret"),
                               ("authentication", "oidcConfiguration", "clientSecret")),
    "ldap-admin-password": Spec("AUTHENTICATION_LOOKUP_ADMIN_PWD", (*_AUTH, "ldapConfiguration", "dnAdminPassword"),
                                ("authentication", "ldapConfiguration", "dnAdminPassword")),
    "database-password": Spec("DB_USER_PASSWORD", ("database", "password"), ("database", "auth", "password")),
    "pipeline-password": Spec("AIRFLOW_PASSWORD", ("pipelineServiceClientConfiguration", "parameters", "password"),
                              ("pipelineServiceClientConfig", "auth", "password")),
    "search-password": Spec("ELASTICSEARCH_PASSWORD", ("elasticsearch", "password"),
                            ("elasticsearch", "auth", "password")),
    "saml-keystore-password": Spec("SAML_KEYSTORE_PASSWORD",
                                   (*_AUTH, "samlConfiguration", "security", "keyStorePassword"),
                                   ("authentication", "saml", "security", "keyStorePassword")),
    "saml-sp-private-key": Spec("SAML_SP_PRIVATE_KEY", (*_AUTH, "samlConfiguration", "sp", "spPrivateKey"),
                                ("authentication", "saml", "sp", "spPrivateKey")),
}

# OpenMetadata's shipped values for secrets (conf/openmetadata.yaml defaults; the chart's fernetkey.value
# and its README's `kubectl create secret ... openmetadata-mysql-password=openmetadata_password`,
# `openmetadata-airflow-password=admin`): public, so a deployment that keeps one keeps no secret.
SHIPPED_SECRETS = {
    "fernet": "jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=",
    "database-password": "openmetadata_password",
    "pipeline-password": "admin",
}


@dataclass(frozen=True)
class Setting:
    """One resolved value, where it was written, and how it got its value (for evidence)."""

    value: object
    location: Location
    origin: str
    defaulted: bool = False  # the chart's, the image's or the server's default: not written in the files


@dataclass(frozen=True)
class SecretFound:
    kind: str
    name: str
    state: str
    location: Location
    origin: str


def secret_state(kind: str, value: object) -> str:
    """shipped, empty, or else inline (written in a file; a value set where the server is deployed
    is a reference, which the caller decides before there is a value). The value itself never leaves
    this function: no fact, message or note holds it, so it is not registered for fragment
    redaction either (fragment masking of a password such as `openmetadata_prod_Pw` would blank
    every `openmetadata` in the report, file paths included)."""
    text = "" if value is None else str(value).strip().strip('"')
    if not text:
        return "empty"
    if SHIPPED_SECRETS.get(kind) == text:
        return "shipped"
    register_exact(text)  # only where it appears whole: a parser's message could quote it
    return "inline"


def _text(value: object) -> str | None:
    if isinstance(value, Unknown):  # left to deploy: only the rules that read it are SKIPPED
        return cast("str | None", value)  # an Unknown stands in for any field
    return None if value is None else str(value).strip()


def _listed(value: object) -> tuple[str, ...]:
    """A list setting, () when unset (an Unknown kept)."""
    names = _names(value)
    return names if isinstance(names, Unknown) else (names or ())


def _text_or_none(value: object) -> str | None:
    """A text setting, None when empty (an Unknown kept)."""
    text = _text(value)
    return text if isinstance(text, Unknown) else (text or None)


def _is_ldap(provider: object) -> bool:
    """Whether the provider is ldap; an Unknown kept (the rules that read it are SKIPPED)."""
    return cast(bool, provider) if isinstance(provider, Unknown) else _lower(provider) == "ldap"


def _lower(value: object) -> str:
    """A setting compared by its text, "" when unknown (then it matches no literal)."""
    return "" if isinstance(value, Unknown) or value is None else str(value).strip().lower()


def _flag(value: object) -> bool | None:
    if isinstance(value, bool | Unknown):
        return cast("bool | None", value)  # an Unknown stands in for any field
    text = str(value).strip().strip('"').lower() if value is not None else ""
    return {"true": True, "false": False}.get(text)


def admin_names(value: object) -> tuple[tuple[str, ...], bool] | None:
    """adminPrincipals / initialAdmins: the names, and whether any entry carries a password
    (`name:password` sets that user's password at start-up: UserUtil.addUsers). The passwords are
    dropped here, before anything can show them."""
    if isinstance(value, Unknown):  # never parsed: a `${VAR:-[admin]}` kept as written is no password
        return cast("tuple[tuple[str, ...], bool] | None", value)  # an Unknown stands in for any field
    entries = _names(value)
    if entries is None:
        return None
    return tuple(e.split(":", 1)[0].strip() for e in entries), any(":" in e for e in entries)


def _names(value: object) -> tuple[str, ...] | None:
    """A list setting: a YAML list, or the `[a, b]` / `a,b` text a variable holds."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        return cast("tuple[str, ...] | None", value)  # an Unknown stands in for any field
    if isinstance(value, list):
        return tuple(str(v).strip().strip('"') for v in value if str(v).strip())
    text = str(value).strip().strip("[]")
    return tuple(part.strip().strip('"').strip("'") for part in text.split(",") if part.strip())


def build(file: str, settings: Mapping[str, Setting], secrets: list[SecretFound]
          ) -> tuple[Given, dict[str, Location]]:
    """Snapshot facts (om.auth_config, conf.jwt, ...) and their locations, from one file's settings.
    The fields a default filled are listed under DEFAULTED (see `defaulted_fields`)."""

    def get(name: str) -> object:
        found = settings.get(name)
        return found.value if found is not None else None

    auth: AuthConfig | None = None
    security: SecurityConfig | None = None
    initial_admins: tuple[str, ...] | None = None
    enforce_domain: bool | None = None
    jwt: JwtSettings | None = None
    ldap: LdapSettings | None = None
    fernet: SecretSetting | None = None
    locations: dict[str, Location] = {}
    for name, setting in settings.items():
        for key in _KEY_OF.get(name, ()):
            locations[f"{key}.{name}"] = setting.location
    auth_fields = tuple(n for n in ("provider", "client_type", "enable_self_signup", "authority", "client_id",
                                    "callback_url", "jwt_principal_claims", "public_key_urls",
                                    "jwt_principal_claims_mapping") if n in settings)
    if auth_fields:
        auth = AuthConfig(
            path=file, provider=_text(get("provider")), client_type=_text(get("client_type")),
            enable_self_signup=_flag(get("enable_self_signup")), authority=_text(get("authority")),
            client_id=_text_or_none(get("client_id")), callback_url=_text_or_none(get("callback_url")),
            jwt_principal_claims=_listed(get("jwt_principal_claims")),
            public_key_urls=_names(get("public_key_urls")), fields=auth_fields,
            jwt_principal_claims_mapping=_listed(get("jwt_principal_claims_mapping")))
        locations["om.auth_config"] = settings[auth_fields[0]].location
    if "admin_principals" in settings or "principal_domain" in settings:
        # Not om.authorizer: that fact is what a running server serves to anonymous callers (OMA111).
        admins_given = admin_names(get("admin_principals"))
        names, with_password = ((admins_given, False) if isinstance(admins_given, Unknown)
                                else admins_given or ((), False))
        initial_admins = names
        first = settings.get("admin_principals") or settings["principal_domain"]
        locations["conf.initial_admins"] = first.location
        if with_password:  # a password written into the admin list is an inline secret (OMA504)
            admins = settings["admin_principals"]
            secrets = [*secrets, SecretFound("admin-password", "adminPrincipals (name:password)", "inline",
                                             admins.location, admins.origin)]
    if "enforce_principal_domain" in settings:  # OMA117
        enforce_domain = _flag(get("enforce_principal_domain"))
        where = settings["enforce_principal_domain"].location
        if enforce_domain is None:
            # Written, but neither true nor false (`enforcePrincipalDomain:` and nothing): this file still
            # gives it, as unknown; a later file (the chart's default false) must not fill it in silently.
            enforce_domain = cast(bool, Unknown(f"{where.file}: enforcePrincipalDomain is written without true or "
                                                "false"))
        locations["conf.enforce_principal_domain"] = where
    security_fields = ("disable_pkce", "oidc_callback_url", "oidc_scope")
    if any(n in settings for n in security_fields):
        security = SecurityConfig(
            path=file, served=True, client_type=_text(get("client_type")),
            oidc_callback_url=_text_or_none(get("oidc_callback_url")), disable_pkce=_flag(get("disable_pkce")),
            oidc_scope=_text_or_none(get("oidc_scope")))
        locations["om.security_config"] = next(settings[n] for n in security_fields if n in settings).location
        if "disable_pkce" in settings:  # OMA116 shows it in its evidence
            locations["om.auth_config.disable_pkce"] = settings["disable_pkce"].location
        if "oidc_callback_url" in settings and _lower(get("client_type")) == "confidential":
            # A confidential client redirects to oidcConfiguration.callbackUrl (rulekit.om_callback): the
            # callback OMA106/OMA107 judge, and the line to fix.
            locations["om.auth_config.callback_url"] = settings["oidc_callback_url"].location
    if any(n.startswith("jwt_") and n != "jwt_principal_claims" for n in settings):
        jwt = JwtSettings(public_key_path=_text(get("jwt_public_key")),
                                        private_key_path=_text(get("jwt_private_key")),
                                        issuer=_text(get("jwt_issuer")), key_id=_text(get("jwt_key_id")))
        first_jwt = next(s for n, s in settings.items() if n.startswith("jwt_") and n != "jwt_principal_claims")
        locations["conf.jwt"] = first_jwt.location
        if "jwt_key_id" in settings:
            locations["conf.jwt.key_id"] = settings["jwt_key_id"].location
        if "jwt_private_key" in settings:
            locations["conf.jwt.private_key_path"] = settings["jwt_private_key"].location
    if "ldap_truststore" in settings:
        ldap = LdapSettings(truststore_type=_text(get("ldap_truststore")),
                                          in_use=_is_ldap(get("provider")))
        locations["conf.ldap"] = settings["ldap_truststore"].location
    kept = tuple(SecretSetting(name=s.name, kind=s.kind, state=s.state, origin=s.origin) for s in secrets)
    for found in secrets:
        locations[f"conf.secrets#{found.name}"] = found.location
        if found.kind == "fernet":
            fernet = SecretSetting(name=found.name, kind="fernet", state=found.state, origin=found.origin)
            locations["conf.fernet"] = found.location
    return Given(om=OMFacts(auth_config=auth, security_config=security),
                 conf=ConfFacts(jwt=jwt, fernet=fernet, initial_admins=initial_admins, secrets=kept, ldap=ldap,
                                enforce_principal_domain=enforce_domain)), locations


_KEY_OF = {name: ("om.auth_config",) for name in ("provider", "client_type", "enable_self_signup", "authority",
                                                   "client_id", "callback_url", "jwt_principal_claims",
                                                   "public_key_urls", "jwt_principal_claims_mapping")}


# The snapshot field each setting fills, where a rule compares it with a running server (OMA406).
_FIELD_OF = {**{name: f"om.auth_config.{name}" for name in _KEY_OF}, "admin_principals": "conf.initial_admins",
             "enforce_principal_domain": "conf.enforce_principal_domain",
             "disable_pkce": "om.security_config.disable_pkce",
             "oidc_callback_url": "om.security_config.oidc_callback_url"}


def defaulted_fields(settings: Mapping[str, Setting]) -> list[str]:
    """The snapshot fields whose value a default gave (the chart's values, the image's openmetadata.yaml,
    the server's own), not the files: judged as deployed, but not what the files say."""
    fields = [_FIELD_OF[name] for name, setting in settings.items() if setting.defaulted and name in _FIELD_OF]
    client_type = settings.get("client_type")
    confidential = client_type is not None and _lower(client_type.value) == "confidential"
    if confidential:  # it redirects to oidcConfiguration.callbackUrl (rulekit.om_callback): that one decides
        callback = settings.get("oidc_callback_url")
        fields = [f for f in fields if f != "om.auth_config.callback_url"]
        fields += ["om.auth_config.callback_url"] if callback is not None and callback.defaulted else []
    return fields


# Why a setting whose variable has no value in the files given and no default (`${VAR}`) is unknown:
# it gets it only where the server is deployed, which a pre-production scan does not see.
UNSET = "no value in the files given and no default (set where the server is deployed)"
