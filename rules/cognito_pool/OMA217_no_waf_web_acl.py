"""OMA217: no AWS WAF web ACL protects the user pool.

## Why this matters
OpenMetadata's users sign in through the pool's hosted sign-in pages, its token endpoint and its public
API operations (InitiateAuth, SignUp, ForgotPassword). Without a web ACL associated with the pool,
nothing in front of them limits the rate of requests per address, blocks known bad addresses or
geographies, or inspects what is sent: password spraying and credential stuffing meet only Cognito's
own quotas and, where it is ENFORCED, threat protection (OMA206). AWS WAF can be associated with a
user pool directly (AWS: "Associating an AWS WAF web ACL with a user pool").

Medium, as Prowler (cognito_user_pool_waf_acl_attached) and CloudSploit (cognitoHasWafEnabled) rate
it: a layer of defence in depth, not the lock itself; MFA (OMA203) and threat protection stop more.
A pool whose users sign in only through an external identity provider still exposes its token
endpoint and API: the finding stands, and its message says so.

## Fix
Create a regional web ACL with a rate-based rule (and the AWS managed IP reputation list), then
associate it: Console: User pool > Settings > AWS WAF. CLI: `aws wafv2 associate-web-acl
--web-acl-arn <acl arn> --resource-arn <user pool arn>`. Terraform: `aws_wafv2_web_acl_association`
with `resource_arn = aws_cognito_user_pool.<name>.arn`; CloudFormation: `AWS::WAFv2::WebACLAssociation`.

## References
- https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html
- Prowler cognito_user_pool_waf_acl_attached; CloudSploit cognitoHasWafEnabled; ElectricEye Cognito.4
- botocore wafv2 2019-07-29: GetWebACLForResource (WebACL absent when none is associated)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, pool_resource

META = RuleMeta(id="OMA217", name="no-waf-web-acl", severity=Severity.MEDIUM, needs=("cognito.web_acl",),
                about=("cognito.web_acl",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    acl = need(snap.cognito.web_acl)
    if acl.arn:
        yield META.passed(pool_resource(snap), f"web ACL {acl.name or acl.arn} is associated", web_acl=acl.arn)
    else:
        yield META.failed(pool_resource(snap), "no AWS WAF web ACL is associated with the user pool: its sign-in "
                          "pages, token endpoint and API have no rate limit or address rule in front of them")
