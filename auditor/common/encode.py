"""Indented JSON text for reports and snapshots: the bytes `json.dumps(value, indent=2)` writes, about
twenty times faster.

A fleet report is megabytes: the standard library indents it in pure Python (its C encoder cannot
indent), 150 ms for 200 targets, the largest single cost of writing the report (issue 19). orjson
writes the same text in 7-18 ms. Anything it would write differently goes to `json.dumps` instead:
- text that is not ASCII (`json.dumps` escapes it as `\\uXXXX`; orjson would write UTF-8), and DEL
  (`\\u007f`), the one ASCII character of the 128 that the two write differently;
- whatever orjson refuses: a lone surrogate, a key that is not a string, an integer past 64 bits;
- dataclasses, datetimes and subclasses of the JSON types, which orjson would encode by its own rules
  and `json.dumps` refuses or encodes by theirs (the PASSTHROUGH options hand them back).

Two differences are kept, both still JSON of the same value: a float in exponent form is written
without padding (`1e-7`, not `1e-07`), and a NaN or infinity is written `null` where `json.dumps`
writes `NaN`, which is not JSON. And orjson writes two values `json.dumps` refuses (found by an
attack; orjson has no option to hand them back): a plain Enum member, as its value, and a UUID. The
values written here are built by to_json methods that turn every enum into its value; a test holds
each report format to the JSON schema it promises.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = (orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_SUBCLASS)


def indented_json(value: Any) -> str:
    """`json.dumps(value, indent=2)`, with orjson where it writes the same text."""
    try:
        text = orjson.dumps(value, option=_OPTIONS).decode("ascii")
    except (TypeError, UnicodeDecodeError):  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, indent=2)
    if "\x7f" in text:  # the one ASCII character json.dumps escapes and orjson does not
        return json.dumps(value, indent=2)
    return text
