"""The front of ``kgraph serve``: it answers only requests addressed to it by name, and forwards them.

A web page the user visits can point its own host name at 127.0.0.1 (DNS rebinding) and then read
any local server that answers whatever ``Host`` a request carries; Oxigraph's server does. So
``kgraph serve`` listens here, refuses (HTTP 403) every request whose ``Host`` is not an address
the server is reached by (``127.0.0.1:PORT``, ``localhost:PORT``, ``[::1]:PORT``, the ``--host``
address, any ``--allow-host`` name), and forwards the others, one by one, to Oxigraph on a private
loopback port. Every request of a kept-alive connection is checked, not just the first.
"""

from __future__ import annotations

import http.client
import http.server
import socket
from collections.abc import Iterable

from kgraph.errors import ServerError

#: Headers that belong to one connection, not to the request: never forwarded (RFC 9110 7.6.1).
_HOP_BY_HOP = frozenset(
    ("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade")
)
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_CHUNK = 1 << 16


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The ``Host`` values a request may carry, lower case: each name with the port, and bare at port 80.

    >>> sorted(allowed_hosts("127.0.0.1", 7878))
    ['127.0.0.1:7878', '[::1]:7878', 'localhost:7878']
    """
    names = {*_LOOPBACK_NAMES, *extra}
    if host not in ("0.0.0.0", "::"):  # a wildcard is no name a client addresses
        names.add(host)
    allowed = set()
    for name in (n.strip().strip("[]") for n in names):
        bracketed = f"[{name}]" if ":" in name else name
        allowed.add(f"{bracketed}:{port}".lower())
        if port == 80:
            allowed.add(bracketed.lower())
    return frozenset(allowed)


class Front(http.server.ThreadingHTTPServer):
    """Listens on the public address; knows the names it answers to and where Oxigraph listens."""

    daemon_threads = True

    def __init__(self, host: str, port: int, allowed: frozenset[str], upstream: tuple[str, int]) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.allowed = allowed
        self.upstream = upstream
        self.url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        try:
            super().__init__((host, port), _Forward)
        except OSError as exc:
            raise ServerError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --port)"
            ) from None


class _Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every request on the connection passes the check
    server: Front

    def do_GET(self) -> None:
        self._forward()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: stderr is for kgraph's own lines; Oxigraph keeps the request log."""

    def _refuse(self, status: int, why: str) -> None:
        body = (why + "\n").encode()
        self.send_response_only(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _forward(self) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.server.allowed:
            given = ", ".join(repr(h) for h in hosts) or "none"
            self._refuse(
                403,
                f"Host {given} is not this server's address; kgraph serve answers only to "
                f"{', '.join(sorted(self.server.allowed))} (kgraph serve --allow-host NAME adds one)",
            )
            return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "send the request body with a Content-Length")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream = http.client.HTTPConnection(*self.server.upstream)
        try:
            upstream.request(self.command, self.path, body, headers)
            answer = upstream.getresponse()
            self._relay(answer)
        except OSError:
            self._refuse(502, "the oxigraph server did not answer")
        finally:
            upstream.close()

    def _relay(self, answer: http.client.HTTPResponse) -> None:
        """Send Oxigraph's answer on, streaming its body (re-chunked when it gave no length)."""
        self.send_response_only(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        bodiless = self.command == "HEAD" or answer.status in (204, 304) or 100 <= answer.status < 200
        chunked = not bodiless and answer.getheader("Content-Length") is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if bodiless:
            return
        while block := answer.read1(_CHUNK):
            self.wfile.write(b"%x\r\n%b\r\n" % (len(block), block) if chunked else block)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
