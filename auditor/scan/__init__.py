"""The scan service: targets, the source registry, worker processes, discovery of the pool, the probe ledger."""
