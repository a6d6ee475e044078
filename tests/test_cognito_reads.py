"""omaudit's own AWS reads (auditor.sources.cognito.reads), against raw servers: what botocore's pipeline
did (allowlist, error codes, attempts, backoff) must still happen, with nothing else sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.common.errors import Cause, CollectionError
from auditor.facts.snapshot import PoolRef
from auditor.sources.cognito.collector import AwsOptions, CognitoCollector
from auditor.sources.cognito.reads import WriteRefused
from tests.conftest import AWS_ENV, ROOT
from tests.rawhttp import RawServer, raw_body

POOL = "us-east-1_Abc123"


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)


def _collector(url: str) -> CognitoCollector:
    return CognitoCollector(PoolRef(pool_id=POOL, region="us-east-1", client_id=None, source="test"),
                            AwsOptions(region="us-east-1", endpoint_url=url))


def test_an_operation_outside_the_reads_is_refused_before_anything_is_sent() -> None:
    with RawServer({}) as server:
        with pytest.raises(WriteRefused, match="refused to send cognito-idp AdminDeleteUser"):
            _collector(server.url)._call("AdminDeleteUser", UserPoolId=POOL, Username="admin")
        with pytest.raises(WriteRefused, match="refused to send cognito-identity GetId"):
            _collector(server.url)._call("GetId", "cognito-identity", IdentityPoolId="us-east-1:x")
    assert server.paths == []


def test_a_read_is_one_signed_json_post_with_its_target_and_the_answer_cleaned() -> None:
    seen: list[dict[str, str]] = []

    def answer(sock: object, path: str, headers: dict[str, str]) -> None:
        seen.append(headers)
        raw_body(200, json.dumps({"UserPool": {"Id": POOL, "Name": "p\ud800"}}).encode())(sock, path, headers)  # type: ignore[arg-type]

    with RawServer({"/": answer}) as server:
        result = _collector(server.url)._call("DescribeUserPool", UserPoolId=POOL)
    assert server.paths == ["POST /"]
    assert result == {"UserPool": {"Id": POOL, "Name": "p\ufffd"}}
    head = seen[0]
    assert head["x-amz-target"] == "AWSCognitoIdentityProviderService.DescribeUserPool"
    assert head["content-type"] == "application/x-amz-json-1.1"
    assert head["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-east-1/cognito-idp/aws4_request" in head["authorization"]
    assert json.loads(head["_body"]) == {"UserPoolId": POOL}


def test_error_codes_are_read_as_botocore_reads_them() -> None:
    not_found = raw_body(400, b'{"__type": "com.amazonaws.cognito#ResourceNotFoundException", "message": "no pool"}')
    with RawServer({"/": not_found}) as server, pytest.raises(CollectionError) as caught:
        _collector(server.url)._call("DescribeUserPool", UserPoolId=POOL)
    assert (str(caught.value), caught.value.cause) == ("DescribeUserPool: no pool", Cause.NOT_FOUND)
    assert len(server.paths) == 1  # not retried


def test_a_throttled_read_is_tried_three_times_then_says_so() -> None:
    throttled = raw_body(400, b'{"__type": "TooManyRequestsException", "message": "slow down"}')
    with RawServer({"/": throttled}) as server, pytest.raises(CollectionError) as caught:
        _collector(server.url)._call("GetUserPoolMfaConfig", UserPoolId=POOL)
    assert str(caught.value) == "GetUserPoolMfaConfig was throttled (TooManyRequestsException) after 3 attempts"
    assert caught.value.cause is Cause.THROTTLED
    assert server.paths == ["POST /"] * 3


def test_a_cognito_scan_loads_botocore_but_not_boto3(tmp_path: Path) -> None:
    """boto3's Session imports s3transfer (about 90 ms of start-up); omaudit's reads need only botocore."""
    code = ("import sys\nfrom auditor.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('boto3', 's3transfer', 'botocore') if m in sys.modules))")
    with RawServer({"/": raw_body(200, b'{"UserPool": {"Id": "us-east-1_Abc123"}}')}) as server:
        done = subprocess.run([sys.executable, "-c", code, "scan", "--cognito-pool-id", POOL, "--aws-endpoint-url",
                               server.url, "-f", "json", "-o", str(tmp_path)], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, **AWS_ENV}, timeout=120, check=False)
    assert done.stdout.strip().splitlines()[-1] == "['botocore']", done.stderr
    assert server.paths  # the scan did send its reads
