"""YAML (and JSON) with a line number for every value, read safely.

PyYAML's composer builds the node graph without constructing any Python object: a tag it does not
know (CloudFormation's `!Ref`, `!Sub`, `!GetAtt`, ...) stays a tag on its node, so no constructor
runs and none is needed, and every node keeps its start mark (line). The graph is then walked into
plain values here, under bounds that the composer alone does not give: an alias is a reference to a
node composed once, so a "billion laughs" file is small as a graph and huge as values; the walk
counts every value it makes and stops at MAX_VALUES, and at MAX_DEPTH of nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_VALUES = 200_000  # values made from one file, aliases expanded
MAX_DEPTH = 64
Path = tuple[str | int, ...]

# libyaml's event parser (CSafeLoader) when it is built, else PyYAML's own; nodes are composed from the
# events in _compose_all, never by PyYAML's recursive composer.
_FAST: Any = getattr(yaml, "CSafeLoader", None)
_SAFE: Any = yaml.SafeLoader


# JSON writes a character outside the Basic Multilingual Plane as two escapes (`\ud83d\udd12`), which
# PyYAML refuses; in a JSON document they are joined here into the character they stand for, on the
# same line (a lone one becomes U+FFFD).
_SURROGATES = re.compile(r"\\u(d[89ab][0-9a-f]{2})(?:\\u(d[c-f][0-9a-f]{2}))?|\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)


def _joined(match: re.Match[str]) -> str:
    high, low = match.group(1), match.group(2)
    if high and low:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))
    return "\ufffd"


MERGE = "tag:yaml.org,2002:merge"  # the `<<` key of YAML's merge-key type, as the resolver tags it
_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


class YamlError(ValueError):
    """A file that is not YAML, or exceeds a bound; the message names the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Tagged:
    """A value under a CloudFormation intrinsic (`!Ref x` is Tagged("Ref", "x")): never resolved."""

    tag: str
    value: Any


@dataclass
class Doc:
    """One document: its plain value, and the line (1-based) where each value starts."""

    value: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """The line of `path`, else of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def get(self, path: Path) -> Any:
        """The value at `path`, or None when any step is missing or of another shape."""
        node = self.value
        for step in path:
            if isinstance(step, int) and isinstance(node, list) and -len(node) <= step < len(node):
                node = node[step]
            elif isinstance(step, str) and isinstance(node, dict):
                node = node.get(step)
            else:
                return None
        return node


def load(text: str) -> list[Doc]:
    """Every document in `text` (YAML 1.1, which JSON is nearly a subset of). YamlError on bad input."""
    if text.lstrip().startswith(("{", "[")):  # JSON (in YAML's plain or single quotes it is literal text)
        text = _SURROGATES.sub(_joined, text)
    try:
        nodes = _compose_all(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # The parser quotes what it found ("found undefined alias 'x'"): after placeholders are resolved
        # that can be a secret's value, so quoted text is never shown.
        problem = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", exc.problem or exc.context or "not valid YAML")
        raise YamlError(problem, mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: say where, never which
        raise YamlError("a control character YAML does not allow", text.count("\n", 0, exc.position) + 1) from None
    except (yaml.YAMLError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else f"not valid YAML ({type(exc).__name__})"
        raise YamlError(reason) from None
    budget = _Budget()
    docs = []
    for node in nodes:
        doc = Doc(None)
        doc.value = _walk(node, (), doc.lines, budget, 0)
        docs.append(doc)
    return docs


def _compose_all(text: str) -> list[yaml.Node]:
    """The documents' node trees, composed here from the parser's events with an explicit stack:
    libyaml's event parser is a state machine (no recursion), so its speed is always had, and no
    nesting, however deep, can reach the C stack (PyYAML's own composer recurses, in C for libyaml).
    The same nodes PyYAML's composer builds: tags resolved by the loader's resolver, anchors kept
    for aliases (which are expanded under the walk's budget)."""
    loader = (_FAST or _SAFE)(text)
    try:
        docs: list[yaml.Node] = []
        anchors: dict[str, yaml.Node] = {}
        stack: list[tuple[yaml.Node, list[Any]]] = []  # open collections and their children so far
        made = 0  # nodes made, counted as they are made: 1M values must not be built to be refused
        while loader.check_event():
            event = loader.get_event()
            start: Any = event.start_mark  # libyaml's and PyYAML's marks: the same fields
            end: Any = event.end_mark
            if isinstance(event, yaml.NodeEvent):
                made += 1
                if made > MAX_VALUES:
                    raise YamlError(f"more than {MAX_VALUES} values: refused", start.line + 1)
            node: yaml.Node | None = None
            if isinstance(event, yaml.DocumentStartEvent):
                anchors = {}
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise yaml.composer.ComposerError(None, None, "found undefined alias", start)
                node = anchors[event.anchor]
            elif isinstance(event, yaml.ScalarEvent):
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(kind, None, event.implicit)
                opened = kind(tag, [], start, None, flow_style=event.flow_style)
                if event.anchor is not None:
                    anchors[event.anchor] = opened
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(f"nested more than {MAX_DEPTH} levels: refused", start.line + 1)
                stack.append((opened, []))
                continue
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                closed, children = stack.pop()
                closed.end_mark = end
                closed.value = children if isinstance(closed, yaml.SequenceNode) else list(
                    zip(children[0::2], children[1::2], strict=True))
                node = closed
            if node is None:
                continue
            if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                anchors[event.anchor] = node
            if stack:
                stack[-1][1].append(node)
            else:
                docs.append(node)
        return docs
    finally:
        loader.dispose()


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_VALUES

    def spend(self, node: yaml.Node) -> None:
        self.left -= 1
        if self.left < 0:
            raise YamlError(f"more than {MAX_VALUES} values (aliases expanded): refused", node.start_mark.line + 1)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int], budget: _Budget, depth: int) -> Any:
    budget.spend(node)
    if depth > MAX_DEPTH:
        raise YamlError(f"nested more than {MAX_DEPTH} levels: refused", node.start_mark.line + 1)
    lines.setdefault(path, node.start_mark.line + 1)
    tag = node.tag or ""
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        merges: list[tuple[yaml.Node, set[str]]] = []  # each `<<` with the keys written before it
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merges.append((value_node, set(out)))
                continue
            key = (str(_scalar(key_node)) if isinstance(key_node, yaml.ScalarNode)
                   else f"<key at line {key_node.start_mark.line + 1}>")
            out[key] = _walk(value_node, (*path, key), lines, budget, depth + 1)
            lines[(*path, key)] = key_node.start_mark.line + 1
        for merged, before in merges:  # `<<: *base` (or a list of them): keys the mapping does not set itself
            for source in merged.value if isinstance(merged, yaml.SequenceNode) else [merged]:
                if not isinstance(source, yaml.MappingNode):
                    raise YamlError("a merge key (<<) must name a mapping", source.start_mark.line + 1)
                found: dict[Path, int] = {}
                values = _walk(source, path, found, budget, depth + 1)
                for key, value in values.items() if isinstance(values, dict) else ():
                    if key in before and out[key] != value:
                        # The YAML spec keeps the mapping's own key; go-yaml v2 (sigs.k8s.io/yaml: Helm,
                        # kubectl, Terraform's Helm provider) applies `<<` in order, so a later one wins. A
                        # pull request used that to show hardened keys the tools overwrite (found by an attack).
                        raise YamlError(f"a merge key (<<) sets {key!r} after the mapping sets it itself (line "
                                        f"{lines.get((*path, key))}): YAML readers disagree on which wins; set it "
                                        "once", merged.start_mark.line + 1)
                    if key not in out:
                        out[key] = value
                        lines.update({p: n for p, n in found.items() if p[:len(path) + 1] == (*path, key)})
        return _intrinsic(tag, out)
    if isinstance(node, yaml.SequenceNode):
        items = [_walk(child, (*path, i), lines, budget, depth + 1) for i, child in enumerate(node.value)]
        return _intrinsic(tag, items)
    return _intrinsic(tag, _scalar(node))


def _intrinsic(tag: str, value: Any) -> Any:
    """A local tag (`!Ref`) wraps its value; standard tags were already applied."""
    if tag.startswith("!"):
        return Tagged(tag[1:], value)
    return value


def _scalar(node: yaml.Node) -> Any:
    """A scalar as YAML 1.1's core schema types it; anything else (timestamps, binary) stays a string."""
    text = str(node.value)
    tag = node.tag or ""
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return _BOOL.get(text.lower(), text)
    if tag.endswith(":int"):
        try:
            return int(text.replace("_", ""), 0) if len(text) <= 40 else text
        except ValueError:
            return text
    if tag.endswith(":float"):
        try:
            return float(text.replace("_", "")) if len(text) <= 40 else text
        except ValueError:
            return text
    return text
