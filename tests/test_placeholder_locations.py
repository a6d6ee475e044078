"""Issue 21, "locations where the value is": a value a `.env` line gives a compose `${VAR}` is located at
the `.env` line that sets it, and the compose line that reads it is the finding's placeholder (SARIF
relatedLocations); an openmetadata.yaml placeholder an env file fills is located at the env file's line,
with the openmetadata.yaml line as its placeholder. Expected lines read from the files below."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli_in_process

COMPOSE = """services:
  openmetadata-server:
    image: docker.getcollate.io/openmetadata/server:1.13.1
    environment:
      AUTHENTICATION_PROVIDER: aws-cognito
      AUTHENTICATION_ENABLE_SELF_SIGNUP: ${SIGNUP:-false}
      FERNET_KEY: ${FERNET_KEY}
      AUTHORIZER_ADMIN_PRINCIPALS: ${ADMINS:-[alice]}
"""
DOT_ENV = "# deployment values\nSIGNUP=true\nFERNET_KEY=jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=\n"


def _scan(tree: Path, out: Path, *args: str) -> tuple[dict[str, Any], dict[str, Any]]:
    result = run_cli_in_process("scan", *args, "--format", "json,sarif", "--output-dir", str(out), cwd=tree)
    assert result.code == 1, result.stderr
    return json.loads((out / "report.json").read_text()), json.loads((out / "report.sarif").read_text())


def _where(report: dict[str, Any], rule: str) -> tuple[tuple[str, int], tuple[str, int] | None]:
    [finding] = [f for f in report["findings"] if f["rule_id"] == rule]
    placeholder = finding.get("placeholder_location")
    return ((finding["location"]["file"], finding["location"]["line"]),
            (placeholder["file"], placeholder["line"]) if placeholder else None)


def test_a_value_a_dot_env_gives_the_compose_file_is_located_at_the_dot_env_line(tmp_path: Path) -> None:
    tree = tmp_path / "deploy"
    tree.mkdir()
    (tree / "docker-compose.yml").write_text(COMPOSE)
    (tree / ".env").write_text(DOT_ENV)
    report, sarif = _scan(tree, tmp_path / "out", "--dir", ".")
    assert _where(report, "OMA501") == ((".env", 3), ("docker-compose.yml", 7))  # the shipped Fernet key
    assert _where(report, "OMA108") == ((".env", 2), ("docker-compose.yml", 6))  # SIGNUP=true
    # ADMINS is not in .env: the compose line's own default decides, so it is the location, alone.
    assert _where(report, "OMA503")[1] is None
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "OMA501"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".env"
    assert [(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"],
             r["message"]["text"]) for r in result["relatedLocations"]] == [
        ("docker-compose.yml", 7, "the placeholder that reads this value")]


CONFIG = """authenticationConfiguration:
  provider: ${AUTHENTICATION_PROVIDER:-basic}
  enableSelfSignup: ${AUTHENTICATION_ENABLE_SELF_SIGNUP:-false}
authorizerConfiguration:
  adminPrincipals: [alice]
fernetConfiguration:
  fernetKey: ${FERNET_KEY:-changeme}
"""


def test_an_openmetadata_yaml_placeholder_an_env_file_fills_is_located_at_the_env_line(tmp_path: Path) -> None:
    tree = tmp_path / "conf"
    tree.mkdir()
    (tree / "openmetadata.yaml").write_text(CONFIG)
    (tree / "prod.env").write_text("AUTHENTICATION_PROVIDER=aws-cognito\n\nAUTHENTICATION_ENABLE_SELF_SIGNUP=true\n")
    report, _ = _scan(tree, tmp_path / "out", "--om-config", "openmetadata.yaml", "--env-file", "prod.env")
    assert _where(report, "OMA108") == (("prod.env", 3), ("openmetadata.yaml", 3))
    # Written in openmetadata.yaml itself (its default): located there, with no placeholder of another line.
    fernet = next(f for f in report["findings"] if f["rule_id"] == "OMA501")
    assert fernet["location"] == {"file": "openmetadata.yaml", "line": 7} and "placeholder_location" not in fernet
