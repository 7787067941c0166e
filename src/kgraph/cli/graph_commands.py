"""Commands about entities and their connections: path, show (and, registered from here,
the network commands: neighbors, timeline, rank, draw)."""

from __future__ import annotations

import typer

from kgraph.cli.context import TIME_OPTION_HELP, output, pick_format, project, say, timed
from kgraph.cli.options import (
    AT,
    FROM,
    MAX_PATHS,
    POSSIBLY,
    STATUS,
    TO,
    UNDATED,
    build_filter,
    complete_entity,
    complete_predicate,
    complete_types,
    date_window,
)
from kgraph.formats import PATHS, PICTURE, help_text

#: A path prints as a table on a terminal; the registry has its JSON and every picture format.
PATH_KINDS = (PATHS, PICTURE)


def path(
    ctx: typer.Context,
    source: str = typer.Argument(
        ..., metavar="FROM", help="Entity id, label or alias.", autocompletion=complete_entity
    ),
    target: str = typer.Argument(..., metavar="TO", help="Entity id, label or alias.", autocompletion=complete_entity),
    k: int | None = typer.Option(
        None, "--k", min=1, max=MAX_PATHS, help=f"The N shortest simple paths, shortest first (at most {MAX_PATHS})."
    ),
    all_shortest: bool = typer.Option(False, "--all-shortest", help="Every path of the minimum length."),
    max_hops: int | None = typer.Option(None, "--max-hops", min=1, help="Longest path to accept."),
    via: list[str] | None = typer.Option(
        None,
        "--via",
        metavar="PREDICATE",
        help="Only relations of this type (repeatable).",
        autocompletion=complete_predicate,
    ),
    exclude: list[str] | None = typer.Option(
        None,
        "--exclude-predicate",
        metavar="PREDICATE",
        help="Never relations of this type (repeatable).",
        autocompletion=complete_predicate,
    ),
    avoid: list[str] | None = typer.Option(
        None,
        "--avoid",
        metavar="ENTITY",
        help="Never pass through this entity (repeatable).",
        autocompletion=complete_entity,
    ),
    through_types: str | None = typer.Option(
        None,
        "--through-types",
        metavar="TYPES",
        help="Types allowed for intermediate entities, comma-separated (subtypes count; kgraph vocab lists them).",
        autocompletion=complete_types,
    ),
    directed: bool = typer.Option(False, "--directed", help="Follow relations only subject to object."),
    at: str | None = AT,
    start: str | None = FROM,
    end: str | None = TO,
    possibly: bool = POSSIBLY,
    undated: str = UNDATED,
    status: str = STATUS,
    fmt: str = typer.Option("table", "--format", "-f", help=f"table, {help_text(PATH_KINDS)}."),
    time: bool = typer.Option(False, "--time", help=TIME_OPTION_HELP),
    timeout: float | None = typer.Option(
        None, "--timeout", metavar="SECONDS", help="Give up (exit 1) if the search takes longer."
    ),
) -> None:
    """How are two entities connected? The shortest paths, every hop dated and quoted.

    Example: kgraph path "Vladimir Putin" "Kim Jong-il" --k 3 --at 2000
    """
    from kgraph.deadline import interrupt_after
    from kgraph.errors import KgraphError
    from kgraph.paths import find_paths, path_json
    from kgraph.timing import phase

    fmt = pick_format(fmt, None, PATH_KINDS, "table", ("table",))
    if k is not None and all_shortest:
        raise typer.BadParameter("give either --k or --all-shortest", param_hint="--k")
    if timeout is not None and not 0 < timeout < float("inf"):
        raise typer.BadParameter("must be a number of seconds above 0", param_hint="--timeout")

    def too_slow() -> KgraphError:
        return KgraphError(
            f"the search did not finish within {timeout:g} second(s) (--timeout); "
            "ask for fewer paths (--k), constrain them (--max-hops, --via, --at) "
            "or allow more time"
        )

    with timed(time):
        eg = project(ctx).entity_graph()
        with phase("search"):
            flt = build_filter(
                eg,
                at=at,
                start=start,
                end=end,
                undated=undated,
                via=via,
                exclude=exclude,
                avoid=avoid,
                through_types=through_types,
                directed=directed,
                max_hops=max_hops,
                possibly=possibly,
                status=status,
            )
            first, last = eg.resolve(source, flt.window), eg.resolve(target, flt.window)
            if flt.avoid & {first.id, last.id}:
                raise typer.BadParameter("a path cannot avoid its own ends", param_hint="--avoid")
            with interrupt_after(timeout, too_slow):
                found = find_paths(eg, first, last, flt, k=k or 1, all_shortest=all_shortest)
        with phase("print"):
            if k and len(found) < k:
                say(f"only {len(found)} path(s) found under these constraints")
            if fmt != "table":
                from kgraph.formats import get

                chosen = get(fmt, PATH_KINDS)
                if chosen.consumes == PATHS:
                    document: object = path_json(eg, first, last, found, flt)
                else:
                    from kgraph import draw

                    document = draw.of_paths(eg, found, f"{first.label} \u2192 {last.label}")
                with output(None, binary=True) as handle:
                    chosen.write()(document, handle)
            else:
                from kgraph.cli import render

                typer.echo(f"{first.label} \u2192 {last.label}")
                for number, found_path in enumerate(found, 1):
                    render.path_table(eg, found_path, number if len(found) > 1 else None, flt.certain)


def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Entity id, label or alias.", autocompletion=complete_entity),
    at: str | None = typer.Option(
        None,
        "--at",
        metavar="DATE",
        help="The entity the name meant at this date (a name held for a "
        "period, such as Moscow for the Soviet Union 1922/1991).",
    ),
) -> None:
    """Everything known about one entity: names, type, description, and its relations both ways.

    A publication also shows its citation fields (authors, title, year...) and the relations it
    supports: those quoted from it and those that cite it.
    Example: kgraph show Moscow --at 1969
    """
    from kgraph.cli import render

    proj = project(ctx)
    eg = proj.entity_graph()
    info = eg.resolve(name, date_window(at, "--at"))
    fields: list[tuple[str, str]] = []
    vocabulary = proj.vocabulary()
    declared = vocabulary.fields(info.type)
    # A work's citation is read from the records, where the authors keep their order (the graph
    # holds them unordered); other cards stay on the cached graph, so a warm show reads no YAML.
    if declared and vocabulary.is_publication(info.type):
        extra = proj.dataset().entities[info.id].extra
        for field_name in declared:
            value = extra.get(field_name)
            if value not in (None, [], ""):
                fields.append((field_name, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    render.entity_card(eg, info, eg.edges_of(info.id), fields, eg.supported_by(info.id))


def register(app: typer.Typer) -> None:
    from kgraph.cli import network_commands

    app.command()(path)
    app.command()(show)
    network_commands.register(app)
