"""Where facts come from: live OpenMetadata and Cognito reads, and configuration files."""
