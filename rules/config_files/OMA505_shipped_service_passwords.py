"""OMA505: the database or pipeline-service password is the one OpenMetadata ships.

## Why this matters
OpenMetadata's configuration defaults to `openmetadata_password` for its database user
(`DB_USER_PASSWORD`) and `admin` for the Airflow pipeline service (`AIRFLOW_PASSWORD`), and the Helm
chart's install steps create the secrets with exactly those values; when a chart secretRef is left
empty the server falls back to them. Anyone who reaches the database or Airflow's API then reads or
changes the metadata and runs ingestion pipelines with their credentials. Medium: both services
should not be reachable from outside, but the quickstart publishes their ports.

## Fix
Set strong passwords in the database and in Airflow, store them in secrets, and pass them by
reference (`DB_USER_PASSWORD`, `AIRFLOW_PASSWORD`; Helm `openmetadata.config.database.auth.password`,
`pipelineServiceClientConfig.auth.password` as `secretRef`/`secretKey`).

## References
- open-metadata/OpenMetadata: conf/openmetadata.yaml database.password,
  pipelineServiceClientConfiguration.parameters.password
- open-metadata/openmetadata-helm-charts: charts/openmetadata/README.md (`kubectl create secret` with
  openmetadata_password and admin)
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA505", name="shipped-service-passwords", severity=Severity.MEDIUM, needs=("conf.secrets",))
JUDGED = ("database-password", "pipeline-password")


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    for secret in need(snap.conf.secrets):
        if secret.kind not in JUDGED:
            continue
        evidence = {"kind": secret.kind, "given_as": secret.state, "origin": secret.origin}
        if secret.state == "shipped":
            yield META.failed(secret.name, f"{secret.kind} is OpenMetadata's shipped default ({secret.origin})",
                              **evidence)
        else:
            yield META.passed(secret.name, f"{secret.kind} is not the shipped default ({secret.state})", **evidence)
