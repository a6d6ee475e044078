"""Trees a hostile pull request's author wrote against the Kubernetes, kustomize, Argo CD and Helm
readers (tests/data/attacks/k8s, from a red-team run: each pairs a weak OpenMetadata deployment with
ways to hide it, usually beside a strong decoy). None may leave the gate green: the weak deployment is
judged (exit 1), refused (exit 2, one line), or left unknown (exit 3); no traceback, no secret shown.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, run_cli_in_process

ATTACKS = DATA / "attacks" / "k8s"

CASES = {
    "n1": (1, "two Deployments named openmetadata in two files: each its own target"),
    "n2": (1, "a kustomization that renders no server beside the real manifests"),
    "n2b": (1, "the same with a strong values.yaml: the manifests are a deployment of their own"),
    "n3": (1, "a generator-only kustomization before the real overlay"),
    "n4": (1, "the real manifest read by a decoy overlay as a generator env file"),
    "n4b": (1, "the real manifest read by a decoy kustomization as a patch"),
    "n5": (3, "`migrate && exec start`: a shell command line on the server, which omaudit does not render"),
    "n6": (1, "the server as a native sidecar init container"),
    "n7": (1, "a JSON manifest"),
    "n8a": (2, "a config mount at /opt/openmetadata/./conf/openmetadata.yaml"),
    "n8b": (2, "the server started with another configuration file"),
    "n9": (2, "JAVA_TOOL_OPTIONS with -Ddw. overrides"),
    "n10": (1, "$(1MODE): a relaxed variable name"),
    "n11": (1, "an ApplicationSet of the chart: each Application it generates is judged"),
    "n12": (2, "a Flux HelmRelease of the chart"),
    "n13": (1, "a kustomize overlay in a folder with a space in its name"),
    "n14": (1, "kustomize images: on a CronJob"),
    "n14b": (1, "kustomize images: on a Pod"),
    "n15": (1, "a Deployment whose annotation looks like a CloudFormation resource: judged as the Deployment it is"),
    "n16": (3, "an Application whose valueFiles are the chart's own, beside a decoy values file"),
    "n17": (2, "a kustomization with only helmCharts of openmetadata"),
    "h1": (1, "a comma in a helm_release set value starts another assignment"),
    "h2": (1, "an Argo CD parameter name that carries another assignment"),
    "d2": (2, "chained $(VAR) expansion past 2 MiB"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_attack_tree_leaves_the_gate_green(case: str, tmp_path: Path) -> None:
    tree = tmp_path / case
    shutil.copytree(ATTACKS / case, tree)
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "json", "-o", str(tmp_path / "out"), cwd=tmp_path)
    expected, why = CASES[case]
    assert result.code == expected, f"{why}: {result.stderr[-600:]}"
    assert "Traceback" not in result.stderr
    if expected == 2:
        assert result.stderr.count("omaudit: error:") == 1 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", ["l1", "l2"])
def test_secret_values_from_an_attack_tree_appear_in_no_output(case: str, tmp_path: Path) -> None:
    """Secret values joined by $(VAR), and a Secret's list written with YAML escapes (`"Kx\\x39Cnry"`,
    printed as YAML decodes it), never reach a report."""
    tree = tmp_path / case
    shutil.copytree(ATTACKS / case, tree)
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "table,json,sarif,junit,markdown,html,csv",
                                "-o", str(out), cwd=tmp_path)
    assert result.code in (0, 1) and "Traceback" not in result.stderr
    written = [p.read_text() for p in out.iterdir()] + [result.stdout, result.stderr]
    for canary in ("Kx9Cnry", "kidCanary7Q", "issCanaryZ4"):
        assert all(canary not in text for text in written), canary


_SERVER = """apiVersion: apps/v1
kind: Deployment
metadata: {name: openmetadata}
spec:
  template:
    spec:
      containers:
        - name: server
          image: docker.getcollate.io/openmetadata/server:1.12.1
          envFrom:
%s
"""


def _secret(name: str, size: int) -> str:
    blob = "".join(f"{name}-{i:07d}" for i in range(size // 10 + 1))[:size]  # distinct: each one is masked
    return f"apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}}}\nstringData:\n  BLOB: {blob}\n"


@pytest.mark.parametrize(("count", "size", "expected"), [
    (1, 70_000, "Secret s0 stringData BLOB is larger than 64 KiB (line 5)"),
    (5, 60_000, "s4.yaml:5: Secret s4 stringData BLOB: the secrets read exceed 256 KiB in all"),
])
def test_huge_secret_values_are_refused_not_masked(count: int, size: int, expected: str, tmp_path: Path) -> None:
    """Four 2 MB `stringData` values took 2.5 GB and 87 s to register for masking (a red team's D2): a
    value over 64 KiB is refused as a `data` one is, and so are secrets over 256 KiB in all."""
    tree = tmp_path / "tree"
    tree.mkdir()
    refs = "\n".join(f"            - secretRef: {{name: s{i}}}" for i in range(count))
    (tree / "deploy.yaml").write_text(_SERVER % refs)
    for i in range(count):
        (tree / f"s{i}.yaml").write_text(_secret(f"s{i}", size))
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "json", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.code == 2 and expected in result.stderr, result.stderr[-600:]
    assert result.stderr.count("omaudit: error:") == 1 and not (tmp_path / "out").exists()


def test_thousands_of_overlays_are_refused_before_rendering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """6,000 overlays of one base ran past 300 s, one target each (a red team's D5): past 200
    deployments a scan is refused, naming the way out (the limit lowered to 5 here, to keep the test fast)."""
    import auditor.plan

    assert auditor.plan.MAX_OVERLAYS == 200
    monkeypatch.setattr(auditor.plan, "MAX_OVERLAYS", 5)
    tree = tmp_path / "tree"
    (tree / "base").mkdir(parents=True)
    (tree / "base" / "deploy.yaml").write_text(_SERVER % "            - configMapRef: {name: settings}")
    (tree / "base" / "settings.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"
                                                 "data: {AUTHENTICATION_PROVIDER: basic}\n")
    (tree / "base" / "kustomization.yaml").write_text("resources: [deploy.yaml, settings.yaml]\n")
    for i in range(6):
        (tree / f"o{i}").mkdir()
        (tree / f"o{i}" / "kustomization.yaml").write_text(f"resources: [../base]\nnamespace: ns{i}\n")
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "json", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.code == 2, result.stderr[-600:]
    assert "6 kustomize overlays: more than 5 deployments in one scan" in result.stderr
    (tree / "o5" / "kustomization.yaml").unlink()
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "json", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.stderr
