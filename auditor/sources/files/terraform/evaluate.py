"""Evaluating Terraform expressions to what a plan would know without a provider.

Values are Python's: str, int, float, bool, None, list, dict. What cannot be known here is an
`Unresolved` naming why (a variable with no value, a data source, another resource's attribute, a
function not evaluated): it propagates through every operation, so an attribute that reads it is
unknown, never a guess. Terraform's semantics followed: developer.hashicorp.com/terraform/language
(expressions, functions); a conditional whose test is unknown is unknown unless both results agree.

Bounds, for a hostile file: a collection built here holds at most MAX_ITEMS elements and a string at
most MAX_STRING characters (InputError past them), and expressions nest at most as deep as Python's
recursion allows (RecursionError, turned into one line by the reader).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from auditor.common.errors import InputError
from auditor.sources.files.terraform.syntax import (
    Binary,
    Call,
    Conditional,
    Directive,
    Expr,
    For,
    GetAttr,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Splat,
    Template,
    TupleExpr,
    Unary,
)

MAX_ITEMS = 10_000
MAX_WEIGHT = 100_000
MAX_STEPS = 1_000_000  # about 3 s of evaluation here; the real modules read take under 1,000
MAX_STRING = 1024 * 1024


@dataclass(frozen=True)
class Unresolved:
    """A value the configuration alone does not decide, and why (named, as reports show it)."""

    why: str


class Lazy:
    """An object whose attributes are evaluated on first use (locals, a module's outputs), with a cycle
    (local.a = local.b, local.b = local.a) unresolved rather than endless."""

    def __init__(self, compute: Callable[[str], Any], names: set[str], what: str) -> None:
        self._compute = compute
        self._names = names
        self._what = what
        self._done: dict[str, Any] = {}
        self._busy: set[str] = set()

    def get(self, name: str) -> Any:
        if name in self._done:
            return self._done[name]
        if name not in self._names:
            return Unresolved(f"{self._what}.{name} is not declared")
        if name in self._busy:
            return Unresolved(f"{self._what}.{name} refers to itself")
        self._busy.add(name)
        try:
            value = self._compute(name)
        finally:
            self._busy.discard(name)
        self._done[name] = value
        return value

    def whole(self) -> dict[str, Any]:
        return {name: self.get(name) for name in sorted(self._names)}


class Written(Lazy):
    """Another resource of the same module, as an expression that names it sees it: an argument its
    block writes has the value written there (Terraform knows configuration at plan time); any other
    attribute (`id`, `arn`, a computed `endpoint`) is known after apply."""

    def __init__(self, address: str, values: Mapping[str, Any]) -> None:
        super().__init__(values.__getitem__, set(values), address)

    def get(self, name: str) -> Any:
        if name not in self._names:
            return _outside(f"{self._what}.{name}")
        return super().get(name)


class Scope:
    """What names mean where an expression stands: `var`, `local`, `each`, `count`, `path`, a module's
    outputs, iterators of for-expressions and dynamic blocks. A name it does not know is a resource
    type (aws_x.y.attr: known after apply) or a data source."""

    def __init__(self, names: Mapping[str, Any], parent: Scope | None = None) -> None:
        self.names = dict(names)
        self.parent = parent

    def child(self, names: Mapping[str, Any]) -> Scope:
        return Scope(names, self)

    def lookup(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return _MISSING


_MISSING = object()
# A scope name no configuration can write: what reads file(), fileexists() and templatefile()
# (templates.FileReader, bound to the scanned folder).
FILE_READER = "\0files"


def evaluate(expr: Expr, scope: Scope) -> Any:
    """The expression's value, or an Unresolved. An expression Terraform itself rejects (`"a" + 1`, a
    condition that is not a bool, a list as an object key) is an InputError that quotes no value."""
    try:
        return _Evaluator(scope).run(expr)
    except (TypeError, ValueError, ArithmeticError, KeyError, IndexError, AttributeError):
        raise InputError("an expression Terraform rejects (a value of the wrong type or out of range)") from None


class _Budget:
    """Evaluation steps left in this scan: a module whose expressions take more (nested for
    expressions over ranges, templates that include each other) is refused, not waited for."""

    left = 0

    @classmethod
    def start(cls) -> None:
        cls.left = MAX_STEPS

    @classmethod
    def spend(cls) -> None:
        cls.left -= 1
        if cls.left < 0:
            raise InputError(f"evaluating this module takes more than {MAX_STEPS} steps")


start_budget = _Budget.start
spend = _Budget.spend


def traversal(expr: Expr) -> str | None:
    """`aws_x.y[0].id` as text (indexes as written when literal), or None when the expression is not a
    plain reference."""
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, GetAttr):
        inner = traversal(expr.obj)
        return None if inner is None else f"{inner}.{expr.name}"
    if isinstance(expr, Index):
        inner = traversal(expr.obj)
        key = expr.key.value if isinstance(expr.key, Lit) else "*"
        return None if inner is None else f"{inner}[{json.dumps(key)}]"
    if isinstance(expr, Splat):
        return traversal(expr.obj)
    return None


def references(expr: Expr) -> list[str]:
    """Every reference an expression makes, as text (for linking a client to its pool: the plan's
    configuration lists the same)."""
    found: list[str] = []
    stack: list[Any] = [expr]
    while stack:
        node = stack.pop()
        text = traversal(node) if isinstance(node, (Name, GetAttr, Index, Splat)) else None
        if text is not None:
            found.append(text)
            continue
        for value in vars(node).values() if hasattr(node, "__dataclass_fields__") else ():
            if isinstance(value, tuple):
                stack.extend(v for v in _flat(value) if hasattr(v, "__dataclass_fields__"))
            elif hasattr(value, "__dataclass_fields__"):
                stack.append(value)
    return found


def _flat(values: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        out.extend(_flat(value) if isinstance(value, tuple) else [value])
    return out


def unresolved_in(value: Any) -> Unresolved | None:
    """The first Unresolved anywhere inside a value (a block with one unknown attribute is unknown).
    Each container is visited once: values share containers (`[local.a, local.a]`), and a walk that
    followed every path would be exponential in the nesting."""
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            return item
        if isinstance(item, (dict, list)):
            if id(item) in seen:
                continue
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)
    return None


class _Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def run(self, expr: Expr) -> Any:
        _Budget.spend()
        if isinstance(expr, Lit):
            return expr.value
        if isinstance(expr, Template):
            return self.template(expr)
        if isinstance(expr, Directive):
            return Unresolved("a template directive (%{ if } or %{ for }) is not evaluated")
        if isinstance(expr, TupleExpr):
            return _bounded([self.run(item) for item in expr.items])
        if isinstance(expr, ObjectExpr):
            out: dict[str, Any] = {}
            for key_expr, value_expr in expr.items:
                key = self.run(key_expr)
                if isinstance(key, Unresolved):
                    return key
                out[_string(key)] = self.run(value_expr)
            return _bounded(out)
        if isinstance(expr, Name):
            return self.name(expr.name)
        if isinstance(expr, GetAttr):
            return self.get_attr(expr)
        if isinstance(expr, Index):
            outside = self.outside(expr)
            return outside if outside is not None else self.index(self.run(expr.obj), self.run(expr.key), expr)
        if isinstance(expr, Splat):
            return self.splat(expr)
        if isinstance(expr, Call):
            return self.call(expr)
        if isinstance(expr, Conditional):
            test = self.run(expr.test)
            if isinstance(test, Unresolved):
                then, other = self.run(expr.then), self.run(expr.other)
                return then if then == other and unresolved_in(then) is None else test
            return self.run(expr.then if _bool(test) else expr.other)
        if isinstance(expr, Binary):
            return self.binary(expr)
        if isinstance(expr, Unary):
            value = self.run(expr.operand)
            if isinstance(value, Unresolved):
                return value
            return (not _bool(value)) if expr.op == "!" else -_number(value)
        if isinstance(expr, For):
            return self.for_expr(expr)
        raise InputError("an expression omaudit cannot evaluate")

    def template(self, expr: Template) -> Any:
        if len(expr.parts) == 1 and not isinstance(expr.parts[0], str):
            return self.run(expr.parts[0])  # "${x}" is x, with its type
        pieces: list[str] = []
        for part in expr.parts:
            value = part if isinstance(part, str) else self.run(part)
            if unresolved_in(value) is not None:
                return unresolved_in(value)
            try:
                pieces.append(_string(value))
            except NotHere as exc:
                return Unresolved(str(exc))
        text = "".join(pieces)
        if len(text) > MAX_STRING:
            raise InputError(f"a Terraform string longer than {MAX_STRING} characters")
        return text

    def name(self, name: str) -> Any:
        value = self.scope.lookup(name)
        return _outside(name) if value is _MISSING else value

    def get_attr(self, expr: GetAttr) -> Any:
        outside = self.outside(expr)
        return outside if outside is not None else self.attr(self.run(expr.obj), expr.name, expr)

    def outside(self, expr: Expr) -> Unresolved | None:
        """A reference whose first name this scope does not hold: another resource's attribute or a
        data source, named whole (`aws_cognito_user_pool.pool[0].id`)."""
        root = expr
        while isinstance(root, (GetAttr, Index, Splat)):
            root = root.obj
        if isinstance(root, Name) and self.scope.lookup(root.name) is _MISSING:
            return _outside(traversal(expr) or root.name)
        return None

    def attr(self, obj: Any, name: str, expr: Expr) -> Any:
        if isinstance(obj, Unresolved):
            return obj
        if isinstance(obj, Lazy):
            return obj.get(name)
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
            text = traversal(expr) or name
            return Unresolved(f"{text} is not declared" if text == f"var.{name}" else f"{text}: no such attribute")
        return Unresolved(f"{traversal(expr) or name}: not an object")

    def index(self, obj: Any, key: Any, expr: Expr) -> Any:
        if isinstance(obj, Unresolved):
            return obj
        if isinstance(key, Unresolved):
            return key
        if isinstance(obj, Lazy):
            return obj.get(_string(key))
        if isinstance(obj, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
            return obj[int(key)] if 0 <= int(key) < len(obj) else Unresolved(
                f"{traversal(expr) or 'index'}: out of range")
        if isinstance(obj, dict):
            return obj.get(_string(key), Unresolved(f"{traversal(expr) or 'key'}: no such key"))
        return Unresolved(f"{traversal(expr) or 'index'}: cannot be indexed")

    def splat(self, expr: Splat) -> Any:
        outside = self.outside(expr)
        if outside is not None:
            return outside
        obj = self.run(expr.obj)
        if isinstance(obj, Unresolved):
            return obj
        items = obj if isinstance(obj, list) else [] if obj is None else [obj]
        out = []
        for item in items:
            for step, arg in expr.steps:
                if step == "attr":
                    item = self.attr(item, str(arg), expr)
                else:
                    key = self.run(arg) if not isinstance(arg, str) else arg
                    item = self.index(item, key, expr)
            out.append(item)
        return out

    def binary(self, expr: Binary) -> Any:
        left = self.run(expr.left)
        if expr.op in ("&&", "||") and not isinstance(left, Unresolved):
            if expr.op == "&&" and not _bool(left):
                return False
            if expr.op == "||" and _bool(left):
                return True
            right = self.run(expr.right)
            return right if isinstance(right, Unresolved) else _bool(right)
        right = self.run(expr.right)
        for side in (left, right):
            if isinstance(side, Unresolved):
                return side
        op = expr.op
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        a, b = _number(left), _number(right)
        if op in ("<", ">", "<=", ">="):
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        if op == "+":
            return _number_result(a + b)
        if op == "-":
            return _number_result(a - b)
        if op == "*":
            return _number_result(a * b)
        if b == 0:
            raise InputError("a Terraform expression divides by zero")
        if op == "%" and (a < 0 or b < 0 or isinstance(a, float) or isinstance(b, float)):
            return Unresolved("a remainder of negative or fractional numbers is not evaluated by omaudit")
        return _number_result(a / b if op == "/" else a % b)

    def for_expr(self, expr: For) -> Any:
        collection = self.run(expr.collection)
        if isinstance(collection, Unresolved):
            return collection
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return Unresolved("a for expression over something not a collection")
        tuple_out: list[Any] = []
        object_out: dict[str, Any] = {}
        for key, value in pairs:
            names = {expr.value_var: value, **({expr.key_var: key} if expr.key_var else {})}
            inner = _Evaluator(self.scope.child(names))
            if expr.cond is not None:
                keep = inner.run(expr.cond)
                if isinstance(keep, Unresolved):
                    return keep
                if not _bool(keep):
                    continue
            if expr.key is None:
                tuple_out.append(inner.run(expr.value))
                continue
            out_key = inner.run(expr.key)
            if isinstance(out_key, Unresolved):
                return out_key
            if expr.group:
                object_out.setdefault(_string(out_key), []).append(inner.run(expr.value))
            else:
                object_out[_string(out_key)] = inner.run(expr.value)
        return _bounded(tuple_out) if expr.key is None else _bounded(object_out)

    def call(self, expr: Call) -> Any:
        name = expr.name.split("::")[-1]
        if name in ("try", "can"):
            return self.try_can(name, expr)
        if name in ("file", "templatefile", "fileexists"):
            return self.file_call(name, expr)
        function = FUNCTIONS.get(name)
        if function is None:
            return Unresolved(f"{expr.name}() is not evaluated by omaudit")
        args = [self.run(a) for a in expr.args]
        if expr.expand and args:
            last = args.pop()
            if isinstance(last, Unresolved):
                return last
            args.extend(last if isinstance(last, list) else [])
        if name not in _LENIENT:
            for arg in args:
                if isinstance(arg, Unresolved):
                    return arg
        try:
            result = function(*args)
        except NotHere as exc:
            return Unresolved(str(exc))
        except Fails:
            return Unresolved(f"{name}() with these arguments fails in Terraform too")
        except InputError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError):
            return Unresolved(f"{name}() with these arguments is not evaluated by omaudit")
        if isinstance(result, str) and len(result) > MAX_STRING:
            raise InputError(f"a Terraform string longer than {MAX_STRING} characters")
        return _bounded(result) if isinstance(result, (list, dict)) else result

    def file_call(self, name: str, expr: Call) -> Any:
        """file(), fileexists() and templatefile(), by the reader the module's scope carries (templates.py:
        files inside the scanned folder only); unknown where there is none."""
        reader = self.scope.lookup(FILE_READER)
        args = [self.run(a) for a in expr.args]
        for arg in args:
            if isinstance(arg, Unresolved):
                return arg
        if reader is _MISSING or not args or not isinstance(args[0], str):
            return Unresolved(f"{name}() is not evaluated here")
        return reader(name, args)

    def try_can(self, name: str, expr: Call) -> Any:
        """try(): the first argument that evaluates without an error; an unknown one makes it unknown
        (Terraform: try cannot tell yet). can(): whether the first does."""
        for arg in expr.args:
            value = self.run(arg)
            failed = isinstance(value, Unresolved) and value.why.endswith(_FAILS)
            if name == "can":
                return not failed if not isinstance(value, Unresolved) or failed else value
            if not failed:
                return value
        return Unresolved("try(): no argument evaluates")


# Reasons that are Terraform errors for certain (try() moves past them). A function of ours that fails
# is not one of them: where its semantics might differ from Terraform's, the value is unknown, never
# the fallback (an attack chose expressions Terraform evaluates one way and a lax copy another).
_FAILS = ("no such attribute", "no such key", "out of range", "cannot be indexed", "not an object",
          "is not declared", "fails in Terraform too")


def _outside(text: str) -> Unresolved:
    root = text.split(".", 1)[0].split("[", 1)[0]
    if root == "data":
        return Unresolved(f"{text}: a data source, read by the provider")
    if root in ("var", "local", "each", "count", "self", "module"):
        return Unresolved(f"{text}: not available here")
    return Unresolved(f"{text}: another resource's attribute, known after apply")


# ---- functions ---------------------------------------------------------------------------------------

def _bounded(items: Any) -> Any:
    """A collection built here, refused past MAX_ITEMS elements or MAX_WEIGHT values in all (counting a
    shared inner collection each time it appears, as a copy would: `[local.a, local.a]` doubles)."""
    if len(items) > MAX_ITEMS:
        raise InputError(f"a Terraform collection of more than {MAX_ITEMS} elements")
    if _weight(items, {}) > MAX_WEIGHT:
        raise InputError(f"a Terraform value of more than {MAX_WEIGHT} elements in all")
    return items


def _weight(value: Any, memo: dict[int, int]) -> int:
    """How many values `value` holds once expanded, each shared container counted once per use but
    measured once (memo), so measuring stays linear; a string weighs one per 256 characters."""
    if isinstance(value, str):
        return 1 + len(value) // 256
    if not isinstance(value, (dict, list)):
        return 1
    if id(value) in memo:
        return memo[id(value)]
    memo[id(value)] = MAX_WEIGHT + 1  # a container inside itself cannot be built here; if it were, it is refused
    total = 1 + sum(_weight(v, memo) for v in (value.values() if isinstance(value, dict) else value))
    memo[id(value)] = min(total, MAX_WEIGHT + 1)
    return memo[id(value)]


def _number_result(value: int | float) -> int | float:
    """Arithmetic results past 2**63 are refused (Python's integers would grow without bound)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise InputError("a Terraform number that is not finite")
    if abs(value) > 2 ** 63:
        raise InputError("a Terraform number larger than 2**63")
    return value


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float) and ("e" in repr(value) or not value == value):
        raise NotHere("a number written in exponent form is not evaluated by omaudit")
    if isinstance(value, (str, int, float)):
        return str(value)
    if value is None:
        return ""
    raise TypeError("not a string")


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return float(value) if any(c in value for c in ".eE") else int(value)
    raise TypeError("not a number")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise TypeError("not a bool")


def _format(spec: str, *args: Any) -> str:
    """Terraform's format() for plain %s %d %v %q %t and %%: a flag, width or precision (`%-5t`, `%6t`),
    or another verb, is not evaluated here (Go's fmt has rules of its own: unknown, not a guess)."""
    if len(spec) + sum(len(a) if isinstance(a, str) else 32 for a in args) > MAX_STRING:
        raise InputError(f"a Terraform string longer than {MAX_STRING} characters")
    out: list[str] = []
    i, n = 0, 0
    while i < len(spec):
        char = spec[i]
        if char != "%":
            out.append(char)
            i += 1
            continue
        verb = spec[i + 1] if i + 1 < len(spec) else ""
        i += 2
        if verb == "%":
            out.append("%")
            continue
        value = args[n]
        n += 1
        if verb in ("s", "v"):
            out.append(_string(value) if not isinstance(value, (list, dict)) else json.dumps(value))
        elif verb == "d":
            number = _number(value)
            if isinstance(number, float) and not number.is_integer():
                raise Fails("format() %d of a fraction")
            out.append(str(int(number)))
        elif verb == "q":
            out.append(json.dumps(_string(value)))
        elif verb == "t":
            out.append(_string(_bool(value)))
        else:
            raise NotHere(f"format() with %{verb} is not evaluated by omaudit")
    return "".join(out)


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise TypeError("merge of a non-map")
        out.update(item)
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if isinstance(mapping, dict) and _string(key) in mapping:
        return mapping[_string(key)]
    if default:
        return default[0]
    raise Fails("lookup() of a missing key without a default")


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in value:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return list(_bounded(out))


def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unresolved):
            return value
        if value is not None and value != "":
            return value
    raise Fails("coalesce() with no non-null, non-empty argument")


def _toset(values: Any) -> list[Any]:
    """A set of strings is ordered lexically (cty); of anything else, its order is not evaluated here."""
    seen = list(values or [])
    if all(isinstance(v, str) for v in seen):
        return sorted(set(seen))
    raise NotHere("toset() of values that are not strings is not evaluated by omaudit")


class Fails(ValueError):
    """A function call Terraform itself refuses (coalesce of nothing, lookup of a missing key without a
    default): try() moves past it, can() is false."""


class NotHere(ValueError):
    """A function whose result here might differ from Terraform's (its semantics on this input are not
    reproduced): the value is unknown."""


def _ascii(value: Any, name: str) -> str:
    """Text functions are evaluated on ASCII text only: Terraform counts grapheme clusters and uses Go's
    Unicode case rules (upper("ß") stays "ß"), which Python's str does not."""
    text = _string(value)
    if not text.isascii():
        raise NotHere(f"{name}() of non-ASCII text is not evaluated by omaudit")
    return text


def _title(value: Any) -> str:
    """Go's strings.Title on ASCII: a letter after a separator (neither a letter, a digit nor `_`) is
    upper-cased (`title("a_b")` is "A_b")."""
    out, previous = [], " "
    for char in _ascii(value, "title"):
        out.append(char.upper() if not (previous.isalnum() or previous == "_") else char)
        previous = char
    return "".join(out)


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(_ascii(value, "length"))
    if isinstance(value, (list, dict)):
        return len(value)
    raise TypeError("not a collection")


def _range(*args: Any) -> list[Any]:
    """Terraform's range(): range(n) counts from 0 (n >= 0); the step defaults to 1 upward and -1
    downward (range(3, 0) is [3, 2, 1]); at most 1024 values, else Terraform refuses it (go-cty stdlib)."""
    numbers = [_number(a) for a in args]
    start: int | float
    stop: int | float
    step: int | float
    if len(numbers) == 1:
        start, stop, step = 0, numbers[0], 1
        if stop < 0:
            raise Fails("range() of a negative count")
    else:
        start, stop = numbers[0], numbers[1]
        step = numbers[2] if len(numbers) > 2 else (1 if start <= stop else -1)
    if step == 0 or (step > 0 and start > stop) or (step < 0 and start < stop):
        raise Fails("range() whose step never reaches its end")
    out: list[Any] = []
    value = start
    while (value < stop) if step > 0 else (value > stop):
        out.append(value)
        if len(out) > 1024:
            raise Fails("range() of more than 1024 values")
        value += step
    return out


def _element(values: Any, index: Any) -> Any:
    if not values:
        raise Fails("element() of an empty list")
    position = int(_number(index))
    if position < 0:
        raise NotHere("element() with a negative index is not evaluated by omaudit")
    return values[position % len(values)]


def _one(values: Any) -> Any:
    if not values:
        return None
    if len(values) > 1:
        raise Fails("one() of several")
    return values[0]


def _tobool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise Fails("tobool() of something that is not a bool")


def _jsonencode(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _yamlencode(value: Any) -> str:
    return str(yaml.safe_dump(value, sort_keys=False))


def _replace(text: Any, old: Any, new: Any) -> str:
    old_text = _string(old)
    if old_text.startswith("/") and old_text.endswith("/") and len(old_text) > 1:
        raise ValueError("regular-expression replace")
    result = _string(text).replace(old_text, _string(new))
    if len(result) > MAX_STRING:
        raise InputError(f"a Terraform string longer than {MAX_STRING} characters")
    return result


def _join(separator: Any, *lists: Any) -> str:
    items = [_string(v) for values in lists for v in values]
    result = _string(separator).join(items)
    if len(result) > MAX_STRING:
        raise InputError(f"a Terraform string longer than {MAX_STRING} characters")
    return result


def _fails(why: str) -> Any:
    raise Fails(why)


_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def _tonumber(value: Any) -> int | float:
    """Terraform's tonumber(): a number, or a string written as a decimal number (no `1_0`, no spaces)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return _number(value)
    raise Fails("tonumber() of something that is not a number")


def _slice(values: Any, start: Any, end: Any) -> list[Any]:
    first, last = int(_number(start)), int(_number(end))
    if not isinstance(values, list) or first < 0 or last > len(values) or first > last:
        raise Fails("slice() out of range")
    return values[first:last]


def _jsondecode(text: Any) -> Any:
    def constant(name: str) -> Any:
        raise Fails(f"jsondecode() of {name}")

    return json.loads(_string(text), parse_constant=constant)


def _distinct(values: Any) -> list[Any]:
    """In one pass (a quadratic one let 30 calls on 10,000 values run for a minute): values compared as
    their JSON text, as Terraform compares values of one type."""
    if not isinstance(values, list):
        raise TypeError("not a list")
    seen: set[str] = set()
    out: list[Any] = []
    for value in values:
        key = json.dumps(value, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": lambda s: _ascii(s, "lower").lower(),
    "upper": lambda s: _ascii(s, "upper").upper(),
    "title": _title,
    "trimspace": lambda s: _ascii(s, "trimspace").strip(),
    "trimprefix": lambda s, p: _string(s).removeprefix(_string(p)),
    "trimsuffix": lambda s, p: _string(s).removesuffix(_string(p)),
    "format": lambda spec, *args: _format(_string(spec), *args),
    "join": _join,
    "split": lambda sep, s: _string(s).split(_string(sep)),
    "replace": _replace,
    "substr": lambda s, offset, length: _ascii(s, "substr")[int(offset):(int(offset) + int(length)) if int(length) >= 0
                                                   else None],
    "startswith": lambda s, p: _string(s).startswith(_string(p)),
    "endswith": lambda s, p: _string(s).endswith(_string(p)),
    "strcontains": lambda s, p: _string(p) in _string(s),
    "tostring": lambda v: None if v is None else _string(v),
    "tonumber": lambda v: None if v is None else _tonumber(v),
    "tobool": _tobool,
    "tolist": lambda v: list(v) if isinstance(v, list) else _fails("tolist() of something that is not a list"),
    "toset": _toset,
    "tomap": lambda v: dict(v) if isinstance(v, dict) else _bad(),
    "concat": lambda *lists: _bounded([v for values in lists for v in values]),
    "merge": lambda *maps: _bounded(_merge(*maps)),
    "lookup": _lookup,
    "element": _element,
    "length": _length,
    "keys": lambda m: sorted(m) if isinstance(m, dict) else _bad(),
    "values": lambda m: [m[k] for k in sorted(m)] if isinstance(m, dict) else _bad(),
    "contains": lambda values, v: v in values,
    "distinct": lambda values: _distinct(values),
    "compact": lambda values: [v for v in values if v not in (None, "")],
    "flatten": _flatten,
    "coalesce": _coalesce,
    "coalescelist": lambda *lists: next((values for values in lists if values), []),
    "zipmap": lambda ks, vs: {_string(k): v for k, v in zip(ks, vs, strict=True)},
    "range": _range,
    "max": lambda *v: max(_number(x) for x in v),
    "min": lambda *v: min(_number(x) for x in v),
    "abs": lambda v: abs(_number(v)),
    "one": _one,
    "sort": lambda values: sorted(_string(v) for v in values),
    "reverse": lambda values: list(reversed(values)),
    "slice": _slice,
    "jsonencode": _jsonencode,
    "yamlencode": _yamlencode,
    "jsondecode": _jsondecode,
}
# Functions that see an Unresolved argument themselves (lookup into an unknown map is unknown).
_LENIENT = {"coalesce"}


def _bad() -> Any:
    raise TypeError("wrong type")
