"""Terraform's configuration language as written: a `.tf` file parsed by python-hcl2's grammar (lark,
LALR; the parse tree only, none of its evaluation helpers) into blocks, attributes and a small
expression tree with each block's line. `.tf.json` files give the same blocks (Terraform's JSON
syntax: a string is a template, an object under a resource is a nested block).

Nothing here evaluates: auditor.sources.files.terraform.evaluate does, and only the functions it knows.
Messages name a file and a line, never the text found there (a tfvars line can hold a secret).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from auditor.common.errors import InputError
from auditor.common.untrusted import MalformedInput, load_json

MAX_TF_BYTES = 1024 * 1024  # a real module's file is a few KiB
MAX_TOKENS = 60_000  # per file: lgallard's variables.tf, one of the largest real ones, has about 9,000
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+|[^\sA-Za-z0-9_.\-]")


# ---- the expression tree ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Lit:
    value: Any


@dataclass(frozen=True)
class Template:
    """A quoted string or heredoc: literal text and interpolated expressions; a lone interpolation
    keeps its value's type ("${var.list}" is the list)."""

    parts: tuple[str | Expr, ...]


@dataclass(frozen=True)
class Directive:
    """A template directive (%{ if } / %{ for }): not evaluated; what it decides is unknown."""


@dataclass(frozen=True)
class TupleExpr:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class ObjectExpr:
    items: tuple[tuple[Expr, Expr], ...]  # a bare-name key is a Lit


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class GetAttr:
    obj: Expr
    name: str


@dataclass(frozen=True)
class Index:
    obj: Expr
    key: Expr


@dataclass(frozen=True)
class Splat:
    """`x[*].a` or `x.*.a`: the steps after the splat apply to each element."""

    obj: Expr
    steps: tuple[tuple[str, Expr | str], ...]  # ("attr", name) or ("index", key)


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    expand: bool = False  # f(list...)


@dataclass(frozen=True)
class Conditional:
    test: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr


@dataclass(frozen=True)
class For:
    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # None: a tuple ([for ...]); else an object ({for ... : k => v})
    value: Expr
    cond: Expr | None
    group: bool = False  # `...`: values grouped by key


Expr = (Lit | Template | Directive | TupleExpr | ObjectExpr | Name | GetAttr | Index | Splat | Call | Conditional
        | Binary | Unary | For)


# ---- blocks and attributes --------------------------------------------------------------------------

@dataclass(frozen=True)
class Attribute:
    name: str
    expr: Expr
    line: int


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    attributes: dict[str, Attribute]
    blocks: tuple[Block, ...]
    file: str  # relative to the scanned root
    line: int

    def children(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]


@dataclass
class Body:
    """A file's (or a module's) top-level blocks and attributes (a tfvars file has only attributes)."""

    blocks: list[Block] = field(default_factory=list)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    tokens: int = 0  # about how many tokens the text has (the parser's cost)


# A quoted string whose interpolations are written over several lines (`"a.${\n  var.x\n}.b"`): valid HCL
# (newlines inside `${ }` are ignored; squidfunk/terraform-aws-cognito-auth writes them), which python-hcl2's
# grammar refuses. Each is put on one line, and the line ends it took are put back at the end of the line
# the string closes on, so every later line keeps its number.
_SPLIT_STRING = re.compile(r'"(?:[^"\\\n$]|\\.|\$(?!\{)|\$\{[^{}"]*\})*"')


def _one_line_interpolations(text: str) -> str:
    if "${\n" not in text.replace(" ", "").replace("\t", "") and "\n}" not in text:
        return text
    out: list[str] = []
    last = 0
    owed = 0  # line ends taken out of strings, put back at the next line end
    for match in _SPLIT_STRING.finditer(text):
        piece = match.group()
        if "\n" not in piece:
            continue
        between = text[last:match.start()]
        if owed and "\n" in between:
            cut = between.index("\n")
            between = between[:cut] + "\n" * owed + between[cut:]
            owed = 0
        out.append(between)
        out.append(" ".join(piece.split("\n")))
        owed += piece.count("\n")
        last = match.end()
    rest = text[last:]
    if owed:
        cut = rest.find("\n")
        rest = rest + "\n" * owed if cut == -1 else rest[:cut] + "\n" * owed + rest[cut:]
    return "".join(out) + rest


def parse_file(text: str, rel: str) -> Body:
    """A `.tf` or `.tfvars` file; InputError naming the file and line when it is not valid HCL."""
    # lazy: python-hcl2's grammar (and lark, under it) is built or loaded only for Terraform
    from hcl2.api import parses_to_tree
    from lark.exceptions import LarkError, UnexpectedInput

    text = _one_line_interpolations(text)
    tokens = len(_TOKEN.findall(text))
    if tokens > MAX_TOKENS:  # lark's LALR parser: about 40 us and 2.5 KB a token (a dense 1 MiB file: 45 s)
        raise InputError(f"Terraform file {rel}: more than {MAX_TOKENS} tokens: not read")
    try:
        tree = parses_to_tree(text)
    except UnexpectedInput as exc:
        raise InputError(f"Terraform file {rel}: line {exc.line}, column {exc.column}: not valid HCL") from None
    except (LarkError, RecursionError):
        raise InputError(f"Terraform file {rel}: not valid HCL") from None
    try:
        body = _Reader(rel).body(tree.children[0])
        body.tokens = tokens
        return body
    except RecursionError:
        raise InputError(f"Terraform file {rel}: expressions nested too deeply to read") from None


def parse_expression(text: str, rel: str, line: int) -> Expr:
    """One expression (an interpolation inside a heredoc or a JSON string)."""
    body = parse_file(f"__expr = {text.strip()}\n", rel)
    if "__expr" not in body.attributes:
        raise InputError(f"Terraform file {rel}: line {line}: not valid HCL")
    return body.attributes["__expr"].expr


def _token_text(node: Any) -> str:
    return str(node)


class _Reader:
    """The lark tree (hcl2.lark's rule names) as the tree above."""

    def __init__(self, rel: str) -> None:
        self.rel = rel

    def body(self, tree: Any) -> Body:
        out = Body()
        for child in _trees(tree):
            if child.data == "attribute":
                name = self.name(child.children[0])
                out.attributes[name] = Attribute(name, self.expr(child.children[2]), _line(child))
            elif child.data == "block":
                out.blocks.append(self.block(child))
        return out

    def block(self, tree: Any) -> Block:
        labels: list[str] = []
        inner = Body()
        for child in tree.children:
            if _is_tree(child) and child.data == "body":
                inner = self.body(child)
            elif _is_tree(child) and child.data == "string":
                template = self.string(child)
                labels.append("".join(p for p in template.parts if isinstance(p, str)))
            elif _is_tree(child) and child.data in ("identifier", "keyword", "literal_value"):
                labels.append(self.name(child))
        return Block(labels[0], tuple(labels[1:]), inner.attributes, tuple(inner.blocks), self.rel, _line(tree))

    def name(self, tree: Any) -> str:
        return _token_text(tree.children[0]) if _is_tree(tree) else _token_text(tree)

    def expr(self, tree: Any) -> Expr:
        kind = tree.data
        kids = [c for c in tree.children if not (_is_tree(c) and c.data == "new_line_or_comment")]
        if kind == "expr_term":
            inner = [c for c in kids if _is_tree(c)]
            return self.expr(inner[0])
        if kind in ("int_lit", "float_lit"):
            text = _token_text(kids[0])
            if len(text) > 40:  # Terraform's numbers are exact, but no real setting needs 40 digits
                raise InputError(f"Terraform file {self.rel}: line {_line(tree)}: a number of more than 40 digits")
            return Lit(int(text) if kind == "int_lit" else float(text))
        if kind == "literal_value":
            return Lit({"true": True, "false": False, "null": None}[_token_text(kids[0])])
        if kind == "identifier":
            return Name(_token_text(kids[0]))
        if kind == "string":
            return self.string(tree)
        if kind == "template_string":
            return Lit(_unescape(_token_text(kids[0])[2:-2]))
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(_token_text(kids[0]), kind.endswith("_trim"), _line(tree))
        if kind == "tuple":
            return TupleExpr(tuple(self.expr(c) for c in kids if _is_tree(c)))
        if kind == "object":
            return ObjectExpr(tuple(self.element(c) for c in kids if _is_tree(c) and c.data == "object_elem"))
        if kind == "function_call":
            names = [_token_text(c.children[0]) for c in kids if _is_tree(c) and c.data == "identifier"]
            args = next((c for c in kids if _is_tree(c) and c.data == "arguments"), None)
            values = tuple(self.expr(c) for c in args.children if _is_tree(c)
                           and c.data != "new_line_or_comment") if args is not None else ()
            expand = args is not None and any(not _is_tree(c) and str(c) == "..." for c in args.children)
            return Call("::".join(names), values, expand)
        if kind == "get_attr_expr_term":
            return GetAttr(self.expr(kids[0]), self.name(kids[1].children[1]))
        if kind == "index_expr_term":
            return Index(self.expr(kids[0]), self.index(kids[1]))
        if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
            steps: list[tuple[str, Expr | str]] = []
            for step in kids[1].children:
                if _is_tree(step) and step.data == "get_attr":
                    steps.append(("attr", self.name(step.children[1])))
                elif _is_tree(step):
                    steps.append(("index", self.index(step)))
            return Splat(self.expr(kids[0]), tuple(steps))
        if kind == "conditional":
            parts = [c for c in kids if _is_tree(c)]
            return Conditional(self.expr(parts[0]), self.expr(parts[1]), self.expr(parts[2]))
        if kind == "binary_op":
            term = kids[1]
            operator = next(c for c in term.children if _is_tree(c) and c.data == "binary_operator")
            right = next(c for c in term.children if _is_tree(c) and c.data not in ("binary_operator",
                                                                                  "new_line_or_comment"))
            return Binary(_token_text(operator.children[0]), self.expr(kids[0]), self.expr(right))
        if kind == "unary_op":
            return Unary(_token_text(kids[0]), self.expr(kids[1]))
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self.for_expr(kind, kids)
        raise InputError(f"Terraform file {self.rel}: line {_line(tree)}: an expression omaudit cannot read")

    def index(self, tree: Any) -> Expr:
        if tree.data == "short_index":
            return Lit(int(_token_text(tree.children[1])))
        return self.expr(next(c for c in tree.children if _is_tree(c) and c.data != "new_line_or_comment"))

    def element(self, tree: Any) -> tuple[Expr, Expr]:
        key_node = tree.children[0].children[0]
        value = self.expr(tree.children[2])
        if _is_tree(key_node) and key_node.data == "keyword":
            return Lit(_token_text(key_node.children[0])), value
        key = self.expr(key_node)
        return (Lit(key.name), value) if isinstance(key, Name) else (key, value)

    def for_expr(self, kind: str, kids: list[Any]) -> For:
        intro = next(c for c in kids if _is_tree(c) and c.data == "for_intro")
        intro_parts = [c for c in intro.children if _is_tree(c) and c.data != "new_line_or_comment"]
        names = [_token_text(c.children[0]) for c in intro_parts if c.data == "identifier"]
        collection = self.expr(next(c for c in intro_parts if c.data != "identifier"))
        cond_tree = next((c for c in kids if _is_tree(c) and c.data == "for_cond"), None)
        cond = self.expr(next(c for c in cond_tree.children if _is_tree(c) and c.data != "new_line_or_comment")
                         ) if cond_tree is not None else None
        body = [c for c in kids if _is_tree(c) and c.data not in ("for_intro", "for_cond", "new_line_or_comment")]
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        if kind == "for_tuple_expr":
            return For(key_var, value_var, collection, None, self.expr(body[0]), cond)
        group = any(not _is_tree(c) and str(c) == "..." for c in kids)
        return For(key_var, value_var, collection, self.expr(body[0]), self.expr(body[1]), cond, group)

    def string(self, tree: Any) -> Template:
        parts: list[str | Expr] = []
        for part in tree.children:
            if not _is_tree(part):
                continue  # the quotes
            piece = part.children[0]
            if not _is_tree(piece):
                text = _token_text(piece)
                kind = getattr(piece, "type", "")
                # HCL normalizes string literals to NFC: "e\u0301" and "\u00e9" are the same string.
                parts.append(text[1:] if kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE")
                             else unicodedata.normalize("NFC", _unescape(text)))
            elif piece.data == "interpolation":
                parts.append(self.expr(next(c for c in piece.children if _is_tree(c))))
            else:
                parts.append(Directive())
        return Template(tuple(parts))

    def heredoc(self, token: str, trim: bool, line: int) -> Template:
        lines = token.split("\n")
        body = lines[1:-2]  # the <<EOT line, then the closing marker's line and the final ""
        if trim:
            indents = [len(t) - len(t.lstrip(" \t")) for t in body if t.strip()]
            cut = min(indents, default=0)
            body = [t[cut:] for t in body]
        return template_of(("\n".join(body) + "\n") if body else "", self.rel, line)


@dataclass(frozen=True)
class Piece:
    """One run of a template's text: literal text (escapes resolved), or a `${...}` (kind "$") or
    `%{...}` (kind "%") sequence with its inner text; where it starts and ends, and its line."""

    kind: str
    text: str
    start: int
    end: int
    line: int


def template_pieces(text: str, where: str, line: int = 1) -> list[Piece]:
    """The text split as HCL's template scanner splits it; `$${` and `%%{` are escapes."""
    pieces: list[Piece] = []
    literal: list[str] = []
    begun = begun_line = 0
    i = 0
    while i < len(text):
        if text.startswith(("${", "%{"), i) and not text.startswith(("$${", "%%{"), i - 1 if i else 0):
            end = _closing(text, i + 2)
            if end < 0:
                raise InputError(f"{where}: line {line}: an unclosed {text[i:i + 2]}")
            if literal:
                pieces.append(Piece("text", "".join(literal), begun, i, begun_line))
                literal = []
            pieces.append(Piece(text[i], text[i + 2:end], i, end + 1, line))
            line += text.count("\n", i, end + 1)
            i = end + 1
            continue
        if not literal:
            begun, begun_line = i, line
        step = 3 if text.startswith(("$${", "%%{"), i) else 1
        literal.append(text[i + 1:i + 3] if step == 3 else text[i])
        line += text[i] == "\n"
        i += step
    if literal:
        pieces.append(Piece("text", "".join(literal), begun, len(text), begun_line))
    return pieces


def template_of(text: str, rel: str, line: int) -> Template:
    """A template's text (a heredoc's body, a JSON string) as literal parts and interpolations; a
    directive (`%{`) is not evaluated here (templatefile's are: auditor.sources.files.terraform.templates)."""
    parts: list[str | Expr] = []
    for piece in template_pieces(text, f"Terraform file {rel}", line):
        if piece.kind == "text":
            parts.append(unicodedata.normalize("NFC", piece.text))
        elif piece.kind == "%":
            parts.append(Directive())
        else:
            parts.append(parse_expression(piece.text.strip().strip("~").strip(), rel, piece.line))
    return Template(tuple(parts))


def _closing(text: str, start: int) -> int:
    """The index of the `}` closing an interpolation that starts at `start`, over nested braces and
    quoted strings; -1 when there is none."""
    depth, i, quoted = 0, start, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    """HCL's string escapes: \\n \\t \\r \\" \\\\ \\uNNNN \\UNNNNNNNN."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            width = {"u": 4, "U": 8}.get(nxt, 0)
            digits = text[i + 2:i + 2 + width]
            if width and len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                out.append(chr(min(int(digits, 16), 0x10FFFF)))
                i += 2 + width
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _is_tree(node: Any) -> bool:
    return hasattr(node, "data")


def _trees(tree: Any) -> list[Any]:
    return [c for c in tree.children if _is_tree(c)]


def _line(tree: Any) -> int:
    meta = getattr(tree, "meta", None)
    return int(getattr(meta, "line", 0) or 0)


# ---- Terraform's JSON syntax ------------------------------------------------------------------------

# Attributes of the resources read here whose value is a map, not a nested block.
_MAP_ATTRIBUTES = {"tags", "tags_all", "provider_details", "attribute_mapping", "variables", "triggers"}


def parse_json_file(text: str, rel: str) -> Body:
    """A `.tf.json` (or `.tfvars.json`) file: blocks as Terraform's JSON syntax nests them."""
    tokens = len(_TOKEN.findall(text))  # interpolations in its strings are parsed too: the same bound
    if tokens > MAX_TOKENS:
        raise InputError(f"Terraform file {rel}: more than {MAX_TOKENS} tokens: not read")
    try:
        doc = load_json(text, f"Terraform file {rel}", clean=False)
    except MalformedInput as exc:
        raise InputError(str(exc)) from None
    if not isinstance(doc, dict):
        raise InputError(f"Terraform file {rel} is not a JSON object")
    if _duplicate_key(text):
        # Terraform's JSON syntax keeps every block of a repeated key; a JSON parser keeps the last: refused
        # rather than judged without the others (an attack hid a weak pool this way).
        raise InputError(f"Terraform file {rel}: a key repeated in one object, which omaudit cannot read as "
                         "Terraform does: write each block once")
    out = Body(tokens=tokens)
    labels_by_type = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "locals": 0}
    for kind, value in doc.items():
        if kind not in labels_by_type:
            out.attributes[kind] = Attribute(kind, _json_value(value, rel), 1)  # a tfvars.json's values
            continue
        for labels, body in _json_blocks(value, labels_by_type[kind]):
            out.blocks.append(_json_block(kind, labels, body, rel))
    return out


def _duplicate_key(text: str) -> bool:
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        keys = [k for k, _ in items]
        found = found or len(keys) != len(set(keys))
        return dict(items)

    try:
        json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return False  # load_json above accepted it; its own bounds apply
    return found


def _json_blocks(value: Any, depth: int, labels: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if depth == 0:
        return [(labels, item) for item in (value if isinstance(value, list) else [value])]
    if isinstance(value, list):  # Terraform's JSON syntax: an array of objects where one object may stand
        return [found for item in value for found in _json_blocks(item, depth, labels)]
    if not isinstance(value, dict):
        return []
    return [found for key, inner in value.items() for found in _json_blocks(inner, depth - 1, (*labels, str(key)))]


def _json_block(kind: str, labels: tuple[str, ...], body: Any, rel: str) -> Block:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for name, value in (body.items() if isinstance(body, dict) else ()):
        nested = kind in ("resource", "data", "block") and name not in _MAP_ATTRIBUTES and name != "dynamic" and (
            isinstance(value, dict) or (isinstance(value, list) and value and all(isinstance(v, dict) for v in value)))
        if nested:
            for item in value if isinstance(value, list) else [value]:
                inner = _json_block("block", (), item, rel)
                blocks.append(Block(name, (), inner.attributes, inner.blocks, rel, 1))
        else:
            attributes[name] = Attribute(name, _json_value(value, rel), 1)
    return Block(kind, labels, attributes, tuple(blocks), rel, 1)


def _json_value(value: Any, rel: str) -> Expr:
    if isinstance(value, str):
        if "${" not in value and "%{" not in value:
            return Lit(unicodedata.normalize("NFC", value.replace("$${", "${").replace("%%{", "%{")))
        return template_of(value, rel, 1)
    if isinstance(value, list):
        return TupleExpr(tuple(_json_value(v, rel) for v in value))
    if isinstance(value, dict):
        return ObjectExpr(tuple((Lit(str(k)), _json_value(v, rel)) for k, v in value.items()))
    return Lit(value)
