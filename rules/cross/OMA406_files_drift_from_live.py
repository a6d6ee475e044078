"""OMA406: the running server or its pool is weaker than the deployment's files say.

## Why this matters
A pull-request gate judges the files; production runs what the server and the pool hold. Since 1.12
OpenMetadata keeps its SSO settings in its database (Settings > SSO): the files apply when a server
first starts, and a change made in the UI afterwards never comes back to them
(open-metadata/OpenMetadata#31786). On 1.11.10 to 1.13.5, `AUTHENTICATION_ENABLE_SELF_SIGNUP` is
reported ignored (#26159), so a file that says `false` ships a server that lets anyone register. A
console edit of the user pool is the same kind of drift on the Cognito side. Each of these makes the
reviewed, green configuration a false assurance.

Given the deployment's files with a live scan (`omaudit scan --om-url ... --dir deploy/prod`), this
rule compares, setting by setting, what runs with what the files say, and FAILs each setting that is
weaker live, naming both values and the file's line:

| setting | weaker live when |
|---|---|
| `enableSelfSignup` | on live, off in the files (high) |
| the pool's `AllowAdminCreateUserOnly` | sign-up open live, closed in the files (high) |
| `publicKeyUrls` | live lists a key source the files do not (high: OMA118) |
| `enforcePrincipalDomain` | off live, on in the files (high: OMA117) |
| `adminPrincipals` | live names an administrator the files do not (high) |
| `clientId`, `authority` | any difference: a client or pool nobody reviewed |
| the callback OpenMetadata redirects to | another host, plain http or loopback live, where the files had none |
| `disablePkce` (confidential clients) | PKCE off live, on in the files |

Inputs: judged per setting, each from the side the scan has (OpenMetadata, the pool, or both):
a Cognito-only scan given a template compares the pool alone. PASS per setting when live is the
same or stronger. SKIPPED, per setting, when the files do not set
it: unset, filled by a default (the chart's values, the image's openmetadata.yaml: nobody wrote or
reviewed that value), or left to deploy time (a `${VAR}` without a value, a Terraform value known
after apply),
or when the live value is readable only with an admin token (`publicKeyUrls` on recent releases,
`enforcePrincipalDomain`, `adminPrincipals`, `disablePkce`); ERROR when that read failed. Without
files, or on a file scan, the rule is SKIPPED saying what would decide it.

## Fix
Make the running configuration what was reviewed: put the setting back in Settings > SSO (or the
pool's console) to the files' value, or change the files through review and redeploy. Then keep the
files the source of truth: run this scan on a schedule with the deployment's files, and treat a
FAIL as an unreviewed change.

## References
- open-metadata/OpenMetadata#31786 (SSO settings in the database take precedence over the files) and
  #26159 (`AUTHENTICATION_ENABLE_SELF_SIGNUP` ignored, 1.11.10 to 1.13.5), as issue 23 reports them
- open-metadata/OpenMetadata: openmetadata-service/.../resources/system/SystemResource.java
  (`GET /v1/system/security/config`, admin only: the whole security configuration), ConfigResource.java
  (`/v1/system/config/auth`: enableSelfSignup, clientId, authority, callbackUrl)
- AWS Cognito API reference: UserPoolType.AdminCreateUserConfig.AllowAdminCreateUserOnly (default false)
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-23-attack-paths.md, point 4
"""

import re

from auditor.engine.rulekit import (
    REVIEWED_FILES,
    AuthConfig,
    Callable,
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    UnknownValue,
    admin_view_failed,
    configured_key_urls,
    is_loopback_host,
    known,
    om_callback,
    om_resource,
    pool_name,
    pool_resource,
    url_host,
    url_scheme,
)

META = RuleMeta(id="OMA406", name="files-drift-from-live", severity=Severity.MEDIUM, needs=())

AUTH = "/api/v1/system/config/auth"
SECURITY = "/api/v1/system/security/config"
Compare = Callable[[Snapshot, Snapshot, str], Outcome]


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    reviewed = snap.reviewed
    where = snap.target.om_url or (pool_name(snap.target.cognito_pool_id)
                                   if snap.target.cognito_pool_id else snap.target.name)
    unread = snap.problems.get(REVIEWED_FILES)
    if unread is not None:  # a fleet's target whose files could not be read: the live audit stands
        yield META.errored(where, unread.reason)
        return
    if reviewed is None:
        live = snap.target.om_url is not None or snap.target.cognito_pool_id is not None
        yield META.skipped(where, "give the deployment's files with the live scan (--dir, --om-config or "
                           "--helm-values with --om-url) to compare them with what runs" if live else
                           "needs a live scan: give --om-url (or --cognito-pool-id) with these files to compare "
                           "them with what runs")
        return
    if snap.target.om_url is not None:
        for setting, compare, field in SETTINGS:
            yield _judged(compare, snap, reviewed, om_resource(snap, setting), field)
    if snap.cognito.user_pool is not None or reviewed.cognito.user_pool is not None:
        yield _judged(_pool_signup, snap, reviewed, pool_resource(snap) + "#AllowAdminCreateUserOnly",
                      "cognito.user_pool.allow_admin_create_user_only")


def _judged(compare: Compare, snap: Snapshot, reviewed: Snapshot, resource: str, field: str) -> Outcome:
    """One setting's verdict. A value the files leave to deploy time, or to a default (the chart's
    values, the image's openmetadata.yaml: no one wrote it), makes only that setting SKIPPED."""
    if field in reviewed.defaulted:
        name = resource.rsplit("#", 1)[-1]
        return META.skipped(resource, f"the files do not set {name}: a default fills it (the chart's values or the "
                            "image's openmetadata.yaml), which is not a reviewed value")
    try:
        return compare(snap, reviewed, resource)
    except UnknownValue as exc:
        return META.skipped(resource, f"the files leave it to deploy time: {exc}")


def _weaker(resource: str, field: str, reviewed: Snapshot, message: str, live: object, files: object,
            graver: bool = False) -> Outcome:
    found = META.failed(resource, message, live=_shown(live), files=_shown(files),
                        file_line=str(reviewed.where(field) or "")).about(f"reviewed.{field}")
    return found.graver(Severity.HIGH) if graver else found


def _same(resource: str, field: str, reviewed: Snapshot, message: str, live: object, files: object) -> Outcome:
    return META.passed(resource, message, live=_shown(live), files=_shown(files),
                       file_line=str(reviewed.where(field) or "")).about(f"reviewed.{field}")


def _shown(value: object) -> str | list[str] | bool | None:
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return value if isinstance(value, str | bool) or value is None else str(value)


def _auth_pair(snap: Snapshot, reviewed: Snapshot, resource: str, what: str
               ) -> tuple[AuthConfig, AuthConfig] | Outcome:
    live, files = snap.om.auth_config, reviewed.om.auth_config
    if live is None:
        problem = snap.problem("om.auth_config")
        why = problem.reason if problem else "not collected"
        return META.errored(resource, f"could not read the running server's {what}: {why}")
    if files is None:
        return META.skipped(resource, _not_set(reviewed, "om.auth_config", what))
    return live, files


def _self_signup(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    pair = _auth_pair(snap, reviewed, resource, "enableSelfSignup")
    if isinstance(pair, Outcome):
        return pair
    field = "om.auth_config.enable_self_signup"
    live, files = pair[0].enable_self_signup, known(pair[1].enable_self_signup)
    if files is None:
        return META.skipped(resource, _not_set(reviewed, "om.auth_config", "enableSelfSignup"))
    if not isinstance(live, bool):
        return META.skipped(resource, "the running server does not show enableSelfSignup to this scan")
    if live is True and files is False:
        return _weaker(resource, field, reviewed, "self sign-up is on in the running server (enableSelfSignup "
                       "true) but off in the files (false)", live, files, graver=True)
    return _same(resource, field, reviewed, f"enableSelfSignup is {_flag(live)} live and {_flag(files)} in the files",
                 live, files)


def _not_set(reviewed: Snapshot, key: str, name: str) -> str:
    """Why the files give no value for a setting: not set, or its input left to deploy time as a whole
    (a variable without a value elsewhere in the same block)."""
    problem = reviewed.problems.get(key)
    if problem is not None and not problem.reason.startswith("the files given do not set"):
        return f"the files leave {name} unknown: {problem.reason}"
    return f"the files given do not set {name}"


def _flag(value: bool | None) -> str:
    return "not shown" if value is None else str(value).lower()


def _text_setting(snap: Snapshot, reviewed: Snapshot, resource: str, name: str, attribute: str,
                  normal: Callable[[str], str]) -> Outcome:
    pair = _auth_pair(snap, reviewed, resource, name)
    if isinstance(pair, Outcome):
        return pair
    field = f"om.auth_config.{attribute}"
    live, files = getattr(pair[0], attribute), getattr(pair[1], attribute)
    files_text = normal(str(files)) if files is not None else ""  # an Unknown raises here
    live_text = normal(str(live)) if live is not None else ""
    if not files_text:
        return META.skipped(resource, _not_set(reviewed, "om.auth_config", name))
    if not live_text:
        return META.skipped(resource, f"the running server does not show {name} to this scan")
    if live_text != files_text:
        return _weaker(resource, field, reviewed, f"{name} is {live_text} in the running server but {files_text} "
                       "in the files: it was not reviewed", live_text, files_text)
    return _same(resource, field, reviewed, f"{name} is the same live and in the files", live_text, files_text)


def _client_id(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    return _text_setting(snap, reviewed, resource, "clientId", "client_id", str.strip)


def _authority(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    return _text_setting(snap, reviewed, resource, "authority", "authority", _url_key)


def _url_key(url: str) -> str:
    """A URL as compared: scheme and host in any case, no trailing slash (both name the same issuer)."""
    return re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*", lambda m: m[0].lower(), url.strip()).rstrip("/")


def _callback(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    """The callback OpenMetadata redirects to (a confidential client's is oidcConfiguration's): weaker
    live when it leaves the reviewed host, or falls to plain http or a loopback address."""
    if snap.om.auth_config is None or reviewed.om.auth_config is None:
        pair = _auth_pair(snap, reviewed, resource, "the callback")
        assert isinstance(pair, Outcome)
        return pair
    files_field, files, files_blocked = om_callback(reviewed)
    live_field, live, live_blocked = om_callback(snap)
    field = "om.auth_config.callback_url"
    if files_blocked is not None or files is None:
        return META.skipped(resource, _not_set(reviewed, "om.auth_config", files_field))
    if live_blocked is not None:
        return Outcome(live_blocked.status, resource, live_blocked.message)
    if live is None:
        return _weaker(resource, field, reviewed, f"the running server has no {live_field} but the files set "
                       f"{files}", live, files)
    if live == files:
        return _same(resource, field, reviewed, f"{live_field} is the same live and in the files", live, files)
    live_host, files_host = (url_host(live) or "").lower(), (url_host(files) or "").lower()
    worse = [why for why, bad in (
        (f"another host than the files' {files_host}", live_host != files_host and not is_loopback_host(files_host)),
        ("plain http", url_scheme(live) == "http" and url_scheme(files) == "https"),
        ("a loopback address", is_loopback_host(live_host) and not is_loopback_host(files_host))) if bad]
    if worse:
        return _weaker(resource, field, reviewed, f"{live_field} is {live} in the running server but {files} in the "
                       f"files: {', '.join(worse)}", live, files)
    why = "the files named a loopback address" if is_loopback_host(files_host) else "the same host"
    return _same(resource, field, reviewed, f"{live_field} differs ({live} live, {files} in the files) but is not "
                 f"weaker: {why}, and no plain http or loopback live", live, files)


def _key_urls(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    pair = _auth_pair(snap, reviewed, resource, "publicKeyUrls")
    if isinstance(pair, Outcome):
        return pair
    field = "om.auth_config.public_key_urls"
    files = pair[1].public_key_urls
    if files is None:
        return META.skipped(resource, _not_set(reviewed, "om.auth_config", "publicKeyUrls"))
    files_set = {_url_key(u) for u in files}
    live, why = configured_key_urls(snap, pair[0])
    if live is None:
        failed = admin_view_failed(snap)
        if failed:
            return META.errored(resource, f"could not read the running server's publicKeyUrls: {failed}")
        return META.skipped(resource, f"the running server's publicKeyUrls are unknown: {why}")
    extra = [u.strip() for u in dict.fromkeys(live) if u.strip() and _url_key(u) not in files_set]
    if extra:
        return _weaker(resource, field, reviewed, f"the running server trusts keys the files do not list: "
                       f"{', '.join(extra)}", list(live), sorted(files_set), graver=True)
    return _same(resource, field, reviewed, "every key source the running server trusts is in the files",
                 list(live), sorted(files_set))


def _security_view(snap: Snapshot, resource: str, what: str) -> Outcome | None:
    """SKIPPED without an admin view of the security config, ERROR when reading it failed."""
    failed = admin_view_failed(snap)
    if failed:
        return META.errored(resource, f"could not read the running server's {what}: {failed}")
    security = snap.om.security_config
    if security is None or not security.served:
        return META.skipped(resource, f"the running server shows {what} to an admin token (--om-token) only, on "
                            "releases with /api/v1/system/security/config")
    return None


def _enforced(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    field = "conf.enforce_principal_domain"
    files = known(reviewed.conf.enforce_principal_domain)
    if files is None:
        return META.skipped(resource, _not_set(reviewed, "conf.enforce_principal_domain", "enforcePrincipalDomain"))
    live = snap.om.security_config.enforce_principal_domain if snap.om.security_config else None
    if live is None and snap.om.authorizer is not None:
        live = snap.om.authorizer.enforce_principal_domain  # old servers serve the whole block to anyone
    if live is None:
        blocked = _security_view(snap, resource, "enforcePrincipalDomain")
        return blocked or META.skipped(resource, "the running server does not show enforcePrincipalDomain")
    if live is False and files is True:
        return _weaker(resource, field, reviewed, "enforcePrincipalDomain is off in the running server but on in "
                       "the files: any domain's address maps to a user (OMA117)", live, files, graver=True)
    return _same(resource, field, reviewed, f"enforcePrincipalDomain is {_flag(live)} live and {_flag(files)} in "
                 "the files", live, files)


def _admins(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    field = "conf.initial_admins"
    files = reviewed.conf.initial_admins
    if files is None:
        return META.skipped(resource, _not_set(reviewed, "conf.initial_admins", "adminPrincipals"))
    files_names = {str(n).strip().lower() for n in files}
    security = snap.om.security_config
    live = security.admin_principals if security is not None and security.served else None
    if live is None and snap.om.authorizer is not None and snap.om.authorizer.internals:
        live = snap.om.authorizer.admin_principals  # the whole block (old servers): the configured list
    if live is None:
        blocked = _security_view(snap, resource, "adminPrincipals")
        return blocked or META.skipped(resource, "the running server does not show adminPrincipals")
    extra = sorted({n.strip() for n in live if n.strip() and n.strip().lower() not in files_names})
    if extra:
        return _weaker(resource, field, reviewed, f"the running server makes administrators the files do not name: "
                       f"{', '.join(extra)}", sorted(live), sorted(files_names), graver=True)
    return _same(resource, field, reviewed, "every administrator the running server names is in the files",
                 sorted(live), sorted(files_names))


def _pkce(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    field = "om.security_config.disable_pkce"
    files_security = reviewed.om.security_config
    files = known(files_security.disable_pkce) if files_security is not None else None
    if files is None:
        return META.skipped(resource, _not_set(reviewed, "om.security_config", "disablePkce"))
    live_auth = snap.om.auth_config
    if live_auth is not None and (live_auth.client_type or "").lower() != "confidential":
        return META.passed(resource, f"clientType is {live_auth.client_type or 'public'} live: the browser runs the "
                           "flow, and disablePkce does not apply")
    blocked = _security_view(snap, resource, "disablePkce")
    if blocked is not None:
        return blocked
    security = snap.om.security_config
    live = security.disable_pkce if security is not None else None
    if live is not False and files is False:  # absent live: the default, true
        return _weaker(resource, field, reviewed, "the confidential client runs without PKCE in the running server "
                       f"(disablePkce {_flag(live) if live is not None else 'absent, so true'}) but with it in the "
                       "files (false)", live, files)
    return _same(resource, field, reviewed, f"disablePkce is {_flag(live)} live and {_flag(files)} in the files",
                 live, files)


def _pool_signup(snap: Snapshot, reviewed: Snapshot, resource: str) -> Outcome:
    field = "cognito.user_pool.allow_admin_create_user_only"
    files_pool = reviewed.cognito.user_pool
    if files_pool is None:
        return META.skipped(resource, "the files given define no user pool")
    live_pool = snap.cognito.user_pool
    if live_pool is None:
        problem = snap.problem("cognito.user_pool")
        why = problem.reason if problem else "not collected"
        if problem is not None and problem.kind == "skipped":
            return META.skipped(resource, f"the pool was not read: {why}")
        return META.errored(resource, f"could not read the running pool: {why}")
    files = known(files_pool.allow_admin_create_user_only) is True  # absent: AWS's default, false
    live = known(live_pool.allow_admin_create_user_only) is True
    if files and not live:
        return _weaker(resource, field, reviewed, "the running pool lets anyone sign up (AllowAdminCreateUserOnly "
                       "false) but the files close sign-up (true)", live, files, graver=True)
    return _same(resource, field, reviewed, f"AllowAdminCreateUserOnly is {_flag(live)} live and {_flag(files)} in "
                 "the files", live, files)


# (the live resource it is read at, the comparison, the reviewed field it is about)
SETTINGS: tuple[tuple[str, Compare, str], ...] = (
    (AUTH + "#enableSelfSignup", _self_signup, "om.auth_config.enable_self_signup"),
    (AUTH + "#clientId", _client_id, "om.auth_config.client_id"),
    (AUTH + "#authority", _authority, "om.auth_config.authority"),
    (AUTH + "#callbackUrl", _callback, "om.auth_config.callback_url"),
    (SECURITY + "#publicKeyUrls", _key_urls, "om.auth_config.public_key_urls"),
    (SECURITY + "#enforcePrincipalDomain", _enforced, "conf.enforce_principal_domain"),
    (SECURITY + "#adminPrincipals", _admins, "conf.initial_admins"),
    (SECURITY + "#disablePkce", _pkce, "om.security_config.disable_pkce"),
)
