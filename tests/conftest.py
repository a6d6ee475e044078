"""Shared fixtures: the lab over real sockets, the CLI as a user runs it, snapshot builders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SCRATCH = Path(tempfile.mkdtemp(prefix="omaudit-tests-"))  # default working folder: never the repo's reports/


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str
    output_dir: Path | None = None  # the folder given with --output-dir / -o, if any

    def json(self) -> Any:
        """The JSON report: from the output folder when one was named (stdout then carries no report,
        issue 24), else from stdout."""
        if self.output_dir is not None and (self.output_dir / "report.json").is_file():
            return json.loads((self.output_dir / "report.json").read_text())
        return json.loads(self.stdout)


def _output_dir(args: tuple[str, ...], cwd: Path | None) -> Path | None:
    for flag in ("--output-dir", "-o"):
        if flag in args[:-1]:
            value = args[args.index(flag) + 1]
            return None if value == "-" else (cwd or SCRATCH) / value
    return None


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
            ) -> CliResult:
    """Run `python -m auditor` in a child process, exactly as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("OMAUDIT_", "AWS_"))}
    full_env.update(AWS_ENV)
    # Each run records its login probes in a fresh state folder unless a test shares one on purpose.
    full_env["OMAUDIT_STATE_DIR"] = tempfile.mkdtemp(prefix="omaudit-state-", dir=SCRATCH)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd or SCRATCH, timeout=timeout, check=False)
    return CliResult(proc.returncode, proc.stdout, proc.stderr, _output_dir(args, cwd))


def run_cli_in_process(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> CliResult:
    """`omaudit` run in this process, for option validation and offline commands: the same entry point
    (auditor.cli.main), environment and working folder as run_cli, without a Python start-up each."""
    import contextlib
    import io

    from auditor.cli import main
    from auditor.common.redact import SECRETS

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    # A child process starts with no registered secret: so does each run here (a canary registered by
    # one test must not mask another test's text).
    saved_secrets = SECRETS.state()
    SECRETS.restore(())
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update({k: v for k, v in saved_env.items() if not k.startswith(("OMAUDIT_", "AWS_"))})
    os.environ.update({**AWS_ENV, "OMAUDIT_STATE_DIR": tempfile.mkdtemp(prefix="omaudit-state-", dir=SCRATCH),
                       **(env or {})})
    os.chdir(cwd or SCRATCH)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        SECRETS.restore(saved_secrets)
    return CliResult(code, out.getvalue(), err.getvalue(), _output_dir(args, cwd))


def run_cli_measured(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None
                     ) -> tuple[CliResult, int]:
    """run_cli, plus that process's own peak RSS in KiB (tests/peak.py says why not wait4)."""
    from tests.peak import command, read_peak

    peak_file = Path(tempfile.mkdtemp(prefix="omaudit-peak-", dir=SCRATCH)) / "kib"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("OMAUDIT_", "AWS_"))}
    full_env.update(AWS_ENV)
    full_env["OMAUDIT_STATE_DIR"] = tempfile.mkdtemp(prefix="omaudit-state-", dir=SCRATCH)
    full_env["OMAUDIT_PEAK_FILE"] = str(peak_file)
    full_env.update(env or {})
    proc = subprocess.run(command(*args), capture_output=True, text=True, env=full_env, cwd=cwd or SCRATCH,
                          timeout=150, check=False)
    return CliResult(proc.returncode, proc.stdout, proc.stderr, _output_dir(args, cwd)), read_peak(peak_file)


AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto server over HTTP on 127.0.0.1, started by the tests, shared by the session."""
    from auditor.lab.cognito import MotoServer

    server = MotoServer()
    yield server.endpoint_url
    server.stop()


def scan_args(lab: LabServer) -> list[str]:
    """What a user passes to scan this lab: its URL, and the AWS endpoint when it has a Cognito side."""
    args = ["--om-url", lab.url]
    if lab.aws_endpoint_url:
        args += ["--aws-endpoint-url", lab.aws_endpoint_url]
    return args


@pytest.fixture
def lab_factory(moto_endpoint: str) -> Iterator[Any]:
    servers: list[LabServer] = []

    def start(name: str) -> LabServer:
        """A scenario by name; `scenario@release` serves it as that release profile does."""
        from auditor.lab.releases import RELEASES
        from auditor.lab.scenarios import on_release

        scenario_name, _, release = name.partition("@")
        scenario = SCENARIOS[scenario_name]
        server = LabServer(on_release(scenario, RELEASES[release]) if release else scenario,
                           aws_endpoint_url=moto_endpoint).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def statuses(report: dict[str, Any]) -> dict[str, list[str]]:
    """rule_id -> sorted statuses of its findings: what tests compare exactly."""
    out: dict[str, list[str]] = {}
    for f in report["findings"]:
        out.setdefault(f["rule_id"], []).append(f["status"])
    return {k: sorted(v) for k, v in sorted(out.items())}


def failing(report: dict[str, Any]) -> set[str]:
    return {f["rule_id"] for f in report["findings"] if f["status"] == "FAIL"}
