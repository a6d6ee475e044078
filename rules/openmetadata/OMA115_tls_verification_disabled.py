"""OMA115: this scan did not verify the server's TLS certificate (--insecure).

## Why this matters
With `--insecure` omaudit accepted whatever certificate answered, so anything on the network path
could have answered instead: the findings describe that answerer, and an admin token sent with the
scan went to it. Medium: the results cannot be trusted as evidence, and it is easy to leave in a
scheduled job. A plain-http URL uses no TLS at all (see OMA110) and is SKIPPED here.

## Fix
Drop `--insecure`. For a private CA, pass it with `--ca-bundle /path/to/ca.pem` (or install the CA in
the system store); for a self-signed lab server, put its certificate in a bundle the same way.

## References
- requests documentation, "SSL Cert Verification"
"""

from auditor.engine.rulekit import Iterable, Outcome, Params, RuleMeta, Severity, Snapshot, need

META = RuleMeta(id="OMA115", name="tls-verification-disabled", severity=Severity.MEDIUM, needs=("om.endpoint",))


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    endpoint = need(snap.om.endpoint)
    if endpoint.scheme != "https":
        yield META.skipped(endpoint.url, "plain http: no TLS to verify (see OMA110)")
    elif endpoint.tls_verify == "off":
        yield META.failed(endpoint.url, "the server's TLS certificate was not verified (--insecure)")
    else:
        yield META.passed(endpoint.url, f"TLS certificate verified ({endpoint.tls_verify})",
                          tls_verify=endpoint.tls_verify)
