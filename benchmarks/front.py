"""A replaying, delaying front for the fleet benchmark: the lab's answers, at a fraction of its CPU.

Run: .venv/bin/python benchmarks/front.py --latency-ms 50 URL [URL ...]
Prints one JSON line, {"urls": [...]}: one front per upstream URL, in order. Stops on SIGTERM.

The lab (`omaudit lab serve`) answers with http.server: a thread per connection, the email package's
header parser, and for Cognito a proxy in front of moto. That is about 0.37 ms of CPU per request,
10 CPU-seconds for a 1,000-target fleet, spent on the same two cores as the scanner under test and
under one GIL. A real fleet's servers cost the scanning machine nothing. This front stands where the
network would: a request goes on to the lab (started without latency) until an answer to an identical
request is kept, and is then answered from memory, `latency` seconds later, by one asyncio event
loop. Requests are identical when their method, path, X-Amz-Target, body and credentials are: the
bearer token, or an AWS signature's credential scope (access key, region, service; the signature
itself changes with every call, and the lab's replaying proxy in front of moto leaves it out too).
Identical requests that arrive while the first is on its way go on to the lab as well.

Only for a lab whose answers do not change while it is read: a scan without --active (no login probe,
no lockout counter). Server errors, 408 and 429 are never kept. It speaks as much HTTP/1.1 as
omaudit's requests need (GET, and POST with a Content-Length): no chunked request bodies, no
`Expect: 100-continue`, a request header given twice is forwarded once, and a HEAD answer is not
told apart. Answers keep their status, reason and headers but hop-by-hop ones (RFC 9110, 7.6.1),
which this front writes itself: Content-Length, and keep-alive unless the request asked to close.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import signal
import threading
from urllib.parse import urlsplit

# Headers of one hop, not of the answer (RFC 9110, 7.6.1), and the length this front writes itself.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                        "proxy-authorization", "proxy-authenticate", "content-length"})
MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024
NOT_KEPT = frozenset({408, 429})  # a timeout or a throttle: the next ask may be answered

Key = tuple[str, str, str, bytes, str]
Answer = tuple[bytes, bytes]  # the status line and headers, without the blank line; the body


class Front:
    """One upstream's front: forwards each new kind of request once, replays it ever after."""

    def __init__(self, upstream_url: str, latency: float) -> None:
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.latency = latency
        self.answers: dict[Key, Answer] = {}
        self._local = threading.local()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection is to close."""
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = [(name, value.strip()) for name, _, value in (line.partition(":") for line in lines[1:] if line)]
        named = {name.lower(): value for name, value in headers}
        length = int(named.get("content-length") or 0)
        if not 0 <= length <= MAX_BODY:
            raise ValueError("body length")
        body = await reader.readexactly(length) if length else b""
        key = (method, path, named.get("x-amz-target", ""), body, _credentials(named.get("authorization", "")))
        answer = self.answers.get(key)
        if answer is None:
            fresh, keep = await asyncio.get_running_loop().run_in_executor(None, self._forward, method, path,
                                                                            headers, body)
            if keep:
                self.answers[key] = fresh
            answer = fresh
        await asyncio.sleep(self.latency)
        closing = named.get("connection", "").lower() == "close"
        head, data = answer
        writer.write(b"".join((head, b"Connection: close\r\n\r\n" if closing else b"\r\n", data)))
        await writer.drain()
        return not closing

    def _forward(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> tuple[Answer, bool]:
        """The upstream's answer, and whether it may be replayed (not a server error, a timeout or a
        throttle, which a second ask may not get)."""
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            conn.request(method, path, body=body or None,
                         headers={k: v for k, v in headers if k.lower() not in HOP_BY_HOP})
            answer = conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._local.conn = None
            return (b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n", b""), False
        kept = "".join(f"{k}: {v}\r\n" for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP)
        head = f"HTTP/1.1 {answer.status} {answer.reason}\r\n{kept}Content-Length: {len(data)}\r\n"
        return (head.encode("latin-1"), data), answer.status < 500 and answer.status not in NOT_KEPT


def _credentials(authorization: str) -> str:
    """What of an Authorization header names who asks: a bearer token whole; of a SigV4 signature the
    credential scope without its date (moto answers by access key and region)."""
    if not authorization.startswith("AWS4-"):
        return authorization
    scope = authorization.partition("Credential=")[2].partition(",")[0].split("/")
    return "AWS4 " + "/".join(scope[:1] + scope[2:])


async def _main(upstreams: list[str], latency: float) -> None:
    servers = []
    urls = []
    for upstream in upstreams:
        front = Front(upstream, latency)
        server = await asyncio.start_server(front.serve, "127.0.0.1", 0, limit=MAX_HEAD, backlog=1024)
        servers.append(server)
        host, port = server.sockets[0].getsockname()[:2]
        urls.append(f"http://{host}:{port}")
    print(json.dumps({"urls": urls}), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("upstreams", nargs="+")
    args = parser.parse_args()
    asyncio.run(_main(args.upstreams, args.latency_ms / 1000))


if __name__ == "__main__":
    main()
