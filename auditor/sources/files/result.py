"""What one configuration file gives the snapshot: typed facts, their locations by input key, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.facts.given import Given
from auditor.report.model import Location
from auditor.sources.files.yaml_doc import Doc, YamlError, load

# Folders that tools generate: --dir does not enter them (the finder names each one in every report).
GENERATED_DIRS = frozenset({".git", "node_modules", "venv", ".venv", "__pycache__", ".terraform"})

# YAML is composed node by node before it is walked (about 80 bytes of memory per byte of a dense
# file): 2 MiB bounds that at about 160 MiB. Real files are far smaller: a chart's values are about
# 30 KiB, openmetadata.yaml 25 KiB, and CloudFormation takes templates of at most 1 MB.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_PLAN_BYTES = 64 * 1024 * 1024  # a Terraform plan's JSON (`terraform show -json`): large modules run to tens of MB


@dataclass
class FileFacts:
    facts: Given = field(default_factory=Given)  # the snapshot's sections, None where this file says nothing
    locations: dict[str, Location] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    file: str = ""  # the file it came from, relative to the root (for notes)
    unknown: dict[str, str] = field(default_factory=dict)  # input key -> why the files cannot tell (SKIPPED)
    # The same file's facts under each way the conditions it leaves undecided can go ("IsProd true"):
    # rules that read an undecided value are judged on every branch (auditor.engine.evaluate).
    branches: list[tuple[str, FileFacts]] = field(default_factory=list)
    # Fields a default filled, not the files ("om.auth_config.authority" from the chart's values)
    defaulted: list[str] = field(default_factory=list)


def relative(path: Path, root: Path) -> str:
    """A path as findings name it: relative to the scanned root when it is under it (SARIF wants that)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symbolic link loop
        return path.as_posix()


def read_yaml(path: Path, root: Path, what: str, text: str | None = None) -> list[Doc]:
    """A YAML or JSON file's documents; one InputError line naming the file (and line) otherwise."""
    body = read_input(path, what, MAX_YAML_BYTES) if text is None else text
    try:
        return load(body)
    except YamlError as exc:
        raise InputError(f"{what} {relative(path, root)}: {exc}") from None


def in_checkout(path: Path, root: Path) -> bool:
    """Whether a file is the repository's (a --var-file, an AWS::Include snippet): under the scanned
    folder both as written and once resolved, with no link on the way from the current folder (a pull
    request can make the scanned folder, or one inside it, a link to where the CI job keeps its files:
    found by an attack)."""
    written, folder = path.absolute(), root.absolute()
    if not written.is_relative_to(folder) or not path.resolve().is_relative_to(root.resolve()):
        return False
    here = Path.cwd()
    start = here if folder.is_relative_to(here) else folder
    step = start
    for part in written.relative_to(start).parts:
        step = step / part
        if step.is_symlink():
            return False
    return True
