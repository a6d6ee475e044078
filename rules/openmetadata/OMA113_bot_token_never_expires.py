"""OMA113: a bot's JWT never expires.

## Why this matters
Every system bot gets a token with `JWTTokenExpiry: Unlimited` (no `exp` claim) at first start.
Bot tokens leak (CVE-2026-26010 and CVE-2026-46481 both handed the ingestion-bot JWT to read-only
users), and a leaked never-expiring token works until someone notices. Medium: it needs a leak first,
but then grants the bot's (often broad) rights indefinitely. A revoked token
(`UserResource.revokeToken` stores `JWTToken: ""` and no expiry) is no live token: PASS.

## Fix
Settings > Bots > <bot> > Revoke token, then Generate new token with an expiry of 90 days or less
(`PUT /api/v1/users/generateToken/<botUserId>` with `{"JWTTokenExpiry": "30"}`), and rotate it in the
ingestion configuration before it expires.

## References
- open-metadata/OpenMetadata: openmetadata-service/.../util/UserUtil.java (addOrUpdateBotUser)
- openmetadata-spec: auth/jwtAuth.json (JWTTokenExpiry)
- open-metadata/OpenMetadata: resources/teams/UserResource.java (revokeToken);
  https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md, point 5
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource

META = RuleMeta(id="OMA113", name="bot-token-never-expires", severity=Severity.MEDIUM, needs=("om.bots",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    bots = need(snap.om.bots)
    if not bots:
        yield META.passed(om_resource(snap, "/api/v1/bots"), "no bots are defined")
    for bot in bots:
        resource = f"bot:{bot.name}"
        if bot.error:
            yield META.errored(resource, f"could not read the token expiry: {bot.error}")
        elif bot.revoked:
            yield META.passed(resource, f"{bot.name}'s token was revoked: no live token", revoked=True)
        elif bot.auth_type not in (None, "JWT"):
            yield META.skipped(resource, f"the bot authenticates with {bot.auth_type}, not a JWT")
        elif bot.token_expiry == "Unlimited" or (bot.token_expiry is not None and bot.expires_at is None):
            yield META.failed(resource, f"{bot.name}'s token never expires", token_expiry=bot.token_expiry)
        elif bot.token_expiry is None:
            yield META.errored(resource, "the server did not say when the token expires")
        else:
            yield META.passed(resource, f"{bot.name}'s token expires (JWTTokenExpiry {bot.token_expiry})",
                              token_expiry=bot.token_expiry, expires_at=bot.expires_at)
