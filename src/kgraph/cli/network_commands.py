"""Commands about the network's shape: neighbors, timeline, rank, draw."""

from __future__ import annotations

import json
import os
from typing import Optional, Tuple

import typer

from kgraph.cli.context import output, project, say
from kgraph.cli.options import (AT, DEPTH, FROM, MAX_PATHS, TO, UNDATED, build_filter, choice,
                                complete_entity, complete_types)

DRAW_SUFFIXES = {".svg": "svg", ".png": "png", ".html": "html", ".htm": "html", ".dot": "dot",
                 ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid"}


def neighbors(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Entity id, label or alias.", autocompletion=complete_entity),
    depth: int = DEPTH,
    at: Optional[str] = AT,
    start: Optional[str] = FROM,
    end: Optional[str] = TO,
    undated: str = UNDATED,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """The ego network: who is within --depth relations of an entity, and through what.

    Example: kgraph neighbors Russia --depth 2 --at 2000
    """
    from kgraph.network import ego_json
    from kgraph.network import neighbors as ego_network

    choice(fmt, ("table", "json"), "--format")
    eg = project(ctx).entity_graph()
    flt = build_filter(eg, at=at, start=start, end=end, undated=undated)
    ego = ego_network(eg, eg.resolve(name), depth, flt)
    if fmt == "json":
        typer.echo(json.dumps(ego_json(eg, ego), indent=2, ensure_ascii=False))
        return
    from kgraph.cli import render

    render.ego_tables(eg, ego)


def timeline(
    ctx: typer.Context,
    name: Optional[str] = typer.Argument(None, help="Entity id, label or alias [default: everyone].",
                                         autocompletion=complete_entity),
    start: Optional[str] = FROM,
    end: Optional[str] = TO,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Dated relations and events in date order, with their quotes; for one entity or for all.

    Example: kgraph timeline "Kim Jong-il" --from 1991 --to 2001
    """
    from kgraph.network import timeline as moments_of
    from kgraph.network import timeline_json

    choice(fmt, ("table", "json"), "--format")
    eg = project(ctx).entity_graph()
    flt = build_filter(eg, start=start, end=end)
    moments = moments_of(eg, eg.resolve(name) if name else None, flt)
    if fmt == "json":
        typer.echo(json.dumps(timeline_json(eg, moments), indent=2, ensure_ascii=False))
        return
    from kgraph.cli import render

    render.timeline_table(eg, moments)


def rank(
    ctx: typer.Context,
    metric: str = typer.Option("degree", "--metric", "-m",
                               help="degree, betweenness, closeness or pagerank."),
    types: Optional[str] = typer.Option(None, "--type", "-t", metavar="TYPES",
                                        help="Only list entities of these types, comma-separated "
                                             "(subtypes count; kgraph vocab lists them).",
                                        autocompletion=complete_types),
    at: Optional[str] = AT,
    start: Optional[str] = FROM,
    end: Optional[str] = TO,
    undated: str = UNDATED,
    top: Optional[int] = typer.Option(None, "--top", "-n", min=1, help="Only the first N."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Rank entities by a network measure: does Russia sit between the others, and when?

    The measure is taken on the whole entity graph (treaties and events join their parties).
    Example: kgraph rank --metric betweenness --type State --at 2000
    """
    from dataclasses import replace

    from kgraph.network import METRICS, ranking_json
    from kgraph.network import rank as rank_entities

    choice(metric, METRICS, "--metric")
    choice(fmt, ("table", "json"), "--format")
    eg = project(ctx).entity_graph()
    flt = build_filter(eg, at=at, start=start, end=end, undated=undated, through_types=types)
    # --type picks whom to list; the measure itself is taken over every entity.
    ranking = rank_entities(eg, metric, flt.type_closure, replace(flt, through_types=frozenset()), top)
    if ranking.sampled:
        say(f"note: {metric} estimated from {ranking.sampled} sampled sources "
            f"({ranking.nodes} entities, {ranking.links} links)")
    if fmt == "json":
        typer.echo(json.dumps(ranking_json(ranking), indent=2, ensure_ascii=False))
        return
    from kgraph.cli import render

    render.rank_table(ranking)


def draw(
    ctx: typer.Context,
    name: Optional[str] = typer.Argument(None, help="Draw this entity's neighbourhood [default: the whole graph].",
                                         autocompletion=complete_entity),
    path_ends: Optional[Tuple[str, str]] = typer.Option(None, "--path", metavar="FROM TO",
                                                        help="Draw the paths between two entities.",
                                                        autocompletion=complete_entity),
    k: int = typer.Option(1, "--k", min=1, max=MAX_PATHS,
                          help=f"With --path: draw the N shortest paths (at most {MAX_PATHS})."),
    depth: int = DEPTH,
    at: Optional[str] = AT,
    start: Optional[str] = FROM,
    end: Optional[str] = TO,
    undated: str = UNDATED,
    out: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="File to write; its suffix picks the format "
                                           "(.svg .png .html .dot .mmd)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="svg, png (both need Graphviz), html, dot or mermaid."),
) -> None:
    """A picture of the network: SVG or PNG through Graphviz, or an interactive HTML page.

    Nodes are coloured by type and edges labelled by predicate; hover shows the quote.
    Example: kgraph draw --path Russia "Kim Jong-il" -o path.svg
    """
    from kgraph import draw as pictures
    from kgraph.network import neighbors as ego_network
    from kgraph.paths import find_paths

    fmt = _draw_format(out, fmt)
    if name and path_ends:
        raise typer.BadParameter("give an entity or --path FROM TO, not both", param_hint="--path")
    eg = project(ctx).entity_graph()
    flt = build_filter(eg, at=at, start=start, end=end, undated=undated)
    if path_ends:
        first, last = eg.resolve(path_ends[0]), eg.resolve(path_ends[1])
        pic = pictures.of_paths(eg, find_paths(eg, first, last, flt, k=k),
                                f"{first.label} \u2192 {last.label}")
    elif name:
        pic = pictures.of_ego(eg, ego_network(eg, eg.resolve(name), depth, flt))
    else:
        pic = pictures.of_graph(eg, flt)
    if fmt in ("svg", "png"):
        data: bytes = pictures.render_graphviz(pictures.to_dot(pic), fmt)
    else:
        text = {"html": pictures.to_html, "dot": pictures.to_dot, "mermaid": pictures.to_mermaid}[fmt](pic)
        data = text.encode("utf-8")
    with output(out, binary=True, keep_out=project(ctx).data_dir) as handle:
        handle.write(data)
    if out and out != "-":
        say(f"wrote {out} ({fmt}, {len(pic.entities)} entities, {len(pic.edges)} relations)")


def _draw_format(out: Optional[str], fmt: Optional[str]) -> str:
    from kgraph.draw import FORMATS

    if fmt is not None:
        return choice(fmt, FORMATS, "--format")
    if out is None or out == "-":
        raise typer.BadParameter("writing to stdout needs --format (svg, png, html, dot or mermaid)",
                                 param_hint="--format")
    suffix = os.path.splitext(out)[1].lower()
    if suffix not in DRAW_SUFFIXES:
        raise typer.BadParameter(f"cannot tell the format from '{suffix or out}': use "
                                 f"{', '.join(DRAW_SUFFIXES)} or --format", param_hint="--output")
    return DRAW_SUFFIXES[suffix]


def register(app: typer.Typer) -> None:
    for command in (neighbors, timeline, rank, draw):
        app.command()(command)
