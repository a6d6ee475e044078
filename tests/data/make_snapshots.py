"""Regenerate tests/data/snapshots/*.json from the lab (run by hand; golden tests read the files).

    .venv/bin/python tests/data/make_snapshots.py && OMAUDIT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from auditor.facts.snapshot import dump_snapshots
from auditor.lab.cognito import MotoServer
from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer
from auditor.scan.discovery import CognitoRequest
from auditor.scan.lockout import ProbeLedger
from auditor.scan.service import collect_target
from auditor.scan.target import OMRequest, ScanTarget

OUT = Path(__file__).resolve().parent / "snapshots"
GOLDEN = ("insecure-defaults", "sso-leftovers", "seed-walkthrough", "legacy-1.2", "hardened")


def main() -> None:
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_EC2_METADATA_DISABLED": "true"})
    moto = MotoServer()
    try:
        for name in GOLDEN:
            with LabServer(SCENARIOS[name], aws_endpoint_url=moto.endpoint_url) as lab:
                ledger = ProbeLedger(Path(tempfile.mkdtemp(prefix="omaudit-snapshots-")))
                target = ScanTarget(name=f"lab-{name}", om=OMRequest(lab.url, lab.admin_token, True, ledger=ledger),
                                    cognito=CognitoRequest(endpoint_url=lab.aws_endpoint_url))
                snap, _ = collect_target(target)
                (OUT / f"{name}.json").write_text(dump_snapshots([snap]))
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
