"""OMA506: the LDAP connection trusts every certificate (`TrustAll`).

## Why this matters
With provider `ldap`, OpenMetadata checks every password against the directory over the connection
`ldapConfiguration` describes. `truststoreConfigType: TrustAll`, the shipped default in
conf/openmetadata.yaml and the Helm chart, accepts any certificate, so whoever can intercept that
connection reads the bind password and every user's password, or answers "valid" for any password.
High when the provider is ldap; SKIPPED otherwise (the setting is unused).

## Fix
Set `AUTHENTICATION_LDAP_TRUSTSTORE_TYPE` (Helm `ldapConfiguration.truststoreConfigType`) to
`CustomTrustStore` with the directory's CA, or `JVMDefault` / `HostName` with `verifyHostname: true`,
and `sslEnabled: true`.

## References
- open-metadata/OpenMetadata: conf/openmetadata.yaml ldapConfiguration.truststoreConfigType
- open-metadata/openmetadata-helm-charts: charts/openmetadata/values.yaml (CustomTrustStore, HostName,
  JVMDefault, TrustAll)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA506", name="ldap-trust-all", severity=Severity.HIGH, needs=("conf.ldap",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    ldap = need(snap.conf.ldap)
    resource = "ldapConfiguration.truststoreConfigType"
    evidence = {"truststore_type": ldap.truststore_type, "provider_ldap": ldap.in_use}
    if not ldap.in_use:
        yield META.skipped(resource, "the provider is not ldap: the LDAP settings are unused", **evidence)
    elif (ldap.truststore_type or "").strip('"') == "TrustAll":
        yield META.failed(resource, "the LDAP connection trusts every certificate (TrustAll)", **evidence)
    else:
        yield META.passed(resource, f"truststoreConfigType is {ldap.truststore_type}", **evidence)
