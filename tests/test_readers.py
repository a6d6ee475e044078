"""Property tests: every reader of untrusted input raises only the project's typed error.

Server JSON (the shared bounded reader), Cognito answers (the transport's check), snapshots,
reports and baselines, the probe ledger, inventories, suppressions and token files. Any other
exception escaping a reader fails the property.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.common.errors import CollectionError, InputError
from auditor.common.inputs import read_secret
from auditor.common.redact import SECRETS
from auditor.common.untrusted import MAX_DEPTH, MalformedInput, clean_text, load_json
from auditor.facts.snapshot import SnapshotFormatError, load_snapshots
from auditor.plan.inventory import parse_inventory
from auditor.report.merge import load_report
from auditor.report.suppress import parse_suppressions
from auditor.scan.lockout import ProbeLedger
from auditor.sources.cognito.transport import check_json

SETTINGS = settings(max_examples=200, deadline=None)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25)
# Bytes that look like JSON often: fragments a fuzzer would splice.
json_like = st.lists(st.sampled_from([b"{", b"}", b"[", b"]", b'"', b"\\ud800", b":", b",", b"1" * 50, b"-",
                                      b"1e999", b"NaN", b"\xff", b"\x00", b"null", b'"a"', b" "]),
                     max_size=60).map(b"".join)
hostile = st.binary(max_size=300) | json_like | st.text(max_size=200).map(lambda t: t.encode("utf-8", "replace"))


@SETTINGS
@given(hostile)
def test_load_json_raises_only_malformed_input(data: bytes) -> None:
    with contextlib.suppress(MalformedInput):
        value = load_json(data, "x")
        json.dumps(value).encode("utf-8")  # whatever it returns can be written out


def test_load_json_bounds_depth_digits_and_surrogates() -> None:
    for data, phrase in ((b"[" * 200_000, "nested"), (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested"),
                         (b'{"a": 1' + b"1" * 5000 + b"}", "number"), (b'{"a": 1e999}', "number"),
                         (b"NaN", "not JSON"), (b"\xff\xfe", "not UTF-8")):
        try:
            load_json(data, "x")
        except MalformedInput as exc:
            assert phrase in str(exc), (data[:20], exc)
        else:
            raise AssertionError(f"{data[:20]!r} was accepted")
    assert load_json(b'{"v": "a\\ud800b"}', "x") == {"v": "a\ufffdb"}


def _every_string_cleaned(value: object) -> object:
    """The oracle: json.loads's tree with clean_text applied to every string, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): _every_string_cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_every_string_cleaned(v) for v in value]
    return value


def test_load_json_on_a_deep_stack_refuses_or_reads_never_raises_recursion_error() -> None:
    # A 64-deep array is allowed; cleaning it must not need more frames than its depth (found by an attack:
    # a comprehension per level doubled them), and running out of stack is MalformedInput, never RecursionError.
    data = b"[" * MAX_DEPTH + b'"x"' + b"]" * MAX_DEPTH
    depth = len(inspect.stack())
    limit = sys.getrecursionlimit()
    outcomes = set()
    try:
        for room in range(20, 300, 7):
            sys.setrecursionlimit(depth + room)
            try:
                load_json(data, "x")
                outcomes.add("read")
            except MalformedInput:
                outcomes.add("refused")
    finally:
        sys.setrecursionlimit(limit)
    assert outcomes == {"read", "refused"}


SECRET = "Qw3-canary-secret-value-Zx9"
texts = st.text(max_size=12) | st.sampled_from([SECRET, f"say {SECRET[2:14]}", "a\ud800b", "x://u:p@h",
                                                "AKIA" + "A" * 16])


@SETTINGS
@given(st.recursive(st.none() | st.booleans() | st.integers() | texts,
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=5),
                    max_leaves=30))
def test_load_json_cleans_every_string_where_it_enters(value: object) -> None:
    state = SECRETS.state()
    SECRETS.add(SECRET)
    try:
        loaded = load_json(json.dumps(value).encode(), "x")
        assert loaded == _every_string_cleaned(json.loads(json.dumps(value)))
        assert SECRET[:10].lower() not in json.dumps(loaded).lower()
    finally:
        SECRETS.restore(state)


@SETTINGS
@given(hostile)
def test_cognito_answers_are_checked_or_refused(data: bytes) -> None:
    with contextlib.suppress(CollectionError):
        check_json(data)


@SETTINGS
@given(json_values | st.dictionaries(st.sampled_from(["omaudit_snapshot", "snapshots"]), json_values))
def test_snapshots(value: object) -> None:
    for doc in (value, {"omaudit_snapshot": 1, "snapshots": value}, {"omaudit_snapshot": 1, "snapshots": [value]}):
        with contextlib.suppress(SnapshotFormatError):
            load_snapshots(json.dumps(doc))


@SETTINGS
@given(json_values)
def test_reports_and_baselines(value: object) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    for doc in (value, {"schema_version": 1, "findings": [value], "tool": value, "targets": [value],
                        "started_at": value, "finished_at": value}):
        path = folder / "report.json"
        path.write_text(json.dumps(doc))
        with contextlib.suppress(InputError):
            load_report(path, "baseline")


@SETTINGS
@given(hostile)
def test_probe_ledger_never_raises_and_never_probes_on_damage(data: bytes) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    (folder / "login-probes.jsonl").write_bytes(data)
    reason = ProbeLedger(folder).claim("http://127.0.0.1:9/api/v1/users/login", "admin@x")
    damaged = reason is not None and "fix or remove it" in reason
    assert reason is None or damaged or "probed" in reason


@SETTINGS
@given(st.text(max_size=300))
def test_inventories_and_suppressions(text: str) -> None:
    for parse in (parse_inventory, parse_suppressions):
        with contextlib.suppress(InputError):
            parse(text, "f")
    for prefix in ("[[target]]\n", "[[suppression]]\n"):
        for parse in (parse_inventory, parse_suppressions):
            with contextlib.suppress(InputError):
                parse(prefix + text, "f")


@SETTINGS
@given(st.binary(max_size=200))
def test_token_files(data: bytes) -> None:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "token"
    path.write_bytes(data)
    with contextlib.suppress(InputError):
        token = read_secret(path, "--om-token-file")
        assert token and not any(c.isspace() for c in token)


def test_load_json_bounds_the_number_of_objects_before_parsing() -> None:
    """An outside attack: 4 MiB of tiny objects became hundreds of MB of dicts (the page bomb)."""
    bomb = b"[" + b"{}," * 300_000 + b"{}]"
    try:
        load_json(bomb, "body")
    except MalformedInput as exc:
        assert "too many elements" in str(exc)
    else:
        raise AssertionError("a 900 KB answer of 300,000 objects was parsed")
    assert len(load_json(b"[" + b"{}," * 5000 + b"{}]", "body")) == 5001  # an ordinary size still parses
