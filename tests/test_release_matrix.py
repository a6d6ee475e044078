"""Every rule on every release profile: the lab's scenarios served as each OpenMetadata release serves
them (auditor/lab/releases.py), with the exact statuses a scan must give there.

The expectation is the scenario's own (tests/test_scan_scenarios.py) changed only where a release
really answers differently; each change says which switch causes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.lab.releases import RELEASES
from auditor.lab.server import LabServer
from tests.conftest import run_cli, scan_args, statuses
from tests.test_scan_scenarios import EXPECTED_ACTIVE_WITH_TOKEN, FAIL, PASS, SKIP

Lab = Callable[[str], LabServer]
VULNERABLE = {"0.13", "1.2", "1.6", "1.9"}  # versions served: 0.13.3, 1.2.3, 1.6.4, 1.9.12 (see OMA109's table)
WHOLE_AUTHORIZER = {"0.13", "1.2"}  # switch authorizer_whole
NO_SECURITY_CONFIG = {"0.13", "1.2", "1.6"}  # switch security_config


def expected(scenario: str, release: str) -> dict[str, list[str]]:
    out = {rule: list(values) for rule, values in EXPECTED_ACTIVE_WITH_TOKEN[scenario].items()}
    out["OMA109"] = [FAIL if release in VULNERABLE else PASS]
    out["OMA111"] = [FAIL if release in WHOLE_AUTHORIZER else PASS]
    if scenario == "confidential-helm" and release in NO_SECURITY_CONFIG:
        for rule in ("OMA106", "OMA107", "OMA116", "OMA403", "OMA404"):
            out[rule] = [SKIP]  # the confidential redirect and PKCE are not served by this release
    if release in NO_SECURITY_CONFIG - WHOLE_AUTHORIZER:
        # 1.6: no admin view, and /config/auth serves the schema's empty publicKeyUrls and a fresh authorizer
        out["OMA117"] = out["OMA118"] = [SKIP]
    if release == "main":
        out["OMA117"] = [SKIP]  # after 2.0 the e-mail-first flow may apply (emailClaim), which no scan reads
    return out


SCENARIOS = ("insecure-defaults", "sso-leftovers", "seed-walkthrough", "legacy-1.2", "hardened", "confidential-helm",
             "renamed-domain")


@pytest.mark.parametrize("release", sorted(RELEASES))
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_rule_on_every_release(scenario: str, release: str, lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory(f"{scenario}@{release}")
    result = run_cli("scan", *scan_args(lab), "--active", "--format", "json", "--output-dir", str(tmp_path),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert "Traceback" not in result.stderr
    assert statuses(result.json()) == expected(scenario, release)


def test_fidelity_doc_is_generated_and_current() -> None:
    from auditor.lab.releases import fidelity_markdown

    path = Path(__file__).resolve().parent.parent / "docs" / "fidelity.md"
    assert path.read_text() == fidelity_markdown(), "docs/fidelity.md is stale: run `make docs`"
