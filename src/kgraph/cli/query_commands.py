"""SPARQL: run a query, list the named ones."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator, List, Optional

import typer

from kgraph.cli.context import TIME_OPTION_HELP, check_timeout, output, pick_format, project, say, timed
from kgraph.cli.options import FORMAT, OUTPUT, row_format
from kgraph.formats import GRAPH, RESULTS, help_text

#: SELECT and ASK print a table on a terminal; CONSTRUCT and DESCRIBE print Turtle.
TABLE = ("table",)


def query(
    ctx: typer.Context,
    sparql: str = typer.Argument(..., metavar="QUERY",
                                 help="SPARQL text, a .rq file, a named query from queries/, or - for stdin."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help=f"SELECT/ASK: table, {help_text((RESULTS,))} (W3C formats). "
                                           f"CONSTRUCT/DESCRIBE: {help_text((GRAPH,))}. "
                                           "Default: from -o's suffix, else a table."),
    out: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write results here."),
    allow_network: bool = typer.Option(False, "--allow-network",
                                       help="Let SERVICE and FROM <url> reach the network."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS",
                                            help="Give up (exit 1) if the answer is not delivered "
                                                 "within this many seconds [with --endpoint: 60]."),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", metavar="URL",
                                           help="Run the query on this SPARQL endpoint instead of the local graph."),
    time: bool = typer.Option(False, "--time", help=TIME_OPTION_HELP),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE",
                                              help="Bind ?NAME (repeatable). Entities by id, label or "
                                                   "alias; `kgraph queries` lists each query's parameters."),
) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the graph.

    The prefixes kg:, kgr:, rdf:, rdfs:, xsd:, owl:, skos:, prov:, schema:, foaf: and dcterms:
    are predeclared. Examples:

      kgraph query treaties

      kgraph query "SELECT ?s WHERE { ?s a kg:Treaty }" --format csv

      kgraph query relations-of --param actor="Soviet Union"

      kgraph query treaties --endpoint http://127.0.0.1:7878/query
    """
    pick_format(fmt, out, (RESULTS, GRAPH), "table", TABLE)  # a wrong choice fails before any work
    with timed(time), _not_echoed(sparql):
        _query(ctx, sparql, fmt, out, allow_network, timeout, endpoint, param or [])


@contextlib.contextmanager
def _not_echoed(sparql: str) -> Iterator[None]:
    """A file that is not a query file (``kgraph query /etc/shadow``) may hold secrets: its
    syntax errors say where, never what the parser found there."""
    from kgraph.errors import QueryError
    from kgraph.query import QUERY_SUFFIXES

    try:
        yield
    except QueryError as exc:
        if exc.line is None or sparql.endswith(QUERY_SUFFIXES) or not os.path.isfile(sparql):
            raise
        raise exc.in_file(sparql, "not a SPARQL query (its text is not shown: "
                                  "query files end in .rq or .sparql)") from None


def _query(ctx: typer.Context, sparql: str, fmt: Optional[str], out: Optional[str], allow_network: bool,
           timeout: Optional[float], endpoint: Optional[str], params: List[str]) -> None:
    from kgraph import query as q

    check_timeout(timeout)
    proj = project(ctx)
    prefixes = proj.prefixes
    text, _origin = q.resolve_query(sparql, proj.query_folder)
    from kgraph.errors import KgraphError
    from kgraph.params import bind, parse_assignments
    from kgraph.vocab import entity_iri

    try:
        values = parse_assignments(params)
    except KgraphError as exc:
        raise typer.BadParameter(str(exc), param_hint="--param") from None
    text = bind(text, values, lambda name: entity_iri(proj.base, proj.entity_graph().resolve(name).id))
    from kgraph.errors import ensure_utf8

    ensure_utf8(text)  # argv bytes that were not UTF-8, named before any engine sees them
    for warning in q.vocabulary_warnings(text, proj.vocabulary, prefixes):
        say(f"warning: {warning}")
    if endpoint is not None:
        from kgraph import remote

        # Syntax errors with line and column, and updates refused, before any request.
        kind = q.prepare(text, True, prefixes).algebra.name
        result = remote.query(endpoint, remote.with_prefixes(text, prefixes),
                              remote.DEFAULT_TIMEOUT if timeout is None else timeout,
                              graph=kind in ("ConstructQuery", "DescribeQuery"))
    else:
        from kgraph.engine import check_with

        check_with(proj.engine, text, allow_network, prefixes)  # report query errors before building the graph
        result = proj.store("query").query(text, allow_network, prefixes, timeout)
    from kgraph.formats import FormatError, choose, get

    graph = result.kind in ("CONSTRUCT", "DESCRIBE")
    kinds = (GRAPH,) if graph else (RESULTS,)
    try:  # the answer's kind decides between the two readings of a name or suffix (xml, .json)
        fmt = choose(None if graph and fmt == "table" else fmt, out, kinds,
                     "turtle" if graph else "table", () if graph else TABLE)
    except FormatError as exc:
        raise typer.BadParameter(f"{result.kind} gives {'a graph' if graph else 'rows'}: {exc}",
                                 param_hint=exc.option) from None
    if graph:
        with output(out, binary=True, keep_out=proj.data_dir) as handle:
            get(fmt, kinds).write()(result.graph, handle, prefixes)
        return
    if fmt == "table":
        from kgraph.cli import render

        if result.kind == "ASK":
            typer.echo("yes" if result.boolean else "no")
            return
        count = render.result_table(result, prefixes)
        say(f"{count} row(s)")
        return
    with output(out, keep_out=proj.data_dir) as handle:
        get(fmt, kinds).write()(result, handle)


def queries(
    ctx: typer.Context,
    fmt: Optional[str] = FORMAT,
    out: Optional[str] = OUTPUT,
) -> None:
    """List the named queries in queries/ with the question each one answers.

    JSON, CSV and TSV give each query's name, description, parameters and file.
    """
    from kgraph.query import named_queries, named_query_rows

    fmt = row_format(fmt, out)
    proj = project(ctx)
    folder = proj.query_folder
    found = named_queries(folder)
    if not found:
        say(f"no named queries in {folder}")
    if fmt != "table":
        from kgraph.cli import render

        render.emit(named_query_rows(found), fmt, out, keep_out=proj.data_dir)
        return
    width = max((len(q.name) for q in found), default=0)
    for named in found:
        typer.echo(f"{named.name:<{width}}  {named.description}")
        for parameter in named.parameters:
            option = f"--param {parameter.name}={parameter.kind.upper()}"
            if parameter.optional:
                option = f"[{option}]"
            typer.echo(f"{'':<{width}}    {option}  {parameter.description}".rstrip())


def register(app: typer.Typer) -> None:
    app.command()(query)
    app.command()(queries)
