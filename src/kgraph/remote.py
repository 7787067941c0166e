"""Talk to SPARQL stores through the W3C standards, with the standard library only.

- SPARQL 1.1 Protocol: :func:`query` (GET for short queries, POST otherwise), answers parsed
  into the same :class:`~kgraph.results.QueryResult` that local queries give.
- SPARQL 1.1 Graph Store HTTP Protocol: :func:`push_graph_store` (PUT replaces, POST adds).
- SPARQL 1.1 Update: :func:`push_update` sends ``INSERT DATA`` in batches for stores without
  the Graph Store Protocol.

Credentials come from ``KGRAPH_ENDPOINT_USER``/``KGRAPH_ENDPOINT_PASSWORD`` (or
``KGRAPH_ENDPOINT_TOKEN`` for a bearer token) or from ``~/.netrc`` (``$NETRC`` to use another
file); never from the command line, and never sent on to another host by a redirect.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from kgraph.errors import KgraphError, RemoteError
from kgraph.formats import GRAPH, RESULTS, accept, by_media_type, get
from kgraph.results import QueryResult, Row, Term

if TYPE_CHECKING:
    from http.client import HTTPResponse

#: Longest URL sent with GET; longer queries go in a POST body (servers cap URLs near 8 KB).
MAX_GET_URL = 2000
DEFAULT_TIMEOUT = 60.0
DEFAULT_BATCH = 1000
#: What to ask for, by the registry's media types: SELECT and ASK give result tables, CONSTRUCT
#: and DESCRIBE give graphs (N-Triples first: it streams and needs no prefixes).
ACCEPT_RESULTS = accept(("json", "xml"), (RESULTS,))
ACCEPT_GRAPH = accept(("nt", "turtle", "xml"), (GRAPH,))
_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([\w.-]*):", re.IGNORECASE | re.MULTILINE)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_SNIPPET = 300


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to one host: basic (user, password) or a bearer token.

    With a user and password, Basic is sent at once, and a Digest challenge (HTTP 401 with
    ``WWW-Authenticate: Digest``, as Virtuoso's /sparql-auth sends) is answered with Digest.
    The secrets stay out of ``repr``, so no message or traceback can show them.
    """

    header: str = field(repr=False)
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)

    @classmethod
    def basic(cls, user: str, password: str) -> Credentials:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return cls(f"Basic {token}", user, password)


#: What an HTTP header value may hold: no line breaks or other control characters, Latin-1 only.
_HEADER_SAFE = re.compile(r"[\x20-\x7e\x80-\xff\t]*")


def _usable(value: str, where: str) -> str:
    """``value`` if it can go in an HTTP header; else an error that names ``where``, not the value."""
    if not _HEADER_SAFE.fullmatch(value):
        bad = next(c for c in value if not _HEADER_SAFE.fullmatch(c))
        what = (
            "a line break"
            if bad in "\r\n"
            else "a control character"
            if ord(bad) < 0x20 or bad == "\x7f"
            else "a character outside Latin-1"
        )
        raise RemoteError(
            f"{where} holds {what} (U+{ord(bad):04X}), which cannot be sent in an HTTP header"
            + (" (a trailing newline from a file?)" if bad in "\r\n" else "")
            + "; the value is not shown"
        )
    return value


def credentials_for(url: str) -> Credentials | None:
    """Credentials for ``url`` from the environment, else from the netrc file, else None."""
    token = os.environ.get("KGRAPH_ENDPOINT_TOKEN")
    if token:
        return Credentials(f"Bearer {_usable(token, 'KGRAPH_ENDPOINT_TOKEN')}")
    user = os.environ.get("KGRAPH_ENDPOINT_USER")
    if user:
        # Basic and Digest send the user and password encoded or hashed: any character may go.
        return Credentials.basic(user, os.environ.get("KGRAPH_ENDPOINT_PASSWORD", ""))
    import netrc

    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as exc:
        # The parser's message quotes the token it stopped at, which may be a password.
        raise RemoteError(
            f"cannot read credentials from {path}: line {exc.lineno} is not valid netrc "
            "syntax (the line is not shown: it may hold a password)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not valid text"
        raise RemoteError(f"cannot read credentials from {path}: {reason}") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials.basic(login or "", password or "")


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects of GET requests to http(s) URLs, sending credentials on only while the
    origin stays the same.

    A redirect answering a POST or PUT is an error: urllib would repeat it as a GET without its
    body (an upload would be lost while the store's login page answers 200), and re-sending data
    to wherever a server points is not kgraph's call; the message names the new location.
    """

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        old = req.full_url.split("?", 1)[0]
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise RemoteError(f"{old} redirected to {newurl.split('?', 1)[0]}: only http:// and https:// are followed")
        if req.get_method() not in ("GET", "HEAD"):
            raise RemoteError(
                f"{old} answered the {req.get_method()} with HTTP {code} {msg}, a redirect to "
                f"{newurl.split('?', 1)[0]}: nothing was sent there; if that is the store, "
                "give its URL"
            )
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        auth = req.unredirected_hdrs.get("Authorization")
        if new is not None and auth and _origin(newurl) == _origin(req.full_url):
            new.add_unredirected_header("Authorization", auth)
        return new


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def check_url(url: str, what: str = "endpoint") -> None:
    """Refuse anything but a well-formed absolute http(s) URL, before any connection is tried."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise RemoteError(f"{what} is not a valid URL ({exc}): '{url}'") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{what} must be an http:// or https:// URL, not '{url}'")
    if re.search(r"[\x00-\x20\x7f]", url):
        raise RemoteError(f"{what} holds a space or control character: {url!r}")


def check_iri(iri: str) -> None:
    """A graph name must be an absolute IRI."""
    if not _IRI.match(iri):
        raise RemoteError(f"graph name must be an absolute IRI such as https://example.org/graph, not '{iri}'")


#: A request body: bytes, or an open binary file sent as it is read (a graph larger than memory).
Body = bytes | IO[bytes]


def request(
    url: str,
    *,
    method: str = "GET",
    data: Body | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    sink: Sink | None = None,
) -> tuple[str, bytes]:
    """One HTTP exchange: (media type, body) on success; RemoteError with the server's words otherwise.

    A file ``data`` is streamed, and ``timeout`` then counts from the last block sent, so a large
    upload that keeps moving is never cut off. An answer that ``sink`` accepts goes to it chunk
    by chunk (the body returned is then empty), so a large answer is never held whole.
    """
    check_url(url)
    full_url, url = url, url.split("?", 1)[0]  # messages name the endpoint, not the encoded query
    deadline = _Deadline(timeout)
    body: Any = data
    headers = dict(headers or {})
    if data is not None and not isinstance(data, bytes):
        data.seek(0, os.SEEK_END)
        headers["Content-Length"] = str(data.tell())  # not chunked: not every store reads that
        data.seek(0)
        body = _Upload(data, deadline)
    req = urllib.request.Request(full_url, data=body, method=method, headers=headers)
    req.add_header("User-Agent", "kgraph")
    creds = credentials_for(full_url)
    handlers: list[urllib.request.BaseHandler] = [_SameHostRedirects(), _Rewind()]
    if creds:
        req.add_unredirected_header("Authorization", creds.header)
        if creds.user is not None:
            handlers += [_HearTheChallenge(), _digest_for(full_url, creds)]
    handlers += [_TimedHTTP(deadline), _TimedHTTPS(deadline)]
    opener = urllib.request.build_opener(*handlers)
    try:
        with deadline:  # the error page too is read within the limit
            try:
                with opener.open(req, timeout=timeout) as response:
                    media = response.headers.get_content_type()
                    answer = _read(response, url, deadline, sink if sink and sink.accepts(media) else None)
            except urllib.error.HTTPError as exc:
                text = _snippet(exc.read(1 << 16) if exc.fp else b"")
                if deadline.expired:
                    text += f" (cut off at the --timeout of {timeout:g} s)"
                raise RemoteError(
                    f"{url} answered HTTP {exc.code} {exc.reason}" + (f": {text}" if text else "")
                ) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if deadline.expired:
            raise RemoteError(f"{url} gave no answer within {timeout:g} s (--timeout)") from None
        if isinstance(exc, urllib.error.URLError):
            raise RemoteError(_connection_message(url, exc.reason, timeout)) from None
        if isinstance(exc, (TimeoutError, socket.timeout)):
            raise RemoteError(f"{url} gave no answer within {timeout:g} s (--timeout)") from None
        if isinstance(exc, (http.client.HTTPException, ValueError)) and not isinstance(exc, (OSError, UnicodeError)):
            raise RemoteError(f"{url} sent a malformed HTTP answer: {_snippet(str(exc).encode())}") from None
        raise RemoteError(_connection_message(url, exc, timeout)) from None
    return media, answer


class _Upload:
    """A file sent as the body of a request: each block read restarts the deadline."""

    def __init__(self, file: IO[bytes], deadline: _Deadline) -> None:
        self.file, self.deadline = file, deadline

    def read(self, size: int = -1) -> bytes:
        self.deadline.extend()
        return self.file.read(size)

    def seek(self, offset: int) -> int:
        return self.file.seek(offset)


class _Rewind(urllib.request.BaseHandler):
    """Send a file body from its start on every attempt: a Digest challenge makes urllib ask again
    with the same body, which the first attempt has read to its end."""

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if isinstance(req.data, _Upload):
            req.data.seek(0)
        return req

    https_request = http_request


class Sink:
    """Where an answer goes chunk by chunk instead of into memory (see :func:`request`)."""

    def accepts(self, media: str) -> bool:
        return False

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of the answer."""


class LineCount(Sink):
    """Count the triples of an N-Triples answer as it arrives (one per non-blank line)."""

    def __init__(self) -> None:
        self.lines = 0
        self._partial = b""  # the unfinished last line of the chunks so far

    def accepts(self, media: str) -> bool:
        return media == get("nt", (GRAPH,)).media_type

    def feed(self, chunk: bytes) -> None:
        lines = (self._partial + chunk).split(b"\n")
        self._partial = lines.pop()
        self.lines += sum(1 for line in lines if line.strip())

    @property
    def total(self) -> int:
        return self.lines + (1 if self._partial.strip() else 0)


class _HearTheChallenge(urllib.request.BaseHandler):
    """A 401 to Basic credentials without a challenge (Virtuoso's /sparql-auth answers so): ask
    once more without them, so that the server says which scheme it wants (Digest)."""

    handler_order = 480  # before the Digest handler (490), which needs the challenge

    def http_error_401(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        sent = req.unredirected_hdrs.get("Authorization", "")
        if headers.get("WWW-Authenticate") or not sent.startswith("Basic "):
            return None
        req.remove_header("Authorization")
        return self.parent.open(req, timeout=req.timeout)


def _digest_for(url: str, creds: Credentials) -> urllib.request.HTTPDigestAuthHandler:
    """Answer a Digest challenge from ``url``'s origin only (another host gets no credentials)."""
    parts = urllib.parse.urlsplit(url)
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", creds.user or "", creds.password or "")
    return urllib.request.HTTPDigestAuthHandler(manager)


class _Deadline:
    """One limit for the whole exchange: connection, response headers and body.

    A socket timeout alone bounds each read, so a server that trickles header bytes could hold
    kgraph for ever; at the deadline a timer shuts the connection's socket, which ends any read.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.sockets: list[socket.socket] = []
        self.timer: threading.Timer | None = None
        self.done = False

    def remaining(self) -> float:
        return max(0.001, self.at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        self.sockets.append(sock)

    def extend(self) -> None:
        """Start the limit again: an upload that is still moving is not cut off (the timer,
        when it fires, looks at the new limit and waits on)."""
        self.at = time.monotonic() + self.seconds

    def _fire(self) -> None:
        if self.done:
            return
        if time.monotonic() < self.at:  # extended since the timer was set
            self._arm()
            return
        self.expired = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _arm(self) -> None:
        self.timer = threading.Timer(self.remaining(), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def __enter__(self) -> _Deadline:
        self._arm()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done = True
        if self.timer is not None:
            self.timer.cancel()


def _timed(base: type[http.client.HTTPConnection], deadline: _Deadline) -> type[http.client.HTTPConnection]:
    class Timed(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            self.timeout = deadline.remaining()  # a redirect's second connection gets what is left
            super().connect()
            deadline.watch(self.sock)

    return Timed


class _TimedHTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.connection = _timed(http.client.HTTPConnection, deadline)

    def http_open(self, req: urllib.request.Request) -> HTTPResponse:
        return self.do_open(self.connection, req)


class _TimedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.connection = _timed(http.client.HTTPSConnection, deadline)

    def https_open(self, req: urllib.request.Request) -> HTTPResponse:
        return self.do_open(self.connection, req, context=self._context)  # type: ignore[attr-defined]


#: The largest answer kgraph accepts from a server (an endless body stops here at the latest).
MAX_ANSWER_BYTES = 1 << 30


def _read(response: HTTPResponse, url: str, deadline: _Deadline, sink: Sink | None = None) -> bytes:
    """The whole body, within the deadline: a server trickling bytes, or sending without end, is
    cut off rather than waited for (a per-read timeout alone would not), and an answer cut by
    the deadline is never taken for a whole one. With a ``sink``, the chunks go to it and are not
    kept (nor capped: memory stays bounded whatever the size)."""
    chunks: list[bytes] = []
    size = 0
    unfinished = RemoteError(f"{url} did not finish its answer within {deadline.seconds:g} s (--timeout)")
    try:
        while True:
            chunk = response.read1(1 << 16)
            if not chunk:
                if deadline.expired:
                    raise RemoteError(f"{unfinished}; {size:,} bytes arrived")
                return b"".join(chunks)
            size += len(chunk)
            if deadline.expired or time.monotonic() > deadline.at:
                raise RemoteError(f"{unfinished}; {size:,} bytes arrived")
            if sink is not None:
                sink.feed(chunk)
                deadline.extend()  # a large answer that keeps coming is read to its end
                continue
            chunks.append(chunk)
            if size > MAX_ANSWER_BYTES:
                raise RemoteError(f"{url} sent more than {MAX_ANSWER_BYTES >> 20:,} MiB; stopped reading")
    except (OSError, http.client.HTTPException):
        if deadline.expired or time.monotonic() > deadline.at:
            raise RemoteError(f"{unfinished}; {size:,} bytes arrived") from None
        raise


def _connection_message(url: str, reason: object, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"{url} gave no answer within {timeout:g} s (--timeout)"
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {url}: connection refused (is the server running?)"
    if isinstance(reason, socket.gaierror):
        return f"cannot connect to {url}: unknown host {urllib.parse.urlsplit(url).hostname}"
    text = getattr(reason, "strerror", None) or str(reason)
    return f"cannot connect to {url}: {text}"


def _snippet(body: bytes) -> str:
    """The server's own words, without markup, on one line, trimmed."""
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "\u2026"


# --- SPARQL 1.1 Protocol -------------------------------------------------------------------------


def with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """Declare the project's prefixes the query uses but does not declare itself.

    The declarations go on the query's first line, so a server's line numbers stay right.
    """
    from kgraph.sparqlscan import blank

    code = blank(text)  # a PREFIX or a prefixed name inside a comment, string or IRI is not one
    declared = {m.lower() for m in _PREFIX_DECL.findall(code)}
    used = [p for p in prefixes if p.lower() not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", code)]
    header = " ".join(f"PREFIX {p}: <{prefixes[p]}>" for p in used)
    return f"{header} {text}" if header else text


def query(endpoint: str, text: str, timeout: float = DEFAULT_TIMEOUT, graph: bool = False) -> QueryResult:
    """Run ``text`` on a SPARQL 1.1 Protocol endpoint and parse the answer.

    ``graph`` says the query is a CONSTRUCT or DESCRIBE, so that an RDF graph is asked for
    (some stores would otherwise send its triples as a result table).
    """
    check_url(endpoint)
    encoded = urllib.parse.urlencode({"query": text})
    headers = {"Accept": ACCEPT_GRAPH if graph else ACCEPT_RESULTS}
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    if len(endpoint) + 1 + len(encoded) <= MAX_GET_URL:
        media, body = request(endpoint + separator + encoded, headers=headers, timeout=timeout)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        media, body = request(endpoint, method="POST", data=encoded.encode("ascii"), headers=headers, timeout=timeout)
    return parse_answer(endpoint, media, body)


def parse_answer(endpoint: str, media: str, body: bytes) -> QueryResult:
    """A SPARQL results document or an RDF graph, as a QueryResult; anything else is an error."""
    from kgraph.errors import KgraphError
    from kgraph.netguard import no_network

    try:
        results = by_media_type(media, (RESULTS,))
        if (results is not None and results.name == "json") or (media == "application/json" and b'"head"' in body):
            return _from_json(json.loads(body))
        if results is not None and results.name == "xml":
            return _from_xml(body)
        rdf = by_media_type(media, (GRAPH,))
        if rdf is not None:
            from rdflib import Graph

            # A JSON-LD answer may name a remote @context: the answer is read as sent, never
            # by fetching what a server points at.
            with no_network(
                f"kgraph does not fetch what an answer from {endpoint} points at (such as a JSON-LD @context URL)"
            ):
                return QueryResult("CONSTRUCT", graph=Graph().parse(data=body, format=rdf.rdflib))
    except KgraphError:
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile answer can raise anything (a RecursionError, an
        # AttributeError from a list where an object belongs...), and rdflib's parsers have types of their own
        raise RemoteError(
            f"{endpoint} sent a malformed {media} answer: {_snippet(str(exc).encode()) or type(exc).__name__}"
        ) from None
    text = _snippet(body)
    raise RemoteError(
        f"{endpoint} answered with {media or 'no media type'}, not SPARQL results "
        f"(is this the query endpoint?)" + (f": {text}" if text else "")
    )


def _from_json(doc: dict[str, Any]) -> QueryResult:
    if "boolean" in doc:
        return QueryResult("ASK", boolean=bool(doc["boolean"]))
    variables = list(doc["head"].get("vars", []))
    rows: list[Row] = []
    for binding in doc["results"]["bindings"]:
        rows.append({var: _json_term(value) for var, value in binding.items()})
    return QueryResult("SELECT", variables, rows)


def _json_term(value: dict[str, str]) -> Term:
    kind = value["type"]
    if kind == "typed-literal":  # SPARQL 1.0 JSON, still sent by some stores
        kind = "literal"
    return Term(kind, value["value"], value.get("datatype"), value.get("xml:lang"))


def _from_xml(body: bytes) -> QueryResult:
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(body)
    boolean = root.find(f"{ns}boolean")
    if boolean is not None:
        return QueryResult("ASK", boolean=(boolean.text or "").strip() == "true")
    variables = [v.get("name", "") for v in root.iter(f"{ns}variable")]
    rows: list[Row] = []
    for result in root.iter(f"{ns}result"):
        row: Row = {}
        for binding in result.findall(f"{ns}binding"):
            node = binding[0]
            kind = node.tag.removeprefix(ns)
            lang = node.get("{http://www.w3.org/XML/1998/namespace}lang")
            row[binding.get("name", "")] = Term(kind, node.text or "", node.get("datatype"), lang)
        rows.append(row)
    return QueryResult("SELECT", variables, rows)


# --- Uploads -------------------------------------------------------------------------------------


def _graph_url(store_url: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of one graph: ``?graph=IRI``, or ``?default``."""
    target = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    separator = "&" if urllib.parse.urlsplit(store_url).query else "?"
    return store_url + separator + target


def push_graph_store(
    store_url: str,
    ntriples: Body,
    graph: str | None = None,
    replace: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    query_url: str | None = None,
) -> int | None:
    """Send N-Triples to a Graph Store Protocol URL: PUT replaces the graph, POST adds to it.

    ``ntriples`` may be an open file: it is streamed in one request (the store applies it whole
    or not at all, as with bytes), so the graph never sits in memory. After a replace, the graph
    is counted: by a SPARQL ``COUNT`` at ``query_url`` when given, else read back (GET, which the
    protocol requires) and its triples counted as they arrive: a store that acknowledged without
    storing is an error. Returns that count, or None after an add (the graph then holds other
    triples too, so no count could confirm it).
    """
    check_url(store_url, "graph store URL")
    if graph is not None:
        check_iri(graph)
    url = _graph_url(store_url, graph)
    try:
        request(
            url,
            method="PUT" if replace else "POST",
            data=ntriples,
            headers={"Content-Type": get("nt", (GRAPH,)).media_type},
            timeout=timeout,
        )
    except RemoteError as exc:
        raise RemoteError(f"{exc}{_hint(str(exc), graph)}") from None
    if not replace:
        return None
    expected = count_triples(ntriples)
    if query_url is not None:
        held = count_graph(query_url, graph, timeout)
    else:
        counter = LineCount()
        media, body = request(url, headers={"Accept": ACCEPT_GRAPH}, timeout=timeout, sink=counter)
        held = counter.total if counter.accepts(media) else _count_graph(store_url, media, body)
    if held != expected:
        where = f"graph <{graph}>" if graph else "the default graph"
        capped = (
            ""
            if query_url is not None or held > expected
            else "; a store may cap what a GET sends back (Virtuoso stops at 10,001 triples, its "
            "ResultSetMaxRows): give --query-endpoint to count with SPARQL instead"
        )
        raise RemoteError(
            f"{store_url} acknowledged the upload, but {where} holds {held:,} triple(s), "
            f"not the {expected:,} sent{capped}"
        )
    return held


def count_graph(query_url: str, graph: str | None, timeout: float = DEFAULT_TIMEOUT) -> int:
    """How many triples ``graph`` holds, by a SPARQL ``COUNT`` (no store caps it, as some cap a GET)."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = query(query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", timeout)
    try:
        return int(list(result.rows)[0][result.variables[0]].value)
    except (IndexError, KeyError, ValueError, TypeError):
        raise RemoteError(f"{query_url} did not answer the COUNT of the pushed graph with a number") from None


def count_triples(ntriples: Body) -> int:
    """The number of triples in N-Triples text or file (one per non-blank line; kgraph writes no
    comments), read a block at a time."""
    counter = LineCount()
    if isinstance(ntriples, bytes):
        counter.feed(ntriples)
    else:
        ntriples.seek(0)
        for block in iter(lambda: ntriples.read(1 << 20), b""):
            counter.feed(block)
    return counter.total


def _count_graph(endpoint: str, media: str, body: bytes) -> int:
    if by_media_type(media, (GRAPH,)) is None:
        raise RemoteError(
            f"{endpoint} took the upload, but did not send the graph back as RDF "
            f"(it answered GET with {media or 'no media type'}), so the push cannot be confirmed"
        )
    graph = parse_answer(endpoint, media, body).graph
    return len(graph) if graph is not None else 0  # type: ignore[arg-type]  # an rdflib Graph


#: Triples per Graph Store Protocol request when the graph goes in batches: large enough that a
#: request's own cost is small (Virtuoso: 0.3 s for 10,000 triples, 4 s for 100,000), small enough
#: that the store holds one body (about 10 MB of kgraph's N-Triples) with ease.
DEFAULT_GSP_BATCH = 50_000


@dataclass(frozen=True)
class Pushed:
    """What :func:`push_batches` did: triples sent, requests made, triples counted in the store,
    and whether the batches went through a staging graph (the target held triples before)."""

    triples: int
    requests: int
    held: int | None
    staged: bool


def graph_batches(ntriples: IO[bytes], batch: int, aside: IO[bytes]) -> Iterator[Body]:
    """The bodies of the batched upload: ``batch`` lines each, read a line at a time.

    A blank node's label holds within one document only: ``_:b1`` in two requests would make two
    nodes. So every line that names a blank node (or seems to: a literal holding `` _:`` only
    moves its line) is put ``aside`` (a file) and sent last, as one body streamed from there.
    ``<`` inside a literal is written ``\\u003C`` (the same string): Virtuoso guesses a body's
    format from its first 64 KB, and a literal holding ``<html>`` there makes it refuse the
    batch as "unsupported type text/html".
    """
    chunk: list[bytes] = []
    for line in ntriples:  # a binary file's lines end at LF only, as N-Triples ends them
        if not line.strip():
            continue
        if not line.endswith(b"\n"):
            line += b"\n"
        if line.startswith(b"_:") or b" _:" in line:
            aside.write(line)
            continue
        first = line.find(b'"')
        if first >= 0:
            last = line.rfind(b'"')
            if line.find(b"<", first, last) >= 0:
                line = line[:first] + line[first:last].replace(b"<", b"\\u003C") + line[last:]
        chunk.append(line)
        if len(chunk) == batch:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)
    if aside.tell():
        aside.flush()
        yield aside


def push_batches(
    store_url: str,
    update_url: str,
    ntriples: IO[bytes],
    graph: str | None = None,
    replace: bool = False,
    batch: int = DEFAULT_GSP_BATCH,
    timeout: float = DEFAULT_TIMEOUT,
    query_url: str | None = None,
) -> Pushed:
    """Send a large graph through the Graph Store Protocol in batches (POSTs of ``batch`` triples),
    put it in place with SPARQL Update, and count it with a SPARQL ``COUNT`` at ``query_url``
    (default: ``update_url``; Virtuoso's /sparql takes both).

    A failure leaves the target as it was: if it held no triples, the batches go straight into
    it (a store's own load, with no copy after) and a failure clears it again; if it held
    triples, they go into a staging graph, moved (``--replace``) or added into place in one
    request once all have arrived and been counted, and a failure drops the staging graph. The
    undo matters even for one request: Virtuoso's loader commits as it reads, so a body it stops
    reading at a bad line leaves the lines before it stored. The count catches a store that
    acknowledged a batch it did not store.
    """
    import tempfile
    import uuid

    check_url(store_url, "graph store URL")
    check_url(update_url, "update endpoint")
    if batch < 1:
        raise KgraphError("batch size must be at least 1")
    if graph is not None:
        check_iri(graph)
    query_url = query_url or update_url
    where = f"graph <{graph}>" if graph else "the default graph"
    before = count_graph(query_url, graph, timeout)
    staging = STAGING + str(uuid.uuid4()) if before else None
    dest = staging or graph
    sent = requests = 0
    try:
        ntriples.seek(0)
        with tempfile.TemporaryFile(prefix="kgraph-push-blank-") as aside:
            for body in graph_batches(ntriples, batch, aside):
                request(
                    _graph_url(store_url, dest),
                    method="POST",
                    data=body,
                    headers={"Content-Type": get("nt", (GRAPH,)).media_type},
                    timeout=timeout,
                )
                requests += 1
                sent += body.count(b"\n") if isinstance(body, bytes) else count_triples(body)
        held: int | None = count_graph(query_url, dest, timeout)
        if held != sent:
            raise RemoteError(
                f"{store_url} acknowledged every batch, but the graph holds {held:,} triple(s), not the {sent:,} sent"
            )
        if staging is not None:
            # Nothing sent leaves no staging graph to move: a replace then clears the target.
            empty = f"CLEAR {f'GRAPH <{graph}>' if graph else 'DEFAULT'}" if replace else None
            put = _put_in_place(staging, graph, replace) if sent else empty
            if put is not None:
                try:
                    _update(update_url, put, timeout)
                except RemoteError as exc:
                    if "(--timeout)" not in str(exc):
                        raise
                    # The store may still be at work on it: dropping the staging graph now could
                    # leave the target half moved, so nothing is undone and the state is said.
                    raise _InFlight(
                        f"{exc}; the store may still be putting the staging graph <{staging}> into {where}: "
                        f"check {where}, then drop the staging graph if it is still there "
                        "(a larger --timeout lets the push wait for it)"
                    ) from None
                requests += 1
    except _InFlight:
        raise
    except (RemoteError, OSError) as exc:
        undone = _undo(update_url, graph, staging, timeout)
        raise RemoteError(f"{exc}; {undone}{_hint(str(exc), graph)}") from None
    except KeyboardInterrupt:
        _undo(update_url, graph, staging, timeout)  # Ctrl-C too leaves the target as it was
        raise
    if staging is not None:
        held = count_graph(query_url, graph, timeout) if replace else None
        if held is not None and held != sent:
            raise RemoteError(
                f"{update_url} moved the staging graph into {where}, which now holds {held:,} "
                f"triple(s), not the {sent:,} sent"
            )
    return Pushed(sent, requests, held, staging is not None)


class _InFlight(RemoteError):
    """The MOVE or ADD timed out: the store may still be at it, so nothing may be undone."""


def _undo(update_url: str, graph: str | None, staging: str | None, timeout: float) -> str:
    """Put the target back as it was after a failed batched push; say what was done."""
    where = f"graph <{graph}>" if graph else "the default graph"
    if staging is not None:
        undo = f"DROP SILENT GRAPH <{staging}>"
        done = f"{where} was left as it was (the batches went to a staging graph first, now dropped)"
    else:
        undo = f"CLEAR SILENT {f'GRAPH <{graph}>' if graph else 'DEFAULT'}"
        done = f"{where} held no triples before the push and was cleared again"
    try:
        _update(update_url, undo, timeout)
    except RemoteError as exc:
        return f"undoing it failed too ({exc}): {where} may hold part of the push; `{undo}` removes it"
    return done


def _put_in_place(staging: str, graph: str | None, replace: bool) -> str:
    """One SPARQL Update that moves (replace) or adds the staging graph into the target."""
    target = f"GRAPH <{graph}>" if graph else "DEFAULT"
    if replace:
        return f"MOVE GRAPH <{staging}> TO {target}"
    return f"ADD GRAPH <{staging}> TO {target} ;\nDROP SILENT GRAPH <{staging}>"


#: Where --update-endpoint loads first: a graph of its own, moved into place in one request once
#: every batch has arrived, so a failure half way leaves the target graph as it was.
STAGING = "urn:kgraph:staging:"


def update_requests(
    ntriples: Body, graph: str | None, replace: bool, staging: str, batch: int = DEFAULT_BATCH
) -> Iterator[str]:
    """The SPARQL Update requests that load ``ntriples``: INSERT DATA batches into ``staging``,
    then one MOVE (replace) or ADD that puts them in place. A file is read a line at a time, so
    one batch at most is ever in memory.

    Lines are split at LF only, as N-Triples ends them: ``str.splitlines`` would also split at
    U+2028, U+0085 or U+001C inside a literal and send a broken triple.
    """
    if batch < 1:
        raise KgraphError("batch size must be at least 1")
    if graph is not None:
        check_iri(graph)
    target = f"GRAPH <{graph}>" if graph else "DEFAULT"
    chunk: list[str] = []
    loaded = False
    lines: Iterable[bytes] = ntriples.split(b"\n") if isinstance(ntriples, bytes) else ntriples
    for raw in lines:  # a binary file's lines end at LF only
        line = raw.decode("utf-8").rstrip("\n")
        if line.strip():
            chunk.append(line)
        if len(chunk) == batch:
            yield _insert(chunk, staging)
            chunk, loaded = [], True
    if chunk:
        yield _insert(chunk, staging)
        loaded = True
    if not loaded:
        if replace:
            yield f"CLEAR SILENT {target}"
        return
    yield _put_in_place(staging, graph, replace)


def _insert(triples: list[str], graph: str) -> str:
    body = "\n".join(triples)
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


def push_update(
    update_url: str,
    ntriples: Body,
    graph: str | None = None,
    replace: bool = False,
    batch: int = DEFAULT_BATCH,
    timeout: float = DEFAULT_TIMEOUT,
) -> int:
    """Send the triples as SPARQL Update requests (see update_requests); return how many requests.

    If any request fails, the staging graph is dropped and the target graph is as it was before.
    """
    import uuid

    check_url(update_url, "update endpoint")
    staging = STAGING + str(uuid.uuid4())
    sent = 0
    try:
        for update in update_requests(ntriples, graph, replace, staging, batch):
            _update(update_url, update, timeout)
            sent += 1
    except RemoteError as exc:
        if sent:
            with contextlib.suppress(RemoteError):
                _update(update_url, f"DROP SILENT GRAPH <{staging}>", timeout)
        where = f"graph <{graph}>" if graph else "the default graph"
        raise RemoteError(
            f"{exc}; {where} was left as it was (the data went to a staging graph first)" + _hint(str(exc), graph)
        ) from None
    return sent


def _hint(message: str, graph: str | None) -> str:
    """The fix for store errors whose own words do not give it."""
    virtuoso = ("SP031", "not configured to have default graph")  # Update, Graph Store Protocol
    if graph is None and any(sign in message for sign in virtuoso):  # no writable default graph
        return "; Virtuoso stores triples in named graphs only: add --graph IRI, e.g. --graph https://example.org/graph"
    if "SR325" in message and "after image" in message:  # the MOVE or ADD of a large staging graph
        return (
            "; Virtuoso refuses a MOVE or ADD whose transaction log exceeds its txn_after_image_limit "
            "(50 MB by default: a MOVE of 576,000 triples passed it, one of 2.9 million did not): push into an "
            "empty graph instead (a new graph IRI, or after CLEAR GRAPH), where the batches go straight in, "
            "or have the store's dba raise the limit in isql: __dbf_set('txn_after_image_limit', 2000000000);"
        )
    return ""


def _update(update_url: str, update: str, timeout: float) -> None:
    data = urllib.parse.urlencode({"update": update}).encode("ascii")
    request(
        update_url,
        method="POST",
        data=data,
        timeout=timeout,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
