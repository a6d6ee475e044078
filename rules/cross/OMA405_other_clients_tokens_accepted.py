"""OMA405: OpenMetadata accepts tokens that other app clients of its user pool mint.

## Why this matters
OpenMetadata verifies a token's signature (by `kid`, against the pool's JWKS in `publicKeyUrls`) and
its expiry; no release checks `aud`, `client_id`, `iss` or `token_use` (JwtFilter; the pull request
that would have added it, open-metadata/OpenMetadata#26781, was closed unmerged:
docs/research/issue-23-attack-paths.md). So every app client of OpenMetadata's pool that signs users in
is a way into OpenMetadata, with that client's weaker settings: a public client with
`USER_PASSWORD_AUTH` (passwords sprayed straight at Cognito), the implicit grant, a callback on
another host, or a mobile app's client nobody reviewed for OpenMetadata. Its users' ID tokens name
them as OpenMetadata does (the e-mail's local part, where the client may read `email`).

What each client can mint, as the finding lists it:
- **ID tokens for users**: SDK sign-in (`ExplicitAuthFlows`, AWS's defaults when absent, include SRP)
  or the hosted sign-in (an OAuth `code` or `implicit` flow with the `openid` scope). These map to
  real OpenMetadata users;
- **access tokens without a user** (`client_credentials` only): their `sub` is the client's id, which
  names no OpenMetadata user, so they map to nothing. Listed, not failed.

A pre-token-generation trigger on the pool (`PreTokenGeneration`, `PreTokenGenerationConfig`) can
rewrite any claim of any client's tokens: it is named in the finding. High: a second door to
OpenMetadata that its own client's review never saw.

## Fix
Give OpenMetadata a user pool of its own, or remove user sign-in from the other clients
(`--explicit-auth-flows ALLOW_REFRESH_TOKEN_AUTH`, no OAuth flows), or keep them as
`client_credentials` machine clients. A proxy in front of OpenMetadata that checks `aud` also closes it.

## References
- open-metadata/OpenMetadata: openmetadata-service/.../security/JwtFilter.java; pull request #26781
- AWS Cognito docs, "Understanding user pool JSON web tokens" (the `aud` and `client_id` claims) and
  UserPoolClientType (ExplicitAuthFlows, AllowedOAuthFlows); LambdaConfigType.PreTokenGenerationConfig
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-23-attack-paths.md
"""

from auditor.engine.rulekit import (
    LOCAL_SIGN_IN_FLOWS,
    AppClient,
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    effective_auth_flows,
    known,
    need,
    om_cognito_client,
)

META = RuleMeta(id="OMA405", name="other-clients-tokens-accepted", severity=Severity.HIGH,
                needs=("om.auth_config", "cognito.user_pool", "cognito.clients"))
TOKEN_TRIGGERS = ("PreTokenGeneration", "PreTokenGenerationConfig")


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, _, own, skip = om_cognito_client(snap)
    if skip or own is None:
        yield META.skipped(resource, skip or "OpenMetadata's client is not in the pool (see OMA402)")
        return
    others = [c for c in need(snap.cognito.clients) if c.client_id != own.client_id]
    users = {_name(c): ways for c in others if (ways := _user_tokens(c))}
    machines = sorted(_name(c) for c in others if _name(c) not in users)
    triggers = [t for t in need(snap.cognito.user_pool).triggers or () if t in TOKEN_TRIGGERS]
    evidence = {"openmetadata_client": _name(own), "user_token_clients": users, "other_clients": machines,
                "token_triggers": triggers}
    if users:
        listed = "; ".join(f"{name}: {', '.join(ways)}" for name, ways in users.items())
        trigger = f"; the pool's {' and '.join(triggers)} trigger may rewrite their claims" if triggers else ""
        yield META.failed(resource, f"OpenMetadata accepts the users' tokens of {len(users)} other app client"
                          f"{'s' if len(users) > 1 else ''} of its pool (no release checks aud): {listed}{trigger}",
                          **evidence)
    else:
        rest = f" ({', '.join(machines)}: client_credentials only, whose tokens name no user)" if machines else ""
        yield META.passed(resource, f"no other app client of the pool signs users in{rest}", **evidence)


def _name(client: AppClient) -> str:
    return client.name or client.client_id


def _user_tokens(client: AppClient) -> list[str]:
    """How this client gets ID tokens for the pool's users."""
    ways = sorted(set(effective_auth_flows(client)) & LOCAL_SIGN_IN_FLOWS)
    found = [f"SDK sign-in ({', '.join(ways)})"] if ways else []
    flows = set(client.allowed_oauth_flows or ()) & {"code", "implicit"}  # an Unknown raises when read
    if known(client.allowed_oauth_flows_user_pool_client) and flows and "openid" in (client.allowed_oauth_scopes or ()):
        found.append(f"hosted sign-in ({', '.join(sorted(flows))})")
    return found
