"""OMA218: an identity pool that trusts OpenMetadata's user pool hands out AWS credentials too freely.

## Why this matters
An Amazon Cognito identity pool exchanges a user pool's ID token for temporary AWS credentials of an
IAM role. When its `CognitoIdentityProviders` name the user pool audited here, every user who can
sign in to OpenMetadata's pool (and, if sign-up is open (OMA205), any stranger) can ask it for AWS
credentials. Three settings make that worse:
- `AllowUnauthenticatedIdentities` (guest access): anyone on the internet gets the unauthenticated
  role's credentials, with no sign-in at all. High.
- `AllowClassicFlow` (the basic flow): GetOpenIdToken then AssumeRoleWithWebIdentity, which skips the
  identity pool's role-selection and session policy; a user can assume any role that trusts the
  identity pool. Medium.
- a role mapping by token (`Type: Token`) with `AmbiguousRoleResolution: AuthenticatedRole`: a token
  whose `cognito:roles` cannot be resolved falls back to the authenticated role instead of being denied.
  Named in the finding; it is not a failure by itself.

A pool that no identity pool trusts passes. OpenMetadata itself needs no identity pool.

## Fix
Turn guest access off (Console: Identity pool > User access > Guest access > Deactivate; CLI: `aws
cognito-identity update-identity-pool --identity-pool-id <id> --identity-pool-name <name>
--no-allow-unauthenticated-identities`), turn the basic flow off (`--no-allow-classic-flow`), and map
ambiguous tokens to Deny. Terraform: `allow_unauthenticated_identities = false`, `allow_classic_flow =
false`; CloudFormation: `AllowUnauthenticatedIdentities: false`, `AllowClassicFlow: false`.

## References
- https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools.html
- https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html (enhanced and basic flows)
- Prowler cognito_identity_pool_guest_access_disabled; Checkov CKV_AWS_366; AWS FSBP Cognito.2
- botocore cognito-identity 2014-06-30: DescribeIdentityPool (IdentityPool), GetIdentityPoolRoles (RoleMappings)
"""

from auditor.engine.rulekit import (
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    identity_pool_name,
    need,
    pool_resource,
)

META = RuleMeta(id="OMA218", name="identity-pool-trusts-user-pool", severity=Severity.MEDIUM,
                needs=("cognito.identity_pools",), about=("cognito.identity_pools",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    identity_pools = need(snap.cognito.identity_pools)
    if not identity_pools:
        yield META.passed(pool_resource(snap), "no identity pool trusts this user pool")
        return
    for found in identity_pools:
        resource = identity_pool_name(found.id)
        loose = [m.provider for m in found.role_mappings or () if m.type == "Token"
                 and m.ambiguous_role_resolution == "AuthenticatedRole"]
        evidence = {"identity_pool": found.name or found.id, "trusted_clients": list(found.clients),
                    "guest_access": found.allow_unauthenticated, "classic_flow": found.allow_classic_flow,
                    "ambiguous_tokens_get_authenticated_role": loose}
        also = f"; tokens it cannot map get the authenticated role ({', '.join(loose)})" if loose else ""
        if found.allow_unauthenticated:
            yield META.failed(resource, f"identity pool {found.name or found.id} trusts this user pool and gives "
                              f"AWS credentials to anyone, signed in or not (guest access){also}",
                              **evidence).graver(Severity.HIGH)
        elif found.allow_classic_flow:
            yield META.failed(resource, f"identity pool {found.name or found.id} trusts this user pool and allows "
                              f"the basic (classic) flow{also}", **evidence)
        elif found.role_mappings is None:
            yield META.errored(resource, f"identity pool {found.name or found.id}: its role mappings could not be "
                               f"read ({found.roles_error or 'not read'})", **evidence)
        else:
            yield META.passed(resource, f"identity pool {found.name or found.id} allows neither guest access nor "
                              f"the basic flow{also}", **evidence)
