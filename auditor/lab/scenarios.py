"""Named lab scenarios: one OpenMetadata deployment each, described as data.

Shapes follow SECURITY-SURFACE.md (cited per field below). Where the real server's exact answer
is unknown the field says GUESS and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from auditor.facts import om_defaults
from auditor.lab.cognito import HARDENED, WALKTHROUGH, CognitoSeed
from auditor.lab.releases import RECENT, RELEASES, Release

JWT_CLAIMS = ["email", "preferred_username", "sub"]  # conf/openmetadata.yaml default


@dataclass(frozen=True)
class LabUser:
    name: str
    email: str
    is_admin: bool = False
    is_bot: bool = False
    password: str | None = None  # None: no BASIC auth mechanism (SSO users, blanked admin)
    deleted: bool = False  # soft-deleted: 404 by name unless include=all (UserResource.getByName)




@dataclass(frozen=True)
class LabBot:
    name: str
    token_expiry: str = "Unlimited"  # JWTTokenExpiry enum: OneHour, 1, 7, 30, 60, 90, Unlimited
    # UserResource.revokeToken stores JWTAuthMechanism().withJWTToken(""): no token, no expiry.
    revoked: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    version: str
    auth: dict[str, Any]
    authorizer: dict[str, Any]
    default_key: bool
    key_id: str
    users: tuple[LabUser, ...]
    bots: tuple[LabBot, ...]
    admin_token_user: str
    max_login_fail_attempts: int = 3
    access_block_time: int = 30  # recent SettingsCache seed (SECURITY-SURFACE.md 4.5); older 600
    anonymous_access: bool = False  # NoopFilter
    cognito: CognitoSeed | None = None  # seeded into moto; OM's authority and clientId then point there
    release: Release = RECENT  # how the server answers (auditor.lab.releases: each behaviour declared there)
    # authenticationConfiguration.oidcConfiguration as GET /system/security/config serves it; None: the
    # conf/openmetadata.yaml defaults (OIDC_CALLBACK http://localhost:8585/callback, disablePkce true).
    oidc: dict[str, Any] | None = None
    # conf/openmetadata.yaml authorizerConfiguration.adminPrincipals (AUTHORIZER_ADMIN_PRINCIPALS); None: the
    # names of the admin users. UserUtil.addUsers runs over these names at every start (see started_users).
    admin_principals: tuple[str, ...] | None = None
    # authenticationConfiguration.publicKeyUrls as configured (AUTHENTICATION_PUBLIC_KEYS), served whole to
    # an admin by /system/security/config: the pool's JWKS (Cognito scenarios) and OpenMetadata's own, as
    # the Cognito guide lists them, then these.
    extra_public_keys: tuple[str, ...] = ()

    @property
    def provider(self) -> str:
        return str(self.auth.get("provider"))


SYSTEM_BOTS = ("ingestion-bot", "profiler-bot", "lineage-bot", "usage-bot", "testsuite-bot", "quality-bot",
               "autoClassification-bot", "governance-bot", "scim-bot", "McpApplicationBot")


def _recent_auth(provider: str, *, self_signup: bool, client_id: str = "", authority: str =
                 "https://accounts.google.com", callback: str = "") -> dict[str, Any]:
    """The whitelisted /system/config/auth body of recent servers (ConfigResource.java, 2.x era).

    A fresh AuthenticationConfiguration carries its schema defaults (authenticationConfiguration.json:
    responseType id_token, tokenValidationAlgorithm RS256, and the arrays publicKeyUrls,
    jwtPrincipalClaimsMapping initialised to []), so they are served too; the newest code copies the
    persisted publicKeyUrls instead (ConfigResourceTest, #29597). Source:
    docs/research/issue-11-openmetadata-source.md, point 1 ("Related: /config/auth").
    """
    return {"provider": provider, "providerName": "", "clientType": "public", "responseType": "id_token",
            "tokenValidationAlgorithm": "RS256", "enableSelfSignup": self_signup, "enableAutoRedirect": False,
            "jwtPrincipalClaims": JWT_CLAIMS, "jwtPrincipalClaimsMapping": [], "publicKeyUrls": [],
            "clientId": client_id,
            "authority": authority, "callbackUrl": callback}


def recent_authorizer(domain: str) -> dict[str, Any]:
    """/system/config/authorizer of recent servers: a fresh AuthorizerConfiguration with only
    principalDomain set (ConfigResource.getAuthorizerConfig). jsonschema2pojo initialises the array
    properties that have no `"default": null` to empty sets, and @JsonInclude(NON_NULL) serializes
    them; useRolesFromProvider has a schema default of false. botPrincipals (default null),
    enforcePrincipalDomain and enableSecureSocketConnection (no default) are absent.
    Source: docs/research/issue-11-openmetadata-source.md, point 1."""
    return {"adminPrincipals": [], "testPrincipals": [], "allowedEmailRegistrationDomains": [],
            "principalDomain": domain, "allowedDomains": [], "useRolesFromProvider": False}


def admin_principals(scenario: Scenario) -> list[str]:
    """The configured admin principals, as the YAML lists them."""
    if scenario.admin_principals is not None:
        return list(scenario.admin_principals)
    return sorted(u.name for u in scenario.users if u.is_admin)


def started_users(scenario: Scenario) -> tuple[LabUser, ...]:
    """The seeded users after a server start: UserUtil.addUsers(authProvider, adminPrincipals, principalDomain)
    over every listed name. Recent code (util/UserUtil.java createOrUpdateUser, jakarta) rewrites an
    existing non-bot admin's e-mail to <name>@<principalDomain>; older code (org.openmetadata.service
    era, `Boolean.FALSE.equals(originalUser.getIsAdmin())`) only promotes a listed non-admin, with the
    same rewrite. A name not listed keeps the address it got at first start, which is how an operator who
    changed the domain and then dropped `admin` from the principals leaves admin@<old domain> behind.
    A missing or soft-deleted listed name would be created (getByName excludes deleted rows); the lab's
    scenarios never list one. Source: docs/research/issue-11-openmetadata-source.md, point 7."""
    domain = str(scenario.authorizer.get("principalDomain") or om_defaults.DEFAULT_PRINCIPAL_DOMAIN)
    listed = set(admin_principals(scenario))
    out = []
    for user in scenario.users:
        if user.name in listed and not user.deleted and not user.is_bot:
            if scenario.release.admin_email_rewrite == "admins" and user.is_admin:
                user = replace(user, email=f"{user.name}@{domain}")
            elif scenario.release.admin_email_rewrite == "promotions" and not user.is_admin:
                user = replace(user, email=f"{user.name}@{domain}", is_admin=True)
        out.append(user)
    return tuple(out)


def yaml_authorizer(scenario: Scenario) -> dict[str, Any]:
    """conf/openmetadata.yaml's whole authorizerConfiguration block: what old servers served to anyone at
    /config/authorizer, and what /system/security/config serves to admins (research points 1 and 4)."""
    return {"className": "org.openmetadata.service.security.DefaultAuthorizer",
            "containerRequestFilter": "org.openmetadata.service.security.JwtFilter",
            "adminPrincipals": admin_principals(scenario),
            "allowedEmailRegistrationDomains": ["all"],
            "principalDomain": scenario.authorizer.get("principalDomain", om_defaults.DEFAULT_PRINCIPAL_DOMAIN),
            "enforcePrincipalDomain": False, "enableSecureSocketConnection": False, "useRolesFromProvider": False}


DEFAULT_ADMIN = LabUser("admin", om_defaults.DEFAULT_ADMIN_EMAIL, is_admin=True,
                        password=om_defaults.DEFAULT_ADMIN_PASSWORD)
# Under an SSO provider, UserUtil blanks the seeded admin's auth mechanism: no password.
BLANKED_ADMIN = LabUser("admin", om_defaults.DEFAULT_ADMIN_EMAIL, is_admin=True, password=None)

LAB_POOL_PLACEHOLDER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LabPool01"
LAB_CLIENT_PLACEHOLDER = "4d1ab2c3e4f5g6h7i8j9k0lmno"

def _guide_leftovers(name: str, description: str, cognito: CognitoSeed, extra_public_keys: tuple[str, ...] = ()
                     ) -> Scenario:
    """OpenMetadata configured from the Cognito guide's examples: localhost callback, admin and key kept."""
    return Scenario(extra_public_keys=extra_public_keys,
        name=name, description=description, version="1.12.6",
        auth=_recent_auth("aws-cognito", self_signup=True, client_id=LAB_CLIENT_PLACEHOLDER,
                          authority=LAB_POOL_PLACEHOLDER, callback="http://localhost:8585/callback"),
        authorizer=recent_authorizer("example.com"),
        default_key=True, key_id=om_defaults.DEFAULT_KEY_ID,
        users=(BLANKED_ADMIN, LabUser("alice", "alice@example.com", is_admin=True)),
        # The guide sets AUTHORIZER_ADMIN_PRINCIPALS to the operator: admin keeps its first-start address.
        admin_principals=("alice",),
        bots=tuple(LabBot(b) for b in SYSTEM_BOTS), admin_token_user="alice", cognito=cognito)


# Text a hostile server puts wherever OpenMetadata or Cognito echo a string: terminal escapes (clear
# screen, window title, an OSC 8 link, a full reset), backspaces, NUL and VT (illegal in XML), a bidi
# override, and Markdown/HTML that would render as a tracking image, a link, a <details> block, an
# @mention and a code-span break-out. Every output format is tested against it (tests/test_sinks.py).
INJECTION = ("\x1b[2J\x1b]0;owned\x07\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\x1bc\x08\x08\x00\x0b"
             "\u202eevil ![p](https://track.example/p.png) [l](https://evil.example/) "
             "<details><summary>x</summary> @octocat `tick` <img src=x onerror=alert(1)>")
INJECTED_COGNITO = CognitoSeed(
    pool={"PoolName": "openmetadata-injected"},
    client={**WALKTHROUGH.client, "ClientName": "app" + INJECTION[:40],
            "CallbackURLs": ["http://localhost:8585/callback", "https://evil.example/cb?" + INJECTION]},
)


def _injected() -> Scenario:
    """Every string the auditor echoes carries INJECTION: version, callback, principals, bot and client names."""
    auth = _recent_auth("aws-cognito", self_signup=True, client_id=LAB_CLIENT_PLACEHOLDER,
                        authority=LAB_POOL_PLACEHOLDER, callback="http://localhost:8585/callback?x=" + INJECTION)
    return Scenario(
        name="injection", description="A hostile server whose every echoed string carries terminal escapes and "
        "Markdown/HTML injections.", version="1.2.3-" + INJECTION, auth=auth,
        authorizer={"principalDomain": "example.com", "adminPrincipals": ["admin", "ops" + INJECTION],
                    "useRolesFromProvider": False},
        default_key=True, key_id=om_defaults.DEFAULT_KEY_ID,
        users=(BLANKED_ADMIN, LabUser("alice", "alice@example.com", is_admin=True)),
        bots=(LabBot("ingestion-bot"), LabBot("bot" + INJECTION)), admin_token_user="alice",
        cognito=INJECTED_COGNITO)


# The official Helm chart's oidcConfiguration defaults (open-metadata/openmetadata-helm-charts
# charts/openmetadata/values.yaml, every chart since 1.4.0), with a confidential Cognito client.
HELM_OIDC = {"id": "", "type": "", "secret": "*********", "scope": "openid email profile", "discoveryUri": "",
             "useNonce": "true", "preferredJwsAlgorithm": "RS256", "responseType": "code", "disablePkce": True,
             "callbackUrl": "http://openmetadata:8585/callback", "serverUrl": "http://openmetadata:8585",
             "clientAuthenticationMethod": "client_secret_post", "tenant": "", "maxClockSkew": "",
             "tokenValidity": "3600", "customParams": {}, "maxAge": "0", "prompt": "consent", "sessionExpiry": "604800"}
# conf/openmetadata.yaml's oidcConfiguration defaults (OIDC_* variables), served for every other scenario.
YAML_OIDC = {**HELM_OIDC, "callbackUrl": "http://localhost:8585/callback", "serverUrl": "http://localhost:8585",
             "prompt": "", "clientAuthenticationMethod": "client_secret_post"}
CONFIDENTIAL_COGNITO = CognitoSeed(pool=HARDENED.pool, client={**HARDENED.client, "GenerateSecret": True},
                                   software_token_mfa=True, web_acl=True)


def _confidential_helm() -> Scenario:
    """Cognito done right, OpenMetadata on the Helm chart's confidential-client defaults: the public
    callbackUrl is empty, the code flow redirects to http://openmetadata:8585/callback without PKCE."""
    auth = {**_recent_auth("aws-cognito", self_signup=False, client_id=LAB_CLIENT_PLACEHOLDER,
                           authority=LAB_POOL_PLACEHOLDER, callback=""), "clientType": "confidential"}
    return Scenario(
        name="confidential-helm", description="A confidential Cognito client left at the Helm chart's OIDC "
        "defaults: an http callback on the chart's service name, PKCE off.", version="1.12.6",
        auth=auth, authorizer=recent_authorizer("example.com"), default_key=False,
        key_id="0b7d6c1e-2f3a-4b5c-8d9e-aa11bb22cc33", users=(LabUser("secops", "secops@example.com", is_admin=True),),
        bots=tuple(LabBot(b, token_expiry="30") for b in SYSTEM_BOTS), admin_token_user="secops",
        access_block_time=600, cognito=CONFIDENTIAL_COGNITO, oidc=HELM_OIDC)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            name="insecure-defaults",
            description="A fresh quickstart: basic auth, admin/admin, the shipped key, self-signup on.",
            version="2.0.7",
            auth=_recent_auth("basic", self_signup=True),
            authorizer=recent_authorizer("open-metadata.org"),
            default_key=True,
            key_id=om_defaults.DEFAULT_KEY_ID,
            users=(DEFAULT_ADMIN, LabUser("data.steward", "data.steward@open-metadata.org", password="Steward#2026")),
            bots=tuple(LabBot(b) for b in SYSTEM_BOTS),
            admin_token_user="admin",
        ),
        _guide_leftovers("sso-leftovers", "Cognito SSO set up right, but OpenMetadata left as the guide shows: "
                         "localhost callback, admin kept, shipped key kept, Google's keys left in publicKeyUrls "
                         "from the chart's commented example.", HARDENED,
                         # charts/openmetadata/values.yaml (every chart tag in tests/data/real/helm): the
                         # commented Google example lists https://www.googleapis.com/oauth2/v3/certs.
                         extra_public_keys=("https://www.googleapis.com/oauth2/v3/certs",)),
        _guide_leftovers("seed-walkthrough", "OpenMetadata's Cognito guide followed literally, with its usual "
                         "slips on both sides.", WALKTHROUGH),
        Scenario(
            name="legacy-1.2",
            description="An old 1.2 server: old paths, verbose config with admin principals, CVE-2024-28255.",
            version="1.2.3",
            # The 1.x line serves /api/v1/system/*: conf/openmetadata.yaml ~1.0 already names
            # /api/v1/system/config/jwks; /api/v1/version and /api/v1/config/* are <= 0.13 (research point 10).
            # 1.x javax era: the YAML authenticationConfiguration is returned unmodified (3.4).
            auth={"provider": "basic", "providerName": "", "clientType": "public", "responseType": "id_token",
                  "publicKeyUrls": ["http://localhost:8585/api/v1/config/jwks"], "tokenValidationAlgorithm": "RS256",
                  "authority": "https://accounts.google.com", "clientId": "", "callbackUrl": "",
                  "jwtPrincipalClaims": JWT_CLAIMS, "enableSelfSignup": False},
            # Older servers return the whole authorizer block (3.5).
            authorizer={"className": "org.openmetadata.service.security.DefaultAuthorizer",
                        "containerRequestFilter": "org.openmetadata.service.security.JwtFilter",
                        "adminPrincipals": ["admin", "ops"], "allowedEmailRegistrationDomains": ["all"],
                        "principalDomain": "open-metadata.org", "enforcePrincipalDomain": False,
                        "enableSecureSocketConnection": False, "useRolesFromProvider": False},
            default_key=False,
            key_id=om_defaults.DEFAULT_KEY_ID,  # key rotated, kid left at the shipped value
            users=(LabUser("admin", om_defaults.DEFAULT_ADMIN_EMAIL, is_admin=True, password="Rotated#Admin1"),
                   LabUser("ops", "ops@open-metadata.org", is_admin=True, password="Ops#Password1")),
            bots=(LabBot("ingestion-bot"),),
            admin_token_user="admin",
            access_block_time=600,
            release=RELEASES["1.2"],
        ),
        Scenario(
            name="hardened",
            description="Everything right: Cognito SSO, https callback, admin deleted, own key, expiring bots.",
            version="2.0.7",
            auth=_recent_auth("aws-cognito", self_signup=False, client_id=LAB_CLIENT_PLACEHOLDER,
                              authority=LAB_POOL_PLACEHOLDER, callback="https://openmetadata.example.com/callback"),
            authorizer=recent_authorizer("example.com"),
            default_key=False,
            key_id="8c0e5f2a-6d1b-4c3e-9a7f-2b4d6e8f0a1c",
            users=(LabUser("secops", "secops@example.com", is_admin=True),),
            # One bot's token was revoked rather than rotated: no live token (OMA113 PASS).
            bots=(*(LabBot(b, token_expiry="30") for b in SYSTEM_BOTS[:-1]), LabBot(SYSTEM_BOTS[-1], revoked=True)),
            admin_token_user="secops",
            access_block_time=600,
            cognito=HARDENED,
        ),
        Scenario(
            name="renamed-domain",
            description="Basic auth half hardened: the principal domain changed and admin dropped from the admin "
                        "principals, but the account kept, with its first-start e-mail and the shipped password.",
            version="2.0.7",
            auth=_recent_auth("basic", self_signup=False),
            authorizer=recent_authorizer("example.com"),
            default_key=False,
            key_id="3f9a1c7e-2b4d-4e6f-8a0c-5d7e9f1b3a2c",
            # Not listed, so UserUtil leaves admin@open-metadata.org alone (started_users).
            users=(DEFAULT_ADMIN, LabUser("secops", "secops@example.com", is_admin=True, password="Secops#Pass2026")),
            admin_principals=("secops",),
            bots=tuple(LabBot(b, token_expiry="30") for b in SYSTEM_BOTS),
            admin_token_user="secops",
        ),
        _injected(),
        _confidential_helm(),
    )
}


def on_release(scenario: Scenario, release: Release) -> Scenario:
    """The scenario as a server of `release` serves it."""
    authorizer = scenario.authorizer
    if release.authorizer_whole and "className" not in authorizer:
        # useRolesFromProvider arrived about 1.3 (research point 1): the old block has no such key.
        authorizer = {k: v for k, v in yaml_authorizer(scenario).items() if k != "useRolesFromProvider"}
    elif not release.authorizer_whole and "className" in authorizer:
        authorizer = recent_authorizer(str(authorizer.get("principalDomain", "open-metadata.org")))
    users = scenario.users
    if release.shipped_principal_domain != om_defaults.DEFAULT_PRINCIPAL_DOMAIN:
        users, authorizer = _first_started_on(release.shipped_principal_domain, users, authorizer)
    auth = dict(scenario.auth)
    if not release.auth_whitelisted:
        for key in ("jwtPrincipalClaimsMapping", "enableAutoRedirect"):
            auth.pop(key, None)
        # the YAML block whole: the configured list (the lab's state fills it in), never the schema's []
        auth["publicKeyUrls"] = auth.get("publicKeyUrls") or ["http://localhost:8585/api/v1/system/config/jwks"]
    elif release.persisted_public_keys:
        auth["publicKeyUrls"] = ["http://localhost:8585/api/v1/system/config/jwks"]
    elif "publicKeyUrls" in auth:
        auth["publicKeyUrls"] = []  # a fresh AuthenticationConfiguration: the schema's default (#29597)
    return replace(scenario, name=f"{scenario.name}@{release.name}", version=release.version, release=release,
                   authorizer=authorizer, auth=auth, access_block_time=release.access_block_time, users=users)


def _first_started_on(domain: str, users: tuple[LabUser, ...], authorizer: dict[str, Any],
                      ) -> tuple[tuple[LabUser, ...], dict[str, Any]]:
    """A deployment first started on a release whose YAML shipped `domain`: the addresses and the
    principalDomain that kept the shipped default carry that release's spelling instead."""
    shipped = "@" + om_defaults.DEFAULT_PRINCIPAL_DOMAIN
    moved = tuple(replace(u, email=u.email[: -len(shipped)] + "@" + domain)
                  if u.email.endswith(shipped) else u for u in users)
    if authorizer.get("principalDomain") == om_defaults.DEFAULT_PRINCIPAL_DOMAIN:
        authorizer = {**authorizer, "principalDomain": domain}
    return moved, authorizer
