"""Cognito in a Terraform plan (`terraform show -json plan.out`), and the resource judge the HCL reader
shares (auditor.sources.files.terraform.reader). Where a plan cannot know a value before apply (an id, an
attribute computed from another resource), the value is absent: the pool's own id then is unknown, and
cognito.ref is SKIPPED, so OMA401/OMA402 (which compare with the running pool's id) are not judged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.common.untrusted import MalformedInput, load_json
from auditor.report.model import Location
from auditor.sources.files.cognito_pool import (
    CLIENT_DEFAULTS,
    DEFAULT_PASSWORD_POLICY,
    TRUSTED,
    Attributes,
    PoolDraft,
    check_bounds,
    clients_only,
    facts_of,
    one_pool,
    place_attribute,
    property_fields,
    shapes_checked,
    with_unknown,
)
from auditor.sources.files.result import MAX_PLAN_BYTES, FileFacts, relative

# ---- Terraform ------------------------------------------------------------------------------------

def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _block(value: Any) -> dict[str, Any]:
    """A Terraform nested block with MaxItems 1: a list of one object in the plan."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def _tf_pool(a: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    policy = _block(a.get("password_policy"))
    pool: dict[str, Any] = {
        "Name": a.get("name"),
        "SchemaAttributes": [{"Name": s.get("name"), "AttributeDataType": s.get("attribute_data_type"),
                              "Required": s.get("required") is True, "Mutable": s.get("mutable") is not False}
                             for s in a.get("schema") or [] if isinstance(s, dict)],
        "AutoVerifiedAttributes": a.get("auto_verified_attributes"),
        "UsernameAttributes": a.get("username_attributes"), "AliasAttributes": a.get("alias_attributes"),
        "MfaConfiguration": a.get("mfa_configuration") or "OFF",
        "DeletionProtection": a.get("deletion_protection") or "INACTIVE",
        "UserPoolTier": a.get("user_pool_tier") or "ESSENTIALS",
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly":
                                  _block(a.get("admin_create_user_config")).get("allow_admin_create_user_only")
                                  is True},
        "Policies": {"PasswordPolicy": {_camel(k): v for k, v in policy.items()} if policy
                     else DEFAULT_PASSWORD_POLICY},
    }
    factors = _block(a.get("sign_in_policy")).get("allowed_first_auth_factors")
    if factors:
        pool["Policies"]["SignInPolicy"] = {"AllowedFirstAuthFactors": factors}
    verify = _block(a.get("user_attribute_update_settings")).get("attributes_require_verification_before_update")
    if verify is not None:
        pool["UserAttributeUpdateSettings"] = {"AttributesRequireVerificationBeforeUpdate": verify}
    addons = _block(a.get("user_pool_add_ons"))
    if addons:
        flows = _block(addons.get("advanced_security_additional_flows"))
        pool["UserPoolAddOns"] = {"AdvancedSecurityMode": addons.get("advanced_security_mode"),
                                  **({"AdvancedSecurityAdditionalFlows": {"CustomAuthMode": flows["custom_auth_mode"]}}
                                     if flows.get("custom_auth_mode") else {})}
    lambdas = _block(a.get("lambda_config"))
    if lambdas:
        pool["LambdaConfig"] = {("KMSKeyID" if k == "kms_key_id" else _camel(k)):
                                ({"LambdaArn": _block(v).get("lambda_arn")} if isinstance(v, list) else v)
                                for k, v in lambdas.items() if v}
    recovery = _block(a.get("account_recovery_setting")).get("recovery_mechanism")
    if isinstance(recovery, list):
        pool["AccountRecoverySetting"] = {"RecoveryMechanisms": [{"Name": m.get("name"), "Priority": m.get("priority")}
                                                                 for m in recovery if isinstance(m, dict)]}
    username = _block(a.get("username_configuration"))
    if "case_sensitive" in username:
        pool["UsernameConfiguration"] = {"CaseSensitive": username["case_sensitive"]}
    webauthn = _block(a.get("web_authn_configuration"))
    mfa: dict[str, Any] = {
        "MfaConfiguration": pool["MfaConfiguration"],
        "SoftwareTokenMfaConfiguration": {"Enabled": _block(a.get("software_token_mfa_configuration")).get("enabled")
                                          is True},
        **({"SmsMfaConfiguration": {"SmsConfiguration": _block(a.get("sms_configuration"))}}
           if _block(a.get("sms_configuration")) and pool["MfaConfiguration"] != "OFF" else {}),
        **({"EmailMfaConfiguration": _block(a.get("email_mfa_configuration"))}
           if isinstance(a.get("email_mfa_configuration"), list) and a["email_mfa_configuration"] else {}),
        **({"WebAuthnConfiguration": {"UserVerification": webauthn.get("user_verification")}} if webauthn else {}),
    }
    return pool, mfa


def _tf_client(a: dict[str, Any], address: str) -> dict[str, Any]:
    units = _block(a.get("token_validity_units"))
    raw: dict[str, Any] = {**CLIENT_DEFAULTS, "ClientId": a.get("id") or address, "ClientName": a.get("name"),
                           "ClientSecret": "generated" if a.get("generate_secret") else None}
    for tf, api in (("read_attributes", "ReadAttributes"), ("write_attributes", "WriteAttributes"),
                    ("explicit_auth_flows", "ExplicitAuthFlows"),
                    ("supported_identity_providers", "SupportedIdentityProviders"),
                    ("callback_urls", "CallbackURLs"), ("logout_urls", "LogoutURLs"),
                    ("default_redirect_uri", "DefaultRedirectURI"), ("allowed_oauth_flows", "AllowedOAuthFlows"),
                    ("allowed_oauth_scopes", "AllowedOAuthScopes"),
                    ("allowed_oauth_flows_user_pool_client", "AllowedOAuthFlowsUserPoolClient"),
                    ("prevent_user_existence_errors", "PreventUserExistenceErrors"),
                    ("enable_token_revocation", "EnableTokenRevocation"),
                    ("refresh_token_validity", "RefreshTokenValidity"),
                    ("access_token_validity", "AccessTokenValidity"), ("id_token_validity", "IdTokenValidity")):
        if a.get(tf) is not None:
            raw[api] = a[tf]
    if units:
        raw["TokenValidityUnits"] = {_camel(k): v for k, v in units.items()}
    rotation = _block(a.get("refresh_token_rotation"))
    if rotation.get("feature"):
        raw["RefreshTokenRotation"] = {"Feature": rotation["feature"]}
    return raw


def _tf_risk(a: dict[str, Any]) -> dict[str, Any]:
    takeover = _block(_block(a.get("account_takeover_risk_configuration")).get("actions"))
    compromised = _block(_block(a.get("compromised_credentials_risk_configuration")).get("actions"))
    raw: dict[str, Any] = {}
    if takeover:
        raw["AccountTakeoverRiskConfiguration"] = {"Actions": {
            f"{level.capitalize()}Action": {"EventAction": _block(takeover.get(f"{level}_action")).get("event_action")}
            for level in ("low", "medium", "high") if _block(takeover.get(f"{level}_action"))}}
    if compromised:
        raw["CompromisedCredentialsRiskConfiguration"] = {"Actions": {"EventAction": compromised.get("event_action")}}
    return raw


def _tf_resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Managed resources as planned: resource_changes (not being deleted) with `change.after`, else the
    planned values of every module (or a state's values). Each: {address, type, values, refs, unknown}:
    refs, the configuration's references of user_pool_id / client_id (absolute); unknown, the
    attributes the configuration sets that are known only after apply (`after_unknown`)."""
    config = _tf_references(plan.get("configuration"))
    out = []

    def entry(address: str, kind: Any, values: dict[str, Any], after_unknown: Any) -> dict[str, Any]:
        known = config.get(_config_address(address), {})
        configured = known.get("configured", [])
        unknown = sorted(k for k, v in (after_unknown.items() if isinstance(after_unknown, dict) else ())
                         if _any_true(v) and k in configured and k not in LINKS)
        return {"address": address, "type": kind, "values": values, "refs": known, "unknown": unknown}

    changes = plan.get("resource_changes")
    if isinstance(changes, list) and changes:
        for change in changes:
            if not isinstance(change, dict) or change.get("mode") != "managed":
                continue
            body: dict[str, Any] = change["change"] if isinstance(change.get("change"), dict) else {}
            if body.get("actions") == ["delete"] or not isinstance(body.get("after"), dict):
                continue
            out.append(entry(str(change.get("address")), change.get("type"), body["after"], body.get("after_unknown")))
        return out

    def walk(module: Any) -> None:
        if not isinstance(module, dict):
            return
        for resource in module.get("resources") or []:
            if isinstance(resource, dict) and resource.get("mode") == "managed" and isinstance(resource.get("values"),
                                                                                                  dict):
                out.append(entry(str(resource.get("address")), resource.get("type"), resource["values"], None))
        for child in module.get("child_modules") or []:
            walk(child)
    # A plan's planned values; `terraform show -json` of a state has the same shape under `values`.
    walk(_dig(plan, "planned_values", "root_module") or _dig(plan, "values", "root_module"))
    return out


def _first_lines(text: str, wanted: set[str]) -> dict[str, int]:
    """The line of the first occurrence of each string in `wanted` (JSON-quoted addresses), in one
    pass over the text: each occurrence of `"` starts at most one look-up (not one find per address
    over a 64 MiB plan)."""
    out: dict[str, int] = {}
    starts = {w[:2] for w in wanted}  # `"a`, `"m`: a quote and the address's first character
    line, last, i = 1, 0, text.find('"')
    while i != -1 and len(out) < len(wanted):
        end = text.find('"', i + 1)
        while end != -1 and _escaped(text, end):
            end = text.find('"', end + 1)
        if end == -1:
            break
        if text[i:i + 2] in starts:
            found = text[i:end + 1]
            if found in wanted and found not in out:
                line += text.count("\n", last, i)
                last = i
                out[found] = line
        i = text.find('"', end + 1)
    return out


def _escaped(text: str, at: int) -> bool:
    """Whether the quote at `at` is escaped (an odd run of backslashes before it)."""
    run = at
    while run > 0 and text[run - 1] == "\\":
        run -= 1
    return (at - run) % 2 == 1


def _any_true(value: Any) -> bool:
    """after_unknown marks an unknown leaf `true`, also inside nested blocks."""
    if value is True:
        return True
    if isinstance(value, dict):
        return any(_any_true(v) for v in value.values())
    if isinstance(value, list):
        return any(_any_true(v) for v in value)
    return False


def _dig(value: Any, *path: str) -> Any:
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value


# The arguments that link a resource to another: a pool, a client, a web ACL, an identity pool.
LINKS = ("user_pool_id", "client_id", "resource_arn", "web_acl_arn", "identity_pool_id")


def _config_address(address: str) -> str:
    """module.a.aws_x.y["k"] -> module.a.aws_x.y: the configuration's (unindexed) address."""
    return re.sub(r"\[[^\]]*\]", "", address)


def _tf_references(configuration: Any) -> dict[str, dict[str, list[str]]]:
    """For every configured resource (full address, no index): the references of its user_pool_id and
    client_id expressions as absolute addresses (a module's `var.X` followed up into the call's
    expression), and the attributes it sets ("configured")."""
    out: dict[str, dict[str, list[str]]] = {}

    def walk(module: Any, prefix: str, variables: dict[str, list[str]]) -> None:
        if not isinstance(module, dict):
            return

        def absolute(refs: Any) -> list[str]:
            found: list[str] = []
            for ref in refs if isinstance(refs, list) else []:
                if not isinstance(ref, str):
                    continue
                found.extend(variables.get(ref.split(".")[1], []) if ref.startswith("var.") else [prefix + ref])
            return found

        for resource in module.get("resources") or []:
            if not isinstance(resource, dict):
                continue
            expressions: dict[str, Any] = resource["expressions"] if isinstance(resource.get("expressions"),
                                                                                    dict) else {}
            refs = {key: absolute(_dig(expressions, key, "references")) for key in LINKS}
            nested = expressions.get("cognito_identity_providers")  # an identity pool's trusted pools
            for block in nested if isinstance(nested, list) else []:
                for key in ("provider_name", "client_id"):
                    refs[key] = refs.get(key, []) + absolute(_dig(block, key, "references"))
            out[prefix + str(resource.get("address"))] = {**refs, "configured": sorted(expressions)}
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict):
                inputs: dict[str, Any] = call["expressions"] if isinstance(call.get("expressions"), dict) else {}
                walk(call.get("module"), f"{prefix}module.{name}.",
                     {var: absolute(_dig(expr, "references")) for var, expr in inputs.items()})
    walk(_dig(configuration, "root_module"), "", {})
    return out


def _instance(address: str) -> str:
    """The module instance a resource is in: module.a["k"].module.b[0]. (empty at the root)."""
    parts = re.findall(r'module\.[^.\[]+(?:\[[^\]]*\])?\.', address)
    return "".join(parts) if address.startswith("module.") else ""


def _linked(entry: dict[str, Any], key: str, pools: dict[str, PoolDraft], by_id: dict[str, str],
            by_config: dict[str, list[str]]) -> str | None:
    """Which drafted pool an entry's `key` points at: by its known id (an id the plan does not hold links
    nowhere), else by reference within the entry's own module instance; the plan's only pool when the
    entry names none. None when it cannot be told (never a guess between pools). `by_config`: pool
    addresses by configuration address, so each look-up is one dictionary access."""
    value = entry["values"].get(key)
    if isinstance(value, str):
        return by_id.get(value)
    for ref in entry["refs"].get(key, []) if isinstance(entry["refs"].get(key), list) else []:
        target = _config_address(ref[:-3] if ref.endswith(".id") else ref)
        matches = by_config.get(target, [])
        same = [k for k in matches if _instance(k) == _instance(entry["address"])]
        if len(same) == 1 or len(matches) == 1:
            return same[0] if len(same) == 1 else matches[0]
        if matches:
            return None
    return next(iter(pools)) if len(pools) == 1 and not entry["refs"].get(key) else None


def read_terraform_plan(path: Path, root: Path, pool: str | None = None) -> FileFacts:
    return shapes_checked("Terraform plan", _read_plan, path, root, pool)


def _read_plan(path: Path, root: Path, selected: str | None) -> FileFacts:
    rel = relative(path, root)
    if path.is_dir() or path.name.endswith((".tf", ".tfvars")):
        raise InputError(f"--terraform-plan takes `terraform show -json plan.out` output; {rel} is Terraform's "
                         "configuration: give its folder with --terraform")
    text = read_input(path, "Terraform plan", MAX_PLAN_BYTES).removeprefix("\ufeff")  # a BOM is no JSON
    try:
        plan = load_json(text, f"Terraform plan {rel}", max_bytes=MAX_PLAN_BYTES)
    except MalformedInput as exc:
        raise InputError(str(exc)) from None
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise InputError(f"Terraform plan {rel} is not `terraform show -json` output (no format_version)")
    if "resource_changes" not in plan and "planned_values" not in plan and "values" not in plan:
        raise InputError(f"Terraform plan {rel} has no resource_changes, planned_values or values")
    resources = _tf_resources(plan)
    cognito = [e for e in resources if str(e["type"]).startswith("aws_cognito_")]
    check_bounds(f"Terraform plan {rel}", [str(e["type"]) for e in cognito])
    lines = _first_lines(text, {json.dumps(e["address"]) for e in cognito})
    for entry in cognito:
        entry["location"] = Location(rel, lines.get(json.dumps(entry["address"])))
    return judge_resources(resources, rel, "Terraform plan", "terraform-plan", "known only after apply", selected)


def judge_resources(resources: list[dict[str, Any]], rel: str, what: str, source: str, when: str,
                    selected: str | None) -> FileFacts:
    """Terraform resources (a plan's, or a module's as auditor.sources.files.terraform evaluates it) as one
    pool's facts: each entry {address, type, values, refs, unknown, location, and optionally why: the
    reason each unknown attribute is unknown}."""
    located = {e["address"]: e["location"] for e in resources if "location" in e}

    def where(address: str) -> Location:
        return located.get(address) or Location(rel)

    def named(entry: dict[str, Any], name: str) -> str:
        why = entry.get("why", {}).get(name)
        return f"{entry['address']}.{name}" + (f" ({why})" if why else "")

    plan_word = what.split()[-1]  # "plan", "module"
    pools: dict[str, PoolDraft] = {}  # by address
    by_id: dict[str, str] = {}  # a known pool or client id -> its address
    for entry in resources:
        if entry["type"] == "aws_cognito_user_pool":
            pool, mfa = _tf_pool(entry["values"])
            known = entry["values"].get("id")
            key = known if isinstance(known, str) else entry["address"]
            pools[entry["address"]] = PoolDraft(key, pool, mfa, where(entry["address"]),
                                                id_known=isinstance(known, str),
                                                fields=property_fields(True, tf_property_lines(entry.get("lines", {}),
                                                                                               True)))
            by_id[key] = entry["address"]
    by_config: dict[str, list[str]] = {}
    for address in pools:
        by_config.setdefault(_config_address(address), []).append(address)
    client_ids = {e["address"]: e["values"].get("id") if isinstance(e["values"].get("id"), str) else e["address"]
                  for e in resources if e["type"] == "aws_cognito_user_pool_client"}
    notes: list[str] = []
    unknown: dict[str, Attributes] = {a: Attributes() for a in pools}  # pool -> what is known only after apply
    _tf_perimeter(resources, pools, by_config, by_id, where)
    for entry in resources:
        kind, values = entry["type"], entry["values"]
        if kind == "aws_cognito_user_pool":
            for name in entry["unknown"]:
                place_attribute(unknown[entry["address"]], "pool:", [TF_POOL_PROPERTIES.get(name, name)],
                                named(entry, name))
            continue
        if kind in _PERIMETER:
            for name in entry["unknown"]:
                if kind == "aws_cognito_identity_pool" and name in ("allow_unauthenticated_identities",
                                                                    "allow_classic_flow"):
                    for address in pools:
                        unknown[address].whole.setdefault("cognito.identity_pools", []).append(named(entry, name))
            continue
        if not str(kind).startswith("aws_cognito_"):
            continue
        owner = _linked(entry, "user_pool_id", pools, by_id, by_config)
        if owner is None:
            notes.append(f"{rel}: {entry['address']} is not linked to a user pool of this {plan_word}: not audited")
            continue
        draft = pools[owner]
        input_key = {"aws_cognito_user_pool_client": "cognito.clients",
                     "aws_cognito_user_pool_domain": "cognito.domain",
                     "aws_cognito_risk_configuration": "cognito.risk_configurations"}.get(str(kind))
        if input_key == "cognito.clients":
            client_id = values.get("id") if isinstance(values.get("id"), str) else entry["address"]
            for name in entry["unknown"]:
                place_attribute(unknown[owner], f"client:{client_id}", [TF_CLIENT_PROPERTIES.get(name, name)],
                       named(entry, name))
        elif input_key:
            for name in entry["unknown"]:
                place_attribute(unknown[owner], input_key, [], named(entry, name))
        if kind == "aws_cognito_user_pool_client":
            raw_client = _tf_client(values, entry["address"])
            draft.clients.append((raw_client, where(entry["address"])))
            draft.client_fields[raw_client["ClientId"]] = property_fields(
                False, tf_property_lines(entry.get("lines", {}), False))
        elif kind == "aws_cognito_user_pool_domain" and isinstance(values.get("domain"), str):
            custom = bool(values.get("certificate_arn"))
            raw = {"ManagedLoginVersion": values.get("managed_login_version")}
            draft.domain = (values["domain"], raw, custom, where(entry["address"]))
            draft.pool["CustomDomain" if custom else "Domain"] = values["domain"]
        elif kind == "aws_cognito_identity_provider":  # provider_details (with its secrets) is never read
            draft.idps.append((str(values.get("provider_name")), values.get("provider_type")))
        elif kind == "aws_cognito_risk_configuration":
            client = values.get("client_id") if isinstance(values.get("client_id"), str) else next(
                (client_ids[_config_address(r[:-3])] for r in entry["refs"].get("client_id", [])
                 if r.endswith(".id") and _config_address(r[:-3]) in client_ids), None)
            draft.risks.append(({**_tf_risk(values), **({"ClientId": client} if client else {})}, client))
    chosen, more = one_pool(pools, rel, plan_word, selected)
    if chosen is None:
        orphans = [(_tf_client(e["values"], e["address"]), where(e["address"])) for e in resources
                   if e["type"] == "aws_cognito_user_pool_client"]
        if not orphans:  # the wrong module or plan: judging nothing must not pass the gate
            raise InputError(f"{what} {rel} has no aws_cognito_user_pool or aws_cognito_user_pool_client")
        left = Attributes()  # what they leave to apply time is unknown here too, never "not set"
        for entry in resources:
            if entry["type"] == "aws_cognito_user_pool_client":
                known = entry["values"].get("id")
                client_id = known if isinstance(known, str) else entry["address"]
                for name in entry["unknown"]:
                    place_attribute(left, f"client:{client_id}", [TF_CLIENT_PROPERTIES.get(name, name)],
                                    named(entry, name))
        return with_unknown(clients_only(orphans, rel, plan_word), left, when)
    address = next(a for a, d in pools.items() if d is chosen)
    return with_unknown(facts_of(chosen, source, notes + more, rel), unknown[address], when)


# Terraform's blocks whose API property is nested (TF_POOL_PROPERTIES names only the top one).
TF_NESTED = {"password_policy": ("Policies", "PasswordPolicy"), "sign_in_policy": ("Policies", "SignInPolicy"),
             "admin_create_user_config.allow_admin_create_user_only": ("AdminCreateUserConfig",
                                                                       "AllowAdminCreateUserOnly")}


def tf_property_lines(lines: dict[str, Location], pool: bool) -> dict[tuple[str, ...], Location]:
    """Terraform attribute paths (`mfa_configuration`, `admin_create_user_config.allow_...`) as API
    property paths."""
    table = TF_POOL_PROPERTIES if pool else TF_CLIENT_PROPERTIES
    out: dict[tuple[str, ...], Location] = {}
    for name, where in lines.items():
        path: tuple[str, ...] | None = TF_NESTED.get(name) if pool else None
        if path is None and name in table and name != "name":
            path = (table[name],)
        if path is not None:
            out.setdefault(path, where)  # the first written (several blocks set EnabledMfas)
    return out


# Terraform's attribute names for the API properties above (hashicorp/aws aws_cognito_user_pool and
# aws_cognito_user_pool_client arguments).
TF_POOL_PROPERTIES = {
    "mfa_configuration": "MfaConfiguration", "deletion_protection": "DeletionProtection",
    "admin_create_user_config": "AdminCreateUserConfig", "password_policy": "Policies", "sign_in_policy": "Policies",
    "schema": "Schema", "auto_verified_attributes": "AutoVerifiedAttributes",
    "username_attributes": "UsernameAttributes", "alias_attributes": "AliasAttributes",
    "user_attribute_update_settings": "UserAttributeUpdateSettings", "user_pool_add_ons": "UserPoolAddOns",
    "account_recovery_setting": "AccountRecoverySetting", "username_configuration": "UsernameConfiguration",
    "user_pool_tier": "UserPoolTier", "software_token_mfa_configuration": "SoftwareTokenMfaConfiguration",
    "email_mfa_configuration": "EmailMfaConfiguration", "sms_configuration": "SmsMfaConfiguration",
    "email_configuration": "EmailConfiguration", "verification_message_template": "VerificationMessageTemplate",
    "web_authn_configuration": "WebAuthnUserVerification", "tags": "UserPoolTags", "name": "UserPoolTags",
    "email_verification_message": "EmailVerificationMessage", "email_verification_subject": "EmailVerificationSubject",
    "sms_verification_message": "SmsVerificationMessage", "sms_authentication_message": "SmsAuthenticationMessage",
    "device_configuration": "DeviceConfiguration", "lambda_config": "LambdaConfig",
}
TF_CLIENT_PROPERTIES = {
    "callback_urls": "CallbackURLs", "logout_urls": "LogoutURLs", "default_redirect_uri": "DefaultRedirectURI",
    "allowed_oauth_flows": "AllowedOAuthFlows", "allowed_oauth_scopes": "AllowedOAuthScopes",
    "allowed_oauth_flows_user_pool_client": "AllowedOAuthFlowsUserPoolClient",
    "explicit_auth_flows": "ExplicitAuthFlows", "supported_identity_providers": "SupportedIdentityProviders",
    "read_attributes": "ReadAttributes", "write_attributes": "WriteAttributes",
    "prevent_user_existence_errors": "PreventUserExistenceErrors", "enable_token_revocation": "EnableTokenRevocation",
    "generate_secret": "GenerateSecret", "refresh_token_validity": "RefreshTokenValidity",
    "access_token_validity": "AccessTokenValidity", "id_token_validity": "IdTokenValidity",
    "token_validity_units": "TokenValidityUnits", "auth_session_validity": "AuthSessionValidity",
    "refresh_token_rotation": "RefreshTokenRotation", "name": "AnalyticsConfiguration",
    "analytics_configuration": "AnalyticsConfiguration",
    "enable_propagate_additional_user_context_data": "EnablePropagateAdditionalUserContextData",
}


_PERIMETER = ("aws_wafv2_web_acl_association", "aws_cognito_identity_pool",
              "aws_cognito_identity_pool_roles_attachment")


def _tf_perimeter(resources: list[dict[str, Any]], pools: dict[str, PoolDraft], by_config: dict[str, list[str]],
                  by_id: dict[str, str], where: Callable[[str], Location]) -> None:
    """aws_wafv2_web_acl_association whose resource_arn is a pool's ARN, and aws_cognito_identity_pool
    whose cognito_identity_providers' provider_name is a pool's `endpoint` (by reference, or a known
    "cognito-idp.<region>.amazonaws.com/<id>"), with its aws_cognito_identity_pool_roles_attachment."""
    roles: dict[str, dict[str, Any]] = {}
    for entry in resources:
        values = entry["values"]
        if entry["type"] == "aws_wafv2_web_acl_association":
            for owner in _tf_owners(entry, "resource_arn", by_config, by_id):
                ref = next(iter(entry["refs"].get("web_acl_arn") or []), None)
                acl = ref.removesuffix(".arn") if ref else str(values.get("web_acl_arn") or entry["address"])
                pools[owner].web_acls.append((acl, where(entry["address"])))
        elif entry["type"] == "aws_cognito_identity_pool_roles_attachment":
            for target in entry["refs"].get("identity_pool_id") or []:
                mappings = {str(m.get("identity_provider")): {"Type": m.get("type"),
                                                             "AmbiguousRoleResolution": m.get(
                                                                 "ambiguous_role_resolution")}
                            for m in values.get("role_mapping") or [] if isinstance(m, dict)}
                roles[_config_address(target[:-3] if target.endswith(".id") else target)] = {"RoleMappings": mappings}
    for entry in resources:
        if entry["type"] != "aws_cognito_identity_pool":
            continue
        values = entry["values"]
        for owner in _tf_owners(entry, "provider_name", by_config, by_id):
            raw = {"IdentityPoolId": entry["address"], "IdentityPoolName": values.get("identity_pool_name"),
                   "AllowUnauthenticatedIdentities": values.get("allow_unauthenticated_identities"),
                   "AllowClassicFlow": values.get("allow_classic_flow"),
                   "CognitoIdentityProviders": [{"ProviderName": TRUSTED, "ClientId": ref}
                                                for ref in entry["refs"].get("client_id") or ["?"]]}
            pools[owner].identity_pools.append((raw, roles.get(_config_address(entry["address"]), {"RoleMappings": {}}),
                                                where(entry["address"])))


def _tf_owners(entry: dict[str, Any], key: str, by_config: dict[str, list[str]], by_id: dict[str, str]) -> list[str]:
    """The drafted pools an attribute names: by reference (`aws_cognito_user_pool.x.arn`/`.endpoint`),
    or by a known id inside a known value (a plan of existing resources)."""
    found: list[str] = []
    for ref in entry["refs"].get(key) or []:
        matches = by_config.get(_config_address(ref.rsplit(".", 1)[0]), [])
        found += [a for a in matches if _instance(a) == _instance(entry["address"]) or len(matches) == 1]
    texts = [entry["values"].get(key)] + [p.get(key) for p in entry["values"].get("cognito_identity_providers") or []
                                          if isinstance(p, dict)]
    found += [address for pool_id, address in by_id.items() for text in texts
              if isinstance(text, str) and (text.endswith("/" + pool_id) or text.endswith(":userpool/" + pool_id))]
    return list(dict.fromkeys(found))
