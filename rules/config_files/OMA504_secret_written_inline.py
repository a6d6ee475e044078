"""OMA504: a secret is written in a configuration file instead of being referenced.

## Why this matters
A password, client secret or key written into openmetadata.yaml, a `.env` file, a compose file or
Helm values ends up in the repository, its history, CI logs and every copy of the file. The official
chart accepts secrets only as a `secretRef`/`secretKey` pair (its values.schema.json refuses a plain
string), and openmetadata.yaml reads them from variables (`${OIDC_CLIENT_SECRET:-""}`); a value
written in the file defeats both. omaudit reports where the secret is (file and line), never the
secret. OpenMetadata's own public defaults are OMA501 and OMA505, not this rule.

## Fix
Move the value to the deployment's secret store (a Kubernetes Secret with `secretRef`/`secretKey`,
AWS Secrets Manager, the CI's secret variables), reference it, remove it from the file, and rotate
it: it has been exposed.

## References
- open-metadata/openmetadata-helm-charts: charts/openmetadata/values.schema.json (secret fields are objects)
- open-metadata/OpenMetadata: conf/openmetadata.yaml placeholders for secrets
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA504", name="secret-written-inline", severity=Severity.HIGH, needs=("conf.secrets",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    secrets = need(snap.conf.secrets)
    for secret in secrets:
        if secret.state == "shipped":
            continue  # a public default: OMA501 (Fernet) or OMA505 (passwords)
        evidence = {"kind": secret.kind, "given_as": secret.state, "origin": secret.origin}
        if secret.state == "inline":
            yield META.failed(secret.name, f"{secret.kind} is written inline ({secret.origin})", **evidence)
        else:
            yield META.passed(secret.name, f"{secret.kind} is {secret.state} ({secret.origin})", **evidence)
