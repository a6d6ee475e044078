"""OMA118 on the real corpus (tests/data/real, SOURCES.md), expectations decided from each file and
the rule's docs before running: the chart ships OpenMetadata's own JWKS on its service name (trusted);
OpenMetadata's own openmetadata.yaml and compose ship it on localhost (trusted); the hospital
deployment lists its own service, but a Secret outside the tree may override it (unknown; that one
expectation was first written wrong, as trusted, and corrected from the file's envFrom);
stackabletech's Argo CD Application lists a Keycloak JWKS behind `$(ISSUER_URL)` (unknown host:
SKIPPED); the chart's commented Google example, uncommented, trusts any Google account (FAIL, high,
at `publicKeys`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, ROOT, run_cli_in_process

REAL = DATA / "real"


def _oma118(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "out"
    run_cli_in_process("scan", *args, "--format", "json", "--output-dir", str(out), cwd=ROOT)
    found = [f for f in json.loads((out / "report.json").read_text())["findings"] if f["rule_id"] == "OMA118"]
    assert len(found) == 1, found
    finding: dict[str, Any] = found[0]
    return finding


@pytest.mark.parametrize(("args", "urls"), [
    *[(("--helm-values", str(REAL / "helm" / f"values-openmetadata-{tag}.yaml")),
       ["http://openmetadata:8585/api/v1/system/config/jwks"])
      for tag in ("1.0.6", "1.2.8", "1.4.8", "1.6.13", "1.8.12", "1.13.1")],
    (("--config", str(REAL / "om" / "openmetadata-1.1.1.yaml")), ["http://localhost:8585/api/v1/system/config/jwks"]),
    (("--compose-file", str(REAL / "compose" / "openmetadata-1.13.1-quickstart-docker-compose.yml")),
     ["http://localhost:8585/api/v1/system/config/jwks"]),
])
def test_shipped_and_committed_key_lists_trust_only_openmetadata(args: tuple[str, str], urls: list[str],
                                                                  tmp_path: Path) -> None:
    found = _oma118(tmp_path, *args)
    assert (found["status"], found["evidence"]["public_key_urls"]) == ("PASS", urls)


def test_a_list_a_later_secret_may_override_is_unknown(tmp_path: Path) -> None:
    """The hospital deployment lists its own service in a ConfigMap, then takes envFrom a Secret its
    script makes (not in the tree): Kubernetes lets the later source win, so the list is unknown."""
    found = _oma118(tmp_path, "--dir", str(REAL / "k8s" / "yzero-openmetadata-hospital"))
    assert found["status"] == "SKIPPED" and "AUTHENTICATION_PUBLIC_KEYS" in found["message"]


def test_a_keycloak_jwks_behind_a_variable_is_unknown(tmp_path: Path) -> None:
    found = _oma118(tmp_path, "--dir", str(REAL / "k8s" / "stackabletech-openmetadata-dbt-demo"))
    assert found["status"] == "SKIPPED"
    assert found["message"].startswith("publicKeyUrls $(ISSUER_URL)/protocol/openid-connect/certs: its host is set "
                                       "by reference")


def test_the_charts_google_example_uncommented_trusts_every_google_account(tmp_path: Path) -> None:
    chart = (REAL / "helm" / "values-openmetadata-1.13.1.yaml").read_text()
    shipped = '      - "http://openmetadata:8585/api/v1/system/config/jwks"\n'
    assert chart.count(shipped) == 1 and '#   - "https://www.googleapis.com/oauth2/v3/certs"' in chart
    values = tmp_path / "values.yaml"
    values.write_text(chart.replace(shipped, shipped + '      - "https://www.googleapis.com/oauth2/v3/certs"\n'))
    found = _oma118(tmp_path, "--helm-values", str(values))
    assert (found["status"], found["severity"], found["location"]["line"]) == ("FAIL", "high", 189)
    assert "Google's keys: a token of any Google account verifies" in found["message"]


def test_the_guides_values_beside_a_public_template_with_open_sign_up(tmp_path: Path) -> None:
    """OMA117 on aws-samples/aws-serverless-shopping-cart's pool (no AdminCreateUserConfig: anyone signs
    up; its client sets no ReadAttributes or WriteAttributes: email is readable and writable) under the
    guide's Helm values (the chart's enforcePrincipalDomain: false). Decided from both files: critical,
    at the values' authorizer block, since the chart's default applies there."""
    out = tmp_path / "out"
    run_cli_in_process("scan", "--helm-values", str(DATA / "files" / "helm" / "values-cognito.yaml"),
                       "--cloudformation", str(REAL / "cloudformation" / "aws-serverless-shopping-cart-auth.yaml"),
                       "--format", "json", "--output-dir", str(out), cwd=ROOT)
    [found] = [f for f in json.loads((out / "report.json").read_text())["findings"] if f["rule_id"] == "OMA117"]
    assert (found["status"], found["severity"]) == ("FAIL", "critical")
    assert found["location"] == {"file": "tests/data/files/helm/values-cognito.yaml", "line": 5}
    assert found["evidence"]["enforce_principal_domain"] is False and found["evidence"]["name_claim"] == "email"
