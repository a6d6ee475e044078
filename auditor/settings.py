"""The settings file: defaults for command-line options, below flags and environment variables.

`omaudit.toml` in the working folder, else `[tool.omaudit]` of ./pyproject.toml, else the file named
by OMAUDIT_SETTINGS. Keys are option names with underscores (`fail_on`, `format`, `aws_region`); a
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
    candidates = [(Path(named), False)] if named else []
    candidates += [(folder / FILE, False), (folder / "pyproject.toml", True)]
    for path, nested in candidates:
        if not path.is_file():
            if path == Path(named or "\0"):
                raise InputError(f"OMAUDIT_SETTINGS names {path}, which is not a file")
            continue
        try:
            data = tomllib.loads(read_input(path, "settings", MAX_CONFIG_BYTES))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML ({exc})") from None
        table = data.get("tool", {}).get("omaudit") if nested else data
        if table is None:
            continue
        if not isinstance(table, dict):
            raise InputError(f"{path}: [tool.omaudit] must be a table")
        return path, table
    return None


def default_map(where: Path, table: Mapping[str, Any], commands: Mapping[str, set[str]]) -> dict[str, Any]:
    """click's default_map for each command, from the settings table; unknown keys are an InputError."""
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
