"""The wheel ships the catalogue as auditor/_catalogue and claims no top-level `rules` or `reports`."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT, run_cli


def test_wheel_layout_and_packaged_catalogue_loads(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("omaudit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/", 1)[0] for n in names}
    assert "rules" not in top_level and "reports" not in top_level and "tests" not in top_level
    assert "auditor/_catalogue/openmetadata/OMA104_default_jwt_signing_key.py" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = ("import auditor.engine.catalogue as c; p = c.builtin_rules_dir(); "
             "print(p.name, len(c.load_rules()))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(unpacked)}, timeout=60).stdout.split()
    assert out[0] == "_catalogue" and int(out[1]) >= 14


def test_demo_runs_the_main_job(tmp_path: Path) -> None:
    result = run_cli("demo", cwd=tmp_path)
    assert result.code == 0, result.stderr
    fails = {line.split()[2] for line in result.stdout.splitlines() if line.startswith("FAIL")}
    assert {"OMA101", "OMA103", "OMA104"} <= fails
    assert (tmp_path / "reports" / "latest" / "report.json").is_file()
