"""Names of the resources findings are about, built in one place: a file reader locates a client at
the name a rule gives it, so the two must spell it the same way (else a file scan's lines coarsen)."""

from __future__ import annotations

POOL_PREFIX = "cognito:user-pool/"
UNKNOWN_POOL = "?"  # a pool the scan has no id for (not created yet, or managed elsewhere)


def pool_name(pool_id: str | None) -> str:
    """An empty id stays empty: only a pool the scan has no id for is `?` (a suppression of one must not
    match the other)."""
    return f"{POOL_PREFIX}{UNKNOWN_POOL if pool_id is None else pool_id}"


def client_name(pool_id: str | None, client_id: str) -> str:
    return f"{pool_name(pool_id)}/client/{client_id}"


def identity_pool_name(identity_pool_id: str) -> str:
    return f"cognito:identity-pool/{identity_pool_id}"
