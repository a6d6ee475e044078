"""OpenMetadata's REST surface, read-only: the collector and its GET-only HTTP client."""
