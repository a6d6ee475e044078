"""Benchmark: wall time and peak RSS of one `scan --active` of the hostile lab (a child process).

Run: .venv/bin/python benchmarks/hostile.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time

from auditor.lab.hostile import HostileServer


def main() -> None:
    with HostileServer() as lab, tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "auditor", "scan", "--om-url", lab.url, "--active",  # noqa: S603
                               "--format", "json", "--output-dir", out], capture_output=True, check=False,
                              env={"OMAUDIT_OM_TOKEN": lab.admin_token, "PATH": "/usr/bin:/bin"})
        wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"hostile scan: exit {proc.returncode}, {wall:.1f} s wall, peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
