"""`omaudit scan --dir`: the known configuration files under a folder, found by what they hold.

A file is taken by its content, not its name alone: openmetadata.yaml has authenticationConfiguration
(or authorizerConfiguration, jwtTokenConfiguration) at its top; the chart's values have
`openmetadata.config`; a compose file has `services`; a Terraform plan (JSON) has `format_version` and
`planned_values`; a CloudFormation template has `AWS::Cognito::*` resources; an env file is named
`.env` or `*.env`. Other YAML and JSON files are named as skipped. The walk is bounded: hidden
folders, node_modules and virtualenvs are not entered, and at most MAX_FILES files are looked at.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import InputError
from auditor.inputs import MAX_CONFIG_BYTES

MAX_FILES = 20_000
PEEK_BYTES = 256 * 1024  # enough of a file to tell its kind
_SKIP_DIRS = {"node_modules", "venv", ".venv", "__pycache__", ".terraform"}
_YAML = (".yaml", ".yml")


@dataclass
class Found:
    config: list[Path] = field(default_factory=list)
    env_files: list[Path] = field(default_factory=list)
    compose: list[Path] = field(default_factory=list)
    helm_values: list[Path] = field(default_factory=list)
    terraform_plan: list[Path] = field(default_factory=list)
    cloudformation: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def find(root: Path) -> Found:
    if not root.is_dir():
        raise InputError(f"--dir {root} is not a folder")
    found = Found()
    seen = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(names):
            seen += 1
            if seen > MAX_FILES:
                raise InputError(f"--dir {root} holds more than {MAX_FILES} files: point it at the configuration")
            path = Path(folder) / name
            kind = _kind(path)
            if kind is not None:
                getattr(found, kind).append(path)
    return found


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name == ".env" or name.endswith(".env"):
        return "env_files"
    if not name.endswith((*_YAML, ".json", ".template")):
        return None
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_CONFIG_BYTES:
            return "skipped"
        with path.open("rb") as handle:
            head = handle.read(PEEK_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return "skipped"
    if re.search(r'"format_version"', head) and re.search(r'"(planned_values|resource_changes)"', head):
        return "terraform_plan"
    if "AWS::Cognito::" in head:
        return "cloudformation"
    if re.search(r"(?m)^(authenticationConfiguration|authorizerConfiguration|jwtTokenConfiguration)\s*:", head):
        return "config"
    if re.search(r"(?m)^openmetadata\s*:", head) and re.search(r"(?m)^\s+config\s*:", head):
        return "helm_values"
    if re.search(r"(?m)^services\s*:", head) and name.endswith(_YAML):
        return "compose"
    return "skipped"
