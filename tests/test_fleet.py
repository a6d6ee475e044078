"""Fleet scans: inventory, selection, concurrency, sharding and merge, progress, start-up cost."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.common.errors import InputError
from auditor.lab.server import LabServer
from auditor.plan.inventory import parse_inventory, select, shard_of
from tests.conftest import SCRATCH, run_cli, run_cli_in_process

Lab = Callable[[str], LabServer]


def _inventory(path: Path, entries: list[dict[str, Any]]) -> Path:
    lines = []
    for entry in entries:
        lines.append("[[target]]")
        for key, value in entry.items():
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    path.write_text("\n".join(lines))
    return path


def _comparable(report: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    return [(f["target"], f["rule_id"], f["resource"], f["status"], f["message"]) for f in report["findings"]]


@pytest.fixture
def fleet(lab_factory: Lab, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """24 targets over three lab scenarios (several names may point at one lab), tokens by reference."""
    labs = {name: lab_factory(name) for name in ("hardened", "seed-walkthrough", "legacy-1.2")}
    env = {f"TOKEN_{name.upper().replace('-', '_').replace('.', '_')}": lab.admin_token for name, lab in labs.items()}
    entries = []
    for i in range(24):
        scenario = list(labs)[i % 3]
        lab = labs[scenario]
        entry: dict[str, Any] = {"name": f"{scenario}-{i:02d}", "om_url": lab.url,
                                 "token_env": f"TOKEN_{scenario.upper().replace('-', '_').replace('.', '_')}",
                                 "tags": ["prod" if i % 2 else "dev", scenario]}
        if lab.aws_endpoint_url:
            entry["aws_endpoint_url"] = lab.aws_endpoint_url
        entries.append(entry)
    return _inventory(tmp_path / "fleet.toml", entries), env


def test_four_shards_merged_equal_one_unsharded_scan(fleet: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    inventory, env = fleet
    whole = run_cli("scan", "--inventory", str(inventory), "--format", "json", "--output-dir", str(tmp_path / "all"),
                    env=env)
    procs = [subprocess.Popen([sys.executable, "-m", "auditor", "scan", "--inventory", str(inventory), "--shard",
                               f"{k}/4", "--format", "json", "--output-dir", str(tmp_path / f"s{k}"), "--quiet"],
                              env={**os.environ, **env, "AWS_ACCESS_KEY_ID": "testing",
                                   "AWS_SECRET_ACCESS_KEY": "testing"},
                              cwd=SCRATCH, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for k in range(4)]
    assert [p.wait(timeout=300) for p in procs] == [1, 1, 1, 1]
    merged = run_cli("merge", *[str(tmp_path / f"s{k}" / "report.json") for k in range(4)], "--format", "json",
                     "--output-dir", str(tmp_path / "merged"))
    assert whole.code == merged.code == 1
    assert _comparable(merged.json()) == _comparable(whole.json())
    assert merged.json()["targets"] == whole.json()["targets"]
    assert merged.json()["summary"] == whole.json()["summary"]
    assert len(whole.json()["targets"]) == 24


def test_report_is_the_same_whatever_the_concurrency(fleet: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    inventory, env = fleet
    one = run_cli("scan", "--inventory", str(inventory), "--concurrency", "1", "--format", "json", "--output-dir",
                  str(tmp_path / "1"), env=env)
    many = run_cli("scan", "--inventory", str(inventory), "--concurrency", "16", "--format", "json",
                   "--output-dir", str(tmp_path / "16"), env=env)
    assert _comparable(one.json()) == _comparable(many.json())


def test_selection_by_glob_and_tag(fleet: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    inventory, env = fleet
    result = run_cli("scan", "--inventory", str(inventory), "--targets", "hardened-*", "--tag", "prod", "--format",
                     "json", "--output-dir", str(tmp_path), env=env)
    names = [t["name"] for t in result.json()["targets"]]
    assert names == ["hardened-03", "hardened-09", "hardened-15", "hardened-21"]
    assert result.code == 0


def test_one_unreachable_target_among_50_is_error_for_it_only(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    entries: list[dict[str, Any]] = [{"name": f"ok-{i:02d}", "om_url": lab.url, "token_env": "TOKEN",
                                      "aws_endpoint_url": str(lab.aws_endpoint_url)} for i in range(49)]
    entries.append({"name": "down", "om_url": "http://127.0.0.1:9"})
    inventory = _inventory(tmp_path / "fleet.toml", entries)
    result = run_cli("scan", "--inventory", str(inventory), "--format", "json", "--output-dir", str(tmp_path / "o"),
                     env={"TOKEN": lab.admin_token})
    report = result.json()
    assert result.code == 3
    errors = {f["target"] for f in report["findings"] if f["status"] == "ERROR"}
    assert errors == {"down"}
    assert all("cannot connect" in f["message"] or "cannot discover" in f["message"]
               for f in report["findings"] if f["target"] == "down" and f["status"] == "ERROR")
    assert report["summary"]["FAIL"] == 0 and len(report["targets"]) == 50


@pytest.mark.parametrize(("text", "phrase"), [
    ('[[target]]\nname = "a"\nom_url = "http://x"\ntoken = "eyJsecret"\n', "line 1: 'token' is not allowed"),
    ('[[target]]\nname = "a"\nom_url = "http://x"\n\n[[target]]\nname = "a"\nom_url = "http://y"\n',
     "line 5: target name 'a' is already used on line 1"),
    ('[[target]]\nname = "a"\n', "line 1: give om_url, cognito_pool_id, or both"),
    ('[[target]]\nname = "a"\nom_url = "http://x"\ncolour = "red"\n', "unknown key(s) colour"),
    ('[[target]]\nname = "a b"\nom_url = "http://x"\n', "'name' is required"),
    ('[[target]]\nname = "a"\nom_url = "http://x"\ntoken_env = "A"\ntoken_file = "/f"\n', "not both"),
    ('[[target]]\nname = "a"\nom_url = "http://x"\ntags = "prod"\n', "'tags' must be a list"),
    ("[target]\nname = 1\n", "line"),
    ("", "no [[target]] entries"),
])
def test_malformed_inventory_names_the_line_and_does_not_scan(text: str, phrase: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=phrase.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse_inventory(text, "fleet.toml")
    path = tmp_path / "fleet.toml"
    path.write_text(text)
    result = run_cli("scan", "--inventory", str(path), cwd=tmp_path)
    assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "eyJsecret" not in result.stderr and not (tmp_path / "reports").exists()


def test_bad_entry_values_are_named_by_line(tmp_path: Path) -> None:
    path = _inventory(tmp_path / "fleet.toml", [{"name": "a", "om_url": "http://x"},
                                                 {"name": "b", "om_url": "ftp://nope"}])
    result = run_cli_in_process("scan", "--inventory", str(path), cwd=tmp_path)
    assert result.code == 2 and "line 5 (target b)" in result.stderr
    missing = _inventory(tmp_path / "f2.toml", [{"name": "a", "om_url": "http://x", "token_env": "UNSET_VAR"}])
    assert "UNSET_VAR is not set" in run_cli_in_process("scan", "--inventory", str(missing), cwd=tmp_path).stderr


def test_shards_partition_the_inventory() -> None:
    targets = parse_inventory("".join(f'[[target]]\nname = "t{i}"\nom_url = "http://x"\n' for i in range(100)), "f")
    shards = [select(targets, shard=(k, 4)) for k in range(4)]
    names = [t.name for shard in shards for t in shard]
    assert sorted(names) == sorted(t.name for t in targets) and len(set(names)) == 100
    assert all(shards) and shard_of("t1", 4) == shard_of("t1", 4)


@pytest.mark.parametrize("args", [["--shard", "4/4"], ["--shard", "x"], ["--concurrency", "0"],
                                  ["--om-url", "http://x", "--tag", "prod"]])
def test_bad_fleet_options_are_exit_2(args: list[str], tmp_path: Path) -> None:
    path = _inventory(tmp_path / "fleet.toml", [{"name": "a", "om_url": "http://x"}])
    inv = [] if "--om-url" in args else ["--inventory", str(path)]
    result = run_cli_in_process("scan", *inv, *args, cwd=tmp_path)
    assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_progress_bar_only_on_a_terminal(fleet: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    inventory, env = fleet
    piped = run_cli("scan", "--inventory", str(inventory), "--targets", "hardened-0*", "--format", "json",
                    "--output-dir", str(tmp_path / "p"), env=env)
    assert "scanning" not in piped.stderr
    pid, fd = pty.fork()
    if pid == 0:  # the child: stderr is a terminal
        os.chdir(SCRATCH)
        os.environ.update({**env, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
        os.execv(sys.executable, [sys.executable, "-m", "auditor", "scan", "--inventory", str(inventory),
                                  "--targets", "hardened-0*", "--format", "json", "--output-dir", str(tmp_path / "t")])
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    assert b"scanning" in out


@pytest.mark.parametrize("args", [["--version"], ["rules", "list"]])
def test_startup_imports_neither_boto3_nor_the_lab(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "auditor", *args], capture_output=True,
                          text=True, check=False, cwd=SCRATCH)
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time")}
    assert "auditor.cli" in imported
    for heavy in ("boto3", "botocore", "moto", "auditor.lab", "auditor.lab.server", "requests", "cryptography"):
        assert heavy not in imported, heavy


@pytest.mark.parametrize("concurrency", ["1", "24"])  # threads only; forked workers
def test_ctrl_c_stops_a_fleet_scan_with_one_line_and_no_report(concurrency: str, moto_endpoint: str,
                                                               tmp_path: Path) -> None:
    import signal
    import time

    from auditor.lab.scenarios import SCENARIOS

    with LabServer(SCENARIOS["hardened"], aws_endpoint_url=moto_endpoint, latency=0.2) as lab:
        entries = [{"name": f"t{i:02d}", "om_url": lab.url, "aws_endpoint_url": str(lab.aws_endpoint_url)}
                   for i in range(60)]
        inventory = _inventory(tmp_path / "fleet.toml", entries)
        out = tmp_path / "out"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OMAUDIT_", "AWS_"))}
        env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
        scan = subprocess.Popen([sys.executable, "-m", "auditor", "scan", "--inventory", str(inventory), "--format",
                                 "json", "--output-dir", str(out), "--concurrency", concurrency],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=SCRATCH,
                                start_new_session=True)
        while not lab.requests:  # the scan is under way
            time.sleep(0.05)
        os.killpg(scan.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
        stdout, stderr = scan.communicate(timeout=60)
        started = sum(r.path == "/api/v1/system/version" for r in lab.requests)
    assert (scan.returncode, stdout, stderr) == (130, "", "omaudit: interrupted\n")
    assert started < 60  # the targets not yet started were dropped, not scanned first
    assert not out.exists()
    leftovers = subprocess.run(["pgrep", "-f", str(inventory)], capture_output=True, text=True, check=False)
    assert leftovers.stdout == ""
