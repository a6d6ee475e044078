"""The fleet inventory: many targets in one TOML file, selected by name glob, tag and shard.

    [defaults]                      # optional: applied to every target that does not set the key
    aws_profile = "security-audit"

    [[target]]
    name = "data-prod-eu"           # required, unique
    om_url = "https://om.prod.example.com"
    token_env = "OM_TOKEN_PROD"     # a reference: the NAME of an environment variable ...
    # token_file = "/run/secrets/om-prod"   # ... or of a file; never the token itself
    cognito_pool_id = "eu-west-1_AbC123xyz"
    cognito_client_id = "1example23456789"
    aws_region = "eu-west-1"
    aws_endpoint_url = "https://..."  # optional
    tags = ["prod", "team-data"]

    [[target]]                      # a file scan: configuration files instead of a server
    name = "data-prod-eu-config"
    helm_values = ["deploy/values.yaml"]   # paths relative to the inventory file
    terraform_plan = "infra/plan.json"     # also: config, env_files, compose_file, cloudformation, dir

A target with om_url (or cognito_pool_id) and files is a live scan that also reads the files of the
deployment running there, and compares them with what runs (OMA406).

Every problem is an InputError naming the file and line: the scan does not start.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import MAX_CONFIG_BYTES, read_input, read_token, toml_tables
from auditor.sources.files.kinds import KINDS

# A file target's keys (auditor.sources.files.kinds), and whether each is a list of paths.
FILE_KEYS = {**{kind.key: kind.many for kind in KINDS}, "dir": False}
TARGET_KEYS = {"name", "om_url", "token_env", "token_file", "cognito_pool_id", "cognito_client_id", "aws_region",
               "aws_profile", "aws_endpoint_url", "tags", "om_config", *FILE_KEYS}
DEFAULT_KEYS = TARGET_KEYS - {"name", "om_url", "cognito_pool_id", "cognito_client_id", "token_env", "token_file",
                              "om_config", *FILE_KEYS}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


@dataclass(frozen=True)
class InventoryTarget:
    name: str
    line: int
    om_url: str | None = None
    token_env: str | None = None
    token_file: str | None = None
    cognito_pool_id: str | None = None
    cognito_client_id: str | None = None
    aws_region: str | None = None
    aws_profile: str | None = None
    aws_endpoint_url: str | None = None
    tags: tuple[str, ...] = ()
    files: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (FILE_KEYS key, paths), for a file scan

    def read_token(self) -> str | None:
        """Resolve the token reference at scan time; a missing variable or file is an input error."""
        if not self.token_env and not self.token_file:
            return None
        return read_token(file=Path(self.token_file).expanduser() if self.token_file else None,
                          env=self.token_env, what=f"target {self.name}", env_required=True,
                          file_what=f"target {self.name}: token_file")


def _header_lines(text: str, table: str) -> list[int]:
    pattern = re.compile(rf"^\s*\[\[\s*{table}\s*\]\]")
    return [i for i, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]


def _string(entry: dict[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def parse_inventory(text: str, source: str) -> list[InventoryTarget]:
    data = toml_tables(text, source, {"defaults", "target"}, "[defaults] and [[target]]")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or set(defaults) - DEFAULT_KEYS:
        bad = sorted(set(defaults) - DEFAULT_KEYS) if isinstance(defaults, dict) else ["(not a table)"]
        raise InputError(f"{source}: [defaults] may set only {', '.join(sorted(DEFAULT_KEYS))} (got {bad})")
    entries = data.get("target", [])
    if isinstance(entries, dict):
        line = next((i for i, text_line in enumerate(text.splitlines(), start=1)
                     if re.match(r"^\s*\[\s*target\s*\]", text_line)), 0)
        raise InputError(f"{source}, line {line}: targets are [[target]] entries (double brackets)")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{source}: no [[target]] entries")
    lines = _header_lines(text, "target")
    targets: list[InventoryTarget] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(entries):
        line = lines[index] if index < len(lines) else 0
        where = f"{source}, line {line}"
        if not isinstance(raw, dict):
            raise InputError(f"{where}: a target must be a table")
        if "token" in raw:
            raise InputError(f"{where}: 'token' is not allowed: name an environment variable (token_env) or a "
                             "file (token_file) instead")
        extra = set(raw) - TARGET_KEYS
        if extra:
            raise InputError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        entry = {**defaults, **raw}
        name = _string(entry, "name", where)
        if name is None or not NAME.match(name):
            raise InputError(f"{where}: 'name' is required: letters, digits and _ . : - (at most 100)")
        if name in seen:
            raise InputError(f"{where}: target name {name!r} is already used on line {seen[name]}")
        seen[name] = line
        values = {key: _string(entry, key, where) for key in TARGET_KEYS - {"name", "tags", "om_config", *FILE_KEYS}}
        files = _files(entry, where)  # with om_url or cognito_pool_id: the deployment's files, compared (OMA406)
        if not values["om_url"] and not values["cognito_pool_id"] and not files:
            raise InputError(f"{where}: give om_url, cognito_pool_id, or both (or configuration files: "
                             + ", ".join(sorted(FILE_KEYS)) + ")")
        if values["token_env"] and values["token_file"]:
            raise InputError(f"{where}: give token_env or token_file, not both")
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
            raise InputError(f"{where}: 'tags' must be a list of strings")
        targets.append(InventoryTarget(name=name, line=line, tags=tuple(tags), files=files, **values))
    return targets


def _files(entry: dict[str, Any], where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    if "om_config" in entry:  # the openmetadata.yaml's key, as --om-config names it (`config` is its old name)
        if "config" in entry:
            raise InputError(f"{where}: give om_config or config (its old name), not both")
        entry = {**entry, "config": entry["om_config"]}
    for key, many in FILE_KEYS.items():
        value = entry.get(key)
        if value is None:
            continue
        paths = value if many and isinstance(value, list) else [value]
        if not paths or not all(isinstance(v, str) and v.strip() for v in paths) or (not many and len(paths) != 1):
            kind = "a list of paths" if many else "a path"
            raise InputError(f"{where}: '{key}' must be {kind}")
        out.append((key, tuple(v.strip() for v in paths)))
    return tuple(out)


def load_inventory(path: Path) -> list[InventoryTarget]:
    return parse_inventory(read_input(path, "inventory", MAX_CONFIG_BYTES), str(path))


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N`: shard K (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or int(match.group(2)) < 1 or int(match.group(1)) >= int(match.group(2)):
        raise InputError(f"--shard {text!r} must be K/N with 0 <= K < N, e.g. 0/4")
    return int(match.group(1)), int(match.group(2))


def shard_of(name: str, count: int) -> int:
    """A stable share by target name: the same name lands in the same shard on every machine."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % count


def select(targets: Sequence[InventoryTarget], names: Sequence[str] = (), tags: Sequence[str] = (),
           shard: tuple[int, int] | None = None) -> list[InventoryTarget]:
    chosen = [t for t in targets
              if (not names or any(fnmatch.fnmatchcase(t.name, g) for g in names))
              and (not tags or set(tags) & set(t.tags))
              and (shard is None or shard_of(t.name, shard[1]) == shard[0])]
    return sorted(chosen, key=lambda t: t.name)
