"""Run by OpenMetadata's own Python client (openmetadata-ingestion 2.0.7.0, in .venv-ometa): fetch the
lab's answers and parse each into OpenMetadata's generated pydantic models.

    .venv-ometa/bin/python tests/oracle/parse_lab.py <om_url> <admin token> [<om_url> <admin token> ...]

Prints one JSON object per lab, keyed by its URL: {"parsed": [what, ...], "failed": [{"what": ..., "error": ...}]}.
One process reads every lab: importing the client's models takes seconds.
This file imports only what that environment has (requests, pydantic, metadata.*), never auditor.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import requests
from metadata.generated.schema.api.openMetadataServerVersion import OpenMetadataServerVersion
from metadata.generated.schema.auth.jwtAuth import JWTAuthMechanism
from metadata.generated.schema.configuration.authenticationConfiguration import AuthenticationConfiguration
from metadata.generated.schema.configuration.authorizerConfiguration import AuthorizerConfiguration
from metadata.generated.schema.configuration.securityConfiguration import SecurityConfiguration
from metadata.generated.schema.entity.bot import Bot
from metadata.generated.schema.entity.teams.user import AuthenticationMechanism, User
from pydantic import ValidationError

# Required fields of the generated models that the real server does not serialize, with the reason:
MAY_LACK = {
    # ConfigResource.getAuthorizerConfig returns `new AuthorizerConfiguration().withPrincipalDomain(..)`:
    # the schema's required strings and booleans without defaults stay null, and NON_NULL omits them.
    "authorizer": frozenset({"className", "containerRequestFilter", "enforcePrincipalDomain",
                             "enableSecureSocketConnection"}),
    # UserResource.revokeToken stores `new JWTAuthMechanism().withJWTToken("")`: no JWTTokenExpiry.
    "revoked": frozenset({"JWTTokenExpiry"}),
}


def read(base: str, token: str) -> dict[str, Any]:
    parsed: list[str] = []
    failed: list[dict[str, str]] = []
    headers = {"Authorization": f"Bearer {token}"}

    def get(path: str, auth: bool = False) -> Any:
        answer = requests.get(base + path, headers=headers if auth else {}, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def check(what: str, model: Any, fetch: Any, may_lack: frozenset[str] = frozenset()) -> Any:
        """Validate; a missing field is accepted only when it is in `may_lack` (see MAY_LACK)."""
        try:
            data = fetch()
            model.model_validate(data)
        except ValidationError as exc:
            real = [e for e in exc.errors() if not (e["type"] == "missing" and str(e["loc"][0]) in may_lack)]
            if real:
                failed.append({"what": what, "error": "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                                                for e in real)[:800]})
                return None
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the others
            failed.append({"what": what, "error": f"{type(exc).__name__}: {exc}"[:500]})
            return None
        parsed.append(what)
        return data

    legacy = requests.get(base + "/api/v1/system/version", timeout=10).status_code != 200
    system, config = ("/api/v1", "/api/v1/config") if legacy else ("/api/v1/system", "/api/v1/system/config")
    check("version", OpenMetadataServerVersion, lambda: get(f"{system}/version"))
    check("auth config", AuthenticationConfiguration, lambda: get(f"{config}/auth"))
    check("authorizer", AuthorizerConfiguration, lambda: get(f"{config}/authorizer"), MAY_LACK["authorizer"])
    admins = get("/api/v1/users?isAdmin=true&limit=100", auth=True)["data"]
    for user in admins:
        check(f"admin user {user.get('name')}", User, lambda user=user: user)
    if requests.get(base + "/api/v1/users/name/admin?include=all", headers=headers, timeout=10).status_code == 200:
        check("the admin user", User, lambda: get("/api/v1/users/name/admin?include=all", auth=True))
    for bot in get("/api/v1/bots?limit=100", auth=True)["data"]:
        check(f"bot {bot.get('name')}", Bot, lambda bot=bot: bot)
        mechanism = get(f"/api/v1/users/auth-mechanism/{bot['botUser']['id']}", auth=True)
        if mechanism.get("config", {}).get("JWTToken") == "":
            check(f"revoked JWT of {bot.get('name')}", JWTAuthMechanism, lambda m=mechanism: m["config"],
                  MAY_LACK["revoked"])
        else:
            check(f"auth mechanism of {bot.get('name')}", AuthenticationMechanism, lambda m=mechanism: m)
            check(f"JWT of {bot.get('name')}", JWTAuthMechanism, lambda m=mechanism: m["config"])
    if requests.get(base + "/api/v1/system/security/config", headers=headers, timeout=10).status_code != 404:
        check("security config", SecurityConfiguration, lambda: get("/api/v1/system/security/config", auth=True))
    return {"parsed": parsed, "failed": failed}


if __name__ == "__main__":
    pairs = sys.argv[1:]
    print(json.dumps({pairs[i]: read(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)}))
