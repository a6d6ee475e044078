"""SigV4 for the audit's reads: the headers botocore.auth.SigV4Auth signs them with, at a fifth of its CPU.

botocore's signer keeps its headers in email.message objects and rebuilds the canonical request's
parts for every call: 62 us of CPU a call (issue 19). Every read omaudit sends is the same shape: a
POST to one endpoint URL, a JSON body, three headers of its own. So what depends only on the client
(the canonical path, query and host) is worked out once, the signing key once a day, and each call
hashes its body and signs. The result is checked against SigV4Auth, header for header, in
tests/test_sigv4.py.

Each step follows botocore 1.44.8, botocore/auth.py, SigV4Auth: `_set_necessary_date_headers`
(X-Amz-Date), `_modify_request_before_signing` (X-Amz-Security-Token), `canonical_request`,
`headers_to_sign` (every header but SIGNED_HEADERS_BLACKLIST, and the host; `_host_from_url`),
`_header_value` (whitespace collapsed), `payload` (SHA-256 of the body, also over https),
`string_to_sign`, `credential_scope`, `signature` and `_inject_signature_to_request`. AWS documents
the same steps: "Create a signed AWS API request", AWS Identity and Access Management User Guide.

Only for the headers the reads send, each name once: SigV4Auth also handles a `Date` header (signed in
place of X-Amz-Date) and a name given twice in different cases, which no read sends (an outside
attack compared the two on 20 odd endpoint URLs: the same headers).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from typing import Any
from urllib.parse import quote, urlsplit

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.utils

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED = frozenset(botocore.auth.SIGNED_HEADERS_BLACKLIST)  # user-agent, connection, expect ...


class Signer:
    """Signs POSTs of one client: one URL, one region, one signing name."""

    def __init__(self, url: str, region: str, signing_name: str) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 address
            host = f"[{host}]"
        if parts.port is not None and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
            host = f"{host}:{parts.port}"
        self._host = host
        self._path = quote(botocore.utils.normalize_url_path(parts.path), safe="/~")
        no_credentials = botocore.credentials.Credentials("", "")  # the query's canonical form needs none
        self._query = botocore.auth.SigV4Auth(no_credentials, signing_name, region).canonical_query_string(
            botocore.awsrequest.AWSRequest(method="POST", url=url))
        self._region, self._service = region, signing_name
        self._keys: dict[tuple[str, str], bytes] = {}  # (secret key, day) -> signing key
        self._lock = threading.Lock()

    def sign(self, headers: dict[str, str], body: bytes, credentials: Any, now: float | None = None) -> dict[str, str]:
        """`headers` with X-Amz-Date, X-Amz-Security-Token (with a session token) and Authorization added;
        `credentials` are botocore's frozen credentials (access_key, secret_key, token)."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        day = stamp[:8]
        signed = {k: v for k, v in headers.items() if k.lower() not in ("authorization", "x-amz-date",
                                                                          "x-amz-security-token")}
        signed["X-Amz-Date"] = stamp
        if credentials.token:
            signed["X-Amz-Security-Token"] = credentials.token
        canonical = {name.lower(): " ".join(value.split()) for name, value in signed.items()
                     if name.lower() not in UNSIGNED}
        canonical.setdefault("host", self._host)
        names = sorted(canonical)
        signed_names = ";".join(names)
        request = "\n".join(["POST", self._path, self._query,
                             "".join(f"{name}:{canonical[name]}\n" for name in names), signed_names,
                             hashlib.sha256(body).hexdigest()])
        scope = f"{day}/{self._region}/{self._service}/aws4_request"
        to_sign = f"{ALGORITHM}\n{stamp}\n{scope}\n{hashlib.sha256(request.encode()).hexdigest()}"
        signature = hmac.new(self._key(credentials.secret_key, day), to_sign.encode(), hashlib.sha256).hexdigest()
        signed["Authorization"] = (f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
                                   f"SignedHeaders={signed_names}, Signature={signature}")
        return signed

    def _key(self, secret: str, day: str) -> bytes:
        with self._lock:
            key = self._keys.get((secret, day))
        if key is None:
            key = f"AWS4{secret}".encode()
            for part in (day, self._region, self._service, "aws4_request"):
                key = hmac.new(key, part.encode(), hashlib.sha256).digest()
            with self._lock:
                if len(self._keys) > 8:  # rotated credentials, or a new day: the old keys are not needed
                    self._keys.clear()
                self._keys[(secret, day)] = key
        return key
