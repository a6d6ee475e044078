"""Optional cross-check: omaudit's verdicts against Prowler's on the checks both make, over moto pools.

Run: .venv/bin/python benchmarks/prowler_crosscheck.py [--prowler /path/to/prowler]

Without a `prowler` executable (PATH or --prowler) it says so and exits 0: Prowler is no dependency
of omaudit. With one, it starts the lab's moto server, seeds the lab's pools (seed-walkthrough,
hardened) and 21 ordinary pools that vary the settings both tools judge, runs a Cognito-only
`omaudit scan` per pool and one `prowler aws --services cognito` over all of them (both pointed at
moto by AWS_ENDPOINT_URL), and prints the agreement per overlapping check as a Markdown table.

Overlap (PEERS.md section 1.1): MFA enabled = OMA203, advanced security ENFORCED = OMA206 (pools
without custom-auth triggers or inert risk actions), password length 14 / lower / upper / number /
symbol = OMA204 (it fails when any of them does), temporary password expiration = OMA208,
self-registration disabled = OMA205, deletion protection = OMA207, account recovery SMS not preferred
= OMA214, and per client: prevent user existence errors = OMA306, token revocation = OMA307.
omaudit's SKIPPED (federated-only pools) is not compared, nor a check for which Prowler reports
nothing (its advanced-security checks give no finding against moto).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.lab.cognito import HARDENED, REGION, WALKTHROUGH, MotoServer, seed  # noqa: E402

POOL_CHECKS = {"cognito_user_pool_mfa_enabled": "OMA203", "cognito_user_pool_advanced_security_enabled": "OMA206",
               "cognito_user_pool_temporary_password_expiration": "OMA208",
               "cognito_user_pool_self_registration_disabled": "OMA205",
               "cognito_user_pool_deletion_protection_enabled": "OMA207",
               "cognito_user_pool_account_recovery_sms_not_preferred": "OMA214",
               "cognito_user_pool_waf_acl_attached": "OMA217"}
# Per identity pool: Prowler fails guest access; OMA218 also fails the basic flow, so its verdict is
# compared on guest access alone (its evidence says which).
IDENTITY_CHECKS = {"cognito_identity_pool_guest_access_disabled": "OMA218"}
# Every other check of Prowler 5.46's Cognito service, and why it is not compared.
NOT_COMPARED = {
    "cognito_user_pool_advanced_security_enabled":
        "OMA206 judges it; Prowler gives no finding against moto (its DescribeRiskConfiguration gets HTTP 500)",
    "cognito_user_pool_blocks_compromised_credentials_sign_in_attempts":
        "OMA206 judges it; Prowler gives no finding against moto (as above)",
    "cognito_user_pool_blocks_potential_malicious_sign_in_attempts":
        "OMA206 judges it; Prowler gives no finding against moto (as above)",
}
PASSWORD_CHECKS = ("cognito_user_pool_password_policy_minimum_length_14", "cognito_user_pool_password_policy_lowercase",
                   "cognito_user_pool_password_policy_uppercase", "cognito_user_pool_password_policy_number",
                   "cognito_user_pool_password_policy_symbol")
CLIENT_CHECKS = {"cognito_user_pool_client_prevent_user_existence_errors": "OMA306",
                 "cognito_user_pool_client_token_revocation_enabled": "OMA307"}


def ordinary_pools() -> list[dict[str, Any]]:
    """21 pools over the settings both tools judge, each with two clients."""
    out = []
    combos = itertools.product(("OFF", "ON"), (8, 14), ("OFF", "ENFORCED"), (False, True))
    for i, (mfa, length, security, strict) in enumerate(itertools.islice(combos, 16)):
        out.append({"PoolName": f"ordinary-{i}", "MfaConfiguration": "OFF" if mfa == "ON" else mfa,
                    "_mfa_on": mfa == "ON", "UserPoolAddOns": {"AdvancedSecurityMode": security},
                    "DeletionProtection": "ACTIVE" if strict else "INACTIVE",
                    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": strict},
                    "Policies": {"PasswordPolicy": {"MinimumLength": length, "RequireUppercase": strict,
                                                    "RequireLowercase": True, "RequireNumbers": True,
                                                    "RequireSymbols": strict,
                                                    "TemporaryPasswordValidityDays": 3 if strict else 14}},
                    "_clients": [{"PreventUserExistenceErrors": "ENABLED" if strict else "LEGACY",
                                  "EnableTokenRevocation": True},
                                 {"PreventUserExistenceErrors": "LEGACY", "EnableTokenRevocation": strict}]})
    for i in range(5):
        out.append({"PoolName": f"bare-{i}", "_clients": [{}] * (i % 3)})
    return out


def seed_all(endpoint: str) -> list[str]:
    import boto3

    session = boto3.session.Session(region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    idp = session.client("cognito-idp", endpoint_url=endpoint)
    guests = ({"IdentityPoolName": "guests", "AllowUnauthenticatedIdentities": True},
              {"IdentityPoolName": "members", "AllowUnauthenticatedIdentities": False, "AllowClassicFlow": True})
    ids = [seed(endpoint, dataclasses.replace(WALKTHROUGH, identity_pools=guests)).pool_id,
           seed(endpoint, HARDENED).pool_id]
    for spec in ordinary_pools():
        clients, mfa_on = spec.pop("_clients"), spec.pop("_mfa_on", False)
        pool_id = idp.create_user_pool(**spec)["UserPool"]["Id"]
        if mfa_on:
            idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                         SoftwareTokenMfaConfiguration={"Enabled": True})
        for n, client in enumerate(clients):
            idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{n}", **client)
        if spec.get("DeletionProtection") == "ACTIVE":  # the strict pools get a web ACL
            waf = session.client("wafv2", endpoint_url=endpoint)
            acl = waf.create_web_acl(Name=f"acl-{pool_id[-8:]}", Scope="REGIONAL", DefaultAction={"Allow": {}},
                                     Rules=[], VisibilityConfig={"SampledRequestsEnabled": False,
                                                                 "CloudWatchMetricsEnabled": False,
                                                                 "MetricName": "acl"})["Summary"]["ARN"]
            arn = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"]
            waf.associate_web_acl(WebACLArn=acl, ResourceArn=arn)
        ids.append(pool_id)
    return ids


def omaudit_verdicts(endpoint: str, pool_ids: list[str], env: dict[str, str]) -> dict[tuple[str, str], str]:
    """(rule, resource id: pool id or client id) -> status."""
    out: dict[tuple[str, str], str] = {}
    for pool_id in pool_ids:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "auditor", "scan", "--cognito-pool-id", pool_id,  # noqa: S603
                            "--aws-endpoint-url", endpoint, "--format", "json", "--output-dir", tmp],
                           capture_output=True, text=True, env=env, cwd=ROOT, check=False)
            findings = json.loads((Path(tmp) / "report.json").read_text())["findings"]
        for f in findings:
            status = f["status"]
            if f["rule_id"] == "OMA218" and status in ("PASS", "FAIL"):
                status = "FAIL" if f["evidence"].get("guest_access") else "PASS"
            out[(f["rule_id"], f["resource"].rsplit("/", 1)[-1])] = status
    return out


def prowler_verdicts(prowler: str, endpoint: str, env: dict[str, str]) -> dict[tuple[str, str], str]:
    """(check id, resource id) -> PASS/FAIL, from Prowler's JSON-OCSF output. Two runs: `--services
    cognito` does not execute cognito_user_pool_waf_acl_attached in Prowler 5.46 (its debug log never
    names it), so that check is asked for by name."""
    out: dict[tuple[str, str], str] = {}
    for selection in (["--services", "cognito"], ["--checks", "cognito_user_pool_waf_acl_attached"]):
        with tempfile.TemporaryDirectory() as tmp:
            run = subprocess.run([prowler, "aws", *selection, "-f", REGION, "--output-formats", "json-ocsf",  # noqa: S603
                                  "--output-directory", tmp, "--no-banner", "--ignore-exit-code-3",
                                  "--log-level", "ERROR"],
                                 env={**env, "AWS_ENDPOINT_URL": endpoint}, capture_output=True, text=True,
                                 check=False)
            errors = [line for line in (run.stdout + run.stderr).splitlines() if "ERROR" in line]
            if errors:
                print(f"Prowler logged {len(errors)} errors, the first: {errors[0][:300]}")
            for path in Path(tmp).rglob("*.ocsf.json"):
                for item in json.loads(path.read_text()):
                    check = item.get("metadata", {}).get("event_code")
                    resource = (item.get("resources") or [{}])[0].get("uid", "")
                    out[(str(check), resource.rstrip("/").rsplit("/", 1)[-1])] = str(item.get("status_code"))
    return out


def compare(ours: dict[tuple[str, str], str], theirs: dict[tuple[str, str], str]) -> dict[str, list[int]]:
    """check -> [compared, agreed]."""
    table: dict[str, list[int]] = {}
    pairs = [*POOL_CHECKS.items(), *CLIENT_CHECKS.items(), *IDENTITY_CHECKS.items()]
    for (check, resource), status in theirs.items():
        rule = dict(pairs).get(check) or ("OMA204" if check in PASSWORD_CHECKS else None)
        mine = ours.get((rule, resource)) if rule else None
        if mine not in ("PASS", "FAIL") or status not in ("PASS", "FAIL"):
            continue
        if check in PASSWORD_CHECKS:
            if check != PASSWORD_CHECKS[0]:
                continue  # the five are one comparison with OMA204
            status = "FAIL" if any(theirs.get((c, resource)) == "FAIL" for c in PASSWORD_CHECKS) else "PASS"
            check = "cognito_user_pool_password_policy_* (all five)"
        row = table.setdefault(check, [0, 0])
        row[0] += 1
        row[1] += status == mine
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prowler", default=shutil.which("prowler"))
    args = parser.parse_args()
    if not args.prowler:
        print("prowler is not installed (no `prowler` on PATH, no --prowler): cross-check skipped")
        return 0
    server = MotoServer()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": REGION}
    try:
        pools = seed_all(server.endpoint_url)
        ours = omaudit_verdicts(server.endpoint_url, pools, env)
        theirs = prowler_verdicts(args.prowler, server.endpoint_url, env)
    finally:
        server.stop()
    table = compare(ours, theirs)
    print(f"{len(pools)} pools; Prowler findings read: {len(theirs)}\n")
    print("| Prowler check | omaudit rule | compared | agreed |\n|---|---|---|---|")
    for check, (n, agreed) in sorted(table.items()):
        rule = {**POOL_CHECKS, **CLIENT_CHECKS, **IDENTITY_CHECKS}.get(check, "OMA204")
        print(f"| {check} | {rule} | {n} | {agreed} |")
    print("\n| Prowler check | why not compared |\n|---|---|")
    for check, why in NOT_COMPARED.items():
        print(f"| {check} | {why} |")
    mapped = {*POOL_CHECKS, *CLIENT_CHECKS, *IDENTITY_CHECKS, *PASSWORD_CHECKS, *NOT_COMPARED}
    unknown = sorted({c for c, _ in theirs if c.startswith("cognito_")} - mapped)
    if unknown:
        print(f"\nProwler checks this script does not map yet: {', '.join(unknown)}")
    total, agreed = sum(r[0] for r in table.values()), sum(r[1] for r in table.values())
    print(f"\nAgreement: {agreed} of {total} verdicts")
    return 0 if total and agreed == total else 1


if __name__ == "__main__":
    sys.exit(main())
