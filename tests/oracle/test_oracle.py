"""OpenMetadata's own Python client as the oracle of the lab's fidelity.

Every lab scenario's answers on every release profile (version, auth config, authorizer, the admin users
and the admin, the bots and their auth mechanisms, the security config) must parse into OpenMetadata's generated
pydantic models (openmetadata-ingestion 2.0.7.0). The client lives in a virtual environment of its
own (its pins clash with ours): `make test` builds .venv-ometa from tests/oracle/requirements-ometa.txt
and points OMAUDIT_OMETA_PYTHON at it. Without that variable this test is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.lab.releases import RELEASES
from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer

ORACLE = os.environ.get("OMAUDIT_OMETA_PYTHON")
SCRIPT = Path(__file__).with_name("parse_lab.py")


@pytest.mark.skipif(not ORACLE, reason="OMAUDIT_OMETA_PYTHON is not set (make test sets it)")
def test_openmetadata_s_client_parses_every_scenario_on_every_release(lab_factory: Callable[[str], LabServer]) -> None:
    labs = {f"{s}@{r}": lab_factory(f"{s}@{r}") for s in sorted(SCENARIOS) for r in RELEASES}
    assert ORACLE is not None
    args = [arg for lab in labs.values() for arg in (lab.url, lab.admin_token)]
    proc = subprocess.run([ORACLE, str(SCRIPT), *args], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)
    for name, lab in labs.items():
        result = results[lab.url]
        assert result["failed"] == [], (name, result["failed"])
        parsed = set(result["parsed"])
        expected = {"version", "auth config", "authorizer"}
        release = RELEASES[name.partition("@")[2]]
        if release.security_config:
            expected.add("security config")
        assert expected <= parsed, (name, expected - parsed)
        assert any(p.startswith("admin user ") for p in parsed) and any(p.startswith("bot ") for p in parsed), name
        assert any(p.startswith(("JWT of ", "revoked JWT of ")) for p in parsed), name
