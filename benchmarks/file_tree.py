"""Benchmark: `omaudit scan --dir` over a tree of 500 configuration files, in one child process.

The tree (made in a temporary folder, from tests/data/files): one openmetadata.yaml and a compose file,
150 .env files, 150 Helm values files, one Terraform plan, 100 CloudFormation templates, and 97 other
YAML/JSON files that --dir names as skipped. Every file but the skipped ones is parsed. Peak RSS is
the process's own VmHWM (tests/peak.py).

Run: .venv/bin/python benchmarks/file_tree.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tests.peak import command, read_peak

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "tests" / "data" / "files"


def make_tree(root: Path) -> int:
    """The 500 files; returns how many were written."""
    written = 0

    def put(path: Path, text: str) -> None:
        nonlocal written
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written += 1

    put(root / "conf" / "openmetadata.yaml", (FILES / "om" / "openmetadata.yaml").read_text())
    put(root / "docker-compose.yml", "services:\n  openmetadata-server:\n    image: openmetadata/server:1.13.1\n"
                                     "    environment:\n      AUTHENTICATION_PROVIDER: aws-cognito\n")
    for i in range(150):
        put(root / "envs" / f"site{i:03d}.env", (FILES / "om" / ("hardened.env" if i % 2 else "slips.env")).read_text())
    for i in range(150):
        source = ("values-defaults.yaml", "values-cognito.yaml", "values-hardened.yaml")[i % 3]
        put(root / "charts" / f"site{i:03d}" / "values.yaml", (FILES / "helm" / source).read_text())
    put(root / "infra" / "plan.json", (FILES / "terraform" / "plan-hardened.json").read_text())
    for i in range(100):
        put(root / "cfn" / f"stack{i:03d}.json", (FILES / "cloudformation" / "template-hardened.json").read_text())
    for i in range(97):
        put(root / "misc" / f"other{i:03d}.yaml", f"name: other-{i}\nitems: [1, 2, 3]\n")
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        count = make_tree(tree)
        walls, peaks, codes = [], [], set()
        for _ in range(runs):
            peak_file = Path(tmp) / "kib"
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("OMAUDIT_")},
                   "PYTHONPATH": str(ROOT), "OMAUDIT_PEAK_FILE": str(peak_file)}
            start = time.perf_counter()
            done = subprocess.run(command("scan", "--dir", str(tree), "-q", "--format", "json", "--output-dir",  # noqa: S603
                                          str(Path(tmp) / "out")), env=env, capture_output=True, check=False)
            walls.append(time.perf_counter() - start)
            peaks.append(read_peak(peak_file) / 1024)
            codes.add(done.returncode)
        print(f"{count} files; exit {sorted(codes)}; wall median {statistics.median(walls):.2f} s "
              f"(min {min(walls):.2f}, max {max(walls):.2f}); peak RSS {max(peaks):.0f} MiB")


if __name__ == "__main__":
    main()
