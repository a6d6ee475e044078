"""`omaudit scan --dir`: the known configuration files under a folder, found by what they hold once
parsed (auditor.sources.files.kinds says how each kind is recognised). Other YAML and JSON files are named
as skipped; one that looks like configuration but is too large or cannot be parsed stops the scan
(a pull request must not hide a file from the gate by breaking it for this parser only). The walk is
bounded: .git is not entered, generated folders (node_modules, virtualenvs) are not entered and are
named, symbolic links are not followed, and at most MAX_FILES files are looked at.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.common.untrusted import MalformedInput, load_json
from auditor.sources.files.kinds import KINDS, STRUCTURED, TERRAFORM
from auditor.sources.files.result import GENERATED_DIRS, MAX_PLAN_BYTES, MAX_YAML_BYTES
from auditor.sources.files.yaml_doc import YamlError, load

MAX_FILES = 20_000
MAX_DEPTH = 32  # folders below --dir that are entered
PEEK_BYTES = 256 * 1024  # enough of a file to tell its kind
SKIPPED = "skipped"
REFUSING = "refused"  # looks like configuration, but is too large or cannot be parsed: the scan stops


@dataclass
class Found:
    """What --dir found: paths by kind key, structured files of no known kind (skipped), files that
    look like configuration but cannot be read (refused, with why), and folders not entered."""

    kinds: dict[str, list[Path]] = field(default_factory=dict)
    skipped: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    not_entered: list[Path] = field(default_factory=list)


def find(root: Path) -> Found:
    if not root.is_dir():
        raise InputError(f"--dir {root} is not a folder")
    found = Found()
    seen = 0
    base = len(root.parts)
    for folder, dirs, names in os.walk(root):
        deep = len(Path(folder).parts) - base >= MAX_DEPTH
        # Folders that tools generate are not entered, and each is named in every report (a file the
        # deployment uses could be put there). Hidden folders are entered: only .git is left out, silently.
        entered = [] if deep else sorted(d for d in dirs if d not in GENERATED_DIRS)
        found.not_entered += [Path(folder) / d for d in sorted(set(dirs) - set(entered)) if d != ".git"]
        dirs[:] = entered
        for name in sorted(names):
            seen += 1
            if seen > MAX_FILES:
                raise InputError(f"--dir {root} holds more than {MAX_FILES} files: point it at the configuration")
            path = Path(folder) / name
            kind, why = _kind(path)
            if kind == SKIPPED:
                found.skipped.append(path)
            elif kind == REFUSING:
                found.refused.append((path, why))
            elif kind == "terraform":  # a root module is a folder: each folder once
                folders = found.kinds.setdefault(kind, [])
                if path.parent not in folders:
                    folders.append(path.parent)
            elif kind is not None:
                found.kinds.setdefault(kind, []).append(path)
    return found


def _kind(path: Path) -> tuple[str | None, str]:
    """(kind key, SKIPPED, REFUSING or None for a file of no structured kind; why, when REFUSING)."""
    name = path.name.lower()
    if name.endswith(TERRAFORM):
        return ("terraform", "") if path.is_file() and not path.is_symlink() else (SKIPPED, "")
    if not name.endswith(STRUCTURED) and not (name == ".env" or name.endswith(".env")) and path.name != "Kustomization":
        return None, ""
    if _chart_template(path):
        return SKIPPED, ""
    if name in ("values.yaml", "values.yml") and _beside_openmetadata_chart(path):
        return "helm_values", ""  # its reader reads it under the dependency's name or alias, or refuses it
    try:
        if path.is_symlink() or not path.is_file():
            return SKIPPED, ""
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(PEEK_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return SKIPPED, ""
    if name == ".env" or name.endswith(".env"):
        return "env_files", ""
    looks = any(kind.detect(name, head) for kind in KINDS)
    cap = MAX_PLAN_BYTES if name.endswith(".json") else MAX_YAML_BYTES
    if size > cap:
        return (REFUSING, f"is larger than {cap // (1024 * 1024)} MiB") if looks else (SKIPPED, "")
    plain = next((kind.key for kind in KINDS if kind.plain(name, head)), None)
    if plain is not None:  # its reader parses it, and refuses it if it is not this kind: no second parse
        return plain, ""
    try:
        text = read_input(path, "file", cap)
        json_text = name.endswith(".json") and text.lstrip().startswith("{")
        docs = [load_json(text, "file", max_bytes=cap, clean=False)] if json_text else [d.value for d in load(text)]
    except (InputError, YamlError, MalformedInput) as exc:
        return (REFUSING, f"cannot be parsed ({_reason(exc)})") if looks else (SKIPPED, "")
    return next((kind.key for doc in docs for kind in KINDS if kind.holds(name, doc)), SKIPPED), ""


def _chart_template(path: Path) -> bool:
    """A file under a Helm chart's `templates/` or `charts/` (a Chart.yaml beside that folder): Go
    templates, not YAML until Helm renders them, and subcharts, whose values are defaults the umbrella's
    values.yaml is layered on (helm_values reads them through it); the chart's own values.yaml is what
    is judged (the official chart unpacked in a tree was refused: its templates mention
    .Values.openmetadata and do not parse)."""
    for folder in path.parents:
        if folder.name in ("templates", "charts") and (folder.parent / "Chart.yaml").is_file():
            return True
        if (folder / "Chart.yaml").is_file():  # a chart's own file: unless the chart is an umbrella's subchart
            return folder.parent.name == "charts" and (folder.parent.parent / "Chart.yaml").is_file()
        if folder == folder.parent:
            return False
    return False


def _beside_openmetadata_chart(values: Path) -> bool:
    """A chart's values.yaml whose Chart.yaml is the openmetadata chart or depends on it: with an
    `alias`, its values sit under a key only Chart.yaml names (skipped as "not a configuration file",
    that deployment went unjudged: found by an attack)."""
    chart = values.parent / "Chart.yaml"
    try:
        if not chart.is_file() or chart.is_symlink() or chart.stat().st_size > PEEK_BYTES:
            return False
        docs = load(chart.read_text(encoding="utf-8", errors="replace"))
    except (OSError, YamlError):
        return False
    meta = docs[0].value if docs and isinstance(docs[0].value, dict) else {}
    dependencies = meta.get("dependencies")
    return meta.get("name") == "openmetadata" or (isinstance(dependencies, list) and any(
        isinstance(d, dict) and d.get("name") == "openmetadata" for d in dependencies))


def _reason(exc: Exception) -> str:
    """The parser's own words without the file's name (the caller names it); never a value."""
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith("file") and ": " in text else text
