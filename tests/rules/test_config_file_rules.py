"""OMA5xx, the rules only configuration files feed: each fact changed one at a time, no server."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.facts.snapshot import ConfFacts, JwtSettings, LdapSettings, Problem, SecretSetting
from auditor.report.model import Severity, Status
from tests.helpers import run, snap

SHIPPED_JWT = JwtSettings("./conf/public_key.der", "./conf/private_key.der", "open-metadata.org",
                          "Gb389a-9f76-gdjs-a92j-0242bk94356")
OWN_JWT = JwtSettings("/keys/public.der", "/keys/private.der", "open-metadata.org", "0c4a7f5e-9d2b")


def _with(**conf: object) -> object:
    return dataclasses.replace(snap(), conf=ConfFacts(**conf))  # type: ignore[arg-type]


def _secret(kind: str, state: str) -> SecretSetting:
    return SecretSetting(name=f"{kind}-key", kind=kind, state=state, origin="written in values.yaml")


@pytest.mark.parametrize(("state", "status"), [("shipped", Status.FAIL), ("empty", Status.FAIL),
                                               ("reference", Status.PASS), ("inline", Status.PASS)])
def test_oma501_fails_the_shipped_or_an_empty_fernet_key(state: str, status: Status) -> None:
    [outcome] = run("OMA501", _with(fernet=_secret("fernet", state)))  # type: ignore[arg-type]
    assert outcome.status is status


def test_oma502_shipped_private_key_is_critical_the_key_id_alone_high() -> None:
    [shipped] = run("OMA502", _with(jwt=SHIPPED_JWT))  # type: ignore[arg-type]
    assert shipped.status is Status.FAIL and shipped.severity is Severity.CRITICAL
    [key_id] = run("OMA502", _with(jwt=dataclasses.replace(OWN_JWT, key_id=SHIPPED_JWT.key_id)))  # type: ignore[arg-type]
    assert key_id.status is Status.FAIL and key_id.severity is None  # the rule's own: high
    [own] = run("OMA502", _with(jwt=OWN_JWT))  # type: ignore[arg-type]
    assert own.status is Status.PASS


@pytest.mark.parametrize(("admins", "status"), [(("admin",), Status.FAIL), (("alice", "Admin:secretpw"), Status.FAIL),
                                                (("alice",), Status.PASS), ((), Status.PASS)])
def test_oma503_admin_among_the_initial_admins(admins: tuple[str, ...], status: Status) -> None:
    [outcome] = run("OMA503", _with(initial_admins=admins))  # type: ignore[arg-type]
    assert outcome.status is status


def test_oma504_judges_every_secret_but_the_public_defaults() -> None:
    secrets = (_secret("fernet", "shipped"), _secret("oidc-client-secret", "inline"),
               _secret("database-password", "reference"), _secret("ldap-admin-password", "empty"))
    outcomes = run("OMA504", _with(secrets=secrets))  # type: ignore[arg-type]
    assert [(o.resource, o.status) for o in outcomes] == [("oidc-client-secret-key", Status.FAIL),
                                                          ("database-password-key", Status.PASS),
                                                          ("ldap-admin-password-key", Status.PASS)]


def test_oma505_only_the_database_and_pipeline_passwords() -> None:
    secrets = (_secret("database-password", "shipped"), _secret("pipeline-password", "inline"),
               _secret("fernet", "shipped"))
    outcomes = run("OMA505", _with(secrets=secrets))  # type: ignore[arg-type]
    assert [(o.resource, o.status) for o in outcomes] == [("database-password-key", Status.FAIL),
                                                          ("pipeline-password-key", Status.PASS)]


@pytest.mark.parametrize(("ldap", "status"), [(LdapSettings("TrustAll", True), Status.FAIL),
                                              (LdapSettings("TrustAll", False), Status.SKIPPED),
                                              (LdapSettings("CustomTrustStore", True), Status.PASS)])
def test_oma506_trust_all_only_matters_with_ldap(ldap: LdapSettings, status: Status) -> None:
    [outcome] = run("OMA506", _with(ldap=ldap))  # type: ignore[arg-type]
    assert outcome.status is status


def test_a_live_snapshot_skips_every_oma5xx_rule() -> None:
    live = dataclasses.replace(snap(), problems={k: Problem("skipped", "needs files")
                                                 for k in ("conf.fernet", "conf.jwt", "conf.initial_admins",
                                                           "conf.secrets", "conf.ldap")})
    for rule_id in ("OMA501", "OMA502", "OMA503", "OMA504", "OMA505", "OMA506"):
        [outcome] = run(rule_id, live)
        assert outcome.status is Status.SKIPPED and outcome.message == "needs files"


def test_rules_test_flags_through_known_never_by_identity_alone() -> None:
    """A value a file leaves to deploy time is an Unknown, which raises on every use but `is`: so a
    rule that tests a fact's flag with `is True` / `is False` must pass it through rulekit.known, or it
    would judge the Unknown as "not true" (OMA205 failed `AllowAdminCreateUserOnly: !If [...]`)."""
    import re

    from tests.conftest import ROOT

    bare = re.compile(r"(?<!known\()\b[a-z_]+\.[a-z_]+\)? is (?:not )?(?:True|False)\b")
    offenders = [f"{path.name}:{number}" for path in sorted((ROOT / "rules").rglob("OMA*.py"))
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if bare.search(line) and "known(" not in line and "tags[" not in line]
    assert offenders == []
