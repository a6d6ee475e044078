"""Kubernetes manifests (issue 22): the OpenMetadata server container's environment, with the ConfigMaps
and Secrets it references in the same tree, judged as the image's own openmetadata.yaml resolved
against it (as a compose file's environment is).

Kubernetes' rules asserted (kubernetes.io/docs/tasks/inject-data-application/define-environment-
variable-container, .../configure-pod-container/configure-pod-configmap): envFrom sources, then env
over them; valueFrom secretKeyRef and configMapKeyRef by name; a Secret's data is base64.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import DATA, run_cli_in_process

K8S = DATA / "files" / "k8s"


def _scan(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "out"
    result = run_cli_in_process("scan", *args, "-f", "json", "-o", str(out), cwd=tmp_path)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return result.code, report, result.stderr


def _finding(report: dict[str, Any], rule: str) -> dict[str, Any]:
    [found] = [f for f in report["findings"] if f["rule_id"] == rule]
    return found


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "manifests"
    shutil.copytree(K8S, tree)
    return tree


def test_a_secret_in_the_tree_is_judged_by_its_value_at_its_line(tmp_path: Path) -> None:
    """FERNET_KEY comes from secretKeyRef om-secrets/fernet, whose base64 data is the shipped key: a
    FAIL at the Secret's line, as the issue asks (a secretRef no longer passes OMA501)."""
    tree = _tree(tmp_path)
    code, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert code == 1
    fernet = _finding(report, "OMA501")
    assert (fernet["status"], fernet["location"]) == ("FAIL", {"file": "config.yaml", "line": 16})
    admins = _finding(report, "OMA503")  # env value, at its env entry
    assert (admins["status"], admins["location"]) == ("FAIL", {"file": "deployment.yaml", "line": 21})
    assert _finding(report, "OMA103")["status"] == "PASS"  # provider aws-cognito from the ConfigMap (envFrom)
    assert _finding(report, "OMA108")["status"] == "PASS"  # self-signup "false" from the ConfigMap


def test_a_reference_that_does_not_resolve_is_unknown_not_unset(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    code, report, _ = _scan(tmp_path, "--k8s", str(tree / "deployment.yaml"))  # without the ConfigMap and Secret
    fernet = _finding(report, "OMA501")
    assert fernet["status"] == "PASS" and "reference" in fernet["message"]  # set by reference: never "shipped"
    assert _finding(report, "OMA103")["status"] == "FAIL"  # no ConfigMap given: the image's default, basic
    assert code == 1


def test_secret_values_appear_in_no_output(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    canary = "k8s-canary-fernet-value-0123456789abcdef"
    secret = (tree / "config.yaml").read_text().replace(
        "akovOXN6MGcwT0h4c2Z4T29TZmRGZG1rM3lzTm1QUm5IM1RVQWJ6M0lIQT0=", base64.b64encode(canary.encode()).decode())
    (tree / "config.yaml").write_text(secret)
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "table,json,sarif,junit,markdown,html,csv",
                                "-o", str(out), cwd=tmp_path)
    assert result.code == 1
    texts = [p.read_text() for p in out.iterdir()]
    assert len(texts) == 7
    assert all(canary not in t and canary[:12] not in t for t in [*texts, result.stdout, result.stderr])


def test_manifests_of_other_applications_are_skipped_not_judged(tmp_path: Path) -> None:
    tree = tmp_path / "other"
    tree.mkdir()
    (tree / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  A: b\n")
    result = run_cli_in_process("scan", "--dir", str(tree), cwd=tmp_path)
    assert result.code == 2
    assert "no configuration file to scan" in result.stderr
    assert "skipped cm.yaml: Kubernetes objects, and no manifest under --dir runs OpenMetadata's server" \
        in result.stderr


def test_a_secret_that_is_not_base64_is_one_line_and_exit_2(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    text = (tree / "config.yaml").read_text().replace("fernet: akov", "fernet: '!!not base64'  # akov")
    (tree / "config.yaml").write_text(text)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and report == {}
    assert "Kubernetes manifest config.yaml: Secret om-secrets data fernet is not base64 of UTF-8 text (line 16)" \
        in stderr
    assert "Traceback" not in stderr and stderr.count("omaudit: error:") == 1
