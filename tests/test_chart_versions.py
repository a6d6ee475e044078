"""Issue 22, "the chart version": the chart's defaults are those of the release the repository pins (a
Chart.yaml beside the values, a helm_release's `version`, an Argo CD Application's `targetRevision`),
else the newest embedded, and every report says which. The embedded defaults are the chart's own
values.yaml at each release tag (auditor/sources/files/defaults/chart-defaults.json, made by
tests/data/make_chart_defaults.py); the expectations below were read from those tags' values.yaml
before running: chart 0.0.52 passes the Fernet key by `secretRef: fernet` and every later chart ships
`fernetkey.value` with the public key; charts 0.0.39 to 0.0.53 point `publicKeys` at
`/api/v1/config/jwks`, 1.0.0 and later at `/api/v1/system/config/jwks`.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from auditor.sources.files.helm_values import chart_for
from tests.conftest import ROOT, run_cli_in_process


@pytest.mark.parametrize(("pinned", "release", "said"), [
    (None, "1.13.1", "no chart version pinned"),
    ("1.6.13", "1.6.13", "chart openmetadata-1.6.13 pinned"),
    ("v1.2.8", "1.2.8", "chart openmetadata-1.2.8 pinned"),
    ("~1.4.0", "1.4.8", "the newest release it allows"),  # Masterminds semver: ~1.4.0 is >=1.4.0 <1.5.0
    ("1.12.x", "1.12.12", "the newest release it allows"),
    ("^1.2.0", "1.13.1", "the newest release it allows"),
    (">=1.5.0 <1.6.0", "1.5.13", "the newest release it allows"),
    ("1.4.99", "1.4.8", "the nearest release before it"),
    ("~0.14.0", "1.13.1", "which no embedded release satisfies"),
    ("*", "1.13.1", "the newest release it allows"),
    ("0.0.52 - 1.13.1", "1.13.1", "the newest release it allows"),  # a hyphen range (found by an attack)
    ("0.0.52 || >=1.0.0", "1.13.1", "the newest release it allows"),  # alternatives (found by an attack)
    (">= 1.2, < 1.3", "1.2.8", "the newest release it allows"),
    ("1" + "9" * 5000, "1.13.1", "is not one omaudit reads"),  # past int()'s digit limit: no crash
    ("not-a-version", "1.13.1", "is not one omaudit reads"),
])
def test_a_pinned_chart_version_selects_the_release_helm_would_install(pinned: object, release: str,
                                                                      said: str) -> None:
    chart = chart_for(pinned)
    assert chart.release == release
    assert said in chart.why


def test_a_hostile_version_text_is_quoted_not_echoed() -> None:
    chart = chart_for("1.4.0\x1b[2J\x07")
    assert "\x1b" not in chart.why and "'1.4.0\\x1b[2J\\x07'" in chart.why


def _scan(tmp_path: Path, values: str, chart: str | None) -> dict[str, Any]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "values.yaml").write_text(values)
    if chart is not None:
        (tree / "Chart.yaml").write_text(chart)
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--helm-values", str(tree / "values.yaml"), "--format", "json",
                                "--output-dir", str(out), cwd=ROOT)
    assert result.code in (0, 1), result.stderr
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


def _finding(report: dict[str, Any], rule: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [f for f in report["findings"] if f["rule_id"] == rule]
    assert len(found) == 1
    return found[0]


UMBRELLA = """apiVersion: v2
name: our-catalogue
version: 0.3.0
dependencies:
  - name: openmetadata
    version: "{version}"
    repository: https://helm.open-metadata.org/
{alias}"""


@pytest.mark.parametrize(("version", "status", "state"), [
    ("0.0.52", "PASS", "reference"),  # fernetkey: {secretRef: fernet, secretKey: fernetKey}
    ("1.13.1", "FAIL", "shipped"),     # fernetkey.value: the public key
])
def test_an_umbrella_chart_s_pin_decides_the_defaults_its_values_leave_out(version: str, status: str, state: str,
                                                                          tmp_path: Path) -> None:
    values = ("openmetadata:\n  global:\n    authentication:\n      provider: google\n" if version.startswith("0.")
              else "openmetadata:\n  openmetadata:\n    config:\n      authentication:\n        provider: google\n")
    report = _scan(tmp_path, values, UMBRELLA.format(version=version, alias=""))
    fernet = _finding(report, "OMA501")
    assert (fernet["status"], fernet["evidence"]["given_as"]) == (status, state)
    assert f"the chart's default (openmetadata-{version})" in fernet["evidence"]["origin"]
    assert f"values.yaml: chart openmetadata-{version} pinned" in " ".join(report["notes"])


def test_an_umbrella_chart_s_alias_holds_the_subchart_s_values(tmp_path: Path) -> None:
    values = ("catalogue:\n  openmetadata:\n    config:\n      authentication:\n        provider: google\n"
              "      fernetkey:\n        value: ''\n        secretRef: om-fernet\n        secretKey: key\n")
    report = _scan(tmp_path, values, UMBRELLA.format(version="~1.6.0", alias="    alias: catalogue\n"))
    fernet = _finding(report, "OMA501")
    assert (fernet["status"], fernet["location"]["line"]) == ("PASS", 6)  # the alias's fernetkey block, as unaliased
    assert "the defaults of openmetadata-1.6.13" in " ".join(report["notes"])


def test_values_without_a_chart_are_judged_with_the_newest_embedded_and_say_so(tmp_path: Path) -> None:
    report = _scan(tmp_path, "openmetadata:\n  config:\n    authentication:\n      provider: google\n", None)
    assert _finding(report, "OMA501")["status"] == "FAIL"
    assert "no chart version pinned: the defaults of chart openmetadata-1.13.1" in " ".join(report["notes"])


def _scan_code(tmp_path: Path, values: str, chart: str, name: str = "Chart.yaml") -> tuple[int, str]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "values.yaml").write_text(values)
    (tree / name).write_text(chart)
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--helm-values", str(tree / "values.yaml"), "--format", "json",
                                "--output-dir", str(out), cwd=ROOT)
    return result.code, result.stderr


TWO = """apiVersion: v2
name: our-catalogue
version: 0.3.0
dependencies:
  - name: openmetadata
    alias: reviewed
    version: "1.13.1"
    condition: reviewed.enabled
  - name: openmetadata
    alias: deployed
    version: "1.13.1"
"""


def test_two_dependencies_on_the_chart_are_refused_not_one_judged(tmp_path: Path) -> None:
    """An attack: a hardened decoy (switched off by `condition:`) first, the deployed release second."""
    values = ("reviewed:\n  enabled: false\n  openmetadata:\n    config:\n      fernetkey:\n        secretRef: s\n"
              "        secretKey: k\n")
    code, stderr = _scan_code(tmp_path, values, TWO)
    assert code == 2 and "depends on the openmetadata chart 2 times" in stderr and "Traceback" not in stderr


def test_a_chart_yml_is_not_read_as_helm_does_not_read_it(tmp_path: Path) -> None:
    """An attack: a decoy Chart.yml pinning 0.0.52 (whose default passes the Fernet key by secretRef)."""
    code, _ = _scan_code(tmp_path, "openmetadata:\n  config:\n    authentication:\n      provider: google\n",
                         UMBRELLA.format(version="0.0.52", alias=""), name="Chart.yml")
    assert code == 1  # judged with the newest chart's defaults: the shipped key FAILs


@pytest.mark.parametrize("dependencies", ["5", "true", "'x'"])
def test_dependencies_that_are_not_a_list_are_one_line_and_exit_2(dependencies: str, tmp_path: Path) -> None:
    code, stderr = _scan_code(tmp_path, "openmetadata:\n  config: {}\n",
                              f"apiVersion: v2\nname: x\nversion: 0.1.0\ndependencies: {dependencies}\n")
    assert code == 2 and "dependencies is not a list" in stderr and "Traceback" not in stderr


def test_what_follows_a_wildcard_is_ignored_as_masterminds_ignores_it() -> None:
    """An attack: `0.0.52 || 1.x.99` read 99 as a minor version, so only 0.0.52 matched."""
    assert chart_for("0.0.52 || 1.x.99").release == "1.13.1"


def _archive(path: Path, version: str, name: str = "openmetadata") -> None:
    """A chart archive as `helm package` makes it: <name>/Chart.yaml first."""
    meta = f"apiVersion: v2\nname: {name}\nversion: {version}\n".encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(f"{name}/Chart.yaml")
        info.size = len(meta)
        archive.addfile(info, io.BytesIO(meta))


def _umbrella(tmp_path: Path, files: dict[str, str], archives: dict[str, str], version: str = "0.0.52",
              alias: str = "", extra_values: str = "") -> tuple[int, dict[str, Any], str]:
    tree = tmp_path / "tree"
    (tree / "charts").mkdir(parents=True)
    for name, text in files.items():
        (tree / name).write_text(text)
    for name, inside in archives.items():
        _archive(tree / "charts" / name, inside)
    (tree / "values.yaml").write_text("openmetadata:\n  global:\n    authentication:\n      provider: google\n"
                                      "  openmetadata:\n    config:\n      authentication:\n        provider: google\n"
                                      + extra_values)
    (tree / "Chart.yaml").write_text(UMBRELLA.format(version=version, alias=alias))
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--helm-values", str(tree / "values.yaml"), "--format", "json",
                                "--output-dir", str(out), cwd=ROOT)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return result.code, report, result.stderr


@pytest.mark.parametrize(("files", "archives", "expected"), [
    # A vendored chart is what `helm install` installs, whatever the range says, by the version inside it
    # (attacks: a pin of 0.0.52 beside a vendored 1.13.1; an archive named 0.0.52 holding 1.13.1; one
    # named om.tgz; padding entries Helm skips).
    ({}, {"openmetadata-1.13.1.tgz": "1.13.1"}, "FAIL"),
    ({}, {"openmetadata-0.0.52.tgz": "1.13.1"}, "FAIL"),
    ({}, {"om.tgz": "1.13.1"}, "FAIL"),
    ({"charts/_pad": "x", "charts/.keep": ""}, {"z.tgz": "1.13.1"}, "FAIL"),
    # Chart.lock is what `helm dependency build` fetches.
    ({"Chart.lock": "dependencies:\n- name: openmetadata\n  repository: https://helm.open-metadata.org/\n"
                    "  version: 0.0.52\n"}, {}, "PASS"),
    ({}, {}, "PASS"),  # the pin alone: 0.0.52 passes the key by secretRef
])
def test_a_vendored_or_locked_chart_decides_the_release(files: dict[str, str], archives: dict[str, str],
                                                        expected: str, tmp_path: Path) -> None:
    code, report, stderr = _umbrella(tmp_path, files, archives)
    assert code == 1, stderr  # other defaults of both releases FAIL (admin, key files, sign-up)
    assert _finding(report, "OMA501")["status"] == expected


@pytest.mark.parametrize(("files", "archives", "says"), [
    ({"Chart.lock": "dependencies:\n- name: openmetadata\n  version: 0.0.52\n"}, {"o.tgz": "1.13.1"},
     "make them agree"),
    ({"Chart.lock": "dependencies:\n- name: openmetadata\n  version: 1.13.1\n"}, {},
     "outside the range"),
    ({}, {"a.tgz": "1.13.1", "b.tgz": "1.12.1"}, "holds the openmetadata chart 2 times"),
])
def test_charts_the_pipeline_would_disagree_on_are_refused(files: dict[str, str], archives: dict[str, str],
                                                           says: str, tmp_path: Path) -> None:
    code, _, stderr = _umbrella(tmp_path, files, archives)
    assert code == 2 and says in stderr and "Traceback" not in stderr


def test_an_alias_applies_only_to_a_vendored_chart_the_range_allows(tmp_path: Path) -> None:
    """An attack: hardened values under the alias, the defaults under the chart's own name; the vendored
    1.13.1 is outside `~0.0.52`, so Helm installs it under its own name with the defaults."""
    hardened = "hardened:\n  openmetadata:\n    config:\n      fernetkey:\n        secretRef: s\n        secretKey: k\n"
    code, report, stderr = _umbrella(tmp_path, {}, {"o.tgz": "1.13.1"}, version="~0.0.52",
                                     alias="    alias: hardened\n", extra_values=hardened)
    assert code == 1, stderr
    assert _finding(report, "OMA501")["status"] == "FAIL"
    # In range, the alias applies: the hardened values are the release's.
    code, report, stderr = _umbrella(tmp_path / "in", {}, {"o.tgz": "1.13.1"}, version="~1.13.0",
                                     alias="    alias: hardened\n", extra_values=hardened)
    assert code == 1, stderr
    assert _finding(report, "OMA501")["status"] == "PASS"
