"""Helm's `--set NAME=VALUE` (strvals): the form Argo CD's `parameters` and the Terraform Helm provider's
`set`, `set_list` and `set_sensitive` pass to Helm. Keys are split on `.` (`\\.` is a literal dot),
`name[i]` sets one element of a list (helm.sh/docs/intro/using_helm, "The Format and Limitations of
--set"), and Helm parses each `--set` into the values the `-f` files already gave, so `a[0]=x` over
`a: [alice, bob]` gives `[x, bob]`. Values are typed as Helm types them: true/false, integers, `{a,b}`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from auditor.common.errors import InputError
from auditor.sources.files.yaml_doc import Doc

# strvals refuses an index above 65536; omaudit refuses one above 1000 (no OpenMetadata setting is such
# a list, and each index copies the list: a few hundred parameters at 65536 took a minute and 1.6 GB).
MAX_INDEX = 1000
_INDEX = re.compile(r"\[(\d{1,6})\]")


def parse_name(name: str) -> list[str | int]:
    """`a.b\\.c[0].d` -> ["a", "b.c", 0, "d"]."""
    steps: list[str | int] = []
    current: list[str] = []
    i = 0
    while i < len(name):
        char = name[i]
        if char == "\\" and i + 1 < len(name):
            current.append(name[i + 1])
            i += 2
            continue
        if char == "[":
            match = _INDEX.match(name, i)
            if match is None:
                raise InputError(f"Helm --set name {name!r}: a list index must be a number in brackets")
            if int(match.group(1)) > MAX_INDEX:
                raise InputError(f"Helm --set name {name!r}: a list index above {MAX_INDEX} (refused by omaudit)")
            if current:
                steps.append("".join(current))
                current = []
            steps.append(int(match.group(1)))
            i = match.end()
            continue
        if char == ".":
            if current:
                steps.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    if current:
        steps.append("".join(current))
    if not steps or isinstance(steps[0], int):
        raise InputError(f"Helm --set name {name!r} does not start with a key")
    return steps


def assignments(line: str) -> list[tuple[str, str]]:
    """strvals' reading of one `--set` argument: NAME=VALUE pairs separated by unescaped commas (`\\,`
    is a comma inside a value; a `{a,b}` list keeps its commas). The Terraform Helm provider passes
    `name=value` unescaped (helm/resource_release.go getValue: strvals.ParseInto), so a comma in a
    value starts another assignment, as it does in Helm."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(line)
    while i < n:
        name: list[str] = []
        while i < n and line[i] != "=":
            if line[i] == "\\" and i + 1 < n:
                name.append(line[i:i + 2])
                i += 2
                continue
            if line[i] == ",":
                raise InputError(f"Helm --set {''.join(name)!r} has no value (Helm refuses it)")
            name.append(line[i])
            i += 1
        if i >= n:
            raise InputError(f"Helm --set {''.join(name)!r} has no value (Helm refuses it)")
        i += 1
        value: list[str] = []
        if line[i:i + 1] == "{":
            end = line.find("}", i)
            end = n - 1 if end < 0 else end
            value.append(line[i:end + 1])
            i = end + 1
        while i < n and line[i] != ",":
            if line[i] == "\\" and i + 1 < n:
                value.append(line[i + 1])
                i += 2
                continue
            value.append(line[i])
            i += 1
        i += 1  # the comma
        out.append(("".join(name), "".join(value)))
    return out


def typed(value: Any, force_string: bool = False) -> Any:
    """The value as `--set` types it (`--set-string` and Argo's forceString keep the text)."""
    if not isinstance(value, str) or force_string:
        return value
    if value.lower() in ("true", "false"):  # Helm's strvals typedVal compares without case
        return value.lower() == "true"
    if value.lower() == "null":  # deletes the key, as a null in a values file does
        return None
    if value.lstrip("-").isdigit() and len(value) < 19:
        return int(value)
    if value.startswith("{") and value.endswith("}"):
        return [item for item in value[1:-1].split(",") if item]
    return value


def set_document(earlier: list[tuple[Doc, str]], name: str, value: Any, line: int, file: str) -> tuple[Doc, str]:
    """One `--set` as a values document to layer after `earlier` (the -f files and earlier --set's):
    the whole list it indexes into is written, as Helm's parsing into those values leaves it."""
    steps = parse_name(name)
    first = next((n for n, step in enumerate(steps) if isinstance(step, int)), len(steps))
    keys = [str(step) for step in steps[:first]]
    if first < len(steps):
        current: Any = None
        for doc, _ in earlier:
            found, inner = _dig(doc.value, keys)
            if found:
                current = inner
        value = _put(copy.deepcopy(current), steps[first:], value)
    nested: Any = value
    for key in reversed(keys):
        nested = {key: nested}
    return Doc(value=nested, lines={tuple(keys[:n]): line for n in range(len(keys) + 1)}), file


def _dig(value: Any, keys: list[str]) -> tuple[bool, Any]:
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return False, None
        value = value[key]
    return True, value


def _put(container: Any, steps: list[str | int], value: Any) -> Any:
    step = steps[0]
    if isinstance(step, int):
        items = list(container) if isinstance(container, list) else []
        items += [None] * (step + 1 - len(items))
        items[step] = value if len(steps) == 1 else _put(items[step], steps[1:], value)
        return items
    mapping = dict(container) if isinstance(container, dict) else {}
    mapping[step] = value if len(steps) == 1 else _put(mapping.get(step), steps[1:], value)
    return mapping
