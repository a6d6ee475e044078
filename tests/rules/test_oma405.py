"""OMA405 (tokens of other app clients accepted): a snapshot in, exact status and message out, from
the rule's docs: a client that signs users in (SDK flows, AWS's defaults when absent, or hosted
sign-in with openid) is a door; a client_credentials client mints tokens that name no user."""

from __future__ import annotations

from auditor.report.model import Status
from tests.helpers import run
from tests.rules.builders import GOOD_CLIENT, client, cognito, om_auth, pool

MACHINE = client(client_id="m2m0000000000001", name="etl", explicit_auth_flows=("ALLOW_REFRESH_TOKEN_AUTH",),
                 allowed_oauth_flows=("client_credentials",), allowed_oauth_scopes=("api/read",), has_secret=True)


def _only(**changes: object) -> tuple[Status, str]:
    [outcome] = run("OMA405", cognito(**changes))  # type: ignore[arg-type]
    return outcome.status, outcome.message


def test_only_openmetadatas_client_and_machine_clients_pass() -> None:
    assert _only() == (Status.PASS, "no other app client of the pool signs users in")
    assert _only(clients=(GOOD_CLIENT, MACHINE)) == (
        Status.PASS, "no other app client of the pool signs users in (etl: client_credentials only, whose tokens "
                     "name no user)")


def test_each_way_another_client_signs_users_in_is_named() -> None:
    mobile = client(client_id="mob0000000000001", name="mobile", explicit_auth_flows=(
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), allowed_oauth_flows_user_pool_client=False)
    defaults = client(client_id="def0000000000001", name="legacy", explicit_auth_flows=None,
                      allowed_oauth_flows_user_pool_client=False)
    hosted = client(client_id="web0000000000001", name="portal", explicit_auth_flows=("ALLOW_REFRESH_TOKEN_AUTH",),
                    allowed_oauth_flows=("code",), allowed_oauth_scopes=("openid", "email"))
    status, message = _only(clients=(GOOD_CLIENT, mobile, defaults, hosted, MACHINE))
    assert status == Status.FAIL
    assert message == ("OpenMetadata accepts the users' tokens of 3 other app clients of its pool (no release checks "
                       "aud): mobile: SDK sign-in (ALLOW_USER_PASSWORD_AUTH); legacy: SDK sign-in (ALLOW_CUSTOM_AUTH, "
                       "ALLOW_USER_SRP_AUTH); portal: hosted sign-in (code)")
    status, message = _only(clients=(GOOD_CLIENT, hosted), user_pool=pool(triggers=("PreTokenGeneration",)))
    assert status == Status.FAIL
    assert message.endswith("; the pool's PreTokenGeneration trigger may rewrite their claims")


def test_openmetadatas_client_missing_from_the_pool_is_skipped() -> None:
    status, message = _only(auth=om_auth(client_id="not-in-the-pool"))
    assert (status, message) == (Status.SKIPPED, "OpenMetadata's client is not in the pool (see OMA402)")
