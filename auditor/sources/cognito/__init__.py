"""A Cognito user pool through boto3, read-only: the collector, its transport, and the pure parsers
shared with the file readers."""
