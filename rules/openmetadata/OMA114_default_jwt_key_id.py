"""OMA114: the JWKS still uses the shipped key id, with a different key.

## Why this matters
The key was replaced but `JWT_KEY_ID` was left at the shipped `Gb389a-9f76-gdjs-a92j-0242bk94356`.
The key itself is safe, so this is low; but the default kid marks a hurried rotation (check that bot
tokens were regenerated), and tools that match keys by kid alone will confuse old and new tokens.
When the key itself is the shipped one, OMA104 reports it and this rule is SKIPPED.

## Fix
Set `JWT_KEY_ID` to a fresh random UUID, restart, and regenerate the bot tokens.

## References
- OpenMetadata docs, Enable JWT Tokens: "KeyID is random generated UUID string"
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource
from auditor.facts.om_defaults import DEFAULT_KEY_ID, DEFAULT_KEY_MODULUS

META = RuleMeta(id="OMA114", name="default-jwt-key-id", severity=Severity.LOW, needs=("om.jwks",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    jwks = need(snap.om.jwks)
    resource = om_resource(snap, jwks.path)
    with_default_kid = [k for k in jwks.keys if k.kid == DEFAULT_KEY_ID]
    if jwks.malformed and not with_default_kid:
        yield META.errored(resource, "some published keys could not be parsed: " + "; ".join(jwks.malformed))
    elif not with_default_kid:
        yield META.passed(resource, "no published key uses the shipped key id", kids=[k.kid for k in jwks.keys])
    elif all(k.modulus == DEFAULT_KEY_MODULUS for k in with_default_kid):
        yield META.skipped(resource, "the key itself is the shipped default: see OMA104")
    else:
        yield META.failed(resource, f"a replaced key is still published under the shipped key id {DEFAULT_KEY_ID}",
                          kid=DEFAULT_KEY_ID)
