"""The report and what changes it after evaluation: suppressions, baselines, merged shards."""
