"""Commands about the data itself: validate, build, stats, export."""

from __future__ import annotations

from collections import Counter
from typing import Optional

import typer

from kgraph.cli.context import TIME_OPTION_HELP, output, project, say, timed


def validate(ctx: typer.Context) -> None:
    """Check entities.yaml and relations.yaml: fields, ids, references, types, dates and quotes.

    Every problem is listed as FILE:LINE:COL: error: MESSAGE. Exit 1 when there is any error.
    """
    dataset = project(ctx).dataset()
    for warning in dataset.warnings:
        say(str(warning))
    quotes = len(dataset.relations)
    typer.echo(f"ok: {len(dataset.entities)} entities, {len(dataset.relations)} relations, "
               f"{quotes} quotes found in their sources")


def build(
    ctx: typer.Context,
    out: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="Also write the graph here (format from the suffix)."),
    time: bool = typer.Option(False, "--time", help=TIME_OPTION_HELP),
) -> None:
    """Validate the data and compile it into the RDF graph; report its size.

    The compiled graph is kept in .kgraph-cache/ beside the data folder (or $KGRAPH_CACHE),
    so later commands skip the YAML until a data file changes.
    """
    from kgraph.export import format_for, write

    proj = project(ctx)
    with timed(time):
        fmt = format_for(out, None) if out else None
        dataset = proj.dataset()
        triples = proj.triple_count("build")
        if out and fmt:
            with output(out, binary=True) as handle:
                write(proj, handle, fmt)
    typer.echo(f"built {triples} triples from {len(dataset.entities)} entities and "
               f"{len(dataset.relations)} relations" + (f"; wrote {out}" if out else ""))


def stats(ctx: typer.Context) -> None:
    """Count entities by class and relations by predicate."""
    from kgraph.cli import render

    dataset = project(ctx).dataset()
    render.counts_table("class", dict(Counter(e.type for e in dataset.entities.values())))
    render.counts_table("predicate", dict(Counter(r.predicate for r in dataset.relations)))


def export(
    ctx: typer.Context,
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="turtle, nt, jsonld, xml or graphml [default: from -o's suffix]."),
    out: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="Write here (atomically) instead of stdout."),
) -> None:
    """Export the graph: RDF (turtle, nt, jsonld, xml) or GraphML for Gephi, yEd and Cytoscape.

    Examples: kgraph export -o kg.ttl; kgraph export --format nt | sort
    """
    from kgraph.export import format_for, write

    proj = project(ctx)
    chosen = format_for(out, fmt)
    proj.entity_rows()  # validate (or find the cache) before opening the output, so a failure leaves no file
    with output(out, binary=True) as handle:
        write(proj, handle, chosen)
    if out and out != "-":
        say(f"wrote {out} ({chosen.description})")


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(build)
    app.command()(stats)
    app.command()(export)
