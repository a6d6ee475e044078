"""Benchmark: every hostile case of the "never harm, never leak, never crash" issue, measured.

For each case one `omaudit` child process runs; the table gives its exit code, wall time, peak RSS
(the process's own VmHWM, see tests/peak.py), whether "Traceback" appeared, and how many 8-character fragments
of the planted canary secrets reached any output (stdout, stderr, files written).

Run: .venv/bin/python benchmarks/hostile.py [--files]   (--files: only the 2 MiB file cases of issue 18,
each a hostile checkout scanned as a gate with a CI secret in the environment)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from auditor.lab.hostile import HostileServer
from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer
from tests.peak import command, read_peak
from tests.rawhttp import RawServer, header_drip, raw_body

TOKEN = "s3cr3t-opaque-canary-0a1b2c3d4e5f6a7b8c9d"
SESSION = "FwoGZXIvYXdzEBYaDcanary-session-token-9f8e7d6c5b4a39281706"
ROOT = Path(__file__).resolve().parent.parent
CI_SECRET = "ci-deploy-canary-7f3e9a1b5c2d4e6f8a0b"  # in the CI job's environment as CI_DEPLOY_TOKEN
MIB2 = 2 * 1024 * 1024


def _stream_300mb(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 314572800\r\n\r\n{")
    chunk = b" " * 65536
    for _ in range(300 * 16):
        sock.sendall(chunk)


def _drip_5s(sock: socket.socket, path: str, headers: dict[str, str]) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n")
    for _ in range(100):
        sock.sendall(b" ")
        time.sleep(5)


def run(args: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> tuple[int, float, float, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": SESSION, "AWS_EC2_METADATA_DISABLED": "true",
           "OMAUDIT_OM_TOKEN": TOKEN, "CI_DEPLOY_TOKEN": CI_SECRET, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    out, err = cwd / ".stdout", cwd / ".stderr"
    peak_file = Path(tempfile.mkdtemp()) / "kib"
    env["OMAUDIT_PEAK_FILE"] = str(peak_file)
    start = time.perf_counter()
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.run(command(*args), cwd=cwd, env=env, stdout=o, stderr=e, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    # Only what omaudit wrote: the case's own inputs (a 1 GB token file) are not read back.
    text = "".join(p.read_text(errors="replace") for p in cwd.rglob("*")
                   if p.is_file() and p.stat().st_size < 64 * 1024 * 1024)
    return proc.returncode, wall, read_peak(peak_file) / 1024, text


def leaks(text: str) -> int:
    return sum(secret[i:i + 8] in text for secret in (TOKEN, SESSION, CI_SECRET) for i in range(len(secret) - 7))


BASE_OM = "authenticationConfiguration:\n  provider: basic\n  callbackUrl: ${CB:-http://localhost:8585/callback}\n"


def _fill(unit: str, size: int = MIB2 - 4096) -> str:
    return unit * (size // len(unit))


def _cfn(clients: int) -> str:
    resources: dict[str, object] = {"Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {}}}
    for i in range(clients):
        resources[f"Client{i}"] = {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
            "UserPoolId": {"Ref": "Pool"}, "CallbackURLs": [f"https://app{i}.example.com/callback"] * 8,
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email"]}}
    return json.dumps({"Resources": resources})


def _plan(clients: int) -> str:
    changes = [{"address": "aws_cognito_user_pool.pool", "mode": "managed", "type": "aws_cognito_user_pool",
                "change": {"actions": ["create"], "after": {"name": "p"}, "after_unknown": {"id": True}}}]
    changes += [{"address": f"aws_cognito_user_pool_client.c{i}", "mode": "managed",
                 "type": "aws_cognito_user_pool_client",
                 "change": {"actions": ["create"], "after": {"name": f"c{i}", "callback_urls": ["https://x/cb"] * 8},
                            "after_unknown": {"id": True, "user_pool_id": True}}} for i in range(clients)]
    return json.dumps({"format_version": "1.2", "resource_changes": changes}, indent=1)


# Each: (name, {file: text}, the scan's options). A hostile checkout of about 2 MiB per case.
FILE_CASES: list[tuple[str, dict[str, str], list[str]]] = [
    ("om yaml: 2 MiB of unclosed ${:-", {"openmetadata.yaml": BASE_OM + "  x: \"" + _fill("${:-") + "\"\n"},
     ["--config", "openmetadata.yaml"]),
    ("om yaml: 2 MiB of ${CI_DEPLOY_TOKEN}", {"openmetadata.yaml": BASE_OM + "  x: \"" + _fill("${CI_DEPLOY_TOKEN}")
                                               + "\"\n"}, ["--config", "openmetadata.yaml"]),
    ("compose: 2 MiB of unclosed ${A:-", {"openmetadata.yaml": BASE_OM, "docker-compose.yml":
                                          "services:\n  openmetadata-server:\n    image: openmetadata/server:1.5\n"
                                          "    environment:\n      CB: \"" + _fill("${A:-") + "\"\n"},
     ["--config", "openmetadata.yaml", "--compose-file", "docker-compose.yml"]),
    ("env file: 2 MiB of spaces", {"openmetadata.yaml": BASE_OM, "x.env": "CB=" + _fill(" ") + "x\n"},
     ["--config", "openmetadata.yaml", "--env-file", "x.env"]),
    ("env file: 2 MiB of CB=${CB}${CB}", {"openmetadata.yaml": BASE_OM, "x.env": "CB=" + _fill("${CB}") + "\n"},
     ["--config", "openmetadata.yaml", "--env-file", "x.env"]),
    ("env file: 40,000 lines of A{i}=$B", {"openmetadata.yaml": BASE_OM, "x.env": "".join(
        f"A{i}=$B\n" for i in range(40_000))}, ["--config", "openmetadata.yaml", "--env-file", "x.env"]),
    ("Helm values: 2 MiB of extraEnvs", {"values.yaml": "openmetadata:\n  config:\n    authentication:\n"
                                         "      callbackUrl: ${CI_DEPLOY_TOKEN}\nextraEnvs:\n"
                                         + _fill("- name: X\n  value: ${CI_DEPLOY_TOKEN}\n")},
     ["--helm-values", "values.yaml"]),
    ("YAML: 2 MiB of aliases", {"values.yaml": "a: &a [" + ",".join(["x"] * 64) + "]\nb: &b ["
                                + _fill("*a,", MIB2 - 8192) + "*a]\n"}, ["--helm-values", "values.yaml"]),
    ("CloudFormation: 1,000 clients", {"t.json": _cfn(1000)}, ["--cloudformation", "t.json"]),
    ("CloudFormation: 2,001 Cognito resources", {"t.json": _cfn(2000)}, ["--cloudformation", "t.json"]),
    ("Terraform plan: 1,000 clients", {"plan.json": _plan(1000)}, ["--terraform-plan", "plan.json"]),
    ("--dir: every case above in one tree", {}, ["--dir", "."]),
]


def file_cases(case: Callable[..., None]) -> None:
    """The 2 MiB file cases: each scanned as a gate would (every format, a CI secret in the environment)."""
    every: dict[str, str] = {}
    for index, (name, files, _) in enumerate(FILE_CASES[:-1]):
        every.update({f"case{index}/{path}": text for path, text in files.items() if not path.endswith(".json")
                      or "2,001" not in name})
    for name, files, options in FILE_CASES:
        chosen = files or every

        def setup(cwd: Path, chosen: dict[str, str] = chosen) -> None:
            for path, text in chosen.items():
                (cwd / path).parent.mkdir(parents=True, exist_ok=True)
                (cwd / path).write_text(text)
        case(name, ["scan", *options, "--format", "json", "--format", "sarif", "--format", "html", "--output-dir",
                    "out"], setup=setup)


def main() -> None:
    rows: list[tuple[str, int, float, float, bool, int]] = []
    only_files = "--files" in sys.argv[1:]

    def case(name: str, args: list[str], env: dict[str, str] | None = None,
             setup: Callable[[Path], None] | None = None) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            cwd = Path(tmp)
            if setup:
                setup(cwd)
            code, wall, rss, text = run(args, cwd, env)
            rows.append((name, code, wall, rss, "Traceback" in text, leaks(text)))

    file_cases(case)
    if only_files:
        _print(rows)
        return
    with HostileServer() as hostile:
        case("hostile lab, --active, json", ["scan", "--om-url", hostile.url, "--active", "--format", "json",
                                             "--output-dir", "out"])
    with RawServer({}, default=header_drip) as drip:
        case("OpenMetadata header drip", ["scan", "--om-url", drip.url])
        with LabServer(SCENARIOS["insecure-defaults"]) as lab:
            def fleet(cwd: Path) -> None:
                (cwd / "fleet.toml").write_text(f'[[target]]\nname = "drip"\nom_url = "{drip.url}"\n\n'
                                                f'[[target]]\nname = "lab"\nom_url = "{lab.url}"\n')
            case("2-target fleet, one dripping", ["scan", "--inventory", "fleet.toml", "--format", "json"],
                 setup=fleet)
    for name, behaviour in (("Cognito 300 MB body", _stream_300mb), ("Cognito 1 byte / 5 s", _drip_5s),
                            ("Cognito [1,2] error body", raw_body(400, b"[1,2]"))):
        with RawServer({"/": behaviour}) as endpoint:
            case(name, ["scan", "--cognito-pool-id", "us-east-1_Abc123", "--aws-endpoint-url", endpoint.url,
                        "--format", "json"])

    def token_files(cwd: Path) -> None:
        os.mkfifo(cwd / "fifo")
        with (cwd / "huge").open("wb") as handle:
            handle.truncate(1024 ** 3)
    for name, path in (("token file: FIFO", "fifo"), ("token file: /dev/zero", "/dev/zero"),
                       ("token file: 1 GB", "huge")):
        case(name, ["scan", "--om-url", "http://127.0.0.1:9", "--om-token-file", path], setup=token_files)

    def deep(cwd: Path) -> None:
        (cwd / "deep.json").write_bytes(b"[" * 200_000)
    case("audit: 200,000-deep JSON", ["audit", "deep.json"], setup=deep)
    case("--om-url with user:password", ["scan", "--om-url", f"http://svc:{TOKEN}@127.0.0.1:9"])

    with LabServer(SCENARIOS["legacy-1.2"]) as lab, tempfile.TemporaryDirectory() as state:
        port = lab.url.rsplit(":", 1)[1]
        for i, url in enumerate((lab.url, lab.url, f"http://localhost:{port}", f"HTTP://127.1:{port}")):
            case(f"legacy-1.2 --active scan {i + 1} (own output dir)",
                 ["scan", "--om-url", url, "--active", "--format", "json", "--output-dir", f"out{i}"],
                 env={"OMAUDIT_STATE_DIR": state})
        failures = lab.failed_logins("admin@open-metadata.org")

    _print(rows)
    print(f"legacy-1.2 failed logins after the four scans: {failures} (locks at 3)")


def _print(rows: list[tuple[str, int, float, float, bool, int]]) -> None:
    print(f"{'case':42} {'exit':>4} {'wall s':>7} {'RSS MiB':>8} {'traceback':>9} {'leaked':>6}")
    for name, code, wall, rss, trace, leaked in rows:
        print(f"{name:42} {code:>4} {wall:>7.1f} {rss:>8.0f} {'yes' if trace else 'no':>9} {leaked:>6}")


if __name__ == "__main__":
    main()
