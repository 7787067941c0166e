"""Commands about entities and their connections: path, show."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Optional

import typer

from kgraph.cli.context import TIME_OPTION_HELP, project, timed

if TYPE_CHECKING:
    from kgraph.entitygraph import EntityGraph, EntityInfo
    from kgraph.paths import Path


def path(
    ctx: typer.Context,
    source: str = typer.Argument(..., metavar="FROM", help="Entity id, label or alias."),
    target: str = typer.Argument(..., metavar="TO", help="Entity id, label or alias."),
    max_hops: Optional[int] = typer.Option(None, "--max-hops", min=1, help="Longest path to accept."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    time: bool = typer.Option(False, "--time", help=TIME_OPTION_HELP),
) -> None:
    """How are two entities connected? The shortest path, every hop dated and quoted.

    Example: kgraph path "Vladimir Putin" "Kim Jong-il"
    """
    from kgraph.paths import shortest_path
    from kgraph.timing import phase

    if fmt not in ("table", "json"):
        raise typer.BadParameter("choose table or json", param_hint="--format")
    with timed(time):
        eg = project(ctx).entity_graph()
        with phase("search"):
            start, end = eg.resolve(source), eg.resolve(target)
            found = shortest_path(eg, start, end, max_hops)
        with phase("print"):
            _print_path(eg, start, end, found, fmt)


def _print_path(eg: EntityGraph, start: EntityInfo, end: EntityInfo, found: Path, fmt: str) -> None:
    from kgraph.paths import path_json

    if fmt == "json":
        typer.echo(json.dumps(path_json(eg, start, end, [found]), indent=2, ensure_ascii=False))
        return
    from kgraph.cli import render

    typer.echo(f"{start.label} \u2192 {end.label}")
    render.path_table(eg, found)


def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Entity id, label or alias."),
) -> None:
    """Everything known about one entity: names, type, description, and its relations both ways."""
    from kgraph.cli import render

    eg = project(ctx).entity_graph()
    info = eg.resolve(name)
    render.entity_card(eg, info, eg.edges_of(info.id))


def register(app: typer.Typer) -> None:
    app.command()(path)
    app.command()(show)
