"""omaudit's SigV4 signer gives the headers botocore's SigV4Auth gives, for the requests omaudit sends."""

from __future__ import annotations

import calendar
import time

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

from auditor.sources.cognito.sigv4 import Signer

SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ" * 12


def _botocore(url: str, region: str, service: str, headers: dict[str, str], body: bytes,
              credentials: botocore.credentials.Credentials) -> dict[str, str]:
    request = botocore.awsrequest.AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    botocore.auth.SigV4Auth(credentials.get_frozen_credentials(), service, region).add_auth(request)
    return {str(k): str(v) for k, v in request.headers.items()}


@pytest.mark.parametrize(("url", "region", "service"), [
    ("https://cognito-idp.us-east-1.amazonaws.com/", "us-east-1", "cognito-idp"),
    ("https://wafv2.eu-west-3.amazonaws.com/", "eu-west-3", "wafv2"),
    ("http://127.0.0.1:5000/", "us-east-1", "cognito-idp"),  # moto, a port that is not the default
    ("https://cognito-idp.example:443/", "ap-south-1", "cognito-idp"),  # the default port, written
    ("http://[::1]:8080/", "us-west-2", "cognito-identity"),
    ("https://vpce-1.cognito-idp.us-east-1.vpce.amazonaws.com/api/./v1/../x y/", "us-east-1", "cognito-idp"),
    ("https://proxy.example/aws/?b=2&a=1", "us-east-1", "cognito-idp"),
])
@pytest.mark.parametrize("token", [None, SESSION_TOKEN])
def test_the_same_headers_as_botocore(url: str, region: str, service: str, token: str | None) -> None:
    credentials = botocore.credentials.Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                                   token)
    headers = {"X-Amz-Target": "AWSCognitoIdentityProviderService.DescribeUserPool",
               "Content-Type": " application/x-amz-json-1.1  ;  x=1 ", "User-Agent": "omaudit  botocore/1.44.8"}
    body = b'{"UserPoolId": "us-east-1_Example"}'
    signer = Signer(url, region, service)
    theirs = _botocore(url, region, service, headers, body, credentials)
    signed_at = calendar.timegm(time.strptime(theirs["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))  # botocore's own clock
    ours = signer.sign(headers, body, credentials.get_frozen_credentials(), now=signed_at)
    assert ours == theirs
    assert ("X-Amz-Security-Token" in ours) is (token is not None)


def test_each_day_has_its_own_signing_key() -> None:
    credentials = botocore.credentials.Credentials("AKIDEXAMPLE", "secret-key-of-forty-characters-123456789")
    signer = Signer("https://cognito-idp.us-east-1.amazonaws.com/", "us-east-1", "cognito-idp")
    headers = {"X-Amz-Target": "AWSCognitoIdentityProviderService.GetUserPoolMfaConfig",
               "Content-Type": "application/x-amz-json-1.1"}
    day_one = signer.sign(headers, b"{}", credentials, now=86_400 * 20_000 + 10)
    day_two = signer.sign(headers, b"{}", credentials, now=86_400 * 20_001 + 10)
    assert day_one["Authorization"].split("Signature=")[1] != day_two["Authorization"].split("Signature=")[1]
    for signed, now in ((day_one, 86_400 * 20_000 + 10), (day_two, 86_400 * 20_001 + 10)):
        request = botocore.awsrequest.AWSRequest(method="POST", url="https://cognito-idp.us-east-1.amazonaws.com/",
                                                 data=b"{}", headers=dict(headers))
        request.context["timestamp"] = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        auth = botocore.auth.SigV4Auth(credentials, "cognito-idp", "us-east-1")
        auth._modify_request_before_signing(request)  # type: ignore[attr-defined]  # botocore, not in its stubs
        expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
        assert signed["Authorization"].endswith(f"Signature={expected}")
