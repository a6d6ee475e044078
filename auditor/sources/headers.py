"""An answer's header block, read as http.client reads it, in a third of the CPU.

http.client hands every header block to the email package's feed parser: about 20 us an answer,
a tenth of a request's CPU (issue 19). A block in the shape servers send (`Name: value` lines ended
by CRLF, a blank line last) is parsed here into the same HTTPMessage, value for value: the name up to
the first colon, the value without leading blanks or the line end, as the email package's compat32
policy stores them (`header_source_parse`). Anything else (a folded line, a bare LF or CR, a line
without a name, a multipart or message content type, which the feed parser reads a body for) goes
to http.client's own parser.

The bounds are http.client's (CPython 3.11, Lib/http/client.py: `_MAXLINE`, `_MAXHEADERS`,
`_read_headers`), with its errors.
"""

from __future__ import annotations

import email.parser
import http.client
import re
from typing import Any, BinaryIO

MAX_LINE = 65536
MAX_HEADERS = 100
# A header line as servers send it: a name of visible characters but `:`, then anything but CR and LF.
_PLAIN_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r\n")
# A content type the feed parser reads a body for (it strips more than blanks before the type: \x0b,
# \x1c-\x1f, \x85, \xa0 ... found by an attack): any Content-Type naming one goes to http.client's parser.
_NESTED_TYPE = re.compile(rb"(?i)content-type:[^\r\n]*(multipart|message)")


def header_lines(fp: BinaryIO) -> list[bytes]:
    """The block's lines up to and including the blank line (or the end of the stream), bounded."""
    lines = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            return lines


def parse_headers(fp: BinaryIO) -> http.client.HTTPMessage:
    """http.client.parse_headers(fp), the same message."""
    lines = header_lines(fp)
    fields = lines[:-1]
    if lines[-1] != b"\r\n" or not all(map(_PLAIN_LINE.fullmatch, fields)) or any(map(_NESTED_TYPE.match, fields)):
        text = b"".join(lines).decode("iso-8859-1")
        return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)
    pairs = []
    index: dict[str, list[str]] = {}
    for line in fields:
        name, _, value = line.decode("iso-8859-1").partition(":")
        value = value.lstrip(" \t")[:-2]  # [:-2]: the CRLF, the line's only CR or LF
        pairs.append((name, value))
        index.setdefault(name.lower(), []).append(value)
    message = _IndexedMessage()
    message.set_raw_headers(pairs, index)
    message.set_payload("")
    return message


class _IndexedMessage(http.client.HTTPMessage):
    """The message the plain path builds, its lookups by name through an index (an answer's headers are
    looked up about a dozen times, each a walk of them all). Any change drops the index.

    The values are what compat32's `header_fetch_parse` returns: text decoded from ISO-8859-1 has no
    surrogates, so none becomes a Header object."""

    _index: dict[str, list[str]] | None = None

    def set_raw_headers(self, pairs: list[tuple[str, str]], index: dict[str, list[str]]) -> None:
        self._headers = pairs
        self._index = index

    def get(self, name: str, failobj: Any = None) -> Any:
        if self._index is None:
            return super().get(name, failobj)
        values = self._index.get(name.lower())
        return values[0] if values else failobj

    def get_all(self, name: str, failobj: Any = None) -> Any:
        if self._index is None:
            return super().get_all(name, failobj)
        values = self._index.get(name.lower())
        return list(values) if values else failobj

    def __setitem__(self, name: str, value: Any) -> None:
        self._index = None
        super().__setitem__(name, value)

    def __delitem__(self, name: str) -> None:
        self._index = None
        super().__delitem__(name)

    def set_raw(self, name: str, value: Any) -> None:
        self._index = None
        super().set_raw(name, value)

    def add_header(self, _name: str, _value: str, **_params: Any) -> None:
        self._index = None
        super().add_header(_name, _value, **_params)

    def replace_header(self, _name: str, _value: Any) -> None:
        self._index = None
        super().replace_header(_name, _value)
