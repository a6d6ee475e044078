"""OMA111: anonymous callers can read the admin principals.

## Why this matters
Older servers return the whole `authorizerConfiguration` at `/api/v1/system/config/authorizer`
(or `/api/v1/config/authorizer`) without a token: the admin account names, the authorizer class,
whether the principal domain is enforced. Knowing the admin names lets an attacker target them for
password guessing or lock them out on purpose (the lockout is per username and needs no password).
Medium: a disclosure that sharpens other attacks, and a sign of an old version (see OMA109).

A disclosure is a non-empty list of principals (admin, bot or test principals) or an implementation
field with a real value (`className`, `containerRequestFilter`). Recent servers answer with a fresh
`AuthorizerConfiguration` holding only `principalDomain`; its generated class initialises every
collection, so the answer also carries `"adminPrincipals": []` and other empty lists. Those disclose
nothing and PASS.

## Fix
Upgrade: recent servers answer with `principalDomain` only. Until then, block the path for
anonymous callers at the reverse proxy.

## References
- open-metadata/OpenMetadata: openmetadata-service/src/main/java/org/openmetadata/service/resources/system/
  ConfigResource.java, getAuthorizerConfig (recent: `new AuthorizerConfiguration().withPrincipalDomain(...)`;
  older: returns the YAML block)
- open-metadata/OpenMetadata: openmetadata-spec/.../configuration/authorizerConfiguration.json (array
  properties without `"default": null`, so jsonschema2pojo initialises them to empty sets)
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-11-openmetadata-source.md, point 1
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need, om_resource

META = RuleMeta(id="OMA111", name="authorizer-config-disclosed", severity=Severity.MEDIUM,
                needs=("om.authorizer",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    authorizer = need(snap.om.authorizer)
    resource = om_resource(snap, authorizer.path)
    lists = {"adminPrincipals": authorizer.admin_principals, "botPrincipals": authorizer.bot_principals,
             "testPrincipals": authorizer.test_principals}
    disclosed = {name: list(values) for name, values in lists.items() if values}
    if disclosed or authorizer.internals:
        shown = "; ".join(f"{name}: {', '.join(values)}" for name, values in disclosed.items())
        what = shown or "implementation fields " + ", ".join(authorizer.internals)
        yield META.failed(resource, f"the authorizer configuration is served to anonymous callers ({what})",
                          disclosed=disclosed, internals=list(authorizer.internals),
                          fields=list(authorizer.fields))
    else:
        yield META.passed(resource, "only the principal domain and empty defaults are served",
                          fields=list(authorizer.fields))
