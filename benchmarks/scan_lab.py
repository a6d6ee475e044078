"""Benchmark: start-up time and one full scan of each lab scenario, in wall time (median of runs).

Run: .venv/bin/python benchmarks/scan_lab.py [--runs N]. Results go to stdout; record them in
benchmarks/README.md. Tests never assert timings; this is where speed is measured.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer


def _time(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False, env=env)  # noqa: S603 - our own CLI
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    base = [sys.executable, "-m", "auditor"]
    startup = statistics.median(_time([*base, "--version"]) for _ in range(runs))
    print(f"omaudit --version: median {startup * 1000:.0f} ms over {runs} runs")
    out = tempfile.mkdtemp(prefix="omaudit-bench-")
    for name, scenario in SCENARIOS.items():
        with LabServer(scenario) as lab:
            env = {"OMAUDIT_OM_TOKEN": lab.admin_token, "PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "testing",
                   "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true"}
            cmd = [*base, "scan", "--om-url", lab.url, "--active", "--format", "json", "--output-dir", out,
                   "--lockout-window", "0"]
            if lab.aws_endpoint_url:
                cmd += ["--aws-endpoint-url", lab.aws_endpoint_url]
            wall = statistics.median(_time(cmd, env) for _ in range(runs))
            print(f"scan {name:<18} median {wall * 1000:.0f} ms ({len(lab.requests) // runs} OpenMetadata requests "
                  f"per scan{', plus Cognito' if lab.aws_endpoint_url else ''})")


if __name__ == "__main__":
    main()
