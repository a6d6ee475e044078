"""docs/deploy: the shell of the Kubernetes jobs and the Actions gate, run with stand-in `pip` and
`omaudit`, so that their exit-code handling, pinning and baseline wiring are what the comments say."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor import __version__
from tests.conftest import ROOT

DEPLOY = ROOT / "docs" / "deploy"
# Not on the public index (a project there has the same name): this repository's release tag.
INSTALL = f"pip install 'omaudit @ git+https://github.com/omaudit/omaudit@v{__version__}'"


def _k8s() -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / "kubernetes-cronjob.yaml").read_text()) if d]


def _script(name: str) -> str:
    job = next(d for d in _k8s() if d["kind"] == "CronJob" and d["metadata"]["name"] == name)
    [container] = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["sh", "-c"]
    return str(container["args"][0])


def _run(script: str, tmp_path: Path, pip_code: int, omaudit_code: int) -> tuple[int, list[str]]:
    """Run a job's script with /reports and /etc/omaudit under tmp_path; returns its exit and omaudit's argv."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pip").write_text(f"#!/bin/sh\nexit {pip_code}\n")
    (bin_dir / "omaudit").write_text(  # records its argv, and writes a report where it is told to
        f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/argv\n'
        'while [ $# -gt 0 ]; do [ "$1" = --output-dir ] && mkdir -p "$2" && echo {} > "$2/report.json"; shift; done\n'
        f"exit {omaudit_code}\n")
    for tool in ("pip", "omaudit"):
        (bin_dir / tool).chmod(0o755)
    reports = tmp_path / "reports"
    script = script.replace("/reports", str(reports)).replace("/etc/omaudit", str(tmp_path / "etc"))
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "JOB_COMPLETION_INDEX": "2"}
    done = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=30)
    argv = (tmp_path / "argv").read_text().splitlines() if (tmp_path / "argv").exists() else []
    return done.returncode, argv


@pytest.mark.parametrize(("omaudit_code", "job_code"), [(0, 0), (1, 0), (3, 0), (2, 2), (4, 4), (130, 130)])
def test_the_shard_job_maps_exit_codes(omaudit_code: int, job_code: int, tmp_path: Path) -> None:
    code, argv = _run(_script("omaudit-shards"), tmp_path, 0, omaudit_code)
    assert code == job_code
    assert argv[:4] == ["scan", "--inventory", f"{tmp_path}/etc/fleet.toml", "--shard"] and argv[4] == "2/4"


@pytest.mark.parametrize("job", ["omaudit-shards", "omaudit-merge"])
def test_the_jobs_run_the_built_image_as_a_user_and_install_nothing(job: str) -> None:
    """Issue 24, point 12: the jobs ran `pip install` at run time, as root, from an index that does not
    hold the package; now the Dockerfile's image (omaudit in it, user 10001), pinned by tag."""
    spec = next(d for d in _k8s() if d["kind"] == "CronJob" and d["metadata"]["name"] == job)
    [container] = spec["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == f"registry.example.com/omaudit:{__version__}"
    assert container["securityContext"]["runAsNonRoot"] is True and container["securityContext"]["runAsUser"] == 10001
    assert "pip" not in _script(job)
    assert "USER 10001" in (ROOT / "Dockerfile").read_text()


def test_the_merge_job_compares_with_last_run_and_moves_the_pointer(tmp_path: Path) -> None:
    script = _script("omaudit-merge")
    import datetime as dt

    shard = tmp_path / "reports" / dt.datetime.now(dt.UTC).strftime("%Y%m%d") / "shard-0"
    shard.mkdir(parents=True)
    (shard / "report.json").write_text("{}")
    code, argv = _run(script, tmp_path, 0, 1)
    assert code == 0 and "--baseline" not in argv  # the first run has nothing to compare with
    assert (tmp_path / "reports" / "merged-latest").is_symlink()
    code, argv = _run(script, tmp_path, 0, 1)
    assert code == 0 and argv[argv.index("--baseline") + 1] == f"{tmp_path}/reports/merged-latest/report.json"
    code, _ = _run(script, tmp_path, 0, 2)  # an incomplete set of shards fails the job
    assert code == 2


def test_versions_are_pinned_and_volumes_are_shared() -> None:
    claims = {d["metadata"]["name"]: d["spec"]["accessModes"] for d in _k8s() if d["kind"] == "PersistentVolumeClaim"}
    assert claims == {"omaudit-reports": ["ReadWriteMany"], "omaudit-state": ["ReadWriteMany"]}
    gate = yaml.safe_load((DEPLOY / "github-actions-gate.yml").read_text())
    steps = gate["jobs"]["audit"]["steps"]
    assert any(s.get("run") == INSTALL for s in steps)
    assert steps[0]["with"] == {"persist-credentials": False}  # no token in .git/config for the job


def test_the_actions_gate_fails_on_new_findings_with_its_baseline(tmp_path: Path) -> None:
    steps = yaml.safe_load((DEPLOY / "github-actions-gate.yml").read_text())["jobs"]["audit"]["steps"]
    scan = next(s for s in steps if s.get("name") == "Scan staging")["run"]
    assert "--suppressions" not in scan  # the default file is read when it exists, and no error when not
    uploads = [s for s in steps if "upload-sarif" in str(s.get("uses"))]
    assert uploads and all("hashFiles('omaudit-out/report.sarif')" in s["if"] for s in uploads)
    for present in (False, True):
        work = tmp_path / str(present)
        work.mkdir()
        if present:
            (work / "omaudit-baseline.json").write_text("{}")
        code, argv = _run(f"cd {work}\n{scan}", work, 0, 1)
        assert code == 1  # the step fails, so the gate does
        assert ("--fail-on-new" in argv) is present and ("--baseline" in argv) is present


def test_the_files_workflow_scans_the_checkout_and_annotates_relative_paths(tmp_path: Path) -> None:
    """docs/deploy/github-actions-files.yml: its scan step, run for real on a checkout with the guide's
    slips in deploy/values.yaml, fails the check and writes SARIF with repository-relative paths."""
    import json
    import sys

    workflow = yaml.safe_load((DEPLOY / "github-actions-files.yml").read_text())
    steps = workflow["jobs"]["files"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install omaudit")
    assert install["run"] == INSTALL
    assert steps[0]["with"] == {"persist-credentials": False}
    scan = next(s for s in steps if s.get("name") == "Scan the configuration")["run"]
    assert scan.startswith("omaudit scan --dir . ")
    checkout = tmp_path / "repo"
    (checkout / "deploy").mkdir(parents=True)
    (checkout / "deploy" / "values.yaml").write_text((ROOT / "tests/data/files/helm/values-cognito.yaml").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMAUDIT_")}
    done = subprocess.run([sys.executable, "-m", "auditor", *scan.split()[1:]], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    sarif = json.loads((checkout / "omaudit-out" / "report.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"deploy/values.yaml"}
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert "hashFiles('omaudit-out/report.sarif')" in upload["if"]
