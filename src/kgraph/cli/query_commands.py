"""SPARQL: run a query, list the named ones."""

from __future__ import annotations

import typer

from kgraph.cli.context import TIME_OPTION_HELP, check_timeout, output, pick_format, project, say, timed
from kgraph.cli.fastquery import QUERY_OPTIONS
from kgraph.cli.options import FORMAT, OUTPUT, row_format
from kgraph.formats import GRAPH, RESULTS, help_text

#: SELECT and ASK print a table on a terminal; CONSTRUCT and DESCRIBE print Turtle.
TABLE = ("table",)


def query(
    ctx: typer.Context,
    sparql: str = typer.Argument(
        ..., metavar="QUERY", help="SPARQL text, a .rq file, a named query from queries/, or - for stdin."
    ),
    fmt: str | None = typer.Option(
        None,
        *QUERY_OPTIONS["fmt"],
        help=f"SELECT/ASK: table, {help_text((RESULTS,))} (W3C formats). "
        f"CONSTRUCT/DESCRIBE: {help_text((GRAPH,))}. "
        "Default: from -o's suffix, else a table.",
    ),
    out: str | None = typer.Option(None, *QUERY_OPTIONS["out"], metavar="FILE", help="Write results here."),
    allow_network: bool = typer.Option(False, "--allow-network", help="Let SERVICE and FROM <url> reach the network."),
    timeout: float | None = typer.Option(
        None,
        "--timeout",
        metavar="SECONDS",
        help="Give up (exit 1) if the answer is not delivered within this many seconds [with --endpoint: 60].",
    ),
    endpoint: str | None = typer.Option(
        None, "--endpoint", metavar="URL", help="Run the query on this SPARQL endpoint instead of the local graph."
    ),
    time: bool = typer.Option(False, "--time", help=TIME_OPTION_HELP),
    param: list[str] | None = typer.Option(
        None,
        *QUERY_OPTIONS["params"],
        metavar="NAME=VALUE",
        help="Bind ?NAME (repeatable). Entities by id, label or alias; `kgraph queries` lists each query's parameters.",
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        metavar="DATE",
        help="Read the names given to --param as at this date (a name held "
        "for a period, such as Moscow 1922/1991, means what it meant then).",
    ),
) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the graph.

    The prefixes kg:, kgr:, rdf:, rdfs:, xsd:, owl:, skos:, prov:, schema:, foaf: and dcterms:
    are predeclared. Examples:

      kgraph query treaties

      kgraph query "SELECT ?s WHERE { ?s a kg:Treaty }" --format csv

      kgraph query relations-of --param actor="Soviet Union"

      kgraph query relations-of --param actor=Moscow --at 1969

      kgraph query treaties --endpoint http://127.0.0.1:7878/query
    """
    pick_format(fmt, out, (RESULTS, GRAPH), "table", TABLE)  # a wrong choice fails before any work
    with timed(time):
        _query(ctx, sparql, fmt, out, allow_network, timeout, endpoint, param or [], at)


def _query(
    ctx: typer.Context,
    sparql: str,
    fmt: str | None,
    out: str | None,
    allow_network: bool,
    timeout: float | None,
    endpoint: str | None,
    params: list[str],
    at: str | None = None,
) -> None:
    from kgraph.cli.options import date_window
    from kgraph.errors import KgraphError
    from kgraph.params import parse_assignments
    from kgraph.query import PreparedQuery

    check_timeout(timeout)
    proj = project(ctx)
    try:
        values = parse_assignments(params)
    except KgraphError as exc:
        raise typer.BadParameter(str(exc), param_hint="--param") from None
    prepared = PreparedQuery.from_argument(sparql, proj.query_folder, values, date_window(at, "--at"))
    result = proj.run(
        prepared,
        timeout=timeout,
        allow_network=allow_network,
        endpoint=endpoint,
        warn=lambda warning: say(f"warning: {warning}"),
    )
    prefixes = proj.prefixes
    from kgraph.formats import FormatError, choose, get

    graph = result.kind in ("CONSTRUCT", "DESCRIBE")
    kinds = (GRAPH,) if graph else (RESULTS,)
    try:  # the answer's kind decides between the two readings of a name or suffix (xml, .json)
        fmt = choose(
            None if graph and fmt == "table" else fmt,
            out,
            kinds,
            "turtle" if graph else "table",
            () if graph else TABLE,
        )
    except FormatError as exc:
        raise typer.BadParameter(
            f"{result.kind} gives {'a graph' if graph else 'rows'}: {exc}", param_hint=exc.option
        ) from None
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
    fmt: str | None = FORMAT,
    out: str | None = OUTPUT,
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
