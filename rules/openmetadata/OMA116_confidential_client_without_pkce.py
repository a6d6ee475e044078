"""OMA116: OpenMetadata's confidential OIDC client runs the code flow without PKCE.

## Why this matters
With `clientType: confidential` the OpenMetadata server itself runs the authorization-code flow
against the identity provider (AuthenticationCodeFlowHandler), with the settings of
`oidcConfiguration`. Its `disablePkce` is `true` by default in conf/openmetadata.yaml
(`OIDC_DISABLE_PKCE:-true`), in the official Helm chart's values (every chart since 1.4.0) and in the
schema. Without PKCE an authorization code intercepted on its way back (a registered callback on
another host, a proxy log, a browser extension) can be redeemed by whoever holds the client secret,
and the flow loses its protection against code injection. Medium: the client secret is still
needed, but the defence in depth that OAuth 2.1 makes mandatory is off.

## Fix
Set `disablePkce: false` in the OIDC configuration: `OIDC_DISABLE_PKCE=false` (docker/bare metal),
`openmetadata.config.authentication.oidcConfiguration.disablePkce: false` (Helm), or Settings > SSO
(1.12+), and restart. Cognito supports PKCE for every app client.

## References
- open-metadata/OpenMetadata: conf/openmetadata.yaml (oidcConfiguration.disablePkce),
  openmetadata-spec/.../security/client/oidcClientConfig.json, openmetadata-service/.../security/
  AuthenticationCodeFlowHandler.java
- open-metadata/openmetadata-helm-charts: charts/openmetadata/values.yaml (oidcConfiguration)
- RFC 9700 (OAuth 2.0 Security Best Current Practice), section 2.1.1
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md, point 4
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    blocked_by,
    known,
    need,
    om_resource,
    om_security,
)

META = RuleMeta(id="OMA116", name="confidential-client-without-pkce", severity=Severity.MEDIUM,
                needs=("om.auth_config",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    auth = need(snap.om.auth_config)
    resource = om_resource(snap, auth.path)
    if (auth.client_type or "").lower() != "confidential":
        yield META.skipped(resource, f"clientType is {auth.client_type or 'public'}: the browser runs the flow")
        return
    security, unknown = om_security(snap, "disablePkce")
    if security is None:
        yield blocked_by(unknown or META.errored(resource, "not collected"), resource)
    elif known(security.disable_pkce) is False:
        yield META.passed(resource, "the confidential client uses PKCE (disablePkce false)", disable_pkce=False)
    else:
        shown = "true" if security.disable_pkce else "absent, so the default true"
        yield META.failed(resource, f"the confidential client runs the code flow without PKCE (disablePkce {shown})",
                          disable_pkce=security.disable_pkce)
