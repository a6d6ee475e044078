"""The settings file: defaults for command-line options, below flags and environment variables.

The file named by --settings, else by OMAUDIT_SETTINGS, else `omaudit.toml` in the working folder,
else `[tool.omaudit]` of ./pyproject.toml. A file found in the working folder is not trusted (it may
come with the repository being scanned): it may set only keys that cannot weaken the gate. Keys are
option names with underscores (`fail_on`, `format`, `aws_region`); a key at the top applies to every
command that has that option, a key in a `[scan]`, `[audit]`, `[merge]`, `[collect]` or `[demo]`
table to that command only. Precedence, as click applies it: the
command line, then OMAUDIT_<COMMAND>_<OPTION>, then this file, then the built-in default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import MAX_CONFIG_BYTES, read_input
from auditor.report.model import Severity

FILE = "omaudit.toml"


@dataclass(frozen=True)
class Settings:
    """A settings table, where it came from, and whether the user named it (trusted as the command
    line) or omaudit found it in the working folder (it may come with the repository being scanned)."""

    where: Path
    table: Mapping[str, Any]
    named: bool


def find_settings(folder: Path, named: Path | None = None) -> Settings | None:
    """The settings named by --settings, else by OMAUDIT_SETTINGS, else found in `folder`; None when
    there is none."""
    given = named or (Path(os.environ["OMAUDIT_SETTINGS"]) if os.environ.get("OMAUDIT_SETTINGS") else None)
    if given is not None:
        if not given.is_file():
            source = "--settings" if named else "OMAUDIT_SETTINGS"
            raise InputError(f"{source} names {given}, which is not a file")
        return Settings(given, _table(given, nested=given.name == "pyproject.toml") or {}, named=True)
    for path, nested in ((folder / FILE, False), (folder / "pyproject.toml", True)):
        if path.is_symlink():  # found, not named: it must be the checkout's own file, not a way to read others
            raise InputError(f"{path} is a symbolic link: a settings file found in the working folder must be a "
                             "regular file (name it with --settings to use it)")
        if path.is_file():
            table = _table(path, nested=nested)
            if table is not None:
                return Settings(path, table, named=False)
    return None


def _table(path: Path, *, nested: bool) -> dict[str, Any] | None:
    """The settings in `path`: the whole file, or its [tool.omaudit] table (None when it has none)."""
    try:
        data: Any = tomllib.loads(read_input(path, "settings", MAX_CONFIG_BYTES))
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not valid TOML ({type(exc).__name__})") from None
    if nested:
        tool = data.get("tool")
        data = tool.get("omaudit") if isinstance(tool, dict) else None
        if data is None:
            return None
    if not isinstance(data, dict):
        raise InputError(f"{path}: [tool.omaudit] must be a table")
    return _snake_keys(data, path)


def _snake_keys(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """Keys as the options spell them (`fail-on`) or as Python does (`fail_on`): one spelling each."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name in out:
            raise InputError(f"{path}: '{key}' is set twice (as {name} too)")
        out[name] = _snake_keys(value, path) if isinstance(value, dict) else value
    return out


# The trust model (README, "Who controls what"). No settings file, named or found, may run code, name
# where a credential goes, or turn on what the command line must ask for itself:
NOT_FROM_A_FILE = {
    "active": "it turns on active probes", "om_token_file": "it names a credential",
    "state_dir": "it moves the probe ledger", "lockout_window": "it changes how often an account is probed",
    "insecure": "it weakens TLS", "ca_bundle": "it changes which servers are trusted",
    "rules_dir": "it names code to run", "inventory": "it names targets and their credentials",
    "om_url": "it names where a credential is sent", "cognito_pool_id": "it names a target",
    "cognito_client_id": "it names a target", "aws_profile": "it names a credential",
    "aws_endpoint_url": "it names where AWS credentials are sent",
}
# A file found in the working folder may come with the repository a gate scans, whose author controls
# it: it may set only what cannot weaken the gate. Everything else needs the file to be named
# (--settings or OMAUDIT_SETTINGS), which only whoever writes the command line can do.
FROM_THE_WORKING_FOLDER = frozenset({"format", "aws_region", "concurrency", "fail_on", "no_suppressions",
                                     "fail_on_unknown"})
DEFAULT_FAIL_ON = Severity.HIGH


def _check_trust(settings: Settings) -> None:
    table = settings.table
    keys = [*table, *(k for v in table.values() if isinstance(v, dict) for k in v)]
    for key in keys:
        if key in NOT_FROM_A_FILE:
            raise InputError(f"{settings.where}: {key!r} cannot be set in a settings file ({NOT_FROM_A_FILE[key]}); "
                             "give it on the command line")
    if settings.named:
        return
    values = [*((k, v) for k, v in table.items() if not isinstance(v, dict)),
              *((k, v) for t in table.values() if isinstance(t, dict) for k, v in t.items())]
    for key, value in values:
        if key not in FROM_THE_WORKING_FOLDER or not _strengthens(key, value):
            raise InputError(f"{settings.where}: {key!r} is not taken from a settings file found in the working "
                             "folder (it may come with the repository being scanned, whose author could weaken "
                             "the gate with it); give it on the command line, or name the file with --settings "
                             "or OMAUDIT_SETTINGS")


def _strengthens(key: str, value: Any) -> bool:
    """Whether a gate key from the working folder only makes the gate stricter than its default."""
    if key in ("no_suppressions", "fail_on_unknown"):
        return value is True
    if key == "fail_on":
        if not isinstance(value, str) or value.strip().lower() == "none":
            return False
        try:
            return Severity.parse(value) <= DEFAULT_FAIL_ON
        except ValueError:
            return False
    return True


def default_map(settings: Settings, commands: Mapping[str, set[str]]) -> dict[str, Any]:
    """click's default_map for each command, from the settings table; unknown keys, and keys the
    file's origin may not set, are an InputError."""
    where, table = settings.where, settings.table
    shared = {k: v for k, v in table.items() if not isinstance(v, dict)}
    every = set().union(*commands.values())
    for key in shared:
        if key not in every:
            raise InputError(f"{where}: unknown setting {key!r} (an option name, such as fail_on)")
    out: dict[str, Any] = {}
    for command, names in commands.items():
        section = table.get(command, {})
        if not isinstance(section, dict):
            raise InputError(f"{where}: [{command}] must be a table")
        for key, value in section.items():
            if key not in names:
                raise InputError(f"{where}: [{command}] has no option {key!r}")
            if isinstance(value, dict):  # no option takes a table (it would reach the option as text)
                raise InputError(f"{where}: [{command}] {key} must be a value, not a table")
        out[command] = {**{k: v for k, v in shared.items() if k in names}, **section}
    for key, value in table.items():
        if isinstance(value, dict) and key not in commands:
            raise InputError(f"{where}: unknown table [{key}] (one of {', '.join(sorted(commands))})")
    _check_trust(settings)
    return out
