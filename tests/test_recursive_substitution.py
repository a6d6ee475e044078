"""Issue 22: OpenMetadata resolves a placeholder's value again (commons-text StringSubstitutor: "Variable
replacement works in a recursive way ... Cyclic replacements are detected and will cause an exception to
be thrown"; Dropwizard's EnvironmentVariableSubstitutor keeps that default). Kubernetes expands only
`$(VAR)` in env values, so a `${VAR}` in a manifest reaches the server as written and the server resolves
it from its own environment. Expected statuses read from the manifests below and OMA108's and OMA501's
documentation before running."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli_in_process

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: openmetadata
spec:
  template:
    spec:
      containers:
        - name: openmetadata
          image: docker.getcollate.io/openmetadata/server:1.6.4
          env:
            - name: AUTHENTICATION_PROVIDER
              value: aws-cognito
{env}
"""


def _scan(tmp_path: Path, env: str) -> tuple[int, dict[str, Any], str]:
    tree = tmp_path / "k8s"
    tree.mkdir()
    (tree / "deployment.yaml").write_text(DEPLOYMENT.format(env=env))
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "json", "-o", str(out), cwd=tmp_path)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return result.code, report, result.stderr


def _status(report: dict[str, Any], rule: str) -> tuple[str, str]:
    [found] = [f for f in report["findings"] if f["rule_id"] == rule]
    return str(found["status"]), str(found["message"])


def _entry(name: str, value: str) -> str:
    return f"            - name: {name}\n              value: '{value}'"


@pytest.mark.parametrize(("env", "status"), [
    # The server resolves ${SIGNUP} from its own environment: self sign-up on.
    ([("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${SIGNUP}"), ("SIGNUP", "true")], "FAIL"),
    ([("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${SIGNUP}"), ("SIGNUP", "false")], "PASS"),
    # Two levels, and a default inside the value: still resolved.
    ([("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${A}"), ("A", "${B:-true}")], "FAIL"),
    # A variable nobody in the tree sets: known only where the server runs.
    ([("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${FROM_THE_NODE}")], "SKIPPED"),
    # Kubernetes reduces `$$` to `$` in env values (kubernetes.io, "Define Dependent Environment Variables"),
    # so the server sees `${SIGNUP}` and resolves it (decided wrongly as PASS before the first run, when
    # only OpenMetadata's `$${` escape was considered).
    ([("AUTHENTICATION_ENABLE_SELF_SIGNUP", "$${SIGNUP}"), ("SIGNUP", "true")], "FAIL"),
])
def test_a_placeholder_s_value_is_resolved_again_as_the_server_does(env: list[tuple[str, str]], status: str,
                                                                   tmp_path: Path) -> None:
    code, report, stderr = _scan(tmp_path, "\n".join(_entry(n, v) for n, v in env))
    assert code in (0, 1), stderr
    assert _status(report, "OMA108")[0] == status


def test_placeholders_that_name_each_other_are_one_line_and_exit_2(tmp_path: Path) -> None:
    code, report, stderr = _scan(tmp_path, "\n".join((_entry("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${A}"),
                                                      _entry("A", "${B}"), _entry("B", "${A}"))))
    assert code == 2 and report == {}
    assert "placeholders whose values name each other (AUTHENTICATION_ENABLE_SELF_SIGNUP -> A -> B -> A)" in stderr
    assert "Traceback" not in stderr and len([n for n in stderr.splitlines() if "error" in n]) == 1


def test_values_that_double_at_every_level_stop_at_the_size_bound(tmp_path: Path) -> None:
    chain = [_entry("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${V0}")]
    chain += [_entry(f"V{i}", f"${{V{i + 1}}}${{V{i + 1}}}") for i in range(40)] + [_entry("V40", "x" * 64)]
    code, report, stderr = _scan(tmp_path, "\n".join(chain))
    assert code == 2 and report == {}
    assert "MiB once its placeholders are resolved" in stderr


def test_values_that_multiply_even_empty_ones_are_resolved_once_each(tmp_path: Path) -> None:
    """An attack: each value is eight copies of the next and the last is empty, so the size bound never
    moved and 30 levels never finished. Each variable is now resolved once: the scan ends, judged."""
    chain = [_entry("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${V0}true")]
    chain += [_entry(f"V{i}", f"${{V{i + 1}}}" * 8) for i in range(30)] + [_entry("V30", "")]
    code, report, stderr = _scan(tmp_path, "\n".join(chain))
    assert code == 1, stderr
    assert _status(report, "OMA108")[0] == "FAIL"


def test_a_deep_chain_of_placeholders_is_one_line_and_exit_2(tmp_path: Path) -> None:
    chain = [_entry("AUTHENTICATION_ENABLE_SELF_SIGNUP", "${V0}")]
    chain += [_entry(f"V{i}", f"${{V{i + 1}}}") for i in range(5000)] + [_entry("V5000", "true")]
    code, report, stderr = _scan(tmp_path, "\n".join(chain))
    assert code == 2 and report == {} and "Traceback" not in stderr
    assert "nests placeholders in values more than 64 deep" in stderr
