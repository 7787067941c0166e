"""Commands for triple stores: push the graph to one, serve it as one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import typer

from kgraph.cli.context import check_timeout, project, say

TIMEOUT_HELP = "Seconds to wait for the server before giving up."


def push(
    ctx: typer.Context,
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        metavar="URL",
        help="Graph Store Protocol URL (Oxigraph: http://HOST:7878/store; "
        "Virtuoso: http://HOST:8890/sparql-graph-crud; Fuseki: http://HOST:3030/DS/data). "
        "With --update-endpoint too, the graph goes in batches.",
    ),
    update_endpoint: str | None = typer.Option(
        None,
        "--update-endpoint",
        metavar="URL",
        help="SPARQL Update URL. Alone: sends INSERT DATA in batches, for stores without the Graph Store Protocol. "
        "With --endpoint: puts the batches in place (MOVE or ADD) and counts them.",
    ),
    query_endpoint: str | None = typer.Option(
        None,
        "--query-endpoint",
        metavar="URL",
        help="SPARQL query URL where --endpoint pushes are counted (SELECT COUNT) "
        "[default: the --update-endpoint URL; without it, a GET of the graph].",
    ),
    graph: str | None = typer.Option(
        None, "--graph", metavar="IRI", help="Named graph to write [default: the default graph]."
    ),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Replace the graph's content instead of adding to it; the graph is then counted in the store.",
    ),
    batch: int | None = typer.Option(
        None,
        "--batch-size",
        min=1,
        metavar="N",
        help="Triples per request: INSERT DATA with --update-endpoint alone [1000], "
        "Graph Store Protocol POST with both endpoints [50000].",
    ),
    timeout: float = typer.Option(60.0, "--timeout", min=0.1, metavar="SECONDS", help=TIMEOUT_HELP),
) -> None:
    """Upload the compiled graph to a SPARQL store and report how many triples were sent.

    Credentials come from KGRAPH_ENDPOINT_USER and KGRAPH_ENDPOINT_PASSWORD (or KGRAPH_ENDPOINT_TOKEN)
    or from ~/.netrc, never from the command line. Examples:

      kgraph push --endpoint http://127.0.0.1:7878/store --graph https://example.org/korea --replace

      kgraph push --endpoint http://127.0.0.1:8890/sparql-graph-crud --update-endpoint http://127.0.0.1:8890/sparql
      --graph https://example.org/korea --replace

      kgraph push --update-endpoint http://127.0.0.1:3030/ds/update --graph https://example.org/korea
    """
    import tempfile

    from kgraph import remote
    from kgraph.export.rdf import write_ntriples

    if endpoint is None and update_endpoint is None:
        raise typer.BadParameter(
            "give --endpoint (Graph Store Protocol), --update-endpoint (SPARQL Update) or both (batches, "
            "for large graphs into Virtuoso)",
            param_hint="--endpoint",
        )
    if query_endpoint is not None and endpoint is None:
        raise typer.BadParameter("counts a push through --endpoint: give --endpoint too", param_hint="--query-endpoint")
    if batch is not None and update_endpoint is None:
        raise typer.BadParameter(
            "a single Graph Store Protocol request is not cut in batches: give --update-endpoint too",
            param_hint="--batch-size",
        )
    check_timeout(timeout)
    where = f"graph <{graph}>" if graph else "the default graph"
    # The graph goes through a temporary file, streamed from there: memory stays bounded
    # whatever the graph's size.
    with tempfile.TemporaryFile(prefix="kgraph-push-", suffix=".nt") as data:
        write_ntriples(project(ctx), data)
        count = remote.count_triples(data)
        data.seek(0)
        target = _Target(endpoint, update_endpoint, query_endpoint, graph, where)
        _send(data, target, replace, batch, timeout)
    typer.echo(f"pushed {count} triples")


@dataclass(frozen=True)
class _Target:
    """Where a push goes: the store's URLs and the graph."""

    endpoint: str | None
    update_endpoint: str | None
    query_endpoint: str | None
    graph: str | None
    where: str


def _send(data: IO[bytes], to: _Target, replace: bool, batch: int | None, timeout: float) -> None:
    from kgraph import remote

    done = "replaced" if replace else "added to"
    if to.endpoint is not None and to.update_endpoint is not None:
        pushed = remote.push_batches(
            to.endpoint,
            to.update_endpoint,
            data,
            to.graph,
            replace,
            batch or remote.DEFAULT_GSP_BATCH,
            timeout,
            to.query_endpoint,
        )
        how = (
            "through a staging graph, then " + ("MOVE" if replace else "ADD")
            if pushed.staged
            else "straight into it (it held no triples)"
        )
        say(
            f"{done} {to.where} at {to.endpoint} in {pushed.requests} request(s), {how}"
            + (f"; counted: it holds {pushed.held} triples" if pushed.held is not None else "")
        )
    elif to.endpoint is not None:
        held = remote.push_graph_store(to.endpoint, data, to.graph, replace, timeout, to.query_endpoint)
        say(
            f"{done} {to.where} at {to.endpoint}"
            + (f"; read back: it holds {held} triples" if held is not None else "")
        )
    else:
        assert to.update_endpoint is not None
        requests = remote.push_update(
            to.update_endpoint, data, to.graph, replace, batch or remote.DEFAULT_BATCH, timeout
        )
        say(f"{done} {to.where} at {to.update_endpoint} in {requests} update request(s)")


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(7878, "--port", min=1, max=65535, help="Port to listen on."),
    cors: bool = typer.Option(False, "--cors", help="Let web pages from other origins (a hosted YASGUI) query it."),
    timeout: float | None = typer.Option(
        None, "--timeout", min=1, metavar="SECONDS", help="Stop queries that run longer than this."
    ),
    allow_host: list[str] = typer.Option(
        [],
        "--allow-host",
        metavar="NAME",
        help="Also answer requests addressed to this host name or address (repeatable); "
        "requests naming any other Host get 403.",
    ),
) -> None:
    """Serve the compiled graph as a read-only SPARQL 1.1 endpoint until Ctrl-C.

    Runs Oxigraph's server (pip install 'kgraph[server]'). Query it with
    kgraph query --endpoint http://127.0.0.1:7878/query, with YASGUI, or open
    http://127.0.0.1:7878/ in a browser. Requests whose Host header is not the server's
    own address are refused (a web page cannot reach it by DNS rebinding).
    """
    from kgraph.errors import ServerError
    from kgraph.export.rdf import ntriples
    from kgraph.serve import Running, oxigraph_binary
    from kgraph.serve import serve as run_server

    if not host.strip() or any(c.isspace() for c in host):
        # Oxigraph would panic on the address (a Rust backtrace): say what to give instead.
        raise typer.BadParameter("give an address to listen on, such as 127.0.0.1 or ::1", param_hint="--host")
    if any(not name.strip() or any(c.isspace() or c in "/@" for c in name.strip()) for name in allow_host):
        raise typer.BadParameter("give a host name or address, such as kg.example.org", param_hint="--allow-host")
    check_timeout(timeout)
    oxigraph_binary()  # say how to install it before compiling anything
    data = ntriples(project(ctx))
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"warning: listening on {host} lets other machines read the graph")
        if host in ("0.0.0.0", "::") and not allow_host:
            say("warning: give --allow-host with the name other machines use, or only loopback requests are answered")

    triples = data.count(b"\n")

    def ready(server: Running) -> None:
        say(f"serving {triples} triples read-only at {server.url} (Ctrl-C stops)")

    code = run_server(data, host, port, cors, timeout, ready, tuple(name.strip() for name in allow_host))
    if code:
        raise ServerError(f"the oxigraph server stopped by itself (exit {code})")
    say("stopped")


def register(app: typer.Typer) -> None:
    app.command()(push)
    app.command()(serve)
