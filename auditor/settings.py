"""The settings file: defaults for command-line options, below flags and environment variables.

The file named by OMAUDIT_SETTINGS, else `omaudit.toml` in the working folder, else `[tool.omaudit]`
of ./pyproject.toml. Keys are option names with underscores (`fail_on`, `format`, `aws_region`); a
key at the top applies to every command that has that option, a key in a `[scan]`, `[audit]`,
`[merge]`, `[collect]` or `[demo]` table to that command only. Precedence, as click applies it: the
command line, then OMAUDIT_<COMMAND>_<OPTION>, then this file, then the built-in default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.inputs import MAX_CONFIG_BYTES, read_input

FILE = "omaudit.toml"


def find_settings(folder: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """(where, the settings table) or None when there is no settings file."""
    named = os.environ.get("OMAUDIT_SETTINGS")
    if named:
        if not Path(named).is_file():
            raise InputError(f"OMAUDIT_SETTINGS names {named}, which is not a file")
        return Path(named), _table(Path(named), nested=False) or {}
    for path, nested in ((folder / FILE, False), (folder / "pyproject.toml", True)):
        if path.is_file():
            table = _table(path, nested=nested)
            if table is not None:
                return path, table
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
    return data


# A settings file in the working folder may come with a cloned repository: it never turns on active
# probes, names a token file, moves the probe ledger or weakens TLS. Those stay on the command line.
NOT_FROM_A_FILE = frozenset({"active", "om_token_file", "state_dir", "lockout_window", "insecure", "ca_bundle"})


def default_map(where: Path, table: Mapping[str, Any], commands: Mapping[str, set[str]]) -> dict[str, Any]:
    """click's default_map for each command, from the settings table; unknown keys are an InputError."""
    for key in (*table, *(k for v in table.values() if isinstance(v, dict) for k in v)):
        if key in NOT_FROM_A_FILE:
            raise InputError(f"{where}: {key!r} cannot be set in a settings file; give it on the command line")
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
        for key in section:
            if key not in names:
                raise InputError(f"{where}: [{command}] has no option {key!r}")
        out[command] = {**{k: v for k, v in shared.items() if k in names}, **section}
    for key, value in table.items():
        if isinstance(value, dict) and key not in commands:
            raise InputError(f"{where}: unknown table [{key}] (one of {', '.join(sorted(commands))})")
    return out
