"""Real SPARQL servers for the integration tests, on free loopback ports, always stopped at the end.

Oxigraph comes from the ``oxigraph`` PyPI package (the test extra); Virtuoso from Debian's
``virtuoso-opensource`` (installed by .ci/run). Every wait is bounded.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import run_cli

if TYPE_CHECKING:
    from rdflib import Graph

READY_WAIT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen, limit: float = READY_WAIT) -> None:  # type: ignore[type-arg]
    """Poll ``url`` until it answers 200, the process dies, or ``limit`` seconds pass."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready at {url} within {limit} s")


def stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@dataclass
class Store:
    """A running store: its SPARQL query, update and Graph Store Protocol URLs."""

    query: str
    update: str
    graph_store: str
    process: subprocess.Popen  # type: ignore[type-arg]
    log: Path

    def stop(self) -> None:
        stop(self.process)


def oxigraph_binary() -> str | None:
    from kgraph.serve import ServerError
    from kgraph.serve import oxigraph_binary as find

    try:
        return find()
    except ServerError:
        return None


def start_oxigraph(folder: Path) -> Store:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "oxigraph.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(folder / "store"), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/query?query=ASK%7B%7D", process)
    except BaseException:
        stop(process)
        raise
    return Store(base + "/query", base + "/update", base + "/store", process, log)


VIRTUOSO_INI = "/etc/virtuoso-opensource-7/virtuoso.ini"


def start_virtuoso(folder: Path, buffers: int | None = None) -> Store:
    """Virtuoso in a private folder with its own ini: SQL and HTTP ports on loopback only.

    ``buffers``: its NumberOfBuffers (8 KB pages; the package's ini has 10,000, 80 MB; it suggests
    680,000 with 8 GB free), with MaxDirtyBuffers at three quarters of it as its ini does."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None or not os.path.isfile(VIRTUOSO_INI):
        pytest.skip("Virtuoso is not installed (Debian virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = Path(VIRTUOSO_INI).read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    ini = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{sql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http_port}", ini)
    if buffers is not None:
        ini = re.sub(r"(?m)^NumberOfBuffers\s*=.*$", f"NumberOfBuffers = {buffers}", ini)
        ini = re.sub(r"(?m)^MaxDirtyBuffers\s*=.*$", f"MaxDirtyBuffers = {buffers * 3 // 4}", ini)
    (folder / "virtuoso.ini").write_text(ini)
    log = folder / "console.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
            cwd=folder,
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for(base + "/sparql?query=ASK%7B%7D", process, limit=180)
        # The anonymous SPARQL user may read only; this test store lets it write too.
        subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except BaseException:
        stop(process)
        raise
    return Store(base + "/sparql", base + "/sparql", base + "/sparql-graph-crud", process, log)


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield store
    store.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield store
    store.stop()


# --- Small loopback HTTP servers with scripted answers, for the client's failure paths -----------


@dataclass
class Seen:
    """What a scripted server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Scripted:
    """A loopback HTTP server answering every request with ``answer(seen)``."""

    answer: Callable[[Seen], tuple[int, dict[str, str], bytes]]
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
                outer.seen.append(seen)
                status, headers, body = outer.answer(seen)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def scripted() -> Iterator[Callable[..., Scripted]]:
    started: list[Scripted] = []

    def start(answer: Callable[[Seen], tuple[int, dict[str, str], bytes]]) -> Scripted:
        server = Scripted(answer)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


class Silent:
    """Accepts connections and never answers: a server that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.close()


_JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n{"


class Streaming:
    """Answers 200 with a SPARQL JSON content type, then sends the body without ever ending it:
    ``pause`` seconds between chunks (a trickle) or none (a flood). Stops by itself after ``limit`` s.
    Another ``head`` (a status line and an unfinished header) makes it trickle header bytes instead."""

    def __init__(self, pause: float, chunk: bytes = b" ", limit: float = 20.0, head: bytes = _JSON_HEAD) -> None:
        self.pause, self.chunk, self.limit, self.head = pause, chunk, limit, head
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        deadline = time.monotonic() + self.limit
        try:
            conn.recv(65536)
            conn.sendall(self.head)
            while not self.stopped.is_set() and time.monotonic() < deadline:
                conn.sendall(self.chunk)
                if self.pause:
                    time.sleep(self.pause)
        except OSError:
            pass  # the client hung up, as it should
        finally:
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials from the environment or ~/.netrc of whoever runs the tests."""
    for name in ("KGRAPH_ENDPOINT_USER", "KGRAPH_ENDPOINT_PASSWORD", "KGRAPH_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def use_netrc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> Path:
    """A netrc file holding ``text``, readable by its owner only, as $NETRC."""
    netrc = tmp_path / "netrc"
    netrc.write_text(text)
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    return netrc


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --- Comparing a store's answers with kgraph's own (test_stores.py, test_serve.py) ---

NUMERIC = re.compile(r"#(integer|decimal|double|float|int|long)$")
ORDERED = [
    "SELECT ?t ?date WHERE { ?t a kg:Treaty ; kg:date ?date } ORDER BY ?t",
    "SELECT ?s ?o ?q WHERE { ?st rdf:subject ?s ; rdf:object ?o ; kg:quote ?q } ORDER BY ?q ?s ?o",
    "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type ORDER BY ?type",
    "SELECT ?e ?label ?alias WHERE { ?e rdfs:label ?label OPTIONAL { ?e skos:altLabel ?alias } } ORDER BY ?e ?alias",
]


def normal(term: dict[str, str]) -> tuple[str, ...]:
    """A JSON result term in one canonical form: numbers by value, blank nodes by kind only."""
    if term["type"] == "bnode":
        return ("bnode",)
    datatype = term.get("datatype", "")
    value = term["value"]
    if NUMERIC.search(datatype):
        try:
            value = str(Decimal(value).normalize())
        except InvalidOperation:
            pass
        datatype = "numeric"
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = ""
    return (term["type"], value, datatype, term.get("xml:lang", ""))


#: A value for each parameter a named query declares, so that it runs as users run it.
EXAMPLE_PARAMS = {"actor": "Soviet Union"}


def param_args(query: str) -> list[str]:
    if not query.endswith(".rq"):
        return []
    from kgraph.params import declared

    return [arg for p in declared(Path(query).read_text()) for arg in ("--param", f"{p.name}={EXAMPLE_PARAMS[p.name]}")]


def answers(run_args: list[str], data: Path) -> tuple[str, list[tuple[tuple[str, tuple[str, ...]], ...]] | bool]:
    run = run_cli("query", *run_args, *param_args(run_args[0]), "-f", "json", data=data)
    assert run.code == 0, run
    doc = json.loads(run.out)
    if "boolean" in doc:
        return "ASK", doc["boolean"]
    rows = [
        tuple(sorted((var, normal(term)) for var, term in binding.items())) for binding in doc["results"]["bindings"]
    ]
    return "SELECT", rows


#: A year-month date standing alone (not the start of a full date).
YEAR_MONTH = re.compile(r"\b(\d{4})-\d{2}\b(?!-\d)")


def year_month_as_year(rows: list) -> list:  # type: ignore[type-arg]
    """Virtuoso 7.2 stores an xsd:gYearMonth such as 2017-01 and gives back STR() = "2017"; it then
    takes "2017"^^xsd:gYear and "2017-01"^^xsd:gYearMonth for one literal, and which datatype comes
    back depends on the order it was sent the triples in (so the datatypes are compared as one)."""
    return [
        tuple(
            (
                var,
                (term[0], YEAR_MONTH.sub(r"\1", term[1]), _YEAR_TYPE.sub("gYear", term[2]), *term[3:])
                if var == "date"
                else term,
            )
            for var, term in row
        )
        for row in rows
    ]


_YEAR_TYPE = re.compile(r"gYearMonth$")


def assert_same_answers(query: str, endpoint: str, data: Path, lossy_year_months: bool = False) -> None:
    """The same rows, and in the same order when the query has an ORDER BY: named queries are written
    to give one answer on every store (total ORDER BY keys, no GROUP_CONCAT, whose order is the
    store's choice)."""
    kind, local = answers([query], data)
    _, remote = answers([query, "--endpoint", endpoint], data)
    if kind == "ASK":
        assert local == remote
        return
    assert isinstance(local, list) and isinstance(remote, list)
    if lossy_year_months:
        local, remote = year_month_as_year(local), year_month_as_year(remote)
    text = Path(query).read_text() if query.endswith(".rq") else query
    if re.search(r"ORDER\s+BY", text, re.I):
        assert local == remote, f"rows or their order differ for {query}"
    else:
        assert sorted(local) == sorted(remote), f"rows differ for {query}"


def remote_graph(store: Store, graph: str | None = None) -> Graph:
    """What ``store`` holds in ``graph`` (its default graph without one), read back through kgraph."""
    from rdflib import Graph

    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    run = run_cli("query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", "--endpoint", store.query, "-f", "nt")
    assert run.code == 0, run
    return Graph().parse(data=run.out, format="nt")


def staging_graphs(store: Store) -> int:
    """How many of kgraph's staging graphs ``store`` holds (a push must leave none behind)."""
    run = run_cli(
        "query",
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'urn:kgraph:staging:')) }",
        "-f",
        "csv",
        "--endpoint",
        store.query,
    )
    assert run.code == 0, run
    return int(run.out.splitlines()[1])
