"""`kgraph push --endpoint GSP --update-endpoint URL`: the graph in Graph Store Protocol batches, put
in place with SPARQL Update and counted with SPARQL (issue #15, "Beyond one machine"), against a real
Virtuoso (what it is for: its SPARQL Update compiles each INSERT DATA, 20 times slower than its bulk
loader) and a real Oxigraph server (the same standards, another store)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from conftest import DATA, MINI, ROOT, assert_isomorphic, built_graph, integration, output_of, run_cli
from servers import (  # noqa: F401  (fixtures)
    Seen,
    Store,
    oxigraph,
    remote_graph,
    scripted,
    staging_graphs,
    start_virtuoso,
    virtuoso,
)

pytestmark = integration

#: A description with what a batch must carry unchanged: a line break, U+2028 (not a line end in
#: N-Triples), quotes, markup (Virtuoso refuses a body whose first 64 KB look like HTML), Hangul
#: and a character outside the Basic Multilingual Plane.
TRICKY = '"The Korean\\nkingdom\\u2028before 1910: \\"<html><body>Joseon</body></html>\\", 조선 \\U0001F1F0."'


def _urls(store: Store) -> list[str]:
    """The push arguments that send ``store`` batches: its GSP URL, its update URL and, where the
    update URL takes no queries (Oxigraph), its query URL for the count."""
    args = ["--endpoint", store.graph_store, "--update-endpoint", store.update]
    return args if store.update == store.query else [*args, "--query-endpoint", store.query]


@pytest.fixture(params=["virtuoso", "oxigraph"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def tricky_data(make_data: Callable[..., Path]) -> Path:
    entities = (MINI / "entities.yaml").read_text()
    assert "description: The Korean kingdom before 1910." in entities
    return make_data(
        entities=entities.replace("description: The Korean kingdom before 1910.", f"description: {TRICKY}")
    )


def test_the_store_holds_exactly_the_graph_fresh_replaced_and_added(store: Store, make_data) -> None:  # type: ignore[no-untyped-def]
    graph = f"https://example.org/test/batches-{store.graph_store.rsplit(':', 1)[1].split('/')[0]}"
    tricky = tricky_data(make_data)
    local = built_graph(tricky)
    assert "조선" in local.serialize(format="nt") and "<html>" in local.serialize(format="nt")
    # A graph that holds nothing: the batches go straight into it.
    fresh = run_cli("push", *_urls(store), "--graph", graph, "--replace", "--batch-size", "50", data=tricky)
    assert fresh.code == 0, fresh
    assert fresh.out == f"pushed {len(local)} triples\n"
    batches = -(-len(local) // 50)
    assert (
        f"replaced graph <{graph}> at {store.graph_store} in {batches} request(s), straight into it "
        f"(it held no triples); counted: it holds {len(local)} triples" in fresh.err
    ), fresh
    assert_isomorphic(local, remote_graph(store, graph))
    # A graph that holds triples: a staging graph, then MOVE; the old content goes.
    mini = built_graph(MINI)
    again = run_cli("push", *_urls(store), "--graph", graph, "--replace", "--batch-size", "40")
    assert again.code == 0, again
    assert f"in {-(-len(mini) // 40) + 1} request(s), through a staging graph, then MOVE; counted" in again.err
    assert_isomorphic(mini, remote_graph(store, graph))
    # Without --replace: a staging graph, then ADD.
    added = run_cli("push", *_urls(store), "--graph", graph, "--batch-size", "1000", data=tricky)
    assert added.code == 0, added
    requests = -(-len(local) // 1000) + 1
    assert (
        f"added to graph <{graph}> at {store.graph_store} in {requests} request(s), through a staging graph, then ADD\n"
        in (added.err)
    )
    assert_isomorphic(mini + local, remote_graph(store, graph))
    assert staging_graphs(store) == 0


def test_blank_nodes_keep_their_identity_across_batches(store: Store, tmp_path: Path) -> None:
    """A label holds within one document: lines that name blank nodes go together, last."""
    from kgraph.remote import push_batches

    text = (
        "<urn:x:a> <urn:x:p> _:one .\n"
        '<urn:x:a> <urn:x:label> "a" .\n'
        '_:one <urn:x:label> "one \\u003C _: two" .\n'
        "_:one <urn:x:next> _:two .\n"
        '<urn:x:b> <urn:x:label> "b" .\n'
        "_:two <urn:x:next> _:one .\n"
        '<urn:x:c> <urn:x:label> "c <html>" .\n'
    )
    source = tmp_path / "g.nt"
    source.write_text(text)
    graph = f"https://example.org/test/blank-{store.update.rsplit(':', 1)[1].split('/')[0]}"
    query = None if store.update == store.query else store.query
    with open(source, "rb") as ntriples:
        pushed = push_batches(store.graph_store, store.update, ntriples, graph, True, 1, 30, query)
    # Three lines without blank nodes, one request each, then the four that name one, together.
    assert (pushed.triples, pushed.requests, pushed.held, pushed.staged) == (7, 4, 7, False)
    assert_isomorphic(Graph().parse(data=text, format="nt"), remote_graph(store, graph))


def _proxy(scripted, store: Store, change: Callable[[int, bytes], bytes | None]):  # type: ignore[no-untyped-def]
    """A server in front of ``store``'s Graph Store Protocol URL: the n-th request's body goes on as
    ``change(n, body)`` returns it, or, for None, is answered 201 and dropped."""
    posts = []

    def answer(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        posts.append(seen)
        body = change(len(posts), seen.body)
        if body is None:
            return 201, {}, b""
        base = store.graph_store.rsplit("/", 1)[0]
        headers = {"Content-Type": seen.headers.get("Content-Type", "")}
        req = urllib.request.Request(base + seen.path, data=body, method=seen.method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as forwarded:
                return forwarded.status, {}, forwarded.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {}, exc.read()

    server = scripted(answer)
    return server.url + "/" + store.graph_store.rsplit("/", 1)[1], posts


#: A line no N-Triples parser takes.
BROKEN = b'<urn:x:a> <urn:x:p> "unterminated .\n'


def test_virtuoso_keeps_part_of_a_body_it_could_not_parse(virtuoso: Store) -> None:  # noqa: F811
    """Why a failed batch must be undone even though each is one request: Virtuoso's loader commits
    as it reads, so a body with a bad line after 3,000 good ones answers 500 and keeps the 3,000."""
    import urllib.parse

    from kgraph.remote import count_graph

    graph = "https://example.org/test/broken"
    url = virtuoso.graph_store + "?" + urllib.parse.urlencode({"graph": graph})
    body = b"".join(b'<urn:x:a> <urn:x:p> "fine %d" .\n' % n for n in range(3000)) + BROKEN
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(req, timeout=30)
    assert failed.value.code == 500 and b"SP029" in failed.value.read()
    assert count_graph(virtuoso.query, graph) == 3000


@pytest.mark.parametrize("held_before", [True, False], ids=["held-triples", "empty"])
def test_a_failed_batch_leaves_the_target_as_it_was(virtuoso: Store, scripted, make_data, held_before: bool) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The third batch reaches Virtuoso with a broken line at its end: Virtuoso stores the lines
    before it and answers 500; kgraph drops the staging graph, or clears the graph it filled."""
    graph = f"https://example.org/test/failed-{held_before}"
    if held_before:
        first = run_cli("push", *_urls(virtuoso), "--graph", graph, "--replace")
        assert first.code == 0, first
    gsp, posts = _proxy(scripted, virtuoso, lambda n, body: body + BROKEN if n == 3 else body)
    run = run_cli(
        "push",
        "--endpoint",
        gsp,
        "--update-endpoint",
        virtuoso.update,
        "--graph",
        graph,
        "--replace",
        "--batch-size",
        "30",
        data=tricky_data(make_data),
    )
    assert run.code == 1 and len(posts) == 3, run
    assert run.err.startswith(f"error: {gsp} answered HTTP 500 "), run
    assert "SP029: TURTLE RDF loader, line 31: End-of-line in a short double-quoted string" in run.err
    if held_before:
        assert "was left as it was (the batches went to a staging graph first, now dropped)" in run.err
        assert_isomorphic(built_graph(MINI), remote_graph(virtuoso, graph))
    else:
        assert f"graph <{graph}> held no triples before the push and was cleared again\n" in run.err
        assert len(remote_graph(virtuoso, graph)) == 0
    assert staging_graphs(virtuoso) == 0


def test_a_batch_the_store_acknowledges_but_drops_is_caught(virtuoso: Store, scripted) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A store that answers 201 to a batch and stores none of it: the count says so, and the push is undone."""
    graph = "https://example.org/test/dropped"
    gsp, posts = _proxy(scripted, virtuoso, lambda n, body: None if n == 2 else body)
    run = run_cli(
        "push", "--endpoint", gsp, "--update-endpoint", virtuoso.update, "--graph", graph, "--batch-size", "100"
    )
    assert run.code == 1, run
    triples = len(built_graph(MINI))
    assert f"acknowledged every batch, but the graph holds {triples - 100:,} triple(s), not the {triples:,} sent" in (
        run.err
    )
    assert f"graph <{graph}> held no triples before the push and was cleared again" in run.err
    assert len(remote_graph(virtuoso, graph)) == 0 and len(posts) == -(-triples // 100)


def test_options_that_do_not_go_together() -> None:
    for args, message in (
        (("--query-endpoint", "http://127.0.0.1:1/q"), "or both (batches, for large graphs into Virtuoso)"),
        (
            ("--update-endpoint", "http://127.0.0.1:1/u", "--query-endpoint", "http://127.0.0.1:1/q"),
            "counts a push through --endpoint: give --endpoint too",
        ),
        (
            ("--endpoint", "http://127.0.0.1:1/s", "--batch-size", "10"),
            "a single Graph Store Protocol request is not cut in batches: give --update-endpoint too",
        ),
    ):
        run = run_cli("push", *args)
        assert run.code == 2 and message in " ".join(run.err.split()), run


@pytest.mark.skipif(not (DATA / "relations.yaml").exists(), reason="no bundled data")
def test_the_readme_virtuoso_example(tmp_path: Path) -> None:
    """The README's Virtuoso session, command by command, against a Virtuoso started as it says."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("Virtuoso as the tests run it") :]
    block = block[block.index("```\n") + 4 :]
    block = block[: block.index("```")]
    store = start_virtuoso(tmp_path / "virtuoso")
    try:
        base = store.query.rsplit("/", 1)[0]
        ran = 0
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, expected = part.partition("\n")
            if not command.startswith("kgraph "):
                continue  # the server's own set-up, which start_virtuoso does the same way
            command, expected = (text.replace("http://127.0.0.1:8890", base) for text in (command, expected))
            assert sorted(output_of(command, DATA)) == sorted(expected.rstrip("\n").splitlines()), command
            ran += 1
        assert ran == 4
    finally:
        store.stop()


def test_virtuoso_without_a_graph_says_what_to_add(virtuoso: Store) -> None:  # noqa: F811
    """Virtuoso has no writable default graph (its default graph is the union of all): the MOVE or
    ADD into it fails with SP031; the staging graph goes, and the fix is said."""
    run = run_cli("push", *_urls(virtuoso))
    assert run.code == 1, run
    assert "SP031" in run.err and "the default graph was left as it was" in run.err, run
    assert run.err.rstrip().endswith("add --graph IRI, e.g. --graph https://example.org/graph"), run
    assert staging_graphs(virtuoso) == 0


def _isql(store: Store, command: str) -> None:
    """Run ``command`` as dba in the test Virtuoso (its SQL port from the ini in its folder)."""
    import re
    import shutil
    import subprocess

    ini = (store.log.parent / "virtuoso.ini").read_text()
    port = re.search(r"(?m)^ServerPort\s*=\s*(127\.0\.0\.1:\d+)", ini)
    assert port is not None
    isql = shutil.which("isql-vt") or "isql-vt"
    subprocess.run([isql, port[1], "dba", "dba", f"exec={command}"], check=True, capture_output=True, timeout=60)


def test_virtuoso_refusing_a_move_too_large_leaves_the_graph_and_says_why(virtuoso: Store) -> None:  # noqa: F811
    """Measured at 2.9 million triples: Virtuoso aborts the MOVE of the staging graph (SR325, its
    transaction log limit). Here the limit is lowered so that the bundled mini graph hits it."""
    graph = "https://example.org/test/too-large"
    first = run_cli("push", *_urls(virtuoso), "--graph", graph, "--replace")
    assert first.code == 0, first
    _isql(virtuoso, "__dbf_set('txn_after_image_limit', 20000);")
    try:
        run = run_cli("push", *_urls(virtuoso), "--graph", graph, "--replace", "--batch-size", "500")
    finally:
        _isql(virtuoso, "__dbf_set('txn_after_image_limit', 50000000);")
    assert run.code == 1, run
    assert "SR325" in run.err and f"graph <{graph}> was left as it was" in run.err, run
    assert "push into an empty graph instead" in run.err and "__dbf_set('txn_after_image_limit'" in run.err
    assert_isomorphic(built_graph(MINI), remote_graph(virtuoso, graph))
    assert staging_graphs(virtuoso) == 0


def test_a_move_that_outlasts_the_timeout_is_not_undone(virtuoso: Store, scripted) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The store may still be moving the staging graph when --timeout runs out: dropping it then could
    leave the target half moved, so the push says so and leaves both graphs for the user to check."""
    import time
    import urllib.parse

    graph = "https://example.org/test/slow-move"
    first = run_cli("push", *_urls(virtuoso), "--graph", graph, "--replace")
    assert first.code == 0, first

    def slow_moves(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if b"MOVE" in seen.body:
            time.sleep(8)  # past the push's --timeout, and never applied
            return 200, {}, b""
        forward = {name: seen.headers[name] for name in ("Content-Type", "Accept") if name in seen.headers}
        base = virtuoso.update.rsplit("/", 1)[0]  # the count's GET too: same path and query string
        req = urllib.request.Request(base + seen.path, data=seen.body or None, method=seen.method, headers=forward)
        with urllib.request.urlopen(req, timeout=60) as forwarded:
            return forwarded.status, {"Content-Type": forwarded.headers["Content-Type"]}, forwarded.read()

    proxy = scripted(slow_moves)
    run = run_cli(
        "push", "--endpoint", virtuoso.graph_store, "--update-endpoint", proxy.url + "/sparql",
        "--graph", graph, "--replace", "--timeout", "5",
    )  # fmt: skip
    assert run.code == 1, run
    assert "gave no answer within 5 s (--timeout)" in run.err
    assert "the store may still be putting the staging graph <urn:kgraph:staging:" in run.err
    assert "was left as it was" not in run.err
    assert staging_graphs(virtuoso) == 1  # not dropped
    staging = run.err.split("staging graph <", 1)[1].split(">", 1)[0]
    drop = urllib.parse.urlencode({"update": f"DROP SILENT GRAPH <{staging}>"}).encode()
    urllib.request.urlopen(urllib.request.Request(virtuoso.update, data=drop), timeout=60).read()
    assert staging_graphs(virtuoso) == 0
    assert_isomorphic(built_graph(MINI), remote_graph(virtuoso, graph))
