"""What every stage shares: error types and exit codes, bounded reads of untrusted input, redaction, URL facts."""
