"""The snapshot contract between sources and rules: typed facts, and OpenMetadata's shipped defaults."""
