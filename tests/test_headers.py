"""An answer's header block is read into the message http.client's own parser makes (auditor.sources.headers)."""

from __future__ import annotations

import email.message
import http.client
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.sources.headers import MAX_HEADERS, parse_headers

NAMES = st.sampled_from(["Content-Type", "content-length", "Set-Cookie", "X-Amz-Target", "Location", "a", "",
                         "From ", "Bad Name", "Na\x7fme", "Ümlaut"])
VALUES = st.sampled_from(["application/json", "  padded ", "", "\t tab", "multipart/mixed; boundary=x",
                          "message/rfc822", "a:b:c", "caf\u00e9", "x\ry", "x\ny", "x\r\n folded",
                          # what str.splitlines would split at, and the feed parser does not
                          "x\x0by\x0cz", "\x1c\x1d\x1e", "n\x85el", "\u2028", "nul\x00", "\x7f",
                          # a content type the feed parser reads a body for, behind what it strips (an attack)
                          "\x0bmessage/rfc822", "\x1cmultipart/mixed; boundary=b"]) | st.text(max_size=8)
ENDS = st.sampled_from(["\r\n", "\r\n", "\r\n", "\n", "\r"])


def _message_of(block: bytes) -> tuple[object, ...]:
    return _shape(http.client.parse_headers(io.BytesIO(block)))


def _shape(message: email.message.Message) -> tuple[object, ...]:
    payload = message.get_payload()
    parts = ([_shape(p) if isinstance(p, email.message.Message) else p for p in payload] if isinstance(payload, list)
             else payload)
    return (message.items(), parts, [type(d) for d in message.defects], message.get_unixfrom(),
            message.get_content_type(), message.get("content-length"), message.get_all("Set-Cookie"))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(NAMES, st.sampled_from([":", ": ", ":\t", ""]), VALUES, ENDS), max_size=8),
       st.sampled_from([b"\r\n", b"\n", b""]), st.binary(max_size=6))
def test_the_same_message_as_http_client(fields: list[tuple[str, str, str, str]], last: bytes, body: bytes) -> None:
    block = "".join(f"{n}{sep}{v}{end}" for n, sep, v, end in fields).encode("utf-8", "surrogateescape") + last
    ours, theirs = io.BytesIO(block + body), io.BytesIO(block + body)
    assert _shape(parse_headers(ours)) == _shape(http.client.parse_headers(theirs))
    assert ours.read() == theirs.read()  # the body is left where http.client leaves it


def test_a_plain_block_is_parsed_without_the_email_package() -> None:
    block = b"Content-Type: application/json\r\nContent-Length:  12 \r\nX-Empty:\r\n\r\n"
    message = parse_headers(io.BytesIO(block))
    assert message.items() == [("Content-Type", "application/json"), ("Content-Length", "12 "), ("X-Empty", "")]
    assert _shape(message) == _message_of(block)


@pytest.mark.parametrize(("block", "error"), [
    (b"A: " + b"x" * 70_000 + b"\r\n\r\n", http.client.LineTooLong),
    (b"A: b\r\n" * (MAX_HEADERS + 1) + b"\r\n", http.client.HTTPException),
])
def test_http_clients_bounds_hold(block: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_headers(io.BytesIO(block))
    with pytest.raises(error):
        http.client.parse_headers(io.BytesIO(block))


def test_a_changed_message_answers_from_its_headers_not_a_stale_index() -> None:
    message = parse_headers(io.BytesIO(b"Content-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n\r\n"))
    assert message.get("x-a") == "1" and message.get_all("X-A") == ["1", "2"] and message.get("nope", 0) == 0
    del message["x-a"]
    message["X-A"] = "3"
    message.replace_header("Content-Type", "application/json")
    message.add_header("X-B", "4")
    assert message.get_all("x-a") == ["3"] and message["content-type"] == "application/json"
    assert message.get("x-b") == "4"
