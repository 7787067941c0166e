"""The SPARQL client's manners, on loopback servers with scripted answers: GET or POST, credentials,
redirects, timeouts, errors and answers that are not SPARQL."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import integration, run_cli
from servers import Seen, no_ambient_credentials, scripted, silent, use_netrc  # noqa: F401  (fixtures)

ASK_YES = (200, {"Content-Type": "application/sparql-results+json"}, b'{"head": {}, "boolean": true}')
SELECT = "SELECT ?t WHERE { ?t a kg:Treaty } ORDER BY ?t"


pytestmark = [integration, pytest.mark.usefixtures("no_ambient_credentials")]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_short_queries_use_get_with_prefixes_declared_and_long_ones_post(scripted) -> None:  # noqa: F811
    server = scripted(lambda seen: ASK_YES)
    assert run_cli("query", "ASK { kgr:russia kg:signed ?t }", "--endpoint", server.url + "/sparql").out == "yes\n"
    long = "ASK { kgr:russia kg:signed ?t }\n#" + "x" * 3000
    assert run_cli("query", long, "--endpoint", server.url + "/sparql").out == "yes\n"
    short, posted = server.seen
    assert short.method == "GET" and short.path.startswith("/sparql?query=")
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(short.path).query)["query"][0]
    assert sent.startswith(
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> PREFIX kgr: <https://w3id.org/kgraph/resource/> ASK"
    )
    assert "\n" not in sent.split("ASK")[0]  # declarations on the first line: the server's lines stay right
    assert short.headers["Accept"].startswith("application/sparql-results+json")
    assert posted.method == "POST" and posted.path == "/sparql"
    assert posted.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(posted.body.decode())["query"][0].endswith("x" * 3000)


def test_prefixes_are_declared_for_names_used_not_for_words_in_strings_or_comments(scripted) -> None:  # noqa: F811
    """The query is read with kgraph's one SPARQL tokenizer (sparqlscan): ``kg:`` inside a string or a
    comment is no prefixed name, so only ``kgr:`` is declared (before, kg: was declared too)."""
    server = scripted(lambda seen: ASK_YES)
    query = 'ASK { kgr:russia ?p "kg:signed" } # kg:signed'
    assert run_cli("query", query, "--endpoint", server.url + "/sparql").out == "yes\n"
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(server.seen[0].path).query)["query"][0]
    assert sent == f"PREFIX kgr: <https://w3id.org/kgraph/resource/> {query}", sent


def test_xml_results_are_read_too(scripted) -> None:  # noqa: F811
    xml = (
        b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        b'<head><variable name="t"/><variable name="d"/></head><results><result>'
        b'<binding name="t"><uri>https://w3id.org/kgraph/resource/treaty-1884</uri></binding>'
        b'<binding name="d"><literal datatype="http://www.w3.org/2001/XMLSchema#gYear">1884</literal>'
        b"</binding></result></results></sparql>"
    )
    server = scripted(lambda seen: (200, {"Content-Type": "application/sparql-results+xml; charset=utf-8"}, xml))
    run = run_cli("query", SELECT, "--endpoint", server.url, "-f", "json")
    assert json.loads(run.out)["results"]["bindings"] == [
        {
            "t": {"type": "uri", "value": "https://w3id.org/kgraph/resource/treaty-1884"},
            "d": {"type": "literal", "value": "1884", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"},
        }
    ]


def test_credentials_from_the_environment(scripted, monkeypatch) -> None:  # noqa: F811
    server = scripted(lambda seen: ASK_YES)
    monkeypatch.setenv("KGRAPH_ENDPOINT_USER", "reader")
    monkeypatch.setenv("KGRAPH_ENDPOINT_PASSWORD", "s3cret")
    assert run_cli("query", "ASK {}", "--endpoint", server.url).code == 0
    monkeypatch.setenv("KGRAPH_ENDPOINT_TOKEN", "tok-123")
    assert run_cli("query", "ASK {}", "--endpoint", server.url).code == 0
    assert [s.headers.get("Authorization") for s in server.seen] == [basic("reader", "s3cret"), "Bearer tok-123"]


def test_credentials_from_netrc_for_that_host_only(scripted, monkeypatch, tmp_path: Path) -> None:  # noqa: F811
    server = scripted(lambda seen: ASK_YES)
    use_netrc(monkeypatch, tmp_path, "machine 127.0.0.1 login alice password wonderland\n")
    assert run_cli("query", "ASK {}", "--endpoint", server.url).code == 0
    assert run_cli("query", "ASK {}", "--endpoint", server.url.replace("127.0.0.1", "localhost")).code == 0
    assert [s.headers.get("Authorization") for s in server.seen] == [basic("alice", "wonderland"), None]


def test_no_credentials_on_the_command_line(cli) -> None:
    for command in ("query", "push"):
        text = cli(command, "--help", data=None).out.lower()
        assert "--user" not in text and "--password" not in text


def test_redirects_keep_credentials_only_on_the_same_host(scripted, monkeypatch) -> None:  # noqa: F811
    target = scripted(lambda seen: ASK_YES)
    other_host = target.url.replace("127.0.0.1", "localhost")

    def redirect(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.path.startswith("/moved"):
            return 302, {"Location": other_host + "/sparql?" + seen.path.split("?", 1)[1]}, b""
        if seen.path.startswith("/old"):
            return 301, {"Location": "/new?" + seen.path.split("?", 1)[1]}, b""
        return ASK_YES

    origin = scripted(redirect)
    monkeypatch.setenv("KGRAPH_ENDPOINT_USER", "reader")
    assert run_cli("query", "ASK {}", "--endpoint", origin.url + "/moved").out == "yes\n"
    assert run_cli("query", "ASK {}", "--endpoint", origin.url + "/old").out == "yes\n"
    assert origin.seen[0].headers.get("Authorization") == basic("reader", "")
    assert target.seen[0].headers.get("Authorization") is None  # another host: never sent on
    assert [s.path.split("?")[0] for s in origin.seen[1:]] == ["/old", "/new"]
    assert origin.seen[2].headers.get("Authorization") == basic("reader", "")


def test_errors_carry_the_status_and_the_servers_trimmed_words(scripted) -> None:  # noqa: F811
    page = b"<html><body><h1>Internal error</h1><p>" + b"stack frame " * 100 + b"</p></body></html>"
    server = scripted(lambda seen: (500, {"Content-Type": "text/html"}, page))
    run = run_cli("query", "ASK {}", "--endpoint", server.url + "/sparql")
    assert run.code == 1
    line = run.err.strip()
    assert line.startswith(
        f"error: {server.url}/sparql answered HTTP 500 Internal Server Error: Internal error stack frame stack frame"
    )
    assert "<" not in line and len(line) < 420 and line.endswith("\u2026") and "\n" not in line


def test_an_answer_that_is_not_sparql(scripted) -> None:  # noqa: F811
    server = scripted(lambda seen: (200, {"Content-Type": "text/plain"}, b"hello from a web server"))
    run = run_cli("query", SELECT, "--endpoint", server.url)
    assert run.code == 1
    assert run.err == (
        f"error: {server.url} answered with text/plain, not SPARQL results "
        "(is this the query endpoint?): hello from a web server\n"
    )
    broken = scripted(lambda seen: (200, {"Content-Type": "application/sparql-results+json"}, b"{not json"))
    run = run_cli("query", SELECT, "--endpoint", broken.url)
    assert run.code == 1 and "sent a malformed application/sparql-results+json answer" in run.err


def test_a_server_that_never_answers_times_out(silent) -> None:  # noqa: F811
    started = time.monotonic()
    run = run_cli("query", "ASK {}", "--endpoint", silent.url, "--timeout", "0.5")
    assert run.code == 1
    assert run.err == f"error: {silent.url} gave no answer within 0.5 s (--timeout)\n"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "url,message",
    [
        ("ftp://127.0.0.1/sparql", "endpoint must be an http:// or https:// URL, not 'ftp://127.0.0.1/sparql'"),
        ("127.0.0.1:7878/query", "endpoint must be an http:// or https:// URL"),
    ],
)
def test_only_http_urls(url: str, message: str) -> None:
    run = run_cli("query", "ASK {}", "--endpoint", url)
    assert run.code == 1 and message in run.err


def _graph_store() -> tuple[dict[str, bytes], Callable[[Seen], tuple[int, dict[str, str], bytes]]]:
    """A scripted Graph Store Protocol server: PUT replaces, POST adds, GET gives the graph back."""
    graphs: dict[str, bytes] = {}

    def answer(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method == "GET":
            return 200, {"Content-Type": "application/n-triples"}, graphs.get(seen.path, b"")
        graphs[seen.path] = (graphs.get(seen.path, b"") if seen.method == "POST" else b"") + seen.body
        return 204, {}, b""

    return graphs, answer


def test_push_sends_ntriples_with_the_right_method_and_graph(scripted) -> None:  # noqa: F811
    server = scripted(_graph_store()[1])
    assert run_cli("push", "--endpoint", server.url + "/store").code == 0
    replace = run_cli("push", "--endpoint", server.url + "/store", "--graph", "https://example.org/g?x=1", "--replace")
    assert replace.code == 0 and "read back: it holds" in replace.err, replace
    added, replaced, read_back = server.seen
    assert (read_back.method, read_back.path) == ("GET", replaced.path)
    assert (added.method, added.path) == ("POST", "/store?default")
    assert (replaced.method, replaced.path) == ("PUT", "/store?graph=https%3A%2F%2Fexample.org%2Fg%3Fx%3D1")
    assert added.headers["Content-Type"] == "application/n-triples"
    # The store's order, not sorted: sorting would hold the whole graph in memory. Same triples.
    lines = added.body.decode().splitlines()
    assert sorted(lines) == run_cli("export", "--format", "nt").out.splitlines()
    assert all(line.endswith(" .") for line in lines)


def test_push_needs_a_target(cli) -> None:
    run = cli("push")
    assert run.code == 2 and "give --endpoint (Graph Store Protocol), --update-endpoint" in " ".join(run.err.split())
    # Both together are the batched Graph Store Protocol push (tests/cli/test_push_batches.py): past
    # the usage check, it asks the update URL for the graph's count first.
    both = cli("push", "--endpoint", "http://127.0.0.1:1/store", "--update-endpoint", "http://127.0.0.1:1/u")
    assert both.code == 1 and "cannot connect to http://127.0.0.1:1/u: connection refused" in both.err, both


@pytest.mark.parametrize("pause,chunk", [(0.1, b" "), (0.002, b" " * 65536)], ids=["trickle", "stream"])
def test_an_endless_answer_is_cut_off_at_the_timeout(pause: float, chunk: bytes) -> None:
    """A per-read timeout never fires on a server that keeps sending: the whole answer has a deadline."""
    from servers import Streaming

    server = Streaming(pause, chunk)
    try:
        started = time.monotonic()
        run = run_cli("query", "ASK {}", "--endpoint", server.url, "--timeout", "1")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert run.code == 1, run
    assert run.err.startswith(f"error: {server.url} did not finish its answer within 1 s (--timeout); ")
    assert elapsed < 5


def test_an_oversized_answer_is_cut_off(monkeypatch) -> None:
    import kgraph.remote

    from servers import Streaming

    monkeypatch.setattr(kgraph.remote, "MAX_ANSWER_BYTES", 1 << 20)
    server = Streaming(0.0, b" " * 65536)
    try:
        run = run_cli("query", "ASK {}", "--endpoint", server.url, "--timeout", "30")
    finally:
        server.close()
    assert run.code == 1
    assert run.err == f"error: {server.url} sent more than 1 MiB; stopped reading\n"


def test_parameters_reach_an_endpoint_as_a_values_block(scripted) -> None:  # noqa: F811
    """A remote store gets the one form every store reads: a VALUES block in the WHERE group, the
    entity looked up in the local data; the rest of the text as written (issue 12)."""
    from conftest import DATA

    server = scripted(lambda seen: ASK_YES)
    text = "ASK {\n  ?x kg:signed ?t }"
    run = run_cli("query", text, "-p", "x=Pyongyang", "--endpoint", server.url + "/sparql", data=DATA)
    assert run.out == "yes\n", run
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(server.seen[0].path).query)["query"][0]
    assert sent.endswith(
        "ASK { VALUES (?x) { (<https://w3id.org/kgraph/resource/north-korea>) } \n  ?x kg:signed ?t }"
    ), sent
    bad = run_cli(
        "query",
        "ASK {\n  ?x kg:signed ?t . FILTER( }",
        "-p",
        "x=Pyongyang",
        "--endpoint",
        server.url + "/sparql",
        data=DATA,
    )
    assert bad.code == 1 and bad.err.startswith("<query>:2:21: error: SPARQL syntax error"), bad
    assert len(server.seen) == 1  # checked here, never sent
