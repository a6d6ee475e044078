"""OMA402: OpenMetadata's `clientId` is not an app client of the audited pool.

## Why this matters
OpenMetadata asks Cognito for tokens as `clientId`. If that client is not in the pool, login is
broken, or works against another pool than the one audited (see OMA401). High: either an outage or an
unaudited identity provider.

## Fix
Set `AUTHENTICATION_CLIENT_ID` to the app client of this pool (`aws cognito-idp list-user-pool-clients
--user-pool-id <id>`), or create one as the OpenMetadata guide describes.

## References
- OpenMetadata docs, Amazon Cognito SSO
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_cognito

META = RuleMeta(id="OMA402", name="client-mismatch", severity=Severity.HIGH,
                needs=("om.auth_config", "cognito.clients", "cognito.ref"))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, auth, skip = om_cognito(snap)
    clients = need(snap.cognito.clients)
    ref = need(snap.cognito.ref)
    if skip:
        yield META.skipped(resource, skip)
        return
    client_id = (auth.client_id or "").strip()
    ids = [c.client_id for c in clients]
    if client_id and client_id in ids:
        yield META.passed(resource, f"clientId {client_id} is a client of {ref.pool_id}")
    else:
        yield META.failed(resource, f"clientId {client_id or '(empty)'} is not a client of {ref.pool_id}",
                          client_id=client_id, pool_clients=ids)
