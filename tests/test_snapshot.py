"""Snapshots survive a JSON round trip, and a bad file is one clear error."""

from __future__ import annotations

import pytest

from auditor.facts.om_defaults import DEFAULT_KEY_MODULUS
from auditor.facts.snapshot import (
    AdminAccount,
    BotInfo,
    JwkKey,
    Jwks,
    Problem,
    SnapshotFormatError,
    dump_snapshots,
    load_snapshots,
)
from tests.helpers import snap


def test_round_trip_keeps_every_fact() -> None:
    original = snap(
        problems={"om.bots": Problem("skipped", "no token"), "conf.jwt": Problem("skipped", "a live scan")},
        jwks=Jwks(path="/p", keys=(JwkKey("kid", "RSA", "RS256", format(DEFAULT_KEY_MODULUS, "x"), 65537),)),
        admin_user=AdminAccount(False, None),
        bots=(BotInfo("b", None, "JWT", "Unlimited", None),),
    )
    [loaded] = load_snapshots(dump_snapshots([original]))
    assert loaded == original
    assert loaded.om.jwks is not None and loaded.om.jwks.keys[0].modulus == DEFAULT_KEY_MODULUS


def test_a_snapshot_from_before_file_scans_has_its_conf_inputs_skipped_not_error() -> None:
    from auditor.facts.snapshot import CONF_KEYS, LIVE_CONF

    [loaded] = load_snapshots(dump_snapshots([snap()]))
    assert {k: loaded.problems[k] for k in CONF_KEYS} == {k: Problem("skipped", LIVE_CONF) for k in CONF_KEYS}


@pytest.mark.parametrize(("text", "match"), [
    ("not json", "not JSON"),
    ('{"snapshots": []}', "not an omaudit snapshot"),
    ('{"omaudit_snapshot": 1, "snapshots": [{"target": 3}]}', "malformed"),
    ('{"omaudit_snapshot": 1, "snapshots": [{"target": {"name": "x"}, "collected_at": 5}]}', "malformed"),
])
def test_malformed_snapshot_is_one_error(text: str, match: str) -> None:
    with pytest.raises(SnapshotFormatError, match=match):
        load_snapshots(text)


def test_an_unknown_survives_the_pickle_a_forked_worker_sends() -> None:
    """A fleet's workers send snapshots back by pickle; a file's deploy-time value is an Unknown, which
    raised on every use, its own unpickling included (RecursionError), before it pickled by reason."""
    import pickle

    from auditor.facts.snapshot import Unknown, UnknownValue

    back = pickle.loads(pickle.dumps(Unknown("AllowAdminCreateUserOnly: !Ref Open")))  # noqa: S301 - our own bytes
    assert repr(back) == "Unknown('AllowAdminCreateUserOnly: !Ref Open')"
    with pytest.raises(UnknownValue):
        bool(back)
