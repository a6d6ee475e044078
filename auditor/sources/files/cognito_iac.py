"""Cognito as code: a Terraform plan (`terraform show -json plan.out`) or a CloudFormation template,
read into the same facts DescribeUserPool, GetUserPoolMfaConfig, DescribeUserPoolClient,
DescribeUserPoolDomain, ListIdentityProviders and DescribeRiskConfiguration give a live scan.

Each resource is first put in the shape the API answers with, then parsed by the live collector's own
parsers (auditor.sources.cognito.parsers), so a rule sees one kind of fact whatever the source. What the
API fills in for a property left out is filled in here too, as AWS documents it (botocore 1.44.8
cognito-idp model: MfaConfiguration OFF, DeletionProtection INACTIVE, AllowAdminCreateUserOnly false,
UserPoolTier ESSENTIALS, PreventUserExistenceErrors LEGACY, EnableTokenRevocation true, refresh tokens
30 days, ExplicitAuthFlows as rulekit.AWS_DEFAULT_AUTH_FLOWS); docs/research/issue-14-iac.md has the
sources. Where a plan cannot know a value before apply (an id, an attribute computed from another
resource), the value is absent: the pool's own id then is unknown, and cognito.ref is SKIPPED, so
OMA401/OMA402 (which compare with the running pool's id) are not judged. Secrets (client secrets,
identity-provider details) are never read: a client's secret is only "generated or not".

One user pool per scan: a file that defines several is audited on its first (by address or logical
id), with a note naming the others.
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.common.untrusted import MalformedInput, load_json
from auditor.facts.given import Given
from auditor.facts.snapshot import CognitoFacts, DomainInfo, IdentityProvider, PoolRef, RiskConfig, Unknown, WebAcl
from auditor.report.model import Location
from auditor.sources.cognito.parsers import (
    parse_app_client,
    parse_domain,
    parse_identity_pool,
    parse_mfa,
    parse_risk,
    parse_user_pool,
)
from auditor.sources.files.cfn_include import inline_includes
from auditor.sources.files.cfn_nested import ParentStack, Stacks, stack_map
from auditor.sources.files.result import FileFacts, read_yaml, relative
from auditor.sources.files.yaml_doc import Tagged

MAX_PLAN_BYTES = 64 * 1024 * 1024
# Bounds, as a live pool is bounded at MAX_CLIENTS (auditor.sources.cognito.collector): a file with more
# Cognito resources, or a pool with more clients, is refused rather than judged at any cost.
MAX_COGNITO_RESOURCES = 2_000
MAX_CLIENTS = 1_000
# The default password policy of a pool created without one: 8 characters, upper and lower case,
# numbers and symbols; temporary passwords valid 7 days (AWS CDK aws_cognito.PasswordPolicy defaults,
# docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cognito.PasswordPolicy.html; AWS Config rule
# cognito-user-pool-password-policy-check defaults; botocore 1.44.8 PasswordPolicyType for the 7 days).
DEFAULT_PASSWORD_POLICY = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                           "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}
CLIENT_DEFAULTS = {"AllowedOAuthFlowsUserPoolClient": False, "PreventUserExistenceErrors": "LEGACY",
                   "EnableTokenRevocation": True, "RefreshTokenValidity": 30}


@dataclass
class PoolDraft:
    """One pool and what belongs to it, in the API's shapes, with where each was written."""

    key: str  # address or logical id
    pool: dict[str, Any]
    mfa: dict[str, Any]
    location: Location
    clients: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    domain: tuple[str, dict[str, Any], bool, Location] | None = None
    idps: list[tuple[str, str | None]] = field(default_factory=list)
    risks: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    id_known: bool = False
    # Where each fact field is set (`cognito.mfa.mfa_configuration` -> the MfaConfiguration line), for the
    # pool and by client id: a finding points at the line that sets what it judges (issue 21).
    fields: dict[str, Location] = field(default_factory=dict)
    client_fields: dict[str, dict[str, Location]] = field(default_factory=dict)
    # Issue 25: web ACL associations naming the pool (the ACL's name or address), and identity pools
    # trusting it: (DescribeIdentityPool's shape with ProviderName set to TRUSTED, its roles, where).
    web_acls: list[tuple[str, Location]] = field(default_factory=list)
    identity_pools: list[tuple[dict[str, Any], dict[str, Any] | None, Location]] = field(default_factory=list)


TRUSTED = "\0trusted"  # an identity pool provider that names the drafted pool


def facts_of(draft: PoolDraft, source: str, notes: list[str], rel: str) -> FileFacts:
    """The drafted pool as snapshot facts, through the live collector's parsers."""
    pool = parse_user_pool({**draft.pool, "Id": draft.key})
    clients = tuple(parse_app_client(raw) for raw, _ in draft.clients)
    if draft.domain is not None:
        name, raw, custom, _ = draft.domain
        domain = parse_domain(raw, name, custom=custom)
    else:
        domain = DomainInfo(domain=None, status=None, custom=False)
    risks: tuple[RiskConfig, ...] | None = None
    if pool.advanced_security_mode == "ENFORCED":
        # As DescribeRiskConfiguration answers the live collector: the pool's, and each client's (its own
        # configuration when it has one, else the pool's, without a ClientId).
        pool_level = next((raw for raw, asked in draft.risks if asked is None), {})
        own = {asked: raw for raw, asked in draft.risks if asked is not None}
        asked_for: list[str | None] = [None, *(c.client_id for c in clients)]
        risks = tuple(parse_risk(own.get(a, pool_level) if a is not None else pool_level, a) for a in asked_for)
    acl = draft.web_acls[0] if draft.web_acls else None
    ref = (PoolRef(pool_id=draft.key, region=draft.key.split("_", 1)[0], client_id=None, source=source)
           if draft.id_known else None)
    facts = CognitoFacts(
        ref=ref, user_pool=pool, mfa=parse_mfa(draft.mfa), domain=domain, clients=clients,
        identity_providers=tuple(IdentityProvider(name=n, type=t) for n, t in draft.idps), risk_configurations=risks,
        web_acl=WebAcl(arn=acl[0] if acl else None, name=acl[0] if acl else None),
        identity_pools=tuple(p for raw, roles, _ in draft.identity_pools
                             if (p := parse_identity_pool(raw, TRUSTED, roles)) is not None))
    pool_resource = f"cognito:user-pool/{draft.key}"
    locations = {"cognito.user_pool": draft.location, "cognito.mfa": draft.location,
                 f"cognito.user_pool#{pool_resource}": draft.location}
    for key, where in draft.fields.items():
        locations[f"{key}#{pool_resource}"] = where
    locations["cognito.web_acl"] = acl[1] if acl else draft.location
    for raw, _, where in draft.identity_pools:
        locations[f"cognito.identity_pools#cognito:identity-pool/{raw['IdentityPoolId']}"] = where
    locations["cognito.identity_pools"] = draft.identity_pools[0][2] if draft.identity_pools else draft.location
    for (_, where), client in zip(draft.clients, clients, strict=True):
        client_resource = f"{pool_resource}/client/{client.client_id}"
        locations[f"cognito.clients#{client_resource}"] = where
        for key, at in draft.client_fields.get(client.client_id, {}).items():
            locations[f"{key}#{client_resource}"] = at
    unknown: dict[str, str] = {}
    if draft.domain is not None:
        locations["cognito.domain"] = draft.domain[3]
        if draft.domain[2] and not (draft.domain[1].get("CustomDomainConfig") or {}).get("SecurityPolicy"):
            facts = dataclasses.replace(facts, domain=None)
            unknown["cognito.domain"] = (f"the custom domain {draft.domain[0]} sets no TLS security policy here: "
                                         "the one AWS applies is seen on a live scan")
    return FileFacts(Given(cognito=facts), locations, notes, rel, unknown)


def _clients_only(clients: list[tuple[dict[str, Any], Location]], rel: str, what: str) -> FileFacts:
    """App clients added to a pool this file does not define (managed elsewhere): the client rules run;
    what needs the pool is SKIPPED, saying so."""
    parsed = tuple(parse_app_client(raw) for raw, _ in clients)
    locations = {f"cognito.clients#cognito:user-pool/?/client/{c.client_id}": where
                 for c, (_, where) in zip(parsed, clients, strict=True)}
    reason = f"the user pool is not in this {what}: it is managed elsewhere (a live scan reads it)"
    unknown = {k: reason for k in ("cognito.user_pool", "cognito.mfa", "cognito.domain", "cognito.identity_providers",
                                   "cognito.risk_configurations")}
    return FileFacts(Given(cognito=CognitoFacts(clients=parsed)), {"cognito.clients": clients[0][1], **locations},
                     [f"{rel}: app clients of a user pool this {what} does not define"], rel, unknown)


class PoolsListed(Exception):
    def __init__(self, keys: list[str]) -> None:
        super().__init__()
        self.keys = keys


LIST_POOLS = "\0list"  # pools_in()'s selector: the reader raises PoolsListed with every pool's key


def _one_pool(drafts: dict[str, PoolDraft], rel: str, what: str, pool: str | None
              ) -> tuple[PoolDraft | None, list[str]]:
    """The pool audited: the one `pool` names (each pool of a file is its own target, see
    auditor.plan.build_file_targets), or the only one."""
    if pool == LIST_POOLS:
        raise PoolsListed(sorted(drafts))
    if pool is not None:
        if pool not in drafts:
            raise InputError(f"{rel} defines no user pool {pool}")
        return drafts[pool], []
    if not drafts:
        return None, [f"{rel}: no aws_cognito_user_pool / AWS::Cognito::UserPool in this {what}"]
    first = sorted(drafts)[0]
    notes = [f"{rel}: defines {len(drafts)} user pools; audited {first} (the others: "
             + ", ".join(sorted(drafts)[1:]) + ")"] if len(drafts) > 1 else []
    return drafts[first], notes


def pools_in(kind: str, path: Path, root: Path, var_files: Sequence[Path] = ()) -> list[str]:
    """The user pools a Terraform plan (`terraform_plan`), a Terraform module folder (`terraform`) or a
    CloudFormation template defines, by key."""
    try:
        if kind == "terraform":
            from auditor.sources.files.terraform.reader import read_terraform

            read_terraform(path, root, LIST_POOLS, var_files)
        else:
            (read_terraform_plan if kind == "terraform_plan" else read_cloudformation)(path, root, LIST_POOLS)
    except PoolsListed as listed:
        return listed.keys
    return []


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


def check_bounds(what: str, kinds: list[str]) -> None:
    """Refuse a file whose Cognito resources exceed the bounds (InputError, one line)."""
    if len(kinds) > MAX_COGNITO_RESOURCES:
        raise InputError(f"{what} holds more than {MAX_COGNITO_RESOURCES} Cognito resources: not read")
    clients = sum(k in ("aws_cognito_user_pool_client", "AWS::Cognito::UserPoolClient") for k in kinds)
    if clients > MAX_CLIENTS:
        raise InputError(f"{what} holds more than {MAX_CLIENTS} app clients: not read")


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


def _shapes_checked(what: str, reader: Callable[[Path, Path, str | None], FileFacts], path: Path, root: Path,
                    pool: str | None) -> FileFacts:
    """A file whose entries have shapes its tool never writes (a number where a block belongs) is one
    input error naming the file, not an internal error."""
    try:
        return reader(path, root, pool)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        # Only omaudit's own words are shown: another exception's text could quote the file's values.
        detail = str(exc) if isinstance(exc, ShapeError) else type(exc).__name__
        raise InputError(f"{what} {relative(path, root)} has an entry of an unexpected shape ({detail})") from None


class ShapeError(ValueError):
    """A template entry CloudFormation would refuse; its message is omaudit's own (no file content).
    Source: AWS CloudFormation User Guide, "Fn::If" (`Fn::If: [condition_name, value_if_true,
    value_if_false]`) and "Conditions syntax" (a resource's `Condition` attribute names a condition
    declared in the Conditions section)."""


def read_terraform_plan(path: Path, root: Path, pool: str | None = None) -> FileFacts:
    return _shapes_checked("Terraform plan", _read_plan, path, root, pool)


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
                _place(unknown[entry["address"]], "pool:", [TF_POOL_PROPERTIES.get(name, name)], named(entry, name))
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
                _place(unknown[owner], f"client:{client_id}", [TF_CLIENT_PROPERTIES.get(name, name)],
                       named(entry, name))
        elif input_key:
            for name in entry["unknown"]:
                _place(unknown[owner], input_key, [], named(entry, name))
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
    chosen, more = _one_pool(pools, rel, plan_word, selected)
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
                    _place(left, f"client:{client_id}", [TF_CLIENT_PROPERTIES.get(name, name)], named(entry, name))
        return _with_unknown(_clients_only(orphans, rel, plan_word), left, when)
    address = next(a for a, d in pools.items() if d is chosen)
    return _with_unknown(facts_of(chosen, source, notes + more, rel), unknown[address], when)


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


def _intrinsic(value: Any) -> str | None:
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
_UNSOLVED = object()
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


def _solve(value: Any, ctx: Template, depth: int = 0) -> Any:
    """The value an intrinsic gives whatever the stack's inputs are (literals, parameter defaults or
    their only allowed value, constant conditions, literal mappings), NO_VALUE, or _UNSOLVED. A value
    that merely *looks* deploy-time (`!Sub 'false'`, `!If [Always, false, false]`) must not hide a
    finding (found by an attack on per-attribute unknowns). CloudFormation User Guide, "Intrinsic
    function reference" (Ref, Fn::Sub, Fn::Join, Fn::Select, Fn::FindInMap, Fn::If, Fn::Base64,
    condition functions)."""
    call = _args(value)
    if call is None:
        if isinstance(value, list):
            items = [_solve(v, ctx, depth + 1) for v in value]
            return _UNSOLVED if any(i is _UNSOLVED for i in items) else [i for i in items if i is not NO_VALUE]
        if isinstance(value, dict):
            pairs = {k: _solve(v, ctx, depth + 1) for k, v in value.items()}
            return _UNSOLVED if any(v is _UNSOLVED for v in pairs.values()) else {
                k: v for k, v in pairs.items() if v is not NO_VALUE}
        return value
    if depth > _MAX_DEPTH:
        return _UNSOLVED
    name, args = call
    if name == "Condition":  # a condition used as a value: its truth
        truth = _condition(args, ctx, depth + 1)
        return _UNSOLVED if truth is None else truth
    if name == "Ref":
        if args == "AWS::NoValue":
            return NO_VALUE
        if isinstance(args, str) and args in ctx:
            return ctx[args]
        # Inside a structure, a Ref to another resource (`UserPoolId: !Ref Pool`) stays for the reader.
        return value if depth > 0 and isinstance(args, str) and not args.startswith("AWS::") else _UNSOLVED
    if name == "Sub":
        text, names = (args[0], args[1]) if isinstance(args, list) and len(args) == 2 else (args, {})
        if not isinstance(text, str) or not isinstance(names, dict):
            return _UNSOLVED
        known = {k: _solve(v, ctx, depth + 1) for k, v in names.items()}

        def one(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("!"):
                return "${" + key[1:] + "}"
            found = known[key] if key in known else ctx.get(key, _UNSOLVED)
            if not isinstance(found, str | int | float | bool):
                raise LookupError(key)
            return _text(found)
        try:
            return re.sub(r"\$\{([^}]{1,256})\}", one, text)
        except LookupError:
            return _UNSOLVED
    if name == "Join" and isinstance(args, list) and len(args) == 2 and isinstance(args[0], str):
        items = _solve(args[1], ctx, depth + 1)
        if isinstance(items, list) and all(isinstance(i, str | int | float | bool) for i in items):
            return args[0].join(_text(i) for i in items)
        return _UNSOLVED
    if name == "Select" and isinstance(args, list) and len(args) == 2:
        index, items = _solve(args[0], ctx, depth + 1), _solve(args[1], ctx, depth + 1)
        try:
            return items[int(index)] if isinstance(items, list) else _UNSOLVED
        except (ValueError, TypeError, IndexError):
            return _UNSOLVED
    if name == "FindInMap" and isinstance(args, list) and len(args) == 3:
        keys = [_solve(a, ctx, depth + 1) for a in args]
        found: Any = ctx.mappings
        for key in keys:
            if not isinstance(found, dict) or not isinstance(key, str) or key not in found:
                return _UNSOLVED
            found = found[key]
        return _solve(found, ctx, depth + 1)
    if name == "If" and not (isinstance(args, list) and len(args) == 3 and isinstance(args[0], str)):
        # Not CloudFormation (it takes a condition's name and two values): never judged as some value
        raise ShapeError("an Fn::If that is not a condition's name and two values")
    if name == "If":
        chosen = _condition(args[0], ctx, depth + 1)
        if chosen is not None:
            return _solve(args[1] if chosen else args[2], ctx, depth + 1)
        left, right = _solve(args[1], ctx, depth + 1), _solve(args[2], ctx, depth + 1)
        return left if left is not _UNSOLVED and left == right else _UNSOLVED
    if name == "Base64":
        text = _solve(args, ctx, depth + 1)
        return base64.b64encode(text.encode()).decode() if isinstance(text, str) else _UNSOLVED
    return _UNSOLVED


def _text(value: str | int | float | bool) -> str:
    """A parameter or literal as CloudFormation's string functions see it (parameters are strings;
    a YAML `false` default is "false")."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _condition(value: Any, ctx: Template, depth: int) -> bool | None:
    """A condition's truth when the template decides it alone, else None."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, bool):  # a condition forced to one side (judging both branches of an Fn::If)
        return value
    if isinstance(value, str):  # a condition's name
        if value not in ctx.truths:
            ctx.truths[value] = None  # while it is worked out: a condition naming itself is undecided
            ctx.truths[value] = _condition(ctx.conditions[value], ctx, depth + 1) if value in ctx.conditions else None
        return ctx.truths[value]
    call = _args(value)
    if call is None:
        return None
    name, args = call
    if name == "Condition":
        return _condition(args, ctx, depth + 1)
    if name == "Equals" and isinstance(args, list) and len(args) == 2:
        left, right = _solve(args[0], ctx, depth + 1), _solve(args[1], ctx, depth + 1)
        if left is _UNSOLVED or right is _UNSOLVED or _args(left) is not None or _args(right) is not None:
            return None  # a parameter without a default, another resource: decided at deploy
        return str(left).lower() == str(right).lower() if isinstance(left, bool) or isinstance(right, bool) \
            else left == right
    if name == "Not" and isinstance(args, list):
        truth = _condition(args[0], ctx, depth + 1) if len(args) == 1 else None
        return None if truth is None else not truth
    if name in ("And", "Or") and isinstance(args, list):
        decisive, undecided = name == "Or", False  # Or stops at a true part, And at a false one
        for part in args:
            truth = _condition(part, ctx, depth + 1)
            if truth is decisive:
                return decisive
            undecided = undecided or truth is None
        return None if undecided else not decisive
    return None


def _known(value: Any, params: Template, unknown: list[str], where: str, key: str = "") -> Any:
    """A property with parameters resolved to their Default, strings coerced where CloudFormation would,
    and anything else intrinsic (Fn::If, Fn::ImportValue, a parameter without a default, ...) unknown
    until deploy: recorded in `unknown` (unless no rule reads it) and left out."""
    kind = _intrinsic(value)
    call = _args(value) if kind is not None else None
    if call is not None and call[0] == "If":
        if not (isinstance(call[1], list) and len(call[1]) == 3 and isinstance(call[1][0], str)):
            raise ShapeError("an Fn::If that is not a condition's name and two values")
        chosen = _condition(call[1][0], params, 0)
        if chosen is not None:  # the branch itself, read as a property: its own intrinsics stay per attribute
            return _known(call[1][1] if chosen else call[1][2], params, unknown, where, key)
    if kind is not None:
        solved = _solve(value, params)
        if solved is NO_VALUE:
            return None  # the property is removed: what AWS applies without it
        if solved is not _UNSOLVED and solved is not value:
            return _known(solved, params, unknown, where, key)
    if kind is not None and ".LambdaConfig." in where:
        return f"<{kind}>"  # a trigger's function ARN is known at deploy; that the trigger is set, now
    if kind is not None:
        if key not in _IGNORED:
            unknown.append(f"{where} ({kind})")
        return None
    if isinstance(value, dict):
        return {k: v for k, v in ((k, _known(v, params, unknown, f"{where}.{k}", k)) for k, v in value.items())
                if v is not None}
    if isinstance(value, list):
        return [v for v in (_known(v, params, unknown, where, key) for v in value) if v is not None]
    return _coerced(key, value)


def _parameter(declared: dict[str, Any]) -> Any:
    """A parameter's Default as `!Ref` gives it: a CommaDelimitedList or List<...> is a list of its
    comma-separated values, spaces around each trimmed (AWS CloudFormation User Guide, "Parameters":
    "CommaDelimitedList: an array of literal strings that are separated by commas")."""
    allowed = declared.get("AllowedValues") or []
    default = declared["Default"] if "Default" in declared else allowed[0]  # the only value it can take
    kind = str(declared.get("Type", ""))
    if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(default, str):
        return [part.strip() for part in default.split(",")]
    return default


def _ref(value: Any) -> str | None:
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


# Where each property a template may leave to deploy time lands in the typed facts: (input, field).
# A property named here makes only the rules that read that field SKIPPED (auditor.facts.snapshot.Unknown);
# one not named here makes its whole input SKIPPED, as before.
POOL_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "MfaConfiguration": (("cognito.user_pool", "mfa_configuration"), ("cognito.mfa", "mfa_configuration")),
    "EnabledMfas": (("cognito.mfa", "software_token"), ("cognito.mfa", "sms"), ("cognito.mfa", "email")),
    "DeletionProtection": (("cognito.user_pool", "deletion_protection"),),
    "AdminCreateUserConfig": (("cognito.user_pool", "allow_admin_create_user_only"),),
    "Policies": (("cognito.user_pool", "password_policy"), ("cognito.user_pool", "first_auth_factors")),
    "Schema": (("cognito.user_pool", "schema"),),
    "AutoVerifiedAttributes": (("cognito.user_pool", "auto_verified_attributes"),),
    "UsernameAttributes": (("cognito.user_pool", "username_attributes"),),
    "AliasAttributes": (("cognito.user_pool", "alias_attributes"),),
    "UserAttributeUpdateSettings": (("cognito.user_pool", "verify_before_update"),),
    "UserPoolAddOns": (("cognito.user_pool", "advanced_security_mode"), ("cognito.user_pool", "custom_auth_mode")),
    "AccountRecoverySetting": (("cognito.user_pool", "account_recovery"),),
    "UsernameConfiguration": (("cognito.user_pool", "case_sensitive"),),
    "UserPoolTier": (("cognito.user_pool", "tier"),),
    "WebAuthnUserVerification": (("cognito.mfa", "webauthn_user_verification"),),
    "LambdaConfig": (("cognito.user_pool", "triggers"),),  # a whole LambdaConfig left to an Fn::If
    "InviteMessageTemplate": (), "AdminCreateUserConfig.InviteMessageTemplate": (),  # read by no rule
    "EmailVerificationMessage": (), "EmailVerificationSubject": (), "SmsVerificationMessage": (),
    "SmsAuthenticationMessage": (), "UserPoolTags": (), "DeviceConfiguration": (),
    # Read by no rule: an e-mail sender (an SES identity's ARN) or a verification text left to deploy
    # hides nothing (it made every pool rule SKIPPED on most public modules: found on real files).
    "EmailConfiguration": (), "VerificationMessageTemplate": (), "SmsConfiguration": (),
    # Terraform's factor blocks, each the one factor it enables (SetUserPoolMfaConfig's properties).
    "SmsMfaConfiguration": (("cognito.mfa", "sms"),),
    "SoftwareTokenMfaConfiguration": (("cognito.mfa", "software_token"),),
    "EmailMfaConfiguration": (("cognito.mfa", "email"),),
}
CLIENT_FIELDS: dict[str, tuple[str, ...]] = {
    "CallbackURLs": ("callback_urls",), "LogoutURLs": ("logout_urls",), "DefaultRedirectURI": ("default_redirect_uri",),
    "AllowedOAuthFlows": ("allowed_oauth_flows",), "AllowedOAuthScopes": ("allowed_oauth_scopes",),
    "AllowedOAuthFlowsUserPoolClient": ("allowed_oauth_flows_user_pool_client",),
    "ExplicitAuthFlows": ("explicit_auth_flows",), "SupportedIdentityProviders": ("supported_identity_providers",),
    "ReadAttributes": ("read_attributes",), "WriteAttributes": ("write_attributes",),
    "PreventUserExistenceErrors": ("prevent_user_existence_errors",),
    "EnableTokenRevocation": ("enable_token_revocation",), "GenerateSecret": ("has_secret",),
    "RefreshTokenValidity": ("validity",), "AccessTokenValidity": ("validity",), "IdTokenValidity": ("validity",),
    "TokenValidityUnits": ("validity",), "AuthSessionValidity": ("validity",),
    "RefreshTokenRotation": ("refresh_rotation",), "AnalyticsConfiguration": (),
    "EnablePropagateAdditionalUserContextData": (),
}


@dataclass(frozen=True)
class Attributes:
    """What a template leaves to deploy time, by where it lands: pool fields, client fields (by
    client id), and inputs that must be SKIPPED whole (a property no table above knows)."""

    pool: dict[tuple[str, str], str] = field(default_factory=dict)  # (input, field) -> what
    clients: dict[tuple[str, str], str] = field(default_factory=dict)  # (client id, field) -> what
    whole: dict[str, list[str]] = field(default_factory=dict)  # input key -> what


def _attributes(unknown: dict[str, list[str]]) -> Attributes:
    """`unknown` by "pool:<id>", "client:<id>" or an input key, each entry "Logical.Property... (Fn::X)"."""
    out = Attributes()
    for key, entries in unknown.items():
        for entry in entries:
            path = entry.split(" (", 1)[0].split(".")
            _place(out, key, path[1:], entry)
    return out


def _place(out: Attributes, key: str, path: list[str], entry: str) -> None:
    """Put one unknown API property of "pool:<id>", "client:<id>" or an input key where it lands: the
    longest dotted prefix of its path that a table names (an invitation text left to deploy inside
    AdminCreateUserConfig is read by no rule; it does not hide AllowAdminCreateUserOnly beside it)."""
    prop = next((".".join(path[:n]) for n in range(len(path), 0, -1)
                 if ".".join(path[:n]) in (POOL_FIELDS if key.startswith("pool:") else CLIENT_FIELDS)),
                path[0] if path else "")
    if key.startswith("pool:") and prop in POOL_FIELDS:
        out.pool.update({target: entry for target in POOL_FIELDS[prop]})
    elif key.startswith("client:") and prop in CLIENT_FIELDS:
        out.clients.update({(key[len("client:"):], name): entry for name in CLIENT_FIELDS[prop]})
    else:
        whole = {"pool": ("cognito.user_pool", "cognito.mfa"), "client": ("cognito.clients",)}.get(
            key.split(":", 1)[0], (key,))
        for input_key in whole:
            out.whole.setdefault(input_key, []).append(entry)


# Nested properties that locate a field more precisely than their top-level property.
_NESTED_FIELDS = {
    ("AdminCreateUserConfig", "AllowAdminCreateUserOnly"): ("cognito.user_pool.allow_admin_create_user_only",),
    ("Policies", "PasswordPolicy"): ("cognito.user_pool.password_policy",),
    ("Policies", "SignInPolicy"): ("cognito.user_pool.first_auth_factors",)}


def property_fields(pool: bool, lines: dict[tuple[str, ...], Location]) -> dict[str, Location]:
    """Fact fields (`cognito.user_pool.deletion_protection`) by where their API property is written:
    `lines` holds API property paths (one or two steps); a nested one wins over its parent."""
    out: dict[str, Location] = {}
    for path, where in sorted(lines.items(), key=lambda item: (len(item[0]), item[0][0] not in _LOCATES_FIRST)):
        if len(path) > 1:  # more precise than its parent: it wins
            out.update(dict.fromkeys(_NESTED_FIELDS.get((path[0], path[1]), ()), where))
            continue
        if pool:
            targets = tuple(f"{key}.{name}" for key, name in POOL_FIELDS.get(path[0], ()))
        else:
            targets = tuple(f"cognito.clients.{name}" for name in CLIENT_FIELDS.get(path[0], ()))
        for target in targets:  # the first property that sets a field locates it
            out.setdefault(target, where)
    return out


# Of the properties that set one field, the one a rule judges (OMA308: the refresh token's validity).
_LOCATES_FIRST = ("RefreshTokenValidity",)


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


def _with_unknown(result: FileFacts, unknown: dict[str, list[str]] | Attributes, when: str) -> FileFacts:
    """Attributes a file leaves to deploy (or apply) time: each one Unknown in its fact (only the rules
    that read it are SKIPPED); inputs it cannot place, SKIPPED whole, naming them."""
    if isinstance(unknown, Attributes):
        for (input_key, name), what in unknown.pool.items():
            result.facts = result.facts.with_attribute(input_key, name, Unknown(f"{result.file}: {what}: {when}"))
        clients = result.facts.cognito.clients
        if clients is not None and unknown.clients:
            by_client: dict[str, dict[str, Any]] = {}  # Unknown stands for any attribute; one pass
            for (cid, name), what in unknown.clients.items():
                by_client.setdefault(cid, {})[name] = Unknown(f"{result.file}: {what}: {when}")
            result.facts = dataclasses.replace(result.facts, cognito=dataclasses.replace(
                result.facts.cognito, clients=tuple(dataclasses.replace(c, **by_client[c.client_id])
                                                    if c.client_id in by_client else c for c in clients)))
        unknown = unknown.whole
    for key, names in unknown.items():
        result.facts = result.facts.with_fact(key, None)
        shown = ", ".join(sorted(set(names))[:6]) + (" and more" if len(set(names)) > 6 else "")
        result.unknown[key] = f"{shown}: {when}"
    return result


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


def _cfn_perimeter(typed: dict[str, Any], params: Template, pools: dict[str, PoolDraft],
                   where: Callable[[str], Location], unknown: dict[str, list[str]]) -> None:
    """AWS::WAFv2::WebACLAssociation whose ResourceArn is a pool's (`!GetAtt Pool.Arn`), and
    AWS::Cognito::IdentityPool whose CognitoIdentityProviders name a pool (`!GetAtt Pool.ProviderName`,
    or a `!Sub` holding `${Pool}`), with their AWS::Cognito::IdentityPoolRoleAttachment."""
    roles: dict[str, dict[str, Any]] = {}
    for logical, resource in typed.items():
        props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
        if resource["Type"] == "AWS::WAFv2::WebACLAssociation" and _ref(props.get("ResourceArn")) in pools:
            acl = _ref(props.get("WebACLArn")) or str(props.get("WebACLArn") or logical)
            pools[str(_ref(props.get("ResourceArn")))].web_acls.append((acl, where(logical)))
        elif resource["Type"] == "AWS::Cognito::IdentityPoolRoleAttachment" and _ref(props.get("IdentityPoolId")):
            roles[str(_ref(props.get("IdentityPoolId")))] = {"RoleMappings": props.get("RoleMappings") or {}}
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
            props = _known({k: raw_props.get(k) for k in ("AllowUnauthenticatedIdentities", "AllowClassicFlow")},
                           params, missing, logical)
            unknown.setdefault(f"{owner}>cognito.identity_pools", []).extend(missing)
            raw = {**(props if isinstance(props, dict) else {}), "IdentityPoolId": logical,
                   "IdentityPoolName": raw_props.get("IdentityPoolName") if isinstance(
                       raw_props.get("IdentityPoolName"), str) else logical,
                   "CognitoIdentityProviders": [{"ProviderName": TRUSTED, "ClientId": _ref(p.get("ClientId")) or "?"}
                                                for p in providers]}
            pools[owner].identity_pools.append((raw, roles.get(logical, {"RoleMappings": {}}), where(logical)))


def _names_pool(value: Any, logical: str) -> bool:
    """`!GetAtt Pool.ProviderName`, or a `!Sub` of "cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"."""
    if _ref(value) == logical:
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
    return _shapes_checked("CloudFormation template", _read_template, path, root, pool)


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
    (cfn_nested): each parent's literal, or its own parameter's value (its Default, or what its own
    parents pass: stacks two deep, found by an attack); _UNSOLVED where a parent passes what is known
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
                seen.append(_UNSOLVED)
                continue
            if name not in given:
                seen.append(_parameter(spec) if "Default" in spec else _UNSOLVED)
                continue
            missing: list[str] = []
            value = _known(given[name], context, missing, f"{parent.where} {name}")
            text = value if isinstance(value, str) else ",".join(map(str, value)) if isinstance(value, list) \
                else str(value).lower() if isinstance(value, bool) else str(value)
            seen.append(_UNSOLVED if missing or value is None else _parameter({**spec, "Default": text}))
        if seen and any(v is not seen[0] and v != seen[0] for v in seen[1:]):
            seen = [_UNSOLVED]
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
    if _intrinsic(parameters) is not None:
        parameters = _solve(parameters, context)
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
    context = Template({k: _parameter(v) for k, v in declared.items() if isinstance(v, dict) and "Default" in v},
                       parent.template.get("Conditions"), parent.template.get("Mappings"))
    for name, value in _from_parents(parent.path, root, stacks, declared, [], depth + 1).items():
        if value is _UNSOLVED:
            context.pop(name, None)
        else:
            context[name] = value
    return context


def _parameters_in(value: Any, ctx: Template, into: list[str], depth: int = 0) -> None:
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
            _parameters_in(ctx.conditions.get(args), ctx, into, depth + 1)
            return
        value = args
    if isinstance(value, dict):
        for item in value.values():
            _parameters_in(item, ctx, into, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _parameters_in(item, ctx, into, depth + 1)


def _conditions_used(value: Any, into: list[str], depth: int = 0) -> None:
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
            _conditions_used(item, into, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _conditions_used(item, into, depth + 1)


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
    params = Template({k: _parameter(v) for k, v in declared.items() if isinstance(v, dict) and (
        "Default" in v or len(v.get("AllowedValues") or []) == 1)}, doc.value.get("Conditions"),
        doc.value.get("Mappings"))
    for name, value in _from_parents(path, root, stacks, declared, included).items():
        if value is _UNSOLVED:  # passed as something known only at deploy: the Default does not apply
            params.pop(name, None)
        else:
            params[name] = value
    params.update(given)
    params.conditions = {**params.conditions, **forced}
    named: list[str] = []
    for resource in typed.values():  # the types this reader reads: what their conditions decide is judged
        if resource["Type"].startswith("AWS::Cognito::") or resource["Type"] == "AWS::WAFv2::WebACLAssociation":
            _conditions_used({"Condition": resource["Condition"]} if "Condition" in resource else None, named)
            _conditions_used(resource.get("Properties"), named)
    undecided = [n for n in dict.fromkeys(named) if n not in forced and _condition(n, params, 0) is None]
    read: list[str] = []
    for name in undecided:
        _parameters_in(name, params, read)
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
             if "Condition" not in v or _condition(v["Condition"], params, 0) is not False}
    unknown: dict[str, list[str]] = {}  # input key -> the properties known only at deploy
    pools: dict[str, PoolDraft] = {}
    for logical, resource in typed.items():
        if resource["Type"] != "AWS::Cognito::UserPool":
            continue
        missing: list[str] = []
        props = _known(resource.get("Properties") or {}, params, missing, logical)
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
        if _intrinsic(raw_props) is not None and isinstance(_solve(raw_props, params), dict):
            raw_props = _solve(raw_props, params)  # `Properties: !If [Always, {...}, {...}]`
        if kind == "AWS::Cognito::UserPoolClient" and _intrinsic(raw_props) is not None:
            # The whole client is decided at deploy (`Properties: !If [...]`): its pool cannot be told
            # either, so every pool's clients are unknown, never judged without it.
            for pool_key in pools:
                unknown.setdefault(f"{pool_key}>cognito.clients", []).append(
                    f"{logical}.Properties ({_intrinsic(raw_props)})")
            continue
        if kind == "AWS::Cognito::UserPool" or not kind.startswith("AWS::Cognito::") or not isinstance(raw_props,
                                                                                                        dict):
            continue
        missing = []
        props = _known(raw_props, params, missing, logical)
        linked = raw_props.get("UserPoolId")
        solved = _solve(linked, params) if _intrinsic(linked) is not None else linked
        # `!If [Always, !Ref Pool, ...]` names the pool once solved (taken from the raw value, the client
        # was dropped: found by an attack)
        owner = _ref(solved if solved is not _UNSOLVED and solved is not NO_VALUE else linked)
        if owner is None and len(pools) > 1 and kind == "AWS::Cognito::UserPoolClient":
            # a client whose pool only the deployment decides (`!Sub`, `!Select`, an undecided `!If`):
            # every pool's clients are unknown, never judged without it
            for pool_key in pools:
                unknown.setdefault(f"{pool_key}>cognito.clients", []).append(
                    f"{logical}.UserPoolId ({_intrinsic(linked) or 'no pool named'})")
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
            target = _ref(raw_props.get("ClientId"))
            draft.risks.append(({k: v for k, v in props.items() if k != "ClientId"}
                                | ({"ClientId": target} if target else {}), target))
    chosen, notes = _one_pool(pools, rel, "template", selected)
    notes[:0] = included
    if chosen is None:
        orphans = []
        for logical, resource in typed.items():
            if resource["Type"] == "AWS::Cognito::UserPoolClient" and isinstance(resource.get("Properties"), dict):
                props = _known(resource["Properties"], params, [], logical)
                given = {k: v for k, v in props.items() if k not in ("UserPoolId", "GenerateSecret")}
                orphans.append(({**CLIENT_DEFAULTS, **given, "ClientId": logical,
                                 "ClientSecret": "generated" if props.get("GenerateSecret") else None}, where(logical)))
        if not orphans:  # a misspelt type (AWS::Cognito::UserPol) must not pass the gate with nothing judged
            raise InputError(f"CloudFormation template {rel} has no AWS::Cognito::UserPool or UserPoolClient resource")
        return _clients_only(orphans, rel, "template"), [], {}
    mine = {k.split(">", 1)[-1]: v for k, v in unknown.items()
            if v and (k == f"pool:{chosen.key}" or k.startswith(f"{chosen.key}>"))}
    return _with_unknown(facts_of(chosen, "cloudformation", notes, rel), _attributes(mine),
                         "known only at deploy"), undecided, inputs
