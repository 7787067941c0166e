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
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from kgraph.errors import KgraphError
from kgraph.results import QueryResult, Row, Term

if TYPE_CHECKING:
    from http.client import HTTPResponse

#: Longest URL sent with GET; longer queries go in a POST body (servers cap URLs near 8 KB).
MAX_GET_URL = 2000
DEFAULT_TIMEOUT = 60.0
DEFAULT_BATCH = 1000
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
GRAPH_TYPES = {"application/n-triples": "nt", "text/turtle": "turtle",
               "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
#: What to ask for: SELECT and ASK give result tables, CONSTRUCT and DESCRIBE give graphs.
ACCEPT_RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([\w.-]*):", re.IGNORECASE | re.MULTILINE)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_SNIPPET = 300


class RemoteError(KgraphError):
    """A store could not be reached or refused the request; the message says which and why."""


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to one host: basic (user, password) or a bearer token."""

    header: str

    @classmethod
    def basic(cls, user: str, password: str) -> Credentials:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return cls(f"Basic {token}")


def credentials_for(url: str) -> Credentials | None:
    """Credentials for ``url`` from the environment, else from the netrc file, else None."""
    token = os.environ.get("KGRAPH_ENDPOINT_TOKEN")
    if token:
        return Credentials(f"Bearer {token}")
    user = os.environ.get("KGRAPH_ENDPOINT_USER")
    if user:
        return Credentials.basic(user, os.environ.get("KGRAPH_ENDPOINT_PASSWORD", ""))
    import netrc

    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        raise RemoteError(f"cannot read credentials from {path}: {exc}") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials.basic(login or "", password or "")


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but send credentials on only while the host stays the same."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        auth = req.unredirected_hdrs.get("Authorization")
        if new is not None and auth and _origin(newurl) == _origin(req.full_url):
            new.add_unredirected_header("Authorization", auth)
        return new


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def check_url(url: str, what: str = "endpoint") -> None:
    """Refuse anything but an absolute http(s) URL, before any connection is tried."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{what} must be an http:// or https:// URL, not '{url}'")


def check_iri(iri: str) -> None:
    """A graph name must be an absolute IRI."""
    if not _IRI.match(iri):
        raise RemoteError(f"graph name must be an absolute IRI such as https://example.org/graph, "
                          f"not '{iri}'")


def request(url: str, *, method: str = "GET", data: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT) -> tuple[str, bytes]:
    """One HTTP exchange: (media type, body) on success; RemoteError with the server's words otherwise."""
    check_url(url)
    full_url, url = url, url.split("?", 1)[0]  # messages name the endpoint, not the encoded query
    req = urllib.request.Request(full_url, data=data, method=method, headers=headers or {})
    req.add_header("User-Agent", "kgraph")
    creds = credentials_for(full_url)
    if creds:
        req.add_unredirected_header("Authorization", creds.header)
    opener = urllib.request.build_opener(_SameHostRedirects())
    try:
        with opener.open(req, timeout=timeout) as response:
            body = _read(response, url, timeout)
            media = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        text = _snippet(exc.read() if exc.fp else b"")
        raise RemoteError(f"{url} answered HTTP {exc.code} {exc.reason}" + (f": {text}" if text else "")
                          ) from None
    except urllib.error.URLError as exc:
        raise RemoteError(_connection_message(url, exc.reason, timeout)) from None
    except (TimeoutError, socket.timeout):
        raise RemoteError(f"{url} gave no answer within {timeout:g} s (--timeout)") from None
    except OSError as exc:
        raise RemoteError(_connection_message(url, exc, timeout)) from None
    return media, body


#: The largest answer kgraph accepts from a server (an endless body stops here at the latest).
MAX_ANSWER_BYTES = 1 << 30


def _read(response: HTTPResponse, url: str, timeout: float) -> bytes:
    """The whole body, within ``timeout`` seconds in all: a server trickling bytes, or sending
    without end, is cut off rather than waited for (a per-read timeout alone would not)."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = response.read1(1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                raise RemoteError(f"{url} did not finish its answer within {timeout:g} s (--timeout); "
                                  f"{size:,} bytes arrived")
            if size > MAX_ANSWER_BYTES:
                raise RemoteError(f"{url} sent more than {MAX_ANSWER_BYTES >> 20:,} MiB; stopped reading")
    except (TimeoutError, socket.timeout):
        raise RemoteError(f"{url} stopped answering for {timeout:g} s (--timeout)") from None


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
    return text if len(text) <= _SNIPPET else text[:_SNIPPET - 1] + "\u2026"


# --- SPARQL 1.1 Protocol -------------------------------------------------------------------------

def with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """Declare the project's prefixes the query uses but does not declare itself.

    The declarations go on the query's first line, so a server's line numbers stay right.
    """
    declared = {m.lower() for m in _PREFIX_DECL.findall(text)}
    used = [p for p in prefixes if p.lower() not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", text)]
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
        media, body = request(endpoint, method="POST", data=encoded.encode("ascii"), headers=headers,
                              timeout=timeout)
    return parse_answer(endpoint, media, body)


def parse_answer(endpoint: str, media: str, body: bytes) -> QueryResult:
    """A SPARQL results document or an RDF graph, as a QueryResult; anything else is an error."""
    try:
        if media == "application/sparql-results+json" or (media == "application/json" and b'"head"' in body):
            return _from_json(json.loads(body))
        if media == "application/sparql-results+xml":
            return _from_xml(body)
        if media in GRAPH_TYPES:
            from rdflib import Graph

            return QueryResult("CONSTRUCT", graph=Graph().parse(data=body, format=GRAPH_TYPES[media]))
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise RemoteError(f"{endpoint} sent a malformed {media} answer: {exc}") from None
    text = _snippet(body)
    raise RemoteError(f"{endpoint} answered with {media or 'no media type'}, not SPARQL results "
                      f"(is this the query endpoint?)" + (f": {text}" if text else ""))


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

def push_graph_store(store_url: str, ntriples: bytes, graph: str | None = None, replace: bool = False,
                     timeout: float = DEFAULT_TIMEOUT) -> None:
    """Send N-Triples to a Graph Store Protocol URL: PUT replaces the graph, POST adds to it."""
    check_url(store_url, "graph store URL")
    if graph is not None:
        check_iri(graph)
    target = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    separator = "&" if urllib.parse.urlsplit(store_url).query else "?"
    request(store_url + separator + target, method="PUT" if replace else "POST", data=ntriples,
            headers={"Content-Type": "application/n-triples"}, timeout=timeout)


def update_batches(lines: Iterable[str], graph: str | None = None, replace: bool = False,
                   batch: int = DEFAULT_BATCH) -> Iterator[str]:
    """SPARQL Update requests that load N-Triples ``lines``: an optional clear, then INSERT DATA."""
    if batch < 1:
        raise KgraphError("batch size must be at least 1")
    if graph is not None:
        check_iri(graph)
    if replace:
        yield f"CLEAR SILENT GRAPH <{graph}>" if graph else "CLEAR SILENT DEFAULT"
    chunk: list[str] = []
    for line in lines:
        if line.strip():
            chunk.append(line.rstrip("\n"))
        if len(chunk) == batch:
            yield _insert(chunk, graph)
            chunk = []
    if chunk:
        yield _insert(chunk, graph)


def _insert(triples: list[str], graph: str | None) -> str:
    body = "\n".join(triples)
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}" if graph else f"INSERT DATA {{\n{body}\n}}"


def push_update(update_url: str, ntriples: bytes, graph: str | None = None, replace: bool = False,
                batch: int = DEFAULT_BATCH, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Send the triples as SPARQL Update ``INSERT DATA`` requests; return how many requests."""
    check_url(update_url, "update endpoint")
    sent = 0
    for update in update_batches(ntriples.decode("utf-8").splitlines(), graph, replace, batch):
        data = urllib.parse.urlencode({"update": update}).encode("ascii")
        request(update_url, method="POST", data=data, timeout=timeout,
                headers={"Content-Type": "application/x-www-form-urlencoded"})
        sent += 1
    return sent
