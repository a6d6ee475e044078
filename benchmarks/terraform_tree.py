"""Benchmark: omaudit and Checkov on the same Terraform HCL tree, in the same run (issue 22).

The tree (a temporary folder): the real modules of tests/data/real/terraform (OpenMetadata's Cognito
module and its official deployment module, and three public Cognito modules), each copied `--copies`
times into its own folder. omaudit: `omaudit scan --dir TREE -f json`; Checkov: `checkov -d TREE
--framework terraform -o json` (its Terraform checks, all of them, as a gate would run it). Each tool
runs in a child process; wall time, best of `--runs`. Then each tool's Cognito verdicts, side by
side: Checkov's checks on aws_cognito_* resources, omaudit's failing OMA2xx/OMA3xx rules.

Run: .venv/bin/python benchmarks/terraform_tree.py --checkov /path/to/checkov [--copies 4] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real" / "terraform"


def make_tree(root: Path, copies: int) -> int:
    modules = 0
    for module in sorted(p for p in REAL.iterdir() if p.is_dir()):
        for i in range(copies):
            shutil.copytree(module, root / f"{module.name}-{i}")
            modules += 1
    return modules


def timed(argv: list[str], runs: int) -> tuple[float, subprocess.CompletedProcess[str]]:
    best, last = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        last = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=900)  # noqa: S603 - ours and the peer
        best = min(best, time.perf_counter() - started)
    assert last is not None
    return best, last


def checkov_cognito(output: str) -> Counter[str]:
    """(check id, verdict) counts on aws_cognito_* resources from Checkov's JSON."""
    data = json.loads(output) if output.strip() else []
    reports = data if isinstance(data, list) else [data]
    out: Counter[str] = Counter()
    for report in reports:
        results = report.get("results", {}) if isinstance(report, dict) else {}
        for verdict, key in (("FAIL", "failed_checks"), ("PASS", "passed_checks")):
            for check in results.get(key, []):
                if "aws_cognito" in str(check.get("resource")):
                    out[f"{check.get('check_id')} {verdict}"] += 1
    return out


def omaudit_cognito(report_path: Path) -> Counter[str]:
    report = json.loads(report_path.read_text())
    return Counter(f"{f['rule_id']} {f['status']}" for f in report["findings"]
                   if f["rule_id"].startswith(("OMA2", "OMA3")) and f["status"] == "FAIL")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkov", required=True, help="the checkov executable")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        modules = make_tree(tree, args.copies)
        out = Path(tmp) / "out"
        ours, ours_run = timed([sys.executable, "-m", "auditor", "scan", "--dir", str(tree), "-f", "json", "-o",
                                str(out), "-q"], args.runs)
        theirs, theirs_run = timed([args.checkov, "-d", str(tree), "--framework", "terraform", "-o", "json",
                                    "--skip-download"], args.runs)
        print(f"tree: {modules} module folders ({args.copies} copies of {modules // args.copies} real modules)")
        print(f"omaudit: {ours:.2f} s (exit {ours_run.returncode}); checkov: {theirs:.2f} s "
              f"(exit {theirs_run.returncode}); omaudit / checkov = {ours / theirs:.2f}x")
        print("omaudit Cognito FAILs:", dict(sorted(omaudit_cognito(out / "report.json").items())))
        print("checkov Cognito verdicts:", dict(sorted(checkov_cognito(theirs_run.stdout).items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
