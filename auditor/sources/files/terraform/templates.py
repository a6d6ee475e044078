"""Terraform's string templates from files: `templatefile(path, vars)` and `file(path)`, as the
official OpenMetadata module renders its Helm values (modules/openmetadata-deployment/helm_values.tftpl
in open-metadata/terraform-aws-openmetadata).

Template syntax: developer.hashicorp.com/terraform/language/expressions/strings ("Interpolation",
"Directives", "Whitespace Stripping"): `${expr}`, `%{ if }`/`%{ else }`/`%{ endif }`, `%{ for x in
c }`/`%{ endfor }`, `~` strips the whitespace (newlines included) on its side, `$${` and `%%{` escape.

A rendered string remembers its template file and, for each of its lines, the template line it came
from, so a finding about a value points into the .tftpl. An interpolation whose value is unknown here
becomes a mark (private-use characters around a number) with its reason: the text around it stays
readable, and the Helm reader makes only the settings that read a mark unknown.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.sources.files.result import relative
from auditor.sources.files.terraform.evaluate import FILE_READER, MAX_STRING, Scope, Unresolved, evaluate, spend
from auditor.sources.files.terraform.syntax import MAX_TF_BYTES, Expr, parse_expression, template_pieces

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


class Rendered(str):
    """A string made from a template file (see the module's docstring)."""

    source: str
    line_of: tuple[int, ...]  # output line (0-based) -> template line (1-based)
    marks: dict[str, str]  # mark number -> why the value is unknown
    # The same template rendered with each directive that stands alone on its line removed with its
    # line (indentation, `~` and line break): how such templates are meant to read. A reader whose
    # format the strict rendering breaks may use it, saying so.
    standalone: Rendered | None = None

    @staticmethod
    def make(text: str, source: str, line_of: tuple[int, ...], marks: dict[str, str]) -> Rendered:
        out = Rendered(text)
        out.source, out.line_of, out.marks = source, line_of, marks
        return out


@dataclass
class _Node:
    kind: str  # text, interp, if, for
    text: str = ""
    line: int = 1
    expr: Expr | None = None
    names: tuple[str, ...] = ()
    body: list[_Node] = field(default_factory=list)
    other: list[_Node] = field(default_factory=list)


# What file() and templatefile() may read: templates and YAML or JSON values, in the scanned folder,
# outside hidden folders. In a gate the checkout also holds what the CI job put there (`.git/config`
# carries its token after a checkout that keeps credentials): an attack routed it into a callback URL
# with file(), and so into every report.
TEMPLATE_SUFFIXES = (".tftpl", ".tpl", ".tmpl", ".yaml", ".yml", ".json")


def read_template_file(path_text: str, root: Path) -> tuple[str, str] | Unresolved:
    """(text, path relative to the scanned root) of a file a configuration names; any other file (one
    outside the scanned folder, in a hidden folder, a link, not a template or YAML/JSON) is unknown
    and never read."""
    candidate = (root / path_text)
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        return Unresolved(f"file {path_text} cannot be read")
    if not resolved.is_relative_to(root) or candidate.is_symlink() or not resolved.is_file():
        return Unresolved(f"file {path_text} is not a file inside the scanned folder")
    if any(part.startswith(".") for part in resolved.relative_to(root).parts) or not resolved.name.lower().endswith(
            TEMPLATE_SUFFIXES):
        return Unresolved(f"file {path_text} is not read: only templates and YAML or JSON files outside hidden "
                          "folders are (the checkout may hold the CI job's credentials)")
    return read_input(resolved, "Terraform template", MAX_TF_BYTES), relative(resolved, root)


class FileReader:
    """file(), fileexists() and templatefile() of a module, reading under the scanned folder only (paths
    are relative to it, as `${path.module}/x` is), each file with the same bounds as a .tf file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, name: str, args: list[Any]) -> Any:
        found = read_template_file(args[0], self.root)
        if name == "fileexists":
            return not isinstance(found, Unresolved)
        if isinstance(found, Unresolved):
            return found
        text, source = found
        if name == "file":
            return as_rendered(text, source)
        variables = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        return render(text, source, variables, Scope({FILE_READER: self}))


def as_rendered(text: str, source: str) -> Rendered:
    """A file read whole (`file()`): its lines are its own."""
    return Rendered.make(text, source, tuple(range(1, text.count("\n") + 2)), {})


def render(text: str, source: str, variables: dict[str, Any], base: Scope) -> Rendered | Unresolved:
    strict = _render_text(text, source, variables, base, standalone=False)
    if isinstance(strict, Rendered) and "%{" in text:
        other = _render_text(text, source, variables, base, standalone=True)
        strict.standalone = other if isinstance(other, Rendered) and str(other) != str(strict) else None
    return strict


def _render_text(text: str, source: str, variables: dict[str, Any], base: Scope, standalone: bool
                 ) -> Rendered | Unresolved:
    for _ in range(64):  # a template costs its size to render, whether or not it was parsed before
        spend()
    nodes = _parsed(text, source, standalone)
    marks: dict[str, str] = {}
    pieces: list[tuple[str, int]] = []
    scope = Scope(variables, base)
    problem = _render(nodes, scope, pieces, marks, [0])
    if problem is not None:
        return problem
    out: list[str] = []
    line_of: list[int] = []  # the template line where each output line starts
    at_line_start = True
    for piece, line in pieces:
        chunks = piece.split("\n")
        for i, chunk in enumerate(chunks):
            if i > 0:
                out.append("\n")
                at_line_start = True
            if at_line_start and (chunk or i < len(chunks) - 1):
                line_of.append(line + i)
                at_line_start = False
            out.append(chunk)
    rendered = "".join(out)
    while len(line_of) < rendered.count("\n") + 1:
        line_of.append(line_of[-1] if line_of else 1)
    return Rendered.make(rendered, source, tuple(line_of), marks)


@functools.lru_cache(maxsize=256)
def _parsed(text: str, source: str, standalone: bool) -> list[_Node]:
    """A template's nodes, parsed once (templates that include each other render many times)."""
    return _parse(_tokens(text, source, standalone), source)


def _render(nodes: list[_Node], scope: Scope, out: list[tuple[str, int]], marks: dict[str, str],
            size: list[int]) -> Unresolved | None:
    for node in nodes:
        spend()
        if node.kind == "text":
            out.append((node.text, node.line))
            size[0] += len(node.text)
        elif node.kind == "interp":
            assert node.expr is not None
            value = evaluate(node.expr, scope)
            text = _interpolated(value, marks)
            out.append((text, node.line))
            size[0] += len(text)
        elif node.kind == "if":
            assert node.expr is not None
            test = evaluate(node.expr, scope)
            if isinstance(test, Unresolved):
                return Unresolved(f"a %{{ if }} at line {node.line} of the template: {test.why}")
            if not isinstance(test, bool):
                return Unresolved(f"a %{{ if }} at line {node.line} of the template is not a bool")
            problem = _render(node.body if test else node.other, scope, out, marks, size)
            if problem is not None:
                return problem
        else:  # for
            assert node.expr is not None
            collection = evaluate(node.expr, scope)
            if isinstance(collection, Unresolved):
                return Unresolved(f"a %{{ for }} at line {node.line} of the template: {collection.why}")
            pairs = list(collection.items()) if isinstance(collection, dict) else list(enumerate(collection)) \
                if isinstance(collection, list) else []
            for key, value in pairs:
                names = dict(zip(node.names, (key, value), strict=False)) if len(node.names) == 2 else {
                    node.names[0]: value}
                problem = _render(node.body, scope.child(names), out, marks, size)
                if problem is not None:
                    return problem
        if size[0] > MAX_STRING:
            raise InputError(f"a Terraform template renders more than {MAX_STRING} characters")
    return None


def _interpolated(value: Any, marks: dict[str, str]) -> str:
    if isinstance(value, Unresolved):
        why = value.why
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, (str, int, float)):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    elif value is None:
        why = "a null value in a template (Terraform refuses it)"
    else:
        why = "a list or map in a template (Terraform refuses it)"
    number = str(len(marks))
    marks[number] = why
    return f"{MARK_OPEN}{number}{MARK_CLOSE}"


def _tokens(text: str, source: str, standalone: bool = False) -> list[_Node]:
    """Literal text, interpolations and directives, with `~` stripping applied and each token's line.
    `standalone`: a directive alone on its line takes its indentation and line break with it (its `~`
    markers are then moot)."""
    tokens: list[_Node] = []
    strip_next = False
    for piece in template_pieces(text, f"Terraform template {source}"):
        if piece.kind == "text":
            kept, first = piece.text, piece.line
            if strip_next:
                kept = _strip_start(piece.text)
                first += piece.text[:len(piece.text) - len(kept)].count("\n")
            strip_next = False
            if kept:
                tokens.append(_Node("text", kept, first))
            continue
        alone = standalone and piece.kind == "%" and _alone(text, piece.start, piece.end - 1)
        previous = tokens[-1] if tokens and tokens[-1].kind == "text" else None
        if previous is not None and (alone or piece.text.startswith("~")):
            previous.text = _strip_indent(previous.text) if alone else _strip_end(previous.text)
            if not previous.text:
                tokens.pop()
        body = piece.text.strip().strip("~").strip()
        tokens.append(_directive(body, source, piece.line) if piece.kind == "%" else
                      _Node("interp", line=piece.line, expr=parse_expression(body, source, piece.line)))
        strip_next = alone or piece.text.endswith("~")  # the rest of its line, line break included
    return tokens


def _alone(text: str, start: int, end: int) -> bool:
    """Whether the sequence text[start:end + 1] is the only thing on its line."""
    before = text.rfind("\n", 0, start) + 1
    after = text.find("\n", end + 1)
    rest = text[end + 1:] if after < 0 else text[end + 1:after]
    return not text[before:start].strip(" \t") and not rest.strip(" \t\r")


def _strip_indent(text: str) -> str:
    """The spaces and tabs at the end of `text` (after its last line break)."""
    end = len(text)
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    return text[:end]


def _strip_start(text: str) -> str:
    """`~}`: the whitespace after it up to and including the next line break (the next line's
    indentation stays: HCL's spec, "Template Literals")."""
    i = 0
    while i < len(text) and text[i] in " \t":
        i += 1
    if text.startswith("\r\n", i):
        return text[i + 2:]
    return text[i + 1:] if text.startswith("\n", i) else text[i:]


def _strip_end(text: str) -> str:
    """`{~`: HCL trims the literal token before it, and its scanner ends literal tokens at line breaks:
    the spaces before the marker on its line; or, for a marker at the start of a line, the line break
    before it and that line's trailing spaces."""
    end = len(text)
    if text.endswith("\n"):
        end -= 1
        while end > 0 and text[end - 1] in " \t\r":
            end -= 1
        return text[:end]
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    return text[:end]


def _directive(body: str, source: str, line: int) -> _Node:
    word, _, rest = body.partition(" ")
    if word == "if":
        return _Node("if", line=line, expr=parse_expression(rest, source, line))
    if word in ("else", "endif", "endfor"):
        return _Node(word, line=line)
    if word == "for" and " in " in rest:
        names, _, collection = rest.partition(" in ")
        return _Node("for", line=line, names=tuple(n.strip() for n in names.split(",")),
                     expr=parse_expression(collection, source, line))
    raise InputError(f"Terraform template {source}: line {line}: a directive omaudit cannot read")


def _parse(tokens: list[_Node], source: str) -> list[_Node]:
    """Nest if/else/endif and for/endfor."""
    root: list[_Node] = []
    stack: list[tuple[_Node, list[_Node]]] = []
    current = root
    for token in tokens:
        if token.kind in ("if", "for"):
            current.append(token)
            stack.append((token, current))
            current = token.body
        elif token.kind == "else" and stack and stack[-1][0].kind == "if":
            current = stack[-1][0].other
        elif token.kind in ("endif", "endfor") and stack and stack[-1][0].kind == token.kind[3:]:
            current = stack.pop()[1]
        elif token.kind in ("else", "endif", "endfor"):
            raise InputError(f"Terraform template {source}: line {token.line}: %{{ {token.kind} }} without its start")
        else:
            current.append(token)
    if stack:
        raise InputError(f"Terraform template {source}: line {stack[-1][0].line}: %{{ {stack[-1][0].kind} }} "
                         "is never closed")
    return root
