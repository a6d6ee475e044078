"""Which Cognito pool and client to audit: from explicit options, or discovered from OpenMetadata.

OpenMetadata's public auth config names the pool in `authority`
(https://cognito-idp.<region>.amazonaws.com/<pool id>, or issuer-cognito-idp for the updated issuer)
and the app client in `clientId`. Values are checked against the formats OpenMetadata itself enforces
(CognitoAuthValidator) and the Cognito API's own patterns; explicit options win, and every
disagreement becomes a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.facts.om_defaults import PASSWORD_PROVIDERS
from auditor.facts.snapshot import AuthConfig, PoolRef

# cognito-idp (IssuerConfiguration ORIGINAL) or issuer-cognito-idp (UPDATED: the primary region's issuer,
# botocore 1.44.8 IssuerConfigurationType).
AUTHORITY = re.compile(r"^https://(?:issuer-)?cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+_[0-9a-zA-Z]+)/?$")
POOL_ID = re.compile(r"^[\w-]+_[0-9a-zA-Z]+$")  # the API's UserPoolIdType pattern
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")  # OpenMetadata: ^[a-z]{2}-[a-z]+-[0-9]$, widened for us-gov-*
CLIENT_ID = re.compile(r"^[a-zA-Z0-9]{10,}$")  # OpenMetadata: ^[a-zA-Z0-9]+$, length >= 10


def names_cognito(auth: AuthConfig) -> bool:
    """OpenMetadata signs users in through Cognito: provider aws-cognito, or another OIDC provider
    (custom-oidc, configured in the UI since 2025) whose authority is a Cognito user pool issuer.
    CustomOidcValidator accepts any discovery URL, so the provider name alone is not enough
    (docs/research/issue-11-openmetadata-source.md, point 8)."""
    if auth.provider == "aws-cognito":
        return True
    oidc = auth.provider is not None and auth.provider not in (*PASSWORD_PROVIDERS, "saml")
    return oidc and bool(AUTHORITY.match((auth.authority or "").strip()))


class DiscoveryError(ValueError):
    """OpenMetadata names a Cognito pool that cannot be parsed."""


@dataclass(frozen=True)
class CognitoRequest:
    """The live Cognito source of a target: the pool (else discovered), and how AWS is reached."""

    pool_id: str | None = None
    client_id: str | None = None
    region: str | None = None
    profile: str | None = None  # --aws-profile
    endpoint_url: str | None = None  # --aws-endpoint-url (moto, a VPC endpoint)


def region_of(pool_id: str) -> str | None:
    prefix = pool_id.split("_", 1)[0]
    return prefix if REGION.match(prefix) else None


def validate_request(req: CognitoRequest) -> None:
    """Explicit options, checked before anything is sent; raises ValueError with one line."""
    if req.pool_id is not None and not POOL_ID.match(req.pool_id):
        raise ValueError(f"--cognito-pool-id {req.pool_id!r} is not a user pool ID (<region>_<id>)")
    if req.region is not None and not REGION.match(req.region):
        raise ValueError(f"--aws-region {req.region!r} is not an AWS region name")
    if req.client_id is not None and not re.match(r"^[\w+]+$", req.client_id):
        raise ValueError(f"--cognito-client-id {req.client_id!r} is not an app client ID")


def discover(auth: AuthConfig) -> tuple[str, str, str | None, list[str]]:
    """(region, pool id, client id or None, notes) from an aws-cognito auth config."""
    authority = (auth.authority or "").strip()
    match = AUTHORITY.match(authority)
    if not match:
        raise DiscoveryError(f"OpenMetadata's authority {authority!r} is not a Cognito user pool URL")
    region, pool_id = match.group(1), match.group(2)
    notes: list[str] = []
    if not REGION.match(region):
        raise DiscoveryError(f"OpenMetadata's authority names an invalid region {region!r}")
    if region_of(pool_id) not in (None, region):
        notes.append(f"the pool ID {pool_id} in OpenMetadata's authority belongs to another region than {region}")
    client = (auth.client_id or "").strip() or None
    if client is not None and not CLIENT_ID.match(client):
        notes.append(f"OpenMetadata's clientId {client!r} is not a valid Cognito app client ID")
    return region, pool_id, client, notes


def resolve(req: CognitoRequest, auth: AuthConfig | None) -> PoolRef | None:
    """The pool to audit, or None when there is none. Raises DiscoveryError when OM's value is broken."""
    discovered: tuple[str, str, str | None, list[str]] | None = None
    if auth is not None and names_cognito(auth):
        try:
            discovered = discover(auth)
        except DiscoveryError:
            if req.pool_id is None:
                raise
    if req.pool_id is None and discovered is None:
        return None
    notes: list[str] = list(discovered[3]) if discovered else []
    if req.pool_id is not None:
        pool_id = req.pool_id
        region = req.region or region_of(pool_id)
        if region is None:
            raise DiscoveryError(f"--aws-region is needed: the region cannot be read from pool ID {pool_id}")
        if req.region and region_of(pool_id) not in (None, req.region):
            notes.append(f"--aws-region {req.region} differs from the pool ID's region {region_of(pool_id)}")
        source = "option"
        if discovered and discovered[1] != pool_id:
            notes.append(f"--cognito-pool-id {pool_id} differs from the pool OpenMetadata uses ({discovered[1]}); "
                         f"auditing {pool_id}")
        client = req.client_id or (discovered[2] if discovered and discovered[1] == pool_id else None)
    else:
        assert discovered is not None
        region, pool_id, client, _ = discovered
        if req.region and req.region != region:
            notes.append(f"--aws-region {req.region} differs from OpenMetadata's authority region {region}; "
                         f"using {region}")
        source = "discovered"
        if req.client_id:
            if client and req.client_id != client:
                notes.append(f"--cognito-client-id {req.client_id} differs from OpenMetadata's clientId {client}; "
                             f"auditing {req.client_id}")
            client = req.client_id
    if client is not None and not re.match(r"^[\w+]+$", client):
        client = None
    return PoolRef(pool_id=pool_id, region=region, client_id=client, source=source, notes=tuple(notes))
