"""The kinds of configuration file omaudit reads: each one's key (in FileInputs and in inventories),
its command-line option, whether several may be given, and how `--dir` recognises it by content.

A file is taken by what it holds, not by its name alone: openmetadata.yaml has
authenticationConfiguration (or authorizerConfiguration, jwtTokenConfiguration) at its top; the
chart's values have `openmetadata:` with `config:`; a compose file has `services:`; a Terraform plan
(JSON) has `format_version` and `planned_values` or `resource_changes`; a CloudFormation template
names `AWS::Cognito::` resources; an env file is named `.env` or `*.env`. The first kind whose test
matches wins, in the order below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

YAML = (".yaml", ".yml")
STRUCTURED = (*YAML, ".json", ".template")


@dataclass(frozen=True)
class FileKind:
    key: str  # FileInputs key and inventory key
    option: str
    many: bool
    detect: Callable[[str, str], bool]  # (the file name in lower case, the start of its text)


def _env(name: str, head: str) -> bool:
    return name == ".env" or name.endswith(".env")


def _plan(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and '"format_version"' in head and bool(
        re.search(r'"(planned_values|resource_changes|values)"', head))


def _template(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and "AWS::Cognito::" in head


def _config(name: str, head: str) -> bool:
    return name.endswith(STRUCTURED) and bool(
        re.search(r"(?m)^(authenticationConfiguration|authorizerConfiguration|jwtTokenConfiguration)[ \t]*:", head))


def _values(name: str, head: str) -> bool:
    # [ \t], never \s: a newline-matching class makes these searches quadratic on blank lines.
    return name.endswith(STRUCTURED) and bool(re.search(r"(?m)^openmetadata[ \t]*:", head)) and bool(
        re.search(r"(?m)^[ \t]+config[ \t]*:", head))


def _compose(name: str, head: str) -> bool:
    return name.endswith(YAML) and bool(re.search(r"(?m)^services[ \t]*:", head))


KINDS: tuple[FileKind, ...] = (
    FileKind("env_files", "--env-file", True, _env),
    FileKind("terraform_plan", "--terraform-plan", False, _plan),
    FileKind("cloudformation", "--cloudformation", True, _template),
    FileKind("config", "--config", False, _config),
    FileKind("helm_values", "--helm-values", True, _values),
    FileKind("compose_file", "--compose-file", False, _compose),
)
BY_KEY = {kind.key: kind for kind in KINDS}
# The order files are read in, and so which file comes first when two give the same input.
READ_ORDER = ("config", "env_files", "compose_file", "helm_values", "terraform_plan", "cloudformation")
