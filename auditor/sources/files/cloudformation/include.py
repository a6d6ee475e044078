"""`Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./snippet.yaml}}` with a local snippet,
put in place as CloudFormation would put it.

A local Location is what `aws cloudformation package` uploads and rewrites to its S3 URL (AWS CLI
reference, "cloudformation package": "AWS::Include Location"), so the snippet beside the template is
what deploys. The transform may stand alone as a map's value (a resource's `Properties`), or beside
other keys, whose map the snippet's keys join (the User Guide's "AWS::Include transform" example adds
resources beside the template's own). Left unread, a pool whose Properties were moved into a snippet
had every rule SKIPPED and the gate green, and a client added beside the resources was dropped (found
by attacks).

What omaudit cannot put in place (an S3 Location, a snippet outside the scanned tree or through a
link, another transform) stays unknown: a map's value becomes the transform alone (known only at
deploy, never its written keys judged as the whole); where it could add or change resources (the
template's top level, its Resources, a resource's own keys, or a top-level `Transform` section naming
AWS::Include) the template is refused, as one whose resources omaudit cannot see. Values from a
snippet are located at the line of its `Fn::Transform`, and a note names the snippet.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.sources.files.result import in_checkout, read_yaml, relative
from auditor.sources.files.yaml_doc import Doc

MAX_INCLUDES = 64
TRANSFORM = "Fn::Transform"
Steps = tuple[str | int, ...]


def inline_includes(doc: Doc, path: Path, root: Path, notes: list[str]) -> Doc:
    """The template with each local AWS::Include snippet in place of its transform (not nested)."""
    _refuse_top_level(doc, path, root)
    found: list[Steps] = []
    _find(doc.value, (), found)
    if not found:
        return doc
    value, lines = doc.value, dict(doc.lines)
    for at in found[:MAX_INCLUDES]:
        holder = _at(value, at)
        line = doc.line((*at, TRANSFORM)) or doc.line(at) or 1
        snippet = _local_snippet(holder[TRANSFORM], path, root) if isinstance(holder, dict) else None
        where = f"{relative(path, root)}:{line}"
        if snippet is None:
            if len(at) <= 2:  # the template, its Resources, a resource: what it adds cannot be seen
                raise InputError(f"CloudFormation template {where}: an Fn::Transform omaudit cannot put in place "
                                 "(an S3 Location, or another transform) may add or change resources: judge the "
                                 "processed template (aws cloudformation get-template --template-stage Processed)")
            value = _replaced(value, at, {TRANSFORM: holder[TRANSFORM]})  # the whole map: known only at deploy
            continue
        docs = read_yaml(snippet, root, "CloudFormation snippet (AWS::Include)")
        content = docs[0].value if docs else None
        siblings = {k: v for k, v in holder.items() if k != TRANSFORM}
        if siblings:
            if not isinstance(content, dict):
                raise InputError(f"CloudFormation template {where}: the AWS::Include snippet "
                                 f"{relative(snippet, root)} is not a map, beside other keys")
            both = sorted(set(siblings) & set(content))
            if both:
                raise InputError(f"CloudFormation template {where}: {', '.join(map(str, both[:3]))} is set both "
                                 f"in the template and in the AWS::Include snippet {relative(snippet, root)}")
            content = {**siblings, **content}
        value = _replaced(value, at, content)
        lines = {k: v for k, v in lines.items() if k[:len(at)] != at or k == at or (
            len(k) > len(at) and k[len(at)] in siblings)}
        lines.update({(*at, *inner): line for inner in (docs[0].lines if docs else {}) if inner})
        notes.append(f"{where}: AWS::Include of {relative(snippet, root)} put in place (aws cloudformation "
                     "package uploads it)")
    return Doc(value=value, lines=lines)


def _refuse_top_level(doc: Doc, path: Path, root: Path) -> None:
    """A `Transform` section naming AWS::Include adds to the template itself (User Guide, "AWS::Include
    transform": "at the top level of a template"): what it adds is not seen here."""
    section = doc.value.get("Transform") if isinstance(doc.value, dict) else None
    named = section if isinstance(section, list) else [section]
    if any(isinstance(t, dict) and t.get("Name") == "AWS::Include" for t in named):
        raise InputError(f"CloudFormation template {relative(path, root)}:{doc.line(('Transform',)) or '?'}: a "
                         "top-level AWS::Include transform adds to the template what omaudit cannot see: judge the "
                         "processed template (aws cloudformation get-template --template-stage Processed)")


def _find(value: Any, at: Steps, found: list[Steps]) -> None:
    if len(at) > 32 or len(found) >= MAX_INCLUDES:
        return
    if isinstance(value, dict):
        if TRANSFORM in value:
            found.append(at)
        for key, inner in value.items():
            if key != TRANSFORM:
                _find(inner, (*at, str(key)), found)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _find(inner, (*at, i), found)


def _local_snippet(transform: Any, path: Path, root: Path) -> Path | None:
    if not isinstance(transform, dict) or transform.get("Name") != "AWS::Include":
        return None
    parameters = transform.get("Parameters")
    location = parameters.get("Location") if isinstance(parameters, dict) else None
    if not isinstance(location, str) or "://" in location or not location.strip():
        return None
    snippet = Path(os.path.normpath(path.parent / location))
    return snippet if snippet.is_file() and in_checkout(snippet, root) else None


def _at(value: Any, at: Steps) -> Any:
    for step in at:
        value = value[step]
    return value


def _replaced(value: Any, at: Steps, new: Any) -> Any:
    if not at:
        return new
    head, rest = at[0], at[1:]
    if isinstance(value, dict) and isinstance(head, str):
        return {**value, head: _replaced(value[head], rest, new)}
    if isinstance(value, list) and isinstance(head, int):
        return [*value[:head], _replaced(value[head], rest, new), *value[head + 1:]]
    return value
