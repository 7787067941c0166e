"""Commands that start a project or describe its files to other tools: init, schema."""

from __future__ import annotations

import typer

from kgraph.cli.context import say


def init(
    folder: str = typer.Argument(..., metavar="DIR", help="The new project's folder (new or empty)."),
    vocabulary: str = typer.Option("core", "--vocabulary", metavar="core|politics|FILE",
                                   help="The vocabulary to extend (one kgraph ships) or a file to start from."),
) -> None:
    """Start a new project in DIR: data/ (vocabulary, entities, relations, sources/) and queries/.

    The project validates at once; each file holds a commented example. An existing project is
    never overwritten. Then: cd DIR && kgraph validate.
    """
    from kgraph.newproject import create

    written = create(folder, vocabulary)
    for name in written:
        typer.echo(f"{folder.rstrip('/')}/{name}")
    say(f"created a project in {folder}: put your text in {folder.rstrip('/')}/data/sources/, "
        f"then cd {folder} && kgraph validate")


def register(app: typer.Typer) -> None:
    app.command()(init)
