"""Commands about the network's shape: neighbors, timeline, rank, draw."""

from __future__ import annotations

import os

import typer

from kgraph.cli.context import output, pick_format, project, say
from kgraph.cli.options import (
    AT,
    DEPTH,
    FORMAT,
    FROM,
    MAX_PATHS,
    OUTPUT,
    POSSIBLY,
    STATUS,
    TO,
    UNDATED,
    build_filter,
    choice,
    complete_entity,
    complete_types,
    row_format,
)
from kgraph.formats import PICTURE, help_text, suffixes


def neighbors(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Entity id, label or alias.", autocompletion=complete_entity),
    depth: int = DEPTH,
    at: str | None = AT,
    start: str | None = FROM,
    end: str | None = TO,
    possibly: bool = POSSIBLY,
    undated: str = UNDATED,
    status: str = STATUS,
    fmt: str | None = FORMAT,
    out: str | None = OUTPUT,
) -> None:
    """The ego network: who is within --depth relations of an entity, and through what.

    JSON, CSV and TSV give both parts in one list: a row per entity (section 'entity': distance,
    label, type, id), then a row per relation (section 'relation': ids, labels, date, quote...).
    Example: kgraph neighbors Russia --depth 2 --at 2000
    """
    from kgraph.cli import render
    from kgraph.network import ego_rows
    from kgraph.network import neighbors as ego_network

    fmt = row_format(fmt, out)
    proj = project(ctx)
    eg = proj.entity_graph()
    flt = build_filter(eg, at=at, start=start, end=end, undated=undated, possibly=possibly, status=status)
    ego = ego_network(eg, eg.resolve(name, flt.window), depth, flt)
    render.emit(ego_rows(eg, ego), fmt, out, keep_out=proj.data_dir)


def timeline(
    ctx: typer.Context,
    name: str | None = typer.Argument(
        None, help="Entity id, label or alias [default: everyone].", autocompletion=complete_entity
    ),
    start: str | None = FROM,
    end: str | None = TO,
    possibly: bool = POSSIBLY,
    status: str = STATUS,
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, csv or tsv; with -o, svg or html draw it [default: table, or from -o's suffix].",
    ),
    out: str | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="Write the rows here (.json .csv .tsv), or draw the timeline "
        "(.svg .html): one lane per actor, intervals as bars, points "
        "as marks, quotes on hover.",
    ),
) -> None:
    """Dated relations and events in date order, with their quotes; for one entity or for all.

    Example: kgraph timeline "Kim Jong-il" --from 1991 --to 2001
    Example: kgraph timeline -o timeline.svg
    """
    from kgraph.network import timeline as moments_of

    if fmt is None and out is not None and out.lower().endswith(".htm"):
        fmt = "html"
    fmt = row_format(fmt, out, ("svg", "html"))
    if fmt in ("svg", "html") and out in (None, "-"):
        raise typer.BadParameter(f"{fmt} is drawn to a file: give -o FILE.{fmt}", param_hint="--format")
    eg = project(ctx).entity_graph()
    flt = build_filter(eg, start=start, end=end, possibly=possibly, status=status)
    focus = eg.resolve(name, flt.window) if name else None
    moments = moments_of(eg, focus, flt)
    if fmt in ("svg", "html"):
        from kgraph import timeline_draw

        when = "".join(f", {part}" for part in flt.describe())
        title = f"{_project_name(project(ctx).data_dir)}: timeline of {focus.label if focus else 'all actors'}{when}"
        svg = timeline_draw.to_svg(eg, moments, title, focus.id if focus else None)
        text = svg if fmt == "svg" else timeline_draw.to_html(svg, title)
        with output(out, binary=True, keep_out=project(ctx).data_dir) as handle:
            handle.write(text.encode("utf-8"))
        say(f"wrote {out} ({fmt}, {len(moments)} dated relations and events)")
        return
    from kgraph.cli import render
    from kgraph.network import timeline_rows

    render.emit(timeline_rows(eg, moments), fmt, out, keep_out=project(ctx).data_dir)


def rank(
    ctx: typer.Context,
    metric: str = typer.Option("degree", "--metric", "-m", help="degree, betweenness, closeness or pagerank."),
    types: str | None = typer.Option(
        None,
        "--type",
        "-t",
        metavar="TYPES",
        help="Only list entities of these types, comma-separated (subtypes count; kgraph vocab lists them).",
        autocompletion=complete_types,
    ),
    at: str | None = AT,
    start: str | None = FROM,
    end: str | None = TO,
    possibly: bool = POSSIBLY,
    undated: str = UNDATED,
    status: str = STATUS,
    top: int | None = typer.Option(None, "--top", "-n", min=1, help="Only the first N."),
    fmt: str | None = FORMAT,
    out: str | None = OUTPUT,
) -> None:
    """Rank entities by a network measure: does Russia sit between the others, and when?

    The measure is taken on the whole entity graph (treaties and events join their parties).
    Example: kgraph rank --metric betweenness --type State --at 2000
    """
    from dataclasses import replace

    from kgraph.cli import render
    from kgraph.network import METRICS, ranking_rows
    from kgraph.network import rank as rank_entities

    choice(metric, METRICS, "--metric")
    fmt = row_format(fmt, out)
    proj = project(ctx)
    eg = proj.entity_graph()
    flt = build_filter(
        eg, at=at, start=start, end=end, undated=undated, through_types=types, possibly=possibly, status=status
    )
    # --type picks whom to list; the measure itself is taken over every entity.
    ranking = rank_entities(eg, metric, flt.type_closure, replace(flt, through_types=frozenset()), top)
    if ranking.sampled:
        say(
            f"note: {metric} estimated from {ranking.sampled} sampled sources "
            f"({ranking.nodes} entities, {ranking.links} links)"
        )
    render.emit(ranking_rows(ranking), fmt, out, keep_out=proj.data_dir)


def draw(
    ctx: typer.Context,
    name: str | None = typer.Argument(
        None, help="Draw this entity's neighbourhood [default: the whole graph].", autocompletion=complete_entity
    ),
    path_ends: tuple[str, str] | None = typer.Option(
        None, "--path", metavar="FROM TO", help="Draw the paths between two entities.", autocompletion=complete_entity
    ),
    k: int = typer.Option(
        1, "--k", min=1, max=MAX_PATHS, help=f"With --path: draw the N shortest paths (at most {MAX_PATHS})."
    ),
    depth: int = DEPTH,
    at: str | None = AT,
    start: str | None = FROM,
    end: str | None = TO,
    possibly: bool = POSSIBLY,
    undated: str = UNDATED,
    status: str = STATUS,
    out: str | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help=f"File to write; its suffix picks the format ({suffixes((PICTURE,))}).",
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help=f"{help_text((PICTURE,))} (svg and png need Graphviz)."
    ),
    top_n: int | None = typer.Option(
        None,
        "--top",
        "-n",
        min=1,
        metavar="N",
        help="Only the N entities ranked highest by --metric within the selection: an overview that stays readable.",
    ),
    metric: str = typer.Option(
        "degree", "--metric", "-m", help="With --top: degree, betweenness, closeness or pagerank."
    ),
    engine: str = typer.Option(
        "auto",
        "--engine",
        help="Graphviz layout: auto (dot up to 40 entities, neato up to 150, "
        "then sfdp), dot, neato, sfdp, fdp, circo or twopi.",
    ),
    group: str | None = typer.Option(
        None,
        "--group",
        "-g",
        help="Box the entities by 'type' or by 'community' (Louvain "
        "modularity): an overview of a large selection. "
        "SVG, PNG and DOT; drawn with dot or fdp.",
    ),
) -> None:
    """A picture of the network: SVG or PNG through Graphviz, or an interactive HTML explorer.

    The relations between two entities are drawn as one edge per direction (one for symmetric
    predicates such as 'met'), labelled with the predicates, counts and years, thicker when many;
    nodes are coloured by type, with a legend; hover shows the quotes. The HTML page (Cytoscape.js,
    offline) has search, filters by type and predicate, and a time slider.
    Example: kgraph draw --path Russia "Kim Jong-il" -o path.svg
    """
    from kgraph import draw as pictures
    from kgraph.formats import get
    from kgraph.network import METRICS
    from kgraph.network import neighbors as ego_network
    from kgraph.paths import find_paths

    chosen = get(pick_format(fmt, out, (PICTURE,)), (PICTURE,))
    fmt = chosen.name
    choice(metric, METRICS, "--metric")
    choice(engine, pictures.ENGINES, "--engine")
    if group is not None:
        choice(group, pictures.GROUPS, "--group")
        if fmt not in ("svg", "png", "dot"):
            raise typer.BadParameter(f"groups are drawn in svg, png and dot, not {fmt}", param_hint="--group")
        if engine not in ("auto", *pictures.CLUSTER_ENGINES):
            raise typer.BadParameter(f"groups need the dot or fdp layout, not {engine}", param_hint="--group")
    if name and path_ends:
        raise typer.BadParameter("give an entity or --path FROM TO, not both", param_hint="--path")
    eg = project(ctx).entity_graph()
    flt = build_filter(eg, at=at, start=start, end=end, undated=undated, possibly=possibly, status=status)
    folder = _project_name(project(ctx).data_dir)
    when = "".join(f", {part}" for part in flt.describe())
    keep: frozenset[str] = frozenset()
    if path_ends:
        first, last = eg.resolve(path_ends[0], flt.window), eg.resolve(path_ends[1], flt.window)
        pic = pictures.of_paths(
            eg, find_paths(eg, first, last, flt, k=k), f"{folder}: {first.label} \u2192 {last.label}{when}"
        )
        keep = frozenset((first.id, last.id))
    elif name:
        center = eg.resolve(name, flt.window)
        pic = pictures.of_ego(
            eg,
            ego_network(eg, center, depth, flt),
            f"{folder}: {center.label} and its neighbours (depth {depth}){when}",
        )
        keep = frozenset((center.id,))
    else:
        pic = pictures.of_graph(eg, flt, f"{folder}: all relations{when}")
    if top_n is not None:
        pic = pictures.top(pic, top_n, metric, keep)
    import io

    data = io.BytesIO()  # drawn in full first: a Graphviz failure leaves no file
    chosen.write()(pic, data, engine, group)
    with output(out, binary=True, keep_out=project(ctx).data_dir) as handle:
        handle.write(data.getvalue())
    if out and out != "-":
        say(
            f"wrote {out} ({fmt}, {len(pic.entities)} entities, {len(pic.edges)} relations "
            f"in {len(pictures.bundles(pic))} edges)"
        )


def _project_name(data_dir: str) -> str:
    """The project's folder for titles: the data folder's own name, or its parent's when it is
    the conventional 'data'."""
    path = os.path.abspath(data_dir)
    base = os.path.basename(path)
    return os.path.basename(os.path.dirname(path)) if base == "data" else base


def register(app: typer.Typer) -> None:
    for command in (neighbors, timeline, rank, draw):
        app.command()(command)
