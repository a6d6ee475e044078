"""The lockout guard cannot be bypassed: at most one default-login attempt per account and window.

Before the probe ledger, the guard read ./reports only: other output folders, other working folders,
the same server spelled differently, a deleted reports/, parallel scans and a probe that timed out
all added attempts, and four scans of legacy-1.2 locked its admin out. The lab's own counter is read
at the end of each test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.lab.server import LabServer
from tests.conftest import AWS_ENV, run_cli
from tests.rawhttp import RawServer, stall_body

Lab = Callable[[str], LabServer]
EMAIL = "admin@open-metadata.org"


def _oma101(result: Any) -> dict[str, Any]:
    return next(f for f in result.json()["findings"] if f["rule_id"] == "OMA101")


def test_one_attempt_across_folders_spellings_and_a_deleted_reports(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")  # the admin password was changed: every attempt is a failed login
    port = lab.url.rsplit(":", 1)[1]
    # The default state folder ($XDG_STATE_HOME/omaudit), not one named per run.
    env = {"OMAUDIT_STATE_DIR": "", "XDG_STATE_HOME": str(tmp_path / "xdg")}
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    runs = [
        (one, [lab.url]),
        (one, [lab.url, "--output-dir", str(tmp_path / "elsewhere")]),
        (two, [lab.url]),
        (two, [f"http://localhost:{port}"]),
        (two, [f"http://127.1:{port}"]),
        (two, [f"HTTP://127.0.0.1:{port}/"]),
    ]
    results = []
    for cwd, args in runs:
        results.append(run_cli("scan", "--om-url", *args, "--active", "--format", "json", cwd=cwd, env=env))
        shutil.rmtree(cwd / "reports", ignore_errors=True)  # a deleted reports/ changes nothing
    assert lab.failed_logins(EMAIL) == 1 and not lab.is_locked(EMAIL)
    statuses = [_oma101(r)["status"] for r in results]
    assert statuses == ["PASS"] + ["SKIPPED"] * 5
    assert "lockout window" in _oma101(results[-1])["message"]
    assert (tmp_path / "xdg" / "omaudit" / "login-probes.jsonl").is_file()


def test_parallel_scans_make_one_attempt(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("legacy-1.2")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("OMAUDIT_", "AWS_"))}, **AWS_ENV,
           "OMAUDIT_STATE_DIR": str(tmp_path / "state")}
    args = [sys.executable, "-m", "auditor", "scan", "--om-url", lab.url, "--active", "--format", "json",
            "--quiet"]
    procs = [subprocess.Popen([*args, "--output-dir", str(tmp_path / f"out{i}")], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [1] * 4
    assert lab.login_attempts(EMAIL) == 1 and lab.failed_logins(EMAIL) == 1


def test_a_probe_that_timed_out_still_counts(tmp_path: Path) -> None:
    state = {"OMAUDIT_STATE_DIR": str(tmp_path / "state")}
    with RawServer({"/api/v1/users/login": stall_body}) as server:
        first = run_cli("scan", "--om-url", server.url, "--active", "--format", "json", "--output-dir",
                        str(tmp_path / "a"), env=state)
        second = run_cli("scan", "--om-url", server.url, "--active", "--format", "json", "--output-dir",
                         str(tmp_path / "b"), env=state)
        posts = [p for p in server.paths if p.startswith("POST")]
    assert _oma101(first)["status"] == "ERROR" and "too slowly" in _oma101(first)["message"]
    assert _oma101(second)["status"] == "SKIPPED"
    assert posts == ["POST /api/v1/users/login"]


def test_unreadable_state_means_no_probe(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "login-probes.jsonl").write_text('{"at": 1, "host": "127.0.0.1"\n')
    for folder, phrase in ((not_a_folder, "not usable"), (damaged, "damaged at line 1")):
        result = run_cli("scan", "--om-url", lab.url, "--active", "--format", "json", "--state-dir", str(folder),
                         "--output-dir", str(tmp_path / f"out-{folder.name}"))
        finding = _oma101(result)
        assert finding["status"] == "SKIPPED" and phrase in finding["message"], finding
    assert lab.login_attempts(EMAIL) == 0
