"""kgraph push and query --endpoint against a real Oxigraph server (and Virtuoso where installed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from conftest import DATA, MINI, ROOT, assert_isomorphic, built_graph, integration, run_cli
from servers import (  # noqa: F401  (fixtures)
    ORDERED,
    Seen,
    Store,
    assert_same_answers,
    oxigraph,
    remote_graph,
    scripted,
    staging_graphs,
    start_oxigraph,
    start_virtuoso,
    virtuoso,
)

# Real Oxigraph and Virtuoso servers, and scripted ones.
pytestmark = integration
BUNDLED_QUERIES = sorted((ROOT / "queries").glob("*.rq")) if (DATA / "relations.yaml").exists() else []


def push(store_url: str, *args: str, data: Path = MINI):  # type: ignore[no-untyped-def]
    run = run_cli("push", "--endpoint", store_url, *args, data=data)
    assert run.code == 0, run
    return run


@pytest.fixture(scope="module")
def mini_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = start_oxigraph(tmp_path_factory.mktemp("mini-store"))
    push(store.graph_store, "--replace")
    yield store
    store.stop()


def test_push_sends_every_triple_and_the_store_holds_the_same_graph(oxigraph: Store) -> None:
    graph = "https://example.org/test/push"
    run = push(oxigraph.graph_store, "--graph", graph, "--replace")
    local = built_graph()
    assert run.out == f"pushed {len(local)} triples\n"
    assert f"replaced graph <{graph}> at {oxigraph.graph_store}" in run.err
    assert_isomorphic(local, remote_graph(oxigraph, graph))


def test_replace_puts_and_plain_push_adds(oxigraph: Store, make_data) -> None:
    graph = "https://example.org/test/replace"
    smaller = make_data(
        relations="- subject: china\n  predicate: lostControlOf\n  object: korea\n"
        "  date: 1895-04\n  quote: In April 1895, when China lost control over Korea\n"
    )
    push(oxigraph.graph_store, "--graph", graph, "--replace")
    push(oxigraph.graph_store, "--graph", graph, "--replace", data=smaller)
    assert_isomorphic(built_graph(smaller), remote_graph(oxigraph, graph))
    push(oxigraph.graph_store, "--graph", graph)  # POST adds the full graph back to the smaller one
    assert_isomorphic(built_graph(MINI) + built_graph(smaller), remote_graph(oxigraph, graph))


def test_update_endpoint_sends_insert_data_in_batches(oxigraph: Store) -> None:
    graph = "https://example.org/test/update"
    run = run_cli("push", "--update-endpoint", oxigraph.update, "--graph", graph, "--replace", "--batch-size", "100")
    assert run.code == 0, run
    triples = len(built_graph())
    assert run.out == f"pushed {triples} triples\n"
    assert f"in {-(-triples // 100) + 1} update request(s)" in run.err  # the batches, then one MOVE
    assert_isomorphic(built_graph(), remote_graph(oxigraph, graph))


@pytest.mark.parametrize("replace", [True, False], ids=["replace", "add"])
def test_a_failed_batch_leaves_the_graph_as_it_was(
    oxigraph: Store,
    scripted,
    make_data,  # noqa: F811
    replace: bool,
) -> None:
    """Issue #17 item 3: CLEAR, two batches, then a failure used to leave a graph half loaded."""
    import urllib.error
    import urllib.request

    graph = f"https://example.org/test/half-{replace}"
    full = run_cli("push", "--update-endpoint", oxigraph.update, "--graph", graph, "--replace")
    assert full.code == 0, full

    def forward_but_fail_the_third(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if len(proxy.seen) == 3:
            return 500, {"Content-Type": "text/plain"}, b"disk full"
        req = urllib.request.Request(
            oxigraph.update, data=seen.body, method="POST", headers={"Content-Type": seen.headers["Content-Type"]}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as answer:
                return answer.status, {}, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {}, exc.read()

    proxy = scripted(forward_but_fail_the_third)
    other = make_data(
        relations="- subject: china\n  predicate: lostControlOf\n  object: korea\n"
        "  date: 1895-04\n  quote: In April 1895, when China lost control over Korea\n"
    )
    run = run_cli(
        "push",
        "--update-endpoint",
        proxy.url,
        "--graph",
        graph,
        "--batch-size",
        "5",
        *(["--replace"] if replace else []),
        data=other,
    )
    assert_isomorphic(built_graph(), remote_graph(oxigraph, graph))
    assert staging_graphs(oxigraph) == 0
    assert run.code == 1 and "disk full" in run.err and f"graph <{graph}> was left as it was" in run.err, run


def test_literals_with_unicode_line_breaks_survive_batches(oxigraph: Store, make_data) -> None:
    """N-Triples lines end at LF only: U+2028 and U+2029 inside a literal are not line ends."""
    entities = (
        (MINI / "entities.yaml")
        .read_text()
        .replace(
            "description: The Korean kingdom before 1910.", 'description: "The Korean\\u2028kingdom\\u2029before 1910."'
        )
    )
    data = make_data(entities=entities)
    graph = "https://example.org/test/line-breaks"
    run = run_cli(
        "push", "--update-endpoint", oxigraph.update, "--graph", graph, "--replace", "--batch-size", "7", data=data
    )
    assert run.code == 0, run
    assert_isomorphic(built_graph(data), remote_graph(oxigraph, graph))


def test_update_requests_split_only_at_line_feeds() -> None:
    from kgraph.remote import update_requests

    lines = [
        '<urn:a> <urn:p> "one\u2028two\u0085three\u001cfour\u001dfive\u001esix\u2029" .',
        '<urn:a> <urn:p> "seven" .',
    ]
    ntriples = ("\n".join(lines) + "\n").encode()
    requests = list(update_requests(ntriples, "https://example.org/g", True, "urn:kgraph:staging:x", batch=1))
    assert requests == [f"INSERT DATA {{ GRAPH <urn:kgraph:staging:x> {{\n{line}\n}} }}" for line in lines] + [
        "MOVE GRAPH <urn:kgraph:staging:x> TO GRAPH <https://example.org/g>"
    ]


@pytest.mark.parametrize(
    "query",
    ORDERED
    + [
        "ASK { kgr:russia kg:signed kgr:friendship-treaty }",
        "ASK { kgr:korea kg:signed kgr:friendship-treaty }",
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), 'Korea')) }",
    ],
)
def test_same_answers_locally_and_on_the_endpoint(mini_store: Store, query: str) -> None:
    assert_same_answers(query, mini_store.query, MINI)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml", "json"])
def test_remote_answers_render_like_local_ones(mini_store: Store, fmt: str) -> None:
    local = run_cli("query", ORDERED[0], "-f", fmt)
    remote = run_cli("query", ORDERED[0], "-f", fmt, "--endpoint", mini_store.query)
    assert remote.code == 0, remote
    assert remote.out == local.out


def test_table_and_construct_from_the_endpoint(mini_store: Store) -> None:
    table = run_cli("query", ORDERED[0], "--endpoint", mini_store.query)
    assert "kgr:friendship-treaty" in table.out and table.err == "2 row(s)\n"
    construct = "CONSTRUCT { ?s kg:signed ?o } WHERE { ?s kg:signed ?o }"
    local, remote = (
        run_cli("query", construct, "-f", "nt", *extra) for extra in ((), ("--endpoint", mini_store.query))
    )
    assert sorted(local.out.splitlines()) == sorted(remote.out.splitlines()) and len(remote.out) > 100


@pytest.mark.skipif(not BUNDLED_QUERIES, reason="no bundled data and named queries yet")
def test_named_queries_give_the_same_answers_on_the_endpoint(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    store = start_oxigraph(tmp_path_factory.mktemp("bundled-store"))
    try:
        run = push(store.graph_store, "--replace", data=DATA)
        assert int(run.out.split()[1]) > 1000
        for query in BUNDLED_QUERIES:
            assert_same_answers(str(query), store.query, DATA)
        # Facts the article states, answered by the store.
        treaties = run_cli("query", "treaties", "-f", "csv", "--endpoint", store.query, data=DATA).out
        assert "Soviet-North Korean Friendship Treaty (1961),1961,Soviet Union,signed" in treaties
        assert '(2000)",2000-02,Russia,signed' in treaties
        leaders = run_cli("query", "leaders", "-f", "csv", "--endpoint", store.query, data=DATA).out
        assert "Vladimir Putin,President of Russia,Russia" in leaders and "Kim Jong-il" in leaders
    finally:
        store.stop()


def test_long_queries_go_by_post(mini_store: Store) -> None:
    padding = "# " + "x" * 3000 + "\n"
    assert_same_answers(padding + ORDERED[0], mini_store.query, MINI)


# --- failure paths against the real server -------------------------------------------------------


def test_a_graph_name_that_is_not_an_iri_is_refused(oxigraph: Store) -> None:
    run = run_cli("push", "--endpoint", oxigraph.graph_store, "--graph", "korea")
    assert run.code == 1
    assert run.err == "error: graph name must be an absolute IRI such as https://example.org/graph, not 'korea'\n"


def test_an_empty_graph_answers_no_rows(oxigraph: Store) -> None:
    run = run_cli(
        "query",
        "SELECT ?s ?p ?o WHERE { GRAPH <https://example.org/test/never-pushed> { ?s ?p ?o } }",
        "--endpoint",
        oxigraph.query,
        "-f",
        "csv",
    )
    assert run.code == 0 and run.out_bytes == b"s,p,o\r\n"


def test_pushing_to_the_query_url_reports_the_servers_4xx(oxigraph: Store) -> None:
    run = run_cli("push", "--endpoint", oxigraph.query)
    assert run.code == 1
    assert run.err.startswith(f"error: {oxigraph.query} answered HTTP 415 Unsupported Media Type: ")
    assert "application/n-triples" in run.err and "Traceback" not in run.err


def test_a_wrong_path_is_a_404(oxigraph: Store) -> None:
    wrong = oxigraph.query.replace("/query", "/nothing")
    run = run_cli("query", ORDERED[0], "--endpoint", wrong)
    assert run.code == 1 and run.err.startswith(f"error: {wrong} answered HTTP 404 Not Found")


def test_an_html_page_is_not_a_sparql_answer(oxigraph: Store) -> None:
    home = oxigraph.query.replace("/query", "/")
    run = run_cli("query", ORDERED[0], "--endpoint", home)
    assert run.code == 1
    assert f"{home} answered with text/html, not SPARQL results (is this the query endpoint?)" in run.err


def test_a_stopped_server_is_reported(tmp_path: Path) -> None:
    store = start_oxigraph(tmp_path / "short-lived")
    assert run_cli("query", "ASK {}", "--endpoint", store.query).out == "yes\n"
    store.stop()
    for args in (("query", "ASK {}", "--endpoint", store.query), ("push", "--endpoint", store.graph_store)):
        run = run_cli(*args)
        assert run.code == 1
        assert "connection refused (is the server running?)" in run.err


# --- Virtuoso, where installed -------------------------------------------------------------------


def test_virtuoso_takes_the_graph_both_ways_and_answers_the_same(virtuoso: Store) -> None:  # noqa: F811
    graph = "https://example.org/test/virtuoso"
    update = run_cli("push", "--update-endpoint", virtuoso.update, "--graph", graph, "--replace", "--batch-size", "250")
    assert update.code == 0, update
    assert update.out == f"pushed {len(built_graph())} triples\n"
    assert_isomorphic(built_graph(), remote_graph(virtuoso, graph))
    gsp = run_cli("push", "--endpoint", virtuoso.graph_store, "--graph", graph + "/gsp", "--replace")
    assert gsp.code == 0, gsp
    assert_isomorphic(built_graph(), remote_graph(virtuoso, graph + "/gsp"))
    scoped = ORDERED[0].replace("WHERE", f"FROM <{graph}> WHERE")
    local = run_cli("query", ORDERED[0], "-f", "csv").out
    assert run_cli("query", scoped, "-f", "csv", "--endpoint", virtuoso.query).out == local


def test_virtuoso_blank_nodes_come_out_as_valid_labels(virtuoso: Store) -> None:  # noqa: F811
    """Virtuoso names blank nodes nodeID://b10000; CSV and TSV need labels a parser accepts."""
    import io
    import urllib.parse
    import urllib.request

    import pyoxigraph
    from rdflib.query import Result

    graph = "https://example.org/test/blank-nodes"
    # (INSERT ... WHERE {}: Virtuoso refuses blank nodes in INSERT DATA)
    update = (
        f"INSERT {{ GRAPH <{graph}> {{ _:a <http://example.org/p> _:b . _:b <http://example.org/p> _:a }} }} WHERE {{}}"
    )
    request = urllib.request.Request(
        virtuoso.update,
        data=urllib.parse.urlencode({"update": update}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    urllib.request.urlopen(request, timeout=30).read()
    query = f"SELECT ?x ?y ?again WHERE {{ GRAPH <{graph}> {{ ?x <http://example.org/p> ?y }} BIND(?x AS ?again) }}"
    raw = run_cli("query", query, "-f", "json", "--endpoint", virtuoso.query)
    assert raw.code == 0 and "nodeID://" in raw.out, raw  # what Virtuoso gives
    tsv = run_cli("query", query, "-f", "tsv", "--endpoint", virtuoso.query)
    assert tsv.code == 0 and "nodeID://" not in tsv.out, tsv
    for rows in (
        [{str(k): str(v) for k, v in row.asdict().items()} for row in Result.parse(io.StringIO(tsv.out), format="tsv")],
        [
            {"x": s["x"].value, "y": s["y"].value, "again": s["again"].value}
            for s in pyoxigraph.parse_query_results(tsv.out.encode(), format=pyoxigraph.QueryResultsFormat.TSV)
        ],
    ):
        assert len(rows) == 2
        assert all(r["x"] == r["again"] != r["y"] for r in rows)
        assert {rows[0]["x"], rows[0]["y"]} == {rows[1]["x"], rows[1]["y"]}  # the same two nodes
    csv_run = run_cli("query", query, "-f", "csv", "--endpoint", virtuoso.query)
    assert csv_run.code == 0 and "nodeID://" not in csv_run.out and csv_run.out.count("_:") == 6


@pytest.mark.skipif(not BUNDLED_QUERIES, reason="no bundled data and named queries yet")
def test_named_queries_run_unchanged_on_virtuoso(tmp_path: Path) -> None:
    """Virtuoso's default graph is the union of its graphs: push to a named graph, query without FROM."""
    store = start_virtuoso(tmp_path / "virtuoso")
    try:
        run = run_cli("push", "--update-endpoint", store.update, "--graph", "https://example.org/korea", data=DATA)
        assert run.code == 0, run
        for query in BUNDLED_QUERIES:
            # Rows in the same order: the named queries order strings by STR(), since Virtuoso
            # sorts stored strings by its own collation ("Economic integration of the..." before
            # "...of North Korea") and SPARQL 1.1 by code point, as rdflib and Oxigraph do.
            # Virtuoso loses the month of xsd:gYearMonth values (see the README's store table).
            assert_same_answers(str(query), store.query, DATA, lossy_year_months=True)
    finally:
        store.stop()


def test_virtuoso_digest_authentication(virtuoso: Store, monkeypatch, tmp_path: Path) -> None:  # noqa: F811
    """Virtuoso's /sparql-auth answers 401 with a Digest challenge; kgraph answers it (issue #11 item 12)."""
    for name in ("KGRAPH_ENDPOINT_USER", "KGRAPH_ENDPOINT_PASSWORD", "KGRAPH_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    auth = virtuoso.query.replace("/sparql", "/sparql-auth")
    anonymous = run_cli("query", "ASK {}", "--endpoint", auth)
    assert anonymous.code == 1 and "HTTP 401" in anonymous.err, anonymous
    monkeypatch.setenv("KGRAPH_ENDPOINT_USER", "dba")
    monkeypatch.setenv("KGRAPH_ENDPOINT_PASSWORD", "dba")
    graph = "https://example.org/test/digest"
    push = run_cli("push", "--update-endpoint", auth, "--graph", graph, "--replace", "--batch-size", "400")
    assert push.code == 0, push
    scoped = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    back = run_cli("query", scoped, "--endpoint", auth, "-f", "nt")
    assert back.code == 0, back
    assert_isomorphic(built_graph(), Graph().parse(data=back.out, format="nt"))
    monkeypatch.setenv("KGRAPH_ENDPOINT_PASSWORD", "wrong")
    wrong = run_cli("query", "ASK {}", "--endpoint", auth)
    assert wrong.code == 1 and "HTTP 401" in wrong.err and "wrong" not in wrong.err, wrong


def test_virtuoso_push_without_a_graph_says_what_to_add(virtuoso: Store) -> None:  # noqa: F811
    for target in (("--update-endpoint", virtuoso.update), ("--endpoint", virtuoso.graph_store)):
        run = run_cli("push", *target)
        assert run.code == 1 and "add --graph IRI" in run.err, run
