"""Reports and snapshots are encoded by orjson where it writes json.dumps's own text (auditor.common.encode)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.common.encode import indented_json

LEAVES = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(max_size=12)
TREES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                          max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(TREES)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    # Any text (non-ASCII and lone surrogates included) and integers past 64 bits: the same bytes.
    assert indented_json(value) == json.dumps(value, indent=2)


@pytest.mark.parametrize("value", [
    {"name": "caf\u00e9 \u202e"},  # not ASCII: json.dumps escapes it, orjson would not
    {"controls": "\x00\x01\x1f\x7f \" \\ / \b\f\n\r\t", "html": "</script><!--"},  # ASCII that is escaped
    {"a": "\ud800"},  # a lone surrogate: orjson refuses it
    {1: "x", None: "y"},  # keys json.dumps turns into strings
    {"big": 2**64},
    {"a": [], "b": {}, "c": [[]], "d": (1, 2)},
])
def test_what_orjson_writes_otherwise_goes_to_json_dumps(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, indent=2)


def test_a_value_json_cannot_hold_is_refused_as_json_dumps_refuses_it() -> None:
    @dataclasses.dataclass
    class Point:
        x: int

    with pytest.raises(TypeError):
        indented_json({"p": Point(1)})  # orjson alone would have written {"x": 1}


def test_a_nan_is_written_as_json() -> None:
    assert json.loads(indented_json({"ratio": float("nan")})) == {"ratio": None}  # json.dumps writes NaN


def test_every_ascii_character_is_written_as_json_dumps_writes_it() -> None:
    for code in range(128):
        value = {f"k{chr(code)}": [chr(code), f"a{chr(code)}b"]}
        assert indented_json(value) == json.dumps(value, indent=2), hex(code)
