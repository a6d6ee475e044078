"""Problems that affect a whole scan are loud, and never green (issue 13, point 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from auditor.lab.server import LabServer
from tests.conftest import run_cli, run_cli_in_process
from tests.test_fleet import _inventory

Lab = Callable[[str], LabServer]


def test_a_rejected_admin_token_is_one_warning_and_never_green(lab_factory: Lab, tmp_path: Path) -> None:
    """JwtFilter answers 401 to a token it rejects: one warning line says so; the passive findings are
    still reported, and the rules that needed the token are ERROR, so the exit is 3 (or 1 with a FAIL)."""
    lab = lab_factory("hardened")
    result = run_cli("scan", "--om-url", lab.url, "--no-cognito", "--format", "json", "--output-dir",
                     str(tmp_path / "out"), env={"OMAUDIT_OM_TOKEN": "eyJhbGciOiJub25lIn0.e30.rejected-canary-token"})
    assert result.code == 3
    warnings = [line for line in result.stderr.splitlines() if line.startswith("omaudit: warning:")]
    assert len(warnings) == 1 and "OpenMetadata rejected the admin token" in warnings[0]
    assert "HTTP 401" in warnings[0] and "rejected-canary-token" not in result.stderr + result.stdout
    assert {f["status"] for f in result.json()["findings"] if f["rule_id"] == "OMA113"} == {"ERROR"}
    failing = lab_factory("insecure-defaults")
    gated = run_cli("scan", "--om-url", failing.url, "--format", "json", "--output-dir", str(tmp_path / "o2"),
                    env={"OMAUDIT_OM_TOKEN": "x" * 40})
    assert gated.code == 1 and "rejected the admin token" in gated.stderr


def test_a_rejected_token_in_a_fleet_is_a_warning_and_error_rows(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    inventory = _inventory(tmp_path / "fleet.toml", [{"name": "good", "om_url": lab.url, "token_env": "GOOD"},
                                                     {"name": "bad", "om_url": lab.url, "token_env": "BAD"}])
    result = run_cli("scan", "--inventory", str(inventory), "--no-cognito", "--format", "json", "--output-dir",
                     str(tmp_path / "out"), env={"GOOD": lab.admin_token, "BAD": "x" * 40})
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and warnings[0].startswith("omaudit: warning: bad: OpenMetadata rejected")
    bad = {f["status"] for f in result.json()["findings"] if f["target"] == "bad" and f["rule_id"] == "OMA113"}
    assert bad == {"ERROR"} and result.code == 3


def test_a_selection_that_matches_nothing_is_exit_2(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    inventory = _inventory(tmp_path / "fleet.toml", [{"name": "prod-eu", "om_url": lab.url, "tags": ["prod"]}])
    for selection in (["--tag", "prdo"], ["--targets", "prod-us*"]):
        result = run_cli_in_process("scan", "--inventory", str(inventory), *selection,
                                    "--output-dir", str(tmp_path / "o"))
        assert result.code == 2 and "matches" in result.stderr, selection
    # An empty shard of a real selection is fine: hashing may leave a shard without targets.
    from auditor.plan.inventory import shard_of

    empty = next(k for k in range(8) if shard_of("prod-eu", 8) != k)
    result = run_cli_in_process("scan", "--inventory", str(inventory), "--tag", "prod", "--shard", f"{empty}/8",
                                "--no-cognito", "--format", "json", "--output-dir", str(tmp_path / "s"))
    assert result.code == 0 and result.json()["targets"] == [] and "holds no target" in result.stderr


def test_merge_refuses_an_incomplete_set_of_shards(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("hardened")
    inventory = _inventory(tmp_path / "fleet.toml", [{"name": f"t{i}", "om_url": lab.url} for i in range(8)])
    paths = []
    for k in range(4):
        out = tmp_path / f"shard-{k}"
        run_cli("scan", "--inventory", str(inventory), "--shard", f"{k}/4", "--no-cognito", "--format", "json",
                "--output-dir", str(out))
        paths.append(out / "report.json")
        assert json.loads(paths[-1].read_text())["shard"] == {"index": k, "count": 4}
    partial = run_cli("merge", str(paths[1]), str(paths[3]), "--format", "json", "--output-dir", str(tmp_path / "m1"))
    assert partial.code == 2 and "0/4, 2/4 are missing" in partial.stderr and not (tmp_path / "m1").exists()
    allowed = run_cli("merge", str(paths[1]), str(paths[3]), "--allow-partial", "--format", "json",
                      "--output-dir", str(tmp_path / "m2"))
    assert allowed.code in (0, 1, 3) and "warning: shard(s) 0/4, 2/4 are missing" in allowed.stderr
    twice = run_cli("merge", str(paths[1]), str(paths[1]), "--format", "json", "--output-dir", str(tmp_path / "m3"))
    assert twice.code == 2 and "shard 1 appears in two reports" in twice.stderr
    whole = run_cli("merge", *map(str, paths), "--format", "json", "--output-dir", str(tmp_path / "m4"))
    assert whole.code in (0, 1, 3) and "warning" not in whole.stderr
    assert {t["name"] for t in whole.json()["targets"]} == {f"t{i}" for i in range(8)}
    # what changed since last week: the merged report against the previous merged report
    again = run_cli("merge", *map(str, paths), "--baseline", str(tmp_path / "m4" / "report.json"), "--fail-on-new",
                    "--format", "json", "--output-dir", str(tmp_path / "m5"))
    assert again.code in (0, 3) and {f["baseline"] for f in again.json()["findings"]} == {"existing"}


def test_a_suppression_for_an_unknown_rule_is_a_warning(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    suppressions = tmp_path / "s.toml"
    suppressions.write_text("[[suppression]]\nrule = \"OMA999\"\nreason = \"typo of OMA109\"\nexpires = 2099-01-01\n")
    result = run_cli("scan", "--om-url", lab.url, "--suppressions", str(suppressions), "--format", "json",
                     "--output-dir", str(tmp_path / "out"))
    assert "warning: a suppression names rule OMA999" in result.stderr
    assert result.code == 1


def test_merge_refuses_boolean_shard_marks(tmp_path: Path) -> None:
    """JSON true/false are not shard numbers (found by an attack on this change)."""
    from tests.conftest import DATA

    base = json.loads((DATA / "golden" / "hardened" / "report.json").read_text())
    path = tmp_path / "forged.json"
    path.write_text(json.dumps({**base, "shard": {"index": False, "count": True}}))
    result = run_cli_in_process("merge", str(path), "--output-dir", str(tmp_path / "m"))
    assert result.code == 2 and "malformed" in result.stderr


def test_every_spelling_of_this_machine_is_one_server_for_the_ledger() -> None:
    """127.0.0.1, 127.0.0.2, 0.0.0.0, [::1] and [::] reach the same local listener (found by an attack)."""
    from auditor.scan.lockout import Origin

    first = Origin.of("http://127.0.0.1:8585")
    record = {"host": first.host, "port": first.port, "addresses": list(first.addresses)}
    for url in ("http://127.0.0.2:8585", "http://0.0.0.0:8585", "http://[::1]:8585", "http://[::]:8585",
                "http://localhost:8585"):
        assert Origin.of(url).same_server(record), url
    assert not Origin.of("http://127.0.0.1:8586").same_server(record)
