"""`Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./snippet.yaml}}` with a local snippet,
put in place as CloudFormation would put it.

A local Location is what `aws cloudformation package` uploads and rewrites to its S3 URL (AWS CLI
reference, "cloudformation package": "AWS::Include Location"), so the snippet beside the template is
what deploys. Left unread, a pool whose Properties were moved into a snippet had every rule SKIPPED and
the gate green (found by an attack). An S3 Location, a snippet outside the scanned tree or through a
link, or a map with keys beside the transform stays an intrinsic: unknown, as before. Values from a
snippet are located at the line of its `Fn::Transform`, and a note names the snippet.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from auditor.sources.files.result import in_checkout, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc

MAX_INCLUDES = 64


def inline_includes(doc: Doc, path: Path, root: Path, notes: list[str]) -> Doc:
    """The template with each local AWS::Include snippet in place of its transform (not nested)."""
    found: list[tuple[tuple[str | int, ...], Path]] = []
    _find(doc.value, (), path, root, found)
    if not found:
        return doc
    value, lines = doc.value, dict(doc.lines)
    for at, snippet in found[:MAX_INCLUDES]:
        docs = read_yaml(snippet, root, "CloudFormation snippet (AWS::Include)")
        if not docs:
            continue
        line = doc.line((*at, "Fn::Transform")) or doc.line(at) or 1
        value = _replaced(value, at, docs[0].value)
        lines = {k: v for k, v in lines.items() if k[:len(at)] != at or k == at}
        lines.update({(*at, *inner): line for inner in docs[0].lines})
        notes.append(f"{relative(path, root)}:{line}: AWS::Include of {relative(snippet, root)} put in place "
                     "(aws cloudformation package uploads it)")
    return Doc(value=value, lines=lines)


def _find(value: Any, at: tuple[str | int, ...], path: Path, root: Path,
          found: list[tuple[tuple[str | int, ...], Path]]) -> None:
    if len(at) > 32 or len(found) >= MAX_INCLUDES:
        return
    if isinstance(value, dict):
        snippet = _local_snippet(value, path, root)
        if snippet is not None:
            found.append((at, snippet))
            return
        for key, inner in value.items():
            _find(inner, (*at, str(key)), path, root, found)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _find(inner, (*at, i), path, root, found)


def _local_snippet(value: dict[str, Any], path: Path, root: Path) -> Path | None:
    transform = value.get("Fn::Transform") if set(value) == {"Fn::Transform"} else None
    if not isinstance(transform, dict) or transform.get("Name") != "AWS::Include":
        return None
    location = (transform.get("Parameters") or {}).get("Location") if isinstance(
        transform.get("Parameters"), dict) else None
    if not isinstance(location, str) or "://" in location or not location.strip():
        return None
    snippet = Path(os.path.normpath(path.parent / location))
    return snippet if snippet.is_file() and in_checkout(snippet, root) else None


def _replaced(value: Any, at: tuple[str | int, ...], new: Any) -> Any:
    if not at:
        return new
    head, rest = at[0], at[1:]
    if isinstance(value, dict) and isinstance(head, str):
        return {**value, head: _replaced(value[head], rest, new)}
    if isinstance(value, list) and isinstance(head, int):
        return [*value[:head], _replaced(value[head], rest, new), *value[head + 1:]]
    return value
