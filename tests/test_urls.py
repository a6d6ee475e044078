"""Loopback in every spelling a browser or resolver accepts."""

from __future__ import annotations

import pytest

from auditor.common.urls import is_loopback_host, url_host


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost.", "app.localhost", "127.0.0.1",
                                  "127.8.9.10", "[::1]", "::1", "0.0.0.0", "::ffff:127.0.0.1", "127.1",
                                  "2130706433", "0x7f.0.0.1", "0", "::", "::1%lo"])
def test_loopback_spellings(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["om.example.com", "10.0.0.1", "128.0.0.1", "localhost.example.com",
                                  "::2", "192.168.1.1", "deadbeef"])
def test_not_loopback(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(("url", "host"), [
    ("http://[::1]:8585/callback", "::1"),
    ("https://LocalHost.:8585/callback", "localhost."),
    ("http://user@127.0.0.1/cb", "127.0.0.1"),
    ("not a url", None),
    # a user name masked where the answer entered reads as a broken IPv6 literal: the host is still known
    ("https://[REDACTED]@evil.example/k", "evil.example"),
    ("https://[::1/x", None),
])
def test_url_host(url: str, host: str | None) -> None:
    assert url_host(url) == host


def test_a_masked_user_name_leaves_the_scheme_readable() -> None:
    from auditor.common.urls import url_scheme

    assert (url_scheme("https://[REDACTED]@evil.example/k"), url_scheme("https://[::1/x")) == ("https", "https")
    assert url_scheme("ht tp://[x") == ""
