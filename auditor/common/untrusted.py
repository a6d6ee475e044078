"""The one reader of bytes omaudit did not write: bounded, cleaned and redacted where they enter.

Server answers (OpenMetadata's and Cognito's) and files a user hands in (snapshots, reports,
baselines, probe records) may be hostile. `load_json` bounds their size, nesting depth and number
lengths, replaces lone UTF-16 surrogates (they would fail later, when a report is written), and
passes every string through the redaction layer *before* anything can cut it. Its only exception is
MalformedInput, which each caller turns into its own error (CollectionError, InputError).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, cast

from auditor.common.errors import OmauditError
from auditor.common.redact import SECRETS

MAX_JSON_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64  # OpenMetadata's and Cognito's answers nest about 6 deep; a report about 5
BYTES_PER_ELEMENT = 64  # a 4 MiB answer may hold 65,536 elements; a page of 100 users holds a few thousand
MIN_ELEMENTS = 10_000
MAX_NUMBER_CHARS = 40  # an epoch in ms has 13 digits; Python refuses ints over 4300 digits anyway
SURROGATE = re.compile("[\ud800-\udfff]")


class MalformedInput(OmauditError):
    """Untrusted bytes that are not what they claim to be; the message names no secret."""


def clean_text(text: str) -> str:
    """A string from outside, safe to keep: lone surrogates replaced, known secrets masked."""
    return SECRETS(text if text.isascii() else SURROGATE.sub("\ufffd", text))


def _number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError(f"a number of {len(text)} characters")
        value = kind(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("a number out of range")
        return value
    return parse


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_json(data: bytes | str, what: str, *, max_bytes: int = MAX_JSON_BYTES, clean: bool = True) -> Any:
    """Parse untrusted JSON; every string in the result is cleaned (see clean_text), unless the caller
    only checks the shape and keeps nothing (`clean=False`: each answer is cleaned once, where it is kept)."""
    if len(data) > max_bytes:
        raise MalformedInput(f"{what} is larger than {max_bytes // (1024 * 1024)} MiB")
    # Bytes are cheap, Python objects are not: 4 MiB of `{},{},...` would become ~300 MB of dicts. So the
    # number of elements (objects and separators; an over-count, as those inside strings count too) is
    # bounded before parsing. Depth is bounded by the parser (RecursionError) and clean_tree.
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if raw.count(b"{") + raw.count(b",") > max(MIN_ELEMENTS, max_bytes // BYTES_PER_ELEMENT):
        raise MalformedInput(f"{what} holds too many elements for its size")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MalformedInput(f"{what} is not UTF-8") from None
    try:
        value = json.loads(data, parse_int=_number(int), parse_float=_number(float), parse_constant=_constant)
    except RecursionError:
        raise MalformedInput(f"{what} is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise MalformedInput(f"{what} is not JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:
        raise MalformedInput(f"{what} holds {exc}") from None
    if not clean:  # the same bound on depth, without a copy of the tree (issue 19: no throwaway work)
        check_depth(value, what)
        return value
    try:
        return clean_tree(value, what)
    except RecursionError:  # MAX_DEPTH frames, on a caller's stack already near Python's limit
        raise MalformedInput(f"{what} is nested too deeply") from None


def check_depth(value: Any, what: str) -> None:
    """MalformedInput past MAX_DEPTH, as clean_tree refuses it. Iterative: no recursion to exhaust."""
    stack: list[tuple[Any, int]] = [(value, 0)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise MalformedInput(f"{what} is nested more than {MAX_DEPTH} deep")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def clean_tree(value: Any, what: str) -> Any:
    """json.loads's tree with every string cleaned (keys too), refused past MAX_DEPTH.

    Recursive, one call per container: the depth is checked before each descent, so it never goes
    past MAX_DEPTH frames. A string or a number inside a container is handled there, without a call
    (an answer holds hundreds of them). Where two keys clean to the same text, the last one's value
    is kept, as json.loads keeps the last of two equal keys."""
    if type(value) is str:
        return clean_text(value)
    return _clean_container(value, what, 0) if type(value) in (dict, list) else value


def _clean_container(node: dict[str, Any] | list[Any], what: str, depth: int) -> Any:
    if depth >= MAX_DEPTH:
        raise MalformedInput(f"{what} is nested more than {MAX_DEPTH} deep")
    deeper = depth + 1
    redact = SECRETS  # clean_text, inlined for ASCII text: most of an answer's strings
    if type(node) is dict:
        cleaned: dict[str, Any] = {}
        for key, item in node.items():
            kind = type(item)
            cleaned[redact(key) if key.isascii() else clean_text(key)] = (
                (redact(item) if item.isascii() else clean_text(item)) if kind is str else
                _clean_container(item, what, deeper) if kind is dict or kind is list else item)
        return cleaned
    items: list[Any] = []  # a loop, not a comprehension: one frame per level of nesting, not two
    for item in cast(list[Any], node):
        kind = type(item)
        items.append((redact(item) if item.isascii() else clean_text(item)) if kind is str else
                     _clean_container(item, what, deeper) if kind is dict or kind is list else item)
    return items


def load_json_object(data: bytes | str, what: str, *, max_bytes: int = MAX_JSON_BYTES) -> dict[str, Any]:
    value = load_json(data, what, max_bytes=max_bytes)
    if not isinstance(value, dict):
        raise MalformedInput(f"{what} is JSON but not an object")
    return value
