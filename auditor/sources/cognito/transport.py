"""The HTTP transport under omaudit's AWS reads: one wall-clock deadline per request, a body cap.

Socket timeouts apply per operation, so a Cognito endpoint (or a proxy in front of it) that drips one
byte every few seconds would hold a call for ever, and a 300 MB answer would be read whole. `exchange`
sends omaudit's signed reads (auditor.sources.cognito.reads) through the same deadline-guarded
connections as OpenMetadata's client (auditor.sources.wire) and reads at most MAX_BODY_BYTES. The
botocore clients get the same path through botocore's documented `before-send` event (`handler`),
should anything call them directly, with a sanity check of JSON answers before botocore parses them.

The deadline comes from the calling thread (`budget()`), so one shared client serves many targets,
each with its own time budget.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import botocore.awsrequest
import botocore.exceptions

from auditor.common.errors import Cause, CollectionError
from auditor.common.untrusted import MalformedInput, load_json
from auditor.sources.deadline import REQUEST_DEADLINE, deadline, too_slow
from auditor.sources.wire import GuardedPools, read_capped

MAX_BODY_BYTES = 4 * 1024 * 1024  # DescribeUserPool is ~10 KB; a page of 60 clients ~30 KB
CONNECT_TIMEOUT = 5.0
POOL_SIZE = 256  # one adapter serves a fleet's calls in flight

_local = threading.local()
_pools: dict[bool | str, GuardedPools] = {}  # by TLS verification: one client per CA bundle
_pools_lock = threading.Lock()


def _reset_after_fork() -> None:
    _pools.clear()  # a forked worker never shares the parent's pooled connections
    _local.__dict__.clear()


os.register_at_fork(after_in_child=_reset_after_fork)


def _shared_pools(verify: bool | str) -> GuardedPools:
    with _pools_lock:
        if verify not in _pools:
            _pools[verify] = GuardedPools(verify, maxsize=POOL_SIZE, pools=4)
        return _pools[verify]


@contextlib.contextmanager
def budget(until: float) -> Iterator[None]:
    """Calls made by this thread inside the block end by `until` (time.monotonic()), retries included."""
    previous = getattr(_local, "until", None)
    _local.until = until
    try:
        yield
    finally:
        _local.until = previous


class _Body:
    """What botocore's AWSResponse reads its content from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def tls_verify(ca_bundle: str | None) -> bool | str:
    """What AWS's answers are verified against: `ca_bundle` as botocore resolved it (AWS_CA_BUNDLE or
    `ca_bundle` in the shared config), else REQUESTS_CA_BUNDLE, else certifi's bundle."""
    return ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE") or True


def handler(ca_bundle: str | None) -> Callable[..., botocore.awsrequest.AWSResponse]:
    """The `before-send` handler for one client; `ca_bundle` as botocore resolved it (AWS_CA_BUNDLE or
    `ca_bundle` in the shared config), so a corporate CA keeps working."""
    verify = tls_verify(ca_bundle)

    def before_send(request: botocore.awsrequest.AWSPreparedRequest, **_: Any) -> botocore.awsrequest.AWSResponse:
        return send(request, verify)
    return before_send


def send(request: botocore.awsrequest.AWSPreparedRequest, verify: bool | str = True
         ) -> botocore.awsrequest.AWSResponse:
    """Send botocore's `request` within the thread's budget and the request deadline."""
    body = request.body
    if body is not None and not isinstance(body, bytes | str):  # cognito-idp's JSON protocol sends bytes
        raise CollectionError(f"a request body of type {type(body).__name__} is not sent")
    status, headers, answer = exchange(request.method, request.url, dict(request.headers.items()),
                                       body.encode() if isinstance(body, str) else body, verify)
    check_json(answer)
    # botocore wraps any mapping in its own HeadersDict; its stubs name only HTTPHeaders.
    return botocore.awsrequest.AWSResponse(request.url, status, headers, _Body(answer))  # type: ignore[arg-type]


def remaining() -> float:
    """Seconds left of this thread's budget (REQUEST_DEADLINE when no budget is set)."""
    until = getattr(_local, "until", None)
    return REQUEST_DEADLINE if until is None else until - time.monotonic()


def exchange(method: str, url: str, headers: dict[str, str], body: bytes | None, verify: bool | str = True
             ) -> tuple[int, dict[str, str], bytes]:
    """One signed read, within the thread's budget and the request deadline: status, headers, body.

    A connection that fails is botocore's EndpointConnectionError (retried, then "cannot reach").
    """
    left = remaining()
    if left <= 0:
        raise CollectionError("not sent: the time budget for this target is spent", Cause.TIMEOUT)
    limit_s = min(REQUEST_DEADLINE, left)
    if "@" in url.split("/", 3)[2]:  # a password in the endpoint URL would be sent, not the signature
        raise CollectionError("the AWS endpoint URL carries a user name or password; not sent", Cause.CREDENTIALS)
    with deadline(limit_s) as limit:
        try:
            # Every operation this transport carries is a read (reads.SERVICE_READS): a call sent on a
            # kept-alive connection the server had closed may be sent again.
            resp = _shared_pools(verify).urlopen(method, url, headers, body, (min(CONNECT_TIMEOUT, limit_s), limit_s),
                                                 replayable=True)
            answer = read_capped(resp, MAX_BODY_BYTES, f"answered more than {MAX_BODY_BYTES // (1024 * 1024)} MiB; "
                                                       "not read")
            if limit.expired:  # cut off by the watchdog: what arrived is a fragment, not an answer
                raise CollectionError(too_slow(limit_s), Cause.TIMEOUT)
            return resp.status, dict(resp.headers), answer
        except CollectionError:
            raise
        except (http.client.HTTPException, OSError, ValueError) as exc:
            if limit.expired:
                raise CollectionError(too_slow(limit_s), Cause.TIMEOUT) from None
            # botocore's own connection error: retried with backoff, then reported as unreachable.
            raise botocore.exceptions.EndpointConnectionError(endpoint_url=_origin(url),
                                                              error=type(exc).__name__) from None


def check_json(body: bytes) -> None:
    """A JSON answer botocore could choke on (too deep, huge numbers, not an object) is refused here.

    Other bodies (an XML or HTML error from a proxy) are left to botocore, which reports them.
    """
    start = body.lstrip()[:1]
    if start not in (b"{", b"["):
        return
    try:
        value = load_json(body, "the answer", max_bytes=MAX_BODY_BYTES, clean=False)
    except MalformedInput as exc:
        raise CollectionError(str(exc)) from None
    if not isinstance(value, dict):
        raise CollectionError("the answer is JSON but not an object")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
