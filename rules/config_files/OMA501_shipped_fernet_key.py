"""OMA501: the Fernet key that encrypts stored secrets is the one OpenMetadata ships.

## Why this matters
OpenMetadata encrypts every secret it stores (service connection passwords, bot credentials) with the
Fernet key `fernetConfiguration.fernetKey`. The shipped value,
`jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=`, is public: it is the default in conf/openmetadata.yaml
(`${FERNET_KEY:-...}`) and the official Helm chart's `openmetadata.config.fernetkey.value`. With it,
anyone who gets a database dump or backup reads every stored secret in clear. A live scan cannot see
this key (no API serves it), so only the configuration tells.

## Fix
Generate a key (`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
store it in a secret manager or a Kubernetes Secret, and pass it by reference: Helm
`openmetadata.config.fernetkey.secretRef` / `secretKey`, or `FERNET_KEY` from the deployment's secret
store. Secrets already stored were encrypted with the shipped key, which anyone can use to read a
copy of the database: treat them as exposed and rotate them (service connection passwords, bot
credentials) once the new key is in place.

## References
- open-metadata/OpenMetadata: conf/openmetadata.yaml, fernetConfiguration
- open-metadata/openmetadata-helm-charts (tag openmetadata-1.13.1): charts/openmetadata/values.yaml,
  templates/secrets.yaml
- Fernet's specification (github.com/fernet/spec): the key alone decrypts every token
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA501", name="shipped-fernet-key", severity=Severity.CRITICAL, needs=("conf.fernet",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    fernet = need(snap.conf.fernet)
    evidence = {"setting": fernet.name, "given_as": fernet.state, "origin": fernet.origin}
    if fernet.state == "shipped":
        yield META.failed(fernet.name, f"{fernet.name} is OpenMetadata's public default key ({fernet.origin})",
                          **evidence)
    elif fernet.state == "empty":
        yield META.failed(fernet.name, f"{fernet.name} is empty ({fernet.origin}): the server cannot keep secrets "
                          "encrypted with a key of its own", **evidence)
    else:
        yield META.passed(fernet.name, f"{fernet.name} is not the shipped key ({fernet.state}, {fernet.origin})",
                          **evidence)
