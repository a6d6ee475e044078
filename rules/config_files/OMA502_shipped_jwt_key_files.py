"""OMA502: OpenMetadata signs its tokens with the key files or key id it ships with.

## Why this matters
`jwtTokenConfiguration` names the RSA key pair OpenMetadata signs its own JWTs with (bot tokens,
and with a confidential OIDC client every user's session). The shipped paths
`./conf/private_key.der` and `./conf/public_key.der` are the key pair inside every server image and
the repository, so the private key is public: anyone can mint an admin token (see OMA104, the same
slip seen from a running server). The shipped `keyId` `Gb389a-9f76-gdjs-a92j-0242bk94356` is a
sign that the keys were not replaced either: OpenMetadata's guide says the key id is "random
generated UUID string". Critical for the shipped private key path; high for the key id alone.

## Fix
Generate a key pair (`openssl genrsa -out private_key.pem 2048`, then
`openssl pkcs8 -topk8 -inform PEM -outform DER -in private_key.pem -out private_key.der -nocrypt` and
`openssl rsa -in private_key.pem -pubout -outform DER -out public_key.der`), mount it from a secret
at a path of its own, point `RSA_PRIVATE_KEY_FILE_PATH` / `RSA_PUBLIC_KEY_FILE_PATH` (Helm
`openmetadata.config.jwtTokenConfiguration.*`) at it, and set `JWT_KEY_ID` to a new UUID.

## References
- open-metadata/OpenMetadata: conf/openmetadata.yaml, jwtTokenConfiguration; conf/private_key.der
- OpenMetadata docs: Deployment > Enable JWT Tokens ("should NEVER be used in a production installation")
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need
from auditor.facts.om_defaults import DEFAULT_KEY_ID

META = RuleMeta(id="OMA502", name="shipped-jwt-key-files", severity=Severity.HIGH, needs=("conf.jwt",))
# The repository's path, and the images' copies of it (OpenMetadata's Docker and Kubernetes JWT
# configuration docs show /opt/openmetadata/conf and /openmetadata/conf; the exact pages are not
# verified).
SHIPPED_PRIVATE = ("./conf/private_key.der", "conf/private_key.der", "/opt/openmetadata/conf/private_key.der",
                   "/openmetadata/conf/private_key.der")


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    jwt = need(snap.conf.jwt)
    resource = "jwtTokenConfiguration"
    evidence = {"private_key_path": jwt.private_key_path, "key_id": jwt.key_id}
    if (jwt.private_key_path or "").strip('"') in SHIPPED_PRIVATE:
        yield META.failed(resource, f"the private key is the image's shipped file {jwt.private_key_path}",
                          **evidence).graver(Severity.CRITICAL).about("conf.jwt.private_key_path")
    elif (jwt.key_id or "").strip('"') == DEFAULT_KEY_ID:
        yield META.failed(resource, f"keyId is the shipped {DEFAULT_KEY_ID}: the keys were likely not replaced",
                          **evidence).about("conf.jwt.key_id")
    else:
        yield META.passed(resource, f"own key file {jwt.private_key_path} and key id", **evidence)
