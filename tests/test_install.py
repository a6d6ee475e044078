"""The install path outside the repo: the built wheel in a fresh venv, with and without the `lab`
extra, installed the way the Dockerfile installs it (issue 13, point 1)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from auditor import __version__
from auditor.lab.scenarios import SCENARIOS
from auditor.lab.server import LabServer
from tests.conftest import ROOT

IMAGE_INSTALL_DIR = "/tmp/install"  # noqa: S108 - a path inside the image, from the Dockerfile


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], check=True,
                   capture_output=True, timeout=600)
    [built] = out.glob(f"omaudit-{__version__}-py3-none-any.whl")
    return built


def dockerfile_pip_args() -> list[str]:
    """The arguments of the Dockerfile's `pip install`, with its paths as they are in the image."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    version = re.search(r"^ARG VERSION=(\S+)$", text, re.M)
    assert version is not None and version.group(1) == __version__, "the Dockerfile's VERSION is not the package's"
    run = re.search(r"^RUN pip install (.+?) &&", text, re.M)
    assert run is not None
    return shlex.split(run.group(1).replace("${VERSION}", version.group(1)))


def fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(path)
    return path / "bin"


def test_the_dockerfile_install_line_gives_a_working_omaudit(wheel: Path, tmp_path: Path) -> None:
    args = dockerfile_pip_args()
    image = IMAGE_INSTALL_DIR
    assert "-c" in args and args[args.index("-c") + 1] == f"{image}/constraints.txt"
    local = {f"{image}/constraints.txt": str(ROOT / "constraints.txt"), f"{image}/{wheel.name}": str(wheel)}
    # The image's --no-cache-dir is left out here only so that repeated test runs reuse pip's cache.
    args = [local.get(a, a) for a in args if a != "--no-cache-dir"]
    assert str(wheel) in args, "the Dockerfile installs another file than the built wheel"
    bin_dir = fresh_venv(tmp_path / "venv")
    subprocess.run([str(bin_dir / "pip"), "install", "--quiet", *args], check=True, capture_output=True, timeout=900)
    omaudit = str(bin_dir / "omaudit")
    version = subprocess.run([omaudit, "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and __version__ in version.stdout
    listed = subprocess.run([omaudit, "rules", "list"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "OMA104" in listed.stdout and "OMA310" in listed.stdout
    lab = LabServer(SCENARIOS["insecure-defaults"]).start()  # OpenMetadata only: no moto needed
    try:
        scan = subprocess.run([omaudit, "scan", "--om-url", lab.url, "--format", "json", "--output-dir",
                               str(tmp_path / "out")], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    finally:
        lab.stop()
    assert scan.returncode == 1 and '"OMA104"' in (tmp_path / "out" / "report.json").read_text(), scan.stderr
    without_lab = subprocess.run([omaudit, "lab", "serve", "--scenario", "sso-leftovers"], capture_output=True,
                                 text=True, timeout=60)
    assert without_lab.returncode == 2 and "omaudit[lab]" in without_lab.stderr
    assert "Traceback" not in without_lab.stderr


def test_the_wheel_with_the_lab_extra_runs_the_demo(wheel: Path, tmp_path: Path) -> None:
    bin_dir = fresh_venv(tmp_path / "venv")
    subprocess.run([str(bin_dir / "pip"), "install", "--quiet", "-c", str(ROOT / "constraints.txt"),
                    f"{wheel}[lab]"], check=True, capture_output=True, timeout=900)
    omaudit = str(bin_dir / "omaudit")
    assert subprocess.run([omaudit, "--version"], capture_output=True, timeout=60).returncode == 0
    assert subprocess.run([omaudit, "rules", "list"], capture_output=True, timeout=60).returncode == 0
    demo = subprocess.run([omaudit, "demo"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "reports" / "latest" / "report.json").is_file()
