"""The audit's AWS reads, sent without botocore's request pipeline: half the CPU per call.

botocore turns each call into a request through about fifteen events, a serialiser and a parser
driven by the service model, and a retry handler: about 0.4 ms of CPU per call, 0.7 ms for
DescribeUserPool (issue 19's profile), and a fleet target makes eight calls. The reads omaudit sends
are all JSON-protocol operations whose parameters are ids, a page size and a page token. So this
module writes their JSON body itself and keeps botocore for what is easy to get wrong: the credential
chain (refreshed credentials included), the endpoint (resolved once per client by botocore's rules)
and its SigV4 rules (the signature itself is auditor.sources.cognito.sigv4's: SigV4Auth's headers, checked
against it, at a fifth of its CPU).

What botocore's pipeline did and this module does the same way, each from botocore 1.44.8:
- an error is `{"__type": ..., "message"|"Message": ...}`, the code cut at ":" and after "#"; a body
  that is not JSON is the message, and the HTTP status the code (parsers.BaseJSONParser._do_error_parse);
- 3 attempts in all for a connection error, HTTP 500/502/503/504, a throttling or transient code,
  with botocore's standard backoff (random up to 1 s, then 2 s: retries/standard.py). Where botocore's
  adaptive mode rate-limited a client once throttled, a throttled answer here holds every call of
  that client until the backoff has passed.
The answer is parsed once, bounded and cleaned where it enters (auditor.common.untrusted.load_json).
"""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import botocore
import botocore.exceptions

from auditor.common.errors import CollectionError, OmauditError
from auditor.common.untrusted import MalformedInput, load_json
from auditor.sources.cognito import transport as aws_transport
from auditor.sources.cognito.sigv4 import Signer

# The only operations omaudit sends: the audit's own reads, by botocore service name. An allowlist,
# not a prefix rule: botocore 1.44.8 has Get*/List* calls that mint tokens (GetClientToken,
# GetDerivedToken, GetTokensFromRefreshToken), send a message (GetUserAttributeVerificationCode) or
# return secrets (ListUserPoolClientSecrets); docs/research/issue-12-cognito-api.md lists all 48
# read-named ones. Beside the pool: the web ACL in front of it (wafv2), and the identity pools that
# trust it (cognito-identity; GetCredentialsForIdentity, GetId and GetOpenIdToken* mint identities or
# credentials and are never sent).
READ_OPERATIONS = frozenset({"DescribeUserPool", "GetUserPoolMfaConfig", "DescribeUserPoolDomain",
                             "ListUserPoolClients", "DescribeUserPoolClient", "ListIdentityProviders",
                             "DescribeRiskConfiguration"})
SERVICE_READS: dict[str, frozenset[str]] = {
    "cognito-idp": READ_OPERATIONS,
    "wafv2": frozenset({"GetWebACLForResource"}),
    "cognito-identity": frozenset({"ListIdentityPools", "DescribeIdentityPool", "GetIdentityPoolRoles"}),
}
MAX_ATTEMPTS = 3  # in all, the first included (botocore's total_max_attempts)
MAX_BACKOFF = 20.0  # botocore's standard mode
THROTTLING = frozenset({"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
                        "TooManyRequestsException", "ProvisionedThroughputExceededException",
                        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
                        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
                        "EC2ThrottledException"})  # botocore/retries/standard.py, ThrottlingErrorDetector
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"})
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
CONNECTION_ERRORS = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError)


class WriteRefused(OmauditError):
    """A non-read AWS call was attempted; omaudit never writes to a target."""


def refuse(service: str, operation: str) -> None:
    """WriteRefused unless `operation` is one of the audit's reads of `service`."""
    if operation not in SERVICE_READS.get(service, frozenset()):
        raise WriteRefused(f"refused to send {service} {operation}: omaudit sends only its own reads")


class ReadClient:
    """The reads of one service, for one profile, region and endpoint; shared by threads."""

    def __init__(self, client: Any, credentials: Any, verify: bool | str) -> None:
        meta = client.meta
        model = meta.service_model
        self.service = str(model.service_name)
        self._url = str(meta.endpoint_url).rstrip("/") + "/"  # the JSON protocol's requestUri
        self._region = str(meta.region_name)
        self._signing_name = str(model.signing_name)
        self._target = str(model.metadata["targetPrefix"])
        self._content_type = f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"
        self._user_agent = f"omaudit botocore/{botocore.__version__}"
        self._credentials = credentials
        self._signer = Signer(self._url, self._region, self._signing_name)
        self._verify = verify
        self._calm_until = 0.0
        self._lock = threading.Lock()

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """The answer as a cleaned dict; botocore's ClientError or BotoCoreError, or CollectionError."""
        refuse(self.service, operation)
        if self._credentials is None:
            raise botocore.exceptions.NoCredentialsError
        body = json.dumps(params).encode()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._wait_for_calm()
            try:
                status, headers, data = aws_transport.exchange("POST", self._url, self._sign(operation, body), body,
                                                               self._verify)
            except CONNECTION_ERRORS:
                if attempt == MAX_ATTEMPTS or not self._back_off(attempt, throttled=False):
                    raise
                continue
            if status < 300:
                return _answer(data)
            error = _error(status, headers, data)
            code = error["Error"]["Code"]
            throttled = code in THROTTLING
            if (attempt < MAX_ATTEMPTS and (throttled or code in TRANSIENT_CODES or status in TRANSIENT_STATUSES)
                    and self._back_off(attempt, throttled)):
                continue
            raise botocore.exceptions.ClientError(error, operation)  # type: ignore[arg-type]
        raise AssertionError("unreachable")  # pragma: no cover

    def _sign(self, operation: str, body: bytes) -> dict[str, str]:
        headers = {"X-Amz-Target": f"{self._target}.{operation}", "Content-Type": self._content_type,
                   "User-Agent": self._user_agent}
        return self._signer.sign(headers, body, self._credentials.get_frozen_credentials())

    def _back_off(self, attempt: int, throttled: bool) -> bool:
        """Sleep botocore's standard backoff before the next attempt; False when the budget would not allow it."""
        delay = random.random() * min(MAX_BACKOFF, 2.0 ** (attempt - 1))  # noqa: S311 - jitter, not a secret
        if delay >= aws_transport.remaining():
            return False
        if throttled:  # the client's other calls wait too, as botocore's adaptive mode slowed them
            with self._lock:
                self._calm_until = max(self._calm_until, time.monotonic() + delay)
        time.sleep(delay)
        return True

    def _wait_for_calm(self) -> None:
        wait = self._calm_until - time.monotonic()
        if wait > 0:
            time.sleep(min(wait, max(0.0, aws_transport.remaining())))


def _answer(data: bytes) -> dict[str, Any]:
    try:
        value = load_json(data or b"{}", "the answer", max_bytes=aws_transport.MAX_BODY_BYTES)
    except MalformedInput as exc:
        raise CollectionError(str(exc)) from None
    if not isinstance(value, dict):
        raise CollectionError("the answer is JSON but not an object")
    return value


def _error(status: int, headers: dict[str, str], data: bytes) -> dict[str, Any]:
    """botocore's error shape from an error answer (parsers.BaseJSONParser._do_error_parse)."""
    aws_transport.check_json(data)  # JSON that is not an object, too deep or with huge numbers: refused
    text = data.decode("utf-8", "replace")
    try:
        body = json.loads(text) if data.strip() else {}
    except ValueError:
        body = {"message": text}
    message = body.get("message", body.get("Message", ""))
    code = body.get("__type", str(status))
    code = code if isinstance(code, str) else str(status)
    code = code.split(":", 1)[0].rsplit("#", 1)[-1]
    return {"Error": {"Code": code, "Message": message if isinstance(message, str) else ""},
            "ResponseMetadata": {"HTTPStatusCode": status}}
