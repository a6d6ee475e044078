"""Rules: loading and checking the catalogue, the rule kit, evaluation over snapshots, rule documentation."""
