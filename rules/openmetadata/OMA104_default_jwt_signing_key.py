"""OMA104: the server signs its tokens with the RSA key that ships with OpenMetadata.

## Why this matters
The default private key is public (conf/private_key.der in the OpenMetadata repository and in every
server image). Anyone can mint a token for any user, including `admin`, and the server accepts it
whatever the provider is and whatever `publicKeyUrls` lists: MultiUrlJwkProvider asks
LocalJwkProvider (OpenMetadata's own key, by `kid`) before any configured URL. A never-expiring admin token
signed with this key ships in the openmetadata-ingestion wheel (see OMA105).
omaudit compares the published modulus as an integer, so OpenMetadata's leading zero byte and
base64 padding in `n` do not hide a match.

## Fix
Generate a new key pair (`openssl genrsa -out private_key.pem 2048`, then
`openssl pkcs8 -topk8 -inform PEM -outform DER -in private_key.pem -out private_key.der -nocrypt` and
`openssl rsa -in private_key.pem -pubout -outform DER -out public_key.der`), point
`RSA_PRIVATE_KEY_FILE_PATH` / `RSA_PUBLIC_KEY_FILE_PATH` at it, set `JWT_KEY_ID` to a new UUID,
restart, and regenerate every bot token (Settings > Bots > Revoke / Generate token).

## References
- OpenMetadata docs, Enable JWT Tokens: "They should NEVER be used in a production installation"
- open-metadata/OpenMetadata: openmetadata-service/.../security/jwt/JWTTokenGenerator.java,
  security/MultiUrlJwkProvider.java and LocalJwkProvider.java (https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md,
  point 2)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource
from auditor.facts.om_defaults import DEFAULT_KEY_MODULUS, DEFAULT_KEY_SPKI_SHA256

META = RuleMeta(id="OMA104", name="default-jwt-signing-key", severity=Severity.CRITICAL, needs=("om.jwks",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    jwks = need(snap.om.jwks)
    resource = om_resource(snap, jwks.path)
    defaults = [k for k in jwks.keys if k.modulus == DEFAULT_KEY_MODULUS]
    if defaults:
        yield META.failed(resource, "the published JWKS contains OpenMetadata's shipped default RSA key",
                          kids=[k.kid for k in defaults], spki_sha256=DEFAULT_KEY_SPKI_SHA256)
    elif jwks.malformed:
        yield META.errored(resource, "some published keys could not be parsed: " + "; ".join(jwks.malformed))
    else:
        yield META.passed(resource, f"none of the {len(jwks.keys)} published key(s) is the shipped default",
                          kids=[k.kid for k in jwks.keys])
