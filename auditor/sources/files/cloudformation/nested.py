"""Nested stacks: the resources of the scanned tree that deploy a template of the tree as a stack of
their own (`AWS::CloudFormation::Stack` with a local `TemplateURL`, or SAM's
`AWS::Serverless::Application` with a local `Location`), with the `Parameters` they pass it.

A local TemplateURL or Location is what `aws cloudformation package` uploads and rewrites (AWS CLI
reference, "cloudformation package": "AWS::CloudFormation::Stack TemplateURL", "AWS::Serverless::Application
Location"), and the child is deployed with the parent's Parameters over its own Defaults (AWS CloudFormation
User Guide, "AWS::CloudFormation::Stack": "Parameters: the set of value pairs that represent the parameters
passed to CloudFormation when this nested stack is created"). A child judged with its Defaults while its
parent passed other values was judged on settings that never deploy (found by an attack: rc 1 became 0).

Every file of the tree under the size cap that names one of those types is read, whatever its suffix
(a deploy script can package `main.cfn`); its local AWS::Include snippets are put in place first.
Parameters written as an intrinsic (`!If [...]`) are solved as the parent's other values are; one that
the deployment decides, or a parent that cannot be read, leaves every parameter of the child unknown.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.sources.files.cloudformation.include import inline_includes
from auditor.sources.files.result import GENERATED_DIRS, MAX_YAML_BYTES, in_checkout, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc

STACKS = {"AWS::CloudFormation::Stack": "TemplateURL", "AWS::Serverless::Application": "Location"}
MAX_FILES = 20_000


@dataclass(frozen=True)
class ParentStack:
    """One resource that deploys the child: where it is, what it passes (None: written so that only the
    deployment knows), and its template (to resolve a `!Ref` to the parent's own parameters, which its
    own parents may pass in turn)."""

    path: Path
    where: str  # file:line
    parameters: Any  # as written: a map, an intrinsic that gives one (`!If [...]`); None: not readable
    template: dict[str, Any]


Stacks = dict[Path, list[ParentStack]]


_maps_lock = threading.Lock()
_maps: dict[Path, Stacks] = {}  # by scanned root, for one scan: the plan and each template read share a walk


def forget() -> None:
    """A new scan: the tree may have changed since the last one in this process (tests run many)."""
    _maps.clear()
    _plain.clear()


def stack_map(root: Path) -> Stacks:
    """Child template (resolved path) -> the resources of the tree that deploy it: one walk of the tree
    per scan. Under a lock: a fleet's threads read templates of one tree at once, and each of them
    walked it (35 walks of the working folder for a 52-target file fleet at 40 in flight)."""
    key = root.resolve()
    with _maps_lock:
        found = _maps.get(key)
        if found is None:
            found = _maps[key] = _walk(root)
        return found


def _walk(root: Path) -> Stacks:
    found: Stacks = {}
    seen = 0
    for folder, dirs, names in os.walk(root.resolve()):
        dirs[:] = sorted(d for d in dirs if d not in GENERATED_DIRS)
        for name in sorted(names):
            seen += 1
            path = Path(folder) / name
            # a link to a file of the tree is read where it stands: `package --template-file main.yaml`
            # resolves its TemplateURL beside the link (aws-cli takes os.path.abspath, not the target)
            if seen > MAX_FILES or (path.is_symlink() and not path.resolve().is_relative_to(root.resolve())):
                continue
            text = _naming_a_stack(path)
            if text is None:
                continue
            try:
                docs = read_yaml(path, root, "CloudFormation template", text)
                doc = inline_includes(docs[0], path, root, []) if docs else None
            except InputError:
                doc = None  # a parent that cannot be read passes what only the deployment knows
            if doc is not None:
                _stacks(doc, path, root, found)
            else:
                _unread(text, path, root, found)
    return found


# Files that name no stack type, by (mtime, size): each template read walks the tree again (a scan of
# several templates, and their branches), and reads again only what changed.
_plain: dict[Path, tuple[int, int]] = {}


def _naming_a_stack(path: Path) -> str | None:
    """The file's text when it names a stack type, else None (also when it cannot be read)."""
    try:
        if not path.is_file():
            return None
        stat = path.stat()
        if stat.st_size > MAX_YAML_BYTES or _plain.get(path) == (stat.st_mtime_ns, stat.st_size):
            return None
        text = path.resolve().read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if any(kind in text for kind in STACKS):
        return text
    if len(_plain) > 100_000:
        _plain.clear()
    _plain[path] = (stat.st_mtime_ns, stat.st_size)
    return None


def _stacks(doc: Doc, path: Path, root: Path, found: Stacks) -> None:
    resources = doc.value.get("Resources") if isinstance(doc.value, dict) else None
    for logical, resource in (resources.items() if isinstance(resources, dict) else ()):
        if not isinstance(resource, dict) or resource.get("Type") not in STACKS:
            continue
        raw = resource.get("Properties")
        props: dict[str, Any] = raw if isinstance(raw, dict) else {}
        child = _child(props.get(STACKS[str(resource["Type"])]), path, root)
        if child is None:
            continue
        where = f"{relative(path, root)}:{doc.line(('Resources', str(logical))) or '?'}"
        found.setdefault(child.resolve(), []).append(ParentStack(path, where, props.get("Parameters", {}),
                                                                 doc.value))


def _unread(text: str, path: Path, root: Path, found: Stacks) -> None:
    """A file that names a stack type but cannot be read: each template of its folder it may name by a
    local path is deployed with parameters only the deployment knows."""
    for candidate in path.parent.iterdir():
        if candidate != path and candidate.is_file() and candidate.name in text and in_checkout(candidate, root):
            found.setdefault(candidate.resolve(), []).append(
                ParentStack(path, f"{relative(path, root)} (not readable)", None, {}))


def _child(url: Any, path: Path, root: Path) -> Path | None:
    if not isinstance(url, str) or "://" in url or not url.strip():
        return None
    child = Path(os.path.normpath(path.parent / url))
    return child if child.is_file() and in_checkout(child, root) else None
