"""Benchmark: fleet scans of N lab targets behind injected latency, against the floor the latency sets.

Run: .venv/bin/python benchmarks/fleet.py [--latency-ms 50] [--sizes 1,50,200] [--no-serial] [--session-token]

The lab runs in its own process (`omaudit lab serve --latency-ms L`): every OpenMetadata answer and
every Cognito answer (through a delaying proxy in front of moto) waits L ms. Every inventory target
points at that lab, with its own name, token reference and connection pool, as in a real fleet.

For each N it reports the wall time of the whole `omaudit scan --inventory` process at the default
concurrency (median of --runs); the floor, latency x the longest chain of dependent calls per target (measured below)
x ceil(N / concurrency); the same scan at --concurrency 1; CPU seconds of the scan and of the lab
(on a small machine the two share the cores, and the CPU, not the latency, sets the wall time); and
the peak memory of the scan's processes. Results go to stdout as a Markdown table for
benchmarks/README.md. Tests never assert timings; this is where speed is measured.

--front puts benchmarks/front.py between the scan and the lab: the lab answers without latency, and
the front replays its answers after L ms on one event loop, at a fraction of the lab's CPU (a real
fleet's servers cost the scanning machine none). Lab CPU is then the lab's and the front's together.

--session-token adds realistic secrets: each N is also scanned with an assumed role's credentials
(AWS_SESSION_TOKEN of 800 base64 characters, a 40-character AWS_SECRET_ACCESS_KEY; moto accepts any)
next to the lab's admin token, and CPU per target is reported for both secret sets side by side.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCENARIO = "seed-walkthrough"  # OpenMetadata with 10 bots and an admin token, plus a Cognito pool and client
TOKEN_ENV = "OMAUDIT_BENCH_TOKEN"
SWEEP = (8, 16, 24, 32, 48, 64)
SESSION_TOKEN_CHARS = 800  # an STS session token (assumed role) is base64, ~800 characters


@dataclass
class Lab:
    process: subprocess.Popen[str]
    om_url: str
    aws_endpoint_url: str
    admin_token: str
    front: subprocess.Popen[str] | None = None

    def cpu_seconds(self) -> float:
        return sum(_proc_cpu(p.pid) for p in (self.process, self.front) if p is not None)

    def stop(self) -> None:
        for process in (self.front, self.process):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


@dataclass
class Run:
    wall: float
    exit_code: int
    cpu: float  # user + system of the scan and its worker processes
    peak_rss_mb: float  # the largest sum of RSS over the scan's processes, sampled every 20 ms
    lab_cpu: float


def start_lab(latency_ms: int, front: bool = False) -> Lab:
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [PYTHON, "-m", "auditor", "lab", "serve", "--scenario", SCENARIO,
         "--latency-ms", str(0 if front else latency_ms)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    ready = json.loads(process.stdout.readline())
    lab = Lab(process, ready["om_url"], ready["aws_endpoint_url"], ready["admin_token"])
    if front:
        try:
            lab.front = subprocess.Popen(  # noqa: S603 - our own benchmark helper
                [PYTHON, str(ROOT / "benchmarks" / "front.py"), "--latency-ms", str(latency_ms), lab.om_url,
                 lab.aws_endpoint_url], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            assert lab.front.stdout is not None
            lab.om_url, lab.aws_endpoint_url = json.loads(lab.front.stdout.readline())["urls"]
        except BaseException:
            lab.stop()
            raise
    return lab


def write_inventory(path: Path, lab: Lab, n: int) -> Path:
    lines = []
    for i in range(n):
        lines += ["[[target]]", f'name = "team{i % 20:02d}-env{i:03d}"', f'om_url = "{lab.om_url}"',
                  f'token_env = "{TOKEN_ENV}"', f'aws_endpoint_url = "{lab.aws_endpoint_url}"',
                  f'tags = ["{("dev", "staging", "prod")[i % 3]}"]', ""]
    path.write_text("\n".join(lines))
    return path


def session_secrets(seed: int = 19) -> dict[str, str]:
    """An assumed role's credentials (seeded, the same every run): a base64 session token and a
    40-character secret access key. Every secret omaudit holds is redacted from its output."""
    rng = random.Random(seed)  # noqa: S311 - a fake credential, the same every run
    token = base64.b64encode(rng.randbytes(SESSION_TOKEN_CHARS * 3 // 4)).decode()
    secret_key = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return {"AWS_SESSION_TOKEN": token, "AWS_SECRET_ACCESS_KEY": secret_key}


def scan(lab: Lab, inventory: Path, out: Path, concurrency: int | None,
         secrets: dict[str, str] | None = None) -> Run:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), TOKEN_ENV: lab.admin_token,
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
           "HOME": str(out), **(secrets or {})}
    cmd = [PYTHON, "-m", "auditor", "scan", "--inventory", str(inventory), "--format", "json",
           "--output-dir", str(out), "--quiet"]
    if concurrency is not None:
        cmd += ["--concurrency", str(concurrency)]
    lab_before = lab.cpu_seconds()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=subprocess.DEVNULL)
    peak = _RssSampler(process.pid)
    peak.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    peak.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall=wall, exit_code=process.returncode, cpu=usage.ru_utime + usage.ru_stime,
               peak_rss_mb=peak.peak_kb / 1024, lab_cpu=lab.cpu_seconds() - lab_before)


def measure_chain(work: Path, front: bool = False) -> float:
    """Dependent round trips per target: one target scanned at 100 ms and at 400 ms latency.

    Start-up, imports and CPU cancel out in the difference; what is left, over 300 ms, is how many
    latencies the target waits in a row. Long latencies keep the run-to-run noise small beside it.
    """
    walls = []
    for latency_ms in (100, 400):
        lab = start_lab(latency_ms, front)
        try:
            inventory = write_inventory(work / f"chain{latency_ms}.toml", lab, 1)
            walls.append(min(scan(lab, inventory, work / "out", 1).wall for _ in range(3)))
        finally:
            lab.stop()
    return (walls[1] - walls[0]) / 0.3


def startup(runs: int) -> float:
    def once() -> float:
        start = time.perf_counter()
        subprocess.run([PYTHON, "-m", "auditor", "--version"], cwd=ROOT, capture_output=True, check=True)  # noqa: S603
        return time.perf_counter() - start
    return statistics.median(once() for _ in range(runs))


def prowler(lab: Lab, work: Path) -> str:
    """Prowler's Cognito checks against the same moto (through the same delaying proxy), if installed."""
    exe = shutil.which("prowler")
    if exe is None:
        return "prowler not installed"
    env = {**os.environ, "AWS_ENDPOINT_URL": lab.aws_endpoint_url, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    start = time.perf_counter()
    done = subprocess.run([exe, "aws", "--service", "cognito", "--region", "us-east-1", "--output-directory",  # noqa: S603
                           str(work / "prowler"), "--no-banner"], env=env, capture_output=True, check=False)
    return f"prowler (cognito checks, one pool): {time.perf_counter() - start:.2f} s, exit {done.returncode}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--sizes", default="1,50,200")
    parser.add_argument("--runs", type=int, default=3, help="runs at the default concurrency; the median is kept")
    parser.add_argument("--no-serial", action="store_true", help="skip the --concurrency 1 runs (minutes)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the concurrency sweep at the largest N")
    parser.add_argument("--session-token", action="store_true",
                        help="also scan each N with an assumed role's session token (800 characters) and a "
                             "40-character secret key; CPU per target side by side")
    parser.add_argument("--front", action="store_true",
                        help="answer through benchmarks/front.py (replayed answers, one event loop), not the lab's "
                             "threaded servers: the lab's CPU off the cores the scan is measured on")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    latency = args.latency_ms / 1000
    sys.path.insert(0, str(ROOT))
    from auditor.scan.workers import default_concurrency, process_count, usable_cpus

    concurrency = default_concurrency()
    work = Path(tempfile.mkdtemp(prefix="omaudit-fleet-"))
    print(f"machine: {usable_cpus()} usable CPUs; default --concurrency {concurrency}; latency {args.latency_ms} ms "
          f"per request on both sides; scenario {SCENARIO}"
          + ("; answered through benchmarks/front.py" if args.front else ""))
    print(f"omaudit --version: median {startup(7) * 1000:.0f} ms over 7 runs")
    chain = measure_chain(work, args.front)
    chain_used = max(1, round(chain))
    print(f"longest chain of dependent calls per target: measured {chain:.2f} round trips -> {chain_used}")
    lab = start_lab(args.latency_ms, args.front)
    rows = []
    session_rows = []
    try:
        print(prowler(lab, work))
        for n in sizes:
            inventory = write_inventory(work / f"fleet{n}.toml", lab, n)
            runs = sorted((scan(lab, inventory, work / "out", None) for _ in range(args.runs)), key=lambda r: r.wall)
            fast = runs[len(runs) // 2]  # the median run
            serial = scan(lab, inventory, work / "out", 1) if not args.no_serial else None
            floor = latency * chain_used * math.ceil(n / concurrency)
            rows.append((n, fast, serial, floor, process_count(n, concurrency)))
            print(f"N={n}: {fast.wall:.2f} s (exit {fast.exit_code}), floor {floor:.2f} s, "
                  f"x{fast.wall / floor:.2f}; serial {serial.wall if serial else float('nan'):.2f} s; "
                  f"scan CPU {fast.cpu:.2f} s, lab CPU {fast.lab_cpu:.2f} s, peak RSS {fast.peak_rss_mb:.0f} MB",
                  flush=True)
            if args.session_token:
                with_token = sorted((scan(lab, inventory, work / "out", None, session_secrets())
                                     for _ in range(args.runs)), key=lambda r: r.cpu)[args.runs // 2]
                session_rows.append((n, fast, with_token))
                print(f"N={n} with a session token: {with_token.wall:.2f} s (exit {with_token.exit_code}), "
                      f"scan CPU {with_token.cpu:.2f} s = {with_token.cpu / n * 1000:.1f} ms per target against "
                      f"{fast.cpu / n * 1000:.1f} ms without (x{with_token.cpu / fast.cpu:.2f})", flush=True)
        sweep = []
        if not args.no_sweep:
            inventory = write_inventory(work / "sweep.toml", lab, max(sizes))
            for c in SWEEP:
                run = scan(lab, inventory, work / "out", c)
                floor = latency * chain_used * math.ceil(max(sizes) / c)
                sweep.append((c, run, floor))
                print(f"N={max(sizes)} --concurrency {c}: {run.wall:.2f} s, floor {floor:.2f} s, "
                      f"x{run.wall / floor:.2f}, scan CPU {run.cpu:.2f} s", flush=True)
    finally:
        lab.stop()
    print()
    print("| N | processes | wall (default concurrency) | floor | wall / floor | wall at --concurrency 1 | speed-up "
          "| scan CPU | lab CPU | peak RSS (all scan processes) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, fast, serial, floor, processes in rows:
        serial_cells = (f"{serial.wall:.2f} s | {serial.wall / fast.wall:.1f}x" if serial else "- | -")
        print(f"| {n} | {processes} | {fast.wall:.2f} s | {floor:.2f} s | {fast.wall / floor:.2f} | {serial_cells} "
              f"| {fast.cpu:.2f} s | {fast.lab_cpu:.2f} s | {fast.peak_rss_mb:.0f} MB |")
    if session_rows:
        print()
        print("| N | CPU per target, admin token | CPU per target, + session token | ratio | wall, admin token "
              "| wall, + session token |")
        print("|---|---|---|---|---|---|")
        for n, plain, with_token in session_rows:
            print(f"| {n} | {plain.cpu / n * 1000:.1f} ms | {with_token.cpu / n * 1000:.1f} ms "
                  f"| {with_token.cpu / plain.cpu:.2f}x | {plain.wall:.2f} s | {with_token.wall:.2f} s |")
    if sweep:
        print()
        print(f"| --concurrency (N={max(sizes)}) | wall | floor | wall / floor | scan CPU | lab CPU |")
        print("|---|---|---|---|---|---|")
        for c, run, floor in sweep:
            print(f"| {c} | {run.wall:.2f} s | {floor:.2f} s | {run.wall / floor:.2f} | {run.cpu:.2f} s "
                  f"| {run.lab_cpu:.2f} s |")


class _RssSampler(threading.Thread):
    """Samples the summed RSS of a process and its children; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(self.pid)))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
