"""OMA105: the public admin token signed with the shipped key is accepted.

## Why this matters
This proves the takeover that OMA104 predicts. The token (`sub: admin`, no `exp`) ships in the
openmetadata-ingestion wheel and in 127 example workflow files; any server that still trusts the
default key treats its bearer as the admin, forever, whatever the authentication provider is.
OpenMetadata's own key is always trusted: MultiUrlJwkProvider asks LocalJwkProvider first, by `kid`,
whatever `publicKeyUrls` lists. Authorization then looks the subject up by name only (SubjectCache),
so the token acts as `admin` even where its e-mail claim matches no user.

## What omaudit sends (only with --active)
1. `GET /api/v1/system/config/loginConfig` without a token: it must answer 401 for step 2 to prove
   anything (<=1.2 served it without a token).
2. The same GET with the public token. The endpoint reads settings only, with no user lookup, so 200
   means the signature was accepted.
3. Where step 2 is not conclusive, `GET /api/v1/users/loggedInUser` with the token. Recent servers
   resolve that user by name *and* e-mail; the token's e-mail (`admin@openmetadata.org`) matches no
   seeded admin (`admin@open-metadata.org`), so an accepting server answers 400 "Account already
   exists. Please contact administrator." (the admin exists) or 404 "Cannot find user with provided
   name and email" (it was deleted). The newest email-first filter answers 401 "User with email ...
   is not registered". Each of these comes after the signature check: FAIL. A 401 or 403 otherwise,
   or a 500 naming the key id (older servers on an unknown `kid`), is a refusal: PASS.
Only status codes and error texts are kept.

## How OMA104 and OMA105 combine
OMA104 reads the published JWKS (passive): the shipped modulus there is a FAIL whether or not a
token is tried. OMA105 is the active proof. A server can FAIL OMA104 and PASS OMA105 only when it
refuses the token for another reason (an expired-token policy, a proxy); the key must still be
replaced.

## Fix
Replace the signing key as described in OMA104 and restart; the token then fails signature checks.
Also remove the default key's JWKS URL from any other service's trust list.

## References
- openmetadata-ingestion 2.0.7.0: _openmetadata_testutils/ometa.py (OM_JWT)
- open-metadata/OpenMetadata: openmetadata-service/.../security/JwtFilter.java, MultiUrlJwkProvider.java,
  LocalJwkProvider.java; resources/teams/UserResource.java (getCurrentLoggedInUser);
  jdbi3/UserRepository.java (getLoggedInUserByNameAndEmail); resources/system/ConfigResource.java
  (getLoginConfiguration)
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md, point 2
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource

META = RuleMeta(id="OMA105", name="default-key-token-accepted", severity=Severity.CRITICAL,
                needs=("om.token_probe",), active=True)


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    probe = need(snap.om.token_probe)
    resource = om_resource(snap, probe.endpoint)
    evidence = {"http_status": probe.http_status, "answer": probe.message}
    if probe.outcome == "accepted":
        yield META.failed(resource, f"the public default-key admin token passed the signature check (HTTP "
                          f"{probe.http_status}): it acts as admin", **evidence)
    else:
        yield META.passed(resource, "the public default-key admin token was refused", **evidence)
