"""Nested stacks: the `AWS::CloudFormation::Stack` resources of the scanned tree whose local
`TemplateURL` names a template, with the `Parameters` they pass it.

A local TemplateURL is what `aws cloudformation package` uploads and rewrites (AWS CLI reference,
"cloudformation package": "AWS::CloudFormation::Stack TemplateURL"), and the child is deployed with
the parent's Parameters over its own Defaults (AWS CloudFormation User Guide, "AWS::CloudFormation::Stack":
"Parameters: the set of value pairs that represent the parameters passed to CloudFormation when this
nested stack is created"). A child judged with its Defaults while its parent passed other values was
judged on settings that never deploy (found by an attack: rc 1 became 0).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.sources.files.result import GENERATED_DIRS, MAX_YAML_BYTES, in_checkout, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc

STACK = "AWS::CloudFormation::Stack"
_SUFFIXES = (".yaml", ".yml", ".json", ".template")
MAX_FILES = 20_000


@dataclass(frozen=True)
class ParentStack:
    """One nested-stack resource that deploys the child: where it is, what it passes, and its template's
    Parameters, Conditions and Mappings (to resolve a `!Ref` to the parent's own parameters)."""

    where: str  # file:line
    parameters: dict[str, Any]
    template: dict[str, Any]


def parents_of(child: Path, root: Path) -> list[ParentStack]:
    """The nested-stack resources in the tree that deploy `child` (a walk of the tree: once per template
    read, its branches included)."""
    found: dict[Path, list[ParentStack]] = {}
    seen = 0
    for folder, dirs, names in os.walk(root.resolve()):
        dirs[:] = sorted(d for d in dirs if d not in GENERATED_DIRS)
        for name in sorted(names):
            seen += 1
            path = Path(folder) / name
            if seen > MAX_FILES or not name.endswith(_SUFFIXES) or path.is_symlink():
                continue
            try:
                if path.stat().st_size > MAX_YAML_BYTES or STACK not in path.read_text(errors="replace"):
                    continue
                docs = read_yaml(path, root, "CloudFormation template")
            except (OSError, InputError):
                continue  # the scan of that file itself names why, if it is one the scan reads
            for doc in docs[:1]:
                _stacks(doc, path, root, found)
    return found.get(child.resolve(), [])


def _stacks(doc: Doc, path: Path, root: Path, found: dict[Path, list[ParentStack]]) -> None:
    resources = doc.value.get("Resources") if isinstance(doc.value, dict) else None
    for logical, resource in (resources.items() if isinstance(resources, dict) else ()):
        if not isinstance(resource, dict) or resource.get("Type") != STACK:
            continue
        raw = resource.get("Properties")
        props: dict[str, Any] = raw if isinstance(raw, dict) else {}
        url = props.get("TemplateURL")
        if not isinstance(url, str) or "://" in url or not url.strip():
            continue
        child = Path(os.path.normpath(path.parent / url))
        if not child.is_file() or not in_checkout(child, root):
            continue
        given = props.get("Parameters")
        parameters: dict[str, Any] = given if isinstance(given, dict) else {}
        where = f"{relative(path, root)}:{doc.line(('Resources', str(logical))) or '?'}"
        found.setdefault(child.resolve(), []).append(ParentStack(where, dict(parameters), doc.value))
