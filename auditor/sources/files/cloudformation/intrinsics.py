"""CloudFormation's intrinsic functions and conditions, solved as far as the template and its parameters
decide them; what only a deployment decides stays unsolved (a rule reading it is SKIPPED or branched)."""

from __future__ import annotations

import base64
import re
from typing import Any

from auditor.sources.files.cognito_pool import ShapeError
from auditor.sources.files.yaml_doc import Tagged

# ---- CloudFormation -------------------------------------------------------------------------------

# Properties CloudFormation takes as Boolean or Integer, which a template may also give as strings
# (CloudFormation converts them; cfn-lint's E3012 accepts them); `!Ref` of a parameter is a string.
_BOOLEAN = {"AllowAdminCreateUserOnly", "CaseSensitive", "EnableTokenRevocation", "AllowedOAuthFlowsUserPoolClient",
            "GenerateSecret", "Required", "Mutable", "RequireUppercase", "RequireLowercase", "RequireNumbers",
            "RequireSymbols", "EnablePropagateAdditionalUserContextData", "Notify", "DeveloperOnlyAttribute",
            "AllowUnauthenticatedIdentities", "AllowClassicFlow"}
_INTEGER = {"MinimumLength", "TemporaryPasswordValidityDays", "PasswordHistorySize", "RefreshTokenValidity",
            "AccessTokenValidity", "IdTokenValidity", "AuthSessionValidity", "ManagedLoginVersion", "Priority",
            "RetryGracePeriodSeconds"}
# Properties no rule reads: an intrinsic there leaves the resource judgeable.
_IGNORED = {"UserPoolName", "ClientName", "UserPoolTags", "Domain", "UserPoolId", "ClientId", "SmsConfiguration",
            "EmailConfiguration", "VerificationMessageTemplate", "KeyConfiguration"}


def _coerced(key: str, value: Any) -> Any:
    if key in _BOOLEAN and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if key in _INTEGER and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def intrinsic_name(value: Any) -> str | None:
    """The intrinsic's name (Ref, Fn::If, ...) when `value` is one."""
    if isinstance(value, Tagged):
        return value.tag if value.tag == "Ref" else f"Fn::{value.tag}"
    # Exactly `Ref` or `Fn::...`: `TokenValidityUnits: {RefreshToken: days}` is a property, not an intrinsic.
    if isinstance(value, dict) and len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith(
            "Fn::")):
        return str(next(iter(value)))
    return None


class Template(dict[str, Any]):
    """A template's parameters (name -> the value `!Ref` gives: its Default, or its only AllowedValue),
    with its Conditions and Mappings: what intrinsics can be evaluated with before deploy."""

    def __init__(self, params: dict[str, Any], conditions: Any, mappings: Any) -> None:
        super().__init__(params)
        self.conditions: dict[str, Any] = conditions if isinstance(conditions, dict) else {}
        self.mappings: dict[str, Any] = mappings if isinstance(mappings, dict) else {}
        # Each named condition's truth, once: a hostile template naming conditions in conditions (an
        # Fn::Or of the previous one, twice, twenty deep) took exponential time (found by an attack).
        self.truths: dict[str, bool | None] = {}


NO_VALUE = object()  # `!Ref AWS::NoValue`: CloudFormation removes the property (AWS's default applies)
UNSOLVED = object()
_MAX_DEPTH = 16


def _args(value: Any) -> tuple[str, Any] | None:
    """(name without Fn::, arguments) of an intrinsic, in either spelling."""
    if isinstance(value, Tagged):
        return value.tag.removeprefix("Fn::"), value.value
    if isinstance(value, dict) and len(value) == 1:
        name, args = next(iter(value.items()))
        if name == "Ref" or str(name).startswith("Fn::") or name == "Condition":
            return str(name).removeprefix("Fn::"), args
    return None


def solve(value: Any, ctx: Template, depth: int = 0) -> Any:
    """The value an intrinsic gives whatever the stack's inputs are (literals, parameter defaults or
    their only allowed value, constant conditions, literal mappings), NO_VALUE, or UNSOLVED. A value
    that merely *looks* deploy-time (`!Sub 'false'`, `!If [Always, false, false]`) must not hide a
    finding (found by an attack on per-attribute unknowns). CloudFormation User Guide, "Intrinsic
    function reference" (Ref, Fn::Sub, Fn::Join, Fn::Select, Fn::FindInMap, Fn::If, Fn::Base64,
    condition functions)."""
    call = _args(value)
    if call is None:
        if isinstance(value, list):
            items = [solve(v, ctx, depth + 1) for v in value]
            return UNSOLVED if any(i is UNSOLVED for i in items) else [i for i in items if i is not NO_VALUE]
        if isinstance(value, dict):
            pairs = {k: solve(v, ctx, depth + 1) for k, v in value.items()}
            return UNSOLVED if any(v is UNSOLVED for v in pairs.values()) else {
                k: v for k, v in pairs.items() if v is not NO_VALUE}
        return value
    if depth > _MAX_DEPTH:
        return UNSOLVED
    name, args = call
    if name == "Condition":  # a condition used as a value: its truth
        truth = condition_value(args, ctx, depth + 1)
        return UNSOLVED if truth is None else truth
    if name == "Ref":
        if args == "AWS::NoValue":
            return NO_VALUE
        if isinstance(args, str) and args in ctx:
            return ctx[args]
        # Inside a structure, a Ref to another resource (`UserPoolId: !Ref Pool`) stays for the reader.
        return value if depth > 0 and isinstance(args, str) and not args.startswith("AWS::") else UNSOLVED
    if name == "Sub":
        text, names = (args[0], args[1]) if isinstance(args, list) and len(args) == 2 else (args, {})
        if not isinstance(text, str) or not isinstance(names, dict):
            return UNSOLVED
        known = {k: solve(v, ctx, depth + 1) for k, v in names.items()}

        def one(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("!"):
                return "${" + key[1:] + "}"
            found = known[key] if key in known else ctx.get(key, UNSOLVED)
            if not isinstance(found, str | int | float | bool):
                raise LookupError(key)
            return _text(found)
        try:
            return re.sub(r"\$\{([^}]{1,256})\}", one, text)
        except LookupError:
            return UNSOLVED
    if name == "Join" and isinstance(args, list) and len(args) == 2 and isinstance(args[0], str):
        items = solve(args[1], ctx, depth + 1)
        if isinstance(items, list) and all(isinstance(i, str | int | float | bool) for i in items):
            return args[0].join(_text(i) for i in items)
        return UNSOLVED
    if name == "Select" and isinstance(args, list) and len(args) == 2:
        index, items = solve(args[0], ctx, depth + 1), solve(args[1], ctx, depth + 1)
        try:
            return items[int(index)] if isinstance(items, list) else UNSOLVED
        except (ValueError, TypeError, IndexError):
            return UNSOLVED
    if name == "FindInMap" and isinstance(args, list) and len(args) == 3:
        keys = [solve(a, ctx, depth + 1) for a in args]
        found: Any = ctx.mappings
        for key in keys:
            if not isinstance(found, dict) or not isinstance(key, str) or key not in found:
                return UNSOLVED
            found = found[key]
        return solve(found, ctx, depth + 1)
    if name == "If" and not (isinstance(args, list) and len(args) == 3 and isinstance(args[0], str)):
        # Not CloudFormation (it takes a condition's name and two values): never judged as some value
        raise ShapeError("an Fn::If that is not a condition's name and two values")
    if name == "If":
        chosen = condition_value(args[0], ctx, depth + 1)
        if chosen is not None:
            return solve(args[1] if chosen else args[2], ctx, depth + 1)
        left, right = solve(args[1], ctx, depth + 1), solve(args[2], ctx, depth + 1)
        return left if left is not UNSOLVED and left == right else UNSOLVED
    if name == "Base64":
        text = solve(args, ctx, depth + 1)
        return base64.b64encode(text.encode()).decode() if isinstance(text, str) else UNSOLVED
    return UNSOLVED


def _text(value: str | int | float | bool) -> str:
    """A parameter or literal as CloudFormation's string functions see it (parameters are strings;
    a YAML `false` default is "false")."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def condition_value(value: Any, ctx: Template, depth: int) -> bool | None:
    """A condition's truth when the template decides it alone, else None."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, bool):  # a condition forced to one side (judging both branches of an Fn::If)
        return value
    if isinstance(value, str):  # a condition's name
        if value not in ctx.truths:
            ctx.truths[value] = None  # while it is worked out: a condition naming itself is undecided
            ctx.truths[value] = (condition_value(ctx.conditions[value], ctx, depth + 1) if value in ctx.conditions
                                 else None)
        return ctx.truths[value]
    call = _args(value)
    if call is None:
        return None
    name, args = call
    if name == "Condition":
        return condition_value(args, ctx, depth + 1)
    if name == "Equals" and isinstance(args, list) and len(args) == 2:
        left, right = solve(args[0], ctx, depth + 1), solve(args[1], ctx, depth + 1)
        if left is UNSOLVED or right is UNSOLVED or _args(left) is not None or _args(right) is not None:
            return None  # a parameter without a default, another resource: decided at deploy
        return str(left).lower() == str(right).lower() if isinstance(left, bool) or isinstance(right, bool) \
            else left == right
    if name == "Not" and isinstance(args, list):
        truth = condition_value(args[0], ctx, depth + 1) if len(args) == 1 else None
        return None if truth is None else not truth
    if name in ("And", "Or") and isinstance(args, list):
        decisive, undecided = name == "Or", False  # Or stops at a true part, And at a false one
        for part in args:
            truth = condition_value(part, ctx, depth + 1)
            if truth is decisive:
                return decisive
            undecided = undecided or truth is None
        return None if undecided else not decisive
    return None


def known_value(value: Any, params: Template, unknown: list[str], where: str, key: str = "") -> Any:
    """A property with parameters resolved to their Default, strings coerced where CloudFormation would,
    and anything else intrinsic (Fn::If, Fn::ImportValue, a parameter without a default, ...) unknown
    until deploy: recorded in `unknown` (unless no rule reads it) and left out."""
    kind = intrinsic_name(value)
    call = _args(value) if kind is not None else None
    if call is not None and call[0] == "If":
        if not (isinstance(call[1], list) and len(call[1]) == 3 and isinstance(call[1][0], str)):
            raise ShapeError("an Fn::If that is not a condition's name and two values")
        chosen = condition_value(call[1][0], params, 0)
        if chosen is not None:  # the branch itself, read as a property: its own intrinsics stay per attribute
            return known_value(call[1][1] if chosen else call[1][2], params, unknown, where, key)
    if kind is not None:
        solved = solve(value, params)
        if solved is NO_VALUE:
            return None  # the property is removed: what AWS applies without it
        if solved is not UNSOLVED and solved is not value:
            return known_value(solved, params, unknown, where, key)
    if kind is not None and ".LambdaConfig." in where:
        return f"<{kind}>"  # a trigger's function ARN is known at deploy; that the trigger is set, now
    if kind is not None:
        if key not in _IGNORED:
            unknown.append(f"{where} ({kind})")
        return None
    if isinstance(value, dict):
        return {k: v for k, v in ((k, known_value(v, params, unknown, f"{where}.{k}", k)) for k, v in value.items())
                if v is not None}
    if isinstance(value, list):
        return [v for v in (known_value(v, params, unknown, where, key) for v in value) if v is not None]
    return _coerced(key, value)


def parameter_value(declared: dict[str, Any]) -> Any:
    """A parameter's Default as `!Ref` gives it: a CommaDelimitedList or List<...> is a list of its
    comma-separated values, spaces around each trimmed (AWS CloudFormation User Guide, "Parameters":
    "CommaDelimitedList: an array of literal strings that are separated by commas")."""
    allowed = declared.get("AllowedValues") or []
    default = declared["Default"] if "Default" in declared else allowed[0]  # the only value it can take
    kind = str(declared.get("Type", ""))
    if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(default, str):
        return [part.strip() for part in default.split(",")]
    return default


def ref_target(value: Any) -> str | None:
    """The logical id a `!Ref X` / `{"Ref": X}` / `!GetAtt X.Attr` names."""
    if isinstance(value, Tagged):
        inner = value.value
        named = inner if isinstance(inner, str) else str(inner[0]) if isinstance(inner, list) and inner else None
        return named.split(".")[0] if named is not None and value.tag in ("Ref", "GetAtt") else None
    if isinstance(value, dict) and len(value) == 1:
        key, inner = next(iter(value.items()))
        if key == "Ref" and isinstance(inner, str):
            return inner
        if key == "Fn::GetAtt":
            first = inner[0] if isinstance(inner, list) and inner else inner
            return str(first).split(".")[0]
    return None


def parameters_in(value: Any, ctx: Template, into: list[str], depth: int = 0) -> None:
    """The parameters a condition reads (`Ref`s, through the conditions it names), in order."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str) and depth == 0:
        value = ctx.conditions.get(value)
    call = _args(value)
    if call is not None:
        name, args = call
        if name == "Ref" and isinstance(args, str):
            into.append(args)
            return
        if name == "Condition" and isinstance(args, str):
            parameters_in(ctx.conditions.get(args), ctx, into, depth + 1)
            return
        value = args
    if isinstance(value, dict):
        for item in value.values():
            parameters_in(item, ctx, into, depth + 1)
    elif isinstance(value, list):
        for item in value:
            parameters_in(item, ctx, into, depth + 1)


def conditions_used(value: Any, into: list[str], depth: int = 0) -> None:
    """The conditions an Fn::If or Condition in `value` names, in order."""
    if depth > _MAX_DEPTH:
        return
    call = _args(value)
    if call is not None:
        name, args = call
        if name == "If" and isinstance(args, list) and args and isinstance(args[0], str):
            into.append(args[0])
        elif name == "Condition" and isinstance(args, str):
            into.append(args)
        value = args
    if isinstance(value, dict):
        for item in value.values():
            conditions_used(item, into, depth + 1)
    elif isinstance(value, list):
        for item in value:
            conditions_used(item, into, depth + 1)
