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
    "n5": (1, "`migrate && exec start`: the server, not a migration"),
    "n6": (1, "the server as a native sidecar init container"),
    "n7": (1, "a JSON manifest"),
    "n8a": (2, "a config mount at /opt/openmetadata/./conf/openmetadata.yaml"),
    "n8b": (2, "the server started with another configuration file"),
    "n9": (2, "JAVA_TOOL_OPTIONS with -Ddw. overrides"),
    "n10": (1, "$(1MODE): a relaxed variable name"),
    "n11": (2, "an ApplicationSet of the chart"),
    "n12": (2, "a Flux HelmRelease of the chart"),
    "n13": (1, "a kustomize overlay in a folder with a space in its name"),
    "n14": (1, "kustomize images: on a CronJob"),
    "n14b": (1, "kustomize images: on a Pod"),
    "n15": (2, "a Deployment whose annotation looks like CloudFormation: read as a template, refused"),
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
