"""Cognito in a CloudFormation template (YAML or JSON, SAM too), read into the same facts a live scan's
DescribeUserPool, GetUserPoolMfaConfig, DescribeUserPoolClient, DescribeUserPoolDomain,
ListIdentityProviders and DescribeRiskConfiguration give; nested stacks take their parents' parameters."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.report.model import Location
from auditor.sources.files.cloudformation.include import inline_includes
from auditor.sources.files.cloudformation.intrinsics import (
    NO_VALUE,
    UNSOLVED,
    Template,
    condition_value,
    conditions_used,
    intrinsic_name,
    known_value,
    parameter_value,
    parameters_in,
    ref_target,
    solve,
)
from auditor.sources.files.cloudformation.nested import ParentStack, Stacks, stack_map
from auditor.sources.files.cognito_pool import (
    CLIENT_DEFAULTS,
    DEFAULT_PASSWORD_POLICY,
    TRUSTED,
    PoolDraft,
    ShapeError,
    attributes_of,
    check_bounds,
    clients_only,
    facts_of,
    one_pool,
    property_fields,
    shapes_checked,
    with_unknown,
)
from auditor.sources.files.result import FileFacts, read_yaml, relative
from auditor.sources.files.yaml_doc import Tagged


def _cfn_perimeter(typed: dict[str, Any], params: Template, pools: dict[str, PoolDraft],
                   where: Callable[[str], Location], unknown: dict[str, list[str]]) -> None:
    """AWS::WAFv2::WebACLAssociation whose ResourceArn is a pool's (`!GetAtt Pool.Arn`), and
    AWS::Cognito::IdentityPool whose CognitoIdentityProviders name a pool (`!GetAtt Pool.ProviderName`,
    or a `!Sub` holding `${Pool}`), with their AWS::Cognito::IdentityPoolRoleAttachment."""
    roles: dict[str, dict[str, Any]] = {}
    for logical, resource in typed.items():
        props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
        if resource["Type"] == "AWS::WAFv2::WebACLAssociation" and ref_target(props.get("ResourceArn")) in pools:
            acl = ref_target(props.get("WebACLArn")) or str(props.get("WebACLArn") or logical)
            pools[str(ref_target(props.get("ResourceArn")))].web_acls.append((acl, where(logical)))
        elif resource["Type"] == "AWS::Cognito::IdentityPoolRoleAttachment" and ref_target(props.get("IdentityPoolId")):
            roles[str(ref_target(props.get("IdentityPoolId")))] = {"RoleMappings": props.get("RoleMappings") or {}}
    for logical, resource in typed.items():
        if resource["Type"] != "AWS::Cognito::IdentityPool" or not isinstance(resource.get("Properties"), dict):
            continue
        raw_props = resource["Properties"]
        for owner in pools:
            providers = [dict(p) for p in raw_props.get("CognitoIdentityProviders") or [] if isinstance(p, dict)
                         and _names_pool(p.get("ProviderName"), owner)]
            if not providers:
                continue
            missing: list[str] = []
            props = known_value({k: raw_props.get(k) for k in ("AllowUnauthenticatedIdentities", "AllowClassicFlow")},
                           params, missing, logical)
            unknown.setdefault(f"{owner}>cognito.identity_pools", []).extend(missing)
            raw = {**(props if isinstance(props, dict) else {}), "IdentityPoolId": logical,
                   "IdentityPoolName": raw_props.get("IdentityPoolName") if isinstance(
                       raw_props.get("IdentityPoolName"), str) else logical,
                   "CognitoIdentityProviders": [
                       {"ProviderName": TRUSTED, "ClientId": ref_target(p.get("ClientId")) or "?"} for p in providers]}
            pools[owner].identity_pools.append((raw, roles.get(logical, {"RoleMappings": {}}), where(logical)))


def _names_pool(value: Any, logical: str) -> bool:
    """`!GetAtt Pool.ProviderName`, or a `!Sub` of "cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"."""
    if ref_target(value) == logical:
        return True
    text = value.value if isinstance(value, Tagged) and value.tag == "Sub" else (
        value.get("Fn::Sub") if isinstance(value, dict) else None)
    text = text[0] if isinstance(text, list) and text else text
    return isinstance(text, str) and "${" + logical + "}" in text


def _mfa_text(value: Any) -> str:
    """MfaConfiguration; unquoted OFF/ON are YAML 1.1 booleans (cfn-lint E3030 says so too)."""
    if isinstance(value, bool):
        return "ON" if value else "OFF"
    return value if isinstance(value, str) else "OFF"


def read_cloudformation(path: Path, root: Path, pool: str | None = None) -> FileFacts:
    return shapes_checked("CloudFormation template", _read_template, path, root, pool)


MAX_BRANCHING = 3  # undecided conditions judged both ways: at most 2**3 readings of one template


def _read_template(path: Path, root: Path, selected: str | None) -> FileFacts:
    """The template's facts; where they depend on conditions the template does not decide (a parameter
    without a default), also the facts under each way those conditions can go (`branches`): a rule
    that reads such a value is then judged on every branch (issue 21: FAIL if every branch fails,
    PASS if every branch passes, else SKIPPED naming the conditions)."""
    stacks = stack_map(root)
    result, undecided, inputs = _read_template_once(path, root, selected, {}, {}, stacks)
    ways: list[tuple[str, dict[str, bool], dict[str, Any]]] = []
    choices = [inputs.get(name) for name in inputs]
    if undecided and inputs and all(choices) and math.prod(len(c or ()) for c in choices) <= 2 ** MAX_BRANCHING:
        # AWS CloudFormation User Guide, "Parameters": a value outside AllowedValues is refused at deploy.
        # Every undecided condition rests on parameters with AllowedValues: each combination of those
        # values is a real deployment (conditions on one parameter move together: never an impossible mix)
        for values in itertools.product(*(c or () for c in choices)):
            given = dict(zip(inputs, values, strict=True))
            ways.append((", ".join(f"{name[:64]} {str(value)[:64]}" for name, value in given.items()), {}, given))
    elif undecided and len(undecided) <= MAX_BRANCHING:
        for truths in itertools.product((True, False), repeat=len(undecided)):
            forced = dict(zip(undecided, truths, strict=True))
            ways.append((", ".join(f"{name[:64]} {str(value).lower()}" for name, value in forced.items()), forced, {}))
    for label, forced, given in ways:
        try:
            branch, _, _ = _read_template_once(path, root, selected, forced, given, stacks)
        except InputError:  # on this branch there is no pool to judge: the branches are not comparable
            result.branches.clear()
            return result
        result.branches.append((label, branch))
    return result


MAX_NESTING = 8  # stacks deploying stacks: deeper is unknown


def _from_parents(path: Path, root: Path, stacks: Stacks, declared: dict[str, Any], notes: list[str],
                  depth: int = 0) -> dict[str, Any]:
    """The values the resources deploying this template as a nested stack pass its parameters
    (nested.py): each parent's literal, or its own parameter's value (its Default, or what its own
    parents pass: stacks two deep, found by an attack); UNSOLVED where a parent passes what is known
    only at deploy, or parents disagree (a parent that passes nothing leaves the Default)."""
    parents = stacks.get(path.resolve(), [])
    out: dict[str, Any] = {}
    contexts = [_parent_context(parent, root, stacks, depth) for parent in parents]
    passed = [_passed(parent.parameters, context) for parent, context in zip(parents, contexts, strict=True)]
    for name, spec in declared.items():
        if not isinstance(spec, dict):
            continue
        seen: list[Any] = []
        for parent, context, given in zip(parents, contexts, passed, strict=True):
            if given is None or context is None:
                seen.append(UNSOLVED)
                continue
            if name not in given:
                seen.append(parameter_value(spec) if "Default" in spec else UNSOLVED)
                continue
            missing: list[str] = []
            value = known_value(given[name], context, missing, f"{parent.where} {name}")
            text = value if isinstance(value, str) else ",".join(map(str, value)) if isinstance(value, list) \
                else str(value).lower() if isinstance(value, bool) else str(value)
            seen.append(UNSOLVED if missing or value is None else parameter_value({**spec, "Default": text}))
        if seen and any(v is not seen[0] and v != seen[0] for v in seen[1:]):
            seen = [UNSOLVED]
        if seen and any(given is None or name in given for given in passed):
            out[name] = seen[0]
    notes += [f"{relative(path, root)}: deployed as a nested stack by {parent.where}: the Parameters it passes "
              "are applied over the Defaults" for parent in parents]
    return out


def _passed(parameters: Any, context: Template | None) -> dict[str, Any] | None:
    """A stack resource's Parameters as a map of names: as written, or an intrinsic the parent's values
    solve (`!If [Always, {...}, {...}]`); None where only the deployment can tell."""
    if parameters is None or context is None:
        return None
    if intrinsic_name(parameters) is not None:
        parameters = solve(parameters, context)
    if not isinstance(parameters, dict) or any(str(k).startswith("Fn::") for k in parameters):
        return None
    return parameters


def _parent_context(parent: ParentStack, root: Path, stacks: Stacks, depth: int) -> Template | None:
    """The parent's parameters as its `!Ref`s read them: its Defaults, with what its own parents pass
    over them. None past MAX_NESTING (a loop of stacks, say): what it passes is unknown."""
    if depth >= MAX_NESTING:
        return None
    declared = parent.template.get("Parameters")
    declared = declared if isinstance(declared, dict) else {}
    context = Template({k: parameter_value(v) for k, v in declared.items() if isinstance(v, dict) and "Default" in v},
                       parent.template.get("Conditions"), parent.template.get("Mappings"))
    for name, value in _from_parents(parent.path, root, stacks, declared, [], depth + 1).items():
        if value is UNSOLVED:
            context.pop(name, None)
        else:
            context[name] = value
    return context


def _read_template_once(path: Path, root: Path, selected: str | None, forced: dict[str, bool],
                        given: dict[str, Any], stacks: Stacks
                        ) -> tuple[FileFacts, list[str], dict[str, list[Any] | None]]:
    """The template read once, with `forced` conditions and `given` parameter values taken as given;
    the conditions its Cognito resources name that the template leaves undecided; and the parameters
    those rest on, with their AllowedValues (None: any value)."""
    rel = relative(path, root)
    included: list[str] = []
    docs = read_yaml(path, root, "CloudFormation template")
    doc = inline_includes(docs[0], path, root, included) if docs else None
    resources = doc.value.get("Resources") if doc is not None and isinstance(doc.value, dict) else None
    if doc is None or not isinstance(resources, dict):
        raise InputError(f"CloudFormation template {rel} has no Resources")

    def where(logical: str) -> Location:
        return Location(rel, doc.line(("Resources", logical)))

    written: dict[str, dict[tuple[str, ...], Location]] = {}  # one pass over the lines, not one per resource
    for steps, line in doc.lines.items():
        if len(steps) in (4, 5) and steps[0] == "Resources" and steps[2] == "Properties" and all(
                isinstance(step, str) for step in steps[1:]):
            written.setdefault(str(steps[1]), {})[tuple(str(step) for step in steps[3:])] = Location(rel, line)

    def lines(logical: str) -> dict[tuple[str, ...], Location]:
        """The lines of the resource's properties as written (one and two steps deep)."""
        return written.get(logical, {})

    loops = [k for k in resources if str(k).startswith("Fn::ForEach")]
    if loops:  # AWS::LanguageExtensions: resources made by a loop would be judged by no rule
        raise InputError(f"CloudFormation template {rel} makes resources with {loops[0]} (the "
                         "AWS::LanguageExtensions transform), which omaudit does not expand: judge the processed "
                         "template (aws cloudformation get-template --template-stage Processed)")
    typed = {k: v for k, v in resources.items() if isinstance(v, dict) and isinstance(v.get("Type"), str)}
    check_bounds(f"CloudFormation template {rel}", [v["Type"] for v in typed.values()
                                                     if v["Type"].startswith("AWS::Cognito::")])
    declared = doc.value.get("Parameters") if isinstance(doc.value.get("Parameters"), dict) else {}
    params = Template({k: parameter_value(v) for k, v in declared.items() if isinstance(v, dict) and (
        "Default" in v or len(v.get("AllowedValues") or []) == 1)}, doc.value.get("Conditions"),
        doc.value.get("Mappings"))
    for name, value in _from_parents(path, root, stacks, declared, included).items():
        if value is UNSOLVED:  # passed as something known only at deploy: the Default does not apply
            params.pop(name, None)
        else:
            params[name] = value
    params.update(given)
    params.conditions = {**params.conditions, **forced}
    named: list[str] = []
    for resource in typed.values():  # the types this reader reads: what their conditions decide is judged
        if resource["Type"].startswith("AWS::Cognito::") or resource["Type"] == "AWS::WAFv2::WebACLAssociation":
            conditions_used({"Condition": resource["Condition"]} if "Condition" in resource else None, named)
            conditions_used(resource.get("Properties"), named)
    undecided = [n for n in dict.fromkeys(named) if n not in forced and condition_value(n, params, 0) is None]
    read: list[str] = []
    for name in undecided:
        parameters_in(name, params, read)
    inputs: dict[str, list[Any] | None] = {}
    for name in dict.fromkeys(read):
        if name in params:
            continue
        allowed = declared.get(name, {}).get("AllowedValues") if isinstance(declared.get(name), dict) else None
        inputs[name] = list(allowed) if isinstance(allowed, list) and allowed else None
    # A resource's Condition names a condition (CloudFormation takes nothing else: an inline expression
    # was evaluated as if it were one, found by an attack).
    if any("Condition" in v and not isinstance(v["Condition"], str) for v in typed.values()):
        raise ShapeError("a resource's Condition that does not name a condition")
    # A resource whose Condition the template decides false is never created (an attack hid the real
    # pool behind a clean one under `Condition: Never`).
    typed = {k: v for k, v in typed.items()
             if "Condition" not in v or condition_value(v["Condition"], params, 0) is not False}
    unknown: dict[str, list[str]] = {}  # input key -> the properties known only at deploy
    pools: dict[str, PoolDraft] = {}
    for logical, resource in typed.items():
        if resource["Type"] != "AWS::Cognito::UserPool":
            continue
        missing: list[str] = []
        props = known_value(resource.get("Properties") or {}, params, missing, logical)
        props = props if isinstance(props, dict) else {}
        unknown.setdefault(f"pool:{logical}", []).extend(missing)
        mfa_text = _mfa_text(props.get("MfaConfiguration"))
        enabled = props.get("EnabledMfas") or []
        pool = {**{k: v for k, v in props.items() if k not in ("Schema", "UserPoolName", "EnabledMfas")},
                "Name": props.get("UserPoolName"), "SchemaAttributes": props.get("Schema") or [],
                "MfaConfiguration": mfa_text, "DeletionProtection": props.get("DeletionProtection") or "INACTIVE",
                "UserPoolTier": props.get("UserPoolTier") or "ESSENTIALS",
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": (props.get("AdminCreateUserConfig") or {}).get(
                    "AllowAdminCreateUserOnly") is True}}
        policies = dict(props.get("Policies") or {})
        policies.setdefault("PasswordPolicy", DEFAULT_PASSWORD_POLICY)
        pool["Policies"] = policies
        mfa = {"MfaConfiguration": mfa_text,
               "SoftwareTokenMfaConfiguration": {"Enabled": "SOFTWARE_TOKEN_MFA" in enabled},
               **({"SmsMfaConfiguration": {"SmsConfiguration": props.get("SmsConfiguration") or {"set": True}}}
                  if "SMS_MFA" in enabled else {}),
               **({"EmailMfaConfiguration": {}} if "EMAIL_OTP" in enabled else {}),
               **({"WebAuthnConfiguration": {"UserVerification": props["WebAuthnUserVerification"],
                                             "FactorConfiguration": props.get("WebAuthnFactorConfiguration")}}
                  if props.get("WebAuthnUserVerification") else {})}
        pools[logical] = PoolDraft(logical, pool, mfa, where(logical),
                                   fields=property_fields(True, lines(logical)))
    _cfn_perimeter(typed, params, pools, where, unknown)
    for logical, resource in typed.items():
        kind, raw_props = resource["Type"], resource.get("Properties") or {}
        if intrinsic_name(raw_props) is not None and isinstance(solve(raw_props, params), dict):
            raw_props = solve(raw_props, params)  # `Properties: !If [Always, {...}, {...}]`
        if kind == "AWS::Cognito::UserPoolClient" and intrinsic_name(raw_props) is not None:
            # The whole client is decided at deploy (`Properties: !If [...]`): its pool cannot be told
            # either, so every pool's clients are unknown, never judged without it.
            for pool_key in pools:
                unknown.setdefault(f"{pool_key}>cognito.clients", []).append(
                    f"{logical}.Properties ({intrinsic_name(raw_props)})")
            continue
        if kind == "AWS::Cognito::UserPool" or not kind.startswith("AWS::Cognito::") or not isinstance(raw_props,
                                                                                                        dict):
            continue
        missing = []
        props = known_value(raw_props, params, missing, logical)
        linked = raw_props.get("UserPoolId")
        solved = solve(linked, params) if intrinsic_name(linked) is not None else linked
        # `!If [Always, !Ref Pool, ...]` names the pool once solved (taken from the raw value, the client
        # was dropped: found by an attack)
        owner = ref_target(solved if solved is not UNSOLVED and solved is not NO_VALUE else linked)
        if owner is None and len(pools) > 1 and kind == "AWS::Cognito::UserPoolClient":
            # a client whose pool only the deployment decides (`!Sub`, `!Select`, an undecided `!If`):
            # every pool's clients are unknown, never judged without it
            for pool_key in pools:
                unknown.setdefault(f"{pool_key}>cognito.clients", []).append(
                    f"{logical}.UserPoolId ({intrinsic_name(linked) or 'no pool named'})")
            continue
        owner = owner if owner in pools else (next(iter(pools)) if len(pools) == 1 and owner is None else None)
        if owner is None or not isinstance(props, dict):
            continue
        draft = pools[owner]
        # What each resource type fills; other types (groups, users, resource servers, identity pools) no
        # rule reads, so what they leave to deploy hides nothing.
        key = {"AWS::Cognito::UserPoolClient": f"client:{logical}", "AWS::Cognito::UserPoolDomain": "cognito.domain",
               "AWS::Cognito::UserPoolIdentityProvider": "cognito.identity_providers",
               "AWS::Cognito::UserPoolRiskConfigurationAttachment": "cognito.risk_configurations"}.get(kind)
        if key is not None:
            unknown.setdefault(f"{owner}>{key}", []).extend(missing)
        if kind == "AWS::Cognito::UserPoolClient":
            given = {k: v for k, v in props.items() if k not in ("UserPoolId", "GenerateSecret")}
            app = {**CLIENT_DEFAULTS, **given, "ClientId": logical,
                   "ClientSecret": "generated" if props.get("GenerateSecret") else None}
            draft.clients.append((app, where(logical)))
            draft.client_fields[logical] = property_fields(False, lines(logical))
        elif kind == "AWS::Cognito::UserPoolDomain":
            # A name made with !Sub is known only at deploy: the domain exists, under its logical id.
            name = props["Domain"] if isinstance(props.get("Domain"), str) else f"<{logical}>"
            custom = bool(props.get("CustomDomainConfig"))
            draft.domain = (name, {"CustomDomainConfig": props.get("CustomDomainConfig") or {},
                                   "ManagedLoginVersion": props.get("ManagedLoginVersion")}, custom, where(logical))
            draft.pool["CustomDomain" if custom else "Domain"] = name
        elif kind == "AWS::Cognito::UserPoolIdentityProvider":  # ProviderDetails is never read
            draft.idps.append((str(props.get("ProviderName")), props.get("ProviderType")))
        elif kind == "AWS::Cognito::UserPoolRiskConfigurationAttachment":
            target = ref_target(raw_props.get("ClientId"))
            draft.risks.append(({k: v for k, v in props.items() if k != "ClientId"}
                                | ({"ClientId": target} if target else {}), target))
    chosen, notes = one_pool(pools, rel, "template", selected)
    notes[:0] = included
    if chosen is None:
        orphans = []
        for logical, resource in typed.items():
            if resource["Type"] == "AWS::Cognito::UserPoolClient" and isinstance(resource.get("Properties"), dict):
                props = known_value(resource["Properties"], params, [], logical)
                given = {k: v for k, v in props.items() if k not in ("UserPoolId", "GenerateSecret")}
                orphans.append(({**CLIENT_DEFAULTS, **given, "ClientId": logical,
                                 "ClientSecret": "generated" if props.get("GenerateSecret") else None}, where(logical)))
        if not orphans:  # a misspelt type (AWS::Cognito::UserPol) must not pass the gate with nothing judged
            raise InputError(f"CloudFormation template {rel} has no AWS::Cognito::UserPool or UserPoolClient resource")
        return clients_only(orphans, rel, "template"), [], {}
    mine = {k.split(">", 1)[-1]: v for k, v in unknown.items()
            if v and (k == f"pool:{chosen.key}" or k.startswith(f"{chosen.key}>"))}
    return with_unknown(facts_of(chosen, "cloudformation", notes, rel), attributes_of(mine),
                         "known only at deploy"), undecided, inputs
