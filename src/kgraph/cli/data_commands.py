"""Commands about the data itself: validate, build, stats, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from kgraph.cli.context import TIME_OPTION_HELP, output, pick_format, project, say, timed
from kgraph.cli.options import FORMAT, OUTPUT, row_format
from kgraph.formats import EXPORT, GRAPH, help_text

if TYPE_CHECKING:
    from kgraph.formats import Format
    from kgraph.project import Project


def validate(
    ctx: typer.Context,
    shacl: bool = typer.Option(
        False, "--shacl", help="Also check the compiled graph against kgraph's SHACL shapes (pySHACL)."
    ),
    shapes: list[str] | None = typer.Option(
        None, "--shapes", metavar="FILE", help="More SHACL shapes to check (repeatable; implies --shacl)."
    ),
) -> None:
    """Check the entity and relation files: fields, ids, references, types, dates and quotes.

    Every problem is listed as FILE:LINE:COL: error: MESSAGE. Exit 1 when there is any error.
    When a source text changed since the last build, every quote it moved, now holds at several
    places, or lost is reported with its old and new place (SOURCE:LINE:COL -> LINE:COL).
    With --shacl the compiled graph is checked against the SHACL shapes too, and each violation is
    reported at the YAML record its node comes from.
    """
    proj = project(ctx)
    dataset = proj.dataset()
    for warning in dataset.warnings:
        say(str(warning))
    quotes = len(dataset.relations)
    summary = (
        f"ok: {len(dataset.entities)} entities, {len(dataset.relations)} relations, "
        f"{quotes} quotes found in their sources"
    )
    if shacl or shapes:
        from kgraph.errors import DataError
        from kgraph.shapes import validate

        problems = validate(proj, shapes)
        if any(p.severity == "error" for p in problems):
            raise DataError(problems)
        for problem in problems:
            say(str(problem))
        summary += "; the graph conforms to the SHACL shapes"
    typer.echo(summary)


def build(
    ctx: typer.Context,
    out: str | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Also write the graph here (format from the suffix)."
    ),
    time: bool = typer.Option(False, "--time", help=TIME_OPTION_HELP),
) -> None:
    """Validate the data and compile it into the RDF graph; report its size.

    The compiled graph is kept in .kgraph-cache/ beside the data folder (or $KGRAPH_CACHE),
    so later commands skip the YAML until a data file changes. The build also records where each
    quote stands in its source; validate compares with that record after a source changes.
    """
    from kgraph.export import write
    from kgraph.formats import get

    proj = project(ctx)
    with timed(time):
        fmt = get(pick_format(None, out, EXPORT), EXPORT) if out else None
        dataset = proj.dataset()
        triples = proj.build()
        if out and fmt:
            with output(out, binary=True, keep_out=proj.data_dir) as handle:
                write(proj, handle, fmt)
        for moved in dataset.moved:  # said once, then accepted: the record below takes the new places
            say(str(moved))
        proj.record_anchors()
    typer.echo(
        f"built {triples} triples from {len(dataset.entities)} entities and "
        f"{len(dataset.relations)} relations" + (f"; wrote {out}" if out else "")
    )


def stats(
    ctx: typer.Context,
    fmt: str | None = FORMAT,
    out: str | None = OUTPUT,
) -> None:
    """Count entities by class and relations by predicate.

    JSON, CSV and TSV give one row per class (section 'class') and per predicate (section
    'predicate'): name and count; the table adds the totals.
    """
    from kgraph.cli import render
    from kgraph.stats import count_rows

    fmt = row_format(fmt, out)
    proj = project(ctx)
    render.emit(count_rows(proj.dataset()), fmt, out, keep_out=proj.data_dir)


def export(
    ctx: typer.Context,
    fmt: str | None = typer.Option(None, "--format", "-f", help=f"{help_text(EXPORT)} [default: from -o's suffix]."),
    out: str | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="Write here (atomically) instead of stdout; csv: BASE of two files.",
    ),
    ontology: bool = typer.Option(False, "--ontology", help="Export the ontology (classes, properties) only."),
    shapes: bool = typer.Option(False, "--shapes", help="Export the SHACL shapes of the data model only."),
) -> None:
    """Export the graph: RDF (turtle, nt, jsonld, xml, nq, trig), GraphML, GEXF, CSV or an event table.

    csv writes BASE.nodes.csv and BASE.edges.csv; events writes one row per dated relation
    (date, source actor, action, target actor, quote, source); gexf dates relations as spells
    for Gephi's timeline; annotations writes W3C Web Annotation JSON-LD, one annotation per
    statement with selectors into its source text (kg.annotations.jsonld). Examples:
    kgraph export -o kg.ttl; kgraph export --format nt | sort; kgraph export --format csv -o kg;
    kgraph export --ontology -o kgraph.ttl
    """
    from kgraph.export import write, write_parts
    from kgraph.formats import get

    proj = project(ctx)
    chosen = get(pick_format(fmt, out, EXPORT), EXPORT)
    if ontology or shapes:
        _export_model(proj, chosen, out, shapes)
        return
    if chosen.parts:
        written = write_parts(proj, out, chosen)
        say(f"wrote {', '.join(written)} ({chosen.description})")
        return
    proj.entity_graph()  # validate (or find the cache) before opening the output, so a failure leaves no file
    with output(out, binary=True, keep_out=proj.data_dir) as handle:
        write(proj, handle, chosen)
    if out and out != "-":
        say(f"wrote {out} ({chosen.description})")


def _export_model(proj: Project, fmt: Format, out: str | None, shapes: bool) -> None:
    """The ontology or the SHACL shapes of the project's vocabulary (core without a data folder)."""
    from rdflib import Graph

    from kgraph.compile import add_ontology

    if fmt.consumes != GRAPH:
        raise typer.BadParameter(
            f"the {'shapes' if shapes else 'ontology'} is RDF: use {help_text((GRAPH,))}", param_hint="--format"
        )
    if shapes:
        from kgraph.shapes import shapes_graph

        graph = shapes_graph(proj.vocabulary())
    else:
        graph = Graph()
        for prefix, ns in proj.prefixes.items():
            graph.bind(prefix, ns, override=True)
        add_ontology(graph, proj.vocabulary())
    with output(out, binary=True, keep_out=proj.data_dir) as handle:
        fmt.write()(graph, handle, proj.prefixes)
    if out and out != "-":
        say(f"wrote {out} ({len(graph)} triples)")


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(build)
    app.command()(stats)
    app.command()(export)
