"""`omaudit scan --dir`: the known configuration files under a folder, found by what they hold
(auditor.files.kinds says how each kind is recognised). Other YAML and JSON files are named as
skipped. The walk is bounded: hidden folders, node_modules and virtualenvs are not entered, symbolic
links are not followed, and at most MAX_FILES files are looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

from auditor.errors import InputError
from auditor.files.cognito_iac import MAX_PLAN_BYTES
from auditor.files.kinds import KINDS, STRUCTURED
from auditor.files.result import MAX_YAML_BYTES

MAX_FILES = 20_000
MAX_DEPTH = 32  # folders below --dir that are entered
PEEK_BYTES = 256 * 1024  # enough of a file to tell its kind
_SKIP_DIRS = {"node_modules", "venv", ".venv", "__pycache__", ".terraform"}
SKIPPED = "skipped"


def find(root: Path) -> dict[str, list[Path]]:
    """Paths by kind key (auditor.files.kinds), and SKIPPED for structured files of no known kind."""
    if not root.is_dir():
        raise InputError(f"--dir {root} is not a folder")
    found: dict[str, list[Path]] = {}
    seen = 0
    base = len(root.parts)
    for folder, dirs, names in os.walk(root):
        deep = len(Path(folder).parts) - base >= MAX_DEPTH
        dirs[:] = [] if deep else sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(names):
            seen += 1
            if seen > MAX_FILES:
                raise InputError(f"--dir {root} holds more than {MAX_FILES} files: point it at the configuration")
            path = Path(folder) / name
            kind = _kind(path)
            if kind is not None:
                found.setdefault(kind, []).append(path)
    return found


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if not name.endswith(STRUCTURED) and not (name == ".env" or name.endswith(".env")):
        return None
    try:
        if path.is_symlink() or not path.is_file():
            return SKIPPED
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(PEEK_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return SKIPPED
    kind = next((kind.key for kind in KINDS if kind.detect(name, head)), SKIPPED)
    # A file over its reader's cap is named as skipped here rather than stopping the whole scan.
    return kind if size <= (MAX_PLAN_BYTES if kind == "terraform_plan" else MAX_YAML_BYTES) else SKIPPED
