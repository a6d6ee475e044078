"""omaudit: a security hardening auditor for OpenMetadata deployments with Amazon Cognito SSO."""

__version__ = "0.1.0"
