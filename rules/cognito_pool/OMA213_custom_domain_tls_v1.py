"""OMA213: the pool's custom domain accepts TLS 1.0.

## Why this matters
Users type their password into the sign-in pages on this domain. Its
`CustomDomainConfig.SecurityPolicy` `TLS_V1` "permits fallback to TLS 1.0" and is "strongly
discouraged"; `TLS_V1_2_2021` (recommended) and `TLS_V1_3_2025` are not (botocore 1.44.8
SecurityPolicyType). Medium. Prefix domains (`<prefix>.auth.<region>.amazoncognito.com`) use AWS's own
policy and are SKIPPED, as is a pool without a domain; a custom domain whose policy the API does not
return is ERROR.

## Fix
Console: App integration > Domain > Custom domain > Edit: Security policy TLS_V1_2_2021 or
TLS_V1_3_2025. CLI: `aws cognito-idp update-user-pool-domain --user-pool-id <id> --domain
<auth.example.com> --custom-domain-config CertificateArn=<arn>,SecurityPolicy=TLS_V1_2_2021`.

## References
- AWS Cognito API reference, CustomDomainConfigType; NIST SP 800-52r2 (TLS 1.2 or later)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, pool_resource

META = RuleMeta(id="OMA213", name="custom-domain-tls-v1", severity=Severity.MEDIUM, needs=("cognito.domain",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    domain = need(snap.cognito.domain)
    if domain.domain is None:
        yield META.skipped(pool_resource(snap), "the pool has no domain")
    elif not domain.custom:
        yield META.skipped(pool_resource(snap), f"{domain.domain} is a prefix domain: its TLS policy is AWS's")
    elif domain.security_policy is None:
        yield META.errored(pool_resource(snap), f"DescribeUserPoolDomain returned no CustomDomainConfig.SecurityPolicy "
                           f"for {domain.domain}")
    elif domain.security_policy == "TLS_V1":
        yield META.failed(pool_resource(snap), f"{domain.domain} accepts TLS 1.0 (security policy TLS_V1)",
                          domain=domain.domain, security_policy=domain.security_policy)
    else:
        yield META.passed(pool_resource(snap), f"{domain.domain} uses {domain.security_policy}",
                          domain=domain.domain, security_policy=domain.security_policy)
